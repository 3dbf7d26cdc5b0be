// SPDX-License-Identifier: GPL-3.0-or-later
#include "import/dnsmasqimport.h"

#include "protocol/netaddr.h"

#include <QHash>
#include <QRegularExpression>
#include <QSet>

namespace netloom::importer {

namespace {

struct OptionInfo {
    const char *name;
    char shortName;   // 0 = none
    bool takesValue;
};

// The dnsmasq options the importer knows (its man page), with their short forms.
const OptionInfo kOptions[] = {
    {"interface", 'i', true},      {"listen-address", 'a', true},  {"dhcp-range", 'F', true},
    {"dhcp-host", 'G', true},      {"domain", 's', true},          {"dhcp-leasefile", 'l', true},
    {"dhcp-lease-file", 0, true},  {"conf-file", 'C', true},       {"port", 'p', true},
    {"bind-interfaces", 'z', false}, {"bind-dynamic", 0, false},   {"except-interface", 'I', true},
    {"no-daemon", 'd', false},     {"keep-in-foreground", 'k', false}, {"pid-file", 'x', true},
    {"user", 'u', true},           {"group", 'g', true},           {"no-resolv", 'R', false},
    {"server", 'S', true},         {"no-hosts", 'h', false},       {"log-queries", 'q', false},
    {"log-dhcp", 0, false},        {"log-facility", '8', true},    {"strict-order", 'o', false},
    {"bogus-priv", 'b', false},    {"domain-needed", 'D', false},  {"expand-hosts", 'E', false},
    {"dhcp-authoritative", 'K', false}, {"no-negcache", 'N', false}, {"cache-size", 'c', true},
    {"local", 0, true},            {"dhcp-option", 'O', true},     {"no-dhcp-interface", '2', true},
    {"resolv-file", 'r', true},    {"addn-hosts", 'H', true},      {"dhcp-no-override", 0, false},
    {"enable-ra", 0, false},       {"dhcp-script", '6', true},     {"dhcp-lease-max", 'X', true},
    {"conf-dir", '7', true},       {"log-async", 0, false},        {"quiet-dhcp", 0, false},
    {"dhcp-sequential-ip", 0, false}, {"dhcp-rapid-commit", 0, false}, {"address", 'A', true},
    {"no-poll", 'n', false},       {"filterwin2k", 'f', false},    {"stop-dns-rebind", 0, false},
};

const OptionInfo *findLong(const QString &name)
{
    for (const OptionInfo &o : kOptions)
        if (name == QLatin1String(o.name))
            return &o;
    return nullptr;
}

const OptionInfo *findShort(QChar c)
{
    for (const OptionInfo &o : kOptions)
        if (o.shortName && c == QLatin1Char(o.shortName))
            return &o;
    return nullptr;
}

struct Opt {
    QString name;     // long name, "" when unknown
    QString value;
    QString text;     // as written
    int line = 0;
};

class DnsmasqReader {
public:
    explicit DnsmasqReader(ImportState &st) : m_st(st) {}
    void read(const QList<Opt> &opts, int depth);
    DhcpFact fact;

private:
    int report(const Opt &o, ReportLine::Kind k, const QString &detail)
    {
        const int r = m_st.add(o.line, o.text, k, detail);
        fact.reports.append(r);
        return r;
    }
    void range(const Opt &o);
    void host(const Opt &o);
    ImportState &m_st;
};

bool looksLikeIp(const QString &s) { return protocol::Ipv4::parse(s).isOk(); }

void DnsmasqReader::range(const Opt &o)
{
    QStringList f = o.value.split(QLatin1Char(','));
    DhcpRangeFact r;
    while (!f.isEmpty() && (f[0].startsWith(QLatin1String("tag:")) || f[0].startsWith(QLatin1String("set:"))
                            || f[0].startsWith(QLatin1String("net:")) || f[0].startsWith(QLatin1String("interface:"))
                            || (!f[0].contains(QLatin1Char('.')) && !f[0].contains(QLatin1Char(':')) && f.size() > 2 && looksLikeIp(f.value(1))))) {
        if (f[0].startsWith(QLatin1String("interface:")))
            r.iface = f[0].mid(10);
        f.removeFirst();
    }
    if (!f.isEmpty() && f[0].contains(QLatin1Char(':'))) {
        report(o, ReportLine::Kind::NotUnderstood, QStringLiteral("IPv6 DHCP ranges are not imported (set the host port's IPv6 instead)"));
        return;
    }
    if (f.isEmpty() || !looksLikeIp(f[0])) {
        report(o, ReportLine::Kind::NotUnderstood, QStringLiteral("no start address"));
        return;
    }
    r.start = f.takeFirst();
    if (!f.isEmpty() && looksLikeIp(f[0]))
        r.end = f.takeFirst();
    bool isStatic = false;
    for (const QString &x : f) {
        if (x == QLatin1String("static")) {
            isStatic = true;
        } else if (x == QLatin1String("proxy")) {
            report(o, ReportLine::Kind::NotUnderstood, QStringLiteral("proxy DHCP is not in the model"));
            return;
        } else if (looksLikeIp(x)) {
            if (r.netmask.isEmpty())
                r.netmask = x;  // the next one is the broadcast address
        } else if (const auto lease = parseLeaseTime(x)) {
            r.leaseSeconds = *lease;
        } else {
            report(o, ReportLine::Kind::NotUnderstood, QStringLiteral("range field '%1' is not understood").arg(x));
            return;
        }
    }
    if (isStatic || r.end.isEmpty()) {
        report(o, ReportLine::Kind::Ignored, QStringLiteral("a static-only range: addresses come from dhcp-host reservations only; no dynamic range imported"));
        return;
    }
    fact.ranges.append(r);
    QString lease;
    if (r.leaseSeconds)
        lease = QStringLiteral(", lease %1 s").arg(*r.leaseSeconds);
    if (o.value.endsWith(QLatin1String(",infinite")))
        lease += QStringLiteral(" (infinite: Netloom's longest lease, one year)");
    report(o, ReportLine::Kind::Mapped, QStringLiteral("host port DHCP range %1 - %2%3").arg(r.start, r.end, lease));
}

void DnsmasqReader::host(const Opt &o)
{
    model::DhcpReservation res;
    for (const QString &x : o.value.split(QLatin1Char(','))) {
        if (const Result<protocol::Mac> m = protocol::Mac::parse(x); m) {
            if (!res.mac.isEmpty()) {
                report(o, ReportLine::Kind::NotUnderstood, QStringLiteral("several MACs in one reservation are not in the model"));
                return;
            }
            res.mac = m->toString();
        } else if (looksLikeIp(x)) {
            res.ip = x;
        } else if (x.startsWith(QLatin1String("set:")) || x.startsWith(QLatin1String("tag:")) || x.startsWith(QLatin1String("id:"))
                   || x == QLatin1String("ignore") || x.contains(QLatin1Char('*')) || x.startsWith(QLatin1Char('['))) {
            report(o, ReportLine::Kind::NotUnderstood, QStringLiteral("'%1' in a dhcp-host is not in the model (MAC, address, name are)").arg(x));
            return;
        } else if (parseLeaseTime(x) && x.front().isDigit()) {
            continue;  // a per-host lease time: dropped
        } else {
            res.hostname = x;
        }
    }
    if (res.mac.isEmpty() || res.ip.isEmpty()) {
        report(o, ReportLine::Kind::NotUnderstood, QStringLiteral("a reservation needs a MAC and an address"));
        return;
    }
    fact.hosts.append(res);
    report(o, ReportLine::Kind::Mapped, QStringLiteral("host port DHCP reservation %1 -> %2%3").arg(res.mac, res.ip,
                                                                                                     res.hostname.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(res.hostname)));
}

QList<Opt> confOptions(const QString &text, int line, bool reportLines)
{
    QList<Opt> opts;
    int n = 0;
    for (QString l : text.split(QLatin1Char('\n'))) {
        ++n;
        const qsizetype hash = l.indexOf(QLatin1Char('#'));
        if (hash >= 0)
            l.truncate(hash);
        l = l.trimmed();
        if (l.isEmpty())
            continue;
        Opt o;
        const qsizetype eq = l.indexOf(QLatin1Char('='));
        const QString name = (eq < 0 ? l : l.left(eq)).trimmed();
        o.name = findLong(name) ? name : QString();
        o.value = eq < 0 ? QString() : l.mid(eq + 1).trimmed();
        o.text = l;
        o.line = reportLines ? n : line;
        opts.append(o);
    }
    return opts;
}

void DnsmasqReader::read(const QList<Opt> &opts, int depth)
{
    for (const Opt &o : opts) {
        const QString &n = o.name;
        if (n.isEmpty()) {
            report(o, ReportLine::Kind::NotUnderstood, QStringLiteral("not a dnsmasq option the importer knows"));
        } else if (n == QLatin1String("interface")) {
            fact.interfaces += o.value.split(QLatin1Char(','), Qt::SkipEmptyParts);
            report(o, ReportLine::Kind::Mapped, QStringLiteral("DHCP/DNS served on %1 (its host port)").arg(o.value));
        } else if (n == QLatin1String("listen-address")) {
            fact.listenAddresses += o.value.split(QLatin1Char(','), Qt::SkipEmptyParts);
            report(o, ReportLine::Kind::Mapped, QStringLiteral("DHCP/DNS served on the host port with address %1").arg(o.value));
        } else if (n == QLatin1String("dhcp-range")) {
            range(o);
        } else if (n == QLatin1String("dhcp-host")) {
            host(o);
        } else if (n == QLatin1String("domain")) {
            fact.domain = o.value.section(QLatin1Char(','), 0, 0);
            report(o, ReportLine::Kind::Mapped, QStringLiteral("host port DHCP domain = %1").arg(fact.domain));
        } else if (n == QLatin1String("port")) {
            if (o.value == QLatin1String("0")) {
                fact.dns = false;
                report(o, ReportLine::Kind::Mapped, QStringLiteral("host port dns = off (DHCP only)"));
            } else {
                report(o, ReportLine::Kind::Ignored, QStringLiteral("Netloom's dnsmasq answers DNS on port 53"));
            }
        } else if (n == QLatin1String("dhcp-leasefile") || n == QLatin1String("dhcp-lease-file")) {
            report(o, ReportLine::Kind::Ignored, QStringLiteral("Netloom keeps the lease file in its run directory (and shows the leases)"));
        } else if (n == QLatin1String("conf-file")) {
            QString path = o.value;
            if (!m_st.files.contains(path))
                for (auto it = m_st.files.cbegin(); it != m_st.files.cend(); ++it)
                    if (it.key().section(QLatin1Char('/'), -1) == path.section(QLatin1Char('/'), -1))
                        path = it.key();
            if (!m_st.files.contains(path)) {
                report(o, ReportLine::Kind::NotUnderstood, QStringLiteral("the file %1 was not given to the importer (pass it too)").arg(o.value));
            } else if (depth >= kMaxConfDepth) {
                report(o, ReportLine::Kind::NotUnderstood, QStringLiteral("configuration files include each other more than %1 deep").arg(kMaxConfDepth));
            } else {
                report(o, ReportLine::Kind::Mapped, QStringLiteral("reads %1 (its options follow)").arg(path));
                read(confOptions(m_st.files.value(path), o.line, false), depth + 1);
            }
        } else {
            report(o, ReportLine::Kind::Ignored, QStringLiteral("Netloom's dnsmasq configuration decides this (DHCP and DNS for the host port only)"));
        }
    }
}

}  // namespace

std::optional<std::uint32_t> parseLeaseTime(const QString &text)
{
    if (text == QLatin1String("infinite"))
        return model::limits::kMaxLeaseSeconds;
    static const QRegularExpression re(QStringLiteral("^(\\d{1,9})([smhdwSMHDW]?)$"));
    const QRegularExpressionMatch m = re.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    std::uint64_t v = m.captured(1).toULongLong();
    const QChar u = m.captured(2).isEmpty() ? QLatin1Char('s') : m.captured(2).at(0).toLower();
    v *= u == QLatin1Char('m') ? 60 : u == QLatin1Char('h') ? 3600 : u == QLatin1Char('d') ? 86400 : u == QLatin1Char('w') ? 604800 : 1;
    return std::uint32_t(std::min<std::uint64_t>(v, model::limits::kMaxLeaseSeconds));
}

void importDnsmasqArgs(const QStringList &argv, int line, const QString &text, ImportState &st)
{
    QList<Opt> opts;
    for (qsizetype i = 1; i < argv.size(); ++i) {
        const QString &a = argv[i];
        Opt o;
        o.line = line;
        if (a.startsWith(QLatin1String("--"))) {
            const qsizetype eq = a.indexOf(QLatin1Char('='));
            const QString name = a.mid(2, eq < 0 ? -1 : eq - 2);
            const OptionInfo *info = findLong(name);
            o.name = info ? name : QString();
            o.text = a;
            if (eq >= 0)
                o.value = a.mid(eq + 1);
            else if (info && info->takesValue && i + 1 < argv.size()) {
                o.value = argv[++i];
                o.text += QLatin1Char(' ') + o.value;
            }
        } else if (a.startsWith(QLatin1Char('-')) && a.size() >= 2) {
            const OptionInfo *info = findShort(a[1]);
            o.name = info ? QString::fromLatin1(info->name) : QString();
            o.text = a;
            if (info && info->takesValue) {
                if (a.size() > 2)
                    o.value = a.mid(2);
                else if (i + 1 < argv.size()) {
                    o.value = argv[++i];
                    o.text += QLatin1Char(' ') + o.value;
                }
            }
        } else {
            o.text = a;
        }
        opts.append(o);
    }
    DnsmasqReader r(st);
    r.fact.line = line;
    r.fact.reports.append(st.mapped(line, text.section(QLatin1Char(' '), 0, 0), QStringLiteral("dnsmasq: DHCP/DNS of a host port (options below)")));
    r.read(opts, 0);
    st.dhcps.append(r.fact);
}

void importDnsmasqConf(const QString &text, int line, bool reportLines, ImportState &st)
{
    DnsmasqReader r(st);
    r.fact.line = reportLines ? 1 : line;
    r.read(confOptions(text, line, reportLines), 0);
    st.dhcps.append(r.fact);
}

bool looksLikeDnsmasqConf(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^([a-z][a-z0-9-]*)(=.*)?$"));
    bool any = false;
    for (QString l : text.split(QLatin1Char('\n'))) {
        l = l.trimmed();
        if (l.isEmpty() || l.startsWith(QLatin1Char('#')))
            continue;
        const QRegularExpressionMatch m = re.match(l);
        if (!m.hasMatch() || !findLong(m.captured(1)))
            return false;
        any = true;
    }
    return any;
}

}  // namespace netloom::importer
