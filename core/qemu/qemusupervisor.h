// SPDX-License-Identifier: GPL-3.0-or-later
// QemuSupervisor: runs one QEMU guest and watches it over QMP.
//
// Design note.
// - Input is complete: the planner builds the argv (argv[0] = qemu-system-* by name or
//   path, no shell); the supervisor only adds "-qmp unix:<socket>,server=on,wait=off",
//   "-serial file:<log>" (when a log is asked for) and "-name <guest>", and refuses argvs
//   that already set -qmp/-serial (for a log)/-daemonize, so it always owns the monitor.
// - Before launch it resolves the binary, checks every file the argv reads (-kernel,
//   -initrd, -drive file=, ...) and refuses "-accel kvm" when /dev/kvm is unusable — each
//   failure is one clear error naming the guest.
// - The child gets a clean environment (PATH, LC_ALL=C), its own session/process group
//   (setsid) so a stop signals QEMU and anything it spawned, and PR_SET_PDEATHSIG=SIGKILL so
//   it never outlives the process (strictly: the thread) that started it.
// - States: Idle -> Starting (process up, QMP negotiating, query-status, query-kvm) ->
//   Running -> Stopping -> Stopped; Failed (with a reason) from anywhere. QEMU exiting while
//   Starting is a failure carrying the tail of its output.
// - Graceful stop: system_powerdown (ACPI), wait powerdownMs; then QMP quit, wait quitMs;
//   then SIGTERM to the group, wait termMs; then SIGKILL. Each step is skipped when it
//   cannot apply (no QMP yet). stoppedBy() tells which step ended the guest.
#pragma once

#include "base/result.h"
#include "qmpclient.h"

#include <QJsonObject>
#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QTimer>

namespace netloom::qemu {

struct GuestLaunch {
    QString name;               // guest name, used in every message
    QStringList argv;           // argv[0] = QEMU binary
    QString qmpSocket;          // unix socket path for QMP (at most 107 bytes)
    QString serialLog;          // "" = serial left to the argv
    // The argv's serial chardev socket (server=on), or "": a stale one is removed before
    // launch, and it is unlinked once QMP answers, so nothing can connect to the serial port
    // afterwards — consoles attach through QMP add_client (consoleattach.h).
    QString serialSocket;
    QStringList requiredFiles;  // extra files that must exist before launch
    QString workingDirectory;   // "" = inherit
};

struct SupervisorTimeouts {
    int qmpConnectMs = 15000;   // launch -> QMP ready
    int powerdownMs = 30000;    // system_powerdown -> QEMU gone
    int quitMs = 5000;          // quit -> QEMU gone
    int termMs = 5000;          // SIGTERM -> gone
    int killMs = 5000;          // SIGKILL -> gone (then Failed)
};

class QemuSupervisor : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Starting, Running, Stopping, Stopped, Failed };
    Q_ENUM(State)
    enum class StopStep { None, GuestShutdown, Powerdown, Quit, Terminate, Kill };
    Q_ENUM(StopStep)

    // Bytes of QEMU's merged stdout/stderr kept for error messages.
    static constexpr qsizetype kOutputTailBytes = 8192;

    explicit QemuSupervisor(const GuestLaunch &launch, const SupervisorTimeouts &timeouts = {},
                            QObject *parent = nullptr);
    // Kills the process group (SIGKILL) if QEMU still runs, waiting at most killMs.
    ~QemuSupervisor() override;

    // Validates and launches. Returns the validation/launch error (state becomes Failed with
    // the same reason) or ok() (state Starting; Running follows when QMP answers).
    Status start();
    // Graceful stop sequence (see the design note). No-op unless Starting/Running.
    void stop();
    // SIGKILL to the process group at once.
    void kill();

    State state() const { return m_state; }
    QString reason() const { return m_reason; }       // why Failed/Stopped
    StopStep stoppedBy() const { return m_stoppedBy; }
    const QString &name() const { return m_launch.name; }
    qint64 pid() const;
    // "kvm" or "tcg" as confirmed by QMP query-kvm once Running; before that what the argv asks.
    QString accelerator() const { return m_accel; }
    QString runStatus() const { return m_runStatus; }  // QMP query-status "status"
    QString outputTail() const { return QString::fromUtf8(m_output); }
    // The argv actually executed (after the additions above); empty before start().
    QStringList effectiveArgv() const { return m_effectiveArgv; }
    QmpClient *qmp() { return &m_qmp; }

    static const char *stateName(State s);

signals:
    void stateChanged(netloom::qemu::QemuSupervisor::State state, const QString &reason);
    // Every QMP event (SHUTDOWN, POWERDOWN, RESET, STOP, RESUME, ...).
    void qmpEvent(const QString &name, const QJsonObject &data);

private:
    void setState(State s, const QString &reason = QString());
    void fail(const QString &message);
    void onQmpReady();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void onProcessError(QProcess::ProcessError error);
    void nextStopStep();
    void signalGroup(int sig);
    QString tailForMessage() const;

    GuestLaunch m_launch;
    SupervisorTimeouts m_timeouts;
    QProcess m_process;
    QmpClient m_qmp;
    QTimer m_stepTimer;
    State m_state = State::Idle;
    StopStep m_stoppedBy = StopStep::None;
    StopStep m_step = StopStep::None;
    bool m_stopRequested = false;
    bool m_guestShutdown = false;
    qint64 m_pgid = 0;
    QString m_reason;
    QString m_accel;
    QString m_runStatus;
    QByteArray m_output;
    QStringList m_effectiveArgv;
};

}  // namespace netloom::qemu
