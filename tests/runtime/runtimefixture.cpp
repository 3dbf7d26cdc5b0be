// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtimefixture.h"

#include "common/testutil.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>

#include <csignal>
#include <pwd.h>
#include <unistd.h>

namespace netloom::runtime::test {

using namespace netloom::test;

QString requireDemoGuest()
{
    requireRoot();
    requireTool(QStringLiteral("qemu-system-x86_64"));
    requireTool(QStringLiteral("dnsmasq"));
    requireTool(QStringLiteral("nft"));
    requireTool(QStringLiteral("busybox"));
    const QString guestDir = binaryPath(QStringLiteral("tests/runtime/demo-guest"));
    const CommandResult built = run({sourcePath(QStringLiteral("scripts/build-demo-guest")), guestDir}, 60000);
    if (built.exitCode != 0 && built.err.contains("failed to find"))
        skipTest(QStringLiteral("cannot build the demo guest: ") + QString::fromUtf8(built.err.trimmed()));
    if (built.exitCode != 0)
        qFatal("build-demo-guest failed: %s", qPrintable(built.describe()));
    return guestDir;
}

UpProcess::UpProcess(const ScopedNetns &ns, const QString &xdgDir) : m_ns(ns), m_xdg(xdgDir) {}

UpProcess::~UpProcess()
{
    if (m_proc.state() != QProcess::NotRunning) {
        m_proc.kill();
        m_proc.waitForFinished(5000);
    }
}

void UpProcess::start(const QStringList &args)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_xdg);
    m_proc.setProcessEnvironment(env);
    // `ip netns exec` execs the command: the child's pid is netloomctl's.
    QStringList argv = m_ns.prefix().mid(1);
    argv << m_wrapper << binaryPath(QStringLiteral("app/cli/netloomctl")) << QStringLiteral("up") << args;
    m_proc.start(m_ns.prefix().first(), argv);
    m_proc.waitForStarted(5000);
}

void UpProcess::pump()
{
    m_buf += m_proc.readAllStandardOutput();
    m_err += m_proc.readAllStandardError();
    for (const auto &[line, object] : takeJsonLines(&m_buf))
        m_events.append(object ? *object
                               : QJsonObject{{QStringLiteral("event"), QStringLiteral("garbage")}, {QStringLiteral("line"), QString::fromUtf8(line)}});
}

const QList<QJsonObject> &UpProcess::events()
{
    pump();
    return m_events;
}

QJsonObject UpProcess::waitEvent(const std::function<bool(const QJsonObject &)> &pred, int timeoutMs, qsizetype from)
{
    QDeadlineTimer deadline(timeoutMs);
    qsizetype seen = from;
    while (true) {
        pump();
        for (; seen < m_events.size(); ++seen)
            if (pred(m_events[seen]))
                return m_events[seen];
        if (deadline.hasExpired() || m_proc.state() == QProcess::NotRunning)
            return {};
        m_proc.waitForReadyRead(50);
    }
}

QJsonObject UpProcess::waitStarted(int timeoutMs)
{
    return waitEvent([](const QJsonObject &e) {
        const QString ev = e.value(QStringLiteral("event")).toString();
        return ev == QLatin1String("started") || ev == QLatin1String("failed");
    }, timeoutMs);
}

bool UpProcess::waitNode(const QString &node, const QString &state, int timeoutMs, qsizetype from)
{
    return !waitEvent([&](const QJsonObject &e) {
                return e.value(QStringLiteral("event")).toString() == QLatin1String("node") &&
                       e.value(QStringLiteral("node")).toString() == node && e.value(QStringLiteral("state")).toString() == state;
            }, timeoutMs, from).isEmpty();
}

int UpProcess::waitExit(int timeoutMs)
{
    if (m_proc.state() != QProcess::NotRunning && !m_proc.waitForFinished(timeoutMs))
        return -1;
    pump();
    return m_proc.exitStatus() == QProcess::NormalExit ? m_proc.exitCode() : -1;
}

int UpProcess::signalAndWait(int sig, int timeoutMs)
{
    ::kill(pid_t(m_proc.processId()), sig);
    return waitExit(timeoutMs);
}

QString UpProcess::stderrText()
{
    pump();
    return QString::fromUtf8(m_err);
}

QString UpProcess::describe()
{
    pump();
    QString s = QStringLiteral("stderr: %1\nlast events:\n").arg(QString::fromUtf8(m_err.right(2000)));
    int n = 0;
    for (qsizetype i = m_events.size() - 1; i >= 0 && n < 25; --i) {
        if (m_events[i].value(QStringLiteral("event")).toString() == QLatin1String("rates"))
            continue;
        s += QString::fromUtf8(QJsonDocument(m_events[i]).toJson(QJsonDocument::Compact)).left(400) + u'\n';
        ++n;
    }
    return s;
}

QString writeTopology(const QString &dir, const QString &name, const QJsonObject &topology)
{
    const QString path = dir + u'/' + name + QStringLiteral(".json");
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    f.write(QJsonDocument(topology).toJson());
    return path;
}

QJsonObject demoTopology(const QString &guestDir)
{
    QJsonObject t = QJsonDocument::fromJson(readFile(sourcePath(QStringLiteral("examples/demo.json")))).object();
    QJsonArray nodes = t.value(QStringLiteral("nodes")).toArray();
    for (qsizetype i = 0; i < nodes.size(); ++i) {
        QJsonObject n = nodes[i].toObject();
        if (n.value(QStringLiteral("type")).toString() != QLatin1String("guest"))
            continue;
        QJsonObject g = n.value(QStringLiteral("guest")).toObject();
        g.insert(QStringLiteral("kernel"), guestDir + QStringLiteral("/vmlinuz"));
        g.insert(QStringLiteral("initrd"), guestDir + QStringLiteral("/initrd.img"));
        n.insert(QStringLiteral("guest"), g);
        nodes[i] = n;
    }
    t.insert(QStringLiteral("nodes"), nodes);
    return t;
}

QJsonObject withDemoReservations(QJsonObject topology)
{
    QJsonArray nodes = topology.value(QStringLiteral("nodes")).toArray();
    for (qsizetype i = 0; i < nodes.size(); ++i) {
        QJsonObject n = nodes[i].toObject();
        if (n.value(QStringLiteral("id")).toString() != QLatin1String("gw"))
            continue;
        QJsonObject hp = n.value(QStringLiteral("hostPort")).toObject();
        QJsonObject dhcp = hp.value(QStringLiteral("dhcp")).toObject();
        dhcp.insert(QStringLiteral("reservations"),
                    QJsonArray{QJsonObject{{QStringLiteral("mac"), QStringLiteral("52:54:00:6e:6c:01")}, {QStringLiteral("ip"), QStringLiteral("10.0.2.101")}},
                               QJsonObject{{QStringLiteral("mac"), QStringLiteral("52:54:00:6e:6c:02")}, {QStringLiteral("ip"), QStringLiteral("10.0.2.102")}}});
        hp.insert(QStringLiteral("dhcp"), dhcp);
        n.insert(QStringLiteral("hostPort"), hp);
        nodes[i] = n;
    }
    topology.insert(QStringLiteral("nodes"), nodes);
    return topology;
}

TempUser::TempUser() : m_name(QStringLiteral("nlt-rt%1").arg(::getpid() % 100000))
{
    run({QStringLiteral("userdel"), m_name}, 10000);  // a leftover of a crashed run
    const CommandResult r = run({QStringLiteral("useradd"), QStringLiteral("--system"), QStringLiteral("-M"), QStringLiteral("-U"),
                                 QStringLiteral("-s"), QStringLiteral("/usr/sbin/nologin"), m_name}, 10000);
    const passwd *pw = r.exitCode == 0 ? ::getpwnam(m_name.toLatin1().constData()) : nullptr;
    if (pw) {
        m_uid = pw->pw_uid;
        m_gid = pw->pw_gid;
        m_ok = true;
    }
}

TempUser::~TempUser()
{
    if (m_ok)
        run({QStringLiteral("userdel"), m_name}, 10000);
}

QStringList linesWith(const QString &path, const QString &needle)
{
    QStringList out;
    for (const QString &l : QString::fromUtf8(readFile(path)).split(u'\n'))
        if (l.contains(needle))
            out << l.trimmed();
    return out;
}

QStringList filesUnder(const QString &dir)
{
    QStringList out;
    QDirIterator it(dir, QDir::AllEntries | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        if (!it.fileInfo().isDir())
            out << it.filePath();
    }
    return out;
}

}  // namespace netloom::runtime::test
