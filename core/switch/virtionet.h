// SPDX-License-Identifier: GPL-3.0-or-later
// VirtioNet: moves Ethernet frames between virtio-net queues (VIRTIO 1.1 §5.1) and the
// switch's own buffers — the copies of a vhost-user port (issue #12) — and finishes offloads
// (partial checksum, TSO) in software for ports that did not negotiate them.
//
// Design note. Each direction is one copy: transmit (guest -> switch) copies the chain's
// readable bytes after the virtio_net_hdr into a caller buffer (guestToFrame); receive
// (switch -> guest) copies the header and the frame's iovecs straight into the guest's
// writable buffers (frameToGuest). Guest to guest needs only the receive copy: frameIovecs
// describes the TX chain's frame in place and frameToGuest moves it into the other guest.
// The guest header is copied into a local before it is looked at, so the guest cannot change
// it under us. Bounds: a transmitted frame must be 14..bufSize bytes and its chain must hold
// the whole header; a received frame needs hdrLen+len bytes in ONE chain without MRG_RXBUF, or
// up to kMaxMergeChains chains with it (num_buffers written into the first header). Anything
// else is a counted drop, never an error of the port; only a broken ring (Virtqueue::failed())
// ends the port. Header length: 12 bytes once VERSION_1 or MRG_RXBUF is negotiated, else 10;
// the first 10 bytes are struct virtio_net_hdr (transport.h's kVnetHdrLen layout: flags,
// gso_type, hdr_len, gso_size, csum_start, csum_offset, little-endian), bytes 10..11
// num_buffers. For ports without offloads, completeChecksum() and segmentTso() finish in
// software what a guest left to the device. No Qt, no allocation; one thread per queue pair.
#pragma once

#include "virtqueue.h"

#include <cstddef>
#include <cstdint>
#include <sys/uio.h>

namespace netloom::sw {

// struct virtio_net_hdr without num_buffers (the same 10 bytes as transport.h's kVnetHdrLen).
constexpr std::size_t kVirtioNetHdrLen = 10;
constexpr std::uint8_t kVnetFlagNeedsCsum = 1;
constexpr std::uint8_t kVnetFlagDataValid = 2;
constexpr std::uint8_t kVnetGsoNone = 0;
constexpr std::uint8_t kVnetGsoTcpv4 = 1;
constexpr std::uint8_t kVnetGsoUdp = 3;
constexpr std::uint8_t kVnetGsoTcpv6 = 4;
constexpr std::uint8_t kVnetGsoEcn = 0x80;

struct VirtioNetStats {
    std::uint64_t txFrames = 0;        // frames copied out of the guest
    std::uint64_t txRunt = 0;          // shorter than 14 bytes
    std::uint64_t txTooBig = 0;        // larger than the caller's buffer (frameIovecs: kMaxFrame, maxIov)
    std::uint64_t txShortHeader = 0;   // chain shorter than the virtio-net header
    std::uint64_t txBadHeader = 0;     // an offload the guest did not negotiate, or offsets outside the frame
    std::uint64_t rxFrames = 0;        // frames delivered into the guest
    std::uint64_t rxNoBuffers = 0;     // the guest had too few buffers posted (frame not taken)
    std::uint64_t rxNoRoom = 0;        // a chain too small for the frame (no MRG_RXBUF)
    std::uint64_t rxTooBig = 0;        // frame larger than any chain set we accept, or > kMaxSourceIov pieces
    std::uint64_t rxUnusable = 0;      // chains returned with length 0 (no writable space)
};

class VirtioNet {
public:
    static constexpr int kMaxMergeChains = 256;  // MRG_RXBUF: chains per received frame
    static constexpr int kMaxSourceIov = VqChain::kMaxSegments;  // iovecs of one frame to receive
    static constexpr std::size_t kMinFrame = 14;

    // Header length and merge mode from the negotiated features. Touches nothing.
    explicit VirtioNet(std::uint64_t features = 0);
    // 12 with VERSION_1 or MRG_RXBUF, else 10. Pure.
    static std::size_t headerLen(std::uint64_t features);
    std::size_t headerLen() const { return m_hdrLen; }
    bool mergeable() const { return m_mergeable; }
    // The transmit header rules: NEEDS_CSUM only with CSUM negotiated and csum_start +
    // csum_offset + 2 within the frame; GSO TCPv4/TCPv6 only with HOST_TSO4/6, the ECN bit only
    // with HOST_ECN, gso_size > 0; no other GSO type; flags other than NEEDS_CSUM are cleared.
    // Returns false for a header breaking them. Touches hdr (the caller's private copy).
    bool checkTxHeader(std::uint8_t hdr[kVirtioNetHdrLen], std::size_t frameLen) const;
    const VirtioNetStats &stats() const { return m_stats; }

    // Transmit: copies the frame of a TX chain (its readable segments, after the first
    // headerLen() bytes, which may share a segment with the frame or span several) into
    // buf[0..bufSize). Returns true with *frameLen set and hdr[0..10) the guest's header,
    // checked (checkTxHeader); false for a counted drop (runt, too big, short or bad header).
    // Does not push the chain.
    bool guestToFrame(const VqChain &chain, std::uint8_t *buf, std::size_t bufSize, std::size_t *frameLen,
                      std::uint8_t hdr[kVirtioNetHdrLen]);

    // Transmit without a switch buffer (guest to guest, the one copy being frameToGuest's):
    // the frame of a TX chain as iov[0..n) over its readable segments after the header —
    // pointers into guest memory, valid until the chain is pushed, and still writable by the
    // guest: copy any bytes you inspect (MACs, snooped headers) before deciding on them.
    // Returns n > 0 with *frameLen and hdr set, or -1 for a counted drop (runt, short header,
    // frame over kMaxFrame, more than maxIov pieces: txTooBig). Touches only the stats.
    static constexpr std::size_t kMaxFrame = 65535 + 18;  // 64 KiB IP packet + Ethernet + tag
    int frameIovecs(const VqChain &chain, iovec *iov, int maxIov, std::size_t *frameLen,
                    std::uint8_t hdr[kVirtioNetHdrLen]);

    enum class Rx {
        Delivered,  // copied and pushed (flushUsed/needNotify are the caller's, once per batch)
        NoBuffers,  // not enough chains posted: nothing consumed, the frame is still the caller's
        Dropped,    // counted drop; any chains taken were pushed back with length 0
        Broken,     // the queue failed (remove the port)
    };
    // Receive: pops chains from rxq and copies the header (hdr's 10 bytes, or zeros when hdr
    // is null, plus num_buffers) and the frame given as iov[0..iovcnt) into their writable
    // buffers, then pushes each chain with the bytes written. iovcnt <= kMaxSourceIov (an
    // OutFrame's iov/iovcnt fit). Touches rxq and guest memory.
    Rx frameToGuest(Virtqueue &rxq, const iovec *iov, int iovcnt, const std::uint8_t *hdr);

private:
    // The walk both transmit paths share: the header (skipped, copied to hdr) and the frame as
    // up to maxIov pieces of at most maxLen bytes in all. Counts the drops (txTooBig,
    // txShortHeader, txRunt), not txFrames. Returns the piece count or -1.
    int gatherTx(const VqChain &chain, iovec *iov, int maxIov, std::size_t maxLen, std::size_t *frameLen,
                 std::uint8_t hdr[kVirtioNetHdrLen]);

    std::size_t m_hdrLen = 10;
    bool m_mergeable = false;
    std::uint64_t m_features = 0;
    VirtioNetStats m_stats;
    VqChain m_rxChain;  // frameToGuest's scratch (a local would be zeroed, 1 KiB, per frame)
};

enum class Csum { NotNeeded, Completed, Bad };
// Completes a partial checksum (hdr flags NEEDS_CSUM): the Internet checksum of
// frame[csum_start, len), over the pseudo-header sum the sender left in the field, stored at
// csum_start+csum_offset (0 becomes 0xffff); then clears NEEDS_CSUM and the two offsets in
// hdr. Bad (frame and hdr untouched) when the field does not lie inside the frame. Touches
// frame and hdr.
Csum completeChecksum(std::uint8_t *frame, std::size_t len, std::uint8_t hdr[kVirtioNetHdrLen]);

// Software TSO: splits a GSO TCP frame (hdr gso_type TCPV4 or TCPV6, optionally with the ECN
// bit; gso_size = MSS) into ordinary frames with complete IPv4 header and TCP checksums.
// The headers are parsed here, never taken from hdr_len: Ethernet with at most one 802.1Q
// tag, IPv4 with options or IPv6 without extension headers, TCP with options. Each segment
// carries at most MSS payload bytes; IPv4 total length and id (+1 per segment), IPv6 payload
// length and the TCP sequence number follow; FIN and PSH stay on the last segment, CWR on
// the first. Segments are written one after the other into out[0..outSize) and described in
// segs[0..n). Returns n >= 1, or -1 (nothing written that matters) for anything else: not a
// TCP GSO type (UDP fragmentation offload is not supported), MSS 0, a malformed or truncated
// header, no payload, more than maxSegs segments (a bound against a tiny MSS), or out too
// small (it needs len + (n-1) * header bytes). Touches out and segs.
struct TsoSegment {
    std::uint32_t offset;  // into out
    std::uint32_t len;
};
int segmentTso(const std::uint8_t *frame, std::size_t len, const std::uint8_t hdr[kVirtioNetHdrLen], std::uint8_t *out,
               std::size_t outSize, TsoSegment *segs, int maxSegs);

}  // namespace netloom::sw
