// SPDX-License-Identifier: GPL-3.0-or-later
// The pure mapping from an Impairment to kernel qdisc parameters (qdiscplan.h): which
// qdiscs, netem's probabilities and Gilbert–Elliott encoding, the in-order rate, the token
// bucket sizes, and the distribution tables (iproute2's files parse, the uniform table is
// symmetric and spans one deviation).
#include "common/testutil.h"
#include "qdiscplan.h"
#include "tcnetlink.h"

#include <QFile>
#include <QTest>

#include <limits>
#include <numeric>

using namespace netloom;
using namespace netloom::helper;
using namespace netloom::protocol;

namespace {
Impairment spec(const char *text)
{
    auto r = parseImpairmentSpec(QString::fromLatin1(text));
    return r ? *r : Impairment{};
}
}  // namespace

class TestHelperQdiscPlan : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void emptyImpairmentNeedsNoQdisc() { QVERIFY(planQdiscs(Impairment{}, 1518).isEmpty()); }

    void probabilities()
    {
        QCOMPARE(netemProbability(0), 0u);
        QCOMPARE(netemProbability(100), std::numeric_limits<std::uint32_t>::max());
        QCOMPARE(netemProbability(150), std::numeric_limits<std::uint32_t>::max());
        QCOMPARE(netemProbability(10), 429496730u);  // tc: rint(0.1 * UINT32_MAX)
    }

    void delayOnlyIsNetemInOrderWithoutJitter()
    {
        const QdiscPlan p = planQdiscs(spec("delay=50ms"), 1518);
        QVERIFY(p.netem && !p.tbf);
        QCOMPARE(p.netem->latencyNs, 50'000'000);
        QCOMPARE(p.netem->jitterNs, 0);
        QCOMPARE(p.netem->rateBytes, 0u);      // constant delay keeps order by itself
        QVERIFY(!p.netem->distribution);       // no table without jitter
        QCOMPARE(p.netem->limitPackets, qdisc::kNetemLimitPackets);
    }

    void jitterKeepsOrderUnlessReorderIsAsked()
    {
        const QdiscPlan inOrder = planQdiscs(spec("delay=20ms,jitter=5ms,dist=pareto"), 1518);
        QCOMPARE(inOrder.netem->jitterNs, 5'000'000);
        QCOMPARE(inOrder.netem->rateBytes, qdisc::kInOrderRateBytes);
        QCOMPARE(*inOrder.netem->distribution, Impairment::Distribution::Pareto);
        // The ordering rate adds no serialization time to a 64 KiB GSO frame.
        QCOMPARE(65536ull * 1'000'000'000ull / qdisc::kInOrderRateBytes, 0ull);
        const QdiscPlan reorder = planQdiscs(spec("delay=20ms,jitter=5ms,reorder"), 1518);
        QCOMPARE(reorder.netem->rateBytes, 0u);
        QCOMPARE(*reorder.netem->distribution, Impairment::Distribution::Normal);
    }

    void lossModels()
    {
        const QdiscPlan random = planQdiscs(spec("loss=10%,duplicate=1%,corrupt=0.5%"), 1518);
        QCOMPARE(random.netem->loss, netemProbability(10));
        QCOMPARE(random.netem->duplicate, netemProbability(1));
        QCOMPARE(random.netem->corrupt, netemProbability(0.5));
        QVERIFY(!random.netem->gilbertElliott);
        // Gilbert–Elliott: p, r as given; h = 1 - loss in bad; k1 = loss in good.
        const QdiscPlan ge = planQdiscs(spec("gemodel=1%/25%/80%/2%"), 1518);
        QVERIFY(ge.netem->gilbertElliott);
        QCOMPARE(ge.netem->loss, 0u);
        QCOMPARE(*ge.netem->gilbertElliott,
                 (GeProbabilities{netemProbability(1), netemProbability(25), netemProbability(20), netemProbability(2)}));
        const QdiscPlan simple = planQdiscs(spec("gemodel=5%/50%"), 1518);  // lossBad 100%, lossGood 0%
        QCOMPARE(simple.netem->gilbertElliott->h, 0u);
        QCOMPARE(simple.netem->gilbertElliott->k1, 0u);
    }

    void rateAloneIsTbfAtTheRoot()
    {
        const QdiscPlan p = planQdiscs(spec("rate=10mbit"), 1518);
        QVERIFY(!p.netem && p.tbf);
        QCOMPARE(p.tbf->rateBytes, 1'250'000u);
        QCOMPARE(p.tbf->burstBytes, 3036u);                          // two frames > 1 ms (1250 B)
        QCOMPARE(p.tbf->limitBytes, spec("rate=10mbit").effectiveQueueBytes());
        const QdiscPlan fast = planQdiscs(spec("rate=10gbit,queue=1mb"), 1518);
        QCOMPARE(fast.tbf->burstBytes, 1'250'000u);                  // 1 ms at the rate
        QCOMPARE(fast.tbf->limitBytes, 1u << 20);
        const QdiscPlan jumbo = planQdiscs(spec("rate=10mbit"), 9018);
        QCOMPARE(jumbo.tbf->burstBytes, 18036u);                     // a jumbo frame always fits
        const QdiscPlan huge = planQdiscs(spec("rate=400gbit"), 1518);
        QCOMPARE(huge.tbf->rateBytes, 50'000'000'000ull);            // needs TCA_TBF_RATE64
        QCOMPARE(huge.tbf->burstBytes, 50'000'000u);                 // 1 ms, under kMaxBurstBytes
    }

    void rateWithDelayIsTbfUnderNetem()
    {
        const QdiscPlan p = planQdiscs(spec("delay=20ms,rate=1mbit,queue=30ms"), 1518);
        QVERIFY(p.netem && p.tbf);
        QCOMPARE(p.netem->rateBytes, 0u);  // netem's rate is not the limit
        QCOMPARE(p.tbf->rateBytes, 125'000u);
        QCOMPARE(p.tbf->limitBytes, 3750u);
        QCOMPARE(p.describe(), QStringLiteral("netem delay=20000000ns jitter=0ns limit=10000 loss=0 duplicate=0 corrupt=0 rate=0"
                                              " | tbf rate=125000B/s burst=3036 limit=3750"));
    }

    void uniformTableSpansOneDeviation()
    {
        const auto t = uniformTable();
        QCOMPARE(int(t.size()), qdisc::kUniformEntries);
        QCOMPARE(int(t.front()), -qdisc::kDistScale + 2);
        QCOMPARE(int(t.back()), qdisc::kDistScale - 2);
        QCOMPARE(std::accumulate(t.begin(), t.end(), 0LL), 0LL);  // symmetric: mean 0
        QVERIFY(std::is_sorted(t.begin(), t.end()));
    }

    void distributionFiles()
    {
        auto ok = parseDistributionTable("# comment\n 1 -2  3\n-32768 32767\n", QStringLiteral("x.dist"));
        QVERIFY(ok);
        QCOMPARE(*ok, (std::vector<std::int16_t>{1, -2, 3, -32768, 32767}));
        QVERIFY(!parseDistributionTable("1 2 40000\n", QStringLiteral("x.dist")));
        QVERIFY(!parseDistributionTable("1 2 x\n", QStringLiteral("x.dist")));
        QVERIFY(!parseDistributionTable("# nothing\n", QStringLiteral("x.dist")));
        QByteArray tooMany;
        for (int i = 0; i <= qdisc::kDistMaxEntries; ++i)
            tooMany += "1 ";
        auto many = parseDistributionTable(tooMany, QStringLiteral("x.dist"));
        QVERIFY(!many);
        QVERIFY2(many.error().message.contains(QStringLiteral("x.dist")), qPrintable(many.error().message));
        QCOMPARE(distributionFile(Impairment::Distribution::Uniform), QString());
        // iproute2's own tables, when installed, parse (4096 values each on Debian).
        for (const QString &dir : TcNetlink::distributionDirs()) {
            const QString path = dir + QStringLiteral("/normal.dist");
            if (!QFile::exists(path))
                continue;
            for (auto d : {Impairment::Distribution::Normal, Impairment::Distribution::Pareto,
                           Impairment::Distribution::ParetoNormal}) {
                auto t = parseDistributionTable(netloom::test::readFile(dir + u'/' + distributionFile(d)), distributionFile(d));
                QVERIFY2(t, t ? "" : qPrintable(t.error().message));
                QVERIFY(t->size() >= 1024);
            }
            return;
        }
        qInfo("iproute2's distribution tables are not installed; only the parser was tested");
    }
};

QTEST_GUILESS_MAIN(TestHelperQdiscPlan)
#include "test_helper_qdiscplan.moc"
