// SPDX-License-Identifier: GPL-3.0-or-later
// Topology-wide validator rules: interface names, MACs, subnets, sockets, host forwards
// and cable loops (see validatorimpl.h).
#include "validatorimpl.h"

namespace netloom::model::detail {

namespace {

// "a.b.c.d:port"
struct SocketAddress {
    Ipv4 ip;
    std::uint16_t port = 0;
};

Result<SocketAddress> parseSocketAddress(const QString &text)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon < 0)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("expected ADDRESS:PORT")};
    auto ip = Ipv4::parse(text.left(colon));
    if (!ip)
        return Error{ErrorCode::InvalidArgument, reasonOf(ip.error())};
    auto port = protocol::parsePort(text.mid(colon + 1));
    if (!port)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("port: ") + reasonOf(port.error())};
    return SocketAddress{*ip, *port};
}

// An interface Netloom will create, for the uniqueness check.
struct CreatedIf {
    QString name;
    QString path;
    QString nodeId;
    QString linkId;
};

}  // namespace

void Validator::checkInterfaceNames()
{
    QList<CreatedIf> names;
    auto addName = [&](const QString &name, const QString &path, const QString &nodeId, const QString &linkId = {}) {
        if (!name.isEmpty())
            names.append(CreatedIf{name, path, nodeId, linkId});
    };
    for (qsizetype i = 0; i < m_t.nodes.size(); ++i) {
        const Node &n = m_t.nodes[i];
        if (n.type == NodeType::Switch && n.sw.engine == SwitchConfig::Engine::Bridge)
            addName(n.sw.ifname, cfgPath(i, "ifname"), n.id);
        if (n.type == NodeType::Remote && n.remote.vxlan)
            addName(n.remote.vxlan->ifname, cfgPath(i, "vxlan.ifname"), n.id);
        if (n.type == NodeType::HostPort) {
            const QList<qsizetype> links = m_nodeLinks.value(n.id);
            const Node *peer = links.size() == 1 ? peerOf(n.id, links[0]) : nullptr;
            if (peer && peer->type == NodeType::Switch && peer->sw.engine == SwitchConfig::Engine::Bridge) {
                if (!n.hostPort.ifname.isEmpty() && n.hostPort.ifname != peer->sw.ifname)
                    error(cfgPath(i, "ifname"), n.id, QStringLiteral("a host port on kernel bridge %1 is the bridge itself; its ifname must be empty or %2")
                                                          .arg(q(peer->id), q(peer->sw.ifname)));
            } else if (peer && peer->type == NodeType::Guest) {
                const Link &l = m_t.links[links[0]];
                const QString nicId = l.a.node == n.id ? l.b.nic : l.a.nic;
                const NicConfig *nic = nullptr;
                for (const NicConfig &c : peer->guest.nics)
                    if (c.id == nicId)
                        nic = &c;
                if (nic && !nic->tapIfname.isEmpty() && !n.hostPort.ifname.isEmpty() && nic->tapIfname != n.hostPort.ifname)
                    error(cfgPath(i, "ifname"), n.id, QStringLiteral("the own tap of NIC %1 of guest %2 is named %3 there but %4 here; they are one interface")
                                                          .arg(q(nicId), q(peer->id), q(nic->tapIfname), q(n.hostPort.ifname)));
                addName(n.hostPort.ifname, cfgPath(i, "ifname"), n.id);
            } else {
                addName(n.hostPort.ifname, cfgPath(i, "ifname"), n.id);
            }
        }
        if (n.type == NodeType::Guest) {
            for (qsizetype j = 0; j < n.guest.nics.size(); ++j) {
                const NicConfig &nic = n.guest.nics[j];
                if (nic.tapIfname.isEmpty())
                    continue;
                const QList<qsizetype> nl = m_nicLinks.value(nicKey(n.id, nic.id));
                const Link *l = nl.isEmpty() ? nullptr : &m_t.links[nl.first()];
                const Node *peer = l ? findNode(l->a.node == n.id ? l->b.node : l->a.node) : nullptr;
                const QString p = nicPath(i, j) + QStringLiteral(".tapIfname");
                if (nic.mode == NicConfig::Mode::Switch) {
                    if (peer && peer->type == NodeType::Switch && peer->sw.engine == SwitchConfig::Engine::Netloom)
                        warning(p, n.id, QStringLiteral("tapIfname is ignored for a NIC on a netloom switch (it joins the switch directly)"));
                    else
                        addName(nic.tapIfname, p, n.id);
                } else if (nic.mode == NicConfig::Mode::Tap) {
                    // Linked to a host port: one interface with the host port's ifname.
                    if (!(peer && peer->type == NodeType::HostPort && !peer->hostPort.ifname.isEmpty()))
                        addName(nic.tapIfname, p, n.id);
                }
            }
        }
    }
    for (const auto &[k, veth] : m_cableLinks) {
        const Link &l = m_t.links[k];
        const QString p = join(linkPath(k), QStringLiteral("tapIfname"));
        addName(l.tapIfname, p, QString(), l.id);
        if (veth && !l.tapIfname.isEmpty())
            addName(vethPeerName(l.tapIfname), p + QStringLiteral(" (veth peer)"), QString(), l.id);
    }
    QHash<QString, qsizetype> seen;
    for (qsizetype x = 0; x < names.size(); ++x) {
        const CreatedIf &c = names[x];
        if (Status s = protocol::validateLoomIfname(c.name); !s) {
            add(Severity::Error, c.path, c.nodeId, QStringLiteral("interface name %1: %2").arg(q(c.name), reasonOf(s.error())), c.linkId);
            continue;
        }
        if (seen.contains(c.name)) {
            add(Severity::Error, c.path, c.nodeId, QStringLiteral("interface name %1 is also used by %2").arg(q(c.name), names[seen.value(c.name)].path), c.linkId);
            continue;
        }
        seen.insert(c.name, x);
    }
}

void Validator::checkMacs()
{
    QHash<QString, QString> seen;  // canonical MAC -> owner
    for (qsizetype i = 0; i < m_t.nodes.size(); ++i) {
        const Node &n = m_t.nodes[i];
        if (n.type != NodeType::Guest)
            continue;
        for (qsizetype j = 0; j < n.guest.nics.size(); ++j) {
            const NicConfig &nic = n.guest.nics[j];
            if (nic.mac.isEmpty())
                continue;
            const QString p = nicPath(i, j) + QStringLiteral(".mac");
            auto mac = Mac::parse(nic.mac);
            if (!mac)
                error(p, n.id, QStringLiteral("MAC %1: %2").arg(q(nic.mac), reasonOf(mac.error())));
            else if (mac->isMulticast())
                error(p, n.id, QStringLiteral("MAC %1 is a multicast address; a NIC needs a unicast MAC (even first byte)").arg(nic.mac));
            else if (mac->isZero())
                error(p, n.id, QStringLiteral("MAC %1 is the all-zero address").arg(nic.mac));
            else if (seen.contains(mac->toString()))
                error(p, n.id, QStringLiteral("MAC %1 is also used by %2").arg(nic.mac, seen.value(mac->toString())));
            else
                seen.insert(mac->toString(), QStringLiteral("NIC %1 of guest %2").arg(q(nic.id), q(n.id)));
        }
    }
}

void Validator::checkSubnets()
{
    QList<std::pair<Cidr, qsizetype>> subnets;
    for (qsizetype i = 0; i < m_t.nodes.size(); ++i) {
        const Node &n = m_t.nodes[i];
        if (n.type != NodeType::HostPort || n.hostPort.address.isEmpty())
            continue;
        auto c = Cidr::parse(n.hostPort.address);
        if (!c)
            continue;
        for (const auto &[other, oi] : subnets) {
            if (c->overlaps(other)) {
                error(cfgPath(i, "address"), n.id, QStringLiteral("subnet %1 overlaps subnet %2 of host port %3")
                                                       .arg(c->networkString(), other.networkString(), q(m_t.nodes[oi].id)));
                break;
            }
        }
        subnets.append({*c, i});
    }
}

// Listeners and connectors are matched through hashes keyed by port (a topology may hold
// 131072 socket NICs): a listener on 0.0.0.0 overlaps every address of its port.
void Validator::checkSockets()
{
    QHash<std::uint16_t, QHash<quint32, QString>> listeners;  // port -> address -> first path
    struct Connect {
        SocketAddress addr;
        QString path;
        QString nodeId;
    };
    QList<Connect> connects;
    for (qsizetype i = 0; i < m_t.nodes.size(); ++i) {
        const Node &n = m_t.nodes[i];
        if (n.type != NodeType::Guest)
            continue;
        for (qsizetype j = 0; j < n.guest.nics.size(); ++j) {
            const NicConfig &nic = n.guest.nics[j];
            if (nic.mode != NicConfig::Mode::Socket)
                continue;
            const QString p = nicPath(i, j) + QStringLiteral(".socket.address");
            auto a = parseSocketAddress(nic.socket.address);
            if (!a) {
                error(p, n.id, QStringLiteral("socket address %1: %2").arg(q(nic.socket.address), a.error().message));
                continue;
            }
            const bool mcast = isMulticast(a->ip);
            switch (nic.socket.kind) {
            case SocketConfig::Kind::Mcast:
                if (!mcast)
                    error(p, n.id, QStringLiteral("mcast address %1 is not a multicast group (224.0.0.0/4)").arg(a->ip.toString()));
                break;
            case SocketConfig::Kind::Listen: {
                if (mcast) {
                    error(p, n.id, QStringLiteral("cannot listen on multicast address %1; use kind 'mcast'").arg(a->ip.toString()));
                    break;
                }
                QHash<quint32, QString> &onPort = listeners[a->port];
                QString other = onPort.value(a->ip.value);
                if (other.isEmpty())
                    other = onPort.value(0);  // a wildcard listener on this port
                if (other.isEmpty() && a->ip.value == 0 && !onPort.isEmpty())
                    other = onPort.cbegin().value();
                if (!other.isEmpty())
                    error(p, n.id, QStringLiteral("two NICs listen on %1:%2 (also %3)").arg(a->ip.toString()).arg(a->port).arg(other));
                else
                    onPort.insert(a->ip.value, p);
                break;
            }
            case SocketConfig::Kind::Connect:
                if (mcast || a->ip.value == 0)
                    error(p, n.id, QStringLiteral("cannot connect to %1; give the listener's unicast address").arg(a->ip.toString()));
                else
                    connects.append(Connect{*a, p, n.id});
                break;
            }
        }
    }
    for (const Connect &c : connects) {
        const auto it = listeners.constFind(c.addr.port);
        if (it != listeners.cend() && (it->contains(c.addr.ip.value) || it->contains(0)))
            continue;
        const QString msg = QStringLiteral("no NIC in this topology listens on %1:%2").arg(c.addr.ip.toString()).arg(c.addr.port);
        if (isLoopback(c.addr.ip))
            error(c.path, c.nodeId, msg);
        else
            warning(c.path, c.nodeId, msg + QStringLiteral(" (fine if the listener is on another host)"));
    }
}

// Host forwards collide on (protocol, port) when their host addresses are equal or one of
// them is "" (all addresses). Hashed by (protocol, port), like the sockets.
void Validator::checkForwards()
{
    QHash<QString, QHash<QString, QString>> used;  // "tcp/2222" -> host address -> first path
    for (qsizetype i = 0; i < m_t.nodes.size(); ++i) {
        const Node &n = m_t.nodes[i];
        if (n.type != NodeType::Guest)
            continue;
        for (qsizetype j = 0; j < n.guest.nics.size(); ++j) {
            const NicConfig &nic = n.guest.nics[j];
            if (nic.mode != NicConfig::Mode::User)
                continue;
            for (qsizetype f = 0; f < nic.user.forwards.size(); ++f) {
                const HostForward &fw = nic.user.forwards[f];
                const QString p = QStringLiteral("%1.user.forwards[%2]").arg(nicPath(i, j)).arg(f);
                QHash<QString, QString> &onPort = used[QStringLiteral("%1/%2").arg(fw.protocol).arg(fw.hostPort)];
                QString other = onPort.value(fw.hostAddress);
                if (other.isEmpty())
                    other = onPort.value(QString());
                if (other.isEmpty() && fw.hostAddress.isEmpty() && !onPort.isEmpty())
                    other = onPort.cbegin().value();
                if (!other.isEmpty())
                    error(p, n.id, QStringLiteral("host port %1 %2 on %3 is already forwarded by %4")
                                       .arg(fw.protocol).arg(fw.hostPort)
                                       .arg(fw.hostAddress.isEmpty() ? QStringLiteral("all addresses") : fw.hostAddress, other));
                else
                    onPort.insert(fw.hostAddress, p);
            }
        }
    }
}

// Cables between switches must not form a loop: a netloom switch has no spanning tree, so
// a broadcast would circulate forever. Loops made only of kernel bridges with STP are fine.
void Validator::checkCableLoops()
{
    QHash<qsizetype, qsizetype> parent;  // union-find over node indexes
    QHash<qsizetype, bool> allStp;       // root -> every switch of the component is an STP bridge
    auto find = [&](qsizetype x) {
        if (!parent.contains(x)) {
            parent.insert(x, x);
            const SwitchConfig &s = m_t.nodes[x].sw;
            allStp.insert(x, s.engine == SwitchConfig::Engine::Bridge && s.stp);
        }
        while (parent.value(x) != x) {
            parent[x] = parent.value(parent.value(x));
            x = parent.value(x);
        }
        return x;
    };
    for (const Cable &c : m_cables) {
        const qsizetype ra = find(c.a);
        const qsizetype rb = find(c.b);
        if (ra != rb) {
            parent[ra] = rb;
            allStp[rb] = allStp.value(rb) && allStp.value(ra);
            continue;
        }
        if (allStp.value(ra))
            continue;
        add(Severity::Error, linkPath(c.link), QString(),
            QStringLiteral("cable between %1 and %2 closes a loop of switches; frames would circulate forever "
                           "(only kernel bridges with stp enabled may form loops)")
                .arg(q(m_t.nodes[c.a].id), q(m_t.nodes[c.b].id)),
            m_t.links[c.link].id);
    }
}

}  // namespace netloom::model::detail
