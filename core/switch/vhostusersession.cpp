// SPDX-License-Identifier: GPL-3.0-or-later
#include "vhostusersession.h"

#include "base/fdpassing.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace netloom::sw {

using namespace vhostuser;

namespace {

QString errnoText(int e) { return QString::fromLocal8Bit(std::strerror(e)); }

void closeFd(int *fd)
{
    if (*fd >= 0)
        ::close(*fd);
    *fd = -1;
}

// Requests that carry a reply of their own (NEED_REPLY adds no ack to them).
bool hasOwnReply(std::uint32_t request)
{
    switch (VhostUserRequest(request)) {
    case VhostUserRequest::GetFeatures:
    case VhostUserRequest::GetProtocolFeatures:
    case VhostUserRequest::GetQueueNum:
    case VhostUserRequest::GetVringBase:
        return true;
    default:
        return false;
    }
}

}  // namespace

VhostUserSession::VhostUserSession(int fd, QString name) : m_fd(fd), m_name(std::move(name))
{
    m_fds.fill(-1);
    if (m_fd >= 0) {
        const int fl = ::fcntl(m_fd, F_GETFL);
        if (fl >= 0)
            ::fcntl(m_fd, F_SETFL, fl | O_NONBLOCK);
    }
}

VhostUserSession::~VhostUserSession()
{
    for (int i = 0; i < kRingCount; ++i) {
        VhostUserRing &r = m_rings[std::size_t(i)];
        closeFd(&r.kickFd);
        closeFd(&r.callFd);
        closeFd(&r.errFd);
    }
    m_memory.clear();
    unmapAll(m_maps.data(), m_mapCount);
    for (int i = 0; i < m_fdCount; ++i)
        closeFd(&m_fds[std::size_t(i)]);
    if (m_fd >= 0)
        ::close(m_fd);
}

void VhostUserSession::unmapAll(Mapping *maps, int count)
{
    for (int i = 0; i < count; ++i) {
        if (maps[i].addr)
            ::munmap(maps[i].addr, maps[i].len);
        maps[i] = {};
    }
}

Status VhostUserSession::fail(std::uint32_t request, ErrorCode code, const QString &reason)
{
    return Error::failed(code, QStringLiteral("handle vhost-user %1 from").arg(vhostUserRequestName(request)), m_name, reason);
}

Status VhostUserSession::process(int maxMessages)
{
    for (int i = 0; i < maxMessages; ++i) {
        bool got = false;
        Status s = readOne(&got);
        if (!s)
            return s;
        if (!got)
            break;
    }
    return ok();
}

Status VhostUserSession::readOne(bool *gotOne)
{
    *gotOne = false;
    auto dropFds = [this] {
        for (int i = 0; i < m_fdCount; ++i)
            closeFd(&m_fds[std::size_t(i)]);
        m_fdCount = 0;
    };
    while (true) {
        const bool inHead = m_headGot < kHeaderSize;
        if (!inHead && m_payloadGot == m_header.size)
            break;  // complete (also a header with size 0)
        std::uint8_t *buf = inHead ? m_head.data() + m_headGot : m_payload.data() + m_payloadGot;
        const std::size_t want = inHead ? kHeaderSize - m_headGot : m_header.size - m_payloadGot;
        const FdRead r = recvSomeWithFds(m_fd, buf, want, m_fds.data() + m_fdCount, kMaxFds - m_fdCount, MSG_DONTWAIT);
        m_fdCount += r.fdCount;
        const long n = r.bytes;
        if (n < 0) {
            if (r.error == EAGAIN || r.error == EWOULDBLOCK)
                return ok();
            dropFds();
            return Error::failed(ErrorCode::Io, QStringLiteral("read vhost-user message from"), m_name, errnoText(r.error));
        }
        const bool tooMany = r.fdsDropped;
        const std::uint32_t req = inHead ? 0 : m_header.request;
        if (r.truncated) {
            dropFds();
            return fail(req, ErrorCode::Protocol, QStringLiteral("truncated control data (more than %1 descriptors)").arg(kMaxFds));
        }
        if (tooMany) {
            dropFds();
            return fail(req, ErrorCode::LimitExceeded, QStringLiteral("more than %1 descriptors with one message").arg(kMaxFds));
        }
        if (n == 0) {
            dropFds();
            return Error::failed(ErrorCode::Io, QStringLiteral("read vhost-user message from"), m_name,
                                 (m_headGot || m_payloadGot) ? QStringLiteral("the frontend closed the connection inside a message")
                                                             : QStringLiteral("the frontend closed the connection"));
        }
        if (inHead) {
            m_headGot += std::size_t(n);
            if (m_headGot == kHeaderSize) {
                Result<VhostUserHeader> h = parseVhostUserHeader(m_head.data(), kHeaderSize);
                if (!h) {
                    dropFds();
                    return Error{h.error().code, h.error().message + QStringLiteral(" (from '%1')").arg(m_name)};
                }
                m_header = *h;
                m_payloadGot = 0;
            }
        } else {
            m_payloadGot += std::size_t(n);
        }
    }

    // One whole message: parse it with its descriptors, reset the reader, handle it.
    int fds[kMaxFds];
    const int fdCount = m_fdCount;
    for (int i = 0; i < fdCount; ++i) {
        fds[i] = m_fds[std::size_t(i)];
        m_fds[std::size_t(i)] = -1;
    }
    m_fdCount = 0;
    m_headGot = 0;
    m_payloadGot = 0;
    *gotOne = true;
    Result<VhostUserMessage> msg = parseVhostUserMessage(m_header, m_payload.data(), m_header.size, fdCount);
    if (!msg) {
        for (int i = 0; i < fdCount; ++i)
            closeFd(&fds[i]);
        return Error{msg.error().code, msg.error().message + QStringLiteral(" (from '%1')").arg(m_name)};
    }
    return handle(*msg, fds, fdCount);
}

Status VhostUserSession::reply(const QByteArray &bytes, std::uint32_t request)
{
    ssize_t n;
    do
        n = ::send(m_fd, bytes.constData(), std::size_t(bytes.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    if (n != bytes.size())
        return fail(request, ErrorCode::Io,
                    n < 0 ? QStringLiteral("sending the reply: %1").arg(errnoText(errno)) : QStringLiteral("the reply did not fit the socket buffer"));
    return ok();
}

Status VhostUserSession::handle(const VhostUserMessage &msg, int *fds, int fdCount)
{
    ++m_messages;
    const std::uint32_t req = msg.header.request;
    Status s = ok();
    if (fdCount != msg.expectedFds) {
        s = fail(req, ErrorCode::Protocol, QStringLiteral("%1 descriptors attached, expected %2").arg(fdCount).arg(msg.expectedFds));
    } else {
        // Each case takes the descriptors it keeps (setting them to -1); the rest are closed below.
        switch (msg.request()) {
        case VhostUserRequest::GetFeatures:
            s = reply(buildVhostUserReplyU64(req, m_offered), req);
            break;
        case VhostUserRequest::SetFeatures:
            if (msg.u64 & ~m_offered) {
                s = fail(req, ErrorCode::Protocol, QStringLiteral("features 0x%1 were not offered").arg(msg.u64 & ~m_offered, 0, 16));
                break;
            }
            m_features = msg.u64;
            m_featuresSet = true;
            for (int i = 0; i < kRingCount; ++i) {
                refreshRing(i);
                changed(i);
            }
            break;
        case VhostUserRequest::GetProtocolFeatures:
            s = reply(buildVhostUserReplyU64(req, kOfferedProtocolFeatures), req);
            break;
        case VhostUserRequest::SetProtocolFeatures:
            if (msg.u64 & ~kOfferedProtocolFeatures) {
                s = fail(req, ErrorCode::Protocol, QStringLiteral("protocol features 0x%1 were not offered").arg(msg.u64 & ~kOfferedProtocolFeatures, 0, 16));
                break;
            }
            m_protocolFeatures = msg.u64;
            break;
        case VhostUserRequest::GetQueueNum:
            s = reply(buildVhostUserReplyU64(req, kQueuePairs), req);
            break;
        case VhostUserRequest::SetOwner:
            m_owner = true;
            break;
        case VhostUserRequest::ResetOwner:
            for (int i = 0; i < kRingCount; ++i) {
                stopRing(i);
                resetRing(i);
            }
            m_features = 0;
            m_featuresSet = false;
            m_owner = false;
            for (int i = 0; i < kRingCount; ++i) {
                refreshRing(i);
                changed(i);
            }
            m_memory.clear();
            unmapAll(m_maps.data(), m_mapCount);
            m_mapCount = 0;
            break;
        case VhostUserRequest::SetMemTable:
            s = setMemTable(msg, fds);
            break;
        case VhostUserRequest::SetVringNum: {
            const int i = int(msg.state.index);
            m_rings[std::size_t(i)].num = msg.state.num;
            if (!refreshRing(i))
                s = fail(req, ErrorCode::Protocol, QStringLiteral("ring %1 of size %2 does not fit the memory table").arg(i).arg(msg.state.num));
            changed(i);
            break;
        }
        case VhostUserRequest::SetVringBase: {
            const int i = int(msg.state.index);
            m_rings[std::size_t(i)].base = std::uint16_t(msg.state.num);
            changed(i);
            break;
        }
        case VhostUserRequest::SetVringAddr: {
            const int i = int(msg.addr.index);
            VhostUserRing &r = m_rings[std::size_t(i)];
            r.addr = msg.addr;
            r.haveAddr = true;
            if (!refreshRing(i))
                s = fail(req, ErrorCode::Protocol,
                         QStringLiteral("ring %1's addresses (desc 0x%2, avail 0x%3, used 0x%4, size %5) are outside the memory table or misaligned")
                             .arg(i).arg(msg.addr.desc, 0, 16).arg(msg.addr.avail, 0, 16).arg(msg.addr.used, 0, 16).arg(r.num));
            changed(i);
            break;
        }
        case VhostUserRequest::SetVringKick:
        case VhostUserRequest::SetVringCall:
        case VhostUserRequest::SetVringErr: {
            const int i = msg.vringFdIndex();
            VhostUserRing &r = m_rings[std::size_t(i)];
            int *slot = msg.request() == VhostUserRequest::SetVringKick ? &r.kickFd
                : msg.request() == VhostUserRequest::SetVringCall      ? &r.callFd
                                                                        : &r.errFd;
            closeFd(slot);
            if (!msg.vringNoFd()) {
                *slot = fds[0];
                fds[0] = -1;
            }
            if (msg.request() == VhostUserRequest::SetVringKick)
                r.kickSet = true;
            refreshRing(i);
            changed(i);
            break;
        }
        case VhostUserRequest::SetVringEnable: {
            const int i = int(msg.state.index);
            m_rings[std::size_t(i)].enableFlag = msg.state.num == 1;
            refreshRing(i);
            changed(i);
            break;
        }
        case VhostUserRequest::GetVringBase: {
            const int i = int(msg.state.index);
            stopRing(i);
            VhostUserRing &r = m_rings[std::size_t(i)];
            closeFd(&r.kickFd);
            r.kickSet = false;
            refreshRing(i);
            changed(i);
            s = reply(buildVhostUserReplyState(req, VhostUserVringState{std::uint32_t(i), r.base}), req);
            break;
        }
        case VhostUserRequest::SetLogBase:
        case VhostUserRequest::SetLogFd:
            s = fail(req, ErrorCode::Unsupported, QStringLiteral("dirty logging is not offered"));
            break;
        }
    }
    for (int i = 0; i < fdCount; ++i)
        closeFd(&fds[i]);

    const bool ackWanted = msg.header.needReply() && (m_protocolFeatures & kProtocolFReplyAck) && !hasOwnReply(req);
    if (ackWanted) {
        // A failed request is acked with a nonzero value (best effort) before the session ends.
        Status r = reply(buildVhostUserReplyU64(req, s ? 0 : 1), req);
        if (s && !r)
            return r;
    }
    return s;
}

Status VhostUserSession::setMemTable(const VhostUserMessage &msg, int *fds)
{
    const std::uint32_t req = msg.header.request;
    const int n = int(msg.memory.count);
    std::array<Mapping, kMaxRegions> maps{};
    std::array<MemRegion, kMaxRegions> regions{};
    auto undo = [&](const QString &reason) {
        unmapAll(maps.data(), n);
        return fail(req, ErrorCode::Protocol, reason);
    };
    for (int i = 0; i < n; ++i) {
        const VhostUserRegion &r = msg.memory.regions[std::size_t(i)];
        struct stat st {};
        if (::fstat(fds[i], &st) != 0)
            return undo(QStringLiteral("region %1: fstat: %2").arg(i).arg(errnoText(errno)));
        if (!S_ISREG(st.st_mode))
            return undo(QStringLiteral("region %1: the descriptor is not a memory file (memfd or hugetlbfs)").arg(i));
        // The parser checked mmapOffset + size for overflow.
        const std::uint64_t end = r.mmapOffset + r.size;
        if (st.st_size < 0 || end > std::uint64_t(st.st_size))
            return undo(QStringLiteral("region %1: offset %2 + size %3 is beyond the file's %4 bytes").arg(i).arg(r.mmapOffset).arg(r.size).arg(st.st_size));
        void *p = ::mmap(nullptr, std::size_t(end), PROT_READ | PROT_WRITE, MAP_SHARED, fds[i], 0);
        if (p == MAP_FAILED)
            return undo(QStringLiteral("region %1: mmap of %2 bytes: %3").arg(i).arg(end).arg(errnoText(errno)));
        maps[std::size_t(i)] = {p, std::size_t(end)};
        regions[std::size_t(i)] = {r.guestPhys, r.size, r.userAddr, static_cast<std::uint8_t *>(p) + r.mmapOffset};
    }
    GuestMemory mem;
    if (!mem.set(regions.data(), n))
        return undo(QStringLiteral("regions overlap in guest-physical space"));
    for (int i = 0; i < kRingCount; ++i) {
        const VhostUserRing &r = m_rings[std::size_t(i)];
        std::uint8_t *d, *a, *u;
        if (r.haveAddr && r.num && !translateRing(r, mem, &d, &a, &u))
            return undo(QStringLiteral("ring %1's addresses are outside the new memory table").arg(i));
    }
    // Commit: the new table and rings first, then the data plane hears of it, then the old
    // mappings go.
    std::array<Mapping, kMaxRegions> old = m_maps;
    const int oldCount = m_mapCount;
    m_memory = mem;
    m_maps = maps;
    m_mapCount = n;
    for (int i = 0; i < kRingCount; ++i) {
        refreshRing(i);
        changed(i);
    }
    unmapAll(old.data(), oldCount);
    return ok();
}

bool VhostUserSession::translateRing(const VhostUserRing &r, const GuestMemory &mem, std::uint8_t **desc,
                                     std::uint8_t **avail, std::uint8_t **used) const
{
    const std::uint64_t num = r.num;
    *desc = mem.uva(r.addr.desc, 16 * num);
    *avail = mem.uva(r.addr.avail, 6 + 2 * num);
    *used = mem.uva(r.addr.used, 6 + 8 * num);
    if (!*desc || !*avail || !*used)
        return false;
    return (reinterpret_cast<std::uintptr_t>(*desc) % 16) == 0 && (reinterpret_cast<std::uintptr_t>(*avail) % 2) == 0
        && (reinterpret_cast<std::uintptr_t>(*used) % 4) == 0;
}

bool VhostUserSession::refreshRing(int i)
{
    VhostUserRing &r = m_rings[std::size_t(i)];
    bool fits = true;
    r.desc = r.avail = r.used = nullptr;
    if (r.haveAddr && r.num && m_memory.count() > 0) {
        std::uint8_t *d, *a, *u;
        if (translateRing(r, m_memory, &d, &a, &u)) {
            r.desc = d;
            r.avail = a;
            r.used = u;
        } else {
            fits = false;
        }
    }
    r.enabled = (m_features & kUserFProtocolFeatures) ? r.enableFlag : true;
    r.started = r.kickSet && r.desc && r.enabled;
    return fits;
}

void VhostUserSession::changed(int i)
{
    ++m_rings[std::size_t(i)].changes;
    if (m_ringChanged)
        m_ringChanged(i);
}

void VhostUserSession::stopRing(int i)
{
    VhostUserRing &r = m_rings[std::size_t(i)];
    if (r.started && m_stopRing)
        r.base = m_stopRing(i);
}

void VhostUserSession::resetRing(int i)
{
    VhostUserRing &r = m_rings[std::size_t(i)];
    closeFd(&r.kickFd);
    closeFd(&r.callFd);
    closeFd(&r.errFd);
    const std::uint64_t changes = r.changes;
    r = VhostUserRing{};
    r.changes = changes;
}

}  // namespace netloom::sw
