// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests of snooping (DHCP every message type and option, ARP, IPv6 ND, conflicts,
// hostile truncations), the VDE request parser, the counter sampler and the pcap writer.
#include "framebuilder.h"
#include "switch/pcapwriter.h"
#include "switch/portcounters.h"
#include "switch/snooper.h"
#include "switch/vdeprotocol.h"
#include "common/testutil.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace netloom::sw;
using namespace netloom::test;

namespace {
constexpr std::int64_t kSec = 1'000'000'000;
const std::uint8_t *u8(const QByteArray &b) { return reinterpret_cast<const std::uint8_t *>(b.constData()); }
std::optional<AddressEvent> parse(const QByteArray &f) { return parseAddressFrame(u8(f), std::size_t(f.size())); }
}  // namespace

class TestSwitchSnooper : public QObject {
    Q_OBJECT
private slots:
    void dhcpEveryMessageType_data()
    {
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("ip");
        QTest::newRow("discover") << 1 << "dhcp-discover" << "10.0.0.50";  // requested IP
        QTest::newRow("offer") << 2 << "dhcp-offer" << "10.0.0.77";        // yiaddr
        QTest::newRow("request") << 3 << "dhcp-request" << "10.0.0.50";
        QTest::newRow("decline") << 4 << "dhcp-decline" << "10.0.0.50";
        QTest::newRow("ack") << 5 << "dhcp-ack" << "10.0.0.77";
        QTest::newRow("nak") << 6 << "dhcp-nak" << "";
        QTest::newRow("release") << 7 << "dhcp-release" << "10.0.0.9";     // ciaddr
        QTest::newRow("inform") << 8 << "dhcp-inform" << "10.0.0.9";
    }
    void dhcpEveryMessageType()
    {
        QFETCH(int, type);
        QFETCH(QString, kind);
        QFETCH(QString, ip);
        DhcpFields f;
        f.type = type;
        f.chaddr = mac("52:54:00:aa:bb:cc");
        f.xid = 0xdeadbeef;
        f.hostname = "guest-one";
        f.lease = 3600;
        f.serverId = ip4(10, 0, 0, 1);
        if (type == 1 || type == 3 || type == 4)
            f.requested = ip4(10, 0, 0, 50);
        if (type == 2 || type == 5)
            f.yiaddr = ip4(10, 0, 0, 77);
        if (type == 7 || type == 8)
            f.ciaddr = ip4(10, 0, 0, 9);
        const bool reply = type == 2 || type == 5 || type == 6;
        const auto ev = parse(dhcpFrame(f, reply ? mac("52:54:00:00:00:01") : f.chaddr, ip4(10, 0, 0, 1)));
        QVERIFY(ev);
        QCOMPARE(QString::fromLatin1(addressEventKindName(ev->kind)), kind);
        QCOMPARE(ev->mac.toString(), QStringLiteral("52:54:00:aa:bb:cc"));  // chaddr, even from the server
        QCOMPARE(ev->ip.isNull() ? QString() : ev->ip.toString(), ip);
        QCOMPARE(ev->hostname, QStringLiteral("guest-one"));
        QCOMPARE(ev->leaseSeconds, 3600u);
        QCOMPARE(ev->serverId.toString(), QStringLiteral("10.0.0.1"));
        QCOMPARE(ev->xid, 0xdeadbeefu);
    }

    void hostileHostnameIsSanitised()
    {
        DhcpFields f;
        f.type = 3;
        f.chaddr = mac("52:54:00:aa:bb:cc");
        f.hostname = QByteArray("evil\n\x1b[31mname") + QByteArray(200, 'a').left(100);
        const auto ev = parse(dhcpFrame(f, f.chaddr));
        QVERIFY(ev);
        QVERIFY(ev->hostname.size() <= 63);
        QVERIFY(ev->hostname.startsWith(QStringLiteral("evil??[31mname")));
    }

    void arpKinds()
    {
        const QByteArray a = mac("52:54:00:00:00:0a"), zero(6, '\0');
        auto ev = parse(ether(mac("ff:ff:ff:ff:ff:ff"), a, 0x0806, arp(1, a, ip4(10, 0, 0, 10), zero, ip4(10, 0, 0, 1))));
        QVERIFY(ev);
        QCOMPARE(ev->kind, AddressEventKind::ArpRequest);
        QCOMPARE(ev->ip.toString(), QStringLiteral("10.0.0.10"));
        ev = parse(ether(mac("52:54:00:00:00:01"), a, 0x0806, arp(2, a, ip4(10, 0, 0, 10), mac("52:54:00:00:00:01"), ip4(10, 0, 0, 1))));
        QCOMPARE(ev->kind, AddressEventKind::ArpReply);
        ev = parse(ether(mac("ff:ff:ff:ff:ff:ff"), a, 0x0806, arp(1, a, 0, zero, ip4(10, 0, 0, 10))));
        QCOMPARE(ev->kind, AddressEventKind::ArpProbe);
        QCOMPARE(ev->ip.toString(), QStringLiteral("10.0.0.10"));
        ev = parse(ether(mac("ff:ff:ff:ff:ff:ff"), a, 0x0806, arp(1, a, ip4(10, 0, 0, 10), zero, ip4(10, 0, 0, 10))));
        QCOMPARE(ev->kind, AddressEventKind::ArpAnnounce);
        // A multicast sender hardware address is refused.
        QVERIFY(!parse(ether(mac("ff:ff:ff:ff:ff:ff"), a, 0x0806, arp(1, mac("01:00:5e:00:00:01"), ip4(10, 0, 0, 10), zero, 1))));
    }

    void neighbourDiscovery()
    {
        const QByteArray a = mac("52:54:00:00:00:0b");
        const QByteArray ll = QByteArray::fromHex("fe800000000000005054fffe00000b");
        const QByteArray lla = QByteArray::fromHex("fe80000000000000") + QByteArray::fromHex("505400fffe00000b");
        const QByteArray unspecified(16, '\0');
        auto ev = parse(ndFrame(136, a, lla, lla));
        QVERIFY(ev);
        QCOMPARE(ev->kind, AddressEventKind::NdAdvert);
        QCOMPARE(ev->ip.toString(), QStringLiteral("fe80::5054:ff:fe00:b"));
        QCOMPARE(ev->mac.toString(), QStringLiteral("52:54:00:00:00:0b"));
        ev = parse(ndFrame(135, a, unspecified, lla));
        QCOMPARE(ev->kind, AddressEventKind::NdDad);
        ev = parse(ndFrame(135, a, lla, QByteArray::fromHex("fe800000000000000000000000000001")));
        QCOMPARE(ev->kind, AddressEventKind::NdSolicit);
        QCOMPARE(ev->ip.toString(), QStringLiteral("fe80::5054:ff:fe00:b"));
        Q_UNUSED(ll);
    }

    void everyTruncationIsRefusedCleanly()
    {
        DhcpFields f;
        f.type = 5;
        f.chaddr = mac("52:54:00:aa:bb:cc");
        f.yiaddr = ip4(10, 0, 0, 5);
        f.hostname = "h";
        const QList<QByteArray> frames{
            dhcpFrame(f, mac("52:54:00:00:00:01"), ip4(10, 0, 0, 1)),
            ether(mac("ff:ff:ff:ff:ff:ff"), f.chaddr, 0x0806, arp(1, f.chaddr, 1, QByteArray(6, '\0'), 2)),
            ndFrame(136, f.chaddr, QByteArray(16, '\1'), QByteArray(16, '\2')),
        };
        for (const QByteArray &full : frames) {
            QVERIFY(parse(full));
            for (int len = 0; len < full.size(); ++len) {
                // Copy into an exact-size heap buffer so ASan would catch any over-read.
                std::vector<std::uint8_t> buf(full.begin(), full.begin() + len);
                (void)parseAddressFrame(buf.data(), buf.size());
            }
        }
        // The IPv4 total length cuts the datagram: options beyond it are not read.
        QByteArray cut = frames[0];
        cut[14 + 2] = 0;
        cut[14 + 3] = char(28 + 100);  // ends inside the BOOTP header
        QVERIFY(!parse(cut));
    }

    void conflictsAreReported()
    {
        Snooper s;
        std::vector<AddressEvent> out;
        const QByteArray a = mac("52:54:00:00:00:0a"), b = mac("52:54:00:00:00:0b"), zero(6, '\0');
        auto feed = [&](const QByteArray &f, PortId port, std::int64_t t) {
            s.inspect(u8(f), std::size_t(f.size()), port, 1, t, 0, &out);
        };
        feed(ether(mac("ff:ff:ff:ff:ff:ff"), a, 0x0806, arp(1, a, ip4(10, 0, 0, 10), zero, ip4(10, 0, 0, 1))), 1, kSec);
        QCOMPARE(out.size(), std::size_t(1));
        // Same ARP again within the repeat window: suppressed.
        feed(ether(mac("ff:ff:ff:ff:ff:ff"), a, 0x0806, arp(1, a, ip4(10, 0, 0, 10), zero, ip4(10, 0, 0, 1))), 1, 2 * kSec);
        QCOMPARE(out.size(), std::size_t(1));
        // Another MAC claims 10.0.0.10: event + conflict naming the first.
        feed(ether(mac("ff:ff:ff:ff:ff:ff"), b, 0x0806, arp(2, b, ip4(10, 0, 0, 10), a, ip4(10, 0, 0, 1))), 2, 3 * kSec);
        QCOMPARE(out.size(), std::size_t(3));
        QCOMPARE(out[2].kind, AddressEventKind::IpConflict);
        QCOMPARE(out[2].mac.toString(), QStringLiteral("52:54:00:00:00:0b"));
        QCOMPARE(out[2].otherMac.toString(), QStringLiteral("52:54:00:00:00:0a"));
        QCOMPARE(out[2].port, PortId(2));

        // Two DHCP servers answering on one segment.
        out.clear();
        DhcpFields offer;
        offer.type = 2;
        offer.chaddr = mac("52:54:00:00:00:0c");
        offer.yiaddr = ip4(10, 0, 0, 60);
        offer.serverId = ip4(10, 0, 0, 1);
        feed(dhcpFrame(offer, mac("52:54:00:00:00:01"), ip4(10, 0, 0, 1)), 3, 4 * kSec);
        QCOMPARE(out.size(), std::size_t(1));
        offer.serverId = ip4(10, 0, 0, 254);
        offer.yiaddr = ip4(10, 0, 0, 99);
        feed(dhcpFrame(offer, mac("52:54:00:00:00:fe"), ip4(10, 0, 0, 254)), 4, 4 * kSec + 1);
        QCOMPARE(out.size(), std::size_t(3));
        QCOMPARE(out[2].kind, AddressEventKind::DhcpServerConflict);
        QCOMPARE(out[2].ip.toString(), QStringLiteral("10.0.0.254"));
        QCOMPARE(out[2].otherIp.toString(), QStringLiteral("10.0.0.1"));
        QCOMPARE(out[2].mac.toString(), QStringLiteral("52:54:00:00:00:fe"));
        QCOMPARE(out[2].otherMac.toString(), QStringLiteral("52:54:00:00:00:01"));
    }

    void vdeRequestParsing()
    {
        const QByteArray req = buildVdeRequest("/tmp/sock/.01234-00000", "qemu", 7);
        auto r = parseVdeRequest(u8(req), std::size_t(req.size()), 1024);
        QVERIFY(r);
        QCOMPARE(r->requestedPort, 7u);
        QCOMPARE(r->clientPath, QByteArray("/tmp/sock/.01234-00000"));
        QCOMPARE(r->description, QStringLiteral("qemu"));
        QVERIFY(!parseVdeRequest(u8(req), 121, 1024));
        QVERIFY(!parseVdeRequest(u8(req), std::size_t(req.size()), 5));  // port above the bound
        QByteArray badMagic = req;
        badMagic[0] = 0;
        const auto e = parseVdeRequest(u8(badMagic), std::size_t(badMagic.size()), 1024);
        QVERIFY(!e);
        QVERIFY(e.error().message.startsWith(QStringLiteral("failed to accept VDE client 'request': bad magic")));
        QByteArray relative = buildVdeRequest("relative", "x");
        QVERIFY(!parseVdeRequest(u8(relative), std::size_t(relative.size()), 1024));
        QByteArray unterminated = req;
        for (int i = 14; i < 12 + 110; ++i)
            unterminated[i] = 'a';
        QVERIFY(!parseVdeRequest(u8(unterminated), std::size_t(unterminated.size()), 1024));
    }

    void samplerComputesRates()
    {
        CounterSampler s;
        PortSnapshot a;
        a.port = 1;
        a.values.rxFrames = 100;
        a.values.rxBytes = 1000;
        QVERIFY(s.sample({a}, kSec).empty());
        a.values.rxFrames = 300;
        a.values.rxBytes = 5000;
        a.values.txDrops = 10;
        const auto rates = s.sample({a}, 3 * kSec);
        QCOMPARE(rates.size(), std::size_t(1));
        QCOMPARE(rates[0].rxFramesPerSec, 100.0);
        QCOMPARE(rates[0].rxBitsPerSec, 16000.0);
        QCOMPARE(rates[0].dropsPerSec, 5.0);
        a.values.rxFrames = 5;  // port id reused: no bogus negative rate
        QVERIFY(s.sample({a}, 4 * kSec).empty());
    }

    void pcapFilesAreWellFormed()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("p.pcap"));
        {
            auto w = PcapWriter::create(path, 24 + 2 * (16 + 60));
            QVERIFY(w);
            const QByteArray f(60, 'z');
            QVERIFY((*w)->write(u8(f), 60, 1'500'000'000'123'456'789));
            QVERIFY((*w)->write(u8(f), 60, 1'500'000'001'000'000'000));
            QVERIFY(!(*w)->write(u8(f), 60, 1'500'000'002'000'000'000));  // bound reached
            QVERIFY((*w)->full());
        }
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray b = file.readAll();
        QCOMPARE(b.size(), 24 + 2 * 76);
        std::uint32_t hdr[6];
        std::memcpy(hdr, b.constData(), 24);
        QCOMPARE(hdr[0], 0xa1b2c3d4u);
        QCOMPARE(hdr[5], 1u);
        std::uint32_t rec[4];
        std::memcpy(rec, b.constData() + 24, 16);
        QCOMPARE(rec[0], 1'500'000'000u);
        QCOMPARE(rec[1], 123'456u);
        QCOMPARE(rec[2], 60u);
        const QString tcpdump = findTool(QStringLiteral("tcpdump"));
        if (!tcpdump.isEmpty()) {
            const CommandResult r = run({tcpdump, QStringLiteral("-nr"), path}, 10000);
            QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
            int records = 0;
            for (const QByteArray &line : r.out.split('\n'))
                records += line.size() > 0 && line[0] >= '0' && line[0] <= '9';
            QCOMPARE(records, 2);
        }
    }
};

QTEST_GUILESS_MAIN(TestSwitchSnooper)
#include "test_switch_snooper.moc"
