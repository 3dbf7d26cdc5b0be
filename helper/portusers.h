// SPDX-License-Identifier: GPL-3.0-or-later
// Who holds a host port: the helper refuses a port forward whose host port is already in use
// (a listening TCP socket or a bound UDP socket) and names the owner.
//
// Design note. The kernel's socket tables /proc/net/{tcp,udp,tcp6,udp6} (of the helper's
// network namespace) are parsed by a pure function; the owner is found by matching the
// socket's inode against the /proc/<pid>/fd/* links ("socket:[inode]") and named by
// /proc/<pid>/comm. Every read is bounded (file size, processes, descriptors per process and
// in all). What counts as a collision with an IPv4 forward on host address A (or on every
// address when A is ""): a TCP listener or UDP socket on that port whose local address is
// 0.0.0.0, A (or any address when A is "", loopback included: such a forward DNATs the host's
// own connections to 127/8 too), or the IPv6 wildcard "::" (which also takes IPv4 connections
// unless it is v6only, which /proc does not show — so it counts) or an IPv4-mapped A. With an
// IPv6 forward on A: a socket on "::" or on A; on every address (""): any IPv6 socket but
// ::1 (such a forward leaves ::1 alone) and IPv4-mapped ones. IPv4 sockets never collide
// with an IPv6 forward.
#pragma once

#include "base/result.h"
#include "protocol/hoststate.h"
#include "protocol/netaddr.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <cstdint>

namespace netloom::helper {

struct PortUsersLimits {
    static constexpr qint64 kMaxTableBytes = 16 * 1024 * 1024;  // one /proc/net file
    static constexpr int kMaxProcesses = 16384;
    static constexpr int kMaxFdsPerProcess = 65536;
    static constexpr int kMaxFdsTotal = 1 << 20;
};

// One socket of a /proc/net table.
struct ProcSocket {
    bool ipv6 = false;
    std::uint32_t ipv4 = 0;      // host byte order (IPv4, or the IPv4 of a v4-mapped IPv6)
    bool v6Any = false;          // "::"
    bool v6Mapped = false;       // ::ffff:a.b.c.d (ipv4 holds it)
    protocol::Ipv6 address6;     // the IPv6 address (ipv6 tables only)
    std::uint16_t port = 0;
    int state = 0;               // the "st" column (0x0A = TCP LISTEN)
    quint64 inode = 0;
};

// Parses the text of /proc/net/{tcp,udp,tcp6,udp6} (`ipv6` for the *6 files). Malformed
// lines are skipped. Pure.
QList<ProcSocket> parseProcNet(const QByteArray &text, bool ipv6);

// True if `s` (from the table of `protocol`) holds the host side of `forward`. Pure.
bool collides(const ProcSocket &s, protocol::ForwardSpec::Protocol protocol, const protocol::ForwardSpec &forward);

// Looks the forward's host port up under `procRoot` ("/proc"): "" when free, else the owner
// as "sshd (pid 123)" or "a socket whose process was not found (inode N)". Errors only when
// the socket tables cannot be read. Touches: reads /proc.
Result<QString> findPortUser(const protocol::ForwardSpec &forward, const QString &procRoot = QStringLiteral("/proc"));

}  // namespace netloom::helper
