// SPDX-License-Identifier: GPL-3.0-or-later
#include "ipv6uplinks.h"

namespace netloom::helper {

namespace {
constexpr quint32 kRtfAddrconf = 0x00040000;  // route learned from a router advertisement
constexpr int kMaxLines = 65536;
}  // namespace

QSet<QString> raDefaultRouteInterfaces(const QString &text)
{
    QSet<QString> out;
    const QList<QStringView> lines = QStringView(text).split(u'\n', Qt::SkipEmptyParts);
    for (qsizetype i = 0; i < lines.size() && i < kMaxLines; ++i) {
        // dest plen src plen nexthop metric refcnt use flags devname
        const QList<QStringView> f = lines[i].split(u' ', Qt::SkipEmptyParts);
        if (f.size() != 10)
            continue;
        if (f[0] != QLatin1String("00000000000000000000000000000000") || f[1] != QLatin1String("00"))
            continue;
        bool ok = false;
        const quint32 flags = f[8].toUInt(&ok, 16);
        if (!ok || !(flags & kRtfAddrconf))
            continue;
        out.insert(f[9].toString());
    }
    return out;
}

bool uplinkMatches(const QString &pattern, const QString &ifname)
{
    if (pattern.endsWith(u'+'))
        return ifname.startsWith(pattern.chopped(1));
    return pattern == ifname;
}

QString raUplinkRefusal(const QString &ifname)
{
    return QStringLiteral("uplink %1 takes this host's IPv6 default route from router advertisements (accept_ra=1); "
                          "IPv6 forwarding would make the kernel ignore them and the host would lose that route. "
                          "Set net.ipv6.conf.%1.accept_ra=2 (sysctl -w net.ipv6.conf.%1.accept_ra=2) and start again, "
                          "or use this network without NAT66/routing")
        .arg(ifname);
}

}  // namespace netloom::helper
