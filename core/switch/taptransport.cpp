// SPDX-License-Identifier: GPL-3.0-or-later
#include "taptransport.h"

#include "hotpath.h"
#include "protocol/netaddr.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace netloom::sw {

Result<Transport *> TapTransport::open(const QString &name, bool vnetHdr)
{
    const QString verb = QStringLiteral("open tap");
    if (const Status s = protocol::validateIfname(name); !s)
        return Error::failed(ErrorCode::InvalidArgument, verb, name, s.error().message);
    const int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return Error::failed(ErrorCode::System, verb, name,
                             QStringLiteral("/dev/net/tun: %1").arg(QString::fromLocal8Bit(std::strerror(errno))));
    ifreq ifr{};
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vnetHdr ? IFF_VNET_HDR : 0);
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
    if (vnetHdr) {
        int size = int(kVnetHdrLen);
        ::ioctl(fd, TUNSETVNETHDRSZ, &size);
        ::ioctl(fd, TUNSETOFFLOAD, 0);
    }
    return static_cast<Transport *>(new TapTransport(fd, name, vnetHdr));
}

TapTransport::~TapTransport()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

void TapTransport::setOffloads(bool on)
{
    if (!m_vnet)
        return;
    const unsigned long flags = on ? (TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN) : 0;
    m_offloadsOn = ::ioctl(m_fd, TUNSETOFFLOAD, flags) == 0 && on;
}

NETLOOM_HOT
int TapTransport::receive(std::uint8_t *const *bufs, std::size_t bufSize, std::size_t *lens, int max)
{
    int n = 0;
    max = std::min(max, kMaxBatch);
    while (n < max) {
        std::uint8_t *const at = m_vnet ? bufs[n] - kVnetHdrLen : bufs[n];  // see kRxHeadroom
        const ssize_t r = ::read(m_fd, at, bufSize + (m_vnet ? kVnetHdrLen : 0));
        if (r > 0) {
            if (m_vnet && std::size_t(r) <= kVnetHdrLen)
                continue;  // a header without a frame: nothing to forward
            m_rxHdr[n] = at;
            lens[n++] = std::size_t(r) - (m_vnet ? kVnetHdrLen : 0);
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

NETLOOM_HOT
const std::uint8_t *TapTransport::rxVnetHeader(int i) const
{
    return m_vnet ? m_rxHdr[i] : nullptr;
}

NETLOOM_HOT
SendResult TapTransport::send(const OutFrame *frames, int n)
{
    static const std::uint8_t kZeroHdr[kVnetHdrLen] = {};
    return sendEachFrame(frames, n, [this](const OutFrame &f) {
        if (m_vnet && f.iovcnt == 1 && f.vnetHdr && f.vnetHdr + kVnetHdrLen == f.iov[0].iov_base)
            return ::write(m_fd, f.vnetHdr, kVnetHdrLen + f.len);  // a frame as received, header in front
        iovec iov[OutFrame::kMaxIov + 1];
        int cnt = 0;
        if (m_vnet)
            iov[cnt++] = {const_cast<std::uint8_t *>(f.vnetHdr ? f.vnetHdr : kZeroHdr), kVnetHdrLen};
        for (int k = 0; k < f.iovcnt; ++k)
            iov[cnt++] = f.iov[k];
        return ::writev(m_fd, iov, cnt);
    }, [](int e) { return e == EBADFD; });  // EIO (link down), EINVAL (bad frame): that frame only
}

}  // namespace netloom::sw
