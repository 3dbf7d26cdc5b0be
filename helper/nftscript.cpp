// SPDX-License-Identifier: GPL-3.0-or-later
#include "nftscript.h"

#include "protocol/forwardrules.h"

#include <utility>

namespace netloom::helper {

namespace {
QString match(const QString &uplink)
{
    QString m = uplink;
    if (m.endsWith(u'+'))
        m = m.chopped(1) + u'*';
    return u'"' + m + u'"';
}

// The uplinks as one nft match value: "eth0" or {"eth*", "wl*"}.
QString uplinkSet(const QStringList &uplinks)
{
    QStringList names;
    for (const QString &u : uplinks)
        names << match(u);
    return names.size() == 1 ? names.first() : u'{' + names.join(QStringLiteral(", ")) + u'}';
}

// The prerouting and output nat chains of a table with port forwards (both texts empty: none).
QString forwardChains(const QString &pre, const QString &out)
{
    if (pre.isEmpty() && out.isEmpty())
        return QString();
    return QStringLiteral("  chain prerouting {\n    %1\n").arg(protocol::forwardPreroutingHook()) + pre
        + QStringLiteral("  }\n  chain output {\n    %1\n").arg(protocol::forwardOutputHook()) + out + QStringLiteral("  }\n");
}

// Appends the rules of one port forward (protocol/forwardrules.h) to the chains' texts.
void forwardRules(const protocol::NatSpec &r, const protocol::ForwardSpec &f, QString *pre, QString *out,
                  QString *post, QString *fwd)
{
    const protocol::ForwardRules rules = protocol::forwardNftRules(r, f);
    for (const auto &[lines, text] : {std::pair{&rules.prerouting, pre}, std::pair{&rules.output, out},
                                      std::pair{&rules.postrouting, post}, std::pair{&rules.forward, fwd}})
        for (const QString &l : *lines)
            *text += QStringLiteral("    ") + l + u'\n';
}
}  // namespace

QString buildNftScript(const QList<protocol::NatSpec> &rules)
{
    QString s = QStringLiteral("table ip netloom\ndelete table ip netloom\n");
    if (rules.isEmpty())
        return s;
    QString pre, out, post, fwd;
    for (const auto &r : rules) {
        const QString set = uplinkSet(r.uplinks);
        const QString own = u'"' + r.ifname + u'"';
        if (protocol::natTakesLoopback(r))
            pre += QStringLiteral("    ") + protocol::loopbackGuardRule(r) + u'\n';
        for (const auto &f : r.forwards)
            forwardRules(r, f, &pre, &out, &post, &fwd);
        if (r.mode == protocol::NatSpec::Mode::Masquerade) {
            post += QStringLiteral("    ip saddr %1 ip daddr != %1 oifname %2 masquerade\n").arg(r.subnet, set);
            fwd += QStringLiteral("    iifname %1 ip saddr %2 oifname %3 accept\n").arg(own, r.subnet, set);
            fwd += QStringLiteral("    iifname %1 oifname %2 ip daddr %3 ct state established,related accept\n")
                       .arg(set, own, r.subnet);
        } else {
            fwd += QStringLiteral("    iifname %1 ip saddr %2 oifname %3 accept\n").arg(own, r.subnet, set);
            fwd += QStringLiteral("    iifname %1 oifname %2 ip daddr %3 accept\n").arg(set, own, r.subnet);
        }
    }
    s += QStringLiteral("table ip netloom {\n") + forwardChains(pre, out);
    s += QStringLiteral("  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n");
    s += post;
    s += QStringLiteral("  }\n");
    s += QStringLiteral("  chain forward {\n    type filter hook forward priority filter; policy accept;\n");
    s += fwd;
    s += QStringLiteral("  }\n}\n");
    return s;
}

QString buildNft6Script(const QList<protocol::NatSpec> &rules)
{
    QString s = QStringLiteral("table ip6 netloom\ndelete table ip6 netloom\n");
    if (rules.isEmpty())
        return s;
    QString pre, out, post, fwd;
    for (const auto &r : rules) {
        const QString set = uplinkSet(r.uplinks);
        const QString own = u'"' + r.ifname + u'"';
        for (const auto &f : r.forwards)
            forwardRules(r, f, &pre, &out, &post, &fwd);
        fwd += QStringLiteral("    iifname %1 ip6 saddr %2 oifname %3 accept\n").arg(own, r.subnet, set);
        if (r.mode == protocol::NatSpec::Mode::Masquerade) {
            post += QStringLiteral("    ip6 saddr %1 ip6 daddr != %1 oifname %2 masquerade\n").arg(r.subnet, set);
            fwd += QStringLiteral("    iifname %1 oifname %2 ip6 daddr %3 ct state established,related accept\n")
                       .arg(set, own, r.subnet);
        } else {
            fwd += QStringLiteral("    iifname %1 oifname %2 ip6 daddr %3 accept\n").arg(set, own, r.subnet);
        }
    }
    s += QStringLiteral("table ip6 netloom {\n") + forwardChains(pre, out);
    if (!post.isEmpty())
        s += QStringLiteral("  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n")
            + post + QStringLiteral("  }\n");
    s += QStringLiteral("  chain forward {\n    type filter hook forward priority filter; policy accept;\n");
    s += fwd;
    s += QStringLiteral("  }\n}\n");
    return s;
}

}  // namespace netloom::helper
