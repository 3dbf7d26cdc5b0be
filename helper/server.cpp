// SPDX-License-Identifier: GPL-3.0-or-later
#include "server.h"

#include "diagnose.h"
#include "dnsmasq.h"
#include "nftscript.h"

#include "protocol/hoststatedecode.h"

#include <QJsonArray>
#include <QSet>
#include <QLocalSocket>
#include <QLoggingCategory>
#include <QTimer>

#include <sys/stat.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcServer, "netloom.helper.server")

namespace netloom::helper {

using namespace protocol;

namespace {

Error applyError(ErrorCode code, const QString &network, const QString &reason)
{
    return Error::failed(code, QStringLiteral("apply network"), network, reason);
}

QStringList capabilities()
{
    return {QStringLiteral("tap"),      QStringLiteral("bridge"),     QStringLiteral("veth"),
            QStringLiteral("vxlan"),    QStringLiteral("address"),    QStringLiteral("link"),
            QStringLiteral("forwarding"), QStringLiteral("nat"),      QStringLiteral("route"),
            QStringLiteral("dnsmasq"),  QStringLiteral("physical-uplink"), QStringLiteral("persistent"),
            QStringLiteral("impairment"), QStringLiteral("diagnose"), QStringLiteral("repair"),
            QStringLiteral("boot")};
}

}  // namespace

HelperServer::HelperServer(Journal &journal, BootStore &boot, HostOps &ops, DnsmasqSupervisor &dnsmasq,
                           Authorizer &authorizer, HelperLimits limits, QObject *parent)
    : QObject(parent), m_journal(journal), m_boot(boot), m_ops(ops), m_dnsmasq(dnsmasq), m_auth(authorizer), m_executor(ops),
      m_limits(limits)
{
    m_server.setMaxPendingConnections(16);
    connect(&m_server, &QLocalServer::newConnection, this, &HelperServer::onNewConnection);
}

HelperServer::~HelperServer()
{
    for (Connection *c : std::as_const(m_connections)) {
        if (c->socket)
            c->socket->disconnect(this);
        delete c;
    }
}

// --- start-up --------------------------------------------------------------------------

HostState HelperServer::presentPart(const HostState &committed)
{
    QSet<QString> missing;
    for (const QString &name : createdIfnames(committed))
        if (!m_ops.linkExists(name))
            missing.insert(name);
    HostState p = committed;
    p.dnsmasq.clear();  // not running: started again by the converging steps
    p.taps.removeIf([&](const TapSpec &t) { return missing.contains(t.ifname); });
    p.bridges.removeIf([&](const BridgeSpec &b) { return missing.contains(b.ifname); });
    p.veths.removeIf([&](const VethSpec &v) { return missing.contains(v.ifname) || missing.contains(v.peer); });
    p.vxlans.removeIf([&](const VxlanSpec &v) { return missing.contains(v.ifname); });
    const QStringList kept = createdIfnames(p);
    // VLAN entries a crash left are unknown too: none are assumed, so converging sets every
    // committed port's entries again (setBridgeVlans makes them exact).
    for (auto &b : p.bridges) {
        b.ports.removeIf([&](const QString &port) { return !kept.contains(port); });
        b.vlans.clear();
    }
    p.addresses.removeIf([&](const AddressSpec &a) { return !kept.contains(a.ifname); });
    p.links.removeIf([&](const LinkSpec &l) { return !kept.contains(l.ifname); });
    p.uplinks.removeIf([&](const UplinkSpec &u) { return !kept.contains(u.bridge); });
    // What qdiscs a crash left is unknown: present impairments keep only their IFB (if it
    // still exists), so converging sets every committed qdisc and redirect again.
    QList<ImpairmentSpec> impairments;
    for (const auto &i : committed.impairments) {
        const QString ifb = missing.contains(i.ifbIfname) ? QString() : i.ifbIfname;
        if (!ifb.isEmpty())
            impairments.append(ImpairmentSpec{i.ifname, {}, {}, ifb});
    }
    p.impairments = impairments;
    // A veth with one end left: remove that end first so it can be created as a pair.
    for (const auto &v : committed.veths)
        if (missing.contains(v.ifname) != missing.contains(v.peer))
            (void)m_ops.deleteLink(missing.contains(v.ifname) ? v.peer : v.ifname);
    return p;
}

Status HelperServer::recover(bool freshBoot)
{
    if (auto s = recoverJournal(); !s)
        return s;
    if (freshBoot)
        rebuildEnabled();
    return ok();
}

Status HelperServer::recoverJournal()
{
    QStringList errors;
    const QList<NetworkRecord> records = m_journal.loadAll(&errors);
    for (const QString &e : errors)
        qCWarning(lcServer).noquote() << e << "- left in place";
    // 1. Everything a previous run may have created for non-persistent networks goes, and
    //    objects an interrupted apply added to a persistent network go too.
    QList<NetworkRecord> adopted;
    for (const NetworkRecord &r : records) {
        HostState remove;
        if (!r.persistent) {
            remove = r.pending ? unionState(r.committed, *r.pending) : r.committed;
        } else if (r.pending) {
            // Objects only the pending state has: the difference committed -> union.
            const HostState all = unionState(r.committed, *r.pending);
            const QStringList keep = createdIfnames(r.committed);
            for (const auto &t : all.taps)
                if (!keep.contains(t.ifname))
                    remove.taps.append(t);
            for (const auto &b : all.bridges)
                if (!keep.contains(b.ifname))
                    remove.bridges.append(b);
            for (const auto &v : all.veths)
                if (!keep.contains(v.ifname))
                    remove.veths.append(v);
            for (const auto &v : all.vxlans)
                if (!keep.contains(v.ifname))
                    remove.vxlans.append(v);
            for (const auto &u : all.uplinks)
                if (!r.committed.uplinks.contains(u))
                    remove.uplinks.append(u);
            // Impairments the interrupted apply may have set: their redirects and qdiscs go,
            // and their IFBs unless committed ones (re-adoption sets committed ones again).
            for (ImpairmentSpec i : all.impairments) {
                if (r.committed.impairments.contains(i))
                    continue;
                if (keep.contains(i.ifbIfname))
                    i.ifbIfname.clear();
                remove.impairments.append(i);
            }
        }
        // Stale dnsmasq of this network (children of the dead helper).
        const HostState all = r.pending ? unionState(r.committed, *r.pending) : r.committed;
        for (const auto &d : all.dnsmasq)
            m_dnsmasq.cleanupStale(r.network, d.ifname);
        remove.dnsmasq.clear();
        remove.nat.clear();
        remove.ipv4Forwarding = false;
        remove.nat6.clear();
        remove.ipv6Forwarding = false;
        const QList<Step> steps = buildSteps(r.network, r.uid, remove, HostState{}, GlobalContext{});
        const int failures = m_executor.runBestEffort(steps);
        qCInfo(lcServer).noquote() << "recovery of network" << r.network << ":" << steps.size() << "cleanup steps,"
                                   << failures << "failed";
        if (r.persistent) {
            adopted.append(r);
        } else if (failures == 0) {
            (void)m_journal.remove(r.network);
        }
    }
    // 2. Re-adopt persistent networks. Their dnsmasq died with the old helper; their links
    //    normally survived — any that vanished meanwhile are created again (with what
    //    depends on them) by converging from what is present to the committed state.
    for (NetworkRecord r : adopted) {
        r.pending.reset();
        if (auto s = m_journal.save(r); !s)
            qCWarning(lcServer).noquote() << s.error().message;
        const HostState present = presentPart(r.committed);
        if (auto done = m_executor.run(buildSteps(r.network, r.uid, present, r.committed, GlobalContext{})); !done)
            qCWarning(lcServer).noquote() << "re-adopting" << r.network << ":" << done.error().message;
        m_networks.insert(r.network, Network{r.network, r.uid, true, r.committed, 0});
        qCInfo(lcServer).noquote() << "re-adopted persistent network" << r.network << "of uid" << r.uid;
    }
    // 3. Host-global state: the nftables table holds exactly the adopted networks' rules;
    //    forwarding goes back to its original value unless an adopted network needs it.
    //    With no journal at all there is nothing of ours to repair: touch nothing.
    if (records.isEmpty() && errors.isEmpty() && !m_journal.global().forwardingOriginal
        && !m_journal.global().forwarding6Original)
        return ok();
    QList<NatSpec> nat, nat6;
    bool forwarding = false, forwarding6 = false;
    for (const Network &n : std::as_const(m_networks)) {
        nat += n.state.nat;
        forwarding = forwarding || n.state.ipv4Forwarding;
        nat6 += n.state.nat6;
        forwarding6 = forwarding6 || n.state.ipv6Forwarding;
    }
    if (auto s = m_ops.loadNft(buildNftScript(nat)); !s)
        qCWarning(lcServer).noquote() << s.error().message;
    if (auto s = m_ops.loadNft(buildNft6Script(nat6)); !s)
        qCWarning(lcServer).noquote() << s.error().message;
    if (forwarding6) {
        if (auto s = m_ops.enableForwarding6({}); !s)
            qCWarning(lcServer).noquote() << s.error().message;
    } else if (auto s = m_ops.restoreForwarding6(); !s) {
        qCWarning(lcServer).noquote() << s.error().message;
    }
    if (forwarding) {
        if (auto s = m_ops.enableForwarding(); !s)
            qCWarning(lcServer).noquote() << s.error().message;
    } else if (auto s = m_ops.restoreForwarding(); !s) {
        qCWarning(lcServer).noquote() << s.error().message;
    }
    return ok();
}

Status HelperServer::listen(const QString &path)
{
    struct stat st {};
    const QByteArray p = path.toLocal8Bit();
    if (::lstat(p.constData(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode))
            return Error::failed(ErrorCode::Conflict, QStringLiteral("listen on"), path,
                                 QStringLiteral("the path exists and is not a socket"));
        ::unlink(p.constData());
    }
    m_server.setSocketOptions(QLocalServer::WorldAccessOption);
    if (!m_server.listen(path))
        return Error::failed(ErrorCode::Io, QStringLiteral("listen on"), path, m_server.errorString());
    return ok();
}

Status HelperServer::listenOnDescriptor(int fd)
{
    if (!m_server.listen(qintptr(fd)))
        return Error::failed(ErrorCode::Io, QStringLiteral("listen on"), QStringLiteral("inherited socket %1").arg(fd),
                             m_server.errorString());
    return ok();
}

void HelperServer::shutdown()
{
    m_server.close();
    const auto ids = m_networks.keys();
    for (const QString &id : ids)
        if (!m_networks.value(id).persistent)
            if (auto s = teardown(id); !s)
                qCWarning(lcServer).noquote() << s.error().message;
    m_dnsmasq.stopAll();
}

// --- connections -------------------------------------------------------------------------

void HelperServer::onNewConnection()
{
    while (QLocalSocket *sock = m_server.nextPendingConnection()) {
        auto peer = PeerInfo::fromSocket(int(sock->socketDescriptor()));
        if (!peer) {
            // Typically the connecting process is already gone. Whoever holds the socket
            // is told why, then the connection is closed.
            qCWarning(lcServer).noquote() << peer.error().message;
            const Error denied = Error::failed(ErrorCode::PermissionDenied, QStringLiteral("identify"),
                                               QStringLiteral("client"), peer.error().message);
            if (auto frame = encodeFrame(encodeResponse(Response{-1, false, {}, denied})))
                sock->write(*frame);
            connect(sock, &QLocalSocket::disconnected, sock, &QObject::deleteLater);
            sock->disconnectFromServer();
            continue;
        }
        int sameUid = 0;
        for (const Connection *c : std::as_const(m_connections))
            sameUid += c->peer.uid() == peer->uid() ? 1 : 0;
        auto *c = new Connection;
        c->id = m_nextConnection++;
        c->socket = sock;
        c->peer = std::move(peer).value();
        m_connections.insert(c->id, c);
        const quint64 id = c->id;
        sock->setParent(this);
        sock->setReadBufferSize(kReadChunk);
        c->frameTimer = new QTimer(sock);
        c->frameTimer->setSingleShot(true);
        c->frameTimer->setInterval(kFrameTimeoutMs);
        connect(c->frameTimer, &QTimer::timeout, this, [this, id] {
            if (Connection *conn = m_connections.value(id))
                closeConnection(*conn, Error::failed(ErrorCode::Timeout, QStringLiteral("read"), QStringLiteral("request"),
                                                     QStringLiteral("a started message was not completed within %1 ms")
                                                         .arg(kFrameTimeoutMs)));
        });
        connect(sock, &QLocalSocket::readyRead, this, [this, id] { onReadyRead(id); });
        connect(sock, &QLocalSocket::disconnected, this, [this, id] { onDisconnected(id); });
        qCInfo(lcServer).noquote() << "connection" << id << "from" << c->peer.describe();
        if (int(m_connections.size()) > m_limits.maxConnections || sameUid >= m_limits.maxConnectionsPerUid) {
            closeConnection(*c, Error::failed(ErrorCode::LimitExceeded, QStringLiteral("accept"), QStringLiteral("connection"),
                                              QStringLiteral("too many connections (at most %1 per user, %2 in all)")
                                                  .arg(m_limits.maxConnectionsPerUid)
                                                  .arg(m_limits.maxConnections)));
            continue;
        }
        if (sock->bytesAvailable() > 0)
            onReadyRead(id);
    }
}

void HelperServer::onReadyRead(quint64 id)
{
    Connection *c = m_connections.value(id);
    if (!c || c->closing || !c->socket)
        return;
    for (;;) {
        // Complete frames already decoded come first (a burst may hold many).
        QByteArray payload;
        while (c->queue.size() < kMaxQueuedRequests && c->decoder.takeFrame(&payload))
            c->queue.append(payload);
        if (c->decoder.failed()) {
            closeConnection(*c, Error::failed(ErrorCode::LimitExceeded, QStringLiteral("read"), QStringLiteral("message"),
                                              QStringLiteral("invalid frame length")));
            return;
        }
        if (c->queue.size() >= kMaxQueuedRequests || c->socket->bytesAvailable() <= 0)
            break;
        const QByteArray chunk = c->socket->read(kReadChunk);
        if (chunk.isEmpty())
            break;
        if (auto s = c->decoder.feed(chunk); !s) {
            closeConnection(*c, s.error());
            return;
        }
    }
    if (c->decoder.hasPartialFrame()) {
        if (!c->frameTimer->isActive())
            c->frameTimer->start();
    } else {
        c->frameTimer->stop();
    }
    processNext(id);
}

void HelperServer::onDisconnected(quint64 id)
{
    Connection *c = m_connections.take(id);
    if (!c)
        return;
    qCInfo(lcServer).noquote() << "connection" << id << "closed";
    if (c->authHandle) {
        m_auth.cancel(c->authHandle);
        qCInfo(lcServer).noquote() << "authorization for connection" << id << "cancelled: the client disconnected";
    }
    const auto ids = m_networks.keys();
    for (const QString &nid : ids) {
        const Network n = m_networks.value(nid);
        if (n.connection == id && !n.persistent) {
            qCInfo(lcServer).noquote() << "tearing down network" << nid << "of the closed connection";
            if (auto s = teardown(nid); !s)
                qCWarning(lcServer).noquote() << s.error().message;
        }
    }
    if (c->socket)
        c->socket->deleteLater();
    delete c;
}

void HelperServer::closeConnection(Connection &c, const Error &why)
{
    if (c.closing)
        return;
    qCWarning(lcServer).noquote() << "closing connection" << c.id << "(" << c.peer.describe() << "):" << why.message;
    fail(c, -1, why);
    c.closing = true;
    c.queue.clear();
    if (c.socket)
        c.socket->disconnectFromServer();  // flushes the error, then emits disconnected
}

void HelperServer::send(Connection &c, const Response &response)
{
    if (!c.socket || c.closing)
        return;
    auto frame = encodeFrame(encodeResponse(response));
    if (!frame) {
        Response r{response.id, false, {}, frame.error()};
        frame = encodeFrame(encodeResponse(r));
    }
    c.socket->write(*frame);
    if (c.socket->bytesToWrite() > kMaxPendingOutput) {
        qCWarning(lcServer).noquote() << "connection" << c.id << "does not read its responses; closing it";
        c.closing = true;
        c.queue.clear();
        // Queued: aborting emits disconnected(), which deletes the connection our callers hold.
        QMetaObject::invokeMethod(c.socket.data(), &QLocalSocket::abort, Qt::QueuedConnection);
    }
}

void HelperServer::fail(Connection &c, qint64 id, const Error &error)
{
    send(c, Response{id, false, {}, error});
}

void HelperServer::finish(quint64 id)
{
    Connection *c = m_connections.value(id);
    if (!c)
        return;
    c->busy = false;
    c->authHandle = 0;
    QTimer::singleShot(0, this, [this, id] {
        onReadyRead(id);  // reads what was held back while the queue was full, then processes
    });
}

void HelperServer::processNext(quint64 id)
{
    Connection *c = m_connections.value(id);
    if (!c || c->busy || c->closing || c->queue.isEmpty())
        return;
    const QByteArray payload = c->queue.takeFirst();
    qint64 reqId = -1;
    auto req = decodeRequest(payload, &reqId);
    c->busy = true;
    if (!req) {
        qCInfo(lcServer).noquote() << "connection" << id << "sent a bad request:" << req.error().message;
        fail(*c, reqId, req.error());
        finish(id);
        return;
    }
    handle(*c, *req);
}

// --- requests ----------------------------------------------------------------------------


void HelperServer::handle(Connection &c, const Request &r)
{
    const quint64 id = c.id;
    const auto reply = [this, id, &r](Result<QJsonObject> result) {
        Connection *conn = m_connections.value(id);
        if (!conn)
            return;
        if (result)
            send(*conn, Response{r.id, true, *result, {}});
        else
            fail(*conn, r.id, result.error());
        finish(id);
    };
    switch (r.op) {
    case Op::Hello: reply(hello(c)); return;
    case Op::List: reply(list(c)); return;
    case Op::Status: reply(status(c, r.network)); return;
    case Op::Diagnose:
        // Read-only and about the host, not a network: like hello/status/list, no polkit.
        reply(QJsonObject{{QStringLiteral("facts"), toJson(gatherFacts(r.diagnose))}});
        return;
    case Op::Repair: {
        const auto it = m_networks.constFind(r.network);
        if (it == m_networks.cend() || !mayAccess(c, *it)) {
            reply(Error::failed(ErrorCode::NotFound, QStringLiteral("repair network"), r.network,
                                QStringLiteral("no such network of yours (start it first)")));
            return;
        }
        HostState target = it->state;
        target.filterAccepts = r.repairs;
        if (auto s = validateHostState(target); !s) {
            reply(s.error());
            return;
        }
        authorizeThen(c, r, {QLatin1String(kActionManage)});
        return;
    }
    case Op::Enabled: reply(enabled(c)); return;
    case Op::Disable: {
        const Status d = checkDisable(c, r);  // the removal itself runs once authorized
        if (!d) {
            reply(d.error());
            return;
        }
        authorizeThen(c, r, {QLatin1String(kActionManage)});
        return;
    }
    case Op::Enable:  // a state to apply at boot: checked and authorized like an apply
    case Op::Apply:
        if (auto s = r.op == Op::Enable ? precheckEnable(c.peer.uid(), r) : precheckApply(c.peer.uid(), r); !s) {
            reply(s.error());
            return;
        }
        authorizeThen(c, r, r.state.uplinks.isEmpty()
                                ? QStringList{QLatin1String(kActionManage)}
                                : QStringList{QLatin1String(kActionManage), QLatin1String(kActionBridgePhysical)});
        return;
    case Op::Teardown: {
        const auto it = m_networks.constFind(r.network);
        if (it == m_networks.cend() || !mayAccess(c, *it)) {
            reply(Error::failed(ErrorCode::NotFound, QStringLiteral("tear down network"), r.network,
                                QStringLiteral("no such network of yours")));
            return;
        }
        authorizeThen(c, r, {QLatin1String(kActionManage)});
        return;
    }
    }
}

void HelperServer::authorizeThen(Connection &c, const Request &r, const QStringList &actions)
{
    if (c.peer.uid() == 0) {  // root needs no polkit (documented)
        runAuthorized(c.id, r);
        return;
    }
    checkNext(c.id, r, actions, 0);
}

void HelperServer::checkNext(quint64 id, const Request &r, const QStringList &actions, int index)
{
    // The checks run one after another; each must allow, and the pinned peer must be
    // unchanged after each answer.
    Connection *conn = m_connections.value(id);
    if (!conn)
        return;
    if (index == actions.size()) {
        runAuthorized(id, r);
        return;
    }
    const AuthSubject subject{conn->peer.pid(), conn->peer.startTime(), conn->peer.uid()};
    QMap<QString, QString> details{{QStringLiteral("network"), r.network}};
    if (actions[index] == QLatin1String(kActionBridgePhysical)) {
        QStringList names;
        for (const auto &u : r.state.uplinks)
            names << u.ifname;
        details.insert(QStringLiteral("interfaces"), names.join(u','));
    }
    conn->authHandle = m_auth.check(subject, actions[index], details, [this, id, r, actions, index](Status s) {
        Connection *c = m_connections.value(id);
        if (!c)
            return;
        c->authHandle = 0;
        if (s && !c->peer.stillSame())
            s = Error::failed(ErrorCode::PermissionDenied, QStringLiteral("authorize"), c->peer.describe(),
                              QStringLiteral("the client process exited or changed during the check"));
        if (!s) {
            qCInfo(lcServer).noquote() << "denied" << opName(r.op) << r.network << "for" << c->peer.describe() << ":"
                                       << s.error().message;
            fail(*c, r.id, s.error());
            finish(id);
            return;
        }
        checkNext(id, r, actions, index + 1);
    });
}

void HelperServer::runAuthorized(quint64 id, const Request &r)
{
    Connection *conn = m_connections.value(id);
    if (!conn)
        return;
    Result<QJsonObject> result = QJsonObject{};
    if (r.op == Op::Apply) {
        result = apply(id, conn->peer.uid(), r);
    } else if (r.op == Op::Enable) {
        result = enable(conn->peer.uid(), r);
    } else if (r.op == Op::Disable) {
        if (auto s = m_boot.remove(r.network); s) {
            m_bootOutcome.remove(r.network);
            result = QJsonObject{{QStringLiteral("network"), r.network}, {QStringLiteral("enabled"), false}};
        } else {
            result = s.error();
        }
    } else if (r.op == Op::Repair) {
        result = repair(r);
    } else if (auto s = teardown(r.network); s) {
        result = QJsonObject{{QStringLiteral("network"), r.network}};
    } else {
        result = s.error();
    }
    conn = m_connections.value(id);
    if (!conn)
        return;
    if (result)
        send(*conn, Response{r.id, true, *result, {}});
    else
        fail(*conn, r.id, result.error());
    finish(id);
}

QJsonObject HelperServer::hello(const Connection &c) const
{
    QJsonArray caps;
    for (const QString &s : capabilities())
        caps.append(s);
    return QJsonObject{{QStringLiteral("version"), kProtocolVersion},
                       {QStringLiteral("capabilities"), caps},
                       {QStringLiteral("uid"), double(c.peer.uid())},
                       {QStringLiteral("gid"), double(c.peer.gid())},
                       {QStringLiteral("pid"), double(c.peer.pid())},
                       {QStringLiteral("maxMessageBytes"), double(kMaxMessageBytes)}};
}

Result<QJsonObject> HelperServer::list(const Connection &c) const
{
    QJsonArray nets;
    for (const Network &n : m_networks)
        if (mayAccess(c, n))
            nets.append(QJsonObject{{QStringLiteral("network"), n.id},
                                    {QStringLiteral("uid"), double(n.uid)},
                                    {QStringLiteral("persistent"), n.persistent}});
    return QJsonObject{{QStringLiteral("networks"), nets}};
}

Result<QJsonObject> HelperServer::status(const Connection &c, const QString &network) const
{
    const auto it = m_networks.constFind(network);
    if (it == m_networks.cend() || !mayAccess(c, *it))
        return Error::failed(ErrorCode::NotFound, QStringLiteral("report status of network"), network,
                             QStringLiteral("no such network of yours"));
    QJsonArray dns;
    for (const auto &d : it->state.dnsmasq)
        dns.append(QJsonObject{{QStringLiteral("ifname"), d.ifname},
                               {QStringLiteral("pid"), double(m_dnsmasq.pid(network, d.ifname))},
                               {QStringLiteral("leaseFile"), m_dnsmasq.paths(network, d.ifname).leases}});
    return QJsonObject{{QStringLiteral("network"), it->id},
                       {QStringLiteral("uid"), double(it->uid)},
                       {QStringLiteral("persistent"), it->persistent},
                       {QStringLiteral("state"), toJson(it->state)},
                       {QStringLiteral("dnsmasq"), dns}};
}

// A port forward of `r` whose host (family, protocol, port) another network forwards already,
// on the same address or with either on every address.
Status HelperServer::forwardCollision(const Network &other, const Request &r)
{
    const QList<NatSpec> mineAll = r.state.nat + r.state.nat6;
    const QList<NatSpec> theirsAll = other.state.nat + other.state.nat6;
    for (const auto &mineNat : mineAll)
        for (const auto &mine : mineNat.forwards)
            for (const auto &theirNat : theirsAll)
                for (const auto &theirs : theirNat.forwards)
                    if (mine.family == theirs.family && mine.protocol == theirs.protocol && mine.hostPort == theirs.hostPort
                        && (mine.hostAddress == theirs.hostAddress || mine.hostAddress.isEmpty() || theirs.hostAddress.isEmpty()))
                        return applyError(ErrorCode::Conflict, r.network,
                                          QStringLiteral("port %1/%2 is already forwarded by network '%3'")
                                              .arg(mine.hostPort).arg(forwardProtocolName(mine.protocol), other.id));
    return ok();
}

Status HelperServer::checkPortsFree(const HostState &current, const Request &r)
{
    const QList<NatSpec> currentAll = current.nat + current.nat6;
    for (const auto &nat : r.state.nat + r.state.nat6) {
        for (const auto &f : nat.forwards) {
            bool had = false;  // this network forwards the port already: nothing new to take
            for (const auto &curNat : currentAll)
                for (const auto &c : curNat.forwards)
                    had = had || (c.family == f.family && c.protocol == f.protocol && c.hostPort == f.hostPort
                                  && c.hostAddress == f.hostAddress);
            if (had)
                continue;
            auto user = m_ops.portUser(f);
            if (!user)
                return user.error();
            if (!user->isEmpty())
                return applyError(ErrorCode::Conflict, r.network,
                                  QStringLiteral("port %1/%2 is in use by %3").arg(f.hostPort)
                                      .arg(forwardProtocolName(f.protocol), *user));
        }
    }
    return ok();
}

Status HelperServer::precheckApply(uid_t uid, const Request &r) const
{
    const auto existing = m_networks.constFind(r.network);
    if (existing != m_networks.cend() && !mayAccess(uid, existing->uid))
        return applyError(ErrorCode::PermissionDenied, r.network, QStringLiteral("the network belongs to another user"));
    if (!r.state.uplinks.isEmpty() && !r.allowPhysical)
        return applyError(ErrorCode::PermissionDenied, r.network,
                          QStringLiteral("enslaving physical interfaces needs the explicit 'allowPhysical' flag"));
    const uid_t owner = existing != m_networks.cend() ? existing->uid : uid;
    int networks = 1, taps = int(r.state.taps.size()), addresses = int(r.state.addresses.size());
    const QStringList mine = createdIfnames(r.state);
    for (const Network &n : m_networks) {
        if (n.id == r.network)
            continue;
        for (const QString &name : createdIfnames(n.state))
            if (mine.contains(name))
                return applyError(ErrorCode::Conflict, r.network,
                                  QStringLiteral("interface '%1' belongs to network '%2'").arg(name, n.id));
        if (auto st = forwardCollision(n, r); !st)
            return st;
        for (const auto &u : n.state.uplinks)
            for (const auto &mineU : r.state.uplinks)
                if (u.ifname == mineU.ifname)
                    return applyError(ErrorCode::Conflict, r.network,
                                      QStringLiteral("uplink '%1' is used by network '%2'").arg(u.ifname, n.id));
        if (n.uid == owner) {
            ++networks;
            taps += int(n.state.taps.size());
            addresses += int(n.state.addresses.size());
        }
    }
    const auto quota = [&](const QString &what, int have, int max) -> Status {
        if (have > max)
            return applyError(ErrorCode::LimitExceeded, r.network,
                              QStringLiteral("uid %1 would have %2 %3, more than the quota of %4").arg(owner).arg(have).arg(what).arg(max));
        return ok();
    };
    if (auto s = quota(QStringLiteral("networks"), networks, m_limits.maxNetworksPerUid); !s)
        return s;
    if (auto s = quota(QStringLiteral("taps"), taps, m_limits.maxTapsPerUid); !s)
        return s;
    return quota(QStringLiteral("addresses"), addresses, m_limits.maxAddressesPerUid);
}

GlobalContext HelperServer::globalContext(const QString &except) const
{
    GlobalContext g;
    for (const Network &n : m_networks) {  // QMap: sorted by id, so scripts are stable
        if (n.id == except)
            continue;
        g.otherNat += n.state.nat;
        g.otherForwarding = g.otherForwarding || n.state.ipv4Forwarding;
        g.otherNat6 += n.state.nat6;
        g.otherForwarding6 = g.otherForwarding6 || n.state.ipv6Forwarding;
    }
    return g;
}

Result<QJsonObject> HelperServer::repair(const Request &r)
{
    const auto it = m_networks.constFind(r.network);
    if (it == m_networks.cend())
        return Error::failed(ErrorCode::NotFound, QStringLiteral("repair network"), r.network,
                             QStringLiteral("the network was torn down"));
    const Network n = *it;
    HostState target = n.state;
    target.filterAccepts = r.repairs;
    if (auto s = validateHostState(target); !s)
        return s.error();
    if (r.repairForwarding && n.state.ipv4Forwarding)
        if (auto s = m_ops.enableForwarding(); !s)
            return s.error();
    auto done = converge(n, target, n.persistent, n.connection);
    if (!done)
        return done.error();
    qCInfo(lcServer).noquote() << "repaired network" << n.id << "with" << r.repairs.size() << "accept rule pair(s)";
    return QJsonObject{{QStringLiteral("network"), n.id},
                       {QStringLiteral("steps"), *done},
                       {QStringLiteral("repairs"), double(r.repairs.size())}};
}

Result<int> HelperServer::converge(Network n, const HostState &target, bool persistent, quint64 connection)
{
    const bool isNew = !m_networks.contains(n.id);
    const QList<Step> steps = buildSteps(n.id, n.uid, n.state, target, globalContext(n.id));
    NetworkRecord record{n.id, n.uid, isNew ? false : n.persistent, n.state, target};
    if (auto s = m_journal.save(record); !s)
        return s.error();
    auto done = m_executor.run(steps);
    if (!done) {
        if (isNew) {
            (void)m_journal.remove(n.id);
        } else {
            record.pending.reset();
            (void)m_journal.save(record);
        }
        return done.error();
    }
    n.state = target;
    n.persistent = persistent;
    n.connection = connection;
    record.persistent = persistent;
    record.committed = target;
    record.pending.reset();
    if (auto s = m_journal.save(record); !s)
        qCWarning(lcServer).noquote() << s.error().message;
    m_networks.insert(n.id, n);
    return *done;
}

Result<QJsonObject> HelperServer::apply(quint64 conn, uid_t callerUid, const Request &request)
{
    // Re-check: the world may have changed while polkit was thinking.
    if (auto s = precheckApply(callerUid, request); !s)
        return s.error();
    // The doctor's repairs are set by `repair` only: an apply keeps the committed ones whose
    // interface it keeps (docs/helper-protocol.md).
    Request r = request;
    r.state.filterAccepts.clear();
    if (const auto it = m_networks.constFind(r.network); it != m_networks.cend()) {
        const QStringList names = createdIfnames(r.state);
        for (const auto &f : it->state.filterAccepts)
            if (names.contains(f.ifname))
                r.state.filterAccepts.append(f);
    }
    const auto existing = m_networks.constFind(r.network);
    const bool isNew = existing == m_networks.cend();
    Network n = isNew ? Network{r.network, callerUid, r.persistent, HostState{}, 0} : *existing;
    const QList<Step> steps = buildSteps(r.network, n.uid, n.state, r.state, globalContext(r.network));
    // Refuse names that exist but are not ours BEFORE journaling them: recovery deletes
    // what the journal names, and it must never name someone else's interface.
    const QStringList owned = createdIfnames(n.state);
    for (const Step &s : steps) {
        const Action &a = s.apply;
        QStringList names;
        if (a.kind == Action::Kind::CreateTap || a.kind == Action::Kind::CreateBridge
            || a.kind == Action::Kind::CreateVxlan || a.kind == Action::Kind::CreateIfb)
            names << a.ifname;
        else if (a.kind == Action::Kind::CreateVeth)
            names << a.veth.ifname << a.veth.peer;
        for (const QString &name : names)
            if (!owned.contains(name) && m_ops.linkExists(name))
                return applyError(ErrorCode::Conflict, r.network,
                                  QStringLiteral("interface '%1' already exists and was not created by Netloom").arg(name));
    }

    // New port forwards must not take a port someone listens on (nothing is applied yet).
    if (auto s = checkPortsFree(n.state, r); !s)
        return s.error();

    // Until it commits, the record keeps the committed persistence: a crash during the first
    // apply of a "persistent" network must not make recovery adopt a network that never was.
    NetworkRecord record{r.network, n.uid, isNew ? false : n.persistent, n.state, r.state};
    if (auto s = m_journal.save(record); !s)
        return s.error();
    auto done = m_executor.run(steps);
    if (!done) {
        if (isNew) {
            (void)m_journal.remove(r.network);
        } else {
            record.pending.reset();
            (void)m_journal.save(record);
        }
        return done.error();
    }
    n.state = r.state;
    n.persistent = r.persistent;
    n.connection = r.persistent ? 0 : conn;
    record.persistent = r.persistent;
    record.committed = r.state;
    record.pending.reset();
    if (auto s = m_journal.save(record); !s)
        qCWarning(lcServer).noquote() << s.error().message;
    m_networks.insert(n.id, n);
    qCInfo(lcServer).noquote() << "applied network" << n.id << "for uid" << n.uid << "in" << *done << "steps";

    QJsonArray taps, leases;
    for (const auto &t : r.state.taps)
        taps.append(QJsonObject{{QStringLiteral("ifname"), t.ifname}, {QStringLiteral("owner"), double(n.uid)}});
    for (const auto &d : r.state.dnsmasq)
        leases.append(QJsonObject{{QStringLiteral("ifname"), d.ifname},
                                  {QStringLiteral("leaseFile"), m_dnsmasq.paths(n.id, d.ifname).leases}});
    return QJsonObject{{QStringLiteral("network"), n.id},
                       {QStringLiteral("steps"), *done},
                       {QStringLiteral("owner"), double(n.uid)},
                       {QStringLiteral("persistent"), n.persistent},
                       {QStringLiteral("taps"), taps},
                       {QStringLiteral("dnsmasq"), leases}};
}

Status HelperServer::teardown(const QString &network)
{
    const auto it = m_networks.constFind(network);
    if (it == m_networks.cend())
        return Error::failed(ErrorCode::NotFound, QStringLiteral("tear down network"), network,
                             QStringLiteral("no such network"));
    const Network n = *it;
    const QList<Step> steps = buildSteps(network, n.uid, n.state, HostState{}, globalContext(network));
    NetworkRecord record{network, n.uid, n.persistent, n.state, HostState{}};
    if (auto s = m_journal.save(record); !s)
        return s;
    auto done = m_executor.run(steps);
    if (!done) {
        record.pending.reset();
        (void)m_journal.save(record);
        return done.error();
    }
    m_networks.remove(network);
    if (auto s = m_journal.remove(network); !s)
        return s;
    qCInfo(lcServer).noquote() << "tore down network" << network << "in" << *done << "steps";
    return ok();
}

}  // namespace netloom::helper
