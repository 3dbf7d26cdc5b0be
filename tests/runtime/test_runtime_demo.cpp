// SPDX-License-Identifier: GPL-3.0-or-later
// e2e (issue #5 acceptance): the demo topology under `netloomctl up --json`, run inside a
// test namespace against the real helper: two QEMU guests (TCG) lease from dnsmasq through the
// netloom switch, appear in the lease table with their hostnames within a second of the ACK,
// ping each other and the gateway, their ports show non-zero rates, `netloomctl leases/stats`
// answer over the control socket, `netloomctl capture` records the guests' ICMP on a port,
// and SIGINT leaves the namespace exactly as before. Run twice: the guests' NICs on VDE ports,
// and on vhost-user ports (issue #12: the rings in the guests' shared memory).
#include "common/netns.h"
#include "common/testutil.h"
#include "helper/helperfixture.h"
#include "runtime/controlserver.h"
#include "runtimefixture.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QRegularExpression>
#include <QTest>
#include <QtEndian>

#include <csignal>

using namespace netloom;
using namespace netloom::runtime::test;

namespace {

const QString kAlphaMac = QStringLiteral("52:54:00:6e:6c:01");
const QString kBetaMac = QStringLiteral("52:54:00:6e:6c:02");

// The command line of the running QEMU of guest `name` (arguments joined by spaces), or "".
QByteArray qemuCmdline(const QString &name)
{
    const QByteArray needle = "guest=" + name.toUtf8();
    for (const QString &pid : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        if (pid.toInt() <= 0)
            continue;
        QByteArray c = netloom::test::readFile(QStringLiteral("/proc/%1/cmdline").arg(pid));
        c.replace('\0', ' ');
        if (c.contains("qemu-system") && c.contains(needle + ' '))
            return c;
    }
    return {};
}

}  // namespace

class TestRuntimeDemo : public QObject {
    Q_OBJECT
private slots:
    void demoUpLeasesPingsRatesCleanStop_data()
    {
        QTest::addColumn<QString>("transport");
        QTest::newRow("vde") << QStringLiteral("vde");
        QTest::newRow("vhost-user") << QStringLiteral("vhost-user");
    }

    void demoUpLeasesPingsRatesCleanStop()
    {
        QFETCH(QString, transport);
        const QString guestDir = requireDemoGuest();
        QElapsedTimer total;
        total.start();
        netloom::test::ScopedNetns ns(QStringLiteral("rtdemo"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QDir(dir.path()).mkdir(QStringLiteral("helper"));
        QDir(dir.path()).mkdir(QStringLiteral("xdg"));
        const QString xdg = dir.filePath(QStringLiteral("xdg"));
        helper::test::HelperProcess helper(ns, dir.filePath(QStringLiteral("helper")));
        QVERIFY2(helper.start(), qPrintable(helper.log()));
        const QString before = helper::test::snapshot(ns, helper.stateDir(), helper.pid());

        // The demo, with fixed addresses so that each guest can ping the other.
        QJsonObject topo = withDemoReservations(demoTopology(guestDir));
        QJsonArray nodes = topo.value(QStringLiteral("nodes")).toArray();
        for (qsizetype i = 0; i < nodes.size(); ++i) {
            QJsonObject n = nodes[i].toObject();
            const QString id = n.value(QStringLiteral("id")).toString();
            if (id == QLatin1String("alpha") || id == QLatin1String("beta")) {
                QJsonObject g = n.value(QStringLiteral("guest")).toObject();
                const QString peer = id == QLatin1String("alpha") ? QStringLiteral("10.0.2.102") : QStringLiteral("10.0.2.101");
                g.insert(QStringLiteral("append"), g.value(QStringLiteral("append")).toString() +
                                                       QStringLiteral(" netloom.ping=%1,10.0.2.1").arg(peer));
                if (transport != QLatin1String("vde")) {
                    QJsonArray nics = g.value(QStringLiteral("nics")).toArray();
                    for (qsizetype k = 0; k < nics.size(); ++k) {
                        QJsonObject nic = nics[k].toObject();
                        nic.insert(QStringLiteral("transport"), transport);
                        nics[k] = nic;
                    }
                    g.insert(QStringLiteral("nics"), nics);
                }
                n.insert(QStringLiteral("guest"), g);
            }
            nodes[i] = n;
        }
        topo.insert(QStringLiteral("nodes"), nodes);
        const QString file = writeTopology(dir.path(), QStringLiteral("demo"), topo);

        UpProcess up(ns, xdg);
        up.start({file, QStringLiteral("--helper-socket"), helper.socketPath(), QStringLiteral("--json"), QStringLiteral("--tcg")});
        const QJsonObject started = up.waitStarted(30000);
        QVERIFY2(started.value(QStringLiteral("event")).toString() == QLatin1String("started"), qPrintable(up.describe()));
        QCOMPARE(started.value(QStringLiteral("status")).toObject().value(QStringLiteral("accelerator")).toString(), QStringLiteral("tcg"));
        const QString control = started.value(QStringLiteral("control")).toString();
        QCOMPARE(control, xdg + QStringLiteral("/netloom/demo.ctl"));

        // Leases: each guest's first bound entry already carries its hostname, and it shows up
        // within a second of the ACK (expiry - lease time).
        QHash<QString, QJsonObject> firstBound;
        QHash<QString, qint64> seenAtMs;
        const QJsonObject both = up.waitEvent([&](const QJsonObject &e) {
            if (e.value(QStringLiteral("event")).toString() != QLatin1String("leases"))
                return false;
            for (const QJsonValue &v : e.value(QStringLiteral("leases")).toArray()) {
                const QJsonObject l = v.toObject();
                const QString mac = l.value(QStringLiteral("mac")).toString();
                if (l.value(QStringLiteral("state")).toString() == QLatin1String("bound") && !firstBound.contains(mac) &&
                    (mac == kAlphaMac || mac == kBetaMac)) {
                    firstBound.insert(mac, l);
                    seenAtMs.insert(mac, QDateTime::currentMSecsSinceEpoch());
                }
            }
            return firstBound.size() == 2;
        }, 60000);
        QVERIFY2(!both.isEmpty(), qPrintable(up.describe()));
        for (const auto &[mac, name, ip] : {std::tuple{kAlphaMac, QStringLiteral("alpha"), QStringLiteral("10.0.2.101")},
                                            std::tuple{kBetaMac, QStringLiteral("beta"), QStringLiteral("10.0.2.102")}}) {
            const QJsonObject l = firstBound.value(mac);
            QCOMPARE(l.value(QStringLiteral("ip")).toString(), ip);
            QCOMPARE(l.value(QStringLiteral("hostname")).toString(), name);
            QCOMPARE(l.value(QStringLiteral("guest")).toString(), name);
            QCOMPARE(l.value(QStringLiteral("network")).toString(), QStringLiteral("lan"));
            const qint64 ackMs = qint64(l.value(QStringLiteral("expiresAtMs")).toDouble()) - 3600 * 1000;
            const qint64 lag = seenAtMs.value(mac) - ackMs;
            QVERIFY2(lag < 1000, qPrintable(QStringLiteral("%1 appeared %2 ms after its ACK (%3)").arg(name).arg(lag)
                                                .arg(QString::fromUtf8(QJsonDocument(l).toJson(QJsonDocument::Compact)))));
        }

        // Pings: each guest reaches the other and the gateway (their serial consoles say so).
        const QString runDir = xdg + QStringLiteral("/netloom/demo");
        QElapsedTimer pingClock;
        pingClock.start();
        auto pinged = [&](const QString &guest, const QString &target) {
            return !linesWith(runDir + QStringLiteral("/guest-%1.serial.log").arg(guest),
                              QStringLiteral("netloom-demo: ping %1 #").arg(target))
                        .filter(QStringLiteral(" ok"))
                        .isEmpty();
        };
        while (pingClock.elapsed() < 20000 &&
               !(pinged(QStringLiteral("alpha"), QStringLiteral("10.0.2.102")) && pinged(QStringLiteral("beta"), QStringLiteral("10.0.2.101")) &&
                 pinged(QStringLiteral("alpha"), QStringLiteral("10.0.2.1")) && pinged(QStringLiteral("beta"), QStringLiteral("10.0.2.1"))))
            QTest::qWait(200);
        QVERIFY2(pinged(QStringLiteral("alpha"), QStringLiteral("10.0.2.102")),
                 qPrintable(QString::fromUtf8(netloom::test::readFile(runDir + QStringLiteral("/guest-alpha.serial.log"))).right(1500)));
        QVERIFY(pinged(QStringLiteral("beta"), QStringLiteral("10.0.2.101")));
        QVERIFY(pinged(QStringLiteral("alpha"), QStringLiteral("10.0.2.1")));
        QVERIFY(pinged(QStringLiteral("beta"), QStringLiteral("10.0.2.1")));

        // Rates of both guest ports are non-zero in one sample.
        const QJsonObject rates = up.waitEvent([](const QJsonObject &e) {
            if (e.value(QStringLiteral("event")).toString() != QLatin1String("rates"))
                return false;
            int busy = 0;
            for (const QJsonValue &v : e.value(QStringLiteral("ports")).toArray()) {
                const QJsonObject p = v.toObject();
                const QString owner = p.value(QStringLiteral("owner")).toString();
                if ((owner == QLatin1String("alpha/net0") || owner == QLatin1String("beta/net0")) &&
                    p.value(QStringLiteral("rxBitsPerSec")).toDouble() > 0 && p.value(QStringLiteral("txBitsPerSec")).toDouble() > 0)
                    ++busy;
            }
            return busy == 2;
        }, 10000);
        QVERIFY2(!rates.isEmpty(), qPrintable(up.describe()));

        if (transport == QLatin1String("vhost-user")) {
            // The guests really are on vhost-user ports: the switch serves one socket per NIC,
            // and no guest's QEMU opened a VDE connection.
            const QStringList sockets = filesUnder(xdg).filter(QRegularExpression(QStringLiteral("/vhost-\\d+\\.sock$")));
            QVERIFY2(sockets.size() == 2, qPrintable(filesUnder(xdg).join(u'\n')));
            for (const QString &guest : {QStringLiteral("alpha"), QStringLiteral("beta")}) {
                const QByteArray cmdline = qemuCmdline(guest);
                QVERIFY2(cmdline.contains("vhost-user,id=net0") && !cmdline.contains("vde,"), cmdline.constData());
            }
        }

        // The control socket: leases and stats from another process.
        const QString ctl = netloom::test::binaryPath(QStringLiteral("app/cli/netloomctl"));
        const auto leases = netloom::test::run({ctl, QStringLiteral("leases"), QStringLiteral("--socket"), control, QStringLiteral("--json")});
        QVERIFY2(leases.exitCode == 0, qPrintable(leases.describe()));
        const QJsonArray rows = QJsonDocument::fromJson(leases.out).object().value(QStringLiteral("leases")).toArray();
        QStringList names;
        for (const QJsonValue &v : rows)
            if (v.toObject().value(QStringLiteral("state")).toString() == QLatin1String("bound"))
                names << v.toObject().value(QStringLiteral("hostname")).toString();
        QVERIFY2(names.contains(QStringLiteral("alpha")) && names.contains(QStringLiteral("beta")), qPrintable(QString::fromUtf8(leases.out)));
        // The gateway (the guests pinged it, so its ARP replies were seen) is listed as the
        // gateway, named after its host port, with no expiry — not as a bound lease.
        bool gatewayRow = false;
        for (const QJsonValue &v : rows) {
            const QJsonObject l = v.toObject();
            if (l.value(QStringLiteral("ip")).toString() != QLatin1String("10.0.2.1"))
                continue;
            gatewayRow = true;
            QCOMPARE(l.value(QStringLiteral("state")).toString(), QStringLiteral("gateway"));
            QCOMPARE(l.value(QStringLiteral("guest")).toString(), QStringLiteral("gateway"));
            QCOMPARE(l.value(QStringLiteral("expiresAtMs")).toInteger(), 0);
        }
        QVERIFY2(gatewayRow, qPrintable(QString::fromUtf8(leases.out)));
        const auto text = netloom::test::run({ctl, QStringLiteral("leases"), QStringLiteral("--socket"), control});
        QVERIFY2(text.exitCode == 0 && text.out.contains("10.0.2.101") && text.out.contains("alpha/net0"), qPrintable(text.describe()));
        const auto stats = netloom::test::run({ctl, QStringLiteral("stats"), QStringLiteral("--socket"), control});
        QVERIFY2(stats.exitCode == 0 && stats.out.contains("beta/net0") && stats.out.contains("tap loom"), qPrintable(stats.describe()));

        // Capture of alpha's port (guest-to-guest frames never reach a host interface, so
        // this is the only place to see them): started and stopped from another process,
        // the pcap holds the guests' ICMP between each other.
        qint64 alphaPort = 0;
        for (const QJsonValue &v : rates.value(QStringLiteral("ports")).toArray())
            if (v.toObject().value(QStringLiteral("owner")).toString() == QLatin1String("alpha/net0"))
                alphaPort = v.toObject().value(QStringLiteral("port")).toInteger();
        QVERIFY(alphaPort > 0);
        const QString pcap = dir.filePath(QStringLiteral("alpha.pcap"));
        const QStringList captureArgs{ctl, QStringLiteral("capture"), QStringLiteral("--socket"), control, QStringLiteral("--network"),
                                      QStringLiteral("lan"), QStringLiteral("--port"), QString::number(alphaPort)};
        const auto noNet = netloom::test::run({ctl, QStringLiteral("capture"), QStringLiteral("--socket"), control, QStringLiteral("--network"),
                                               QStringLiteral("nosuch"), QStringLiteral("--port"), QStringLiteral("1"), QStringLiteral("--file"), pcap});
        QVERIFY2(noNet.exitCode == 1 && noNet.err.contains("'nosuch': no running netloom switch"), qPrintable(noNet.describe()));
        const auto on = netloom::test::run(captureArgs + QStringList{QStringLiteral("--file"), pcap});
        QVERIFY2(on.exitCode == 0 && on.out.contains("capturing lan port"), qPrintable(on.describe()));
        auto icmpBetweenGuests = [&] {
            // Classic pcap: 24-byte file header, then records of a 16-byte header + frame.
            const QByteArray b = netloom::test::readFile(pcap);
            int n = 0;
            for (qsizetype off = 24; off + 16 <= b.size();) {
                const std::uint32_t incl = qFromLittleEndian<std::uint32_t>(b.constData() + off + 8);
                const QByteArray f = b.mid(off + 16, incl);
                off += 16 + qsizetype(incl);
                if (f.size() >= 34 && f.mid(12, 2) == QByteArray::fromHex("0800") && f[23] == 1 &&
                    ((f.mid(26, 4) == QByteArray::fromHex("0a000265") && f.mid(30, 4) == QByteArray::fromHex("0a000266")) ||
                     (f.mid(26, 4) == QByteArray::fromHex("0a000266") && f.mid(30, 4) == QByteArray::fromHex("0a000265"))))
                    ++n;
            }
            return n;
        };
        QTRY_VERIFY_WITH_TIMEOUT(icmpBetweenGuests() >= 2, 15000);  // flushed at least once a second
        const auto off = netloom::test::run(captureArgs + QStringList{QStringLiteral("--stop")});
        QVERIFY2(off.exitCode == 0 && off.out.contains("capture of lan port"), qPrintable(off.describe()));
        QCOMPARE(QFileInfo(pcap).permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup), QFileDevice::Permissions());

        // One guest, then the whole network, down and up again while the rest runs (the
        // control socket drives the Runtime's per-node control; the helper converges).
        qsizetype mark = 0;  // events before the last control request are not its answer
        auto control1 = [&](const QString &op, const QString &node) {
            mark = up.events().size();
            return runtime::queryControl(control, QJsonObject{{QStringLiteral("op"), op}, {QStringLiteral("node"), node}}, 5000);
        };
        auto nodeEvent = [&](const QString &node, const QString &state, int timeoutMs) { return up.waitNode(node, state, timeoutMs, mark); };
        QString tap;
        for (const QJsonValue &v : rates.value(QStringLiteral("ports")).toArray())
            if (v.toObject().value(QStringLiteral("owner")).toString().startsWith(QLatin1String("tap ")))
                tap = v.toObject().value(QStringLiteral("owner")).toString().mid(4);
        QVERIFY2(tap.startsWith(QLatin1String("loom")), qPrintable(tap));
        auto tapExists = [&] { return ns.exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("show"), tap}).exitCode == 0; };
        QVERIFY(tapExists());
        {
            const auto r = control1(QStringLiteral("stop-guest"), QStringLiteral("beta"));
            QVERIFY2(r, qPrintable(r ? QString() : r.error().message));
        }
        QVERIFY2(nodeEvent(QStringLiteral("beta"), QStringLiteral("down"), 20000), qPrintable(up.describe()));
        {
            const auto r = control1(QStringLiteral("start-guest"), QStringLiteral("nosuch"));
            QVERIFY(!r);
            QVERIFY2(r.error().message.contains(QStringLiteral("failed to start guest 'nosuch': no such guest")), qPrintable(r.error().message));
        }
        QVERIFY(control1(QStringLiteral("stop-network"), QStringLiteral("lan")));
        QVERIFY2(nodeEvent(QStringLiteral("lan"), QStringLiteral("down"), 5000), qPrintable(up.describe()));
        QVERIFY2(nodeEvent(QStringLiteral("alpha"), QStringLiteral("down"), 20000), qPrintable(up.describe()));
        QTRY_VERIFY_WITH_TIMEOUT(!tapExists(), 10000);  // the reduced host state no longer has the tap
        QVERIFY(control1(QStringLiteral("start-network"), QStringLiteral("lan")));
        QVERIFY2(nodeEvent(QStringLiteral("lan"), QStringLiteral("up"), 10000), qPrintable(up.describe()));
        QVERIFY(tapExists());
        QVERIFY(control1(QStringLiteral("start-guest"), QStringLiteral("alpha")));
        const QJsonObject again = up.waitEvent([&](const QJsonObject &e) {  // after start-guest
            if (e.value(QStringLiteral("event")).toString() != QLatin1String("leases"))
                return false;
            for (const QJsonValue &v : e.value(QStringLiteral("leases")).toArray())
                if (v.toObject().value(QStringLiteral("hostname")).toString() == QLatin1String("alpha") &&
                    v.toObject().value(QStringLiteral("state")).toString() == QLatin1String("bound") &&
                    v.toObject().value(QStringLiteral("source")).toString() == QLatin1String("dhcp"))  // a fresh ACK, not the old file
                    return true;
            return false;
        }, 45000, mark);
        QVERIFY2(!again.isEmpty(), qPrintable(up.describe()));

        // SIGINT: everything goes, in reverse order; the namespace is exactly as before.
        const int code = up.signalAndWait(SIGINT, 40000);
        QVERIFY2(code == 130, qPrintable(QStringLiteral("exit %1\n%2").arg(code).arg(up.describe())));
        QVERIFY(!up.waitEvent([](const QJsonObject &e) { return e.value(QStringLiteral("event")).toString() == QLatin1String("stopped"); }, 0).isEmpty());
        const QString after = helper::test::snapshot(ns, helper.stateDir(), helper.pid());
        QVERIFY2(before == after, qPrintable(QStringLiteral("before:\n%1\nafter:\n%2").arg(before, after)));
        QVERIFY2(filesUnder(xdg).isEmpty(), qPrintable(filesUnder(xdg).join(u'\n')));
        qInfo("demo e2e took %lld ms", total.elapsed());
    }
};

QTEST_GUILESS_MAIN(TestRuntimeDemo)
#include "test_runtime_demo.moc"
