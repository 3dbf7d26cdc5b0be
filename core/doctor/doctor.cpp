// SPDX-License-Identifier: GPL-3.0-or-later
#include "doctor.h"

#include "firewall.h"
#include "forwardcheck.h"

#include <QJsonArray>
#include <QSet>

#include <list>

namespace netloom::doctor {

using namespace protocol;

namespace {

Finding make(const QString &id, Severity s, const QString &cause, const QString &evidence = {}, const QString &fix = {})
{
    Finding f;
    f.id = id;
    f.severity = s;
    f.cause = cause;
    f.evidence = evidence;
    f.fix = fix;
    return f;
}

const LinkFacts *link(const DiagnoseFacts &f, const QString &name)
{
    for (const LinkFacts &l : f.links)
        if (l.name == name)
            return &l;
    return nullptr;
}

QStringList matchedUplinks(const DiagnoseGateway &g, const DiagnoseFacts &f)
{
    QStringList out;
    for (const QString &pattern : g.uplinks)
        for (const PatternMatch &m : f.matches)
            if (m.pattern == pattern)
                for (const QString &n : m.interfaces)
                    if (!out.contains(n))
                        out << n;
    return out;
}

QStringList routedUplinks(const DiagnoseGateway &g, const DiagnoseFacts &f)
{
    QStringList out;
    for (const QString &n : matchedUplinks(g, f))
        for (const RouteFacts &r : f.defaultRoutes)
            if (r.ifname == n && !out.contains(n))
                out << n;
    return out;
}

QString routesText(const DiagnoseFacts &f)
{
    QStringList r;
    for (const RouteFacts &d : f.defaultRoutes)
        r << (d.gateway.isEmpty() ? QStringLiteral("default dev %1").arg(d.ifname)
                                  : QStringLiteral("default via %1 dev %2").arg(d.gateway, d.ifname));
    return r.isEmpty() ? QStringLiteral("no IPv4 default route") : r.join(QStringLiteral("; "));
}

void forwarding(Report &rep, const DiagnoseFacts &f)
{
    if (f.ipv4Forward == 1) {
        rep.findings << make(QStringLiteral("ip-forward"), Severity::Ok, QStringLiteral("IPv4 forwarding is on."),
                             QStringLiteral("net.ipv4.ip_forward = 1"));
        return;
    }
    if (f.ipv4Forward < 0) {
        rep.findings << make(QStringLiteral("ip-forward"), Severity::Warning,
                             QStringLiteral("The helper could not read net.ipv4.ip_forward."), QString(),
                             QStringLiteral("Check /proc/sys/net/ipv4/ip_forward by hand."));
        return;
    }
    Finding x = make(QStringLiteral("ip-forward"), Severity::Blocking,
                     QStringLiteral("IPv4 forwarding is off, so the host routes no packet between the guests and the uplink."),
                     QStringLiteral("net.ipv4.ip_forward = %1").arg(f.ipv4Forward),
                     QStringLiteral("Netloom turns it on when it starts a NAT network; if something switched it off since, "
                                    "the repair turns it on again (the value found before is restored when the last "
                                    "network stops)."));
    x.repairable = true;
    x.repairForwarding = true;
    rep.findings << x;
}

void uplinks(Report &rep, const DiagnoseRequest &req, const DiagnoseFacts &f)
{
    for (const DiagnoseGateway &g : req.gateways) {
        const QString id = QStringLiteral("uplink:") + g.ifname;
        const QStringList matched = matchedUplinks(g, f);
        const QStringList routed = routedUplinks(g, f);
        QStringList defaults;
        for (const RouteFacts &r : f.defaultRoutes)
            if (!defaults.contains(r.ifname))
                defaults << r.ifname;
        const QString patterns = g.uplinks.join(QStringLiteral(", "));
        const QString suggest = defaults.isEmpty()
            ? QStringLiteral("Give the host a default route (connect it to a network) first.")
            : QStringLiteral("Set the gateway's uplink to '%1' (the interface with the default route).").arg(defaults.first());
        if (matched.isEmpty()) {
            rep.findings << make(id, Severity::Blocking,
                                 QStringLiteral("The uplink pattern '%1' of gateway %2 matches no interface of this host, so "
                                                "nothing is masqueraded or forwarded.").arg(patterns, g.ifname),
                                 QStringLiteral("uplinks: %1; %2").arg(patterns, routesText(f)), suggest);
        } else if (routed.isEmpty()) {
            rep.findings << make(id, Severity::Blocking,
                                 QStringLiteral("The uplink pattern '%1' of gateway %2 matches %3, but none of them has the "
                                                "default route, so the guests' traffic leaves elsewhere without NAT.")
                                     .arg(patterns, g.ifname, matched.join(QStringLiteral(", "))),
                                 routesText(f), suggest);
        } else {
            QStringList down;
            for (const QString &n : routed)
                if (const LinkFacts *l = link(f, n); l && !l->up)
                    down << n;
            if (!down.isEmpty())
                rep.findings << make(id, Severity::Blocking,
                                     QStringLiteral("The uplink %1 of gateway %2 is down.").arg(down.join(QStringLiteral(", ")), g.ifname),
                                     routesText(f), QStringLiteral("Bring the interface up (ip link set %1 up).").arg(down.first()));
            else
                rep.findings << make(id, Severity::Ok,
                                     QStringLiteral("Gateway %1 reaches the uplink %2, which has the default route.")
                                         .arg(g.ifname, routed.join(QStringLiteral(", "))),
                                     routesText(f));
        }
    }
}

QString directionText(int d)
{
    switch (d) {
    case 0: return QStringLiteral("the guests' traffic out");
    case 1: return QStringLiteral("the replies coming back");
    default: return QStringLiteral("frames bridged between guests (br_netfilter)");
    }
}

struct ChainVerdict {
    const FwTable *table = nullptr;
    const FwChain *chain = nullptr;
    FwOutcome::Kind worst = FwOutcome::Kind::Accept;
    QString evidence;
    QStringList directions;
    QStringList gateways;      // affected gateway interfaces
    bool bridged = false;      // a bridged frame is affected
};

// Where the repair goes: Docker's DOCKER-USER when FORWARD jumps to it, else the chain itself.
QString repairChain(const FwTable &t, const FwChain &c)
{
    if (t.backend != FilterAcceptSpec::Backend::Nft && c.name == QLatin1String("FORWARD") && t.chain(QStringLiteral("DOCKER-USER")))
        for (const FwRule &r : c.rules)
            if (r.verdict.kind == FwVerdict::Kind::Jump && r.verdict.target == QLatin1String("DOCKER-USER") && r.matches.isEmpty())
                return QStringLiteral("DOCKER-USER");
    return c.name;
}

bool isDocker(const FwTable &t)
{
    return t.backend != FilterAcceptSpec::Backend::Nft && t.chain(QStringLiteral("DOCKER-USER"));
}

void evaluateTables(const Ruleset &rs, const DiagnoseRequest &req, const DiagnoseFacts &f, QList<ChainVerdict> *out, int *checked)
{
    for (const FwTable &t : rs.tables) {
        if (t.isNetloom() || (t.family != QLatin1String("ip") && t.family != QLatin1String("inet")))
            continue;
        for (const FwChain &c : t.chains) {
            if (!c.base || c.hook != QLatin1String("forward"))
                continue;
            ++*checked;
            ChainVerdict v{&t, &c, FwOutcome::Kind::Accept, {}, {}, {}, false};
            for (const DiagnoseGateway &g : req.gateways) {
                QStringList ups = routedUplinks(g, f);
                if (ups.isEmpty())
                    ups = matchedUplinks(g, f);
                if (ups.isEmpty())
                    ups << QString();  // unknown: interface matches are uncertain
                QList<std::pair<int, FwPacket>> packets;
                for (const QString &u : ups) {
                    packets.append({0, FwPacket{g.ifname, u, g.subnet, QString(), QStringLiteral("new")}});
                    packets.append({1, FwPacket{u, g.ifname, QString(), g.subnet,
                                                g.masquerade ? QStringLiteral("established") : QStringLiteral("new")}});
                }
                if (g.bridge && f.bridgeNfCallIptables == 1)
                    packets.append({2, FwPacket{g.ifname, g.ifname, g.subnet, g.subnet, QStringLiteral("new")}});
                for (const auto &[dir, p] : packets) {
                    const FwOutcome o = evaluateChain(t, c, p);
                    if (o.kind == FwOutcome::Kind::Accept)
                        continue;
                    if (v.worst == FwOutcome::Kind::Accept || (o.kind == FwOutcome::Kind::Drop && v.worst == FwOutcome::Kind::MayDrop)) {
                        v.worst = o.kind;
                        v.evidence = o.evidence;
                    }
                    if (!v.directions.contains(directionText(dir)))
                        v.directions << directionText(dir);
                    if (!v.gateways.contains(g.ifname))
                        v.gateways << g.ifname;
                    v.bridged = v.bridged || dir == 2;
                }
            }
            if (v.worst != FwOutcome::Kind::Accept)
                out->append(v);
        }
    }
}

Finding chainFinding(const ChainVerdict &v, const DiagnoseRequest &req)
{
    const FwTable &t = *v.table;
    const bool drop = v.worst == FwOutcome::Kind::Drop;
    const QString id = QStringLiteral("firewall:%1:%2:%3:%4").arg(filterBackendName(t.backend), t.family, t.name, v.chain->name);
    const QString target = repairChain(t, *v.chain);
    QString who = QStringLiteral("The forward chain '%1' of %2").arg(v.chain->name, t.describe());
    if (isDocker(t))
        who = QStringLiteral("Docker's firewall (iptables %1 %2, managed by Docker)").arg(t.name, v.chain->name);
    const QString cause = QStringLiteral("%1 %2 %3 of %4.")
                              .arg(who, drop ? QStringLiteral("drops") : QStringLiteral("may drop (not every rule on the way can be evaluated)"),
                                   v.directions.join(QStringLiteral(" and ")), v.gateways.join(QStringLiteral(", ")));
    QString fix = QStringLiteral("Netloom's repair inserts, at the top of %1 %2, accept rules for %3 only "
                                 "(iifname, and oifname for established/related replies), commented \"netloom:<network>\" and "
                                 "removed when the network stops; the chain's policy and other rules stay as they are.")
                      .arg(t.describe(), target, v.gateways.join(QStringLiteral(", ")));
    if (isDocker(t))
        fix += QStringLiteral(" (Docker keeps DOCKER-USER for exactly this.)");
    Finding x = make(id, drop ? Severity::Blocking : Severity::Warning, cause, v.evidence, fix);
    x.repairable = true;
    for (const DiagnoseGateway &g : req.gateways)
        if (v.gateways.contains(g.ifname))
            x.repairs.append(FilterAcceptSpec{t.backend, t.family, t.name, target, g.ifname, g.masquerade});
    return x;
}

// `rulesets` owns what the verdicts point into (a std::list: stable addresses).
void firewall(Report &rep, const DiagnoseRequest &req, const DiagnoseFacts &f, std::list<Ruleset> *rulesets,
              QList<ChainVerdict> *verdicts)
{
    int checked = 0;
    if (!f.nftRan) {
        rep.findings << make(QStringLiteral("firewall:nft"), Severity::Warning,
                             QStringLiteral("The helper could not read the nftables ruleset, so other firewalls were not checked."),
                             f.nftError, QStringLiteral("Install nftables (nft) on the host."));
    } else if (f.nftTruncated) {
        rep.findings << make(QStringLiteral("firewall:nft"), Severity::Warning,
                             QStringLiteral("The nftables ruleset is larger than %1 bytes; it was not checked.").arg(DiagnoseLimits::kMaxNftBytes),
                             QString(), QStringLiteral("Check the forward chains by hand: nft list ruleset."));
    } else {
        auto rs = parseNftJson(f.nftJson.toUtf8());
        if (!rs)
            rep.findings << make(QStringLiteral("firewall:nft"), Severity::Warning, QStringLiteral("The nftables ruleset could not be read."),
                                 rs.error().message, QStringLiteral("Check the forward chains by hand: nft list ruleset."));
        else {
            Ruleset nft = std::move(rs).value();
            // iptables-nft's filter table: read from iptables-nft-save when it is there (the
            // JSON hides its conntrack and comment matches).
            if (f.iptablesNftPresent && !f.iptablesNftTruncated && !f.iptablesNft.trimmed().isEmpty())
                if (auto ipt = parseIptablesSave(f.iptablesNft, FilterAcceptSpec::Backend::IptablesNft); ipt)
                    for (FwTable &t : nft.tables)
                        if (t.backend == FilterAcceptSpec::Backend::IptablesNft && t.name == QLatin1String("filter"))
                            for (const FwTable &better : ipt->tables)
                                t = better;
            evaluateTables(rulesets->emplace_back(std::move(nft)), req, f, verdicts, &checked);
        }
    }
    if (f.iptablesLegacyPresent && !f.iptablesLegacy.trimmed().isEmpty()) {
        auto rs = parseIptablesSave(f.iptablesLegacy);
        if (!rs || f.iptablesLegacyTruncated)
            rep.findings << make(QStringLiteral("firewall:iptables-legacy"), Severity::Warning,
                                 QStringLiteral("The legacy iptables rules could not be read."),
                                 rs ? QStringLiteral("output cut at %1 bytes").arg(DiagnoseLimits::kMaxIptablesBytes) : rs.error().message,
                                 QStringLiteral("Check them by hand: iptables-legacy-save."));
        else
            evaluateTables(rulesets->emplace_back(std::move(rs).value()), req, f, verdicts, &checked);
    }
    for (const ChainVerdict &v : std::as_const(*verdicts))
        rep.findings << chainFinding(v, req);
    if (verdicts->isEmpty())
        rep.findings << make(QStringLiteral("firewall"), Severity::Ok,
                             QStringLiteral("No other firewall's forward chain drops the network's traffic (%1 chain(s) checked; "
                                            "Netloom's own table ip netloom is not counted).").arg(checked));
}

void brNetfilter(Report &rep, const DiagnoseRequest &req, const DiagnoseFacts &f, const QList<ChainVerdict> &verdicts)
{
    QStringList bridges;
    for (const DiagnoseGateway &g : req.gateways)
        if (g.bridge)
            bridges << g.ifname;
    const QString evidence = f.bridgeNfCallIptables < 0
        ? QStringLiteral("/proc/sys/net/bridge/bridge-nf-call-iptables does not exist (br_netfilter not loaded)")
        : QStringLiteral("net.bridge.bridge-nf-call-iptables = %1").arg(f.bridgeNfCallIptables);
    if (bridges.isEmpty() || f.bridgeNfCallIptables != 1) {
        rep.findings << make(QStringLiteral("br-netfilter"), Severity::Ok,
                             bridges.isEmpty() ? QStringLiteral("No gateway is a kernel bridge, so br_netfilter does not matter.")
                                               : QStringLiteral("Bridged frames do not pass the IPv4 firewall."),
                             evidence);
        return;
    }
    Finding x = make(QStringLiteral("br-netfilter"), Severity::Ok,
                     QStringLiteral("br_netfilter passes frames bridged on %1 through the IPv4 forward chains; none drops them.")
                         .arg(bridges.join(QStringLiteral(", "))),
                     evidence);
    QStringList culprits;
    for (const ChainVerdict &v : verdicts)
        if (v.bridged) {
            culprits << QStringLiteral("%1 %2").arg(v.table->describe(), v.chain->name);
            x.repairs += chainFinding(v, req).repairs;
        }
    if (!culprits.isEmpty()) {
        x.severity = Severity::Blocking;
        x.cause = QStringLiteral("br_netfilter passes frames bridged between the guests on %1 through the IPv4 forward chains, "
                                 "and %2 drops them, so guests on the same bridge cannot reach each other.")
                      .arg(bridges.join(QStringLiteral(", ")), culprits.join(QStringLiteral(", ")));
        x.fix = QStringLiteral("Netloom's repair accepts traffic of the bridge interface in those chains; alternatively "
                               "sysctl -w net.bridge.bridge-nf-call-iptables=0 (host-wide; Netloom does not change it).");
        x.repairable = true;
    }
    rep.findings << x;
}

void firewalld(Report &rep, const DiagnoseRequest &req, const DiagnoseFacts &f)
{
    if (!f.firewalldRunning) {
        rep.findings << make(QStringLiteral("firewalld"), Severity::Ok, QStringLiteral("firewalld is not running."));
        return;
    }
    for (const DiagnoseGateway &g : req.gateways) {
        const LinkFacts *l = link(f, g.ifname);
        const QString zone = l ? l->firewalldZone : QString();
        const QString id = QStringLiteral("firewalld:") + g.ifname;
        const QString fix = QStringLiteral("firewall-cmd --zone=trusted --change-interface=%1 (Netloom does not change "
                                           "firewalld's configuration; a firewalld reload also removes Netloom's repair rules "
                                           "in its table, so run the doctor again afterwards).").arg(g.ifname);
        if (zone == QLatin1String("trusted"))
            rep.findings << make(id, Severity::Ok, QStringLiteral("%1 is in firewalld's trusted zone.").arg(g.ifname),
                                 QStringLiteral("getZoneOfInterface(%1) = trusted").arg(g.ifname));
        else
            rep.findings << make(id, Severity::Warning,
                                 zone.isEmpty()
                                     ? QStringLiteral("firewalld is running and %1 is in no zone, so its default zone's "
                                                      "rules (often rejecting forwarded traffic) apply.").arg(g.ifname)
                                     : QStringLiteral("firewalld is running and %1 is in zone '%2', whose rules may reject "
                                                      "forwarded traffic.").arg(g.ifname, zone),
                                 QStringLiteral("getZoneOfInterface(%1) = %2").arg(g.ifname, zone.isEmpty() ? QStringLiteral("\"\"") : zone),
                                 fix);
    }
}

void rpFilter(Report &rep, const DiagnoseRequest &req, const DiagnoseFacts &f)
{
    QSet<QString> seen;
    for (const DiagnoseGateway &g : req.gateways)
        for (const QString &u : routedUplinks(g, f)) {
            if (seen.contains(u))
                continue;
            seen.insert(u);
            const LinkFacts *l = link(f, u);
            const int own = l ? l->rpFilter : -1;
            const int effective = qMax(f.rpFilterAll, own);
            const QString evidence = QStringLiteral("net.ipv4.conf.all.rp_filter = %1, net.ipv4.conf.%2.rp_filter = %3")
                                         .arg(f.rpFilterAll).arg(u).arg(own);
            if (effective == 1)
                rep.findings << make(QStringLiteral("rp-filter:") + u, Severity::Warning,
                                     QStringLiteral("Strict reverse-path filtering is on for the uplink %1: replies that arrive on "
                                                    "another interface than the route back are dropped.").arg(u),
                                     evidence,
                                     QStringLiteral("Usually harmless with one uplink; with several, use loose mode: "
                                                    "sysctl -w net.ipv4.conf.%1.rp_filter=2 (Netloom does not change it).").arg(u));
            else
                rep.findings << make(QStringLiteral("rp-filter:") + u, Severity::Ok,
                                     QStringLiteral("Reverse-path filtering on %1 is not strict.").arg(u), evidence);
        }
}

bool isLoopback(const QString &ns)
{
    return ns.startsWith(QLatin1String("127.")) || ns == QLatin1String("::1");
}

void dns(Report &rep, const DiagnoseFacts &f)
{
    QStringList lines;
    for (const QString &ns : f.nameservers)
        lines << QStringLiteral("nameserver ") + ns;
    const QString evidence = QStringLiteral("%1: %2").arg(f.resolvConf, lines.isEmpty() ? QStringLiteral("no nameserver line") : lines.join(QStringLiteral("; ")));
    if (f.nameservers.isEmpty()) {
        rep.findings << make(QStringLiteral("dns"), Severity::Warning,
                             QStringLiteral("dnsmasq has no upstream nameserver, so the guests' queries for outside names fail."),
                             evidence, QStringLiteral("Give the host a working %1.").arg(f.resolvConf));
        return;
    }
    QStringList loopback;
    for (const QString &ns : f.nameservers)
        if (isLoopback(ns))
            loopback << ns;
    if (loopback.isEmpty()) {
        rep.findings << make(QStringLiteral("dns"), Severity::Ok,
                             QStringLiteral("dnsmasq forwards the guests' queries to %1.").arg(f.nameservers.join(QStringLiteral(", "))),
                             evidence);
        return;
    }
    const bool stub = loopback.contains(QLatin1String("127.0.0.53"));
    QString fix = QStringLiteral("If guests get no answers, give dnsmasq a real upstream");
    if (!f.resolvedUpstreams.isEmpty())
        fix += QStringLiteral(" (systemd-resolved's own upstreams: %1, from /run/systemd/resolve/resolv.conf)")
                   .arg(f.resolvedUpstreams.join(QStringLiteral(", ")));
    fix += QStringLiteral("; never hand a loopback address to guests.");
    rep.findings << make(QStringLiteral("dns"), Severity::Warning,
                         QStringLiteral("dnsmasq forwards the guests' queries to the loopback resolver %1%2: that works only while "
                                        "it runs in the helper's network namespace and answers queries relayed for other hosts; "
                                        "the guests themselves can never reach it (their loopback is their own).")
                             .arg(loopback.join(QStringLiteral(", ")),
                                  stub ? QStringLiteral(" (systemd-resolved's stub)") : QString()),
                         evidence, fix);
}

void probe(Report &rep, const DiagnoseFacts &f)
{
    if (!f.probe.ran)
        return;
    if (f.probe.reached)
        rep.findings << make(QStringLiteral("probe"), Severity::Ok,
                             QStringLiteral("%1 answered a ping sent from the gateway address %2 in %3 ms.")
                                 .arg(f.probe.target, f.probe.source).arg(f.probe.rttMs),
                             QStringLiteral("icmp echo %1 -> %2").arg(f.probe.source, f.probe.target));
    else
        rep.findings << make(QStringLiteral("probe"), Severity::Warning,
                             QStringLiteral("A ping from the gateway address %1 to %2 got no answer.")
                                 .arg(f.probe.source.isEmpty() ? QStringLiteral("?") : f.probe.source,
                                      f.probe.target.isEmpty() ? QStringLiteral("?") : f.probe.target),
                             f.probe.error,
                             QStringLiteral("Check the findings above; the target may also ignore pings (try another with --probe)."));
}

}  // namespace

QString severityName(Severity s)
{
    switch (s) {
    case Severity::Ok: return QStringLiteral("ok");
    case Severity::Warning: return QStringLiteral("warning");
    case Severity::Blocking: return QStringLiteral("blocking");
    }
    return QStringLiteral("ok");
}

bool Report::blocking() const
{
    for (const Finding &f : findings)
        if (f.severity == Severity::Blocking)
            return true;
    return false;
}

bool Report::repairable() const
{
    for (const Finding &f : findings)
        if (f.severity != Severity::Ok && f.repairable)
            return true;
    return false;
}

const Finding *Report::find(const QString &id) const
{
    for (const Finding &f : findings)
        if (f.id == id)
            return &f;
    return nullptr;
}

DiagnoseRequest diagnoseRequestFor(const HostState &state)
{
    DiagnoseRequest r;
    for (const NatSpec &n : state.nat) {
        DiagnoseGateway g;
        g.ifname = n.ifname;
        g.subnet = n.subnet;
        g.uplinks = n.uplinks;
        g.masquerade = n.mode == NatSpec::Mode::Masquerade;
        for (const BridgeSpec &b : state.bridges)
            g.bridge = g.bridge || b.ifname == n.ifname;
        r.gateways.append(g);
    }
    return r;
}

Report analyze(const DiagnoseRequest &request, const DiagnoseFacts &facts)
{
    Report rep;
    forwarding(rep, facts);
    uplinks(rep, request, facts);
    std::list<Ruleset> rulesets;
    QList<ChainVerdict> verdicts;
    firewall(rep, request, facts, &rulesets, &verdicts);
    brNetfilter(rep, request, facts, verdicts);
    firewalld(rep, request, facts);
    rpFilter(rep, request, facts);
    dns(rep, facts);
    probe(rep, facts);
    return rep;
}

QList<FilterAcceptSpec> repairsOf(const Report &report)
{
    QList<FilterAcceptSpec> out;
    for (const Finding &f : report.findings)
        if (f.severity != Severity::Ok && f.repairable)
            for (const FilterAcceptSpec &s : f.repairs)
                if (!out.contains(s))
                    out.append(s);
    return out;
}

bool forwardingRepairOf(const Report &report)
{
    for (const Finding &f : report.findings)
        if (f.severity != Severity::Ok && f.repairForwarding)
            return true;
    return false;
}

QJsonObject toJson(const Report &report)
{
    QJsonArray list;
    for (const Finding &f : report.findings)
        list.append(QJsonObject{{QStringLiteral("id"), f.id},
                                {QStringLiteral("severity"), severityName(f.severity)},
                                {QStringLiteral("cause"), f.cause},
                                {QStringLiteral("evidence"), f.evidence},
                                {QStringLiteral("fix"), f.fix},
                                {QStringLiteral("repairable"), f.repairable && f.severity != Severity::Ok}});
    return QJsonObject{{QStringLiteral("blocking"), report.blocking()}, {QStringLiteral("findings"), list}};
}

QString toText(const Report &report)
{
    QString out;
    for (const Finding &f : report.findings) {
        const QString mark = f.severity == Severity::Ok ? QStringLiteral("[ok]  ")
            : f.severity == Severity::Warning           ? QStringLiteral("[warn]")
                                                        : QStringLiteral("[FAIL]");
        out += QStringLiteral("%1 %2\n       %3\n").arg(mark, f.id, f.cause);
        if (!f.evidence.isEmpty())
            out += QStringLiteral("       evidence: %1\n").arg(f.evidence);
        if (f.severity != Severity::Ok && !f.fix.isEmpty())
            out += QStringLiteral("       fix: %1%2\n").arg(f.fix, f.repairable ? QStringLiteral(" [repairable: --fix]") : QString());
    }
    return out;
}

}  // namespace netloom::doctor
