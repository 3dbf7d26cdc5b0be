// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the vhost-user data plane (Virtqueue + VirtioNet) over a fake guest memory image:
// the input describes up to 3 regions carved out of an image (also from the input), a TX and
// an RX ring placed in region 0, the negotiated features, and up to 64 operations (pop+copy+
// checksum or TSO+push on TX, TX chain forwarded as iovecs into RX, frame delivery on RX,
// flush/notify, notification toggles). The image is
// its own heap allocation of exactly its size, so ASan reports any read outside it; every
// segment a chain hands out is also checked to lie inside one region (abort otherwise).
//
// Layout (little-endian): [0] log2 num (mod 9), [1] features (bit0 EVENT_IDX, bit1
// INDIRECT_DESC, bit2 MRG_RXBUF, bit3 VERSION_1), [2..4) TX start index, [4..6) RX start,
// [6] region count-1 (mod 3), [7] op count (mod 65), [8..44) 3 x {u32 gpa, u32 image offset,
// u32 size}, [44..56) 6 x u16 ring offsets in region 0 (TX desc, avail, used; RX ...),
// then the ops, then the image. make-virtqueue-seeds.py writes seeds in this format.
#include "switch/virtionet.h"
#include "switch/virtqueue.h"

#include <cstdlib>
#include <cstring>
#include <vector>

using namespace netloom::sw;

namespace {

constexpr std::size_t kHeader = 56;

std::uint32_t rd32(const std::uint8_t *p) { return std::uint32_t(p[0] | p[1] << 8 | p[2] << 16) | std::uint32_t(p[3]) << 24; }
std::uint16_t rd16(const std::uint8_t *p) { return std::uint16_t(p[0] | p[1] << 8); }

struct Image {
    std::uint8_t *base;
    std::size_t size;
    const GuestMemory *mem;
};

void checkChain(const VqChain &c, const Image &img)
{
    if (c.count < 0 || c.count > VqChain::kMaxSegments || c.readableCount > c.count)
        std::abort();
    std::uint64_t r = 0, w = 0;
    for (int i = 0; i < c.count; ++i) {
        const VqSegment &s = c.seg[i];
        if (s.len == 0 || s.host < img.base || s.len > img.size || s.host - img.base > std::ptrdiff_t(img.size - s.len))
            std::abort();
        bool inRegion = false;
        for (int k = 0; k < img.mem->count(); ++k) {
            const MemRegion &m = img.mem->region(k);
            if (s.host >= m.host && std::uint64_t(s.host - m.host) + s.len <= m.size)
                inRegion = true;
        }
        if (!inRegion || s.writable != (i >= c.readableCount))
            std::abort();
        (s.writable ? w : r) += s.len;
    }
    if (r != c.readableBytes || w != c.writableBytes || r > Virtqueue::kMaxChainBytes || w > Virtqueue::kMaxChainBytes)
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < kHeader || size > 65536 + kHeader + 64)
        return 0;
    const std::uint32_t num = 1u << (data[0] % 9);
    std::uint64_t features = 0;
    if (data[1] & 1)
        features |= vfeat::kEventIdx;
    if (data[1] & 2)
        features |= vfeat::kIndirectDesc;
    if (data[1] & 4)
        features |= vfeat::kNetMrgRxbuf;
    if (data[1] & 8)
        features |= vfeat::kVersion1;
    const std::uint16_t txStart = rd16(data + 2), rxStart = rd16(data + 4);
    const int regions = 1 + data[6] % 3;
    const std::size_t ops = data[7] % 65;
    if (size < kHeader + ops + 64)
        return 0;
    const std::uint8_t *op = data + kHeader;
    const std::size_t imageSize = size - kHeader - ops;
    // The image in its own allocation, exactly sized (ASan's redzones bound it).
    std::vector<std::uint8_t> image(data + kHeader + ops, data + size);
    Image img{image.data(), imageSize, nullptr};

    MemRegion r[3];
    for (int i = 0; i < regions; ++i) {
        const std::uint8_t *p = data + 8 + 12 * i;
        const std::size_t off = rd32(p + 4) % imageSize;
        std::size_t len = rd32(p + 8);
        if (len > imageSize - off)
            len = imageSize - off;
        if (len == 0)
            return 0;
        r[i] = {rd32(p), len, 0x7f0000000000ull + rd32(p), image.data() + off};
    }
    GuestMemory mem;
    if (!mem.set(r, regions))
        return 0;
    img.mem = &mem;

    // Rings inside region 0 (the session refuses rings it cannot translate; so do we).
    Virtqueue q[2];
    for (int k = 0; k < 2; ++k) {
        const std::uint8_t *p = data + 44 + 6 * k;
        VirtqueueConfig c;
        c.num = num;
        c.desc = mem.gpa(r[0].guestPhys + (rd16(p) & ~15u), Virtqueue::descBytes(num));
        c.avail = mem.gpa(r[0].guestPhys + (rd16(p + 2) & ~1u), Virtqueue::availBytes(num));
        c.used = mem.gpa(r[0].guestPhys + (rd16(p + 4) & ~3u), Virtqueue::usedBytes(num));
        c.memory = &mem;
        c.features = features;
        c.startIndex = k == 0 ? txStart : rxStart;
        if (!c.desc || !c.avail || !c.used || !q[k].setup(c))
            return 0;
    }

    VirtioNet net(features);
    static std::uint8_t frame[65536 + 64];
    static std::uint8_t out[2048];
    for (std::size_t i = 0; i < sizeof out; ++i)
        out[i] = std::uint8_t(i);
    VqChain chain;
    for (std::size_t i = 0; i < ops; ++i) {
        const std::uint8_t o = op[i];
        switch (o & 7) {
        case 1: {  // guest to guest: TX chain as iovecs straight into the RX ring
            if (q[0].pop(chain) != Virtqueue::Pop::Ok)
                break;
            checkChain(chain, img);
            iovec iov[VirtioNet::kMaxSourceIov];
            std::size_t len = 0;
            std::uint8_t hdr[kVirtioNetHdrLen];
            const int n = net.frameIovecs(chain, iov, (o & 8) ? 2 : VirtioNet::kMaxSourceIov, &len, hdr);
            if (n > 0) {
                // frameToGuest pops into its own scratch chain: ours (and iov) stay valid.
                net.frameToGuest(q[1], iov, n, hdr);
            }
            q[0].push(chain.head, 0);
            break;
        }
        case 0: {  // transmit: pop, copy out, complete the checksum, give back
            const Virtqueue::Pop p = q[0].pop(chain);
            if (p != Virtqueue::Pop::Ok)
                break;
            checkChain(chain, img);
            std::size_t len = 0;
            std::uint8_t hdr[kVirtioNetHdrLen];
            const std::size_t cap = (o & 8) ? 1514 : sizeof frame;
            if (net.guestToFrame(chain, frame, cap, &len, hdr)) {
                if (len < VirtioNet::kMinFrame || len > cap)
                    std::abort();
                if (hdr[1] != kVnetGsoNone) {
                    static std::uint8_t segmented[2 * (65536 + 64)];
                    TsoSegment segs[64];
                    const int n = segmentTso(frame, len, hdr, segmented, sizeof segmented, segs, 64);
                    for (int k = 0; k < n; ++k)
                        if (segs[k].len > sizeof segmented || segs[k].offset > sizeof segmented - segs[k].len)
                            std::abort();
                } else {
                    completeChecksum(frame, len, hdr);
                }
            }
            q[0].push(chain.head, 0);
            break;
        }
        case 2:
        case 3: {  // receive a frame of 14..2048 bytes in up to 3 pieces
            const std::size_t len = 14 + std::size_t(o >> 3) * 64;
            const iovec iov[3] = {{out, 6}, {out + 6, 8}, {out + 14, len - 14}};
            const std::uint8_t hdr[kVirtioNetHdrLen] = {o, 0, 0, 0, 0, 0, 14, 0, 6, 0};
            net.frameToGuest(q[1], iov, 3, (o & 8) ? hdr : nullptr);
            break;
        }
        case 4: {  // pop an RX chain and return it with an arbitrary length
            if (q[1].pop(chain) == Virtqueue::Pop::Ok) {
                checkChain(chain, img);
                q[1].push(chain.head, std::uint32_t(o) * 100);
            }
            break;
        }
        case 5:
            for (Virtqueue &v : q) {
                v.flushUsed();
                (void)v.needNotify();
            }
            break;
        case 6:
            (void)q[(o >> 3) & 1].setNotifications((o >> 4) & 1);
            break;
        case 7:
            q[(o >> 3) & 1].prefetch(o >> 5, (o >> 4) & 1);  // a hint: reads, changes nothing
            (void)q[(o >> 3) & 1].available();
            break;
        }
    }
    for (Virtqueue &v : q) {
        v.flushUsed();
        (void)v.needNotify();
    }
    return 0;
}
