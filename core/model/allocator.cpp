// SPDX-License-Identifier: GPL-3.0-or-later
#include "allocator.h"

#include "protocol/netaddr.h"

#include <QCryptographicHash>
#include <QHash>
#include <QSet>

namespace netloom::model {

namespace {

// Attempts per value before giving up (a 24-bit space; thousands of values at most).
constexpr int kMaxAttempts = 1 << 16;

QByteArray digest(const QString &topology, char role, const QString &key, int attempt)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(topology.toUtf8());
    h.addData(QByteArrayView("\0", 1));
    h.addData(QByteArrayView(&role, 1));
    h.addData(QByteArrayView("\0", 1));
    h.addData(key.toUtf8());
    h.addData(QByteArrayView("\0", 1));
    h.addData(QByteArray::number(attempt));
    return h.result();
}

class Allocator {
public:
    explicit Allocator(Topology t) : m_t(std::move(t))
    {
        // Indexes, so that allocation stays linear on the largest topologies the format allows.
        for (qsizetype i = 0; i < m_t.nodes.size(); ++i)
            if (!m_nodeIndex.contains(m_t.nodes[i].id))
                m_nodeIndex.insert(m_t.nodes[i].id, i);
        for (qsizetype k = 0; k < m_t.links.size(); ++k) {
            const Link &l = m_t.links[k];
            for (const Endpoint *e : {&l.a, &l.b}) {
                m_nodeLinks[e->node].append(k);
                if (!e->nic.isEmpty() && !m_nicLink.contains(nicKey(e->node, e->nic)))
                    m_nicLink.insert(nicKey(e->node, e->nic), k);
            }
        }
        collectUsed();
    }

    Topology run()
    {
        allocateMacs();
        allocateIfnames();
        return std::move(m_t);
    }

private:
    void collectUsed()
    {
        auto addMac = [this](const QString &text) {
            if (auto mac = protocol::Mac::parse(text))
                m_macs.insert(mac->toString());
        };
        m_macs.insert(QStringLiteral("52:54:00:12:34:56"));  // QEMU's default: ambiguous in logs
        for (const Node &n : m_t.nodes) {
            for (const NicConfig &nic : n.guest.nics) {
                addMac(nic.mac);
                m_ifnames.insert(nic.tapIfname);
            }
            for (const DhcpReservation &r : n.hostPort.dhcp.reservations)
                addMac(r.mac);
            m_ifnames.insert(n.sw.ifname);
            m_ifnames.insert(n.hostPort.ifname);
            m_ifnames.insert(n.uplink.ifname);
            if (n.remote.vxlan)
                m_ifnames.insert(n.remote.vxlan->ifname);
        }
        for (const Link &l : m_t.links) {
            m_ifnames.insert(l.tapIfname);
            if (!l.tapIfname.isEmpty() && isBridgeBridge(l))
                m_ifnames.insert(vethPeerName(l.tapIfname));
        }
        m_ifnames.remove(QString());
    }

    QString newMac(const QString &key)
    {
        for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
            const QByteArray d = digest(m_t.name, 'm', key, attempt);
            const QString mac = QStringLiteral("52:54:00:%1:%2:%3")
                                    .arg(quint8(d[0]), 2, 16, QLatin1Char('0'))
                                    .arg(quint8(d[1]), 2, 16, QLatin1Char('0'))
                                    .arg(quint8(d[2]), 2, 16, QLatin1Char('0'));
            if (!m_macs.contains(mac)) {
                m_macs.insert(mac);
                return mac;
            }
        }
        return QString();  // unreachable in practice: 16M values, at most ~131k NICs
    }

    // "loom" + role + 6 hex digits (11 bytes); with `veth`, the peer name is kept free too.
    QString newIfname(char role, const QString &key, bool veth = false)
    {
        for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
            const QByteArray d = digest(m_t.name, role, key, attempt);
            const QString name = QStringLiteral("loom") + QLatin1Char(role) + QString::fromLatin1(d.left(3).toHex());
            if (m_ifnames.contains(name) || (veth && m_ifnames.contains(vethPeerName(name))))
                continue;
            m_ifnames.insert(name);
            if (veth)
                m_ifnames.insert(vethPeerName(name));
            return name;
        }
        return QString();
    }

    static QString nicKey(const QString &node, const QString &nic) { return node + QChar(0) + nic; }

    Node *node(const QString &id)
    {
        const auto it = m_nodeIndex.constFind(id);
        return it == m_nodeIndex.cend() ? nullptr : &m_t.nodes[*it];
    }
    const Node *node(const QString &id) const
    {
        const auto it = m_nodeIndex.constFind(id);
        return it == m_nodeIndex.cend() ? nullptr : &m_t.nodes[*it];
    }

    const Node *peerOf(const Link &l, const QString &id) const
    {
        return node(l.a.node == id ? l.b.node : l.a.node);
    }

    static bool isBridge(const Node *n)
    {
        return n && n->type == NodeType::Switch && n->sw.engine == SwitchConfig::Engine::Bridge;
    }
    static bool isSwitch(const Node *n) { return n && n->type == NodeType::Switch; }

    bool isBridgeBridge(const Link &l) const { return isBridge(node(l.a.node)) && isBridge(node(l.b.node)); }

    void allocateMacs()
    {
        for (Node &n : m_t.nodes) {
            if (n.type != NodeType::Guest)
                continue;
            for (NicConfig &nic : n.guest.nics)
                if (nic.mac.isEmpty())
                    nic.mac = newMac(n.id + QChar(0) + nic.id);
        }
    }

    NicConfig *nicOf(const QString &guestId, const QString &nicId)
    {
        Node *g = node(guestId);
        if (!g || g->type != NodeType::Guest)
            return nullptr;
        for (NicConfig &nic : g->guest.nics)
            if (nic.id == nicId)
                return &nic;
        return nullptr;
    }

    void allocateIfnames()
    {
        for (Node &n : m_t.nodes) {
            switch (n.type) {
            case NodeType::Switch:
                if (n.sw.engine == SwitchConfig::Engine::Bridge && n.sw.ifname.isEmpty())
                    n.sw.ifname = newIfname('b', n.id);
                break;
            case NodeType::Remote:
                if (n.remote.vxlan && n.remote.vxlan->ifname.isEmpty())
                    n.remote.vxlan->ifname = newIfname('x', n.id);
                break;
            default:
                break;
            }
        }
        // Host ports (own taps are shared with the tap-mode NIC they are linked to).
        for (Node &n : m_t.nodes) {
            if (n.type != NodeType::HostPort)
                continue;
            const QList<qsizetype> links = m_nodeLinks.value(n.id);
            const Link *l = links.size() == 1 ? &m_t.links[links[0]] : nullptr;
            const Node *peer = l ? peerOf(*l, n.id) : nullptr;
            if (isBridge(peer))
                continue;  // the bridge itself carries the address
            NicConfig *nic = nullptr;
            if (peer && peer->type == NodeType::Guest) {
                nic = nicOf(peer->id, l->a.node == n.id ? l->b.nic : l->a.nic);
                if (nic && nic->mode != NicConfig::Mode::Tap)
                    nic = nullptr;
            }
            if (n.hostPort.ifname.isEmpty())
                n.hostPort.ifname = (nic && !nic->tapIfname.isEmpty()) ? nic->tapIfname : newIfname('t', n.id);
            if (nic && nic->tapIfname.isEmpty())
                nic->tapIfname = n.hostPort.ifname;
        }
        // Guest NICs with a tap of their own.
        for (Node &n : m_t.nodes) {
            if (n.type != NodeType::Guest)
                continue;
            for (NicConfig &nic : n.guest.nics) {
                if (!nic.tapIfname.isEmpty())
                    continue;
                const auto it = m_nicLink.constFind(nicKey(n.id, nic.id));
                const Link *l = it == m_nicLink.cend() ? nullptr : &m_t.links[*it];
                const Node *peer = l ? peerOf(*l, n.id) : nullptr;
                const bool ownTap = (nic.mode == NicConfig::Mode::Tap && !peer)
                                    || (nic.mode == NicConfig::Mode::Switch && isBridge(peer));
                if (ownTap)
                    nic.tapIfname = newIfname('g', n.id + QChar(0) + nic.id);
            }
        }
        // Cables to kernel bridges.
        for (Link &l : m_t.links) {
            const Node *a = node(l.a.node);
            const Node *b = node(l.b.node);
            if (!l.tapIfname.isEmpty() || a == b || !isSwitch(a) || !isSwitch(b) || (!isBridge(a) && !isBridge(b)))
                continue;
            l.tapIfname = newIfname('c', l.id, isBridge(a) && isBridge(b));
        }
    }

    Topology m_t;
    QHash<QString, qsizetype> m_nodeIndex;         // node id -> first index
    QHash<QString, QList<qsizetype>> m_nodeLinks;  // node id -> links touching it
    QHash<QString, qsizetype> m_nicLink;           // nicKey -> first link attaching it
    QSet<QString> m_macs;     // canonical lowercase
    QSet<QString> m_ifnames;
};

}  // namespace

Topology allocate(Topology topology)
{
    return Allocator(std::move(topology)).run();
}

}  // namespace netloom::model
