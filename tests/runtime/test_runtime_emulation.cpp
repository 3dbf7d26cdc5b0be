// SPDX-License-Identifier: GPL-3.0-or-later
// e2e (issue #13 acceptance): network emulation on a running demo under `netloomctl up`,
// inside a test namespace with the real helper and two TCG guests. `netloomctl link alpha
// delay=50ms` makes the RTT from the gateway to alpha rise by ~100 ms at once while beta's
// stays as it was; "none" takes it back; "down" cuts alpha off (QMP set_link: its carrier
// goes) without disturbing beta; "up" brings it back. Bad input is refused and changes
// nothing. SIGINT leaves the namespace as before.
#include "common/netns.h"
#include "common/testutil.h"
#include "helper/helperfixture.h"
#include "runtimefixture.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace netloom;
using namespace netloom::runtime::test;

using netloom::test::PingStats;

namespace {

const QString kAlpha = QStringLiteral("10.0.2.101");
const QString kBeta = QStringLiteral("10.0.2.102");

}  // namespace

class TestRuntimeEmulation : public QObject {
    Q_OBJECT
private slots:
    void linkDelayDownUpWhileRunning()
    {
        const QString guestDir = requireDemoGuest();
        netloom::test::ScopedNetns ns(QStringLiteral("rtemu"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QDir(dir.path()).mkdir(QStringLiteral("helper"));
        QDir(dir.path()).mkdir(QStringLiteral("xdg"));
        const QString xdg = dir.filePath(QStringLiteral("xdg"));
        helper::test::HelperProcess helper(ns, dir.filePath(QStringLiteral("helper")));
        QVERIFY2(helper.start(), qPrintable(helper.log()));
        const QString before = helper::test::snapshot(ns, helper.stateDir(), helper.pid());

        // The demo with fixed addresses.
        const QJsonObject topo = withDemoReservations(demoTopology(guestDir));
        const QString file = writeTopology(dir.path(), QStringLiteral("demo"), topo);

        UpProcess up(ns, xdg);
        up.start({file, QStringLiteral("--helper-socket"), helper.socketPath(), QStringLiteral("--json"), QStringLiteral("--tcg")});
        const QJsonObject started = up.waitStarted(30000);
        QVERIFY2(started.value(QStringLiteral("event")).toString() == QLatin1String("started"), qPrintable(up.describe()));
        const QString control = started.value(QStringLiteral("control")).toString();
        const QJsonObject bound = up.waitEvent([&](const QJsonObject &e) {
            if (e.value(QStringLiteral("event")).toString() != QLatin1String("leases"))
                return false;
            int n = 0;
            for (const QJsonValue &v : e.value(QStringLiteral("leases")).toArray())
                if (v.toObject().value(QStringLiteral("state")).toString() == QLatin1String("bound"))
                    ++n;
            return n >= 2;
        }, 60000);
        QVERIFY2(!bound.isEmpty(), qPrintable(up.describe()));

        // Baseline (TCG guests answer in a few ms).
        QElapsedTimer wait;
        wait.start();
        PingStats alpha0, beta0;
        do {
            alpha0 = netloom::test::ping(ns, kAlpha, 3);
            beta0 = netloom::test::ping(ns, kBeta, 3);
        } while ((alpha0.received < 3 || beta0.received < 3) && wait.elapsed() < 20000);
        QVERIFY2(alpha0.received == 3 && beta0.received == 3, qPrintable(alpha0.output + beta0.output));

        const QString ctl = netloom::test::binaryPath(QStringLiteral("app/cli/netloomctl"));
        auto link = [&](const QStringList &args) {
            return netloom::test::run(QStringList{ctl, QStringLiteral("link")} + args + QStringList{QStringLiteral("--socket"), control}, 10000);
        };

        // 50 ms each way on alpha's cable: +100 ms RTT from the first ping on; beta untouched.
        {
            const auto r = link({QStringLiteral("alpha"), QStringLiteral("delay=50ms")});
            QVERIFY2(r.exitCode == 0 && r.out.contains("alpha-lan: up; a->b delay=50ms; b->a delay=50ms"), qPrintable(r.describe() + QString::fromUtf8(r.out)));
        }
        const PingStats alpha1 = netloom::test::ping(ns, kAlpha, 4);
        const PingStats beta1 = netloom::test::ping(ns, kBeta, 4);
        QVERIFY2(alpha1.received == 4 && alpha1.minMs >= 98 && alpha1.avgMs <= alpha0.avgMs + 140,
                 qPrintable(QStringLiteral("baseline %1 ms, now: %2").arg(alpha0.avgMs).arg(alpha1.output)));
        QVERIFY2(beta1.received == 4 && beta1.avgMs < beta0.avgMs + 40, qPrintable(beta1.output));
        qInfo("RTT to alpha %.2f -> %.2f ms (min %.2f) with 50 ms each way; beta %.2f -> %.2f ms", alpha0.avgMs, alpha1.avgMs,
              alpha1.minMs, beta0.avgMs, beta1.avgMs);

        // Back to none.
        QCOMPARE(link({QStringLiteral("alpha"), QStringLiteral("none")}).exitCode, 0);
        const PingStats alpha2 = netloom::test::ping(ns, kAlpha, 3);
        QVERIFY2(alpha2.received == 3 && alpha2.avgMs < alpha0.avgMs + 40, qPrintable(alpha2.output));

        // Down: alpha is cut off and its NIC loses carrier; beta keeps answering.
        const qsizetype mark = up.events().size();
        {
            const auto r = link({QStringLiteral("alpha-lan"), QStringLiteral("down")});
            QVERIFY2(r.exitCode == 0 && r.out.contains("alpha-lan: down"), qPrintable(r.describe()));
        }
        const QJsonObject carrier = up.waitEvent([](const QJsonObject &e) {
            return e.value(QStringLiteral("event")).toString() == QLatin1String("log") &&
                   e.value(QStringLiteral("message")).toString() == QLatin1String("net0: link down");
        }, 5000, mark);
        QVERIFY2(!carrier.isEmpty(), qPrintable(up.describe()));
        const PingStats alpha3 = netloom::test::ping(ns, kAlpha, 3);
        const PingStats beta3 = netloom::test::ping(ns, kBeta, 3);
        QVERIFY2(alpha3.sent == 3 && alpha3.received == 0, qPrintable(alpha3.output));
        QVERIFY2(beta3.received == 3, qPrintable(beta3.output));
        // The switch counts what the down link dropped on alpha's port (netloomctl stats).
        {
            const auto stats = netloom::test::run({ctl, QStringLiteral("stats"), QStringLiteral("--socket"), control, QStringLiteral("--json")});
            QVERIFY2(stats.exitCode == 0, qPrintable(stats.describe()));
            qint64 downDrops = -1;
            for (const QJsonValue &v : QJsonDocument::fromJson(stats.out).object().value(QStringLiteral("ports")).toArray())
                if (v.toObject().value(QStringLiteral("owner")).toString() == QLatin1String("alpha/net0"))
                    downDrops = v.toObject().value(QStringLiteral("linkDownDrops")).toInteger();
            QVERIFY2(downDrops >= 3, qPrintable(QString::fromUtf8(stats.out)));
        }

        // Up again.
        QCOMPARE(link({QStringLiteral("alpha"), QStringLiteral("up")}).exitCode, 0);
        wait.restart();
        PingStats alpha4;
        do
            alpha4 = netloom::test::ping(ns, kAlpha, 2);
        while (alpha4.received < 2 && wait.elapsed() < 10000);
        QVERIFY2(alpha4.received == 2, qPrintable(alpha4.output));

        // Bad input: refused with the reason, nothing changed.
        {
            const auto r = link({QStringLiteral("nosuch"), QStringLiteral("down")});
            QVERIFY2(r.exitCode == 1 && r.err.contains("failed to find link 'nosuch'"), qPrintable(r.describe()));
            const auto zero = link({QStringLiteral("alpha"), QStringLiteral("rate=0")});
            QVERIFY2(zero.exitCode == 2 && zero.err.contains("a rate of 0"), qPrintable(zero.describe()));
            const auto absurd = link({QStringLiteral("alpha"), QStringLiteral("delay=100000s")});
            QVERIFY2(absurd.exitCode == 2 && absurd.err.contains("'delay'"), qPrintable(absurd.describe()));
            const auto sideways = link({QStringLiteral("alpha"), QStringLiteral("delay=5ms"), QStringLiteral("--dir"), QStringLiteral("sideways")});
            QVERIFY2(sideways.exitCode == 2 && sideways.err.contains("sideways"), qPrintable(sideways.describe()));
            const PingStats still = netloom::test::ping(ns, kAlpha, 2);
            QVERIFY2(still.received == 2 && still.avgMs < alpha0.avgMs + 40, qPrintable(still.output));
        }

        const int code = up.signalAndWait(SIGINT, 40000);
        QVERIFY2(code == 130, qPrintable(QStringLiteral("exit %1\n%2").arg(code).arg(up.describe())));
        const QString after = helper::test::snapshot(ns, helper.stateDir(), helper.pid());
        QVERIFY2(before == after, qPrintable(QStringLiteral("before:\n%1\nafter:\n%2").arg(before, after)));
    }
};

QTEST_GUILESS_MAIN(TestRuntimeEmulation)
#include "test_runtime_emulation.moc"
