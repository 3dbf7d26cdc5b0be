// The helper's pure builders against golden files (step lists, nftables script, dnsmasq
// config) and the executor's all-or-nothing promise against a recording fake: a failure
// injected at every step of every plan leaves the (fake) host exactly as before.
// Set NETLOOM_UPDATE_GOLDEN=1 to rewrite the golden files after an intended change.
#include "common/testutil.h"
#include "dnsmasq.h"
#include "executor.h"
#include "fakehostops.h"
#include "hoststates.h"
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
        for (const HostState &st : {impairedA(), impairedB(), impairedLarge()}) {
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
        QTest::newRow("forwards come (route_localnet on)") << 8 << 2;
        QTest::newRow("forwards go (route_localnet off)") << 2 << 8;
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
            case 8: return withoutForwards(large());
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
