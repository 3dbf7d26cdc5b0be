// SPDX-License-Identifier: GPL-3.0-or-later
// Network emulation and port mirroring in the SwitchEngine, in-process over socketpair ports:
// a delay on one port's egress or ingress that does not slow a second port, a port set down
// dropping both ways (counted) and coming back, a live change taking effect at once, random
// loss and duplication counted exactly, mirroring rx / tx / both (rx as received, tag kept),
// and refused settings (self-mirror, mirror loops, bad port numbers, invalid impairments).
#include "framebuilder.h"
#include "testpeers.h"
#include "switch/switchengine.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QtTest>

#include <sys/socket.h>

using namespace netloom::sw;
using namespace netloom::sw::test;
using namespace netloom::test;
using netloom::Status;
using netloom::protocol::Impairment;

namespace {

QByteArray macN(int n) { return mac("52:54:00:00:00:00").left(5) + char(n); }
QByteArray bcast() { return mac("ff:ff:ff:ff:ff:ff"); }

void sendTo(int fd, const QByteArray &f) { (void)!::send(fd, f.constData(), std::size_t(f.size()), 0); }

Impairment spec(const char *text)
{
    auto r = netloom::protocol::parseImpairmentSpec(QString::fromLatin1(text));
    if (!r)
        qFatal("bad spec %s: %s", text, qPrintable(r.error().message));
    return *r;
}

PortCounterValues countersOf(const SwitchEngine &e, PortId id)
{
    for (const PortSnapshot &s : e.counters())
        if (s.port == id)
            return s.values;
    return {};
}

// Reads datagrams from fd until one equal to `want` arrives; returns ms waited, -1 on timeout.
qint64 waitForFrame(int fd, const QByteArray &want, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    char buf[10000];
    while (t.elapsed() < timeoutMs) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n >= 0) {
            if (QByteArray(buf, int(n)) == want)
                return t.elapsed();
            continue;
        }
        QThread::usleep(500);
    }
    return -1;
}

void drain(int fd) { readDgrams(fd, 0, 50); }

// A switch with `n` datagram ports (access VLAN 1) whose MACs (macN(1..n)) are learnt and
// whose sockets are drained.
struct Bench {
    SwitchEngine engine;
    std::vector<int> fds;
    std::vector<PortId> ids;
    explicit Bench(int n, std::vector<PortOptions> options = {})
    {
        QSignalSpy added(&engine, &SwitchEngine::portAdded);
        for (int i = 0; i < n; ++i) {
            Peer p = dgramPeer(QStringLiteral("p%1").arg(i + 1));
            const PortOptions o = std::size_t(i) < options.size() ? options[std::size_t(i)] : PortOptions{};
            ids.push_back(*engine.addPort(std::move(p.transport), o));
            fds.push_back(p.fd);
        }
        QVERIFY(engine.start());
        QTRY_COMPARE(added.count(), n);
        for (int i = 0; i < n; ++i)
            sendTo(fds[std::size_t(i)], ether(bcast(), macN(i + 1), 0x0800, QByteArray(46, 'l')));
        QTest::qWait(50);
        for (int fd : fds)
            drain(fd);
    }
    ~Bench()
    {
        engine.stop();
        for (int fd : fds)
            ::close(fd);
    }
    int fd(int port) const { return fds[std::size_t(port - 1)]; }
    // A unicast frame from port `from` to the MAC of port `to`.
    static QByteArray uni(int from, int to, char fill, int size = 100)
    {
        return ether(macN(to), macN(from), 0x0800, QByteArray(size, fill));
    }
};

}  // namespace

class TestSwitchEmulation : public QObject {
    Q_OBJECT
private slots:
    void egressDelayDoesNotSlowOtherPorts()
    {
        Bench b(3);
        PortEmulation e;
        e.toPort = spec("delay=200ms");
        QVERIFY(b.engine.setPortEmulation(2, e));
        QCOMPARE(b.engine.portEmulation(2), e);
        QTest::qWait(20);
        const std::uint64_t tx2 = countersOf(b.engine, 2).txFrames;
        const QByteArray to2 = Bench::uni(1, 2, 'x'), to3 = Bench::uni(1, 3, 'y');
        QElapsedTimer t;
        t.start();
        sendTo(b.fd(1), to2);
        sendTo(b.fd(1), to3);
        QVERIFY(waitForFrame(b.fd(3), to3, 1000) >= 0);
        QVERIFY2(t.elapsed() < 100, qPrintable(QString::number(t.elapsed())));  // not behind port 2's delay
        QTRY_COMPARE(countersOf(b.engine, 2).impairDelayed, 1u);
        QVERIFY(waitForFrame(b.fd(2), to2, 2000) >= 0);
        QVERIFY2(t.elapsed() >= 195, qPrintable(QString::number(t.elapsed())));
        QVERIFY2(t.elapsed() < 600, qPrintable(QString::number(t.elapsed())));
        QTRY_COMPARE(countersOf(b.engine, 2).impairDelayed, 0u);
        QCOMPARE(countersOf(b.engine, 2).txFrames, tx2 + 1);  // counted when sent
        // The reply direction (frames from port 2) is not delayed.
        t.restart();
        sendTo(b.fd(2), Bench::uni(2, 1, 'r'));
        QVERIFY(waitForFrame(b.fd(1), Bench::uni(2, 1, 'r'), 1000) >= 0);
        QVERIFY(t.elapsed() < 100);
    }

    void ingressDelayHoldsBeforeForwarding()
    {
        Bench b(3);
        PortEmulation e;
        e.fromPort = spec("delay=150ms");
        QVERIFY(b.engine.setPortEmulation(1, e));
        QTest::qWait(20);
        QElapsedTimer t;
        t.start();
        sendTo(b.fd(1), Bench::uni(1, 2, 'i'));
        sendTo(b.fd(3), Bench::uni(3, 2, 'j'));  // another port's frame is not held
        QVERIFY(waitForFrame(b.fd(2), Bench::uni(3, 2, 'j'), 1000) >= 0);
        QVERIFY(t.elapsed() < 100);
        QVERIFY(waitForFrame(b.fd(2), Bench::uni(1, 2, 'i'), 2000) >= 0);
        QVERIFY2(t.elapsed() >= 145, qPrintable(QString::number(t.elapsed())));
        // Counted as received when the switch takes it, after the hold.
        QCOMPARE(countersOf(b.engine, 1).rxFrames, 2u);
    }

    void downDropsBothWaysAndCounts()
    {
        Bench b(2);
        PortEmulation down;
        down.up = false;
        QVERIFY(b.engine.setPortEmulation(2, down));
        QTest::qWait(20);
        sendTo(b.fd(1), Bench::uni(1, 2, 'a'));
        sendTo(b.fd(2), Bench::uni(2, 1, 'b'));
        sendTo(b.fd(2), ether(bcast(), macN(2), 0x0800, QByteArray(46, 'c')));
        QVERIFY(readDgrams(b.fd(1), 1, 300).isEmpty());
        QVERIFY(readDgrams(b.fd(2), 1, 100).isEmpty());
        QTRY_COMPARE(countersOf(b.engine, 2).linkDownDrops, 3u);
        QCOMPARE(countersOf(b.engine, 2).rxFrames, 1u);  // only the learning frame before
        // Up again: both ways pass.
        QVERIFY(b.engine.setPortEmulation(2, PortEmulation{}));
        QTest::qWait(20);
        sendTo(b.fd(1), Bench::uni(1, 2, 'd'));
        QVERIFY(waitForFrame(b.fd(2), Bench::uni(1, 2, 'd'), 1000) >= 0);
        sendTo(b.fd(2), Bench::uni(2, 1, 'e'));
        QVERIFY(waitForFrame(b.fd(1), Bench::uni(2, 1, 'e'), 1000) >= 0);
        // Setting a port down drops what it holds.
        PortEmulation slow;
        slow.toPort = spec("delay=5s");
        QVERIFY(b.engine.setPortEmulation(2, slow));
        QTest::qWait(20);
        sendTo(b.fd(1), Bench::uni(1, 2, 'f'));
        QTRY_COMPARE(countersOf(b.engine, 2).impairDelayed, 1u);
        QVERIFY(b.engine.setPortEmulation(2, down));
        QTRY_COMPARE(countersOf(b.engine, 2).impairDelayed, 0u);
        QCOMPARE(countersOf(b.engine, 2).linkDownDrops, 4u);
    }

    void liveChangeTakesEffectAtOnce()
    {
        Bench b(2);
        PortEmulation e;
        e.toPort = spec("delay=400ms");
        QVERIFY(b.engine.setPortEmulation(2, e));
        QTest::qWait(20);
        sendTo(b.fd(1), Bench::uni(1, 2, '1'));
        QTRY_COMPARE(countersOf(b.engine, 2).impairDelayed, 1u);
        QVERIFY(b.engine.setPortEmulation(2, PortEmulation{}));
        QTest::qWait(20);
        QElapsedTimer t;
        t.start();
        sendTo(b.fd(1), Bench::uni(1, 2, '2'));
        // The new frame goes at once; the one held under the old setting leaves as scheduled.
        const QList<QByteArray> first = readDgrams(b.fd(2), 1, 1000);
        QCOMPARE(first.size(), 1);
        QCOMPARE(first[0], Bench::uni(1, 2, '2'));
        QVERIFY(t.elapsed() < 200);
        QVERIFY(waitForFrame(b.fd(2), Bench::uni(1, 2, '1'), 2000) >= 0);
        QTRY_COMPARE(countersOf(b.engine, 2).impairDelayed, 0u);
        // And back to a delay: the next frame is held again.
        QVERIFY(b.engine.setPortEmulation(2, e));
        QTest::qWait(20);
        t.restart();
        sendTo(b.fd(1), Bench::uni(1, 2, '3'));
        QVERIFY(waitForFrame(b.fd(2), Bench::uni(1, 2, '3'), 2000) >= 350);
    }

    void lossAndDuplicationAreCounted()
    {
        Bench b(2);
        PortEmulation e;
        e.toPort = spec("loss=20%,duplicate=10%");
        QVERIFY(b.engine.setPortEmulation(2, e));
        QTest::qWait(20);
        const std::uint64_t tx2 = countersOf(b.engine, 2).txFrames;
        constexpr int kSent = 2000;
        int got = 0;
        for (int i = 0; i < kSent; ++i) {
            sendTo(b.fd(1), Bench::uni(1, 2, char('a' + i % 26)));
            if (i % 50 == 49)
                got += int(readDgrams(b.fd(2), 0, 20).size());
        }
        QTest::qWait(100);
        got += int(readDgrams(b.fd(2), 0, 100).size());
        const PortCounterValues v = countersOf(b.engine, 2);
        QCOMPARE(v.rxFrames, 1u);
        QCOMPARE(std::uint64_t(got), std::uint64_t(kSent) - v.impairLoss + v.impairDuplicated);
        QCOMPARE(v.txFrames - tx2, std::uint64_t(got));
        QVERIFY2(v.impairLoss > 300 && v.impairLoss < 500, qPrintable(QString::number(v.impairLoss)));
        QVERIFY2(v.impairDuplicated > 100 && v.impairDuplicated < 230, qPrintable(QString::number(v.impairDuplicated)));
        QCOMPARE(v.impairDrops(), v.impairLoss);
    }

    void mirrorRxTxBoth()
    {
        // Port 1 is a trunk (VLANs 10, 20), 2 an access port of VLAN 10, 3 the mirror target
        // (an access port of VLAN 10 too: it still switches its own frames normally).
        Bench b(3, {PortOptions{VlanPortConfig::trunk({10, 20}), {}}, PortOptions{VlanPortConfig::access(10), {}},
                    PortOptions{VlanPortConfig::access(10), {}}});
        // Learn MACs inside VLAN 10 (the bench's learning frames from port 1 were untagged).
        sendTo(b.fd(1), ether(bcast(), macN(1), 0x0800, QByteArray(46, 'L'), 10));
        QTest::qWait(50);
        for (int p = 1; p <= 3; ++p)
            drain(b.fd(p));
        const QByteArray tagged = ether(macN(2), macN(1), 0x0800, QByteArray(100, 'T'), 10);
        const QByteArray untagged = ether(macN(2), macN(1), 0x0800, QByteArray(100, 'T'));
        const QByteArray reply = ether(macN(1), macN(2), 0x0800, QByteArray(100, 'R'));
        const QByteArray replyTagged = ether(macN(1), macN(2), 0x0800, QByteArray(100, 'R'), 10);

        const std::uint64_t tx3 = countersOf(b.engine, 3).txFrames;
        QVERIFY(b.engine.setMirror(1, 3, MirrorDirection::Rx));
        QTest::qWait(20);
        sendTo(b.fd(1), tagged);
        QVERIFY(waitForFrame(b.fd(2), untagged, 1000) >= 0);
        QList<QByteArray> m = readDgrams(b.fd(3), 1, 500);
        QCOMPARE(m.size(), 1);
        QCOMPARE(m[0], tagged);  // as received: the tag kept
        sendTo(b.fd(2), reply);
        QVERIFY(waitForFrame(b.fd(1), replyTagged, 1000) >= 0);
        QVERIFY(readDgrams(b.fd(3), 1, 200).isEmpty());  // rx only: frames sent to 1 not copied

        QVERIFY(b.engine.setMirror(1, 3, MirrorDirection::Tx));
        QTest::qWait(20);
        sendTo(b.fd(1), tagged);
        QVERIFY(waitForFrame(b.fd(2), untagged, 1000) >= 0);
        sendTo(b.fd(2), reply);
        QVERIFY(waitForFrame(b.fd(1), replyTagged, 1000) >= 0);
        m = readDgrams(b.fd(3), 1, 500);
        QCOMPARE(m.size(), 1);
        QCOMPARE(m[0], replyTagged);  // as sent to port 1

        QVERIFY(b.engine.setMirror(1, 3, MirrorDirection::Both));
        QTest::qWait(20);
        sendTo(b.fd(1), tagged);
        QVERIFY(waitForFrame(b.fd(2), untagged, 1000) >= 0);
        sendTo(b.fd(2), reply);
        QVERIFY(waitForFrame(b.fd(1), replyTagged, 1000) >= 0);
        m = readDgrams(b.fd(3), 2, 500);
        QCOMPARE(m.size(), 2);
        QCOMPARE(m[0], tagged);
        QCOMPARE(m[1], replyTagged);
        QCOMPARE(countersOf(b.engine, 3).txFrames, tx3 + 4);  // the copies count on the target

        // The target's own frames are switched normally.
        sendTo(b.fd(3), ether(macN(2), macN(3), 0x0800, QByteArray(60, 'O')));
        QVERIFY(waitForFrame(b.fd(2), ether(macN(2), macN(3), 0x0800, QByteArray(60, 'O')), 1000) >= 0);

        // Cleared: no more copies.
        b.engine.clearMirror(1);
        QTest::qWait(20);
        sendTo(b.fd(1), tagged);
        QVERIFY(waitForFrame(b.fd(2), untagged, 1000) >= 0);
        QVERIFY(readDgrams(b.fd(3), 1, 200).isEmpty());
    }

    void mirrorOfDelayedPortSeesFramesAsSent()
    {
        // A tx mirror of a delayed port copies frames when they actually leave.
        Bench b(3);
        PortEmulation e;
        e.toPort = spec("delay=150ms");
        QVERIFY(b.engine.setPortEmulation(2, e));
        QVERIFY(b.engine.setMirror(2, 3, MirrorDirection::Tx));
        QTest::qWait(20);
        QElapsedTimer t;
        t.start();
        sendTo(b.fd(1), Bench::uni(1, 2, 'm'));
        QVERIFY(waitForFrame(b.fd(3), Bench::uni(1, 2, 'm'), 2000) >= 0);
        QVERIFY2(t.elapsed() >= 145, qPrintable(QString::number(t.elapsed())));
        QVERIFY(waitForFrame(b.fd(2), Bench::uni(1, 2, 'm'), 1000) >= 0);
    }

    void refusedSettings()
    {
        SwitchEngine e;
        QVERIFY(!e.setMirror(1, 1, MirrorDirection::Both));
        QVERIFY(e.setMirror(1, 2, MirrorDirection::Both));
        const Status loop = e.setMirror(2, 1, MirrorDirection::Rx);
        QVERIFY(!loop);
        QVERIFY2(loop.error().message.contains(QLatin1String("loop")), qPrintable(loop.error().message));
        QVERIFY(e.setMirror(2, 3, MirrorDirection::Tx));
        QVERIFY(!e.setMirror(3, 1, MirrorDirection::Tx));  // 1 -> 2 -> 3 -> 1
        QVERIFY(e.setMirror(4, 2, MirrorDirection::Tx));     // several sources may share a target
        e.clearMirror(2);
        QVERIFY(e.setMirror(3, 1, MirrorDirection::Tx));     // no loop any more
        QVERIFY(!e.setMirror(0, 1, MirrorDirection::Tx));
        QVERIFY(!e.setMirror(1, 5000, MirrorDirection::Tx));

        PortEmulation bad;
        bad.toPort.delayUs = 20'000'000;
        const Status s = e.setPortEmulation(1, bad);
        QVERIFY(!s);
        QVERIFY2(s.error().message.contains(QLatin1String("delay")), qPrintable(s.error().message));
        QCOMPARE(e.portEmulation(1), PortEmulation{});
        QVERIFY(!e.setPortEmulation(0, PortEmulation{}));
        QVERIFY(!e.setPortEmulation(SwitchConfig{}.maxPorts + 1, PortEmulation{}));
    }
};

QTEST_GUILESS_MAIN(TestSwitchEmulation)
#include "test_switch_emulation.moc"
