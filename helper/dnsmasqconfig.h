// SPDX-License-Identifier: GPL-3.0-or-later
// The dnsmasq configuration for one network interface (pure; see dnsmasq.h for the design).
// Every value in it was validated by the protocol library (names [A-Za-z0-9._-], addresses
// parsed strictly, host names and domains as DNS labels), so no line can carry another.
#pragma once

#include "protocol/hoststate.h"

#include <QString>

namespace netloom::helper {

struct DnsmasqPaths {
    QString conf, pid, leases;
};

// Config text for one instance: bound to spec.ifname only, our pid and lease files, the
// given unprivileged user/group, no /etc/hosts, DHCPv4 range and static hosts when asked.
// With spec.address6 it also listens there and, when asked, sends router advertisements
// ("enable-ra") and serves one v6 dhcp-range: "<prefix>,ra-only,<len>" for SLAAC alone, or
// "<start>,<end>[,slaac],<len>,<lease>" for stateful DHCPv6 (slaac on a /64 with RA).
QString buildDnsmasqConfig(const protocol::DnsmasqSpec &spec, const DnsmasqPaths &paths, const QString &user,
                           const QString &group);

}  // namespace netloom::helper
