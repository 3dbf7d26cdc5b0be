// SPDX-License-Identifier: GPL-3.0-or-later
// Validator rules on in-memory topologies: one case per rule, each asserting the JSON path,
// node and a message substring of the issue it must produce.
#include "common/testutil.h"
#include "model/topologyjson.h"
#include "model/validator.h"

#include <QTest>

#include <algorithm>
#include <functional>

using namespace netloom;
using namespace netloom::model;

namespace {

Topology demo()
{
    Result<Topology> t = loadTopologyFile(test::sourcePath(QStringLiteral("examples/demo.json")));
    if (!t.isOk())
        qFatal("cannot load demo.json: %s", qPrintable(t.error().message));
    return *t;
}

Node &nodeOf(Topology &t, const char *id) { return *t.node(QString::fromLatin1(id)); }
HostPortConfig &gw(Topology &t) { return nodeOf(t, "gw").hostPort; }
NicConfig &nic(Topology &t, const char *guest, int i = 0) { return nodeOf(t, guest).guest.nics[i]; }

Node makeNode(const char *id, NodeType type)
{
    Node n;
    n.id = QString::fromLatin1(id);
    n.name = n.id;
    n.type = type;
    return n;
}

Link makeLink(const char *id, const char *a, const char *b, const char *nicA = "", const char *nicB = "")
{
    return Link{QString::fromLatin1(id), Endpoint{QString::fromLatin1(a), QString::fromLatin1(nicA), std::nullopt},
                Endpoint{QString::fromLatin1(b), QString::fromLatin1(nicB), std::nullopt}, {}, QString()};
}

// Adds a second netloom LAN "lan2" with host port "gw2" at `address`.
void addLan2(Topology &t, const char *address)
{
    t.nodes.append(makeNode("lan2", NodeType::Switch));
    Node hp = makeNode("gw2", NodeType::HostPort);
    hp.hostPort.address = QString::fromLatin1(address);
    t.nodes.append(hp);
    t.links.append(makeLink("gw2-lan2", "gw2", "lan2"));
}

// Turns alpha and beta into socket NICs (their switch links removed).
void sockets(Topology &t, SocketConfig a, SocketConfig b)
{
    t.links.remove(1, 2);
    nic(t, "alpha").mode = NicConfig::Mode::Socket;
    nic(t, "alpha").socket = a;
    nic(t, "beta").mode = NicConfig::Mode::Socket;
    nic(t, "beta").socket = b;
}

void userForwards(Topology &t, HostForward a, HostForward b)
{
    t.links.remove(1, 2);
    nic(t, "alpha").mode = NicConfig::Mode::User;
    nic(t, "alpha").user.forwards = {a};
    nic(t, "beta").mode = NicConfig::Mode::User;
    nic(t, "beta").user.forwards = {b};
}

// A valid IPv6 block on gw (SLAAC on a /64, optionally stateful DHCPv6).
Ipv6Config &v6(Topology &t, bool dhcp = false)
{
    Ipv6Config &v = gw(t).ipv6;
    v.address = QStringLiteral("fd42:1::1/64");
    v.dhcp = dhcp;
    if (dhcp) {
        v.rangeStart = QStringLiteral("fd42:1::100");
        v.rangeEnd = QStringLiteral("fd42:1::1ff");
    }
    return v;
}

SocketConfig sock(SocketConfig::Kind k, const char *addr) { return SocketConfig{k, QString::fromLatin1(addr)}; }
HostForward fwd(const char *addr, int port) { return HostForward{QStringLiteral("tcp"), QString::fromLatin1(addr), port, QString(), 22}; }

struct Case {
    const char *name;
    std::function<void(Topology &)> mutate;
    const char *path;      // expected path (exact)
    const char *nodeId;    // expected nodeId (exact)
    const char *message;   // expected message substring
    Issue::Severity severity = Issue::Severity::Error;
};

const Issue::Severity W = Issue::Severity::Warning;

}  // namespace

class TestValidator : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void ipv6IsClean()
    {
        Topology t = demo();
        v6(t);
        QList<Issue> issues = validate(t);
        QVERIFY2(issues.isEmpty(), qPrintable(issues.isEmpty() ? QString() : issues.first().message));
        v6(t, true).address = QStringLiteral("fd42:1::1/112");  // stateful on a non-/64 is fine
        issues = validate(t);
        QVERIFY2(issues.isEmpty(), qPrintable(issues.isEmpty() ? QString() : issues.first().message));
        addLan2(t, "10.0.3.1/24");
        nodeOf(t, "gw2").hostPort.ipv6.address = QStringLiteral("fd42:2::1/64");
        issues = validate(t);
        QVERIFY2(issues.isEmpty(), qPrintable(issues.isEmpty() ? QString() : issues.first().message));
    }

    void baseIsClean()
    {
        const QList<Issue> issues = validate(demo());
        QVERIFY2(issues.isEmpty(), qPrintable(issues.isEmpty() ? QString() : issues.first().message));
    }

    void rules()
    {
        const QList<Case> cases = {
            // topology, ids, names
            {"topology name", [](Topology &t) { t.name = QStringLiteral("a b"); }, "name", "", "topology name 'a b' must be"},
            {"node id syntax", [](Topology &t) { nodeOf(t, "lan").id = QStringLiteral("l/1"); }, "nodes[0] (id 'l/1').id", "l/1", "node id 'l/1' must be"},
            {"duplicate node id", [](Topology &t) { t.nodes.append(makeNode("lan", NodeType::Switch)); t.nodes.last().name = QStringLiteral("x"); },
             "nodes[4] (id 'lan').id", "lan", "duplicate node id 'lan' (also nodes[0])"},
            {"duplicate node name", [](Topology &t) { nodeOf(t, "beta").name = QStringLiteral("alpha"); }, "nodes[3] (id 'beta').name", "beta",
             "duplicate node name 'alpha'"},
            {"empty node name", [](Topology &t) { nodeOf(t, "beta").name = QStringLiteral(" "); }, "nodes[3] (id 'beta').name", "beta", "node name is empty"},
            {"duplicate link id", [](Topology &t) { t.links[2].id = t.links[1].id; }, "links[2] (id 'alpha-lan').id", "", "duplicate link id 'alpha-lan'"},
            // host ports and DHCP
            {"overlapping subnets", [](Topology &t) { addLan2(t, "10.0.2.65/26"); }, "nodes[5] (id 'gw2').hostPort.address", "gw2",
             "subnet 10.0.2.64/26 overlaps subnet 10.0.2.0/24 of host port 'gw'"},
            {"gateway is network", [](Topology &t) { gw(t).address = QStringLiteral("10.0.2.0/24"); }, "nodes[1] (id 'gw').hostPort.address", "gw",
             "is the network address of 10.0.2.0/24"},
            {"gateway is broadcast", [](Topology &t) { gw(t).address = QStringLiteral("10.0.2.255/24"); }, "nodes[1] (id 'gw').hostPort.address", "gw",
             "is the broadcast address"},
            {"bad address", [](Topology &t) { gw(t).address = QStringLiteral("10.0.2.1"); }, "nodes[1] (id 'gw').hostPort.address", "gw",
             "host address '10.0.2.1' is not an IPv4 address with a prefix"},
            {"dhcp outside", [](Topology &t) { gw(t).dhcp.rangeStart = QStringLiteral("10.0.1.5"); }, "nodes[1] (id 'gw').hostPort.dhcp.rangeStart", "gw",
             "DHCP range start 10.0.1.5 is outside the usable addresses of 10.0.2.0/24"},
            {"dhcp broadcast end", [](Topology &t) { gw(t).dhcp.rangeEnd = QStringLiteral("10.0.2.255"); }, "nodes[1] (id 'gw').hostPort.dhcp.rangeEnd", "gw",
             "is outside the usable addresses"},
            {"dhcp reversed", [](Topology &t) { gw(t).dhcp.rangeStart = QStringLiteral("10.0.2.250"); }, "nodes[1] (id 'gw').hostPort.dhcp.rangeStart", "gw",
             "DHCP range start 10.0.2.250 is after its end 10.0.2.199"},
            {"dhcp contains gateway", [](Topology &t) { gw(t).address = QStringLiteral("10.0.2.120/24"); }, "nodes[1] (id 'gw').hostPort.dhcp.rangeStart", "gw",
             "contains the host address 10.0.2.120"},
            {"dhcp empty range", [](Topology &t) { gw(t).dhcp.rangeEnd.clear(); }, "nodes[1] (id 'gw').hostPort.dhcp.rangeEnd", "gw", "range end is empty"},
            {"dhcp without address", [](Topology &t) { gw(t).address.clear(); gw(t).nat = {}; }, "nodes[1] (id 'gw').hostPort.dhcp.enabled", "gw",
             "DHCP needs a host address"},
            {"lease too short", [](Topology &t) { gw(t).dhcp.leaseSeconds = 60; }, "nodes[1] (id 'gw').hostPort.dhcp.leaseSeconds", "gw",
             "lease time 60 s is out of range 120..31536000"},
            {"lease too long", [](Topology &t) { gw(t).dhcp.leaseSeconds = 40000000; }, "nodes[1] (id 'gw').hostPort.dhcp.leaseSeconds", "gw", "out of range"},
            {"bad domain", [](Topology &t) { gw(t).dhcp.domain = QStringLiteral("demo..lan"); }, "nodes[1] (id 'gw').hostPort.dhcp.domain", "gw",
             "domain 'demo..lan' is not a DNS name"},
            {"reservation outside", [](Topology &t) { gw(t).dhcp.reservations = {{QStringLiteral("52:54:00:00:00:09"), QStringLiteral("10.9.9.9"), {}}}; },
             "nodes[1] (id 'gw').hostPort.dhcp.reservations[0].ip", "gw", "reserved address 10.9.9.9 is outside"},
            {"reservation duplicate ip",
             [](Topology &t) {
                 gw(t).dhcp.reservations = {{QStringLiteral("52:54:00:00:00:09"), QStringLiteral("10.0.2.9"), {}},
                                            {QStringLiteral("52:54:00:00:00:0a"), QStringLiteral("10.0.2.9"), {}}};
             },
             "nodes[1] (id 'gw').hostPort.dhcp.reservations[1].ip", "gw", "address 10.0.2.9 is reserved twice"},
            {"reservation duplicate mac",
             [](Topology &t) {
                 gw(t).dhcp.reservations = {{QStringLiteral("52:54:00:00:00:09"), QStringLiteral("10.0.2.9"), {}},
                                            {QStringLiteral("52:54:00:00:00:09"), QStringLiteral("10.0.2.8"), {}}};
             },
             "nodes[1] (id 'gw').hostPort.dhcp.reservations[1].mac", "gw", "MAC 52:54:00:00:00:09 is reserved twice"},
            {"reservation is gateway", [](Topology &t) { gw(t).dhcp.reservations = {{QStringLiteral("52:54:00:00:00:09"), QStringLiteral("10.0.2.1"), {}}}; },
             "nodes[1] (id 'gw').hostPort.dhcp.reservations[0].ip", "gw", "reserved address 10.0.2.1 is the host address"},
            {"reservation multicast mac", [](Topology &t) { gw(t).dhcp.reservations = {{QStringLiteral("01:00:5e:00:00:01"), QStringLiteral("10.0.2.9"), {}}}; },
             "nodes[1] (id 'gw').hostPort.dhcp.reservations[0].mac", "gw", "is not a unicast address"},
            {"nat without uplink", [](Topology &t) { gw(t).nat.uplinks.clear(); }, "nodes[1] (id 'gw').hostPort.nat.uplinks", "gw",
             "NAT (mode masquerade) needs at least one uplink"},
            {"nat without address", [](Topology &t) { gw(t).address.clear(); gw(t).dhcp = {}; }, "nodes[1] (id 'gw').hostPort.nat.mode", "gw",
             "NAT needs a host address"},
            {"bad uplink pattern", [](Topology &t) { gw(t).nat.uplinks = {QStringLiteral("eth 0")}; }, "nodes[1] (id 'gw').hostPort.nat.uplinks[0]", "gw",
             "invalid uplink 'eth 0'"},
            {"loom uplink pattern", [](Topology &t) { gw(t).nat.uplinks = {QStringLiteral("loom+")}; }, "nodes[1] (id 'gw').hostPort.nat.uplinks[0]", "gw",
             "names an interface Netloom creates"},
            {"uplinks without nat", [](Topology &t) { gw(t).nat.mode = NatConfig::Mode::None; }, "nodes[1] (id 'gw').hostPort.nat.uplinks", "gw",
             "uplinks are ignored while nat.mode is 'none'", W},
            {"host port mtu", [](Topology &t) { gw(t).mtu = 10; }, "nodes[1] (id 'gw').hostPort.mtu", "gw", "MTU 10 is out of range"},
            // IPv6
            {"v6 not a prefix", [](Topology &t) { v6(t).address = QStringLiteral("fd42:1::1"); }, "nodes[1] (id 'gw').hostPort.ipv6.address", "gw",
             "IPv6 address 'fd42:1::1' is not an IPv6 address with a prefix"},
            {"v6 zone id", [](Topology &t) { v6(t).address = QStringLiteral("fd42:1::1%eth0/64"); }, "nodes[1] (id 'gw').hostPort.ipv6.address", "gw",
             "zone ids"},
            {"v6 ipv4 given", [](Topology &t) { v6(t).address = QStringLiteral("10.0.9.1/24"); }, "nodes[1] (id 'gw').hostPort.ipv6.address", "gw",
             "is not an IPv6 address with a prefix"},
            {"v6 link-local", [](Topology &t) { v6(t).address = QStringLiteral("fe80::1/64"); }, "nodes[1] (id 'gw').hostPort.ipv6.address", "gw",
             "is not a global or unique-local unicast address"},
            {"v6 prefix too long", [](Topology &t) { v6(t, true).address = QStringLiteral("fd42:1::1/127"); }, "nodes[1] (id 'gw').hostPort.ipv6.address", "gw",
             "IPv6 prefix length /127 of fd42:1::1/127 is out of range /16../126"},
            {"v6 prefix too short", [](Topology &t) { v6(t).address = QStringLiteral("fd42::1/8"); }, "nodes[1] (id 'gw').hostPort.ipv6.address", "gw",
             "out of range /16../126"},
            {"v6 anycast", [](Topology &t) { v6(t).address = QStringLiteral("fd42:1::/64"); }, "nodes[1] (id 'gw').hostPort.ipv6.address", "gw",
             "is the subnet-router anycast address of fd42:1::/64; use a host address such as fd42:1::1"},
            {"slaac needs /64", [](Topology &t) { v6(t).address = QStringLiteral("fd42:1::1/80"); }, "nodes[1] (id 'gw').hostPort.ipv6.address", "gw",
             "SLAAC (router advertisements without stateful DHCPv6) needs a /64 prefix, not /80"},
            {"v6 without v4", [](Topology &t) { v6(t); gw(t).address.clear(); gw(t).dhcp = {}; gw(t).nat = {}; }, "nodes[1] (id 'gw').hostPort.ipv6.address", "gw",
             "an IPv6 prefix needs the IPv4 host address on this port too"},
            {"dhcpv6 without prefix", [](Topology &t) { v6(t, true).address.clear(); }, "nodes[1] (id 'gw').hostPort.ipv6.dhcp", "gw",
             "DHCPv6 needs an IPv6 prefix on this port"},
            {"dhcpv6 range outside", [](Topology &t) { v6(t, true).rangeEnd = QStringLiteral("fd42:2::1ff"); }, "nodes[1] (id 'gw').hostPort.ipv6.rangeEnd", "gw",
             "DHCPv6 range end fd42:2::1ff is outside the usable addresses of fd42:1::/64"},
            {"dhcpv6 range reversed", [](Topology &t) { v6(t, true).rangeStart = QStringLiteral("fd42:1::200"); }, "nodes[1] (id 'gw').hostPort.ipv6.rangeStart", "gw",
             "DHCPv6 range start fd42:1::200 is after its end fd42:1::1ff"},
            {"dhcpv6 range has gateway", [](Topology &t) { v6(t, true).address = QStringLiteral("fd42:1::180/64"); }, "nodes[1] (id 'gw').hostPort.ipv6.rangeStart", "gw",
             "DHCPv6 range fd42:1::100-fd42:1::1ff contains the host address fd42:1::180"},
            {"dhcpv6 range empty", [](Topology &t) { v6(t, true).rangeStart.clear(); }, "nodes[1] (id 'gw').hostPort.ipv6.rangeStart", "gw",
             "DHCPv6 is enabled but the range start is empty"},
            {"dhcpv6 range garbage", [](Topology &t) { v6(t, true).rangeEnd = QStringLiteral("fd42:1::1ff "); }, "nodes[1] (id 'gw').hostPort.ipv6.rangeEnd", "gw",
             "DHCPv6 range end 'fd42:1::1ff '"},
            {"dhcpv6 without ra", [](Topology &t) { v6(t, true).ra = false; }, "nodes[1] (id 'gw').hostPort.ipv6.ra", "gw",
             "DHCPv6 without router advertisements", W},
            {"v6 overlap",
             [](Topology &t) {
                 v6(t);
                 addLan2(t, "10.0.3.1/24");
                 nodeOf(t, "gw2").hostPort.ipv6.address = QStringLiteral("fd42:1::2/64");
             },
             "nodes[5] (id 'gw2').hostPort.ipv6.address", "gw2", "IPv6 prefix fd42:1::/64 overlaps prefix fd42:1::/64 of host port 'gw'"},
            // MACs
            {"duplicate mac", [](Topology &t) { nic(t, "beta").mac = nic(t, "alpha").mac; }, "nodes[3] (id 'beta').guest.nics[0] (id 'net0').mac", "beta",
             "MAC 52:54:00:6e:6c:01 is also used by NIC 'net0' of guest 'alpha'"},
            {"duplicate mac other case", [](Topology &t) { nic(t, "beta").mac = nic(t, "alpha").mac.toUpper(); },
             "nodes[3] (id 'beta').guest.nics[0] (id 'net0').mac", "beta", "is also used by"},
            {"multicast mac", [](Topology &t) { nic(t, "beta").mac = QStringLiteral("33:33:00:00:00:01"); }, "nodes[3] (id 'beta').guest.nics[0] (id 'net0').mac",
             "beta", "is a multicast address"},
            {"zero mac", [](Topology &t) { nic(t, "beta").mac = QStringLiteral("00:00:00:00:00:00"); }, "nodes[3] (id 'beta').guest.nics[0] (id 'net0').mac",
             "beta", "all-zero"},
            {"malformed mac", [](Topology &t) { nic(t, "beta").mac = QStringLiteral("52-54-00-00-00-01"); }, "nodes[3] (id 'beta').guest.nics[0] (id 'net0').mac",
             "beta", "MAC '52-54-00-00-00-01'"},
            // NICs and guests
            {"duplicate nic id", [](Topology &t) { NicConfig n; n.id = QStringLiteral("net0"); n.mode = NicConfig::Mode::User; nodeOf(t, "alpha").guest.nics.append(n); },
             "nodes[2] (id 'alpha').guest.nics[1] (id 'net0').id", "alpha", "duplicate NIC id 'net0'"},
            {"nic model", [](Topology &t) { nic(t, "alpha").model = QStringLiteral("e1000,romfile="); }, "nodes[2] (id 'alpha').guest.nics[0] (id 'net0').model",
             "alpha", "is not a QEMU device name"},
            {"memory", [](Topology &t) { nodeOf(t, "alpha").guest.memoryMiB = 4; }, "nodes[2] (id 'alpha').guest.memoryMiB", "alpha", "memory 4 MiB is out of range"},
            {"cpus", [](Topology &t) { nodeOf(t, "alpha").guest.cpus = 0; }, "nodes[2] (id 'alpha').guest.cpus", "alpha", "0 CPUs is out of range 1..256"},
            {"empty qemu", [](Topology &t) { nodeOf(t, "alpha").guest.qemu = QStringLiteral("  "); }, "nodes[2] (id 'alpha').guest.qemu", "alpha",
             "the QEMU binary is empty"},
            {"accel", [](Topology &t) { nodeOf(t, "alpha").guest.accel = QStringLiteral("hvf"); }, "nodes[2] (id 'alpha').guest.accel", "alpha",
             "accelerator 'hvf' is not one of auto, kvm, tcg"},
            {"extra -netdev", [](Topology &t) { nodeOf(t, "alpha").guest.extraArgs = {QStringLiteral("-m"), QStringLiteral("64"), QStringLiteral("-netdev")}; },
             "nodes[2] (id 'alpha').guest.extraArgs[2]", "alpha", "extra argument '-netdev' is not allowed"},
            {"extra -nic", [](Topology &t) { nodeOf(t, "alpha").guest.extraArgs = {QStringLiteral("-nic")}; }, "nodes[2] (id 'alpha').guest.extraArgs[0]", "alpha",
             "extra argument '-nic' is not allowed"},
            {"extra --qmp=", [](Topology &t) { nodeOf(t, "alpha").guest.extraArgs = {QStringLiteral("--qmp=tcp:1")}; }, "nodes[2] (id 'alpha').guest.extraArgs[0]",
             "alpha", "is not allowed"},
            {"initrd without kernel", [](Topology &t) { nodeOf(t, "alpha").guest.kernel.clear(); }, "nodes[2] (id 'alpha').guest.initrd", "alpha",
             "an initrd needs a kernel"},
            {"nothing to boot",
             [](Topology &t) {
                 GuestConfig &g = nodeOf(t, "alpha").guest;
                 g.kernel.clear(); g.initrd.clear(); g.append.clear();
             },
             "nodes[2] (id 'alpha').guest", "alpha", "guest has nothing to boot", W},
            {"disk path", [](Topology &t) { nodeOf(t, "alpha").guest.disks = {DiskConfig{}}; }, "nodes[2] (id 'alpha').guest.disks[0].path", "alpha",
             "disk path is empty"},
            // UEFI
            {"vhost-user on a user NIC", [](Topology &t) {
                 userForwards(t, fwd("127.0.0.1", 2222), fwd("127.0.0.1", 2223));
                 nic(t, "alpha").transport = NicConfig::Transport::VhostUser;
             },
             "nodes[2] (id 'alpha').guest.nics[0] (id 'net0').transport", "alpha", "vhost-user is a way to join a netloom switch: NIC 'net0' is in user mode"},
            {"vhost-user on e1000", [](Topology &t) {
                 nic(t, "alpha").transport = NicConfig::Transport::VhostUser;
                 nic(t, "alpha").model = QStringLiteral("e1000");
             },
             "nodes[2] (id 'alpha').guest.nics[0] (id 'net0').transport", "alpha", "vhost-user needs a virtio-net NIC, not 'e1000'"},
            {"vhost-user with a memory backend", [](Topology &t) {
                 nic(t, "alpha").transport = NicConfig::Transport::VhostUser;
                 nodeOf(t, "alpha").guest.extraArgs = {QStringLiteral("-object"), QStringLiteral("memory-backend-ram,id=m,size=1G")};
             },
             "nodes[2] (id 'alpha').guest.extraArgs[0]", "alpha", "'-object' conflicts with the shared guest memory a vhost-user NIC needs"},
            {"vhost-user on a bridge", [](Topology &t) {
                 nic(t, "alpha").transport = NicConfig::Transport::VhostUser;
                 nodeOf(t, "lan").sw.engine = SwitchConfig::Engine::Bridge;
             },
             "nodes[2] (id 'alpha').guest.nics[0] (id 'net0').transport", "alpha", "vhost-user ports exist on netloom switches only: NIC 'net0' is cabled to 'lan'"},
            {"uefi empty code", [](Topology &t) { nodeOf(t, "alpha").guest.uefi = UefiConfig{QStringLiteral(" "), QStringLiteral("a.fd")}; },
             "nodes[2] (id 'alpha').guest.uefi.code", "alpha", "the UEFI code image path is empty"},
            {"uefi empty vars", [](Topology &t) { nodeOf(t, "alpha").guest.uefi = UefiConfig{QStringLiteral("/c.fd"), QString()}; },
             "nodes[2] (id 'alpha').guest.uefi.vars", "alpha", "the UEFI variable store path is empty"},
            {"uefi unprintable vars", [](Topology &t) { nodeOf(t, "alpha").guest.uefi = UefiConfig{QStringLiteral("/c.fd"), QStringLiteral("a\nb.fd")}; },
             "nodes[2] (id 'alpha').guest.uefi.vars", "alpha", "the UEFI variable store path 'a\nb.fd' has unprintable characters"},
            {"uefi vars is code", [](Topology &t) { nodeOf(t, "alpha").guest.uefi = UefiConfig{QStringLiteral("/c.fd"), QStringLiteral("//c.fd")}; },
             "nodes[2] (id 'alpha').guest.uefi.vars", "alpha", "must be the guest's own file, not the code image"},
            {"uefi secure boot build", [](Topology &t) {
                 nodeOf(t, "alpha").guest.uefi = UefiConfig{QStringLiteral("/usr/share/OVMF/OVMF_CODE_4M.ms.fd"), QStringLiteral("a.fd")};
             },
             "nodes[2] (id 'alpha').guest.uefi.code", "alpha", "'OVMF_CODE_4M.ms.fd' is a Secure Boot build that needs SMM", W},
            {"uefi and -bios",
             [](Topology &t) {
                 nodeOf(t, "alpha").guest.uefi = UefiConfig{QStringLiteral("/c.fd"), QStringLiteral("a.fd")};
                 nodeOf(t, "alpha").guest.extraArgs = {QStringLiteral("-rtc"), QStringLiteral("base=utc"), QStringLiteral("-bios"), QStringLiteral("x.bin")};
             },
             "nodes[2] (id 'alpha').guest.extraArgs[2]", "alpha", "extra argument '-bios' sets firmware, but this guest boots UEFI"},
            {"uefi and --pflash=",
             [](Topology &t) {
                 nodeOf(t, "alpha").guest.uefi = UefiConfig{QStringLiteral("/c.fd"), QStringLiteral("a.fd")};
                 nodeOf(t, "alpha").guest.extraArgs = {QStringLiteral("--pflash=x.fd")};
             },
             "nodes[2] (id 'alpha').guest.extraArgs[0]", "alpha", "sets firmware"},
            {"uefi and pflash drive",
             [](Topology &t) {
                 nodeOf(t, "alpha").guest.uefi = UefiConfig{QStringLiteral("/c.fd"), QStringLiteral("a.fd")};
                 nodeOf(t, "alpha").guest.extraArgs = {QStringLiteral("-drive"), QStringLiteral("file=x.fd,if=pflash,format=raw")};
             },
             "nodes[2] (id 'alpha').guest.extraArgs[1]", "alpha", "Netloom maps the uefi code image and variable store as pflash drives itself"},
            {"uefi and machine pflash0",
             [](Topology &t) {
                 nodeOf(t, "alpha").guest.uefi = UefiConfig{QStringLiteral("/c.fd"), QStringLiteral("a.fd")};
                 nodeOf(t, "alpha").guest.extraArgs = {QStringLiteral("-machine"), QStringLiteral("q35,pflash0=fw")};
             },
             "nodes[2] (id 'alpha').guest.extraArgs[1]", "alpha", "sets firmware"},
            {"disk interface", [](Topology &t) { DiskConfig d; d.path = QStringLiteral("a"); d.interface = QStringLiteral("nvme"); nodeOf(t, "alpha").guest.disks = {d}; },
             "nodes[2] (id 'alpha').guest.disks[0].interface", "alpha", "disk interface 'nvme' is not one of"},
            // links
            {"dangling node", [](Topology &t) { t.links[1].b.node = QStringLiteral("nowhere"); }, "links[1] (id 'alpha-lan').b.node", "",
             "link end b names unknown node 'nowhere'"},
            {"dangling nic", [](Topology &t) { t.links[1].a.nic = QStringLiteral("net9"); }, "links[1] (id 'alpha-lan').a.nic", "", "guest 'alpha' has no NIC 'net9'"},
            {"guest endpoint without nic", [](Topology &t) { t.links[1].a.nic.clear(); }, "links[1] (id 'alpha-lan').a.nic", "", "must name one of its NICs"},
            {"nic on non-guest", [](Topology &t) { t.links[0].a.nic = QStringLiteral("net0"); }, "links[0] (id 'gw-lan').a.nic", "",
             "a NIC is only given on a guest endpoint; 'gw' is a host port"},
            {"nic attached twice", [](Topology &t) { t.links.append(makeLink("again", "alpha", "lan", "net0")); }, "nodes[2] (id 'alpha').guest.nics[0] (id 'net0')",
             "alpha", "NIC 'net0' is attached by 2 links ('alpha-lan', 'again')"},
            {"tap nic on switch", [](Topology &t) { nic(t, "alpha").mode = NicConfig::Mode::Tap; }, "links[1] (id 'alpha-lan')", "",
             "NIC 'net0' is in tap mode; only switch-mode NICs join a switch"},
            {"switch nic on host port",
             [](Topology &t) {
                 t.nodes.append(makeNode("tap9", NodeType::HostPort));
                 t.links[1].b.node = QStringLiteral("tap9");
             },
             "links[1] (id 'alpha-lan')", "", "NIC 'net0' is in switch mode; only tap-mode NICs attach to a host port"},
            {"socket nic linked", [](Topology &t) { nic(t, "alpha").mode = NicConfig::Mode::Socket; nic(t, "alpha").socket.address = QStringLiteral("127.0.0.1:5000"); },
             "links[1] (id 'alpha-lan')", "", "is in socket mode"},
            {"switch nic unlinked", [](Topology &t) { t.links.removeAt(2); }, "nodes[3] (id 'beta').guest.nics[0] (id 'net0')", "beta",
             "NIC 'net0' is in switch mode but not connected to a switch"},
            {"tap nic unlinked", [](Topology &t) { t.links.removeAt(2); nic(t, "beta").mode = NicConfig::Mode::Tap; }, "nodes[3] (id 'beta').guest.nics[0] (id 'net0')",
             "beta", "in tap mode but not connected to a host port", W},
            {"guest to guest", [](Topology &t) { t.links[2] = makeLink("gg", "alpha", "beta", "net0", "net0"); t.links.removeAt(1); }, "links[1] (id 'gg')", "",
             "cannot link guest 'alpha' to guest 'beta'"},
            {"self link", [](Topology &t) { t.links.append(makeLink("self", "lan", "lan")); }, "links[3] (id 'self')", "", "cannot connect node 'lan' to itself"},
            {"host port to host port",
             [](Topology &t) {
                 t.nodes.append(makeNode("hp2", NodeType::HostPort));
                 t.links.append(makeLink("hh", "hp2", "gw"));
             },
             "links[3] (id 'hh')", "", "cannot link host port 'hp2' to host port 'gw'"},
            {"uplink on netloom switch",
             [](Topology &t) {
                 Node u = makeNode("up", NodeType::Uplink);
                 u.uplink.ifname = QStringLiteral("eth0");
                 t.nodes.append(u);
                 t.links.append(makeLink("ul", "up", "lan"));
             },
             "links[3] (id 'ul')", "", "a physical uplink can only be enslaved to a kernel bridge"},
            {"uplink to guest",
             [](Topology &t) {
                 Node u = makeNode("up", NodeType::Uplink);
                 u.uplink.ifname = QStringLiteral("eth0");
                 t.nodes.append(u);
                 t.links[2].b.node = QStringLiteral("up");
             },
             "links[2] (id 'beta-lan')", "", "cannot link guest 'beta' to uplink 'up'"},
            {"url remote on bridge",
             [](Topology &t) {
                 nodeOf(t, "lan").sw.engine = SwitchConfig::Engine::Bridge;
                 Node r = makeNode("far", NodeType::Remote);
                 r.remote.url = QStringLiteral("vxvde://239.1.2.3");
                 t.nodes.append(r);
                 t.links.append(makeLink("fl", "lan", "far"));
             },
             "links[3] (id 'fl')", "", "url remotes attach to netloom switches"},
            {"vxlan remote on netloom",
             [](Topology &t) {
                 Node r = makeNode("far", NodeType::Remote);
                 r.remote.vxlan = VxlanConfig{5, QStringLiteral("192.0.2.1"), {}, {}, {}, 4789, {}};
                 t.nodes.append(r);
                 t.links.append(makeLink("fl", "far", "lan"));
             },
             "links[3] (id 'fl')", "", "VXLAN remotes attach to kernel bridges"},
            {"remote with both", [](Topology &t) {
                 Node r = makeNode("far", NodeType::Remote);
                 r.remote.url = QStringLiteral("vxvde://239.1.2.3");
                 r.remote.vxlan = VxlanConfig{5, QStringLiteral("192.0.2.1"), {}, {}, {}, 4789, {}};
                 t.nodes.append(r);
                 t.links.append(makeLink("fl", "far", "lan"));
             },
             "nodes[4] (id 'far').remote", "far", "not both"},
            {"vxlan group not multicast", [](Topology &t) {
                 nodeOf(t, "lan").sw.engine = SwitchConfig::Engine::Bridge;
                 Node r = makeNode("far", NodeType::Remote);
                 r.remote.vxlan = VxlanConfig{5, {}, QStringLiteral("10.0.0.1"), {}, QStringLiteral("eth0"), 4789, {}};
                 t.nodes.append(r);
                 t.links.append(makeLink("fl", "far", "lan"));
             },
             "nodes[4] (id 'far').remote.vxlan.group", "far", "is not a multicast address"},
            {"two host ports on a switch", [](Topology &t) {
                 Node hp = makeNode("gw2", NodeType::HostPort);
                 hp.hostPort.address = QStringLiteral("10.0.3.1/24");
                 t.nodes.append(hp);
                 t.links.append(makeLink("gl", "gw2", "lan"));
             },
             "nodes[0] (id 'lan')", "lan", "switch has 2 host ports (gw, gw2)"},
            {"host port linked twice", [](Topology &t) {
                 t.nodes.append(makeNode("lan2", NodeType::Switch));
                 t.links.append(makeLink("gl2", "gw", "lan2"));
             },
             "nodes[1] (id 'gw')", "gw", "host port is connected by 2 links"},
            {"host port unlinked", [](Topology &t) { t.links.removeAt(0); }, "nodes[1] (id 'gw')", "gw", "host port is not connected", W},
            {"vlan on non-switch end", [](Topology &t) { t.links[1].a.vlan = VlanConfig{}; }, "links[1] (id 'alpha-lan').a.vlan", "",
             "VLAN settings belong on the switch side of a link; 'alpha' is a guest"},
            {"vlan id range", [](Topology &t) { t.links[1].b.vlan = VlanConfig{VlanConfig::Mode::Access, 4095, {}}; }, "links[1] (id 'alpha-lan').b.vlan.vlan", "",
             "VLAN id 4095 is out of range 1..4094"},
            {"trunk allowed range", [](Topology &t) { t.links[1].b.vlan = VlanConfig{VlanConfig::Mode::Trunk, 0, {10, 0}}; },
             "links[1] (id 'alpha-lan').b.vlan.allowed[1]", "", "VLAN id 0 is out of range 1..4094"},
            {"access with allowed", [](Topology &t) { t.links[1].b.vlan = VlanConfig{VlanConfig::Mode::Access, 5, {10}}; },
             "links[1] (id 'alpha-lan').b.vlan.allowed", "", "only for trunk ports"},
            {"empty trunk", [](Topology &t) { t.links[1].b.vlan = VlanConfig{VlanConfig::Mode::Trunk, 0, {}}; },
             "links[1] (id 'alpha-lan').b.vlan.allowed", "", "a trunk port needs a native VLAN or allowed VLANs"},
            // interface names
            {"ifname without loom", [](Topology &t) { gw(t).ifname = QStringLiteral("tap0"); }, "nodes[1] (id 'gw').hostPort.ifname", "gw",
             "interface name 'tap0': interfaces Netloom creates must start with 'loom'"},
            {"ifname too long", [](Topology &t) { gw(t).ifname = QStringLiteral("loomabcdefghijkl"); }, "nodes[1] (id 'gw').hostPort.ifname", "gw",
             "longer than 15 bytes"},
            {"duplicate ifname", [](Topology &t) {
                 addLan2(t, "10.0.3.1/24");
                 gw(t).ifname = QStringLiteral("loomx");
                 nodeOf(t, "gw2").hostPort.ifname = QStringLiteral("loomx");
             },
             "nodes[5] (id 'gw2').hostPort.ifname", "gw2", "interface name 'loomx' is also used by nodes[1] (id 'gw').hostPort.ifname"},
            {"duplicate ifname bridge vs nic tap", [](Topology &t) {
                 nodeOf(t, "lan").sw.engine = SwitchConfig::Engine::Bridge;
                 nodeOf(t, "lan").sw.ifname = QStringLiteral("loombr");
                 nic(t, "alpha").tapIfname = QStringLiteral("loombr");
             },
             "nodes[2] (id 'alpha').guest.nics[0] (id 'net0').tapIfname", "alpha", "is also used by nodes[0] (id 'lan').switch.ifname"},
            {"veth peer collides", [](Topology &t) {
                 nodeOf(t, "lan").sw.engine = SwitchConfig::Engine::Bridge;
                 nodeOf(t, "lan").sw.ifname = QStringLiteral("loomcp");
                 Node b2 = makeNode("lan2", NodeType::Switch);
                 b2.sw.engine = SwitchConfig::Engine::Bridge;
                 t.nodes.append(b2);
                 Link l = makeLink("cable", "lan", "lan2");
                 l.tapIfname = QStringLiteral("loomc");
                 t.links.append(l);
             },
             "links[3] (id 'cable').tapIfname (veth peer)", "", "interface name 'loomcp' is also used by nodes[0] (id 'lan').switch.ifname"},
            {"host port on bridge with other name", [](Topology &t) {
                 nodeOf(t, "lan").sw.engine = SwitchConfig::Engine::Bridge;
                 nodeOf(t, "lan").sw.ifname = QStringLiteral("loombr");
                 gw(t).ifname = QStringLiteral("loomgw");
             },
             "nodes[1] (id 'gw').hostPort.ifname", "gw", "is the bridge itself; its ifname must be empty or 'loombr'"},
            {"own tap names differ", [](Topology &t) {
                 t.links.removeAt(1);
                 Node hp = makeNode("own", NodeType::HostPort);
                 hp.hostPort.ifname = QStringLiteral("loomown");
                 t.nodes.append(hp);
                 nic(t, "alpha").mode = NicConfig::Mode::Tap;
                 nic(t, "alpha").tapIfname = QStringLiteral("loomother");
                 t.links.append(makeLink("own-alpha", "own", "alpha", "", "net0"));
             },
             "nodes[4] (id 'own').hostPort.ifname", "own", "named 'loomother' there but 'loomown' here"},
            {"uplink starts with loom", [](Topology &t) {
                 Node u = makeNode("up", NodeType::Uplink);
                 u.uplink.ifname = QStringLiteral("loom0");
                 t.nodes.append(u);
             },
             "nodes[4] (id 'up').uplink.ifname", "up", "must be a physical interface, not a \"loom\" interface"},
            {"uplink empty", [](Topology &t) { t.nodes.append(makeNode("up", NodeType::Uplink)); }, "nodes[4] (id 'up').uplink.ifname", "up",
             "an uplink needs the name of a physical interface"},
            {"uplink twice", [](Topology &t) {
                 Node u = makeNode("up", NodeType::Uplink);
                 u.uplink.ifname = QStringLiteral("eth0");
                 t.nodes.append(u);
                 u.id = u.name = QStringLiteral("up2");
                 t.nodes.append(u);
             },
             "nodes[5] (id 'up2').uplink.ifname", "up2", "interface 'eth0' is already the uplink of node 'up'"},
            {"dhcp onto physical lan", [](Topology &t) {
                 nodeOf(t, "lan").sw.engine = SwitchConfig::Engine::Bridge;
                 Node u = makeNode("up", NodeType::Uplink);
                 u.uplink.ifname = QStringLiteral("eth0");
                 t.nodes.append(u);
                 t.links.append(makeLink("ul", "up", "lan"));
             },
             "nodes[1] (id 'gw').hostPort.dhcp.enabled", "gw", "DHCP would be served onto the physical network of uplink 'eth0'", W},
            // sockets
            {"connect without listener", [](Topology &t) { sockets(t, sock(SocketConfig::Kind::Listen, "127.0.0.1:10001"), sock(SocketConfig::Kind::Connect, "127.0.0.1:10002")); },
             "nodes[3] (id 'beta').guest.nics[0] (id 'net0').socket.address", "beta", "no NIC in this topology listens on 127.0.0.1:10002"},
            {"connect to remote host", [](Topology &t) { sockets(t, sock(SocketConfig::Kind::Listen, "127.0.0.1:10001"), sock(SocketConfig::Kind::Connect, "192.0.2.9:10001")); },
             "nodes[3] (id 'beta').guest.nics[0] (id 'net0').socket.address", "beta", "fine if the listener is on another host", W},
            {"two listeners", [](Topology &t) { sockets(t, sock(SocketConfig::Kind::Listen, "0.0.0.0:10001"), sock(SocketConfig::Kind::Listen, "127.0.0.1:10001")); },
             "nodes[3] (id 'beta').guest.nics[0] (id 'net0').socket.address", "beta", "two NICs listen on 127.0.0.1:10001"},
            {"mcast not multicast", [](Topology &t) { sockets(t, sock(SocketConfig::Kind::Mcast, "10.0.0.1:1234"), sock(SocketConfig::Kind::Mcast, "230.0.0.1:1234")); },
             "nodes[2] (id 'alpha').guest.nics[0] (id 'net0').socket.address", "alpha", "mcast address 10.0.0.1 is not a multicast group"},
            {"socket bad port", [](Topology &t) { sockets(t, sock(SocketConfig::Kind::Listen, "127.0.0.1:0"), sock(SocketConfig::Kind::Mcast, "230.0.0.1:1234")); },
             "nodes[2] (id 'alpha').guest.nics[0] (id 'net0').socket.address", "alpha", "socket address '127.0.0.1:0': port"},
            // forwards
            {"forward collision same address", [](Topology &t) { userForwards(t, fwd("127.0.0.1", 2222), fwd("127.0.0.1", 2222)); },
             "nodes[3] (id 'beta').guest.nics[0] (id 'net0').user.forwards[0]", "beta", "host port tcp 2222 on 127.0.0.1 is already forwarded"},
            {"forward collision all addresses", [](Topology &t) { userForwards(t, fwd("", 2222), fwd("127.0.0.1", 2222)); },
             "nodes[3] (id 'beta').guest.nics[0] (id 'net0').user.forwards[0]", "beta", "is already forwarded by nodes[2] (id 'alpha')"},
            {"forward bad host address", [](Topology &t) { userForwards(t, fwd("localhost", 2222), fwd("", 2223)); },
             "nodes[2] (id 'alpha').guest.nics[0] (id 'net0').user.forwards[0].hostAddress", "alpha", "forward host address 'localhost'"},
            {"forward guest outside network", [](Topology &t) {
                 userForwards(t, fwd("", 2222), fwd("", 2223));
                 nic(t, "alpha").user.network = QStringLiteral("10.0.9.0/24");
                 nic(t, "alpha").user.forwards[0].guestAddress = QStringLiteral("10.0.2.15");
             },
             "nodes[2] (id 'alpha').guest.nics[0] (id 'net0').user.forwards[0].guestAddress", "alpha", "is outside the user network 10.0.9.0/24"},
            {"user network", [](Topology &t) { userForwards(t, fwd("", 2222), fwd("", 2223)); nic(t, "alpha").user.network = QStringLiteral("10.0.9.1/24"); },
             "nodes[2] (id 'alpha').guest.nics[0] (id 'net0').user.network", "alpha", "must be a network address"},
            {"reservation hostname", [](Topology &t) { gw(t).dhcp.reservations = {{QStringLiteral("52:54:00:00:00:09"), QStringLiteral("10.0.2.9"), QStringLiteral("a,b\nc")}}; },
             "nodes[1] (id 'gw').hostPort.dhcp.reservations[0].hostname", "gw", "is not a host name"},
            // cable loops
            {"parallel cables", [](Topology &t) {
                 t.nodes.append(makeNode("lan2", NodeType::Switch));
                 t.links.append(makeLink("c1", "lan", "lan2"));
                 t.links.append(makeLink("c2", "lan2", "lan"));
             },
             "links[4] (id 'c2')", "", "cable between 'lan2' and 'lan' closes a loop of switches"},
            {"triangle of switches", [](Topology &t) {
                 t.nodes.append(makeNode("s2", NodeType::Switch));
                 t.nodes.append(makeNode("s3", NodeType::Switch));
                 t.links.append(makeLink("c1", "lan", "s2"));
                 t.links.append(makeLink("c2", "s2", "s3"));
                 t.links.append(makeLink("c3", "s3", "lan"));
             },
             "links[5] (id 'c3')", "", "closes a loop of switches"},
            // switches
            {"mac table size", [](Topology &t) { nodeOf(t, "lan").sw.macTableSize = 1; }, "nodes[0] (id 'lan').switch.macTableSize", "lan", "MAC table size 1 is out of range"},
            {"ifname on netloom switch", [](Topology &t) { nodeOf(t, "lan").sw.ifname = QStringLiteral("loomx"); }, "nodes[0] (id 'lan').switch.ifname", "lan",
             "a netloom switch ignores it", W},
        };
        int failures = 0;
        for (const Case &c : cases) {
            Topology t = demo();
            c.mutate(t);
            const QList<Issue> issues = validate(t);
            bool found = false;
            for (const Issue &i : issues)
                found = found || (i.path == QLatin1String(c.path) && i.nodeId == QLatin1String(c.nodeId) && i.message.contains(QLatin1String(c.message))
                                  && i.severity == c.severity);
            // A warning case must not produce errors (the topology stays usable).
            const bool cleanWarning = c.severity == Issue::Severity::Error || !hasErrors(issues);
            if (!found || !cleanWarning) {
                ++failures;
                qWarning().noquote() << "case" << c.name << (found ? "produced errors besides the warning" : "did not produce the expected issue") << "; got:";
                for (const Issue &i : issues)
                    qWarning().noquote() << "   " << severityName(i.severity) << i.path << "|" << i.nodeId << "|" << i.message;
            }
        }
        QCOMPARE(failures, 0);
    }

    // Network emulation on links and port mirrors (validatoremulation.cpp).
    void emulation()
    {
        auto addBridgeUplink = [](Topology &t) {
            Node b = makeNode("b1", NodeType::Switch);
            b.sw.engine = SwitchConfig::Engine::Bridge;
            b.sw.ifname = QStringLiteral("loomb1");
            t.nodes.append(b);
            Node u = makeNode("u1", NodeType::Uplink);
            u.uplink.ifname = QStringLiteral("eth9");
            t.nodes.append(u);
            t.links.append(makeLink("u1-b1", "u1", "b1"));
        };
        auto mirror = [](const char *source, const char *target) {
            return MirrorConfig{QString::fromLatin1(source), QString::fromLatin1(target), MirrorConfig::Direction::Both};
        };
        const QList<Case> cases = {
            {"jitter without delay", [](Topology &t) { t.links[1].emulation.ab.jitterUs = 5000; }, "links[1] (id 'alpha-lan').emulation.ab", "",
             "link 'alpha-lan', direction ab (from 'alpha' to 'lan'): jitter: jitter needs a delay"},
            {"rate too low", [](Topology &t) { t.links[1].emulation.ba.rateBitsPerSecond = 100; }, "links[1] (id 'alpha-lan').emulation.ba", "",
             "direction ba (from 'lan' to 'alpha'): rate:"},
            {"loss above 100", [](Topology &t) { t.links[0].emulation.ab.lossPercent = 150; }, "links[0] (id 'gw-lan').emulation.ab", "", "loss:"},
            {"down uplink", [&](Topology &t) { addBridgeUplink(t); t.links.last().emulation.up = false; }, "links[3] (id 'u1-b1').emulation.up", "",
             "link 'u1-b1' cannot carry network emulation (emulation.up): uplink 'u1' is a physical interface"},
            {"impaired uplink", [&](Topology &t) { addBridgeUplink(t); t.links.last().emulation.ab.delayUs = 1000; }, "links[3] (id 'u1-b1').emulation", "",
             "cannot carry network emulation (emulation)"},
            {"socket NIC", [](Topology &t) { nic(t, "alpha").mode = NicConfig::Mode::Socket; t.links[1].emulation.ba.delayUs = 1000; },
             "links[1] (id 'alpha-lan').emulation", "", "NIC 'net0' of guest 'alpha' is in socket mode"},
            {"mirror on a bridge", [&](Topology &t) { addBridgeUplink(t); nodeOf(t, "b1").sw.mirrors = {mirror("u1-b1", "u1-b1")}; },
             "nodes[4] (id 'b1').switch.mirrors", "b1", "only available on netloom switches"},
            {"mirror of unknown link", [&](Topology &t) { nodeOf(t, "lan").sw.mirrors = {mirror("nope", "beta-lan")}; },
             "nodes[0] (id 'lan').switch.mirrors[0].source", "lan", "switch 'lan', mirrors[0].source: no link 'nope' exists"},
            {"mirror of a foreign link", [&](Topology &t) { addLan2(t, "10.0.9.1/24"); nodeOf(t, "lan").sw.mirrors = {mirror("beta-lan", "gw2-lan2")}; },
             "nodes[0] (id 'lan').switch.mirrors[0].target", "lan", "link 'gw2-lan2' does not touch this switch"},
            {"mirror onto itself", [&](Topology &t) { nodeOf(t, "lan").sw.mirrors = {mirror("alpha-lan", "alpha-lan")}; },
             "nodes[0] (id 'lan').switch.mirrors[0].target", "lan", "cannot copy link 'alpha-lan' onto itself"},
            {"mirror target mirrored", [&](Topology &t) { nodeOf(t, "lan").sw.mirrors = {mirror("alpha-lan", "beta-lan"), mirror("beta-lan", "gw-lan")}; },
             "nodes[0] (id 'lan').switch.mirrors[0].target", "lan", "link 'beta-lan' is also a mirror source"},
            {"mirror twice", [&](Topology &t) { nodeOf(t, "lan").sw.mirrors = {mirror("alpha-lan", "gw-lan"), mirror("alpha-lan", "gw-lan")}; },
             "nodes[0] (id 'lan').switch.mirrors[1]", "lan", "link 'alpha-lan' is already mirrored to 'gw-lan'"},
            {"too many mirrors", [&](Topology &t) { nodeOf(t, "lan").sw.mirrors = QList<MirrorConfig>(65, mirror("alpha-lan", "gw-lan")); },
             "nodes[0] (id 'lan').switch.mirrors", "lan", "65 mirrors, at most 64"},
        };
        int failures = 0;
        for (const Case &c : cases) {
            Topology t = demo();
            c.mutate(t);
            const QList<Issue> issues = validate(t);
            const bool found = std::any_of(issues.cbegin(), issues.cend(), [&c](const Issue &i) {
                return i.path == QLatin1String(c.path) && i.nodeId == QLatin1String(c.nodeId) && i.message.contains(QLatin1String(c.message));
            });
            if (!found) {
                ++failures;
                qWarning().noquote() << "case" << c.name << "did not produce the expected issue; got:";
                for (const Issue &i : issues)
                    qWarning().noquote() << "   " << severityName(i.severity) << i.path << "|" << i.nodeId << "|" << i.message;
            }
        }
        QCOMPARE(failures, 0);

        // Allowed: every kind of link that touches a switch, or an own tap; a mirror rx/tx.
        Topology t = demo();
        for (Link &l : t.links) {
            l.emulation.ab.delayUs = 20000;
            l.emulation.up = false;
        }
        nodeOf(t, "lan").sw.mirrors = {mirror("alpha-lan", "gw-lan"), MirrorConfig{QStringLiteral("beta-lan"), QStringLiteral("gw-lan"),
                                                                                    MirrorConfig::Direction::Rx}};
        const QList<Issue> issues = validate(t);
        QVERIFY2(issues.isEmpty(), qPrintable(issues.isEmpty() ? QString() : issues.first().path + QStringLiteral(": ") + issues.first().message));
    }

    // A UEFI guest may boot a kernel directly (QEMU hands it over through the firmware);
    // firmware options in extraArgs are fine for a BIOS guest.
    void uefiCombinationsThatAreFine()
    {
        Topology t = demo();
        GuestConfig &alpha = nodeOf(t, "alpha").guest;
        QVERIFY(!alpha.kernel.isEmpty());
        alpha.uefi = UefiConfig{QStringLiteral("/usr/share/OVMF/OVMF_CODE_4M.fd"), QStringLiteral("alpha_VARS.fd")};
        alpha.extraArgs = {QStringLiteral("-drive"), QStringLiteral("file=x.img,if=virtio"), QStringLiteral("-rtc"), QStringLiteral("base=utc")};
        QList<Issue> issues = validate(t);
        QVERIFY2(issues.isEmpty(), qPrintable(issues.isEmpty() ? QString() : issues.first().path + QStringLiteral(": ") + issues.first().message));
        alpha.uefi.reset();
        alpha.extraArgs = {QStringLiteral("-bios"), QStringLiteral("my.bin")};
        issues = validate(t);
        QVERIFY2(issues.isEmpty(), qPrintable(issues.isEmpty() ? QString() : issues.first().path + QStringLiteral(": ") + issues.first().message));
    }

    void stpBridgesMayLoop()
    {
        Topology t = demo();
        for (const char *id : {"b1", "b2"}) {
            Node b = makeNode(id, NodeType::Switch);
            b.sw.engine = SwitchConfig::Engine::Bridge;
            b.sw.stp = true;
            t.nodes.append(b);
        }
        t.links.append(makeLink("c1", "b1", "b2"));
        t.links.append(makeLink("c2", "b2", "b1"));
        QVERIFY2(!hasErrors(validate(t)), "a loop of STP bridges is allowed");
        t.node(QStringLiteral("b2"))->sw.stp = false;
        const QList<Issue> issues = validate(t);
        QVERIFY(hasErrors(issues));
        QCOMPARE(issues.last().path, QStringLiteral("links[4] (id 'c2')"));
    }

    void linkIssuesCarryLinkId()
    {
        Topology t = demo();
        t.links[1].b.node = QStringLiteral("nowhere");
        const QList<Issue> issues = validate(t);
        QVERIFY(!issues.isEmpty());
        QCOMPARE(issues.first().linkId, QStringLiteral("alpha-lan"));
        QVERIFY(hasErrors(issues));
    }

    void everyExampleIsClean()
    {
        // Guard against a rule that fires on every topology.
        for (const char *f : {"a-vde-nat", "b-routed-taps", "c-multi-lan-nat", "d-bridge-taps", "e-bridge-uplink", "f-user-hostfwd", "g-socket-vlan",
                              "h-cables-remote", "i-impaired-lab"}) {
            const Result<Topology> t = loadTopologyFile(test::sourcePath(QStringLiteral("examples/%1.json").arg(QLatin1String(f))));
            QVERIFY2(t.isOk(), f);
            const QList<Issue> issues = validate(*t);
            QVERIFY2(issues.isEmpty(), qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(f), issues.isEmpty() ? QString() : issues.first().message)));
        }
    }
};

QTEST_GUILESS_MAIN(TestValidator)
#include "test_validator.moc"
