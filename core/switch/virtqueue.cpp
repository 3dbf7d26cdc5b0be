// SPDX-License-Identifier: GPL-3.0-or-later
#include "virtqueue.h"

#include <algorithm>
#include <atomic>
#include <bit>

namespace netloom::sw {

static_assert(std::endian::native == std::endian::little, "virtio rings are little-endian; add byte swaps");

namespace {

constexpr std::uint16_t kDescNext = 1;
constexpr std::uint16_t kDescWrite = 2;
constexpr std::uint16_t kDescIndirect = 4;
constexpr std::uint16_t kAvailNoInterrupt = 1;
constexpr std::uint16_t kUsedNoNotify = 1;

template <class T>
T *as(std::uint8_t *p)
{
    return static_cast<T *>(static_cast<void *>(p));
}

template <class T>
T loadRelaxed(std::uint8_t *p)
{
    return __atomic_load_n(as<T>(p), __ATOMIC_RELAXED);
}

template <class T>
void storeRelaxed(std::uint8_t *p, T v)
{
    __atomic_store_n(as<T>(p), v, __ATOMIC_RELAXED);
}

}  // namespace

const char *vqErrorText(VqError e)
{
    switch (e) {
    case VqError::None: return "no error";
    case VqError::BadSetup: return "ring not set up (bad size or address)";
    case VqError::AvailIdx: return "avail index moved more than the ring size";
    case VqError::HeadIndex: return "chain head index out of range";
    case VqError::NextIndex: return "next index out of range";
    case VqError::ChainTooLong: return "descriptor chain longer than the ring (loop)";
    case VqError::IndirectNotNegotiated: return "indirect descriptor without INDIRECT_DESC";
    case VqError::IndirectNested: return "nested indirect descriptor";
    case VqError::IndirectWithNext: return "indirect descriptor with NEXT set";
    case VqError::IndirectLength: return "bad indirect table length";
    case VqError::IndirectAddress: return "indirect table outside guest memory";
    case VqError::BufferAddress: return "buffer outside guest memory";
    case VqError::ReadableAfterWritable: return "readable descriptor after a writable one";
    }
    return "unknown error";
}

bool Virtqueue::setup(const VirtqueueConfig &cfg)
{
    *this = Virtqueue();
    const auto misaligned = [](const std::uint8_t *p, std::uintptr_t a) {
        return !p || (reinterpret_cast<std::uintptr_t>(p) & (a - 1)) != 0;
    };
    if (cfg.num == 0 || cfg.num > kMaxNum || (cfg.num & (cfg.num - 1)) != 0 || !cfg.memory
        || misaligned(cfg.desc, 16) || misaligned(cfg.avail, 2) || misaligned(cfg.used, 4))
        return false;
    m_num = cfg.num;
    m_mask = std::uint16_t(cfg.num - 1);
    m_desc = cfg.desc;
    m_avail = cfg.avail;
    m_used = cfg.used;
    m_mem = cfg.memory;
    m_eventIdx = (cfg.features & vfeat::kEventIdx) != 0;
    m_indirect = (cfg.features & vfeat::kIndirectDesc) != 0;
    m_lastAvail = m_availShadow = m_usedIdx = m_usedPublished = cfg.startIndex;
    m_error = VqError::None;
    return true;
}

bool Virtqueue::fail(VqError e)
{
    if (m_error == VqError::None)
        m_error = e;
    return false;
}

std::uint32_t Virtqueue::available()
{
    if (failed())
        return 0;
    const std::uint16_t idx = __atomic_load_n(as<std::uint16_t>(m_avail + 2), __ATOMIC_ACQUIRE);
    const std::uint16_t dist = std::uint16_t(idx - m_lastAvail);
    if (dist > m_num) {
        fail(VqError::AvailIdx);
        return 0;
    }
    m_availShadow = idx;
    return dist;
}

// One descriptor, each field loaded once (relaxed atomics when 8-aligned, else bytewise through
// volatile: an indirect table may sit anywhere).
static inline void loadDesc(std::uint8_t *p, std::uint64_t *addr, std::uint32_t *len, std::uint16_t *flags,
                            std::uint16_t *next)
{
    if ((reinterpret_cast<std::uintptr_t>(p) & 7) == 0) {
        *addr = loadRelaxed<std::uint64_t>(p);
        *len = loadRelaxed<std::uint32_t>(p + 8);
        *flags = loadRelaxed<std::uint16_t>(p + 12);
        *next = loadRelaxed<std::uint16_t>(p + 14);
        return;
    }
    const volatile std::uint8_t *v = p;
    std::uint8_t b[16];
    for (int i = 0; i < 16; ++i)
        b[i] = v[i];
    std::uint64_t a = 0;
    for (int i = 7; i >= 0; --i)
        a = (a << 8) | b[i];
    *addr = a;
    *len = std::uint32_t(b[8]) | std::uint32_t(b[9]) << 8 | std::uint32_t(b[10]) << 16 | std::uint32_t(b[11]) << 24;
    *flags = std::uint16_t(b[12] | b[13] << 8);
    *next = std::uint16_t(b[14] | b[15] << 8);
}

Virtqueue::Walk Virtqueue::addBuffer(const Desc &d, VqChain &chain, bool *writableSeen)
{
    if (d.len == 0) {
        ++m_stats.zeroLenDescs;
        return Walk::Ok;
    }
    const bool writable = (d.flags & kDescWrite) != 0;
    std::uint32_t len = d.len;
    if (!writable) {
        if (*writableSeen)
            return fail(VqError::ReadableAfterWritable), Walk::Broken;
        if (std::uint64_t(chain.readableBytes) + len > kMaxChainBytes)
            return Walk::TooBig;
    } else {
        *writableSeen = true;
        if (chain.writableBytes >= kMaxChainBytes)
            return Walk::Full;
        if (len > kMaxChainBytes - chain.writableBytes)
            len = kMaxChainBytes - chain.writableBytes;  // the rest is never touched
    }
    GuestMemory::Piece pieces[kMaxPiecesPerDesc];
    int n = 0;
    if (std::uint8_t *h = m_mem->gpa(d.addr, len)) {
        pieces[0] = {h, len};
        n = 1;
    } else {
        n = m_mem->translateSplit(d.addr, len, pieces, kMaxPiecesPerDesc);
        if (n < 0)
            return fail(VqError::BufferAddress), Walk::Broken;
    }
    if (chain.count + n > VqChain::kMaxSegments)
        return writable ? Walk::Full : Walk::TooBig;
    for (int i = 0; i < n; ++i)
        chain.seg[chain.count++] = {pieces[i].host, pieces[i].len, writable};
    if (writable) {
        chain.writableBytes += len;
    } else {
        chain.readableBytes += len;
        chain.readableCount = chain.count;
    }
    return Walk::Ok;
}

Virtqueue::Walk Virtqueue::walkIndirect(const Desc &d, VqChain &chain, bool *writableSeen)
{
    if (!m_indirect)
        return fail(VqError::IndirectNotNegotiated), Walk::Broken;
    if (d.flags & kDescNext)
        return fail(VqError::IndirectWithNext), Walk::Broken;
    if (d.len == 0 || d.len % 16 != 0 || d.len > 16ull * m_num)
        return fail(VqError::IndirectLength), Walk::Broken;
    std::uint8_t *table = m_mem->gpa(d.addr, d.len);
    if (!table)
        return fail(VqError::IndirectAddress), Walk::Broken;
    const std::uint32_t count = d.len / 16;
    std::uint32_t idx = 0;
    for (std::uint32_t walked = 1;; ++walked) {
        if (walked > count)
            return fail(VqError::ChainTooLong), Walk::Broken;
        Desc e;
        loadDesc(table + 16 * idx, &e.addr, &e.len, &e.flags, &e.next);
        if (e.flags & kDescIndirect)
            return fail(VqError::IndirectNested), Walk::Broken;
        const Walk w = addBuffer(e, chain, writableSeen);
        if (w != Walk::Ok || !(e.flags & kDescNext))
            return w;
        if (e.next >= count)
            return fail(VqError::NextIndex), Walk::Broken;
        idx = e.next;
    }
}

// The cache line at p, fetched for writing (exclusive), so that a later store to a line the
// guest's vCPU holds does not stall the store buffer. __builtin_prefetch(p, 1) emits a plain
// read prefetch unless the whole build targets PRFCHW; PREFETCHW (0F 0D /1) is a NOP on x86
// CPUs without it, so it is emitted unconditionally there.
static inline void prefetchForWrite(const void *p)
{
#if defined(__x86_64__) || defined(__i386__)
    __asm__ volatile("prefetchw %0" : : "m"(*static_cast<const char *>(p)));
#else
    __builtin_prefetch(p, 1, 3);
#endif
}

void Virtqueue::prefetch(std::uint32_t n, bool forWrite) const
{
    if (failed() || n == 0)
        return;
    const std::uint16_t idx = loadRelaxed<std::uint16_t>(m_avail + 2);
    std::uint32_t ready = std::uint16_t(idx - m_lastAvail);
    if (ready > m_num)
        return;  // pop() will fail the queue
    n = std::min(n, ready);
    for (std::uint32_t k = 0; k < n; ++k) {
        const std::uint16_t head = loadRelaxed<std::uint16_t>(m_avail + 4 + 2 * ((m_lastAvail + k) & m_mask));
        if (head >= m_num)
            return;
        std::uint8_t *d = m_desc + 16 * std::size_t(head);
        const std::uint64_t addr = loadRelaxed<std::uint64_t>(d);
        const std::uint32_t len = loadRelaxed<std::uint32_t>(d + 8);
        const std::uint16_t flags = loadRelaxed<std::uint16_t>(d + 12);
        if (len == 0 || (flags & kDescIndirect))
            continue;
        const std::uint8_t *host = m_mem->gpa(addr, 1);  // its first byte; prefetches never fault
        if (!host)
            continue;
        if (forWrite) {
            prefetchForWrite(host);
            if (len > 64)
                prefetchForWrite(host + 64);
        } else {
            __builtin_prefetch(host, 0, 3);
            if (len > 64)
                __builtin_prefetch(host + 64, 0, 3);
        }
    }
}

Virtqueue::Pop Virtqueue::pop(VqChain &chain)
{
    if (failed())
        return Pop::Broken;
    if (m_lastAvail == m_availShadow && available() == 0)
        return failed() ? Pop::Broken : Pop::Empty;
    const std::uint16_t head = loadRelaxed<std::uint16_t>(m_avail + 4 + 2 * (m_lastAvail & m_mask));
    if (head >= m_num)
        return fail(VqError::HeadIndex), Pop::Broken;
    ++m_lastAvail;
    chain.head = head;
    chain.count = chain.readableCount = 0;
    chain.readableBytes = chain.writableBytes = 0;
    bool writableSeen = false;
    std::uint32_t idx = head;
    Walk w = Walk::Ok;
    for (std::uint32_t walked = 1;; ++walked) {
        if (walked > m_num)
            return fail(VqError::ChainTooLong), Pop::Broken;
        Desc d;
        loadDesc(m_desc + 16 * idx, &d.addr, &d.len, &d.flags, &d.next);
        if (d.flags & kDescIndirect) {
            w = walkIndirect(d, chain, &writableSeen);
            break;
        }
        w = addBuffer(d, chain, &writableSeen);
        if (w != Walk::Ok || !(d.flags & kDescNext))
            break;
        if (d.next >= m_num)
            return fail(VqError::NextIndex), Pop::Broken;
        idx = d.next;
    }
    switch (w) {
    case Walk::Broken:
        return Pop::Broken;
    case Walk::TooBig:
        push(head, 0);
        ++m_stats.droppedChains;
        return Pop::Dropped;
    case Walk::Ok:
    case Walk::Full:
        break;
    }
    ++m_stats.popped;
    return Pop::Ok;
}

void Virtqueue::push(std::uint16_t head, std::uint32_t written)
{
    if (failed())
        return;
    std::uint8_t *e = m_used + 4 + 8 * std::size_t(m_usedIdx & m_mask);
    storeRelaxed<std::uint32_t>(e, head);
    storeRelaxed<std::uint32_t>(e + 4, written);
    ++m_usedIdx;
    ++m_stats.pushed;
}

void Virtqueue::flushUsed()
{
    if (failed() || m_usedIdx == m_usedPublished)
        return;
    __atomic_store_n(as<std::uint16_t>(m_used + 2), m_usedIdx, __ATOMIC_RELEASE);
    m_usedPublished = m_usedIdx;
    ++m_stats.flushes;
}

bool Virtqueue::needNotify()
{
    if (failed())
        return false;
    const std::uint16_t newIdx = m_usedPublished;
    const std::uint16_t old = m_signalled;
    const bool valid = m_signalledValid;
    if (valid && newIdx == old)
        return false;
    m_signalled = newIdx;
    m_signalledValid = true;
    // Our used->idx store must be visible before we read the guest's suppression state.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (m_eventIdx) {
        const std::uint16_t event = loadRelaxed<std::uint16_t>(m_avail + 4 + 2 * std::size_t(m_num));
        if (!valid)
            return true;
        // vring_need_event(event, new, old): event lies in [old, new).
        return std::uint16_t(newIdx - event - 1) < std::uint16_t(newIdx - old);
    }
    return !(loadRelaxed<std::uint16_t>(m_avail) & kAvailNoInterrupt);
}

bool Virtqueue::setNotifications(bool enable)
{
    if (failed())
        return false;
    if (!m_eventIdx)
        storeRelaxed<std::uint16_t>(m_used, enable ? 0 : kUsedNoNotify);
    else if (enable)
        storeRelaxed<std::uint16_t>(m_used + 4 + 8 * std::size_t(m_num), m_lastAvail);
    if (!enable)
        return false;
    // The store above must be visible before we look at avail->idx again: a driver that
    // added buffers in between and read the old state did not kick.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    return available() > 0;
}

}  // namespace netloom::sw
