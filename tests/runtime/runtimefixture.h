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

    void start(const QStringList &args);
    // Reads what is available; returns the events parsed so far (one JSON object per line).
    const QList<QJsonObject> &events();
    // Waits (≤ timeoutMs) until `pred` holds for some event with index >= from; returns it,
    // or {} on timeout.
    QJsonObject waitEvent(const std::function<bool(const QJsonObject &)> &pred, int timeoutMs, qsizetype from = 0);
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
    QProcess m_proc;
    QByteArray m_buf;
    QByteArray m_err;
    QList<QJsonObject> m_events;
};

// Writes `topology` to dir/name.json and returns the path.
QString writeTopology(const QString &dir, const QString &name, const QJsonObject &topology);

// The demo topology (examples/demo.json) with kernel/initrd taken from `guestDir`.
QJsonObject demoTopology(const QString &guestDir);

// Lines of a file containing `needle`.
QStringList linesWith(const QString &path, const QString &needle);

}  // namespace netloom::runtime::test
