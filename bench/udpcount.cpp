// SPDX-License-Identifier: GPL-3.0-or-later
// bench/udpcount: counts what an impaired link does to a paced stream of numbered UDP
// datagrams (bench/netem-bench.sh; never part of the product).
//
//   udpcount recv PORT COUNT SECONDS   receives until COUNT arrived or SECONDS passed without
//                                      traffic; prints JSON: received, lost, loss (%), bursts
//                                      (runs of consecutive lost numbers), meanBurst, dups,
//                                      reordered, corrupt (payload check failed)
//   udpcount send HOST PORT COUNT PPS  sends COUNT datagrams numbered 0..COUNT-1 at PPS
//
// Each datagram is 64 bytes: an 8-byte sequence number and a payload derived from it, so a
// flipped bit is seen (the UDP checksum would usually drop it first: corruption that the
// kernel drops counts as loss, as it does for netem).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

constexpr int kBytes = 64;

std::int64_t nowNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void fill(std::uint8_t *b, std::uint64_t seq)
{
    std::memcpy(b, &seq, 8);
    for (int i = 8; i < kBytes; ++i)
        b[i] = std::uint8_t(seq * 31 + std::uint64_t(i) * 7);
}

int usage()
{
    std::fprintf(stderr, "usage: udpcount recv PORT COUNT SECONDS | udpcount send HOST PORT COUNT PPS\n");
    return 2;
}

int recvMain(int port, long count, double seconds)
{
    const int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int big = 8 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(std::uint16_t(port));
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
        std::perror("bind");
        return 1;
    }
    timeval tv{0, 200000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::vector<std::uint8_t> seen(std::size_t(count), 0);
    long received = 0, dups = 0, reordered = 0, corrupt = 0, outOfRange = 0;
    std::int64_t highest = -1;
    std::int64_t last = nowNs();
    bool started = false;
    std::uint8_t buf[2048], want[kBytes];
    while (received < count) {
        const ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR) {
                std::perror("recv");
                return 1;
            }
            // Before the first datagram wait up to 30 s; after it, `seconds` of silence ends.
            if ((started && nowNs() - last > std::int64_t(seconds * 1e9)) || nowNs() - last > std::int64_t(30e9))
                break;
            continue;
        }
        started = true;
        last = nowNs();
        if (n != kBytes) {
            ++corrupt;
            continue;
        }
        std::uint64_t seq = 0;
        std::memcpy(&seq, buf, 8);
        fill(want, seq);
        if (seq >= std::uint64_t(count) || std::memcmp(buf, want, kBytes) != 0) {
            if (seq >= std::uint64_t(count))
                ++outOfRange;
            ++corrupt;
            continue;
        }
        if (seen[seq]) {
            ++dups;
            continue;
        }
        seen[seq] = 1;
        ++received;
        if (std::int64_t(seq) < highest)
            ++reordered;
        else
            highest = std::int64_t(seq);
    }
    long bursts = 0, lostInBursts = 0;
    for (long i = 0; i < count;) {
        if (seen[std::size_t(i)]) {
            ++i;
            continue;
        }
        long j = i;
        while (j < count && !seen[std::size_t(j)])
            ++j;
        // A run at the very end may be datagrams that never left; count it all the same.
        ++bursts;
        lostInBursts += j - i;
        i = j;
    }
    const long lost = count - received;
    std::printf("{\"count\": %ld, \"received\": %ld, \"lost\": %ld, \"loss\": %.4f, \"bursts\": %ld, \"meanBurst\": %.3f, "
                "\"dups\": %ld, \"reordered\": %ld, \"corrupt\": %ld, \"outOfRange\": %ld}\n",
                count, received, lost, 100.0 * double(lost) / double(count), bursts,
                bursts ? double(lostInBursts) / double(bursts) : 0.0, dups, reordered, corrupt, outOfRange);
    return 0;
}

int sendMain(const char *host, int port, long count, double pps)
{
    const int fd = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(std::uint16_t(port));
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
        return usage();
    std::uint8_t buf[kBytes];
    const std::int64_t start = nowNs();
    const double gapNs = 1e9 / pps;
    for (long i = 0; i < count; ++i) {
        const std::int64_t due = start + std::int64_t(double(i) * gapNs);
        while (nowNs() < due) {
            const std::int64_t left = due - nowNs();
            if (left > 200000) {
                timespec ts{0, long(left - 100000)};
                nanosleep(&ts, nullptr);
            }
        }
        fill(buf, std::uint64_t(i));
        while (sendto(fd, buf, kBytes, 0, reinterpret_cast<sockaddr *>(&a), sizeof a) < 0) {
            if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR) {
                std::perror("sendto");
                return 1;
            }
        }
    }
    return 0;
}

}  // namespace

int main(int argc, char **argv)
{
    if (argc == 5 && std::strcmp(argv[1], "recv") == 0)
        return recvMain(std::atoi(argv[2]), std::atol(argv[3]), std::atof(argv[4]));
    if (argc == 6 && std::strcmp(argv[1], "send") == 0)
        return sendMain(argv[2], std::atoi(argv[3]), std::atol(argv[4]), std::atof(argv[5]));
    return usage();
}
