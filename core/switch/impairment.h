// SPDX-License-Identifier: GPL-3.0-or-later
// The switch's impairment stage (network emulation on one direction of one port) and the
// timestamped queue that holds impaired frames until they are due.
//
// Design note. The stage is pure arithmetic over an injected random source: given the
// protocol::Impairment of one direction, a frame's arrival time and its length, decide()
// says whether the frame is lost (random loss or the Gilbert–Elliott chain, netem's order:
// the loss roll uses the state the frame found, then the chain moves), whether a duplicate
// goes with it, which bit of each copy is flipped (corruption) and when each copy is due:
//   1. delay ± jitter drawn from the distribution (uniform, normal, pareto, paretonormal,
//      standardised so `jitter` is the spread around `delay`; never before arrival);
//   2. unless `reorder`, never before the delay of the copy ahead of it ends (frames stay in order);
//   3. the rate limit as a serialiser at rateBitsPerSecond: a copy starts when the link is
//      free and is due when its last bit has left. The backlog in front of it (the time the
//      link is still busy, in bytes at the rate) plus the copy must fit effectiveQueueBytes()
//      or it is tail-dropped.
// The duplicate passes steps 1-3 on its own (like netem, which feeds the clone through the
// qdisc again) but is never lost or duplicated again. The caller owns the frames; the stage
// keeps only its own state (chain state, last release, when the link frees), which a live
// configure() keeps, so frames already decided stay as decided.
//
// DelayLine is the queue: copies of frames with their due time, handed out in due order
// (ties in arrival order) by takeDue(now); nextDue() says when to wake next. It is bounded in
// frames and bytes (explicit limits; a push beyond them is refused), and recycles its buffers
// so a steady flow does not allocate per frame. Both classes are single-threaded; the switch
// engine uses them on its own thread only.
#pragma once

#include "protocol/impairment.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace netloom::sw {

// A small seedable generator (xoshiro256**, seeded by splitmix64): the stage's random source.
// Deterministic for a seed, so tests replay exact sequences.
class Rng {
public:
    explicit Rng(std::uint64_t seed = 0x6e65746c6f6f6dULL);
    // Re-seeds (the same sequence as a new Rng(seed)).
    void seed(std::uint64_t seed);
    std::uint64_t next();
    // Uniform in [0, 1).
    double uniform();
    // True with probability percent/100 (0 never draws: no state change for a neutral value).
    bool chance(double percent);
    // A standard normal variate (Box–Muller; the spare value is kept).
    double normal();

private:
    std::uint64_t m_s[4]{};
    double m_spare = 0;
    bool m_haveSpare = false;
};

class ImpairmentStage {
public:
    enum class Fate { Deliver, Lost, QueueFull };
    struct Copy {
        std::int64_t dueNs = 0;
        std::int32_t flipBit = -1;  // bit index into the frame to flip (corruption), -1 none
    };
    struct Verdict {
        Fate fate = Fate::Deliver;  // Lost/QueueFull: no copies (a dropped duplicate is just absent)
        int copies = 0;             // 1, or 2 with a duplicate (copy[1])
        Copy copy[2];
        bool duplicated = false;
        int corrupted = 0;          // copies with a flipped bit
        int queueDrops = 0;         // copies tail-dropped by the rate queue
    };

    // Sets the impairment (assumed validated). Keeps the chain state, the last release time
    // and the link's busy time, so a live change applies from the next frame on.
    void configure(const protocol::Impairment &imp);
    const protocol::Impairment &impairment() const { return m_imp; }
    // True when configure() was given the neutral impairment.
    bool isNone() const { return m_none; }

    // Decides the fate of one frame of `len` bytes arriving at arrivalNs, drawing from rng.
    // Updates the stage's state (chain, last release, link busy time).
    Verdict decide(std::int64_t arrivalNs, std::size_t len, Rng &rng);

    // The delay (ns, may be negative before clamping) for one copy: delay + jitter * z with z
    // drawn from the distribution. Exposed for tests.
    std::int64_t drawDelayNs(Rng &rng) const;
    // True while the Gilbert–Elliott chain is in its bad state (tests).
    bool inBadState() const { return m_bad; }

private:
    bool scheduleCopy(std::int64_t arrivalNs, std::size_t len, Rng &rng, Copy *out);

    protocol::Impairment m_imp;
    bool m_none = true;
    bool m_bad = false;            // Gilbert–Elliott state
    std::int64_t m_lastDueNs = 0;  // latest end of delay so far, before the rate (in-order clamp)
    std::int64_t m_linkFreeNs = 0; // when the rate serialiser is idle again
};

// A frame held by a DelayLine.
struct DelayedFrame {
    std::int64_t dueNs = 0;
    std::uint64_t seq = 0;
    std::vector<std::uint8_t> bytes;
    std::array<std::uint8_t, 10> vnet{};  // virtio_net_hdr, when hasVnet
    bool hasVnet = false;
    std::uint8_t tag = 0;                 // the owner's note (the engine keeps the frame's cast)
};

class DelayLine {
public:
    // Bounds: at most maxFrames frames and maxBytes bytes of frame data held at once.
    DelayLine(std::size_t maxFrames, std::size_t maxBytes);

    // Copies frame[0..len) (and the 10-byte vnet header when given) due at dueNs. Returns
    // false, copying nothing, when the bounds would be exceeded.
    bool push(std::int64_t dueNs, const std::uint8_t *frame, std::size_t len, const std::uint8_t *vnet, std::uint8_t tag);
    // Like push() but gathers the frame from iovec-like pieces (ptrs[i], lens[i]) and flips
    // bit flipBit of the result when >= 0 (and inside the frame).
    bool pushGather(std::int64_t dueNs, const void *const *ptrs, const std::size_t *lens, int pieces, const std::uint8_t *vnet,
                    std::uint8_t tag, std::int32_t flipBit);
    // Moves up to `max` frames due by nowNs (earliest first) into *out (cleared first).
    // Give them back with recycle() once sent.
    void takeDue(std::int64_t nowNs, std::size_t max, std::vector<DelayedFrame> *out);
    // Returns frames taken by takeDue so their buffers are reused (bounded spare pool).
    void recycle(std::vector<DelayedFrame> *frames);
    // Due time of the earliest frame, or -1 when empty.
    std::int64_t nextDue() const { return m_heap.empty() ? -1 : m_heap.front().dueNs; }
    std::size_t frames() const { return m_heap.size(); }
    std::size_t bytes() const { return m_bytes; }
    bool empty() const { return m_heap.empty(); }
    // Drops everything held; returns how many frames were dropped.
    std::size_t clear();

    // Recycled buffers kept: at most this many, of at most this many bytes together (a GSO
    // super-frame's 64 KiB buffer is worth keeping too: allocating it per frame costs more
    // than the copy).
    static constexpr std::size_t kMaxSpare = 256;
    static constexpr std::size_t kMaxSpareBytes = 4 * 1024 * 1024;

private:
    DelayedFrame *slot(std::int64_t dueNs, std::size_t len, const std::uint8_t *vnet, std::uint8_t tag);
    void commit();

    std::size_t m_maxFrames, m_maxBytes;
    std::size_t m_bytes = 0;
    std::uint64_t m_seq = 0;
    std::vector<DelayedFrame> m_heap;  // min-heap on (dueNs, seq)
    std::vector<std::vector<std::uint8_t>> m_spare;
    std::size_t m_spareBytes = 0;
};

}  // namespace netloom::sw
