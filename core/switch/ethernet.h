// SPDX-License-Identifier: GPL-3.0-or-later
// Ethernet header parsing and the vocabulary shared by the forwarder, the snooper and the
// transports: MAC keys, VLAN ids, frame size limits. Pure functions over untrusted bytes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace netloom::sw {

constexpr std::size_t kEthHeaderLen = 14;
constexpr std::size_t kVlanTagLen = 4;
constexpr std::size_t kMinFrameLen = 60;          // without FCS; shorter frames are padded
constexpr std::size_t kDefaultMaxFrameLen = 1518; // 1500 MTU + header + one 802.1Q tag
constexpr std::size_t kAbsoluteMaxFrameLen = 9234;  // jumbo 9216 + header + tag (libvdeplug's bound)
constexpr std::uint16_t kEtherTypeVlan = 0x8100;
constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
constexpr std::uint16_t kEtherTypeArp = 0x0806;
constexpr std::uint16_t kEtherTypeIpv6 = 0x86dd;
constexpr std::uint16_t kMaxVlan = 4094;

using MacBytes = std::array<std::uint8_t, 6>;

// The 48-bit MAC as an integer (network order in the low 48 bits), handy as a hash key.
inline std::uint64_t macKey(const std::uint8_t *mac)
{
    std::uint64_t v = 0;
    for (int i = 0; i < 6; ++i)
        v = v << 8 | mac[i];
    return v;
}
inline bool macIsMulticast(const std::uint8_t *mac) { return mac[0] & 1; }
inline bool macIsBroadcast(const std::uint8_t *mac)
{
    return (mac[0] & mac[1] & mac[2] & mac[3] & mac[4] & mac[5]) == 0xff;
}
inline bool macIsZero(const std::uint8_t *mac)
{
    return (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0;
}

struct EthHeader {
    const std::uint8_t *dst = nullptr;
    const std::uint8_t *src = nullptr;
    bool tagged = false;            // an 802.1Q tag follows the source MAC
    std::uint16_t vid = 0;          // VLAN id of the tag (0 = priority tag only)
    std::uint16_t tci = 0;          // whole tag control field (PCP, DEI, VID)
    std::uint16_t etherType = 0;    // inner EtherType (after the tag when tagged)
    std::size_t payloadOffset = 0;  // 14 or 18
};

// Parses the Ethernet (+ optional single 802.1Q tag) header of `frame`. Returns nullopt when
// the frame is shorter than its header. Touches nothing.
std::optional<EthHeader> parseEthernet(const std::uint8_t *frame, std::size_t len);

}  // namespace netloom::sw
