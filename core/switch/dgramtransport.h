// SPDX-License-Identifier: GPL-3.0-or-later
// DgramTransport: one Ethernet frame per datagram over an AF_UNIX SOCK_DGRAM socket, batched
// with recvmmsg/sendmmsg. Used for VDE client ports (a connected per-port socket plus the
// client's control stream) and for QEMU `-netdev dgram` (a bound socket whose peer is
// learned from the first datagram).
#pragma once

#include "base/result.h"
#include "transport.h"

#include <sys/socket.h>
#include <sys/un.h>

namespace netloom::sw {

class DgramTransport final : public Transport {
public:
    // Takes ownership of dataFd (connected, non-blocking) and ctlFd (may be -1). unlinkPath,
    // if set, is removed on destruction (the socket file the switch bound for this port).
    DgramTransport(int dataFd, int ctlFd, QString kind, QString description, QString unlinkPath);
    ~DgramTransport() override;

    // Binds a SOCK_DGRAM socket at `path` (QEMU -netdev dgram's remote address); the peer
    // is whoever sends first. Fails if the path exists or cannot be bound.
    static Result<Transport *> bindUnix(const QString &path);

    int dataFd() const override { return m_fd; }
    int controlFd() const override { return m_ctl; }
    bool controlReadable() override;
    int receive(std::uint8_t *const *bufs, std::size_t bufSize, std::size_t *lens, int max) override;
    SendResult send(const OutFrame *frames, int n) override;
    QString kind() const override { return m_kind; }
    QString description() const override { return m_description; }

private:
    int m_fd = -1;
    int m_ctl = -1;
    QString m_kind, m_description, m_unlinkPath;
    bool m_learnPeer = false;      // unconnected: reply to the first sender
    bool m_havePeer = false;
    sockaddr_un m_peer{};
    socklen_t m_peerLen = 0;
};

}  // namespace netloom::sw
