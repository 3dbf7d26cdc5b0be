#include "netns.h"

#include <QThread>

#include <atomic>
#include <csignal>
#include <unistd.h>

namespace netloom::test {

namespace {
std::atomic<int> g_counter{0};
}

ScopedNetns::ScopedNetns(const QString &tag)
{
    requireRoot();
    requireTool(QStringLiteral("ip"));
    m_name = QStringLiteral("nlt-%1-%2-%3").arg(tag.left(15)).arg(::getpid()).arg(g_counter++);
    const CommandResult add = run({QStringLiteral("ip"), QStringLiteral("netns"), QStringLiteral("add"), m_name});
    if (add.exitCode != 0) {
        m_error = QStringLiteral("ip netns add %1: %2").arg(m_name, add.describe());
        return;
    }
    const CommandResult lo = exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("set"),
                                   QStringLiteral("lo"), QStringLiteral("up")});
    if (lo.exitCode != 0) {
        m_error = QStringLiteral("bringing lo up in %1: %2").arg(m_name, lo.describe());
        return;
    }
    m_ok = true;
}

ScopedNetns::~ScopedNetns()
{
    if (m_name.isEmpty())
        return;
    for (int round = 0; round < 20; ++round) {
        const QList<int> ps = pids();
        if (ps.isEmpty())
            break;
        for (int pid : ps)
            ::kill(pid, round < 5 ? SIGTERM : SIGKILL);
        QThread::msleep(50);
    }
    run({QStringLiteral("ip"), QStringLiteral("netns"), QStringLiteral("delete"), m_name});
}

QStringList ScopedNetns::prefix() const
{
    return {QStringLiteral("ip"), QStringLiteral("netns"), QStringLiteral("exec"), m_name};
}

CommandResult ScopedNetns::exec(const QStringList &argv, int timeoutMs) const
{
    return run(prefix() + argv, timeoutMs);
}

CommandResult ScopedNetns::sh(const QString &script, int timeoutMs) const
{
    return exec({QStringLiteral("/bin/sh"), QStringLiteral("-c"), script}, timeoutMs);
}

QList<int> ScopedNetns::pids() const
{
    QList<int> out;
    const CommandResult r = run({QStringLiteral("ip"), QStringLiteral("netns"), QStringLiteral("pids"), m_name}, 5000);
    for (const QByteArray &line : r.out.split('\n')) {
        bool okNum = false;
        const int pid = line.trimmed().toInt(&okNum);
        if (okNum && pid > 0)
            out.append(pid);
    }
    return out;
}

}  // namespace netloom::test
