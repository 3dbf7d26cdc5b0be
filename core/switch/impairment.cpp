// SPDX-License-Identifier: GPL-3.0-or-later
#include "impairment.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace netloom::sw {

namespace {

std::uint64_t splitmix(std::uint64_t *x)
{
    std::uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// Pareto with shape 3 (netem's table uses the same shape), standardised: mean 1.5 and
// standard deviation sqrt(0.75) for a scale of 1.
double standardPareto(Rng &rng)
{
    const double u = 1.0 - rng.uniform();  // (0, 1]
    const double x = std::pow(u, -1.0 / 3.0);
    return (x - 1.5) / std::sqrt(0.75);
}


}  // namespace

Rng::Rng(std::uint64_t seed) { this->seed(seed); }

void Rng::seed(std::uint64_t seed)
{
    std::uint64_t x = seed;
    for (auto &s : m_s)
        s = splitmix(&x);
    m_haveSpare = false;
}

std::uint64_t Rng::next()
{
    const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
    const std::uint64_t t = m_s[1] << 17;
    m_s[2] ^= m_s[0];
    m_s[3] ^= m_s[1];
    m_s[1] ^= m_s[2];
    m_s[0] ^= m_s[3];
    m_s[2] ^= t;
    m_s[3] = rotl(m_s[3], 45);
    return result;
}

double Rng::uniform() { return double(next() >> 11) * 0x1.0p-53; }

bool Rng::chance(double percent)
{
    if (percent <= 0)
        return false;
    if (percent >= 100)
        return true;
    return uniform() * 100.0 < percent;
}

double Rng::normal()
{
    if (m_haveSpare) {
        m_haveSpare = false;
        return m_spare;
    }
    double u1 = uniform();
    while (u1 <= 0)
        u1 = uniform();
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    m_spare = r * std::sin(2 * M_PI * u2);
    m_haveSpare = true;
    return r * std::cos(2 * M_PI * u2);
}

void ImpairmentStage::configure(const protocol::Impairment &imp)
{
    m_imp = imp;
    m_none = imp.isNone();
    if (!imp.burst)
        m_bad = false;
}

std::int64_t ImpairmentStage::drawDelayNs(Rng &rng) const
{
    const double mu = double(m_imp.delayUs) * 1000.0;
    const double sigma = double(m_imp.jitterUs) * 1000.0;
    if (sigma <= 0)
        return std::int64_t(mu);
    double z = 0;
    using D = protocol::Impairment::Distribution;
    switch (m_imp.distribution) {
    case D::Uniform:
        z = rng.uniform() * 2.0 - 1.0;
        break;
    case D::Normal:
        z = std::clamp(rng.normal(), -4.0, 4.0);
        break;
    case D::Pareto:
        z = std::min(standardPareto(rng), 8.0);
        break;
    case D::ParetoNormal: {
        // netem's mix: a quarter normal, three quarters pareto, kept at unit spread.
        const double n = rng.normal(), p = standardPareto(rng);
        z = std::clamp((0.25 * n + 0.75 * p) / std::sqrt(0.25 * 0.25 + 0.75 * 0.75), -4.0, 8.0);
        break;
    }
    }
    return std::int64_t(std::llround(mu + sigma * z));
}

bool ImpairmentStage::scheduleCopy(std::int64_t arrivalNs, std::size_t len, Rng &rng, Copy *out)
{
    std::int64_t due = arrivalNs;
    if (m_imp.delayUs || m_imp.jitterUs)
        due = std::max(arrivalNs, arrivalNs + drawDelayNs(rng));
    if (!m_imp.reorder)
        due = std::max(due, m_lastDueNs);
    m_lastDueNs = std::max(m_lastDueNs, due);
    if (m_imp.rateBitsPerSecond) {
        // A FIFO serialiser: frames leave in the order they reach it.
        const double nsPerByte = 8e9 / double(m_imp.rateBitsPerSecond);
        if (m_linkFreeNs > due) {
            const double backlog = double(m_linkFreeNs - due) / nsPerByte;
            if (backlog + double(len) > double(m_imp.effectiveQueueBytes()))
                return false;
        }
        const std::int64_t start = std::max(due, m_linkFreeNs);
        due = start + std::int64_t(std::ceil(double(len) * nsPerByte));
        m_linkFreeNs = due;
    }
    out->dueNs = due;
    return true;
}

ImpairmentStage::Verdict ImpairmentStage::decide(std::int64_t arrivalNs, std::size_t len, Rng &rng)
{
    Verdict v;
    if (m_none) {
        v.copies = 1;
        v.copy[0].dueNs = arrivalNs;
        return v;
    }
    bool lost;
    if (m_imp.burst) {
        const protocol::GilbertElliott &g = *m_imp.burst;
        lost = rng.chance(m_bad ? g.lossBad : g.lossGood);
        m_bad = m_bad ? !rng.chance(g.r) : rng.chance(g.p);
    } else {
        lost = rng.chance(m_imp.lossPercent);
    }
    if (lost) {
        v.fate = Fate::Lost;
        return v;
    }
    const int n = rng.chance(m_imp.duplicatePercent) ? 2 : 1;
    v.duplicated = n == 2;
    for (int k = 0; k < n; ++k) {
        Copy c;
        if (len > 0 && rng.chance(m_imp.corruptPercent))
            c.flipBit = std::int32_t(rng.next() % (std::uint64_t(len) * 8));
        if (!scheduleCopy(arrivalNs, len, rng, &c)) {
            ++v.queueDrops;
            continue;
        }
        if (c.flipBit >= 0)
            ++v.corrupted;
        v.copy[v.copies++] = c;
    }
    if (v.copies == 0)
        v.fate = Fate::QueueFull;
    return v;
}

DelayLine::DelayLine(std::size_t maxFrames, std::size_t maxBytes) : m_maxFrames(maxFrames), m_maxBytes(maxBytes) {}

DelayedFrame *DelayLine::slot(std::int64_t dueNs, std::size_t len, const std::uint8_t *vnet, std::uint8_t tag)
{
    if (m_heap.size() >= m_maxFrames || m_bytes + len > m_maxBytes)
        return nullptr;
    DelayedFrame &f = m_heap.emplace_back();
    if (!m_spare.empty()) {
        f.bytes = std::move(m_spare.back());
        m_spare.pop_back();
        m_spareBytes -= f.bytes.capacity();
    }
    f.bytes.resize(len);
    f.dueNs = dueNs;
    f.seq = m_seq++;
    f.hasVnet = vnet != nullptr;
    if (vnet)
        std::memcpy(f.vnet.data(), vnet, f.vnet.size());
    f.tag = tag;
    return &f;
}

namespace {
struct Later {
    bool operator()(const DelayedFrame &a, const DelayedFrame &b) const
    {
        return a.dueNs > b.dueNs || (a.dueNs == b.dueNs && a.seq > b.seq);
    }
};
}  // namespace

void DelayLine::commit()
{
    m_bytes += m_heap.back().bytes.size();
    std::push_heap(m_heap.begin(), m_heap.end(), Later{});
}

bool DelayLine::push(std::int64_t dueNs, const std::uint8_t *frame, std::size_t len, const std::uint8_t *vnet, std::uint8_t tag)
{
    DelayedFrame *f = slot(dueNs, len, vnet, tag);
    if (!f)
        return false;
    if (len)
        std::memcpy(f->bytes.data(), frame, len);
    commit();
    return true;
}

bool DelayLine::pushGather(std::int64_t dueNs, const void *const *ptrs, const std::size_t *lens, int pieces,
                           const std::uint8_t *vnet, std::uint8_t tag, std::int32_t flipBit)
{
    std::size_t len = 0;
    for (int i = 0; i < pieces; ++i)
        len += lens[i];
    DelayedFrame *f = slot(dueNs, len, vnet, tag);
    if (!f)
        return false;
    std::size_t at = 0;
    for (int i = 0; i < pieces; ++i) {
        if (lens[i])
            std::memcpy(f->bytes.data() + at, ptrs[i], lens[i]);
        at += lens[i];
    }
    if (flipBit >= 0 && std::size_t(flipBit) / 8 < len)
        f->bytes[std::size_t(flipBit) / 8] ^= std::uint8_t(1u << (flipBit % 8));
    commit();
    return true;
}

void DelayLine::takeDue(std::int64_t nowNs, std::size_t max, std::vector<DelayedFrame> *out)
{
    out->clear();
    while (!m_heap.empty() && m_heap.front().dueNs <= nowNs && out->size() < max) {
        std::pop_heap(m_heap.begin(), m_heap.end(), Later{});
        m_bytes -= m_heap.back().bytes.size();
        out->push_back(std::move(m_heap.back()));
        m_heap.pop_back();
    }
}

void DelayLine::recycle(std::vector<DelayedFrame> *frames)
{
    for (DelayedFrame &f : *frames) {
        if (m_spare.size() >= kMaxSpare || m_spareBytes + f.bytes.capacity() > kMaxSpareBytes)
            continue;
        m_spareBytes += f.bytes.capacity();
        m_spare.push_back(std::move(f.bytes));
    }
    frames->clear();
}

std::size_t DelayLine::clear()
{
    const std::size_t n = m_heap.size();
    m_heap.clear();
    m_bytes = 0;
    return n;
}

}  // namespace netloom::sw
