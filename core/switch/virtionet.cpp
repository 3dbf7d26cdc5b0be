// SPDX-License-Identifier: GPL-3.0-or-later
#include "virtionet.h"

#include "smallcopy.h"

#include <cstring>

namespace netloom::sw {

VirtioNet::VirtioNet(std::uint64_t features)
    : m_hdrLen(headerLen(features)), m_mergeable((features & vfeat::kNetMrgRxbuf) != 0), m_features(features)
{
}

bool VirtioNet::checkTxHeader(std::uint8_t hdr[kVirtioNetHdrLen], std::size_t frameLen) const
{
    const auto le16 = [&](int at) { return std::size_t(hdr[at] | hdr[at + 1] << 8); };
    hdr[0] &= kVnetFlagNeedsCsum;
    if (hdr[0] & kVnetFlagNeedsCsum) {
        if (!(m_features & vfeat::kNetCsum) || le16(6) + le16(8) + 2 > frameLen)
            return false;
    }
    const std::uint8_t gso = hdr[1] & std::uint8_t(~kVnetGsoEcn);
    if (gso == kVnetGsoNone)
        return hdr[1] == 0;
    if (gso == kVnetGsoTcpv4 && !(m_features & vfeat::kNetHostTso4))
        return false;
    if (gso == kVnetGsoTcpv6 && !(m_features & vfeat::kNetHostTso6))
        return false;
    if (gso != kVnetGsoTcpv4 && gso != kVnetGsoTcpv6)
        return false;
    if ((hdr[1] & kVnetGsoEcn) && !(m_features & vfeat::kNetHostEcn))
        return false;
    return le16(4) > 0;
}

std::size_t VirtioNet::headerLen(std::uint64_t features)
{
    return (features & (vfeat::kVersion1 | vfeat::kNetMrgRxbuf)) ? 12 : 10;
}

int VirtioNet::gatherTx(const VqChain &chain, iovec *iov, int maxIov, std::size_t maxLen, std::size_t *frameLen,
                        std::uint8_t hdr[kVirtioNetHdrLen])
{
    std::uint8_t h[12] = {};
    std::size_t hdrGot = 0;
    std::size_t got = 0;
    int n = 0;
    for (int i = 0; i < chain.readableCount; ++i) {
        std::uint8_t *p = chain.seg[i].host;
        std::size_t len = chain.seg[i].len;
        if (hdrGot < m_hdrLen) {
            const std::size_t take = len < m_hdrLen - hdrGot ? len : m_hdrLen - hdrGot;
            moveBytes(h + hdrGot, p, take);
            hdrGot += take;
            p += take;
            len -= take;
        }
        if (len == 0)
            continue;
        if (n == maxIov || len > maxLen - got) {
            ++m_stats.txTooBig;
            return -1;
        }
        iov[n].iov_base = p;
        iov[n].iov_len = len;
        ++n;
        got += len;
    }
    if (hdrGot < m_hdrLen) {
        ++m_stats.txShortHeader;
        return -1;
    }
    if (got < kMinFrame) {
        ++m_stats.txRunt;
        return -1;
    }
    if (!checkTxHeader(h, got)) {
        ++m_stats.txBadHeader;
        return -1;
    }
    std::memcpy(hdr, h, kVirtioNetHdrLen);
    *frameLen = got;
    return n;
}

bool VirtioNet::guestToFrame(const VqChain &chain, std::uint8_t *buf, std::size_t bufSize, std::size_t *frameLen,
                             std::uint8_t hdr[kVirtioNetHdrLen])
{
    iovec iov[VqChain::kMaxSegments];
    const int n = gatherTx(chain, iov, VqChain::kMaxSegments, bufSize, frameLen, hdr);
    if (n < 0)
        return false;
    std::size_t at = 0;
    for (int i = 0; i < n; ++i) {
        std::memcpy(buf + at, iov[i].iov_base, iov[i].iov_len);
        at += iov[i].iov_len;
    }
    ++m_stats.txFrames;
    return true;
}

int VirtioNet::frameIovecs(const VqChain &chain, iovec *iov, int maxIov, std::size_t *frameLen,
                           std::uint8_t hdr[kVirtioNetHdrLen])
{
    const int n = gatherTx(chain, iov, maxIov, kMaxFrame, frameLen, hdr);
    if (n >= 0)
        ++m_stats.txFrames;
    return n;
}

namespace {

// Reads the concatenation of a few source pieces in order.
struct Source {
    const std::uint8_t *base[VirtioNet::kMaxSourceIov + 1];
    std::size_t len[VirtioNet::kMaxSourceIov + 1];
    int n = 0;
    int i = 0;
    std::size_t off = 0;

    // Copies up to room bytes to dst; returns the count.
    std::size_t copyTo(std::uint8_t *dst, std::size_t room)
    {
        std::size_t done = 0;
        while (done < room && i < n) {
            const std::size_t left = len[i] - off;
            const std::size_t take = left < room - done ? left : room - done;
            moveBytes(dst + done, base[i] + off, take);  // a hairpin may overlap its source
            done += take;
            off += take;
            if (off == len[i]) {
                ++i;
                off = 0;
            }
        }
        return done;
    }
};

}  // namespace

VirtioNet::Rx VirtioNet::frameToGuest(Virtqueue &rxq, const iovec *iov, int iovcnt, const std::uint8_t *hdr)
{
    if (rxq.failed())
        return Rx::Broken;
    std::uint8_t h[12] = {};
    if (hdr)
        std::memcpy(h, hdr, kVirtioNetHdrLen);
    h[10] = 1;  // num_buffers: 1 unless merged (VIRTIO 1.1 §5.1.6.3.1)
    Source src;
    src.base[0] = h;
    src.len[0] = m_hdrLen;
    src.n = 1;
    std::size_t frameLen = 0;
    if (iovcnt < 0 || iovcnt > kMaxSourceIov) {
        ++m_stats.rxTooBig;
        return Rx::Dropped;
    }
    for (int k = 0; k < iovcnt; ++k) {
        if (iov[k].iov_len == 0)
            continue;
        src.base[src.n] = static_cast<const std::uint8_t *>(iov[k].iov_base);
        src.len[src.n++] = iov[k].iov_len;
        frameLen += iov[k].iov_len;
    }
    const std::size_t total = m_hdrLen + frameLen;
    if (frameLen == 0 || total > (m_mergeable ? std::size_t(kMaxMergeChains) * Virtqueue::kMaxChainBytes
                                              : std::size_t(Virtqueue::kMaxChainBytes))) {
        ++m_stats.rxTooBig;
        return Rx::Dropped;
    }

    std::uint16_t heads[kMaxMergeChains];
    std::uint32_t lens[kMaxMergeChains];
    int used = 0;
    std::uint8_t *numBuffers[2] = {nullptr, nullptr};  // where bytes 10 and 11 of the header went
    std::size_t remaining = total;
    VqChain &chain = m_rxChain;
    const auto giveBack = [&] {
        for (int k = 0; k < used; ++k)
            rxq.push(heads[k], 0);
    };
    // Each pop consumes one avail entry, so num+1 attempts cannot all be Dropped.
    for (std::uint32_t attempts = 0; remaining > 0 && attempts <= rxq.num(); ++attempts) {
        const Virtqueue::Pop r = rxq.pop(chain);
        if (r == Virtqueue::Pop::Broken)
            return Rx::Broken;
        if (r == Virtqueue::Pop::Empty) {
            rxq.unpop(std::uint16_t(used));
            ++m_stats.rxNoBuffers;
            return Rx::NoBuffers;
        }
        if (r == Virtqueue::Pop::Dropped) {
            if (used == 0)
                continue;  // already returned; the frame may still fit the next chain
            giveBack();
            ++m_stats.rxUnusable;
            return Rx::Dropped;
        }
        const bool first = used == 0;
        if (chain.writableBytes == 0 || (first && chain.writableBytes < m_hdrLen)) {
            rxq.push(chain.head, 0);
            giveBack();
            ++m_stats.rxUnusable;
            return Rx::Dropped;
        }
        if (!m_mergeable && chain.writableBytes < total) {
            rxq.push(chain.head, 0);
            ++m_stats.rxNoRoom;
            return Rx::Dropped;
        }
        if (first && chain.count > chain.readableCount && chain.seg[chain.readableCount].len >= total) {
            // The common case, one receive buffer per frame: header and frame written in
            // order straight into its first writable segment (num_buffers is already 1).
            src.copyTo(chain.seg[chain.readableCount].host, total);
            rxq.push(chain.head, std::uint32_t(total));
            ++m_stats.rxFrames;
            return Rx::Delivered;
        }
        std::uint32_t written = 0;
        for (int s = chain.readableCount; s < chain.count && remaining > 0; ++s) {
            std::uint8_t *dst = chain.seg[s].host;
            const std::size_t before = total - remaining;
            const std::size_t n = src.copyTo(dst, chain.seg[s].len < remaining ? chain.seg[s].len : remaining);
            if (first && m_hdrLen == 12) {
                for (std::size_t b = 10; b < 12; ++b)
                    if (b >= before && b < before + n)
                        numBuffers[b - 10] = dst + (b - before);
            }
            written += std::uint32_t(n);
            remaining -= n;
        }
        heads[used] = chain.head;
        lens[used] = written;
        ++used;
        if (remaining > 0 && used == kMaxMergeChains) {
            giveBack();
            ++m_stats.rxTooBig;
            return Rx::Dropped;
        }
    }
    if (remaining > 0) {  // only reachable if every attempt was Dropped
        ++m_stats.rxUnusable;
        return Rx::Dropped;
    }
    if (numBuffers[0] && numBuffers[1]) {
        *numBuffers[0] = std::uint8_t(used & 0xff);
        *numBuffers[1] = std::uint8_t(used >> 8);
    }
    for (int k = 0; k < used; ++k)
        rxq.push(heads[k], lens[k]);
    ++m_stats.rxFrames;
    return Rx::Delivered;
}

namespace {

// One's-complement sum of bytes as big-endian 16-bit words (an odd last byte padded), unfolded.
std::uint64_t sum16(const std::uint8_t *p, std::size_t n, std::uint64_t sum = 0)
{
    std::size_t i = 0;
    for (; i + 1 < n; i += 2)
        sum += std::uint32_t(p[i] << 8 | p[i + 1]);
    if (i < n)
        sum += std::uint32_t(p[i] << 8);
    return sum;
}

std::uint16_t fold(std::uint64_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return std::uint16_t(sum);
}

void put16(std::uint8_t *p, std::uint32_t v)
{
    p[0] = std::uint8_t(v >> 8);
    p[1] = std::uint8_t(v);
}

std::uint32_t get16(const std::uint8_t *p) { return std::uint32_t(p[0] << 8 | p[1]); }

}  // namespace

Csum completeChecksum(std::uint8_t *frame, std::size_t len, std::uint8_t hdr[kVirtioNetHdrLen])
{
    if (!(hdr[0] & kVnetFlagNeedsCsum))
        return Csum::NotNeeded;
    const std::size_t start = std::size_t(hdr[6] | hdr[7] << 8);
    const std::size_t off = std::size_t(hdr[8] | hdr[9] << 8);
    if (start >= len || off > len - start || len - start - off < 2)
        return Csum::Bad;
    std::uint16_t c = std::uint16_t(~fold(sum16(frame + start, len - start)));
    if (c == 0)
        c = 0xffff;
    frame[start + off] = std::uint8_t(c >> 8);
    frame[start + off + 1] = std::uint8_t(c);
    hdr[0] = std::uint8_t(hdr[0] & ~kVnetFlagNeedsCsum);
    std::memset(hdr + 6, 0, 4);
    return Csum::Completed;
}

int segmentTso(const std::uint8_t *f, std::size_t len, const std::uint8_t hdr[kVirtioNetHdrLen], std::uint8_t *out,
               std::size_t outSize, TsoSegment *segs, int maxSegs)
{
    const std::uint8_t type = std::uint8_t(hdr[1] & ~kVnetGsoEcn);
    const std::size_t mss = std::size_t(hdr[4] | hdr[5] << 8);
    if ((type != kVnetGsoTcpv4 && type != kVnetGsoTcpv6) || mss == 0 || len < 14)
        return -1;
    std::size_t l2 = 14;
    std::uint32_t etype = get16(f + 12);
    if (etype == 0x8100) {
        if (len < 18)
            return -1;
        etype = get16(f + 16);
        l2 = 18;
    }
    const bool v4 = type == kVnetGsoTcpv4;
    std::size_t l3 = 40;
    if (v4) {
        if (etype != 0x0800 || len < l2 + 20 || (f[l2] >> 4) != 4)
            return -1;
        l3 = std::size_t(f[l2] & 15) * 4;
        if (l3 < 20 || len < l2 + l3 || f[l2 + 9] != 6)
            return -1;
    } else if (etype != 0x86dd || len < l2 + 40 || (f[l2] >> 4) != 6 || f[l2 + 6] != 6) {
        return -1;
    }
    const std::size_t tcp = l2 + l3;
    if (len < tcp + 20)
        return -1;
    const std::size_t doff = std::size_t(f[tcp + 12] >> 4) * 4;
    const std::size_t headers = tcp + doff;
    if (doff < 20 || len <= headers)
        return -1;
    const std::size_t payload = len - headers;
    if (l3 + doff + (mss < payload ? mss : payload) > 65535)
        return -1;  // a segment's IP length would not fit in 16 bits
    const std::size_t n = (payload + mss - 1) / mss;
    if (maxSegs < 1 || n > std::size_t(maxSegs) || outSize < len || (n - 1) * headers > outSize - len)
        return -1;
    const std::uint32_t seq0 = get16(f + tcp + 4) << 16 | get16(f + tcp + 6);
    const std::uint32_t id0 = v4 ? get16(f + l2 + 4) : 0;
    std::size_t pos = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t chunk = i + 1 < n ? mss : payload - i * mss;
        std::uint8_t *o = out + pos;
        std::memcpy(o, f, headers);
        std::memcpy(o + headers, f + headers + i * mss, chunk);
        const std::uint32_t tcpLen = std::uint32_t(doff + chunk);
        std::uint64_t pseudo = 0;
        if (v4) {
            put16(o + l2 + 2, std::uint32_t(l3) + tcpLen);
            put16(o + l2 + 4, id0 + std::uint32_t(i));
            put16(o + l2 + 10, 0);
            put16(o + l2 + 10, std::uint16_t(~fold(sum16(o + l2, l3))));
            pseudo = sum16(o + l2 + 12, 8, 6 + tcpLen);
        } else {
            put16(o + l2 + 4, tcpLen);
            pseudo = sum16(o + l2 + 8, 32, 6 + tcpLen);
        }
        const std::uint32_t seq = seq0 + std::uint32_t(i * mss);
        put16(o + tcp + 4, seq >> 16);
        put16(o + tcp + 6, seq & 0xffff);
        if (i + 1 < n)
            o[tcp + 13] = std::uint8_t(o[tcp + 13] & ~0x09);  // FIN, PSH: last segment only
        if (i > 0)
            o[tcp + 13] = std::uint8_t(o[tcp + 13] & ~0x80);  // CWR: first segment only
        put16(o + tcp + 16, 0);
        put16(o + tcp + 16, std::uint16_t(~fold(sum16(o + tcp, tcpLen, pseudo))));
        segs[i] = {std::uint32_t(pos), std::uint32_t(headers + chunk)};
        pos += headers + chunk;
    }
    return int(n);
}

}  // namespace netloom::sw
