// SPDX-License-Identifier: GPL-3.0-or-later
#include "helperfixture.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QLocalSocket>
#include <QThread>

#include <csignal>

namespace netloom::helper::test {

using netloom::test::run;

HelperProcess::HelperProcess(const netloom::test::ScopedNetns &ns, const QString &dir) : m_ns(ns), m_dir(dir) {}

HelperProcess::~HelperProcess()
{
    if (running())
        stop();
}

bool HelperProcess::start(const QStringList &extraArgs)
{
    const QString helper = netloom::test::binaryPath(QStringLiteral("helper/netloom-helper"));
    QStringList args = m_ns.prefix().mid(1);
    args << helper << QStringLiteral("--socket") << socketPath() << QStringLiteral("--state-dir") << stateDir()
         << extraArgs;
    m_proc.setProcessChannelMode(QProcess::SeparateChannels);
    m_proc.start(m_ns.prefix().first(), args);
    if (!m_proc.waitForStarted(5000))
        return false;
    // This start's "ready", not an earlier one's (the log accumulates over restarts).
    const qsizetype from = m_log.size();
    QDeadlineTimer deadline(10000);
    while (!deadline.hasExpired()) {
        m_proc.waitForReadyRead(20);
        m_log += m_proc.readAllStandardError();
        if (m_log.indexOf("netloom-helper: ready", from) >= 0)
            return true;
        if (m_proc.state() != QProcess::Running)
            return false;
    }
    return false;
}

void HelperProcess::stop()
{
    if (m_proc.state() == QProcess::NotRunning)
        return;
    m_proc.terminate();
    if (!m_proc.waitForFinished(15000)) {
        m_proc.kill();
        m_proc.waitForFinished(5000);
    }
    m_log += m_proc.readAllStandardError();
}

void HelperProcess::kill9()
{
    ::kill(pid_t(m_proc.processId()), SIGKILL);
    m_proc.waitForFinished(5000);
    m_log += m_proc.readAllStandardError();
}

QString HelperProcess::log()
{
    m_log += m_proc.readAllStandardError();
    return QString::fromUtf8(m_log);
}

QString snapshot(const netloom::test::ScopedNetns &ns, const QString &stateDir, qint64 ignorePid)
{
    QString out;
    const auto add = [&](const QString &title, const QStringList &argv) {
        const auto r = ns.exec(argv, 10000);
        out += QStringLiteral("== %1 (exit %2)\n%3").arg(title).arg(r.exitCode).arg(QString::fromUtf8(r.out));
    };
    add(QStringLiteral("ip -d link"), {QStringLiteral("ip"), QStringLiteral("-d"), QStringLiteral("link")});
    add(QStringLiteral("ip addr"), {QStringLiteral("ip"), QStringLiteral("addr")});
    add(QStringLiteral("bridge vlan"), {QStringLiteral("bridge"), QStringLiteral("vlan"), QStringLiteral("show")});
    add(QStringLiteral("nft list ruleset"), {QStringLiteral("nft"), QStringLiteral("list"), QStringLiteral("ruleset")});
    add(QStringLiteral("ip_forward"), {QStringLiteral("cat"), QStringLiteral("/proc/sys/net/ipv4/ip_forward")});
    add(QStringLiteral("ipv6 forwarding"), {QStringLiteral("cat"), QStringLiteral("/proc/sys/net/ipv6/conf/all/forwarding")});
    out += QStringLiteral("== processes\n");
    QStringList procs;
    for (int pid : ns.pids()) {
        if (pid == ignorePid)
            continue;
        procs << QString::fromUtf8(netloom::test::readFile(QStringLiteral("/proc/%1/comm").arg(pid))).trimmed();
    }
    procs.sort();
    out += procs.join(u'\n') + u'\n';
    out += QStringLiteral("== files\n");
    QStringList files;
    QDirIterator it(stateDir, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        files << QDir(stateDir).relativeFilePath(it.next());
    files.sort();
    out += files.join(u'\n') + u'\n';
    return out;
}

bool waitFor(const std::function<bool()> &condition, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (condition())
            return true;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(20);
    }
    return condition();
}

}  // namespace netloom::helper::test
