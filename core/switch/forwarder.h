// SPDX-License-Identifier: GPL-3.0-or-later
// Forwarder: the switching decision for one frame — a deterministic function of
// (frame, ingress port, now) over the port configuration and the MAC table it owns.
//
// Design note.
// - Frames are classified once: header sanity, size (runts are marked for padding to 60
//   bytes, frames over maxFrameLen are dropped), VLAN (802.1Q access/trunk rules), cast.
// - Learning happens before the lookup; never from multicast/broadcast/zero sources.
// - Known unicast goes to exactly one port, never back out of the ingress port; unknown
//   unicast, multicast and broadcast flood the VLAN; hub mode floods everything.
// - The result names egress ports and whether each wants the frame tagged; building the
//   egress bytes (tag insert/strip, padding) is the engine's job, with iovecs, no copies.
// No I/O, no clock: the caller passes nowNs. Unit-tested without sockets.
#pragma once

#include "ethernet.h"
#include "mactable.h"

#include <bitset>
#include <cstdint>
#include <vector>

namespace netloom::sw {

struct VlanPortConfig {
    enum class Mode { Access, Trunk };
    Mode mode = Mode::Access;
    std::uint16_t accessVlan = 1;       // Access: the port's VLAN (1..4094)
    std::uint16_t nativeVlan = 0;       // Trunk: VLAN of untagged frames (0 = drop them)
    std::bitset<4096> allowed;          // Trunk: VLANs carried tagged

    static VlanPortConfig access(std::uint16_t vlan = 1);
    static VlanPortConfig trunk(const std::vector<std::uint16_t> &vlans, std::uint16_t native = 0);
    bool carries(std::uint16_t vlan) const;
    bool tagsOnEgress(std::uint16_t vlan) const;  // precondition: carries(vlan)
};

enum class DropReason : std::uint8_t {
    None,
    Malformed,      // shorter than an Ethernet header
    Oversize,       // longer than maxFrameLen
    VlanMismatch,   // VLAN not allowed on the ingress port (or tagged frame on an access port)
    UnknownPort,    // ingress port not registered
    Filtered,       // destination is on the ingress port (never sent back)
    NoEgress,       // nobody else in the VLAN
};
const char *dropReasonName(DropReason r);

enum class Cast : std::uint8_t { Unicast, Multicast, Broadcast };

struct Egress {
    PortId port = kNoPort;
    bool tagged = false;
};

struct ForwardDecision {
    DropReason drop = DropReason::None;
    Cast cast = Cast::Unicast;
    std::uint16_t vlan = 0;
    bool ingressTagged = false;       // the frame as received carries a tag
    bool pad = false;                 // untagged length < 60: pad on egress
    bool flooded = false;
    std::size_t untaggedLen = 0;      // frame length without any tag
    const std::vector<Egress> *egress = nullptr;  // valid until the next decide()
};

struct ForwarderConfig {
    MacTableConfig macTable;
    std::size_t maxFrameLen = kDefaultMaxFrameLen;  // counted with one 802.1Q tag
    bool hub = false;
};

class Forwarder {
public:
    explicit Forwarder(const ForwarderConfig &config = {});

    // Registers or reconfigures a port.
    void setPort(PortId port, const VlanPortConfig &vlan);
    // Forgets a port and flushes its MAC entries.
    void removePort(PortId port);
    bool hasPort(PortId port) const;
    void setHub(bool hub) { m_config.hub = hub; }
    bool hub() const { return m_config.hub; }

    // Decides what to do with `frame` received on `ingress` at nowNs. Learns the source.
    ForwardDecision decide(const std::uint8_t *frame, std::size_t len, PortId ingress, std::int64_t nowNs);

    // Ages the MAC table; call about once a second.
    std::uint32_t expire(std::int64_t nowNs) { return m_macs.expire(nowNs); }
    const MacTable &macTable() const { return m_macs; }

private:
    // Index of `port` in m_portIds, or -1.
    int find(PortId port) const;

    ForwarderConfig m_config;
    MacTable m_macs;
    // Ports as two parallel arrays: the ids are scanned on every frame (a few cache lines even
    // for 64 ports; linear scans beat hashing here), the VLAN settings (512-bit sets) are only
    // read for the ports a frame goes to.
    std::vector<PortId> m_portIds;
    std::vector<VlanPortConfig> m_portVlans;
    std::vector<Egress> m_egress;
};

}  // namespace netloom::sw
