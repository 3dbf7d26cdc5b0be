// SPDX-License-Identifier: GPL-3.0-or-later
// Test scaffolding: a "cable" from a tap in one network namespace to a new tap in another.
// A thread attaches to the existing tap `hostTap` inside namespace `hostNs` (as QEMU would)
// and creates tap `guestTap` inside `guestNs`, then copies frames both ways until stopped.
// setns() only changes the relay thread's namespace; the test process stays where it is.
#pragma once

#include <QString>

#include <atomic>
#include <thread>

namespace netloom::helper::test {

class TapRelay {
public:
    TapRelay() = default;
    ~TapRelay();
    // Returns "" on success or the reason of failure.
    QString start(const QString &hostNs, const QString &hostTap, const QString &guestNs, const QString &guestTap);
    void stop();
    int frames() const { return m_frames.load(); }

private:
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_frames{0};
    int m_a = -1, m_b = -1;
};

}  // namespace netloom::helper::test
