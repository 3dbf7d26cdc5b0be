// SPDX-License-Identifier: GPL-3.0-or-later
// VhostUserListener and connectVhostUser: the two ways a vhost-user control connection
// comes about (issue #12). Server mode: the switch listens on a unix socket path and QEMU
// connects (`-chardev socket,path=P,reconnect=1`); one frontend at a time per path, since a
// path is one port. Client mode: QEMU listens (`server=on,wait=off`) and the switch connects;
// retrying is the caller's business (QEMU may not be up yet).
//
// Design note. Both hand out a connected, non-blocking, close-on-exec AF_UNIX stream fd for
// a VhostUserSession. The listener's socket file gets `mode` (0600 unless told otherwise) —
// anyone who can connect can make the switch map memory files it passes, so access is the
// user's alone by default. A stale socket file (nothing accepting) is replaced; a live one is
// a Conflict. The listener removes its socket file when destroyed.
#pragma once

#include "base/result.h"

#include <QByteArray>
#include <QString>

#include <memory>
#include <sys/types.h>

namespace netloom::sw {

class VhostUserListener {
public:
    // Binds and listens on `path` (1..107 bytes). Errors: InvalidArgument (path, mode),
    // Conflict (something is listening there), Io/System (socket calls). Touches: the
    // filesystem at `path`.
    static Result<std::unique_ptr<VhostUserListener>> listen(const QString &path, mode_t mode = 0600);
    ~VhostUserListener();
    VhostUserListener(const VhostUserListener &) = delete;
    VhostUserListener &operator=(const VhostUserListener &) = delete;

    // The listening descriptor: readable when a frontend connects.
    int fd() const { return m_fd; }
    const QString &path() const { return m_path; }

    // Accepts one pending connection. Returns its fd (non-blocking, close-on-exec; the caller
    // owns it and must call release() when its session ends), -1 when none is pending, or an
    // Error: Conflict when a frontend is already connected (the newcomer is closed at once),
    // Io for other accept failures. Touches: the listening socket.
    Result<int> accept();
    // The session of the accepted frontend ended: the next connection may be accepted.
    void release() { m_busy = false; }
    bool busy() const { return m_busy; }

private:
    VhostUserListener() = default;
    int m_fd = -1;
    QString m_path;
    bool m_busy = false;
};

// Client mode: connects to a frontend listening on `path`. Returns a connected non-blocking
// close-on-exec fd, or an Error: NotFound (no socket file), Io (refused: nothing listens yet —
// retry later; other errors), InvalidArgument (path too long). Touches: nothing else.
Result<int> connectVhostUser(const QString &path);

}  // namespace netloom::sw
