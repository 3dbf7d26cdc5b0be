// SPDX-License-Identifier: GPL-3.0-or-later
// The SwitchEngine in-process, as the GUI will use it: ports over socketpairs (datagram and
// length-prefixed stream transports), the thread-safe API (add/remove ports, hub, capture on
// and off at run time, also for a port number nobody holds yet), 802.1Q tags written on the
// wire, a slow peer that never stalls the others, and address events delivered on the
// owner's thread.
#include "framebuilder.h"
#include "testpeers.h"
#include "switch/dgramtransport.h"
#include "switch/streamtransport.h"
#include "switch/switchengine.h"
#include "common/testutil.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace netloom::sw;
using namespace netloom::sw::test;
using namespace netloom::test;

namespace {

void sendStreamFrame(int fd, const QByteArray &f, int splitAt = -1)
{
    QByteArray b;
    put32(b, std::uint32_t(f.size()));
    b += f;
    if (splitAt < 0) {
        (void)!::send(fd, b.constData(), std::size_t(b.size()), 0);
        return;
    }
    (void)!::send(fd, b.constData(), std::size_t(splitAt), 0);  // a frame cut in two writes
    QThread::msleep(20);
    (void)!::send(fd, b.constData() + splitAt, std::size_t(b.size() - splitAt), 0);
}

QByteArray macN(int n) { return mac("52:54:00:00:00:00").left(5) + char(n); }

}  // namespace

class TestSwitchEngine : public QObject {
    Q_OBJECT
private slots:
    void forwardsTagsAndCaptures()
    {
        SwitchEngine engine;
        Peer a = dgramPeer(QStringLiteral("a")), b = streamPeer(QStringLiteral("b")), t = dgramPeer(QStringLiteral("trunk"));
        QSignalSpy added(&engine, &SwitchEngine::portAdded);
        const auto pa = engine.addPort(std::move(a.transport), {VlanPortConfig::access(10), QStringLiteral("a")});
        const auto pb = engine.addPort(std::move(b.transport), {VlanPortConfig::access(10), QStringLiteral("b")});
        const auto pt = engine.addPort(std::move(t.transport), {VlanPortConfig::trunk({10, 20}), QStringLiteral("trunk")});
        QVERIFY(pa && pb && pt);
        QVERIFY(engine.start());
        QTRY_COMPARE(added.count(), 3);

        QTemporaryDir dir;
        const QString pcap = dir.filePath(QStringLiteral("a.pcap"));
        QVERIFY(engine.setCapture(*pa, pcap));
        QTest::qWait(50);

        // a (access 10) broadcasts a runt: b gets it untagged and padded, the trunk tagged 10.
        const QByteArray runt = ether(mac("ff:ff:ff:ff:ff:ff"), macN(1), 0x0806, QByteArray(28, 'r'));
        (void)!::send(a.fd, runt.constData(), std::size_t(runt.size()), 0);
        const QList<QByteArray> onTrunk = readDgrams(t.fd, 1);
        QCOMPARE(onTrunk.size(), 1);
        QCOMPARE(onTrunk[0].size(), 64);
        QCOMPARE(onTrunk[0].mid(12, 4), QByteArray::fromHex("8100000a"));
        QCOMPARE(onTrunk[0].mid(16, 2), QByteArray::fromHex("0806"));
        QCOMPARE(onTrunk[0].mid(18, 28), QByteArray(28, 'r'));
        // b reads a length-prefixed untagged frame of 60 bytes.
        QByteArray sb(100, '\0');
        QTRY_VERIFY(::recv(b.fd, sb.data(), 100, MSG_PEEK | MSG_DONTWAIT) >= 64);
        QCOMPARE(::recv(b.fd, sb.data(), 64, MSG_DONTWAIT), ssize_t(64));
        QCOMPARE(sb.left(4), QByteArray::fromHex("0000003c"));
        QCOMPARE(sb.mid(4, runt.size()), runt);

        // A tagged frame from the trunk (VLAN 10, PCP 5) reaches a untagged; split across two
        // stream writes from b it is reassembled.
        const QByteArray tagged = ether(macN(1), macN(3), 0x0800, QByteArray(100, 't'), (5 << 13) | 10);
        (void)!::send(t.fd, tagged.constData(), std::size_t(tagged.size()), 0);
        QList<QByteArray> onA = readDgrams(a.fd, 1);
        QCOMPARE(onA.size(), 1);
        QCOMPARE(onA[0], ether(macN(1), macN(3), 0x0800, QByteArray(100, 't')));
        sendStreamFrame(b.fd, ether(macN(1), macN(2), 0x0800, QByteArray(300, 's')), 7);
        onA = readDgrams(a.fd, 1);
        QCOMPARE(onA.size(), 1);
        QCOMPARE(onA[0].size(), 314);
        // VLAN 20 from the trunk never reaches the access ports of VLAN 10.
        const QByteArray v20 = ether(mac("ff:ff:ff:ff:ff:ff"), macN(4), 0x0800, QByteArray(46, 'x'), 20);
        (void)!::send(t.fd, v20.constData(), std::size_t(v20.size()), 0);
        QVERIFY(readDgrams(a.fd, 1, 300).isEmpty());

        // Capture off: the file holds exactly what crossed port a so far (rx 1, tx 2) and
        // tcpdump reads it.
        QVERIFY(engine.setCapture(*pa, QString()));
        QTest::qWait(100);
        (void)!::send(a.fd, runt.constData(), std::size_t(runt.size()), 0);
        QTest::qWait(100);
        const QString tcpdump = findTool(QStringLiteral("tcpdump"));
        if (!tcpdump.isEmpty()) {
            const CommandResult r = run({tcpdump, QStringLiteral("-enr"), pcap}, 10000);
            QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
            QCOMPARE(r.out.count('\n'), 3);
            QVERIFY(r.out.contains("52:54:00:00:00:01 > ff:ff:ff:ff:ff:ff"));
        } else {
            QCOMPARE(QFileInfo(pcap).size(), qint64(24 + 3 * 16 + 28 + 14 + 114 + 314));
        }

        // Counters are readable from this thread while the switch runs.
        const auto snap = engine.counters();
        QCOMPARE(snap.size(), std::size_t(3));
        for (const PortSnapshot &s : snap) {
            if (s.port == *pa) {
                QCOMPARE(s.values.rxFrames, 2u);
                QCOMPARE(s.values.txFrames, 2u);
                QCOMPARE(s.values.runtsPadded, 2u);
            }
            if (s.port == *pt)
                QCOMPARE(s.values.rxFrames, 2u);
        }

        // Removing a port at run time: it disappears and its MACs are forgotten.
        QSignalSpy removed(&engine, &SwitchEngine::portRemoved);
        engine.removePort(*pb);
        QTRY_COMPARE(removed.count(), 1);
        QCOMPARE(engine.ports().size(), std::size_t(2));
        engine.stop();
        for (int fd : {a.fd, b.fd, t.fd})
            ::close(fd);
    }

    void captureBelongsToThePortNumber()
    {
        SwitchEngine engine;
        QTemporaryDir dir;
        const QString pcap = dir.filePath(QStringLiteral("p2.pcap"));
        // Numbers outside 1..maxPorts are refused, naming the port.
        const netloom::Status zero = engine.setCapture(0, pcap);
        QVERIFY(!zero);
        QCOMPARE(zero.error().code, netloom::ErrorCode::InvalidArgument);
        QVERIFY(zero.error().message.contains(QLatin1String("port 0")));
        QVERIFY(!engine.setCapture(SwitchConfig{}.maxPorts + 1, pcap));
        QVERIFY(!engine.setCapture(2, dir.filePath(QStringLiteral("no/such/dir/x.pcap"))));
        // Port 2 does not exist yet: the capture waits for it and sees its first frame.
        QVERIFY(engine.setCapture(2, pcap));
        QVERIFY(engine.start());
        Peer a = dgramPeer(QStringLiteral("a")), b = dgramPeer(QStringLiteral("b"));
        QSignalSpy added(&engine, &SwitchEngine::portAdded);
        QSignalSpy removed(&engine, &SwitchEngine::portRemoved);
        const auto pa = engine.addPort(std::move(a.transport));
        const auto pb = engine.addPort(std::move(b.transport));
        QVERIFY(pa && pb);
        QCOMPARE(*pb, PortId(2));
        QTRY_COMPARE(added.count(), 2);
        const QByteArray bc = ether(mac("ff:ff:ff:ff:ff:ff"), macN(2), 0x0800, QByteArray(100, 'b'));
        (void)!::send(b.fd, bc.constData(), std::size_t(bc.size()), 0);  // rx on port 2
        QCOMPARE(readDgrams(a.fd, 1).size(), 1);
        bool listed = false;
        for (const PortInfo &i : engine.ports())
            listed = listed || (i.id == 2 && i.capturePath == pcap);
        QVERIFY(listed);
        // The holder goes, another port takes number 2: its frames go on into the same file.
        engine.removePort(*pb);
        QTRY_COMPARE(removed.count(), 1);
        ::close(b.fd);
        Peer c = dgramPeer(QStringLiteral("c"));
        const auto pc = engine.addPort(std::move(c.transport));
        QVERIFY(pc);
        QCOMPARE(*pc, PortId(2));
        QTRY_COMPARE(added.count(), 3);
        const QByteArray uc = ether(macN(3), macN(1), 0x0800, QByteArray(200, 'a'));
        (void)!::send(a.fd, uc.constData(), std::size_t(uc.size()), 0);  // flooded: tx on port 2
        QCOMPARE(readDgrams(c.fd, 1).size(), 1);
        // Off: nothing more is written; the file holds both frames, whole.
        QVERIFY(engine.setCapture(2, QString()));
        QTest::qWait(100);
        (void)!::send(a.fd, uc.constData(), std::size_t(uc.size()), 0);
        QCOMPARE(readDgrams(c.fd, 1).size(), 1);
        engine.stop();
        QFile f(pcap);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        QCOMPARE(bytes.size(), 24 + 16 + bc.size() + 16 + uc.size());
        QCOMPARE(bytes.mid(24 + 16, bc.size()), bc);
        QCOMPARE(bytes.mid(24 + 16 + bc.size() + 16, uc.size()), uc);
        for (int fd : {a.fd, c.fd})
            ::close(fd);
    }

    void slowPeerNeverStallsTheSwitch()
    {
        SwitchConfig cfg;
        cfg.txQueueFrames = 64;
        SwitchEngine engine(cfg);
        Peer a = dgramPeer(QStringLiteral("a")), slow = dgramPeer(QStringLiteral("slow")), c = dgramPeer(QStringLiteral("c"));
        int small = 16384;  // the switch's socket towards `slow` fills up quickly
        ::setsockopt(slow.transport->dataFd(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
        const auto pa = engine.addPort(std::move(a.transport));
        const auto ps = engine.addPort(std::move(slow.transport));
        const auto pc = engine.addPort(std::move(c.transport));
        QVERIFY(pa && ps && pc);
        QVERIFY(engine.start());
        // 5000 broadcasts from a in bursts of 50; `slow` never reads; c reads everything
        // after each burst, so it is never the bottleneck.
        const QByteArray f = ether(mac("ff:ff:ff:ff:ff:ff"), macN(1), 0x0800, QByteArray(500, 'b'));
        int got = 0;
        for (int burst = 0; burst < 100; ++burst) {
            for (int i = 0; i < 50; ++i)
                while (::send(a.fd, f.constData(), std::size_t(f.size()), MSG_DONTWAIT) < 0)
                    QThread::usleep(100);
            QElapsedTimer t;
            t.start();
            while (got < (burst + 1) * 50 && t.elapsed() < 3000)
                got += int(readDgrams(c.fd, 0, 20).size());
            QVERIFY2(got == (burst + 1) * 50, qPrintable(QStringLiteral("burst %1: c got %2").arg(burst).arg(got)));
        }
        QTest::qWait(100);
        PortCounterValues slowBefore;
        for (const PortSnapshot &s : engine.counters()) {
            if (s.port == *ps) {
                QVERIFY(s.values.txDrops > 0);  // floods to a full peer are dropped, not queued
                QCOMPARE(s.values.txFrames + s.values.txDrops, 5000u);
                slowBefore = s.values;
            }
            if (s.port == *pc)
                QCOMPARE(s.values.txDrops, 0u);
        }
        // Unicast to the full peer waits in its bounded queue (64 frames) and is delivered
        // once it reads again; beyond the bound frames are dropped and counted.
        const QByteArray hello = ether(mac("ff:ff:ff:ff:ff:ff"), macN(9), 0x0800, QByteArray(46, 'h'));
        (void)!::send(slow.fd, hello.constData(), std::size_t(hello.size()), 0);
        QTest::qWait(50);
        const QByteArray uni = ether(macN(9), macN(1), 0x0800, QByteArray(500, 'u'));
        for (int i = 0; i < 300; ++i)
            while (::send(a.fd, uni.constData(), std::size_t(uni.size()), MSG_DONTWAIT) < 0)
                QThread::usleep(100);
        QTest::qWait(100);
        int unicastSeen = 0;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 3000) {
            const QList<QByteArray> frames = readDgrams(slow.fd, 0, 100);
            for (const QByteArray &g : frames)
                unicastSeen += g.mid(14, 1) == "u";
            if (frames.isEmpty() && t.elapsed() > 500)
                break;
        }
        PortCounterValues slowAfter;
        for (const PortSnapshot &s : engine.counters())
            if (s.port == *ps)
                slowAfter = s.values;
        const std::uint64_t uniSent = slowAfter.txFrames - slowBefore.txFrames;
        const std::uint64_t uniDropped = slowAfter.txDrops - slowBefore.txDrops;
        QCOMPARE(uniSent + uniDropped, 300u);
        QVERIFY2(uniDropped > 0 && uniSent >= 64, qPrintable(QStringLiteral("sent %1 dropped %2").arg(uniSent).arg(uniDropped)));
        QVERIFY2(std::uint64_t(unicastSeen) == uniSent, qPrintable(QStringLiteral("%1 read, %2 sent").arg(unicastSeen).arg(uniSent)));
        engine.stop();
        for (int fd : {a.fd, slow.fd, c.fd})
            ::close(fd);
    }

    void eventsArriveOnTheOwnerThread()
    {
        SwitchEngine engine;
        Peer a = dgramPeer(QStringLiteral("a")), b = dgramPeer(QStringLiteral("b"));
        QVERIFY(engine.addPort(std::move(a.transport)));
        QVERIFY(engine.addPort(std::move(b.transport)));
        QThread *owner = QThread::currentThread();
        QThread *seen = nullptr;
        QList<AddressEvent> events;
        QObject::connect(&engine, &SwitchEngine::addressEvent, &engine, [&](const AddressEvent &e) {
            seen = QThread::currentThread();
            events << e;
        });
        QVERIFY(engine.start());
        DhcpFields d;
        d.type = 3;
        d.chaddr = macN(7);
        d.hostname = "in-process";
        d.requested = ip4(10, 1, 2, 3);
        const QByteArray req = dhcpFrame(d, macN(7));
        const qint64 sent = SwitchEngine::monotonicNs();
        (void)!::send(a.fd, req.constData(), std::size_t(req.size()), 0);
        QTRY_COMPARE(events.size(), 1);
        QCOMPARE(seen, owner);
        QCOMPARE(events[0].kind, AddressEventKind::DhcpRequest);
        QCOMPARE(events[0].hostname, QStringLiteral("in-process"));
        QCOMPARE(events[0].ip.toString(), QStringLiteral("10.1.2.3"));
        QVERIFY(events[0].monotonicNs >= sent);
        // Informational only (timing is the bench's business, not a test's).
        qInfo("frame seen by the switch %.3f ms after it was sent", double(events[0].monotonicNs - sent) / 1e6);
        engine.stop();
        ::close(a.fd);
        ::close(b.fd);
    }
};

QTEST_GUILESS_MAIN(TestSwitchEngine)
#include "test_switch_engine.moc"
