// SPDX-License-Identifier: GPL-3.0-or-later
// Attaching a console to a running QEMU without any listening socket.
//
// Design note. The guest's VNC server is created with `-vnc none` (it listens nowhere) and its
// serial port is a socket chardev whose socket file is unlinked once QEMU runs. A console is
// attached by making a socketpair(AF_UNIX, SOCK_STREAM), passing one end to QEMU on the QMP
// socket (`getfd` with the descriptor as SCM_RIGHTS, under a unique name), then `add_client`
// (protocol "vnc" or the chardev id, skipauth: the peer is ours by construction), and keeping
// the other end. No socket file, no port: only the process holding the QMP connection — the
// one that runs the topology — can attach. A chardev takes one client at a time (QEMU refuses
// a second); when the kept end is closed, QEMU drops the client and a new attach works.
// If add_client fails, the named descriptor is closed in QEMU again (`closefd`).
#pragma once

#include "base/result.h"

#include <QString>

#include <functional>

namespace netloom::qemu {

class QmpClient;

// The protocol name of QEMU's VNC server for add_client.
inline constexpr const char *kVncProtocol = "vnc";

// Attaches a new client to `protocol` ("vnc", or a socket chardev's id) of the QEMU behind
// `qmp` (which must be Ready). `done` gets the kept end of the socketpair (close-on-exec,
// blocking; the caller owns it and closes it to detach) or an error naming the protocol;
// it is called exactly once, possibly before this returns. Bounded by QMP's per-command
// timeout (timeoutMs each for getfd and add_client). Touches: creates two descriptors,
// passes one to QEMU and closes it here.
void attachConsoleClient(QmpClient *qmp, const QString &protocol, std::function<void(Result<int>)> done,
                         int timeoutMs = 5000);

}  // namespace netloom::qemu
