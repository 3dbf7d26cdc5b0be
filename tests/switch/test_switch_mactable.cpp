// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests of the open-addressing MacTable on its own: learning and the VLAN key, aging,
// moves and flap damping, the capacity bound with fair eviction, colliding keys (clusters,
// wrap-around, backward-shift removal), port flushes — and a long randomized run against a
// plain reference model of the same rules, with the table's invariants checked after every
// operation. No sockets, no clock (time is passed in).
#include "switch/ethernet.h"
#include "switch/mactable.h"

#include <QtTest>

#include <array>
#include <map>
#include <random>
#include <set>
#include <vector>

using namespace netloom::sw;

namespace {

constexpr std::int64_t kSec = 1'000'000'000;
using Mac = std::array<std::uint8_t, 6>;

Mac macN(std::uint32_t n)
{
    return {0x52, 0x54, std::uint8_t(n >> 24), std::uint8_t(n >> 16), std::uint8_t(n >> 8), std::uint8_t(n)};
}

MacTableConfig config(std::uint32_t capacity, std::uint64_t seed = 0x1234567)
{
    MacTableConfig c;
    c.capacity = capacity;
    c.agingNs = 10 * kSec;
    c.flapMoves = 2;
    c.flapWindowNs = kSec;
    c.flapHoldNs = 3 * kSec;
    c.hashSeed = seed;
    return c;
}

// The rules of MacTable written the obvious way (linear scans, an LRU sequence number per
// entry): what the table must do, whatever its layout.
class ReferenceTable {
public:
    explicit ReferenceTable(const MacTableConfig &c) : m_c(c) {}

    MacTable::LearnResult learn(std::uint16_t vlan, const Mac &mac, PortId port, std::int64_t now)
    {
        if (port == kNoPort || port > MacTable::kMaxPort || macIsMulticast(mac.data()) || macIsZero(mac.data()))
            return MacTable::LearnResult::Ignored;
        const std::uint64_t k = key(vlan, mac);
        auto it = m_entries.find(k);
        if (it != m_entries.end()) {
            Entry &e = it->second;
            if (e.port == port) {
                e.lastSeen = now;
                e.seq = ++m_seq;
                return MacTable::LearnResult::Refreshed;
            }
            if (now < e.holdUntil) {
                ++stats.flapRefused;
                return MacTable::LearnResult::Damped;
            }
            if (now - e.windowStart > m_c.flapWindowNs) {
                e.windowStart = now;
                e.moves = 0;
            }
            if (++e.moves > m_c.flapMoves) {
                e.holdUntil = now + m_c.flapHoldNs;
                e.moves = 0;
                e.windowStart = now;
                ++stats.flapRefused;
                return MacTable::LearnResult::Damped;
            }
            e.port = port;
            e.lastSeen = now;
            e.seq = ++m_seq;
            ++stats.moved;
            return MacTable::LearnResult::Moved;
        }
        if (m_entries.size() >= m_c.capacity) {
            std::map<PortId, std::uint32_t> counts;
            for (const auto &[kk, e] : m_entries)
                ++counts[e.port];
            PortId victim = kNoPort;
            std::uint32_t most = 0;
            for (const auto &[p, n] : counts)  // ascending: the lowest number wins a tie
                if (n > most) {
                    most = n;
                    victim = p;
                }
            m_entries.erase(oldestOf(victim));
            ++stats.evicted;
        }
        Entry e;
        e.port = port;
        e.lastSeen = now;
        e.windowStart = now;
        e.seq = ++m_seq;
        m_entries[k] = e;
        ++stats.learned;
        return MacTable::LearnResult::Learned;
    }
    PortId lookup(std::uint16_t vlan, const Mac &mac, std::int64_t now) const
    {
        const auto it = m_entries.find(key(vlan, mac));
        if (it == m_entries.end() || now - it->second.lastSeen > m_c.agingNs)
            return kNoPort;
        return it->second.port;
    }
    std::uint32_t expire(std::int64_t now)
    {
        // Per port, from the least recently learned/refreshed entry, while idle too long.
        std::uint32_t n = 0;
        std::set<PortId> ports;
        for (const auto &[k, e] : m_entries)
            ports.insert(e.port);
        for (const PortId p : ports) {
            while (true) {
                const auto it = oldestOf(p);
                if (it == m_entries.end() || now - it->second.lastSeen <= m_c.agingNs)
                    break;
                m_entries.erase(it);
                ++n;
            }
        }
        stats.aged += n;
        return n;
    }
    std::uint32_t flushPort(PortId port)
    {
        std::uint32_t n = 0;
        for (auto it = m_entries.begin(); it != m_entries.end();)
            if (it->second.port == port) {
                it = m_entries.erase(it);
                ++n;
            } else {
                ++it;
            }
        return n;
    }
    std::uint32_t countOnPort(PortId port) const
    {
        std::uint32_t n = 0;
        for (const auto &[k, e] : m_entries)
            n += e.port == port;
        return n;
    }
    std::uint32_t size() const { return std::uint32_t(m_entries.size()); }
    MacTableStats stats;

private:
    struct Entry {
        PortId port = kNoPort;
        std::int64_t lastSeen = 0, windowStart = 0, holdUntil = 0;
        std::uint32_t moves = 0;
        std::uint64_t seq = 0;
    };
    static std::uint64_t key(std::uint16_t vlan, const Mac &mac) { return std::uint64_t(vlan & 0x0fff) << 48 | macKey(mac.data()); }
    std::map<std::uint64_t, Entry>::iterator oldestOf(PortId port)
    {
        auto best = m_entries.end();
        for (auto it = m_entries.begin(); it != m_entries.end(); ++it)
            if (it->second.port == port && (best == m_entries.end() || it->second.seq < best->second.seq))
                best = it;
        return best;
    }
    MacTableConfig m_c;
    std::map<std::uint64_t, Entry> m_entries;
    std::uint64_t m_seq = 0;
};

// `count` MACs (from macN(start) on) that all hash to slot `slot` of table `t`.
std::vector<Mac> collidingMacs(const MacTable &t, std::uint32_t slot, int count, std::uint16_t vlan = 1)
{
    std::vector<Mac> out;
    for (std::uint32_t n = 1; int(out.size()) < count && n < 1'000'000; ++n) {
        const Mac m = macN(n);
        if (t.homeSlot(vlan, m.data()) == slot)
            out.push_back(m);
    }
    return out;
}

}  // namespace

class TestSwitchMacTable : public QObject {
    Q_OBJECT
private slots:
    void sizing()
    {
        for (std::uint32_t cap : {1u, 2u, 3u, 6u, 100u, 8192u, 12289u}) {
            const MacTable t(config(cap));
            QCOMPARE(t.capacity(), cap);
            QVERIFY(t.slotCount() > cap);                      // probing always ends
            QVERIFY(std::uint64_t(t.slotCount()) * 3 >= std::uint64_t(cap) * 4);  // at most 3/4 full
            QCOMPARE(t.slotCount() & (t.slotCount() - 1), 0u);  // power of two
        }
        QCOMPARE(MacTable(config(0)).capacity(), 1u);
    }

    void learnsRefreshesAndKeysByVlan()
    {
        MacTable t(config(16));
        const Mac a = macN(1);
        QCOMPARE(t.learn(1, a.data(), 3, kSec), MacTable::LearnResult::Learned);
        QCOMPARE(t.learn(1, a.data(), 3, 2 * kSec), MacTable::LearnResult::Refreshed);
        QCOMPARE(t.lookup(1, a.data(), 2 * kSec), PortId(3));
        // The same MAC in another VLAN is another entry; only the VID's 12 bits count.
        QCOMPARE(t.lookup(2, a.data(), 2 * kSec), kNoPort);
        QCOMPARE(t.learn(2, a.data(), 4, 2 * kSec), MacTable::LearnResult::Learned);
        QCOMPARE(t.lookup(2, a.data(), 2 * kSec), PortId(4));
        QCOMPARE(t.lookup(1, a.data(), 2 * kSec), PortId(3));
        QCOMPARE(t.lookup(0x1002, a.data(), 2 * kSec), PortId(4));
        QCOMPARE(t.size(), 2u);
        QCOMPARE(t.stats().learned, 2u);
        QVERIFY(t.checkConsistency());
    }

    void ignoresWhatCannotBeLearned()
    {
        MacTable t(config(16));
        const Mac mc = {0x01, 0x00, 0x5e, 0, 0, 1}, bc = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, zero = {};
        QCOMPARE(t.learn(1, mc.data(), 1, kSec), MacTable::LearnResult::Ignored);
        QCOMPARE(t.learn(1, bc.data(), 1, kSec), MacTable::LearnResult::Ignored);
        QCOMPARE(t.learn(1, zero.data(), 1, kSec), MacTable::LearnResult::Ignored);
        QCOMPARE(t.learn(1, macN(1).data(), kNoPort, kSec), MacTable::LearnResult::Ignored);
        QCOMPARE(t.learn(1, macN(1).data(), MacTable::kMaxPort + 1, kSec), MacTable::LearnResult::Ignored);
        QCOMPARE(t.size(), 0u);
        // Looking up an address nobody can have (VLAN 0, all zeros) finds nothing, even though
        // an empty slot's key field is 0.
        QCOMPARE(t.lookup(0, zero.data(), kSec), kNoPort);
    }

    void agingHidesThenRemoves()
    {
        MacTable t(config(16));
        t.learn(1, macN(1).data(), 1, 0);
        t.learn(1, macN(2).data(), 2, 5 * kSec);
        QCOMPARE(t.lookup(1, macN(1).data(), 10 * kSec), PortId(1));  // exactly agingNs: still valid
        QCOMPARE(t.lookup(1, macN(1).data(), 10 * kSec + 1), kNoPort);  // older: hidden before any sweep
        QCOMPARE(t.size(), 2u);
        QCOMPARE(t.expire(12 * kSec), 1u);
        QCOMPARE(t.size(), 1u);
        QCOMPARE(t.countOnPort(1), 0u);
        QCOMPARE(t.stats().aged, 1u);
        QCOMPARE(t.expire(16 * kSec), 1u);
        QCOMPARE(t.size(), 0u);
        QVERIFY(t.checkConsistency());
    }

    void movesAndFlapDamping()
    {
        MacTable t(config(16));  // 2 moves per second tolerated, then held 3 s
        const Mac a = macN(7);
        std::int64_t now = kSec;
        t.learn(1, a.data(), 1, now);
        QCOMPARE(t.learn(1, a.data(), 2, now += 1000), MacTable::LearnResult::Moved);
        QCOMPARE(t.countOnPort(1), 0u);
        QCOMPARE(t.countOnPort(2), 1u);
        QCOMPARE(t.learn(1, a.data(), 1, now += 1000), MacTable::LearnResult::Moved);
        QCOMPARE(t.learn(1, a.data(), 2, now += 1000), MacTable::LearnResult::Damped);
        QCOMPARE(t.lookup(1, a.data(), now), PortId(1));
        QCOMPARE(t.learn(1, a.data(), 3, now += kSec), MacTable::LearnResult::Damped);  // held
        QCOMPARE(t.learn(1, a.data(), 3, now += 3 * kSec), MacTable::LearnResult::Moved);  // hold over
        QCOMPARE(t.lookup(1, a.data(), now), PortId(3));
        QCOMPARE(t.stats().moved, 3u);
        QCOMPARE(t.stats().flapRefused, 2u);
        QVERIFY(t.checkConsistency());
    }

    void capacityBoundAndFairEviction()
    {
        MacTable t(config(8));
        // Ports 2 and 3 own two entries each, port 1 floods.
        t.learn(1, macN(200).data(), 2, kSec);
        t.learn(1, macN(201).data(), 2, kSec);
        t.learn(1, macN(300).data(), 3, kSec);
        t.learn(1, macN(301).data(), 3, kSec);
        for (std::uint32_t i = 0; i < 1000; ++i) {
            t.learn(1, macN(1000 + i).data(), 1, kSec + i);
            QVERIFY(t.size() <= 8u);
        }
        QCOMPARE(t.size(), 8u);
        QCOMPARE(t.countOnPort(1), 4u);
        QCOMPARE(t.countOnPort(2), 2u);
        QCOMPARE(t.countOnPort(3), 2u);
        for (std::uint32_t i = 996; i < 1000; ++i)  // port 1 keeps its newest
            QCOMPARE(t.lookup(1, macN(1000 + i).data(), 2 * kSec), PortId(1));
        QCOMPARE(t.stats().evicted, 1000u - 4u);
        // A tie between the biggest owners evicts from the lowest port number, oldest first.
        MacTable u(config(4));
        u.learn(1, macN(1).data(), 5, 1);
        u.learn(1, macN(2).data(), 4, 2);
        u.learn(1, macN(3).data(), 5, 3);
        u.learn(1, macN(4).data(), 4, 4);
        u.learn(1, macN(5).data(), 6, 5);
        QCOMPARE(u.lookup(1, macN(2).data(), 5), kNoPort);
        QCOMPARE(u.countOnPort(4), 1u);
        QCOMPARE(u.countOnPort(5), 2u);
        QVERIFY(u.checkConsistency());
    }

    void collidingKeysStayReachable()
    {
        // Five keys with one home slot form one cluster; removing the first, a middle one and
        // the last must leave every other key reachable (backward-shift deletion).
        MacTable t(config(24));
        const std::vector<Mac> same = collidingMacs(t, 5, 5);
        QCOMPARE(int(same.size()), 5);
        for (std::size_t i = 0; i < same.size(); ++i)
            t.learn(1, same[i].data(), PortId(i + 1), kSec);
        QVERIFY(t.checkConsistency());
        for (std::size_t i = 0; i < same.size(); ++i)
            QCOMPARE(t.lookup(1, same[i].data(), kSec), PortId(i + 1));
        for (PortId gone : {PortId(1), PortId(3), PortId(5)}) {
            QCOMPARE(t.flushPort(gone), 1u);
            QVERIFY(t.checkConsistency());
            for (std::size_t i = 0; i < same.size(); ++i) {
                const bool removed = i + 1 == 1 || (i + 1 == 3 && gone >= 3) || (i + 1 == 5 && gone == 5);
                QCOMPARE(t.lookup(1, same[i].data(), kSec), removed ? kNoPort : PortId(i + 1));
            }
        }
        QCOMPARE(t.size(), 2u);
    }

    void clusterWrapsAroundTheEnd()
    {
        // Keys homed in the last slot spill into slots 0, 1, ...; a key homed in slot 0 is then
        // displaced behind them. Removing the wrapped entries must pull it back, not lose it.
        MacTable t(config(12));
        const std::uint32_t last = t.slotCount() - 1;
        const std::vector<Mac> tail = collidingMacs(t, last, 3);
        const std::vector<Mac> zero = collidingMacs(t, 0, 1);
        QCOMPARE(int(tail.size()), 3);
        QCOMPARE(int(zero.size()), 1);
        for (std::size_t i = 0; i < tail.size(); ++i)
            t.learn(1, tail[i].data(), 1, kSec + std::int64_t(i));
        t.learn(1, zero[0].data(), 2, 2 * kSec);
        QVERIFY(t.checkConsistency());
        QCOMPARE(t.expire(kSec + 10 * kSec + 3), 3u);  // port 1's three entries, oldest first
        QVERIFY(t.checkConsistency());
        QCOMPARE(t.lookup(1, zero[0].data(), 3 * kSec), PortId(2));
        QCOMPARE(t.size(), 1u);
    }

    void flushPortForgetsOnlyThatPort()
    {
        MacTable t(config(64));
        for (std::uint32_t i = 0; i < 30; ++i)
            t.learn(1, macN(i + 1).data(), PortId(1 + i % 3), kSec);
        QCOMPARE(t.flushPort(2), 10u);
        QCOMPARE(t.flushPort(2), 0u);
        QCOMPARE(t.flushPort(999), 0u);
        QCOMPARE(t.size(), 20u);
        for (std::uint32_t i = 0; i < 30; ++i)
            QCOMPARE(t.lookup(1, macN(i + 1).data(), kSec), i % 3 == 1 ? kNoPort : PortId(1 + i % 3));
        QVERIFY(t.checkConsistency());
    }

    void randomOperationsMatchTheReferenceModel_data()
    {
        QTest::addColumn<int>("capacity");
        QTest::addColumn<quint64>("seed");
        QTest::newRow("capacity 1") << 1 << quint64(1);
        QTest::newRow("capacity 3") << 3 << quint64(2);
        QTest::newRow("capacity 6") << 6 << quint64(3);
        QTest::newRow("capacity 13") << 13 << quint64(4);
        QTest::newRow("capacity 48") << 48 << quint64(5);
    }
    void randomOperationsMatchTheReferenceModel()
    {
        QFETCH(int, capacity);
        QFETCH(quint64, seed);
        const MacTableConfig c = config(std::uint32_t(capacity), seed * 0x9e3779b97f4a7c15ull);
        MacTable t(c);
        ReferenceTable ref(c);
        std::mt19937_64 rng(seed);
        std::int64_t now = kSec;
        const std::uint32_t macs = std::uint32_t(capacity) * 2 + 3;  // more hosts than room
        for (int step = 0; step < 20000; ++step) {
            now += std::int64_t(rng() % 400) * 1'000'000;  // 0..0.4 s, now and then a long pause
            if (rng() % 200 == 0)
                now += 11 * kSec;
            // Half of the frames come from three busy hosts (moves within the flap window).
            const Mac m = macN(1 + std::uint32_t(rng() % (rng() % 2 ? 3 : macs)));
            const std::uint16_t vlan = std::uint16_t(1 + rng() % 2);
            const PortId port = PortId(1 + rng() % 5);
            const unsigned op = unsigned(rng() % 100);
            if (op < 80) {
                QCOMPARE(int(t.learn(vlan, m.data(), port, now)), int(ref.learn(vlan, m, port, now)));
            } else if (op < 90) {
                QCOMPARE(t.lookup(vlan, m.data(), now), ref.lookup(vlan, m, now));
            } else if (op < 97) {
                QCOMPARE(t.expire(now), ref.expire(now));
            } else {
                QCOMPARE(t.flushPort(port), ref.flushPort(port));
            }
            QCOMPARE(t.size(), ref.size());
            QVERIFY(t.size() <= t.capacity());
            if (step % 16 == 0) {
                QVERIFY(t.checkConsistency());
                for (PortId p = 1; p <= 5; ++p)
                    QCOMPARE(t.countOnPort(p), ref.countOnPort(p));
            }
        }
        QVERIFY(t.checkConsistency());
        for (std::uint32_t i = 1; i <= macs; ++i)
            for (std::uint16_t vlan : {1, 2})
                QCOMPARE(t.lookup(vlan, macN(i).data(), now), ref.lookup(vlan, macN(i), now));
        QCOMPARE(t.stats().learned, ref.stats.learned);
        QCOMPARE(t.stats().moved, ref.stats.moved);
        QCOMPARE(t.stats().evicted, ref.stats.evicted);
        QCOMPARE(t.stats().aged, ref.stats.aged);
        QCOMPARE(t.stats().flapRefused, ref.stats.flapRefused);
        // The run went through every path: evictions, moves, damping, aging.
        QVERIFY(t.stats().evicted > 0);
        QVERIFY(t.stats().moved > 0);
        QVERIFY(t.stats().flapRefused > 0);
        QVERIFY(t.stats().aged > 0);
    }

    void randomSeedsDiffer()
    {
        // Without a fixed seed each table hashes differently (a guest cannot precompute
        // colliding addresses); with one, placement is reproducible.
        MacTableConfig c;
        c.capacity = 4096;
        const MacTable a(c), b(c);
        int same = 0;
        for (std::uint32_t i = 1; i <= 64; ++i)
            same += a.homeSlot(1, macN(i).data()) == b.homeSlot(1, macN(i).data());
        QVERIFY(same < 16);
        c.hashSeed = 42;
        const MacTable x(c), y(c);
        for (std::uint32_t i = 1; i <= 64; ++i)
            QCOMPARE(x.homeSlot(1, macN(i).data()), y.homeSlot(1, macN(i).data()));
    }
};

QTEST_GUILESS_MAIN(TestSwitchMacTable)
#include "test_switch_mactable.moc"
