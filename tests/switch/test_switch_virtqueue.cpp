// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests of the split virtqueue walker without QEMU (Virtqueue): chains, indirect tables,
// region crossings, zero-length descriptors, our bounds (dropped chains), used ring batching,
// EVENT_IDX and flag notifications, the re-enable re-check, 16-bit wraparound and hostile
// rings. The guest is a FakeGuest (fakevring.h): three regions with gaps, rings written as a
// driver would. The frame copies are in test_switch_virtionet.
#include "fakevring.h"
#include "switch/virtionet.h"

#include <QtTest>

#include <vector>

using namespace netloom::sw;
using netloom::test::FakeGuest;
using netloom::test::FakeRing;
using netloom::test::pattern;
using netloom::test::txPattern;

namespace {

constexpr std::uint16_t kNext = 1, kWrite = 2, kIndirect = 4;
constexpr std::uint64_t kRing = 0x0000;    // ring base (region A)
constexpr std::uint64_t kBufs = 0x4000;    // buffers (region A)
constexpr std::uint64_t kNet = vfeat::kVersion1;

// One ring at guest-physical 0 (kRing) with its Virtqueue set up (aborts if setup fails).
using Setup = netloom::test::FakeQueue;

}  // namespace

class TestSwitchVirtqueue : public QObject {
    Q_OBJECT
private slots:
    void setupRefusesBadRings();
    void simpleChain();
    void indirectTable();
    void regionCrossingIsSplit();
    void zeroLengthDescriptorsSkipped();
    void oversizeChainDropped();
    void tooManySegmentsDropped();
    void usedRingBatching();
    void wraparound();
    void eventIdxNotify();
    void flagNotify();
    void reenableRace();
    void hostileRings_data();
    void hostileRings();
    void failedQueueIsInert();
};

void TestSwitchVirtqueue::setupRefusesBadRings()
{
    FakeGuest g;
    FakeRing ring(g, 8, kRing);
    Virtqueue q;
    QVERIFY(q.failed());
    VirtqueueConfig c = ring.config(0);
    for (std::uint32_t bad : {0u, 3u, 65536u}) {
        c.num = bad;
        QVERIFY(!q.setup(c));
        QCOMPARE(q.error(), VqError::BadSetup);
    }
    c = ring.config(0);
    c.desc += 8;
    QVERIFY(!q.setup(c));
    c = ring.config(0);
    c.used += 2;
    QVERIFY(!q.setup(c));
    c = ring.config(0);
    c.memory = nullptr;
    QVERIFY(!q.setup(c));
    QVERIFY(q.setup(ring.config(0)));
    QVERIFY(!q.failed());
    QCOMPARE(q.available(), 0u);
    VqChain ch;
    QCOMPARE(q.pop(ch), Virtqueue::Pop::Empty);
}

void TestSwitchVirtqueue::simpleChain()
{
    Setup s(kNet);
    const auto hdr = txPattern(12, 1);
    const auto frame = pattern(60, 50);
    s.g.write(kBufs, hdr.data(), 12);
    s.g.write(kBufs + 0x100, frame.data(), 60);
    s.ring.setDesc(3, kBufs, 12, kNext, 5);
    s.ring.setDesc(5, kBufs + 0x100, 60, 0);
    s.ring.addPublish(3);
    QCOMPARE(s.q.available(), 1u);
    VqChain ch;
    QCOMPARE(s.q.pop(ch), Virtqueue::Pop::Ok);
    QCOMPARE(ch.head, 3);
    QCOMPARE(ch.count, 2);
    QCOMPARE(ch.readableCount, 2);
    QCOMPARE(ch.readableBytes, 72u);
    QCOMPARE(ch.writableBytes, 0u);
    QCOMPARE(ch.seg[1].host, s.g.at(kBufs + 0x100));
    QCOMPARE(s.q.pop(ch), Virtqueue::Pop::Empty);

    VirtioNet net(kNet);
    QCOMPARE(net.headerLen(), std::size_t(12));
    std::uint8_t buf[2048];
    std::uint8_t h[10];
    std::size_t len = 0;
    QVERIFY(net.guestToFrame(ch, buf, sizeof buf, &len, h));
    QCOMPARE(len, std::size_t(60));
    QVERIFY(std::memcmp(buf, frame.data(), 60) == 0);
    QVERIFY(std::memcmp(h, hdr.data(), 10) == 0);

    s.q.push(ch.head, 0);
    QCOMPARE(s.ring.usedIdx(), 0);  // not before the flush
    s.q.flushUsed();
    QCOMPARE(s.ring.usedIdx(), 1);
    QCOMPARE(s.ring.usedId(0), 3u);
    QCOMPARE(s.ring.usedLen(0), 0u);
    QCOMPARE(s.q.lastAvailIndex(), 1);
}

void TestSwitchVirtqueue::indirectTable()
{
    for (const std::uint64_t tableAt : {FakeGuest::kC + 0x100, FakeGuest::kC + 0x204 /* unaligned */}) {
        Setup s(kNet | vfeat::kIndirectDesc);
        const auto bytes = txPattern(12 + 100, 77);
        s.g.write(kBufs, bytes.data(), 30);
        s.g.write(FakeGuest::kC + 0x1000, bytes.data() + 30, 82);
        // table: [0] -> [2] -> [1]; entry 1 writable (receive space after the frame).
        s.ring.setDescAt(tableAt, kBufs, 30, kNext, 2);
        s.ring.setDescAt(tableAt + 16, kBufs + 0x800, 100, kWrite, 0);
        s.ring.setDescAt(tableAt + 32, FakeGuest::kC + 0x1000, 82, kNext, 1);
        s.ring.setDesc(6, tableAt, 48, kIndirect);
        s.ring.addPublish(6);
        VqChain ch;
        QCOMPARE(s.q.pop(ch), Virtqueue::Pop::Ok);
        QCOMPARE(ch.head, 6);
        QCOMPARE(ch.count, 3);
        QCOMPARE(ch.readableCount, 2);
        QCOMPARE(ch.readableBytes, 112u);
        QCOMPARE(ch.writableBytes, 100u);
        QVERIFY(ch.seg[2].writable);
        VirtioNet net(kNet);
        std::uint8_t buf[256], h[10];
        std::size_t len = 0;
        QVERIFY(net.guestToFrame(ch, buf, sizeof buf, &len, h));
        QCOMPARE(len, std::size_t(100));
        QVERIFY(std::memcmp(buf, bytes.data() + 12, 100) == 0);
    }
}

void TestSwitchVirtqueue::regionCrossingIsSplit()
{
    Setup s(kNet);
    // 12+52 bytes starting 20 bytes before the A/B boundary (host pieces are not adjacent).
    const auto bytes = txPattern(64, 5);
    const std::uint64_t at = FakeGuest::kB - 20;
    s.g.write(at, bytes.data(), 64);
    s.ring.setDesc(0, at, 64, 0);
    s.ring.addPublish(0);
    VqChain ch;
    QCOMPARE(s.q.pop(ch), Virtqueue::Pop::Ok);
    QCOMPARE(ch.count, 2);
    QCOMPARE(ch.seg[0].len, 20u);
    QCOMPARE(ch.seg[1].len, 44u);
    QCOMPARE(ch.seg[1].host, s.g.at(FakeGuest::kB));
    VirtioNet net(kNet);
    std::uint8_t buf[128], h[10];
    std::size_t len = 0;
    QVERIFY(net.guestToFrame(ch, buf, sizeof buf, &len, h));
    QCOMPARE(len, std::size_t(52));
    QVERIFY(std::memcmp(buf, bytes.data() + 12, 52) == 0);
}

void TestSwitchVirtqueue::zeroLengthDescriptorsSkipped()
{
    Setup s(kNet);
    s.ring.setDesc(0, kBufs, 0, kNext, 1);
    s.ring.setDesc(1, kBufs, 80, kNext, 2);
    s.ring.setDesc(2, 0xdead0000, 0, 0);  // zero length: its address is never looked at
    s.ring.addPublish(0);
    VqChain ch;
    QCOMPARE(s.q.pop(ch), Virtqueue::Pop::Ok);
    QCOMPARE(ch.count, 1);
    QCOMPARE(s.q.stats().zeroLenDescs, 2u);
    // A chain of only zero-length descriptors is a counted drop, not a crash.
    s.ring.setDesc(3, kBufs, 0, 0);
    s.ring.addPublish(3);
    QCOMPARE(s.q.pop(ch), Virtqueue::Pop::Ok);
    QCOMPARE(ch.count, 0);
    VirtioNet net(kNet);
    std::uint8_t buf[64], h[10];
    std::size_t len = 0;
    QVERIFY(!net.guestToFrame(ch, buf, sizeof buf, &len, h));
    QCOMPARE(net.stats().txShortHeader, 1u);
}

void TestSwitchVirtqueue::oversizeChainDropped()
{
    Setup s(kNet);
    // 2 x 40000 readable bytes (region B and C): over kMaxChainBytes, handed back unused.
    s.ring.setDesc(0, FakeGuest::kB, 40000, kNext, 1);
    s.ring.setDesc(1, FakeGuest::kC, 40000, 0);
    s.ring.addPublish(0);
    VqChain ch;
    QCOMPARE(s.q.pop(ch), Virtqueue::Pop::Dropped);
    QCOMPARE(s.q.stats().droppedChains, 1u);
    s.q.flushUsed();
    QCOMPARE(s.ring.usedIdx(), 1);
    QCOMPARE(s.ring.usedLen(0), 0u);
    QVERIFY(!s.q.failed());
    // Writable space beyond the bound is simply not used.
    s.ring.setDesc(2, FakeGuest::kB, 40000, kWrite | kNext, 3);
    s.ring.setDesc(3, FakeGuest::kC, 40000, kWrite, 0);
    s.ring.addPublish(2);
    QCOMPARE(s.q.pop(ch), Virtqueue::Pop::Ok);
    QCOMPARE(ch.writableBytes, Virtqueue::kMaxChainBytes);
}

void TestSwitchVirtqueue::tooManySegmentsDropped()
{
    Setup s(kNet, 128);
    // 65 readable descriptors (a legal chain, num 128) exceed VqChain::kMaxSegments: dropped.
    for (std::uint16_t i = 0; i < 65; ++i)
        s.ring.setDesc(i, kBufs + 16ull * i, 16, i < 64 ? kNext : 0, std::uint16_t(i + 1));
    s.ring.addPublish(0);
    VqChain ch;
    QCOMPARE(s.q.pop(ch), Virtqueue::Pop::Dropped);
    QVERIFY(!s.q.failed());
    // 64 are fine; 100 writable ones are cut at 64 (the rest is never used).
    s.ring.setDesc(63, kBufs + 16ull * 63, 16, 0);
    s.ring.addPublish(0);
    QCOMPARE(s.q.pop(ch), Virtqueue::Pop::Ok);
    QCOMPARE(ch.count, 64);
    for (std::uint16_t i = 0; i < 100; ++i)
        s.ring.setDesc(i, kBufs + 16ull * i, 16, kWrite | (i < 99 ? kNext : 0), std::uint16_t(i + 1));
    s.ring.addPublish(0);
    QCOMPARE(s.q.pop(ch), Virtqueue::Pop::Ok);
    QCOMPARE(ch.count, 64);
    QCOMPARE(ch.writableBytes, 64u * 16u);
}

void TestSwitchVirtqueue::usedRingBatching()
{
    Setup s(kNet);
    for (std::uint16_t i = 0; i < 5; ++i) {
        s.ring.setDesc(i, kBufs + 0x100ull * i, 64, 0);
        s.ring.add(i);
    }
    s.ring.publish();
    VqChain ch;
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(s.q.pop(ch), Virtqueue::Pop::Ok);
        s.q.push(ch.head, 0);
    }
    QCOMPARE(s.ring.usedIdx(), 0);
    QCOMPARE(s.ring.usedId(4), 4u);  // entries are written, the index is not
    s.q.flushUsed();
    s.q.flushUsed();
    QCOMPARE(s.ring.usedIdx(), 5);
    QCOMPARE(s.q.stats().flushes, 1u);
    QCOMPARE(s.q.stats().pushed, 5u);
}

void TestSwitchVirtqueue::wraparound()
{
    Setup s(kNet, 4, 65533);
    QCOMPARE(s.q.lastAvailIndex(), 65533);
    for (std::uint16_t i = 0; i < 4; ++i)
        s.ring.setDesc(i, kBufs + 0x100ull * i, 64, 0);
    VqChain ch;
    for (int round = 0; round < 3; ++round) {
        for (std::uint16_t i = 0; i < 4; ++i)
            s.ring.add(i);
        s.ring.publish();
        QCOMPARE(s.q.available(), 4u);
        for (std::uint16_t i = 0; i < 4; ++i) {
            QCOMPARE(s.q.pop(ch), Virtqueue::Pop::Ok);
            QCOMPARE(ch.head, i);
            s.q.push(ch.head, i);
        }
        s.q.flushUsed();
    }
    QCOMPARE(s.q.lastAvailIndex(), std::uint16_t(65533 + 12));
    QCOMPARE(s.ring.usedIdx(), std::uint16_t(65533 + 12));
    QCOMPARE(s.ring.usedId(std::uint16_t(65533 + 11)), 3u);
    QVERIFY(!s.q.failed());
}

void TestSwitchVirtqueue::eventIdxNotify()
{
    Setup s(kNet | vfeat::kEventIdx, 256, 65530);
    for (std::uint16_t i = 0; i < 32; ++i) {
        s.ring.setDesc(i, kBufs, 64, 0);
        s.ring.add(i);
    }
    s.ring.publish();
    VqChain ch;
    const auto complete = [&](int n) {
        for (int i = 0; i < n; ++i) {
            QCOMPARE(s.q.pop(ch), Virtqueue::Pop::Ok);
            s.q.push(ch.head, 0);
        }
        s.q.flushUsed();
    };
    complete(1);                          // used 65531
    QVERIFY(s.q.needNotify());            // the first check always signals
    // vring_need_event(event, new, old) = (u16)(new - event - 1) < (u16)(new - old)
    s.ring.setUsedEvent(65532);
    complete(1);                          // new 65532, old 65531: (65532-65532-1)=65535 < 1? no
    QVERIFY(!s.q.needNotify());
    complete(1);                          // new 65533, old 65532: 0 < 1 -> yes
    QVERIFY(s.q.needNotify());
    QVERIFY(!s.q.needNotify());           // nothing new
    s.ring.setUsedEvent(65535);
    complete(4);                          // new 1 (wrapped), old 65533: (1-65535-1)=1 < 4 -> yes
    QVERIFY(s.q.needNotify());
    s.ring.setUsedEvent(10);
    complete(3);                          // new 4, old 1: (4-10-1)=65529 < 3? no
    QVERIFY(!s.q.needNotify());
    complete(7);                          // new 11, old 4: (11-10-1)=0 < 7 -> yes
    QVERIFY(s.q.needNotify());
    QVERIFY(!s.q.needNotify());           // nothing published since
    s.ring.setUsedEvent(12);
    complete(1);                          // new 12, old 11: (12-12-1)=65535 < 1? no (not reached)
    QVERIFY(!s.q.needNotify());
    // The avail NO_INTERRUPT flag is ignored with EVENT_IDX.
    s.ring.setAvailFlags(1);
    complete(1);                          // new 13, old 12: (13-12-1)=0 < 1 -> yes
    QVERIFY(s.q.needNotify());
}

void TestSwitchVirtqueue::flagNotify()
{
    Setup s(kNet);
    for (std::uint16_t i = 0; i < 4; ++i) {
        s.ring.setDesc(i, kBufs, 64, 0);
        s.ring.add(i);
    }
    s.ring.publish();
    VqChain ch;
    QCOMPARE(s.q.pop(ch), Virtqueue::Pop::Ok);
    s.q.push(ch.head, 0);
    s.q.flushUsed();
    QVERIFY(s.q.needNotify());
    QVERIFY(!s.q.needNotify());  // nothing new since
    s.ring.setAvailFlags(1);     // VRING_AVAIL_F_NO_INTERRUPT
    QCOMPARE(s.q.pop(ch), Virtqueue::Pop::Ok);
    s.q.push(ch.head, 0);
    s.q.flushUsed();
    QVERIFY(!s.q.needNotify());
    s.ring.setAvailFlags(0);
    QCOMPARE(s.q.pop(ch), Virtqueue::Pop::Ok);
    s.q.push(ch.head, 0);
    s.q.flushUsed();
    QVERIFY(s.q.needNotify());
}

void TestSwitchVirtqueue::reenableRace()
{
    for (const bool eventIdx : {false, true}) {
        Setup s(kNet | (eventIdx ? vfeat::kEventIdx : 0));
        s.ring.setDesc(0, kBufs, 64, 0);
        s.ring.setDesc(1, kBufs, 64, 0);
        QVERIFY(!s.q.setNotifications(false));
        if (!eventIdx)
            QCOMPARE(s.ring.usedFlags(), 1);  // VRING_USED_F_NO_NOTIFY
        // Nothing posted: re-enabling finds the ring empty and the caller may sleep.
        QVERIFY(!s.q.setNotifications(true));
        QCOMPARE(s.ring.usedFlags(), 0);
        // The driver posts while we poll with notifications off (it saw NO_NOTIFY or an old
        // avail_event and did not kick); re-enabling must report the buffer.
        QVERIFY(!s.q.setNotifications(false));
        s.ring.addPublish(0);
        QVERIFY(s.q.setNotifications(true));
        VqChain ch;
        QCOMPARE(s.q.pop(ch), Virtqueue::Pop::Ok);
        if (eventIdx) {
            QVERIFY(!s.q.setNotifications(true));
            QCOMPARE(s.ring.availEvent(), 1);  // kick me when you pass entry 1
        }
    }
}

void TestSwitchVirtqueue::hostileRings_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("expected");  // VqError, or -1 for "clean, not failed"
    QTest::newRow("loop: NEXT to itself") << 0 << int(VqError::ChainTooLong);
    QTest::newRow("loop: two descriptors") << 1 << int(VqError::ChainTooLong);
    QTest::newRow("NEXT >= num") << 2 << int(VqError::NextIndex);
    QTest::newRow("head >= num") << 3 << int(VqError::HeadIndex);
    QTest::newRow("descriptor in the gpa gap") << 4 << int(VqError::BufferAddress);
    QTest::newRow("descriptor beyond memory") << 5 << int(VqError::BufferAddress);
    QTest::newRow("crossing into the gap") << 6 << int(VqError::BufferAddress);
    QTest::newRow("address+len overflows") << 7 << int(VqError::BufferAddress);
    QTest::newRow("indirect without the feature") << 8 << int(VqError::IndirectNotNegotiated);
    QTest::newRow("nested indirect") << 9 << int(VqError::IndirectNested);
    QTest::newRow("indirect len not multiple of 16") << 10 << int(VqError::IndirectLength);
    QTest::newRow("indirect len 0") << 11 << int(VqError::IndirectLength);
    QTest::newRow("indirect len > 16*num") << 12 << int(VqError::IndirectLength);
    QTest::newRow("indirect table crossing regions") << 13 << int(VqError::IndirectAddress);
    QTest::newRow("indirect with NEXT") << 14 << int(VqError::IndirectWithNext);
    QTest::newRow("indirect loop") << 15 << int(VqError::ChainTooLong);
    QTest::newRow("indirect NEXT >= table") << 16 << int(VqError::NextIndex);
    QTest::newRow("avail idx jumps > num") << 17 << int(VqError::AvailIdx);
    QTest::newRow("readable after writable") << 18 << int(VqError::ReadableAfterWritable);
    QTest::newRow("zero-length descriptors only") << 19 << -1;
}

void TestSwitchVirtqueue::hostileRings()
{
    QFETCH(int, kind);
    QFETCH(int, expected);
    const bool indirect = kind != 8;
    Setup s(kNet | (indirect ? vfeat::kIndirectDesc : 0));
    const std::uint64_t t = FakeGuest::kC + 0x100;  // an indirect table
    std::uint16_t head = 0;
    switch (kind) {
    case 0: s.ring.setDesc(0, kBufs, 64, kNext, 0); break;
    case 1: s.ring.setDesc(0, kBufs, 64, kNext, 1); s.ring.setDesc(1, kBufs, 64, kNext, 0); break;
    case 2: s.ring.setDesc(0, kBufs, 64, kNext, 8); break;
    case 3: head = 8; break;
    case 4: s.ring.setDesc(0, 0x30000, 64, 0); break;
    case 5: s.ring.setDesc(0, 0x90000, 64, 0); break;
    case 6: s.ring.setDesc(0, FakeGuest::kB + FakeGuest::kRegion - 10, 64, 0); break;
    case 7: s.ring.setDesc(0, ~std::uint64_t(0) - 10, 64, 0); break;
    case 8: s.ring.setDesc(0, t, 32, kIndirect); break;
    case 9:
        s.ring.setDescAt(t, kBufs, 64, kNext, 1);
        s.ring.setDescAt(t + 16, t, 32, kIndirect, 0);
        s.ring.setDesc(0, t, 32, kIndirect);
        break;
    case 10: s.ring.setDesc(0, t, 24, kIndirect); break;
    case 11: s.ring.setDesc(0, t, 0, kIndirect); break;
    case 12: s.ring.setDesc(0, t, 16 * 9, kIndirect); break;
    case 13: s.ring.setDesc(0, FakeGuest::kB - 16, 32, kIndirect); break;
    case 14: s.ring.setDesc(0, t, 32, kIndirect | kNext, 1); break;
    case 15:
        s.ring.setDescAt(t, kBufs, 64, kNext, 1);
        s.ring.setDescAt(t + 16, kBufs, 64, kNext, 0);
        s.ring.setDesc(0, t, 32, kIndirect);
        break;
    case 16:
        s.ring.setDescAt(t, kBufs, 64, kNext, 2);
        s.ring.setDesc(0, t, 32, kIndirect);
        break;
    case 17: break;
    case 18: s.ring.setDesc(0, kBufs, 64, kWrite | kNext, 1); s.ring.setDesc(1, kBufs, 64, 0); break;
    case 19: s.ring.setDesc(0, kBufs, 0, kNext, 1); s.ring.setDesc(1, 0x30000, 0, 0); break;
    }
    if (kind == 17)
        s.ring.setAvailIdx(9);
    else
        s.ring.addPublish(head);
    // prefetch() reads the same hostile ring as a hint only: nothing fails, nothing moves.
    s.q.prefetch(64, false);
    s.q.prefetch(64, true);
    QVERIFY(!s.q.failed());
    QCOMPARE(s.q.lastAvailIndex(), 0);
    VqChain ch;
    const Virtqueue::Pop r = s.q.pop(ch);
    if (expected < 0) {
        QCOMPARE(r, Virtqueue::Pop::Ok);
        QVERIFY(!s.q.failed());
        VirtioNet net(kNet);
        std::uint8_t buf[64], h[10];
        std::size_t len = 0;
        QVERIFY(!net.guestToFrame(ch, buf, sizeof buf, &len, h));  // counted drop
        QCOMPARE(net.stats().txShortHeader, 1u);
        return;
    }
    QCOMPARE(r, Virtqueue::Pop::Broken);
    QVERIFY(s.q.failed());
    QCOMPARE(int(s.q.error()), expected);
    QVERIFY(std::strlen(vqErrorText(s.q.error())) > 0);
}

void TestSwitchVirtqueue::failedQueueIsInert()
{
    Setup s(kNet);
    s.ring.setDesc(0, kBufs, 64, kNext, 0);
    s.ring.addPublish(0);
    VqChain ch;
    QCOMPARE(s.q.pop(ch), Virtqueue::Pop::Broken);
    s.q.push(0, 10);
    s.q.flushUsed();
    QCOMPARE(s.ring.usedIdx(), 0);
    QVERIFY(!s.q.needNotify());
    QVERIFY(!s.q.setNotifications(true));
    QCOMPARE(s.q.available(), 0u);
    QCOMPARE(s.q.pop(ch), Virtqueue::Pop::Broken);
    VirtioNet net(kNet);
    const std::uint8_t b[60] = {};
    const iovec iov[1] = {{const_cast<std::uint8_t *>(b), 60}};
    QCOMPARE(net.frameToGuest(s.q, iov, 1, nullptr), VirtioNet::Rx::Broken);
}

QTEST_GUILESS_MAIN(TestSwitchVirtqueue)
#include "test_switch_virtqueue.moc"
