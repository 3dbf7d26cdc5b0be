// SPDX-License-Identifier: GPL-3.0-or-later
// The shared impairment value: spec parsing (units, bounds, refusals naming the key), the
// canonical spec and JSON round trips, the badge summary and the rate queue's bound.
#include "protocol/impairment.h"

#include <QJsonDocument>
#include <QTest>

using namespace netloom;
using namespace netloom::protocol;

class TestImpairment : public QObject {
    Q_OBJECT
private slots:
    void parsesEveryKey()
    {
        auto r = parseImpairmentSpec(QStringLiteral(
            "delay=20ms,jitter=5ms,dist=pareto,reorder,loss=1%,duplicate=0.5%,corrupt=0.1,rate=10mbit,queue=64kb"));
        QVERIFY2(r, qPrintable(r ? QString() : r.error().message));
        QCOMPARE(r->delayUs, 20000u);
        QCOMPARE(r->jitterUs, 5000u);
        QCOMPARE(r->distribution, Impairment::Distribution::Pareto);
        QVERIFY(r->reorder);
        QCOMPARE(r->lossPercent, 1.0);
        QCOMPARE(r->duplicatePercent, 0.5);
        QCOMPARE(r->corruptPercent, 0.1);
        QCOMPARE(r->rateBitsPerSecond, quint64(10000000));
        QCOMPARE(r->queueBytes, 65536u);
        QCOMPARE(summary(*r), QStringLiteral("20 ms ± 5, 1% loss, 0.5% dup, 0.1% corrupt, 10 Mbit/s"));
    }

    void unitsAndDefaults()
    {
        QCOMPARE(parseImpairmentSpec(QStringLiteral("delay=1.5"))->delayUs, 1500u);  // bare = ms
        QCOMPARE(parseImpairmentSpec(QStringLiteral("delay=250us"))->delayUs, 250u);
        QCOMPARE(parseImpairmentSpec(QStringLiteral("delay=2s"))->delayUs, 2000000u);
        QCOMPARE(parseImpairmentSpec(QStringLiteral("rate=512kbit"))->rateBitsPerSecond, quint64(512000));
        QCOMPARE(parseImpairmentSpec(QStringLiteral("rate=1gbit,queue=5ms"))->queueUs, 5000u);
        QVERIFY(parseImpairmentSpec(QStringLiteral("none"))->isNone());
        auto ge = parseImpairmentSpec(QStringLiteral("gemodel=1%/25%"));
        QVERIFY(ge && ge->burst);
        QCOMPARE(ge->burst->p, 1.0);
        QCOMPARE(ge->burst->r, 25.0);
        QCOMPARE(ge->burst->lossBad, 100.0);
        QCOMPARE(ge->burst->lossGood, 0.0);
        QCOMPARE(summary(*ge), QStringLiteral("burst loss (mean 4 frames)"));
    }

    void effectiveQueue()
    {
        Impairment i;
        QCOMPARE(i.effectiveQueueBytes(), 0u);
        i.rateBitsPerSecond = 10'000'000;  // 100 ms at 10 Mbit/s = 125000 bytes
        QCOMPARE(i.effectiveQueueBytes(), 125000u);
        i.rateBitsPerSecond = 1'000'000;   // 12500 bytes, raised to 64 KiB
        QCOMPARE(i.effectiveQueueBytes(), 65536u);
        i.queueUs = 10'000;                // 10 ms at 1 Mbit/s = 1250, raised to one frame
        QCOMPARE(i.effectiveQueueBytes(), impair::kMinQueueBytes);
        i.queueUs = 0;
        i.queueBytes = 3000;
        QCOMPARE(i.effectiveQueueBytes(), 3000u);
    }

    void refusesNamingTheKey_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("needle");
        QTest::newRow("negative") << "delay=-5ms" << "'delay'";
        QTest::newRow("absurd delay") << "delay=1000s" << "'delay'";
        QTest::newRow("rate zero") << "rate=0" << "a rate of 0";
        QTest::newRow("rate unit") << "rate=10mbps" << "unknown unit 'mbps'";
        QTest::newRow("loss over 100") << "loss=150%" << "'loss'";
        QTest::newRow("unknown key") << "latency=5ms" << "'latency'";
        QTest::newRow("twice") << "delay=5ms,delay=6ms" << "given twice";
        QTest::newRow("jitter alone") << "jitter=5ms" << "'jitter'";
        QTest::newRow("queue without rate") << "queue=64kb" << "needs a rate";
        QTest::newRow("queue both") << "rate=1mbit,queue=64kb,queue=5ms" << "given twice";
        QTest::newRow("loss and ge") << "loss=1%,gemodel=1%/20%" << "exclude each other";
        QTest::newRow("ge zero r") << "gemodel=1%/0%" << "'gemodel'";
        QTest::newRow("empty") << "" << "empty";
        QTest::newRow("bad dist") << "delay=5ms,dist=gauss" << "'dist'";
        QTest::newRow("no value") << "delay" << "needs a value";
        QTest::newRow("exponent") << "delay=1e3ms" << "not a duration";
    }
    void refusesNamingTheKey()
    {
        QFETCH(QString, spec);
        QFETCH(QString, needle);
        auto r = parseImpairmentSpec(spec);
        QVERIFY(!r);
        QVERIFY2(r.error().message.contains(needle), qPrintable(r.error().message));
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
    }

    void specAndJsonRoundTrip_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::newRow("none") << "none";
        QTest::newRow("delay") << "delay=20ms";
        QTest::newRow("fine delay") << "delay=1250us,jitter=100us,dist=uniform";
        QTest::newRow("all") << "delay=1s,jitter=5ms,reorder,loss=0.25%,duplicate=1%,corrupt=2%,rate=10mbit,queue=30ms";
        QTest::newRow("ge") << "gemodel=1%/25%/90%/0.5%,rate=1500kbit,queue=4096b";
    }
    void specAndJsonRoundTrip()
    {
        QFETCH(QString, spec);
        auto r = parseImpairmentSpec(spec);
        QVERIFY2(r, qPrintable(r ? QString() : r.error().message));
        QCOMPARE(toSpec(*r), spec);
        const QByteArray json = QJsonDocument(toJson(*r)).toJson(QJsonDocument::Compact);
        auto back = impairmentFromJson(QJsonDocument::fromJson(json).object(), QStringLiteral("links[0].impairment.ab"));
        QVERIFY2(back, qPrintable(back ? QString() : back.error().message));
        QCOMPARE(*back, *r);
    }

    void jsonRefusals()
    {
        auto unknown = impairmentFromJson(QJsonObject{{QStringLiteral("delay"), 5}}, QStringLiteral("links[2].impairment.ab"));
        QVERIFY(!unknown);
        QVERIFY2(unknown.error().message.contains(QStringLiteral("links[2].impairment.ab.delay")), qPrintable(unknown.error().message));
        auto negative = impairmentFromJson(QJsonObject{{QStringLiteral("delayMs"), -1}}, QStringLiteral("x"));
        QVERIFY(!negative);
        QVERIFY(negative.error().message.contains(QStringLiteral("x.delayMs")));
        auto type = impairmentFromJson(QJsonObject{{QStringLiteral("reorder"), QStringLiteral("yes")}}, QStringLiteral("x"));
        QVERIFY(!type);
        auto ge = impairmentFromJson(QJsonObject{{QStringLiteral("gilbertElliott"), QJsonObject{{QStringLiteral("r"), 10}}}},
                                     QStringLiteral("x"));
        QVERIFY(!ge);
        QVERIFY(ge.error().message.contains(QStringLiteral("gilbertElliott.p")));
        auto fraction = impairmentFromJson(QJsonObject{{QStringLiteral("rateBitsPerSecond"), 10000.5}}, QStringLiteral("x"));
        QVERIFY(!fraction);
    }
};

QTEST_GUILESS_MAIN(TestImpairment)
#include "test_impairment.moc"
