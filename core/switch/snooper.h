// SPDX-License-Identifier: GPL-3.0-or-later
// Snooper: DHCPv4, ARP and IPv6 neighbour-discovery parsing of frames crossing the switch,
// plus the little state needed to flag conflicts.
//
// Design note.
// - parseAddressFrame() is pure: one frame in, at most one event out. It walks a
//   ByteCursor; guest frames are hostile, so every length is checked against what is there
//   (IPv4 total length, IHL, UDP length, DHCP options) and fragments are ignored.
// - Snooper adds memory: ARP/ND events for a (MAC, IP) pair already reported within
//   kRepeatNs are suppressed (ARP is chatty; DHCP always passes); it tracks which MAC holds
//   each IP (from DHCP ACKs, ARP and ND) and which DHCP servers answer on each VLAN, and emits
//   IpConflict / DhcpServerConflict events — once per pair per kRepeatNs. Both tables are
//   bounded (kMaxClaims, kMaxServers); the oldest entry goes first.
#pragma once

#include "addressevent.h"

#include <cstddef>
#include <map>
#include <optional>
#include <vector>

namespace netloom::sw {

// Parses one Ethernet frame. Returns an event for DHCP (UDP 67/68 over IPv4), ARP and
// ICMPv6 NS/NA; nullopt for anything else or anything malformed. port/vlan/time are left 0.
std::optional<AddressEvent> parseAddressFrame(const std::uint8_t *frame, std::size_t len);

class Snooper {
public:
    static constexpr std::int64_t kRepeatNs = 10'000'000'000;
    static constexpr std::size_t kMaxClaims = 4096;
    static constexpr std::size_t kMaxServers = 64;
    static constexpr std::size_t kMaxRecent = 4096;

    // Inspects a frame received on `port` in `vlan`; appends 0..2 events to `out`.
    void inspect(const std::uint8_t *frame, std::size_t len, PortId port, std::uint16_t vlan, std::int64_t nowNs,
                 qint64 wallMs, std::vector<AddressEvent> *out);
    // Cheap pre-filter: could this frame produce an event? (EtherType ARP/IPv4/IPv6.)
    static bool interesting(const std::uint8_t *frame, std::size_t len);

private:
    struct Claim {
        protocol::Mac mac;
        std::int64_t lastSeen = 0;
        std::int64_t reportedAt = 0;
        protocol::Mac reportedMac;
    };
    struct Server {
        protocol::Mac mac;
        std::int64_t lastSeen = 0;
    };
    void claim(std::uint16_t vlan, const QHostAddress &ip, const AddressEvent &ev, std::int64_t nowNs, std::vector<AddressEvent> *out);
    void server(const AddressEvent &ev, std::int64_t nowNs, std::vector<AddressEvent> *out);
    bool recentlyReported(const AddressEvent &ev, std::int64_t nowNs);
    template <typename Map>
    static void evictOldest(Map &m);

    std::map<std::pair<std::uint16_t, QString>, Claim> m_claims;                 // (vlan, ip) -> holder
    std::map<std::pair<std::uint16_t, std::uint32_t>, Server> m_servers;        // (vlan, server id)
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::int64_t> m_serverConflicts;  // reported pairs
    std::map<std::pair<QString, QString>, std::int64_t> m_recent;               // (mac, ip) -> last event
};

}  // namespace netloom::sw
