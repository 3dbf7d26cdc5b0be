// SPDX-License-Identifier: GPL-3.0-or-later
// The helper's pure builders against golden files (step lists, nftables script, dnsmasq
// config) and the executor's all-or-nothing promise against a recording fake: a failure
// injected at every step of every plan leaves the (fake) host exactly as before.
// Set NETLOOM_UPDATE_GOLDEN=1 to rewrite the golden files after an intended change.
#include "common/testutil.h"
#include "dnsmasq.h"
#include "executor.h"
#include "fakehostops.h"
#include "hoststates.h"
#include "ipv6uplinks.h"
#include "nftscript.h"
#include "steps.h"

#include "protocol/hoststatedecode.h"

#include <QFile>
#include <QTest>

using namespace netloom;
using namespace netloom::helper;
using namespace netloom::helper::test;
using namespace netloom::protocol;

namespace {

void compareGolden(const QString &name, const QString &actual)
{
    const QString path = netloom::test::sourcePath(QStringLiteral("tests/helper/golden/") + name);
    if (qEnvironmentVariableIsSet("NETLOOM_UPDATE_GOLDEN")) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(actual.toUtf8());
        return;
    }
    const QString expected = QString::fromUtf8(netloom::test::readFile(path));
    QVERIFY2(!expected.isEmpty(), qPrintable(QStringLiteral("missing golden file ") + path));
    if (expected != actual)
        qWarning().noquote() << "actual output for" << name << ":\n" << actual;
    QCOMPARE(actual, expected);
}

HostState withoutForwards(HostState s)
{
    for (NatSpec &n : s.nat)
        n.forwards.clear();
    return s;
}

HostState changedA()
{
    HostState s = exampleA();
    s.taps[0].mtu = 1400;  // re-creates the tap, so dnsmasq restarts
    s.addresses.append(AddressSpec{QStringLiteral("loomtap0"), QStringLiteral("10.0.3.1/24")});
    s.nat.clear();
    s.ipv4Forwarding = false;
    return s;
}

// 50 ms out of loomia0, 20 ms into loomic0 (IFB loomifb0).
HostState impairedA()
{
    return impairedBridge(QStringLiteral("delay=50ms"), QStringLiteral("delay=20ms"));
}

// Both directions on loomia0 (its IFB loomifb1, with a rate: tbf under netem), nothing on
// loomic0 (its IFB goes), and a jumbo MTU on loomia0 (frame size in the plan).
HostState impairedB()
{
    HostState s = impairedBridge(QStringLiteral("delay=50ms,jitter=5ms,loss=10%"), {});
    s.impairments[0].ingress = *parseImpairmentSpec(QStringLiteral("rate=10mbit,queue=50ms"));
    s.impairments[0].ifbIfname = QStringLiteral("loomifb1");
    s.links[1].mtu = 9000;
    return s;
}

// The large state with a tap impaired both ways and the vxlan impaired on egress.
HostState impairedLarge()
{
    HostState s = large();
    s.impairments = {ImpairmentSpec{QStringLiteral("loomt1"), *parseImpairmentSpec(QStringLiteral("delay=5ms")),
                                    *parseImpairmentSpec(QStringLiteral("rate=1mbit")), QStringLiteral("loomifbt1")},
                     ImpairmentSpec{QStringLiteral("loomvx0"), *parseImpairmentSpec(QStringLiteral("gemodel=1%/25%")), {}, {}}};
    return s;
}

// The large state with 802.1Q on loombr0: an access port, a trunk, the veth cable and the
// bridge itself (its host side) in VLAN 1.
HostState vlanLarge()
{
    HostState s = large();
    BridgeSpec &b = s.bridges[0];
    b.vlanFiltering = true;
    b.vlans = {PortVlanSpec{QStringLiteral("loomt1"), {BridgeVlan{10, true, true}}},
               PortVlanSpec{QStringLiteral("loomt2"), {BridgeVlan{10, false, false}, BridgeVlan{20, false, false}}},
               PortVlanSpec{QStringLiteral("loomv0"), {BridgeVlan{1, true, true}, BridgeVlan{20, false, false}}},
               PortVlanSpec{QStringLiteral("loombr0"), {BridgeVlan{1, true, true}}}};
    return s;
}

// vlanLarge with the trunk turned into an access port on 20, the veth's entries gone (it
// stays enslaved: cleared in place) and the bridge's own moved to VLAN 20.
HostState vlanLargeChanged()
{
    HostState s = vlanLarge();
    BridgeSpec &b = s.bridges[0];
    b.vlans[1].vlans = {BridgeVlan{20, true, true}};
    b.vlans[3].vlans = {BridgeVlan{20, true, true}};
    b.vlans.removeAt(2);
    return s;
}

}  // namespace

class TestHelperSteps : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void statesAreValid()
    {
        QVERIFY(validateHostState(exampleA()));
        auto s = validateHostState(large());
        QVERIFY2(s, s ? "" : qPrintable(s.error().message));
        QVERIFY(validateHostState(changedA()));
        auto v6 = validateHostState(exampleA6());
        QVERIFY2(v6, v6 ? "" : qPrintable(v6.error().message));
        for (const HostState &st : {impairedA(), impairedB(), impairedLarge(), vlanLarge(), vlanLargeChanged()}) {
            auto v = validateHostState(st);
            QVERIFY2(v, v ? "" : qPrintable(v.error().message));
        }
    }
    void goldenSteps()
    {
        compareGolden(QStringLiteral("steps-example-a.txt"),
                      describeSteps(buildSteps(QStringLiteral("a"), 1000, {}, exampleA(), {})));
        compareGolden(QStringLiteral("steps-large.txt"),
                      describeSteps(buildSteps(QStringLiteral("big"), 1000, {}, large(), {})));
        compareGolden(QStringLiteral("steps-large-teardown.txt"),
                      describeSteps(buildSteps(QStringLiteral("big"), 1000, large(), {}, {})));
        compareGolden(QStringLiteral("steps-example-a-changed.txt"),
                      describeSteps(buildSteps(QStringLiteral("a"), 1000, exampleA(), changedA(), {})));
        compareGolden(QStringLiteral("steps-impaired.txt"),
                      describeSteps(buildSteps(QStringLiteral("e"), 1000, {}, impairedA(), {})));
        compareGolden(QStringLiteral("steps-impaired-changed.txt"),
                      describeSteps(buildSteps(QStringLiteral("e"), 1000, impairedA(), impairedB(), {})));
        compareGolden(QStringLiteral("steps-example-a6.txt"),
                      describeSteps(buildSteps(QStringLiteral("a"), 1000, {}, exampleA6(), {})));
        compareGolden(QStringLiteral("steps-example-a6-teardown.txt"),
                      describeSteps(buildSteps(QStringLiteral("a"), 1000, exampleA6(), {}, {})));
        compareGolden(QStringLiteral("steps-impaired-teardown.txt"),
                      describeSteps(buildSteps(QStringLiteral("e"), 1000, impairedA(), {}, {})));
    }
    void liveImpairmentChangeTouchesOnlyQdiscs()
    {
        // A new delay on the same port: one in-place qdisc change, undone by the old value;
        // no interface is deleted or created, no redirect is touched.
        const auto steps = buildSteps(QStringLiteral("e"), 1000, impairedA(),
                                      impairedBridge(QStringLiteral("delay=10ms"), QStringLiteral("delay=20ms")), {});
        QCOMPARE(describeSteps(steps),
                 QStringLiteral("0: set-qdiscs loomia0 delay=10ms frame=1518 | undo: set-qdiscs loomia0 delay=50ms frame=1518\n"));
        // Removing every impairment removes the redirect, the qdiscs and the IFB — nothing else.
        const QString off = describeSteps(buildSteps(QStringLiteral("e"), 1000, impairedA(),
                                                     impairedBridge({}, {}), {}));
        QCOMPARE(off, QStringLiteral("0: clear-qdiscs loomia0 | undo: set-qdiscs loomia0 delay=50ms frame=1518\n"
                                     "1: clear-ingress loomic0 | undo: redirect-ingress loomic0 ifb=loomifb0\n"
                                     "2: none | undo: set-qdiscs loomifb0 delay=20ms frame=1518\n"
                                     "3: delete-link loomifb0 | undo: create-ifb loomifb0\n"));
        QVERIFY(buildSteps(QStringLiteral("e"), 1000, impairedA(), impairedA(), {}).isEmpty());
    }
    void impairedApplyChangeTeardownOnTheFake()
    {
        FakeHostOps ops;
        Executor ex(ops);
        const QString before = ops.snapshot();
        QVERIFY(ex.run(buildSteps(QStringLiteral("e"), 1000, {}, impairedA(), {})));
        QVERIFY(ops.objects.contains(QStringLiteral("qdisc loomia0 delay=50ms frame=1518")));
        QVERIFY(ops.objects.contains(QStringLiteral("qdisc loomifb0 delay=20ms frame=1518")));
        QVERIFY(ops.objects.contains(QStringLiteral("ingress loomic0 ->loomifb0")));
        QVERIFY(ops.objects.contains(QStringLiteral("up loomifb0")));
        QVERIFY(ex.run(buildSteps(QStringLiteral("e"), 1000, impairedA(), impairedB(), {})));
        QVERIFY(!ops.objects.contains(QStringLiteral("ingress loomic0 ->loomifb0")));
        QVERIFY(ops.objects.contains(QStringLiteral("ingress loomia0 ->loomifb1")));
        QVERIFY(ex.run(buildSteps(QStringLiteral("e"), 1000, impairedB(), {}, {})));
        QCOMPARE(ops.snapshot(), before);
        // A recovery union of both (an apply interrupted between them) also leaves nothing.
        QVERIFY(ex.run(buildSteps(QStringLiteral("e"), 1000, {}, impairedA(), {})));
        QVERIFY(ops.objects.contains(QStringLiteral("link loomifb0")));
        (void)ops.createIfb(QStringLiteral("loomifb1"));  // as if the interrupted apply got that far
        QCOMPARE(ex.runBestEffort(buildSteps(QStringLiteral("e"), 1000, unionState(impairedA(), impairedB()), {}, {})), 0);
        QCOMPARE(ops.snapshot(), before);
    }
    void unchangedStateNeedsNoSteps()
    {
        QVERIFY(buildSteps(QStringLiteral("a"), 1000, exampleA(), exampleA(), {}).isEmpty());
        QVERIFY(buildSteps(QStringLiteral("big"), 1000, large(), large(), {}).isEmpty());
    }
    void globalResourcesAreShared()
    {
        // Another network already forwards and has NAT rules: this one must neither turn
        // forwarding off on teardown nor drop the other's rules from the table.
        GlobalContext other;
        other.otherForwarding = true;
        other.otherNat = large().nat;
        const auto steps = buildSteps(QStringLiteral("a"), 1000, exampleA(), {}, other);
        const QString text = describeSteps(steps);
        QVERIFY(!text.contains(QStringLiteral("forwarding")));
        bool sawNft = false;
        for (const Step &s : steps) {
            if (s.apply.kind == Action::Kind::LoadNft) {
                sawNft = true;
                QVERIFY(s.apply.text.contains(QStringLiteral("10.0.5.0/24")));
                QVERIFY(!s.apply.text.contains(QStringLiteral("10.0.2.0/24")));
                QVERIFY(s.undo.text.contains(QStringLiteral("10.0.2.0/24")));
            }
        }
        QVERIFY(sawNft);
    }
    void ipv6StepsAndSharing()
    {
        // v4 -> v4+v6: the v4 table is untouched, forwarding6 checks the v6 uplinks once.
        const QString text = describeSteps(buildSteps(QStringLiteral("a"), 1000, exampleA(), exampleA6(), {}));
        QVERIFY2(text.contains(QStringLiteral("enable-forwarding6 uplinks=eth+ eth0 wlan+")), qPrintable(text));
        QVERIFY(!text.contains(QStringLiteral("enable-forwarding |")));
        QVERIFY(text.contains(QStringLiteral("add-address loomtap0 fd42:1::1/64")));
        // Another network with NAT66: teardown keeps forwarding6 and its rules.
        GlobalContext other;
        HostState o = exampleA6();
        other.otherForwarding6 = true;
        other.otherNat6 = {NatSpec{QStringLiteral("loomx"), QStringLiteral("fd99::/64"), NatSpec::Mode::Masquerade, {QStringLiteral("eth0")}, {}}};
        const auto steps = buildSteps(QStringLiteral("a"), 1000, exampleA6(), {}, other);
        QVERIFY(!describeSteps(steps).contains(QStringLiteral("forwarding6")));
        bool saw6 = false;
        for (const Step &s : steps)
            if (s.apply.kind == Action::Kind::LoadNft && s.apply.text.startsWith(QLatin1String("table ip6"))) {
                saw6 = true;
                QVERIFY(s.apply.text.contains(QStringLiteral("fd99::/64")));
                QVERIFY(!s.apply.text.contains(QStringLiteral("fd42:1::/64")));
            }
        QVERIFY(saw6);
        // A refused forwarding6 (an RA uplink) rolls back everything.
        FakeHostOps ops;
        Executor ex(ops);
        const QString before = ops.snapshot();
        ops.refuseForwarding6 = QStringLiteral("uplink eth0 takes this host's IPv6 default route from router advertisements");
        auto r = ex.run(buildSteps(QStringLiteral("a"), 1000, {}, exampleA6(), {}));
        QVERIFY(!r);
        QVERIFY(r.error().message.contains(QStringLiteral("uplink eth0")));
        QCOMPARE(ops.forwarding6Checked, (QStringList{QStringLiteral("eth+"), QStringLiteral("eth0"), QStringLiteral("wlan+")}));
        QCOMPARE(ops.snapshot(), before);
        // Apply then teardown on the fake leaves nothing.
        ops.refuseForwarding6.clear();
        QVERIFY(ex.run(buildSteps(QStringLiteral("a"), 1000, {}, exampleA6(), {})));
        QVERIFY(ops.forwarding6);
        QVERIFY(ops.nft6.contains(QStringLiteral("masquerade")));
        QVERIFY(ex.run(buildSteps(QStringLiteral("a"), 1000, exampleA6(), {}, {})));
        QCOMPARE(ops.snapshot(), before);
    }
    void raUplinks()
    {
        // Recorded /proc/net/ipv6_route: an RA default route on eth0 (flags 0x00450003), a
        // static default on eth1, a prefix route on eth0, garbage.
        const QString table = QStringLiteral(
            "00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00450003     eth0\n"
            "00000000000000000000000000000000 00 00000000000000000000000000000000 00 20010db8000000000000000000000001 00000400 00000001 00000000 00000003     eth1\n"
            "fd420000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00040001     eth2\n"
            "garbage line\n"
            "00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 zz450003     eth3\n");
        QCOMPARE(raDefaultRouteInterfaces(table), (QSet<QString>{QStringLiteral("eth0")}));
        QVERIFY(uplinkMatches(QStringLiteral("eth+"), QStringLiteral("eth0")));
        QVERIFY(uplinkMatches(QStringLiteral("eth0"), QStringLiteral("eth0")));
        QVERIFY(!uplinkMatches(QStringLiteral("eth0"), QStringLiteral("eth01")));
        QVERIFY(!uplinkMatches(QStringLiteral("wl+"), QStringLiteral("eth0")));
        QVERIFY(raUplinkRefusal(QStringLiteral("eth0")).contains(QStringLiteral("net.ipv6.conf.eth0.accept_ra=2")));
    }
    void goldenNft6()
    {
        compareGolden(QStringLiteral("nft6-a6.nft"), buildNft6Script(exampleA6().nat6));
        QCOMPARE(buildNft6Script({}), QStringLiteral("table ip6 netloom\ndelete table ip6 netloom\n"));
    }
    void goldenDnsmasq6()
    {
        const DnsmasqPaths p{QStringLiteral("/run/netloom/dnsmasq/a-loomtap0.conf"), QStringLiteral("/run/netloom/dnsmasq/a-loomtap0.pid"),
                             QStringLiteral("/run/netloom/dnsmasq/a-loomtap0.leases")};
        const HostState s = exampleA6();
        compareGolden(QStringLiteral("dnsmasq-a6.conf"), buildDnsmasqConfig(s.dnsmasq[0], p, QStringLiteral("dnsmasq"), QStringLiteral("nogroup")));
        compareGolden(QStringLiteral("dnsmasq-a6-stateful.conf"),
                      buildDnsmasqConfig(s.dnsmasq[1], p, QStringLiteral("dnsmasq"), QStringLiteral("nogroup")));
        DnsmasqSpec slaac = s.dnsmasq[0];
        slaac.dhcp6 = false;
        slaac.rangeStart6.clear();
        slaac.rangeEnd6.clear();
        const QString text = buildDnsmasqConfig(slaac, p, QStringLiteral("dnsmasq"), QStringLiteral("nogroup"));
        QVERIFY2(text.contains(QStringLiteral("\nenable-ra\ndhcp-range=fd42:1::,ra-only,64\n")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("listen-address=fd42:1::1\n")));
        // No IPv6: no v6 line at all (IPv4 configs keep their bytes).
        const QString v4 = buildDnsmasqConfig(exampleA().dnsmasq[0], p, QStringLiteral("dnsmasq"), QStringLiteral("nogroup"));
        QVERIFY(!v4.contains(QStringLiteral("enable-ra")));
    }
    void goldenNft()
    {
        compareGolden(QStringLiteral("nft-large.nft"), buildNftScript(large().nat));
        QCOMPARE(buildNftScript({}), QStringLiteral("table ip netloom\ndelete table ip netloom\n"));
    }
    void goldenDnsmasq()
    {
        const DnsmasqPaths p{QStringLiteral("/run/netloom/dnsmasq/big-loombr0.conf"),
                             QStringLiteral("/run/netloom/dnsmasq/big-loombr0.pid"),
                             QStringLiteral("/run/netloom/dnsmasq/big-loombr0.leases")};
        compareGolden(QStringLiteral("dnsmasq-large.conf"),
                      buildDnsmasqConfig(large().dnsmasq.first(), p, QStringLiteral("dnsmasq"), QStringLiteral("nogroup")));
    }

    // 802.1Q entries are set after the ports join (undo: nothing, they go with the port),
    // changed in place on surviving ports, cleared where a port keeps its bridge but loses its
    // entries; the fake host holds exactly the wanted entries after each apply.
    void bridgeVlanSteps()
    {
        const QString create = describeSteps(buildSteps(QStringLiteral("v"), 1000, {}, vlanLarge(), {}));
        QVERIFY2(create.contains(QStringLiteral("create-bridge loombr0 mtu=0 stp=0 vlan-filtering=1")), qPrintable(create));
        QVERIFY2(create.contains(QStringLiteral("set-vlans loomt2 master=loombr0 10 20 | undo: none")), qPrintable(create));
        QVERIFY2(create.contains(QStringLiteral("set-vlans loombr0 master=loombr0 1pu | undo: none")), qPrintable(create));
        QVERIFY2(create.indexOf(QStringLiteral("set-vlans loomt1")) > create.lastIndexOf(QStringLiteral("enslave ")), qPrintable(create));
        const QString change = describeSteps(buildSteps(QStringLiteral("v"), 1000, vlanLarge(), vlanLargeChanged(), {}));
        QVERIFY2(change.contains(QStringLiteral("set-vlans loomt2 master=loombr0 20pu | undo: set-vlans loomt2 master=loombr0 10 20")),
                 qPrintable(change));
        QVERIFY2(change.contains(QStringLiteral("set-vlans loomv0 master=loombr0 - | undo: set-vlans loomv0 master=loombr0 1pu 20")),
                 qPrintable(change));
        QVERIFY2(!change.contains(QStringLiteral("loomt1 master")) && !change.contains(QStringLiteral("create-")), qPrintable(change));
        QVERIFY(buildSteps(QStringLiteral("v"), 1000, vlanLarge(), vlanLarge(), {}).isEmpty());

        FakeHostOps ops;
        Executor ex(ops);
        const QString before = ops.snapshot();
        QVERIFY(ex.run(buildSteps(QStringLiteral("v"), 1000, {}, vlanLarge(), {})));
        QVERIFY(ops.objects.contains(QStringLiteral("vlans loomt1 10pu loombr0")));
        QVERIFY(ops.objects.contains(QStringLiteral("vlans loombr0 1pu loombr0")));
        QVERIFY(ex.run(buildSteps(QStringLiteral("v"), 1000, vlanLarge(), vlanLargeChanged(), {})));
        QVERIFY(ops.objects.contains(QStringLiteral("vlans loomt2 20pu loombr0")));
        QVERIFY(!ops.objects.contains(QStringLiteral("vlans loomv0 1pu 20 loombr0")));
        QVERIFY(ops.objects.contains(QStringLiteral("vlans loomt1 10pu loombr0")));
        QVERIFY(ex.run(buildSteps(QStringLiteral("v"), 1000, vlanLargeChanged(), {}, {})));
        QCOMPARE(ops.snapshot(), before);
        // Recovery's union keeps the entries of both states.
        const HostState u = unionState(vlanLargeChanged(), vlanLarge());
        QCOMPARE(u.bridges[0].vlans.size(), 4);
    }

    void applyThenTeardownLeavesNothing()
    {
        FakeHostOps ops;
        Executor ex(ops);
        const QString before = ops.snapshot();
        auto r = ex.run(buildSteps(QStringLiteral("big"), 1000, {}, large(), {}));
        QVERIFY2(r, r ? "" : qPrintable(r.error().message));
        QVERIFY(ops.objects.contains(QStringLiteral("port loomt1 loombr0")));
        QVERIFY(ops.objects.contains(QStringLiteral("dnsmasq big/loombr0")));
        QVERIFY(ops.forwarding);
        QVERIFY(ops.objects.contains(QStringLiteral("localnet loombr0")));  // its forwards take loopback
        QVERIFY(ops.log.contains(QStringLiteral("create-tap loomt1 1000")));
        auto t = ex.run(buildSteps(QStringLiteral("big"), 1000, large(), {}, {}));
        QVERIFY2(t, t ? "" : qPrintable(t.error().message));
        QCOMPARE(ops.snapshot(), before);
    }

    // route_localnet follows the gateway's loopback forwards on a surviving link: set before the
    // table that needs it, cleared after the table no longer does.
    void routeLocalnetFollowsLoopbackForwards()
    {
        const HostState bare = withoutForwards(large());
        const QString on = describeSteps(buildSteps(QStringLiteral("big"), 1000, bare, large(), {}));
        QVERIFY2(on.contains(QStringLiteral("set-route-localnet loombr0 | undo: clear-route-localnet loombr0")), qPrintable(on));
        QVERIFY2(on.indexOf(QStringLiteral("set-route-localnet loombr1")) < on.indexOf(QStringLiteral("load-nft")), qPrintable(on));
        const QString off = describeSteps(buildSteps(QStringLiteral("big"), 1000, large(), bare, {}));
        QVERIFY2(off.contains(QStringLiteral("clear-route-localnet loombr0 | undo: set-route-localnet loombr0")), qPrintable(off));
        QVERIFY2(off.indexOf(QStringLiteral("clear-route-localnet")) > off.indexOf(QStringLiteral("load-nft")), qPrintable(off));
        // A forward on one non-loopback address needs none.
        HostState one = bare;
        one.nat[0].forwards = {ForwardSpec{ForwardSpec::Family::Ipv4, ForwardSpec::Protocol::Tcp, QStringLiteral("192.0.2.1"), 80,
                                           QStringLiteral("10.0.5.20"), 80}};
        QVERIFY(!describeSteps(buildSteps(QStringLiteral("big"), 1000, bare, one, {})).contains(QStringLiteral("route-localnet")));

        FakeHostOps ops;
        Executor ex(ops);
        QVERIFY(ex.run(buildSteps(QStringLiteral("big"), 1000, {}, bare, {})));
        QVERIFY(!ops.objects.contains(QStringLiteral("localnet loombr0")));
        QVERIFY(ex.run(buildSteps(QStringLiteral("big"), 1000, bare, large(), {})));
        QVERIFY(ops.objects.contains(QStringLiteral("localnet loombr0")));
        QVERIFY(ex.run(buildSteps(QStringLiteral("big"), 1000, large(), bare, {})));
        QVERIFY(!ops.objects.contains(QStringLiteral("localnet loombr0")));
    }

    void failureAtEveryStepRollsBack_data()
    {
        QTest::addColumn<int>("from");  // 0 = nothing, 1 = example A, 2 = large
        QTest::addColumn<int>("to");
        QTest::newRow("create example a") << 0 << 1;
        QTest::newRow("create large") << 0 << 2;
        QTest::newRow("change a") << 1 << 3;
        QTest::newRow("a to large") << 1 << 2;
        QTest::newRow("teardown large") << 2 << 0;
        QTest::newRow("create impaired") << 0 << 4;
        QTest::newRow("change impaired") << 4 << 5;
        QTest::newRow("impair large") << 2 << 6;
        QTest::newRow("recreate impaired port") << 4 << 7;
        QTest::newRow("teardown impaired") << 5 << 0;
        QTest::newRow("create ipv6") << 0 << 8;
        QTest::newRow("add ipv6") << 1 << 8;
        QTest::newRow("teardown ipv6") << 8 << 0;
        QTest::newRow("forwards come (route_localnet on)") << 9 << 2;
        QTest::newRow("forwards go (route_localnet off)") << 2 << 9;
        QTest::newRow("create vlans") << 0 << 10;
        QTest::newRow("vlans on (bridge re-created)") << 2 << 10;
        QTest::newRow("change vlans") << 10 << 11;
        QTest::newRow("teardown vlans") << 10 << 0;
        QTest::newRow("vlans off") << 11 << 2;
    }
    void failureAtEveryStepRollsBack()
    {
        QFETCH(int, from);
        QFETCH(int, to);
        const auto state = [](int i) {
            switch (i) {
            case 0: return HostState{};
            case 1: return exampleA();
            case 2: return large();
            case 3: return changedA();
            case 4: return impairedA();
            case 5: return impairedB();
            case 6: return impairedLarge();
            case 8: return exampleA6();
            case 9: return withoutForwards(large());
            case 10: return vlanLarge();
            case 11: return vlanLargeChanged();
            default: {
                HostState s = impairedA();  // the impaired port's veth is re-created
                s.veths[0].peer = QStringLiteral("loomib9");
                return s;
            }
            }
        };
        const auto steps = buildSteps(QStringLiteral("n"), 1000, state(from), state(to), {});
        QVERIFY(steps.size() >= 3);
        for (int k = 0; k < steps.size(); ++k) {
            FakeHostOps ops;
            Executor ex(ops);
            QVERIFY(ex.run(buildSteps(QStringLiteral("n"), 1000, {}, state(from), {})));
            const QString before = ops.snapshot();
            ex.setFailAt(k);
            auto r = ex.run(steps);
            QVERIFY(!r);
            QVERIFY2(r.error().message.contains(QStringLiteral("%1 earlier steps were rolled back").arg(k)),
                     qPrintable(r.error().message));
            QCOMPARE(ops.snapshot(), before);
        }
    }

    void doctorRepairsAreInsertedLastRemovedFirstAndRolledBack()
    {
        // The NAT doctor's filterAccepts: inserted after everything else, removed before
        // anything else, each failure rolled back, and teardown removes them.
        HostState repaired = exampleA();
        repaired.filterAccepts = {FilterAcceptSpec{FilterAcceptSpec::Backend::IptablesNft, QStringLiteral("ip"),
                                                   QStringLiteral("filter"), QStringLiteral("DOCKER-USER"),
                                                   QStringLiteral("loomtap0"), true}};
        QVERIFY(validateHostState(repaired));
        HostState foreign = repaired;
        foreign.filterAccepts.first().ifname = QStringLiteral("eth0");
        QVERIFY(!validateHostState(foreign));
        HostState badChain = repaired;
        badChain.filterAccepts.first().chain = QStringLiteral("X;drop");
        QVERIFY(!validateHostState(badChain));

        const auto add = buildSteps(QStringLiteral("n"), 1000, exampleA(), repaired, {});
        QCOMPARE(describeSteps(add), QStringLiteral("0: insert-accepts n/loomtap0 iptables-nft ip filter DOCKER-USER established=1 | "
                                                    "undo: remove-accepts n/loomtap0 iptables-nft ip filter DOCKER-USER established=1\n"));
        const auto down = buildSteps(QStringLiteral("n"), 1000, repaired, {}, {});
        QVERIFY(down.first().apply.describe().startsWith(QLatin1String("remove-accepts")));
        FakeHostOps ops;
        ops.chains.insert(QStringLiteral("ip filter DOCKER-USER"));
        Executor ex(ops);
        const QString empty = ops.snapshot();
        QVERIFY(ex.run(buildSteps(QStringLiteral("n"), 1000, {}, repaired, {})));
        QVERIFY(ops.objects.contains(QStringLiteral("accept n ip filter DOCKER-USER loomtap0")));
        QVERIFY(ex.run(down));
        QCOMPARE(ops.snapshot(), empty);
        // A missing chain fails the apply and rolls everything back.
        FakeHostOps noChain;
        Executor ex2(noChain);
        const QString before = noChain.snapshot();
        QVERIFY(!ex2.run(buildSteps(QStringLiteral("n"), 1000, {}, repaired, {})));
        QCOMPARE(noChain.snapshot(), before);
        // Recovery's union keeps them.
        QCOMPARE(unionState(exampleA(), repaired).filterAccepts, repaired.filterAccepts);
    }

    void unionCoversBoth()
    {
        const HostState u = unionState(exampleA(), large());
        QCOMPARE(u.taps.size(), 4);
        QCOMPARE(u.bridges.size(), 2);
        QVERIFY(u.ipv4Forwarding);
        QCOMPARE(unionState(large(), large()), large());
        const HostState ui = unionState(impairedA(), impairedB());
        QVERIFY(ifbIfnames(ui).contains(QStringLiteral("loomifb0")));
        QVERIFY(ifbIfnames(ui).contains(QStringLiteral("loomifb1")));
    }
};

QTEST_GUILESS_MAIN(TestHelperSteps)
#include "test_helper_steps.moc"
