#include "forwardrules.h"

namespace netloom::protocol {

ForwardRules forwardNftRules(const NatSpec &nat, const ForwardSpec &f)
{
    ForwardRules r;
    const QString proto = forwardProtocolName(f.protocol);
    const QString own = u'"' + nat.ifname + u'"';
    const QString to = QStringLiteral("%1:%2").arg(f.guestAddress).arg(f.guestPort);
    const QString dst = f.hostAddress.isEmpty() ? QString() : QStringLiteral("ip daddr %1 ").arg(f.hostAddress);
    r.prerouting << QStringLiteral("%1fib daddr type local %2 dport %3 dnat to %4").arg(dst, proto).arg(f.hostPort).arg(to);
    r.output << QStringLiteral("%1fib daddr type local %2 dport %3 dnat to %4")
                    .arg(f.hostAddress.isEmpty() ? QStringLiteral("ip daddr != 127.0.0.0/8 ") : dst, proto)
                    .arg(f.hostPort)
                    .arg(to);
    const QString toGuest = QStringLiteral("oifname %1 ip daddr %2 %3 dport %4 ct status dnat")
                                .arg(own, f.guestAddress, proto)
                                .arg(f.guestPort);
    r.postrouting << QStringLiteral("%1 ip saddr %2 masquerade").arg(toGuest, nat.subnet)
                  << QStringLiteral("%1 fib saddr type local masquerade").arg(toGuest);
    r.forward << QStringLiteral("%1 accept").arg(toGuest);
    return r;
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
