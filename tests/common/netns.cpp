// SPDX-License-Identifier: GPL-3.0-or-later
#include "netns.h"

#include <QRegularExpression>
#include <QThread>

#include <atomic>
#include <csignal>
#include <arpa/inet.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>
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

PingStats ping(const ScopedNetns &ns, const QString &ip, int count, const QString &interval)
{
    const CommandResult r = ns.exec({QStringLiteral("busybox"), QStringLiteral("ping"), QStringLiteral("-q"), QStringLiteral("-c"),
                                     QString::number(count), QStringLiteral("-i"), interval, QStringLiteral("-W"), QStringLiteral("1"), ip},
                                    count * 1000 + 5000);
    PingStats s;
    const QString out = QString::fromUtf8(r.out);
    s.output = out + r.describe();
    static const QRegularExpression counts(QStringLiteral("(\\d+) packets transmitted, (\\d+) packets received"));
    static const QRegularExpression rtt(QStringLiteral("min/avg/max = ([0-9.]+)/([0-9.]+)/"));
    if (const auto m = counts.match(out); m.hasMatch()) {
        s.sent = m.captured(1).toInt();
        s.received = m.captured(2).toInt();
    }
    if (const auto m = rtt.match(out); m.hasMatch()) {
        s.minMs = m.captured(1).toDouble();
        s.avgMs = m.captured(2).toDouble();
    }
    return s;
}

int socketIn(const ScopedNetns &ns, int type, int family)
{
    const int self = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    const int target = ::open(QStringLiteral("/run/netns/%1").arg(ns.name()).toLatin1().constData(), O_RDONLY | O_CLOEXEC);
    int s = -1;
    if (self >= 0 && target >= 0 && ::setns(target, CLONE_NEWNET) == 0) {
        s = ::socket(family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (::setns(self, CLONE_NEWNET) != 0)
            qFatal("cannot return to the test's network namespace");
    }
    if (self >= 0)
        ::close(self);
    if (target >= 0)
        ::close(target);
    return s;
}

sockaddr_in addr(const char *ip, quint16 port)
{
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    ::inet_pton(AF_INET, ip, &a.sin_addr);
    return a;
}

sockaddr_in6 addr6(const char *ip, quint16 port)
{
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    ::inet_pton(AF_INET6, ip, &a.sin6_addr);
    return a;
}

Fd::~Fd()
{
    if (fd >= 0)
        ::close(fd);
}

}  // namespace netloom::test
