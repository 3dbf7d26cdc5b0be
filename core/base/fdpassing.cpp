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

Result<QByteArray> recvWithFd(int socket, qsizetype maxBytes, int *fd)
{
    *fd = -1;
    QByteArray buf(maxBytes, Qt::Uninitialized);
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)] = {};
    iovec iov{buf.data(), std::size_t(buf.size())};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n;
    do
        n = ::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return Error{ErrorCode::Io, QStringLiteral("failed to receive: %1").arg(QString::fromLocal8Bit(std::strerror(errno)))};
    for (cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (std::size_t i = 0; i < count; ++i) {
            int got = -1;
            std::memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
            if (*fd < 0)
                *fd = got;
            else
                ::close(got);  // one descriptor per message
        }
    }
    buf.truncate(n);
    return buf;
}

}  // namespace netloom
