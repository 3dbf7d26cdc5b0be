// SPDX-License-Identifier: GPL-3.0-or-later
#include "vhostusermessage.h"

#include <cstring>

namespace netloom::sw {

using namespace vhostuser;

namespace {

std::uint32_t rd32(const std::uint8_t *p)
{
    std::uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

std::uint64_t rd64(const std::uint8_t *p)
{
    std::uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

void put32(QByteArray *out, std::uint32_t v) { out->append(reinterpret_cast<const char *>(&v), sizeof v); }
void put64(QByteArray *out, std::uint64_t v) { out->append(reinterpret_cast<const char *>(&v), sizeof v); }

Error bad(ErrorCode code, std::uint32_t request, const QString &reason)
{
    return Error::failed(code, QStringLiteral("parse vhost-user message"), vhostUserRequestName(request), reason);
}

enum class Shape { None, U64, State, Addr, Memory };

// Payload shape of a known request; false for an unknown one.
bool shapeOf(std::uint32_t request, Shape *shape)
{
    switch (VhostUserRequest(request)) {
    case VhostUserRequest::GetFeatures:
    case VhostUserRequest::SetOwner:
    case VhostUserRequest::ResetOwner:
    case VhostUserRequest::GetProtocolFeatures:
    case VhostUserRequest::GetQueueNum:
        *shape = Shape::None;
        return true;
    case VhostUserRequest::SetFeatures:
    case VhostUserRequest::SetProtocolFeatures:
    case VhostUserRequest::SetVringKick:
    case VhostUserRequest::SetVringCall:
    case VhostUserRequest::SetVringErr:
        *shape = Shape::U64;
        return true;
    case VhostUserRequest::SetVringNum:
    case VhostUserRequest::SetVringBase:
    case VhostUserRequest::GetVringBase:
    case VhostUserRequest::SetVringEnable:
        *shape = Shape::State;
        return true;
    case VhostUserRequest::SetVringAddr:
        *shape = Shape::Addr;
        return true;
    case VhostUserRequest::SetMemTable:
        *shape = Shape::Memory;
        return true;
    case VhostUserRequest::SetLogBase:
    case VhostUserRequest::SetLogFd:
        break;  // logging (LOG_SHMFD) is not offered
    }
    return false;
}

constexpr std::size_t kStateSize = 8;
constexpr std::size_t kAddrSize = 40;
constexpr std::size_t kRegionSize = 32;
constexpr std::size_t kMemoryHeadSize = 8;

}  // namespace

QString vhostUserRequestName(std::uint32_t request)
{
    static const char *const names[] = {
        nullptr, "GET_FEATURES", "SET_FEATURES", "SET_OWNER", "RESET_OWNER", "SET_MEM_TABLE", "SET_LOG_BASE",
        "SET_LOG_FD", "SET_VRING_NUM", "SET_VRING_ADDR", "SET_VRING_BASE", "GET_VRING_BASE", "SET_VRING_KICK",
        "SET_VRING_CALL", "SET_VRING_ERR", "GET_PROTOCOL_FEATURES", "SET_PROTOCOL_FEATURES", "GET_QUEUE_NUM",
        "SET_VRING_ENABLE",
    };
    if (request > 0 && request < sizeof names / sizeof names[0])
        return QString::fromLatin1(names[request]);
    return QStringLiteral("request %1").arg(request);
}

Result<VhostUserHeader> parseVhostUserHeader(const std::uint8_t *data, std::size_t len)
{
    if (len < kHeaderSize)
        return Error::failed(ErrorCode::Protocol, QStringLiteral("parse vhost-user header"), QStringLiteral("header"),
                             QStringLiteral("%1 bytes, need %2").arg(len).arg(kHeaderSize));
    VhostUserHeader h;
    h.request = rd32(data);
    h.flags = rd32(data + 4);
    h.size = rd32(data + 8);
    if ((h.flags & kVersionMask) != kVersion)
        return bad(ErrorCode::Protocol, h.request, QStringLiteral("protocol version %1, expected 1").arg(h.flags & kVersionMask));
    if (h.flags & kFlagReply)
        return bad(ErrorCode::Protocol, h.request, QStringLiteral("a request with the REPLY flag set"));
    if (h.size > kMaxPayload)
        return bad(ErrorCode::LimitExceeded, h.request, QStringLiteral("payload of %1 bytes exceeds the limit of %2").arg(h.size).arg(kMaxPayload));
    return h;
}

Result<VhostUserMessage> parseVhostUserMessage(const VhostUserHeader &header, const std::uint8_t *payload,
                                               std::size_t len, int fdCount)
{
    const std::uint32_t req = header.request;
    Shape shape;
    if (!shapeOf(req, &shape))
        return bad(ErrorCode::Unsupported, req, QStringLiteral("request not supported by this backend"));
    if (len != header.size)
        return bad(ErrorCode::Internal, req, QStringLiteral("payload length does not match the header"));
    VhostUserMessage m;
    m.header = header;
    auto sizeIs = [&](std::size_t want) -> bool { return len == want; };
    auto wrongSize = [&](std::size_t want) {
        return bad(ErrorCode::Protocol, req, QStringLiteral("payload of %1 bytes, expected %2").arg(len).arg(want));
    };
    auto ringOk = [](std::uint32_t index) { return index < std::uint32_t(kRingCount); };
    auto badRing = [&](std::uint64_t index) {
        return bad(ErrorCode::Protocol, req, QStringLiteral("ring index %1 (one queue pair: 0 or 1)").arg(index));
    };

    switch (shape) {
    case Shape::None:
        if (!sizeIs(0))
            return wrongSize(0);
        break;
    case Shape::U64:
        if (!sizeIs(8))
            return wrongSize(8);
        m.u64 = rd64(payload);
        break;
    case Shape::State:
        if (!sizeIs(kStateSize))
            return wrongSize(kStateSize);
        m.state.index = rd32(payload);
        m.state.num = rd32(payload + 4);
        if (!ringOk(m.state.index))
            return badRing(m.state.index);
        break;
    case Shape::Addr:
        if (!sizeIs(kAddrSize))
            return wrongSize(kAddrSize);
        m.addr.index = rd32(payload);
        m.addr.flags = rd32(payload + 4);
        m.addr.desc = rd64(payload + 8);
        m.addr.used = rd64(payload + 16);
        m.addr.avail = rd64(payload + 24);
        m.addr.log = rd64(payload + 32);
        if (!ringOk(m.addr.index))
            return badRing(m.addr.index);
        if (m.addr.flags != 0)
            return bad(ErrorCode::Protocol, req, QStringLiteral("vring flags 0x%1 (dirty logging is not offered)").arg(m.addr.flags, 0, 16));
        break;
    case Shape::Memory: {
        if (len < kMemoryHeadSize)
            return wrongSize(kMemoryHeadSize + kRegionSize);
        const std::uint32_t n = rd32(payload);
        if (n < 1 || n > std::uint32_t(kMaxRegions))
            return bad(ErrorCode::InvalidArgument, req, QStringLiteral("%1 regions (1..%2 allowed)").arg(n).arg(kMaxRegions));
        if (!sizeIs(kMemoryHeadSize + n * kRegionSize))
            return wrongSize(kMemoryHeadSize + n * kRegionSize);
        m.memory.count = n;
        for (std::uint32_t i = 0; i < n; ++i) {
            const std::uint8_t *p = payload + kMemoryHeadSize + i * kRegionSize;
            VhostUserRegion &r = m.memory.regions[i];
            r.guestPhys = rd64(p);
            r.size = rd64(p + 8);
            r.userAddr = rd64(p + 16);
            r.mmapOffset = rd64(p + 24);
            if (r.size == 0)
                return bad(ErrorCode::InvalidArgument, req, QStringLiteral("region %1 has size 0").arg(i));
            if (r.guestPhys + r.size < r.guestPhys || r.userAddr + r.size < r.userAddr || r.mmapOffset + r.size < r.mmapOffset)
                return bad(ErrorCode::InvalidArgument, req, QStringLiteral("region %1: address or offset plus size overflows").arg(i));
        }
        break;
    }
    }

    // Request-specific ranges and the descriptor count.
    int fds = 0;
    switch (VhostUserRequest(req)) {
    case VhostUserRequest::SetMemTable:
        fds = int(m.memory.count);
        break;
    case VhostUserRequest::SetVringKick:
    case VhostUserRequest::SetVringCall:
    case VhostUserRequest::SetVringErr:
        if (m.u64 & ~(kVringIndexMask | kVringNoFd))
            return bad(ErrorCode::Protocol, req, QStringLiteral("unknown bits in 0x%1").arg(m.u64, 0, 16));
        if (!ringOk(std::uint32_t(m.u64 & kVringIndexMask)))
            return badRing(m.u64 & kVringIndexMask);
        fds = (m.u64 & kVringNoFd) ? 0 : 1;
        break;
    case VhostUserRequest::SetVringNum:
        if (m.state.num < 1 || m.state.num > kMaxRingSize || (m.state.num & (m.state.num - 1)))
            return bad(ErrorCode::InvalidArgument, req, QStringLiteral("ring size %1 is not a power of two in 1..%2").arg(m.state.num).arg(kMaxRingSize));
        break;
    case VhostUserRequest::SetVringBase:
        if (m.state.num > 0xffff)
            return bad(ErrorCode::InvalidArgument, req, QStringLiteral("base %1 exceeds 65535").arg(m.state.num));
        break;
    case VhostUserRequest::SetVringEnable:
        if (m.state.num > 1)
            return bad(ErrorCode::InvalidArgument, req, QStringLiteral("enable value %1 (0 or 1)").arg(m.state.num));
        break;
    default:
        break;
    }
    m.expectedFds = fds;
    if (fdCount != fds)
        return bad(ErrorCode::Protocol, req, QStringLiteral("%1 descriptors attached, expected %2").arg(fdCount).arg(fds));
    return m;
}

namespace {

QByteArray header(std::uint32_t request, std::uint32_t flags, std::uint32_t size)
{
    QByteArray out;
    out.reserve(int(kHeaderSize + size));
    put32(&out, request);
    put32(&out, flags);
    put32(&out, size);
    return out;
}

}  // namespace

QByteArray buildVhostUserReplyU64(std::uint32_t request, std::uint64_t value)
{
    QByteArray out = header(request, kVersion | kFlagReply, 8);
    put64(&out, value);
    return out;
}

QByteArray buildVhostUserReplyState(std::uint32_t request, const VhostUserVringState &state)
{
    QByteArray out = header(request, kVersion | kFlagReply, kStateSize);
    put32(&out, state.index);
    put32(&out, state.num);
    return out;
}

QByteArray buildVhostUserRequest(VhostUserRequest request, const QByteArray &payload, bool needReply)
{
    QByteArray out = header(std::uint32_t(request), kVersion | (needReply ? kFlagNeedReply : 0), std::uint32_t(payload.size()));
    out += payload;
    return out;
}

QByteArray vhostUserPayloadU64(std::uint64_t value)
{
    QByteArray out;
    put64(&out, value);
    return out;
}

QByteArray vhostUserPayloadState(std::uint32_t index, std::uint32_t num)
{
    QByteArray out;
    put32(&out, index);
    put32(&out, num);
    return out;
}

QByteArray vhostUserPayloadAddr(const VhostUserVringAddr &addr)
{
    QByteArray out;
    put32(&out, addr.index);
    put32(&out, addr.flags);
    put64(&out, addr.desc);
    put64(&out, addr.used);
    put64(&out, addr.avail);
    put64(&out, addr.log);
    return out;
}

QByteArray vhostUserPayloadMemory(const VhostUserRegion *regions, int count)
{
    QByteArray out;
    put32(&out, std::uint32_t(count));
    put32(&out, 0);
    for (int i = 0; i < count; ++i) {
        put64(&out, regions[i].guestPhys);
        put64(&out, regions[i].size);
        put64(&out, regions[i].userAddr);
        put64(&out, regions[i].mmapOffset);
    }
    return out;
}

}  // namespace netloom::sw
