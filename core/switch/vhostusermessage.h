// SPDX-License-Identifier: GPL-3.0-or-later
// vhost-user control messages, backend side (issue #12): the wire format, the feature bits a
// netloom port offers, and a pure parser that treats every byte and every descriptor count as
// hostile. Nothing here touches a socket or a descriptor; the session (vhostusersession.h)
// reads, maps and replies.
//
// Wire format (QEMU docs/interop/vhost-user.rst; host byte order, packed):
//   header  u32 request | u32 flags | u32 size      (size = payload bytes that follow)
//   flags   bits 0..1 version (must be 1), 0x4 REPLY (only in replies), 0x8 NEED_REPLY
//   payload u64 | vring state {u32 index, u32 num}
//           | vring addr {u32 index, u32 flags, u64 desc, u64 used, u64 avail, u64 log}
//           | memory {u32 nregions, u32 padding, nregions x {u64 gpa, u64 size, u64 uva,
//                                                           u64 mmap_offset}}
// Descriptors travel as SCM_RIGHTS with the message: SET_MEM_TABLE carries exactly one per
// region, SET_VRING_KICK/CALL/ERR exactly one unless bit 0x100 (NOFD) of their u64 is set,
// every other request none.
//
// Design note. Each request has exactly one accepted payload size (QEMU 7.2, DPDK's
// virtio-user and libvhost-user all send exactly that); anything else is a protocol error, as
// is an unknown request, a wrong descriptor count, a ring index other than 0 (rx) or 1 (tx),
// a ring size that is not a power of two in 1..kMaxRingSize, a base above 0xffff, unknown bits
// in a vring u64 or in vring-addr flags. The parser only checks shape and ranges; whether a
// request fits the negotiated state (features offered, addresses translatable) is the
// session's business.
#pragma once

#include "virtiofeatures.h"
#include "base/result.h"

#include <QByteArray>
#include <QString>

#include <array>
#include <cstddef>
#include <cstdint>

namespace netloom::sw {

// Request numbers (front-end -> back-end), per the spec.
enum class VhostUserRequest : std::uint32_t {
    GetFeatures = 1,
    SetFeatures = 2,
    SetOwner = 3,
    ResetOwner = 4,
    SetMemTable = 5,
    SetLogBase = 6,
    SetLogFd = 7,
    SetVringNum = 8,
    SetVringAddr = 9,
    SetVringBase = 10,
    GetVringBase = 11,
    SetVringKick = 12,
    SetVringCall = 13,
    SetVringErr = 14,
    GetProtocolFeatures = 15,
    SetProtocolFeatures = 16,
    GetQueueNum = 17,
    SetVringEnable = 18,
};

// "GET_FEATURES", ... ; "request 42" for a number this backend does not know. Pure.
QString vhostUserRequestName(std::uint32_t request);

namespace vhostuser {

constexpr std::uint32_t kVersion = 0x1;
constexpr std::uint32_t kVersionMask = 0x3;
constexpr std::uint32_t kFlagReply = 0x4;
constexpr std::uint32_t kFlagNeedReply = 0x8;

constexpr std::size_t kHeaderSize = 12;
// Bound on a message's payload (the largest valid one, a full memory table, is 264 bytes).
constexpr std::size_t kMaxPayload = 4096;
// Bound on descriptors one message may carry (VHOST_MEMORY_BASELINE_NREGIONS).
constexpr int kMaxFds = 8;
constexpr int kMaxRegions = 8;
// One queue pair: ring 0 receives toward the guest (rx), ring 1 carries the guest's tx.
constexpr int kRingCount = 2;
// Ring size cap: the virtio split-ring maximum (the spec's Queue Size limit, what DPDK's
// virtio-user frontend may ask for). QEMU uses at most 1024. Every ring area is still checked
// against the memory table, and the ring walker bounds chains by its own cap, so a large ring
// costs the switch nothing but the guest's own memory.
constexpr std::uint32_t kMaxRingSize = 32768;
// SET_VRING_KICK/CALL/ERR u64: ring index in bits 0..7, no descriptor when 0x100 is set.
constexpr std::uint64_t kVringIndexMask = 0xff;
constexpr std::uint64_t kVringNoFd = 0x100;

// Virtio feature bits this backend offers (virtio-net, virtio 1.x; the bits themselves are
// virtiofeatures.h's), plus the vhost-user bit for protocol features.
constexpr std::uint64_t bit(int n) { return std::uint64_t(1) << n; }
constexpr std::uint64_t kUserFProtocolFeatures = bit(30);  // VHOST_USER_F_PROTOCOL_FEATURES
constexpr std::uint64_t kOfferedFeatures = vfeat::kVersion1 | vfeat::kNetMrgRxbuf | vfeat::kIndirectDesc
    | vfeat::kEventIdx | vfeat::kNetCsum | vfeat::kNetGuestCsum | vfeat::kNetHostTso4 | vfeat::kNetHostTso6
    | vfeat::kNetGuestTso4 | vfeat::kNetGuestTso6 | vfeat::kNetHostEcn | vfeat::kNetGuestEcn | kUserFProtocolFeatures;

// Protocol feature bits offered: one queue pair (MQ) and REPLY_ACK, nothing else.
constexpr std::uint64_t kProtocolFMq = bit(0);
constexpr std::uint64_t kProtocolFReplyAck = bit(3);
constexpr std::uint64_t kOfferedProtocolFeatures = kProtocolFMq | kProtocolFReplyAck;

// Queue pairs reported by GET_QUEUE_NUM.
constexpr std::uint64_t kQueuePairs = 1;

}  // namespace vhostuser

struct VhostUserHeader {
    std::uint32_t request = 0;
    std::uint32_t flags = 0;
    std::uint32_t size = 0;
    bool needReply() const { return flags & vhostuser::kFlagNeedReply; }
};

struct VhostUserVringState {
    std::uint32_t index = 0;
    std::uint32_t num = 0;
};

struct VhostUserVringAddr {
    std::uint32_t index = 0;
    std::uint32_t flags = 0;  // bit 0 = VHOST_VRING_F_LOG (refused: logging is not offered)
    std::uint64_t desc = 0;   // QEMU virtual addresses of the three ring areas
    std::uint64_t used = 0;
    std::uint64_t avail = 0;
    std::uint64_t log = 0;
};

struct VhostUserRegion {
    std::uint64_t guestPhys = 0;
    std::uint64_t size = 0;
    std::uint64_t userAddr = 0;
    std::uint64_t mmapOffset = 0;
};

struct VhostUserMemoryTable {
    std::uint32_t count = 0;  // 1..kMaxRegions
    std::array<VhostUserRegion, vhostuser::kMaxRegions> regions{};
};

// One parsed request. Which payload member is meaningful depends on header.request.
struct VhostUserMessage {
    VhostUserHeader header;
    std::uint64_t u64 = 0;              // SET_FEATURES, SET_PROTOCOL_FEATURES, SET_VRING_KICK/CALL/ERR
    VhostUserVringState state;          // SET_VRING_NUM/BASE/ENABLE, GET_VRING_BASE
    VhostUserVringAddr addr;            // SET_VRING_ADDR
    VhostUserMemoryTable memory;        // SET_MEM_TABLE
    int expectedFds = 0;                // descriptors this request carries
    VhostUserRequest request() const { return VhostUserRequest(header.request); }
    // Ring index of a SET_VRING_KICK/CALL/ERR (valid after parsing).
    int vringFdIndex() const { return int(u64 & vhostuser::kVringIndexMask); }
    bool vringNoFd() const { return u64 & vhostuser::kVringNoFd; }
};

// Parses the 12-byte header. Errors (Protocol): fewer than kHeaderSize bytes, version not 1,
// REPLY set in a request; (LimitExceeded): size above kMaxPayload. Pure.
Result<VhostUserHeader> parseVhostUserHeader(const std::uint8_t *data, std::size_t len);

// Parses a request's payload (exactly header.size bytes at `payload`) given how many
// descriptors arrived with it. Errors name the request: Unsupported (unknown request),
// Protocol (payload size, descriptor count, ring index, flags), InvalidArgument (ring size,
// base, region count or a region whose size is 0 or whose sums overflow). Pure.
Result<VhostUserMessage> parseVhostUserMessage(const VhostUserHeader &header, const std::uint8_t *payload,
                                               std::size_t len, int fdCount);

// Builders. Replies carry version 1 | REPLY. Pure.
QByteArray buildVhostUserReplyU64(std::uint32_t request, std::uint64_t value);
QByteArray buildVhostUserReplyState(std::uint32_t request, const VhostUserVringState &state);
// Requests as a frontend sends them (tests, fuzz seeds): header (version 1, plus NEED_REPLY
// when asked) and payload.
QByteArray buildVhostUserRequest(VhostUserRequest request, const QByteArray &payload, bool needReply = false);
QByteArray vhostUserPayloadU64(std::uint64_t value);
QByteArray vhostUserPayloadState(std::uint32_t index, std::uint32_t num);
QByteArray vhostUserPayloadAddr(const VhostUserVringAddr &addr);
QByteArray vhostUserPayloadMemory(const VhostUserRegion *regions, int count);

}  // namespace netloom::sw
