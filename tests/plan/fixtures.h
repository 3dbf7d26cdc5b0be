// SPDX-License-Identifier: GPL-3.0-or-later
// Topologies built in C++ for the planner and exporter tests: the shapes of the examples
// (NAT LAN on a netloom switch, kernel bridge with taps) plus small helpers to make nodes.
#pragma once

#include "model/topology.h"

namespace netloom::test {

inline model::Node switchNode(const QString &id, model::SwitchConfig::Engine engine = model::SwitchConfig::Engine::Netloom,
                              const QString &ifname = {})
{
    model::Node n;
    n.id = id;
    n.name = id;
    n.type = model::NodeType::Switch;
    n.sw.engine = engine;
    n.sw.ifname = ifname;
    return n;
}

inline model::Node hostPortNode(const QString &id, const QString &ifname, const QString &address)
{
    model::Node n;
    n.id = id;
    n.name = id;
    n.type = model::NodeType::HostPort;
    n.hostPort.ifname = ifname;
    n.hostPort.address = address;
    return n;
}

inline model::NicConfig nic(const QString &id, const QString &mac,
                            model::NicConfig::Mode mode = model::NicConfig::Mode::Switch, const QString &tap = {})
{
    model::NicConfig c;
    c.id = id;
    c.mac = mac;
    c.mode = mode;
    c.tapIfname = tap;
    return c;
}

inline model::Node guestNode(const QString &id, const QList<model::NicConfig> &nics)
{
    model::Node n;
    n.id = id;
    n.name = id;
    n.type = model::NodeType::Guest;
    n.guest.nics = nics;
    return n;
}

inline model::Link link(const QString &id, const QString &a, const QString &b, const QString &bNic = {},
                        std::optional<model::VlanConfig> aVlan = std::nullopt)
{
    model::Link l;
    l.id = id;
    l.a.node = a;
    l.a.vlan = aVlan;
    l.b.node = b;
    l.b.nic = bNic;
    return l;
}

// Example (a): a netloom switch, a host tap with 10.0.2.1/24, DHCP, NAT to eth+, one guest.
inline model::Topology natLan(const QString &name = QStringLiteral("natlan"))
{
    model::Topology t;
    t.name = name;
    model::Node gw = hostPortNode(QStringLiteral("gw"), QStringLiteral("loomnat0"), QStringLiteral("10.0.2.1/24"));
    gw.hostPort.dhcp.enabled = true;
    gw.hostPort.dhcp.rangeStart = QStringLiteral("10.0.2.100");
    gw.hostPort.dhcp.rangeEnd = QStringLiteral("10.0.2.199");
    gw.hostPort.dhcp.leaseSeconds = 600;
    gw.hostPort.dhcp.domain = QStringLiteral("lab");
    gw.hostPort.dhcp.reservations.append({QStringLiteral("52:54:00:00:0a:01"), QStringLiteral("10.0.2.50"), QStringLiteral("vm1")});
    gw.hostPort.nat.mode = model::NatConfig::Mode::Masquerade;
    gw.hostPort.nat.uplinks = {QStringLiteral("eth+")};
    model::Node vm = guestNode(QStringLiteral("vm1"), {nic(QStringLiteral("net0"), QStringLiteral("52:54:00:00:0a:01"))});
    vm.guest.disks.append(model::DiskConfig{QStringLiteral("disks/vm1.qcow2"), QStringLiteral("qcow2"), QStringLiteral("virtio"), false, true});
    t.nodes = {switchNode(QStringLiteral("lan")), gw, vm};
    t.links = {link(QStringLiteral("l1"), QStringLiteral("lan"), QStringLiteral("gw")),
               link(QStringLiteral("l2"), QStringLiteral("lan"), QStringLiteral("vm1"), QStringLiteral("net0"))};
    return t;
}

// Example (d): a kernel bridge loombr0 with two guests on taps, 10.0.3.1/24 and DHCP, no NAT.
inline model::Topology bridgeLan(const QString &name = QStringLiteral("bridgelan"))
{
    model::Topology t;
    t.name = name;
    model::Node gw = hostPortNode(QStringLiteral("gw"), QString(), QStringLiteral("10.0.3.1/24"));
    gw.hostPort.dhcp.enabled = true;
    gw.hostPort.dhcp.rangeStart = QStringLiteral("10.0.3.100");
    gw.hostPort.dhcp.rangeEnd = QStringLiteral("10.0.3.150");
    t.nodes = {switchNode(QStringLiteral("br"), model::SwitchConfig::Engine::Bridge, QStringLiteral("loombr0")), gw,
               guestNode(QStringLiteral("vm1"), {nic(QStringLiteral("net0"), QStringLiteral("52:54:00:00:0d:01"),
                                                     model::NicConfig::Mode::Switch, QStringLiteral("loomtap1"))}),
               guestNode(QStringLiteral("vm2"), {nic(QStringLiteral("net0"), QStringLiteral("52:54:00:00:0d:02"),
                                                     model::NicConfig::Mode::Switch, QStringLiteral("loomtap2"))})};
    t.links = {link(QStringLiteral("l1"), QStringLiteral("br"), QStringLiteral("gw")),
               link(QStringLiteral("l2"), QStringLiteral("br"), QStringLiteral("vm1"), QStringLiteral("net0")),
               link(QStringLiteral("l3"), QStringLiteral("br"), QStringLiteral("vm2"), QStringLiteral("net0"))};
    return t;
}

// 802.1Q on a kernel bridge loomvbr0 (issue #16 part 4): the gateway 10.0.10.1/24 in VLAN 10
// (no DHCP), guests a and b on access VLAN 10 (taps loomva0, loomvb0), c on a trunk
// carrying 10 and 20 tagged (loomvc0), d on access VLAN 20 (loomvd0).
inline model::Topology bridgeVlanLan(const QString &name = QStringLiteral("bridgevlans"))
{
    using model::VlanConfig;
    model::Topology t;
    t.name = name;
    t.nodes = {switchNode(QStringLiteral("br"), model::SwitchConfig::Engine::Bridge, QStringLiteral("loomvbr0")),
               hostPortNode(QStringLiteral("gw"), QString(), QStringLiteral("10.0.10.1/24"))};
    t.links = {link(QStringLiteral("l0"), QStringLiteral("br"), QStringLiteral("gw"), {}, VlanConfig{VlanConfig::Mode::Access, 10, {}})};
    const QList<std::pair<const char *, VlanConfig>> guests{{"a", VlanConfig{VlanConfig::Mode::Access, 10, {}}},
                                                            {"b", VlanConfig{VlanConfig::Mode::Access, 10, {}}},
                                                            {"c", VlanConfig{VlanConfig::Mode::Trunk, 0, {10, 20}}},
                                                            {"d", VlanConfig{VlanConfig::Mode::Access, 20, {}}}};
    int n = 1;
    for (const auto &[id, vlan] : guests) {
        const QString g = QLatin1String(id);
        t.nodes << guestNode(g, {nic(QStringLiteral("net0"), QStringLiteral("52:54:00:00:1a:%1").arg(n, 2, 10, QLatin1Char('0')),
                                     model::NicConfig::Mode::Switch, QStringLiteral("loomv%1").arg(g) + QStringLiteral("0"))});
        t.links << link(QStringLiteral("l%1").arg(n), QStringLiteral("br"), g, QStringLiteral("net0"), vlan);
        ++n;
    }
    return t;
}

// Two kernel bridges joined by a veth cable, one with a VXLAN remote cable and an uplink.
inline model::Topology twoBridges(const QString &name = QStringLiteral("twobridges"))
{
    model::Topology t;
    t.name = name;
    model::Node remote;
    remote.id = QStringLiteral("siteb");
    remote.name = remote.id;
    remote.type = model::NodeType::Remote;
    model::VxlanConfig vx;
    vx.vni = 42;
    vx.remote = QStringLiteral("192.0.2.7");
    vx.ifname = QStringLiteral("loomvx0");
    remote.remote.vxlan = vx;
    model::Node up;
    up.id = QStringLiteral("eth");
    up.name = up.id;
    up.type = model::NodeType::Uplink;
    up.uplink.ifname = QStringLiteral("eth0");
    t.nodes = {switchNode(QStringLiteral("b1"), model::SwitchConfig::Engine::Bridge, QStringLiteral("loomb1")),
               switchNode(QStringLiteral("b2"), model::SwitchConfig::Engine::Bridge, QStringLiteral("loomb2")), remote, up};
    model::Link cable = link(QStringLiteral("c"), QStringLiteral("b1"), QStringLiteral("b2"));
    cable.tapIfname = QStringLiteral("loomc0");
    t.links = {cable, link(QStringLiteral("r"), QStringLiteral("b2"), QStringLiteral("siteb")),
               link(QStringLiteral("u"), QStringLiteral("b1"), QStringLiteral("eth"))};
    return t;
}

}  // namespace netloom::test
