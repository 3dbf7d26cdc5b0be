// SPDX-License-Identifier: GPL-3.0-or-later
// VdeServer: the listening side of the vde_switch control protocol (see vdeprotocol.h), so
// unmodified QEMU (-nic vde,sock=DIR), vde_plug and other libvdeplug clients join a netloom
// switch. It owns DIR/ctl and one private epoll descriptor holding the listener and the
// handshakes in progress; the switch engine polls that single descriptor.
//
// Bounds: at most kMaxPending handshakes at once (older ones are dropped), each must finish
// within kHandshakeTimeoutNs; a request is read with one bounded recv.
// Security: DIR/ctl gets `mode` (0600 unless configured) and optionally a group; a client's
// data socket must be a socket owned by the connecting uid (SO_PEERCRED), so one user cannot
// make the switch talk to another user's socket.
#pragma once

#include "base/result.h"
#include "mactable.h"
#include "transport.h"

#include <functional>
#include <map>
#include <memory>
#include <sys/types.h>
#include <vector>

namespace netloom::sw {

struct VdeServerOptions {
    QString dir;            // created if missing (mode 0700, or 0770 with a group)
    mode_t mode = 0600;     // of DIR/ctl and of each port's data socket
    QString group;          // optional group name or number for DIR, ctl and data sockets
    std::uint32_t maxPort = 1024;
};

class VdeServer {
public:
    static constexpr int kMaxPending = 32;
    static constexpr std::int64_t kHandshakeTimeoutNs = 5'000'000'000;

    // Creates DIR if needed and listens on DIR/ctl. Fails if DIR/ctl is a live socket (another
    // switch) or the path is too long; a stale socket file is replaced.
    static Result<std::unique_ptr<VdeServer>> listen(const VdeServerOptions &options);
    ~VdeServer();

    int fd() const { return m_epoll; }
    const VdeServerOptions &options() const { return m_options; }

    struct Accepted {
        std::unique_ptr<Transport> transport;
        PortId port = kNoPort;
    };
    // Picks a port id for a request: `requested` (0 = any); returns kNoPort to refuse.
    using ReservePort = std::function<PortId(std::uint32_t requested)>;
    // Handles whatever is ready: accepts connections, completes handshakes. New ports go to
    // `accepted`, refused clients to `errors` (one message each). Never blocks.
    void process(std::int64_t nowNs, const ReservePort &reserve, std::vector<Accepted> *accepted, QStringList *errors);
    // Drops handshakes older than kHandshakeTimeoutNs.
    void expire(std::int64_t nowNs);

private:
    VdeServer() = default;
    void acceptAll(std::int64_t nowNs);
    Result<Accepted> handshake(int fd, const ReservePort &reserve);
    void dropPending(int fd);

    VdeServerOptions m_options;
    int m_listen = -1;
    int m_epoll = -1;
    gid_t m_gid = gid_t(-1);
    bool m_createdDir = false;
    std::map<int, std::int64_t> m_pending;  // fd -> accepted at
    std::uint64_t m_seq = 0;
};

}  // namespace netloom::sw
