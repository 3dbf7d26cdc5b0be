// SPDX-License-Identifier: GPL-3.0-or-later
// netloom-helper-probe: a minimal protocol client for tests that must talk to the helper
// as another user (run under setpriv). Reads one JSON request per stdin line, sends each
// as one frame and prints each response as one line on stdout.
//   --fork-vanish  after sending the first request, fork: the process that connected exits
//                  at once (its pid is what the helper pinned), the child keeps the socket
//                  and prints the answer
//   --vanish-delay MS  with --fork-vanish: the connecting process lingers MS ms first
//   --output FILE  write the responses to FILE instead of stdout (for --fork-vanish, whose
//                  answer arrives after the started process has exited)
//   --hold FILE    after the last answer, wait (≤ 20 s) until FILE exists before exiting,
//                  keeping the connection (and so the networks) alive
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

namespace {

bool writeAll(int fd, const char *p, size_t n)
{
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= size_t(w);
    }
    return true;
}

bool readAll(int fd, char *p, size_t n)
{
    while (n > 0) {
        const ssize_t r = ::read(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        p += r;
        n -= size_t(r);
    }
    return true;
}

FILE *g_out = stdout;

bool readResponse(int fd)
{
    unsigned char h[4];
    if (!readAll(fd, reinterpret_cast<char *>(h), 4))
        return false;
    const uint32_t n = uint32_t(h[0]) << 24 | uint32_t(h[1]) << 16 | uint32_t(h[2]) << 8 | h[3];
    if (n > (1u << 20))
        return false;
    std::vector<char> body(n);
    if (!readAll(fd, body.data(), n))
        return false;
    std::fwrite(body.data(), 1, n, g_out);
    std::fputc('\n', g_out);
    std::fflush(g_out);
    return true;
}

}  // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: netloom-helper-probe SOCKET [--fork-vanish] [--hold FILE]\n");
        return 2;
    }
    bool forkVanish = false;
    const char *hold = nullptr;
    long vanishDelayMs = 0;
    for (int i = 2; i < argc; ++i) {
        if (std::strcmp(argv[i], "--fork-vanish") == 0)
            forkVanish = true;
        else if (std::strcmp(argv[i], "--vanish-delay") == 0 && i + 1 < argc)
            vanishDelayMs = std::atol(argv[++i]);
        else if (std::strcmp(argv[i], "--hold") == 0 && i + 1 < argc)
            hold = argv[++i];
        else if (std::strcmp(argv[i], "--output") == 0 && i + 1 < argc) {
            g_out = std::fopen(argv[++i], "we");
            if (!g_out)
                return 2;
        }
    }
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        std::fprintf(stderr, "connect %s: %s\n", argv[1], std::strerror(errno));
        return 3;
    }
    std::string line;
    bool first = true;
    while (std::getline(std::cin, line)) {
        if (line.empty())
            continue;
        const uint32_t n = uint32_t(line.size());
        const unsigned char h[4] = {uint8_t(n >> 24), uint8_t(n >> 16), uint8_t(n >> 8), uint8_t(n)};
        if (!writeAll(fd, reinterpret_cast<const char *>(h), 4) || !writeAll(fd, line.data(), line.size()))
            return 4;
        if (first && forkVanish) {
            const pid_t child = ::fork();
            if (child > 0) {
                ::usleep(useconds_t(vanishDelayMs * 1000));
                ::_exit(0);  // the connecting process is gone; the child holds the socket
            }
        }
        first = false;
        if (!readResponse(fd))
            return 5;
    }
    if (hold) {
        struct stat st {};
        for (int i = 0; i < 2000 && ::stat(hold, &st) != 0; ++i)
            ::usleep(10000);
    }
    return 0;
}
