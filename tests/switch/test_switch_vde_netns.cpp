// SPDX-License-Identifier: GPL-3.0-or-later
// The netloom switch as an ordinary user, with unmodified vde_plug clients: frames cross,
// counters add up, the control socket is private, a client that leaves is removed; hostile
// input (garbage handshakes, random bytes, a MAC flood) never crashes or wedges it, and other
// ports' MAC entries survive the flood.
#include "framebuilder.h"
#include "switchharness.h"

#include <QRandomGenerator>
#include <QtTest>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

using namespace netloom::test;

namespace {

bool isPortAdded(const QJsonObject &o, int port)
{
    return o[QStringLiteral("type")] == QLatin1String("port-added") && o[QStringLiteral("port")].toInt() == port;
}

QByteArray macN(int n) { return mac("52:54:00:00:00:00").left(5) + char(n); }

// Connects to DIR/ctl from the test process, sends `bytes`, returns what came back (<= 200 ms).
QByteArray rawControl(const QString &ctl, const QByteArray &bytes)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    const QByteArray p = ctl.toLocal8Bit();
    std::memcpy(sa.sun_path, p.constData(), std::size_t(p.size()));
    QByteArray reply;
    if (::connect(fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa) == 0) {
        (void)!::send(fd, bytes.constData(), std::size_t(bytes.size()), MSG_NOSIGNAL);
        timeval tv{0, 200000};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char buf[256];
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n > 0)
            reply = QByteArray(buf, int(n));
    }
    ::close(fd);
    return reply;
}

}  // namespace

class TestSwitchVdeNetns : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        requireRoot();
        requireTool(QStringLiteral("vde_plug"));
        requireTool(QStringLiteral("setpriv"));
    }

    void vdePlugClientsInteroperate()
    {
        ScopedNetns ns(QStringLiteral("swvde"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        NobodyDir dir;
        const QString sock = dir.file(QStringLiteral("sw"));
        SwitchProcess sw(ns, {QStringLiteral("--sock"), sock});
        QVERIFY2(sw.ok(), qPrintable(sw.error()));
        struct stat st {};
        QCOMPARE(::stat(QString(sock + QStringLiteral("/ctl")).toLocal8Bit().constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, mode_t(0600));
        QCOMPARE(int(st.st_uid), kNobody);

        // One at a time, so that a is port 1 and b port 2.
        VdePlugClient a(ns, sock);
        QVERIFY(!sw.waitFor([](const QJsonObject &o) { return isPortAdded(o, 1); }, 5000).isEmpty());
        VdePlugClient b(ns, sock);
        QVERIFY(!sw.waitFor([](const QJsonObject &o) { return isPortAdded(o, 2); }, 5000).isEmpty());

        // a broadcasts (a runt: padded to 60), b answers by unicast.
        const QByteArray bc = ether(mac("ff:ff:ff:ff:ff:ff"), macN(1), 0x0806, QByteArray(10, 'r'));
        a.send(bc);
        QList<QByteArray> got = b.receive(1, 3000);
        QCOMPARE(got.size(), 1);
        QCOMPARE(got[0].size(), 60);
        QCOMPARE(got[0].left(bc.size()), bc);
        for (int i = 0; i < 50; ++i)
            b.send(ether(macN(1), macN(2), 0x0800, QByteArray(100 + i, char(i))));
        got = a.receive(50, 3000);
        QCOMPARE(got.size(), 50);
        QCOMPARE(got[49].size(), 14 + 149);
        // Now that both are learned, unicast a -> b.
        a.send(ether(macN(2), macN(1), 0x0800, QByteArray(200, 'u')));
        QCOMPARE(b.receive(2, 3000).size(), 2);

        // A frame can reach its client before the switch thread, preempted on its way back
        // from the send, has counted it: read until the tx counters have caught up (bounded).
        QMap<int, QJsonObject> c;
        auto n = [&](int port, const char *key) { return c[port][QLatin1String(key)].toInteger(); };
        for (int i = 0; i < 30; ++i) {
            c = sw.counters();
            if (n(1, "tx_frames") >= 50 && n(2, "tx_frames") >= 2)
                break;
            QTest::qWait(100);
        }
        QCOMPARE(c.size(), 2);
        QCOMPARE(n(1, "rx_frames"), 2);
        QCOMPARE(n(1, "rx_bytes"), 24 + 214);
        QCOMPARE(n(1, "rx_broadcast"), 1);
        QCOMPARE(n(1, "runts_padded"), 1);
        QCOMPARE(n(2, "rx_frames"), 50);
        QCOMPARE(n(1, "tx_frames"), n(2, "rx_frames"));
        QCOMPARE(n(2, "tx_frames"), n(1, "rx_frames"));
        QCOMPARE(n(2, "tx_bytes"), 60 + 214);  // the runt went out padded
        QCOMPARE(n(2, "tx_broadcast"), 1);

        // A client that leaves is removed, and its MAC is forgotten (flooded again).
        a.close();
        QVERIFY(!sw.waitFor([](const QJsonObject &o) {
                       return o[QStringLiteral("type")] == QLatin1String("port-removed") && o[QStringLiteral("port")].toInt() == 1;
                   }, 5000).isEmpty());
        QCOMPARE(sw.counters().size(), 1);
        QCOMPARE(sw.stop(), 130);
        QVERIFY2(!QFile::exists(sock + QStringLiteral("/ctl")), "the control socket is removed at exit");
    }

    void hostileInputNeverWedges()
    {
        ScopedNetns ns(QStringLiteral("swhostile"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        NobodyDir dir;
        const QString sock = dir.file(QStringLiteral("sw"));
        SwitchProcess sw(ns, {QStringLiteral("--sock"), sock});
        QVERIFY2(sw.ok(), qPrintable(sw.error()));
        const QString ctl = sock + QStringLiteral("/ctl");

        // Garbage handshakes: nothing, random bytes, a short request, wrong magic, a path
        // that does not exist, a path that is not a socket, a huge port number.
        QRandomGenerator rng(42);
        QByteArray random(300, '\0');
        for (char &ch : random)
            ch = char(rng.bounded(256));
        QByteArray noSocket = sock.toLocal8Bit() + "/nope";
        const QList<QByteArray> garbage{
            QByteArray(), random, random.left(50), QByteArray(122, '\xff'),
            ([] { QByteArray r(122, '\0'); return r; })(),
        };
        for (const QByteArray &g : garbage)
            QVERIFY(rawControl(ctl, g).isEmpty());
        QByteArray req = QByteArray::fromHex("cefaedfe03000000") + QByteArray(4, '\0');
        QByteArray sa(110, '\0');
        sa[0] = 1;  // AF_UNIX
        sa.replace(2, noSocket.size(), noSocket);
        QVERIFY(rawControl(ctl, req + sa + "x").isEmpty());
        QByteArray dirPath = dir.path().toLocal8Bit();
        sa.fill('\0');
        sa[0] = 1;
        sa.replace(2, dirPath.size(), dirPath);
        QVERIFY(rawControl(ctl, req + sa).isEmpty());
        QByteArray bigPort = QByteArray::fromHex("cefaedfe03000000") + QByteArray::fromHex("00ffffff");
        QVERIFY(rawControl(ctl, bigPort + sa).isEmpty());
        // Many idle connections at once (more than the pending bound).
        QList<int> idle;
        for (int i = 0; i < 64; ++i) {
            const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_un s{};
            s.sun_family = AF_UNIX;
            std::memcpy(s.sun_path, ctl.toLocal8Bit().constData(), std::size_t(ctl.size()));
            ::connect(fd, reinterpret_cast<sockaddr *>(&s), sizeof s);
            idle << fd;
        }

        // Real clients still get in.
        VdePlugClient a(ns, sock);
        QVERIFY(!sw.waitFor([](const QJsonObject &o) { return isPortAdded(o, 1); }, 5000).isEmpty());
        VdePlugClient b(ns, sock), c(ns, sock);
        QVERIFY(!sw.waitFor([](const QJsonObject &o) { return isPortAdded(o, 3); }, 5000).isEmpty());
        for (int fd : idle)
            ::close(fd);
        // b and c learn their MACs.
        b.send(ether(mac("ff:ff:ff:ff:ff:ff"), macN(2), 0x0800, QByteArray(46, 'b')));
        c.send(ether(mac("ff:ff:ff:ff:ff:ff"), macN(3), 0x0800, QByteArray(46, 'c')));
        QCOMPARE(a.receive(2, 3000).size(), 2);

        // Random bytes of random length (0..1600) blasted into port a, then a MAC flood of
        // 20000 random unicast sources from a (more than twice the table bound).
        for (int i = 0; i < 2000; ++i) {
            QByteArray f(int(rng.bounded(1, 1600)), '\0');
            for (char &ch : f)
                ch = char(rng.bounded(256));
            a.send(f);
        }
        for (int i = 0; i < 20000; ++i) {
            QByteArray src = macN(0).left(2) + QByteArray::number(quint32(rng.generate()), 16).rightJustified(8, '0').left(4);
            src[0] = char(0x52);
            a.send(ether(macN(99), src, 0x0800, QByteArray(46, 'f')));
        }
        // Wait until the switch has taken in the whole flood (its rx counter stops moving).
        qint64 last = -1;
        for (int i = 0; i < 100; ++i) {
            QTest::qWait(200);
            const qint64 now = sw.counters()[1][QStringLiteral("rx_frames")].toInteger();
            if (now == last && now >= 20000)
                break;
            last = now;
        }
        QVERIFY2(last >= 20000, qPrintable(QStringLiteral("port 1 received only %1 frames").arg(last)));
        auto isU = [](const QByteArray &f) { return f.size() >= 15 && f.mid(6, 6) == macN(2) && f.mid(14, 1) == "U"; };
        // b -> c unicast must reach c, and only c: c's entry survived the flood.
        const int aBefore = int(a.receive(0, 300).size());
        b.send(ether(macN(3), macN(2), 0x0800, QByteArray(46, 'U')));
        bool cGotIt = false;
        for (int i = 0; i < 50 && !cGotIt; ++i)
            for (const QByteArray &f : c.receive(0, 100))
                cGotIt = cGotIt || isU(f);
        QVERIFY(cGotIt);
        QTest::qWait(300);
        const QList<QByteArray> aAfter = a.receive(0, 0);
        for (int i = aBefore; i < aAfter.size(); ++i)
            QVERIFY2(!isU(aAfter[i]), "unicast to a learned MAC was flooded");

        const QMap<int, QJsonObject> counters = sw.counters();
        QVERIFY(counters[1][QStringLiteral("rx_frames")].toInteger() >= 20000);
        QVERIFY(counters[1][QStringLiteral("rx_drops")].toInteger() + counters[1][QStringLiteral("oversize")].toInteger() > 0);
        const QJsonObject stats = sw.waitFor([](const QJsonObject &o) { return o[QStringLiteral("type")] == QLatin1String("counters"); }, 100);
        QVERIFY(stats[QStringLiteral("mac_entries")].toInt() <= 8192);
        QCOMPARE(sw.stop(), 130);
    }
};

QTEST_GUILESS_MAIN(TestSwitchVdeNetns)
#include "test_switch_vde_netns.moc"
