// SPDX-License-Identifier: GPL-3.0-or-later
#include "shellexporter6.h"

#include "shellforwards.h"

namespace netloom::exporter::detail {


QStringList nat6TableLines(const QString &table, const QList<protocol::NatSpec> &nat6, const protocol::ForwardRules &fw,
                           bool hasForwards)
{
    QStringList nft{QStringLiteral("table ip6 %1 {").arg(table)};
    if (hasForwards)
        nft << forwardChainLines(fw);
    nft << QStringLiteral("  chain postrouting {") << QStringLiteral("    type nat hook postrouting priority srcnat; policy accept;")
        << indentRules(fw.postrouting);
    for (const protocol::NatSpec &n : nat6)
        if (n.mode == protocol::NatSpec::Mode::Masquerade)
            nft << QStringLiteral("    ip6 saddr %1 ip6 daddr != %1 oifname %2 masquerade").arg(n.subnet, nftUplinkSet(n.uplinks));
    nft << QStringLiteral("  }") << QStringLiteral("  chain forward {")
        << QStringLiteral("    type filter hook forward priority filter; policy accept;") << indentRules(fw.forward);
    for (const protocol::NatSpec &n : nat6) {
        nft << QStringLiteral("    iifname \"%1\" ip6 saddr %2 oifname %3 accept").arg(n.ifname, n.subnet, nftUplinkSet(n.uplinks));
        nft << QStringLiteral("    iifname %1 oifname \"%2\" ip6 daddr %3%4 accept")
                   .arg(nftUplinkSet(n.uplinks), n.ifname, n.subnet,
                        n.mode == protocol::NatSpec::Mode::Masquerade ? QStringLiteral(" ct state established,related") : QString());
    }
    nft << QStringLiteral("  }") << QStringLiteral("}");
    return nft;
}

QString raUplinkCheck(const QList<protocol::NatSpec> &nat6, const std::function<QString(const QString &)> &quote)
{
    QStringList patterns;
    for (const protocol::NatSpec &n : nat6)
        for (const QString &u : n.uplinks) {
            // Uplink names are [A-Za-z0-9._-] (validated): as sh case patterns they only
            // need their '+' turned into '*' outside the quotes.
            const QString p = u.endsWith(QLatin1Char('+')) ? quote(u.chopped(1)) + QLatin1Char('*') : quote(u);
            if (!patterns.contains(p))
                patterns << p;
        }
    return QStringLiteral(
               "    for dev in /sys/class/net/*; do\n"
               "      dev=${dev##*/}\n"
               "      case \"$dev\" in %1) ;; *) continue ;; esac\n"
               "      if [ \"$(cat \"/proc/sys/net/ipv6/conf/$dev/accept_ra\" 2>/dev/null)\" = 1 ] &&\n"
               "         [ -n \"$(ip -6 route show default proto ra dev \"$dev\" 2>/dev/null)\" ]; then\n"
               "        die \"uplink $dev takes this host's IPv6 default route from router advertisements (accept_ra=1);"
               " IPv6 forwarding would make the kernel ignore them. Set net.ipv6.conf.$dev.accept_ra=2 and start again\"\n"
               "      fi\n"
               "    done")
        .arg(patterns.join(QLatin1Char('|')));
}

}  // namespace netloom::exporter::detail
