// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the vhost-user control path (issue #12): the message parser and the session's state
// machine, fed through a real socketpair so the reader (partial messages, SCM_RIGHTS) runs
// too. Input: chunks of [u8 attach][u16 length, little-endian][length bytes]; `attach` bits
// 0..1 give how many descriptors go with the chunk (0..3), bit 2 picks a 64 KiB memfd (guest
// memory) instead of an eventfd (kick/call). The session must never crash, and after a
// protocol error it is dropped, as the switch would.
#include "switch/vhostusermessage.h"
#include "switch/vhostusersession.h"

#include <cstdlib>
#include <cstring>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

using namespace netloom::sw;

namespace {

int memFd()
{
    static const int fd = [] {
        const int f = ::memfd_create("fuzz-ram", MFD_CLOEXEC);
        if (f >= 0 && ::ftruncate(f, 65536) != 0)
            return -1;
        return f;
    }();
    return fd;
}

int eventFd()
{
    static const int fd = ::eventfd(0, EFD_CLOEXEC);
    return fd;
}

bool sendChunk(int sock, const std::uint8_t *data, std::size_t len, int nfds, bool mem)
{
    iovec iov{const_cast<std::uint8_t *>(data), len};
    msghdr mh{};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 3)] = {};
    if (nfds > 0) {
        int fds[3];
        for (int i = 0; i < nfds; ++i)
            fds[i] = mem ? memFd() : eventFd();
        mh.msg_control = control;
        mh.msg_controllen = CMSG_SPACE(sizeof(int) * std::size_t(nfds));
        cmsghdr *c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * std::size_t(nfds));
        std::memcpy(CMSG_DATA(c), fds, sizeof(int) * std::size_t(nfds));
    }
    return ::sendmsg(sock, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) == ssize_t(len);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size > 65536 || memFd() < 0 || eventFd() < 0)
        return 0;
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return 0;
    int big = 1 << 20;
    ::setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    {
        VhostUserSession session(sv[0], QStringLiteral("fuzz"));
        std::uint16_t next = 0;
        session.setStopRing([&](int) { return next++; });
        session.setRingChanged([&](int i) {
            const VhostUserRing &r = session.ring(i);
            // A started ring has everything the data plane needs, inside the memory table.
            if (r.started && (!r.desc || !r.avail || !r.used || !r.enabled || r.num == 0 || r.num > vhostuser::kMaxRingSize))
                std::abort();
            if (r.desc) {
                // Touch both ends of each area: ASan/SEGV would catch a bad translation.
                volatile std::uint8_t sink = r.desc[0];
                sink = r.desc[16 * r.num - 1];
                sink = r.avail[2 * r.num + 5];
                sink = r.used[8 * r.num + 5];
                (void)sink;
            }
        });
        std::size_t pos = 0;
        while (pos + 3 <= size) {
            const std::uint8_t attach = data[pos];
            std::size_t len = std::size_t(data[pos + 1]) | std::size_t(data[pos + 2]) << 8;
            pos += 3;
            if (len > size - pos)
                len = size - pos;
            if (len == 0)
                continue;
            if (!sendChunk(sv[1], data + pos, len, attach & 3, attach & 4))
                break;
            pos += len;
            if (!session.process(256))
                break;  // the switch drops the session
            // Drain replies so the socket never fills.
            std::uint8_t sink[4096];
            while (::recv(sv[1], sink, sizeof sink, MSG_DONTWAIT) > 0) {
            }
            if (session.memory().count() > vhostuser::kMaxRegions)
                std::abort();
        }
    }
    ::close(sv[1]);
    return 0;
}
