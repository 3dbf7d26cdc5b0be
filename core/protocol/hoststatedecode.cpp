// SPDX-License-Identifier: GPL-3.0-or-later
#include "hoststatedecode.h"

#include "bridgevlan.h"
#include "hoststatedecode6.h"
#include "names.h"
#include "netaddr.h"

#include <QJsonArray>
#include <QMultiHash>
#include <QSet>

#include <cmath>
#include <cstring>

namespace netloom::protocol {

namespace {

using L = HostStateLimits;

Error fieldError(const QString &path, const QString &reason)
{
    return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("decode"), QStringLiteral("state.") + path, reason);
}

// Reads one object with a fixed set of keys; every getter records the first error.
class Reader {
public:
    Reader(const QJsonObject &o, QString path) : m_o(o), m_path(std::move(path)) {}

    bool checkKeys(std::initializer_list<const char *> allowed)
    {
        for (auto it = m_o.begin(); it != m_o.end(); ++it) {
            bool known = false;
            for (const char *k : allowed)
                known = known || it.key() == QLatin1String(k);
            if (!known)
                return fail(it.key().left(32), QStringLiteral("unknown field"));
        }
        return true;
    }
    QString str(const char *key, bool required = true)
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (v.isUndefined() && !required)
            return {};
        if (!v.isString()) {
            fail(QLatin1String(key), QStringLiteral("must be a string"));
            return {};
        }
        const QString s = v.toString();
        if (s.toUtf8().size() > L::kMaxStringBytes) {
            fail(QLatin1String(key), QStringLiteral("is longer than %1 bytes").arg(L::kMaxStringBytes));
            return {};
        }
        return s;
    }
    bool boolean(const char *key, bool fallback)
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
    qint64 integer(const char *key, qint64 min, qint64 max, qint64 fallback)
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (v.isUndefined())
            return fallback;
        const double d = v.toDouble(std::nan(""));
        if (!v.isDouble() || !std::isfinite(d) || std::floor(d) != d || d < double(min) || d > double(max)) {
            fail(QLatin1String(key), QStringLiteral("must be an integer %1..%2").arg(min).arg(max));
            return fallback;
        }
        return qint64(d);
    }
    QJsonArray array(const char *key, int maxItems)
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (v.isUndefined())
            return {};
        if (!v.isArray()) {
            fail(QLatin1String(key), QStringLiteral("must be a list"));
            return {};
        }
        const QJsonArray a = v.toArray();
        if (a.size() > maxItems) {
            fail(QLatin1String(key), QStringLiteral("has %1 items, more than the limit of %2").arg(a.size()).arg(maxItems));
            return {};
        }
        return a;
    }
    QStringList strings(const char *key, int maxItems)
    {
        QStringList out;
        const QJsonArray a = array(key, maxItems);
        for (qsizetype i = 0; i < a.size() && ok(); ++i) {
            if (!a[i].isString() || a[i].toString().toUtf8().size() > L::kMaxStringBytes)
                fail(QStringLiteral("%1[%2]").arg(QLatin1String(key)).arg(i), QStringLiteral("must be a short string"));
            else
                out.append(a[i].toString());
        }
        return out;
    }
    QJsonValue value(const char *key) const { return m_o.value(QLatin1String(key)); }
    bool fail(const QString &key, const QString &reason)
    {
        if (!m_error)
            m_error = fieldError(m_path.isEmpty() ? key : key.isEmpty() ? m_path : m_path + u'.' + key, reason);
        return false;
    }
    void setError(const Error &e)
    {
        if (!m_error)
            m_error = e;
    }
    bool ok() const { return !m_error.has_value(); }
    Error error() const { return *m_error; }
    const QString &path() const { return m_path; }

private:
    const QJsonObject &m_o;
    QString m_path;
    std::optional<Error> m_error;
};

Status within(const QString &what, Status s)
{
    if (s)
        return s;
    return Error{s.error().code, QStringLiteral("failed to validate '%1': %2").arg(what.left(64), s.error().message)};
}

Status checkMtu(const QString &what, int mtu)
{
    if (mtu != 0 && (mtu < 68 || mtu > 65535))
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("use MTU of"), what,
                             QStringLiteral("%1 is outside 68..65535").arg(mtu));
    return ok();
}

Status checkMac(const QString &what, const QString &mac)
{
    if (mac.isEmpty())
        return ok();
    auto m = Mac::parse(mac);
    if (!m)
        return within(what, m.error());
    if (m->isMulticast() || m->isZero())
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("use MAC address of"), what,
                             QStringLiteral("'%1' is multicast or all zeros").arg(mac));
    return ok();
}

Result<Ipv4> unicastIp(const QString &what, const QString &text)
{
    auto ip = Ipv4::parse(text);
    if (!ip)
        return Error{ip.error().code, QStringLiteral("failed to validate '%1': %2").arg(what.left(64), ip.error().message)};
    return ip;
}

// One port forward of a NAT spec with subnet `subnet` (see the design note).
Status validateForward(const Cidr &subnet, const ForwardSpec &f)
{
    const QString what = describeForward(f).left(64);
    const auto invalid = [&what](const QString &reason) {
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("validate port forward"), what, reason);
    };
    if (f.family != ForwardSpec::Family::Ipv4)
        return invalid(QStringLiteral("an IPv4 NAT rule only holds IPv4 forwards (IPv6 ones go to 'nat6')"));
    if (f.hostPort == 0 || f.guestPort == 0)
        return invalid(QStringLiteral("ports must be 1..65535"));
    if (!f.hostAddress.isEmpty()) {
        auto ip = unicastIp(what, f.hostAddress);
        if (!ip)
            return ip.error();
        if ((ip->value >> 28) == 0xe || ip->value == 0 || ip->value == 0xffffffffu)
            return invalid(QStringLiteral("the host address must be a unicast address"));
    }
    auto guest = unicastIp(what, f.guestAddress);
    if (!guest)
        return guest.error();
    if (!subnet.contains(*guest) || Cidr{*guest, subnet.prefix}.isNetworkOrBroadcast())
        return invalid(QStringLiteral("the guest address must be a host of the NAT subnet %1").arg(subnet.networkString()));
    return ok();
}

// `f`'s host side (family, protocol, port, address) is not forwarded yet in `keys` (family/
// protocol/port -> host address): equal addresses, or either on every address, collide.
// Records it when free.
Status noForwardTwice(QMultiHash<QString, QString> *keys, const ForwardSpec &f)
{
    const QString key = forwardFamilyName(f.family) + u'/' + forwardProtocolName(f.protocol) + u'/' + QString::number(f.hostPort);
    for (const QString &addr : keys->values(key))
        if (addr == f.hostAddress || addr.isEmpty() || f.hostAddress.isEmpty())
            return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("validate port forward"), describeForward(f).left(64),
                                 QStringLiteral("host port %1/%2 is forwarded twice").arg(f.hostPort).arg(forwardProtocolName(f.protocol)));
    keys->insert(key, f.hostAddress);
    return ok();
}

// The `impairments` list (see validateHostState): own interfaces only, one entry per
// interface, an IFB exactly when there is an ingress impairment, every value in bounds.
Status validateImpairments(const HostState &s, const QSet<QString> &own)
{
    const auto invalid = [](const QString &what, const QString &reason) {
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("validate impairment of"), what.left(64), reason);
    };
    QSet<QString> impaired, ifbs;
    for (const auto &i : s.impairments) {
        if (auto st = validateOwnIfname(i.ifname); !st)
            return Error{st.error().code, QStringLiteral("failed to validate an impairment: %1").arg(st.error().message)};
        if (!own.contains(i.ifname))
            return invalid(i.ifname, QStringLiteral("'ifname' must name a tap, veth end, bridge or vxlan created by this network"));
        if (impaired.contains(i.ifname))
            return invalid(i.ifname, QStringLiteral("the interface has more than one impairment entry"));
        impaired.insert(i.ifname);
        for (const auto &[dir, imp] : {std::pair{QStringLiteral("egress"), &i.egress}, std::pair{QStringLiteral("ingress"), &i.ingress}})
            if (auto st = validateImpairment(*imp); !st)
                return invalid(i.ifname, QStringLiteral("%1: %2").arg(dir, st.error().message));
        if (i.egress.isNone() && i.ingress.isNone())
            return invalid(i.ifname, QStringLiteral("both directions are 'none' (unimpaired interfaces are not listed)"));
        if (i.ingress.isNone()) {
            if (!i.ifbIfname.isEmpty())
                return invalid(i.ifname, QStringLiteral("'ifb' must be empty when ingress is none"));
            continue;
        }
        if (i.ifbIfname.isEmpty())
            return invalid(i.ifname, QStringLiteral("an ingress impairment needs its IFB device in 'ifb'"));
        if (auto st = validateOwnIfname(i.ifbIfname); !st)
            return Error{st.error().code, QStringLiteral("failed to validate the IFB of '%1': %2").arg(i.ifname.left(64), st.error().message)};
        if (ifbs.contains(i.ifbIfname))
            return invalid(i.ifname, QStringLiteral("IFB '%1' serves more than one interface").arg(i.ifbIfname));
        ifbs.insert(i.ifbIfname);
    }
    return ok();
}

// The doctor's repairs: our own interface, a known family, and table/chain names of
// [A-Za-z0-9_.-] (1..64 bytes; they are passed as single argv words to nft/iptables, never
// through a shell), each (backend, family, table, chain, ifname) once.
Status validateFilterAccepts(const HostState &s, const QSet<QString> &own)
{
    const auto invalid = [](const QString &what, const QString &reason) {
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("validate firewall repair for"), what.left(64), reason);
    };
    const auto safeName = [](const QString &n) {
        if (n.isEmpty() || n.size() > 64)
            return false;
        for (QChar c : n)
            if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != u'_' && c != u'.' && c != u'-')
                return false;
        return true;
    };
    QSet<QString> seen;
    for (const auto &f : s.filterAccepts) {
        if (!own.contains(f.ifname))
            return invalid(f.ifname, QStringLiteral("'ifname' must name an interface created by this network"));
        const bool iptables = f.backend != FilterAcceptSpec::Backend::Nft;
        if (iptables ? f.family != QLatin1String("ip")
                     : (f.family != QLatin1String("ip") && f.family != QLatin1String("ip6") && f.family != QLatin1String("inet")))
            return invalid(f.ifname, iptables ? QStringLiteral("an iptables repair needs family 'ip'")
                                              : QStringLiteral("'family' must be 'ip', 'ip6' or 'inet'"));
        if (!safeName(f.table) || !safeName(f.chain))
            return invalid(f.ifname, QStringLiteral("'table' and 'chain' must be 1..64 bytes of [A-Za-z0-9_.-]"));
        const QString key = QStringList{filterBackendName(f.backend), f.family, f.table, f.chain, f.ifname}.join(u' ');
        if (seen.contains(key))
            return invalid(f.ifname, QStringLiteral("the repair of %1 %2 %3 is listed twice").arg(f.family, f.table, f.chain));
        seen.insert(key);
    }
    return ok();
}

}  // namespace

QStringList createdIfnames(const HostState &s)
{
    QStringList names;
    for (const auto &t : s.taps)
        names << t.ifname;
    for (const auto &b : s.bridges)
        names << b.ifname;
    for (const auto &v : s.veths)
        names << v.ifname << v.peer;
    for (const auto &v : s.vxlans)
        names << v.ifname;
    for (const auto &i : s.impairments)
        if (!i.ifbIfname.isEmpty())
            names << i.ifbIfname;
    return names;
}

QStringList ifbIfnames(const HostState &s)
{
    QStringList names;
    for (const auto &i : s.impairments)
        if (!i.ifbIfname.isEmpty() && !names.contains(i.ifbIfname))
            names << i.ifbIfname;
    return names;
}

Result<HostState> hostStateFromJson(const QJsonObject &json)
{
    HostState s;
    // Paths are reported relative to "state." (see fieldError).
    Reader root(json, QString());
    if (!root.checkKeys({"taps", "bridges", "veths", "vxlans", "addresses", "links", "ipv4Forwarding", "nat",
                         "dnsmasq", "uplinks", "impairments", "ipv6Forwarding", "nat6", "filterAccepts"}))
        return root.error();

    std::optional<Error> itemError;
    const auto keep = [&](Reader &r) {
        if (!r.ok() && !itemError)
            itemError = r.error();
    };
    const auto run = [&](const char *key, auto &list, auto decode) {
        if (itemError || !root.ok())
            return;
        const QJsonArray a = root.array(key, L::kMaxListItems);
        for (qsizetype i = 0; i < a.size() && root.ok() && !itemError; ++i) {
            const QString path = QStringLiteral("%1[%2]").arg(QLatin1String(key)).arg(i);
            if (!a[i].isObject()) {
                root.fail(path, QStringLiteral("must be an object"));
                return;
            }
            const QJsonObject o = a[i].toObject();
            Reader r(o, path);
            auto item = decode(r);
            keep(r);
            list.append(std::move(item));
        }
    };

    run("taps", s.taps, [](Reader &r) {
        TapSpec t;
        r.checkKeys({"ifname", "mtu", "mac", "vnetHdr"});
        t.ifname = r.str("ifname");
        t.mtu = int(r.integer("mtu", 0, 65535, 0));
        t.mac = r.str("mac", false);
        t.vnetHdr = r.boolean("vnetHdr", false);
        return t;
    });
    run("bridges", s.bridges, [](Reader &r) {
        BridgeSpec b;
        r.checkKeys({"ifname", "mtu", "stp", "vlanFiltering", "ports", "vlans"});
        b.ifname = r.str("ifname");
        b.mtu = int(r.integer("mtu", 0, 65535, 0));
        b.stp = r.boolean("stp", false);
        b.vlanFiltering = r.boolean("vlanFiltering", false);
        b.ports = r.strings("ports", L::kMaxBridgePorts);
        if (r.ok()) {
            if (auto vlans = portVlansFromJson(r.value("vlans"), r.path()); vlans)
                b.vlans = *vlans;
            else
                r.setError(vlans.error());
        }
        return b;
    });
    run("veths", s.veths, [](Reader &r) {
        VethSpec v;
        r.checkKeys({"ifname", "peer"});
        v.ifname = r.str("ifname");
        v.peer = r.str("peer");
        return v;
    });
    run("vxlans", s.vxlans, [](Reader &r) {
        VxlanSpec v;
        r.checkKeys({"ifname", "vni", "remote", "group", "local", "device", "dstPort", "ttl"});
        v.ifname = r.str("ifname");
        v.vni = std::uint32_t(r.integer("vni", 1, 16777215, 0));
        v.remote = r.str("remote", false);
        v.group = r.str("group", false);
        v.local = r.str("local", false);
        v.device = r.str("device", false);
        v.dstPort = std::uint16_t(r.integer("dstPort", 1, 65535, 4789));
        v.ttl = int(r.integer("ttl", 0, 255, 0));
        return v;
    });
    run("addresses", s.addresses, [](Reader &r) {
        AddressSpec a;
        r.checkKeys({"ifname", "cidr"});
        a.ifname = r.str("ifname");
        a.cidr = r.str("cidr");
        return a;
    });
    run("links", s.links, [](Reader &r) {
        LinkSpec l;
        r.checkKeys({"ifname", "up", "mtu", "mac"});
        l.ifname = r.str("ifname");
        l.up = r.boolean("up", true);
        l.mtu = int(r.integer("mtu", 0, 65535, 0));
        l.mac = r.str("mac", false);
        return l;
    });
    s.ipv4Forwarding = root.boolean("ipv4Forwarding", false);
    s.ipv6Forwarding = root.boolean("ipv6Forwarding", false);
    const auto decodeNat = [](Reader &r) {
        NatSpec n;
        r.checkKeys({"ifname", "subnet", "mode", "uplinks", "forwards"});
        n.ifname = r.str("ifname");
        n.subnet = r.str("subnet");
        const QString mode = r.str("mode", false);
        if (mode.isEmpty() || mode == QLatin1String("masquerade"))
            n.mode = NatSpec::Mode::Masquerade;
        else if (mode == QLatin1String("route"))
            n.mode = NatSpec::Mode::Route;
        else
            r.fail(QStringLiteral("mode"), QStringLiteral("must be 'masquerade' or 'route'"));
        n.uplinks = r.strings("uplinks", L::kMaxNatUplinks);
        const QJsonArray fa = r.array("forwards", L::kMaxForwards);
        for (qsizetype i = 0; i < fa.size() && r.ok(); ++i) {
            const QString fp = QStringLiteral("%1.forwards[%2]").arg(r.path()).arg(i);
            if (!fa[i].isObject()) {
                r.fail(QStringLiteral("forwards[%1]").arg(i), QStringLiteral("must be an object"));
                break;
            }
            const QJsonObject fo = fa[i].toObject();  // Reader keeps a reference
            Reader fr(fo, fp);
            ForwardSpec f;
            fr.checkKeys({"family", "protocol", "hostAddress", "hostPort", "guestAddress", "guestPort"});
            const QString family = fr.str("family");
            if (family == QLatin1String("ipv6"))
                f.family = ForwardSpec::Family::Ipv6;
            else if (fr.ok() && family != QLatin1String("ipv4"))
                fr.fail(QStringLiteral("family"), QStringLiteral("must be 'ipv4' or 'ipv6'"));
            const QString proto = fr.str("protocol");
            if (proto == QLatin1String("tcp"))
                f.protocol = ForwardSpec::Protocol::Tcp;
            else if (proto == QLatin1String("udp"))
                f.protocol = ForwardSpec::Protocol::Udp;
            else if (fr.ok())
                fr.fail(QStringLiteral("protocol"), QStringLiteral("must be 'tcp' or 'udp'"));
            f.hostAddress = fr.str("hostAddress", false);
            f.hostPort = std::uint16_t(fr.integer("hostPort", 1, 65535, 0));
            f.guestAddress = fr.str("guestAddress");
            f.guestPort = std::uint16_t(fr.integer("guestPort", 1, 65535, 0));
            if (fr.ok() && (f.hostPort == 0 || f.guestPort == 0))
                fr.fail(QString(), QStringLiteral("'hostPort' and 'guestPort' are required"));
            if (!fr.ok()) {
                r.setError(fr.error());
                break;
            }
            n.forwards.append(f);
        }
        return n;
    };
    run("nat", s.nat, decodeNat);
    run("nat6", s.nat6, decodeNat);
    run("dnsmasq", s.dnsmasq, [](Reader &r) {
        DnsmasqSpec d;
        r.checkKeys({"ifname", "address", "prefixLength", "dhcp", "rangeStart", "rangeEnd", "leaseSeconds",
                     "domain", "dns", "hosts", "ipv6"});
        d.ifname = r.str("ifname");
        d.address = r.str("address");
        d.prefixLength = int(r.integer("prefixLength", 8, 30, 24));
        d.dhcp = r.boolean("dhcp", true);
        d.rangeStart = r.str("rangeStart", false);
        d.rangeEnd = r.str("rangeEnd", false);
        d.leaseSeconds = std::uint32_t(r.integer("leaseSeconds", 120, 31536000, 3600));
        d.domain = r.str("domain", false);
        d.dns = r.boolean("dns", true);
        const QJsonArray hosts = r.array("hosts", L::kMaxDhcpHosts);
        for (qsizetype i = 0; i < hosts.size() && r.ok(); ++i) {
            const QString key = QStringLiteral("hosts[%1]").arg(i);
            if (!hosts[i].isObject()) {
                r.fail(key, QStringLiteral("must be an object"));
                break;
            }
            const QJsonObject ho = hosts[i].toObject();
            Reader hr(ho, r.path() + u'.' + key);
            hr.checkKeys({"mac", "ip", "hostname"});
            DhcpHost h;
            h.mac = hr.str("mac");
            h.ip = hr.str("ip");
            h.hostname = hr.str("hostname", false);
            if (!hr.ok()) {
                r.setError(hr.error());
                break;
            }
            d.hosts.append(h);
        }
        if (const QJsonValue v6 = r.value("ipv6"); !v6.isUndefined() && r.ok()) {
            if (!v6.isObject()) {
                r.fail(QStringLiteral("ipv6"), QStringLiteral("must be an object"));
                return d;
            }
            const QJsonObject o6 = v6.toObject();
            Reader r6(o6, r.path() + QStringLiteral(".ipv6"));
            r6.checkKeys({"address", "prefixLength", "ra", "dhcp", "rangeStart", "rangeEnd", "leaseSeconds"});
            d.address6 = r6.str("address");
            d.prefixLength6 = int(r6.integer("prefixLength", 16, 126, 64));
            d.ra = r6.boolean("ra", false);
            d.dhcp6 = r6.boolean("dhcp", false);
            d.rangeStart6 = r6.str("rangeStart", false);
            d.rangeEnd6 = r6.str("rangeEnd", false);
            d.leaseSeconds6 = std::uint32_t(r6.integer("leaseSeconds", 120, 31536000, 3600));
            if (!r6.ok())
                r.setError(r6.error());
        }
        return d;
    });
    run("uplinks", s.uplinks, [](Reader &r) {
        UplinkSpec u;
        r.checkKeys({"ifname", "bridge"});
        u.ifname = r.str("ifname");
        u.bridge = r.str("bridge");
        return u;
    });
    run("impairments", s.impairments, [](Reader &r) {
        ImpairmentSpec i;
        r.checkKeys({"ifname", "egress", "ingress", "ifb"});
        i.ifname = r.str("ifname");
        i.ifbIfname = r.str("ifb", false);
        for (const char *key : {"egress", "ingress"}) {
            const QJsonValue v = r.value(key);
            if (v.isUndefined() || !r.ok())
                continue;
            if (!v.isObject()) {
                r.fail(QLatin1String(key), QStringLiteral("must be an object"));
                continue;
            }
            const QString where = QStringLiteral("state.%1.%2").arg(r.path(), QLatin1String(key));
            auto imp = impairmentFromJson(v.toObject(), where);
            if (!imp)
                r.setError(imp.error());
            else
                (std::strcmp(key, "egress") == 0 ? i.egress : i.ingress) = *imp;
        }
        return i;
    });
    run("filterAccepts", s.filterAccepts, [](Reader &r) {
        FilterAcceptSpec f;
        r.checkKeys({"backend", "family", "table", "chain", "ifname", "established"});
        const QString backend = r.str("backend");
        if (r.ok() && !filterBackendFromName(backend, &f.backend))
            r.fail(QStringLiteral("backend"), QStringLiteral("must be 'nft', 'iptables-nft' or 'iptables-legacy'"));
        f.family = r.str("family");
        f.table = r.str("table");
        f.chain = r.str("chain");
        f.ifname = r.str("ifname");
        f.established = r.boolean("established", true);
        return f;
    });
    if (!root.ok())
        return root.error();
    if (itemError)
        return *itemError;
    if (auto v = validateHostState(s); !v)
        return v.error();
    return s;
}

Status validateHostState(const HostState &s)
{
    const auto invalid = [](const QString &what, const QString &reason) {
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("validate"), what, reason);
    };
    const QStringList created = createdIfnames(s);
    if (created.size() > L::kMaxLinks)
        return invalid(QStringLiteral("state"),
                       QStringLiteral("%1 interfaces exceed the limit of %2").arg(created.size()).arg(L::kMaxLinks));
    QSet<QString> own, all;
    const QStringList ifbs = ifbIfnames(s);
    for (const QString &n : created) {
        if (auto st = validateOwnIfname(n); !st)
            return st;
        if (all.contains(n))
            return invalid(n, QStringLiteral("the interface is declared twice"));
        all.insert(n);
        if (!ifbs.contains(n))
            own.insert(n);  // IFBs serve their impairment only: nothing else may name them
    }
    const auto needOwn = [&](const QString &what, const QString &name) -> Status {
        if (auto st = validateOwnIfname(name); !st)
            return Error{st.error().code, QStringLiteral("failed to validate %1: %2").arg(what, st.error().message)};
        if (!own.contains(name))
            return invalid(name, QStringLiteral("%1 must name an interface created by this network").arg(what));
        return ok();
    };
    QSet<QString> bridges, enslaved;
    for (const auto &b : s.bridges)
        bridges.insert(b.ifname);
    for (const auto &t : s.taps) {
        if (auto st = checkMtu(t.ifname, t.mtu); !st)
            return st;
        if (auto st = checkMac(t.ifname, t.mac); !st)
            return st;
    }
    for (const auto &b : s.bridges) {
        if (auto st = checkMtu(b.ifname, b.mtu); !st)
            return st;
        for (const QString &p : b.ports) {
            if (auto st = needOwn(QStringLiteral("a bridge port of '%1'").arg(b.ifname), p); !st)
                return st;
            if (bridges.contains(p))
                return invalid(p, QStringLiteral("a bridge cannot be a port of bridge '%1'").arg(b.ifname));
            if (enslaved.contains(p))
                return invalid(p, QStringLiteral("the interface is a port of more than one bridge"));
            enslaved.insert(p);
        }
    }
    int vlanEntries = 0;
    for (const auto &b : s.bridges) {
        QStringList uplinks;
        for (const auto &u : s.uplinks)
            if (u.bridge == b.ifname)
                uplinks << u.ifname;
        if (auto st = validateBridgeVlans(b, uplinks, &vlanEntries); !st)
            return st;
    }
    for (const auto &v : s.vxlans) {
        if (v.vni < 1 || v.vni > 16777215)
            return invalid(v.ifname, QStringLiteral("the VNI must be 1..16777215"));
        if (v.remote.isEmpty() == v.group.isEmpty())
            return invalid(v.ifname, QStringLiteral("exactly one of 'remote' and 'group' must be set"));
        if (!v.remote.isEmpty()) {
            auto ip = unicastIp(v.ifname, v.remote);
            if (!ip)
                return ip.error();
            if ((ip->value >> 28) == 0xe)
                return invalid(v.ifname, QStringLiteral("'remote' must be a unicast address"));
        }
        if (!v.group.isEmpty()) {
            auto ip = unicastIp(v.ifname, v.group);
            if (!ip)
                return ip.error();
            if ((ip->value >> 28) != 0xe)
                return invalid(v.ifname, QStringLiteral("'group' must be a multicast address (224.0.0.0/4)"));
            if (v.device.isEmpty())
                return invalid(v.ifname, QStringLiteral("a multicast VXLAN needs 'device'"));
        }
        if (!v.local.isEmpty())
            if (auto ip = unicastIp(v.ifname, v.local); !ip)
                return ip.error();
        if (!v.device.isEmpty())
            if (auto st = validateForeignIfname(v.device); !st)
                return st;
    }
    QSet<QString> addrSeen;
    for (const auto &a : s.addresses) {
        if (auto st = needOwn(QStringLiteral("an address"), a.ifname); !st)
            return st;
        if (a.cidr.contains(u':')) {
            if (auto st = validateAddress6(a.cidr); !st)
                return st;
            if (addrSeen.contains(a.ifname + u' ' + a.cidr))
                return invalid(a.cidr, QStringLiteral("the address is declared twice on '%1'").arg(a.ifname));
            addrSeen.insert(a.ifname + u' ' + a.cidr);
            continue;
        }
        auto c = Cidr::parse(a.cidr);
        if (!c)
            return c.error();
        if (c->prefix < 8 || c->prefix > 32 || c->isNetworkOrBroadcast())
            return invalid(a.cidr, QStringLiteral("a host address with a prefix of 8..32 is needed"));
        if (addrSeen.contains(a.ifname + u' ' + a.cidr))
            return invalid(a.cidr, QStringLiteral("the address is declared twice on '%1'").arg(a.ifname));
        addrSeen.insert(a.ifname + u' ' + a.cidr);
    }
    QSet<QString> linkSeen;
    for (const auto &l : s.links) {
        if (auto st = needOwn(QStringLiteral("a link setting"), l.ifname); !st)
            return st;
        if (linkSeen.contains(l.ifname))
            return invalid(l.ifname, QStringLiteral("link settings are declared twice"));
        linkSeen.insert(l.ifname);
        if (auto st = checkMtu(l.ifname, l.mtu); !st)
            return st;
        if (auto st = checkMac(l.ifname, l.mac); !st)
            return st;
    }
    QMultiHash<QString, QString> forwardKeys;  // "ipv4/tcp/8080" -> host address
    for (const auto &n : s.nat) {
        if (auto st = needOwn(QStringLiteral("a NAT rule"), n.ifname); !st)
            return st;
        auto c = Cidr::parse(n.subnet);
        if (!c)
            return c.error();
        if (c->prefix < 8 || c->network() != c->address)
            return invalid(n.subnet, QStringLiteral("a subnet needs its network address and a prefix of 8..32"));
        if (n.uplinks.isEmpty())
            return invalid(n.subnet, QStringLiteral("NAT or routing needs at least one uplink"));
        for (const QString &u : n.uplinks) {
            if (auto st = validateUplinkMatch(u); !st)
                return st;
            if (u.startsWith(QLatin1String("loom")))
                return invalid(u, QStringLiteral("an uplink cannot be one of Netloom's own interfaces"));
        }
        if (n.forwards.size() > L::kMaxForwards)
            return invalid(n.subnet, QStringLiteral("more than %1 port forwards").arg(L::kMaxForwards));
        for (const auto &f : n.forwards) {
            if (auto st = validateForward(*c, f); !st)
                return st;
            if (auto st = noForwardTwice(&forwardKeys, f); !st)
                return st;
        }
    }
    QSet<QString> dnsIfs;
    for (const auto &d : s.dnsmasq) {
        if (auto st = needOwn(QStringLiteral("dnsmasq"), d.ifname); !st)
            return st;
        if (dnsIfs.contains(d.ifname))
            return invalid(d.ifname, QStringLiteral("only one dnsmasq per interface is allowed"));
        dnsIfs.insert(d.ifname);
        auto gw = unicastIp(d.ifname, d.address);
        if (!gw)
            return gw.error();
        if (d.prefixLength < 8 || d.prefixLength > 30)
            return invalid(d.ifname, QStringLiteral("the prefix length must be 8..30"));
        const Cidr net{*gw, d.prefixLength};
        if (net.isNetworkOrBroadcast())
            return invalid(d.address, QStringLiteral("the gateway cannot be the network or broadcast address"));
        if (!addrSeen.contains(d.ifname + u' ' + net.toString()))
            return invalid(d.ifname, QStringLiteral("dnsmasq needs the address %1 on this interface in 'addresses'")
                                         .arg(net.toString()));
        if (d.dhcp) {
            auto a = unicastIp(d.ifname, d.rangeStart);
            auto b = unicastIp(d.ifname, d.rangeEnd);
            if (!a)
                return a.error();
            if (!b)
                return b.error();
            if (!net.contains(*a) || !net.contains(*b) || a->value > b->value
                || Cidr{*a, d.prefixLength}.isNetworkOrBroadcast() || Cidr{*b, d.prefixLength}.isNetworkOrBroadcast())
                return invalid(d.ifname, QStringLiteral("the DHCP range %1-%2 must be an ordered range of hosts in %3")
                                             .arg(d.rangeStart, d.rangeEnd, net.networkString()));
        }
        if (!d.domain.isEmpty())
            if (auto st = validateDomain(d.domain); !st)
                return st;
        QSet<QString> macs;
        for (const auto &h : d.hosts) {
            if (auto st = checkMac(d.ifname, h.mac); !st)
                return st;
            auto ip = unicastIp(d.ifname, h.ip);
            if (!ip)
                return ip.error();
            if (!net.contains(*ip) || Cidr{*ip, d.prefixLength}.isNetworkOrBroadcast())
                return invalid(h.ip, QStringLiteral("a static host must be in %1").arg(net.networkString()));
            if (!h.hostname.isEmpty())
                if (auto st = validateHostname(h.hostname); !st)
                    return st;
            if (macs.contains(h.mac.toLower()))
                return invalid(h.mac, QStringLiteral("the MAC has two static reservations"));
            macs.insert(h.mac.toLower());
        }
        if (auto st = validateDnsmasq6(d, addrSeen); !st)
            return st;
    }
    for (const auto &n : s.nat6) {
        if (auto st = needOwn(QStringLiteral("an IPv6 NAT rule"), n.ifname); !st)
            return st;
        if (auto st = validateNat6(n); !st)
            return st;
        for (const auto &f : n.forwards)
            if (auto st = noForwardTwice(&forwardKeys, f); !st)
                return st;
    }
    if (auto st = validateImpairments(s, own); !st)
        return st;
    if (auto st = validateFilterAccepts(s, own); !st)
        return st;
    QSet<QString> physical;
    for (const auto &u : s.uplinks) {
        if (auto st = validateForeignIfname(u.ifname); !st)
            return st;
        if (u.ifname.startsWith(QLatin1String("loom")))
            return invalid(u.ifname, QStringLiteral("a physical uplink cannot be one of Netloom's own interfaces"));
        if (u.ifname == QLatin1String("lo"))
            return invalid(u.ifname, QStringLiteral("the loopback interface cannot be enslaved"));
        if (!bridges.contains(u.bridge))
            return invalid(u.ifname, QStringLiteral("the uplink's bridge '%1' must be a bridge of this network")
                                         .arg(u.bridge.left(32)));
        if (physical.contains(u.ifname))
            return invalid(u.ifname, QStringLiteral("the uplink is listed twice"));
        physical.insert(u.ifname);
    }
    return ok();
}

}  // namespace netloom::protocol
