// SPDX-License-Identifier: GPL-3.0-or-later
// virtq-bench: the cost of the vhost-user walker per 64-byte frame, without guests (issue #12).
//
//   c++ -O2 -std=c++20 -Icore -Itests/switch -o /tmp/virtq-bench bench/virtq-bench.cpp
//       core/switch/virtqueue.cpp core/switch/virtionet.cpp      (one command line)
//   /tmp/virtq-bench [--frames N] [--size BYTES]
//
// A fake guest (tests/switch/fakevring.h) has a TX ring and an RX ring of 256 entries; the
// "driver" side is a few stores per batch straight into the rings. Two figures, in bursts of
// 32 frames with one flushUsed()+needNotify() per burst (EVENT_IDX, MRG_RXBUF, VERSION_1):
//   tx:  pop + guestToFrame (copy into a switch buffer) + push
//   fwd: pop + guestToFrame + frameToGuest into the RX ring (pop, copy, push) + push
//   g2g: pop + frameIovecs + frameToGuest + push (guest to guest with one copy)
// Prints one JSON line with ns per frame for each. Not a test (not in CTest).
#include "fakevring.h"
#include "switch/virtionet.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

using namespace netloom::sw;
using netloom::test::FakeGuest;
using netloom::test::FakeRing;

namespace {

constexpr std::uint32_t kNum = 256;
constexpr int kBurst = 32;

struct Driver {
    std::uint16_t *availIdx;
    std::uint16_t *availRing;
    std::uint16_t next = 0;
    Driver(FakeGuest &g, const VirtqueueConfig &c)
        : availIdx(static_cast<std::uint16_t *>(static_cast<void *>(c.avail + 2))),
          availRing(static_cast<std::uint16_t *>(static_cast<void *>(c.avail + 4)))
    {
        (void)g;
    }
    // Re-posts the next n descriptors (head i uses descriptor i, set up once).
    void post(int n)
    {
        for (int i = 0; i < n; ++i, ++next)
            availRing[next % kNum] = std::uint16_t(next % kNum);
        __atomic_store_n(availIdx, next, __ATOMIC_RELEASE);
    }
};

enum class Mode { Tx, Fwd, G2g };

double run(Mode mode, long frames, std::size_t size)
{
    const std::uint64_t feats = vfeat::kVersion1 | vfeat::kNetMrgRxbuf | vfeat::kEventIdx | vfeat::kIndirectDesc;
    FakeGuest g;
    FakeRing txr(g, kNum, 0x0000), rxr(g, kNum, 0x4000);
    Virtqueue tx, rx;
    if (!tx.setup(txr.config(feats)) || !rx.setup(rxr.config(feats)))
        std::abort();
    // TX buffers: header + frame in one descriptor, 128 bytes apart in region B; RX buffers:
    // 256 bytes each in region C (one small frame per chain).
    for (std::uint32_t i = 0; i < kNum; ++i) {
        txr.setDesc(i, FakeGuest::kB + 128ull * i, std::uint32_t(12 + size), 0);
        rxr.setDesc(i, FakeGuest::kC + 256ull * i, 256, 2);
        std::uint8_t *f = g.at(FakeGuest::kB + 128ull * i);
        std::memset(f, 0, 12);
        for (std::size_t k = 0; k < size; ++k)
            f[12 + k] = std::uint8_t(k);
    }
    Driver dtx(g, txr.config(feats)), drx(g, rxr.config(feats));
    VirtioNet net(feats);
    std::uint8_t buf[2048];
    VqChain chain;
    long done = 0;
    std::uint64_t notifies = 0;
    const bool forward = mode != Mode::Tx;
    const auto t0 = std::chrono::steady_clock::now();
    while (done < frames) {
        dtx.post(kBurst);
        if (forward)
            drx.post(kBurst);
        for (int i = 0; i < kBurst; ++i) {
            if (tx.pop(chain) != Virtqueue::Pop::Ok)
                std::abort();
            std::size_t len = 0;
            std::uint8_t hdr[kVirtioNetHdrLen];
            if (mode == Mode::G2g) {
                iovec iov[4];
                const int n = net.frameIovecs(chain, iov, 4, &len, hdr);
                if (n < 1 || net.frameToGuest(rx, iov, n, hdr) != VirtioNet::Rx::Delivered)
                    std::abort();
                tx.push(chain.head, 0);
                continue;
            }
            if (!net.guestToFrame(chain, buf, sizeof buf, &len, hdr))
                std::abort();
            if (forward) {
                const iovec iov[1] = {{buf, len}};
                if (net.frameToGuest(rx, iov, 1, hdr) != VirtioNet::Rx::Delivered)
                    std::abort();
            }
            tx.push(chain.head, 0);
        }
        tx.flushUsed();
        notifies += tx.needNotify();
        if (forward) {
            rx.flushUsed();
            notifies += rx.needNotify();
        }
        done += kBurst;
    }
    const auto t1 = std::chrono::steady_clock::now();
    if (tx.failed() || rx.failed() || notifies == 0)
        std::abort();
    return double(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()) / double(done);
}

}  // namespace

int main(int argc, char **argv)
{
    long frames = 20'000'000;
    std::size_t size = 64;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--frames")
            frames = std::atol(argv[i + 1]);
        else if (a == "--size")
            size = std::size_t(std::atol(argv[i + 1]));
    }
    if (size < 14 || size > 116 || frames < kBurst) {
        std::fprintf(stderr, "usage: virtq-bench [--frames N>=32] [--size 14..116]\n");
        return 2;
    }
    run(Mode::Fwd, frames / 10, size);  // warm-up
    const double txNs = run(Mode::Tx, frames, size);
    const double fwdNs = run(Mode::Fwd, frames, size);
    const double g2gNs = run(Mode::G2g, frames, size);
    std::printf("{\"frame_bytes\":%zu,\"frames\":%ld,\"tx_ns_per_frame\":%.1f,\"fwd_ns_per_frame\":%.1f,"
                "\"g2g_ns_per_frame\":%.1f}\n",
                size, frames, txNs, fwdNs, g2gNs);
    return 0;
}
