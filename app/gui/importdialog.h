// SPDX-License-Identifier: GPL-3.0-or-later
// File > Import… (issue #15 part 5): a hand-made QEMU/VDE/dnsmasq script becomes a topology.
//
// Design note. The dialog is a thin view over core/import/importer.h, which does all the
// work (pure, bounded, runs nothing). Left: the script (a paste box, or a file loaded into it,
// at most kMaxFileBytes), the rc-script branch to follow ("start") and the files the script
// refers to (dnsmasq -C, nft -f: the CLI's --with). Right: the report as a table — line,
// kind, text, detail, not-understood and ignored rows tinted — with the counts, above a
// read-only preview of the graph: the canvas's own TopologyScene on a scratch
// TopologyDocument, shown in a non-interactive CanvasView at the importer's positions.
// Every change of the text, branch or files re-imports after kDebounceMs (a synchronous
// call). Import is enabled only when the result is usable (at least one node); it emits
// importRequested(), and the owner (MainWindow) decides whether the document is replaced.
//
// Running guests (issue #15 part 4): loadRunningGuests() reads the user's own qemu-system-*
// processes (importer::listOwnQemuProcesses) and switches the dialog to that source: the
// paste box shows their command lines read-only (a "# pid N" line above each), the
// re-import goes through importer::importRunningGuests (each process reported as its pid),
// and the script-only controls (branch, referenced files) are disabled. Opening a file or
// setText() returns to the script source. Netloom never takes those processes over.
#pragma once

#include "import/importer.h"

#include <QDialog>
#include <QHash>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;
class QTimer;

namespace netloom::gui {

class CanvasView;
class TopologyDocument;
class TopologyScene;

class ImportDialog : public QDialog {
    Q_OBJECT
public:
    static constexpr int kDebounceMs = 300;
    static constexpr qint64 kMaxFileBytes = 4 * 1024 * 1024;
    static constexpr int kMaxReferencedFiles = 32;
    enum Column { ColLine, ColKind, ColText, ColDetail, ColCount };

    explicit ImportDialog(QWidget *parent = nullptr);

    // Reads at most kMaxFileBytes of `path`. Returns the bytes, or an error sentence
    // (unreadable, larger than 4 MiB) in Error::message. Touches: reads the file.
    static Result<QByteArray> readBounded(const QString &path);

    // Replaces the paste box's text (re-import follows after the debounce).
    void setText(const QString &text);
    // Loads `path` into the paste box; the topology is then named after the file. Returns ""
    // or an error sentence (also shown in the dialog). Touches: reads the file.
    QString loadFile(const QString &path);
    // Adds a file the script refers to, keyed by `path` as given (at most
    // kMaxReferencedFiles). Returns "" or an error sentence. Touches: reads the file.
    QString addReferencedFile(const QString &path);
    // Sets the rc-script branch to follow.
    void setBranch(const QString &value);
    // Reads the calling user's running QEMU processes under `procRoot` (tests pass a fake
    // /proc) and shows them as the source (see above). Returns the number of processes found,
    // or an error sentence in Error::message (also shown). Touches: reads procRoot/PID/cmdline.
    Result<int> loadRunningGuests(const QString &procRoot = QStringLiteral("/proc"));
    // Shows `guests` as the source (what loadRunningGuests does after reading /proc).
    void setRunningGuests(const QList<importer::RunningGuest> &guests);
    bool showsRunningGuests() const { return m_runningMode; }

    // Re-imports now (stops the pending debounce). Touches only the dialog's widgets.
    void reimportNow();

    // The last import: a result (possibly unusable) or the refusal of the whole input.
    bool hasResult() const { return m_hasResult; }
    const importer::ImportResult &result() const { return m_result; }
    QString statusText() const;
    bool importEnabled() const;

    QPlainTextEdit *editor() const { return m_text; }
    QLineEdit *branchEdit() const { return m_branch; }
    QTableWidget *reportTable() const { return m_table; }
    TopologyDocument *previewDocument() const { return m_previewDoc; }
    TopologyScene *previewScene() const { return m_scene; }
    QPushButton *importButton() const { return m_import; }

signals:
    // Import was pressed with a usable result: `topology` is what should be opened.
    void importRequested(const netloom::model::Topology &topology);

private:
    void scheduleReimport();
    void openFileDialog();
    void addFileDialog();
    void showResult();
    void setScriptMode();

    QPlainTextEdit *m_text = nullptr;
    QLineEdit *m_branch = nullptr;
    QLabel *m_files = nullptr;
    QLabel *m_status = nullptr;
    QTableWidget *m_table = nullptr;
    TopologyDocument *m_previewDoc = nullptr;
    TopologyScene *m_scene = nullptr;
    CanvasView *m_view = nullptr;
    QPushButton *m_import = nullptr;
    QTimer *m_debounce = nullptr;
    QHash<QString, QByteArray> m_referenced;
    QString m_name = QStringLiteral("imported");
    QString m_error;               // the refusal of the whole input, or ""
    bool m_hasResult = false;
    bool m_runningMode = false;
    QList<importer::RunningGuest> m_running;
    QPushButton *m_addFile = nullptr;
    importer::ImportResult m_result;
};

}  // namespace netloom::gui
