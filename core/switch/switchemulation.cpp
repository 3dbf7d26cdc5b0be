// SPDX-License-Identifier: GPL-3.0-or-later
// SwitchEngine: network emulation (impairment per port number and direction, link down) and
// port mirroring. See the design notes in switchengine.h and impairment.h.
#include "switchengine.h"

#include "engineport.h"
#include "hotpath.h"

#include <sys/timerfd.h>

#include <algorithm>
#include <cstring>
#include <ctime>

namespace netloom::sw {

namespace {

std::int64_t wallClockNs()
{
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Counts what the impairment stage decided for one frame on the port's counters; false when
// the frame is lost (nothing of it goes on).
bool countVerdict(PortCounters &c, const ImpairmentStage::Verdict &v)
{
    if (v.fate == ImpairmentStage::Fate::Lost) {
        PortCounters::bump(c.impairLoss);
        return false;
    }
    if (v.queueDrops)
        PortCounters::bump(c.impairQueueDrops, std::uint64_t(v.queueDrops));
    if (v.duplicated)
        PortCounters::bump(c.impairDuplicated);
    if (v.corrupted)
        PortCounters::bump(c.impairCorrupted, std::uint64_t(v.corrupted));
    return true;
}

Error badPort(const QString &verb, PortId port, std::uint32_t maxPorts)
{
    return Error::failed(ErrorCode::InvalidArgument, verb, QStringLiteral("port %1").arg(port),
                         QStringLiteral("port numbers are 1..%1").arg(maxPorts));
}

}  // namespace

// ---- Public API (any thread) ----

Status SwitchEngine::setPortEmulation(PortId port, const PortEmulation &emulation)
{
    const QString verb = QStringLiteral("set emulation");
    if (port == kNoPort || port > m_config.maxPorts)
        return badPort(verb, port, m_config.maxPorts);
    for (const protocol::Impairment *imp : {&emulation.toPort, &emulation.fromPort})
        if (Status s = protocol::validateImpairment(*imp); !s)
            return Error::failed(ErrorCode::InvalidArgument, verb, QStringLiteral("port %1").arg(port), s.error().message);
    {
        std::lock_guard<std::mutex> lock(m_registryMutex);
        if (emulation.isNone())
            m_emulations.erase(port);
        else
            m_emulations[port] = emulation;
    }
    post([this, port, emulation] {
        Hooks &h = hooksFor(port);
        h.toPort.configure(emulation.toPort);
        h.fromPort.configure(emulation.fromPort);
        h.egress = !h.toPort.isNone();
        h.ingress = !h.fromPort.isNone();
        h.up = emulation.up;
        if (!h.up)
            dropHeld(port, h);
        refreshHooks(port);
    });
    return ok();
}

PortEmulation SwitchEngine::portEmulation(PortId port) const
{
    std::lock_guard<std::mutex> lock(m_registryMutex);
    const auto it = m_emulations.find(port);
    return it == m_emulations.end() ? PortEmulation{} : it->second;
}

Status SwitchEngine::setMirror(PortId source, PortId target, MirrorDirection direction)
{
    const QString verb = QStringLiteral("mirror");
    if (source == kNoPort || source > m_config.maxPorts)
        return badPort(verb, source, m_config.maxPorts);
    if (target == kNoPort || target > m_config.maxPorts)
        return badPort(verb, target, m_config.maxPorts);
    const QString what = QStringLiteral("port %1 onto port %2").arg(source).arg(target);
    if (source == target)
        return Error::failed(ErrorCode::InvalidArgument, verb, what, QStringLiteral("a port cannot be mirrored onto itself"));
    {
        std::lock_guard<std::mutex> lock(m_registryMutex);
        // Follow the target's own mirror chain (bounded by the number of mirrors): reaching
        // the source would make a loop.
        PortId at = target;
        for (std::size_t steps = 0; steps <= m_mirrors.size(); ++steps) {
            const auto it = m_mirrors.find(at);
            if (it == m_mirrors.end())
                break;
            at = it->second.target;
            if (at == source)
                return Error::failed(ErrorCode::InvalidArgument, verb, what,
                                     QStringLiteral("port %1 is itself mirrored onto port %2 (a mirror loop)").arg(target).arg(source));
        }
        m_mirrors[source] = MirrorSetting{target, direction};
    }
    post([this, source, target, direction] {
        Hooks &h = hooksFor(source);
        h.mirrorTarget = target;
        h.mirrorRx = direction != MirrorDirection::Tx;
        h.mirrorTx = direction != MirrorDirection::Rx;
        refreshHooks(source);
    });
    return ok();
}

void SwitchEngine::clearMirror(PortId source)
{
    {
        std::lock_guard<std::mutex> lock(m_registryMutex);
        if (m_mirrors.erase(source) == 0)
            return;
    }
    post([this, source] {
        if (source >= m_hooks.size() || !m_hooks[source])
            return;
        Hooks &h = *m_hooks[source];
        h.mirrorTarget = kNoPort;
        h.mirrorRx = h.mirrorTx = false;
        refreshHooks(source);
    });
}

// ---- Switch thread ----

SwitchEngine::Hooks &SwitchEngine::hooksFor(PortId id)
{
    if (!m_hooks[id]) {
        m_hooks[id] = std::make_unique<Hooks>(m_config.emuQueueFrames, m_config.emuQueueBytes);
        m_hookIds.push_back(id);
    }
    return *m_hooks[id];
}

void SwitchEngine::refreshHooks(PortId id)
{
    Port *p = id < m_portsById.size() ? m_portsById[id].get() : nullptr;
    Hooks *h = m_hooks[id].get();
    if (p) {
        p->hooks = h && h->active() ? h : nullptr;
        if (h)
            p->counters->impairDelayed.store(h->outLine.frames() + h->inLine.frames(), std::memory_order_relaxed);
    }
}

void SwitchEngine::dropHeld(PortId id, Hooks &h)
{
    const std::size_t n = h.outLine.clear() + h.inLine.clear();
    Port *p = id < m_portsById.size() ? m_portsById[id].get() : nullptr;
    if (p && n) {
        PortCounters::bump(p->counters->linkDownDrops, n);
        p->counters->impairDelayed.store(0, std::memory_order_relaxed);
    }
}

void SwitchEngine::armEmulation(std::int64_t dueNs)
{
    if (m_emuArmedNs >= 0 && m_emuArmedNs <= dueNs)
        return;
    m_emuArmedNs = dueNs;
    itimerspec its{};
    const std::int64_t at = std::max<std::int64_t>(dueNs, 1);  // 0 would disarm
    its.it_value.tv_sec = at / 1'000'000'000;
    its.it_value.tv_nsec = at % 1'000'000'000;
    ::timerfd_settime(m_emuTimer, TFD_TIMER_ABSTIME, &its, nullptr);
}

void SwitchEngine::runEmulation()
{
    m_emuArmedNs = -1;
    const std::int64_t now = monotonicNs();
    // Ports may die while frames are released: walk the numbers by index.
    for (std::size_t k = 0; k < m_hookIds.size(); ++k) {
        const PortId id = m_hookIds[k];
        Hooks &h = *m_hooks[id];
        if (h.outLine.empty() && h.inLine.empty())
            continue;
        Port *p = m_portsById[id].get();
        if (!p) {
            h.outLine.clear();
            h.inLine.clear();
            continue;
        }
        releaseEgress(*p, h, now);
        if (m_portsById[id])
            releaseIngress(*m_portsById[id], h, now);
        refreshHooks(id);
    }
    std::int64_t next = -1;
    for (PortId id : m_hookIds) {
        const Hooks &h = *m_hooks[id];
        for (std::int64_t due : {h.outLine.nextDue(), h.inLine.nextDue()})
            if (due >= 0 && (next < 0 || due < next))
                next = due;
    }
    if (next >= 0)
        armEmulation(next);
}

void SwitchEngine::releaseEgress(Port &p, Hooks &h, std::int64_t now)
{
    const PortId id = p.id;
    int budget = m_config.emuReleaseBurst;
    while (budget > 0 && h.outLine.nextDue() >= 0 && h.outLine.nextDue() <= now) {
        h.outLine.takeDue(now, std::size_t(std::min(budget, 64)), &m_releasedOut);
        budget -= int(m_releasedOut.size());
        OutFrame frames[64];
        Cast casts[64];
        int n = 0;
        const unsigned accepted = p.transport->offloadsAccepted();
        for (DelayedFrame &f : m_releasedOut) {
            const std::uint8_t *hdr = f.hasVnet ? f.vnet.data() : nullptr;
            const unsigned need = vnetOffloadsNeeded(hdr);
            if ((accepted & need) != need) {
                PortCounters::bump(p.counters->txDrops);  // offloads switched off meanwhile
                continue;
            }
            frames[n] = OutFrame{};
            frames[n].add(f.bytes.data(), f.bytes.size());
            frames[n].vnetHdr = hdr;
            casts[n] = Cast(f.tag);
            ++n;
        }
        const int sent = n ? sendDirect(p, frames, casts, n) : 0;
        if (sent > 0 && h.mirrorTx && m_portsById[id])
            mirrorOut(h, frames, sent);
        h.outLine.recycle(&m_releasedOut);
        if (!m_portsById[id])
            return;  // the port died (detachPort dropped what it held)
    }
    if (h.outLine.nextDue() >= 0)
        armEmulation(h.outLine.nextDue() <= now ? now : h.outLine.nextDue());
}

void SwitchEngine::releaseIngress(Port &p, Hooks &h, std::int64_t now)
{
    const PortId id = p.id;
    const std::size_t batch = std::size_t(m_config.batch);
    int budget = m_config.emuReleaseBurst;
    while (budget > 0 && h.inLine.nextDue() >= 0 && h.inLine.nextDue() <= now) {
        h.inLine.takeDue(now, std::min<std::size_t>(std::size_t(budget), batch), &m_released);
        budget -= int(m_released.size());
        for (std::size_t i = 0; i < m_released.size(); ++i) {
            DelayedFrame &f = m_released[i];
            const std::uint8_t *hdr = f.hasVnet ? f.vnet.data() : nullptr;
            if (h.mirrorRx) {
                OutFrame m;
                m.add(f.bytes.data(), f.bytes.size());
                m.vnetHdr = hdr;
                mirrorOut(h, &m, 1);
            }
            if (!m_portsById[id])
                break;
            handleFrame(p, f.bytes.data(), f.bytes.size(), now, m_tags[i].data(), hdr, nullptr);
        }
        flushEgress();  // the egress iovecs point into m_released: send before recycling
        h.inLine.recycle(&m_released);
        if (!m_portsById[id])
            return;
    }
    if (h.inLine.nextDue() >= 0)
        armEmulation(h.inLine.nextDue() <= now ? now : h.inLine.nextDue());
}

void SwitchEngine::sendHooked(Port &p, const OutFrame *frames, const Cast *casts, int n)
{
    Hooks &h = *p.hooks;
    PortCounters &c = *p.counters;
    if (!h.up) {
        PortCounters::bump(c.linkDownDrops, std::uint64_t(n));
        return;
    }
    if (!h.egress) {
        // Mirroring only (or frames of an old setting still held, which keep their schedule).
        const PortId id = p.id;
        const int sent = sendDirect(p, frames, casts, n);
        if (sent > 0 && h.mirrorTx && m_portsById[id])
            mirrorOut(h, frames, sent);
        return;
    }
    const std::int64_t now = monotonicNs();
    for (int i = 0; i < n; ++i) {
        const OutFrame &f = frames[i];
        const ImpairmentStage::Verdict v = h.toPort.decide(now, f.len, m_rng);
        if (!countVerdict(c, v))
            continue;
        for (int k = 0; k < v.copies; ++k) {
            const ImpairmentStage::Copy &copy = v.copy[k];
            if (v.copies == 1 && copy.flipBit < 0 && copy.dueNs <= now && h.outLine.empty()) {
                // Due at once and nothing ahead of it: no copy, no timer.
                const PortId id = p.id;
                const int sent = sendDirect(p, &f, &casts[i], 1);
                if (!m_portsById[id])
                    return;
                if (sent > 0 && h.mirrorTx)
                    mirrorOut(h, &f, 1);
                continue;
            }
            const void *ptrs[OutFrame::kMaxIov];
            std::size_t lens[OutFrame::kMaxIov];
            for (int j = 0; j < f.iovcnt; ++j) {
                ptrs[j] = f.iov[j].iov_base;
                lens[j] = f.iov[j].iov_len;
            }
            if (!h.outLine.pushGather(copy.dueNs, ptrs, lens, f.iovcnt, f.vnetHdr, std::uint8_t(casts[i]), copy.flipBit))
                PortCounters::bump(c.impairQueueDrops);
        }
    }
    c.impairDelayed.store(h.outLine.frames() + h.inLine.frames(), std::memory_order_relaxed);
    if (h.outLine.nextDue() >= 0) {
        if (h.outLine.nextDue() <= now)
            releaseEgress(p, h, now);
        else
            armEmulation(h.outLine.nextDue());
    }
}

void SwitchEngine::receiveHooked(Port &p, std::uint8_t *frame, std::size_t len, std::int64_t now, std::uint8_t *tagSlot,
                                 const std::uint8_t *vnet, const InPlaceFrame *inPlace)
{
    Hooks &h = *p.hooks;
    PortCounters &c = *p.counters;
    if (!h.up) {
        PortCounters::bump(c.linkDownDrops);
        return;
    }
    if (inPlace && (h.ingress || h.mirrorRx)) {
        // Copies and mirrors need the whole frame: gather the tail into the receive buffer
        // (it has room for any frame).
        std::size_t at = kPeekBytes;
        for (int k = 0; k < inPlace->tailCount; ++k) {
            std::memcpy(frame + at, inPlace->tail[k].iov_base, inPlace->tail[k].iov_len);
            at += inPlace->tail[k].iov_len;
        }
        inPlace = nullptr;
    }
    const auto mirrorIn = [&] {
        if (!h.mirrorRx)
            return;
        OutFrame m;
        m.add(frame, len);
        m.vnetHdr = vnet;
        mirrorOut(h, &m, 1);
    };
    if (!h.ingress) {
        mirrorIn();
        handleFrame(p, frame, len, now, tagSlot, vnet, inPlace);
        return;
    }
    const ImpairmentStage::Verdict v = h.fromPort.decide(now, len, m_rng);
    if (!countVerdict(c, v))
        return;
    for (int k = 0; k < v.copies; ++k) {
        const ImpairmentStage::Copy &copy = v.copy[k];
        if (v.copies == 1 && copy.flipBit < 0 && copy.dueNs <= now && h.inLine.empty()) {
            mirrorIn();
            handleFrame(p, frame, len, now, tagSlot, vnet, nullptr);
            continue;
        }
        const void *ptrs[1] = {frame};
        const std::size_t lens[1] = {len};
        if (!h.inLine.pushGather(copy.dueNs, ptrs, lens, 1, vnet, 0, copy.flipBit))
            PortCounters::bump(c.impairQueueDrops);
    }
    c.impairDelayed.store(h.outLine.frames() + h.inLine.frames(), std::memory_order_relaxed);
    // Held frames are decided from the event loop, after this batch (their egress iovecs
    // must not mix with the batch's): the timer fires at once when they are already due.
    if (h.inLine.nextDue() >= 0)
        armEmulation(h.inLine.nextDue());
}

void SwitchEngine::mirrorOut(Hooks &h, const OutFrame *frames, int n)
{
    Port *t = h.mirrorTarget < m_portsById.size() ? m_portsById[h.mirrorTarget].get() : nullptr;
    if (!t)
        return;
    PortCounters &c = *t->counters;
    if (t->hooks && !t->hooks->up) {
        PortCounters::bump(c.linkDownDrops, std::uint64_t(n));
        return;
    }
    if (!t->queue.empty() || t->transport->hasPending()) {
        PortCounters::bump(c.mirrorDrops, std::uint64_t(n));  // the target is backed up
        return;
    }
    const unsigned accepted = t->transport->offloadsAccepted();
    OutFrame out[64];
    int m = 0;
    for (int i = 0; i < n && m < 64; ++i) {
        const unsigned need = vnetOffloadsNeeded(frames[i].vnetHdr);
        if ((accepted & need) != need) {
            PortCounters::bump(c.mirrorDrops);  // an offload frame the target cannot take
            continue;
        }
        out[m++] = frames[i];
    }
    if (m == 0)
        return;
    const SendResult r = t->transport->send(out, m);
    const std::int64_t wall = t->capture ? wallClockNs() : 0;
    for (int i = 0; i < r.sent; ++i) {
        PortCounters::bump(c.txFrames);
        PortCounters::bump(c.txBytes, out[i].len);
        if (t->capture)
            t->capture->write(out[i], wall);
    }
    if (m - r.sent > 0)
        PortCounters::bump(c.mirrorDrops, std::uint64_t(m - r.sent));
    if (r.dead)
        detachPort(t->id, t->transport->lastError().isEmpty() ? QStringLiteral("peer disconnected") : t->transport->lastError());
}

}  // namespace netloom::sw
