// SPDX-License-Identifier: GPL-3.0-or-later
#include "topology.h"

namespace netloom::model {

const Node *Topology::node(const QString &id) const
{
    for (const Node &n : nodes)
        if (n.id == id)
            return &n;
    return nullptr;
}

Node *Topology::node(const QString &id)
{
    for (Node &n : nodes)
        if (n.id == id)
            return &n;
    return nullptr;
}

const Link *Topology::link(const QString &id) const
{
    for (const Link &l : links)
        if (l.id == id)
            return &l;
    return nullptr;
}

QList<const Link *> Topology::linksOf(const QString &id) const
{
    QList<const Link *> out;
    for (const Link &l : links)
        if (l.a.node == id || l.b.node == id)
            out.append(&l);
    return out;
}

const Link *Topology::linkOfNic(const QString &guestId, const QString &nicId) const
{
    for (const Link &l : links) {
        if ((l.a.node == guestId && l.a.nic == nicId) || (l.b.node == guestId && l.b.nic == nicId))
            return &l;
    }
    return nullptr;
}

QString vethPeerName(const QString &tapIfname)
{
    return tapIfname.left(14) + QLatin1Char('p');
}

QString nodeConfigKey(NodeType t)
{
    switch (t) {
    case NodeType::Switch: return QStringLiteral("switch");
    case NodeType::HostPort: return QStringLiteral("hostPort");
    case NodeType::Uplink: return QStringLiteral("uplink");
    case NodeType::Guest: return QStringLiteral("guest");
    case NodeType::Remote: return QStringLiteral("remote");
    }
    return QStringLiteral("unknown");
}

QString nodeTypeName(NodeType t)
{
    switch (t) {
    case NodeType::Switch: return QStringLiteral("switch");
    case NodeType::HostPort: return QStringLiteral("hostport");
    case NodeType::Uplink: return QStringLiteral("uplink");
    case NodeType::Guest: return QStringLiteral("guest");
    case NodeType::Remote: return QStringLiteral("remote");
    }
    return QStringLiteral("unknown");
}

QString engineName(SwitchConfig::Engine e)
{
    return e == SwitchConfig::Engine::Netloom ? QStringLiteral("netloom") : QStringLiteral("bridge");
}

QString nicModeName(NicConfig::Mode m)
{
    switch (m) {
    case NicConfig::Mode::Switch: return QStringLiteral("switch");
    case NicConfig::Mode::Tap: return QStringLiteral("tap");
    case NicConfig::Mode::User: return QStringLiteral("user");
    case NicConfig::Mode::Socket: return QStringLiteral("socket");
    }
    return QStringLiteral("unknown");
}

QString nicTransportName(NicConfig::Transport t)
{
    return t == NicConfig::Transport::VhostUser ? QStringLiteral("vhost-user") : QStringLiteral("vde");
}

QString forwardProtocolName(PortForward::Protocol p)
{
    return p == PortForward::Protocol::Udp ? QStringLiteral("udp") : QStringLiteral("tcp");
}

QString addressFamilyName(PortForward::Family f)
{
    return f == PortForward::Family::Ipv6 ? QStringLiteral("ipv6") : QStringLiteral("ipv4");
}

QString natModeName(NatConfig::Mode m)
{
    switch (m) {
    case NatConfig::Mode::None: return QStringLiteral("none");
    case NatConfig::Mode::Masquerade: return QStringLiteral("masquerade");
    case NatConfig::Mode::Route: return QStringLiteral("route");
    }
    return QStringLiteral("unknown");
}

QString socketKindName(SocketConfig::Kind k)
{
    switch (k) {
    case SocketConfig::Kind::Listen: return QStringLiteral("listen");
    case SocketConfig::Kind::Connect: return QStringLiteral("connect");
    case SocketConfig::Kind::Mcast: return QStringLiteral("mcast");
    }
    return QStringLiteral("unknown");
}

QString displayName(GuestConfig::Display d)
{
    switch (d) {
    case GuestConfig::Display::Vga: return QStringLiteral("vga");
    case GuestConfig::Display::Virtio: return QStringLiteral("virtio");
    case GuestConfig::Display::None: return QStringLiteral("none");
    }
    return QStringLiteral("unknown");
}

QString vlanModeName(VlanConfig::Mode m)
{
    return m == VlanConfig::Mode::Access ? QStringLiteral("access") : QStringLiteral("trunk");
}

}  // namespace netloom::model
