// SPDX-License-Identifier: GPL-3.0-or-later
#include "switchharness.h"

#include "common/testutil.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QThread>

#include <csignal>
#include <sys/stat.h>
#include <unistd.h>

namespace netloom::test {

QStringList asNobody(const ScopedNetns &ns)
{
    return ns.prefix() + QStringList{QStringLiteral("setpriv"), QStringLiteral("--reuid=%1").arg(kNobody),
                                     QStringLiteral("--regid=%1").arg(kNobody), QStringLiteral("--clear-groups"), QStringLiteral("--")};
}

NobodyDir::NobodyDir()
{
    if (m_dir.isValid()) {
        const QByteArray p = m_dir.path().toLocal8Bit();
        (void)!::chown(p.constData(), kNobody, kNobody);
        ::chmod(p.constData(), 0755);
    }
}

SwitchProcess::SwitchProcess(const ScopedNetns &ns, const QStringList &args)
{
    QStringList argv = asNobody(ns) + QStringList{binaryPath(QStringLiteral("app/cli/netloomctl")), QStringLiteral("switch")} + args
                       + QStringList{QStringLiteral("--json")};
    m_proc.start(argv.takeFirst(), argv);
    if (!m_proc.waitForStarted(5000)) {
        m_error = QStringLiteral("netloomctl switch did not start");
        return;
    }
    const QJsonObject ready = waitFor([](const QJsonObject &o) { return o[QStringLiteral("type")] == QLatin1String("ready"); }, 10000);
    if (ready.isEmpty()) {
        m_error = QStringLiteral("no ready line; stderr: %1").arg(QString::fromLocal8Bit(stderrText()));
        return;
    }
    m_ok = true;
}

SwitchProcess::~SwitchProcess()
{
    if (m_proc.state() != QProcess::NotRunning) {
        m_proc.kill();
        m_proc.waitForFinished(3000);
    }
}

void SwitchProcess::pump(int ms)
{
    m_proc.waitForReadyRead(ms);
    m_buf += m_proc.readAllStandardOutput();
    m_err += m_proc.readAllStandardError();
    for (const auto &[line, object] : takeJsonLines(&m_buf)) {
        if (object)
            m_lines.append(*object);
        else
            qWarning("switch printed a non-JSON line: %s", line.constData());
    }
}

QJsonObject SwitchProcess::waitFor(const std::function<bool(const QJsonObject &)> &pred, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    int seen = 0;
    while (true) {
        for (; seen < m_lines.size(); ++seen)
            if (pred(m_lines[seen]))
                return m_lines[seen];
        if (t.elapsed() > timeoutMs || m_proc.state() == QProcess::NotRunning)
            return {};
        pump(50);
    }
}

QList<QJsonObject> SwitchProcess::lines()
{
    pump(0);
    return m_lines;
}

QMap<int, QJsonObject> SwitchProcess::counters(int timeoutMs)
{
    const qsizetype before = m_lines.size();
    ::kill(pid_t(m_proc.processId()), SIGUSR1);
    QElapsedTimer t;
    t.start();
    QMap<int, QJsonObject> out;
    while (t.elapsed() < timeoutMs) {
        pump(50);
        for (qsizetype i = before; i < m_lines.size(); ++i) {
            if (m_lines[i][QStringLiteral("type")] != QLatin1String("counters"))
                continue;
            for (const QJsonValue &v : m_lines[i][QStringLiteral("ports")].toArray())
                out[v[QStringLiteral("port")].toInt()] = v.toObject();
            return out;
        }
    }
    return out;
}

int SwitchProcess::stop(int timeoutMs)
{
    if (m_proc.state() == QProcess::NotRunning)
        return m_proc.exitStatus() == QProcess::NormalExit ? m_proc.exitCode() : -1;
    m_proc.terminate();
    if (!m_proc.waitForFinished(timeoutMs)) {
        m_proc.kill();
        m_proc.waitForFinished(2000);
        return -1;
    }
    pump(0);
    return m_proc.exitStatus() == QProcess::NormalExit ? m_proc.exitCode() : -1;
}

VdePlugClient::VdePlugClient(const ScopedNetns &ns, const QString &url)
{
    QStringList argv = asNobody(ns) + QStringList{QStringLiteral("vde_plug"), url};
    m_proc.start(argv.takeFirst(), argv);
}

VdePlugClient::~VdePlugClient() { close(); }

void VdePlugClient::close()
{
    if (m_proc.state() != QProcess::NotRunning) {
        m_proc.closeWriteChannel();
        m_proc.kill();
        m_proc.waitForFinished(3000);
    }
}

void VdePlugClient::send(const QByteArray &frame)
{
    QByteArray b;
    b.append(char(frame.size() >> 8));
    b.append(char(frame.size()));
    m_proc.write(b + frame);
    m_proc.waitForBytesWritten(1000);
}

QList<QByteArray> VdePlugClient::receive(int atLeast, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    do {
        m_proc.waitForReadyRead(20);
        m_buf += m_proc.readAllStandardOutput();
        while (m_buf.size() >= 2) {
            const int len = (std::uint8_t(m_buf[0]) << 8) | std::uint8_t(m_buf[1]);
            if (m_buf.size() < 2 + len)
                break;
            m_frames.append(m_buf.mid(2, len));
            m_buf.remove(0, 2 + len);
        }
    } while (m_frames.size() < atLeast && t.elapsed() < timeoutMs);
    return m_frames;
}

}  // namespace netloom::test
