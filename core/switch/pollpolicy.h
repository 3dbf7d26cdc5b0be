// SPDX-License-Identifier: GPL-3.0-or-later
// PollPolicy: when a port whose peer sends without system calls (a vhost-user TX ring) is
// polled, and when it goes to sleep until the peer notifies it (issue #12, adaptive polling).
//
// Two rules, both about the frames the port received:
// - a short spin: an emptied ring is polled again for kSpinNs after it last had frames (a
//   burst's next frames are usually microseconds behind);
// - a sustained rate holds polling longer: a port that received at least kSustainedFrames in
//   a window of kWindowNs (100k frames/s and more) keeps polling for kHoldNs after such a
//   window, however long its sender pauses in between. A guest that sends steadily pauses for
//   hundreds of microseconds to milliseconds whenever its own vCPU is descheduled; a switch
//   that slept in each of those pauses (hundreds of times a second at 1 Mpps) must be woken on
//   a halted vCPU each time, and the wake-ups that come late overflow the guest's ring
//   (bench/README.md, "vhost-user ports": loss at 1 Mpps offered). Cost: at 100k frames/s
//   and more, frames come less than 30 us apart, so the spin alone already polls between
//   them; the hold adds at most kHoldNs of polling after the rate stops. An idle or lightly
//   used port sleeps as before.
// Pure logic on the times it is given: no clock, no system call.
#pragma once

#include <cstdint>

namespace netloom::sw {

class PollPolicy {
public:
    static constexpr std::int64_t kSpinNs = 30'000;
    static constexpr std::int64_t kWindowNs = 1'000'000;
    static constexpr std::int64_t kSustainedFrames = 100;
    static constexpr std::int64_t kHoldNs = 20'000'000;

    // Records that `frames` frames (0 or more) were taken from the ring at nowNs. Call it once
    // per pass over the ring, with nowNs never going backwards.
    void received(std::int64_t nowNs, int frames)
    {
        if (frames <= 0)
            return;
        m_lastFrameNs = nowNs;
        if (nowNs - m_windowStartNs >= kWindowNs) {  // a new window starts with this frame
            m_windowStartNs = nowNs;
            m_windowFrames = 0;
        }
        m_windowFrames += frames;
        if (m_windowFrames >= kSustainedFrames)
            m_holdUntilNs = nowNs + kHoldNs;
    }

    // Whether an emptied ring is polled again at nowNs (true) or the port sleeps until the
    // peer notifies it (false).
    bool keepPolling(std::int64_t nowNs) const
    {
        return nowNs - m_lastFrameNs < kSpinNs || nowNs < m_holdUntilNs;
    }

    // Forgets the history (a ring restarted): the next empty ring sleeps.
    void reset() { *this = PollPolicy(); }

private:
    std::int64_t m_lastFrameNs = INT64_MIN / 2;
    std::int64_t m_windowStartNs = INT64_MIN / 2;
    std::int64_t m_windowFrames = 0;
    std::int64_t m_holdUntilNs = INT64_MIN / 2;
};

}  // namespace netloom::sw
