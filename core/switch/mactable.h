// SPDX-License-Identifier: GPL-3.0-or-later
// MacTable: the learning table of one switch — (VLAN, MAC) -> port, bounded, aged, fair.
//
// Design note.
// - Bound: at most `capacity` entries (default 8192), in one open-addressing array allocated
//   up front (a power of two of slots, at most 3/4 full). Learning allocates nothing, except
//   that the per-port list vector grows the first time a port number higher than any before
//   learns (port numbers are bounded by kMaxPort).
// - Layout, for the lone frame that finds the switch cold (a ping, a DHCP exchange): an entry
//   lives in its slot — key, port, last-seen time and its LRU links in 32 bytes, two to a
//   cache line — so a lookup or a refresh reads one cache line of one page, where a node-based
//   hash map reads a bucket, a node and the entry (three lines, often three pages). The flap
//   state, only read when a MAC moves, sits in a parallel array. Linear probing with
//   backward-shift deletion (no tombstones): removing an entry moves the later entries of its
//   cluster back, and their LRU neighbours are re-pointed.
// - Hashing: the 60-bit key (VLAN << 48 | MAC) is mixed with a per-table random seed, so a
//   guest cannot choose source MACs that pile up in one cluster (MacTableConfig::hashSeed
//   fixes it for tests).
// - Fair eviction: when the table is full, the victim is the least recently seen entry of the
//   port that currently owns the MOST entries (the lowest port number on a tie). A port
//   flooding random source MACs therefore only ever evicts its own entries once it is the
//   largest owner; other ports' entries survive.
// - Aging: an entry not refreshed for `agingNs` is removed by expire(), which walks each
//   port's LRU list from its oldest end, so a sweep costs O(expired + ports). lookup() never
//   returns an entry older than agingNs, swept or not.
// - Flap damping: a MAC that moves between ports more than `flapMoves` times within
//   `flapWindowNs` is pinned to its current port for `flapHoldNs`; moves seen during the hold
//   are refused (and counted) instead of re-learned, so a loop or spoofer cannot make the
//   table thrash.
// - Per-port LRU lists are indexed by port number (a vector grown to the highest number seen,
//   at most kMaxPort + 1 entries of 12 bytes), not hashed.
// - Multicast/broadcast and all-zero source MACs are never learned (the caller checks;
//   learn() refuses too).
// Time is always passed in (nanoseconds of a monotonic clock); the class never reads a clock.
#pragma once

#include <cstdint>
#include <vector>

namespace netloom::sw {

using PortId = std::uint32_t;
constexpr PortId kNoPort = 0;  // port ids start at 1

struct MacTableConfig {
    std::uint32_t capacity = 8192;            // clamped to 1..MacTable::kMaxCapacity
    std::int64_t agingNs = 300'000'000'000;   // 300 s, like a hardware switch
    std::uint32_t flapMoves = 4;              // moves tolerated per window
    std::int64_t flapWindowNs = 1'000'000'000;
    std::int64_t flapHoldNs = 5'000'000'000;
    std::uint64_t hashSeed = 0;               // 0: random (per table); tests fix it
};

struct MacTableStats {
    std::uint64_t learned = 0;      // new entries
    std::uint64_t moved = 0;        // entries that changed port
    std::uint64_t evicted = 0;      // removed because the table was full
    std::uint64_t aged = 0;         // removed by expire()
    std::uint64_t flapRefused = 0;  // moves refused while damped
};

class MacTable {
public:
    static constexpr std::uint32_t kMaxCapacity = 1u << 20;  // the topology's largest macTableSize
    static constexpr PortId kMaxPort = 65535;  // the engine's bound on port numbers

    // Allocates the whole table (capacity entries) now.
    explicit MacTable(const MacTableConfig &config = {});

    enum class LearnResult { Refreshed, Learned, Moved, Damped, Ignored };
    // Records that `mac` (6 bytes) was seen on `port` in `vlan` at `nowNs`. Multicast and
    // all-zero sources, kNoPort and ports above kMaxPort are ignored. May evict one entry
    // (fair eviction, see above).
    LearnResult learn(std::uint16_t vlan, const std::uint8_t *mac, PortId port, std::int64_t nowNs);
    // The port `mac` was last learned on in `vlan`, or kNoPort (unknown or aged out at nowNs).
    // Touches nothing.
    PortId lookup(std::uint16_t vlan, const std::uint8_t *mac, std::int64_t nowNs) const;
    // Removes every entry of `port` (the port went away). Returns how many.
    std::uint32_t flushPort(PortId port);
    // Removes entries not seen for agingNs. Returns how many.
    std::uint32_t expire(std::int64_t nowNs);

    std::uint32_t size() const { return m_size; }
    std::uint32_t capacity() const { return m_config.capacity; }
    std::uint32_t slotCount() const { return std::uint32_t(m_slots.size()); }
    // The slot (0..slotCount()-1) the key (vlan, mac) hashes to, before probing. For tests
    // that need colliding keys. Touches nothing.
    std::uint32_t homeSlot(std::uint16_t vlan, const std::uint8_t *mac) const { return home(key(vlan, mac)); }
    std::uint32_t countOnPort(PortId port) const;
    const MacTableStats &stats() const { return m_stats; }
    const MacTableConfig &config() const { return m_config; }
    // Verifies the internal invariants (every entry reachable from its home slot without
    // crossing an empty slot, per-port lists complete and consistent with the counts, size).
    // For tests; O(slots). Touches nothing.
    bool checkConsistency() const;

private:
    static constexpr std::uint32_t kNil = 0xffffffffu;
    // One slot; port == kNoPort marks it empty (ports start at 1, so no entry has port 0).
    struct alignas(32) Slot {
        std::uint64_t key = 0;
        std::int64_t lastSeen = 0;
        PortId port = kNoPort;
        std::uint32_t prev = kNil, next = kNil;  // per-port LRU list of slot numbers (head = oldest)
        std::uint32_t moves = 0;
    };
    struct Flap {
        std::int64_t windowStart = 0;
        std::int64_t holdUntil = 0;
    };
    struct PortList {
        std::uint32_t head = kNil, tail = kNil, count = 0;
    };
    static std::uint64_t key(std::uint16_t vlan, const std::uint8_t *mac);
    std::uint32_t home(std::uint64_t k) const;
    // The slot holding `k`, or kNil.
    std::uint32_t find(std::uint64_t k) const;
    PortList &listOf(PortId port);
    void unlink(std::uint32_t slot);
    void linkTail(std::uint32_t slot);
    // Makes a linked entry the newest of its port's list (the refresh on every frame).
    void moveToTail(std::uint32_t slot);
    // Re-points the neighbours (or the port's list ends) of the entry now at `to`.
    void relink(std::uint32_t to);
    // Unlinks and empties `slot`, shifting the rest of its cluster back.
    void remove(std::uint32_t slot);
    void evictOne();

    MacTableConfig m_config;
    std::vector<Slot> m_slots;
    std::vector<Flap> m_flap;  // parallel to m_slots
    std::uint32_t m_mask = 0;
    int m_shift = 63;
    std::uint64_t m_seed = 0;
    std::vector<PortList> m_ports;  // index = PortId
    std::uint32_t m_size = 0;
    MacTableStats m_stats;
};

}  // namespace netloom::sw
