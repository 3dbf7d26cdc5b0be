// SPDX-License-Identifier: GPL-3.0-or-later
// Test scaffolding for running the real netloom-helper inside a test network namespace:
// start/stop/kill -9 it, and take snapshots of everything it could change ("exactly as
// before" checks: ip -d link, ip addr, bridge vlan show, nft ruleset, ip_forward, processes,
// state files).
#pragma once

#include "common/netns.h"

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace netloom::helper::test {

class HelperProcess {
public:
    // dir: scratch directory holding helper.sock and state/.
    HelperProcess(const netloom::test::ScopedNetns &ns, const QString &dir);
    ~HelperProcess();

    // Environment for the helper (e.g. DBUS_SYSTEM_BUS_ADDRESS); default: the test's own.
    void setEnvironment(const QProcessEnvironment &env) { m_proc.setProcessEnvironment(env); }
    // Starts the helper with extra arguments; waits until it accepts connections (≤10 s).
    bool start(const QStringList &extraArgs = {});
    // SIGTERM and wait (orderly shutdown).
    void stop();
    // SIGKILL, no cleanup by the helper.
    void kill9();
    qint64 pid() const { return m_proc.processId(); }
    bool running() const { return m_proc.state() == QProcess::Running; }
    QString socketPath() const { return m_dir + QStringLiteral("/helper.sock"); }
    QString stateDir() const { return m_dir + QStringLiteral("/state"); }
    // Everything the helper logged so far (stderr).
    QString log();

private:
    const netloom::test::ScopedNetns &m_ns;
    QString m_dir;
    QProcess m_proc;
    QByteArray m_log;
};

// A textual snapshot of the namespace and the helper's state directory. Processes are
// listed by command name, excluding `ignorePid` (the helper itself).
QString snapshot(const netloom::test::ScopedNetns &ns, const QString &stateDir, qint64 ignorePid);

// Polls `condition` every 20 ms for up to timeoutMs while processing events.
bool waitFor(const std::function<bool()> &condition, int timeoutMs);

}  // namespace netloom::helper::test
