#include "nftscript.h"

namespace netloom::helper {

namespace {
QString match(const QString &uplink)
{
    QString m = uplink;
    if (m.endsWith(u'+'))
        m = m.chopped(1) + u'*';
    return u'"' + m + u'"';
}

// The rules of one port forward (see the design note in nftscript.h), appended per chain.
void forwardRules(const protocol::NatSpec &r, const protocol::ForwardSpec &f, QString *pre, QString *out,
                  QString *post, QString *fwd)
{
    // Only the ip (IPv4) family exists so far; an IPv6 forward will go to the ip6 table.
    const QString proto = protocol::forwardProtocolName(f.protocol);
    const QString own = u'"' + r.ifname + u'"';
    const QString to = QStringLiteral("%1:%2").arg(f.guestAddress).arg(f.guestPort);
    const QString dst = f.hostAddress.isEmpty() ? QString() : QStringLiteral("ip daddr %1 ").arg(f.hostAddress);
    *pre += QStringLiteral("    %1fib daddr type local %2 dport %3 dnat to %4\n").arg(dst, proto).arg(f.hostPort).arg(to);
    *out += QStringLiteral("    %1fib daddr type local %2 dport %3 dnat to %4\n")
                .arg(f.hostAddress.isEmpty() ? QStringLiteral("ip daddr != 127.0.0.0/8 ") : dst, proto)
                .arg(f.hostPort)
                .arg(to);
    const QString toGuest = QStringLiteral("oifname %1 ip daddr %2 %3 dport %4 ct status dnat")
                                .arg(own, f.guestAddress, proto)
                                .arg(f.guestPort);
    *post += QStringLiteral("    %1 ip saddr %2 masquerade\n").arg(toGuest, r.subnet);
    *post += QStringLiteral("    %1 fib saddr type local masquerade\n").arg(toGuest);
    *fwd += QStringLiteral("    %1 accept\n").arg(toGuest);
}
}  // namespace

QString buildNftScript(const QList<protocol::NatSpec> &rules)
{
    QString s = QStringLiteral("table ip netloom\ndelete table ip netloom\n");
    if (rules.isEmpty())
        return s;
    QString pre, out, post, fwd;
    for (const auto &r : rules) {
        QStringList names;
        for (const QString &u : r.uplinks)
            names << match(u);
        const QString set = names.size() == 1 ? names.first() : u'{' + names.join(QStringLiteral(", ")) + u'}';
        const QString own = u'"' + r.ifname + u'"';
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
    s += QStringLiteral("table ip netloom {\n");
    if (!pre.isEmpty()) {
        s += QStringLiteral("  chain prerouting {\n    type nat hook prerouting priority dstnat; policy accept;\n");
        s += pre;
        s += QStringLiteral("  }\n");
        s += QStringLiteral("  chain output {\n    type nat hook output priority -100; policy accept;\n");
        s += out;
        s += QStringLiteral("  }\n");
    }
    s += QStringLiteral("  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n");
    s += post;
    s += QStringLiteral("  }\n");
    s += QStringLiteral("  chain forward {\n    type filter hook forward priority filter; policy accept;\n");
    s += fwd;
    s += QStringLiteral("  }\n}\n");
    return s;
}

}  // namespace netloom::helper
