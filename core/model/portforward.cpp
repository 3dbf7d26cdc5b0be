#include "portforward.h"

#include <QHash>
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

QString describeForward(const PortForward &f)
{
    const QString host = f.hostAddress.isEmpty() ? QString::number(f.hostPort)
                                                  : QStringLiteral("%1:%2").arg(f.hostAddress).arg(f.hostPort);
    const QString guest = f.nic.isEmpty() ? f.guest : f.guest + u'.' + f.nic;
    return QStringLiteral("%1 %2 -> %3:%4").arg(forwardProtocolName(f.protocol), host, guest).arg(f.guestPort);
}

}  // namespace netloom::model
