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
QString buildDnsmasqConfig(const protocol::DnsmasqSpec &spec, const DnsmasqPaths &paths, const QString &user,
                           const QString &group);

}  // namespace netloom::helper
