// Parser for dnsmasq's lease file (--dhcp-leasefile). One IPv4 lease per line:
//   <expiry, Unix seconds; 0 = infinite> <MAC> <IPv4> <hostname or *> <client-id or *>
// followed, when DHCPv6 is on, by a "duid <server DUID>" line and IPv6 lines, which are
// counted but not returned (IPv6 addresses come from ND snooping).
//
// dnsmasq writes the file, but guests choose their hostnames and the file is read while
// it is being rewritten, so the input is treated as hostile: explicit limits on file size,
// line length and entry count (exceeding one is an error: the snapshot would be partial),
// and every field is checked strictly (netaddr.h parsers, isValidHostname). A malformed
// line is skipped and reported in `problems` (bounded), because one torn line must not hide
// every other guest's lease.
#pragma once

#include "base/result.h"
#include "lease.h"

#include <QByteArray>
#include <QList>
#include <QStringList>

namespace netloom::leases {

struct LeaseFileLimits {
    qsizetype maxBytes = 1 << 20;   // whole file
    qsizetype maxLineBytes = 1024;  // one line, without its newline
    int maxEntries = 4096;          // IPv4 + IPv6 lines
    int maxProblems = 32;           // problems reported (the rest are counted)
};

struct LeaseFileContents {
    QList<FileLease> leases;   // IPv4 leases in file order
    int ipv6Lines = 0;         // IPv6 lease lines seen (not parsed further)
    QStringList problems;      // "line N: <reason>" for skipped lines (at most maxProblems)
    int problemCount = 0;      // all skipped lines
};

// Parses `data` (the file's bytes). `origin` names the file in messages.
// Returns the leases, or an Error (LimitExceeded) when a limit is exceeded.
Result<LeaseFileContents> parseDnsmasqLeaseFile(const QByteArray &data, const QString &origin,
                                                const LeaseFileLimits &limits = {});

}  // namespace netloom::leases
