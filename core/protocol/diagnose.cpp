// SPDX-License-Identifier: GPL-3.0-or-later
#include "diagnose.h"

#include "names.h"
#include "netaddr.h"

#include <QJsonArray>
#include <QSet>

#include <cmath>
#include <initializer_list>

namespace netloom::protocol {

namespace {

using L = DiagnoseLimits;

// A strict reader of one JSON object: the first error wins and is kept; every accessor
// checks the type and the bound and returns a default once an error is set.
class Strict {
public:
    Strict(const QJsonObject &o, QString path) : m_o(o), m_path(std::move(path)) {}
    bool ok() const { return !m_error; }
    const Error &error() const { return *m_error; }
    void fail(const QString &key, const QString &reason)
    {
        if (!m_error)
            m_error = Error::failed(ErrorCode::InvalidArgument, QStringLiteral("decode"),
                                    m_path.isEmpty() ? key : m_path + u'.' + key, reason);
    }
    void setError(const Error &e)
    {
        if (!m_error)
            m_error = e;
    }
    void keys(std::initializer_list<const char *> allowed)
    {
        for (auto it = m_o.begin(); it != m_o.end(); ++it) {
            bool known = false;
            for (const char *k : allowed)
                known = known || it.key() == QLatin1String(k);
            if (!known)
                fail(it.key().left(32), QStringLiteral("unknown key"));
        }
    }
    QString str(const char *key, int maxBytes = L::kMaxStringBytes)
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (v.isUndefined())
            return {};
        if (!v.isString()) {
            fail(QLatin1String(key), QStringLiteral("must be a string"));
            return {};
        }
        const QString s = v.toString();
        if (s.toUtf8().size() > maxBytes) {
            fail(QLatin1String(key), QStringLiteral("is longer than %1 bytes").arg(maxBytes));
            return {};
        }
        return s;
    }
    bool boolean(const char *key, bool fallback = false)
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (v.isUndefined())
            return fallback;
        if (!v.isBool()) {
            fail(QLatin1String(key), QStringLiteral("must be a boolean"));
            return fallback;
        }
        return v.toBool();
    }
    int integer(const char *key, int min, int max, int fallback)
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (v.isUndefined())
            return fallback;
        const double d = v.toDouble(std::nan(""));
        if (!v.isDouble() || std::floor(d) != d || d < min || d > max) {
            fail(QLatin1String(key), QStringLiteral("must be an integer %1..%2").arg(min).arg(max));
            return fallback;
        }
        return int(d);
    }
    QStringList strings(const char *key, int maxItems)
    {
        QStringList out;
        for (const QJsonValue &v : array(key, maxItems)) {
            if (!v.isString() || v.toString().toUtf8().size() > L::kMaxStringBytes) {
                fail(QLatin1String(key), QStringLiteral("must hold strings of at most %1 bytes").arg(L::kMaxStringBytes));
                return {};
            }
            out << v.toString();
        }
        return out;
    }
    QJsonArray array(const char *key, int maxItems)
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (v.isUndefined() || !ok())
            return {};
        if (!v.isArray()) {
            fail(QLatin1String(key), QStringLiteral("must be a list"));
            return {};
        }
        if (v.toArray().size() > maxItems) {
            fail(QLatin1String(key), QStringLiteral("has more than %1 items").arg(maxItems));
            return {};
        }
        return v.toArray();
    }
    // Decodes every element of list `key` as an object with `decode(Strict&)`.
    template <typename T, typename F>
    QList<T> objects(const char *key, int maxItems, F decode)
    {
        QList<T> out;
        const QJsonArray a = array(key, maxItems);
        for (qsizetype i = 0; i < a.size() && ok(); ++i) {
            const QString path = QStringLiteral("%1%2%3[%4]").arg(m_path, m_path.isEmpty() ? QString() : QStringLiteral("."),
                                                                  QLatin1String(key)).arg(i);
            if (!a[i].isObject()) {
                fail(QStringLiteral("%1[%2]").arg(QLatin1String(key)).arg(i), QStringLiteral("must be an object"));
                break;
            }
            Strict r(a[i].toObject(), path);
            T item = decode(r);
            if (!r.ok())
                setError(r.error());
            out.append(std::move(item));
        }
        return out;
    }
    QJsonObject object(const char *key)
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (v.isUndefined())
            return {};
        if (!v.isObject())
            fail(QLatin1String(key), QStringLiteral("must be an object"));
        return v.toObject();
    }
    const QString &path() const { return m_path; }

private:
    QJsonObject m_o;
    QString m_path;
    std::optional<Error> m_error;
};

QJsonArray strings(const QStringList &l)
{
    QJsonArray a;
    for (const QString &s : l)
        a.append(s);
    return a;
}

template <typename T, typename F>
QJsonArray array(const QList<T> &items, F encode)
{
    QJsonArray a;
    for (const T &t : items)
        a.append(encode(t));
    return a;
}

bool isIpv4(const QString &s)
{
    return bool(Ipv4::parse(s));
}

}  // namespace

bool uplinkPatternMatches(const QString &pattern, const QString &name)
{
    if (pattern.endsWith(u'+'))
        return name.startsWith(pattern.chopped(1));
    return name == pattern;
}

QJsonObject toJson(const DiagnoseRequest &r)
{
    return QJsonObject{
        {QStringLiteral("gateways"), array(r.gateways, [](const DiagnoseGateway &g) {
             return QJsonObject{{QStringLiteral("ifname"), g.ifname},
                                {QStringLiteral("subnet"), g.subnet},
                                {QStringLiteral("uplinks"), strings(g.uplinks)},
                                {QStringLiteral("masquerade"), g.masquerade},
                                {QStringLiteral("bridge"), g.bridge}};
         })},
        {QStringLiteral("probe"), r.probe},
        {QStringLiteral("probeTarget"), r.probeTarget},
        {QStringLiteral("probeGateway"), r.probeGateway},
    };
}

Result<DiagnoseRequest> diagnoseRequestFromJson(const QJsonObject &json)
{
    Strict root(json, QStringLiteral("diagnose"));
    root.keys({"gateways", "probe", "probeTarget", "probeGateway"});
    DiagnoseRequest r;
    r.gateways = root.objects<DiagnoseGateway>("gateways", L::kMaxGateways, [](Strict &s) {
        DiagnoseGateway g;
        s.keys({"ifname", "subnet", "uplinks", "masquerade", "bridge"});
        g.ifname = s.str("ifname");
        g.subnet = s.str("subnet");
        g.uplinks = s.strings("uplinks", L::kMaxUplinkPatterns);
        g.masquerade = s.boolean("masquerade", true);
        g.bridge = s.boolean("bridge", false);
        if (!s.ok())
            return g;
        if (auto st = validateOwnIfname(g.ifname); !st)
            s.setError(st.error());
        auto c = Cidr::parse(g.subnet);
        if (!c || c->network() != c->address || c->prefix < 1)
            s.fail(QStringLiteral("subnet"), QStringLiteral("must be an IPv4 network in CIDR form"));
        if (g.uplinks.isEmpty())
            s.fail(QStringLiteral("uplinks"), QStringLiteral("must name at least one uplink"));
        for (const QString &u : g.uplinks)
            if (auto st = validateUplinkMatch(u); !st)
                s.setError(st.error());
        return g;
    });
    r.probe = root.boolean("probe");
    r.probeTarget = root.str("probeTarget");
    r.probeGateway = root.str("probeGateway");
    if (!root.ok())
        return root.error();
    if (r.gateways.isEmpty())
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("decode"), QStringLiteral("diagnose.gateways"),
                             QStringLiteral("at least one gateway is needed"));
    if (!r.probeTarget.isEmpty() && !isIpv4(r.probeTarget))
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("decode"), QStringLiteral("diagnose.probeTarget"),
                             QStringLiteral("'%1' is not an IPv4 address").arg(r.probeTarget.left(64)));
    if (!r.probeGateway.isEmpty()) {
        bool known = false;
        for (const auto &g : r.gateways)
            known = known || g.ifname == r.probeGateway;
        if (!known)
            return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("decode"), QStringLiteral("diagnose.probeGateway"),
                                 QStringLiteral("'%1' is not one of the gateways").arg(r.probeGateway.left(64)));
    }
    return r;
}

QJsonObject toJson(const DiagnoseFacts &f)
{
    return QJsonObject{
        {QStringLiteral("ipv4Forward"), f.ipv4Forward},
        {QStringLiteral("ipv6Forward"), f.ipv6Forward},
        {QStringLiteral("links"), array(f.links, [](const LinkFacts &l) {
             return QJsonObject{{QStringLiteral("name"), l.name},       {QStringLiteral("exists"), l.exists},
                                {QStringLiteral("up"), l.up},           {QStringLiteral("ipv4"), strings(l.ipv4)},
                                {QStringLiteral("rpFilter"), l.rpFilter}, {QStringLiteral("firewalldZone"), l.firewalldZone}};
         })},
        {QStringLiteral("matches"), array(f.matches, [](const PatternMatch &m) {
             return QJsonObject{{QStringLiteral("pattern"), m.pattern}, {QStringLiteral("interfaces"), strings(m.interfaces)}};
         })},
        {QStringLiteral("defaultRoutes"), array(f.defaultRoutes, [](const RouteFacts &r) {
             return QJsonObject{{QStringLiteral("ifname"), r.ifname}, {QStringLiteral("gateway"), r.gateway}};
         })},
        {QStringLiteral("rpFilterAll"), f.rpFilterAll},
        {QStringLiteral("rpFilterDefault"), f.rpFilterDefault},
        {QStringLiteral("nftRan"), f.nftRan},
        {QStringLiteral("nftError"), f.nftError},
        {QStringLiteral("nftJson"), f.nftJson},
        {QStringLiteral("nftTruncated"), f.nftTruncated},
        {QStringLiteral("iptablesLegacyPresent"), f.iptablesLegacyPresent},
        {QStringLiteral("iptablesLegacy"), f.iptablesLegacy},
        {QStringLiteral("iptablesLegacyTruncated"), f.iptablesLegacyTruncated},
        {QStringLiteral("iptablesNftPresent"), f.iptablesNftPresent},
        {QStringLiteral("iptablesNft"), f.iptablesNft},
        {QStringLiteral("iptablesNftTruncated"), f.iptablesNftTruncated},
        {QStringLiteral("bridgeNfCallIptables"), f.bridgeNfCallIptables},
        {QStringLiteral("firewalldRunning"), f.firewalldRunning},
        {QStringLiteral("resolvConf"), f.resolvConf},
        {QStringLiteral("nameservers"), strings(f.nameservers)},
        {QStringLiteral("resolvedUpstreams"), strings(f.resolvedUpstreams)},
        {QStringLiteral("probe"), QJsonObject{{QStringLiteral("ran"), f.probe.ran},
                                             {QStringLiteral("method"), f.probe.method},
                                             {QStringLiteral("source"), f.probe.source},
                                             {QStringLiteral("target"), f.probe.target},
                                             {QStringLiteral("reached"), f.probe.reached},
                                             {QStringLiteral("rttMs"), f.probe.rttMs},
                                             {QStringLiteral("error"), f.probe.error}}},
    };
}

Result<DiagnoseFacts> diagnoseFactsFromJson(const QJsonObject &json)
{
    Strict root(json, QStringLiteral("facts"));
    root.keys({"ipv4Forward", "ipv6Forward", "links", "matches", "defaultRoutes", "rpFilterAll", "rpFilterDefault",
               "nftRan", "nftError", "nftJson", "nftTruncated", "iptablesLegacyPresent", "iptablesLegacy",
               "iptablesLegacyTruncated", "iptablesNftPresent", "iptablesNft", "iptablesNftTruncated", "bridgeNfCallIptables", "firewalldRunning", "resolvConf", "nameservers",
               "resolvedUpstreams", "probe"});
    DiagnoseFacts f;
    f.ipv4Forward = root.integer("ipv4Forward", -1, 2, -1);
    f.ipv6Forward = root.integer("ipv6Forward", -1, 2, -1);
    f.links = root.objects<LinkFacts>("links", L::kMaxLinks, [](Strict &s) {
        LinkFacts l;
        s.keys({"name", "exists", "up", "ipv4", "rpFilter", "firewalldZone"});
        l.name = s.str("name");
        l.exists = s.boolean("exists");
        l.up = s.boolean("up");
        l.ipv4 = s.strings("ipv4", 64);
        l.rpFilter = s.integer("rpFilter", -1, 2, -1);
        l.firewalldZone = s.str("firewalldZone");
        return l;
    });
    f.matches = root.objects<PatternMatch>("matches", L::kMaxGateways * L::kMaxUplinkPatterns, [](Strict &s) {
        PatternMatch m;
        s.keys({"pattern", "interfaces"});
        m.pattern = s.str("pattern");
        m.interfaces = s.strings("interfaces", L::kMaxLinks);
        return m;
    });
    f.defaultRoutes = root.objects<RouteFacts>("defaultRoutes", L::kMaxRoutes, [](Strict &s) {
        RouteFacts r;
        s.keys({"ifname", "gateway"});
        r.ifname = s.str("ifname");
        r.gateway = s.str("gateway");
        return r;
    });
    f.rpFilterAll = root.integer("rpFilterAll", -1, 2, -1);
    f.rpFilterDefault = root.integer("rpFilterDefault", -1, 2, -1);
    f.nftRan = root.boolean("nftRan");
    f.nftError = root.str("nftError", 4096);
    f.nftJson = root.str("nftJson", L::kMaxNftBytes);
    f.nftTruncated = root.boolean("nftTruncated");
    f.iptablesLegacyPresent = root.boolean("iptablesLegacyPresent");
    f.iptablesLegacy = root.str("iptablesLegacy", L::kMaxIptablesBytes);
    f.iptablesLegacyTruncated = root.boolean("iptablesLegacyTruncated");
    f.iptablesNftPresent = root.boolean("iptablesNftPresent");
    f.iptablesNft = root.str("iptablesNft", L::kMaxIptablesBytes);
    f.iptablesNftTruncated = root.boolean("iptablesNftTruncated");
    f.bridgeNfCallIptables = root.integer("bridgeNfCallIptables", -1, 1, -1);
    f.firewalldRunning = root.boolean("firewalldRunning");
    f.resolvConf = root.str("resolvConf");
    f.nameservers = root.strings("nameservers", L::kMaxNameservers);
    f.resolvedUpstreams = root.strings("resolvedUpstreams", L::kMaxNameservers);
    const QJsonObject po = root.object("probe");
    if (root.ok() && !po.isEmpty()) {
        Strict p(po, QStringLiteral("facts.probe"));
        p.keys({"ran", "method", "source", "target", "reached", "rttMs", "error"});
        f.probe.ran = p.boolean("ran");
        f.probe.method = p.str("method");
        f.probe.source = p.str("source");
        f.probe.target = p.str("target");
        f.probe.reached = p.boolean("reached");
        f.probe.rttMs = p.integer("rttMs", -1, L::kProbeTimeoutMs, -1);
        f.probe.error = p.str("error", 1024);
        if (!p.ok())
            root.setError(p.error());
    }
    if (!root.ok())
        return root.error();
    return f;
}

}  // namespace netloom::protocol
