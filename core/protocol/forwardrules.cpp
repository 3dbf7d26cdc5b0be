// SPDX-License-Identifier: GPL-3.0-or-later
#include "forwardrules.h"

#include <algorithm>

namespace netloom::protocol {

ForwardRules forwardNftRules(const NatSpec &nat, const ForwardSpec &f)
{
    ForwardRules r;
    const bool v6 = f.family == ForwardSpec::Family::Ipv6;
    const QString ip = v6 ? QStringLiteral("ip6") : QStringLiteral("ip");
    const QString proto = forwardProtocolName(f.protocol);
    const QString own = u'"' + nat.ifname + u'"';
    const QString to = v6 ? QStringLiteral("[%1]:%2").arg(f.guestAddress).arg(f.guestPort)
                          : QStringLiteral("%1:%2").arg(f.guestAddress).arg(f.guestPort);
    const QString dst = f.hostAddress.isEmpty() ? QString() : QStringLiteral("%1 daddr %2 ").arg(ip, f.hostAddress);
    if (!f.hostAddress.startsWith(QLatin1String("127.")))
        r.prerouting << QStringLiteral("%1fib daddr type local %2 dport %3 dnat to %4").arg(dst, proto).arg(f.hostPort).arg(to);
    // IPv6: ::1 is left alone — a loopback source can never leave the host.
    const QString notLoopback = v6 && f.hostAddress.isEmpty() ? QStringLiteral("ip6 daddr != ::1 ") : QString();
    r.output << QStringLiteral("%1%2fib daddr type local %3 dport %4 dnat to %5")
                    .arg(notLoopback, dst, proto).arg(f.hostPort).arg(to);
    const QString toGuest = QStringLiteral("oifname %1 %2 daddr %3 %4 dport %5 ct status dnat")
                                .arg(own, ip, f.guestAddress, proto)
                                .arg(f.guestPort);
    r.postrouting << QStringLiteral("%1 %2 saddr %3 masquerade").arg(toGuest, ip, nat.subnet)
                  << QStringLiteral("%1 fib saddr type local masquerade").arg(toGuest);
    r.forward << QStringLiteral("%1 accept").arg(toGuest);
    return r;
}

bool forwardTakesLoopback(const ForwardSpec &f)
{
    if (f.family != ForwardSpec::Family::Ipv4)
        return false;
    return f.hostAddress.isEmpty() || f.hostAddress.startsWith(QLatin1String("127."));
}

bool natTakesLoopback(const NatSpec &nat)
{
    return std::any_of(nat.forwards.cbegin(), nat.forwards.cend(), forwardTakesLoopback);
}

QString loopbackGuardRule(const NatSpec &nat)
{
    return QStringLiteral("iifname \"%1\" ip daddr 127.0.0.0/8 drop").arg(nat.ifname);
}

QString routeLocalnetPath(const QString &ifname)
{
    return QStringLiteral("/proc/sys/net/ipv4/conf/%1/route_localnet").arg(ifname);
}

QString forwardPreroutingHook()
{
    return QStringLiteral("type nat hook prerouting priority dstnat; policy accept;");
}

QString forwardOutputHook()
{
    return QStringLiteral("type nat hook output priority -100; policy accept;");
}

}  // namespace netloom::protocol
