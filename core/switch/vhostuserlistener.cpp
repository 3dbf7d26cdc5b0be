// SPDX-License-Identifier: GPL-3.0-or-later
#include "vhostuserlistener.h"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace netloom::sw {

namespace {

QString errnoText(int e) { return QString::fromLocal8Bit(std::strerror(e)); }

bool fillAddress(sockaddr_un *sa, const QByteArray &path)
{
    *sa = {};
    sa->sun_family = AF_UNIX;
    if (path.isEmpty() || path.contains('\0') || std::size_t(path.size()) >= sizeof sa->sun_path)
        return false;
    std::memcpy(sa->sun_path, path.constData(), std::size_t(path.size()));
    return true;
}

}  // namespace

Result<std::unique_ptr<VhostUserListener>> VhostUserListener::listen(const QString &path, mode_t mode)
{
    const QString verb = QStringLiteral("listen for vhost-user frontends on");
    const QByteArray p = path.toLocal8Bit();
    sockaddr_un sa;
    if (!fillAddress(&sa, p))
        return Error::failed(ErrorCode::InvalidArgument, verb, path, QStringLiteral("a socket path must be 1..107 bytes"));
    if (mode & ~mode_t(0777))
        return Error::failed(ErrorCode::InvalidArgument, verb, path, QStringLiteral("mode %1 has bits outside 0777").arg(mode, 0, 8));
    std::unique_ptr<VhostUserListener> l(new VhostUserListener);
    l->m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (l->m_fd < 0)
        return Error::failed(ErrorCode::System, verb, path, errnoText(errno));
    if (::bind(l->m_fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa) != 0) {
        if (errno != EADDRINUSE)
            return Error::failed(ErrorCode::Io, verb, path, errnoText(errno));
        struct stat st {};
        if (::lstat(p.constData(), &st) != 0 || !S_ISSOCK(st.st_mode))
            return Error::failed(ErrorCode::Conflict, verb, path, QStringLiteral("the path exists and is not a socket"));
        // Replace the file only when nothing accepts there.
        const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const bool alive = probe >= 0 && ::connect(probe, reinterpret_cast<sockaddr *>(&sa), sizeof sa) == 0;
        if (probe >= 0)
            ::close(probe);
        if (alive)
            return Error::failed(ErrorCode::Conflict, verb, path, QStringLiteral("another process is listening there"));
        ::unlink(p.constData());
        if (::bind(l->m_fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa) != 0)
            return Error::failed(ErrorCode::Io, verb, path, errnoText(errno));
    }
    l->m_path = path;  // from here on the destructor removes the file
    if (::chmod(p.constData(), mode) != 0)
        return Error::failed(ErrorCode::Io, verb, path, QStringLiteral("chmod: %1").arg(errnoText(errno)));
    if (::listen(l->m_fd, 4) != 0)
        return Error::failed(ErrorCode::Io, verb, path, errnoText(errno));
    return l;
}

VhostUserListener::~VhostUserListener()
{
    if (m_fd >= 0)
        ::close(m_fd);
    if (!m_path.isEmpty())
        ::unlink(m_path.toLocal8Bit().constData());
}

Result<int> VhostUserListener::accept()
{
    int fd;
    do
        fd = ::accept4(m_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED)
            return -1;
        return Error::failed(ErrorCode::Io, QStringLiteral("accept a vhost-user frontend on"), m_path, errnoText(errno));
    }
    if (m_busy) {
        ::close(fd);
        return Error::failed(ErrorCode::Conflict, QStringLiteral("accept a vhost-user frontend on"), m_path,
                             QStringLiteral("a frontend is already connected (one per socket)"));
    }
    m_busy = true;
    return fd;
}

Result<int> connectVhostUser(const QString &path)
{
    const QString verb = QStringLiteral("connect to the vhost-user frontend at");
    const QByteArray p = path.toLocal8Bit();
    sockaddr_un sa;
    if (!fillAddress(&sa, p))
        return Error::failed(ErrorCode::InvalidArgument, verb, path, QStringLiteral("a socket path must be 1..107 bytes"));
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return Error::failed(ErrorCode::System, verb, path, errnoText(errno));
    int r;
    do
        r = ::connect(fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa);
    while (r != 0 && errno == EINTR);
    if (r != 0) {
        const int e = errno;
        ::close(fd);
        if (e == ENOENT)
            return Error::failed(ErrorCode::NotFound, verb, path, QStringLiteral("no socket there (yet)"));
        return Error::failed(ErrorCode::Io, verb, path, errnoText(e));
    }
    return fd;
}

}  // namespace netloom::sw
