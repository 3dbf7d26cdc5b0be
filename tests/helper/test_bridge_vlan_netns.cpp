// SPDX-License-Identifier: GPL-3.0-or-later
// 802.1Q on a kernel bridge (issue #16 part 4), for real, inside namespaces the test creates.
// The topology is tests/plan/fixtures.h's bridgeVlanLan(): bridge loomvbr0 with the gateway
// 10.0.10.1/24 in VLAN 10, guests a and b on access VLAN 10, c on a trunk (10, 20 tagged), d on
// access VLAN 20. Guests are namespaces: a TapRelay attaches to each guest's tap as QEMU would
// and gives the namespace a tap "eth0" (c adds eth0.10 and eth0.20 VLAN interfaces).
//  - helperRealizesVlans: the planner's host state applied by the real netloom-helper;
//    `bridge -j vlan show` equals the plan; a pings b, c.10 and the gateway, d pings c.20,
//    and d reaches neither a nor b (same IPv4 subnet, other VLAN); teardown leaves the
//    namespace as before (the snapshot includes `bridge vlan show`).
//  - crashRecoveryRestoresVlans: a persistent network, the helper killed, entries changed
//    meanwhile; the restarted helper makes them exact again and `status` reports them.
//  - exportServesSameVlans: the exported script's `start` in a fresh namespace yields the same
//    `bridge -j vlan show` as the helper did, the same traffic, and `stop` leaves nothing.
// Needs a bridge with VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING) and 8021q: CTest runs it
// through tests/common/run-in-kernel-vm.sh, in a guest kernel that has them when this one has
// not; run directly on a kernel without them it exits 77 and says so.
#include "common/netns.h"
#include "common/testutil.h"
#include "export/shellexporter.h"
#include "helperclient/helperclient.h"
#include "helpercalls.h"
#include "helperfixture.h"
#include "nssnapshot.h"
#include "plan/fixtures.h"
#include "plan/planner.h"
#include "protocol/hoststatedecode.h"
#include "taprelay.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace netloom;
using namespace netloom::helper::test;
using netloom::test::ScopedNetns;

namespace {

using VlanMap = QMap<QString, QString>;  // interface -> "10pu 20" (one word per vid)

QString vidWord(int vid, bool pvid, bool untagged)
{
    return QString::number(vid) + (pvid ? QStringLiteral("p") : QString()) + (untagged ? QStringLiteral("u") : QString());
}

// What the plan says every port (and bridge) carries.
VlanMap planned(const protocol::HostState &s)
{
    VlanMap out;
    for (const protocol::BridgeSpec &b : s.bridges)
        for (const protocol::PortVlanSpec &p : b.vlans) {
            QStringList words;
            for (const protocol::BridgeVlan &v : p.vlans)
                words << vidWord(v.vid, v.pvid, v.untagged);
            out.insert(p.ifname, words.join(u' '));
        }
    return out;
}

// What the kernel holds: `bridge -j vlan show` (ranges expanded; interfaces without entries
// left out). Empty map and *error set when it cannot be read.
VlanMap shown(const ScopedNetns &ns, QString *error)
{
    const auto r = ns.exec({QStringLiteral("bridge"), QStringLiteral("-j"), QStringLiteral("vlan"), QStringLiteral("show")});
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out, &pe);
    if (r.exitCode != 0 || !doc.isArray()) {
        *error = r.describe() + QStringLiteral(" ") + QString::fromUtf8(r.out);
        return {};
    }
    VlanMap out;
    for (const QJsonValue &port : doc.array()) {
        QStringList words;
        for (const QJsonValue &v : port[QStringLiteral("vlans")].toArray()) {
            const QJsonArray flags = v[QStringLiteral("flags")].toArray();
            const bool pvid = flags.contains(QStringLiteral("PVID"));
            const bool untagged = flags.contains(QStringLiteral("Egress Untagged"));
            const int first = v[QStringLiteral("vlan")].toInt();
            const int last = v[QStringLiteral("vlanEnd")].toInt(first);
            for (int vid = first; vid <= last && vid <= 4094; ++vid)
                words << vidWord(vid, pvid, untagged);
        }
        if (!words.isEmpty())
            out.insert(port[QStringLiteral("ifname")].toString(), words.join(u' '));
    }
    return out;
}

QString describe(const VlanMap &m)
{
    QString s;
    for (auto it = m.cbegin(); it != m.cend(); ++it)
        s += it.key() + QStringLiteral(": ") + it.value() + u'\n';
    return s;
}

// The guests: namespaces joined to the bridge's taps, with their addresses.
struct Guests {
    std::unique_ptr<ScopedNetns> a, b, c, d;
    TapRelay ra, rb, rc, rd;

    // Attaches every guest to its tap in `host` and configures it; "" or the failure.
    QString up(const ScopedNetns &host)
    {
        a = std::make_unique<ScopedNetns>(QStringLiteral("vlga"));
        b = std::make_unique<ScopedNetns>(QStringLiteral("vlgb"));
        c = std::make_unique<ScopedNetns>(QStringLiteral("vlgc"));
        d = std::make_unique<ScopedNetns>(QStringLiteral("vlgd"));
        for (const ScopedNetns *g : {a.get(), b.get(), c.get(), d.get()})
            if (!g->ok())
                return g->error();
        const QList<std::tuple<TapRelay *, const char *, ScopedNetns *, QString>> plan{
            {&ra, "loomva0", a.get(), QStringLiteral("ip addr add 10.0.10.11/24 dev eth0")},
            {&rb, "loomvb0", b.get(), QStringLiteral("ip addr add 10.0.10.12/24 dev eth0")},
            {&rc, "loomvc0", c.get(),
             QStringLiteral("ip link add link eth0 name eth0.10 type vlan id 10 && ip link add link eth0 name eth0.20 type vlan id 20"
                            " && ip addr add 10.0.10.13/24 dev eth0.10 && ip addr add 10.0.20.13/24 dev eth0.20"
                            " && ip link set eth0.10 up && ip link set eth0.20 up")},
            // d: in VLAN 20, but with an address in VLAN 10's subnet too: only the VLAN keeps it out.
            {&rd, "loomvd0", d.get(), QStringLiteral("ip addr add 10.0.20.14/24 dev eth0 && ip addr add 10.0.10.14/24 dev eth0")}};
        for (const auto &[relay, tap, ns, config] : plan) {
            if (QString e = relay->start(host.name(), QLatin1String(tap), ns->name(), QStringLiteral("eth0")); !e.isEmpty())
                return e;
            const auto r = ns->sh(QStringLiteral("ip link set eth0 up && ") + config);
            if (r.exitCode != 0)
                return r.describe();
        }
        return {};
    }
    void down()
    {
        for (TapRelay *r : {&ra, &rb, &rc, &rd})
            r->stop();
    }
};

// a <-> b, c.10 and the gateway; d <-> c.20; d reaches neither a nor b. "" or the failure.
QString checkTraffic(Guests &g)
{
    struct Probe {
        const ScopedNetns *from;
        const char *to;
        bool reaches;
    };
    const QList<Probe> probes{{g.a.get(), "10.0.10.12", true},  {g.a.get(), "10.0.10.13", true}, {g.a.get(), "10.0.10.1", true},
                              {g.d.get(), "10.0.20.13", true},  {g.b.get(), "10.0.10.13", true}, {g.d.get(), "10.0.10.11", false},
                              {g.a.get(), "10.0.10.14", false}, {g.d.get(), "10.0.10.12", false}};
    for (const Probe &p : probes) {
        // The first echo may wait for ARP and the relays: up to five tries, 0.3 s apart.
        const auto stats = netloom::test::ping(*p.from, QLatin1String(p.to), p.reaches ? 5 : 3, QStringLiteral("0.3"));
        if ((stats.received > 0) != p.reaches)
            return QStringLiteral("%1 -> %2: expected %3, got %4/%5\n%6")
                .arg(p.from->name(), QLatin1String(p.to), p.reaches ? QStringLiteral("replies") : QStringLiteral("silence"))
                .arg(stats.received)
                .arg(stats.sent)
                .arg(stats.output);
    }
    return {};
}

plan::Plan mustPlan(const model::Topology &t, const QString &runtimeDir)
{
    Result<plan::Plan> p = plan::plan(t, plan::PlanContext{runtimeDir, QStringLiteral("/srv/labs")});
    if (!p)
        qFatal("unexpected plan error: %s", qPrintable(p.error().message));
    return *p;
}

}  // namespace

class TestBridgeVlanNetns : public QObject {
    Q_OBJECT
    VlanMap m_helperShown;  // what the helper's network showed (the export must match it)

private Q_SLOTS:
    void initTestCase()
    {
        netloom::test::requireRoot();
        for (const char *tool : {"ip", "bridge", "busybox"})
            netloom::test::requireTool(QString::fromLatin1(tool));
        ScopedNetns probe(QStringLiteral("vlprobe"));
        QVERIFY2(probe.ok(), qPrintable(probe.error()));
        const auto r = probe.sh(QStringLiteral("ip link add p0 type bridge vlan_filtering 1 && ip link add p1 type dummy"
                                               " && ip link add link p1 name p1.10 type vlan id 10"));
        if (r.exitCode != 0)
            netloom::test::skipTest(QStringLiteral("this kernel (%1) has no bridge VLAN filtering or no 8021q: %2")
                                        .arg(QString::fromUtf8(netloom::test::readFile(QStringLiteral("/proc/sys/kernel/osrelease"))).trimmed(),
                                             r.describe()));
    }

    void helperRealizesVlans()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const plan::Plan p = mustPlan(test::bridgeVlanLan(), dir.filePath(QStringLiteral("run")));
        const VlanMap want = planned(p.host);
        QCOMPARE(want.value(QStringLiteral("loomvbr0")), QStringLiteral("10pu"));
        QCOMPARE(want.value(QStringLiteral("loomvc0")), QStringLiteral("10 20"));

        ScopedNetns ns(QStringLiteral("vlhost"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        HelperProcess helper(ns, dir.path());
        QVERIFY2(helper.start(), qPrintable(helper.log()));
        const QString before = snapshot(ns, helper.stateDir(), helper.pid());
        HelperClient client;
        VERIFY_OK(client.connectAndWait(helper.socketPath()));
        VERIFY_OK(applyNow(client, QStringLiteral("vlan"), p.host));

        QString error;
        m_helperShown = shown(ns, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY2(m_helperShown == want, qPrintable(QStringLiteral("kernel:\n%1plan:\n%2").arg(describe(m_helperShown), describe(want))));
        const auto filtering = ns.exec({QStringLiteral("ip"), QStringLiteral("-d"), QStringLiteral("link"), QStringLiteral("show"), QStringLiteral("loomvbr0")});
        QVERIFY2(filtering.out.contains("vlan_filtering 1") && filtering.out.contains("vlan_default_pvid 0"), filtering.out.constData());

        Guests g;
        const QString up = g.up(ns);
        QVERIFY2(up.isEmpty(), qPrintable(up));
        const QString traffic = checkTraffic(g);
        QVERIFY2(traffic.isEmpty(), qPrintable(traffic));
        g.down();

        // Applying the same state again changes nothing; teardown leaves nothing.
        VERIFY_OK(applyNow(client, QStringLiteral("vlan"), p.host));
        QCOMPARE(shown(ns, &error), want);
        VERIFY_OK(teardownNow(client, QStringLiteral("vlan")));
        QCOMPARE(snapshot(ns, helper.stateDir(), helper.pid()), before);
        helper.stop();
    }

    // A persistent network survives a helper crash during which its VLANs were changed
    // behind its back: the restarted helper re-adopts it and makes every port's entries
    // exact again; its status reports them; teardown leaves nothing.
    void crashRecoveryRestoresVlans()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const plan::Plan p = mustPlan(test::bridgeVlanLan(), dir.filePath(QStringLiteral("run")));
        const VlanMap want = planned(p.host);
        ScopedNetns ns(QStringLiteral("vlcrash"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        HelperProcess helper(ns, dir.path());
        QVERIFY2(helper.start(), qPrintable(helper.log()));
        const QString before = snapshot(ns, helper.stateDir(), helper.pid());
        {
            HelperClient client;
            VERIFY_OK(client.connectAndWait(helper.socketPath()));
            VERIFY_OK(applyNow(client, QStringLiteral("vlan"), p.host, true));
        }
        helper.kill9();
        const auto tamper = ns.sh(QStringLiteral("bridge vlan del dev loomva0 vid 10 && bridge vlan add dev loomvb0 vid 99"
                                                 " && bridge vlan add dev loomvbr0 vid 20 self"));
        QVERIFY2(tamper.exitCode == 0, qPrintable(tamper.describe()));
        QString error;
        QVERIFY(shown(ns, &error) != want);

        HelperProcess again(ns, dir.path());
        QVERIFY2(again.start(), qPrintable(again.log()));
        QVERIFY2(shown(ns, &error) == want, qPrintable(describe(shown(ns, &error)) + again.log()));
        HelperClient client;
        VERIFY_OK(client.connectAndWait(again.socketPath()));
        protocol::Request st;
        st.op = protocol::Op::Status;
        st.network = QStringLiteral("vlan");
        auto status = client.call(st);
        VERIFY_OK(status);
        auto reported = protocol::hostStateFromJson(status->value(QStringLiteral("state")).toObject());
        VERIFY_OK(reported);
        QCOMPARE(planned(*reported), want);
        VERIFY_OK(teardownNow(client, QStringLiteral("vlan")));
        QCOMPARE(snapshot(ns, again.stateDir(), again.pid()), before);
        again.stop();
    }

    void exportServesSameVlans()
    {
        QVERIFY2(!m_helperShown.isEmpty(), "helperRealizesVlans must run first");
        netloom::test::requireTool(QStringLiteral("busybox"));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Result<QString> script = exporter::exportShell(test::bridgeVlanLan(), QStringLiteral("/srv/labs"));
        QVERIFY2(script, script ? "" : qPrintable(script.error().message));
        const QString path = dir.filePath(QStringLiteral("net.sh"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write(script->toUtf8()) > 0);
        f.close();
        const QString state = dir.filePath(QStringLiteral("state"));
        ScopedNetns ns(QStringLiteral("vlexport"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        const auto run = [&](const QString &command) {
            return ns.exec({QStringLiteral("env"), QStringLiteral("VNET_STATE_DIR=") + state, QStringLiteral("VNET_NO_GUESTS=1"),
                            QStringLiteral("/bin/sh"), path, command},
                           30000);
        };
        const QString before = netloom::test::nsSnapshot(ns, state);
        auto r = run(QStringLiteral("start"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QString error;
        const VlanMap got = shown(ns, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY2(got == m_helperShown, qPrintable(QStringLiteral("export:\n%1helper:\n%2").arg(describe(got), describe(m_helperShown))));

        Guests g;
        const QString up = g.up(ns);
        QVERIFY2(up.isEmpty(), qPrintable(up));
        const QString traffic = checkTraffic(g);
        QVERIFY2(traffic.isEmpty(), qPrintable(traffic));
        g.down();

        r = run(QStringLiteral("start"));  // again: nothing changes
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(shown(ns, &error), m_helperShown);
        r = run(QStringLiteral("stop"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QString after = netloom::test::nsSnapshot(ns, state);
        QVERIFY2(before == after, qPrintable(netloom::test::snapshotDifference(before, after)));
    }
};

QTEST_GUILESS_MAIN(TestBridgeVlanNetns)
#include "test_bridge_vlan_netns.moc"
