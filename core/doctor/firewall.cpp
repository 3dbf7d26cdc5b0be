// SPDX-License-Identifier: GPL-3.0-or-later
#include "firewall.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

namespace netloom::doctor {

using protocol::FilterAcceptSpec;

namespace {

const QStringList kIptablesTables{QStringLiteral("filter"), QStringLiteral("nat"), QStringLiteral("mangle"),
                                  QStringLiteral("raw"), QStringLiteral("security")};
const QStringList kIptablesBaseChains{QStringLiteral("INPUT"), QStringLiteral("FORWARD"), QStringLiteral("OUTPUT"),
                                      QStringLiteral("PREROUTING"), QStringLiteral("POSTROUTING")};

QString compact(const QJsonValue &v)
{
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    if (v.isArray())
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    return v.toVariant().toString();
}

// One right-hand value as a list of strings ("eth0", "10.0.0.0/8", "established");
// false when a value cannot be represented (ranges, concatenations, references).
bool values(const QJsonValue &right, QStringList *out)
{
    if (right.isString()) {
        *out << right.toString();
        return true;
    }
    if (right.isDouble()) {
        *out << QString::number(right.toInteger());
        return true;
    }
    if (right.isArray()) {
        for (const QJsonValue &v : right.toArray())
            if (!values(v, out))
                return false;
        return true;
    }
    const QJsonObject o = right.toObject();
    if (o.contains(QLatin1String("set")))
        return values(o.value(QLatin1String("set")), out);
    if (o.contains(QLatin1String("prefix"))) {
        const QJsonObject p = o.value(QLatin1String("prefix")).toObject();
        *out << QStringLiteral("%1/%2").arg(p.value(QLatin1String("addr")).toString()).arg(p.value(QLatin1String("len")).toInt());
        return true;
    }
    return false;
}

QString renderValues(const QStringList &v, bool quote)
{
    QStringList q;
    for (const QString &s : v)
        q << (quote ? u'"' + s + u'"' : s);
    return q.size() == 1 ? q.first() : u'{' + q.join(QStringLiteral(", ")) + u'}';
}

// A `match` expression -> FwMatch and its rendering.
FwMatch parseMatch(const QJsonObject &m, QString *text)
{
    FwMatch out;
    const QString op = m.value(QLatin1String("op")).toString();
    const QJsonObject left = m.value(QLatin1String("left")).toObject();
    const QJsonValue right = m.value(QLatin1String("right"));
    out.negate = op == QLatin1String("!=");
    const bool known = op == QLatin1String("==") || op == QLatin1String("!=") || op == QLatin1String("in");
    QStringList vals;
    const bool haveValues = values(right, &vals);
    const QString opText = out.negate ? QStringLiteral(" != ") : QStringLiteral(" ");
    const auto unknown = [&] {
        out = FwMatch{};
        *text = compact(QJsonObject{{QStringLiteral("match"), m}});
        return out;
    };
    if (!known || !haveValues)
        return unknown();
    if (left.contains(QLatin1String("meta"))) {
        const QString key = left.value(QLatin1String("meta")).toObject().value(QLatin1String("key")).toString();
        if (key == QLatin1String("iifname") || key == QLatin1String("iif") || key == QLatin1String("oifname")
            || key == QLatin1String("oif")) {
            out.kind = key.startsWith(u'i') ? FwMatch::Kind::Iifname : FwMatch::Kind::Oifname;
            out.names = vals;
            *text = key + opText + renderValues(vals, true);
            return out;
        }
        if (key == QLatin1String("nfproto")) {
            const bool v4 = vals.contains(QLatin1String("ipv4"));
            const bool onlyV4 = vals.size() == 1 && v4;
            // ipv4 traffic: "== ipv4" always true (no match needed), "== ipv6" never.
            if ((onlyV4 && !out.negate) || (!v4 && out.negate)) {
                out.kind = FwMatch::Kind::CtState;  // placeholder that is always true:
                out.names = {QStringLiteral("new"), QStringLiteral("established"), QStringLiteral("related")};
            } else if ((!v4 && !out.negate) || (onlyV4 && out.negate)) {
                out.kind = FwMatch::Kind::Never;
            } else {
                return unknown();
            }
            *text = QStringLiteral("meta nfproto") + opText + renderValues(vals, false);
            return out;
        }
        return unknown();
    }
    if (left.contains(QLatin1String("payload"))) {
        const QJsonObject p = left.value(QLatin1String("payload")).toObject();
        const QString proto = p.value(QLatin1String("protocol")).toString();
        const QString field = p.value(QLatin1String("field")).toString();
        if (proto == QLatin1String("ip6") || proto == QLatin1String("icmpv6")) {
            out.kind = FwMatch::Kind::Never;
            *text = proto + u' ' + field + opText + renderValues(vals, false);
            return out;
        }
        if (proto == QLatin1String("ip") && (field == QLatin1String("saddr") || field == QLatin1String("daddr"))) {
            out.kind = field == QLatin1String("saddr") ? FwMatch::Kind::Saddr : FwMatch::Kind::Daddr;
            out.nets = vals;
            *text = QStringLiteral("ip ") + field + opText + renderValues(vals, false);
            return out;
        }
        return unknown();
    }
    if (left.contains(QLatin1String("ct"))) {
        const QString key = left.value(QLatin1String("ct")).toObject().value(QLatin1String("key")).toString();
        if (key == QLatin1String("state")) {
            out.kind = FwMatch::Kind::CtState;
            out.names = vals;
            *text = QStringLiteral("ct state") + opText + vals.join(u',');
            return out;
        }
        // Forwarded traffic of a NAT network is never DNAT'ed by Netloom.
        if (key == QLatin1String("status") && vals == QStringList{QStringLiteral("dnat")} && !out.negate) {
            out.kind = FwMatch::Kind::Never;
            *text = QStringLiteral("ct status dnat");
            return out;
        }
        return unknown();
    }
    return unknown();
}

// Statements that neither match nor decide (they never stop a packet).
bool isNeutral(const QString &key)
{
    static const QStringList neutral{QStringLiteral("counter"), QStringLiteral("log"), QStringLiteral("notrack"),
                                     QStringLiteral("mangle"), QStringLiteral("flow"), QStringLiteral("set"),
                                     QStringLiteral("meter"), QStringLiteral("continue")};
    return neutral.contains(key);
}

Result<FwRule> parseRule(const QJsonObject &r)
{
    FwRule rule;
    QStringList parts;
    rule.comment = r.value(QLatin1String("comment")).toString();
    for (const QJsonValue &ev : r.value(QLatin1String("expr")).toArray()) {
        const QJsonObject e = ev.toObject();
        if (e.size() != 1)
            return Error::failed(ErrorCode::Parse, QStringLiteral("read"), QStringLiteral("nft rule"),
                                 QStringLiteral("an expression must have exactly one key"));
        const QString key = e.begin().key();
        const QJsonValue v = e.begin().value();
        FwVerdict verdict;
        if (key == QLatin1String("match")) {
            QString text;
            rule.matches.append(parseMatch(v.toObject(), &text));
            parts << text;
            continue;
        }
        if (isNeutral(key)) {
            if (key != QLatin1String("counter"))
                parts << key;
            continue;
        }
        if (key == QLatin1String("accept")) {
            verdict.kind = FwVerdict::Kind::Accept;
        } else if (key == QLatin1String("drop")) {
            verdict.kind = FwVerdict::Kind::Drop;
        } else if (key == QLatin1String("reject")) {
            verdict.kind = FwVerdict::Kind::Reject;
        } else if (key == QLatin1String("return")) {
            verdict.kind = FwVerdict::Kind::Return;
        } else if (key == QLatin1String("jump") || key == QLatin1String("goto")) {
            verdict.kind = key == QLatin1String("jump") ? FwVerdict::Kind::Jump : FwVerdict::Kind::Goto;
            verdict.target = v.toObject().value(QLatin1String("target")).toString();
            parts << key + u' ' + verdict.target;
        } else if (key == QLatin1String("xt")) {
            const QJsonObject xt = v.toObject();
            const QString name = xt.value(QLatin1String("name")).toString();
            if (xt.value(QLatin1String("type")).toString() == QLatin1String("target")) {
                verdict.kind = name == QLatin1String("ACCEPT") ? FwVerdict::Kind::Accept
                    : name == QLatin1String("DROP")            ? FwVerdict::Kind::Drop
                    : name == QLatin1String("REJECT")          ? FwVerdict::Kind::Reject
                                                               : FwVerdict::Kind::Unknown;
            } else if (name != QLatin1String("comment")) {
                rule.matches.append(FwMatch{});  // an xt match the JSON does not show: Unknown
            }
            parts << QStringLiteral("xt %1 \"%2\"").arg(xt.value(QLatin1String("type")).toString(), name);
            continue;
        } else {
            // Anything else is treated as a condition the doctor cannot evaluate.
            rule.matches.append(FwMatch{});
            parts << compact(e);
            continue;
        }
        if (verdict.kind != FwVerdict::Kind::Jump && verdict.kind != FwVerdict::Kind::Goto)
            parts << key;
        if (rule.verdict.kind == FwVerdict::Kind::None)
            rule.verdict = verdict;
    }
    if (!rule.comment.isEmpty())
        parts << QStringLiteral("comment \"%1\"").arg(rule.comment);
    rule.text = parts.join(u' ');
    return rule;
}

bool looksLikeIptables(const QString &family, const QString &table, const QList<FwChain> &chains)
{
    if (family != QLatin1String("ip") || !kIptablesTables.contains(table))
        return false;
    for (const FwChain &c : chains)
        if (c.base && kIptablesBaseChains.contains(c.name))
            return true;
    return false;
}

// Splits one iptables-save line into words ("..." quoted words kept whole).
QStringList words(const QString &line)
{
    QStringList out;
    QString cur;
    bool quoted = false, have = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (c == u'"') {
            quoted = !quoted;
            have = true;
        } else if (c == u'\\' && quoted && i + 1 < line.size()) {
            cur += line[++i];
        } else if (c.isSpace() && !quoted) {
            if (have || !cur.isEmpty())
                out << cur;
            cur.clear();
            have = false;
        } else {
            cur += c;
        }
    }
    if (have || !cur.isEmpty())
        out << cur;
    return out;
}

QString normalizedNet(const QString &s)
{
    return s.contains(u'/') ? s : s + QStringLiteral("/32");
}

FwRule parseIptablesRule(const QStringList &w, qsizetype from)
{
    FwRule rule;
    bool negate = false;
    for (qsizetype i = from; i < w.size(); ++i) {
        const QString &a = w[i];
        const QString next = i + 1 < w.size() ? w[i + 1] : QString();
        if (a == QLatin1String("!")) {
            negate = true;
            continue;
        }
        FwMatch m;
        m.negate = negate;
        negate = false;
        if (a == QLatin1String("-i") || a == QLatin1String("-o")) {
            m.kind = a == QLatin1String("-i") ? FwMatch::Kind::Iifname : FwMatch::Kind::Oifname;
            m.names = {next};
            ++i;
        } else if (a == QLatin1String("-s") || a == QLatin1String("-d")) {
            m.kind = a == QLatin1String("-s") ? FwMatch::Kind::Saddr : FwMatch::Kind::Daddr;
            for (const QString &n : next.split(u','))
                m.nets << normalizedNet(n);
            ++i;
        } else if ((a == QLatin1String("--ctstate") || a == QLatin1String("--state"))) {
            m.kind = FwMatch::Kind::CtState;
            for (const QString &s : next.split(u','))
                m.names << s.toLower();
            ++i;
        } else if (a == QLatin1String("-m")) {
            ++i;  // the module's own options follow and are handled (or not) one by one
            continue;
        } else if (a == QLatin1String("--comment")) {
            rule.comment = next;
            ++i;
            continue;
        } else if (a == QLatin1String("-j") || a == QLatin1String("-g")) {
            const QString t = next;
            ++i;
            // Other targets (a user chain, or an extension such as LOG or MARK) are jumps:
            // the evaluator treats a jump to a chain that does not exist as unknown.
            rule.verdict.kind = t == QLatin1String("ACCEPT") ? FwVerdict::Kind::Accept
                : t == QLatin1String("DROP")                ? FwVerdict::Kind::Drop
                : t == QLatin1String("REJECT")              ? FwVerdict::Kind::Reject
                : t == QLatin1String("RETURN")              ? FwVerdict::Kind::Return
                : (t == QLatin1String("LOG") || t == QLatin1String("NFLOG")) ? FwVerdict::Kind::None
                : a == QLatin1String("-j")                  ? FwVerdict::Kind::Jump
                                                            : FwVerdict::Kind::Goto;
            if (rule.verdict.kind == FwVerdict::Kind::Jump || rule.verdict.kind == FwVerdict::Kind::Goto)
                rule.verdict.target = t;
            // Skip the target's options.
            while (i + 1 < w.size() && w[i + 1].startsWith(QLatin1String("--")))
                i += 2;
            continue;
        } else {
            // Any other option (-p, --dport, other modules' options) is not evaluated.
            m.kind = FwMatch::Kind::Unknown;
            if (i + 1 < w.size() && !w[i + 1].startsWith(u'-'))
                ++i;
        }
        rule.matches.append(m);
    }
    return rule;
}

}  // namespace

bool interfacePatternMatches(const QString &pattern, const QString &name)
{
    if (pattern.endsWith(u'*') || pattern.endsWith(u'+'))
        return name.startsWith(pattern.chopped(1));
    return name == pattern;
}

const FwChain *FwTable::chain(const QString &n) const
{
    for (const FwChain &c : chains)
        if (c.name == n)
            return &c;
    return nullptr;
}

QString FwTable::describe() const
{
    if (backend == FilterAcceptSpec::Backend::Nft)
        return family + u' ' + name;
    return protocol::filterBackendName(backend) + u' ' + name;
}

bool FwTable::isNetloom() const
{
    return backend == FilterAcceptSpec::Backend::Nft && family == QLatin1String("ip") && name == QLatin1String("netloom");
}

Result<Ruleset> parseNftJson(const QByteArray &json)
{
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    const auto bad = [](const QString &why) {
        return Error::failed(ErrorCode::Parse, QStringLiteral("read"), QStringLiteral("nft -j list ruleset"), why);
    };
    if (pe.error != QJsonParseError::NoError)
        return bad(QStringLiteral("invalid JSON at offset %1: %2").arg(pe.offset).arg(pe.errorString()));
    const QJsonValue list = doc.object().value(QLatin1String("nftables"));
    if (!list.isArray())
        return bad(QStringLiteral("no 'nftables' list"));
    Ruleset rs;
    int rules = 0, chains = 0;
    const auto table = [&rs](const QString &family, const QString &name) -> FwTable * {
        for (FwTable &t : rs.tables)
            if (t.family == family && t.name == name)
                return &t;
        return nullptr;
    };
    for (const QJsonValue &item : list.toArray()) {
        const QJsonObject o = item.toObject();
        if (o.contains(QLatin1String("table"))) {
            const QJsonObject t = o.value(QLatin1String("table")).toObject();
            rs.tables.append(FwTable{FilterAcceptSpec::Backend::Nft, t.value(QLatin1String("family")).toString(),
                                     t.value(QLatin1String("name")).toString(), {}});
        } else if (o.contains(QLatin1String("chain"))) {
            if (++chains > kMaxFwChains)
                return Error::failed(ErrorCode::LimitExceeded, QStringLiteral("read"), QStringLiteral("nft -j list ruleset"),
                                     QStringLiteral("more than %1 chains").arg(kMaxFwChains));
            const QJsonObject c = o.value(QLatin1String("chain")).toObject();
            FwTable *t = table(c.value(QLatin1String("family")).toString(), c.value(QLatin1String("table")).toString());
            if (!t)
                return bad(QStringLiteral("chain '%1' of an unknown table").arg(c.value(QLatin1String("name")).toString().left(64)));
            FwChain chain;
            chain.name = c.value(QLatin1String("name")).toString();
            chain.hook = c.value(QLatin1String("hook")).toString();
            chain.base = !chain.hook.isEmpty();
            chain.policy = c.value(QLatin1String("policy")).toString(chain.base ? QStringLiteral("accept") : QString());
            chain.priority = c.value(QLatin1String("prio")).toInt();
            t->chains.append(chain);
        } else if (o.contains(QLatin1String("rule"))) {
            if (++rules > kMaxFwRules)
                return Error::failed(ErrorCode::LimitExceeded, QStringLiteral("read"), QStringLiteral("nft -j list ruleset"),
                                     QStringLiteral("more than %1 rules").arg(kMaxFwRules));
            const QJsonObject r = o.value(QLatin1String("rule")).toObject();
            FwTable *t = table(r.value(QLatin1String("family")).toString(), r.value(QLatin1String("table")).toString());
            FwChain *chain = nullptr;
            if (t)
                for (FwChain &c : t->chains)
                    if (c.name == r.value(QLatin1String("chain")).toString())
                        chain = &c;
            if (!chain)
                return bad(QStringLiteral("a rule of an unknown chain"));
            auto rule = parseRule(r);
            if (!rule)
                return rule.error();
            chain->rules.append(*rule);
            for (const QJsonValue &e : r.value(QLatin1String("expr")).toArray())
                if (e.toObject().contains(QLatin1String("xt")) && t->family == QLatin1String("ip"))
                    t->backend = FilterAcceptSpec::Backend::IptablesNft;
        }
    }
    for (FwTable &t : rs.tables)
        if (looksLikeIptables(t.family, t.name, t.chains))
            t.backend = FilterAcceptSpec::Backend::IptablesNft;
    return rs;
}

Result<Ruleset> parseIptablesSave(const QString &text, FilterAcceptSpec::Backend backend)
{
    Ruleset rs;
    FwTable *current = nullptr;
    int rules = 0;
    const QStringList lines = text.split(u'\n');
    for (const QString &raw : lines) {
        const QString line = raw.trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        if (line.startsWith(u'*')) {
            current = nullptr;
            if (line.mid(1) == QLatin1String("filter")) {
                rs.tables.append(FwTable{backend, QStringLiteral("ip"), QStringLiteral("filter"), {}});
                current = &rs.tables.last();
            }
            continue;
        }
        if (!current || line == QLatin1String("COMMIT"))
            continue;
        const QStringList w = words(line);
        if (line.startsWith(u':') && !w.isEmpty()) {
            if (current->chains.size() >= kMaxFwChains)
                return Error::failed(ErrorCode::LimitExceeded, QStringLiteral("read"), QStringLiteral("iptables-legacy-save"),
                                     QStringLiteral("more than %1 chains").arg(kMaxFwChains));
            FwChain c;
            c.name = w[0].mid(1);
            const QString policy = w.value(1);
            c.base = policy != QLatin1String("-");
            if (c.base) {
                c.policy = policy.toLower();
                c.hook = c.name.toLower();
            }
            current->chains.append(c);
            continue;
        }
        if (w.size() >= 2 && w[0] == QLatin1String("-A")) {
            if (++rules > kMaxFwRules)
                return Error::failed(ErrorCode::LimitExceeded, QStringLiteral("read"), QStringLiteral("iptables-legacy-save"),
                                     QStringLiteral("more than %1 rules").arg(kMaxFwRules));
            FwChain *chain = nullptr;
            for (FwChain &c : current->chains)
                if (c.name == w[1])
                    chain = &c;
            if (!chain)
                return Error::failed(ErrorCode::Parse, QStringLiteral("read"), QStringLiteral("iptables-legacy-save"),
                                     QStringLiteral("a rule of the undeclared chain '%1'").arg(w[1].left(64)));
            FwRule rule = parseIptablesRule(w, 2);
            rule.text = line;
            chain->rules.append(rule);
        }
    }
    return rs;
}

}  // namespace netloom::doctor
