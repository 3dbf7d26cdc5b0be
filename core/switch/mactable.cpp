#include "mactable.h"

#include "ethernet.h"

#include <algorithm>

namespace netloom::sw {

MacTable::MacTable(const MacTableConfig &config) : m_config(config)
{
    m_config.capacity = std::max<std::uint32_t>(1, m_config.capacity);
    m_slab.resize(m_config.capacity);
    m_free.reserve(m_config.capacity);
    for (std::uint32_t i = m_config.capacity; i > 0; --i)
        m_free.push_back(i - 1);
    m_index.reserve(m_config.capacity);
}

std::uint64_t MacTable::key(std::uint16_t vlan, const std::uint8_t *mac)
{
    return std::uint64_t(vlan & 0x0fff) << 48 | macKey(mac);
}

void MacTable::unlink(std::uint32_t idx)
{
    Entry &e = m_slab[idx];
    PortList &l = m_ports[e.port];
    if (e.prev != kNil)
        m_slab[e.prev].next = e.next;
    else
        l.head = e.next;
    if (e.next != kNil)
        m_slab[e.next].prev = e.prev;
    else
        l.tail = e.prev;
    e.prev = e.next = kNil;
    --l.count;
    if (l.count == 0)
        m_ports.erase(e.port);
}

void MacTable::linkTail(std::uint32_t idx)
{
    Entry &e = m_slab[idx];
    PortList &l = m_ports[e.port];
    e.prev = l.tail;
    e.next = kNil;
    if (l.tail != kNil)
        m_slab[l.tail].next = idx;
    else
        l.head = idx;
    l.tail = idx;
    ++l.count;
}

void MacTable::moveToTail(std::uint32_t idx)
{
    Entry &e = m_slab[idx];
    if (e.next == kNil)
        return;  // already the newest entry of its port (always so for a port with one MAC)
    PortList &l = m_ports.find(e.port)->second;
    if (e.prev != kNil)
        m_slab[e.prev].next = e.next;
    else
        l.head = e.next;
    m_slab[e.next].prev = e.prev;
    e.prev = l.tail;
    e.next = kNil;
    m_slab[l.tail].next = idx;
    l.tail = idx;
}

void MacTable::remove(std::uint32_t idx)
{
    unlink(idx);
    m_index.erase(m_slab[idx].key);
    m_slab[idx] = Entry{};
    m_free.push_back(idx);
    --m_size;
}

std::uint32_t MacTable::allocate()
{
    if (m_free.empty()) {
        // Fair eviction: the oldest entry of the port owning the most entries.
        PortId victimPort = kNoPort;
        std::uint32_t most = 0;
        for (const auto &[port, list] : m_ports) {
            if (list.count > most || (list.count == most && port < victimPort)) {
                most = list.count;
                victimPort = port;
            }
        }
        remove(m_ports[victimPort].head);
        ++m_stats.evicted;
    }
    const std::uint32_t idx = m_free.back();
    m_free.pop_back();
    ++m_size;
    return idx;
}

MacTable::LearnResult MacTable::learn(std::uint16_t vlan, const std::uint8_t *mac, PortId port, std::int64_t nowNs)
{
    if (port == kNoPort || macIsMulticast(mac) || macIsZero(mac))
        return LearnResult::Ignored;
    const std::uint64_t k = key(vlan, mac);
    const auto it = m_index.find(k);
    if (it == m_index.end()) {
        const std::uint32_t idx = allocate();
        Entry &e = m_slab[idx];
        e.key = k;
        e.port = port;
        e.lastSeen = nowNs;
        e.windowStart = nowNs;
        linkTail(idx);
        m_index.emplace(k, idx);
        ++m_stats.learned;
        return LearnResult::Learned;
    }
    const std::uint32_t idx = it->second;
    Entry &e = m_slab[idx];
    if (e.port == port) {
        e.lastSeen = nowNs;
        moveToTail(idx);
        return LearnResult::Refreshed;
    }
    // A move. Damped entries stay where they are until the hold ends.
    if (nowNs < e.holdUntil) {
        ++m_stats.flapRefused;
        return LearnResult::Damped;
    }
    if (nowNs - e.windowStart > m_config.flapWindowNs) {
        e.windowStart = nowNs;
        e.moves = 0;
    }
    if (++e.moves > m_config.flapMoves) {
        e.holdUntil = nowNs + m_config.flapHoldNs;
        e.moves = 0;
        e.windowStart = nowNs;
        ++m_stats.flapRefused;
        return LearnResult::Damped;
    }
    unlink(idx);
    e.port = port;
    e.lastSeen = nowNs;
    linkTail(idx);
    ++m_stats.moved;
    return LearnResult::Moved;
}

PortId MacTable::lookup(std::uint16_t vlan, const std::uint8_t *mac, std::int64_t nowNs) const
{
    const auto it = m_index.find(key(vlan, mac));
    if (it == m_index.end())
        return kNoPort;
    const Entry &e = m_slab[it->second];
    if (nowNs - e.lastSeen > m_config.agingNs)
        return kNoPort;
    return e.port;
}

std::uint32_t MacTable::flushPort(PortId port)
{
    std::uint32_t n = 0;
    while (true) {
        const auto it = m_ports.find(port);
        if (it == m_ports.end())
            break;
        remove(it->second.head);
        ++n;
    }
    return n;
}

std::uint32_t MacTable::expire(std::int64_t nowNs)
{
    std::uint32_t n = 0;
    std::vector<PortId> ports;
    ports.reserve(m_ports.size());
    for (const auto &[port, list] : m_ports)
        ports.push_back(port);
    for (PortId port : ports) {
        while (true) {
            const auto it = m_ports.find(port);
            if (it == m_ports.end())
                break;
            const std::uint32_t head = it->second.head;
            if (nowNs - m_slab[head].lastSeen <= m_config.agingNs)
                break;
            remove(head);
            ++n;
        }
    }
    m_stats.aged += n;
    return n;
}

std::uint32_t MacTable::countOnPort(PortId port) const
{
    const auto it = m_ports.find(port);
    return it == m_ports.end() ? 0 : it->second.count;
}

}  // namespace netloom::sw
