// SPDX-License-Identifier: GPL-3.0-or-later
#include "shellforwards.h"

#include <algorithm>

namespace netloom::exporter {

protocol::ForwardRules exportForwardRules(const plan::Plan &plan, protocol::ForwardSpec::Family family)
{
    const bool v6 = family == protocol::ForwardSpec::Family::Ipv6;
    protocol::ForwardRules fw;
    if (!v6)
        for (const QString &ifname : exportLoopbackGateways(plan)) {
            protocol::NatSpec n;
            n.ifname = ifname;
            fw.prerouting << protocol::loopbackGuardRule(n);
        }
    for (const protocol::NatSpec &n : v6 ? plan.host.nat6 : plan.host.nat)
        for (const protocol::ForwardSpec &f : n.forwards) {
            const protocol::ForwardRules r = protocol::forwardNftRules(n, f);
            fw.prerouting += r.prerouting;
            fw.output += r.output;
            fw.postrouting += r.postrouting;
            fw.forward += r.forward;
        }
    for (const plan::PlannedForward &pf : plan.forwards) {
        if (!pf.reservedAddress.isEmpty() || pf.spec.family != family)
            continue;
        protocol::NatSpec n;
        n.ifname = pf.natIfname;
        n.subnet = pf.subnet;
        protocol::ForwardSpec f = pf.spec;
        f.guestAddress = QStringLiteral("GUEST_ADDRESS");
        const protocol::ForwardRules r = protocol::forwardNftRules(n, f);
        const QString why = v6
            ? QStringLiteral("# %1: guest '%2' picks its IPv6 address when it boots (SLAAC or DHCPv6), after this script "
                             "was written; replace GUEST_ADDRESS with it (`ip -6 neigh show dev %3` once the guest has "
                             "booted, or the guest's `ip -6 addr`) and remove the '# ' of these rules")
                  .arg(pf.what, pf.guest, pf.natIfname)
            : QStringLiteral("# %1: guest '%2' has no DHCP reservation, so its address is its lease, "
                             "unknown when this script was written; replace GUEST_ADDRESS with it (see "
                             "dnsmasq-%3.leases in the state directory once the guest has booted) and "
                             "remove the '# ' of these rules, or give the guest a reservation and export again")
                  .arg(pf.what, pf.guest, pf.natIfname);
        const QString again = QStringLiteral("# %1: fill in GUEST_ADDRESS (see the prerouting chain)").arg(pf.what);
        const auto commented = [](const QString &head, const QStringList &rules) {
            QStringList out{head};
            for (const QString &l : rules)
                out << QStringLiteral("# ") + l;
            return out;
        };
        fw.prerouting += commented(why, r.prerouting);
        fw.output += commented(again, r.output);
        fw.postrouting += commented(again, r.postrouting);
        fw.forward += commented(again, r.forward);
    }
    return fw;
}

QStringList indentRules(const QStringList &rules)
{
    QStringList out;
    for (const QString &l : rules)
        out << QStringLiteral("    ") + l;
    return out;
}

QString nftUplinkSet(const QStringList &uplinks)
{
    QStringList quoted;
    for (QString u : uplinks) {
        if (u.endsWith(QLatin1Char('+')))
            u = u.left(u.size() - 1) + QLatin1Char('*');
        quoted << QStringLiteral("\"%1\"").arg(u);
    }
    return quoted.size() == 1 ? quoted.first() : QStringLiteral("{ %1 }").arg(quoted.join(QStringLiteral(", ")));
}

QStringList forwardChainLines(const protocol::ForwardRules &fw)
{
    return QStringList{QStringLiteral("  chain prerouting {"), QStringLiteral("    ") + protocol::forwardPreroutingHook()}
        + indentRules(fw.prerouting)
        + QStringList{QStringLiteral("  }"), QStringLiteral("  chain output {"), QStringLiteral("    ") + protocol::forwardOutputHook()}
        + indentRules(fw.output) + QStringList{QStringLiteral("  }")};
}

bool exportHasForwards(const plan::Plan &plan, protocol::ForwardSpec::Family family)
{
    return std::any_of(plan.forwards.cbegin(), plan.forwards.cend(),
                       [family](const plan::PlannedForward &pf) { return pf.spec.family == family; });
}

QStringList exportLoopbackGateways(const plan::Plan &plan)
{
    QStringList out;
    for (const plan::PlannedForward &pf : plan.forwards)
        if (protocol::forwardTakesLoopback(pf.spec) && !out.contains(pf.natIfname))
            out << pf.natIfname;
    return out;
}

}  // namespace netloom::exporter
