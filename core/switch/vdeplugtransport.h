// SPDX-License-Identifier: GPL-3.0-or-later
// VdePlugTransport: an outbound connection through libvdeplug to any URL it understands
// (vde://DIR, vxvde://GROUP, udp://..., cmd://..., ptp://, ...): how a netloom switch is
// cabled to another switch on this host or another one. libvdeplug has no batch API and
// needs contiguous buffers, so frames are flattened into a scratch buffer before vde_send.
#pragma once

#include "base/result.h"
#include "transport.h"

#include <vector>

struct vdeconn;

namespace netloom::sw {

class VdePlugTransport final : public Transport {
public:
    // Opens `url` with libvdeplug (may block briefly while connecting; call it off the switch
    // thread). `description` appears in the remote switch's port list.
    static Result<Transport *> open(const QString &url, const QString &description);
    ~VdePlugTransport() override;

    int dataFd() const override;
    int controlFd() const override;
    bool controlReadable() override;
    int receive(std::uint8_t *const *bufs, std::size_t bufSize, std::size_t *lens, int max) override;
    SendResult send(const OutFrame *frames, int n) override;
    QString kind() const override { return QStringLiteral("vdeplug"); }
    QString description() const override { return m_url; }

private:
    VdePlugTransport(vdeconn *conn, QString url);
    vdeconn *m_conn = nullptr;
    QString m_url;
    std::vector<std::uint8_t> m_scratch;
};

}  // namespace netloom::sw
