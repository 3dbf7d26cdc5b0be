// SPDX-License-Identifier: GPL-3.0-or-later
// Virtqueue: the device side of one split virtqueue (VIRTIO 1.1 §2.6) in memory shared with a
// vhost-user guest — available-ring reading, descriptor-chain walking, used-ring writing and
// notification suppression (issue #12). Pure data plane: host pointers and a GuestMemory, no
// sockets, no fds, no allocation after construction, no Qt.
//
// Design note. The guest is hostile and runs concurrently: every value it controls is read
// ONCE into a local (relaxed atomic loads; the avail index with acquire) and checked there,
// never re-read. Two kinds of trouble are told apart:
// - a broken ring (a spec violation no correct driver commits) puts the queue in a failed
//   state for good: every later call does nothing and failed() tells the caller to remove the
//   port. Broken: avail->idx more than num ahead, a head or NEXT index >= num, a chain longer
//   than num (this cap is also the loop detector), an INDIRECT descriptor without
//   INDIRECT_DESC negotiated or with NEXT also set or inside an indirect table, an indirect
//   table whose length is 0, not a multiple of 16 or above 16*num, or that is not wholly inside
//   one memory region, a buffer with a byte outside every region (or needing more than
//   kMaxPiecesPerDesc pieces), a readable descriptor after a writable one.
// - a chain that is well formed but beyond our bounds is dropped: pop() returns it to the
//   guest at once (used length 0), counts it, and says Dropped. Dropped: more than
//   kMaxChainBytes readable bytes (one frame: 64 KiB + headers) or more than kMaxSegments
//   readable pieces. Writable space beyond those bounds is simply not used (pop stops walking
//   once kMaxChainBytes or kMaxSegments writable are collected: a guest may post larger
//   receive buffers than one frame needs).
// Zero-length descriptors are allowed and skipped (counted in stats). A buffer crossing a
// region boundary is split into up to kMaxPiecesPerDesc segments (GuestMemory::translateSplit).
// The desc table, avail and used rings must be aligned as the spec requires (16, 2, 4); an
// indirect table may be unaligned (then read bytewise).
//
// Used ring: push() writes entries, flushUsed() publishes them with ONE release store of
// used->idx per batch; needNotify() then says whether the guest wants an interrupt (EVENT_IDX:
// vring_need_event over everything published since the last signal; else the avail ring's
// NO_INTERRUPT flag). Kicks (guest -> us): setNotifications(false) while polling,
// setNotifications(true) before sleeping — which re-checks the ring after a full fence and
// returns true when buffers arrived meanwhile (the kick may have been suppressed: poll again).
// Host byte order must be little-endian (checked at compile time); one thread per queue.
#pragma once

#include "guestmemory.h"
#include "virtiofeatures.h"

#include <cstddef>

#include <cstdint>

namespace netloom::sw {


// One piece of a chain: host pointer into guest memory, length (> 0), direction.
struct VqSegment {
    std::uint8_t *host = nullptr;
    std::uint32_t len = 0;
    bool writable = false;
};

// A popped descriptor chain: readable segments first, then writable ones.
struct VqChain {
    static constexpr int kMaxSegments = 64;
    std::uint16_t head = 0;        // id to give back to push()
    int count = 0;                 // segments used in seg[]
    int readableCount = 0;         // seg[0..readableCount) are readable
    std::uint32_t readableBytes = 0;
    std::uint32_t writableBytes = 0;
    VqSegment seg[kMaxSegments];
};

enum class VqError {
    None,
    BadSetup,        // num not a power of two in [1, 32768], null or misaligned ring pointer
    AvailIdx,        // avail->idx moved more than num ahead of us
    HeadIndex,       // a head id >= num
    NextIndex,       // a NEXT index >= num (or >= the indirect table's size)
    ChainTooLong,    // more descriptors than num (a loop)
    IndirectNotNegotiated,
    IndirectNested,  // INDIRECT inside an indirect table
    IndirectWithNext,
    IndirectLength,  // 0, not a multiple of 16, or > 16*num
    IndirectAddress, // table not inside one region
    BufferAddress,   // a buffer outside guest memory (or too fragmented)
    ReadableAfterWritable,
};

// Short English text of an error ("next index out of range"). Pure.
const char *vqErrorText(VqError e);

struct VqStats {
    std::uint64_t popped = 0;          // chains handed out by pop() as Ok
    std::uint64_t droppedChains = 0;   // chains returned unused because of our bounds
    std::uint64_t zeroLenDescs = 0;    // zero-length descriptors skipped
    std::uint64_t pushed = 0;          // used entries written (including drops)
    std::uint64_t flushes = 0;         // used->idx stores
};

struct VirtqueueConfig {
    std::uint32_t num = 0;                 // queue size: power of two, 1..32768
    std::uint8_t *desc = nullptr;          // descriptor table, 16*num bytes, 16-aligned
    std::uint8_t *avail = nullptr;         // avail ring, availBytes(num), 2-aligned
    std::uint8_t *used = nullptr;          // used ring, usedBytes(num), 4-aligned
    const GuestMemory *memory = nullptr;   // translates descriptor addresses; must outlive us
    std::uint64_t features = 0;            // negotiated (kEventIdx, kIndirectDesc used here)
    std::uint16_t startIndex = 0;          // SET_VRING_BASE: first avail entry, used idx start
};

class Virtqueue {
public:
    static constexpr std::uint32_t kMaxNum = 32768;
    static constexpr std::uint32_t kMaxChainBytes = 65536 + 64;  // one 64 KiB frame + headers
    static constexpr int kMaxPiecesPerDesc = 4;                  // region-crossing split

    // Sizes the session must translate (and check) for each area of a ring of `num`.
    static constexpr std::uint64_t descBytes(std::uint32_t num) { return 16ull * num; }
    static constexpr std::uint64_t availBytes(std::uint32_t num) { return 6ull + 2ull * num; }
    static constexpr std::uint64_t usedBytes(std::uint32_t num) { return 6ull + 8ull * num; }

    // An unusable queue (failed() with BadSetup) until setup().
    Virtqueue() = default;
    // Takes over the ring described by cfg. Returns false (and fails with BadSetup) when num or
    // a pointer is invalid. Reads and writes nothing in guest memory.
    bool setup(const VirtqueueConfig &cfg);

    bool failed() const { return m_error != VqError::None; }
    VqError error() const { return m_error; }
    const VqStats &stats() const { return m_stats; }
    std::uint32_t num() const { return m_num; }
    // The next avail entry to consume (GET_VRING_BASE's answer once the ring is stopped).
    std::uint16_t lastAvailIndex() const { return m_lastAvail; }

    // Number of chains the guest has made available and we have not popped. Reads avail->idx
    // once (acquire). 0 when failed; fails the queue (AvailIdx) when the distance exceeds num.
    std::uint32_t available();

    enum class Pop { Ok, Empty, Dropped, Broken };
    // Walks the next available chain into `chain`. Ok: chain filled, the caller owes one
    // push(chain.head, written). Empty: nothing available. Dropped: the chain was beyond our
    // bounds and has already been pushed back with length 0 (count it, call pop again).
    // Broken: the queue has failed (see error()). Touches: reads the avail ring and
    // descriptors, on Dropped writes one used entry.
    Pop pop(VqChain &chain);
    // Memory-level parallelism for a burst: for up to n of the next available chains, reads
    // the avail entry and the head descriptor (relaxed loads, no checks beyond bounds) and
    // prefetches the first 128 bytes of that descriptor's buffer — for writing (PREFETCHW)
    // when forWrite, so a receive buffer the guest's vCPU last touched arrives exclusive and
    // the first store does not stall. Every value read is a hint only: nothing here is
    // trusted, stored or written, pop() reads and checks everything again. Without it each
    // frame's cache misses are taken one after the other. Touches: reads the avail ring and
    // descriptors; no state (GuestMemory's last-region hint aside).
    void prefetch(std::uint32_t n, bool forWrite) const;
    // Gives back the last n popped (not pushed!) chains to the avail ring, as if never popped
    // (used when a multi-chain receive finds too few buffers). n <= chains popped since.
    void unpop(std::uint16_t n) { m_lastAvail = std::uint16_t(m_lastAvail - n); }

    // Writes one used entry (head, bytes written into its writable buffers); not visible to
    // the guest until flushUsed(). head must come from pop().
    void push(std::uint16_t head, std::uint32_t written);
    // Publishes all pushed entries with one release store of used->idx. No-op if none.
    void flushUsed();
    // After flushUsed(): true when the guest asked to be interrupted for what was published
    // since the last time this returned true (EVENT_IDX: used_event per vring_need_event, with
    // a full fence before reading it; else !(avail->flags & NO_INTERRUPT)). False when nothing
    // new was published or the queue failed. Touches the "last signalled" mark.
    bool needNotify();

    // Guest -> device notifications (kicks). Disabling: sets used->flags NO_NOTIFY (without
    // EVENT_IDX; with it, avail_event is simply left behind, so at most one more kick comes).
    // Enabling: clears NO_NOTIFY or writes avail_event = next avail index, then a full fence,
    // then re-reads avail->idx: returns true when chains are available (a kick may have been
    // missed — poll before sleeping). Returns false when disabling or failed.
    bool setNotifications(bool enable);

private:
    struct Desc {
        std::uint64_t addr;
        std::uint32_t len;
        std::uint16_t flags;
        std::uint16_t next;
    };
    enum class Walk { Ok, Full, TooBig, Broken };

    bool fail(VqError e);
    Walk addBuffer(const Desc &d, VqChain &chain, bool *writableSeen);
    Walk walkIndirect(const Desc &d, VqChain &chain, bool *writableSeen);

    std::uint32_t m_num = 0;
    std::uint16_t m_mask = 0;
    std::uint8_t *m_desc = nullptr;
    std::uint8_t *m_avail = nullptr;
    std::uint8_t *m_used = nullptr;
    const GuestMemory *m_mem = nullptr;
    bool m_eventIdx = false;
    bool m_indirect = false;
    std::uint16_t m_lastAvail = 0;     // next avail entry to pop
    std::uint16_t m_availShadow = 0;   // avail->idx as last read
    std::uint16_t m_usedIdx = 0;       // next used entry to write (published or not)
    std::uint16_t m_usedPublished = 0; // used->idx as last stored
    std::uint16_t m_signalled = 0;     // used idx at the last needNotify() == true
    bool m_signalledValid = false;
    VqError m_error = VqError::BadSetup;
    VqStats m_stats;
};

}  // namespace netloom::sw
