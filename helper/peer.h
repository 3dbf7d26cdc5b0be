// SPDX-License-Identifier: GPL-3.0-or-later
// Who is on the other end of a connection, pinned so it cannot be swapped.
//
// Design note. The identity is SO_PEERCRED (pid, uid, gid as the kernel saw them at
// connect time) — never anything the client says. For polkit the process is also pinned:
// a pidfd (pidfd_open) keeps referring to that very process even if the pid is reused,
// and the start time (field 22 of /proc/PID/stat) goes into polkit's unix-process subject.
// stillSame() is checked after polkit answers: if the process exited or the pid now
// names a different process, the answer is thrown away (deny).
#pragma once

#include "base/result.h"

#include <QString>

#include <sys/types.h>

namespace netloom::helper {

class PeerInfo {
public:
    PeerInfo() = default;
    ~PeerInfo();
    PeerInfo(PeerInfo &&other) noexcept;
    PeerInfo &operator=(PeerInfo &&other) noexcept;
    PeerInfo(const PeerInfo &) = delete;
    PeerInfo &operator=(const PeerInfo &) = delete;

    // Reads SO_PEERCRED of a connected unix socket, opens a pidfd and reads the start time.
    static Result<PeerInfo> fromSocket(int fd);

    pid_t pid() const { return m_pid; }
    uid_t uid() const { return m_uid; }
    gid_t gid() const { return m_gid; }
    quint64 startTime() const { return m_startTime; }
    // True while the pinned process is alive and its pid still has the same start time.
    bool stillSame() const;
    QString describe() const;  // "pid 123 uid 1000"

private:
    pid_t m_pid = 0;
    uid_t m_uid = 0;
    gid_t m_gid = 0;
    quint64 m_startTime = 0;
    int m_pidfd = -1;
};

// Start time of a process (clock ticks since boot, /proc/PID/stat field 22).
Result<quint64> processStartTime(pid_t pid);

}  // namespace netloom::helper
