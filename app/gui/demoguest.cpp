// SPDX-License-Identifier: GPL-3.0-or-later
#include "demoguest.h"

#include "qemu/diskimage.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QTimer>

namespace netloom::gui {

QList<MissingDemoGuest> missingDemoGuests(const model::Topology &topology, const QString &topologyDir)
{
    QList<MissingDemoGuest> out;
    for (const model::Node &n : topology.nodes) {
        if (n.type != model::NodeType::Guest)
            continue;
        for (const QString &file : {n.guest.kernel, n.guest.initrd}) {
            const QString path = file.isEmpty() ? QString() : qemu::resolveTopologyPath(file, topologyDir);
            if (path.isEmpty() || QFileInfo(path).dir().dirName() != QLatin1String("demo-guest") || QFileInfo::exists(path))
                continue;
            const QString dir = QFileInfo(path).absolutePath();
            auto it = std::find_if(out.begin(), out.end(), [&](const MissingDemoGuest &m) { return m.dir == dir; });
            if (it == out.end()) {
                out.append(MissingDemoGuest{dir, {}, {}});
                it = out.end() - 1;
            }
            if (!it->missing.contains(path))
                it->missing.append(path);
            if (!it->guests.contains(n.name))
                it->guests.append(n.name);
        }
    }
    return out;
}

QString demoGuestScript(const QString &topologyDir)
{
    const QString env = qEnvironmentVariable("NETLOOM_DEMO_GUEST_SCRIPT");
    if (!env.isEmpty())
        return QFileInfo(env).isFile() ? QFileInfo(env).absoluteFilePath() : QString();
    if (topologyDir.isEmpty())
        return {};
    const QFileInfo inTree(QDir(topologyDir).filePath(QStringLiteral("../scripts/build-demo-guest")));
    return inTree.isFile() ? inTree.absoluteFilePath() : QString();
}

DemoGuestBuild::DemoGuestBuild(QObject *parent) : QObject(parent)
{
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (m_proc)
            m_proc->kill();  // finished() follows, reported as a timeout below
    });
}

DemoGuestBuild::~DemoGuestBuild()
{
    if (m_proc) {
        m_proc->disconnect(this);
        m_proc->kill();
        m_proc->waitForFinished(2000);
    }
}

bool DemoGuestBuild::isRunning() const
{
    return m_proc != nullptr;
}

bool DemoGuestBuild::start(const QString &script, const QString &dir)
{
    if (m_proc || !QFileInfo(script).isFile())
        return false;
    m_dir = dir;
    m_output.clear();
    m_proc = new QProcess(this);
    m_proc->setProcessChannelMode(QProcess::MergedChannels);
    connect(m_proc, &QProcess::readyRead, this, [this] {
        m_output += m_proc->readAll();
        if (m_output.size() > kMaxOutputBytes)
            m_output = m_output.right(kMaxOutputBytes);
    });
    connect(m_proc, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        const bool timedOut = !m_timer->isActive();
        m_timer->stop();
        m_output += m_proc->readAll();
        QStringList tail = QString::fromUtf8(m_output).trimmed().split(u'\n');
        if (tail.size() > 5)
            tail = tail.mid(tail.size() - 5);  // the script's last words say why
        if (status == QProcess::NormalExit && code == 0)
            done(true, {});
        else if (timedOut)
            done(false, tr("failed to build the demo guest in '%1': no result after %2 s").arg(m_dir).arg(kTimeoutMs / 1000));
        else
            done(false, tr("failed to build the demo guest in '%1': %2").arg(m_dir, tail.join(u'\n')));
    });
    connect(m_proc, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) {
            m_timer->stop();
            done(false, tr("failed to build the demo guest in '%1': %2").arg(m_dir, m_proc->errorString()));
        }
    });
    m_timer->start(kTimeoutMs);
    m_proc->start(QStringLiteral("/bin/sh"), {script, dir});
    return true;
}

void DemoGuestBuild::cancel()
{
    if (m_proc)
        m_proc->kill();
}

void DemoGuestBuild::done(bool succeeded, const QString &error)
{
    if (!m_proc)
        return;
    m_proc->deleteLater();
    m_proc = nullptr;
    emit finished(succeeded, error);
}

}  // namespace netloom::gui
