#include "taptransport.h"

#include "protocol/netaddr.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace netloom::sw {

Result<Transport *> TapTransport::open(const QString &name)
{
    const QString verb = QStringLiteral("open tap");
    if (const Status s = protocol::validateIfname(name); !s)
        return Error::failed(ErrorCode::InvalidArgument, verb, name, s.error().message);
    const int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return Error::failed(ErrorCode::System, verb, name,
                             QStringLiteral("/dev/net/tun: %1").arg(QString::fromLocal8Bit(std::strerror(errno))));
    ifreq ifr{};
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    const QByteArray n = name.toLatin1();
    std::memcpy(ifr.ifr_name, n.constData(), std::size_t(n.size()));
    if (::ioctl(fd, TUNSETIFF, &ifr) != 0) {
        const int e = errno;
        ::close(fd);
        QString reason = QString::fromLocal8Bit(std::strerror(e));
        if (e == EPERM)
            reason += QStringLiteral(" (the tap must exist and belong to this user: ip tuntap add %1 mode tap user USER)").arg(name);
        return Error::failed(e == EPERM ? ErrorCode::PermissionDenied : ErrorCode::System, verb, name, reason);
    }
    return static_cast<Transport *>(new TapTransport(fd, name));
}

TapTransport::~TapTransport()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

int TapTransport::receive(std::uint8_t *const *bufs, std::size_t bufSize, std::size_t *lens, int max)
{
    int n = 0;
    while (n < max) {
        const ssize_t r = ::read(m_fd, bufs[n], bufSize);
        if (r > 0) {
            lens[n++] = std::size_t(r);
            continue;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (r < 0 && errno == EIO)
            break;  // interface down: nothing to read
        return n > 0 ? n : -1;  // EBADFD (tap deleted) or EOF
    }
    return n;
}

SendResult TapTransport::send(const OutFrame *frames, int n)
{
    SendResult r;
    for (int i = 0; i < n; ++i) {
        const ssize_t w = ::writev(m_fd, frames[i].iov, frames[i].iovcnt);
        if (w >= 0) {
            ++r.sent;
            continue;
        }
        if (errno == EINTR) {
            --i;
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            r.blocked = true;
            return r;
        }
        if (errno == EBADFD) {
            r.dead = true;
            r.dropped = n - r.sent;
            return r;
        }
        ++r.dropped;  // EIO (down), EINVAL (bad frame): lose this one
    }
    return r;
}

}  // namespace netloom::sw
