// SPDX-License-Identifier: GPL-3.0-or-later
// Per-port traffic counters and the sampler that turns them into rates.
//
// One writer (the switch thread) bumps plain relaxed atomics — a load and a store, no locked
// read-modify-write — and any thread may read them at any time without locks. Readers see
// each counter individually consistent (no torn 64-bit values); a snapshot across counters
// is approximate by a frame or two, which is what charts need.
#pragma once

#include <QString>

#include <atomic>
#include <cstdint>
#include <map>
#include <vector>

namespace netloom::sw {

struct PortCounterValues {
    std::uint64_t rxFrames = 0, rxBytes = 0, txFrames = 0, txBytes = 0;
    std::uint64_t rxDrops = 0;       // refused on ingress (malformed, oversize, VLAN, filtered)
    std::uint64_t txDrops = 0;       // could not be delivered (slow or full peer, queue bound)
    std::uint64_t rxBroadcast = 0, rxMulticast = 0, txBroadcast = 0, txMulticast = 0;
    std::uint64_t runtsPadded = 0;   // frames received shorter than 60 bytes (padded on egress)
    std::uint64_t oversize = 0;      // frames received longer than the limit (dropped)
    // Network emulation (both directions of the port together; see SwitchEngine):
    std::uint64_t impairLoss = 0;       // dropped by random or Gilbert–Elliott loss
    std::uint64_t impairQueueDrops = 0; // dropped by the rate queue or a full delay line
    std::uint64_t linkDownDrops = 0;    // dropped because the port is set down
    std::uint64_t impairDuplicated = 0; // frames sent twice
    std::uint64_t impairCorrupted = 0;  // copies with one bit flipped
    std::uint64_t impairDelayed = 0;    // frames held right now (a gauge, not a count)
    std::uint64_t mirrorDrops = 0;      // mirror copies this port (a mirror target) could not take
    // Frames lost to emulation (loss, queue, down).
    std::uint64_t impairDrops() const { return impairLoss + impairQueueDrops + linkDownDrops; }
};

class PortCounters {
public:
    // Writer side (switch thread only).
    static void bump(std::atomic<std::uint64_t> &c, std::uint64_t by = 1)
    {
        c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
    }
    std::atomic<std::uint64_t> rxFrames{0}, rxBytes{0}, txFrames{0}, txBytes{0};
    std::atomic<std::uint64_t> rxDrops{0}, txDrops{0};
    std::atomic<std::uint64_t> rxBroadcast{0}, rxMulticast{0}, txBroadcast{0}, txMulticast{0};
    std::atomic<std::uint64_t> runtsPadded{0}, oversize{0};
    std::atomic<std::uint64_t> impairLoss{0}, impairQueueDrops{0}, linkDownDrops{0}, impairDuplicated{0}, impairCorrupted{0};
    std::atomic<std::uint64_t> impairDelayed{0};  // stored, not bumped
    std::atomic<std::uint64_t> mirrorDrops{0};

    // Reader side (any thread).
    PortCounterValues read() const;
};

struct PortSnapshot {
    std::uint32_t port = 0;
    QString name;
    PortCounterValues values;
};

struct PortRate {
    std::uint32_t port = 0;
    double rxFramesPerSec = 0, txFramesPerSec = 0, rxBitsPerSec = 0, txBitsPerSec = 0;
    double dropsPerSec = 0;
};

// Turns successive snapshots into per-second rates. Pure: the caller passes the time.
class CounterSampler {
public:
    // Feeds one snapshot taken at nowNs; returns the rates since the previous one for ports
    // present in both (a port seen for the first time, or a counter that went backwards
    // because a port id was reused, yields no rate).
    std::vector<PortRate> sample(const std::vector<PortSnapshot> &snapshot, std::int64_t nowNs);

private:
    std::map<std::uint32_t, PortCounterValues> m_last;
    std::int64_t m_lastNs = 0;
};

}  // namespace netloom::sw
