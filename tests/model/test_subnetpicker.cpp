// SPDX-License-Identifier: GPL-3.0-or-later
// The subnet picker (model/subnetpicker.h) and the validator's host-route warning
// (ValidationContext), both with made-up host facts (FixedHostNetReader / plain lists).
#include "common/testutil.h"
#include "model/allocator.h"
#include "model/subnetpicker.h"
#include "model/topologyjson.h"
#include "model/validator.h"

#include <QSet>
#include <QTest>

using namespace netloom;
using namespace netloom::model;
using protocol::Cidr;

namespace {

Cidr cidr(const char *text)
{
    Result<Cidr> c = Cidr::parse(QString::fromLatin1(text));
    if (!c)
        qFatal("bad test CIDR %s", text);
    return *c;
}

HostRoute route(const char *dst, const char *dev, std::uint32_t table = 254, const char *type = "unicast")
{
    return HostRoute{cidr(dst), QString::fromLatin1(dev), table, QString::fromLatin1(type)};
}

Topology demo()
{
    Result<Topology> t = loadTopologyFile(test::sourcePath(QStringLiteral("examples/demo.json")));
    if (!t.isOk())
        qFatal("cannot load demo.json: %s", qPrintable(t.error().message));
    return *t;
}

// Adds a gateway "gwN" with the suggestion for `t` on `host`; returns the suggestion.
Result<SubnetSuggestion> addGateway(Topology &t, const HostNetwork &host, const QList<TakenPrefix> &extra = {})
{
    Result<SubnetSuggestion> s = suggestSubnet(takenForNewGateway(host, t, extra));
    if (!s)
        return s;
    Node n;
    n.type = NodeType::HostPort;
    n.id = QStringLiteral("gw%1").arg(t.nodes.size());
    n.name = n.id;
    applySuggestion(*s, &n.hostPort);
    t.nodes.append(n);
    return s;
}

QList<Issue> hostRouteIssues(const QList<Issue> &issues)
{
    QList<Issue> out;
    for (const Issue &i : issues)
        if (i.message.contains(QLatin1String("overlaps the host's")))
            out.append(i);
    return out;
}

}  // namespace

class TestSubnetPicker : public QObject {
    Q_OBJECT

private slots:
    void candidatesAreBoundedDistinctAndAvoidDefaults()
    {
        const QList<Cidr> c = candidateSubnets();
        QCOMPARE(c.size(), subnetpicker::kCandidateCount);
        QSet<quint32> seen;
        for (const Cidr &x : c) {
            QCOMPARE(x.prefix, 24);
            QCOMPARE(x.address, x.network());
            QVERIFY2(!seen.contains(x.address.value), qPrintable(x.toString()));
            seen.insert(x.address.value);
            for (const TakenPrefix &a : avoidedSubnets())
                QVERIFY2(!a.prefix.overlaps(x), qPrintable(x.toString() + QStringLiteral(" is in ") + a.origin));
            QVERIFY2(!cidr("10.0.0.0/16").overlaps(x), qPrintable(x.toString()));
        }
        // The documented order: 10.200 first, then 172.31 after the 10/8 block, 192.168.254 last tier.
        QCOMPARE(c.first().toString(), QStringLiteral("10.200.0.0/24"));
        QCOMPARE(c[1].toString(), QStringLiteral("10.200.1.0/24"));
        QCOMPARE(c[8].toString(), QStringLiteral("10.201.0.0/24"));
        QCOMPARE(c[(254 - 16) * 8].toString(), QStringLiteral("172.31.0.0/24"));
        QCOMPARE(c[(254 - 16) * 8 + 15 * 8].toString(), QStringLiteral("192.168.254.0/24"));
        QCOMPARE(c.last().toString(), QStringLiteral("192.168.1.0/24"));
    }

    void emptyHostGetsFirstCandidateWithHouseDhcpRange()
    {
        Result<SubnetSuggestion> s = suggestSubnet({});
        QVERIFY2(s, s ? "" : qPrintable(s.error().message));
        QCOMPARE(s->subnet.toString(), QStringLiteral("10.200.0.0/24"));
        QCOMPARE(s->hostAddress.toString(), QStringLiteral("10.200.0.1/24"));
        QCOMPARE(s->dhcpStart.toString(), QStringLiteral("10.200.0.100"));
        QCOMPARE(s->dhcpEnd.toString(), QStringLiteral("10.200.0.199"));
        QCOMPARE(s->candidate, 0);

        // Applied to a gateway of demo.json, the validator has nothing to say about it.
        Topology t = demo();
        applySuggestion(*s, &t.node(QStringLiteral("gw"))->hostPort);
        const QList<Issue> issues = validate(t);
        QVERIFY2(!hasErrors(issues), qPrintable(issues.isEmpty() ? QString() : issues.first().message));
    }

    void skipsEverythingTaken()
    {
        HostNetwork host;
        host.addresses.append(HostAddress{QStringLiteral("eth0"), cidr("10.200.0.7/16")});   // whole 10.200/16
        host.routes.append(route("10.201.0.0/23", "wg0"));                                    // 10.201.0 and .1
        host.routes.append(route("10.201.2.5/32", "", 254, "blackhole"));                     // inside 10.201.2
        host.routes.append(route("10.0.0.0/7", "", 100, "unreachable"));                      // not 10/8 alone: 10/7
        Result<SubnetSuggestion> s = suggestSubnet(takenByHost(host));
        QVERIFY2(s, s ? "" : qPrintable(s.error().message));
        // 10/7 covers all of 10/8: the first free is the first 172 candidate.
        QCOMPARE(s->subnet.toString(), QStringLiteral("172.31.0.0/24"));

        host.routes.removeLast();
        s = suggestSubnet(takenByHost(host));
        QVERIFY(s);
        QCOMPARE(s->subnet.toString(), QStringLiteral("10.201.3.0/24"));
    }

    void fiveGatewaysInARowNeverCollide()
    {
        // A host in 10.0.0.0/8 with libvirt running: nothing in 10/8 or 192.168.122 may be picked.
        HostNetwork host;
        host.addresses.append(HostAddress{QStringLiteral("dummy0"), cidr("10.0.0.5/8")});
        host.addresses.append(HostAddress{QStringLiteral("virbr0"), cidr("192.168.122.1/24")});
        host.routes.append(route("10.0.0.0/8", "dummy0"));
        host.routes.append(route("192.168.122.0/24", "virbr0"));
        host.routes.append(route("172.31.0.0/16", "br-lab"));
        Topology t;
        t.name = QStringLiteral("five");
        QList<Cidr> picked;
        for (int k = 0; k < 5; ++k) {
            Result<SubnetSuggestion> s = addGateway(t, host);
            QVERIFY2(s, s ? "" : qPrintable(s.error().message));
            for (const TakenPrefix &tp : takenByHost(host))
                QVERIFY2(!tp.prefix.overlaps(s->subnet), qPrintable(s->subnet.toString() + QStringLiteral(" overlaps ") + tp.origin));
            for (const Cidr &p : picked)
                QVERIFY2(!p.overlaps(s->subnet), qPrintable(s->subnet.toString()));
            picked.append(s->subnet);
        }
        QCOMPARE(picked.first().toString(), QStringLiteral("172.30.0.0/24"));
        QCOMPARE(picked.last().toString(), QStringLiteral("172.30.4.0/24"));
        const QList<Issue> issues = validate(t, ValidationContext{host.routes});
        QVERIFY(hostRouteIssues(issues).isEmpty());
        for (const Issue &i : issues)
            QVERIFY2(i.severity == Issue::Severity::Warning, qPrintable(i.message));  // unlinked gateways: warnings only
    }

    void extraTakenAndOtherTopologies()
    {
        Topology other = demo();
        other.name = QStringLiteral("lab");
        other.node(QStringLiteral("gw"))->hostPort.address = QStringLiteral("10.200.0.1/24");
        QList<TakenPrefix> extra = takenByTopology(other, QStringLiteral("enabled topology 'lab'"));
        QCOMPARE(extra.size(), 1);
        QCOMPARE(extra.first().origin, QStringLiteral("gateway 'gw' of enabled topology 'lab'"));
        extra.append(TakenPrefix{cidr("10.200.1.0/24"), QStringLiteral("something else")});
        Topology t;
        Result<SubnetSuggestion> s = addGateway(t, HostNetwork{}, extra);
        QVERIFY(s);
        QCOMPARE(s->subnet.toString(), QStringLiteral("10.200.2.0/24"));
        s = addGateway(t, HostNetwork{}, extra);  // this topology's gw0 now takes 10.200.2
        QVERIFY(s);
        QCOMPARE(s->subnet.toString(), QStringLiteral("10.200.3.0/24"));
    }

    void nothingFreeIsAClearError()
    {
        QList<TakenPrefix> all{{cidr("10.0.0.0/8"), QStringLiteral("a")},
                               {cidr("172.16.0.0/12"), QStringLiteral("b")},
                               {cidr("192.168.0.0/16"), QStringLiteral("c")}};
        Result<SubnetSuggestion> s = suggestSubnet(all);
        QVERIFY(!s);
        QCOMPARE(s.error().code, ErrorCode::Conflict);
        QVERIFY2(s.error().message.startsWith(QLatin1String("failed to suggest 'a subnet': all ")), qPrintable(s.error().message));

        QList<TakenPrefix> tooMany(subnetpicker::kMaxTaken + 1, TakenPrefix{cidr("10.0.0.0/24"), QStringLiteral("x")});
        s = suggestSubnet(tooMany);
        QVERIFY(!s);
        QCOMPARE(s.error().code, ErrorCode::LimitExceeded);
    }

    void hostRouteWarningNamesRouteAndInterface()
    {
        Topology t = demo();  // gw 10.0.2.1/24 on netloom switch "lan"
        const QString own = allocate(t).node(QStringLiteral("gw"))->hostPort.ifname;
        QVERIFY(own.startsWith(QLatin1String("loomt")));

        // No routes: no warning. Default, unrelated and own routes: no warning.
        QVERIFY(hostRouteIssues(validate(t)).isEmpty());
        QList<HostRoute> routes{route("10.1.0.0/16", "eth0"), route("10.0.3.0/24", "eth1"),
                                HostRoute{cidr("0.0.0.0/0"), QStringLiteral("eth0"), 254, QStringLiteral("unicast")},
                                HostRoute{cidr("10.0.2.0/24"), own, 254, QStringLiteral("unicast")},
                                HostRoute{cidr("10.0.2.1/32"), own, 255, QStringLiteral("local")}};
        QVERIFY(hostRouteIssues(validate(t, ValidationContext{routes})).isEmpty());

        // A containing route on another interface (listed after a local one).
        routes.append(route("10.0.2.9/32", "eth0", 255, "local"));
        routes.append(route("10.0.0.0/8", "eth0"));
        QList<Issue> w = hostRouteIssues(validate(t, ValidationContext{routes}));
        QCOMPARE(w.size(), 1);
        QCOMPARE(w.first().severity, Issue::Severity::Warning);
        QCOMPARE(w.first().nodeId, QStringLiteral("gw"));
        QCOMPARE(w.first().path, QStringLiteral("nodes[1] (id 'gw').hostPort.address"));
        QVERIFY2(w.first().message.startsWith(QLatin1String("subnet 10.0.2.0/24 overlaps the host's route 10.0.0.0/8 on interface 'eth0'")),
                 qPrintable(w.first().message));
        QVERIFY2(w.first().message.endsWith(QLatin1String("(and 1 more host route)")), qPrintable(w.first().message));

        // A more specific route inside the subnet, in a policy table.
        routes = {route("10.0.2.128/25", "wg0", 100)};
        w = hostRouteIssues(validate(t, ValidationContext{routes}));
        QCOMPARE(w.size(), 1);
        QVERIFY2(w.first().message.contains(QLatin1String("route 10.0.2.128/25 on interface 'wg0' (table 100)")), qPrintable(w.first().message));
    }

    void ownBridgeRouteDoesNotWarn()
    {
        // A gateway on a kernel bridge: its address sits on the bridge itself.
        Topology t = demo();
        t.node(QStringLiteral("lan"))->sw.engine = SwitchConfig::Engine::Bridge;
        const QString bridge = allocate(t).node(QStringLiteral("lan"))->sw.ifname;
        QVERIFY(bridge.startsWith(QLatin1String("loomb")));
        QVERIFY(hostRouteIssues(validate(t, ValidationContext{{HostRoute{cidr("10.0.2.0/24"), bridge, 254, QStringLiteral("unicast")}}})).isEmpty());
        // The same route on another Netloom bridge (another running topology) warns.
        const QList<Issue> w = hostRouteIssues(validate(t, ValidationContext{{route("10.0.2.0/24", "loomb999999")}}));
        QCOMPARE(w.size(), 1);
        QVERIFY2(w.first().message.contains(QLatin1String("route 10.0.2.0/24 on interface 'loomb999999'")), qPrintable(w.first().message));
    }

    void describeRouteForms()
    {
        QCOMPARE(describeRoute(route("10.0.0.0/8", "eth0")), QStringLiteral("route 10.0.0.0/8 on interface 'eth0'"));
        QCOMPARE(describeRoute(route("10.0.0.5/32", "eth0", 255, "local")), QStringLiteral("local route 10.0.0.5/32 on interface 'eth0'"));
        QCOMPARE(describeRoute(route("10.9.0.0/16", "", 254, "blackhole")), QStringLiteral("blackhole route 10.9.0.0/16"));
    }
};

QTEST_GUILESS_MAIN(TestSubnetPicker)
#include "test_subnetpicker.moc"
