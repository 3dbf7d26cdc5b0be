// SPDX-License-Identifier: GPL-3.0-or-later
#include "mactable.h"

#include "ethernet.h"
#include "hotpath.h"

#include <algorithm>
#include <sys/random.h>

namespace netloom::sw {

namespace {

std::uint64_t randomSeed(const void *salt)
{
    std::uint64_t seed = 0;
    if (::getrandom(&seed, sizeof seed, GRND_NONBLOCK) != ssize_t(sizeof seed))
        seed = reinterpret_cast<std::uintptr_t>(salt) * 0x9e3779b97f4a7c15ull;  // no entropy yet: still per table
    return seed | 1;
}

}  // namespace

MacTable::MacTable(const MacTableConfig &config) : m_config(config)
{
    m_config.capacity = std::clamp<std::uint32_t>(m_config.capacity, 1, kMaxCapacity);
    // At most 3/4 full, and always at least one empty slot (probing ends at an empty one).
    const std::uint64_t wanted = (std::uint64_t(m_config.capacity) * 4 + 2) / 3;
    std::uint64_t slots = 2;
    int bits = 1;
    while (slots < wanted) {
        slots <<= 1;
        ++bits;
    }
    m_slots.resize(slots);
    m_flap.resize(slots);
    m_mask = std::uint32_t(slots - 1);
    m_shift = 64 - bits;
    m_seed = m_config.hashSeed ? m_config.hashSeed : randomSeed(this);
}

std::uint64_t MacTable::key(std::uint16_t vlan, const std::uint8_t *mac)
{
    return std::uint64_t(vlan & 0x0fff) << 48 | macKey(mac);
}

NETLOOM_HOT
std::uint32_t MacTable::home(std::uint64_t k) const
{
    std::uint64_t h = (k ^ m_seed) * 0x9e3779b97f4a7c15ull;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    return std::uint32_t(h >> m_shift);
}

NETLOOM_HOT
std::uint32_t MacTable::find(std::uint64_t k) const
{
    for (std::uint32_t i = home(k);; i = (i + 1) & m_mask) {
        const Slot &s = m_slots[i];
        if (s.port == kNoPort)
            return kNil;
        if (s.key == k)
            return i;
    }
}

MacTable::PortList &MacTable::listOf(PortId port)
{
    if (port >= m_ports.size())
        m_ports.resize(std::size_t(port) + 1);
    return m_ports[port];
}

void MacTable::unlink(std::uint32_t slot)
{
    Slot &e = m_slots[slot];
    PortList &l = m_ports[e.port];
    if (e.prev != kNil)
        m_slots[e.prev].next = e.next;
    else
        l.head = e.next;
    if (e.next != kNil)
        m_slots[e.next].prev = e.prev;
    else
        l.tail = e.prev;
    e.prev = e.next = kNil;
    --l.count;
}

void MacTable::linkTail(std::uint32_t slot)
{
    Slot &e = m_slots[slot];
    PortList &l = listOf(e.port);
    e.prev = l.tail;
    e.next = kNil;
    if (l.tail != kNil)
        m_slots[l.tail].next = slot;
    else
        l.head = slot;
    l.tail = slot;
    ++l.count;
}

NETLOOM_HOT
void MacTable::moveToTail(std::uint32_t slot)
{
    Slot &e = m_slots[slot];
    if (e.next == kNil)
        return;  // already the newest entry of its port (always so for a port with one MAC)
    PortList &l = m_ports[e.port];
    if (e.prev != kNil)
        m_slots[e.prev].next = e.next;
    else
        l.head = e.next;
    m_slots[e.next].prev = e.prev;
    e.prev = l.tail;
    e.next = kNil;
    m_slots[l.tail].next = slot;
    l.tail = slot;
}

void MacTable::relink(std::uint32_t to)
{
    const Slot &e = m_slots[to];
    PortList &l = m_ports[e.port];
    if (e.prev != kNil)
        m_slots[e.prev].next = to;
    else
        l.head = to;
    if (e.next != kNil)
        m_slots[e.next].prev = to;
    else
        l.tail = to;
}

void MacTable::remove(std::uint32_t slot)
{
    unlink(slot);
    // Backward-shift deletion: an entry after the hole moves into it unless its home slot
    // lies cyclically in (hole, j] (then the hole does not break its probe path).
    std::uint32_t hole = slot;
    for (std::uint32_t j = (slot + 1) & m_mask; m_slots[j].port != kNoPort; j = (j + 1) & m_mask) {
        const std::uint32_t h = home(m_slots[j].key);
        const bool stays = hole <= j ? (h > hole && h <= j) : (h > hole || h <= j);
        if (stays)
            continue;
        m_slots[hole] = m_slots[j];
        m_flap[hole] = m_flap[j];
        relink(hole);
        hole = j;
    }
    m_slots[hole] = Slot{};
    m_flap[hole] = Flap{};
    --m_size;
}

void MacTable::evictOne()
{
    // Fair eviction: the oldest entry of the port owning the most entries (lowest number on a tie).
    PortId victim = kNoPort;
    std::uint32_t most = 0;
    for (std::size_t port = 1; port < m_ports.size(); ++port) {
        if (m_ports[port].count > most) {
            most = m_ports[port].count;
            victim = PortId(port);
        }
    }
    if (victim == kNoPort)
        return;
    remove(m_ports[victim].head);
    ++m_stats.evicted;
}

NETLOOM_HOT
MacTable::LearnResult MacTable::learn(std::uint16_t vlan, const std::uint8_t *mac, PortId port, std::int64_t nowNs)
{
    if (port == kNoPort || port > kMaxPort || macIsMulticast(mac) || macIsZero(mac))
        return LearnResult::Ignored;
    const std::uint64_t k = key(vlan, mac);
    std::uint32_t i = home(k);
    for (;; i = (i + 1) & m_mask) {
        Slot &e = m_slots[i];
        if (e.port == kNoPort)
            break;
        if (e.key != k)
            continue;
        if (e.port == port) {
            e.lastSeen = nowNs;
            moveToTail(i);
            return LearnResult::Refreshed;
        }
        // A move. Damped entries stay where they are until the hold ends.
        Flap &f = m_flap[i];
        if (nowNs < f.holdUntil) {
            ++m_stats.flapRefused;
            return LearnResult::Damped;
        }
        if (nowNs - f.windowStart > m_config.flapWindowNs) {
            f.windowStart = nowNs;
            e.moves = 0;
        }
        if (++e.moves > m_config.flapMoves) {
            f.holdUntil = nowNs + m_config.flapHoldNs;
            e.moves = 0;
            f.windowStart = nowNs;
            ++m_stats.flapRefused;
            return LearnResult::Damped;
        }
        unlink(i);
        e.port = port;
        e.lastSeen = nowNs;
        linkTail(i);
        ++m_stats.moved;
        return LearnResult::Moved;
    }
    if (m_size >= m_config.capacity) {
        evictOne();  // shifts entries: find the empty slot again
        for (i = home(k); m_slots[i].port != kNoPort; i = (i + 1) & m_mask) {
        }
    }
    Slot &e = m_slots[i];
    e.key = k;
    e.port = port;
    e.lastSeen = nowNs;
    e.moves = 0;
    m_flap[i] = Flap{nowNs, 0};
    linkTail(i);
    ++m_size;
    ++m_stats.learned;
    return LearnResult::Learned;
}

NETLOOM_HOT
PortId MacTable::lookup(std::uint16_t vlan, const std::uint8_t *mac, std::int64_t nowNs) const
{
    const std::uint32_t i = find(key(vlan, mac));
    if (i == kNil)
        return kNoPort;
    const Slot &e = m_slots[i];
    if (nowNs - e.lastSeen > m_config.agingNs)
        return kNoPort;
    return e.port;
}

std::uint32_t MacTable::flushPort(PortId port)
{
    std::uint32_t n = 0;
    while (port < m_ports.size() && m_ports[port].count > 0) {
        remove(m_ports[port].head);
        ++n;
    }
    return n;
}

std::uint32_t MacTable::expire(std::int64_t nowNs)
{
    std::uint32_t n = 0;
    for (std::size_t port = 1; port < m_ports.size(); ++port) {
        while (m_ports[port].count > 0 && nowNs - m_slots[m_ports[port].head].lastSeen > m_config.agingNs) {
            remove(m_ports[port].head);
            ++n;
        }
    }
    m_stats.aged += n;
    return n;
}

std::uint32_t MacTable::countOnPort(PortId port) const
{
    return port < m_ports.size() ? m_ports[port].count : 0;
}

bool MacTable::checkConsistency() const
{
    std::uint32_t live = 0;
    for (std::uint32_t i = 0; i < m_slots.size(); ++i) {
        if (m_slots[i].port == kNoPort)
            continue;
        ++live;
        if (find(m_slots[i].key) != i || m_slots[i].port >= m_ports.size())
            return false;  // unreachable from its home, or a duplicate key
    }
    if (live != m_size)
        return false;
    std::uint64_t listed = 0;
    for (std::size_t port = 0; port < m_ports.size(); ++port) {
        const PortList &l = m_ports[port];
        std::uint32_t n = 0, prev = kNil;
        for (std::uint32_t i = l.head; i != kNil; i = m_slots[i].next) {
            if (i > m_mask || n >= m_size || m_slots[i].port != port || m_slots[i].prev != prev)
                return false;
            prev = i;
            ++n;
        }
        if (n != l.count || l.tail != prev || (port == kNoPort && n != 0))
            return false;
        listed += n;
    }
    return listed == m_size;
}

}  // namespace netloom::sw
