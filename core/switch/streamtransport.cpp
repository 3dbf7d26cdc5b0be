// SPDX-License-Identifier: GPL-3.0-or-later
#include "streamtransport.h"

#include "ethernet.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace netloom::sw {

namespace {

Result<sockaddr_un> unixAddress(const QString &verb, const QString &path)
{
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const QByteArray p = path.toLocal8Bit();
    if (p.isEmpty() || std::size_t(p.size()) >= sizeof addr.sun_path)
        return Error::failed(ErrorCode::InvalidArgument, verb, path,
                             QStringLiteral("path is empty or longer than %1 bytes").arg(sizeof addr.sun_path - 1));
    std::memcpy(addr.sun_path, p.constData(), std::size_t(p.size()));
    return addr;
}

QString errnoText(int e) { return QString::fromLocal8Bit(std::strerror(e)); }

}  // namespace

StreamTransport::StreamTransport(int fd, QString description)
    : m_fd(fd), m_description(std::move(description)), m_in(kInBufferBytes)
{
}

StreamTransport::~StreamTransport()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

Result<Transport *> StreamTransport::connectUnix(const QString &path)
{
    const QString verb = QStringLiteral("connect stream socket");
    const auto addr = unixAddress(verb, path);
    if (!addr)
        return addr.error();
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return Error::failed(ErrorCode::System, verb, path, errnoText(errno));
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&*addr), sizeof(sockaddr_un)) != 0) {
        const int e = errno;
        ::close(fd);
        return Error::failed(ErrorCode::Io, verb, path, errnoText(e));
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    enlargeSocketBuffers(fd);
    return static_cast<Transport *>(new StreamTransport(fd, QStringLiteral("stream %1").arg(path)));
}

int StreamTransport::receive(std::uint8_t *const *bufs, std::size_t bufSize, std::size_t *lens, int max)
{
    if (m_broken)
        return -1;
    // Compact, then read what fits.
    if (m_inStart > 0) {
        std::memmove(m_in.data(), m_in.data() + m_inStart, m_inEnd - m_inStart);
        m_inEnd -= m_inStart;
        m_inStart = 0;
    }
    bool eof = false;
    if (m_inEnd < m_in.size()) {
        ssize_t r;
        do {
            r = ::recv(m_fd, m_in.data() + m_inEnd, m_in.size() - m_inEnd, MSG_DONTWAIT);
        } while (r < 0 && errno == EINTR);
        if (r > 0)
            m_inEnd += std::size_t(r);
        else if (r == 0)
            eof = true;
        else if (errno != EAGAIN && errno != EWOULDBLOCK)
            return -1;
    }
    int n = 0;
    while (n < max && m_inEnd - m_inStart >= 4) {
        const std::uint8_t *p = m_in.data() + m_inStart;
        const std::uint32_t len = std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
        if (len == 0 || len > kAbsoluteMaxFrameLen || len > bufSize) {
            m_broken = true;  // cannot resynchronise a length-prefixed stream
            return n > 0 ? n : -1;
        }
        if (m_inEnd - m_inStart < 4 + len)
            break;
        std::memcpy(bufs[n], p + 4, len);
        lens[n++] = len;
        m_inStart += 4 + len;
    }
    if (eof && n == 0)
        return -1;
    return n;
}

bool StreamTransport::flushPending(bool *stillBlocked)
{
    *stillBlocked = false;
    while (m_outOff < m_out.size()) {
        const ssize_t w = ::send(m_fd, m_out.data() + m_outOff, m_out.size() - m_outOff, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w > 0) {
            m_outOff += std::size_t(w);
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            *stillBlocked = true;
            return true;
        }
        return false;
    }
    m_out.clear();
    m_outOff = 0;
    return true;
}

SendResult StreamTransport::send(const OutFrame *frames, int n)
{
    SendResult r;
    bool blocked = false;
    if (!flushPending(&blocked)) {
        r.dead = true;
        r.dropped = n;
        return r;
    }
    if (blocked) {
        r.blocked = true;
        return r;
    }
    for (int i = 0; i < n; ++i) {
        const OutFrame &f = frames[i];
        std::uint8_t hdr[4] = {std::uint8_t(f.len >> 24), std::uint8_t(f.len >> 16), std::uint8_t(f.len >> 8), std::uint8_t(f.len)};
        iovec iov[OutFrame::kMaxIov + 1];
        iov[0] = {hdr, 4};
        for (int k = 0; k < f.iovcnt; ++k)
            iov[k + 1] = f.iov[k];
        const std::size_t total = 4 + f.len;
        ssize_t w;
        do {
            msghdr mh{};
            mh.msg_iov = iov;
            mh.msg_iovlen = std::size_t(f.iovcnt + 1);
            w = ::sendmsg(m_fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
        } while (w < 0 && errno == EINTR);
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            r.blocked = true;
            return r;
        }
        if (w < 0) {
            r.dead = true;
            r.dropped = n - r.sent;
            return r;
        }
        ++r.sent;
        if (std::size_t(w) < total) {
            // Keep the unwritten tail of this frame; the rest waits for writability.
            std::size_t skip = std::size_t(w);
            for (int k = 0; k < f.iovcnt + 1; ++k) {
                const auto *base = static_cast<const std::uint8_t *>(iov[k].iov_base);
                if (skip >= iov[k].iov_len) {
                    skip -= iov[k].iov_len;
                    continue;
                }
                m_out.insert(m_out.end(), base + skip, base + iov[k].iov_len);
                skip = 0;
            }
            m_outOff = 0;
            r.blocked = i + 1 < n;
            return r;
        }
    }
    return r;
}

Result<StreamListener *> StreamListener::listenUnix(const QString &path)
{
    const QString verb = QStringLiteral("listen on stream socket");
    const auto addr = unixAddress(verb, path);
    if (!addr)
        return addr.error();
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return Error::failed(ErrorCode::System, verb, path, errnoText(errno));
    if (::bind(fd, reinterpret_cast<const sockaddr *>(&*addr), sizeof(sockaddr_un)) != 0 || ::listen(fd, 16) != 0) {
        const int e = errno;
        ::close(fd);
        return Error::failed(ErrorCode::Io, verb, path, errnoText(e));
    }
    ::chmod(path.toLocal8Bit().constData(), 0600);
    return new StreamListener(fd, path);
}

StreamListener::~StreamListener()
{
    if (m_fd >= 0) {
        ::close(m_fd);
        ::unlink(m_path.toLocal8Bit().constData());
    }
}

Transport *StreamListener::accept()
{
    const int fd = ::accept4(m_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return nullptr;
    enlargeSocketBuffers(fd);
    return new StreamTransport(fd, QStringLiteral("stream %1 #%2").arg(m_path).arg(++m_accepted));
}

}  // namespace netloom::sw
