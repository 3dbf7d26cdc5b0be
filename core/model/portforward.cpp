// SPDX-License-Identifier: GPL-3.0-or-later
#include "portforward.h"

#include <QHash>
#include <QRegularExpression>
#include <QSet>

namespace netloom::model {

QList<GuestNicRef> guestNicsOnNetwork(const Topology &t, const QString &hostPortId)
{
    QList<GuestNicRef> out;
    const Node *start = t.node(hostPortId);
    if (!start || start->type != NodeType::HostPort)
        return out;
    QHash<QString, QList<const Link *>> byNode;  // node id -> links touching it
    for (const Link &l : t.links) {
        byNode[l.a.node].append(&l);
        if (l.b.node != l.a.node)
            byNode[l.b.node].append(&l);
    }
    QSet<QString> seenNodes{hostPortId};
    QSet<QString> seenNics;
    QList<QString> queue{hostPortId};
    for (qsizetype head = 0; head < queue.size(); ++head) {
        const QString here = queue[head];
        for (const Link *l : byNode.value(here)) {
            const Endpoint &other = l->a.node == here ? l->b : l->a;
            const Node *n = t.node(other.node);
            if (!n)
                continue;
            if (n->type == NodeType::Guest) {
                const QString key = n->id + QChar(0) + other.nic;
                if (!other.nic.isEmpty() && !seenNics.contains(key)) {
                    seenNics.insert(key);
                    out.append(GuestNicRef{n->id, other.nic});
                }
            } else if (n->type == NodeType::Switch && !seenNodes.contains(n->id)) {
                seenNodes.insert(n->id);
                queue.append(n->id);
            }
        }
    }
    return out;
}

QList<GatewayOfGuest> natGatewaysOfGuest(const Topology &t, const QString &guestId)
{
    QList<GatewayOfGuest> out;
    for (const Node &n : t.nodes) {
        if (n.type != NodeType::HostPort || n.hostPort.nat.mode == NatConfig::Mode::None)
            continue;
        for (const GuestNicRef &r : guestNicsOnNetwork(t, n.id))
            if (r.guest == guestId)
                out.append(GatewayOfGuest{n.id, r.nic});
    }
    return out;
}

QString forwardNic(const Topology &t, const QString &gatewayId, const PortForward &forward, QString *reason)
{
    const Node *g = t.node(forward.guest);
    if (!g || g->type != NodeType::Guest) {
        *reason = QStringLiteral("'%1' is not a guest of this topology").arg(forward.guest.left(limits::kMaxIdChars));
        return QString();
    }
    QStringList nics;
    for (const GuestNicRef &r : guestNicsOnNetwork(t, gatewayId))
        if (r.guest == forward.guest)
            nics.append(r.nic);
    if (!forward.nic.isEmpty()) {
        if (nics.contains(forward.nic))
            return forward.nic;
        *reason = QStringLiteral("NIC '%1' of guest '%2' is not on this gateway's network")
                      .arg(forward.nic.left(limits::kMaxIdChars), forward.guest);
        return QString();
    }
    if (nics.isEmpty()) {
        *reason = QStringLiteral("guest '%1' has no NIC on this gateway's network").arg(forward.guest);
        return QString();
    }
    if (nics.size() > 1) {
        *reason = QStringLiteral("guest '%1' has %2 NICs on this gateway's network (%3); name one in 'nic'")
                      .arg(forward.guest)
                      .arg(nics.size())
                      .arg(nics.join(QStringLiteral(", ")));
        return QString();
    }
    return nics.first();
}

namespace {
// "tcp" / "tcp6" and "8080" / "10.0.0.1:8080" / "[fd00::1]:8080".
QString protocolText(const PortForward &f)
{
    return forwardProtocolName(f.protocol) + (f.family == PortForward::Family::Ipv6 ? QStringLiteral("6") : QString());
}
QString hostText(const PortForward &f)
{
    if (f.hostAddress.isEmpty())
        return QString::number(f.hostPort);
    const QString a = f.family == PortForward::Family::Ipv6 ? u'[' + f.hostAddress + u']' : f.hostAddress;
    return QStringLiteral("%1:%2").arg(a).arg(f.hostPort);
}
}  // namespace

QString describeForward(const PortForward &f)
{
    const QString guest = f.nic.isEmpty() ? f.guest : f.guest + u'.' + f.nic;
    return QStringLiteral("%1 %2 -> %3:%4").arg(protocolText(f), hostText(f), guest).arg(f.guestPort);
}

Result<PortForward> parseForwardSpec(const QString &text, bool hostSideOnly)
{
    const auto bad = [&text](const QString &reason) {
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("parse port forward"), text.left(128), reason);
    };
    const QString form = QStringLiteral("expected [tcp:|udp:|tcp6:|udp6:][ADDRESS:|[IPV6]:]HOSTPORT=GUEST[/NIC]:GUESTPORT");
    qsizetype eq = text.indexOf(u'=');
    if (eq < 0 && hostSideOnly)
        eq = text.size();
    if (eq < 0 || text.indexOf(u'=', eq + 1) >= 0)
        return bad(form);
    PortForward f;
    QString hostSide = text.left(eq);
    static const QRegularExpression protoRe(QStringLiteral("^(tcp|udp)(6?):"));
    if (const QRegularExpressionMatch m = protoRe.match(hostSide); m.hasMatch()) {
        f.protocol = m.captured(1) == QLatin1String("udp") ? PortForward::Protocol::Udp : PortForward::Protocol::Tcp;
        if (!m.captured(2).isEmpty())
            f.family = PortForward::Family::Ipv6;
        hostSide = hostSide.mid(m.capturedLength());
    }
    QStringList host;
    if (hostSide.startsWith(u'[')) {
        // "[IPV6]:PORT"; "[::]" is every IPv6 address.
        const qsizetype close = hostSide.indexOf(u']');
        if (close < 0 || hostSide.mid(close + 1, 1) != QLatin1String(":"))
            return bad(QStringLiteral("an IPv6 host address is written [ADDRESS]:HOSTPORT (%1)").arg(form));
        f.family = PortForward::Family::Ipv6;
        const QString addr = hostSide.mid(1, close - 1);
        f.hostAddress = addr == QLatin1String("::") ? QString() : addr;
        host = QStringList{hostSide.mid(close + 2)};
    } else {
        host = hostSide.split(u':');
        if (host.size() == 2) {
            f.hostAddress = host.first();
            host.removeFirst();
        }
    }
    bool ok = false;
    f.hostPort = host.size() == 1 ? host.first().toInt(&ok) : 0;
    if (!ok || f.hostPort < 1 || f.hostPort > 65535)
        return bad(QStringLiteral("the host port must be 1..65535 (%1)").arg(form));
    if (eq == text.size())
        return f;  // host side only
    const QString guestSide = text.mid(eq + 1);
    const qsizetype colon = guestSide.lastIndexOf(u':');
    if (colon <= 0)
        return bad(form);
    f.guestPort = guestSide.mid(colon + 1).toInt(&ok);
    if (!ok || f.guestPort < 1 || f.guestPort > 65535)
        return bad(QStringLiteral("the guest port must be 1..65535 (%1)").arg(form));
    const QString guest = guestSide.left(colon);
    const qsizetype slash = guest.indexOf(u'/');
    f.guest = slash < 0 ? guest : guest.left(slash);
    f.nic = slash < 0 ? QString() : guest.mid(slash + 1);
    if (f.guest.isEmpty() || f.guest.size() > limits::kMaxIdChars || f.nic.size() > limits::kMaxIdChars)
        return bad(QStringLiteral("the guest must be a node id (and /NIC) of at most %1 characters").arg(limits::kMaxIdChars));
    return f;
}

QString forwardSpecText(const PortForward &f)
{
    const QString guest = f.nic.isEmpty() ? f.guest : f.guest + u'/' + f.nic;
    return QStringLiteral("%1:%2=%3:%4").arg(protocolText(f), hostText(f), guest).arg(f.guestPort);
}

Result<Topology> addPortForward(const Topology &t, const QString &gatewayId, const PortForward &forward,
                                QString *usedGateway)
{
    QString gw = gatewayId;
    if (gw.isEmpty()) {
        QStringList found;
        for (const GatewayOfGuest &g : natGatewaysOfGuest(t, forward.guest))
            if (!found.contains(g.gateway) && (forward.nic.isEmpty() || g.nic == forward.nic))
                found.append(g.gateway);
        if (found.isEmpty())
            return Error::failed(ErrorCode::NotFound, QStringLiteral("add port forward to"), forward.guest,
                                 QStringLiteral("the guest is on no NAT network (no host port with NAT or routing reaches it)"));
        if (found.size() > 1)
            return Error::failed(ErrorCode::Conflict, QStringLiteral("add port forward to"), forward.guest,
                                 QStringLiteral("the guest is on several NAT networks (%1); name the gateway").arg(found.join(QStringLiteral(", "))));
        gw = found.first();
    }
    Topology out = t;
    Node *n = out.node(gw);
    if (!n || n->type != NodeType::HostPort)
        return Error::failed(ErrorCode::NotFound, QStringLiteral("add port forward to"), gw, QStringLiteral("no such host port"));
    n->hostPort.nat.forwards.append(forward);
    *usedGateway = gw;
    return out;
}

Result<Topology> removePortForward(const Topology &t, const PortForward &hostSide)
{
    Topology out = t;
    for (Node &n : out.nodes) {
        if (n.type != NodeType::HostPort)
            continue;
        QList<PortForward> &list = n.hostPort.nat.forwards;
        for (qsizetype k = 0; k < list.size(); ++k) {
            const PortForward &f = list[k];
            if (f.family == hostSide.family && f.protocol == hostSide.protocol && f.hostAddress == hostSide.hostAddress
                && f.hostPort == hostSide.hostPort) {
                list.removeAt(k);
                return out;
            }
        }
    }
    return Error::failed(ErrorCode::NotFound, QStringLiteral("remove port forward"), describeForward(hostSide),
                         QStringLiteral("no gateway forwards this host port"));
}

}  // namespace netloom::model
