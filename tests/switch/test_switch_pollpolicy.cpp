// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests of PollPolicy, the rule that decides whether an emptied vhost-user TX ring is
// polled again or the port sleeps until its guest kicks: the short spin after a frame, the
// hold a sustained rate earns (kept across the pauses of a steady sender, never earned by
// sparse traffic), its end once the rate stops, and reset(). No clock: times are passed in.
#include "switch/pollpolicy.h"

#include <QtTest>

using namespace netloom::sw;

namespace {
constexpr std::int64_t kUs = 1'000;
constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kT0 = 5'000 * kMs;  // an arbitrary monotonic time
}  // namespace

class TestSwitchPollPolicy : public QObject {
    Q_OBJECT
private slots:
    void freshPolicySleeps()
    {
        PollPolicy p;
        QVERIFY(!p.keepPolling(kT0));
        p.received(kT0, 0);  // an empty pass is no traffic
        QVERIFY(!p.keepPolling(kT0));
    }

    void shortSpinAfterAFrame()
    {
        PollPolicy p;
        p.received(kT0, 1);
        QVERIFY(p.keepPolling(kT0));
        QVERIFY(p.keepPolling(kT0 + PollPolicy::kSpinNs - 1));
        QVERIFY(!p.keepPolling(kT0 + PollPolicy::kSpinNs));
        // A lone frame earns no hold: 1 frame is far below the sustained rate.
        QVERIFY(!p.keepPolling(kT0 + 5 * kMs));
    }

    void sustainedRateHoldsAcrossPauses()
    {
        // 1 Mpps in bursts of 8 every 8 us for 3 ms, then the sender pauses (its vCPU was
        // descheduled) for 6 ms: far longer than the spin, but the port keeps polling.
        PollPolicy p;
        std::int64_t t = kT0;
        for (; t < kT0 + 3 * kMs; t += 8 * kUs)
            p.received(t, 8);
        const std::int64_t last = t - 8 * kUs;
        QVERIFY(p.keepPolling(last + PollPolicy::kSpinNs + 1));
        QVERIFY(p.keepPolling(last + 6 * kMs));
        QVERIFY(p.keepPolling(last + PollPolicy::kHoldNs - 1));
        // Once the rate stopped for the whole hold, the port sleeps.
        QVERIFY(!p.keepPolling(last + PollPolicy::kHoldNs));
    }

    void holdIsRenewedWhileTrafficFlows()
    {
        // Steady traffic with a 6 ms pause every 4 ms never lets the hold run out.
        PollPolicy p;
        std::int64_t t = kT0;
        for (int cycle = 0; cycle < 20; ++cycle) {
            const std::int64_t burstEnd = t + 4 * kMs;
            for (; t < burstEnd; t += 8 * kUs) {
                p.received(t, 8);
                QVERIFY(p.keepPolling(t));
            }
            for (std::int64_t pause = t; pause < t + 6 * kMs; pause += 500 * kUs)
                QVERIFY2(p.keepPolling(pause), qPrintable(QStringLiteral("cycle %1").arg(cycle)));
            t += 6 * kMs;
        }
    }

    void sparseTrafficEarnsNoHold()
    {
        // Just under the threshold in every window (interactive traffic, pings, DHCP): the
        // port spins briefly after each frame and otherwise sleeps.
        PollPolicy p;
        const std::int64_t gap = PollPolicy::kWindowNs / (PollPolicy::kSustainedFrames - 1) + 1;
        std::int64_t t = kT0;
        for (int i = 0; i < 10 * int(PollPolicy::kSustainedFrames); ++i, t += gap) {
            p.received(t, 1);
            QVERIFY(!p.keepPolling(t + PollPolicy::kSpinNs));
        }
    }

    void burstWithinOneWindowEarnsTheHold()
    {
        // A whole window's worth in one pass (a full batch) is a sustained rate at once.
        PollPolicy p;
        p.received(kT0, int(PollPolicy::kSustainedFrames));
        QVERIFY(p.keepPolling(kT0 + PollPolicy::kHoldNs - 1));
        QVERIFY(!p.keepPolling(kT0 + PollPolicy::kHoldNs));
        // Spread over two windows, the same count does not.
        PollPolicy q;
        q.received(kT0, int(PollPolicy::kSustainedFrames) - 1);
        q.received(kT0 + PollPolicy::kWindowNs, 1);
        QVERIFY(!q.keepPolling(kT0 + PollPolicy::kWindowNs + PollPolicy::kSpinNs));
    }

    void resetForgetsTheHold()
    {
        PollPolicy p;
        p.received(kT0, 1000);
        QVERIFY(p.keepPolling(kT0 + kMs));
        p.reset();
        QVERIFY(!p.keepPolling(kT0 + kMs));
    }
};

QTEST_GUILESS_MAIN(TestSwitchPollPolicy)
#include "test_switch_pollpolicy.moc"
