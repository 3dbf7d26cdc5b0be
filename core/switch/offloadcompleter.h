// SPDX-License-Identifier: GPL-3.0-or-later
// OffloadCompleter: finishes offload frames in software for the ports that cannot take them as
// they are (issue #12) — a partial checksum is completed, a TSO super-frame is cut into
// ordinary segments with complete checksums (virtionet's completeChecksum / segmentTso).
//
// Design note. The engine decides per egress port: a port whose offloadsAccepted() covers
// what the frame needs (vnetOffloadsNeeded) gets the frame and its header untouched; every
// other port gets the frames complete() returns, made once per ingress frame however many
// ports need them. The results live in blocks of a per-batch arena that reset() recycles after
// the batch is sent (queued frames are copies); blocks are allocated on first use and kept, at
// most one per frame of a batch (bounded by the engine's batch of 64). The source frame is
// only read: it may still go, unchanged, to ports that take offloads. No Qt.
#pragma once

#include "virtionet.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace netloom::sw {

class OffloadCompleter {
public:
    // Segments of one TSO frame at most (a bound against a guest's tiny MSS: 64 KiB at an MSS
    // of 256 bytes); the largest frame completed.
    static constexpr int kMaxSegments = 256;
    static constexpr std::size_t kMaxFrame = 65536 + 256;

    struct Frames {
        const std::uint8_t *base = nullptr;
        const TsoSegment *segs = nullptr;  // frame k is base[segs[k].offset, +segs[k].len)
        int n = 0;                         // 0: could not be completed (counted in failures())
    };
    // The plain frames equivalent to frame[0..len) with virtio_net_hdr hdr (which needs
    // offloads): one frame with its checksum completed, or the TSO segments. Valid until
    // reset(). n == 0 for a header that does not fit the frame, a GSO type other than TCP, more
    // than kMaxSegments segments or a frame over kMaxFrame. Touches only its arena.
    Frames complete(const std::uint8_t *frame, std::size_t len, const std::uint8_t *hdr);
    // Recycles every block (after the batch that used them was sent). Touches nothing else.
    void reset() { m_used = 0; }

    std::uint64_t completed() const { return m_completed; }
    std::uint64_t failures() const { return m_failures; }

private:
    struct Block {
        std::vector<std::uint8_t> bytes;
        TsoSegment segs[kMaxSegments];
    };
    std::vector<std::unique_ptr<Block>> m_blocks;
    std::size_t m_used = 0;
    std::uint64_t m_completed = 0, m_failures = 0;
};

}  // namespace netloom::sw
