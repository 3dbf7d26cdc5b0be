// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests of the forwarding logic: MAC table (bound, fair eviction, aging, flap damping,
// no multicast learning, port flush) and the Forwarder (never back out of the ingress port,
// flooding, 802.1Q access/trunk, hub mode, runts and oversize). No sockets, clock passed in.
#include "framebuilder.h"
#include "switch/forwarder.h"

#include <QtTest>

using namespace netloom::sw;
using namespace netloom::test;

namespace {

constexpr std::int64_t kSec = 1'000'000'000;

QByteArray macN(std::uint32_t n, std::uint8_t first = 0x52)
{
    QByteArray m(6, '\0');
    m[0] = char(first);
    m[2] = char(n >> 24);
    m[3] = char(n >> 16);
    m[4] = char(n >> 8);
    m[5] = char(n);
    return m;
}
const std::uint8_t *u8(const QByteArray &b) { return reinterpret_cast<const std::uint8_t *>(b.constData()); }

QList<PortId> egressPorts(const ForwardDecision &d)
{
    QList<PortId> out;
    for (const Egress &e : *d.egress)
        out << e.port;
    std::sort(out.begin(), out.end());
    return out;
}

ForwardDecision send(Forwarder &f, const QByteArray &frame, PortId in, std::int64_t now = kSec)
{
    return f.decide(u8(frame), std::size_t(frame.size()), in, now);
}

QByteArray frame(const QByteArray &dst, const QByteArray &src, int vlan = -1, int payload = 46)
{
    return ether(dst, src, 0x0800, QByteArray(payload, 'x'), vlan);
}

}  // namespace

class TestSwitchForwarding : public QObject {
    Q_OBJECT
private slots:
    void learnsAndForwardsUnicast()
    {
        Forwarder f;
        for (PortId p = 1; p <= 3; ++p)
            f.setPort(p, VlanPortConfig::access());
        const QByteArray a = macN(1), b = macN(2);
        ForwardDecision d = send(f, frame(b, a), 1);  // b unknown: flood
        QVERIFY(d.flooded);
        QCOMPARE(egressPorts(d), (QList<PortId>{2, 3}));
        d = send(f, frame(a, b), 2);  // a known on 1
        QVERIFY(!d.flooded);
        QCOMPARE(egressPorts(d), QList<PortId>{1});
        d = send(f, frame(b, a), 1);
        QCOMPARE(egressPorts(d), QList<PortId>{2});
    }

    void neverBackOutOfIngress()
    {
        Forwarder f;
        f.setPort(1, VlanPortConfig::access());
        f.setPort(2, VlanPortConfig::access());
        const QByteArray a = macN(1), b = macN(2);
        send(f, frame(a, b), 1);  // b learned on 1
        const ForwardDecision d = send(f, frame(b, a), 1);  // a -> b, both on port 1
        QCOMPARE(d.drop, DropReason::Filtered);
        QVERIFY(d.egress->empty());
        // Broadcast never goes back to the ingress port either.
        const ForwardDecision bc = send(f, frame(mac("ff:ff:ff:ff:ff:ff"), a), 1);
        QCOMPARE(bc.cast, Cast::Broadcast);
        QCOMPARE(egressPorts(bc), QList<PortId>{2});
    }

    void noLearningFromMulticastSources()
    {
        Forwarder f;
        f.setPort(1, VlanPortConfig::access());
        f.setPort(2, VlanPortConfig::access());
        const QByteArray mc = macN(5, 0x01);
        send(f, frame(macN(9), mc), 1);
        QCOMPARE(f.macTable().size(), 0u);
        send(f, frame(macN(9), mac("00:00:00:00:00:00")), 1);
        QCOMPARE(f.macTable().size(), 0u);
        // And a multicast destination floods.
        const ForwardDecision d = send(f, frame(mac("01:00:5e:00:00:01"), macN(1)), 1);
        QCOMPARE(d.cast, Cast::Multicast);
        QVERIFY(d.flooded);
    }

    void boundAndFairEviction()
    {
        ForwarderConfig cfg;
        cfg.macTable.capacity = 64;
        Forwarder f(cfg);
        for (PortId p = 1; p <= 4; ++p)
            f.setPort(p, VlanPortConfig::access());
        // Ports 2..4 each learn 5 hosts.
        for (PortId p = 2; p <= 4; ++p)
            for (std::uint32_t i = 0; i < 5; ++i)
                send(f, frame(mac("ff:ff:ff:ff:ff:ff"), macN(p * 100 + i)), p, kSec);
        // Port 1 floods 10000 random source MACs.
        for (std::uint32_t i = 0; i < 10000; ++i)
            send(f, frame(mac("ff:ff:ff:ff:ff:ff"), macN(0x100000 + i)), 1, kSec + i);
        const MacTable &t = f.macTable();
        QCOMPARE(t.size(), 64u);
        QCOMPARE(t.countOnPort(1), 64u - 15u);
        for (PortId p = 2; p <= 4; ++p) {
            QCOMPARE(t.countOnPort(p), 5u);
            for (std::uint32_t i = 0; i < 5; ++i)
                QCOMPARE(t.lookup(1, u8(macN(p * 100 + i)), 2 * kSec), p);
        }
        QVERIFY(t.stats().evicted >= 10000 - 49);
        // Unicast to a surviving host still goes to exactly its port.
        const ForwardDecision d = send(f, frame(macN(301), macN(0x100000)), 1, 2 * kSec);
        QCOMPARE(egressPorts(d), QList<PortId>{3});
    }

    void refreshKeepsLeastRecentlySeenOrder()
    {
        // A refresh moves the entry to the newest end of its port's list (without re-creating
        // the port's list): eviction and aging must then pick the right victims.
        ForwarderConfig cfg;
        cfg.macTable.capacity = 4;
        cfg.macTable.agingNs = 10 * kSec;
        Forwarder f(cfg);
        f.setPort(1, VlanPortConfig::access());
        f.setPort(2, VlanPortConfig::access());
        const QByteArray bc = mac("ff:ff:ff:ff:ff:ff");
        send(f, frame(bc, macN(1)), 1, 1 * kSec);
        send(f, frame(bc, macN(2)), 1, 2 * kSec);
        send(f, frame(bc, macN(3)), 1, 3 * kSec);
        send(f, frame(bc, macN(1)), 1, 4 * kSec);  // head refreshed: order 2, 3, 1
        send(f, frame(bc, macN(3)), 1, 5 * kSec);  // middle refreshed: order 2, 1, 3
        send(f, frame(bc, macN(3)), 1, 5 * kSec);  // tail refreshed: unchanged
        send(f, frame(bc, macN(9)), 2, 6 * kSec);  // table full now
        send(f, frame(bc, macN(8)), 2, 6 * kSec);  // evicts port 1's oldest: macN(2)
        const MacTable &t = f.macTable();
        QCOMPARE(t.lookup(1, u8(macN(2)), 6 * kSec), kNoPort);
        QCOMPARE(t.lookup(1, u8(macN(1)), 6 * kSec), PortId(1));
        QCOMPARE(t.lookup(1, u8(macN(3)), 6 * kSec), PortId(1));
        QCOMPARE(t.countOnPort(1), 2u);
        // Aging walks from the oldest end: at 14.5 s only macN(1) (seen at 4 s) is idle > 10 s.
        QCOMPARE(f.expire(14 * kSec + kSec / 2), 1u);
        QCOMPARE(t.lookup(1, u8(macN(1)), 14 * kSec), kNoPort);
        QCOMPARE(t.lookup(1, u8(macN(3)), 14 * kSec), PortId(1));
        QCOMPARE(f.expire(17 * kSec), 3u);  // macN(3) (5 s), macN(9) and macN(8) (6 s)
        QCOMPARE(t.size(), 0u);
    }

    void agingRemovesIdleEntries()
    {
        ForwarderConfig cfg;
        cfg.macTable.agingNs = 10 * kSec;
        Forwarder f(cfg);
        f.setPort(1, VlanPortConfig::access());
        f.setPort(2, VlanPortConfig::access());
        send(f, frame(macN(2), macN(1)), 1, 0);
        send(f, frame(macN(1), macN(2)), 2, 5 * kSec);
        QCOMPARE(f.macTable().size(), 2u);
        QCOMPARE(f.expire(12 * kSec), 1u);  // macN(1) idle for 12 s
        QCOMPARE(f.macTable().lookup(1, u8(macN(1)), 12 * kSec), kNoPort);
        QCOMPARE(f.macTable().lookup(1, u8(macN(2)), 12 * kSec), PortId(2));
        // An aged-but-not-yet-swept entry is not used either.
        QCOMPARE(f.macTable().lookup(1, u8(macN(2)), 16 * kSec), kNoPort);
    }

    void flapDamping()
    {
        ForwarderConfig cfg;
        cfg.macTable.flapMoves = 3;
        cfg.macTable.flapWindowNs = kSec;
        cfg.macTable.flapHoldNs = 5 * kSec;
        Forwarder f(cfg);
        f.setPort(1, VlanPortConfig::access());
        f.setPort(2, VlanPortConfig::access());
        f.setPort(3, VlanPortConfig::access());
        const QByteArray a = macN(1);
        std::int64_t t = kSec;
        send(f, frame(macN(9), a), 1, t);
        for (int i = 0; i < 3; ++i)  // three moves are tolerated
            send(f, frame(macN(9), a), PortId(i % 2 ? 1 : 2), t += 1000);
        const PortId before = f.macTable().lookup(1, u8(a), t);
        send(f, frame(macN(9), a), before == 1 ? 2 : 1, t += 1000);  // fourth move: damped
        QCOMPARE(f.macTable().lookup(1, u8(a), t), before);
        QVERIFY(f.macTable().stats().flapRefused >= 1);
        send(f, frame(macN(9), a), 3, t += kSec);  // still held
        QCOMPARE(f.macTable().lookup(1, u8(a), t), before);
        send(f, frame(macN(9), a), 3, t += 5 * kSec);  // hold over
        QCOMPARE(f.macTable().lookup(1, u8(a), t), PortId(3));
    }

    void portRemovalFlushesEntries()
    {
        Forwarder f;
        f.setPort(1, VlanPortConfig::access());
        f.setPort(2, VlanPortConfig::access());
        send(f, frame(macN(2), macN(1)), 1);
        send(f, frame(macN(1), macN(2)), 2);
        f.removePort(1);
        QCOMPARE(f.macTable().size(), 1u);
        QCOMPARE(f.macTable().countOnPort(1), 0u);
        QCOMPARE(send(f, frame(macN(1), macN(2)), 1).drop, DropReason::UnknownPort);
        QCOMPARE(send(f, frame(macN(1), macN(2)), 2).drop, DropReason::NoEgress);
    }

    void vlanAccessAndTrunk()
    {
        Forwarder f;
        f.setPort(1, VlanPortConfig::access(10));
        f.setPort(2, VlanPortConfig::access(20));
        f.setPort(3, VlanPortConfig::trunk({10, 20}));
        f.setPort(4, VlanPortConfig::trunk({10}, 20));  // native 20 untagged
        f.setPort(5, VlanPortConfig::access(10));
        // Untagged broadcast on port 1 (VLAN 10): ports 5 (untagged), 3 and 4 (tagged).
        ForwardDecision d = send(f, frame(mac("ff:ff:ff:ff:ff:ff"), macN(1)), 1);
        QCOMPARE(d.vlan, std::uint16_t(10));
        QCOMPARE(egressPorts(d), (QList<PortId>{3, 4, 5}));
        for (const Egress &e : *d.egress)
            QCOMPARE(e.tagged, e.port != 5);
        // Tagged 20 on the trunk: port 2 untagged, port 4 untagged (native).
        d = send(f, frame(mac("ff:ff:ff:ff:ff:ff"), macN(3), 20), 3);
        QCOMPARE(d.vlan, std::uint16_t(20));
        QCOMPARE(egressPorts(d), (QList<PortId>{2, 4}));
        for (const Egress &e : *d.egress)
            QVERIFY(!e.tagged);
        // Tagged 30 on the trunk: not allowed.
        QCOMPARE(send(f, frame(mac("ff:ff:ff:ff:ff:ff"), macN(3), 30), 3).drop, DropReason::VlanMismatch);
        // Untagged on a trunk without native VLAN: dropped.
        QCOMPARE(send(f, frame(mac("ff:ff:ff:ff:ff:ff"), macN(3)), 3).drop, DropReason::VlanMismatch);
        // Tagged with another VLAN on an access port: dropped; priority tag (VID 0) accepted.
        QCOMPARE(send(f, frame(mac("ff:ff:ff:ff:ff:ff"), macN(1), 20), 1).drop, DropReason::VlanMismatch);
        QCOMPARE(send(f, frame(mac("ff:ff:ff:ff:ff:ff"), macN(1), 0), 1).drop, DropReason::None);
        // Same MAC in two VLANs is two entries.
        send(f, frame(mac("ff:ff:ff:ff:ff:ff"), macN(7)), 1);
        send(f, frame(mac("ff:ff:ff:ff:ff:ff"), macN(7)), 2);
        QCOMPARE(f.macTable().lookup(10, u8(macN(7)), kSec), PortId(1));
        QCOMPARE(f.macTable().lookup(20, u8(macN(7)), kSec), PortId(2));
    }

    void hubFloodsEverything()
    {
        ForwarderConfig cfg;
        cfg.hub = true;
        Forwarder f(cfg);
        for (PortId p = 1; p <= 3; ++p)
            f.setPort(p, VlanPortConfig::access());
        send(f, frame(macN(1), macN(2)), 2);
        const ForwardDecision d = send(f, frame(macN(2), macN(1)), 1);
        QCOMPARE(egressPorts(d), (QList<PortId>{2, 3}));
        QCOMPARE(f.macTable().size(), 0u);
    }

    void runtsAndOversize()
    {
        Forwarder f;
        f.setPort(1, VlanPortConfig::access());
        f.setPort(2, VlanPortConfig::access());
        ForwardDecision d = send(f, frame(macN(2), macN(1), -1, 10), 1);  // 24 bytes
        QVERIFY(d.pad);
        QCOMPARE(d.untaggedLen, std::size_t(24));
        d = send(f, frame(macN(2), macN(1), -1, 1500), 1);  // 1514: fine
        QCOMPARE(d.drop, DropReason::None);
        QVERIFY(!d.pad);
        d = send(f, frame(macN(2), macN(1), -1, 1501), 1);
        QCOMPARE(d.drop, DropReason::Oversize);
        const QByteArray tiny(13, 'x');
        QCOMPARE(f.decide(u8(tiny), 13, 1, kSec).drop, DropReason::Malformed);
        QCOMPARE(f.decide(nullptr, 0, 1, kSec).drop, DropReason::Malformed);
    }
};

QTEST_GUILESS_MAIN(TestSwitchForwarding)
#include "test_switch_forwarding.moc"
