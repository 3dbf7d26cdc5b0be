// SPDX-License-Identifier: GPL-3.0-or-later
// FakeGuest: a guest's RAM and one or more split virtqueues as a virtio driver would lay them
// out, for the Virtqueue/VirtioNet unit tests and the walker's microbenchmark. No Qt.
//
// Memory: one 64-byte-aligned host buffer holding three regions with gaps:
//   A: gpa 0x00000..0x10000 -> host +0x00000      (rings live here)
//   B: gpa 0x10000..0x20000 -> host +0x11000      (gpa-contiguous with A, host gap between)
//   C: gpa 0x80000..0x90000 -> host +0x22000      (gpa gap 0x20000..0x80000)
// A buffer crossing A/B is valid but split in two; anything touching 0x20000..0x80000 or
// beyond 0x90000 is outside guest memory.
#pragma once

#include "switch/guestmemory.h"
#include "switch/virtqueue.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace netloom::test {

class FakeGuest {
public:
    static constexpr std::uint64_t kA = 0x00000, kB = 0x10000, kC = 0x80000, kRegion = 0x10000;
    static constexpr std::size_t kHostSize = 0x33000;

    FakeGuest()
    {
        m_host = static_cast<std::uint8_t *>(std::aligned_alloc(64, kHostSize));
        std::memset(m_host, 0, kHostSize);
        const sw::MemRegion r[3] = {
            {kA, kRegion, 0x7f0000000000ull, m_host},
            {kB, kRegion, 0x7f0000010000ull, m_host + 0x11000},
            {kC, kRegion, 0x7f0000080000ull, m_host + 0x22000},
        };
        m_mem.set(r, 3);
    }
    ~FakeGuest() { std::free(m_host); }
    FakeGuest(const FakeGuest &) = delete;
    FakeGuest &operator=(const FakeGuest &) = delete;

    sw::GuestMemory &memory() { return m_mem; }
    // Host pointer of a guest-physical address (must be inside memory).
    std::uint8_t *at(std::uint64_t gpa) { return m_mem.gpa(gpa, 1); }
    void write(std::uint64_t gpa, const void *p, std::size_t n)
    {
        const auto *s = static_cast<const std::uint8_t *>(p);
        for (std::size_t i = 0; i < n; ++i)
            *at(gpa + i) = s[i];
    }
    void read(std::uint64_t gpa, void *p, std::size_t n)
    {
        auto *d = static_cast<std::uint8_t *>(p);
        for (std::size_t i = 0; i < n; ++i)
            d[i] = *at(gpa + i);
    }

private:
    std::uint8_t *m_host = nullptr;
    sw::GuestMemory m_mem;
};

// One split ring in a FakeGuest at guest-physical `base` (inside region A), driven as a
// driver would: descriptors, avail entries, and reading the used ring.
class FakeRing {
public:
    FakeRing(FakeGuest &g, std::uint32_t num, std::uint64_t base, std::uint16_t start = 0)
        : m_g(g), m_num(num), m_desc(base), m_avail(base + 16ull * num),
          m_used((base + 16ull * num + 6 + 2ull * num + 3) & ~3ull), m_availIdx(start)
    {
        w16(m_avail + 2, start);
    }

    sw::VirtqueueConfig config(std::uint64_t features, std::uint16_t start = 0) const
    {
        sw::VirtqueueConfig c;
        c.num = m_num;
        c.desc = m_g.at(m_desc);
        c.avail = m_g.at(m_avail);
        c.used = m_g.at(m_used);
        c.memory = &m_g.memory();
        c.features = features;
        c.startIndex = start;
        return c;
    }

    void setDesc(std::uint32_t i, std::uint64_t addr, std::uint32_t len, std::uint16_t flags, std::uint16_t next = 0)
    {
        setDescAt(m_desc + 16ull * i, addr, len, flags, next);
    }
    // A descriptor anywhere (an indirect table's entry).
    void setDescAt(std::uint64_t gpa, std::uint64_t addr, std::uint32_t len, std::uint16_t flags, std::uint16_t next)
    {
        m_g.write(gpa, &addr, 8);
        m_g.write(gpa + 8, &len, 4);
        m_g.write(gpa + 12, &flags, 2);
        m_g.write(gpa + 14, &next, 2);
    }
    // Puts head into the next avail slot; publish() makes the batch visible.
    void add(std::uint16_t head)
    {
        w16(m_avail + 4 + 2ull * (m_availIdx % m_num), head);
        ++m_availIdx;
    }
    void publish() { w16(m_avail + 2, m_availIdx); }
    void addPublish(std::uint16_t head)
    {
        add(head);
        publish();
    }
    void setAvailIdx(std::uint16_t v) { m_availIdx = v; publish(); }
    void setAvailFlags(std::uint16_t f) { w16(m_avail, f); }
    void setUsedEvent(std::uint16_t v) { w16(m_avail + 4 + 2ull * m_num, v); }

    std::uint16_t usedIdx() { return r16(m_used + 2); }
    std::uint16_t usedFlags() { return r16(m_used); }
    std::uint16_t availEvent() { return r16(m_used + 4 + 8ull * m_num); }
    std::uint32_t usedId(std::uint16_t i) { return r32(m_used + 4 + 8ull * (i % m_num)); }
    std::uint32_t usedLen(std::uint16_t i) { return r32(m_used + 4 + 8ull * (i % m_num) + 4); }
    std::uint64_t end() const { return m_used + 6 + 8ull * m_num; }

private:
    void w16(std::uint64_t gpa, std::uint16_t v) { m_g.write(gpa, &v, 2); }
    std::uint16_t r16(std::uint64_t gpa)
    {
        std::uint16_t v;
        m_g.read(gpa, &v, 2);
        return v;
    }
    std::uint32_t r32(std::uint64_t gpa)
    {
        std::uint32_t v;
        m_g.read(gpa, &v, 4);
        return v;
    }

    FakeGuest &m_g;
    std::uint32_t m_num;
    std::uint64_t m_desc, m_avail, m_used;
    std::uint16_t m_availIdx;
};

// n bytes of a recognisable pattern.
inline std::vector<std::uint8_t> pattern(std::size_t n, std::uint8_t seed)
{
    std::vector<std::uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = std::uint8_t(seed + i * 7);
    return v;
}

// pattern() whose first 10 bytes (the virtio_net_hdr of a transmitted frame) are zero: a header
// without offloads, which every feature set accepts.
inline std::vector<std::uint8_t> txPattern(std::size_t n, std::uint8_t seed)
{
    auto v = pattern(n, seed);
    for (std::size_t i = 0; i < 10 && i < n; ++i)
        v[i] = 0;
    return v;
}

// A FakeGuest with one ring of `num` at guest-physical 0 and its Virtqueue set up (aborts
// when setup fails: a bug of the test).
struct FakeQueue {
    FakeGuest g;
    FakeRing ring;
    sw::Virtqueue q;
    explicit FakeQueue(std::uint64_t features, std::uint32_t num = 8, std::uint16_t start = 0)
        : ring(g, num, 0, start)
    {
        if (!q.setup(ring.config(features, start)))
            std::abort();
    }
};

}  // namespace netloom::test
