// SPDX-License-Identifier: GPL-3.0-or-later
// TapTransport: a persistent tap interface opened by name (TUNSETIFF, IFF_TAP|IFF_NO_PI).
// No root needed when the tap was created for this user (`ip tuntap add NAME mode tap user U`).
// A tap has no batch syscall: receive() loops read() until EAGAIN or `max` frames are read.
// Header and frame move with one plain read() or write() each (the header in the receive
// buffer's headroom), not readv/writev: the kernel's single-buffer path is shorter (a lone
// frame's read took ~1 us less, bench/README.md).
#pragma once

#include "base/result.h"
#include "transport.h"

namespace netloom::sw {

class TapTransport final : public Transport {
public:
    // Opens /dev/net/tun and attaches to tap `name`. Errors name the tap and the reason
    // (no such device, not owned by this user, ...).
    // With vnetHdr, frames carry a virtio_net_hdr so that GSO super-frames and partial
    // checksums can pass between taps (offloads start switched off; see setOffloads).
    static Result<Transport *> open(const QString &name, bool vnetHdr = true);
    ~TapTransport() override;

    int dataFd() const override { return m_fd; }
    int receive(std::uint8_t *const *bufs, std::size_t bufSize, std::size_t *lens, int max) override;
    SendResult send(const OutFrame *frames, int n) override;
    bool perFrameReads() const override { return true; }
    QString kind() const override { return QStringLiteral("tap"); }
    QString description() const override { return QStringLiteral("tap %1").arg(m_name); }
    bool vnetHeader() const override { return m_vnet; }
    const std::uint8_t *rxVnetHeader(int i) const override;
    void setOffloads(bool on) override;
    unsigned offloadsAccepted() const override { return m_offloadsOn ? kOffloadAll : 0; }

    static constexpr int kMaxBatch = 64;

private:
    TapTransport(int fd, QString name, bool vnet) : m_fd(fd), m_name(std::move(name)), m_vnet(vnet) {}
    int m_fd = -1;
    QString m_name;
    bool m_vnet = false;
    bool m_offloadsOn = false;
    const std::uint8_t *m_rxHdr[kMaxBatch]{};  // frame i's header: kVnetHdrLen bytes before bufs[i]
};

}  // namespace netloom::sw
