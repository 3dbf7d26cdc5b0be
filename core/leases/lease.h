// SPDX-License-Identifier: GPL-3.0-or-later
// Lease tracking vocabulary (DESIGN.md §5): one LeaseTable per network, fed with
// LeaseEvents by the dnsmasq lease-file watcher and by the switch's DHCP/ARP/ND snooper,
// and changed only by the pure merge function in leasemerge.h.
//
// LeaseEvent is Netloom's own type on purpose: the switch engine's snooper has its own
// AddressEvent (core/switch) and the runtime maps one onto the other, so the two areas can
// evolve independently. Times are milliseconds since the Unix epoch (the caller's clock).
#pragma once

#include "protocol/netaddr.h"

#include <QHostAddress>
#include <QList>
#include <QMetaType>
#include <QString>

#include <cstdint>
#include <map>
#include <optional>

namespace netloom::leases {

using protocol::Ipv4;
using protocol::Mac;

enum class LeaseState : std::uint8_t {
    Offered,   // a server offered the address; the client has not confirmed it yet
    Bound,     // in use: acknowledged lease, lease-file entry or seen on the wire
    Expired,   // the lease time ran out (or a NAK / DECLINE ended it)
    Released,  // the client gave it back, or the server dropped it from its lease file
    Gateway,   // the network's own gateway (a host port's address, seen on the wire): not a
               // lease, never expires; `guest` names the host port
};
const char *leaseStateName(LeaseState s);

// Where the table learned about an entry, strongest evidence first.
enum class LeaseSource : std::uint8_t {
    LeaseFile,  // our dnsmasq's lease file (authoritative for our server)
    DhcpSnoop,  // a DHCP exchange seen by the switch
    Neighbor,   // ARP or IPv6 ND traffic: the MAC uses the address, no lease behind it
};
const char *leaseSourceName(LeaseSource s);

enum class LeaseEventKind : std::uint8_t {
    DhcpDiscover, DhcpOffer, DhcpRequest, DhcpAck, DhcpNak, DhcpRelease, DhcpDecline,
    DhcpInform,
    Arp,           // ARP request/reply: mac uses ip (sender fields)
    Nd,            // IPv6 neighbor solicitation/advertisement: mac uses ipv6
    FileSnapshot,  // the whole lease file as read now (fileLeases)
    Tick,          // time passed: only expiry is applied
};
const char *leaseEventKindName(LeaseEventKind k);

// One entry of a dnsmasq lease file (see dnsmasqleasefile.h).
struct FileLease {
    qint64 expiresAtSec = 0;  // Unix time; 0 = infinite lease
    Mac mac;
    Ipv4 ip;
    QString hostname;         // "" when dnsmasq wrote "*"
    QString clientId;         // "" when dnsmasq wrote "*"
    bool operator==(const FileLease &) const = default;
};

// One DHCPv6 entry of a dnsmasq lease file (the lines after "duid ..."). DHCPv6 names
// clients by DUID, not MAC: the MAC is known only for a DUID-LLT or DUID-LL with an Ethernet
// address (what Linux clients and QEMU guests' firmware use), else `mac` is unset and the
// entry can be shown but not tied to a guest NIC.
struct FileLease6 {
    qint64 expiresAtSec = 0;  // Unix time; 0 = infinite lease
    std::uint32_t iaid = 0;
    bool temporary = false;   // an IA_TA address ("T" before the IAID)
    QHostAddress ip;
    QString hostname;         // "" when dnsmasq wrote "*"
    QString duid;             // hex pairs with ':' as dnsmasq wrote them; "" for "*"
    std::optional<Mac> mac;   // from a DUID-LLT/LL with hardware type 1 (Ethernet)
    bool operator==(const FileLease6 &) const = default;
};

// Lease time value meaning "infinite" (DHCP option 51 = 0xffffffff).
constexpr std::uint32_t kInfiniteLease = 0xffffffffu;

struct LeaseEvent {
    LeaseEventKind kind = LeaseEventKind::Tick;
    qint64 timeMs = 0;          // when it was observed
    Mac mac;                    // client MAC (chaddr for DHCP, sender for ARP/ND)
    Ipv4 ip;                    // yiaddr (OFFER/ACK), requested/ciaddr (REQUEST/RELEASE/
                                // DECLINE/INFORM), sender IP (ARP); 0.0.0.0 = none
    QHostAddress ipv6;          // Nd only
    QString hostname;           // DHCP option 12 as sent by the client ("" = none)
    QString port;               // switch port it was seen on ("" = unknown)
    std::uint32_t leaseSeconds = 0;  // option 51 (OFFER/ACK); 0 = absent; kInfiniteLease
    Ipv4 serverId;              // option 54 (OFFER/ACK/NAK/REQUEST); 0.0.0.0 = absent
    QList<FileLease> fileLeases;     // FileSnapshot only: the IPv4 leases
    QList<FileLease6> fileLeases6;   // FileSnapshot only: the DHCPv6 leases
};

enum class NoteKind : std::uint8_t {
    NewLease,         // a MAC got an address (bound)
    AddressChanged,   // a bound MAC moved to another address
    Expired,          // a lease ran out
    Released,         // a lease was given back / dropped from the lease file
    Nak,              // a server refused a client's request
    Declined,         // a client found its offered address already in use
    IpConflict,       // two MACs claim one address (flag set on both entries)
    RogueServer,      // a DHCP server that is not the network's answered on the segment
    UnknownMac,       // a MAC that belongs to no guest NIC of the topology
    AddressMismatch,  // a MAC uses an address other than its lease says
    BadHostname,      // a client sent a hostname that is not a valid DNS label; dropped
    TableFull,        // maxEntries reached; the event was not recorded
    Ignored,          // the event could not be used (reason in the message)
};
const char *noteKindName(NoteKind k);

struct LeaseNote {
    NoteKind kind = NoteKind::Ignored;
    Mac mac;
    Ipv4 ip;
    QString message;  // one English sentence for logs and the GUI
};

// One of the network's own gateway addresses (a host port's IPv4 address on this network).
struct GatewayAddress {
    Ipv4 ip;
    QString name;  // the host port (gateway) node's name, shown in place of a guest
    bool operator==(const GatewayAddress &) const = default;
};

// Who a MAC belongs to, from the topology.
struct MacOwner {
    QString guest;  // guest node name
    QString nic;    // NIC id within the guest
};
using OwnerMap = std::map<Mac, MacOwner>;

// Bounds and policy of one network's table.
struct LeaseTableConfig {
    QString network;                 // network (switch) name, for notes and the GUI
    OwnerMap owners;                 // MAC -> guest NIC
    QList<Ipv4> expectedServers;     // our DHCP server(s); empty = accept the first one seen
    // The network's gateway addresses (at most kMaxGateways are used): a MAC using one of
    // them on the wire is the gateway, listed as such (LeaseState::Gateway), not as a lease.
    static constexpr int kMaxGateways = 16;
    QList<GatewayAddress> gateways;
    qint64 offerHoldMs = 60'000;     // an OFFER not followed by an ACK expires after this
    qint64 neighborTtlMs = 300'000;  // ARP/ND evidence is good for this long after last sight
    qint64 retentionMs = 3'600'000;  // expired/released entries are dropped after this
    int maxEntries = 1024;           // entries per table (evicts the oldest dead entry first)
    int maxServers = 16;             // DHCP servers remembered per table
    int maxIpv6PerEntry = 4;         // IPv6 addresses remembered per MAC (newest kept)
};

struct LeaseEntry {
    Mac mac;
    Ipv4 ip;                        // 0.0.0.0 when only IPv6 is known
    QList<QHostAddress> ipv6;       // from ND and DHCPv6 leases, newest last
    QString hostname;
    QString guest;                  // "" when the MAC belongs to no guest of the topology
    QString nic;
    QString port;                   // switch port last seen on ("" = unknown)
    LeaseState state = LeaseState::Offered;
    LeaseSource source = LeaseSource::DhcpSnoop;
    qint64 expiresAtMs = 0;         // 0 = never
    qint64 updatedAtMs = 0;         // last change of ip/state/source
    qint64 lastSeenMs = 0;          // last event about this MAC
    Ipv4 server;                    // DHCP server that granted it (0.0.0.0 = unknown)
    bool conflict = false;          // another live entry claims the same IPv4 address
    bool fromRogueServer = false;   // granted by a server that is not the network's

    bool isLive() const
    {
        return state == LeaseState::Offered || state == LeaseState::Bound || state == LeaseState::Gateway;
    }
    bool operator==(const LeaseEntry &) const = default;
};

struct DhcpServerSighting {
    Ipv4 server;
    qint64 firstSeenMs = 0;
    qint64 lastSeenMs = 0;
    bool expected = false;          // false = a second/rogue server: flagged in the GUI
    bool operator==(const DhcpServerSighting &) const = default;
};

struct LeaseTable {
    LeaseTableConfig config;
    QList<LeaseEntry> entries;             // sorted by MAC
    QList<DhcpServerSighting> servers;     // in order of first sight

    // The entry for `mac`, or nullptr.
    const LeaseEntry *find(const Mac &mac) const;
    // True when any server sighting is unexpected.
    bool hasRogueServer() const;
};

// A hostname a client may legitimately claim: dot-separated labels of ASCII letters,
// digits, '-' and '_', each 1..63 bytes, 253 bytes in all. Anything else from a guest
// (control bytes, spaces, quotes, UTF-8) is refused, because names end up in logs,
// tables and DNS.
bool isValidHostname(const QString &name);

// One line describing an entry, stable for tests and logs:
// "52:54:00:00:00:01 10.0.0.5 bound file host=alpha guest=vm1/nic0 port=p1 exp=1000 [conflict] [rogue]"
// (a gateway: "... gateway neighbor guest=gw ... exp=0", no NIC)
QString describeEntry(const LeaseEntry &e);

}  // namespace netloom::leases

Q_DECLARE_METATYPE(netloom::leases::LeaseEvent)
Q_DECLARE_METATYPE(netloom::leases::LeaseNote)
Q_DECLARE_METATYPE(netloom::leases::LeaseTable)
