// SPDX-License-Identifier: GPL-3.0-or-later
// Passing open descriptors over unix stream sockets (SCM_RIGHTS).
//
// Design note. Netloom never opens a listening socket for a guest console: the runtime makes
// a socketpair, hands one end to QEMU on its QMP socket (getfd) and the other to the console
// — in the same process, or to `netloomctl console` over the per-user control socket. Qt's
// QLocalSocket cannot carry descriptors, so these two functions work on the raw descriptor
// of a connected AF_UNIX stream socket. A descriptor travels with the first byte of the
// message it is attached to; the receiver must use recvWithFd for that read (a plain read()
// would make the kernel drop it). Bounds: one descriptor per message; extra ones a peer sends
// are closed at once.
#pragma once

#include "base/result.h"

#include <QByteArray>

#include <cstddef>

namespace netloom {

// Sends `bytes` on `socket` with `fd` attached (the caller keeps its own `fd`). Retries on
// EINTR; with a non-blocking socket a full buffer is an Error (Io). Returns how many bytes
// went (all of them on a blocking socket; fewer on a short write: send the rest plainly).
// Touches: the socket.
Result<qsizetype> sendWithFd(int socket, const QByteArray &bytes, int fd);

// One recvmsg on `socket` (flags such as MSG_DONTWAIT added) into buf[0..len), taking the
// descriptors that came with those bytes (close-on-exec): the first `maxFds` (at most
// kMaxFdsPerRead) into fds[], the rest closed at once. Retries on EINTR. Touches: the socket;
// creates the descriptors it returns.
struct FdRead {
    long bytes = 0;          // bytes read; 0 = the peer closed; -1 = failed (see error)
    int error = 0;           // errno when bytes is -1 (EAGAIN on a drained non-blocking socket)
    int fdCount = 0;         // descriptors stored in fds
    bool fdsDropped = false; // more than maxFds came: the others were closed
    bool truncated = false;  // MSG_CTRUNC: more than kMaxFdsPerRead came (the kernel closed them)
};
constexpr int kMaxFdsPerRead = 16;
FdRead recvSomeWithFds(int socket, void *buf, std::size_t len, int *fds, int maxFds, int flags = 0);

// Reads at most `maxBytes` from `socket` and at most one descriptor. `*fd` is the received
// descriptor (close-on-exec) or -1. An empty result means the peer closed. Touches: the
// socket; creates the descriptor it returns.
Result<QByteArray> recvWithFd(int socket, qsizetype maxBytes, int *fd);

}  // namespace netloom
