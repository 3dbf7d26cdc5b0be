// SPDX-License-Identifier: GPL-3.0-or-later
// The exported script for real, inside network namespaces the test creates:
//   (j) examples/j-port-forwards.json: the nft table with port forwards loads and goes.
//   (a) examples/a-vde-nat.json: vde_switch + host tap + dnsmasq + NAT. A namespace "guest"
//       plugs a tap into the switch port planned for vm1 (vde_plug), gets a DHCP lease from
//       the script's dnsmasq and pings the gateway.
//   (d) examples/d-bridge-taps.json: kernel bridge with taps and a host address; the guest
//       namespace joins the bridge through a veth.
//   (j) examples/j-ipv6-nat.json: the same with an IPv6 prefix: the guest gets a SLAAC
//       address from the script's dnsmasq and pings the gateway over IPv6; IPv6 forwarding
//       and the ip6 table are set while running and gone after stop.
// For both: `start` twice changes nothing the second time, and `stop` leaves no interface,
// address, nft rule, process, sysctl change or file behind (compared with a snapshot taken
// before start). Guests are skipped (VNET_NO_GUESTS=1): there are no guest images.
#include "common/netns.h"
#include "nssnapshot.h"
#include "common/testutil.h"
#include "export/shellexporter.h"
#include "plan/planner.h"
#include "plan/topologyloader.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace netloom;
using test::ScopedNetns;

namespace {

constexpr int kScriptTimeoutMs = 30000;

// A udhcpc script that applies the lease to the interface (no distro default needed).
const char *kUdhcpcScript =
    "#!/bin/sh\n"
    "case \"$1\" in\n"
    "  deconfig) ip -4 addr flush dev \"$interface\"; ip link set \"$interface\" up ;;\n"
    "  bound|renew) ip -4 addr flush dev \"$interface\"; ip addr add \"$ip/$mask\" dev \"$interface\" ;;\n"
    "esac\n"
    "exit 0\n";

struct Lab {
    QTemporaryDir dir;            // script, state dir, udhcpc script; removed last
    QString script;
    QString state;
    QString udhcpc;
    model::Topology topology;
    plan::Plan plan;              // planned with the real state dir, to find ports and names
};

// Loads, allocates and exports an example; plans it with the state dir the script will use.
bool prepare(Lab &lab, const QString &example, QString *error)
{
    if (!lab.dir.isValid()) {
        *error = QStringLiteral("no temporary directory");
        return false;
    }
    const QString path = test::sourcePath(QStringLiteral("examples/") + example);
    Result<model::Topology> t = plan::loadTopologyForPlan(path);
    if (!t) {
        *error = t.error().message;
        return false;
    }
    lab.topology = *t;
    Result<QString> script = exporter::exportShell(*t, QFileInfo(path).absolutePath());
    if (!script) {
        *error = script.error().message;
        return false;
    }
    lab.state = lab.dir.filePath(QStringLiteral("state"));
    Result<plan::Plan> p = plan::plan(*t, plan::PlanContext{lab.state, QFileInfo(path).absolutePath()});
    if (!p) {
        *error = p.error().message;
        return false;
    }
    lab.plan = *p;
    lab.script = lab.dir.filePath(QStringLiteral("net.sh"));
    lab.udhcpc = lab.dir.filePath(QStringLiteral("udhcpc.sh"));
    QFile s(lab.script), u(lab.udhcpc);
    if (!s.open(QIODevice::WriteOnly) || s.write(script->toUtf8()) < 0 || !u.open(QIODevice::WriteOnly) || u.write(kUdhcpcScript) < 0) {
        *error = QStringLiteral("cannot write the scripts");
        return false;
    }
    s.close();
    u.close();
    u.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return true;
}

test::CommandResult runScript(const ScopedNetns &ns, const Lab &lab, const QString &command)
{
    return ns.exec({QStringLiteral("env"), QStringLiteral("VNET_STATE_DIR=") + lab.state, QStringLiteral("VNET_NO_GUESTS=1"),
                    QStringLiteral("/bin/sh"), lab.script, command},
                   kScriptTimeoutMs);
}

// DHCP from the guest namespace on `ifname`; returns the leased address or "".
QString dhcp(const ScopedNetns &guest, const Lab &lab, const QString &ifname, QString *log)
{
    const test::CommandResult r = guest.exec({test::findTool(QStringLiteral("busybox")), QStringLiteral("udhcpc"), QStringLiteral("-i"), ifname,
                                              QStringLiteral("-n"), QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("5"),
                                              QStringLiteral("-T"), QStringLiteral("1"), QStringLiteral("-s"), lab.udhcpc},
                                             20000);
    *log = r.describe();
    if (r.exitCode != 0)
        return {};
    const test::CommandResult a = guest.exec({QStringLiteral("ip"), QStringLiteral("-4"), QStringLiteral("-o"), QStringLiteral("addr"),
                                              QStringLiteral("show"), QStringLiteral("dev"), ifname});
    const QStringList words = QString::fromUtf8(a.out).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    const qsizetype i = words.indexOf(QStringLiteral("inet"));
    return i >= 0 && i + 1 < words.size() ? words[i + 1] : QString();
}

void requireTools()
{
    test::requireRoot();
    for (const char *tool : {"ip", "vde_switch", "vde_plug", "dnsmasq", "nft", "busybox"})
        test::requireTool(QString::fromLatin1(tool));
}

}  // namespace

class TestExportNetns : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { requireTools(); }

    // examples/j-port-forwards.json: the script's nft table with the forward to the reserved
    // guest (and the commented-out one) loads, carries the DNAT, and goes with stop.
    void portForwardsLoad()
    {
        Lab lab;
        QString error;
        QVERIFY2(prepare(lab, QStringLiteral("j-port-forwards.json"), &error), qPrintable(error));
        ScopedNetns host(QStringLiteral("exf"));
        QVERIFY2(host.ok(), qPrintable(host.error()));
        const test::CommandResult start = runScript(host, lab, QStringLiteral("start-net"));
        QVERIFY2(start.exitCode == 0, qPrintable(start.describe()));
        const QString rules = QString::fromUtf8(host.exec({QStringLiteral("nft"), QStringLiteral("list"), QStringLiteral("ruleset")}).out);
        QVERIFY2(rules.contains(QStringLiteral("tcp dport 8080 dnat to 10.0.2.10:80")), qPrintable(rules));
        QVERIFY2(rules.contains(QStringLiteral("ct status dnat")) && !rules.contains(QStringLiteral("2222")), qPrintable(rules));
        QVERIFY2(rules.contains(QStringLiteral("ip daddr 127.0.0.0/8 drop")), qPrintable(rules));
        QCOMPARE(lab.plan.host.nat.size(), 1);
        const QString localnet = QStringLiteral("cat /proc/sys/net/ipv4/conf/%1/route_localnet").arg(lab.plan.host.nat[0].ifname);
        QCOMPARE(host.sh(localnet).out.trimmed(), QByteArray("1"));
        const test::CommandResult stop = runScript(host, lab, QStringLiteral("stop"));
        QVERIFY2(stop.exitCode == 0, qPrintable(stop.describe()));
        const QString after = QString::fromUtf8(host.exec({QStringLiteral("nft"), QStringLiteral("list"), QStringLiteral("ruleset")}).out);
        QVERIFY2(!after.contains(QStringLiteral("dnat")), qPrintable(after));
    }

    void natLanOnVdeSwitch()
    {
        Lab lab;
        QString error;
        QVERIFY2(prepare(lab, QStringLiteral("a-vde-nat.json"), &error), qPrintable(error));
        ScopedNetns host(QStringLiteral("exa"));
        QVERIFY2(host.ok(), qPrintable(host.error()));
        ScopedNetns guest(QStringLiteral("exag"));
        QVERIFY2(guest.ok(), qPrintable(guest.error()));

        const QString before = test::nsSnapshot(host, lab.state);
        test::CommandResult r = runScript(host, lab, QStringLiteral("start"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        r = runScript(host, lab, QStringLiteral("status"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));

        // The guest: a tap in its own namespace plugged into vm1's planned switch port, with vm1's MAC.
        QCOMPARE(lab.plan.runtime.switches.size(), 1);
        const plan::SwitchPlan &sw = lab.plan.runtime.switches[0];
        const auto port = std::find_if(sw.ports.cbegin(), sw.ports.cend(), [](const plan::VdePort &p) { return p.kind == plan::VdePort::Kind::Guest; });
        QVERIFY(port != sw.ports.cend());
        const QString plugPid = lab.dir.filePath(QStringLiteral("guest-plug.pid"));
        r = guest.exec({QStringLiteral("vde_plug"), QStringLiteral("-d"), QStringLiteral("-p"), plugPid,
                        QStringLiteral("vde://%1[port=%2]").arg(sw.socketDir).arg(port->number), QStringLiteral("tap://nltg0")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        r = guest.sh(QStringLiteral("i=0; while ! ip link show nltg0 >/dev/null 2>&1 && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; "
                                    "ip link set nltg0 address %1 && ip link set nltg0 up").arg(port->mac));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QString log;
        const QString leased = dhcp(guest, lab, QStringLiteral("nltg0"), &log);
        QVERIFY2(leased.startsWith(QStringLiteral("10.0.2.")) && leased.endsWith(QStringLiteral("/24")), qPrintable(leased + QStringLiteral(" ") + log));
        const int last = leased.section(QLatin1Char('.'), 3).section(QLatin1Char('/'), 0, 0).toInt();
        QVERIFY2(last >= 100 && last <= 199, qPrintable(leased));
        const QByteArray leases = test::readFile(lab.state + QStringLiteral("/dnsmasq-%1.leases").arg(lab.plan.host.dnsmasq[0].ifname));
        QVERIFY2(leases.contains(port->mac.toUtf8()), leases.constData());
        r = guest.exec({test::findTool(QStringLiteral("busybox")), QStringLiteral("ping"), QStringLiteral("-c"), QStringLiteral("2"),
                        QStringLiteral("-W"), QStringLiteral("2"), QStringLiteral("10.0.2.1")}, 15000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));

        // Idempotent start.
        const QString running = test::nsSnapshot(host, lab.state);
        QVERIFY2(running.contains(QStringLiteral("vde_switch")) && running.contains(QStringLiteral("dnsmasq")), qPrintable(running));
        QVERIFY2(running.contains(QStringLiteral("masquerade")), qPrintable(running));
        r = runScript(host, lab, QStringLiteral("start"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QString again = test::nsSnapshot(host, lab.state);
        QVERIFY2(running == again, qPrintable(test::snapshotDifference(running, again)));

        // Stop: nothing left behind.
        r = runScript(host, lab, QStringLiteral("stop"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QString after = test::nsSnapshot(host, lab.state);
        QVERIFY2(before == after, qPrintable(test::snapshotDifference(before, after)));
        r = runScript(host, lab, QStringLiteral("status"));
        QCOMPARE(r.exitCode, 3);
        r = runScript(host, lab, QStringLiteral("stop"));  // stopping a stopped network is fine
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    }

    // A start that fails half-way (dnsmasq cannot open its lease file, because something that
    // is not the script's sits there) exits 1 naming the step; stop then removes everything
    // the partial start made and leaves the pre-existing state directory and its foreign entry.
    void failedStartIsUndone()
    {
        Lab lab;
        QString error;
        QVERIFY2(prepare(lab, QStringLiteral("a-vde-nat.json"), &error), qPrintable(error));
        ScopedNetns host(QStringLiteral("exf"));
        QVERIFY2(host.ok(), qPrintable(host.error()));
        QCOMPARE(lab.plan.host.dnsmasq.size(), 1);
        const QString foreign = lab.state + QStringLiteral("/dnsmasq-%1.leases").arg(lab.plan.host.dnsmasq[0].ifname);
        QVERIFY(QDir().mkpath(foreign));

        const QString before = test::nsSnapshot(host, lab.state);
        test::CommandResult r = runScript(host, lab, QStringLiteral("start"));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("failed to start dnsmasq on '"), qPrintable(r.describe()));
        QVERIFY2(test::nsSnapshot(host, lab.state).contains(QStringLiteral("vde_switch")), "the partial start did not get as far as the switch");
        r = runScript(host, lab, QStringLiteral("stop"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QString after = test::nsSnapshot(host, lab.state);
        QVERIFY2(before == after, qPrintable(test::snapshotDifference(before, after)));
        QVERIFY(QFileInfo(foreign).isDir());
    }

    void kernelBridgeWithVethGuest()
    {
        Lab lab;
        QString error;
        QVERIFY2(prepare(lab, QStringLiteral("d-bridge-taps.json"), &error), qPrintable(error));
        ScopedNetns host(QStringLiteral("exd"));
        QVERIFY2(host.ok(), qPrintable(host.error()));
        ScopedNetns guest(QStringLiteral("exdg"));
        QVERIFY2(guest.ok(), qPrintable(guest.error()));

        const QString before = test::nsSnapshot(host, lab.state);
        test::CommandResult r = runScript(host, lab, QStringLiteral("start"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(lab.plan.host.bridges.size(), 1);
        const QString bridge = lab.plan.host.bridges[0].ifname;
        const QString links = QString::fromUtf8(host.exec({QStringLiteral("ip"), QStringLiteral("-o"), QStringLiteral("link")}).out);
        for (const QString &tap : lab.plan.host.bridges[0].ports)
            QVERIFY2(links.contains(QStringLiteral(" master %1 ").arg(bridge)) && links.contains(tap), qPrintable(links));

        // The guest joins the bridge through a veth (created and removed by the test).
        r = host.exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("add"), QStringLiteral("nltv0"), QStringLiteral("type"),
                       QStringLiteral("veth"), QStringLiteral("peer"), QStringLiteral("name"), QStringLiteral("nltv1"),
                       QStringLiteral("netns"), guest.name()});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        r = host.sh(QStringLiteral("ip link set nltv0 master %1 && ip link set nltv0 up").arg(bridge));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        r = guest.exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("set"), QStringLiteral("nltv1"), QStringLiteral("up")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QString log;
        const QString leased = dhcp(guest, lab, QStringLiteral("nltv1"), &log);
        QVERIFY2(leased.startsWith(QStringLiteral("10.0.5.")) && leased.endsWith(QStringLiteral("/24")), qPrintable(leased + QStringLiteral(" ") + log));
        r = guest.exec({test::findTool(QStringLiteral("busybox")), QStringLiteral("ping"), QStringLiteral("-c"), QStringLiteral("2"),
                        QStringLiteral("-W"), QStringLiteral("2"), QStringLiteral("10.0.5.1")}, 15000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));

        const QString running = test::nsSnapshot(host, lab.state);
        r = runScript(host, lab, QStringLiteral("start"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QString again = test::nsSnapshot(host, lab.state);
        QVERIFY2(running == again, qPrintable(test::snapshotDifference(running, again)));

        r = host.exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("del"), QStringLiteral("nltv0")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        r = runScript(host, lab, QStringLiteral("stop"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QString after = test::nsSnapshot(host, lab.state);
        QVERIFY2(before == after, qPrintable(test::snapshotDifference(before, after)));
    }

    void ipv6BridgeWithVethGuest()
    {
        Lab lab;
        QString error;
        QVERIFY2(prepare(lab, QStringLiteral("j-ipv6-nat.json"), &error), qPrintable(error));
        ScopedNetns host(QStringLiteral("exj"));
        QVERIFY2(host.ok(), qPrintable(host.error()));
        ScopedNetns guest(QStringLiteral("exjg"));
        QVERIFY2(guest.ok(), qPrintable(guest.error()));
        QCOMPARE(guest.sh(QStringLiteral("sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.default.accept_ra=1")).exitCode, 0);

        const QString before = test::nsSnapshot(host, lab.state);
        test::CommandResult r = runScript(host, lab, QStringLiteral("start"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QString bridge = lab.plan.host.bridges[0].ifname;
        QCOMPARE(host.sh(QStringLiteral("cat /proc/sys/net/ipv6/conf/all/forwarding")).out.trimmed(), QByteArray("1"));
        r = host.sh(QStringLiteral("nft list ruleset"));
        QVERIFY2(r.out.contains("table ip6 vnet_j_ipv6_nat_") && r.out.contains("ip6 saddr fd42:9::/64 ip6 daddr != fd42:9::/64 oifname \"eth*\" masquerade"),
                 r.out.constData());
        r = host.exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("add"), QStringLiteral("nltv0"), QStringLiteral("type"),
                       QStringLiteral("veth"), QStringLiteral("peer"), QStringLiteral("name"), QStringLiteral("nltv1"),
                       QStringLiteral("netns"), guest.name()});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        r = host.sh(QStringLiteral("ip link set nltv0 master %1 && ip link set nltv0 up").arg(bridge));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        r = guest.sh(QStringLiteral("ip link set nltv1 up"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const bool slaac = [&] {
            for (int i = 0; i < 100; ++i) {
                if (guest.sh(QStringLiteral("ip -6 addr show dev nltv1 scope global")).out.contains("inet6 fd42:9::"))
                    return true;
                QTest::qWait(200);
            }
            return false;
        }();
        QVERIFY2(slaac, guest.sh(QStringLiteral("ip -6 addr")).out.constData());
        r = guest.sh(QStringLiteral("busybox ping -6 -c 2 -W 2 fd42:9::1"), 15000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(host.sh(QStringLiteral("cat /proc/sys/net/ipv6/conf/%1/accept_ra").arg(bridge)).out.trimmed(), QByteArray("0"));
        r = host.sh(QStringLiteral("ip -6 addr show dev %1").arg(bridge));  // no SLAAC from its own RAs
        QVERIFY2(r.exitCode == 0 && !r.out.contains("dynamic"), qPrintable(r.describe()));

        r = host.exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("del"), QStringLiteral("nltv0")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        r = runScript(host, lab, QStringLiteral("stop"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QString after = test::nsSnapshot(host, lab.state);
        QVERIFY2(before == after, qPrintable(test::snapshotDifference(before, after)));
    }
};

QTEST_GUILESS_MAIN(TestExportNetns)
#include "test_export_netns.moc"
