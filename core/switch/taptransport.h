// TapTransport: a persistent tap interface opened by name (TUNSETIFF, IFF_TAP|IFF_NO_PI).
// No root needed when the tap was created for this user (`ip tuntap add NAME mode tap user U`).
// A tap has no batch syscall: receive() loops read() until EAGAIN or the batch is full.
#pragma once

#include "base/result.h"
#include "transport.h"

namespace netloom::sw {

class TapTransport final : public Transport {
public:
    // Opens /dev/net/tun and attaches to tap `name`. Errors name the tap and the reason
    // (no such device, not owned by this user, ...).
    static Result<Transport *> open(const QString &name);
    ~TapTransport() override;

    int dataFd() const override { return m_fd; }
    int receive(std::uint8_t *const *bufs, std::size_t bufSize, std::size_t *lens, int max) override;
    SendResult send(const OutFrame *frames, int n) override;
    QString kind() const override { return QStringLiteral("tap"); }
    QString description() const override { return QStringLiteral("tap %1").arg(m_name); }

private:
    TapTransport(int fd, QString name) : m_fd(fd), m_name(std::move(name)) {}
    int m_fd = -1;
    QString m_name;
};

}  // namespace netloom::sw
