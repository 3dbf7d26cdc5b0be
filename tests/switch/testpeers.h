// SPDX-License-Identifier: GPL-3.0-or-later
// In-process switch ports for unit tests: a socketpair whose one end becomes a switch
// transport and whose other end the test reads and writes, plus a bounded datagram reader.
#pragma once

#include "switch/dgramtransport.h"
#include "switch/streamtransport.h"
#include "switch/transport.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QThread>

#include <fcntl.h>
#include <memory>
#include <sys/socket.h>

namespace netloom::sw::test {

struct Peer {
    int fd = -1;  // the test's end (blocking; read it with readDgrams)
    std::unique_ptr<Transport> transport;
};

// A datagram port named `name` (like a VDE or -netdev dgram client). fd -1 on failure.
inline Peer dgramPeer(const QString &name)
{
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) != 0)
        return {};
    ::fcntl(sv[0], F_SETFL, O_NONBLOCK);
    enlargeSocketBuffers(sv[0]);
    return {sv[1], std::make_unique<DgramTransport>(sv[0], -1, QStringLiteral("dgram"), name, QString())};
}

// A stream port named `name` (like a -netdev stream client). fd -1 on failure.
inline Peer streamPeer(const QString &name)
{
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return {};
    ::fcntl(sv[0], F_SETFL, O_NONBLOCK);
    return {sv[1], std::make_unique<StreamTransport>(sv[0], name)};
}

// Reads datagrams from fd until at least `atLeast` arrived and the socket is drained, or
// timeoutMs passed. Frames up to 10000 bytes are read whole.
inline QList<QByteArray> readDgrams(int fd, int atLeast, int timeoutMs = 2000)
{
    QList<QByteArray> out;
    QElapsedTimer t;
    t.start();
    char buf[10000];
    while (t.elapsed() < timeoutMs) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n >= 0) {
            out << QByteArray(buf, int(n));
            continue;
        }
        if (out.size() >= atLeast)
            break;
        QThread::msleep(5);
    }
    return out;
}

}  // namespace netloom::sw::test
