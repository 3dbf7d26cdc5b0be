// SPDX-License-Identifier: GPL-3.0-or-later
// vhostpace: a paced frame source and counter on two DPDK virtio-user frontends, for the
// vhost-user section of bench/run-bench.sh ("loss at a fixed offered rate").
//
//   vhostpace EAL-ARGS -- [--pps R] [--seconds S] [--warmup W] [--size N] [--batch B] [--ring N] [--cpu-of PID]
//
// dpdk-testpmd (DPDK 22.11) has no rate pacing for virtio ports (its txonly mode sends as
// fast as the ring takes frames, and `set port ... rate` needs hardware), so this program
// offers a fixed rate itself. EAL-ARGS must create exactly two ports, normally
// `--vdev net_virtio_user0,path=A,... --vdev net_virtio_user1,path=B,...` against a
// vhost-user backend (a netloom switch or testpmd's net_vhost). Design:
// - one lcore (the main one) does everything: a TSC-paced sender on port 0 and a busy-polling
//   receiver on port 1 (and a drain of port 0) in the same loop, so the program needs one core;
// - pacing: frame k is due at t0 + k/R; whenever at least B frames are due (B=1: one frame
//   per due time; the default 8 means a burst of 8 every 8 us at 1 Mpps), the due ones leave
//   in bursts of at most 32. A frame the frontend's TX ring refuses (the backend has not
//   drained it) is counted as offered and not sent, i.e. lost. One exception: when this
//   program itself was descheduled and finds more than a TX ring's worth of frames due (N
//   frames: N/1000 ms at 1 Mpps), the excess is skipped — no backend could have taken it in one
//   go — and reported as `skipped`, outside `offered`;
// - frames: N bytes (no FCS) from port 0's MAC to port 1's, EtherType 0x88b5, a magic and the
//   frame's index k; port 1 first sends a few frames to port 0 so a learning switch knows
//   where port 1 is;
// - the first W seconds (default 0.5) are a warm-up at the same rate, not counted (a backend
//   touching the frontend's buffers for the first time pays page faults: DPDK's vhost and
//   netloom both refuse frames for the first ~10-30 ms); only frames due after it count,
//   received ones recognised by their index. Refusals of the warm-up are reported apart;
// - after W + S seconds the sender stops and the receiver drains for 0.5 s more;
// - with --cpu-of PID, the user+system CPU of process PID (the backend) is read from
//   /proc/PID/stat when the counted interval starts and when it ends: the backend's CPU at the
//   paced rate, without this program's start-up, warm-up and drain.
// - --ring N: the RX and TX ring sizes asked of each port (default 1024). A virtio-user port's
//   rings have the size of its `queue_size` devarg (default 256) whatever is asked here, and
//   the ethdev API still reports N, so the caller must pass the same N as queue_size=N.
// Bounds: R 1..20e6, S 0.1..60, W 0..10, N 60..1514, B 1..32, ring 64..4096 (power of two).
// Prints one JSON line about the counted interval: offered, skipped, sent (accepted by the TX
// ring), ring_full, received, seconds, offered_pps, rx_pps, loss (1 - received/offered),
// late_max_us (how far the sender ever fell behind its clock: large values mean the pacer,
// not the backend, was starved), backend_cpu (cores, with --cpu-of; -1 if unreadable),
// warmup_refused (refused or skipped during the warm-up), backend_wait_ms (with --cpu-of: how
// long the backend's threads were runnable but waiting for their CPU during the counted
// interval, from /proc/PID/task/*/schedstat — time other tasks took from it), backend_slices
// (how many times those threads were put on a CPU in that interval: wake-ups after a sleep and
// returns after a preemption; -1 without --cpu-of), tx_ring and
// rx_ring (the sizes asked for, as the ethdev API reports them), and refusal_bursts: up to 16
// [first ms, last ms, frames] clusters of refused frames (ms since the counted interval
// began; refusals less than 5 ms apart are one cluster) — where the backend stalled.
// Standalone; built by run-bench.sh with:
//   c++ -O2 $(pkg-config --cflags libdpdk) vhostpace.cpp $(pkg-config --libs libdpdk)
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <dirent.h>
#include <unistd.h>

namespace {

constexpr std::uint16_t kTxPort = 0;
constexpr std::uint16_t kRxPort = 1;
constexpr int kBurst = 32;
const unsigned char kMagic[4] = {'n', 'l', 'v', 'p'};

[[noreturn]] void die(const char *what, int rc)
{
    std::fprintf(stderr, "vhostpace: failed to %s: %s\n", what, rte_strerror(rc < 0 ? -rc : rc));
    std::exit(1);
}

// Configures and starts `port` with one queue pair; returns its TX ring size.
std::uint16_t setupPort(std::uint16_t port, rte_mempool *pool, std::uint16_t ring)
{
    rte_eth_conf conf{};
    int rc = rte_eth_dev_configure(port, 1, 1, &conf);
    if (rc != 0)
        die("configure a port", rc);
    std::uint16_t rxd = ring, txd = ring;
    rte_eth_dev_adjust_nb_rx_tx_desc(port, &rxd, &txd);
    const int socket = rte_eth_dev_socket_id(port);
    const unsigned sock = socket < 0 ? 0u : unsigned(socket);
    if ((rc = rte_eth_rx_queue_setup(port, 0, rxd, sock, nullptr, pool)) != 0)
        die("set up an RX queue", rc);
    if ((rc = rte_eth_tx_queue_setup(port, 0, txd, sock, nullptr)) != 0)
        die("set up a TX queue", rc);
    if ((rc = rte_eth_dev_start(port)) != 0)
        die("start a port", rc);
    return txd;
}

// Fills n mbufs with size-byte frames dst <- src carrying the magic and seq, seq+1, ...
bool fill(rte_mempool *pool, rte_mbuf **m, int n, std::size_t size, const rte_ether_addr &dst,
          const rte_ether_addr &src, std::uint64_t seq)
{
    if (rte_pktmbuf_alloc_bulk(pool, m, unsigned(n)) != 0)
        return false;
    for (int i = 0; i < n; ++i) {
        char *p = rte_pktmbuf_append(m[i], std::uint16_t(size));
        if (!p) {  // cannot happen with the default buffer size and size <= 1514
            rte_pktmbuf_free_bulk(m, unsigned(n));
            return false;
        }
        std::memset(p, 0, size);
        std::memcpy(p, dst.addr_bytes, 6);
        std::memcpy(p + 6, src.addr_bytes, 6);
        p[12] = char(0x88);
        p[13] = char(0xb5);
        std::memcpy(p + 14, kMagic, 4);
        const std::uint64_t s = seq + std::uint64_t(i);
        std::memcpy(p + 18, &s, 8);
    }
    return true;
}

// User+system CPU seconds of process pid (fields 14 and 15 of /proc/PID/stat), -1 if unreadable.
double cpuSeconds(long pid)
{
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (pid <= 0 || !std::getline(f, line))
        return -1;
    const std::size_t close = line.rfind(')');  // the command name may contain spaces
    if (close == std::string::npos)
        return -1;
    std::istringstream in(line.substr(close + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && in >> field; ++i) {  // field 3 is the state
        if (i == 14)
            utime = std::stoull(field);
        else if (i == 15)
            stime = std::stoull(field);
    }
    return double(utime + stime) / double(::sysconf(_SC_CLK_TCK));
}

// Seconds the threads of process pid spent runnable but waiting for a CPU (the second field
// of /proc/PID/task/TID/schedstat, summed over its threads): time other tasks on its CPU took
// from it. Time the hypervisor takes from the vCPU is not in it. -1 if unreadable. With
// `slices`, also the number of times they were put on a CPU (the third field: one per
// wake-up or preemption), summed.
double runQueueWaitSeconds(long pid, unsigned long long *slices = nullptr)
{
    if (slices)
        *slices = 0;
    if (pid <= 0)
        return -1;
    const std::string dir = "/proc/" + std::to_string(pid) + "/task";
    DIR *d = ::opendir(dir.c_str());
    if (!d)
        return -1;
    unsigned long long waitNs = 0;
    bool any = false;
    while (const dirent *e = ::readdir(d)) {
        if (e->d_name[0] == '.')
            continue;
        std::ifstream f(dir + "/" + e->d_name + "/schedstat");
        unsigned long long run = 0, wait = 0, count = 0;
        if (f >> run >> wait >> count) {
            waitNs += wait;
            if (slices)
                *slices += count;
            any = true;
        }
    }
    ::closedir(d);
    return any ? double(waitNs) * 1e-9 : -1;
}

// Receives everything waiting on `port`; returns how many frames carried the magic and an
// index of at least `from`.
std::uint64_t drain(std::uint16_t port, std::uint64_t from = 0)
{
    rte_mbuf *m[kBurst];
    std::uint64_t got = 0;
    std::uint16_t n;
    while ((n = rte_eth_rx_burst(port, 0, m, kBurst)) > 0) {
        for (std::uint16_t i = 0; i < n; ++i) {
            const char *p = rte_pktmbuf_mtod(m[i], const char *);
            std::uint64_t seq = 0;
            if (rte_pktmbuf_data_len(m[i]) >= 26 && std::memcmp(p + 14, kMagic, 4) == 0) {
                std::memcpy(&seq, p + 18, 8);
                if (seq >= from)
                    ++got;
            }
            rte_pktmbuf_free(m[i]);
        }
    }
    return got;
}

}  // namespace

int main(int argc, char **argv)
{
    const int eal = rte_eal_init(argc, argv);
    if (eal < 0)
        die("initialise the EAL", rte_errno);
    argc -= eal;
    argv += eal;
    double pps = 1e6, seconds = 4, warmup = 0.5;
    std::size_t size = 60;
    int batch = 8;
    int ring = 1024;
    long cpuOf = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 >= argc) {
            std::fprintf(stderr, "usage: vhostpace EAL-ARGS -- [--pps R] [--seconds S] [--warmup W] [--size N] [--batch B] [--ring N] [--cpu-of PID]\n");
            return 2;
        }
        const char *v = argv[++i];
        if (a == "--pps") pps = std::atof(v);
        else if (a == "--seconds") seconds = std::atof(v);
        else if (a == "--warmup") warmup = std::atof(v);
        else if (a == "--size") size = std::size_t(std::atoi(v));
        else if (a == "--batch") batch = std::atoi(v);
        else if (a == "--ring") ring = std::atoi(v);
        else if (a == "--cpu-of") cpuOf = std::atol(v);
        else {
            std::fprintf(stderr, "vhostpace: unknown option %s\n", a.c_str());
            return 2;
        }
    }
    if (!(pps >= 1 && pps <= 20e6) || !(seconds >= 0.1 && seconds <= 60) || !(warmup >= 0 && warmup <= 10) || size < 60
        || size > 1514 || batch < 1 || batch > kBurst || ring < 64 || ring > 4096 || (ring & (ring - 1)) != 0) {
        std::fprintf(stderr, "vhostpace: need --pps 1..20e6, --seconds 0.1..60, --warmup 0..10, --size 60..1514, --batch 1..32, --ring 64..4096 (a power of two)\n");
        return 2;
    }
    if (rte_eth_dev_count_avail() != 2) {
        std::fprintf(stderr, "vhostpace: need exactly two ports (two --vdev net_virtio_user...), got %u\n",
                     unsigned(rte_eth_dev_count_avail()));
        return 2;
    }
    rte_mempool *pool = rte_pktmbuf_pool_create("vhostpace", unsigned(4 * ring - 1), 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, int(rte_socket_id()));
    if (!pool)
        die("create the mbuf pool", rte_errno);
    const std::uint64_t txRing = setupPort(kTxPort, pool, std::uint16_t(ring));
    const std::uint64_t rxRing = setupPort(kRxPort, pool, std::uint16_t(ring));
    rte_ether_addr mac0{}, mac1{};
    rte_eth_macaddr_get(kTxPort, &mac0);
    rte_eth_macaddr_get(kRxPort, &mac1);

    const std::uint64_t hz = rte_get_tsc_hz();
    // Wait for both links (the backend must have set up the rings), at most 5 s.
    for (std::uint64_t until = rte_rdtsc() + 5 * hz;;) {
        rte_eth_link l0{}, l1{};
        rte_eth_link_get_nowait(kTxPort, &l0);
        rte_eth_link_get_nowait(kRxPort, &l1);
        if (l0.link_status && l1.link_status)
            break;
        if (rte_rdtsc() > until) {
            std::fprintf(stderr, "vhostpace: the links did not come up (is the backend serving both sockets?)\n");
            return 1;
        }
        rte_delay_ms(10);
    }
    // Let a learning switch see port 1 (and port 0): a few frames each way, not counted.
    for (int k = 0; k < 3; ++k) {
        rte_mbuf *m[1];
        if (fill(pool, m, 1, size, mac0, mac1, 0)) {
            rte_pktmbuf_mtod(m[0], char *)[14] = 'h';
            if (rte_eth_tx_burst(kRxPort, 0, m, 1) != 1)
                rte_pktmbuf_free(m[0]);
        }
        if (fill(pool, m, 1, size, mac1, mac0, 0)) {
            rte_pktmbuf_mtod(m[0], char *)[14] = 'h';
            if (rte_eth_tx_burst(kTxPort, 0, m, 1) != 1)
                rte_pktmbuf_free(m[0]);
        }
        for (std::uint64_t until = rte_rdtsc() + hz / 20; rte_rdtsc() < until;) {
            drain(kTxPort);
            drain(kRxPort);
        }
    }

    // Frame k is due at t0 + k / R; frames 0 .. warmN-1 are the warm-up.
    const std::uint64_t warmN = std::uint64_t(pps * warmup);
    const std::uint64_t total = warmN + std::uint64_t(pps * seconds);
    const double framesPerCycle = pps / double(hz);
    // How many of the frames [a, b) are counted (not warm-up).
    auto counted = [warmN](std::uint64_t a, std::uint64_t b) { return b <= warmN ? 0 : b - std::max(a, warmN); };
    // next: frames whose due time has been dealt with (offered or skipped).
    std::uint64_t next = 0, offered = 0, skipped = 0, sent = 0, ringFull = 0, received = 0, lateMax = 0, warmRefused = 0;
    // Clusters of refused frames: [first ms, last ms, frames].
    constexpr int kMaxBursts = 16;
    std::uint64_t bursts[kMaxBursts][3] = {};
    int nBursts = 0;
    const std::uint64_t t0 = rte_rdtsc();
    const std::uint64_t tCount = t0 + std::uint64_t(double(warmN) / framesPerCycle);
    double cpu0 = warmN == 0 ? cpuSeconds(cpuOf) : -1;
    unsigned long long slices0 = 0, slices1 = 0;
    double wait0 = warmN == 0 ? runQueueWaitSeconds(cpuOf, &slices0) : -1;
    bool counting = warmN == 0;
    std::uint64_t now = t0;
    while (next < total) {
        now = rte_rdtsc();
        if (!counting && now >= tCount) {
            counting = true;
            cpu0 = cpuSeconds(cpuOf);
            wait0 = runQueueWaitSeconds(cpuOf, &slices0);
        }
        const std::uint64_t due = std::min(total, std::uint64_t(double(now - t0) * framesPerCycle));
        if (due >= next + std::uint64_t(batch) || due == total) {
            if (counting) {  // how late the oldest due frame is
                const std::uint64_t dueAt = t0 + std::uint64_t(double(next) / framesPerCycle);
                lateMax = std::max(lateMax, now > dueAt ? now - dueAt : 0);
            }
            std::uint64_t refusedNow = 0;
            // Back from being descheduled with more than a TX ring's worth due: no backend
            // could take those at once, so the excess is skipped (not offered), not lost.
            if (due - next > txRing) {
                skipped += counted(next, due - txRing);
                warmRefused += (due - txRing - next) - counted(next, due - txRing);
                next = due - txRing;
            }
            while (next < due) {
                const int n = int(std::min<std::uint64_t>(kBurst, due - next));
                const std::uint64_t first = next;
                next += std::uint64_t(n);
                offered += counted(first, next);
                rte_mbuf *m[kBurst];
                std::uint16_t ok = 0;
                if (fill(pool, m, n, size, mac1, mac0, first)) {
                    ok = rte_eth_tx_burst(kTxPort, 0, m, std::uint16_t(n));
                    for (int i = ok; i < n; ++i)
                        rte_pktmbuf_free(m[i]);
                }  // else the pool is empty (frames stuck in the rings): all n refused
                sent += counted(first, first + ok);
                ringFull += counted(first + ok, next);
                refusedNow += counted(first + ok, next);
                warmRefused += (next - first - ok) - counted(first + ok, next);
            }
            if (refusedNow > 0) {
                const std::uint64_t ms = now > tCount ? (now - tCount) * 1000 / hz : 0;
                if (nBursts > 0 && ms <= bursts[nBursts - 1][1] + 5) {
                    bursts[nBursts - 1][1] = ms;
                    bursts[nBursts - 1][2] += refusedNow;
                } else if (nBursts < kMaxBursts) {
                    bursts[nBursts][0] = bursts[nBursts][1] = ms;
                    bursts[nBursts++][2] = refusedNow;
                }
            }
        }
        received += drain(kRxPort, warmN);
        drain(kTxPort);
    }
    const double elapsed = double(rte_rdtsc() - tCount) / double(hz);
    const double cpu1 = cpuSeconds(cpuOf);
    const double wait1 = runQueueWaitSeconds(cpuOf, &slices1);
    const double backendWaitMs = wait0 >= 0 && wait1 >= 0 ? (wait1 - wait0) * 1e3 : -1;
    const double backendCpu = cpu0 >= 0 && cpu1 >= 0 ? (cpu1 - cpu0) / elapsed : -1;
    for (std::uint64_t until = rte_rdtsc() + hz / 2; rte_rdtsc() < until;) {
        received += drain(kRxPort, warmN);
        drain(kTxPort);
    }
    std::string burstJson;
    for (int i = 0; i < nBursts; ++i)
        burstJson += (i ? ",[" : "[") + std::to_string(bursts[i][0]) + "," + std::to_string(bursts[i][1]) + ","
                     + std::to_string(bursts[i][2]) + "]";
    std::printf("{\"offered\":%llu,\"skipped\":%llu,\"sent\":%llu,\"ring_full\":%llu,\"received\":%llu,\"seconds\":%.3f,"
                "\"offered_pps\":%.0f,\"rx_pps\":%.0f,\"loss\":%.6f,\"late_max_us\":%.1f,\"backend_cpu\":%.3f,"
                "\"warmup_refused\":%llu,\"backend_wait_ms\":%.2f,\"backend_slices\":%lld,\"tx_ring\":%llu,\"rx_ring\":%llu,\"refusal_bursts\":[%s]}\n",
                (unsigned long long)offered, (unsigned long long)skipped, (unsigned long long)sent,
                (unsigned long long)ringFull, (unsigned long long)received, elapsed, double(offered) / elapsed,
                double(received) / elapsed, offered ? 1.0 - double(received) / double(offered) : 0.0,
                double(lateMax) * 1e6 / double(hz), backendCpu, (unsigned long long)warmRefused, backendWaitMs,
                wait0 >= 0 && wait1 >= 0 ? (long long)(slices1 - slices0) : -1LL, (unsigned long long)txRing, (unsigned long long)rxRing,
                burstJson.c_str());
    std::fflush(stdout);
    rte_eth_dev_stop(kTxPort);
    rte_eth_dev_stop(kRxPort);
    rte_eth_dev_close(kTxPort);
    rte_eth_dev_close(kRxPort);
    rte_eal_cleanup();
    return 0;
}
