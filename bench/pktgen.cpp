// pktgen: a small-frame generator and counter for the switch bench (bench/run-bench.sh).
//
//   pktgen --tx URL --rx URL [--sink URL]... [--seconds S] [--size N] [--broadcast]
//
// Opens every URL with libvdeplug (vde://DIR, tap://NAME, ...). The rx endpoint first
// announces its MAC so learning switches know where it is; then the tx endpoint sends
// N-byte frames as fast as the transport accepts them for S seconds, while a thread counts
// the frames arriving at rx and another drains the sinks (extra ports, for flooding). Prints
// one JSON line: sent, received (at rx), sink_received (at all sinks), seconds, tx_pps, rx_pps,
// loss (at rx).
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
#include <fcntl.h>
#include <poll.h>
#include <string>
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

}  // namespace

int main(int argc, char **argv)
{
    std::string tx, rx;
    std::vector<std::string> sinks;
    double seconds = 3;
    std::size_t size = 60;
    bool broadcast = false;
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
        else {
            std::fprintf(stderr, "usage: pktgen --tx URL --rx URL [--sink URL]... [--seconds S] [--size N] [--broadcast]\n");
            return 2;
        }
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

    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> received{0}, sinkReceived{0};
    // Receivers drain without blocking until EAGAIN, and poll only when idle.
    ::fcntl(vde_datafd(rxc), F_SETFL, ::fcntl(vde_datafd(rxc), F_GETFL) | O_NONBLOCK);
    for (VDECONN *c : sinkc)
        ::fcntl(vde_datafd(c), F_SETFL, ::fcntl(vde_datafd(c), F_GETFL) | O_NONBLOCK);
    std::thread rxThread([&] {
        unsigned char buf[VDE_ETHBUFSIZE];
        pollfd p{vde_datafd(rxc), POLLIN, 0};
        while (!stop.load(std::memory_order_relaxed)) {
            if (::poll(&p, 1, 50) <= 0)
                continue;
            ssize_t n;
            while ((n = vde_recv(rxc, buf, sizeof buf, 0)) > 0)
                if (n >= 18 && std::memcmp(buf + 6, kMacA, 6) == 0 && std::memcmp(buf + 14, kMagic, 4) == 0)
                    received.fetch_add(1, std::memory_order_relaxed);
        }
    });
    std::thread sinkThread([&] {
        if (sinkc.empty())
            return;
        std::vector<pollfd> fds;
        for (VDECONN *c : sinkc)
            fds.push_back({vde_datafd(c), POLLIN, 0});
        unsigned char buf[VDE_ETHBUFSIZE];
        while (!stop.load(std::memory_order_relaxed)) {
            if (::poll(fds.data(), fds.size(), 50) <= 0)
                continue;
            for (std::size_t i = 0; i < fds.size(); ++i)
                if (fds[i].revents & POLLIN)
                    for (ssize_t n; (n = vde_recv(sinkc[i], buf, sizeof buf, 0)) > 0;)
                        if (n >= 18 && std::memcmp(buf + 6, kMacA, 6) == 0 && std::memcmp(buf + 14, kMagic, 4) == 0)
                            sinkReceived.fetch_add(1, std::memory_order_relaxed);
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
    const auto t0 = std::chrono::steady_clock::now();
    const auto end = t0 + std::chrono::duration<double>(seconds);
    frame(f.data(), size, broadcast ? bc : kMacB, kMacA, 0);
    while (true) {
        for (int k = 0; k < 256; ++k) {
            std::uint32_t seq = std::uint32_t(sent);
            std::memcpy(f.data() + 18, &seq, 4);
            if (vde_send(txc, f.data(), size, 0) == ssize_t(size))
                ++sent;
        }
        if (std::chrono::steady_clock::now() >= end)
            break;
    }
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // stragglers
    stop = true;
    rxThread.join();
    sinkThread.join();
    const std::uint64_t got = received.load() - before, sinkGot = sinkReceived.load() - sinkBefore;
    std::printf("{\"sent\":%llu,\"received\":%llu,\"sink_received\":%llu,\"seconds\":%.3f,\"tx_pps\":%.0f,\"rx_pps\":%.0f,"
                "\"loss\":%.4f}\n",
                (unsigned long long)sent, (unsigned long long)got, (unsigned long long)sinkGot, elapsed, double(sent) / elapsed,
                double(got) / elapsed, sent ? 1.0 - double(got) / double(sent) : 0.0);
    vde_close(txc);
    vde_close(rxc);
    for (VDECONN *c : sinkc)
        vde_close(c);
    return 0;
}
