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

HostState changedA()
{
    HostState s = exampleA();
    s.taps[0].mtu = 1400;  // re-creates the tap, so dnsmasq restarts
    s.addresses.append(AddressSpec{QStringLiteral("loomtap0"), QStringLiteral("10.0.3.1/24")});
    s.nat.clear();
    s.ipv4Forwarding = false;
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
        QVERIFY(ops.log.contains(QStringLiteral("create-tap loomt1 1000")));
        auto t = ex.run(buildSteps(QStringLiteral("big"), 1000, large(), {}, {}));
        QVERIFY2(t, t ? "" : qPrintable(t.error().message));
        QCOMPARE(ops.snapshot(), before);
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
    }
    void failureAtEveryStepRollsBack()
    {
        QFETCH(int, from);
        QFETCH(int, to);
        const auto state = [](int i) {
            return i == 0 ? HostState{} : i == 1 ? exampleA() : i == 2 ? large() : changedA();
        };
        const auto steps = buildSteps(QStringLiteral("n"), 1000, state(from), state(to), {});
        QVERIFY(steps.size() > 3);
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
    }
};

QTEST_GUILESS_MAIN(TestHelperSteps)
#include "test_helper_steps.moc"
