// SPDX-License-Identifier: GPL-3.0-or-later
// The NAT doctor's analysis (core/doctor/) against recorded `nft -j list ruleset` and
// `iptables-legacy-save` outputs (tests/doctor/data/, recorded in namespaces set up as a
// Docker host, a host with a firewalld-like table plus a drop-policy table of its own, and
// a plain host with Netloom's table), and the facts' strict JSON round trip.
#include "doctor/doctor.h"
#include "doctor/firewall.h"
#include "doctor/forwardcheck.h"
#include "protocol/diagnose.h"
#include "protocol/message.h"

#include <QFile>
#include <QJsonDocument>
#include <QtTest>

using namespace netloom;
using namespace netloom::doctor;
using namespace netloom::protocol;

namespace {

QByteArray data(const char *name)
{
    QFile f(QStringLiteral(NETLOOM_SOURCE_DIR "/tests/doctor/data/") + QLatin1String(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing test data %s", name);
    return f.readAll();
}

DiagnoseRequest request(bool bridge = false, const QString &uplink = QStringLiteral("eth+"))
{
    DiagnoseRequest r;
    r.gateways.append(DiagnoseGateway{QStringLiteral("loomgw0"), QStringLiteral("10.0.2.0/24"), {uplink}, true, bridge});
    return r;
}

// A healthy host: forwarding on, eth0 matched with the default route, nothing else.
DiagnoseFacts healthy()
{
    DiagnoseFacts f;
    f.ipv4Forward = 1;
    f.ipv6Forward = 0;
    f.links = {LinkFacts{QStringLiteral("loomgw0"), true, true, {QStringLiteral("10.0.2.1/24")}, 0, {}},
               LinkFacts{QStringLiteral("eth0"), true, true, {QStringLiteral("192.168.1.5/24")}, 0, {}}};
    f.matches = {PatternMatch{QStringLiteral("eth+"), {QStringLiteral("eth0")}}};
    f.defaultRoutes = {RouteFacts{QStringLiteral("eth0"), QStringLiteral("192.168.1.1")}};
    f.rpFilterAll = 0;
    f.rpFilterDefault = 0;
    f.nftRan = true;
    f.nftJson = QString::fromUtf8(data("plain.json"));
    f.bridgeNfCallIptables = -1;
    f.resolvConf = QStringLiteral("/etc/resolv.conf");
    f.nameservers = {QStringLiteral("192.168.1.1")};
    return f;
}

QStringList nonOk(const Report &r)
{
    QStringList ids;
    for (const Finding &f : r.findings)
        if (f.severity != Severity::Ok)
            ids << f.id + u'=' + severityName(f.severity);
    return ids;
}

}  // namespace

class TestDoctor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void healthyHostHasNothingBlocking()
    {
        // Only Netloom's own table (it is never a culprit).
        DiagnoseFacts f = healthy();
        Ruleset rs = *parseNftJson(data("plain.json"));
        QCOMPARE(rs.tables.size(), 2);
        QVERIFY(rs.tables.first().isNetloom());
        f.nftJson = QString::fromUtf8(data("plain.json")).section(QStringLiteral("{\"table\": {\"family\": \"inet\""), 0, 0);
        f.nftJson = f.nftJson.trimmed().chopped(1) + QStringLiteral("]}");
        QVERIFY2(parseNftJson(f.nftJson.toUtf8()), qPrintable(f.nftJson.right(200)));
        const Report r = analyze(request(), f);
        QVERIFY2(!r.blocking(), qPrintable(toText(r)));
        QCOMPARE(nonOk(r).join(u' '), QString());
        QVERIFY(r.find(QStringLiteral("firewall")));
        QVERIFY(repairsOf(r).isEmpty());
        // With table inet plain: replies from 192.168.77.0/24 would be rejected — a
        // "may drop" warning that names the rule, not a blocker.
        const Report p = analyze(request(), healthy());
        QCOMPARE(nonOk(p).join(u' '), QStringLiteral("firewall:nft:inet:plain:forwarding=warning"));
        QCOMPARE(p.find(QStringLiteral("firewall:nft:inet:plain:forwarding"))->evidence,
                 QStringLiteral("inet plain forwarding: ip saddr 192.168.77.0/24 reject"));
        QVERIFY(!p.blocking());
    }

    void plainTableDropsOnlyWhatItNames()
    {
        // Table inet plain drops iifname "eth9" and rejects 192.168.77.0/24: a gateway on
        // that subnet is hit (the reject), others are not; ip netloom is never a culprit.
        DiagnoseRequest req = request();
        req.gateways.first().subnet = QStringLiteral("192.168.77.0/24");
        const Report r = analyze(req, healthy());
        const Finding *f = r.find(QStringLiteral("firewall:nft:inet:plain:forwarding"));
        QVERIFY2(f, qPrintable(toText(r)));
        QCOMPARE(f->severity, Severity::Blocking);
        QCOMPARE(f->evidence, QStringLiteral("inet plain forwarding: ip saddr 192.168.77.0/24 reject"));
        for (const Finding &x : r.findings)
            QVERIFY(!x.id.contains(QLatin1String("netloom")));
        // A subnet that only overlaps the rejected one: "may drop", a warning.
        req.gateways.first().subnet = QStringLiteral("192.168.0.0/16");
        const Report maybe = analyze(req, healthy());
        const Finding *m = maybe.find(QStringLiteral("firewall:nft:inet:plain:forwarding"));
        QVERIFY(m);
        QCOMPARE(m->severity, Severity::Warning);
        QVERIFY(m->cause.contains(QLatin1String("may drop")));
    }

    void dockerForwardDropIsNamedAndRepairedInDockerUser()
    {
        DiagnoseFacts f = healthy();
        f.nftJson = QString::fromUtf8(data("docker.json"));
        const Report r = analyze(request(), f);
        QVERIFY(r.blocking());
        const Finding *x = r.find(QStringLiteral("firewall:iptables-nft:ip:filter:FORWARD"));
        QVERIFY2(x, qPrintable(toText(r)));
        QCOMPARE(x->severity, Severity::Blocking);
        QCOMPARE(x->evidence, QStringLiteral("iptables-nft filter FORWARD: policy drop"));
        QVERIFY(x->cause.contains(QLatin1String("Docker")));
        QVERIFY(x->repairable);
        QCOMPARE(x->repairs.size(), 1);
        const FilterAcceptSpec want{FilterAcceptSpec::Backend::IptablesNft, QStringLiteral("ip"), QStringLiteral("filter"),
                                    QStringLiteral("DOCKER-USER"), QStringLiteral("loomgw0"), true};
        QCOMPARE(x->repairs.first(), want);
        QCOMPARE(repairsOf(r), QList<FilterAcceptSpec>{want});
        // Docker's own docker0 traffic is not ours; its nat table has no forward hook.
        QCOMPARE(nonOk(r), QStringList{QStringLiteral("firewall:iptables-nft:ip:filter:FORWARD=blocking")});
        // The same with iptables-nft-save's view of the table (what the helper sends too).
        f.iptablesNftPresent = true;
        f.iptablesNft = QString::fromUtf8(data("docker.save"));
        const Report viaSave = analyze(request(), f);
        QCOMPARE(nonOk(viaSave), QStringList{QStringLiteral("firewall:iptables-nft:ip:filter:FORWARD=blocking")});
        QCOMPARE(viaSave.find(QStringLiteral("firewall:iptables-nft:ip:filter:FORWARD"))->repairs, QList<FilterAcceptSpec>{want});
        // After the repair (the helper's two rules at the top of DOCKER-USER) nothing blocks,
        // in either direction.
        f.iptablesNft.replace(QStringLiteral("-A DOCKER-USER -j RETURN"),
                              QStringLiteral("-A DOCKER-USER -i loomgw0 -m comment --comment netloom:doc -j ACCEPT\n"
                                             "-A DOCKER-USER -o loomgw0 -m conntrack --ctstate RELATED,ESTABLISHED -m comment "
                                             "--comment netloom:doc -j ACCEPT\n-A DOCKER-USER -j RETURN"));
        const Report repaired = analyze(request(), f);
        QVERIFY2(nonOk(repaired).isEmpty(), qPrintable(toText(repaired)));
    }

    void dropPolicyTableAndFirewalldLikeTable()
    {
        DiagnoseFacts f = healthy();
        f.nftJson = QString::fromUtf8(data("dropchains.json"));
        // eth0: firewalld-like table accepts (oifname "eth0" accept via goto/jump);
        // inet mywall (policy drop) drops.
        Report r = analyze(request(), f);
        QCOMPARE(nonOk(r), QStringList{QStringLiteral("firewall:nft:inet:mywall:forwarding=blocking")});
        const Finding *x = r.find(QStringLiteral("firewall:nft:inet:mywall:forwarding"));
        QCOMPARE(x->evidence, QStringLiteral("inet mywall forwarding: policy drop"));
        QCOMPARE(x->repairs.first().backend, FilterAcceptSpec::Backend::Nft);
        QCOMPARE(x->repairs.first().chain, QStringLiteral("forwarding"));
        // Uplink eth1: the firewalld-like chain reaches its final reject.
        f.matches = {PatternMatch{QStringLiteral("eth1"), {QStringLiteral("eth1")}}};
        f.defaultRoutes = {RouteFacts{QStringLiteral("eth1"), QStringLiteral("192.168.1.1")}};
        r = analyze(request(false, QStringLiteral("eth1")), f);
        const Finding *fw = r.find(QStringLiteral("firewall:nft:inet:firewalld:filter_FORWARD"));
        QVERIFY2(fw, qPrintable(toText(r)));
        QCOMPARE(fw->severity, Severity::Blocking);
        QVERIFY2(fw->evidence.endsWith(QLatin1String("reject")), qPrintable(fw->evidence));
        // The replies come back "established" and are accepted by its first rule, so only
        // the way out is named.
        QVERIFY(fw->cause.contains(QLatin1String("traffic out")));
        QVERIFY(!fw->cause.contains(QLatin1String("replies")));
    }

    void ourRepairRulesMakeTheChainAccept()
    {
        // The Docker ruleset after the repair: the chain accepts, nothing blocks.
        Ruleset rs = *parseNftJson(data("docker.json"));
        FwTable &t = rs.tables.first();
        QCOMPARE(t.backend, FilterAcceptSpec::Backend::IptablesNft);
        FwChain *user = nullptr;
        for (FwChain &c : t.chains)
            if (c.name == QLatin1String("DOCKER-USER"))
                user = &c;
        QVERIFY(user);
        FwRule in;
        in.matches = {FwMatch{FwMatch::Kind::Iifname, false, {QStringLiteral("loomgw0")}, {}}};
        in.verdict.kind = FwVerdict::Kind::Accept;
        user->rules.prepend(in);
        const FwChain *fwd = t.chain(QStringLiteral("FORWARD"));
        const FwOutcome out = evaluateChain(t, *fwd, FwPacket{QStringLiteral("loomgw0"), QStringLiteral("eth0"),
                                                              QStringLiteral("10.0.2.0/24"), {}, QStringLiteral("new")});
        QCOMPARE(out.kind, FwOutcome::Kind::Accept);
        // The reply direction is still dropped without the second rule.
        const FwOutcome back = evaluateChain(t, *fwd, FwPacket{QStringLiteral("eth0"), QStringLiteral("loomgw0"), {},
                                                               QStringLiteral("10.0.2.0/24"), QStringLiteral("established")});
        QCOMPARE(back.kind, FwOutcome::Kind::Drop);
    }

    void legacyIptables()
    {
        DiagnoseFacts f = healthy();
        f.iptablesLegacyPresent = true;
        f.iptablesLegacy = QString::fromUtf8(data("legacy.save"));
        const Report r = analyze(request(), f);
        const Finding *x = r.find(QStringLiteral("firewall:iptables-legacy:ip:filter:FORWARD"));
        QVERIFY2(x, qPrintable(toText(r)));
        // "-p tcp --dport 22 -j ACCEPT" cannot be evaluated: the policy drop is a "may drop".
        QCOMPARE(x->severity, Severity::Warning);
        QCOMPARE(x->repairs.first().backend, FilterAcceptSpec::Backend::IptablesLegacy);
        QCOMPARE(x->repairs.first().chain, QStringLiteral("FORWARD"));
    }

    void forwardingOff()
    {
        DiagnoseFacts f = healthy();
        f.ipv4Forward = 0;
        const Report r = analyze(request(), f);
        const Finding *x = r.find(QStringLiteral("ip-forward"));
        QCOMPARE(x->severity, Severity::Blocking);
        QCOMPARE(x->evidence, QStringLiteral("net.ipv4.ip_forward = 0"));
        QVERIFY(forwardingRepairOf(r));
    }

    void uplinkMatchesNothingOrLacksTheDefaultRoute()
    {
        DiagnoseFacts f = healthy();
        f.matches = {PatternMatch{QStringLiteral("eth+"), {}}};
        f.defaultRoutes = {RouteFacts{QStringLiteral("wlan0"), QStringLiteral("192.168.1.1")}};
        Report r = analyze(request(), f);
        const Finding *x = r.find(QStringLiteral("uplink:loomgw0"));
        QCOMPARE(x->severity, Severity::Blocking);
        QVERIFY(x->cause.contains(QLatin1String("matches no interface")));
        QVERIFY(x->fix.contains(QLatin1String("wlan0")));
        QVERIFY(!x->repairable);
        f.matches = {PatternMatch{QStringLiteral("eth+"), {QStringLiteral("eth0")}}};
        r = analyze(request(), f);
        x = r.find(QStringLiteral("uplink:loomgw0"));
        QCOMPARE(x->severity, Severity::Blocking);
        QVERIFY(x->cause.contains(QLatin1String("none of them has the default route")));
        QCOMPARE(x->evidence, QStringLiteral("default via 192.168.1.1 dev wlan0"));
    }

    void brNetfilterOnABridgeGateway()
    {
        DiagnoseFacts f = healthy();
        f.nftJson = QString::fromUtf8(data("docker.json"));
        f.bridgeNfCallIptables = 1;
        const Report r = analyze(request(true), f);
        const Finding *x = r.find(QStringLiteral("br-netfilter"));
        QCOMPARE(x->severity, Severity::Blocking);
        QVERIFY(x->cause.contains(QLatin1String("iptables-nft filter FORWARD")));
        QVERIFY(x->repairable);
        QVERIFY(r.find(QStringLiteral("firewall:iptables-nft:ip:filter:FORWARD"))->cause.contains(QLatin1String("bridged")));
        // Not a bridge, or the sysctl off: not relevant.
        QCOMPARE(analyze(request(false), f).find(QStringLiteral("br-netfilter"))->severity, Severity::Ok);
        f.bridgeNfCallIptables = 0;
        QCOMPARE(analyze(request(true), f).find(QStringLiteral("br-netfilter"))->severity, Severity::Ok);
    }

    void firewalldRpFilterDnsProbe()
    {
        DiagnoseFacts f = healthy();
        f.firewalldRunning = true;
        f.links[0].firewalldZone = QStringLiteral("public");
        f.links[1].rpFilter = 1;
        f.nameservers = {QStringLiteral("127.0.0.53")};
        f.resolvedUpstreams = {QStringLiteral("9.9.9.9")};
        f.probe = ProbeFacts{true, QStringLiteral("icmp"), QStringLiteral("10.0.2.1"), QStringLiteral("192.168.1.1"), false, -1,
                             QStringLiteral("no echo reply within 3000 ms")};
        f.nftJson = QStringLiteral("{\"nftables\": []}");
        const Report r = analyze(request(), f);
        QCOMPARE(nonOk(r), (QStringList{QStringLiteral("firewalld:loomgw0=warning"), QStringLiteral("rp-filter:eth0=warning"),
                                        QStringLiteral("dns=warning"), QStringLiteral("probe=warning")}));
        QVERIFY(r.find(QStringLiteral("firewalld:loomgw0"))->cause.contains(QLatin1String("'public'")));
        QVERIFY(r.find(QStringLiteral("dns"))->cause.contains(QLatin1String("systemd-resolved")));
        QVERIFY(r.find(QStringLiteral("dns"))->fix.contains(QLatin1String("9.9.9.9")));
        QVERIFY(!r.blocking());
    }

    void factsAndRequestRoundTripStrictly()
    {
        DiagnoseFacts f = healthy();
        f.probe.ran = true;
        f.probe.target = QStringLiteral("1.2.3.4");
        auto back = diagnoseFactsFromJson(toJson(f));
        QVERIFY2(back, back ? "" : qPrintable(back.error().message));
        QCOMPARE(*back, f);
        QJsonObject bad = toJson(f);
        bad.insert(QStringLiteral("surprise"), 1);
        QVERIFY(!diagnoseFactsFromJson(bad));
        bad = toJson(f);
        bad.insert(QStringLiteral("ipv4Forward"), QStringLiteral("1"));
        QVERIFY(!diagnoseFactsFromJson(bad));

        const DiagnoseRequest req = request(true);
        auto rq = diagnoseRequestFromJson(toJson(req));
        QVERIFY(rq);
        QCOMPARE(*rq, req);
        DiagnoseRequest hostile = req;
        hostile.gateways.first().ifname = QStringLiteral("eth0");  // not one of ours
        QVERIFY(!diagnoseRequestFromJson(toJson(hostile)));
        hostile = req;
        hostile.gateways.first().uplinks = {QStringLiteral("eth0;reboot")};
        QVERIFY(!diagnoseRequestFromJson(toJson(hostile)));
        hostile = req;
        hostile.probeTarget = QStringLiteral("example.com");
        QVERIFY(!diagnoseRequestFromJson(toJson(hostile)));

        // The ops through the request codec.
        Request r;
        r.id = 7;
        r.op = Op::Repair;
        r.network = QStringLiteral("demo");
        r.repairs = {FilterAcceptSpec{FilterAcceptSpec::Backend::IptablesNft, QStringLiteral("ip"), QStringLiteral("filter"),
                                      QStringLiteral("DOCKER-USER"), QStringLiteral("loomgw0"), true}};
        r.repairForwarding = true;
        qint64 id = 0;
        auto dec = decodeRequest(QJsonDocument(encodeRequest(r)).toJson(), &id);
        QVERIFY2(dec, dec ? "" : qPrintable(dec.error().message));
        QCOMPARE(dec->repairs, r.repairs);
        QVERIFY(dec->repairForwarding);
        r.op = Op::Diagnose;
        r.diagnose = req;
        dec = decodeRequest(QJsonDocument(encodeRequest(r)).toJson(), &id);
        QVERIFY(dec);
        QCOMPARE(dec->diagnose, req);
    }

    void textAndJson()
    {
        DiagnoseFacts f = healthy();
        f.ipv4Forward = 0;
        const Report r = analyze(request(), f);
        const QString text = toText(r);
        QVERIFY(text.contains(QLatin1String("[FAIL] ip-forward")));
        QVERIFY(text.contains(QLatin1String("[repairable: --fix]")));
        const QJsonObject j = toJson(r);
        QCOMPARE(j.value(QStringLiteral("blocking")).toBool(), true);
        QCOMPARE(j.value(QStringLiteral("findings")).toArray().first().toObject().value(QStringLiteral("severity")).toString(),
                 QStringLiteral("blocking"));
    }
};

QTEST_GUILESS_MAIN(TestDoctor)
#include "test_doctor.moc"
