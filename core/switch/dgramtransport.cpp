// SPDX-License-Identifier: GPL-3.0-or-later
#include "dgramtransport.h"

#include "hotpath.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace netloom::sw {

namespace {
constexpr int kMaxBatch = 64;
}

void enlargeSocketBuffers(int fd)
{
    const int size = kSocketBufferBytes;
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
}

DgramTransport::DgramTransport(int dataFd, int ctlFd, QString kind, QString description, QString unlinkPath)
    : m_fd(dataFd), m_ctl(ctlFd), m_kind(std::move(kind)), m_description(std::move(description)),
      m_unlinkPath(std::move(unlinkPath))
{
}

DgramTransport::~DgramTransport()
{
    if (m_fd >= 0)
        ::close(m_fd);
    if (m_ctl >= 0)
        ::close(m_ctl);
    if (!m_unlinkPath.isEmpty())
        ::unlink(m_unlinkPath.toLocal8Bit().constData());
}

Result<Transport *> DgramTransport::bindUnix(const QString &path)
{
    const QByteArray p = path.toLocal8Bit();
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (p.isEmpty() || std::size_t(p.size()) >= sizeof addr.sun_path)
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("bind dgram socket"), path,
                             QStringLiteral("path is empty or longer than %1 bytes").arg(sizeof addr.sun_path - 1));
    std::memcpy(addr.sun_path, p.constData(), std::size_t(p.size()));
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return Error::failed(ErrorCode::System, QStringLiteral("create dgram socket"), path, QString::fromLocal8Bit(std::strerror(errno)));
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        const int e = errno;
        ::close(fd);
        return Error::failed(ErrorCode::Io, QStringLiteral("bind dgram socket"), path, QString::fromLocal8Bit(std::strerror(e)));
    }
    ::chmod(p.constData(), 0600);
    enlargeSocketBuffers(fd);
    auto *t = new DgramTransport(fd, -1, QStringLiteral("dgram"), QStringLiteral("dgram %1").arg(path), path);
    t->m_learnPeer = true;
    return static_cast<Transport *>(t);
}

bool DgramTransport::controlReadable()
{
    if (m_ctl < 0)
        return true;
    char buf[256];
    while (true) {
        const ssize_t n = ::recv(m_ctl, buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0)
            continue;  // the control stream is silent after the handshake; ignore chatter
        if (n == 0)
            return false;  // EOF: the client is gone
        if (errno == EINTR)
            continue;
        return errno == EAGAIN || errno == EWOULDBLOCK;
    }
}

NETLOOM_HOT
int DgramTransport::receive(std::uint8_t *const *bufs, std::size_t bufSize, std::size_t *lens, int max)
{
    max = std::min(max, kMaxBatch);
    mmsghdr msgs[kMaxBatch];
    iovec iov[kMaxBatch];
    sockaddr_un from[kMaxBatch];
    for (int i = 0; i < max; ++i) {
        iov[i] = {bufs[i], bufSize};
        msgs[i] = {};
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        if (m_learnPeer) {
            msgs[i].msg_hdr.msg_name = &from[i];
            msgs[i].msg_hdr.msg_namelen = sizeof from[i];
        }
    }
    int n;
    do {
        n = ::recvmmsg(m_fd, msgs, unsigned(max), MSG_DONTWAIT, nullptr);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNREFUSED) ? 0 : -1;
    int kept = 0;
    for (int i = 0; i < n; ++i) {
        if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC)
            continue;  // longer than any legal frame: drop
        if (m_learnPeer) {
            const socklen_t fl = msgs[i].msg_hdr.msg_namelen;
            if (fl <= sizeof(sa_family_t))
                continue;  // unnamed sender: cannot answer it
            if (!m_havePeer) {
                m_peer = from[i];
                m_peerLen = fl;
                m_havePeer = true;
            } else if (fl != m_peerLen || std::memcmp(&from[i], &m_peer, fl) != 0) {
                continue;  // a second sender on a point-to-point port: ignore it
            }
        }
        if (kept != i)
            std::memcpy(bufs[kept], bufs[i], msgs[i].msg_len);
        lens[kept++] = msgs[i].msg_len;
    }
    return kept;
}

NETLOOM_HOT
SendResult DgramTransport::send(const OutFrame *frames, int n)
{
    SendResult r;
    if (m_learnPeer && !m_havePeer) {
        r.dropped = n;  // nobody to send to yet
        return r;
    }
    mmsghdr msgs[kMaxBatch];
    while (r.sent + r.dropped < n) {
        const int off = r.sent + r.dropped;
        const int count = std::min(n - off, kMaxBatch);
        for (int i = 0; i < count; ++i) {
            msgs[i] = {};
            msgs[i].msg_hdr.msg_iov = const_cast<iovec *>(frames[off + i].iov);
            msgs[i].msg_hdr.msg_iovlen = std::size_t(frames[off + i].iovcnt);
            if (m_learnPeer) {
                msgs[i].msg_hdr.msg_name = &m_peer;
                msgs[i].msg_hdr.msg_namelen = m_peerLen;
            }
        }
        const int s = ::sendmmsg(m_fd, msgs, unsigned(count), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (s > 0) {
            // Counted as sent; sendmmsg stops at the first error, retried in the next round.
            r.sent += s;
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
            r.blocked = true;
            return r;
        }
        if (errno == ECONNREFUSED || errno == ENOENT || errno == EMSGSIZE) {
            ++r.dropped;  // this frame is lost; keep going with the rest
            continue;
        }
        // The peer is gone for good (EPIPE, ENOTCONN, ...).
        r.dead = !m_learnPeer;
        r.dropped = n - r.sent;
        return r;
    }
    return r;
}

}  // namespace netloom::sw
