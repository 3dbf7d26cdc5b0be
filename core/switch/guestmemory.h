// SPDX-License-Identifier: GPL-3.0-or-later
// GuestMemory: a vhost-user guest's RAM as the switch sees it — the regions of the last
// SET_MEM_TABLE, each mapped into the switch's address space — and the two translations the
// data plane needs (issue #12):
// - guest-physical addresses (what descriptors carry) -> host pointers, and
// - QEMU's own virtual addresses (what SET_VRING_ADDR carries) -> host pointers.
//
// Design note. The guest is hostile: every translation takes an address AND a length and
// returns a pointer only when [addr, addr+len) lies wholly inside one region, with every sum
// checked for overflow. A buffer that crosses a region boundary is refused here; callers that
// want to accept it split it (translateSplit) — never read past a region. The table is a
// small fixed array (QEMU sends at most kMaxRegions), searched linearly with the last hit
// tried first (descriptors of one ring usually stay in one region). This header is pure: the
// mmap/munmap of the regions is done by whoever fills the table (the vhost-user session).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace netloom::sw {

struct MemRegion {
    std::uint64_t guestPhys = 0;  // guest-physical start
    std::uint64_t size = 0;       // bytes (> 0)
    std::uint64_t userAddr = 0;   // QEMU's virtual address of the start
    std::uint8_t *host = nullptr; // where the start is mapped in this process
};

class GuestMemory {
public:
    // VHOST_MEMORY_BASELINE_NREGIONS in QEMU's vhost-user.
    static constexpr int kMaxRegions = 8;

    // Replaces the table. Refuses (returns false, table unchanged) more than kMaxRegions,
    // a region of size 0, a null host pointer, guestPhys+size or userAddr+size overflowing,
    // and regions overlapping in guest-physical space. Pure.
    bool set(const MemRegion *regions, int count);
    void clear() { m_count = 0; m_last = 0; }
    int count() const { return m_count; }
    const MemRegion &region(int i) const { return m_regions[std::size_t(i)]; }

    // Host pointer of guest-physical [gpa, gpa+len), or nullptr unless it lies wholly inside
    // one region (len 0 is refused too). Pure.
    std::uint8_t *gpa(std::uint64_t gpa, std::uint64_t len) const
    {
        return translate(gpa, len, &MemRegion::guestPhys);
    }
    // Host pointer of QEMU-virtual [uva, uva+len), or nullptr likewise. Pure.
    std::uint8_t *uva(std::uint64_t uva, std::uint64_t len) const
    {
        return translate(uva, len, &MemRegion::userAddr);
    }

    // A guest-physical buffer split at region boundaries: up to maxPieces (pointer, length)
    // pieces covering [gpa, gpa+len) in order. Returns the number of pieces, or -1 when some
    // byte is outside every region or more pieces would be needed. Pure.
    struct Piece {
        std::uint8_t *host;
        std::uint32_t len;
    };
    int translateSplit(std::uint64_t gpa, std::uint32_t len, Piece *pieces, int maxPieces) const;

private:
    std::uint8_t *translate(std::uint64_t addr, std::uint64_t len, std::uint64_t MemRegion::*base) const
    {
        if (len == 0)
            return nullptr;
        const int n = m_count;
        for (int k = 0, i = m_last; k < n; ++k, i = i + 1 < n ? i + 1 : 0) {  // no division: hot path
            const MemRegion &r = m_regions[std::size_t(i)];
            const std::uint64_t start = r.*base;
            // addr in [start, start+size) and len <= size - (addr - start): no sum can overflow.
            if (addr >= start && addr - start < r.size && len <= r.size - (addr - start)) {
                m_last = i;
                return r.host + (addr - start);
            }
        }
        return nullptr;
    }

    std::array<MemRegion, kMaxRegions> m_regions{};
    int m_count = 0;
    mutable int m_last = 0;  // the data plane's thread only
};

inline bool GuestMemory::set(const MemRegion *regions, int count)
{
    if (count < 0 || count > kMaxRegions)
        return false;
    for (int i = 0; i < count; ++i) {
        const MemRegion &r = regions[i];
        if (r.size == 0 || !r.host || r.guestPhys + r.size < r.guestPhys || r.userAddr + r.size < r.userAddr)
            return false;
        for (int j = 0; j < i; ++j) {
            const MemRegion &o = regions[j];
            if (r.guestPhys < o.guestPhys + o.size && o.guestPhys < r.guestPhys + r.size)
                return false;
        }
    }
    for (int i = 0; i < count; ++i)
        m_regions[std::size_t(i)] = regions[i];
    m_count = count;
    m_last = 0;
    return true;
}

inline int GuestMemory::translateSplit(std::uint64_t gpa, std::uint32_t len, Piece *pieces, int maxPieces) const
{
    int n = 0;
    std::uint64_t addr = gpa;
    std::uint64_t left = len;
    if (len == 0 || gpa + len < gpa)
        return -1;
    while (left > 0) {
        if (n >= maxPieces)
            return -1;
        const MemRegion *hit = nullptr;
        for (int i = 0; i < m_count; ++i) {
            const MemRegion &r = m_regions[std::size_t(i)];
            if (addr >= r.guestPhys && addr - r.guestPhys < r.size) {
                hit = &r;
                break;
            }
        }
        if (!hit)
            return -1;
        const std::uint64_t avail = hit->size - (addr - hit->guestPhys);
        const std::uint64_t take = left < avail ? left : avail;
        pieces[n++] = {hit->host + (addr - hit->guestPhys), std::uint32_t(take)};
        addr += take;
        left -= take;
    }
    return n;
}

}  // namespace netloom::sw
