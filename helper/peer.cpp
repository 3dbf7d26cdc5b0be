// SPDX-License-Identifier: GPL-3.0-or-later
#include "peer.h"

#include "safefile.h"

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace netloom::helper {

Result<quint64> processStartTime(pid_t pid)
{
    auto data = readSmallFile(QStringLiteral("/proc/%1/stat").arg(pid), 4096);
    if (!data) {
        // /proc files report size 0; readSmallFile reads what is there.
        return data.error();
    }
    // The command name (field 2) may contain spaces and ')': parse after the last ')'.
    const qsizetype close = data->lastIndexOf(')');
    if (close < 0)
        return Error::failed(ErrorCode::System, QStringLiteral("read start time of"), QString::number(pid),
                             QStringLiteral("malformed /proc stat"));
    const QList<QByteArray> fields = data->mid(close + 2).split(' ');
    // After ')' comes field 3 (state); field 22 is at index 22 - 3 = 19.
    if (fields.size() < 20)
        return Error::failed(ErrorCode::System, QStringLiteral("read start time of"), QString::number(pid),
                             QStringLiteral("malformed /proc stat"));
    bool okNum = false;
    const quint64 t = fields[19].toULongLong(&okNum);
    if (!okNum)
        return Error::failed(ErrorCode::System, QStringLiteral("read start time of"), QString::number(pid),
                             QStringLiteral("malformed /proc stat"));
    return t;
}

PeerInfo::~PeerInfo()
{
    if (m_pidfd >= 0)
        ::close(m_pidfd);
}

PeerInfo::PeerInfo(PeerInfo &&o) noexcept { *this = std::move(o); }

PeerInfo &PeerInfo::operator=(PeerInfo &&o) noexcept
{
    if (this != &o) {
        if (m_pidfd >= 0)
            ::close(m_pidfd);
        m_pid = o.m_pid;
        m_uid = o.m_uid;
        m_gid = o.m_gid;
        m_startTime = o.m_startTime;
        m_pidfd = o.m_pidfd;
        o.m_pidfd = -1;
    }
    return *this;
}

Result<PeerInfo> PeerInfo::fromSocket(int fd)
{
    struct ucred cred {};
    socklen_t len = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof cred)
        return Error::failed(ErrorCode::System, QStringLiteral("read peer credentials of"),
                             QStringLiteral("connection"), QString::fromLocal8Bit(std::strerror(errno)));
    PeerInfo p;
    p.m_pid = cred.pid;
    p.m_uid = cred.uid;
    p.m_gid = cred.gid;
    if (cred.pid <= 0)
        return Error::failed(ErrorCode::PermissionDenied, QStringLiteral("identify"), QStringLiteral("connection"),
                             QStringLiteral("the peer's process is not visible to the helper"));
    // Pin first, then read the start time: if the pid was reused in between, stillSame()
    // later sees the pidfd's process gone or a different start time.
    p.m_pidfd = int(::syscall(SYS_pidfd_open, cred.pid, 0));
    auto start = processStartTime(cred.pid);
    if (!start)
        return start.error();
    p.m_startTime = *start;
    return p;
}

bool PeerInfo::stillSame() const
{
    if (m_pidfd >= 0) {
        struct pollfd pfd {m_pidfd, POLLIN, 0};
        if (::poll(&pfd, 1, 0) != 0)
            return false;  // readable = the process exited (or error)
    }
    auto now = processStartTime(m_pid);
    return now && *now == m_startTime;
}

QString PeerInfo::describe() const { return QStringLiteral("pid %1 uid %2").arg(m_pid).arg(m_uid); }

}  // namespace netloom::helper
