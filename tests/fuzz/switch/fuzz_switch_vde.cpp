// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the two handshakes/framings a local client controls: the vde_switch version 3
// control request, and QEMU's length-prefixed stream framing (fed through a real socketpair
// into StreamTransport::receive). Byte 0 selects the target.
#include "switch/streamtransport.h"
#include "switch/vdeprotocol.h"

#include <cstdlib>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace netloom::sw;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    const std::uint8_t which = data[0];
    ++data;
    --size;
    if (which & 1) {
        std::vector<std::uint8_t> copy(data, data + size);
        const auto r = parseVdeRequest(copy.data(), copy.size(), 1024);
        if (r) {
            if (r->clientPath.isEmpty() || r->clientPath[0] != '/' || r->clientPath.size() > 107 || r->requestedPort > 1024)
                std::abort();
            if (r->description.size() > 128)
                std::abort();
        }
        return 0;
    }
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return 0;
    int big = 1 << 20;
    ::setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    ::fcntl(sv[0], F_SETFL, O_NONBLOCK);
    StreamTransport t(sv[0], QStringLiteral("fuzz"));
    (void)!::write(sv[1], data, size);
    ::close(sv[1]);
    std::vector<std::vector<std::uint8_t>> bufs(8, std::vector<std::uint8_t>(2048));
    std::uint8_t *ptrs[8];
    for (int i = 0; i < 8; ++i)
        ptrs[i] = bufs[std::size_t(i)].data();
    std::size_t lens[8];
    for (int round = 0; round < 1000; ++round) {
        const int n = t.receive(ptrs, 2048, lens, 8);
        if (n < 0)
            break;
        for (int i = 0; i < n; ++i)
            if (lens[i] == 0 || lens[i] > 2048)
                std::abort();
    }
    return 0;
}
