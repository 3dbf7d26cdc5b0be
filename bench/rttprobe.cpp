// SPDX-License-Identifier: GPL-3.0-or-later
// rttprobe: paired round-trip latency for the switch bench (bench/run-bench.sh).
//
//   rttprobe --target NAME=IPV4 [--target NAME=IPV4]... [--count N] [--interval-ms MS]
//
// Sends ICMP echo requests to every target in turn, one request outstanding at a time, N
// rounds, MS milliseconds between requests; the order of the targets rotates every round, so
// no path always goes first after the pause. All paths are therefore measured under the same
// machine conditions at the same time (a busy 2-core VM moves single-path averages by tens of
// percent between runs). The RTT is the kernel's receive timestamp of the reply
// (SO_TIMESTAMPNS) minus the time taken just before sendto(): the probe's own wake-up is not
// counted. Needs a raw ICMP socket (root, CAP_NET_RAW). Prints one JSON line per target:
// {"name":..,"sent":..,"received":..,"min_ms":..,"p50_ms":..,"p90_ms":..,"p99_ms":..,"mean_ms":..}
// Standalone (no Qt); built by run-bench.sh with: c++ -O2 rttprobe.cpp
#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace {

struct Target {
    std::string name;
    sockaddr_in addr{};
    std::vector<double> rttMs;
    int sent = 0;
};

std::int64_t realNs()
{
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

std::uint16_t checksum(const std::uint8_t *p, std::size_t n)
{
    std::uint32_t s = 0;
    for (std::size_t i = 0; i + 1 < n; i += 2)
        s += std::uint32_t(p[i] << 8 | p[i + 1]);
    if (n & 1)
        s += std::uint32_t(p[n - 1] << 8);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return std::uint16_t(~s);
}

double quantile(const std::vector<double> &sorted, double q)
{
    if (sorted.empty())
        return 0;
    const std::size_t i = std::min(sorted.size() - 1, std::size_t(q * double(sorted.size())));
    return sorted[i];
}

[[noreturn]] void usage(const char *why)
{
    std::fprintf(stderr, "rttprobe: %s\nusage: rttprobe --target NAME=IPV4 [...] [--count 1..100000] [--interval-ms 0..1000]\n", why);
    std::exit(2);
}

}  // namespace

int main(int argc, char **argv)
{
    std::vector<Target> targets;
    int count = 200, intervalMs = 10;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 >= argc)
            usage("an option needs a value");
        const std::string v = argv[++i];
        if (a == "--target") {
            const auto eq = v.find('=');
            Target t;
            t.addr.sin_family = AF_INET;
            if (eq == std::string::npos || eq == 0 || ::inet_pton(AF_INET, v.c_str() + eq + 1, &t.addr.sin_addr) != 1)
                usage(("bad target '" + v + "' (want NAME=IPV4)").c_str());
            t.name = v.substr(0, eq);
            targets.push_back(t);
        } else if (a == "--count") {
            count = std::atoi(v.c_str());
        } else if (a == "--interval-ms") {
            intervalMs = std::atoi(v.c_str());
        } else {
            usage(("unknown option " + a).c_str());
        }
    }
    if (targets.empty() || targets.size() > 16 || count < 1 || count > 100000 || intervalMs < 0 || intervalMs > 1000)
        usage("need 1..16 targets, --count 1..100000, --interval-ms 0..1000");

    const int fd = ::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
    if (fd < 0) {
        std::fprintf(stderr, "rttprobe: raw ICMP socket: %s (needs root)\n", std::strerror(errno));
        return 1;
    }
    const int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
    const std::uint16_t ident = std::uint16_t(::getpid());

    for (int round = 0; round < count; ++round) {
        for (std::size_t k = 0; k < targets.size(); ++k) {
            Target &t = targets[(k + std::size_t(round)) % targets.size()];
            const std::uint16_t seq = std::uint16_t(round);
            std::uint8_t req[64] = {};
            req[0] = ICMP_ECHO;
            req[4] = std::uint8_t(ident >> 8);
            req[5] = std::uint8_t(ident);
            req[6] = std::uint8_t(seq >> 8);
            req[7] = std::uint8_t(seq);
            const std::uint16_t c = checksum(req, sizeof req);
            req[2] = std::uint8_t(c >> 8);
            req[3] = std::uint8_t(c);
            if (intervalMs > 0)
                ::usleep(useconds_t(intervalMs) * 1000);
            const std::int64_t sentNs = realNs();
            if (::sendto(fd, req, sizeof req, 0, reinterpret_cast<const sockaddr *>(&t.addr), sizeof t.addr) != sizeof req) {
                std::fprintf(stderr, "rttprobe: send to %s: %s\n", t.name.c_str(), std::strerror(errno));
                return 1;
            }
            ++t.sent;
            const std::int64_t deadline = sentNs + 1000000000;  // 1 s, then the request counts as lost
            while (true) {
                const std::int64_t left = deadline - realNs();
                pollfd p{fd, POLLIN, 0};
                if (left <= 0 || ::poll(&p, 1, int(left / 1000000) + 1) <= 0)
                    break;
                std::uint8_t buf[1500];
                char cbuf[256];
                iovec iov{buf, sizeof buf};
                msghdr m{};
                m.msg_iov = &iov;
                m.msg_iovlen = 1;
                m.msg_control = cbuf;
                m.msg_controllen = sizeof cbuf;
                const ssize_t n = ::recvmsg(fd, &m, MSG_DONTWAIT);
                if (n < 20)
                    continue;
                const std::size_t ihl = std::size_t(buf[0] & 0x0f) * 4;
                if (ihl < 20 || std::size_t(n) < ihl + 8)
                    continue;
                const std::uint8_t *icmp = buf + ihl;
                if (icmp[0] != ICMP_ECHOREPLY || (icmp[4] << 8 | icmp[5]) != ident || (icmp[6] << 8 | icmp[7]) != seq
                    || std::memcmp(buf + 12, &t.addr.sin_addr, 4) != 0)
                    continue;  // someone else's reply, or a late one
                std::int64_t recvNs = realNs();
                for (cmsghdr *cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm))
                    if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
                        timespec ts{};
                        std::memcpy(&ts, CMSG_DATA(cm), sizeof ts);
                        recvNs = std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
                    }
                t.rttMs.push_back(double(recvNs - sentNs) / 1e6);
                break;
            }
        }
    }
    ::close(fd);
    for (Target &t : targets) {
        std::sort(t.rttMs.begin(), t.rttMs.end());
        double sum = 0;
        for (double v : t.rttMs)
            sum += v;
        std::printf("{\"name\":\"%s\",\"sent\":%d,\"received\":%zu,\"min_ms\":%.4f,\"p50_ms\":%.4f,\"p90_ms\":%.4f,"
                    "\"p99_ms\":%.4f,\"mean_ms\":%.4f}\n",
                    t.name.c_str(), t.sent, t.rttMs.size(), t.rttMs.empty() ? 0.0 : t.rttMs.front(), quantile(t.rttMs, 0.5),
                    quantile(t.rttMs, 0.9), quantile(t.rttMs, 0.99), t.rttMs.empty() ? 0.0 : sum / double(t.rttMs.size()));
    }
    return 0;
}
