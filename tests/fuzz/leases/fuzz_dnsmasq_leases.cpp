// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the dnsmasq lease-file parser (leases/dnsmasqleasefile.h) with small limits so the
// limit paths are reached too. Invariants: it never crashes; whatever it accepts respects
// the limits and carries only canonical, valid fields.
#include "leases/dnsmasqleasefile.h"

#include <cstdlib>

using namespace netloom::leases;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    LeaseFileLimits lim;
    lim.maxBytes = 16384;
    lim.maxLineBytes = 256;
    lim.maxEntries = 64;
    lim.maxProblems = 4;
    auto r = parseDnsmasqLeaseFile(bytes, QStringLiteral("fuzz"), lim);
    if (!r) {
        if (!r.error().message.startsWith(QStringLiteral("failed to read lease file 'fuzz': ")))
            std::abort();
        return 0;
    }
    if (r->leases.size() > lim.maxEntries || r->problems.size() > lim.maxProblems ||
        r->problemCount < r->problems.size())
        std::abort();
    for (const FileLease &l : r->leases) {
        if (l.expiresAtSec < 0)
            std::abort();
        if (!l.hostname.isEmpty() && !isValidHostname(l.hostname))
            std::abort();
        if (!(Mac::parse(l.mac.toString()).value() == l.mac) || !(Ipv4::parse(l.ip.toString()).value() == l.ip))
            std::abort();
    }
    return 0;
}
