// SPDX-License-Identifier: GPL-3.0-or-later
// StreamTransport: Ethernet frames over an AF_UNIX SOCK_STREAM socket, each preceded by its
// length as 4 bytes big-endian — QEMU's `-netdev stream` framing. A length of 0 or above
// kAbsoluteMaxFrameLen cannot be resynchronised and closes the port.
// StreamListener accepts such connections (QEMU with server=off connects to it); each
// accepted connection becomes one port.
#pragma once

#include "base/result.h"
#include "transport.h"

#include <QByteArray>

#include <vector>

namespace netloom::sw {

class StreamTransport final : public Transport {
public:
    StreamTransport(int fd, QString description);
    ~StreamTransport() override;

    // Connects to a listening unix stream socket (QEMU -netdev stream,server=on).
    static Result<Transport *> connectUnix(const QString &path);

    int dataFd() const override { return m_fd; }
    int receive(std::uint8_t *const *bufs, std::size_t bufSize, std::size_t *lens, int max) override;
    SendResult send(const OutFrame *frames, int n) override;
    bool flushPending(bool *stillBlocked) override;
    bool hasPending() const override { return m_outOff < m_out.size(); }
    QString kind() const override { return QStringLiteral("stream"); }
    QString description() const override { return m_description; }

    // Bounds: bytes buffered for reading / for a partly written frame.
    static constexpr std::size_t kInBufferBytes = 256 * 1024;

private:
    int m_fd = -1;
    QString m_description;
    std::vector<std::uint8_t> m_in;
    std::size_t m_inStart = 0, m_inEnd = 0;
    std::vector<std::uint8_t> m_out;  // remainder of a partly written frame
    std::size_t m_outOff = 0;
    bool m_broken = false;
};

class StreamListener {
public:
    // Listens on `path` (mode 0600). Fails if it exists.
    static Result<StreamListener *> listenUnix(const QString &path);
    ~StreamListener();
    int fd() const { return m_fd; }
    QString path() const { return m_path; }
    // Accepts one pending connection; nullptr when none is pending.
    Transport *accept();

private:
    StreamListener(int fd, QString path) : m_fd(fd), m_path(std::move(path)) {}
    int m_fd = -1;
    QString m_path;
    int m_accepted = 0;
};

}  // namespace netloom::sw
