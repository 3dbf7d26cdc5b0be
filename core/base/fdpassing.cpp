// SPDX-License-Identifier: GPL-3.0-or-later
#include "fdpassing.h"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <unistd.h>

namespace netloom {

Result<qsizetype> sendWithFd(int socket, const QByteArray &bytes, int fd)
{
    if (bytes.isEmpty() || fd < 0)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("failed to pass a descriptor: nothing to send it with")};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    iovec iov{const_cast<char *>(bytes.constData()), std::size_t(bytes.size())};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    ssize_t n;
    do
        n = ::sendmsg(socket, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return Error{ErrorCode::Io, QStringLiteral("failed to pass a descriptor: %1").arg(QString::fromLocal8Bit(std::strerror(errno)))};
    return qsizetype(n);
}

FdRead recvSomeWithFds(int socket, void *buf, std::size_t len, int *fds, int maxFds, int flags)
{
    FdRead r;
    maxFds = maxFds < 0 ? 0 : (maxFds > kMaxFdsPerRead ? kMaxFdsPerRead : maxFds);
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFdsPerRead)] = {};
    iovec iov{buf, len};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n;
    do
        n = ::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC | flags);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        r.bytes = -1;
        r.error = errno;
        return r;
    }
    r.bytes = long(n);
    r.truncated = (msg.msg_flags & MSG_CTRUNC) != 0;
    for (cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len < CMSG_LEN(0))
            continue;
        const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (std::size_t i = 0; i < count; ++i) {
            int got = -1;
            std::memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
            if (r.fdCount < maxFds) {
                fds[r.fdCount++] = got;
            } else {
                ::close(got);
                r.fdsDropped = true;
            }
        }
    }
    return r;
}

Result<QByteArray> recvWithFd(int socket, qsizetype maxBytes, int *fd)
{
    *fd = -1;
    QByteArray buf(maxBytes, Qt::Uninitialized);
    const FdRead r = recvSomeWithFds(socket, buf.data(), std::size_t(buf.size()), fd, 1);  // one per message
    if (r.bytes < 0)
        return Error{ErrorCode::Io, QStringLiteral("failed to receive: %1").arg(QString::fromLocal8Bit(std::strerror(r.error)))};
    buf.truncate(qsizetype(r.bytes));
    return buf;
}

}  // namespace netloom
