// SPDX-License-Identifier: GPL-3.0-or-later
// Autosave and crash recovery.
//
// Design note. While a document has unsaved changes, its topology is written every
// interval to <dir>/<key>.json (canonical topology JSON) with a sidecar <key>.meta
// ({"source": file path or "", "pid": writer's pid, "saved": ISO time}); <dir> defaults
// to QStandardPaths::AppDataLocation/autosave. The key is a hash of the absolute file
// path, or "untitled-<pid>-<n>" (n counts editor windows) for a document never saved. A
// clean save or a clean close removes the pair. At start-up, a pair counts as recoverable when its source file is older than the
// autosave (or it has no source file) and the process that wrote it is gone — so two
// running editors never steal each other's work. Writes are atomic (QSaveFile). Sizes are
// bounded by the topology format's own limits; at most kMaxCandidates files are examined.
#pragma once

#include "base/result.h"
#include "model/topology.h"

#include <QDateTime>
#include <QObject>
#include <QTimer>

namespace netloom::gui {

struct RecoveryCandidate {
    QString autosavePath;   // the .json
    QString sourcePath;     // "" for an unsaved document
    QDateTime saved;
};

class Autosave : public QObject {
    Q_OBJECT
public:
    static constexpr int kDefaultIntervalMs = 30000;
    static constexpr int kMaxCandidates = 256;

    explicit Autosave(QObject *parent = nullptr);

    void setDirectory(const QString &dir) { m_dir = dir; }
    QString directory() const { return m_dir; }
    void setInterval(int ms) { m_timer.setInterval(ms); }

    // Key of the autosave for `sourcePath` ("" = this editor's unsaved document).
    QString keyFor(const QString &sourcePath) const;
    QString autosavePathFor(const QString &sourcePath) const;

    // Starts the periodic timer; each tick emits wanted() (the owner calls save() if dirty).
    void start() { m_timer.start(); }
    void stop() { m_timer.stop(); }

    // Writes the autosave of `topology` for `sourcePath`. Touches: the autosave dir.
    Status save(const model::Topology &topology, const QString &sourcePath);
    // Removes the autosave pair of `sourcePath` if there is one.
    void discard(const QString &sourcePath);
    // Recoverable autosaves: for `sourcePath` (newer than the file, writer gone), or with
    // sourcePath "" every abandoned autosave of an unsaved document. Newest first.
    QList<RecoveryCandidate> candidates(const QString &sourcePath) const;

signals:
    void wanted();

private:
    QString m_dir;
    QString m_untitledKey;  // "untitled-<pid>-<n>": unique per editor window
    QTimer m_timer;
};

}  // namespace netloom::gui
