// SPDX-License-Identifier: GPL-3.0-or-later
#include "portcounters.h"

namespace netloom::sw {

PortCounterValues PortCounters::read() const
{
    constexpr auto r = std::memory_order_relaxed;
    PortCounterValues v;
    v.rxFrames = rxFrames.load(r);
    v.rxBytes = rxBytes.load(r);
    v.txFrames = txFrames.load(r);
    v.txBytes = txBytes.load(r);
    v.rxDrops = rxDrops.load(r);
    v.txDrops = txDrops.load(r);
    v.rxBroadcast = rxBroadcast.load(r);
    v.rxMulticast = rxMulticast.load(r);
    v.txBroadcast = txBroadcast.load(r);
    v.txMulticast = txMulticast.load(r);
    v.runtsPadded = runtsPadded.load(r);
    v.oversize = oversize.load(r);
    v.impairLoss = impairLoss.load(r);
    v.impairQueueDrops = impairQueueDrops.load(r);
    v.linkDownDrops = linkDownDrops.load(r);
    v.impairDuplicated = impairDuplicated.load(r);
    v.impairCorrupted = impairCorrupted.load(r);
    v.impairDelayed = impairDelayed.load(r);
    v.mirrorDrops = mirrorDrops.load(r);
    return v;
}

std::vector<PortRate> CounterSampler::sample(const std::vector<PortSnapshot> &snapshot, std::int64_t nowNs)
{
    std::vector<PortRate> rates;
    const double dt = double(nowNs - m_lastNs) / 1e9;
    std::map<std::uint32_t, PortCounterValues> next;
    for (const PortSnapshot &s : snapshot) {
        next[s.port] = s.values;
        const auto it = m_last.find(s.port);
        if (it == m_last.end() || m_lastNs == 0 || dt <= 0)
            continue;
        const PortCounterValues &a = it->second, &b = s.values;
        if (b.rxFrames < a.rxFrames || b.txFrames < a.txFrames || b.rxBytes < a.rxBytes || b.txBytes < a.txBytes)
            continue;
        PortRate r;
        r.port = s.port;
        r.rxFramesPerSec = double(b.rxFrames - a.rxFrames) / dt;
        r.txFramesPerSec = double(b.txFrames - a.txFrames) / dt;
        r.rxBitsPerSec = double(b.rxBytes - a.rxBytes) * 8 / dt;
        r.txBitsPerSec = double(b.txBytes - a.txBytes) * 8 / dt;
        const std::uint64_t dropsA = a.rxDrops + a.txDrops, dropsB = b.rxDrops + b.txDrops;
        r.dropsPerSec = dropsB >= dropsA ? double(dropsB - dropsA) / dt : 0;
        rates.push_back(r);
    }
    m_last = std::move(next);
    m_lastNs = nowNs;
    return rates;
}

}  // namespace netloom::sw
