// SPDX-License-Identifier: GPL-3.0-or-later
// The demo guest at Start (issue #16, part 6): examples/demo.json's guests boot
// demo-guest/vmlinuz + demo-guest/initrd.img, which scripts/build-demo-guest makes from this
// machine's kernel, busybox and dropbear (no network, a few seconds). Instead of failing at
// Start because those files were never built, the app notices guests whose kernel or initrd
// lies in a folder named "demo-guest" and is missing, and offers to build it.
//
// Design note. Finding what is missing is pure (stat only) and separate from running the
// script (DemoGuestBuild, one QProcess with a bounded run time and bounded captured output),
// so both are tested without the window. The script is looked up next to the topology
// (a source tree's examples/ -> ../scripts/build-demo-guest) or named by
// $NETLOOM_DEMO_GUEST_SCRIPT; an installed Netloom without the source tree has none, and
// Start then reports what to run instead of offering a button that cannot work.
#pragma once

#include "model/topology.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

class QProcess;
class QTimer;

namespace netloom::gui {

// One demo-guest folder some guests boot from, with the files of it they need that do not
// exist (absolute paths) and the names of those guests.
struct MissingDemoGuest {
    QString dir;
    QStringList missing;
    QStringList guests;
};

// The demo-guest folders of `topology` (kernel/initrd paths resolved against `topologyDir`,
// whose folder is named "demo-guest") that lack a file, in node order, one entry per folder.
// Touches: stat.
QList<MissingDemoGuest> missingDemoGuests(const model::Topology &topology, const QString &topologyDir);

// The build-demo-guest script to run for a topology in `topologyDir`: $NETLOOM_DEMO_GUEST_SCRIPT
// when set, else <topologyDir>/../scripts/build-demo-guest when it exists (a source tree's
// examples/), else "". Touches: stat, the environment.
QString demoGuestScript(const QString &topologyDir);

// Runs `sh SCRIPT DIR` once. finished() is emitted exactly once, after the process ended or
// was stopped (kTimeoutMs, cancel()); on failure `error` says why and ends with the last
// lines of the script's output.
class DemoGuestBuild : public QObject {
    Q_OBJECT
public:
    static constexpr int kTimeoutMs = 180'000;          // the script takes seconds; TCG-free
    static constexpr qsizetype kMaxOutputBytes = 64 * 1024;  // output kept (the tail)

    explicit DemoGuestBuild(QObject *parent = nullptr);
    ~DemoGuestBuild() override;

    // Starts the script. Returns false (and emits nothing) when it is already running or the
    // script does not exist.
    bool start(const QString &script, const QString &dir);
    void cancel();
    bool isRunning() const;

signals:
    void finished(bool succeeded, const QString &error);

private:
    void done(bool succeeded, const QString &error);

    QPointer<QProcess> m_proc;
    QTimer *m_timer = nullptr;
    QByteArray m_output;
    QString m_dir;
};

}  // namespace netloom::gui
