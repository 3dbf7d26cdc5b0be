// SPDX-License-Identifier: GPL-3.0-or-later
#include "vdeplugtransport.h"

#include "ethernet.h"

extern "C" {
#include <libvdeplug.h>
}

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace netloom::sw {

Result<Transport *> VdePlugTransport::open(const QString &url, const QString &description)
{
    QByteArray u = url.toLocal8Bit();
    QByteArray d = description.toLocal8Bit().left(100);
    if (u.isEmpty() || u.size() > 1024)
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("open cable"), url, QStringLiteral("URL is empty or longer than 1024 bytes"));
    errno = 0;
    VDECONN *conn = vde_open(u.data(), d.data(), nullptr);
    if (!conn)
        return Error::failed(ErrorCode::Io, QStringLiteral("open cable"), url,
                             errno ? QString::fromLocal8Bit(std::strerror(errno)) : QStringLiteral("libvdeplug refused the URL"));
    const int fd = vde_datafd(conn);
    if (fd < 0) {
        vde_close(conn);
        return Error::failed(ErrorCode::Unsupported, QStringLiteral("open cable"), url, QStringLiteral("the connection has no data descriptor to poll"));
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    return static_cast<Transport *>(new VdePlugTransport(conn, url));
}

VdePlugTransport::VdePlugTransport(vdeconn *conn, QString url) : m_conn(conn), m_url(std::move(url)), m_scratch(kAbsoluteMaxFrameLen + 64)
{
}

VdePlugTransport::~VdePlugTransport()
{
    if (m_conn)
        vde_close(m_conn);
}

int VdePlugTransport::dataFd() const { return vde_datafd(m_conn); }
int VdePlugTransport::controlFd() const { return vde_ctlfd(m_conn); }

bool VdePlugTransport::controlReadable()
{
    const int fd = vde_ctlfd(m_conn);
    if (fd < 0)
        return true;
    char buf[256];
    while (true) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0)
            continue;
        if (n == 0)
            return false;
        if (errno == EINTR)
            continue;
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOTSOCK;
    }
}

int VdePlugTransport::receive(std::uint8_t *const *bufs, std::size_t bufSize, std::size_t *lens, int max)
{
    int n = 0;
    while (n < max) {
        const ssize_t r = vde_recv(m_conn, bufs[n], bufSize, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNREFUSED)
                break;
            return n > 0 ? n : -1;
        }
        if (r == 0) {
            // Stream-based modules report EOF as 0; datagram modules never send empty frames.
            return n > 0 ? n : -1;
        }
        if (std::size_t(r) < kEthHeaderLen)
            continue;  // module-internal packets (vxvde) are shorter than a frame: skip
        lens[n++] = std::size_t(r);
    }
    return n;
}

SendResult VdePlugTransport::send(const OutFrame *frames, int n)
{
    return sendEachFrame(frames, n, [this](const OutFrame &f) {
        const void *data = f.iov[0].iov_base;
        if (f.iovcnt > 1) {  // libvdeplug takes one buffer
            std::size_t off = 0;
            for (int k = 0; k < f.iovcnt; ++k) {
                std::memcpy(m_scratch.data() + off, f.iov[k].iov_base, f.iov[k].iov_len);
                off += f.iov[k].iov_len;
            }
            data = m_scratch.data();
        }
        return vde_send(m_conn, data, f.len, MSG_DONTWAIT);
    }, [](int e) { return e == EPIPE || e == ENOTCONN || e == EBADF; });
}

}  // namespace netloom::sw
