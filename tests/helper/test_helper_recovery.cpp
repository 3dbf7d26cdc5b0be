// SPDX-License-Identifier: GPL-3.0-or-later
// Transactions and crash recovery of the real netloom-helper in a test network namespace:
//  - a failure injected before every step of a large apply leaves it exactly as before;
//  - the helper SIGKILLed before every step (and after the last), then restarted: nothing
//    is left behind; the same for kill -9 at several moments of an apply.
#include "common/netns.h"
#include "common/testutil.h"
#include "helperclient/helperclient.h"
#include "helpercalls.h"
#include "helperfixture.h"
#include "hoststates.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>


using namespace netloom;
using namespace netloom::helper::test;
using namespace netloom::protocol;
using netloom::test::ScopedNetns;

class TestHelperRecovery : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        netloom::test::requireRoot();
        for (const char *tool : {"ip", "nft", "dnsmasq"})
            netloom::test::requireTool(QString::fromLatin1(tool));
    }

    void failureAtEveryStepLeavesNothing()
    {
        ScopedNetns ns(QStringLiteral("hlpf"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        QTemporaryDir dir;
        int steps = 0;
        QString before;
        {
            HelperProcess helper(ns, dir.path());
            QVERIFY2(helper.start(), qPrintable(helper.log()));
            before = snapshot(ns, helper.stateDir(), helper.pid());
            HelperClient client;
            VERIFY_OK(client.connectAndWait(helper.socketPath()));
            auto applied = applyNow(client, QStringLiteral("big"), large());
            VERIFY_OK(applied);
            steps = applied->value(QStringLiteral("steps")).toInt();
            QVERIFY(steps > 20);
            VERIFY_OK(teardownNow(client, QStringLiteral("big")));
            QCOMPARE(snapshot(ns, helper.stateDir(), helper.pid()), before);
            helper.stop();
        }
        for (int k = 0; k < steps; ++k) {
            HelperProcess helper(ns, dir.path());
            QVERIFY2(helper.start({QStringLiteral("--test-mode"), QStringLiteral("--fail-at-step"), QString::number(k)}),
                     qPrintable(helper.log()));
            HelperClient client;
            VERIFY_OK(client.connectAndWait(helper.socketPath()));
            auto applied = applyNow(client, QStringLiteral("big"), large());
            QVERIFY2(!applied, qPrintable(QStringLiteral("step %1 did not fail").arg(k)));
            QVERIFY2(applied.error().message.contains(QStringLiteral("failure injected at step %1").arg(k))
                         && applied.error().message.contains(QStringLiteral("%1 earlier steps were rolled back").arg(k)),
                     qPrintable(applied.error().message));
            QCOMPARE(snapshot(ns, helper.stateDir(), helper.pid()), before);
            helper.stop();
        }
    }

    void crashAtEveryStepLeavesNothingAfterRestart()
    {
        // kill -9 at an exact point: before each step of a large apply, and after the last
        // one (before the journal records the result). A restart must clean up every time.
        ScopedNetns ns(QStringLiteral("hlpc"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        QTemporaryDir dir;
        QString before;
        int steps = 0;
        {
            HelperProcess helper(ns, dir.path());
            QVERIFY2(helper.start(), qPrintable(helper.log()));
            before = snapshot(ns, helper.stateDir(), helper.pid());
            HelperClient client;
            VERIFY_OK(client.connectAndWait(helper.socketPath()));
            auto applied = applyNow(client, QStringLiteral("big"), large());
            VERIFY_OK(applied);
            steps = applied->value(QStringLiteral("steps")).toInt();
            VERIFY_OK(teardownNow(client, QStringLiteral("big")));
            helper.stop();
        }
        for (int k = 0; k <= steps; ++k) {
            {
                HelperProcess helper(ns, dir.path());
                QVERIFY2(helper.start({QStringLiteral("--test-mode"), QStringLiteral("--crash-at-step"), QString::number(k)}),
                         qPrintable(helper.log()));
                HelperClient client;
                VERIFY_OK(client.connectAndWait(helper.socketPath()));
                auto applied = applyNow(client, QStringLiteral("big"), large(), k % 2 == 1);
                QVERIFY2(!applied, qPrintable(QStringLiteral("the helper survived step %1").arg(k)));
                QVERIFY(waitFor([&] { return !helper.running(); }, 5000));
            }
            HelperProcess again(ns, dir.path());
            QVERIFY2(again.start(), qPrintable(again.log()));
            // A persistent network (odd k) is re-adopted if its apply had committed; tear it
            // down to compare. Otherwise recovery alone must restore everything.
            HelperClient client;
            VERIFY_OK(client.connectAndWait(again.socketPath()));
            Request list;
            list.op = Op::List;
            auto listed = client.call(list);
            VERIFY_OK(listed);
            QVERIFY2(listed->value(QStringLiteral("networks")).toArray().isEmpty(),
                     qPrintable(QStringLiteral("crash at step %1 left a network: %2").arg(k).arg(again.log())));
            const QString after = snapshot(ns, again.stateDir(), again.pid());
            QVERIFY2(after == before, qPrintable(QStringLiteral("after a crash at step %1:\n%2\n--- expected:\n%3\nlog:\n%4")
                                                    .arg(k)
                                                    .arg(after, before, again.log())));
            again.stop();
        }
    }

    void kill9DuringApplyLeavesNothingAfterRestart()
    {
        ScopedNetns ns(QStringLiteral("hlpk"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        QTemporaryDir dir;
        QString before;
        for (int delayMs : {0, 3, 8, 15, 30, 60, 120, 400}) {
            HelperProcess helper(ns, dir.path());
            QVERIFY2(helper.start(), qPrintable(helper.log()));
            if (before.isEmpty())
                before = snapshot(ns, helper.stateDir(), helper.pid());
            {
                HelperClient client;
                VERIFY_OK(client.connectAndWait(helper.socketPath()));
                bool answered = false;
                client.apply(QStringLiteral("big"), large(), false, false, [&](const Result<QJsonObject> &) { answered = true; });
                QThread::msleep(ulong(delayMs));
                helper.kill9();
                Q_UNUSED(answered);
            }
            // Restart: recovery removes what the killed helper left.
            HelperProcess again(ns, dir.path());
            QVERIFY2(again.start(), qPrintable(again.log()));
            const QString after = snapshot(ns, again.stateDir(), again.pid());
            QVERIFY2(after == before, qPrintable(QStringLiteral("after kill -9 at %1 ms:\n%2\n--- expected:\n%3\nlog:\n%4")
                                                    .arg(delayMs)
                                                    .arg(after, before, again.log())));
            again.stop();
        }
    }
};

QTEST_GUILESS_MAIN(TestHelperRecovery)
#include "test_helper_recovery.moc"
