// SPDX-License-Identifier: GPL-3.0-or-later
#include "dnsmasq6.h"

#include "netaddr.h"

namespace netloom::protocol {

QStringList dnsmasqIpv6Lines(const DnsmasqSpec &d)
{
    QStringList l;
    if (d.address6.isEmpty() || (!d.ra && !d.dhcp6))
        return l;
    if (d.ra)
        l << QStringLiteral("enable-ra");
    if (!d.dhcp6) {
        const Cidr6 net{Ipv6::parse(d.address6).valueOr(Ipv6{}), d.prefixLength6};
        l << QStringLiteral("dhcp-range=%1,ra-only,%2").arg(net.network().toString()).arg(d.prefixLength6);
        return l;
    }
    const bool slaac = d.ra && d.prefixLength6 == 64;
    l << QStringLiteral("dhcp-range=%1,%2,%3%4,%5")
             .arg(d.rangeStart6, d.rangeEnd6, slaac ? QStringLiteral("slaac,") : QString())
             .arg(d.prefixLength6)
             .arg(d.leaseSeconds6);
    return l;
}

}  // namespace netloom::protocol
