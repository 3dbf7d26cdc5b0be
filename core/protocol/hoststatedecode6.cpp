// SPDX-License-Identifier: GPL-3.0-or-later
#include "hoststatedecode6.h"

#include "hoststatedecode.h"
#include "names.h"
#include "netaddr.h"

namespace netloom::protocol {

namespace {

constexpr int kMinPrefix6 = 16;
constexpr int kMaxPrefix6 = 126;

Error invalid(const QString &what, const QString &reason)
{
    return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("validate"), what.left(64), reason);
}

bool usableUnicast(const Ipv6 &a)
{
    return !(a.isUnspecified() || a.isLoopback() || a.isMulticast() || a.isLinkLocal() || a.isV4Mapped());
}

Result<Ipv6> canonicalIp(const QString &what, const QString &text)
{
    auto ip = Ipv6::parse(text);
    if (!ip)
        return Error{ip.error().code, QStringLiteral("failed to validate '%1': %2").arg(what.left(64), ip.error().message)};
    if (ip->toString() != text)
        return invalid(text, QStringLiteral("an IPv6 address must be written canonically (%1)").arg(ip->toString()));
    return ip;
}

}  // namespace

Status validateAddress6(const QString &cidr)
{
    auto c = Cidr6::parse(cidr);
    if (!c)
        return c.error();
    if (c->toString() != cidr)
        return invalid(cidr, QStringLiteral("an IPv6 address must be written canonically (%1)").arg(c->toString()));
    if (!usableUnicast(c->address))
        return invalid(cidr, QStringLiteral("a global or unique-local unicast IPv6 address is needed"));
    if (c->prefix < kMinPrefix6 || c->prefix > kMaxPrefix6)
        return invalid(cidr, QStringLiteral("the IPv6 prefix length must be %1..%2").arg(kMinPrefix6).arg(kMaxPrefix6));
    if (c->address == c->network())
        return invalid(cidr, QStringLiteral("the subnet-router anycast address is not a host address"));
    return ok();
}

Status validateNat6(const NatSpec &n)
{
    auto c = Cidr6::parse(n.subnet);
    if (!c)
        return c.error();
    const Ipv6 &net = c->address;
    if (c->toString() != n.subnet || c->network() != net || c->prefix < kMinPrefix6 || c->prefix > kMaxPrefix6
        || net.isUnspecified() || net.isMulticast() || net.isLinkLocal() || net.isV4Mapped())
        return invalid(n.subnet, QStringLiteral("an IPv6 subnet needs its canonical network address and a prefix of %1..%2")
                                     .arg(kMinPrefix6).arg(kMaxPrefix6));
    if (n.uplinks.isEmpty())
        return invalid(n.subnet, QStringLiteral("NAT66 or routing needs at least one uplink"));
    for (const QString &u : n.uplinks) {
        if (auto st = validateUplinkMatch(u); !st)
            return st;
        if (u.startsWith(QLatin1String("loom")))
            return invalid(u, QStringLiteral("an uplink cannot be one of Netloom's own interfaces"));
    }
    if (n.forwards.size() > HostStateLimits::kMaxForwards)
        return invalid(n.subnet, QStringLiteral("more than %1 port forwards").arg(HostStateLimits::kMaxForwards));
    for (const ForwardSpec &f : n.forwards)
        if (auto st = validateForward6(*c, f); !st)
            return st;
    return ok();
}

Status validateForward6(const Cidr6 &prefix, const ForwardSpec &f)
{
    const QString what = describeForward(f).left(64);
    const auto bad = [&what](const QString &reason) {
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("validate port forward"), what, reason);
    };
    if (f.family != ForwardSpec::Family::Ipv6)
        return bad(QStringLiteral("an IPv6 NAT rule only holds IPv6 forwards (IPv4 ones go to 'nat')"));
    if (f.hostPort == 0 || f.guestPort == 0)
        return bad(QStringLiteral("ports must be 1..65535"));
    if (!f.hostAddress.isEmpty()) {
        auto host = canonicalIp(what, f.hostAddress);
        if (!host)
            return host.error();
        if (host->isLoopback())
            return bad(QStringLiteral("::1 cannot be forwarded: the kernel never lets a loopback source leave the host "
                                      "(IPv6 has no route_localnet); use one of the host's other addresses"));
        if (!usableUnicast(*host))
            return bad(QStringLiteral("the host address must be a global or unique-local unicast address"));
    }
    auto guest = canonicalIp(what, f.guestAddress);
    if (!guest)
        return guest.error();
    if (!usableUnicast(*guest) || !prefix.contains(*guest) || *guest == prefix.network())
        return bad(QStringLiteral("the guest address must be a host of the NAT prefix %1").arg(prefix.networkString()));
    return ok();
}

Status validateDnsmasq6(const DnsmasqSpec &d, const QSet<QString> &addresses)
{
    if (d.address6.isEmpty()) {
        if (d.ra || d.dhcp6 || !d.rangeStart6.isEmpty() || !d.rangeEnd6.isEmpty())
            return invalid(d.ifname, QStringLiteral("router advertisements and DHCPv6 need 'ipv6.address'"));
        return ok();
    }
    auto gw = canonicalIp(d.ifname, d.address6);
    if (!gw)
        return gw.error();
    if (d.prefixLength6 < kMinPrefix6 || d.prefixLength6 > kMaxPrefix6)
        return invalid(d.ifname, QStringLiteral("the IPv6 prefix length must be %1..%2").arg(kMinPrefix6).arg(kMaxPrefix6));
    const Cidr6 net{*gw, d.prefixLength6};
    if (!addresses.contains(d.ifname + u' ' + net.toString()))
        return invalid(d.ifname, QStringLiteral("dnsmasq needs the address %1 on this interface in 'addresses'").arg(net.toString()));
    if (d.ra && !d.dhcp6 && d.prefixLength6 != 64)
        return invalid(d.ifname, QStringLiteral("SLAAC (router advertisements without DHCPv6) needs a /64 prefix"));
    if (d.leaseSeconds6 < 120 || d.leaseSeconds6 > 31536000)
        return invalid(d.ifname, QStringLiteral("the DHCPv6 lease time must be 120..31536000 s"));
    if (!d.dhcp6) {
        if (!d.rangeStart6.isEmpty() || !d.rangeEnd6.isEmpty())
            return invalid(d.ifname, QStringLiteral("a DHCPv6 range needs 'dhcp'"));
        return ok();
    }
    auto a = canonicalIp(d.ifname, d.rangeStart6);
    if (!a)
        return a.error();
    auto b = canonicalIp(d.ifname, d.rangeEnd6);
    if (!b)
        return b.error();
    if (!net.contains(*a) || !net.contains(*b) || *b < *a || *a == net.network() || (*a <= *gw && *gw <= *b))
        return invalid(d.ifname, QStringLiteral("the DHCPv6 range %1-%2 must be an ordered range of hosts in %3 without the gateway")
                                     .arg(d.rangeStart6, d.rangeEnd6, net.networkString()));
    return ok();
}

}  // namespace netloom::protocol
