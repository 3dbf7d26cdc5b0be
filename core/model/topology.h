// SPDX-License-Identifier: GPL-3.0-or-later
// The topology model: what the user draws (DESIGN.md §3).
//
// Design note. A topology is a list of nodes and a list of links, identified by stable
// string ids. It is plain, copyable data — the widget-free source of truth that the GUI's
// undo commands edit by id, that the planner reads, and that topologyjson.{h,cpp}
// round-trips to the documented JSON format (docs/topology-format.md, version 3; version 2 is
// version 3 without port forwards, version 1 is version 2 without network emulation; both
// still load).
//
// Node kinds and what they become:
//   Switch   engine Netloom -> core switch engine (exported as vde_switch)
//            engine Bridge  -> kernel bridge created by the helper
//   HostPort the host's own interface on a segment: a user-owned tap attached to a netloom
//            switch, the bridge device itself for a kernel bridge, or a tap that a single
//            guest NIC opens directly ("own tap", routed setups). Carries the address,
//            DHCP/DNS (dnsmasq) and NAT/routing towards uplinks.
//   Uplink   a physical interface (eth0) enslaved to a kernel bridge.
//   Guest    a QEMU virtual machine with NICs.
//   Remote   the far end of a remote cable: a libvdeplug URL (netloom switch) or VXLAN
//            parameters (kernel bridge).
// Links connect two endpoints; an endpoint names a node and, for guests, one NIC. The
// switch side of a link carries its 802.1Q port settings.
//
// Invariants are NOT enforced by these types; validator.h checks them and names the
// offending node/field.
#pragma once

#include "protocol/impairment.h"

#include <QList>
#include <QPointF>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>

namespace netloom::model {

constexpr int kFormatVersion = 3;  // the newest version this build reads
inline constexpr const char *kFormatName = "netloom-topology";

// Explicit bounds shared by the JSON decoder (which refuses files beyond them) and the
// validator (which checks models edited in memory). docs/topology-format.md lists them.
namespace limits {
constexpr qint64 kMaxFileBytes = 16 * 1024 * 1024;
constexpr int kMaxNodes = 4096;
constexpr int kMaxLinks = 16384;
constexpr int kMaxListItems = 4096;       // reservations, forwards, uplinks, extraArgs, allowed VLANs
constexpr int kMaxNicsPerGuest = 32;
constexpr int kMaxDisksPerGuest = 16;
constexpr int kMaxStringChars = 4096;
constexpr int kMaxIdChars = 64;           // node/link/NIC ids and the topology name
constexpr std::uint32_t kMinLeaseSeconds = 120;
constexpr std::uint32_t kMaxLeaseSeconds = 31536000;  // one year
constexpr int kMinMemoryMiB = 16;
constexpr int kMaxMemoryMiB = 1024 * 1024;             // 1 TiB
constexpr int kMinCpus = 1;
constexpr int kMaxCpus = 256;
constexpr int kMaxSshKeys = 64;            // per cloud-init section
constexpr int kMaxUserDataChars = 64 * 1024;  // a cloud-init section's extra user-data
constexpr int kMinMacTableSize = 16;
constexpr int kMaxMacTableSize = 1024 * 1024;
constexpr int kMinMacAgingSeconds = 1;
constexpr int kMaxMacAgingSeconds = 86400;
constexpr int kMinMtu = 68;               // 0 = default, else kMinMtu..kMaxMtu
constexpr int kMaxMtu = 65535;
constexpr int kMinVlan = 1;
constexpr int kMaxVlan = 4094;
constexpr std::uint32_t kMaxVni = 16777215;
constexpr double kMaxCoordinate = 1e7;    // canvas positions, |x|,|y|
constexpr int kMaxMirrors = 64;           // per netloom switch
constexpr int kMaxPortForwards = 256;     // per NAT gateway (nat.forwards)
constexpr int kMaxDescriptionChars = 256; // a port forward's description
}  // namespace limits

// 802.1Q settings of one switch port (the switch side of a link).
struct VlanConfig {
    enum class Mode { Access, Trunk };
    Mode mode = Mode::Access;
    int vlan = 1;            // access: the port's VLAN; trunk: native (untagged) VLAN, 0 = none
    QList<int> allowed;      // trunk: tagged VLANs carried (1..4094)
    bool operator==(const VlanConfig &) const = default;
};

// Port mirroring on a netloom switch: the traffic of the port of link `source` (frames the
// switch receives from it, sends to it, or both) is copied to the port of link `target`
// (a host tap for Wireshark, a guest running an IDS). Both links must touch this switch.
struct MirrorConfig {
    using Direction = protocol::MirrorDirection;
    QString source;          // link id
    QString target;          // link id
    Direction direction = Direction::Both;
    bool operator==(const MirrorConfig &) const = default;
};

struct SwitchConfig {
    enum class Engine { Netloom, Bridge };
    Engine engine = Engine::Netloom;
    QString ifname;          // bridge: kernel name ("loom..."); netloom: unused
    bool hub = false;        // netloom: flood everything
    int macTableSize = 8192; // netloom: MAC table bound
    int macAgingSeconds = 300;
    bool stp = false;        // bridge
    int mtu = 0;             // 0 = default
    QList<MirrorConfig> mirrors;  // netloom: port mirroring (at most limits::kMaxMirrors)
    bool operator==(const SwitchConfig &) const = default;
};

struct DhcpReservation {
    QString mac;
    QString ip;
    QString hostname;
    bool operator==(const DhcpReservation &) const = default;
};

struct DhcpConfig {
    bool enabled = false;
    QString rangeStart;
    QString rangeEnd;
    std::uint32_t leaseSeconds = 3600;
    QString domain;
    QList<DhcpReservation> reservations;
    bool operator==(const DhcpConfig &) const = default;
};

// A port forward on a NAT gateway: connections to the host's port `hostPort` (on
// `hostAddress`, or on every host address of the family when empty) are sent on to port
// `guestPort` of a guest on the gateway's network (DNAT). The guest is named by node id and,
// when it has more than one NIC on that network, by NIC id; its address is resolved at plan
// time (DHCP reservation, else current lease; plan/planner.h). The address family is explicit
// so IPv6 forwards only add a value.
struct PortForward {
    enum class Family { Ipv4, Ipv6 };  // Ipv6 needs the gateway's ipv6.address
    enum class Protocol { Tcp, Udp };
    Family family = Family::Ipv4;
    Protocol protocol = Protocol::Tcp;
    QString hostAddress;     // "" = every address of the host (of `family`; IPv6: all but ::1)
    int hostPort = 0;        // 1..65535
    QString guest;           // guest node id
    QString nic;             // guest NIC id; "" = the guest's only NIC on the gateway's network
    int guestPort = 0;       // 1..65535
    QString description;     // free text, at most limits::kMaxDescriptionChars
    bool operator==(const PortForward &) const = default;
};

struct NatConfig {
    enum class Mode { None, Masquerade, Route };
    Mode mode = Mode::None;
    QStringList uplinks;     // interface names or '+' patterns, e.g. "eth0", "eth+"
    QList<PortForward> forwards;  // at most limits::kMaxPortForwards (format version 3)
    bool operator==(const NatConfig &) const = default;
};

// IPv6 on a host port (a gateway). An empty address means no IPv6 at all; every other field
// is then ignored. With an address, dnsmasq sends router advertisements (unless `ra` is
// off): SLAAC when `dhcp` is off (needs a /64), stateful DHCPv6 from rangeStart..rangeEnd
// when on (lease time from DhcpConfig::leaseSeconds). The v6 side of forwarding follows the
// port's NatConfig: Masquerade -> NAT66 towards the same uplinks, Route -> routed IPv6.
struct Ipv6Config {
    QString address;         // "fd42:1::1/64" or "" (no IPv6)
    bool ra = true;          // router advertisements (dnsmasq enable-ra)
    bool dhcp = false;       // stateful DHCPv6
    QString rangeStart;      // "fd42:1::100" (inside the prefix, dhcp only)
    QString rangeEnd;        // "fd42:1::1ff"
    bool operator==(const Ipv6Config &) const = default;
};

struct HostPortConfig {
    QString ifname;          // "loom..."; for a port on a bridge: must equal the bridge's ifname or be empty
    QString address;         // "10.0.2.1/24" or "" (no host address)
    DhcpConfig dhcp;
    bool dns = true;         // dnsmasq answers DNS on the address
    NatConfig nat;
    int mtu = 0;
    Ipv6Config ipv6;         // optional IPv6 prefix, RA and DHCPv6
    bool operator==(const HostPortConfig &) const = default;
};

struct UplinkConfig {
    QString ifname;          // physical interface, e.g. "eth0"
    bool operator==(const UplinkConfig &) const = default;
};

struct DiskConfig {
    QString path;
    QString format = QStringLiteral("raw");      // raw | qcow2 | ...
    QString interface = QStringLiteral("virtio"); // virtio | ide | scsi | none
    bool readOnly = false;
    bool snapshot = false;   // -snapshot semantics for this drive
    bool operator==(const DiskConfig &) const = default;
};

struct HostForward {
    QString protocol = QStringLiteral("tcp");  // tcp | udp
    QString hostAddress;     // "" = all (QEMU default); "127.0.0.1" recommended
    int hostPort = 0;
    QString guestAddress;    // "" = the guest's DHCP address
    int guestPort = 0;
    bool operator==(const HostForward &) const = default;
};

struct UserNetConfig {
    QString network;         // "10.0.2.0/24" or "" for QEMU's default
    QList<HostForward> forwards;
    bool restrict = false;   // restrict=on: no outbound access
    bool operator==(const UserNetConfig &) const = default;
};

struct SocketConfig {
    enum class Kind { Listen, Connect, Mcast };
    Kind kind = Kind::Listen;
    QString address;         // "127.0.0.1:10001" or "230.0.0.1:1234" for mcast
    bool operator==(const SocketConfig &) const = default;
};

struct NicConfig {
    enum class Mode { Switch, Tap, User, Socket };
    // How a NIC in switch mode on a netloom switch reaches it: a VDE port (QEMU's -netdev vde,
    // any NIC model), or a vhost-user port (the virtio rings in memory shared with the switch;
    // virtio-net-pci only, the guest's RAM must be shareable). Missing in a file = Vde.
    enum class Transport { Vde, VhostUser };
    QString id;              // unique within the guest, e.g. "net0"
    QString model = QStringLiteral("virtio-net-pci");
    QString mac;             // "" until the allocator assigns one; then stable
    Mode mode = Mode::Switch;
    Transport transport = Transport::Vde;
    QString tapIfname;       // Switch mode on a bridge, or Tap mode: the tap the guest opens ("" = allocate)
    UserNetConfig user;      // Mode::User
    SocketConfig socket;     // Mode::Socket
    bool operator==(const NicConfig &) const = default;
};

// cloud-init (NoCloud) for a guest: at start Netloom builds a "cidata" seed from this and
// attaches it (plan/cloudinit.h).
struct CloudInitConfig {
    QString user;            // the account to create, [a-z_][a-z0-9_-]{0,31} (required)
    QStringList sshKeys;     // OpenSSH public key lines ("ssh-ed25519 AAAA... comment")
    QString hostname;        // "" = the node's name
    QString passwordHash;    // crypt(3) hash ("$6$...", "$y$..."), "" = no password login
    QString userData;        // extra user-data (any cloud-init format: #cloud-config, #!script, ...)
    // Also authorize the public keys of the user who starts the topology (or exports it):
    // their valid ~/.ssh/*.pub, by file name, at most limits::kMaxSshKeys with sshKeys.
    bool userKeys = false;
    bool operator==(const CloudInitConfig &) const = default;
};

// UEFI firmware (OVMF): the read-only code image and this guest's own writable copy of the
// variable store (made from the template that matches the code image).
struct UefiConfig {
    QString code;   // e.g. /usr/share/OVMF/OVMF_CODE_4M.fd (read-only pflash unit 0)
    QString vars;   // this guest's variable store, e.g. "alpha_VARS.fd" (relative = to the topology file's folder)
    bool operator==(const UefiConfig &) const = default;
};

struct GuestConfig {
    QString qemu = QStringLiteral("qemu-system-x86_64");
    QString machine;         // "" = QEMU default
    QString accel = QStringLiteral("auto");  // auto | kvm | tcg
    QString cpuModel;        // "" = default
    int memoryMiB = 256;
    int cpus = 1;
    QList<DiskConfig> disks;
    QString cdrom;
    QString kernel;
    QString initrd;
    QString append;
    QString boot;            // QEMU -boot order, e.g. "cd"; "" = default
    // The guest's screen: std VGA (default), virtio-vga (the console can resize the guest),
    // or none (serial console only). Missing in a file = Vga.
    enum class Display { Vga, Virtio, None };
    Display display = Display::Vga;
    std::optional<UefiConfig> uefi;  // absent = BIOS (SeaBIOS)
    std::optional<CloudInitConfig> cloudInit;  // absent = no seed
    QStringList extraArgs;   // appended verbatim (no shell)
    QList<NicConfig> nics;
    bool operator==(const GuestConfig &) const = default;
};

struct VxlanConfig {
    std::uint32_t vni = 0;
    QString remote;          // unicast peer, or "" with group
    QString group;           // multicast group
    QString local;
    QString device;          // underlay device
    int dstPort = 4789;
    QString ifname;          // "loom..." ("" = allocate)
    bool operator==(const VxlanConfig &) const = default;
};

struct RemoteConfig {
    QString url;             // libvdeplug URL (netloom switch): vde://, vxvde://, udp://, cmd://...
    std::optional<VxlanConfig> vxlan;  // kernel bridge
    bool operator==(const RemoteConfig &) const = default;
};

enum class NodeType { Switch, HostPort, Uplink, Guest, Remote };

struct Node {
    QString id;              // stable, [A-Za-z0-9_.-]{1,64}
    NodeType type = NodeType::Switch;
    QString name;            // display name; unique per topology
    QPointF position;        // canvas position
    QString notes;
    // Exactly the member matching `type` is meaningful.
    SwitchConfig sw;
    HostPortConfig hostPort;
    UplinkConfig uplink;
    GuestConfig guest;
    RemoteConfig remote;
    bool operator==(const Node &) const = default;
};

struct Endpoint {
    QString node;            // node id
    QString nic;             // guest NIC id (guest endpoints only), else ""
    std::optional<VlanConfig> vlan;  // switch endpoints only: 802.1Q port settings
    bool operator==(const Endpoint &) const = default;
};

// Network emulation on a link (protocol/impairment.h): one impairment per direction — `ab`
// for frames travelling from endpoint a to endpoint b, `ba` for the other way — and an
// administrative state. A link that is down carries nothing in either direction; a guest NIC
// on it sees its carrier go. The defaults (no impairment, up) are what a file without an
// "emulation" member means.
struct LinkEmulation {
    protocol::Impairment ab;
    protocol::Impairment ba;
    bool up = true;
    bool isDefault() const { return ab.isNone() && ba.isNone() && up; }
    bool operator==(const LinkEmulation &) const = default;
};

struct Link {
    QString id;
    Endpoint a;
    Endpoint b;
    LinkEmulation emulation;
    QString tapIfname;       // netloom switch <-> kernel bridge cable: the joining tap ("" = allocate);
                             // kernel bridge <-> kernel bridge cable: the veth end on side a; the
                             // end on side b is named vethPeerName(tapIfname)
    bool operator==(const Link &) const = default;
};

struct Topology {
    QString name;            // used for run directories and the helper network id
    QString description;
    QList<Node> nodes;
    QList<Link> links;

    const Node *node(const QString &id) const;
    Node *node(const QString &id);
    const Link *link(const QString &id) const;
    // Links touching node `id` (any endpoint).
    QList<const Link *> linksOf(const QString &id) const;
    // The link attached to guest `guestId`'s NIC `nicId`, or nullptr.
    const Link *linkOfNic(const QString &guestId, const QString &nicId) const;
    bool operator==(const Topology &) const = default;
};

// The side-b end of a bridge <-> bridge cable's veth pair: `tapIfname` cut to 14 bytes
// followed by 'p' (so it stays within the 15-byte kernel limit).
QString vethPeerName(const QString &tapIfname);

// The JSON key of a node type's configuration object: "switch", "hostPort", "uplink",
// "guest", "remote".
QString nodeConfigKey(NodeType t);

// Stable lowercase names used in JSON and messages ("switch", "hostport", ...).
QString nodeTypeName(NodeType t);
QString engineName(SwitchConfig::Engine e);
QString nicModeName(NicConfig::Mode m);
QString nicTransportName(NicConfig::Transport t);  // "vde", "vhost-user"
QString natModeName(NatConfig::Mode m);
QString forwardProtocolName(PortForward::Protocol p);  // "tcp", "udp"
QString addressFamilyName(PortForward::Family f);      // "ipv4", "ipv6"
QString socketKindName(SocketConfig::Kind k);
QString displayName(GuestConfig::Display d);
QString vlanModeName(VlanConfig::Mode m);

}  // namespace netloom::model
