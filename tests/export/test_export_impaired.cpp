// SPDX-License-Identifier: GPL-3.0-or-later
// The exported script of examples/i-impaired-lab.json, run inside network namespaces the test
// creates, measured with ping (RTT) from a "guest" namespace:
//   vdeSwitchPort       — vm1's port on the netloom switch `lan` has 20 ms ± 5 each way
//                         (wirefilter): the RTT to the gateway is at least 2 × 15 ms. The
//                         kernel-bridge part is cut from the topology, so this part needs
//                         no netem.
//   kernelBridgeTap     — vm2's tap on the bridge delays frames towards vm2 by 50 ms (tc netem):
//                         the RTT to the bridge's address is at least 45 ms. Needs the netem
//                         qdisc in the running kernel (else exit 77, saying so).
// Each is registered as its own ctest (the function name as argument). Both check that stop
// leaves nothing behind (snapshot before start == after stop).
#include "common/netns.h"
#include "common/testutil.h"
#include "export/shellexporter.h"
#include "nssnapshot.h"
#include "plan/planner.h"
#include "plan/topologyloader.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace netloom;
using test::ScopedNetns;

namespace {

constexpr int kScriptTimeoutMs = 30000;

struct Lab {
    QTemporaryDir dir;
    QString script;
    QString state;
    plan::Plan plan;  // planned with the real state dir
};

// Exports `t` (from the example's directory) and plans it with the script's state directory.
bool prepare(Lab &lab, const model::Topology &t, QString *error)
{
    const QString topoDir = QFileInfo(test::sourcePath(QStringLiteral("examples/i-impaired-lab.json"))).absolutePath();
    Result<QString> script = exporter::exportShell(t, topoDir);
    if (!script) {
        *error = script.error().message;
        return false;
    }
    lab.state = lab.dir.filePath(QStringLiteral("state"));
    Result<plan::Plan> p = plan::plan(t, plan::PlanContext{lab.state, topoDir});
    if (!p) {
        *error = p.error().message;
        return false;
    }
    lab.plan = *p;
    lab.script = lab.dir.filePath(QStringLiteral("net.sh"));
    QFile f(lab.script);
    if (!f.open(QIODevice::WriteOnly) || f.write(script->toUtf8()) < 0) {
        *error = QStringLiteral("cannot write the script");
        return false;
    }
    return true;
}

test::CommandResult runScript(const ScopedNetns &ns, const Lab &lab, const QString &command)
{
    return ns.exec({QStringLiteral("env"), QStringLiteral("VNET_STATE_DIR=") + lab.state, QStringLiteral("VNET_NO_GUESTS=1"),
                    QStringLiteral("/bin/sh"), lab.script, command},
                   kScriptTimeoutMs);
}

model::Topology example()
{
    Result<model::Topology> t = plan::loadTopologyForPlan(test::sourcePath(QStringLiteral("examples/i-impaired-lab.json")));
    if (!t)
        qFatal("cannot load the example: %s", qPrintable(t.error().message));
    return *t;
}

// Waits for `ifname` in `ns`, then gives it `mac` and `cidr` and brings it up.
test::CommandResult configure(const ScopedNetns &ns, const QString &ifname, const QString &mac, const QString &cidr)
{
    return ns.sh(QStringLiteral("i=0; while ! ip link show %1 >/dev/null 2>&1 && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; "
                                "ip link set %1 address %2 && ip addr add %3 dev %1 && ip link set %1 up")
                     .arg(ifname, mac, cidr));
}

QString macOf(const model::Topology &t, const char *guest)
{
    const model::Node *n = t.node(QString::fromLatin1(guest));
    return n ? n->guest.nics.value(0).mac : QString();
}

void requireTools()
{
    test::requireRoot();
    for (const char *tool : {"ip", "tc", "vde_switch", "vde_plug", "wirefilter", "dnsmasq", "busybox"})
        test::requireTool(QString::fromLatin1(tool));
}

}  // namespace

class TestExportImpaired : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { requireTools(); }

    void vdeSwitchPort()
    {
        model::Topology t = example();
        for (const char *id : {"br", "brhost", "vm2"})
            t.nodes.removeIf([id](const model::Node &n) { return n.id == QLatin1String(id); });
        t.links.removeIf([](const model::Link &l) { return l.id == QLatin1String("brhost-br") || l.id == QLatin1String("vm2-br"); });
        Lab lab;
        QString error;
        QVERIFY2(prepare(lab, t, &error), qPrintable(error));
        int port = 0;
        for (const plan::VdePort &p : lab.plan.runtime.switches.value(0).ports)
            if (p.link == QLatin1String("vm1-lan"))
                port = p.number;
        QVERIFY(port > 0);
        ScopedNetns host(QStringLiteral("exi"));
        QVERIFY2(host.ok(), qPrintable(host.error()));
        ScopedNetns guest(QStringLiteral("exig"));
        QVERIFY2(guest.ok(), qPrintable(guest.error()));

        const QString before = test::nsSnapshot(host, lab.state);
        test::CommandResult r = runScript(host, lab, QStringLiteral("start"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        r = runScript(host, lab, QStringLiteral("status"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));

        // The "guest" joins vm1's own small switch, as QEMU would.
        const QString plugPid = lab.dir.filePath(QStringLiteral("plug.pid"));
        r = guest.exec({QStringLiteral("vde_plug"), QStringLiteral("-d"), QStringLiteral("-p"), plugPid,
                        QStringLiteral("vde://%1/switch-lan-p%2").arg(lab.state).arg(port), QStringLiteral("tap://nltg0")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        r = configure(guest, QStringLiteral("nltg0"), macOf(t, "vm1"), QStringLiteral("10.0.7.50/24"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const test::PingStats rtt = test::ping(guest, QStringLiteral("10.0.7.1"), 10);
        const QString &log = rtt.output;
        qInfo("through vm1's impaired port: %d/10 replies, RTT min %.1f ms, avg %.1f ms", rtt.received, rtt.minMs, rtt.avgMs);
        // 20 ms ± 5 each way (1% loss each way): RTT >= 30 ms less a margin, and not absurd.
        QVERIFY2(rtt.received >= 6, qPrintable(log));
        QVERIFY2(rtt.minMs >= 28 && rtt.avgMs <= 120, qPrintable(log));

        r = guest.exec({QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("kill \"$(cat %1)\"").arg(plugPid)});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        r = runScript(host, lab, QStringLiteral("stop"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QString after = test::nsSnapshot(host, lab.state);
        QVERIFY2(before == after, qPrintable(test::snapshotDifference(before, after)));
    }

    void kernelBridgeTap()
    {
        QString noNetem;
        {
            // Probed in a namespace of its own, gone before a skip exits the process.
            ScopedNetns probe(QStringLiteral("exkp"));
            QVERIFY2(probe.ok(), qPrintable(probe.error()));
            const test::CommandResult r = probe.sh(QStringLiteral("ip link add loomprobe type ifb && tc qdisc add dev loomprobe root netem delay 1ms"));
            if (r.exitCode != 0)
                noNetem = QString::fromUtf8(r.err).trimmed();
        }
        if (!noNetem.isEmpty())
            test::skipTest(QStringLiteral("the running kernel has no netem qdisc or ifb device (sch_netem, ifb): %1").arg(noNetem));
        ScopedNetns host(QStringLiteral("exk"));
        QVERIFY2(host.ok(), qPrintable(host.error()));
        const model::Topology t = example();
        Lab lab;
        QString error;
        QVERIFY2(prepare(lab, t, &error), qPrintable(error));
        QString tap;
        for (const protocol::ImpairmentSpec &i : lab.plan.host.impairments)
            if (i.egress.delayUs == 50000)
                tap = i.ifname;
        QVERIFY(!tap.isEmpty());
        ScopedNetns guest(QStringLiteral("exkg"));
        QVERIFY2(guest.ok(), qPrintable(guest.error()));

        const QString before = test::nsSnapshot(host, lab.state);
        test::CommandResult r = runScript(host, lab, QStringLiteral("start"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QString qdiscs = QString::fromUtf8(host.exec({QStringLiteral("tc"), QStringLiteral("qdisc"), QStringLiteral("show")}).out);
        QVERIFY2(qdiscs.contains(QStringLiteral("netem")) && qdiscs.contains(QStringLiteral("tbf")), qPrintable(qdiscs));

        // vm2's tap reaches the guest namespace through a vde_switch that opens it (as QEMU would).
        const QString sw = lab.dir.filePath(QStringLiteral("vm2sw"));
        r = host.exec({QStringLiteral("vde_switch"), QStringLiteral("-sock"), sw, QStringLiteral("-daemon"), QStringLiteral("-pidfile"),
                       sw + QStringLiteral(".pid"), QStringLiteral("-tap"), tap});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QString plugPid = lab.dir.filePath(QStringLiteral("plug.pid"));
        r = guest.sh(QStringLiteral("i=0; while [ ! -e %1/ctl ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; vde_plug -d -p %2 vde://%1 tap://nltg0")
                         .arg(sw, plugPid));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        r = configure(guest, QStringLiteral("nltg0"), macOf(t, "vm2"), QStringLiteral("10.0.8.50/24"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const test::PingStats rtt = test::ping(guest, QStringLiteral("10.0.8.1"), 10);
        const QString &log = rtt.output;
        qInfo("through vm2's impaired tap: %d/10 replies, RTT min %.1f ms, avg %.1f ms", rtt.received, rtt.minMs, rtt.avgMs);
        QVERIFY2(rtt.received >= 8, qPrintable(log));
        QVERIFY2(rtt.minMs >= 45 && rtt.avgMs <= 150, qPrintable(log));

        r = guest.sh(QStringLiteral("kill \"$(cat %1)\"").arg(plugPid));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        r = host.sh(QStringLiteral("kill \"$(cat %1.pid)\"; sleep 0.3; rm -rf %1").arg(sw));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        r = runScript(host, lab, QStringLiteral("stop"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QString after = test::nsSnapshot(host, lab.state);
        QVERIFY2(before == after, qPrintable(test::snapshotDifference(before, after)));
    }
};

QTEST_GUILESS_MAIN(TestExportImpaired)
#include "test_export_impaired.moc"
