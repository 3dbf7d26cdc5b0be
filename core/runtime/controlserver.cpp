// SPDX-License-Identifier: GPL-3.0-or-later
#include "controlserver.h"

#include "base/fdpassing.h"
#include "plan/rundir.h"
#include "protocol/impairment.h"
#include "runtime.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocalSocket>
#include <QPointer>
#include <QTimer>

#include <poll.h>

#include <QScopeGuard>

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace netloom::runtime {

QString controlSocketPathFor(const QString &topologyName)
{
    return plan::defaultControlSocket(topologyName);
}

QJsonObject statusJson(const Runtime &rt)
{
    QJsonObject nodes;
    const auto states = rt.nodeStates();
    for (auto it = states.begin(); it != states.end(); ++it)
        nodes.insert(it.key(), QString::fromLatin1(nodeStateName(it.value())));
    return QJsonObject{{QStringLiteral("topology"), rt.topologyName()},
                       {QStringLiteral("state"), QString::fromLatin1(runStateName(rt.state()))},
                       {QStringLiteral("accelerator"), rt.accelerator()},
                       {QStringLiteral("nodes"), nodes}};
}

QJsonObject leasesJson(const Runtime &rt)
{
    QJsonArray rows;
    for (const leases::LeaseTable &t : rt.leaseTables()) {
        for (const leases::LeaseEntry &e : t.entries) {
            QJsonArray v6;
            for (const QHostAddress &a : e.ipv6)
                v6.append(a.toString());
            rows.append(QJsonObject{
                {QStringLiteral("network"), t.config.network},
                {QStringLiteral("mac"), e.mac.toString()},
                {QStringLiteral("ip"), e.ip.value ? e.ip.toString() : QString()},
                {QStringLiteral("ipv6"), v6},
                {QStringLiteral("hostname"), e.hostname},
                {QStringLiteral("guest"), e.guest},
                {QStringLiteral("nic"), e.nic},
                {QStringLiteral("port"), e.port},
                {QStringLiteral("state"), QString::fromLatin1(leases::leaseStateName(e.state))},
                {QStringLiteral("source"), QString::fromLatin1(leases::leaseSourceName(e.source))},
                {QStringLiteral("expiresAtMs"), e.expiresAtMs},
                {QStringLiteral("conflict"), e.conflict},
                {QStringLiteral("rogueServer"), e.fromRogueServer},
            });
        }
    }
    return QJsonObject{{QStringLiteral("leases"), rows}};
}

QJsonObject statsJson(const Runtime &rt)
{
    QJsonArray rows;
    for (const PortRateRow &r : rt.portRates()) {
        rows.append(QJsonObject{
            {QStringLiteral("network"), r.network},
            {QStringLiteral("port"), qint64(r.port)},
            {QStringLiteral("owner"), r.owner.isEmpty() ? r.description : r.owner},
            {QStringLiteral("rxBitsPerSec"), r.rate.rxBitsPerSec},
            {QStringLiteral("txBitsPerSec"), r.rate.txBitsPerSec},
            {QStringLiteral("rxFramesPerSec"), r.rate.rxFramesPerSec},
            {QStringLiteral("txFramesPerSec"), r.rate.txFramesPerSec},
            {QStringLiteral("rxFrames"), qint64(r.totals.rxFrames)},
            {QStringLiteral("txFrames"), qint64(r.totals.txFrames)},
            {QStringLiteral("rxBytes"), qint64(r.totals.rxBytes)},
            {QStringLiteral("txBytes"), qint64(r.totals.txBytes)},
            {QStringLiteral("drops"), qint64(r.totals.rxDrops + r.totals.txDrops)},
            // Network emulation on the port (see PortCounterValues).
            {QStringLiteral("impairDrops"), qint64(r.totals.impairDrops())},
            {QStringLiteral("impairLoss"), qint64(r.totals.impairLoss)},
            {QStringLiteral("impairQueueDrops"), qint64(r.totals.impairQueueDrops)},
            {QStringLiteral("linkDownDrops"), qint64(r.totals.linkDownDrops)},
            {QStringLiteral("impairDuplicated"), qint64(r.totals.impairDuplicated)},
            {QStringLiteral("impairCorrupted"), qint64(r.totals.impairCorrupted)},
            {QStringLiteral("impairDelayed"), qint64(r.totals.impairDelayed)},
            {QStringLiteral("mirrorDrops"), qint64(r.totals.mirrorDrops)},
        });
    }
    return QJsonObject{{QStringLiteral("ports"), rows}};
}

ControlServer::ControlServer(Runtime *runtime, QObject *parent) : QObject(parent), m_runtime(runtime)
{
    m_server.setMaxPendingConnections(kMaxClients);
    connect(&m_server, &QLocalServer::newConnection, this, &ControlServer::onNewConnection);
}

ControlServer::~ControlServer()
{
    if (m_server.isListening()) {
        m_server.close();
        QFile::remove(m_path);
    }
}

Status ControlServer::listen(const QString &path)
{
    const QString verb = QStringLiteral("listen on control socket");
    const QString dir = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(dir) || ::chmod(QFile::encodeName(dir).constData(), 0700) != 0)
        return Error::failed(ErrorCode::System, verb, path, QStringLiteral("cannot create directory '%1'").arg(dir));
    if (QFileInfo::exists(path)) {
        QLocalSocket probe;
        probe.connectToServer(path);
        if (probe.waitForConnected(500))
            return Error::failed(ErrorCode::Conflict, verb, path, QStringLiteral("another instance of this topology is running"));
        struct stat st {};
        if (::lstat(QFile::encodeName(path).constData(), &st) != 0 || !S_ISSOCK(st.st_mode))
            return Error::failed(ErrorCode::Conflict, verb, path, QStringLiteral("exists and is not a socket"));
        QFile::remove(path);  // a stale socket of an instance that died
    }
    m_server.setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server.listen(path))
        return Error::failed(ErrorCode::System, verb, path, m_server.errorString());
    ::chmod(QFile::encodeName(path).constData(), 0600);
    m_path = path;
    return ok();
}

void ControlServer::onNewConnection()
{
    while (QLocalSocket *s = m_server.nextPendingConnection()) {
        ucred cred{};
        socklen_t len = sizeof cred;
        const bool sameUser = ::getsockopt(int(s->socketDescriptor()), SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
                              cred.uid == ::getuid();
        if (!sameUser || m_clients >= kMaxClients) {
            s->write(QJsonDocument(QJsonObject{{QStringLiteral("ok"), false},
                                               {QStringLiteral("error"), sameUser ? QStringLiteral("too many clients")
                                                                                  : QStringLiteral("not your topology")}})
                         .toJson(QJsonDocument::Compact) +
                     '\n');
            s->disconnectFromServer();
            connect(s, &QLocalSocket::disconnected, s, &QObject::deleteLater);
            continue;
        }
        ++m_clients;
        auto *idle = new QTimer(s);
        idle->setSingleShot(true);
        idle->start(kIdleMs);
        connect(idle, &QTimer::timeout, s, [s] { s->abort(); });
        connect(s, &QLocalSocket::disconnected, this, [this, s] {
            --m_clients;
            s->deleteLater();
        });
        connect(s, &QLocalSocket::readyRead, s, [this, s, idle] {
            while (s->canReadLine() && !s->property("netloom-async").toBool()) {
                const QByteArray line = s->readLine(kMaxRequestBytes + 2);
                idle->start(kIdleMs);
                if (answerAsync(s, line.trimmed()))
                    break;  // the answer follows; the connection ends with it
                s->write(answer(line.trimmed()) + '\n');
            }
            if (s->bytesAvailable() > kMaxRequestBytes)
                s->abort();
        });
    }
}

namespace {

QByteArray replyLine(const Status &st, const QJsonObject &result)
{
    const QJsonObject reply = st ? QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("result"), result}}
                                 : QJsonObject{{QStringLiteral("ok"), false}, {QStringLiteral("error"), st.error().message}};
    return QJsonDocument(reply).toJson(QJsonDocument::Compact) + '\n';
}

// Writes the last answer of a connection (with `fd` attached when >= 0) and closes it.
void finishConnection(QLocalSocket *s, const QByteArray &line, int fd)
{
    if (fd >= 0) {
        s->flush();
        Result<qsizetype> sent = sendWithFd(int(s->socketDescriptor()), line, fd);
        ::close(fd);
        if (!sent) {
            s->abort();
            return;
        }
        if (*sent < line.size())
            s->write(line.mid(*sent));
    } else {
        s->write(line);
    }
    s->disconnectFromServer();
}

}  // namespace

bool ControlServer::answerAsync(QLocalSocket *s, const QByteArray &line)
{
    const QJsonObject o = QJsonDocument::fromJson(line).object();
    const QString op = o.value(QStringLiteral("op")).toString();
    if (op != QLatin1String("console") && op != QLatin1String("screenshot") && op != QLatin1String("forward"))
        return false;
    s->setProperty("netloom-async", true);
    QPointer<QLocalSocket> conn(s);
    if (op == QLatin1String("forward")) {
        // {"op":"forward","action":"add"|"remove"|"list","spec":TEXT,"gateway":ID}: answered
        // when the handler replies (an add/remove after the helper's answer), at most
        // kForwardReplyMs later.
        const QString action = o.value(QStringLiteral("action")).toString().left(16);
        const QString spec = o.value(QStringLiteral("spec")).toString().left(256);
        const QString gateway = o.value(QStringLiteral("gateway")).toString().left(kMaxNodeIdChars);
        if (!m_forwardHandler) {
            finishConnection(s, replyLine(Error::failed(ErrorCode::Unsupported, QStringLiteral("change port forwards of"),
                                                        m_runtime->topologyName(), QStringLiteral("this runtime cannot re-plan its topology")),
                                          {}),
                             -1);
            return true;
        }
        auto done = std::make_shared<bool>(false);
        auto timer = new QTimer(s);
        timer->setSingleShot(true);
        QObject::connect(timer, &QTimer::timeout, s, [conn, done, action, spec] {
            if (*done || !conn)
                return;
            *done = true;
            finishConnection(conn, replyLine(Error::failed(ErrorCode::Timeout, QStringLiteral("%1 port forward").arg(action), spec,
                                                           QStringLiteral("the helper did not answer within %1 s").arg(kForwardReplyMs / 1000)),
                                             {}),
                             -1);
        });
        timer->start(kForwardReplyMs);
        m_forwardHandler(action, spec, gateway, [conn, done, timer = QPointer<QTimer>(timer)](const Result<QJsonObject> &r) {
            if (*done)
                return;
            *done = true;
            if (timer)
                timer->stop();
            if (conn)
                finishConnection(conn, replyLine(r ? ok() : Status(r.error()), r ? *r : QJsonObject{}), -1);
        });
        return true;
    }
    const QString node = o.value(QStringLiteral("node")).toString().left(kMaxNodeIdChars);
    if (op == QLatin1String("console")) {
        // {"op":"console","node":GUEST,"kind":"serial"|"graphical"}: the answer carries the
        // console's descriptor (SCM_RIGHTS) and, for serial, the log's tail as base64.
        const QString kind = o.value(QStringLiteral("kind")).toString(QStringLiteral("serial"));
        if (kind != QLatin1String("serial") && kind != QLatin1String("graphical")) {
            finishConnection(s, replyLine(Error{ErrorCode::InvalidArgument, QStringLiteral("'kind' must be serial or graphical")}, {}), -1);
            return true;
        }
        m_runtime->openConsole(node, kind == QLatin1String("serial") ? ConsoleKind::Serial : ConsoleKind::Graphical,
                               [conn, node](Result<ConsoleAttachment> a) {
                                   if (!conn) {
                                       if (a)
                                           ::close(a->fd);
                                       return;
                                   }
                                   if (!a) {
                                       finishConnection(conn, replyLine(a.error(), {}), -1);
                                       return;
                                   }
                                   const QJsonObject result{{QStringLiteral("node"), node},
                                                            {QStringLiteral("display"), a->display},
                                                            {QStringLiteral("replay"), QString::fromLatin1(a->replay.toBase64())}};
                                   finishConnection(conn, replyLine(ok(), result), a->fd);
                               });
        return true;
    }
    // {"op":"screenshot","node":GUEST,"file":ABSOLUTE-PATH}
    const QString file = o.value(QStringLiteral("file")).toString().left(4096);
    m_runtime->screenshot(node, file, [conn, node, file](Status st) {
        if (conn)
            finishConnection(conn, replyLine(st, QJsonObject{{QStringLiteral("node"), node}, {QStringLiteral("file"), file}}), -1);
    });
    return true;
}

QByteArray ControlServer::answer(const QByteArray &line) const
{
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(line, &pe);
    const QString op = doc.object().value(QStringLiteral("op")).toString();
    QJsonObject reply;
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        reply = {{QStringLiteral("ok"), false}, {QStringLiteral("error"), QStringLiteral("request is not a JSON object")}};
    } else if (op == QLatin1String("status")) {
        reply = {{QStringLiteral("ok"), true}, {QStringLiteral("result"), statusJson(*m_runtime)}};
    } else if (op == QLatin1String("leases")) {
        reply = {{QStringLiteral("ok"), true}, {QStringLiteral("result"), leasesJson(*m_runtime)}};
    } else if (op == QLatin1String("stats")) {
        reply = {{QStringLiteral("ok"), true}, {QStringLiteral("result"), statsJson(*m_runtime)}};
    } else if (op == QLatin1String("stop-guest") || op == QLatin1String("start-guest") || op == QLatin1String("stop-network") ||
               op == QLatin1String("start-network")) {
        const QString node = doc.object().value(QStringLiteral("node")).toString().left(kMaxNodeIdChars);
        Status st = op == QLatin1String("stop-guest")    ? m_runtime->stopGuest(node)
                    : op == QLatin1String("start-guest") ? m_runtime->startGuest(node)
                    : op == QLatin1String("stop-network") ? m_runtime->stopNetwork(node)
                                                          : m_runtime->startNetwork(node);
        if (st)
            reply = {{QStringLiteral("ok"), true}, {QStringLiteral("result"), QJsonObject{{QStringLiteral("node"), node}}}};
        else
            reply = {{QStringLiteral("ok"), false}, {QStringLiteral("error"), st.error().message}};
    } else if (op == QLatin1String("ssh-target")) {
        // {"op":"ssh-target","node":GUEST} -> {"user","host","port","knownHosts"}
        const QString node = doc.object().value(QStringLiteral("node")).toString().left(kMaxNodeIdChars);
        const Result<SshTarget> t = m_runtime->sshTarget(node);
        reply = t ? QJsonObject{{QStringLiteral("ok"), true},
                                {QStringLiteral("result"), QJsonObject{{QStringLiteral("node"), node},
                                                                       {QStringLiteral("user"), t->user},
                                                                       {QStringLiteral("host"), t->host},
                                                                       {QStringLiteral("port"), t->port},
                                                                       {QStringLiteral("knownHosts"), t->knownHosts}}}}
                  : QJsonObject{{QStringLiteral("ok"), false}, {QStringLiteral("error"), t.error().message}};
    } else if (op == QLatin1String("power")) {
        // {"op":"power","node":GUEST,"action":"pause"|"resume"|"reset"|"powerdown"|"force-off"}
        const QString node = doc.object().value(QStringLiteral("node")).toString().left(kMaxNodeIdChars);
        const std::optional<PowerAction> action = powerActionFromName(doc.object().value(QStringLiteral("action")).toString());
        const Status st = action ? m_runtime->guestPower(node, *action)
                                 : Status(Error{ErrorCode::InvalidArgument, QStringLiteral("'action' must be pause, resume, reset, powerdown or force-off")});
        reply = st ? QJsonObject{{QStringLiteral("ok"), true},
                                 {QStringLiteral("result"), QJsonObject{{QStringLiteral("node"), node},
                                                                        {QStringLiteral("action"), QLatin1String(powerActionName(*action))}}}}
                   : QJsonObject{{QStringLiteral("ok"), false}, {QStringLiteral("error"), st.error().message}};
    } else if (op == QLatin1String("link")) {
        // {"op":"link","link":REF,"action":"up"|"down"|"none"|SPEC,"dir":"both"|"ab"|"ba"|"to-guest"|"from-guest"}
        const QJsonObject o = doc.object();
        const QString ref = o.value(QStringLiteral("link")).toString().left(kMaxNodeIdChars * 2 + 1);
        const QString action = o.value(QStringLiteral("action")).toString().left(protocol::impair::kMaxSpecChars + 1);
        const QString dir = o.value(QStringLiteral("dir")).toString().left(16);
        Result<QJsonObject> r = m_linkHandler
                                    ? m_linkHandler(ref, action, dir)
                                    : Result<QJsonObject>(Error::failed(ErrorCode::Unsupported, QStringLiteral("change link"), ref,
                                                                        QStringLiteral("this runtime cannot re-plan its topology")));
        reply = r ? QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("result"), *r}}
                  : QJsonObject{{QStringLiteral("ok"), false}, {QStringLiteral("error"), r.error().message}};
    } else if (op == QLatin1String("capture")) {
        // {"op":"capture","network":NAME,"port":N,"file":ABSOLUTE-PATH} ("file":"" stops).
        const QJsonObject o = doc.object();
        const QString network = o.value(QStringLiteral("network")).toString().left(kMaxNodeIdChars);
        const QString file = o.value(QStringLiteral("file")).toString();
        const double port = o.value(QStringLiteral("port")).toDouble(-1);
        Status st = ok();
        if (port < 1 || port > 65535 || port != double(quint32(port)))
            st = Error::failed(ErrorCode::InvalidArgument, QStringLiteral("capture"), network, QStringLiteral("'port' must be a port number"));
        else if (file.size() > 4096 || !o.value(QStringLiteral("file")).isString())
            st = Error::failed(ErrorCode::InvalidArgument, QStringLiteral("capture"), network, QStringLiteral("'file' must be a path (\"\" stops)"));
        else
            st = m_runtime->setCapture(network, quint32(port), file);
        if (st)
            reply = {{QStringLiteral("ok"), true},
                     {QStringLiteral("result"), QJsonObject{{QStringLiteral("network"), network}, {QStringLiteral("port"), qint64(port)},
                                                            {QStringLiteral("file"), file}}}};
        else
            reply = {{QStringLiteral("ok"), false}, {QStringLiteral("error"), st.error().message}};
    } else {
        reply = {{QStringLiteral("ok"), false}, {QStringLiteral("error"), QStringLiteral("unknown op '%1'").arg(op.left(32))}};
    }
    return QJsonDocument(reply).toJson(QJsonDocument::Compact);
}

Result<QJsonObject> queryControl(const QString &path, const QString &op, int timeoutMs)
{
    return queryControl(path, QJsonObject{{QStringLiteral("op"), op}}, timeoutMs);
}

Result<QJsonObject> queryControl(const QString &path, const QJsonObject &request, int timeoutMs)
{
    const QString verb = QStringLiteral("query");
    if (!QFileInfo::exists(path))
        return Error::failed(ErrorCode::NotFound, verb, path, QStringLiteral("no such socket (is 'netloomctl up' running?)"));
    QLocalSocket s;
    s.connectToServer(path);
    if (!s.waitForConnected(timeoutMs))
        return Error::failed(ErrorCode::Io, verb, path, s.errorString() + QStringLiteral(" (is 'netloomctl up' running?)"));
    s.write(QJsonDocument(request).toJson(QJsonDocument::Compact) + '\n');
    QElapsedTimer clock;
    clock.start();
    QByteArray buf;
    constexpr qint64 kMaxReplyBytes = 4 << 20;
    while (!buf.contains('\n')) {
        const int left = timeoutMs - int(clock.elapsed());
        if (left <= 0 || (!s.bytesAvailable() && !s.waitForReadyRead(left)))
            return Error::failed(ErrorCode::Timeout, verb, path, QStringLiteral("no answer within %1 ms").arg(timeoutMs));
        buf += s.readAll();
        if (buf.size() > kMaxReplyBytes)
            return Error::failed(ErrorCode::LimitExceeded, verb, path, QStringLiteral("answer larger than 4 MiB"));
    }
    const QJsonObject reply = QJsonDocument::fromJson(buf.left(buf.indexOf('\n'))).object();
    if (!reply.value(QStringLiteral("ok")).toBool())
        return Error::failed(ErrorCode::Protocol, verb, path, reply.value(QStringLiteral("error")).toString(QStringLiteral("malformed answer")));
    return reply.value(QStringLiteral("result")).toObject();
}

Result<ControlFdReply> queryControlFd(const QString &path, const QJsonObject &request, int timeoutMs)
{
    const QString verb = QStringLiteral("query");
    const QByteArray encoded = QFile::encodeName(path);
    sockaddr_un addr{};
    if (encoded.size() >= qsizetype(sizeof addr.sun_path))
        return Error::failed(ErrorCode::InvalidArgument, verb, path, QStringLiteral("socket path too long"));
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, encoded.constData(), std::size_t(encoded.size()));
    const int sock = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock < 0)
        return Error::failed(ErrorCode::System, verb, path, QString::fromLocal8Bit(std::strerror(errno)));
    const auto closeSock = qScopeGuard([sock] { ::close(sock); });
    if (::connect(sock, reinterpret_cast<const sockaddr *>(&addr), sizeof addr) != 0) {
        const int e = errno;
        return Error::failed(e == EACCES ? ErrorCode::PermissionDenied : ErrorCode::Io, verb, path,
                             QString::fromLocal8Bit(std::strerror(e)) +
                                 (e == EACCES ? QStringLiteral(" (the topology belongs to another user)")
                                              : QStringLiteral(" (is 'netloomctl up' running?)")));
    }
    const QByteArray line = QJsonDocument(request).toJson(QJsonDocument::Compact) + '\n';
    if (::send(sock, line.constData(), std::size_t(line.size()), MSG_NOSIGNAL) != line.size())
        return Error::failed(ErrorCode::Io, verb, path, QString::fromLocal8Bit(std::strerror(errno)));
    QElapsedTimer clock;
    clock.start();
    QByteArray buf;
    int fd = -1;
    auto closeFd = qScopeGuard([&fd] {
        if (fd >= 0)
            ::close(fd);
    });
    constexpr qint64 kMaxReplyBytes = 4 << 20;
    while (!buf.contains('\n')) {
        const int left = timeoutMs - int(clock.elapsed());
        pollfd p{sock, POLLIN, 0};
        if (left <= 0 || ::poll(&p, 1, left) <= 0)
            return Error::failed(ErrorCode::Timeout, verb, path, QStringLiteral("no answer within %1 ms").arg(timeoutMs));
        int got = -1;
        Result<QByteArray> chunk = recvWithFd(sock, 65536, &got);
        if (got >= 0) {
            if (fd >= 0)
                ::close(fd);
            fd = got;
        }
        if (!chunk)
            return Error::failed(ErrorCode::Io, verb, path, chunk.error().message);
        if (chunk->isEmpty())
            return Error::failed(ErrorCode::Protocol, verb, path, QStringLiteral("the connection closed without an answer"));
        buf += *chunk;
        if (buf.size() > kMaxReplyBytes)
            return Error::failed(ErrorCode::LimitExceeded, verb, path, QStringLiteral("answer larger than 4 MiB"));
    }
    const QJsonObject reply = QJsonDocument::fromJson(buf.left(buf.indexOf('\n'))).object();
    if (!reply.value(QStringLiteral("ok")).toBool())
        return Error::failed(ErrorCode::Protocol, verb, path, reply.value(QStringLiteral("error")).toString(QStringLiteral("malformed answer")));
    ControlFdReply out{reply.value(QStringLiteral("result")).toObject(), fd};
    fd = -1;
    return out;
}

}  // namespace netloom::runtime
