// SPDX-License-Identifier: GPL-3.0-or-later
// Scaffolding of the runtime e2e tests: a namespace with the real helper, the demo guest,
// topology files written from JSON, and `netloomctl up --json` run inside the namespace as a
// child whose event stream the test reads.
#pragma once

#include "common/netns.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <functional>

namespace netloom::runtime::test {

// Skips (exit 77) unless root, qemu-system-x86_64, dnsmasq, nft and busybox exist and the
// demo guest can be built; returns the directory holding vmlinuz and initrd.img.
QString requireDemoGuest();

// `netloomctl up FILE --json ...` inside `ns`.
class UpProcess {
public:
    UpProcess(const netloom::test::ScopedNetns &ns, const QString &xdgDir);
    ~UpProcess();  // SIGKILL if still running

    // Runs netloomctl as `uid`:`gid` (setpriv, no supplementary groups) instead of root.
    void setUser(uint uid, uint gid) { m_wrapper = {QStringLiteral("setpriv"), QStringLiteral("--reuid=%1").arg(uid),
                                                    QStringLiteral("--regid=%1").arg(gid), QStringLiteral("--clear-groups"), QStringLiteral("--")}; }
    void start(const QStringList &args);
    // Reads what is available; returns the events parsed so far (one JSON object per line).
    const QList<QJsonObject> &events();
    // Waits (≤ timeoutMs) until `pred` holds for some event with index >= from; returns it,
    // or {} on timeout.
    QJsonObject waitEvent(const std::function<bool(const QJsonObject &)> &pred, int timeoutMs, qsizetype from = 0);
    // The first "started" or "failed" event (≤ timeoutMs); {} on timeout.
    QJsonObject waitStarted(int timeoutMs);
    // Whether a "node" event for `node` in `state` (id and state names as in the JSON)
    // comes at index >= from within timeoutMs.
    bool waitNode(const QString &node, const QString &state, int timeoutMs, qsizetype from = 0);
    // Sends `sig` and waits for the exit (≤ timeoutMs); returns the exit code or -1.
    int signalAndWait(int sig, int timeoutMs);
    int waitExit(int timeoutMs);
    QString stderrText();
    QString describe();  // last events and stderr, for failure messages
    qint64 pid() const { return m_proc.processId(); }

private:
    void pump();
    const netloom::test::ScopedNetns &m_ns;
    QString m_xdg;
    QStringList m_wrapper;
    QProcess m_proc;
    QByteArray m_buf;
    QByteArray m_err;
    QList<QJsonObject> m_events;
};

// Writes `topology` to dir/name.json and returns the path.
QString writeTopology(const QString &dir, const QString &name, const QJsonObject &topology);

// The demo topology (examples/demo.json) with kernel/initrd taken from `guestDir`.
QJsonObject demoTopology(const QString &guestDir);
// The demo's gateway with DHCP reservations that pin alpha (52:54:00:6e:6c:01) to 10.0.2.101
// and beta (...:02) to 10.0.2.102, so tests can address them.
QJsonObject withDemoReservations(QJsonObject topology);

// A system user that exists for the test's lifetime (useradd/userdel); ok() false when it
// could not be created.
class TempUser {
public:
    TempUser();
    ~TempUser();
    bool ok() const { return m_ok; }
    uint uid() const { return m_uid; }
    uint gid() const { return m_gid; }

private:
    QString m_name;
    bool m_ok = false;
    uint m_uid = 0, m_gid = 0;
};

// Lines of a file containing `needle`.
QStringList linesWith(const QString &path, const QString &needle);

// Every non-directory entry below `dir` (hidden ones and sockets included): what a run left.
QStringList filesUnder(const QString &dir);

}  // namespace netloom::runtime::test
