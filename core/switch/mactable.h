// MacTable: the learning table of one switch — (VLAN, MAC) -> port, bounded, aged, fair.
//
// Design note.
// - Bound: at most `capacity` entries (default 8192) in a preallocated slab; learning never
//   allocates on the hot path once the hash map has grown to its final bucket count.
// - Fair eviction: when the table is full, the victim is the least recently seen entry of the
//   port that currently owns the MOST entries. A port flooding random source MACs therefore
//   only ever evicts its own entries once it is the largest owner; other ports' entries survive.
// - Aging: an entry not refreshed for `agingNs` is removed by expire(), which walks each
//   port's LRU list from its oldest end, so a sweep costs O(expired + ports).
// - Flap damping: a MAC that moves between ports more than `flapMoves` times within
//   `flapWindowNs` is pinned to its current port for `flapHoldNs`; moves seen during the hold
//   are refused (and counted) instead of re-learned, so a loop or spoofer cannot make the
//   table thrash.
// - Multicast/broadcast source MACs are never learned (the caller checks; learn() refuses too).
// Time is always passed in (nanoseconds of a monotonic clock); the class never reads a clock.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace netloom::sw {

using PortId = std::uint32_t;
constexpr PortId kNoPort = 0;  // port ids start at 1

struct MacTableConfig {
    std::uint32_t capacity = 8192;
    std::int64_t agingNs = 300'000'000'000;   // 300 s, like a hardware switch
    std::uint32_t flapMoves = 4;              // moves tolerated per window
    std::int64_t flapWindowNs = 1'000'000'000;
    std::int64_t flapHoldNs = 5'000'000'000;
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
    explicit MacTable(const MacTableConfig &config = {});

    enum class LearnResult { Refreshed, Learned, Moved, Damped, Ignored };
    // Records that `mac` (6 bytes) was seen on `port` in `vlan` at `nowNs`. Multicast sources
    // and kNoPort are ignored. May evict one entry (fair eviction, see above).
    LearnResult learn(std::uint16_t vlan, const std::uint8_t *mac, PortId port, std::int64_t nowNs);
    // The port `mac` was last learned on in `vlan`, or kNoPort (unknown or aged out at nowNs).
    PortId lookup(std::uint16_t vlan, const std::uint8_t *mac, std::int64_t nowNs) const;
    // Removes every entry of `port` (the port went away). Returns how many.
    std::uint32_t flushPort(PortId port);
    // Removes entries not seen for agingNs. Returns how many.
    std::uint32_t expire(std::int64_t nowNs);

    std::uint32_t size() const { return m_size; }
    std::uint32_t capacity() const { return m_config.capacity; }
    std::uint32_t countOnPort(PortId port) const;
    const MacTableStats &stats() const { return m_stats; }
    const MacTableConfig &config() const { return m_config; }

private:
    static constexpr std::uint32_t kNil = 0xffffffffu;
    struct Entry {
        std::uint64_t key = 0;
        PortId port = kNoPort;
        std::int64_t lastSeen = 0;
        std::int64_t windowStart = 0;
        std::int64_t holdUntil = 0;
        std::uint32_t moves = 0;
        std::uint32_t prev = kNil, next = kNil;  // per-port LRU list (head = oldest)
    };
    struct PortList {
        std::uint32_t head = kNil, tail = kNil, count = 0;
    };
    static std::uint64_t key(std::uint16_t vlan, const std::uint8_t *mac);
    void unlink(std::uint32_t idx);
    void linkTail(std::uint32_t idx);
    // Makes a linked entry the newest of its port's list without touching the port map (the
    // refresh on every frame: no hashing, no allocation).
    void moveToTail(std::uint32_t idx);
    void remove(std::uint32_t idx);
    std::uint32_t allocate();  // evicts when full

    MacTableConfig m_config;
    std::vector<Entry> m_slab;
    std::vector<std::uint32_t> m_free;
    std::unordered_map<std::uint64_t, std::uint32_t> m_index;
    std::unordered_map<PortId, PortList> m_ports;
    std::uint32_t m_size = 0;
    MacTableStats m_stats;
};

}  // namespace netloom::sw
