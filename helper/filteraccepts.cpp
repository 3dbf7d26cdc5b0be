// SPDX-License-Identifier: GPL-3.0-or-later
// LinuxHostOps: the NAT doctor's repairs — accept rules for one of our interfaces at the top
// of another firewall's chain (hostops.h, protocol::FilterAcceptSpec). Names were validated
// to [A-Za-z0-9_.-] (tables, chains) and "loom…" (interfaces), and every value is its own
// argv word, so nothing here can inject a statement.
#include "linuxhostops.h"
#include "toolrun.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace netloom::helper {

using protocol::FilterAcceptSpec;

namespace {

QString comment(const QString &network) { return QStringLiteral("netloom:") + network; }
QString quoted(const QString &s) { return u'"' + s + u'"'; }
QString what(const FilterAcceptSpec &f)
{
    return QStringLiteral("%1 %2 %3 (%4)").arg(f.family, f.table, f.chain, f.ifname);
}

Status check(const Result<ToolOutput> &r, const QString &verb, const FilterAcceptSpec &f)
{
    if (!r)
        return r.error();
    if (r->exitCode != 0)
        return Error::failed(ErrorCode::System, verb, what(f), QString::fromUtf8(r->err).trimmed().left(500));
    return ok();
}

QString iptables(const FilterAcceptSpec &f)
{
    return f.backend == FilterAcceptSpec::Backend::IptablesLegacy ? QStringLiteral("iptables-legacy")
                                                                   : QStringLiteral("iptables-nft");
}

// The two rule specs (after "-I chain 1" / "-D chain" / "-C chain").
QList<QStringList> iptablesRules(const QString &network, const FilterAcceptSpec &f)
{
    const QStringList tail{QStringLiteral("-m"), QStringLiteral("comment"), QStringLiteral("--comment"), comment(network),
                           QStringLiteral("-j"), QStringLiteral("ACCEPT")};
    QStringList out{QStringLiteral("-o"), f.ifname};
    if (f.established)
        out << QStringLiteral("-m") << QStringLiteral("conntrack") << QStringLiteral("--ctstate")
            << QStringLiteral("RELATED,ESTABLISHED");
    return {QStringList{QStringLiteral("-i"), f.ifname} + tail, out + tail};
}

QStringList iptablesBase(const FilterAcceptSpec &f)
{
    return {QStringLiteral("-w"), QStringLiteral("5"), QStringLiteral("-t"), f.table};
}

// True when an nft JSON rule carries our comment and matches our interface by name.
bool isOurNftRule(const QJsonObject &rule, const QString &network, const QString &ifname)
{
    if (rule.value(QLatin1String("comment")).toString() != comment(network))
        return false;
    for (const QJsonValue &e : rule.value(QLatin1String("expr")).toArray()) {
        const QJsonObject m = e.toObject().value(QLatin1String("match")).toObject();
        const QString key = m.value(QLatin1String("left")).toObject().value(QLatin1String("meta")).toObject()
                                .value(QLatin1String("key")).toString();
        if ((key == QLatin1String("iifname") || key == QLatin1String("oifname"))
            && m.value(QLatin1String("right")).toString() == ifname)
            return true;
    }
    return false;
}

}  // namespace

Status LinuxHostOps::insertAccepts(const QString &network, const FilterAcceptSpec &f)
{
    const QString verb = QStringLiteral("insert accept rules into");
    if (f.backend == FilterAcceptSpec::Backend::Nft) {
        // Both rules in one transaction ("insert" puts each at the top: the return rule first
        // so the final order is in, out).
        // nft 1.0 takes table and chain names unquoted only ([A-Za-z0-9_.-], validated).
        const QStringList head{QStringLiteral("insert"), QStringLiteral("rule"), f.family, f.table, f.chain};
        QStringList out = head + QStringList{QStringLiteral("oifname"), quoted(f.ifname)};
        if (f.established)
            out << QStringLiteral("ct") << QStringLiteral("state") << QStringLiteral("established,related");
        out << QStringLiteral("accept") << QStringLiteral("comment") << quoted(comment(network)) << QStringLiteral(";");
        const QStringList in = head + QStringList{QStringLiteral("iifname"), quoted(f.ifname), QStringLiteral("accept"),
                                                  QStringLiteral("comment"), quoted(comment(network))};
        return check(runTool(QStringLiteral("nft"), out + in, kNftTimeoutMs), verb, f);
    }
    const QList<QStringList> rules = iptablesRules(network, f);
    const QStringList insert = iptablesBase(f) + QStringList{QStringLiteral("-I"), f.chain, QStringLiteral("1")};
    if (auto s = check(runTool(iptables(f), insert + rules[1], kNftTimeoutMs), verb, f); !s)
        return s;
    if (auto s = check(runTool(iptables(f), insert + rules[0], kNftTimeoutMs), verb, f); !s) {
        (void)removeAccepts(network, f);  // never half-done
        return s;
    }
    return ok();
}

Status LinuxHostOps::removeAccepts(const QString &network, const FilterAcceptSpec &f)
{
    const QString verb = QStringLiteral("remove accept rules from");
    if (f.backend == FilterAcceptSpec::Backend::Nft) {
        auto listed = runTool(QStringLiteral("nft"), {QStringLiteral("-j"), QStringLiteral("-a"), QStringLiteral("list"),
                                                      QStringLiteral("chain"), f.family, f.table, f.chain},
                              kNftTimeoutMs, 4 << 20);
        if (!listed)
            return listed.error();
        if (listed->exitCode != 0)
            return ok();  // the chain (or table) is gone, and our rules with it
        const QJsonArray items = QJsonDocument::fromJson(listed->out).object().value(QLatin1String("nftables")).toArray();
        for (const QJsonValue &item : items) {
            const QJsonObject rule = item.toObject().value(QLatin1String("rule")).toObject();
            if (rule.isEmpty() || !isOurNftRule(rule, network, f.ifname))
                continue;
            const QString handle = QString::number(rule.value(QLatin1String("handle")).toInteger());
            if (auto s = check(runTool(QStringLiteral("nft"), {QStringLiteral("delete"), QStringLiteral("rule"), f.family,
                                                                f.table, f.chain, QStringLiteral("handle"), handle},
                                       kNftTimeoutMs),
                               verb, f);
                !s)
                return s;
        }
        return ok();
    }
    // -C says whether the exact rule is there; delete it while it is (bounded: a rule we
    // inserted twice by a crash between journal and insert goes as well).
    for (const QStringList &rule : iptablesRules(network, f)) {
        for (int i = 0; i < 8; ++i) {
            auto present = runTool(iptables(f), iptablesBase(f) + QStringList{QStringLiteral("-C"), f.chain} + rule, kNftTimeoutMs);
            if (!present)
                return present.error();
            if (present->exitCode != 0)
                break;
            if (auto s = check(runTool(iptables(f), iptablesBase(f) + QStringList{QStringLiteral("-D"), f.chain} + rule, kNftTimeoutMs),
                               verb, f);
                !s)
                return s;
        }
    }
    return ok();
}

}  // namespace netloom::helper
