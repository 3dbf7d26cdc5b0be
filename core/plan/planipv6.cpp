// SPDX-License-Identifier: GPL-3.0-or-later
#include "planipv6.h"

#include "protocol/netaddr.h"

namespace netloom::plan {

using protocol::Cidr6;
using protocol::Ipv6;

namespace {
Error bad(const QString &reason) { return Error{ErrorCode::InvalidArgument, reason}; }
}  // namespace

Status planHostPortIpv6(const model::HostPortConfig &hp, const QString &ifname, protocol::HostState *host)
{
    const model::Ipv6Config &v = hp.ipv6;
    if (v.address.isEmpty()) {
        if (v.dhcp)
            return bad(QStringLiteral("DHCPv6 needs an IPv6 prefix"));
        return ok();
    }
    if (hp.address.isEmpty())
        return bad(QStringLiteral("an IPv6 prefix needs the port's IPv4 host address too"));
    auto c = Cidr6::parse(v.address);
    if (!c)
        return c.error();
    if (c->prefix < 16 || c->prefix > 126 || c->address == c->network())
        return bad(QStringLiteral("'%1' is not a usable IPv6 host address of a /16../126 prefix").arg(v.address));
    if (v.ra && !v.dhcp && c->prefix != 64)
        return bad(QStringLiteral("SLAAC needs a /64 prefix, not /%1").arg(c->prefix));
    host->addresses.append(protocol::AddressSpec{ifname, c->toString()});

    if (v.ra || v.dhcp || hp.dns) {
        protocol::DnsmasqSpec *d = nullptr;
        for (auto &e : host->dnsmasq)
            if (e.ifname == ifname)
                d = &e;
        if (!d) {
            // A port without DHCPv4 and DNS: dnsmasq only for RA/DHCPv6.
            auto c4 = protocol::Cidr::parse(hp.address);
            if (!c4)
                return c4.error();
            protocol::DnsmasqSpec n;
            n.ifname = ifname;
            n.address = c4->address.toString();
            n.prefixLength = c4->prefix;
            n.dhcp = false;
            n.dns = false;
            host->dnsmasq.append(n);
            d = &host->dnsmasq.last();
        }
        d->address6 = c->address.toString();
        d->prefixLength6 = c->prefix;
        d->ra = v.ra;
        d->dhcp6 = v.dhcp;
        d->leaseSeconds6 = hp.dhcp.leaseSeconds;
        if (v.dhcp) {
            auto start = Ipv6::parse(v.rangeStart);
            auto end = Ipv6::parse(v.rangeEnd);
            if (!start)
                return start.error();
            if (!end)
                return end.error();
            if (!c->contains(*start) || !c->contains(*end) || *end < *start)
                return bad(QStringLiteral("the DHCPv6 range %1-%2 is not an ascending range inside %3")
                               .arg(v.rangeStart, v.rangeEnd, c->networkString()));
            d->rangeStart6 = start->toString();
            d->rangeEnd6 = end->toString();
        }
    }
    if (hp.nat.mode != model::NatConfig::Mode::None)
        host->nat6.append(protocol::NatSpec{ifname, c->networkString(),
                                            hp.nat.mode == model::NatConfig::Mode::Masquerade ? protocol::NatSpec::Mode::Masquerade
                                                                                              : protocol::NatSpec::Mode::Route,
                                            hp.nat.uplinks, {}});
    return ok();
}

}  // namespace netloom::plan
