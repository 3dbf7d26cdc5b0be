// SPDX-License-Identifier: GPL-3.0-or-later
// pktgen: a small-frame generator and counter for the switch bench (bench/run-bench.sh).
//
//   pktgen --tx URL --rx URL [--sink URL]... [--seconds S] [--size N] [--broadcast]
//   pktgen --tx URL --dhcp-acks N
//
// Opens every URL with libvdeplug (vde://DIR, tap://NAME, ...). The rx endpoint first
// announces its MAC so learning switches know where it is; then the tx endpoint sends
// N-byte frames as fast as the transport accepts them for S seconds, while a thread counts
// the frames arriving at rx and another drains the sinks (extra ports, for flooding). Where
// the URL's data descriptor is a connected datagram socket (vde://: the VDE data socket),
// frames are sent and received in batches of 64 with sendmmsg/recvmmsg — the same datagrams
// on the same socket as vde_send/vde_recv, at a fraction of the generator's CPU, so that the
// switch rather than the generator is the bound on a small machine. Prints
// one JSON line: batched, sent, received (at rx), sink_received (at all sinks), seconds, tx_pps,
// rx_pps, loss (at rx), and the CPU time the sending and the receiving thread spent per frame
// (what the endpoints cost the machine besides the switch).
// With --dhcp-acks, it instead sends N DHCP ACK frames 20 ms apart and prints one JSON line
// per frame: {"xid":..,"sent_ns":..} (CLOCK_MONOTONIC), for the address-event latency figure.
// Standalone (no Qt); built by run-bench.sh with: c++ -O2 pktgen.cpp -lvdeplug -pthread
extern "C" {
#include <libvdeplug.h>
}

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <poll.h>
#include <string>
#include <sys/resource.h>
#include <sys/socket.h>
#include <thread>
#include <vector>

namespace {

const unsigned char kMacA[6] = {0x52, 0x54, 0x00, 0xbe, 0x00, 0x0a};
const unsigned char kMacB[6] = {0x52, 0x54, 0x00, 0xbe, 0x00, 0x0b};
const unsigned char kMagic[4] = {'n', 'l', 'p', 'g'};

VDECONN *openUrl(const std::string &url)
{
    std::vector<char> u(url.begin(), url.end());
    u.push_back('\0');
    char descr[] = "netloom pktgen";
    VDECONN *c = vde_open(u.data(), descr, nullptr);
    if (!c) {
        std::fprintf(stderr, "pktgen: failed to open '%s': %s\n", url.c_str(), std::strerror(errno));
        std::exit(1);
    }
    return c;
}

bool isConnectedDgram(int fd)
{
    int type = 0;
    socklen_t len = sizeof type;
    sockaddr_storage peer{};
    socklen_t plen = sizeof peer;
    return ::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_DGRAM
        && ::getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &plen) == 0;
}

// Drains `c` without blocking; counts frames from kMacA carrying the magic.
std::uint64_t drain(VDECONN *c, bool batched)
{
    constexpr int kBatch = 64;
    static thread_local unsigned char bufs[kBatch][VDE_ETHBUFSIZE];
    std::uint64_t got = 0;
    auto count = [&](const unsigned char *b, ssize_t n) {
        if (n >= 22 && std::memcmp(b + 6, kMacA, 6) == 0 && std::memcmp(b + 14, kMagic, 4) == 0)
            ++got;
    };
    if (!batched) {
        for (ssize_t n; (n = vde_recv(c, bufs[0], sizeof bufs[0], 0)) > 0;)
            count(bufs[0], n);
        return got;
    }
    mmsghdr msgs[kBatch];
    iovec iov[kBatch];
    while (true) {
        for (int i = 0; i < kBatch; ++i) {
            iov[i] = {bufs[i], sizeof bufs[i]};
            msgs[i] = {};
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        const int n = ::recvmmsg(vde_datafd(c), msgs, kBatch, MSG_DONTWAIT, nullptr);
        if (n <= 0)
            return got;
        for (int i = 0; i < n; ++i)
            count(bufs[i], ssize_t(msgs[i].msg_len));
    }
}

void frame(unsigned char *f, std::size_t size, const unsigned char *dst, const unsigned char *src, std::uint32_t seq)
{
    std::memset(f, 0, size);
    std::memcpy(f, dst, 6);
    std::memcpy(f + 6, src, 6);
    f[12] = 0x88;
    f[13] = 0xb5;  // IEEE local experimental EtherType
    std::memcpy(f + 14, kMagic, 4);
    std::memcpy(f + 18, &seq, 4);
}

// CPU time (user + system) of the calling thread, in microseconds.
double threadCpuUs()
{
    rusage ru{};
    ::getrusage(RUSAGE_THREAD, &ru);
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

std::int64_t monoNs()
{
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// Sends n DHCP ACKs (server 10.99.0.1 -> broadcast) for clients 52:54:00:be:01:xx.
int sendDhcpAcks(VDECONN *c, int n)
{
    for (int i = 0; i < n; ++i) {
        unsigned char f[342] = {};
        std::memset(f, 0xff, 6);
        std::memcpy(f + 6, kMacA, 6);
        f[12] = 0x08;
        unsigned char *ip = f + 14;
        const int udpLen = 8 + 240 + 3 + 1;
        const int ipLen = 20 + udpLen;
        ip[0] = 0x45;
        ip[2] = std::uint8_t(ipLen >> 8);
        ip[3] = std::uint8_t(ipLen);
        ip[8] = 64;
        ip[9] = 17;
        ip[12] = 10; ip[13] = 99; ip[14] = 0; ip[15] = 1;
        std::memset(ip + 16, 0xff, 4);
        unsigned char *udp = ip + 20;
        udp[1] = 67;
        udp[3] = 68;
        udp[4] = std::uint8_t(udpLen >> 8);
        udp[5] = std::uint8_t(udpLen);
        unsigned char *b = udp + 8;
        b[0] = 2; b[1] = 1; b[2] = 6;
        const std::uint32_t xid = 0x10000 + std::uint32_t(i);
        b[4] = std::uint8_t(xid >> 24); b[5] = std::uint8_t(xid >> 16); b[6] = std::uint8_t(xid >> 8); b[7] = std::uint8_t(xid);
        b[16] = 10; b[17] = 99; b[18] = 1; b[19] = std::uint8_t(i);           // yiaddr
        const unsigned char ch[6] = {0x52, 0x54, 0x00, 0xbe, 0x01, std::uint8_t(i)};
        std::memcpy(b + 28, ch, 6);                                            // chaddr
        b[236] = 0x63; b[237] = 0x82; b[238] = 0x53; b[239] = 0x63;
        b[240] = 53; b[241] = 1; b[242] = 5; b[243] = 255;
        const std::int64_t t = monoNs();
        vde_send(c, f, sizeof f, 0);
        std::printf("{\"xid\":%u,\"sent_ns\":%lld}\n", xid, (long long)t);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return 0;
}

}  // namespace

int main(int argc, char **argv)
{
    std::string tx, rx;
    std::vector<std::string> sinks;
    double seconds = 3;
    std::size_t size = 60;
    bool broadcast = false;
    int dhcpAcks = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "pktgen: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--tx") tx = next();
        else if (a == "--rx") rx = next();
        else if (a == "--sink") sinks.push_back(next());
        else if (a == "--seconds") seconds = std::atof(next().c_str());
        else if (a == "--size") size = std::size_t(std::atoi(next().c_str()));
        else if (a == "--broadcast") broadcast = true;
        else if (a == "--dhcp-acks") dhcpAcks = std::atoi(next().c_str());
        else {
            std::fprintf(stderr, "usage: pktgen --tx URL --rx URL [--sink URL]... [--seconds S] [--size N] [--broadcast]\n");
            return 2;
        }
    }
    if (dhcpAcks > 0 && dhcpAcks <= 250 && !tx.empty()) {
        VDECONN *c = openUrl(tx);
        sendDhcpAcks(c, dhcpAcks);
        vde_close(c);
        return 0;
    }
    if (tx.empty() || rx.empty() || size < 60 || size > 1514 || seconds <= 0 || seconds > 60) {
        std::fprintf(stderr, "pktgen: need --tx and --rx, --size 60..1514, --seconds 0..60\n");
        return 2;
    }
    VDECONN *txc = openUrl(tx);
    VDECONN *rxc = openUrl(rx);
    std::vector<VDECONN *> sinkc;
    for (const std::string &s : sinks)
        sinkc.push_back(openUrl(s));

    const bool txBatched = isConnectedDgram(vde_datafd(txc));
    const bool rxBatched = isConnectedDgram(vde_datafd(rxc));
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> received{0}, sinkReceived{0};
    std::atomic<double> rxCpuUs{0};
    // Receivers drain without blocking until EAGAIN, and poll only when idle.
    ::fcntl(vde_datafd(rxc), F_SETFL, ::fcntl(vde_datafd(rxc), F_GETFL) | O_NONBLOCK);
    for (VDECONN *c : sinkc)
        ::fcntl(vde_datafd(c), F_SETFL, ::fcntl(vde_datafd(c), F_GETFL) | O_NONBLOCK);
    std::thread rxThread([&] {
        pollfd p{vde_datafd(rxc), POLLIN, 0};
        while (!stop.load(std::memory_order_relaxed)) {
            if (::poll(&p, 1, 50) <= 0)
                continue;
            received.fetch_add(drain(rxc, rxBatched), std::memory_order_relaxed);
        }
        rxCpuUs = threadCpuUs();
    });
    std::thread sinkThread([&] {
        if (sinkc.empty())
            return;
        std::vector<pollfd> fds;
        for (VDECONN *c : sinkc)
            fds.push_back({vde_datafd(c), POLLIN, 0});
        while (!stop.load(std::memory_order_relaxed)) {
            if (::poll(fds.data(), fds.size(), 50) <= 0)
                continue;
            for (std::size_t i = 0; i < fds.size(); ++i)
                if (fds[i].revents & POLLIN)
                    sinkReceived.fetch_add(drain(sinkc[i], isConnectedDgram(fds[i].fd)), std::memory_order_relaxed);
        }
    });

    // Let the switches learn where A and B are.
    std::vector<unsigned char> f(size);
    const unsigned char bc[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    for (int i = 0; i < 3; ++i) {
        frame(f.data(), size, bc, kMacB, 0);
        f[14] = 'h';  // not counted
        vde_send(rxc, f.data(), size, 0);
        frame(f.data(), size, bc, kMacA, 0);
        f[14] = 'h';
        vde_send(txc, f.data(), size, 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const std::uint64_t before = received.load(), sinkBefore = sinkReceived.load();

    std::uint64_t sent = 0;
    const double txCpu0 = threadCpuUs();
    const auto t0 = std::chrono::steady_clock::now();
    const auto end = t0 + std::chrono::duration<double>(seconds);
    frame(f.data(), size, broadcast ? bc : kMacB, kMacA, 0);
    // Batched sending: 64 frames per sendmmsg on the (blocking) data socket; each frame
    // carries its own sequence number like the unbatched path.
    constexpr int kBatch = 64;
    std::vector<std::vector<unsigned char>> batch(kBatch, f);
    mmsghdr msgs[kBatch];
    iovec iov[kBatch];
    while (true) {
        if (txBatched) {
            for (int r = 0; r < 4; ++r) {
                for (int i = 0; i < kBatch; ++i) {
                    const std::uint32_t seq = std::uint32_t(sent) + std::uint32_t(i);
                    std::memcpy(batch[std::size_t(i)].data() + 18, &seq, 4);
                    iov[i] = {batch[std::size_t(i)].data(), size};
                    msgs[i] = {};
                    msgs[i].msg_hdr.msg_iov = &iov[i];
                    msgs[i].msg_hdr.msg_iovlen = 1;
                }
                const int n = ::sendmmsg(vde_datafd(txc), msgs, kBatch, 0);
                if (n > 0)
                    sent += std::uint64_t(n);
            }
        } else {
            for (int k = 0; k < 256; ++k) {
                std::uint32_t seq = std::uint32_t(sent);
                std::memcpy(f.data() + 18, &seq, 4);
                if (vde_send(txc, f.data(), size, 0) == ssize_t(size))
                    ++sent;
            }
        }
        if (std::chrono::steady_clock::now() >= end)
            break;
    }
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double txCpuUs = threadCpuUs() - txCpu0;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // stragglers
    stop = true;
    rxThread.join();
    sinkThread.join();
    const std::uint64_t got = received.load() - before, sinkGot = sinkReceived.load() - sinkBefore;
    std::printf("{\"batched\":%s,\"sent\":%llu,\"received\":%llu,\"sink_received\":%llu,\"seconds\":%.3f,\"tx_pps\":%.0f,\"rx_pps\":%.0f,"
                "\"loss\":%.4f,\"tx_cpu_us_per_frame\":%.3f,\"rx_cpu_us_per_frame\":%.3f}\n",
                txBatched ? "true" : "false", (unsigned long long)sent, (unsigned long long)got, (unsigned long long)sinkGot, elapsed, double(sent) / elapsed,
                double(got) / elapsed, sent ? 1.0 - double(got) / double(sent) : 0.0, sent ? txCpuUs / double(sent) : 0.0,
                got ? rxCpuUs.load() / double(got) : 0.0);
    vde_close(txc);
    vde_close(rxc);
    for (VDECONN *c : sinkc)
        vde_close(c);
    return 0;
}
