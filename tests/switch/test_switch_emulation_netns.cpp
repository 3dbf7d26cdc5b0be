// SPDX-License-Identifier: GPL-3.0-or-later
// Network emulation end to end through `netloomctl switch --tap ... --impair ...`: two test
// namespaces whose interfaces are taps opened by the switch (in a third namespace, like the
// bench), measured with busybox ping and iperf3 — a 20 ms delay on one port shows as ~40 ms
// of RTT, 10% loss is visible over a bounded ping burst and counted, a 10 Mbit/s rate holds for
// a short TCP flow, a port set down with --link-down passes nothing. Generous CI margins;
// bench/ holds the exact figures. Also: `--impair` refuses hostile input, naming the option
// and value, before anything starts (no namespace needed for that one).
#include "switchharness.h"

#include "common/testutil.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QtTest>

#include <memory>
#include <tuple>

using namespace netloom::test;

namespace {

const QString kA = QStringLiteral("10.77.0.1"), kB = QStringLiteral("10.77.0.2");

// A switch namespace with taps nlta/nltb opened by `netloomctl switch --tap` (ports 1, 2) and
// moved into namespaces A (10.77.0.1) and B (10.77.0.2).
struct Testbed {
    ScopedNetns s{QStringLiteral("emus")}, a{QStringLiteral("emua")}, b{QStringLiteral("emub")};
    std::unique_ptr<SwitchProcess> sw;
    QString error;

    explicit Testbed(const QStringList &switchArgs)
    {
        if (!s.ok() || !a.ok() || !b.ok()) {
            error = s.error() + a.error() + b.error();
            return;
        }
        for (const char *tap : {"nlta", "nltb"}) {
            const CommandResult r = s.exec({QStringLiteral("ip"), QStringLiteral("tuntap"), QStringLiteral("add"), QStringLiteral("dev"),
                                            QString::fromLatin1(tap), QStringLiteral("mode"), QStringLiteral("tap"), QStringLiteral("user"),
                                            QString::number(kNobody)});
            if (r.exitCode != 0) {
                error = QStringLiteral("tuntap: ") + r.describe();
                return;
            }
        }
        sw = std::make_unique<SwitchProcess>(s, QStringList{QStringLiteral("--tap"), QStringLiteral("nlta"), QStringLiteral("--tap"),
                                                            QStringLiteral("nltb")} + switchArgs);
        if (!sw->ok()) {
            error = sw->error();
            return;
        }
        const QString script = QStringLiteral("ip link set %1 netns %2 && ip -n %2 addr add %3/24 dev %1 && ip -n %2 link set %1 up");
        for (const auto &[tap, ns, ip] : {std::tuple{"nlta", &a, kA}, std::tuple{"nltb", &b, kB}}) {
            const CommandResult r = s.sh(script.arg(QString::fromLatin1(tap), ns->name(), ip));
            if (r.exitCode != 0) {
                error = QStringLiteral("moving the tap: ") + r.describe();
                return;
            }
        }
    }
    bool ok() const { return error.isEmpty(); }
};

}  // namespace

class TestSwitchEmulationNetns : public QObject {
    Q_OBJECT
private slots:
    void hostileImpairSpecsAreRefused()
    {
        // No namespace and no privileges needed: the switch refuses before it starts anything.
        const QString ctl = binaryPath(QStringLiteral("app/cli/netloomctl"));
        const QStringList junk{
            QStringLiteral("1"), QStringLiteral("=delay=1ms"), QStringLiteral("0=delay=1ms"), QStringLiteral("99999=delay=1ms"),
            QStringLiteral("x=delay=1ms"), QStringLiteral("1="), QStringLiteral("1=delay"), QStringLiteral("1=delay=-5ms"),
            QStringLiteral("1=delay=20s"), QStringLiteral("1=delay=1e9"), QStringLiteral("1=loss=101%"), QStringLiteral("1=loss=nan"),
            QStringLiteral("1=rate=0"), QStringLiteral("1=rate=1bit"), QStringLiteral("1=bogus=1"), QStringLiteral("1=delay=1ms,delay=2ms"),
            QStringLiteral("1=delay=1ms,dir=sideways"), QStringLiteral("1=delay=1ms,dir=in,dir=out"), QStringLiteral("1=dir=in"),
            QStringLiteral("1=gemodel=1%/"), QStringLiteral("1=queue=1b,rate=1mbit"), QStringLiteral("1=delay=1ms,,"),
            QStringLiteral("1=\xe2\x82\xac=1"), QStringLiteral("1=delay=") + QString(2000, u'9'), QString(5000, u','),
        };
        for (const QString &spec : junk) {
            const CommandResult r = run({ctl, QStringLiteral("switch"), QStringLiteral("--sock"), QStringLiteral("/nonexistent/never"),
                                         QStringLiteral("--impair"), spec},
                                        10000);
            QVERIFY2(r.exitCode == 2, qPrintable(spec.left(60) + QStringLiteral(": ") + r.describe()));
            QVERIFY2(r.err.contains("--impair"), qPrintable(spec.left(60) + QStringLiteral(": ") + QString::fromLocal8Bit(r.err)));
        }
        // Other options' junk.
        const QList<QStringList> bad{{QStringLiteral("--link-down"), QStringLiteral("0")},
                                     {QStringLiteral("--link-down"), QStringLiteral("a")},
                                     {QStringLiteral("--mirror"), QStringLiteral("1=1")},
                                     {QStringLiteral("--mirror"), QStringLiteral("1=2:sideways")},
                                     {QStringLiteral("--mirror"), QStringLiteral("1")},
                                     {QStringLiteral("--mirror"), QStringLiteral("1=2"), QStringLiteral("--mirror"), QStringLiteral("2=1")},
                                     {QStringLiteral("--impair"), QStringLiteral("1=delay=1ms,dir=in"), QStringLiteral("--impair"),
                                      QStringLiteral("1=loss=1%")}};
        for (const QStringList &args : bad) {
            const CommandResult r = run(QStringList{ctl, QStringLiteral("switch"), QStringLiteral("--sock"), QStringLiteral("/nonexistent/never")} + args, 10000);
            QVERIFY2(r.exitCode == 2, qPrintable(args.join(u' ') + QStringLiteral(": ") + r.describe()));
            QVERIFY2(r.err.contains(args[0].toLatin1()) || r.err.contains("mirror"), qPrintable(QString::fromLocal8Bit(r.err)));
            // Nothing started: the socket directory was never created.
            QVERIFY(!QFileInfo::exists(QStringLiteral("/nonexistent/never")));
        }
    }

    void delayShowsInRtt()
    {
        requireNetns();
        // 20 ms each way on A's port: ~40 ms of RTT from A to B.
        Testbed t({QStringLiteral("--impair"), QStringLiteral("1=delay=20ms")});
        QVERIFY2(t.ok(), qPrintable(t.error));
        const PingStats warm = ping(t.a, kB, 2, QStringLiteral("0.2"));  // ARP
        QVERIFY2(warm.received >= 1, "no reply through the switch");
        const PingStats p = ping(t.a, kB, 10, QStringLiteral("0.1"));
        QCOMPARE(p.received, 10);
        qInfo("RTT through a 20 ms port: %.2f ms average", p.avgMs);
        QVERIFY2(p.avgMs >= 39.5 && p.avgMs < 80, qPrintable(QString::number(p.avgMs)));
        // B's port is not delayed: B to A also takes ~40 ms (A's port both ways), not 80.
        const QMap<int, QJsonObject> c = t.sw->counters();
        QVERIFY(c.contains(1));
        QCOMPARE(c[1][QStringLiteral("impair_loss")].toInt(), 0);
    }

    void lossIsVisibleAndCounted()
    {
        requireNetns();
        Testbed t({QStringLiteral("--impair"), QStringLiteral("2=loss=10%,dir=out")});
        QVERIFY2(t.ok(), qPrintable(t.error));
        for (int i = 0; i < 5 && ping(t.a, kB, 1, QStringLiteral("0.2")).received == 0; ++i) {
        }
        const PingStats p = ping(t.a, kB, 500, QStringLiteral("0.004"));
        QCOMPARE(p.sent, 500);
        const double loss = 100.0 * (p.sent - p.received) / p.sent;
        qInfo("10%% loss configured: %.1f%% of %d pings lost", loss, p.sent);
        QVERIFY2(loss >= 5 && loss <= 16, qPrintable(QString::number(loss)));
        const QMap<int, QJsonObject> c = t.sw->counters();
        QVERIFY(c.contains(2));
        QVERIFY2(c[2][QStringLiteral("impair_loss")].toInt() >= p.sent - p.received,
                 qPrintable(QString::fromUtf8(QJsonDocument(c[2]).toJson(QJsonDocument::Compact))));
        QCOMPARE(c[1][QStringLiteral("impair_loss")].toInt(), 0);
    }

    void rateLimitHolds()
    {
        requireNetns();
        requireTool(QStringLiteral("iperf3"));
        Testbed t({QStringLiteral("--impair"), QStringLiteral("2=rate=10mbit,dir=out")});
        QVERIFY2(t.ok(), qPrintable(t.error));
        QVERIFY(ping(t.a, kB, 2, QStringLiteral("0.2")).received >= 1);
        const CommandResult server = t.b.exec({QStringLiteral("iperf3"), QStringLiteral("-s"), QStringLiteral("-1"), QStringLiteral("-D")});
        QVERIFY2(server.exitCode == 0, qPrintable(server.describe()));
        CommandResult r;
        for (int i = 0; i < 20; ++i) {  // the daemon needs a moment to listen
            r = t.a.exec({QStringLiteral("iperf3"), QStringLiteral("-c"), kB, QStringLiteral("-t"), QStringLiteral("3"), QStringLiteral("-J")}, 20000);
            if (r.exitCode == 0)
                break;
            QTest::qWait(100);
        }
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QJsonObject end = QJsonDocument::fromJson(r.out).object()[QStringLiteral("end")].toObject();
        const double mbit = end[QStringLiteral("sum_received")].toObject()[QStringLiteral("bits_per_second")].toDouble() / 1e6;
        qInfo("TCP through 10 Mbit/s: %.2f Mbit/s received", mbit);
        QVERIFY2(mbit >= 7.0 && mbit <= 10.5, qPrintable(QString::number(mbit)));
    }

    void linkDownPassesNothing()
    {
        requireNetns();
        Testbed t({QStringLiteral("--link-down"), QStringLiteral("2")});
        QVERIFY2(t.ok(), qPrintable(t.error));
        const PingStats p = ping(t.a, kB, 3, QStringLiteral("0.2"));
        QCOMPARE(p.sent, 3);
        QCOMPARE(p.received, 0);
        const QMap<int, QJsonObject> c = t.sw->counters();
        QVERIFY(c[2][QStringLiteral("link_down_drops")].toInt() >= 3);  // the ARP requests at least
        QCOMPARE(c[2][QStringLiteral("tx_frames")].toInt(), 0);
    }

private:
    static void requireNetns()
    {
        requireRoot();
        requireTool(QStringLiteral("busybox"));
        requireTool(QStringLiteral("setpriv"));
        requireTool(QStringLiteral("ip"));
    }
};

QTEST_GUILESS_MAIN(TestSwitchEmulationNetns)
#include "test_switch_emulation_netns.moc"
