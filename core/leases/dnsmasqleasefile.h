// SPDX-License-Identifier: GPL-3.0-or-later
// Parser for dnsmasq's lease file (--dhcp-leasefile). One IPv4 lease per line:
//   <expiry, Unix seconds; 0 = infinite> <MAC> <IPv4> <hostname or *> <client-id or *>
// followed, when DHCPv6 is on, by a "duid <server DUID>" line and DHCPv6 lines:
//   <expiry> [T]<IAID> <IPv6> <hostname or *> <client DUID or *>
// (T marks a temporary address). The client's MAC is taken from its DUID when the DUID
// carries one (DUID-LLT, DUID-LL over Ethernet).
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
    QList<FileLease6> leases6; // DHCPv6 leases in file order
    QStringList problems;      // "line N: <reason>" for skipped lines (at most maxProblems)
    int problemCount = 0;      // all skipped lines
};

// The MAC inside a DHCPv6 DUID written as dnsmasq does ("00:01:00:01:..."): DUID-LLT (type 1:
// hardware type, time, address) or DUID-LL (type 3: hardware type, address) with hardware
// type 1 and a 6-byte address. nullopt for every other DUID (DUID-EN, DUID-UUID, ...).
std::optional<Mac> macFromDuid(const QString &duid);

// Parses `data` (the file's bytes). `origin` names the file in messages.
// Returns the leases, or an Error (LimitExceeded) when a limit is exceeded.
Result<LeaseFileContents> parseDnsmasqLeaseFile(const QByteArray &data, const QString &origin,
                                                const LeaseFileLimits &limits = {});

}  // namespace netloom::leases
