// SPDX-License-Identifier: GPL-3.0-or-later
// Runtime: consoles, power actions and screenshots of running guests (issue #10; see the
// design notes in runtime.h and qemu/consoleattach.h). Split from runtime.cpp to keep each
// file readable.
#include "runtime.h"

#include "export/shellexporter.h"
#include "plan/qemuargs.h"
#include "qemu/consoleattach.h"
#include "runtimeparts.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QPointer>

#include <algorithm>
#include <sys/ioctl.h>
#include <unistd.h>

namespace netloom::runtime {

using qemu::QemuSupervisor;

Runtime::GuestRt *Runtime::findGuest(const QString &nodeOrName) const
{
    for (const auto &g : m_guests)
        if (g->plan.node == nodeOrName)
            return g.get();
    for (const auto &g : m_guests)
        if (g->plan.name == nodeOrName)
            return g.get();
    return nullptr;
}

Result<Runtime::GuestRt *> Runtime::runningGuest(const QString &node, const QString &verb) const
{
    GuestRt *g = findGuest(node);
    if (!g) {
        for (const plan::GuestPlan &gp : m_plan.runtime.guests)
            if (gp.node == node || gp.name == node)
                return Error::failed(ErrorCode::Conflict, verb, gp.name, QStringLiteral("the guest is not running (it was never started)"));
        return Error::failed(ErrorCode::NotFound, verb, node, QStringLiteral("no such guest in this topology"));
    }
    const bool up = g->sup && g->sup->state() == QemuSupervisor::State::Running &&
                    g->sup->qmp()->state() == qemu::QmpClient::State::Ready;
    if (!up) {
        const QString state = QString::fromLatin1(nodeStateName(nodeState(g->plan.node)));
        return Error::failed(ErrorCode::Conflict, verb, g->plan.name, QStringLiteral("the guest is not running (it is %1)").arg(state));
    }
    return g;
}

QString runKnownHostsPath(const QString &runtimeDir)
{
    return runtimeDir + QStringLiteral("/known_hosts");
}

QStringList sshCommand(const SshTarget &t, const QStringList &args)
{
    QStringList c{QStringLiteral("ssh"), QStringLiteral("-o"), QStringLiteral("StrictHostKeyChecking=accept-new")};
    if (!t.knownHosts.isEmpty())
        c << QStringLiteral("-o") << QStringLiteral("UserKnownHostsFile=") + t.knownHosts;
    if (!t.identity.isEmpty())
        c << QStringLiteral("-i") << t.identity << QStringLiteral("-o") << QStringLiteral("IdentitiesOnly=yes");
    for (const QString &o : t.options)
        c << QStringLiteral("-o") << o;
    if (t.port != 22)
        c << QStringLiteral("-p") << QString::number(t.port);
    c << (t.user.isEmpty() ? t.host : t.user + u'@' + t.host);
    if (!args.isEmpty())
        c << QStringLiteral("--") << args;
    return c;
}

QString sshCommandText(const SshTarget &t, const QStringList &args)
{
    static const QString safe = QStringLiteral("@%+=:,./-_");
    QStringList words;
    for (const QString &w : sshCommand(t, args)) {
        const bool plain = !w.isEmpty() && std::all_of(w.cbegin(), w.cend(), [](QChar c) {
            return (c.unicode() < 0x80 && c.isLetterOrNumber()) || safe.contains(c);
        });
        words << (plain ? w : exporter::shellQuote(w));
    }
    return words.join(u' ');
}

Result<SshTarget> Runtime::sshTarget(const QString &node) const
{
    const QString verb = QStringLiteral("ssh to");
    for (const plan::GuestPlan &gp : m_plan.runtime.guests) {
        if (gp.node != node && gp.name != node)
            continue;
        SshTarget t;
        t.user = gp.sshUser;
        t.knownHosts = runKnownHostsPath(m_plan.runtime.runtimeDir);
        for (const leases::LeaseTable &table : leaseTables())
            for (const leases::LeaseEntry &e : table.entries)
                if (e.guest == gp.name && e.state == leases::LeaseState::Bound && e.ip.value && t.host.isEmpty())
                    t.host = e.ip.toString();
        if (t.host.isEmpty() && !gp.sshForward.isEmpty()) {
            const QString address = gp.sshForward.section(u':', 0, 0);
            t.host = address.isEmpty() || address == QLatin1String("0.0.0.0") ? QStringLiteral("127.0.0.1") : address;
            t.port = gp.sshForward.section(u':', 1).toInt();
        }
        if (t.host.isEmpty())
            return Error::failed(ErrorCode::NotFound, verb, gp.name,
                                 QStringLiteral("no address known yet (no DHCP lease seen, no host forward to its port 22)"));
        return t;
    }
    return Error::failed(ErrorCode::NotFound, verb, node, QStringLiteral("no such guest in this topology"));
}

QString Runtime::serialLogPath(const QString &node) const
{
    for (const plan::GuestPlan &gp : m_plan.runtime.guests)
        if (gp.node == node || gp.name == node)
            return gp.serialLog;
    return {};
}

// The part of the serial log written before the attachment: QEMU writes each chunk to the
// client's socket first and to the log right after, so the last `unread` bytes of the log
// (counted on our end of the socket before the log's size is read) are also coming through
// the socket. Reading the count first can only make the replay repeat a few bytes, never
// lose any. Bounded by ConsoleAttachment::kMaxReplayBytes.
static QByteArray serialReplay(const QString &logPath, int fd)
{
    int unread = 0;
    if (::ioctl(fd, FIONREAD, &unread) != 0)
        unread = 0;
    QFile log(logPath);
    if (!log.open(QIODevice::ReadOnly))
        return {};
    const qint64 end = qMax<qint64>(0, log.size() - unread);
    const qint64 begin = qMax<qint64>(0, end - ConsoleAttachment::kMaxReplayBytes);
    if (!log.seek(begin))
        return {};
    return log.read(end - begin);
}

void Runtime::openConsole(const QString &node, ConsoleKind kind, std::function<void(Result<ConsoleAttachment>)> done)
{
    const QString verb = kind == ConsoleKind::Serial ? QStringLiteral("open serial console") : QStringLiteral("open console");
    Result<GuestRt *> g = runningGuest(node, verb);
    if (!g) {
        done(g.error());
        return;
    }
    const plan::GuestPlan gp = (*g)->plan;
    if (kind == ConsoleKind::Graphical && gp.display == QLatin1String("none")) {
        done(Error::failed(ErrorCode::Unsupported, verb, gp.name, QStringLiteral("the guest has no screen (display: none); use its serial console")));
        return;
    }
    const QString protocol = kind == ConsoleKind::Serial ? QString::fromLatin1(plan::kSerialChardev) : QString::fromLatin1(qemu::kVncProtocol);
    QPointer<Runtime> self(this);
    qemu::attachConsoleClient((*g)->sup->qmp(), protocol, [this, self, gp, kind, done](Result<int> fd) {
        if (!fd) {
            if (self)
                log(QStringLiteral("warning"), gp.name, fd.error().message);
            done(fd.error());
            return;
        }
        ConsoleAttachment a;
        a.fd = *fd;
        a.display = gp.display;
        if (kind == ConsoleKind::Serial)
            a.replay = serialReplay(gp.serialLog, *fd);
        if (self)
            log(QStringLiteral("info"), gp.name,
                kind == ConsoleKind::Serial ? QStringLiteral("serial console attached") : QStringLiteral("graphical console attached"));
        done(a);
    });
}

Status Runtime::guestPower(const QString &node, PowerAction action)
{
    const QString verb = QStringLiteral("%1 guest").arg(QLatin1String(powerActionName(action)));
    if (action == PowerAction::ForceOff) {
        // Also for a guest that hangs while starting or stopping.
        GuestRt *g = findGuest(node);
        if (!g || !g->sup || g->sup->pid() <= 0)
            return Error::failed(g ? ErrorCode::Conflict : ErrorCode::NotFound, verb, g ? g->plan.name : node,
                                 g ? QStringLiteral("the guest is not running") : QStringLiteral("no such guest in this topology"));
        log(QStringLiteral("warning"), g->plan.name, QStringLiteral("forced off (SIGKILL)"));
        g->sup->kill();
        return ok();
    }
    Result<GuestRt *> g = runningGuest(node, verb);
    if (!g)
        return g.error();
    const QString name = (*g)->plan.name;
    const QString id = (*g)->plan.node;
    const NodeState s = nodeState(id);
    if (action == PowerAction::Pause && s == NodeState::Paused)
        return Error::failed(ErrorCode::Conflict, verb, name, QStringLiteral("it is already paused"));
    if (action == PowerAction::Resume && s != NodeState::Paused)
        return Error::failed(ErrorCode::Conflict, verb, name, QStringLiteral("it is not paused"));
    if (action == PowerAction::Powerdown) {
        if (s == NodeState::Paused)  // a paused guest cannot see the ACPI button
            (*g)->sup->qmp()->execute(QStringLiteral("cont"), [](const Result<QJsonValue> &) {});
        log(QStringLiteral("info"), name, QStringLiteral("powering down (ACPI)"));
        (*g)->sup->stop();
        return ok();
    }
    static const char *const commands[] = {"stop", "cont", "system_reset"};
    const QString command = QString::fromLatin1(commands[int(action)]);
    QPointer<Runtime> self(this);
    (*g)->sup->qmp()->execute(command, [this, self, name, verb](const Result<QJsonValue> &r) {
        if (self && !r)
            log(QStringLiteral("error"), name, Error::failed(ErrorCode::Io, verb, name, r.error().message).message);
    });
    if (action == PowerAction::Reset)
        log(QStringLiteral("info"), name, QStringLiteral("reset"));
    return ok();
}

void Runtime::screenshot(const QString &node, const QString &path, std::function<void(Status)> done)
{
    const QString verb = QStringLiteral("take screenshot of");
    Result<GuestRt *> g = runningGuest(node, verb);
    if (!g) {
        done(g.error());
        return;
    }
    const QString name = (*g)->plan.name;
    if ((*g)->plan.display == QLatin1String("none")) {
        done(Error::failed(ErrorCode::Unsupported, verb, name, QStringLiteral("the guest has no screen (display: none)")));
        return;
    }
    if (!QDir::isAbsolutePath(path) || !QFileInfo(QFileInfo(path).absolutePath()).isDir()) {
        done(Error::failed(ErrorCode::InvalidArgument, verb, name, QStringLiteral("'%1' is not an absolute path in an existing directory").arg(path)));
        return;
    }
    const QJsonObject args{{QStringLiteral("filename"), path}, {QStringLiteral("format"), QStringLiteral("png")}};
    (*g)->sup->qmp()->execute(QStringLiteral("screendump"), args, [done, verb, name](const Result<QJsonValue> &r) {
        done(r ? ok() : Status(Error::failed(ErrorCode::Io, verb, name, r.error().message)));
    }, 15000);
}

}  // namespace netloom::runtime
