// SPDX-License-Identifier: GPL-3.0-or-later
// The NAT doctor against the real helper, one cause per test, each in its own namespaces
// (label netns): a host namespace running netloom-helper with an uplink veth "eth0" to an
// "outside" namespace (default route via it), a NAT network whose gateway is a kernel
// bridge loombr0 with a veth end moved into a "guest" namespace. For each cause: the
// doctor (diagnose op + core analysis) names it, the guest cannot ping the outside, the
// repair (repair op; for the uplink pattern: the corrected topology) makes it reach the
// outside through the NAT, and after teardown `nft list ruleset` is byte-identical to what
// it was before the apply. ScopedNetns removes every namespace even when a check fails.
#include "common/netns.h"
#include "common/testutil.h"
#include "doctor/doctor.h"
#include "helperclient/helperclient.h"
#include "helpercalls.h"
#include "helperfixture.h"
#include "protocol/hoststatedecode.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <cstdlib>
#include <memory>

using namespace netloom;
using namespace netloom::helper::test;
using namespace netloom::protocol;
using netloom::test::ScopedNetns;

namespace {

const QString kNet = QStringLiteral("doc");
const QString kOutside = QStringLiteral("192.168.50.1");

// The network: bridge loombr0 (10.0.2.1/24) with veth ports loomv0 (peer loomv1 -> guest 1)
// and loomw0 (peer loomw1 -> guest 2), NAT to `uplink`.
HostState natState(const QString &uplink = QStringLiteral("eth+"))
{
    HostState s;
    s.bridges = {BridgeSpec{QStringLiteral("loombr0"), 0, false, false, {QStringLiteral("loomv0"), QStringLiteral("loomw0")}}};
    s.veths = {VethSpec{QStringLiteral("loomv0"), QStringLiteral("loomv1")}, VethSpec{QStringLiteral("loomw0"), QStringLiteral("loomw1")}};
    s.addresses = {AddressSpec{QStringLiteral("loombr0"), QStringLiteral("10.0.2.1/24")}};
    s.links = {LinkSpec{QStringLiteral("loombr0"), true, 0, {}}, LinkSpec{QStringLiteral("loomv0"), true, 0, {}},
               LinkSpec{QStringLiteral("loomw0"), true, 0, {}}};
    s.ipv4Forwarding = true;
    s.nat = {NatSpec{QStringLiteral("loombr0"), QStringLiteral("10.0.2.0/24"), NatSpec::Mode::Masquerade, {uplink}, {}}};
    return s;
}

QString sh(const ScopedNetns &ns, const QString &script)
{
    const auto r = ns.sh(script);
    return r.exitCode == 0 ? QString() : r.describe();
}

struct World {
    ScopedNetns host{QStringLiteral("dochost")};
    ScopedNetns outside{QStringLiteral("docout")};
    ScopedNetns guest{QStringLiteral("docg1")};
    ScopedNetns guest2{QStringLiteral("docg2")};
    QTemporaryDir dir;
    std::unique_ptr<HelperProcess> helper;
    HelperClient client;

    // Namespaces, the uplink, the helper and its connection; "" or what failed.
    QString start()
    {
        for (const ScopedNetns *ns : {&host, &outside, &guest, &guest2})
            if (!ns->ok())
                return ns->error();
        const QString link = sh(host, QStringLiteral("ip link add eth0 type veth peer name oeth0 && ip link set oeth0 netns %1 && "
                                                     "ip addr add 192.168.50.2/24 dev eth0 && ip link set eth0 up && "
                                                     "ip route add default via %2").arg(outside.name(), kOutside));
        if (!link.isEmpty())
            return link;
        const QString out = sh(outside, QStringLiteral("ip addr add %1/24 dev oeth0 && ip link set oeth0 up").arg(kOutside));
        if (!out.isEmpty())
            return out;
        helper = std::make_unique<HelperProcess>(host, dir.path());
        if (!helper->start())
            return helper->log();
        if (auto s = client.connectAndWait(helper->socketPath()); !s)
            return s.error().message;
        return {};
    }
    // Moves the guest ends into the guest namespaces and addresses them.
    QString cableGuests()
    {
        const QString move = sh(host, QStringLiteral("ip link set loomv1 netns %1 && ip link set loomw1 netns %2")
                                          .arg(guest.name(), guest2.name()));
        if (!move.isEmpty())
            return move;
        for (const auto &[ns, dev, ip] : {std::tuple{&guest, QStringLiteral("loomv1"), QStringLiteral("10.0.2.50")},
                                          std::tuple{&guest2, QStringLiteral("loomw1"), QStringLiteral("10.0.2.51")}}) {
            const QString e = sh(*ns, QStringLiteral("ip addr add %1/24 dev %2 && ip link set %2 up && ip route add default via 10.0.2.1")
                                          .arg(ip, dev));
            if (!e.isEmpty())
                return e;
        }
        return {};
    }
    // Without counters (-s): they count the test's own pings, which is not a change of ours.
    QByteArray ruleset() const
    {
        return host.exec({QStringLiteral("nft"), QStringLiteral("-s"), QStringLiteral("list"), QStringLiteral("ruleset")}).out;
    }
    bool reaches(const ScopedNetns &from, const QString &ip) const { return netloom::test::ping(from, ip, 2).received > 0; }

    Result<doctor::Report> diagnose(const HostState &state)
    {
        Request r;
        r.op = Op::Diagnose;
        r.diagnose = doctor::diagnoseRequestFor(state);
        auto result = client.call(r, 30000);
        if (!result)
            return result.error();
        auto facts = diagnoseFactsFromJson(result->value(QStringLiteral("facts")).toObject());
        if (!facts)
            return facts.error();
        return doctor::analyze(r.diagnose, *facts);
    }
    Result<QJsonObject> repair(const doctor::Report &report)
    {
        Request r;
        r.op = Op::Repair;
        r.network = kNet;
        r.repairs = doctor::repairsOf(report);
        r.repairForwarding = doctor::forwardingRepairOf(report);
        return client.call(r, 30000);
    }
};

QString blocking(const doctor::Report &r)
{
    QStringList ids;
    for (const auto &f : r.findings)
        if (f.severity == doctor::Severity::Blocking)
            ids << f.id;
    return ids.join(u' ');
}

}  // namespace

class TestDoctorNetns : public QObject {
    Q_OBJECT

    // The common course: the culprit is set up by `culprit` (in the host namespace), the
    // doctor must report exactly `expectBlocking`, the repair must fix it.
    void run(const QString &culprit, const QString &expectBlocking, bool guestToGuest = false)
    {
        World w;
        const QString started = w.start();
        QVERIFY2(started.isEmpty(), qPrintable(started));
        if (!culprit.isEmpty()) {
            const QString e = sh(w.host, culprit);
            QVERIFY2(e.isEmpty(), qPrintable(e));
        }
        const QByteArray before = w.ruleset();
        VERIFY_OK(applyNow(w.client, kNet, natState()));
        QString cabled = w.cableGuests();
        QVERIFY2(cabled.isEmpty(), qPrintable(cabled));
        if (expectBlocking == QLatin1String("ip-forward"))  // someone switched it off after the start
            QVERIFY(sh(w.host, QStringLiteral("echo 0 > /proc/sys/net/ipv4/ip_forward")).isEmpty());

        auto report = w.diagnose(natState());
        VERIFY_OK(report);
        QVERIFY2(blocking(*report) == expectBlocking, qPrintable(doctor::toText(*report)));
        if (guestToGuest) {
            QVERIFY(!w.reaches(w.guest, QStringLiteral("10.0.2.51")));
        } else {
            QVERIFY(!w.reaches(w.guest, kOutside));
        }

        VERIFY_OK(w.repair(*report));
        auto after = w.diagnose(natState());
        VERIFY_OK(after);
        QVERIFY2(!after->blocking(), qPrintable(doctor::toText(*after)));
        QVERIFY(w.reaches(w.guest, kOutside));
        QVERIFY(w.reaches(w.guest, QStringLiteral("10.0.2.51")));

        VERIFY_OK(teardownNow(w.client, kNet));
        QCOMPARE(w.ruleset(), before);
        w.helper->stop();
    }

private Q_SLOTS:
    void initTestCase()
    {
        netloom::test::requireRoot();
        for (const char *tool : {"ip", "nft", "iptables-nft", "busybox"})
            netloom::test::requireTool(QString::fromLatin1(tool));
    }

    void dockerLikeHost()
    {
        // Docker's shape: FORWARD policy DROP, FORWARD jumps to DOCKER-USER first.
        run(QStringLiteral("iptables-nft -P FORWARD DROP && iptables-nft -N DOCKER-USER && iptables-nft -N DOCKER && "
                           "iptables-nft -A FORWARD -j DOCKER-USER && iptables-nft -A FORWARD -o docker0 -j DOCKER && "
                           "iptables-nft -A FORWARD -i docker0 ! -o docker0 -j ACCEPT && iptables-nft -A DOCKER-USER -j RETURN"),
            QStringLiteral("firewall:iptables-nft:ip:filter:FORWARD br-netfilter"));
    }

    void dropPolicyNftTable()
    {
        run(QStringLiteral("nft add table inet mywall && "
                           "nft add chain inet mywall forwarding '{ type filter hook forward priority 0; policy drop; }' && "
                           "nft add rule inet mywall forwarding iifname eth9 accept"),
            QStringLiteral("firewall:nft:inet:mywall:forwarding br-netfilter"));
    }

    void ipForwardOff()
    {
        run(QString(), QStringLiteral("ip-forward"));
    }

    void brNetfilterWithDroppingForwardOnABridge()
    {
        // Routed traffic is allowed, bridged frames (loombr0 -> loombr0) hit the DROP policy.
        // Its own CTest entry (test_doctor_brnf_netns), so a kernel without br_netfilter skips
        // exactly this case with 77.
        ScopedNetns probe(QStringLiteral("docbrnf"));
        if (probe.exec({QStringLiteral("cat"), QStringLiteral("/proc/sys/net/bridge/bridge-nf-call-iptables")}).exitCode != 0) {
            qWarning("SKIP: br_netfilter is not available on this kernel (the analysis is unit-tested in test_doctor)");
            std::exit(77);
        }
        run(QStringLiteral("echo 1 > /proc/sys/net/bridge/bridge-nf-call-iptables && iptables-nft -P FORWARD DROP && "
                           "iptables-nft -A FORWARD -i loombr0 -o eth0 -j ACCEPT && "
                           "iptables-nft -A FORWARD -i eth0 -o loombr0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"),
            QStringLiteral("firewall:iptables-nft:ip:filter:FORWARD br-netfilter"), true);
    }

    void uplinkPatternMatchesNothing()
    {
        World w;
        const QString started = w.start();
        QVERIFY2(started.isEmpty(), qPrintable(started));
        const QByteArray before = w.ruleset();
        const HostState wrong = natState(QStringLiteral("wan+"));
        VERIFY_OK(applyNow(w.client, kNet, wrong));
        QString cabled = w.cableGuests();
        QVERIFY2(cabled.isEmpty(), qPrintable(cabled));
        auto report = w.diagnose(wrong);
        VERIFY_OK(report);
        QCOMPARE(blocking(*report), QStringLiteral("uplink:loombr0"));
        const doctor::Finding *f = report->find(QStringLiteral("uplink:loombr0"));
        QVERIFY(f->fix.contains(QLatin1String("'eth0'")));
        QVERIFY(!f->repairable);
        QVERIFY(!w.reaches(w.guest, kOutside));
        // The fix is the topology's: the uplink the doctor names.
        VERIFY_OK(applyNow(w.client, kNet, natState(QStringLiteral("eth0"))));
        auto after = w.diagnose(natState(QStringLiteral("eth0")));
        VERIFY_OK(after);
        QVERIFY2(!after->blocking(), qPrintable(doctor::toText(*after)));
        QVERIFY(w.reaches(w.guest, kOutside));
        VERIFY_OK(teardownNow(w.client, kNet));
        QCOMPARE(w.ruleset(), before);
        w.helper->stop();
    }

    void cliNamesTheCauseAndFixes()
    {
        // netloomctl doctor on examples/a-vde-nat.json (a tap gateway, NAT to eth+) on a
        // Docker-like host: names the cause (exit 1), refuses --fix while the network is not
        // running, repairs it once it runs (exit 0), and teardown restores the ruleset.
        World w;
        const QString started = w.start();
        QVERIFY2(started.isEmpty(), qPrintable(started));
        QVERIFY(sh(w.host, QStringLiteral("iptables-nft -P FORWARD DROP && iptables-nft -N DOCKER-USER && "
                                          "iptables-nft -A FORWARD -j DOCKER-USER && iptables-nft -A DOCKER-USER -j RETURN"))
                    .isEmpty());
        const QByteArray before = w.ruleset();
        const QString ctl = QStringLiteral(NETLOOM_BINARY_DIR "/app/cli/netloomctl");
        const QString file = netloom::test::sourcePath(QStringLiteral("examples/a-vde-nat.json"));
        const auto doctorRun = [&](const QStringList &extra) {
            return w.host.exec(QStringList{ctl, QStringLiteral("doctor"), file, QStringLiteral("--helper-socket"),
                                           w.helper->socketPath()} + extra, 60000);
        };
        auto text = doctorRun({});
        QVERIFY2(text.exitCode == 1, qPrintable(text.describe()));
        QVERIFY2(text.out.contains("[FAIL] firewall:iptables-nft:ip:filter:FORWARD"), qPrintable(text.describe()));
        QVERIFY(text.out.contains("evidence: iptables-nft filter FORWARD: policy drop"));
        auto json = doctorRun({QStringLiteral("--json")});
        QCOMPARE(json.exitCode, 1);
        const QJsonObject j = QJsonDocument::fromJson(json.out).object();
        QCOMPARE(j.value(QStringLiteral("blocking")).toBool(), true);
        const QString network = j.value(QStringLiteral("network")).toString();
        QVERIFY(!network.isEmpty());
        auto notRunning = doctorRun({QStringLiteral("--fix")});
        QCOMPARE(notRunning.exitCode, 1);
        QVERIFY2(notRunning.err.contains("is not running"), qPrintable(notRunning.describe()));
        QCOMPARE(w.ruleset(), before);

        // Start it (the planned host state, applied by this test's connection), then --fix.
        auto plan = w.host.exec({ctl, QStringLiteral("plan"), QStringLiteral("--json"), file});
        QCOMPARE(plan.exitCode, 0);
        auto state = hostStateFromJson(QJsonDocument::fromJson(plan.out).object().value(QStringLiteral("host")).toObject());
        VERIFY_OK(state);
        VERIFY_OK(applyNow(w.client, network, *state));
        auto fixed = doctorRun({QStringLiteral("--fix")});
        QVERIFY2(fixed.exitCode == 0, qPrintable(fixed.describe()));
        QVERIFY2(fixed.out.contains("repaired: accept rules for " + state->nat.first().ifname.toUtf8() + " in ip filter DOCKER-USER"),
                 qPrintable(fixed.describe()));
        const auto rules = w.host.exec({QStringLiteral("iptables-nft-save"), QStringLiteral("-t"), QStringLiteral("filter")});
        QVERIFY2(rules.out.contains("--comment \"netloom:" + network.toUtf8() + "\"") || rules.out.contains("--comment netloom:" + network.toUtf8()),
                 rules.out.constData());
        QCOMPARE(doctorRun({}).exitCode, 0);

        // Usage errors.
        QCOMPARE(w.host.exec({ctl, QStringLiteral("doctor")}).exitCode, 2);
        QCOMPARE(w.host.exec({ctl, QStringLiteral("doctor"), file, QStringLiteral("--bogus")}).exitCode, 2);
        QCOMPARE(doctorRun({QStringLiteral("--probe"), QStringLiteral("not-an-address")}).exitCode, 2);

        VERIFY_OK(teardownNow(w.client, network));
        QCOMPARE(w.ruleset(), before);
        w.helper->stop();
    }

    void crashRecoveryRemovesTheRepairs()
    {
        // kill -9 after a repair: the next helper removes exactly the rules it journaled.
        World w;
        const QString started = w.start();
        QVERIFY2(started.isEmpty(), qPrintable(started));
        QVERIFY(sh(w.host, QStringLiteral("iptables-nft -P FORWARD DROP && iptables-nft -N DOCKER-USER && "
                                          "iptables-nft -A FORWARD -j DOCKER-USER && iptables-nft -A DOCKER-USER -j RETURN && "
                                          "nft add table inet mywall && nft add chain inet mywall forwarding "
                                          "'{ type filter hook forward priority 0; policy drop; }'"))
                    .isEmpty());
        const QByteArray before = w.ruleset();
        VERIFY_OK(applyNow(w.client, kNet, natState()));
        auto report = w.diagnose(natState());
        VERIFY_OK(report);
        QCOMPARE(doctor::repairsOf(*report).size(), 2);
        VERIFY_OK(w.repair(*report));
        QVERIFY(w.ruleset().contains("netloom:doc"));
        w.helper->kill9();
        // A new fixture object: its "ready" check must see the new helper's output only.
        w.helper = std::make_unique<HelperProcess>(w.host, w.dir.path());
        QVERIFY2(w.helper->start(), qPrintable(w.helper->log()));
        QVERIFY2(w.ruleset() == before, qPrintable(w.helper->log()));
        w.helper->stop();
    }

    void probeFromTheGatewayAddress()
    {
        World w;
        const QString started = w.start();
        QVERIFY2(started.isEmpty(), qPrintable(started));
        VERIFY_OK(applyNow(w.client, kNet, natState()));
        Request r;
        r.op = Op::Diagnose;
        r.diagnose = doctor::diagnoseRequestFor(natState());
        r.diagnose.probe = true;  // default target: the uplink's default gateway
        auto result = w.client.call(r, 30000);
        VERIFY_OK(result);
        auto facts = diagnoseFactsFromJson(result->value(QStringLiteral("facts")).toObject());
        VERIFY_OK(facts);
        QVERIFY2(facts->probe.reached, qPrintable(facts->probe.error));
        QCOMPARE(facts->probe.source, QStringLiteral("10.0.2.1"));
        QCOMPARE(facts->probe.target, kOutside);
        // An address nobody answers: bounded, reported as a warning.
        r.diagnose.probeTarget = QStringLiteral("192.168.50.77");
        QElapsedTimer t;
        t.start();
        result = w.client.call(r, 30000);
        VERIFY_OK(result);
        QVERIFY(t.elapsed() < 8000);
        facts = diagnoseFactsFromJson(result->value(QStringLiteral("facts")).toObject());
        VERIFY_OK(facts);
        QVERIFY(!facts->probe.reached);
        const doctor::Report rep = doctor::analyze(r.diagnose, *facts);
        QCOMPARE(rep.find(QStringLiteral("probe"))->severity, doctor::Severity::Warning);
        VERIFY_OK(teardownNow(w.client, kNet));
        w.helper->stop();
    }
};

QTEST_GUILESS_MAIN(TestDoctorNetns)
#include "test_doctor_netns.moc"
