// SPDX-License-Identifier: GPL-3.0-or-later
// Desired host state: what the privileged helper must create for one network.
//
// Design note. The planner (core) produces a HostState from a topology; the helper
// receives it in an `apply` request, diffs it against what it already owns for that network
// id and converges; the shell exporter turns the very same value into ip/nft/dnsmasq
// commands. It is plain data: no behaviour, no OS calls. Owners of taps are NOT part of it —
// the helper takes the owner from the socket's peer credentials, never from a request.
//
// Every interface name Netloom creates starts with "loom" and is 1..15 bytes
// (protocol/names.h validates this). Addresses are IPv4 in CIDR or dotted-quad form, or
// IPv6 in canonical (inet_ntop) form; each field says which family it holds, and the IPv6
// parts (an AddressSpec with a v6 cidr, ipv6Forwarding, nat6, DnsmasqSpec's v6 fields) are
// written to JSON only when used, so IPv4-only states keep their form;
// strict parsing and validation of everything below lives in the protocol library
// (the helper treats every field as hostile).
#pragma once

#include "protocol/impairment.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <cstdint>

namespace netloom::protocol {

// A persistent TAP device (IFF_TAP | IFF_NO_PI), owned by the requesting user.
struct TapSpec {
    QString ifname;      // "loom..."
    int mtu = 0;         // 0 = kernel default
    QString mac;         // host-side MAC, "" = kernel chooses
    bool vnetHdr = false;  // IFF_VNET_HDR (GSO-capable consumers)
    bool operator==(const TapSpec &) const = default;
};

// One 802.1Q VLAN entry of a bridge port (what `bridge vlan add dev X vid N [pvid]
// [untagged]` makes): the port carries VLAN `vid`; `pvid`: untagged frames arriving on the
// port belong to it (at most one per port); `untagged`: frames of it leave the port untagged.
struct BridgeVlan {
    std::uint16_t vid = 1;   // 1..4094
    bool pvid = false;
    bool untagged = false;
    bool operator==(const BridgeVlan &) const = default;
};

// The VLAN entries of one port of a VLAN-filtering bridge: `ifname` is one of the bridge's
// ports, one of its physical uplinks, or the bridge itself (its own "self" entries: the
// VLANs the host's side of the bridge, the gateway address on it, is in). Entries are
// sorted by vid, each vid once; the port carries exactly these (the bridge is created with
// vlan_default_pvid 0, so the kernel's default VLAN 1 is never added behind our back).
struct PortVlanSpec {
    QString ifname;
    QList<BridgeVlan> vlans;  // 1..4094 entries, ascending vid
    bool operator==(const PortVlanSpec &) const = default;
};

// A Linux bridge we create. Ports are our own taps/veths/vxlans (names from this state);
// physical uplinks are enslaved only through UplinkSpec. With vlanFiltering the bridge is
// created with vlan_filtering 1 and vlan_default_pvid 0, and `vlans` lists every port's
// entries (a port not listed carries no VLAN: it forwards nothing); without it `vlans` is
// empty. `vlans` is written to JSON only when non-empty.
struct BridgeSpec {
    QString ifname;
    int mtu = 0;
    bool stp = false;
    bool vlanFiltering = false;
    QStringList ports;   // our interfaces enslaved to this bridge
    QList<PortVlanSpec> vlans = {};  // per port (see PortVlanSpec), each ifname once
    bool operator==(const BridgeSpec &) const = default;
};

// A veth pair we create (a cable between two kernel bridges, or bridge <-> netloom switch
// is done with a tap instead). Both ends are ours.
struct VethSpec {
    QString ifname;
    QString peer;
    bool operator==(const VethSpec &) const = default;
};

// A VXLAN link (remote cable of a kernel bridge).
struct VxlanSpec {
    QString ifname;
    std::uint32_t vni = 0;     // 1..16777215
    QString remote;            // unicast peer, or "" when group is used
    QString group;             // multicast group, or ""
    QString local;             // optional local address
    QString device;            // underlying device name (may be a foreign interface), or ""
    std::uint16_t dstPort = 4789;
    int ttl = 0;               // 0 = default
    bool operator==(const VxlanSpec &) const = default;
};

// An IPv4 or IPv6 address on one of our interfaces (the family is the cidr's: IPv6 when it
// contains ':'). IPv6 ones are added without duplicate address detection (the interface is
// ours, and dnsmasq must bind the address at once).
struct AddressSpec {
    QString ifname;
    QString cidr;        // "10.0.2.1/24" or "fd42:1::1/64" (canonical)
    bool operator==(const AddressSpec &) const = default;
};

// A port forward into the subnet: connections to the host's `hostPort` (on `hostAddress`, or
// on every local address of the family when "") go to `guestAddress`:`guestPort`, which lies
// in the NAT spec's subnet. The family is explicit: Ipv4 forwards belong to HostState::nat
// (table ip netloom), Ipv6 ones to HostState::nat6 (table ip6 netloom); addresses are then
// canonical IPv6 text ("fd42:1::100"), never bracketed.
struct ForwardSpec {
    enum class Family { Ipv4, Ipv6 };
    enum class Protocol { Tcp, Udp };
    Family family = Family::Ipv4;
    Protocol protocol = Protocol::Tcp;
    QString hostAddress;           // "" = every local address
    std::uint16_t hostPort = 0;    // 1..65535
    QString guestAddress;          // unicast, inside the subnet
    std::uint16_t guestPort = 0;   // 1..65535
    bool operator==(const ForwardSpec &) const = default;
};

// Forwarding of one subnet towards uplinks. Masquerade = NAT; Route = plain forwarding
// (the upstream router must know the route back). Either may carry port forwards.
// HostState::nat holds IPv4 subnets, HostState::nat6 IPv6 prefixes ("fd42:1::/64":
// Masquerade = NAT66).
struct NatSpec {
    enum class Mode { Masquerade, Route };
    QString ifname;          // our interface the subnet lives behind
    QString subnet;          // "10.0.2.0/24"
    Mode mode = Mode::Masquerade;
    QStringList uplinks;     // interface names or patterns with a trailing '+' ("eth+")
    QList<ForwardSpec> forwards;  // at most HostStateLimits::kMaxForwards
    bool operator==(const NatSpec &) const = default;
};

struct DhcpHost {
    QString mac;
    QString ip;
    QString hostname;        // "" = none
    bool operator==(const DhcpHost &) const = default;
};

// One dnsmasq instance bound to one of our interfaces.
struct DnsmasqSpec {
    QString ifname;
    QString address;         // gateway address on ifname ("10.0.2.1"); dnsmasq listens here
    int prefixLength = 24;
    bool dhcp = true;
    QString rangeStart;      // "10.0.2.100"
    QString rangeEnd;        // "10.0.2.199"
    std::uint32_t leaseSeconds = 3600;  // 120..31536000
    QString domain;          // "" = none
    bool dns = true;         // false -> port=0
    QList<DhcpHost> hosts;   // static reservations
    // IPv6 on the same interface (all unused while address6 is ""): dnsmasq also listens on
    // address6 (DNS), sends router advertisements when ra (SLAAC on a /64), and serves
    // stateful DHCPv6 from rangeStart6..rangeEnd6 when dhcp6 (lease time leaseSeconds).
    QString address6;        // "fd42:1::1" (canonical), "" = no IPv6
    int prefixLength6 = 64;  // 16..126
    bool ra = false;
    bool dhcp6 = false;
    QString rangeStart6;     // "fd42:1::100"
    QString rangeEnd6;       // "fd42:1::1ff"
    std::uint32_t leaseSeconds6 = 3600;  // 120..31536000 (dhcp6)
    bool operator==(const DnsmasqSpec &) const = default;
};

// A physical (foreign) interface enslaved to one of our bridges. Needs the stricter
// polkit action and the request's explicit allowPhysical flag.
struct UplinkSpec {
    QString ifname;          // e.g. "eth0" — NOT a loom name
    QString bridge;          // our bridge
    bool operator==(const UplinkSpec &) const = default;
};

// Link-level settings applied to our interfaces after creation.
struct LinkSpec {
    QString ifname;
    bool up = true;
    int mtu = 0;             // 0 = leave
    QString mac;             // "" = leave
    bool operator==(const LinkSpec &) const = default;
};

// Network emulation on one of our interfaces, realized as netem (+ tbf for a rate) qdiscs
// through libnl-route. `egress` applies to frames the kernel sends out of `ifname` (for a
// guest's tap: towards the guest); `ingress` to frames arriving on `ifname` (from the guest),
// redirected through the IFB device `ifbIfname` (ours, "loom...", created for this purpose;
// "" when ingress is none). Interfaces without impairment are not listed.
struct ImpairmentSpec {
    QString ifname;
    Impairment egress;
    Impairment ingress;
    QString ifbIfname;
    bool operator==(const ImpairmentSpec &) const = default;
};

// A repair by the NAT doctor (core/doctor/, docs/doctor.md): accept rules for one of our
// gateway interfaces inserted at the top of a chain of ANOTHER firewall that would drop the
// network's forwarded traffic. Two rules, both carrying the comment "netloom:<network>":
// `iifname IFNAME accept` and `oifname IFNAME [ct state established,related] accept`
// (`established` true for masquerade, where only replies come back). The helper never
// changes a policy or a rule it did not insert; removal deletes exactly the rules with our
// comment and interface (so it is idempotent and safe after a crash). Set only by the
// helper's `repair` op; an `apply` keeps the committed ones (docs/helper-protocol.md).
// The address family is explicit ("ip", "ip6", "inet"), so IPv6 can be added later.
struct FilterAcceptSpec {
    enum class Backend { Nft, IptablesNft, IptablesLegacy };
    Backend backend = Backend::Nft;
    QString family;          // nft table family: "ip", "ip6" or "inet" (iptables: "ip")
    QString table;           // e.g. "filter", "firewalld"; [A-Za-z0-9_.-], 1..64 bytes
    QString chain;           // e.g. "DOCKER-USER", "FORWARD"
    QString ifname;          // our gateway interface ("loom…", created by this state)
    bool established = true; // the return rule matches only established/related traffic
    bool operator==(const FilterAcceptSpec &) const = default;
};
QString filterBackendName(FilterAcceptSpec::Backend backend);
bool filterBackendFromName(const QString &name, FilterAcceptSpec::Backend *out);

struct HostState {
    QList<TapSpec> taps;
    QList<BridgeSpec> bridges;
    QList<VethSpec> veths;
    QList<VxlanSpec> vxlans;
    QList<AddressSpec> addresses;
    QList<LinkSpec> links;
    bool ipv4Forwarding = false;
    QList<NatSpec> nat;
    bool ipv6Forwarding = false;  // net.ipv6.conf.all.forwarding (a v6 NAT66/route gateway)
    QList<NatSpec> nat6;          // IPv6 prefixes: NAT66 or routed (table ip6 netloom)
    QList<DnsmasqSpec> dnsmasq;
    QList<UplinkSpec> uplinks;
    QList<ImpairmentSpec> impairments;
    QList<FilterAcceptSpec> filterAccepts;  // the doctor's repairs (see FilterAcceptSpec)

    bool isEmpty() const;
    bool operator==(const HostState &) const = default;
};

// Canonical JSON form (stable key order via QJsonObject; lists in given order).
// Used for the helper protocol, `netloomctl plan --json` and golden files.
QJsonObject toJson(const HostState &state);
QString natModeName(NatSpec::Mode mode);
QString forwardProtocolName(ForwardSpec::Protocol protocol);  // "tcp", "udp"
QString forwardFamilyName(ForwardSpec::Family family);        // "ipv4", "ipv6"
// "tcp 8080 -> 10.0.2.15:80" (with "addr:port" on the host side when hostAddress is set);
// IPv6: "tcp6 8080 -> [fd42:1::100]:80", "tcp6 [fd00::1]:8080 -> ...".
QString describeForward(const ForwardSpec &forward);

}  // namespace netloom::protocol
