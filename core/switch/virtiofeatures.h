// SPDX-License-Identifier: GPL-3.0-or-later
// Virtio feature bits of a net device that Netloom's vhost-user ports negotiate and look at
// (VIRTIO 1.1 §6 and §5.1.3), shared by the protocol (vhostusermessage) and the data plane
// (virtqueue, virtionet).
#pragma once

#include <cstdint>

namespace netloom::sw {

// Feature bits the data plane looks at (VIRTIO 1.1 §6, §5.1.3).
namespace vfeat {
constexpr std::uint64_t kNetCsum = 1ull << 0;
constexpr std::uint64_t kNetGuestCsum = 1ull << 1;
constexpr std::uint64_t kNetGuestTso4 = 1ull << 7;
constexpr std::uint64_t kNetGuestTso6 = 1ull << 8;
constexpr std::uint64_t kNetGuestEcn = 1ull << 9;
constexpr std::uint64_t kNetHostTso4 = 1ull << 11;
constexpr std::uint64_t kNetHostTso6 = 1ull << 12;
constexpr std::uint64_t kNetHostEcn = 1ull << 13;
constexpr std::uint64_t kNetMrgRxbuf = 1ull << 15;
constexpr std::uint64_t kIndirectDesc = 1ull << 28;
constexpr std::uint64_t kEventIdx = 1ull << 29;
constexpr std::uint64_t kVersion1 = 1ull << 32;
}  // namespace vfeat

}  // namespace netloom::sw
