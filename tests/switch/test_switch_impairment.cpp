// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests of the switch's impairment stage and delay line on their own, with a seeded
// random source and time passed in: exact delay, jitter that keeps order (and reorders only
// when asked), random loss of 1% and 10% over 100 000 frames within ±0.5% absolute, the
// Gilbert–Elliott mean burst length within 10%, a 10 Mbit/s serialiser, the rate queue's tail
// drop, duplication and corruption rates, and the delay line's order, bounds and reuse.
#include "switch/impairment.h"

#include <QtTest>

#include <cmath>

using namespace netloom::sw;
using netloom::protocol::Impairment;

namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr int kFrames = 100'000;

Impairment spec(const char *text)
{
    auto r = netloom::protocol::parseImpairmentSpec(QString::fromLatin1(text));
    if (!r)
        qFatal("bad spec %s: %s", text, qPrintable(r.error().message));
    return *r;
}

// Fraction of kFrames frames (spaced 10 us) the stage loses.
double lossRate(const char *text, std::uint64_t seed)
{
    ImpairmentStage s;
    s.configure(spec(text));
    Rng rng(seed);
    int lost = 0;
    for (int i = 0; i < kFrames; ++i)
        if (s.decide(std::int64_t(i) * 10'000, 100, rng).fate == ImpairmentStage::Fate::Lost)
            ++lost;
    return double(lost) / kFrames;
}

}  // namespace

class TestSwitchImpairment : public QObject {
    Q_OBJECT
private slots:
    void neutralPassesAtOnce()
    {
        ImpairmentStage s;
        s.configure(Impairment{});
        QVERIFY(s.isNone());
        Rng rng(1);
        const auto v = s.decide(123, 60, rng);
        QCOMPARE(v.fate, ImpairmentStage::Fate::Deliver);
        QCOMPARE(v.copies, 1);
        QCOMPARE(v.copy[0].dueNs, std::int64_t(123));
        QCOMPARE(v.copy[0].flipBit, -1);
    }

    void delayIsExact()
    {
        ImpairmentStage s;
        s.configure(spec("delay=20ms"));
        Rng rng(7);
        for (int i = 0; i < 1000; ++i) {
            const std::int64_t t = 5 * kMs + std::int64_t(i) * 37'000;
            const auto v = s.decide(t, 1500, rng);
            QCOMPARE(v.copies, 1);
            QCOMPARE(v.copy[0].dueNs, t + 20 * kMs);
        }
        s.configure(spec("delay=250us"));
        QCOMPARE(s.decide(100 * kMs, 60, rng).copy[0].dueNs, 100 * kMs + 250'000);
    }

    void jitterKeepsOrder_data()
    {
        QTest::addColumn<QString>("dist");
        for (const char *d : {"uniform", "normal", "pareto", "paretonormal"})
            QTest::newRow(d) << QString::fromLatin1(d);
    }

    void jitterKeepsOrder()
    {
        QFETCH(QString, dist);
        for (const bool reorder : {false, true}) {
            ImpairmentStage s;
            s.configure(spec(qPrintable(QStringLiteral("delay=10ms,jitter=3ms,dist=%1%2").arg(dist, reorder ? QStringLiteral(",reorder") : QString()))));
            Rng rng(99);
            std::int64_t last = 0;
            int backwards = 0;
            double sum = 0;
            for (int i = 0; i < 20000; ++i) {
                const std::int64_t t = std::int64_t(i) * 100'000;  // 100 us apart: jitter overtakes
                const auto v = s.decide(t, 200, rng);
                QCOMPARE(v.copies, 1);
                QVERIFY(v.copy[0].dueNs >= t);
                if (v.copy[0].dueNs < last)
                    ++backwards;
                last = std::max(last, v.copy[0].dueNs);
                sum += double(v.copy[0].dueNs - t);
            }
            if (!reorder) {
                QCOMPARE(backwards, 0);
            } else {
                QVERIFY2(backwards > 1000, qPrintable(QString::number(backwards)));
                // Without the order clamp the mean delay is the configured one (the pareto
                // tail is clamped, so allow a little).
                QVERIFY2(std::abs(sum / 20000 - 10.0 * kMs) < 0.3 * kMs, qPrintable(QString::number(sum / 20000)));
            }
        }
        // The drawn spread: uniform stays within ± jitter, normal has the jitter as its
        // standard deviation.
        ImpairmentStage u;
        u.configure(spec("delay=10ms,jitter=3ms,dist=uniform,reorder"));
        ImpairmentStage n;
        n.configure(spec("delay=10ms,jitter=3ms,dist=normal,reorder"));
        Rng rng(5);
        double sq = 0;
        for (int i = 0; i < 20000; ++i) {
            const std::int64_t du = u.drawDelayNs(rng);
            QVERIFY(du >= 7 * kMs && du <= 13 * kMs);
            const double dn = double(n.drawDelayNs(rng) - 10 * kMs);
            sq += dn * dn;
        }
        QVERIFY(std::abs(std::sqrt(sq / 20000) - 3.0 * kMs) < 0.1 * kMs);
    }

    void randomLossWithinHalfAPercent()
    {
        for (const std::uint64_t seed : {1ULL, 42ULL, 0xdeadbeefULL}) {
            const double one = lossRate("loss=1%", seed), ten = lossRate("loss=10%", seed);
            QVERIFY2(std::abs(one - 0.01) <= 0.005, qPrintable(QString::number(one)));
            QVERIFY2(std::abs(ten - 0.10) <= 0.005, qPrintable(QString::number(ten)));
        }
        QCOMPARE(lossRate("loss=0%,delay=1ms", 3), 0.0);
        QCOMPARE(lossRate("loss=100%", 3), 1.0);
    }

    void gilbertElliottBurstLength()
    {
        // p = 1%, r = 25%: bursts of 1/r = 4 frames on average, every frame of the bad state
        // lost; the long-run loss is p/(p+r) = 3.85%.
        ImpairmentStage s;
        s.configure(spec("gemodel=1%/25%"));
        Rng rng(2024);
        int bursts = 0, lost = 0, run = 0;
        for (int i = 0; i < kFrames; ++i) {
            const bool l = s.decide(std::int64_t(i) * 10'000, 100, rng).fate == ImpairmentStage::Fate::Lost;
            if (l) {
                ++lost;
                ++run;
            } else if (run) {
                ++bursts;
                run = 0;
            }
        }
        QVERIFY(bursts > 500);
        const double mean = double(lost) / bursts;
        QVERIFY2(std::abs(mean - 4.0) <= 0.4, qPrintable(QString::number(mean)));
        QVERIFY2(std::abs(double(lost) / kFrames - 1.0 / 26) <= 0.005, qPrintable(QString::number(lost)));
    }

    void rateSerializesAt10Mbit()
    {
        // 1000-byte frames at 10 Mbit/s take 800 us each; a burst of 50 leaves 800 us apart.
        ImpairmentStage s;
        s.configure(spec("rate=10mbit,queue=1mb"));
        Rng rng(1);
        for (int i = 0; i < 50; ++i) {
            const auto v = s.decide(0, 1000, rng);
            QCOMPARE(v.fate, ImpairmentStage::Fate::Deliver);
            QCOMPARE(v.copy[0].dueNs, std::int64_t(i + 1) * 800'000);
        }
        // A sparse frame later is not held by the earlier burst: it only takes its own time.
        QCOMPARE(s.decide(100 * kMs, 125, rng).copy[0].dueNs, 100 * kMs + 100'000);
        // With a delay as well, serialisation starts when the delay is over.
        ImpairmentStage d;
        d.configure(spec("delay=5ms,rate=10mbit"));
        QCOMPARE(d.decide(0, 1000, rng).copy[0].dueNs, 5 * kMs + 800'000);
        QCOMPARE(d.decide(0, 1000, rng).copy[0].dueNs, 5 * kMs + 1'600'000);
        // A steady offered load of 20 Mbit/s gets through at 10: the queue (100 ms default =
        // 125 000 bytes) fills and the excess is dropped.
        ImpairmentStage t;
        t.configure(spec("rate=10mbit"));
        std::int64_t lastDue = 0;
        std::uint64_t delivered = 0;
        for (int i = 0; i < 20000; ++i) {  // 1 s of 1250-byte frames every 500 us
            const auto v = t.decide(std::int64_t(i) * 500'000, 1250, rng);
            if (v.fate == ImpairmentStage::Fate::Deliver) {
                delivered += 1250;
                lastDue = v.copy[0].dueNs;
            }
        }
        const double mbit = double(delivered) * 8 / (double(lastDue) / 1e9) / 1e6;
        QVERIFY2(mbit > 9.9 && mbit <= 10.0001, qPrintable(QString::number(mbit)));
    }

    void queueBoundTailDrops()
    {
        // 8 KiB queue at 1 Mbit/s: a burst of 20 1000-byte frames keeps the first 8 (8000 bytes
        // not yet sent, the one on the wire included, fit 8192) and tail-drops the rest.
        ImpairmentStage s;
        s.configure(spec("rate=1mbit,queue=8kb"));
        QCOMPARE(s.impairment().effectiveQueueBytes(), 8192u);
        Rng rng(1);
        int delivered = 0, dropped = 0;
        for (int i = 0; i < 20; ++i) {
            const auto v = s.decide(0, 1000, rng);
            if (v.fate == ImpairmentStage::Fate::QueueFull) {
                ++dropped;
                QCOMPARE(v.queueDrops, 1);
            } else {
                ++delivered;
            }
        }
        QCOMPARE(delivered, 8);
        QCOMPARE(dropped, 12);
        // Once drained (8 frames x 8 ms), room again.
        QCOMPARE(s.decide(64 * kMs, 1000, rng).fate, ImpairmentStage::Fate::Deliver);
    }

    void duplicateAndCorruptRates()
    {
        ImpairmentStage s;
        s.configure(spec("duplicate=5%,corrupt=2%,delay=1ms"));
        Rng rng(77);
        int dup = 0, corrupt = 0, copies = 0;
        for (int i = 0; i < kFrames; ++i) {
            const std::int64_t t = std::int64_t(i) * 10'000;
            const auto v = s.decide(t, 100, rng);
            QCOMPARE(v.fate, ImpairmentStage::Fate::Deliver);
            dup += v.duplicated;
            corrupt += v.corrupted;
            copies += v.copies;
            for (int k = 0; k < v.copies; ++k) {
                QCOMPARE(v.copy[k].dueNs, t + kMs);
                QVERIFY(v.copy[k].flipBit < 800);
            }
        }
        QCOMPARE(copies, kFrames + dup);
        QVERIFY2(std::abs(double(dup) / kFrames - 0.05) <= 0.005, qPrintable(QString::number(dup)));
        QVERIFY2(std::abs(double(corrupt) / copies - 0.02) <= 0.005, qPrintable(QString::number(corrupt)));
    }

    void liveChangeKeepsDecidedFrames()
    {
        ImpairmentStage s;
        s.configure(spec("delay=100ms"));
        Rng rng(1);
        QCOMPARE(s.decide(0, 60, rng).copy[0].dueNs, 100 * kMs);
        // Shorter delay now: in order, the next frame cannot overtake the one already queued.
        s.configure(spec("delay=1ms"));
        QCOMPARE(s.decide(kMs, 60, rng).copy[0].dueNs, 100 * kMs);
        QCOMPARE(s.decide(200 * kMs, 60, rng).copy[0].dueNs, 201 * kMs);
    }

    void delayLineOrderBoundsAndReuse()
    {
        DelayLine line(4, 300);
        const std::uint8_t a[100] = {1}, b[100] = {2}, c[100] = {3};
        QVERIFY(line.empty());
        QCOMPARE(line.nextDue(), std::int64_t(-1));
        QVERIFY(line.push(30, a, 100, nullptr, 1));
        QVERIFY(line.push(10, b, 100, nullptr, 2));
        QVERIFY(line.push(10, c, 100, nullptr, 3));
        QVERIFY(!line.push(5, a, 1, nullptr, 4));  // 301 bytes: refused, nothing copied
        QCOMPARE(line.frames(), std::size_t(3));
        QCOMPARE(line.bytes(), std::size_t(300));
        QCOMPARE(line.nextDue(), std::int64_t(10));
        std::vector<DelayedFrame> out;
        line.takeDue(9, 64, &out);
        QVERIFY(out.empty());
        line.takeDue(10, 64, &out);
        QCOMPARE(out.size(), std::size_t(2));
        QCOMPARE(out[0].tag, std::uint8_t(2));  // equal due times leave in arrival order
        QCOMPARE(out[1].tag, std::uint8_t(3));
        QCOMPARE(out[0].bytes[0], std::uint8_t(2));
        line.recycle(&out);
        QVERIFY(out.empty());
        // Gathered from pieces, with a bit flipped and a vnet header kept.
        const std::uint8_t hdr[10] = {1, 1, 0, 0, 0, 0, 0, 0, 0, 0};
        const void *ptrs[2] = {a, b};
        const std::size_t lens[2] = {10, 20};
        QVERIFY(line.pushGather(20, ptrs, lens, 2, hdr, 9, 8 * 12 + 3));
        line.takeDue(100, 1, &out);
        QCOMPARE(out.size(), std::size_t(1));
        QCOMPARE(out[0].tag, std::uint8_t(9));
        QCOMPARE(out[0].bytes.size(), std::size_t(30));
        QCOMPARE(out[0].bytes[0], std::uint8_t(1));
        QCOMPARE(out[0].bytes[10], std::uint8_t(2));
        QCOMPARE(out[0].bytes[12], std::uint8_t(1 << 3));
        QVERIFY(out[0].hasVnet);
        QCOMPARE(out[0].vnet[1], std::uint8_t(1));
        line.recycle(&out);
        // The frame bound.
        DelayLine small(2, 1 << 20);
        QVERIFY(small.push(1, a, 10, nullptr, 0));
        QVERIFY(small.push(1, a, 10, nullptr, 0));
        QVERIFY(!small.push(1, a, 10, nullptr, 0));
        QCOMPARE(small.clear(), std::size_t(2));
        QVERIFY(small.empty());
        QCOMPARE(small.bytes(), std::size_t(0));
    }

    void seededRngIsDeterministic()
    {
        Rng a(5), b(5), c(6);
        for (int i = 0; i < 100; ++i) {
            const std::uint64_t x = a.next();
            QCOMPARE(x, b.next());
            QVERIFY(x != c.next() || i > 0);
        }
        double sum = 0;
        for (int i = 0; i < 10000; ++i) {
            const double u = a.uniform();
            QVERIFY(u >= 0 && u < 1);
            sum += u;
        }
        QVERIFY(std::abs(sum / 10000 - 0.5) < 0.02);
    }
};

QTEST_GUILESS_MAIN(TestSwitchImpairment)
#include "test_switch_impairment.moc"
