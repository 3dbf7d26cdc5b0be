// SPDX-License-Identifier: GPL-3.0-or-later
#include "forwardrules.h"

#include <algorithm>

namespace netloom::protocol {

ForwardRules forwardNftRules(const NatSpec &nat, const ForwardSpec &f)
{
    ForwardRules r;
    const QString proto = forwardProtocolName(f.protocol);
    const QString own = u'"' + nat.ifname + u'"';
    const QString to = QStringLiteral("%1:%2").arg(f.guestAddress).arg(f.guestPort);
    const QString dst = f.hostAddress.isEmpty() ? QString() : QStringLiteral("ip daddr %1 ").arg(f.hostAddress);
    if (!f.hostAddress.startsWith(QLatin1String("127.")))
        r.prerouting << QStringLiteral("%1fib daddr type local %2 dport %3 dnat to %4").arg(dst, proto).arg(f.hostPort).arg(to);
    r.output << QStringLiteral("%1fib daddr type local %2 dport %3 dnat to %4").arg(dst, proto).arg(f.hostPort).arg(to);
    const QString toGuest = QStringLiteral("oifname %1 ip daddr %2 %3 dport %4 ct status dnat")
                                .arg(own, f.guestAddress, proto)
                                .arg(f.guestPort);
    r.postrouting << QStringLiteral("%1 ip saddr %2 masquerade").arg(toGuest, nat.subnet)
                  << QStringLiteral("%1 fib saddr type local masquerade").arg(toGuest);
    r.forward << QStringLiteral("%1 accept").arg(toGuest);
    return r;
}

bool forwardTakesLoopback(const ForwardSpec &f)
{
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
