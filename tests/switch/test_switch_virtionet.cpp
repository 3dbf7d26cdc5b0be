// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests of the virtio-net frame copies (VirtioNet) and software offloads without QEMU:
// the header wherever it lies, counted drops, guest-to-guest iovecs (and an overlapping
// hairpin), MRG_RXBUF across chains with num_buffers, too few buffers, checksum completion
// and TSO segmentation. Guests are FakeGuests (fakevring.h).
#include "fakevring.h"
#include "offloadframes.h"
#include "switch/smallcopy.h"
#include "switch/transport.h"
#include "switch/virtionet.h"

#include <QtTest>

#include <cstring>
#include <vector>

using namespace netloom::sw;
using netloom::test::FakeGuest;
using netloom::test::FakeRing;
using netloom::test::pattern;
using netloom::test::txPattern;

static_assert(kVirtioNetHdrLen == kVnetHdrLen, "virtionet.h and transport.h disagree on virtio_net_hdr");

namespace {

constexpr std::uint16_t kNext = 1, kWrite = 2;
constexpr std::uint64_t kBufs = 0x4000;    // buffers (region A)
constexpr std::uint64_t kNet = vfeat::kVersion1;

// One ring at guest-physical 0 with its Virtqueue set up (aborts if setup fails).
using Setup = netloom::test::FakeQueue;

using netloom::test::foldSum;
using netloom::test::referenceUdpChecksum;
using netloom::test::tcpGsoFrame;
using netloom::test::udpFrame;


}  // namespace

class TestSwitchVirtioNet : public QObject {
    Q_OBJECT
private slots:
    void headerSharesSegment();
    void headerSplitAcrossSegments();
    void txDropsAreCounted();
    void txHeaderRules_data();
    void txHeaderRules();
    void guestToGuestOneCopy();
    void hairpinOverlap();
    void moveBytesIsMemmove();
    void rxSingleChain();
    void rxMergeableAcrossThreeChains();
    void rxMatchesReference();
    void rxNoBuffersGivesBack();
    void rxUnusableChains();
    void checksumCompletion();
    void checksumBadOffsets();
    void tsoSegments_data();
    void tsoSegments();
    void tsoRefuses();
};

void TestSwitchVirtioNet::txHeaderRules_data()
{
    QTest::addColumn<quint64>("features");
    QTest::addColumn<QByteArray>("header");  // 10 bytes
    QTest::addColumn<bool>("ok");
    QTest::addColumn<int>("flagsAfter");
    const quint64 all = vfeat::kNetCsum | vfeat::kNetHostTso4 | vfeat::kNetHostTso6 | vfeat::kNetHostEcn;
    const auto h = [](std::initializer_list<int> b) {
        QByteArray a(10, 0);
        int i = 0;
        for (int v : b)
            a[i++] = char(v);
        return a;
    };
    QTest::newRow("plain") << quint64(0) << h({}) << true << 0;
    QTest::newRow("data_valid cleared") << quint64(0) << h({2}) << true << 0;
    QTest::newRow("csum without CSUM") << quint64(vfeat::kNetGuestCsum) << h({1, 0, 0, 0, 0, 0, 34, 0, 6, 0}) << false << 1;
    QTest::newRow("csum inside") << all << h({1, 0, 0, 0, 0, 0, 34, 0, 6, 0}) << true << 1;
    QTest::newRow("csum field at the end") << all << h({1, 0, 0, 0, 0, 0, 90, 0, 8, 0}) << true << 1;  // 98+2 = 100
    QTest::newRow("csum field past the end") << all << h({1, 0, 0, 0, 0, 0, 91, 0, 8, 0}) << false << 1;
    QTest::newRow("csum offsets wrap") << all << h({1, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}) << false << 1;
    QTest::newRow("tso4") << all << h({1, 1, 54, 0, 0xa8, 5, 34, 0, 16, 0}) << true << 1;
    QTest::newRow("tso4 without HOST_TSO4") << quint64(vfeat::kNetCsum | vfeat::kNetHostTso6) << h({1, 1, 54, 0, 0xa8, 5, 34, 0, 16, 0}) << false << 1;
    QTest::newRow("tso6 without HOST_TSO6") << quint64(vfeat::kNetCsum | vfeat::kNetHostTso4) << h({1, 4, 74, 0, 0xa8, 5, 54, 0, 16, 0}) << false << 1;
    QTest::newRow("ecn without HOST_ECN") << quint64(vfeat::kNetCsum | vfeat::kNetHostTso4) << h({1, 0x81, 54, 0, 0xa8, 5, 34, 0, 16, 0}) << false << 1;
    QTest::newRow("ecn alone") << all << h({0, 0x80}) << false << 0;
    QTest::newRow("udp fragmentation") << all << h({1, 3, 42, 0, 0xa8, 5, 34, 0, 6, 0}) << false << 1;
    QTest::newRow("gso size 0") << all << h({1, 1, 54, 0, 0, 0, 34, 0, 16, 0}) << false << 1;
}

void TestSwitchVirtioNet::txHeaderRules()
{
    QFETCH(quint64, features);
    QFETCH(QByteArray, header);
    QFETCH(bool, ok);
    QFETCH(int, flagsAfter);
    VirtioNet net(features | kNet);
    std::uint8_t h[10];
    std::memcpy(h, header.constData(), 10);
    QCOMPARE(net.checkTxHeader(h, 100), ok);
    QCOMPARE(int(h[0]), flagsAfter);
}

void TestSwitchVirtioNet::headerSharesSegment()
{
    for (const std::uint64_t feats : {std::uint64_t(0), kNet}) {
        Setup s(feats);
        VirtioNet net(feats);
        const std::size_t hl = net.headerLen();
        QCOMPARE(hl, std::size_t(feats ? 12 : 10));
        const auto bytes = txPattern(hl + 64, 9);
        s.g.write(kBufs, bytes.data(), bytes.size());
        s.ring.setDesc(0, kBufs, std::uint32_t(bytes.size()), 0);
        s.ring.addPublish(0);
        VqChain ch;
        QCOMPARE(s.q.pop(ch), Virtqueue::Pop::Ok);
        std::uint8_t buf[128], h[10];
        std::size_t len = 0;
        QVERIFY(net.guestToFrame(ch, buf, sizeof buf, &len, h));
        QCOMPARE(len, std::size_t(64));
        QVERIFY(std::memcmp(buf, bytes.data() + hl, 64) == 0);
        QVERIFY(std::memcmp(h, bytes.data(), 10) == 0);
    }
}

void TestSwitchVirtioNet::headerSplitAcrossSegments()
{
    Setup s(kNet);
    const auto bytes = txPattern(12 + 40, 3);
    // 5 bytes, then 4, then 3 header bytes + 10 frame bytes, then 30 frame bytes.
    s.g.write(kBufs, bytes.data(), 5);
    s.g.write(kBufs + 0x40, bytes.data() + 5, 4);
    s.g.write(kBufs + 0x80, bytes.data() + 9, 13);
    s.g.write(kBufs + 0xc0, bytes.data() + 22, 30);
    s.ring.setDesc(0, kBufs, 5, kNext, 1);
    s.ring.setDesc(1, kBufs + 0x40, 4, kNext, 2);
    s.ring.setDesc(2, kBufs + 0x80, 13, kNext, 3);
    s.ring.setDesc(3, kBufs + 0xc0, 30, 0);
    s.ring.addPublish(0);
    VqChain ch;
    QCOMPARE(s.q.pop(ch), Virtqueue::Pop::Ok);
    QCOMPARE(ch.count, 4);
    VirtioNet net(kNet);
    std::uint8_t buf[128], h[10];
    std::size_t len = 0;
    QVERIFY(net.guestToFrame(ch, buf, sizeof buf, &len, h));
    QCOMPARE(len, std::size_t(40));
    QVERIFY(std::memcmp(buf, bytes.data() + 12, 40) == 0);
    QVERIFY(std::memcmp(h, bytes.data(), 10) == 0);
}

void TestSwitchVirtioNet::txDropsAreCounted()
{
    Setup s(kNet);
    VirtioNet net(kNet);
    // 0: header longer than the chain (8 bytes); 1: runt (12 + 13); 2: frame > buffer.
    s.ring.setDesc(0, kBufs, 8, 0);
    s.ring.setDesc(1, kBufs, 25, 0);
    s.ring.setDesc(2, kBufs, 12 + 200, 0);
    s.ring.add(0);
    s.ring.add(1);
    s.ring.add(2);
    s.ring.publish();
    std::uint8_t buf[100], h[10];
    std::size_t len = 0;
    VqChain ch;
    QCOMPARE(s.q.pop(ch), Virtqueue::Pop::Ok);
    QVERIFY(!net.guestToFrame(ch, buf, sizeof buf, &len, h));
    QCOMPARE(net.stats().txShortHeader, 1u);
    QCOMPARE(s.q.pop(ch), Virtqueue::Pop::Ok);
    QVERIFY(!net.guestToFrame(ch, buf, sizeof buf, &len, h));
    QCOMPARE(net.stats().txRunt, 1u);
    QCOMPARE(s.q.pop(ch), Virtqueue::Pop::Ok);
    QVERIFY(!net.guestToFrame(ch, buf, sizeof buf, &len, h));
    QCOMPARE(net.stats().txTooBig, 1u);
    QCOMPARE(net.stats().txFrames, 0u);
    QVERIFY(!s.q.failed());
}

void TestSwitchVirtioNet::guestToGuestOneCopy()
{
    const std::uint64_t f = kNet | vfeat::kNetMrgRxbuf;
    FakeGuest g;
    FakeRing txr(g, 8, 0x0000), rxr(g, 8, 0x1000);
    Virtqueue tx, rx;
    QVERIFY(tx.setup(txr.config(f)));
    QVERIFY(rx.setup(rxr.config(f)));
    // TX: header split 7+5, frame in 3 pieces, one of them crossing the A/B boundary.
    const auto bytes = txPattern(12 + 90, 21);
    g.write(kBufs, bytes.data(), 7);
    g.write(kBufs + 0x40, bytes.data() + 7, 5 + 30);
    g.write(FakeGuest::kB - 20, bytes.data() + 42, 60);
    txr.setDesc(0, kBufs, 7, kNext, 1);
    txr.setDesc(1, kBufs + 0x40, 35, kNext, 2);
    txr.setDesc(2, FakeGuest::kB - 20, 60, 0);
    txr.addPublish(0);
    rxr.setDesc(0, kBufs + 0x800, 64, kWrite);
    rxr.setDesc(1, kBufs + 0x900, 64, kWrite);
    rxr.add(0);
    rxr.add(1);
    rxr.publish();
    VirtioNet net(f);
    VqChain ch;
    QCOMPARE(tx.pop(ch), Virtqueue::Pop::Ok);
    iovec iov[VirtioNet::kMaxSourceIov];
    std::size_t len = 0;
    std::uint8_t h[10];
    QCOMPARE(net.frameIovecs(ch, iov, 2, &len, h), -1);  // 3 pieces do not fit in 2
    QCOMPARE(net.stats().txTooBig, 1u);
    const int n = net.frameIovecs(ch, iov, VirtioNet::kMaxSourceIov, &len, h);
    QCOMPARE(n, 3);
    QCOMPARE(len, std::size_t(90));
    QVERIFY(std::memcmp(h, bytes.data(), 10) == 0);
    QCOMPARE(net.frameToGuest(rx, iov, n, h), VirtioNet::Rx::Delivered);
    tx.push(ch.head, 0);
    tx.flushUsed();
    rx.flushUsed();
    QCOMPARE(rxr.usedIdx(), 2);
    std::uint8_t got[102];
    g.read(kBufs + 0x800, got, 64);
    g.read(kBufs + 0x900, got + 64, 38);
    QVERIFY(std::memcmp(got, bytes.data(), 10) == 0);
    QCOMPARE(got[10], 2);
    QVERIFY(std::memcmp(got + 12, bytes.data() + 12, 90) == 0);
}

void TestSwitchVirtioNet::hairpinOverlap()
{
    // A guest whose RX buffer overlaps its own TX buffer (4 bytes later), forwarded back to
    // itself through iovecs: what arrives is the guest's own mess (the header lands on the
    // frame before it is read), but the copy must stay defined — an overlapping move, which
    // the ASan build checks (memcpy-param-overlap).
    const std::uint64_t f = kNet;
    FakeGuest g;
    FakeRing txr(g, 8, 0x0000), rxr(g, 8, 0x1000);
    Virtqueue tx, rx;
    QVERIFY(tx.setup(txr.config(f)));
    QVERIFY(rx.setup(rxr.config(f)));
    const auto bytes = txPattern(12 + 100, 40);
    g.write(kBufs, bytes.data(), bytes.size());
    txr.setDesc(0, kBufs, 112, 0);
    txr.addPublish(0);
    rxr.setDesc(0, kBufs + 4, 200, kWrite);
    rxr.addPublish(0);
    VirtioNet net(f);
    VqChain ch;
    QCOMPARE(tx.pop(ch), Virtqueue::Pop::Ok);
    iovec iov[4];
    std::size_t len = 0;
    std::uint8_t h[10];
    const int n = net.frameIovecs(ch, iov, 4, &len, h);
    QCOMPARE(n, 1);
    QCOMPARE(net.frameToGuest(rx, iov, n, h), VirtioNet::Rx::Delivered);
    rx.flushUsed();
    QCOMPARE(rxr.usedLen(0), 112u);
    std::uint8_t got[12];
    g.read(kBufs + 4, got, 10);
    QVERIFY(std::memcmp(got, bytes.data(), 10) == 0);  // the header was read before the move
}

void TestSwitchVirtioNet::rxSingleChain()
{
    Setup s(kNet);
    VirtioNet net(kNet);
    s.ring.setDesc(0, kBufs, 12 + 50, kWrite);    // too small for 60 bytes
    s.ring.setDesc(1, kBufs + 0x100, 6, kWrite | kNext, 2);  // header split 6 + 6...
    s.ring.setDesc(2, kBufs + 0x200, 100, kWrite);
    s.ring.add(0);
    s.ring.add(1);
    s.ring.publish();
    const auto a = pattern(20, 1), b = pattern(40, 100);
    const iovec iov[2] = {{const_cast<std::uint8_t *>(a.data()), 20}, {const_cast<std::uint8_t *>(b.data()), 40}};
    const std::uint8_t hdr[10] = {1, 0, 0, 0, 0, 0, 34, 0, 6, 0};
    QCOMPARE(net.frameToGuest(s.q, iov, 2, hdr), VirtioNet::Rx::Dropped);
    QCOMPARE(net.stats().rxNoRoom, 1u);
    QCOMPARE(net.frameToGuest(s.q, iov, 2, hdr), VirtioNet::Rx::Delivered);
    s.q.flushUsed();
    QCOMPARE(s.ring.usedIdx(), 2);
    QCOMPARE(s.ring.usedId(0), 0u);
    QCOMPARE(s.ring.usedLen(0), 0u);
    QCOMPARE(s.ring.usedId(1), 1u);
    QCOMPARE(s.ring.usedLen(1), 72u);
    std::uint8_t got[12 + 60];
    s.g.read(kBufs + 0x100, got, 6);
    s.g.read(kBufs + 0x200, got + 6, 66);
    QVERIFY(std::memcmp(got, hdr, 10) == 0);
    QCOMPARE(got[10], 1);  // num_buffers is 1 without MRG_RXBUF (VERSION_1 header)
    QCOMPARE(got[11], 0);
    QVERIFY(std::memcmp(got + 12, a.data(), 20) == 0);
    QVERIFY(std::memcmp(got + 32, b.data(), 40) == 0);
}

// Random frames (1-3 source pieces, with or without a header) into random receive buffers,
// with and without MRG_RXBUF: what the guest finds in the used buffers, in order, is always
// the header (num_buffers = the chains used) followed by the frame, and the used lengths add
// up. Covers both the one-buffer path and the general one.
void TestSwitchVirtioNet::rxMatchesReference()
{
    std::uint32_t seed = 12345;
    const auto rnd = [&seed](std::uint32_t n) {
        seed = seed * 1103515245u + 12345u;
        return (seed >> 8) % n;
    };
    int delivered = 0, merged = 0, single = 0;
    for (int round = 0; round < 400; ++round) {
        const bool mrg = round % 2 == 0;
        const std::uint64_t f = kNet | (mrg ? vfeat::kNetMrgRxbuf : 0);
        Setup s(f);
        VirtioNet net(f);
        std::vector<std::uint32_t> sizes;
        for (std::uint16_t i = 0; i < 8; ++i) {
            sizes.push_back(16 + rnd(2032));
            s.ring.setDesc(i, kBufs + 0x800ull * i, sizes.back(), kWrite);
            s.ring.add(i);
        }
        s.ring.publish();
        const std::size_t len = 14 + rnd(mrg ? 5000 : 2000);
        const auto frame = pattern(len, std::uint8_t(round));
        const int pieces = 1 + int(rnd(3));
        std::vector<iovec> iov;
        std::size_t at = 0;
        for (int k = 0; k < pieces; ++k) {
            const std::size_t take = k + 1 == pieces ? len - at : std::min(len - at, std::size_t(rnd(std::uint32_t(len))));
            iov.push_back({const_cast<std::uint8_t *>(frame.data() + at), take});
            at += take;
        }
        std::uint8_t hdr[10];
        for (auto &b : hdr)
            b = std::uint8_t(rnd(256));
        const bool withHdr = rnd(2) == 1;
        const VirtioNet::Rx r = net.frameToGuest(s.q, iov.data(), int(iov.size()), withHdr ? hdr : nullptr);
        if (r != VirtioNet::Rx::Delivered)
            continue;  // no buffer big enough (without MRG_RXBUF) or too few: checked elsewhere
        s.q.flushUsed();
        const int used = s.ring.usedIdx();
        QVERIFY(used >= 1);
        std::vector<std::uint8_t> got;
        for (int u = 0; u < used; ++u) {
            const std::uint32_t id = s.ring.usedId(std::uint16_t(u));
            QCOMPARE(id, std::uint32_t(u));  // buffers are used in the order posted
            const std::uint32_t n = s.ring.usedLen(std::uint16_t(u));
            QVERIFY(n <= sizes[id]);
            std::vector<std::uint8_t> part(n);
            s.g.read(kBufs + 0x800ull * id, part.data(), n);
            got.insert(got.end(), part.begin(), part.end());
        }
        std::vector<std::uint8_t> want(12, 0);
        if (withHdr)
            std::memcpy(want.data(), hdr, 10);
        want[10] = std::uint8_t(mrg ? used : 1);
        want[11] = 0;
        want.insert(want.end(), frame.begin(), frame.end());
        QVERIFY2(got == want, qPrintable(QStringLiteral("round %1: %2 bytes in %3 pieces, %4 chain(s)").arg(round).arg(len).arg(pieces).arg(used)));
        ++delivered;
        (used > 1 ? merged : single) += 1;
    }
    QVERIFY2(delivered > 200 && merged > 20 && single > 100,
             qPrintable(QStringLiteral("%1 delivered, %2 merged, %3 single").arg(delivered).arg(merged).arg(single)));
}

void TestSwitchVirtioNet::rxMergeableAcrossThreeChains()
{
    const std::uint64_t f = kNet | vfeat::kNetMrgRxbuf;
    Setup s(f);
    VirtioNet net(f);
    QVERIFY(net.mergeable());
    for (std::uint16_t i = 0; i < 4; ++i) {
        s.ring.setDesc(i, kBufs + 0x100ull * i, 64, kWrite);
        s.ring.add(i);
    }
    s.ring.publish();
    const auto frame = pattern(150, 33);
    const iovec iov[1] = {{const_cast<std::uint8_t *>(frame.data()), 150}};
    QCOMPARE(net.frameToGuest(s.q, iov, 1, nullptr), VirtioNet::Rx::Delivered);
    s.q.flushUsed();
    QCOMPARE(s.ring.usedIdx(), 3);
    QCOMPARE(s.ring.usedLen(0), 64u);
    QCOMPARE(s.ring.usedLen(1), 64u);
    QCOMPARE(s.ring.usedLen(2), 34u);
    std::uint8_t got[162];
    for (int i = 0; i < 3; ++i)
        s.g.read(kBufs + 0x100ull * std::uint64_t(i), got + 64 * i, i < 2 ? 64 : 34);
    const std::uint8_t zero[10] = {};
    QVERIFY(std::memcmp(got, zero, 10) == 0);
    QCOMPARE(got[10], 3);  // num_buffers
    QCOMPARE(got[11], 0);
    QVERIFY(std::memcmp(got + 12, frame.data(), 150) == 0);
    QCOMPARE(s.q.available(), 1u);  // the fourth chain is still posted
}

void TestSwitchVirtioNet::rxNoBuffersGivesBack()
{
    const std::uint64_t f = kNet | vfeat::kNetMrgRxbuf;
    Setup s(f);
    VirtioNet net(f);
    s.ring.setDesc(0, kBufs, 64, kWrite);
    s.ring.setDesc(1, kBufs + 0x100, 64, kWrite);
    s.ring.addPublish(0);
    const auto frame = pattern(100, 2);
    const iovec iov[1] = {{const_cast<std::uint8_t *>(frame.data()), 100}};
    QCOMPARE(net.frameToGuest(s.q, iov, 1, nullptr), VirtioNet::Rx::NoBuffers);
    QCOMPARE(net.stats().rxNoBuffers, 1u);
    QCOMPARE(s.q.lastAvailIndex(), 0);  // the chain taken was given back to the avail ring
    s.q.flushUsed();
    QCOMPARE(s.ring.usedIdx(), 0);
    s.ring.addPublish(1);
    QCOMPARE(net.frameToGuest(s.q, iov, 1, nullptr), VirtioNet::Rx::Delivered);
    s.q.flushUsed();
    QCOMPARE(s.ring.usedIdx(), 2);
    QCOMPARE(s.ring.usedId(0), 0u);
    QCOMPARE(s.ring.usedLen(1), 48u);
    // Empty ring, no MRG: NoBuffers too.
    VirtioNet plain(kNet);
    QCOMPARE(plain.frameToGuest(s.q, iov, 1, nullptr), VirtioNet::Rx::NoBuffers);
}

void TestSwitchVirtioNet::rxUnusableChains()
{
    const std::uint64_t f = kNet | vfeat::kNetMrgRxbuf;
    Setup s(f);
    VirtioNet net(f);
    s.ring.setDesc(0, kBufs, 64, 0);        // readable only: no room at all
    s.ring.setDesc(1, kBufs + 0x100, 8, kWrite);  // smaller than the header
    s.ring.add(0);
    s.ring.add(1);
    s.ring.publish();
    const auto frame = pattern(60, 2);
    const iovec iov[1] = {{const_cast<std::uint8_t *>(frame.data()), 60}};
    QCOMPARE(net.frameToGuest(s.q, iov, 1, nullptr), VirtioNet::Rx::Dropped);
    QCOMPARE(net.frameToGuest(s.q, iov, 1, nullptr), VirtioNet::Rx::Dropped);
    QCOMPARE(net.stats().rxUnusable, 2u);
    s.q.flushUsed();
    QCOMPARE(s.ring.usedIdx(), 2);
    QCOMPARE(s.ring.usedLen(0), 0u);
    QCOMPARE(s.ring.usedLen(1), 0u);
    QVERIFY(!s.q.failed());
}

void TestSwitchVirtioNet::checksumCompletion()
{
    for (const std::size_t payload : {std::size_t(18), std::size_t(101), std::size_t(1400)}) {
        auto f = udpFrame(payload);
        const std::uint16_t want = referenceUdpChecksum(f);
        // What a guest with CHECKSUM_PARTIAL leaves in the field: the folded pseudo-header sum.
        std::uint32_t ph = 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 17 + std::uint32_t(8 + payload);
        while (ph >> 16)
            ph = (ph & 0xffff) + (ph >> 16);
        f[40] = std::uint8_t(ph >> 8);
        f[41] = std::uint8_t(ph);
        std::uint8_t hdr[10] = {kVnetFlagNeedsCsum, 0, 0, 0, 0, 0, 34, 0, 6, 0};
        QCOMPARE(completeChecksum(f.data(), f.size(), hdr), Csum::Completed);
        QCOMPARE(std::uint16_t(f[40] << 8 | f[41]), want);
        QCOMPARE(hdr[0], 0);
        QCOMPARE(hdr[6], 0);
        QCOMPARE(completeChecksum(f.data(), f.size(), hdr), Csum::NotNeeded);
    }
}

void TestSwitchVirtioNet::checksumBadOffsets()
{
    auto f = udpFrame(20);
    const auto orig = f;
    const struct { std::uint16_t start, off; } bad[] = {
        {std::uint16_t(f.size()), 0}, {std::uint16_t(f.size() - 1), 0}, {34, std::uint16_t(f.size() - 34 - 1)}, {0xffff, 0xffff}, {34, 0xfff0}};
    for (const auto &b : bad) {
        std::uint8_t hdr[10] = {kVnetFlagNeedsCsum, 0, 0, 0, 0, 0, std::uint8_t(b.start), std::uint8_t(b.start >> 8),
                                std::uint8_t(b.off), std::uint8_t(b.off >> 8)};
        QCOMPARE(completeChecksum(f.data(), f.size(), hdr), Csum::Bad);
        QCOMPARE(hdr[0], kVnetFlagNeedsCsum);
    }
    QVERIFY(f == orig);
    // The last two bytes of the frame are a valid place.
    std::uint8_t hdr[10] = {kVnetFlagNeedsCsum, 0, 0, 0, 0, 0, 34, 0, std::uint8_t(f.size() - 36), 0};
    QCOMPARE(completeChecksum(f.data(), f.size(), hdr), Csum::Completed);
}

void TestSwitchVirtioNet::tsoSegments_data()
{
    QTest::addColumn<bool>("v6");
    QTest::addColumn<bool>("tagged");
    QTest::addColumn<int>("payload");
    QTest::addColumn<int>("mss");
    QTest::newRow("ipv4 3000/1000") << false << false << 3000 << 1000;
    QTest::newRow("ipv4 tagged 2501/1448") << false << true << 2501 << 1448;
    QTest::newRow("ipv6 2000/1400") << true << false << 2000 << 1400;
    QTest::newRow("ipv4 one segment") << false << false << 500 << 1448;
    QTest::newRow("ipv6 64k/1440") << true << true << 65000 << 1440;
}

void TestSwitchVirtioNet::tsoSegments()
{
    QFETCH(bool, v6);
    QFETCH(bool, tagged);
    QFETCH(int, payload);
    QFETCH(int, mss);
    const auto f = tcpGsoFrame(v6, tagged, std::size_t(payload));
    const std::size_t l2 = tagged ? 18 : 14, l3 = v6 ? 40 : 20, tcp = l2 + l3, headers = tcp + 32;
    const std::uint8_t hdr[10] = {kVnetFlagNeedsCsum, std::uint8_t(v6 ? kVnetGsoTcpv6 : kVnetGsoTcpv4 | kVnetGsoEcn),
                                  std::uint8_t(headers), 0, std::uint8_t(mss), std::uint8_t(mss >> 8),
                                  std::uint8_t(tcp), 0, 16, 0};
    std::vector<std::uint8_t> out(f.size() + 64 * headers);
    TsoSegment segs[64];
    const int n = segmentTso(f.data(), f.size(), hdr, out.data(), out.size(), segs, 64);
    QCOMPARE(n, (payload + mss - 1) / mss);
    std::vector<std::uint8_t> data;
    for (int i = 0; i < n; ++i) {
        const std::uint8_t *o = out.data() + segs[i].offset;
        const std::size_t len = segs[i].len;
        const std::size_t chunk = len - headers;
        QVERIFY(chunk > 0 && chunk <= std::size_t(mss));
        QVERIFY(std::memcmp(o, f.data(), l2) == 0);
        std::uint32_t pseudo = 6 + std::uint32_t(32 + chunk);
        if (!v6) {
            QCOMPARE(std::size_t(o[l2 + 2] << 8 | o[l2 + 3]), 20 + 32 + chunk);
            QCOMPARE(int(o[l2 + 4] << 8 | o[l2 + 5]), 0x1234 + i);
            QCOMPARE(foldSum(o + l2, 20, 0), std::uint16_t(0xffff));  // IPv4 header checksum valid
            pseudo += foldSum(o + l2 + 12, 8, 0);
        } else {
            QCOMPARE(std::size_t(o[l2 + 4] << 8 | o[l2 + 5]), 32 + chunk);
            pseudo += foldSum(o + l2 + 8, 32, 0);
        }
        QCOMPARE(foldSum(o + tcp, 32 + chunk, pseudo), std::uint16_t(0xffff));  // TCP checksum valid
        const std::uint32_t seq = std::uint32_t(o[tcp + 4] << 24 | o[tcp + 5] << 16 | o[tcp + 6] << 8 | o[tcp + 7]);
        QCOMPARE(seq, std::uint32_t(0xfffffc00u + std::uint32_t(i * mss)));  // wraps past 2^32
        const std::uint8_t flags = o[tcp + 13];
        QCOMPARE(bool(flags & 0x01), i == n - 1);  // FIN
        QCOMPARE(bool(flags & 0x08), i == n - 1);  // PSH
        QCOMPARE(bool(flags & 0x80), i == 0);      // CWR
        QVERIFY(flags & 0x10);                     // ACK everywhere
        data.insert(data.end(), o + headers, o + len);
    }
    QVERIFY(std::equal(data.begin(), data.end(), f.begin() + std::ptrdiff_t(headers), f.end()));
}

void TestSwitchVirtioNet::tsoRefuses()
{
    const auto f = tcpGsoFrame(false, false, 3000);
    std::vector<std::uint8_t> out(f.size() + 64 * 66);
    TsoSegment segs[64];
    const auto tso = [&](const std::vector<std::uint8_t> &frame, std::uint8_t type, int mss, int maxSegs = 64,
                         std::size_t outSize = 0) {
        const std::uint8_t hdr[10] = {kVnetFlagNeedsCsum, type, 66, 0, std::uint8_t(mss), std::uint8_t(mss >> 8), 34, 0, 16, 0};
        return segmentTso(frame.data(), frame.size(), hdr, out.data(), outSize ? outSize : out.size(), segs, maxSegs);
    };
    QCOMPARE(tso(f, kVnetGsoTcpv4, 1000), 3);
    QCOMPARE(tso(f, kVnetGsoUdp, 1000), -1);
    QCOMPARE(tso(f, kVnetGsoNone, 1000), -1);
    QCOMPARE(tso(f, kVnetGsoTcpv6, 1000), -1);      // an IPv4 frame
    QCOMPARE(tso(f, kVnetGsoTcpv4, 0), -1);         // MSS 0
    QCOMPARE(tso(f, kVnetGsoTcpv4, 10), -1);        // 300 segments > 64
    QCOMPARE(tso(f, kVnetGsoTcpv4, 1000, 2), -1);   // 3 segments > 2
    QCOMPARE(tso(f, kVnetGsoTcpv4, 1000, 64, f.size() + 66), -1);  // out too small for 3
    QCOMPARE(tso(f, kVnetGsoTcpv4, 1000, 64, f.size() + 2 * 66), 3);
    for (const std::size_t cut : {std::size_t(10), std::size_t(20), std::size_t(40), std::size_t(60), std::size_t(66)}) {
        const std::vector<std::uint8_t> t(f.begin(), f.begin() + std::ptrdiff_t(cut));
        QCOMPARE(tso(t, kVnetGsoTcpv4, 1000), -1);  // truncated headers, or no payload
    }
    auto bad = f;
    bad[14] = 0x44;  // IHL 4
    QCOMPARE(tso(bad, kVnetGsoTcpv4, 1000), -1);
    bad = f;
    bad[23] = 17;  // UDP
    QCOMPARE(tso(bad, kVnetGsoTcpv4, 1000), -1);
    bad = f;
    bad[34 + 12] = 0x40;  // TCP data offset 16 bytes
    QCOMPARE(tso(bad, kVnetGsoTcpv4, 1000), -1);
    bad = f;
    bad[14] = 0x4f;  // IHL 60: the TCP header then starts inside the payload — still bounded
    QVERIFY(tso(bad, kVnetGsoTcpv4, 1000) != 0);
}

// moveBytes against std::memmove for every length 0..200 (the inline cases end at 128) and
// every overlap from 70 bytes behind to 70 ahead, plus disjoint buffers.
void TestSwitchVirtioNet::moveBytesIsMemmove()
{
    std::vector<std::uint8_t> a(600), b(600);
    int checked = 0;
    for (std::size_t n = 0; n <= 200; ++n) {
        for (int shift = -70; shift <= 71; ++shift) {
            const bool disjoint = shift == 71;
            for (std::size_t i = 0; i < a.size(); ++i)
                a[i] = b[i] = std::uint8_t(i * 7 + n);
            std::uint8_t *src = a.data() + 200;
            std::uint8_t *dst = disjoint ? a.data() + 450 - n / 2 : src + shift;
            moveBytes(dst, src, n);
            std::memmove(b.data() + (dst - a.data()), b.data() + 200, n);
            QVERIFY2(a == b, qPrintable(QStringLiteral("length %1, shift %2").arg(n).arg(shift)));
            ++checked;
        }
    }
    QCOMPARE(checked, 201 * 142);
}

QTEST_GUILESS_MAIN(TestSwitchVirtioNet)
#include "test_switch_virtionet.moc"
