// SPDX-License-Identifier: GPL-3.0-or-later
// Focused unit tests of the planner: argv per NIC mode, port numbering, VLANs, the
// forwarding flag, path resolution and errors.
#include "fixtures.h"
#include "plan/emulationplan.h"
#include "plan/planner.h"
#include "protocol/hoststatedecode.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QTest>

using namespace netloom;
using namespace netloom::plan;
using model::NicConfig;
using test::natLan;

namespace {

const PlanContext kCtx{QStringLiteral("/run/user/1000/netloom/t"), QStringLiteral("/home/u/labs")};

Plan mustPlan(const model::Topology &t, const PlanContext &ctx = kCtx)
{
    Result<Plan> p = netloom::plan::plan(t, ctx);
    if (!p)
        qFatal("unexpected planner error: %s", qPrintable(p.error().message));
    return *p;
}

QString planError(const model::Topology &t, const PlanContext &ctx = kCtx)
{
    Result<Plan> p = netloom::plan::plan(t, ctx);
    return p ? QString() : p.error().message;
}

// The value following `option` in argv, or "" (first occurrence).
QStringList values(const QStringList &argv, const QString &option)
{
    QStringList out;
    for (qsizetype i = 0; i + 1 < argv.size(); ++i)
        if (argv[i] == option)
            out << argv[i + 1];
    return out;
}

}  // namespace

class TestPlanner : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void natLanHostState()
    {
        const Plan p = mustPlan(natLan());
        QCOMPARE(p.host.taps.size(), 1);
        QCOMPARE(p.host.taps[0].ifname, QStringLiteral("loomnat0"));
        QCOMPARE(p.host.addresses.size(), 1);
        QCOMPARE(p.host.addresses[0].cidr, QStringLiteral("10.0.2.1/24"));
        QVERIFY(p.host.ipv4Forwarding);
        QCOMPARE(p.host.nat.size(), 1);
        QCOMPARE(p.host.nat[0].subnet, QStringLiteral("10.0.2.0/24"));
        QCOMPARE(p.host.nat[0].uplinks, QStringList{QStringLiteral("eth+")});
        QCOMPARE(p.host.dnsmasq.size(), 1);
        const protocol::DnsmasqSpec &d = p.host.dnsmasq[0];
        QCOMPARE(d.ifname, QStringLiteral("loomnat0"));
        QCOMPARE(d.address, QStringLiteral("10.0.2.1"));
        QCOMPARE(d.rangeStart, QStringLiteral("10.0.2.100"));
        QCOMPARE(d.leaseSeconds, 600u);
        QCOMPARE(d.hosts.size(), 1);
        QCOMPARE(d.hosts[0].hostname, QStringLiteral("vm1"));
        QVERIFY(p.host.bridges.isEmpty());
    }

    void ipv6Gateway()
    {
        model::Topology t = natLan();
        model::Ipv6Config &v = t.nodes[1].hostPort.ipv6;
        v.address = QStringLiteral("FD42:0001::1/64");  // written canonically in the plan
        Plan p = mustPlan(t);
        QCOMPARE(p.host.addresses.size(), 2);
        QCOMPARE(p.host.addresses[1].cidr, QStringLiteral("fd42:1::1/64"));
        QVERIFY(p.host.ipv6Forwarding);
        QCOMPARE(p.host.nat6.size(), 1);
        QCOMPARE(p.host.nat6[0].subnet, QStringLiteral("fd42:1::/64"));
        QCOMPARE(p.host.nat6[0].mode, protocol::NatSpec::Mode::Masquerade);
        QCOMPARE(p.host.nat6[0].uplinks, QStringList{QStringLiteral("eth+")});
        QCOMPARE(p.host.dnsmasq.size(), 1);
        QCOMPARE(p.host.dnsmasq[0].address6, QStringLiteral("fd42:1::1"));
        QVERIFY(p.host.dnsmasq[0].ra);
        QVERIFY(!p.host.dnsmasq[0].dhcp6);
        QVERIFY(protocol::validateHostState(p.host));
        // Routed, stateful DHCPv6 on a /112 (lease time from the DHCP settings).
        t.nodes[1].hostPort.nat.mode = model::NatConfig::Mode::Route;
        v.address = QStringLiteral("2001:db8::1/112");
        v.dhcp = true;
        v.rangeStart = QStringLiteral("2001:db8::10");
        v.rangeEnd = QStringLiteral("2001:db8::20");
        p = mustPlan(t);
        QCOMPARE(p.host.nat6[0].mode, protocol::NatSpec::Mode::Route);
        QVERIFY(p.host.dnsmasq[0].dhcp6);
        QCOMPARE(p.host.dnsmasq[0].rangeStart6, QStringLiteral("2001:db8::10"));
        QCOMPARE(p.host.dnsmasq[0].leaseSeconds6, 600u);
        QVERIFY(protocol::validateHostState(p.host));
        // No NAT: no nat6, no forwarding; no v6: nothing v6 at all.
        t.nodes[1].hostPort.nat = {};
        p = mustPlan(t);
        QVERIFY(p.host.nat6.isEmpty());
        QVERIFY(!p.host.ipv6Forwarding);
        v = {};
        p = mustPlan(t);
        QCOMPARE(p.host.addresses.size(), 1);
        QVERIFY(p.host.dnsmasq[0].address6.isEmpty());
        // A DNS-only dnsmasq (DHCP off) is a state the helper accepts (its lease time used to
        // be planned as 0, outside the helper's 120 s minimum).
        t.nodes[1].hostPort.dhcp.enabled = false;
        t.nodes[1].hostPort.dhcp.reservations.clear();
        p = mustPlan(t);
        QVERIFY(!p.host.dnsmasq[0].dhcp);
        auto decoded = protocol::hostStateFromJson(protocol::toJson(p.host));
        QVERIFY2(decoded, decoded ? "" : qPrintable(decoded.error().message));
        // SLAAC on a /80 is refused with the node named.
        v.address = QStringLiteral("fd42:1::1/80");
        QVERIFY(planError(t).contains(QStringLiteral("SLAAC needs a /64 prefix")));
        QVERIFY(planError(t).contains(QStringLiteral("gw")));
    }

    void natLanRuntime()
    {
        const Plan p = mustPlan(natLan());
        QCOMPARE(p.runtime.switches.size(), 1);
        const SwitchPlan &s = p.runtime.switches[0];
        QCOMPARE(s.socketDir, QStringLiteral("/run/user/1000/netloom/t/switch-lan"));
        QCOMPARE(s.ports.size(), 2);
        QCOMPARE(s.ports[0].kind, VdePort::Kind::Tap);
        QCOMPARE(s.ports[0].number, 1);
        QCOMPARE(s.ports[0].tap, QStringLiteral("loomnat0"));
        QCOMPARE(s.ports[1].kind, VdePort::Kind::Guest);
        QCOMPARE(s.ports[1].number, 2);
        QCOMPARE(s.numPorts, 32);
        QVERIFY(!s.vlans);

        QCOMPARE(p.runtime.guests.size(), 1);
        const QStringList &a = p.runtime.guests[0].argv;
        QCOMPARE(a.first(), QStringLiteral("qemu-system-x86_64"));
        QCOMPARE(values(a, QStringLiteral("-accel")), (QStringList{QStringLiteral("kvm"), QStringLiteral("tcg")}));
        QCOMPARE(values(a, QStringLiteral("-netdev")),
                 QStringList{QStringLiteral("vde,id=net0,sock=/run/user/1000/netloom/t/switch-lan,port=2")});
        // The screen (std VGA by default, a VNC server that listens nowhere, an absolute
        // pointer), then the NIC.
        QCOMPARE(values(a, QStringLiteral("-device")),
                 (QStringList{QStringLiteral("VGA"), QStringLiteral("qemu-xhci,id=xhci"), QStringLiteral("usb-tablet,bus=xhci.0"),
                              QStringLiteral("virtio-net-pci,netdev=net0,mac=52:54:00:00:0a:01")}));
        QCOMPARE(values(a, QStringLiteral("-vnc")), QStringList{QStringLiteral("none")});
        // The serial port: a socket chardev (consoles attach with add_client) that logs.
        QCOMPARE(values(a, QStringLiteral("-chardev")),
                 QStringList{QStringLiteral("socket,id=serial0,path=/run/user/1000/netloom/t/guest-vm1.serial,server=on,wait=off,"
                                            "logfile=/run/user/1000/netloom/t/guest-vm1.serial.log,logappend=on")});
        QCOMPARE(values(a, QStringLiteral("-serial")), QStringList{QStringLiteral("chardev:serial0")});
        QCOMPARE(p.runtime.guests[0].serialSocket, QStringLiteral("/run/user/1000/netloom/t/guest-vm1.serial"));
        QCOMPARE(p.runtime.guests[0].display, QStringLiteral("vga"));
        QCOMPARE(values(a, QStringLiteral("-qmp")),
                 QStringList{QStringLiteral("unix:/run/user/1000/netloom/t/guest-vm1.qmp,server=on,wait=off")});
        QCOMPARE(values(a, QStringLiteral("-drive")),
                 QStringList{QStringLiteral("file=/home/u/labs/disks/vm1.qcow2,format=qcow2,if=virtio,snapshot=on")});
        QCOMPARE(values(a, QStringLiteral("-display")), QStringList{QStringLiteral("none")});
        QVERIFY(a.contains(QStringLiteral("-nodefaults")));
    }

    void displayDevices()
    {
        model::Topology t = natLan();
        model::Node *g = nullptr;
        for (model::Node &n : t.nodes)
            if (n.type == model::NodeType::Guest)
                g = &n;
        QVERIFY(g);
        g->guest.display = model::GuestConfig::Display::Virtio;
        Plan p = mustPlan(t);
        QCOMPARE(values(p.runtime.guests[0].argv, QStringLiteral("-device")).first(), QStringLiteral("virtio-vga"));
        QCOMPARE(p.runtime.guests[0].display, QStringLiteral("virtio"));
        // No screen: no display device, no VNC server, no tablet; the serial port stays.
        g->guest.display = model::GuestConfig::Display::None;
        p = mustPlan(t);
        const QStringList &a = p.runtime.guests[0].argv;
        QCOMPARE(values(a, QStringLiteral("-device")), QStringList{QStringLiteral("virtio-net-pci,netdev=net0,mac=52:54:00:00:0a:01")});
        QVERIFY(values(a, QStringLiteral("-vnc")).isEmpty());
        QCOMPARE(values(a, QStringLiteral("-serial")), QStringList{QStringLiteral("chardev:serial0")});
        QCOMPARE(p.runtime.guests[0].display, QStringLiteral("none"));
    }

    // UEFI: two pflash drives (code read-only, the guest's store writable) with paths resolved
    // like disks, before the disks; the plan names both files for the runtime and exporter.
    void uefiFirmware()
    {
        model::Topology t = natLan();
        model::Node &vm = *t.node(QStringLiteral("vm1"));
        Plan p = mustPlan(t);
        QVERIFY(p.runtime.guests[0].uefiCode.isEmpty() && p.runtime.guests[0].uefiVars.isEmpty());
        QVERIFY(!toJson(p.runtime).value(QStringLiteral("guests")).toArray().at(0).toObject().contains(QStringLiteral("uefiCode")));
        QVERIFY(!p.runtime.guests[0].argv.join(u' ').contains(QStringLiteral("pflash")));
        vm.guest.uefi = model::UefiConfig{QStringLiteral("/usr/share/OVMF/OVMF_CODE_4M.fd"), QStringLiteral("vars/vm1_VARS,x.fd")};
        p = mustPlan(t);
        const GuestPlan &g = p.runtime.guests[0];
        QCOMPARE(g.uefiCode, QStringLiteral("/usr/share/OVMF/OVMF_CODE_4M.fd"));
        QCOMPARE(g.uefiVars, QStringLiteral("/home/u/labs/vars/vm1_VARS,x.fd"));
        QCOMPARE(values(g.argv, QStringLiteral("-drive")),
                 (QStringList{QStringLiteral("if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd"),
                              QStringLiteral("if=pflash,format=raw,unit=1,file=/home/u/labs/vars/vm1_VARS,,x.fd"),
                              QStringLiteral("file=/home/u/labs/disks/vm1.qcow2,format=qcow2,if=virtio,snapshot=on")}));
        const QJsonObject json = toJson(p.runtime).value(QStringLiteral("guests")).toArray().at(0).toObject();
        QCOMPARE(json.value(QStringLiteral("uefiVars")).toString(), g.uefiVars);
        // A kernel is still booted directly (through the firmware).
        vm.guest.kernel = QStringLiteral("k/vmlinuz");
        QCOMPARE(values(mustPlan(t).runtime.guests[0].argv, QStringLiteral("-kernel")), QStringList{QStringLiteral("/home/u/labs/k/vmlinuz")});
        vm.guest.uefi->vars = QStringLiteral("a\nb");
        QVERIFY(planError(t).contains(QStringLiteral("the UEFI code image or variable store has an empty or unprintable path")));
    }

    void vhostUserNic()
    {
        model::Topology t = natLan();
        model::Node &vm = *t.node(QStringLiteral("vm1"));
        vm.guest.nics[0].transport = NicConfig::Transport::VhostUser;
        vm.guest.machine = QStringLiteral("q35");
        vm.guest.memoryMiB = 512;
        Plan p = mustPlan(t);
        const QStringList &a = p.runtime.guests[0].argv;
        const SwitchPlan &sw = p.runtime.switches[0];
        const VdePort *port = nullptr;
        for (const VdePort &vp : sw.ports)
            if (vp.guest == QLatin1String("vm1"))
                port = &vp;
        QVERIFY(port);
        QCOMPARE(port->vhostSocket, vhostSocketPath(sw.socketDir, port->number));
        QVERIFY(port->vhostSocket.endsWith(QStringLiteral("/vhost-%1.sock").arg(port->number)));
        QCOMPARE(values(a, QStringLiteral("-chardev")).filter(QStringLiteral("vhu-net0")),
                 QStringList{QStringLiteral("socket,id=vhu-net0,path=%1,reconnect=1").arg(port->vhostSocket)});
        QCOMPARE(values(a, QStringLiteral("-netdev")), QStringList{QStringLiteral("vhost-user,id=net0,chardev=vhu-net0")});
        QCOMPARE(values(a, QStringLiteral("-device")).filter(QStringLiteral("netdev=net0")),
                 QStringList{QStringLiteral("virtio-net-pci,netdev=net0,mac=52:54:00:00:0a:01,vectors=0")});
        QCOMPARE(values(a, QStringLiteral("-machine")), QStringList{QStringLiteral("q35,memory-backend=netloom-mem")});
        QVERIFY(values(a, QStringLiteral("-object")).contains(QStringLiteral("memory-backend-memfd,id=netloom-mem,size=512M,share=on")));
        QCOMPARE(values(a, QStringLiteral("-m")), QStringList{QStringLiteral("512")});
        QCOMPARE(toJson(p.runtime).value(QStringLiteral("switches")).toArray().at(0).toObject().value(QStringLiteral("ports")).toArray()
                     .at(port->number - 1).toObject().value(QStringLiteral("vhostSocket")).toString(), port->vhostSocket);
        // With KVM certain, MSI-X stays; without a machine type, -machine is added.
        vm.guest.accel = QStringLiteral("kvm");
        vm.guest.machine.clear();
        p = mustPlan(t);
        QCOMPARE(values(p.runtime.guests[0].argv, QStringLiteral("-device")).filter(QStringLiteral("netdev=net0")),
                 QStringList{QStringLiteral("virtio-net-pci,netdev=net0,mac=52:54:00:00:0a:01")});
        QCOMPARE(values(p.runtime.guests[0].argv, QStringLiteral("-machine")), QStringList{QStringLiteral("memory-backend=netloom-mem")});
        // VDE NICs: no shared memory, no vhost socket.
        vm.guest.nics[0].transport = NicConfig::Transport::Vde;
        p = mustPlan(t);
        QVERIFY(!p.runtime.guests[0].argv.join(u' ').contains(QStringLiteral("memory-backend")));
        for (const VdePort &vp : p.runtime.switches[0].ports)
            QVERIFY(vp.vhostSocket.isEmpty());
    }

    void nicModes()
    {
        model::Topology t = natLan();
        model::Node &vm = *t.node(QStringLiteral("vm1"));
        NicConfig user = test::nic(QStringLiteral("net1"), QStringLiteral("52:54:00:00:0a:02"), NicConfig::Mode::User);
        user.user.network = QStringLiteral("10.9.0.0/24");
        user.user.restrict = true;
        user.user.forwards.append({QStringLiteral("tcp"), QStringLiteral("127.0.0.1"), 2222, QString(), 22});
        NicConfig listen = test::nic(QStringLiteral("net2"), QStringLiteral("52:54:00:00:0a:03"), NicConfig::Mode::Socket);
        listen.socket = {model::SocketConfig::Kind::Listen, QStringLiteral(":10001")};
        NicConfig mcast = test::nic(QStringLiteral("net3"), QStringLiteral("52:54:00:00:0a:04"), NicConfig::Mode::Socket);
        mcast.socket = {model::SocketConfig::Kind::Mcast, QStringLiteral("230.0.0.1:1234")};
        vm.guest.nics << user << listen << mcast;
        vm.guest.extraArgs = {QStringLiteral("-rtc"), QStringLiteral("base=utc")};
        const Plan p = mustPlan(t);
        const QStringList &a = p.runtime.guests[0].argv;
        const QStringList netdevs = values(a, QStringLiteral("-netdev"));
        QCOMPARE(netdevs.size(), 4);
        QCOMPARE(netdevs[1], QStringLiteral("user,id=net1,net=10.9.0.0/24,restrict=on,hostfwd=tcp:127.0.0.1:2222-:22"));
        QCOMPARE(netdevs[2], QStringLiteral("socket,id=net2,listen=:10001"));
        QCOMPARE(netdevs[3], QStringLiteral("socket,id=net3,mcast=230.0.0.1:1234"));
        QCOMPARE(a.mid(a.size() - 2), (QStringList{QStringLiteral("-rtc"), QStringLiteral("base=utc")}));
    }

    void bridgeAndOwnTap()
    {
        model::Topology t = test::bridgeLan();
        const Plan p = mustPlan(t);
        QCOMPARE(p.host.bridges.size(), 1);
        QCOMPARE(p.host.bridges[0].ports, (QStringList{QStringLiteral("loomtap1"), QStringLiteral("loomtap2")}));
        QCOMPARE(p.host.addresses[0].ifname, QStringLiteral("loombr0"));
        QVERIFY(!p.host.ipv4Forwarding);
        QVERIFY(p.host.nat.isEmpty());
        QCOMPARE(values(p.runtime.guests[0].argv, QStringLiteral("-netdev")),
                 QStringList{QStringLiteral("tap,id=net0,ifname=loomtap1,script=no,downscript=no")});
        QCOMPARE(p.runtime.guests[0].taps, QStringList{QStringLiteral("loomtap1")});

        // Own tap: a tap-mode NIC attached straight to a host port (routed).
        model::Topology r;
        r.name = QStringLiteral("routed");
        model::Node hp = test::hostPortNode(QStringLiteral("gw"), QStringLiteral("loomr0"), QStringLiteral("10.5.0.1/30"));
        hp.hostPort.nat.mode = model::NatConfig::Mode::Route;
        hp.hostPort.nat.uplinks = {QStringLiteral("eth0")};
        r.nodes = {hp, test::guestNode(QStringLiteral("vm"), {test::nic(QStringLiteral("net0"), QStringLiteral("52:54:00:00:05:01"), NicConfig::Mode::Tap)})};
        r.links = {test::link(QStringLiteral("l"), QStringLiteral("gw"), QStringLiteral("vm"), QStringLiteral("net0"))};
        const Plan rp = mustPlan(r);
        QCOMPARE(rp.host.taps.size(), 1);
        QCOMPARE(rp.host.taps[0].ifname, QStringLiteral("loomr0"));
        QVERIFY(rp.host.ipv4Forwarding);
        QCOMPARE(rp.host.nat[0].mode, protocol::NatSpec::Mode::Route);
        QCOMPARE(values(rp.runtime.guests[0].argv, QStringLiteral("-netdev")),
                 QStringList{QStringLiteral("tap,id=net0,ifname=loomr0,script=no,downscript=no")});
    }

    // 802.1Q on a kernel bridge (bridgevlanplan.h): access, trunk with native, the host side.
    void bridgeVlans()
    {
        using protocol::BridgeVlan;
        using protocol::PortVlanSpec;
        model::Topology t = test::bridgeLan();
        const Plan plain = mustPlan(t);
        QVERIFY(!plain.host.bridges[0].vlanFiltering);  // no setting: planned as before
        QVERIFY(plain.host.bridges[0].vlans.isEmpty());

        t.links[1].a.vlan = model::VlanConfig{model::VlanConfig::Mode::Access, 10, {}};
        t.links[2].a.vlan = model::VlanConfig{model::VlanConfig::Mode::Trunk, 5, {20, 10, 5}};
        const Plan p = mustPlan(t);
        const protocol::BridgeSpec &b = p.host.bridges[0];
        QVERIFY(b.vlanFiltering);
        const QList<PortVlanSpec> want{
            {QStringLiteral("loombr0"), {BridgeVlan{1, true, true}}},  // the host side: default VLAN 1
            {QStringLiteral("loomtap1"), {BridgeVlan{10, true, true}}},
            {QStringLiteral("loomtap2"), {BridgeVlan{5, true, true}, BridgeVlan{10, false, false}, BridgeVlan{20, false, false}}},
        };
        QCOMPARE(b.vlans, want);
        { const Status st = protocol::validateHostState(p.host); QVERIFY2(st, st ? "" : qPrintable(st.error().message)); }

        // The gateway's link carries the host side's VLAN; a trunk without native is tagged only.
        t.links[0].a.vlan = model::VlanConfig{model::VlanConfig::Mode::Access, 10, {}};
        t.links[2].a.vlan = model::VlanConfig{model::VlanConfig::Mode::Trunk, 0, {10, 20}};
        const Plan q = mustPlan(t);
        QCOMPARE(q.host.bridges[0].vlans[0], (PortVlanSpec{QStringLiteral("loombr0"), {BridgeVlan{10, true, true}}}));
        QCOMPARE(q.host.bridges[0].vlans[2],
                 (PortVlanSpec{QStringLiteral("loomtap2"), {BridgeVlan{10, false, false}, BridgeVlan{20, false, false}}}));
        // The plan's JSON carries the entries and reads back the same.
        auto back = protocol::hostStateFromJson(protocol::toJson(q.host));
        QVERIFY2(back, back ? "" : qPrintable(back.error().message));
        QCOMPARE(*back, q.host);
    }

    void bridgeCablesVxlanUplink()
    {
        const Plan p = mustPlan(test::twoBridges());
        QCOMPARE(p.host.veths.size(), 1);
        QCOMPARE(p.host.veths[0].ifname, QStringLiteral("loomc0"));
        QCOMPARE(p.host.veths[0].peer, model::vethPeerName(QStringLiteral("loomc0")));
        QCOMPARE(p.host.bridges[0].ports, QStringList{QStringLiteral("loomc0")});
        QCOMPARE(p.host.bridges[1].ports, (QStringList{p.host.veths[0].peer, QStringLiteral("loomvx0")}));
        QCOMPARE(p.host.vxlans.size(), 1);
        QCOMPARE(p.host.vxlans[0].vni, 42u);
        QCOMPARE(p.host.vxlans[0].remote, QStringLiteral("192.0.2.7"));
        QCOMPARE(p.host.uplinks.size(), 1);
        QCOMPARE(p.host.uplinks[0].ifname, QStringLiteral("eth0"));
        QCOMPARE(p.host.uplinks[0].bridge, QStringLiteral("loomb1"));
        QVERIFY(!p.host.ipv4Forwarding);
        QVERIFY(p.runtime.switches.isEmpty());
    }

    void portNumberingCablesAndVlans()
    {
        model::Topology t = natLan();
        t.nodes << test::switchNode(QStringLiteral("core"))
                << test::guestNode(QStringLiteral("vm2"), {test::nic(QStringLiteral("net0"), QStringLiteral("52:54:00:00:0a:09"))})
                << test::switchNode(QStringLiteral("br"), model::SwitchConfig::Engine::Bridge, QStringLiteral("loombr9"));
        model::VlanConfig trunk{model::VlanConfig::Mode::Trunk, 0, {10, 20}};
        model::VlanConfig access20{model::VlanConfig::Mode::Access, 20, {}};
        t.links << test::link(QStringLiteral("c1"), QStringLiteral("lan"), QStringLiteral("core"), QString(), trunk)
                << test::link(QStringLiteral("l3"), QStringLiteral("core"), QStringLiteral("vm2"), QStringLiteral("net0"), access20);
        model::Link toBridge = test::link(QStringLiteral("c2"), QStringLiteral("core"), QStringLiteral("br"));
        toBridge.tapIfname = QStringLiteral("loomc2");
        t.links << toBridge;
        const Plan p = mustPlan(t);
        QCOMPARE(p.runtime.switches.size(), 2);
        const SwitchPlan &lan = p.runtime.switches[0];
        const SwitchPlan &core = p.runtime.switches[1];
        QCOMPARE(lan.ports.size(), 3);
        QCOMPARE(lan.ports[2].kind, VdePort::Kind::Cable);
        QCOMPARE(lan.ports[2].number, 3);
        QCOMPARE(lan.ports[2].vlan, trunk);
        QVERIFY(lan.vlans);
        // core: the bridge tap is numbered first although its link comes last.
        QCOMPARE(core.ports.size(), 3);
        QCOMPARE(core.ports[0].kind, VdePort::Kind::Tap);
        QCOMPARE(core.ports[0].tap, QStringLiteral("loomc2"));
        QCOMPARE(core.ports[1].kind, VdePort::Kind::Cable);
        QCOMPARE(core.ports[1].number, 2);
        QCOMPARE(core.ports[1].peerPort, 3);
        QCOMPARE(lan.ports[2].peerPort, 2);
        QCOMPARE(core.ports[2].vlan, access20);
        QCOMPARE(p.runtime.cables.size(), 1);
        QCOMPARE(p.runtime.cables[0].portA, 3);
        QCOMPARE(p.runtime.cables[0].portB, 2);
        QCOMPARE(p.host.bridges[0].ports, QStringList{QStringLiteral("loomc2")});
        QCOMPARE(values(p.runtime.guests[1].argv, QStringLiteral("-netdev")),
                 QStringList{QStringLiteral("vde,id=net0,sock=/run/user/1000/netloom/t/switch-core,port=3")});
    }

    void commasAreEscaped()
    {
        model::Topology t = natLan();
        t.node(QStringLiteral("vm1"))->guest.disks[0].path = QStringLiteral("/img/a,b.qcow2");
        t.node(QStringLiteral("vm1"))->name = QStringLiteral("web,1");
        const Plan p = mustPlan(t, {QStringLiteral("/run/x,y"), QStringLiteral("/")});
        const QStringList &a = p.runtime.guests[0].argv;
        QCOMPARE(values(a, QStringLiteral("-name")), QStringList{QStringLiteral("guest=web,,1")});
        QVERIFY(values(a, QStringLiteral("-drive"))[0].startsWith(QStringLiteral("file=/img/a,,b.qcow2,")));
        QCOMPARE(values(a, QStringLiteral("-netdev"))[0], QStringLiteral("vde,id=net0,sock=/run/x,,y/switch-lan,port=2"));
    }

    void errors_data()
    {
        QTest::addColumn<int>("which");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no mac") << 0 << "failed to plan 'guest vm1': NIC 'net0' has no MAC address (run the allocator)";
        QTest::newRow("duplicate mac") << 1 << "is also used by guest vm1 NIC net0";
        QTest::newRow("not connected") << 2 << "NIC 'net0' is in switch mode but not connected";
        QTest::newRow("uplink on netloom") << 3 << "an uplink can only be enslaved to a kernel bridge";
        QTest::newRow("range outside") << 4 << "the DHCP range 10.0.2.100-10.0.3.5 is not an ascending range inside 10.0.2.0/24";
        QTest::newRow("long runtime dir") << 5 << "is longer than 107 bytes";
        QTest::newRow("relative runtime dir") << 6 << "must be absolute paths";
        QTest::newRow("tap name missing") << 7 << "the host port tap has no interface name (run the allocator)";
        QTest::newRow("duplicate ifname") << 8 << "interface name 'loomnat0' is used twice";
        QTest::newRow("nat without address") << 9 << "DHCP and NAT need a host address";
        QTest::newRow("bridge vlan range") << 10 << "access VLAN 4095 is outside 1..4094";
        QTest::newRow("user nic linked") << 11 << "only switch-mode NICs attach to a switch";
        QTest::newRow("missing node") << 12 << "node 'nowhere' does not exist";
    }
    void errors()
    {
        QFETCH(int, which);
        QFETCH(QString, expected);
        model::Topology t = natLan();
        PlanContext ctx = kCtx;
        model::Node &vm = *t.node(QStringLiteral("vm1"));
        model::Node &gw = *t.node(QStringLiteral("gw"));
        switch (which) {
        case 0: vm.guest.nics[0].mac.clear(); break;
        case 1:
            t.nodes << test::guestNode(QStringLiteral("vm2"), {test::nic(QStringLiteral("net0"), QStringLiteral("52:54:00:00:0A:01"), NicConfig::Mode::User)});
            break;
        case 2: t.links.removeLast(); break;
        case 3: {
            model::Node u;
            u.id = QStringLiteral("up");
            u.type = model::NodeType::Uplink;
            u.uplink.ifname = QStringLiteral("eth0");
            t.nodes << u;
            t.links << test::link(QStringLiteral("l9"), QStringLiteral("lan"), QStringLiteral("up"));
            break;
        }
        case 4: gw.hostPort.dhcp.rangeEnd = QStringLiteral("10.0.3.5"); break;
        case 5: ctx.runtimeDir = QStringLiteral("/") + QString(100, QLatin1Char('r')); break;
        case 6: ctx.runtimeDir = QStringLiteral("run/netloom"); break;
        case 7: gw.hostPort.ifname.clear(); break;
        case 8:
            t.nodes << test::switchNode(QStringLiteral("br"), model::SwitchConfig::Engine::Bridge, QStringLiteral("loomnat0"));
            break;
        case 9: gw.hostPort.address.clear(); break;
        case 10: {
            model::Topology b = test::bridgeLan();
            b.links[1].a.vlan = model::VlanConfig{model::VlanConfig::Mode::Access, 4095, {}};
            t = b;
            break;
        }
        case 11: vm.guest.nics[0].mode = NicConfig::Mode::User; break;
        case 12: t.links << test::link(QStringLiteral("l9"), QStringLiteral("lan"), QStringLiteral("nowhere")); break;
        }
        const QString err = planError(t, ctx);
        QVERIFY2(err.contains(expected), qPrintable(err));
        QVERIFY2(err.startsWith(QStringLiteral("failed to plan '")), qPrintable(err));
    }

    // Emulation lands where the link is realized (plan/emulationplan.h).
    void emulationOnSwitchPorts()
    {
        model::Topology t = natLan();
        t.links[1].emulation.ab.delayUs = 10000;    // lan -> vm1: leaves the switch through vm1's port
        t.links[1].emulation.ba.lossPercent = 5;    // vm1 -> lan
        t.links[1].emulation.up = false;
        t.links[0].emulation.ba.rateBitsPerSecond = 1000000;  // gw -> lan: into the switch from the host tap
        t.nodes << test::switchNode(QStringLiteral("core"));
        model::Link cable = test::link(QStringLiteral("c1"), QStringLiteral("lan"), QStringLiteral("core"));
        cable.emulation.ab.delayUs = 1000;
        cable.emulation.ba.delayUs = 2000;
        t.links << cable;
        t.nodes[0].sw.mirrors = {model::MirrorConfig{QStringLiteral("l2"), QStringLiteral("l1"), model::MirrorConfig::Direction::Rx}};
        const Plan p = mustPlan(t);
        const SwitchPlan &lan = p.runtime.switches[0];
        const SwitchPlan &core = p.runtime.switches[1];
        auto port = [](const SwitchPlan &s, const char *link) {
            for (const VdePort &vp : s.ports)
                if (vp.link == QLatin1String(link))
                    return vp;
            return VdePort{};
        };
        QCOMPARE(port(lan, "l2").toPort.delayUs, 10000u);
        QCOMPARE(port(lan, "l2").fromPort.lossPercent, 5.0);
        QVERIFY(!port(lan, "l2").up);
        QVERIFY(port(lan, "l1").toPort.isNone());
        QCOMPARE(port(lan, "l1").fromPort.rateBitsPerSecond, 1000000u);
        QVERIFY(port(lan, "l1").up);
        // A cable between netloom switches: each side its own egress, once.
        QCOMPARE(port(lan, "c1").toPort.delayUs, 1000u);
        QVERIFY(port(lan, "c1").fromPort.isNone());
        QCOMPARE(port(core, "c1").toPort.delayUs, 2000u);
        QVERIFY(port(core, "c1").fromPort.isNone());
        QCOMPARE(lan.mirrors, (QList<MirrorPlan>{MirrorPlan{port(lan, "l2").number, port(lan, "l1").number, model::MirrorConfig::Direction::Rx}}));
        QCOMPARE(p.runtime.guests[0].nicsDown, QStringList{QStringLiteral("net0")});
        QVERIFY(p.host.impairments.isEmpty());  // all in the switch
        const QJsonObject json = toJson(p.runtime);
        const QJsonObject lanJson = json.value(QStringLiteral("switches")).toArray().at(0).toObject();
        QCOMPARE(lanJson.value(QStringLiteral("mirrors")).toArray().size(), 1);
        QCOMPARE(json.value(QStringLiteral("guests")).toArray().at(0).toObject().value(QStringLiteral("nicsDown")).toArray().size(), 1);

        // Down cable: both sides down. A mirror naming a link without a port here is refused.
        t.links[2].emulation.up = false;
        const Plan down = mustPlan(t);
        QVERIFY(!port(down.runtime.switches[0], "c1").up && !port(down.runtime.switches[1], "c1").up);
        t.nodes[0].sw.mirrors = {model::MirrorConfig{QStringLiteral("l2"), QStringLiteral("nope"), model::MirrorConfig::Direction::Both}};
        QVERIFY2(planError(t).contains(QStringLiteral("switch lan': mirrors[0]: link 'nope' (target) has no port on this switch")), qPrintable(planError(t)));
    }

    void emulationOnKernelInterfaces()
    {
        model::Topology b = test::bridgeLan();
        b.links[1].emulation.ab.delayUs = 3000;  // br -> vm1: the tap's egress
        b.links[1].emulation.ba.delayUs = 4000;  // vm1 -> br: arrives on the tap (ingress, IFB)
        b.links[2].emulation.up = false;
        b.links[0].emulation.up = false;         // the host port on the bridge: 100% loss, bridge stays up
        const Plan p = mustPlan(b);
        QCOMPARE(p.host.impairments.size(), 2);
        const protocol::ImpairmentSpec &host = p.host.impairments[0];
        QCOMPARE(host.ifname, QStringLiteral("loombr0"));
        QCOMPARE(host.egress.lossPercent, 100.0);
        QCOMPARE(host.ingress.lossPercent, 100.0);
        QCOMPARE(host.ifbIfname, QStringLiteral("loomibr0"));
        const protocol::ImpairmentSpec &tap = p.host.impairments[1];
        QCOMPARE(tap.ifname, QStringLiteral("loomtap1"));
        QCOMPARE(tap.egress.delayUs, 3000u);
        QCOMPARE(tap.ingress.delayUs, 4000u);
        QCOMPARE(tap.ifbIfname, QStringLiteral("loomitap1"));
        for (const protocol::LinkSpec &l : p.host.links)
            QCOMPARE(l.up, l.ifname != QLatin1String("loomtap2"));
        QCOMPARE(p.runtime.guests[1].nicsDown, QStringList{QStringLiteral("net0")});

        model::Topology v = test::twoBridges();
        v.links[0].emulation.ab.delayUs = 5000;   // b1 -> b2: loomc0 (on b1) egress
        v.links[0].emulation.ba.lossPercent = 10; // b2 -> b1: the peer's egress
        v.links[0].emulation.up = false;
        v.links[1].emulation.ba.delayUs = 7000;   // siteb -> b2: arrives on the VXLAN
        const Plan q = mustPlan(v);
        QCOMPARE(q.host.impairments.size(), 3);
        QCOMPARE(q.host.impairments[0].ifname, QStringLiteral("loomc0"));
        QCOMPARE(q.host.impairments[0].egress.delayUs, 5000u);
        QVERIFY(q.host.impairments[0].ingress.isNone() && q.host.impairments[0].ifbIfname.isEmpty());
        QCOMPARE(q.host.impairments[1].ifname, model::vethPeerName(QStringLiteral("loomc0")));
        QCOMPARE(q.host.impairments[1].egress.lossPercent, 10.0);
        QCOMPARE(q.host.impairments[2].ifname, QStringLiteral("loomvx0"));
        QVERIFY(q.host.impairments[2].egress.isNone());
        QCOMPARE(q.host.impairments[2].ingress.delayUs, 7000u);
        QCOMPARE(q.host.impairments[2].ifbIfname, QStringLiteral("loomivx0"));
        int down = 0;
        for (const protocol::LinkSpec &l : q.host.links)
            down += l.up ? 0 : 1;
        QCOMPARE(down, 2);  // both veth ends
        QVERIFY(protocol::toJson(q.host).contains(QStringLiteral("impairments")));
    }

    void ifbNames()
    {
        QCOMPARE(ifbName(QStringLiteral("loomt1a2b3c"), {}), QStringLiteral("loomit1a2b3c"));
        QCOMPARE(ifbName(QStringLiteral("loomabcdefghijk"), {}), QStringLiteral("loomiabcdefghij"));  // cut to 15 bytes
        QSet<QString> taken{QStringLiteral("loomit1a2b3c")};
        const QString other = ifbName(QStringLiteral("loomt1a2b3c"), taken);
        QVERIFY(other.startsWith(QStringLiteral("loomi")) && other != QStringLiteral("loomit1a2b3c") && other.size() == 11);
        taken.insert(other);
        const QString third = ifbName(QStringLiteral("loomt1a2b3c"), taken);
        QVERIFY(!taken.contains(third) && third.size() == 11);
        QVERIFY(ifbName(QStringLiteral("eth0"), {}).startsWith(QStringLiteral("loomi")));
        QCOMPARE(ifbName(QStringLiteral("loomt1a2b3c"), taken), third);  // deterministic
        // Two interfaces whose names agree in their first 14 bytes still get distinct IFBs.
        protocol::HostState h;
        addKernelImpairment(&h, QStringLiteral("loomxxxxxxxxxx1"), {}, protocol::Impairment{.lossPercent = 1});
        addKernelImpairment(&h, QStringLiteral("loomxxxxxxxxxx2"), {}, protocol::Impairment{.lossPercent = 1});
        addKernelImpairment(&h, QStringLiteral("loomnone"), {}, {});  // nothing to impair: not listed
        QSet<QString> names{QStringLiteral("loomxxxxxxxxxx1"), QStringLiteral("loomxxxxxxxxxx2")};
        QVERIFY(allocateIfbNames(&h, &names));
        QCOMPARE(h.impairments.size(), 2);
        QVERIFY(h.impairments[0].ifbIfname != h.impairments[1].ifbIfname);
        for (const protocol::ImpairmentSpec &i : h.impairments)
            QVERIFY2(i.ifbIfname.size() <= 15 && i.ifbIfname.startsWith(QStringLiteral("loomi")), qPrintable(i.ifbIfname));
    }

    void deterministic()
    {
        QCOMPARE(toJson(mustPlan(natLan())), toJson(mustPlan(natLan())));
    }
};

QTEST_GUILESS_MAIN(TestPlanner)
#include "test_planner.moc"
