// SPDX-License-Identifier: GPL-3.0-or-later
// The shell exporter without a network: every exported example passes `shellcheck -s sh`,
// hostile strings are quoted (running the script does not execute them), stop undoes start
// in reverse order, MACs are unique, and nothing in the script refers to its generator.
#include "export/shellexporter.h"
#include "export/shellemulation.h"
#include "plan/rundir.h"
#include "plan/fixtures.h"
#include "plan/topologyloader.h"
#include "common/testutil.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace netloom;

namespace {

QString mustExport(const model::Topology &t, const QString &dir = QStringLiteral("/srv/labs"))
{
    Result<QString> s = exporter::exportShell(t, dir);
    if (!s)
        qFatal("unexpected export error: %s", qPrintable(s.error().message));
    return *s;
}

QString writeScript(const QTemporaryDir &dir, const QString &name, const QString &text)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(text.toUtf8()) != text.toUtf8().size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

model::Topology hostile()
{
    model::Topology t = test::natLan(QStringLiteral("it's a \"lab\" $HOME `touch MARK` $(touch MARK)"));
    model::Node &vm = *t.node(QStringLiteral("vm1"));
    vm.name = QStringLiteral("vm 1; touch MARK");
    vm.guest.disks[0].path = QStringLiteral("my disks/$(touch MARK)/`touch MARK`/it's.qcow2");
    vm.guest.kernel = QStringLiteral("boot/vmlinuz $(touch MARK)");
    vm.guest.append = QStringLiteral("console=ttyS0 x='$(touch MARK)' %1 %2");
    vm.guest.extraArgs = {QStringLiteral("-smbios"), QStringLiteral("type=1,serial=$(touch MARK)%3")};
    vm.guest.uefi = model::UefiConfig{QStringLiteral("/usr/share/OVMF/OVMF_CODE_4M.fd"), QStringLiteral("vars $(touch MARK)/it's_VARS.fd")};
    return t;
}

}  // namespace

class TestShellExporter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void shellcheckEveryExample_data()
    {
        QTest::addColumn<QString>("example");
        const QStringList files = QDir(test::sourcePath(QStringLiteral("examples"))).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
        QVERIFY(!files.isEmpty());
        for (const QString &f : files)
            QTest::newRow(qPrintable(f)) << f;
        QTest::newRow("fixture nat lan") << QString();
        QTest::newRow("fixture bridge lan") << QStringLiteral("!bridge");
        QTest::newRow("fixture hostile") << QStringLiteral("!hostile");
        QTest::newRow("fixture two bridges") << QStringLiteral("!twobridges");
        QTest::newRow("fixture bridge vlans") << QStringLiteral("!bridgevlans");
    }
    void shellcheckEveryExample()
    {
        QFETCH(QString, example);
        const QString shellcheck = test::requireTool(QStringLiteral("shellcheck"));
        QString script;
        if (example.isEmpty()) {
            script = mustExport(test::natLan());
        } else if (example == QLatin1String("!bridge")) {
            script = mustExport(test::bridgeLan());
        } else if (example == QLatin1String("!twobridges")) {
            script = mustExport(test::twoBridges());
            QVERIFY(script.contains(QStringLiteral("ip link add name 'loomc0' type veth peer name 'loomc0p'")));
            QVERIFY(script.contains(QStringLiteral("ip link add name 'loomvx0' type vxlan id 42 remote '192.0.2.7' dstport 4789")));
            QVERIFY(script.contains(QStringLiteral("ip link set dev 'eth0' nomaster")));
        } else if (example == QLatin1String("!bridgevlans")) {
            script = mustExport(test::bridgeVlanLan());
            // 802.1Q on the kernel bridge: filtering without the implicit VLAN 1, one
            // `bridge vlan add` per run, the bridge's own entry (its gateway) with `self`.
            for (const char *line : {"ip link add name 'loomvbr0' type bridge stp_state 0 vlan_filtering 1 vlan_default_pvid 0 ||",
                                     "  bridge vlan add dev 'loomva0' vid 10 pvid untagged || die",
                                     "  bridge vlan add dev 'loomvc0' vid 10 || die", "  bridge vlan add dev 'loomvc0' vid 20 || die",
                                     "  bridge vlan add dev 'loomvd0' vid 20 pvid untagged || die",
                                     "  bridge vlan add dev 'loomvbr0' vid 10 pvid untagged self || die", "  need_tool 'bridge'\n"})
                QVERIFY2(script.contains(QLatin1String(line)), line);
            QVERIFY(!script.contains(QLatin1String("vid 1 ")));
            QVERIFY(script.indexOf(QLatin1String("bridge vlan add dev 'loomva0'")) > script.indexOf(QLatin1String("master 'loomvbr0'")));
            QVERIFY(!mustExport(test::bridgeLan()).contains(QLatin1String("vlan")));
        } else if (example == QLatin1String("!hostile")) {
            script = mustExport(hostile());
        } else {
            const QString path = test::sourcePath(QStringLiteral("examples/") + example);
            Result<model::Topology> t = plan::loadTopologyForPlan(path);
            QVERIFY2(t.isOk(), qPrintable(t ? QString() : t.error().message));
            script = mustExport(*t, QFileInfo(path).absolutePath());
            QVERIFY2(!script.contains(QLatin1String("netloom"), Qt::CaseInsensitive), "the script mentions its generator");
        }
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = writeScript(dir, QStringLiteral("net.sh"), script);
        const test::CommandResult sc = test::run({shellcheck, QStringLiteral("-s"), QStringLiteral("sh"), path});
        QVERIFY2(sc.exitCode == 0, qPrintable(sc.describe()));
        const test::CommandResult syntax = test::run({QStringLiteral("/bin/sh"), QStringLiteral("-n"), path});
        QVERIFY2(syntax.exitCode == 0, qPrintable(syntax.describe()));

        // Unique MACs across every qemu line.
        static const QRegularExpression macRe(QStringLiteral(",mac=([0-9a-f:]{17})"));
        QSet<QString> macs;
        int count = 0;
        for (auto it = macRe.globalMatch(script); it.hasNext(); ++count)
            macs.insert(it.next().captured(1));
        QCOMPARE(macs.size(), count);
    }

    // Hostile names and paths neither break the script nor run: `status` and `stop` (which
    // print and touch only the state directory) run with the hostile strings in view, and no
    // MARK file appears anywhere.
    void hostileStringsAreInert()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString script = mustExport(hostile());
        QVERIFY(script.contains(QStringLiteral("'my disks/$(touch MARK)/`touch MARK`/it'\\''s.qcow2")) ||
                script.contains(QStringLiteral("my disks/$(touch MARK)/`touch MARK`/it'\\''s.qcow2")));
        QVERIFY(script.contains(QStringLiteral("%1 %2")));  // '%' survives rendering unchanged
        QVERIFY(script.contains(QStringLiteral("serial=$(touch MARK)%3")));
        const QString path = writeScript(dir, QStringLiteral("net.sh"), script);
        const QString state = dir.filePath(QStringLiteral("state"));
        const test::CommandResult r = test::run({QStringLiteral("/usr/bin/env"), QStringLiteral("VNET_STATE_DIR=") + state,
                                                 QStringLiteral("/bin/sh"), path, QStringLiteral("status")});
        QCOMPARE(r.exitCode, 3);  // nothing is running
        QVERIFY2(r.out.contains("switch 'lan': stopped"), qPrintable(r.describe()));
        QVERIFY(!QFile::exists(QStringLiteral("MARK")));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("MARK"))));
        QVERIFY(!QFileInfo::exists(state));
        const test::CommandResult bad = test::run({QStringLiteral("/usr/bin/env"), QStringLiteral("VNET_STATE_DIR=/tmp/a b"),
                                                   QStringLiteral("/bin/sh"), path, QStringLiteral("stop")});
        QVERIFY(bad.exitCode != 0);
        const test::CommandResult usage = test::run({QStringLiteral("/bin/sh"), path, QStringLiteral("frobnicate")});
        QCOMPARE(usage.exitCode, 2);
    }

    void controlCharactersAreRefused()
    {
        model::Topology t = test::natLan();
        t.node(QStringLiteral("vm1"))->guest.extraArgs = {QStringLiteral("-append\nrm -rf /")};
        Result<QString> s = exporter::exportShell(t, QStringLiteral("/srv"));
        QVERIFY(!s.isOk());
        QVERIFY2(s.error().message.startsWith(QStringLiteral("failed to export 'natlan': ")), qPrintable(s.error().message));
    }

    // stop undoes what start made, in reverse order; guests stop first.
    void stopReversesStart()
    {
        const QString s = mustExport(test::natLan());
        const qsizetype stop = s.indexOf(QLatin1String("stop_all() {"));
        QVERIFY(stop > 0);
        auto startPos = [&](const QString &needle) { return s.indexOf(needle); };
        auto stopPos = [&](const QString &needle) { return s.indexOf(needle, stop); };
        QVERIFY(startPos(QStringLiteral("record 'link loomnat0'")) < startPos(QStringLiteral("record 'proc switch-lan'")));
        QVERIFY(startPos(QStringLiteral("record 'proc switch-lan'")) < startPos(QStringLiteral("record 'proc dnsmasq-loomnat0'")));
        QVERIFY(stopPos(QStringLiteral("if created 'proc guest-vm1'")) < stopPos(QStringLiteral("if created 'proc dnsmasq-loomnat0'")));
        QVERIFY(stopPos(QStringLiteral("if created 'proc dnsmasq-loomnat0'")) < stopPos(QStringLiteral("if created 'nft vnet_natlan'")));
        QVERIFY(stopPos(QStringLiteral("if created 'nft vnet_natlan'")) < stopPos(QStringLiteral("if created 'proc switch-lan'")));
        QVERIFY(stopPos(QStringLiteral("if created 'proc switch-lan'")) < stopPos(QStringLiteral("if created 'link loomnat0'")));
        QVERIFY(s.contains(QStringLiteral("-daemonize' '-pidfile' \"$STATE_DIR\"'/guest-vm1.pid'")));
        QVERIFY(s.contains(QStringLiteral("'-netdev' 'vde,id=net0,sock='\"$STATE_DIR\"'/switch-lan,port=2'")));
    }

    // IPv6 (examples/j-ipv6-nat.json): the v6 address without DAD, dnsmasq's RA and DHCPv6
    // lines (the helper's), the RA-uplink check before forwarding, NAT66 in table ip6, and
    // stop undoing all of it in reverse.
    void ipv6()
    {
        const QString path = test::sourcePath(QStringLiteral("examples/j-ipv6-nat.json"));
        Result<model::Topology> t = plan::loadTopologyForPlan(path);
        QVERIFY2(t.isOk(), qPrintable(t ? QString() : t.error().message));
        const QString s = mustExport(*t, QFileInfo(path).absolutePath());
        QVERIFY(s.contains(QStringLiteral("ip addr add 'fd42:9::1/64' dev 'loombr9' nodad")));
        QVERIFY(s.contains(QStringLiteral("ip addr add '10.0.9.1/24' dev 'loombr9' ||")));
        QVERIFY(s.contains(QStringLiteral("'listen-address=fd42:9::1' \\\n      'enable-ra' \\\n      'dhcp-range=fd42:9::100,fd42:9::1ff,slaac,64,3600'")));
        QVERIFY(s.contains(QStringLiteral("case \"$dev\" in 'eth'*) ;; *) continue ;; esac")));
        QVERIFY(s.contains(QStringLiteral("echo 1 >/proc/sys/net/ipv6/conf/all/forwarding")));
        QVERIFY(s.contains(QStringLiteral("'    ip6 saddr fd42:9::/64 ip6 daddr != fd42:9::/64 oifname \"eth*\" masquerade'")));
        QVERIFY(s.contains(QStringLiteral("nft delete table ip6 'vnet_j_ipv6_nat_")));
        const qsizetype stop = s.indexOf(QLatin1String("stop_all() {"));
        QVERIFY(s.indexOf(QLatin1String("record 'sysctl ip6_forward'")) < s.indexOf(QLatin1String("record 'nft6 vnet_j_ipv6_nat_")));
        QVERIFY(s.indexOf(QLatin1String("if created 'nft6 vnet_j_ipv6_nat_"), stop) < s.indexOf(QLatin1String("if created 'sysctl ip6_forward'"), stop));
        QVERIFY(s.indexOf(QLatin1String("if created 'sysctl ip6_forward'"), stop) < s.indexOf(QLatin1String("if created 'addr loombr9 fd42:9::1/64'"), stop));
        // No IPv6 in a v4-only export.
        const QString v4 = mustExport(test::natLan());
        QVERIFY(!v4.contains(QStringLiteral("ipv6")) && !v4.contains(QStringLiteral("ip6 ")));
    }

    // A UEFI guest: the script maps the same pflash drives as the runtime and, before the
    // guest starts, copies the template Debian pairs with the code image when the store is
    // missing (cp -n, never over a file), and says so.
    void uefiGuest()
    {
        model::Topology t = test::natLan();
        t.node(QStringLiteral("vm1"))->guest.uefi = model::UefiConfig{QStringLiteral("/usr/share/OVMF/OVMF_CODE_4M.secboot.fd"), QStringLiteral("vm1_VARS.fd")};
        const QString s = mustExport(t);
        QVERIFY(s.contains(QStringLiteral("'-drive' 'if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd' "
                                          "'-drive' 'if=pflash,format=raw,unit=1,file=/srv/labs/vm1_VARS.fd'")));
        const QString block = QStringLiteral(
            "    [ -f '/usr/share/OVMF/OVMF_CODE_4M.secboot.fd' ] || die 'failed to start guest '\\''vm1'\\'': its UEFI code image "
            "'\\''/usr/share/OVMF/OVMF_CODE_4M.secboot.fd'\\'' (uefi.code) does not exist (Debian package ovmf)'\n"
            "    if [ ! -e '/srv/labs/vm1_VARS.fd' ] && [ ! -L '/srv/labs/vm1_VARS.fd' ]; then\n"
            "      if [ -f '/usr/share/OVMF/OVMF_VARS_4M.secboot.fd' ]; then\n"
            "        tpl='/usr/share/OVMF/OVMF_VARS_4M.secboot.fd'\n"
            "      elif [ -f '/usr/share/OVMF/OVMF_VARS_4M.fd' ]; then\n"
            "        tpl='/usr/share/OVMF/OVMF_VARS_4M.fd'\n"
            "      else\n"
            "        die 'failed to create the UEFI variable store '\\''/srv/labs/vm1_VARS.fd'\\'' of guest '\\''vm1'\\'': no template "
            "(/usr/share/OVMF/OVMF_VARS_4M.secboot.fd or /usr/share/OVMF/OVMF_VARS_4M.fd) exists (Debian package ovmf)'\n"
            "      fi\n");
        QVERIFY2(s.contains(block), "the UEFI block is missing or different");
        QVERIFY(s.contains(QStringLiteral("      cp -n \"$tpl\" '/srv/labs/vm1_VARS.fd' || die 'failed to create the UEFI variable store ")));
        QVERIFY(s.contains(QStringLiteral("      say 'guest '\\''vm1'\\'': created its UEFI variable store '\\''/srv/labs/vm1_VARS.fd'\\'' from' \"$tpl\"\n")));
        // Before the guest is recorded and launched; the store is the guest's: stop keeps it.
        QVERIFY(s.indexOf(block) < s.indexOf(QStringLiteral("record 'proc guest-vm1'")));
        QVERIFY(!s.mid(s.indexOf(QLatin1String("stop_all() {"))).contains(QStringLiteral("vm1_VARS.fd")));
        // A code image whose name pairs with no template: the script says what to do.
        t.node(QStringLiteral("vm1"))->guest.uefi->code = QStringLiteral("/opt/fw/OVMF.fd");
        QVERIFY(mustExport(t).contains(QStringLiteral("no template is known for '\\''/opt/fw/OVMF.fd'\\''; copy one there")));
    }

    void vhostUserNicsUseVde()
    {
        model::Topology t = test::natLan();
        const QString vde = mustExport(t);
        t.node(QStringLiteral("vm1"))->guest.nics[0].transport = model::NicConfig::Transport::VhostUser;
        const QString s = mustExport(t);
        // Stock tools: the same VDE port, and a comment saying why.
        QVERIFY(s.contains(QStringLiteral("# vhost-user NICs (vm1/net0) join their switch over VDE in this script: it uses stock\n")));
        QVERIFY(!s.contains(QStringLiteral("vhost-user,id=")) && !s.contains(QStringLiteral("memory-backend")));
        QCOMPARE(QString(s).remove(QRegularExpression(QStringLiteral("# vhost-user NICs[^\n]*\n# tools[^\n]*\n"))), vde);
    }

    // Network emulation: wirefilter for netloom-switch ports and cables, tc netem/tbf and an
    // IFB for kernel interfaces, a comment for mirrors; everything removed by stop.
    void emulation()
    {
        Result<model::Topology> t = plan::loadTopologyForPlan(test::sourcePath(QStringLiteral("examples/i-impaired-lab.json")));
        QVERIFY2(t.isOk(), qPrintable(t ? QString() : t.error().message));
        const QString s = mustExport(*t);
        Result<plan::Plan> p = plan::plan(*t, plan::PlanContext{QString::fromLatin1(exporter::kStateDirToken), QStringLiteral("/srv/labs")});
        QVERIFY(p.isOk());
        const plan::SwitchPlan &lan = p->runtime.switches[0];
        int vm1Port = 0;
        for (const plan::VdePort &port : lan.ports)
            if (port.link == QLatin1String("vm1-lan"))
                vm1Port = port.number;
        QVERIFY(vm1Port > 0);
        // vm1: its own small switch, a wirefilter to port N, QEMU on the small switch.
        const QString small = QStringLiteral("switch-lan-p%1").arg(vm1Port);
        QVERIFY2(s.contains(QStringLiteral("vde_switch -sock \"$STATE_DIR\"'/%1' -pidfile").arg(small)), qPrintable(s));
        QVERIFY2(s.contains(QStringLiteral("wirefilter -v \"$STATE_DIR\"'/switch-lan[port=%1]:'\"$STATE_DIR\"'/%2' '-d' 'LR20+5N' '-l' 'LR1' '-d' 'RL20+5N' '-l' 'RL1' --daemon")
                                .arg(vm1Port).arg(small)), qPrintable(s));
        QVERIFY2(s.contains(QStringLiteral("vde,id=net0,sock=\"$STATE_DIR\"'/%1' '-device'").arg(small)) ||
                     s.contains(QStringLiteral("'vde,id=net0,sock='\"$STATE_DIR\"'/%1' '-device'").arg(small)), qPrintable(s));
        // The down cable: a wirefilter with 100% loss both ways instead of vde_plug.
        QVERIFY2(s.contains(QStringLiteral("# cable 'lan-lab2' is down: 100% loss both ways")), qPrintable(s));
        QVERIFY(s.contains(QStringLiteral("'-l' 'LR100'")) && s.contains(QStringLiteral("'-l' 'RL100'")));
        QVERIFY(!s.contains(QStringLiteral("vde_plug -d -p \"$STATE_DIR\"'/cable-lan-lab2.pid'")));
        // vm2's tap: netem for the delay towards vm2, tbf on an IFB for what vm2 sends.
        const protocol::ImpairmentSpec &imp = p->host.impairments.value(0);
        QVERIFY(!imp.ifbIfname.isEmpty());
        QVERIFY2(s.contains(QStringLiteral("tc 'qdisc' 'replace' 'dev' '%1' 'root' 'handle' '1:' 'netem' 'delay' '50000us'").arg(imp.ifname)), qPrintable(s));
        QVERIFY2(s.contains(QStringLiteral("ip link add name '%1' type ifb").arg(imp.ifbIfname)), qPrintable(s));
        QVERIFY2(s.contains(QStringLiteral("'tbf' 'rate' '10000000bit' 'burst' '12500' 'limit' '125000'")), qPrintable(s));
        QVERIFY2(s.contains(QStringLiteral("'u32' 'match' 'u32' '0' '0' 'action' 'mirred' 'egress' 'redirect' 'dev' '%1'").arg(imp.ifbIfname)), qPrintable(s));
        QVERIFY(s.contains(QStringLiteral("tc qdisc del dev '%1' ingress 2>/dev/null || true").arg(imp.ifname)));
        QVERIFY(s.contains(QStringLiteral("tc qdisc del dev '%1' root 2>/dev/null || true").arg(imp.ifname)));
        // The mirror: said, not done.
        QVERIFY2(s.contains(QStringLiteral("is not reproduced: vde_switch has no port mirroring")), qPrintable(s));
        QVERIFY(s.contains(QStringLiteral("Stock tools only: ip, vde_switch, vde_plug, wirefilter, tc, dnsmasq")));
    }

    void portForwards()
    {
        // examples/j-port-forwards.json: web (reserved 10.0.2.10) gets live rules, shell (no
        // reservation) commented rules naming what to fill in.
        Result<model::Topology> t = plan::loadTopologyForPlan(test::sourcePath(QStringLiteral("examples/j-port-forwards.json")));
        QVERIFY(t.isOk());
        const QString s = mustExport(*t);
        QVERIFY2(s.contains(QStringLiteral("'    fib daddr type local tcp dport 8080 dnat to 10.0.2.10:80'")), qPrintable(s));
        QVERIFY(!s.contains(QStringLiteral("ip daddr != 127.0.0.0/8")));  // the output chain takes loopback too
        // ... so the gateway gets route_localnet and the guard against 127/8 from its side.
        Result<plan::Plan> p = plan::plan(*t, plan::PlanContext{QString::fromLatin1(exporter::kStateDirToken), QStringLiteral("/srv/labs")});
        QVERIFY(p.isOk() && p->host.nat.size() == 1);
        const QString gw = p->host.nat[0].ifname;
        QVERIFY2(s.contains(QStringLiteral("echo 1 >'/proc/sys/net/ipv4/conf/%1/route_localnet' || die").arg(gw)), qPrintable(s));
        QVERIFY2(s.contains(QStringLiteral("'    iifname \"%1\" ip daddr 127.0.0.0/8 drop'").arg(gw)), qPrintable(s));
        QVERIFY(s.contains(QStringLiteral("ct status dnat fib saddr type local masquerade'")));
        QVERIFY(s.contains(QStringLiteral("tcp dport 80 ct status dnat accept'")));
        QVERIFY2(s.contains(QStringLiteral("'    # fib daddr type local tcp dport 2222 dnat to GUEST_ADDRESS:22'")), qPrintable(s));
        QVERIFY(s.contains(QStringLiteral("has no DHCP reservation, so its address is its lease")));
        QVERIFY(!s.contains(QStringLiteral("dport 2222 dnat to 10.")));

        // With an IPv6 prefix and an IPv6 forward: the ip6 table gets prerouting/output chains
        // and the forward's rules commented out (the address is chosen at boot), no loopback.
        model::Topology t6 = *t;
        model::Node *gwNode = nullptr;
        for (model::Node &n : t6.nodes)
            if (n.type == model::NodeType::HostPort && !n.hostPort.nat.forwards.isEmpty())
                gwNode = &n;
        QVERIFY(gwNode);
        gwNode->hostPort.ipv6.address = QStringLiteral("fd42:7::1/64");
        model::PortForward f6 = gwNode->hostPort.nat.forwards[0];
        f6.family = model::PortForward::Family::Ipv6;
        gwNode->hostPort.nat.forwards.append(f6);
        const QString s6 = mustExport(t6);
        QVERIFY2(s6.contains(QStringLiteral("'table ip6 ")), qPrintable(s6));
        QVERIFY2(s6.contains(QStringLiteral("'    # ip6 daddr != ::1 fib daddr type local tcp dport 8080 dnat to [GUEST_ADDRESS]:80'")),
                 qPrintable(s6));
        QVERIFY2(s6.contains(QStringLiteral("picks its IPv6 address when it boots")), qPrintable(s6));
        QVERIFY(s6.contains(QStringLiteral("'  chain prerouting {'")));
        // The IPv4 rule of the same port is still live.
        QVERIFY(s6.contains(QStringLiteral("'    fib daddr type local tcp dport 8080 dnat to 10.0.2.10:80'")));
    }

    void wirefilterOptions()
    {
        protocol::Impairment a;
        a.delayUs = 1500;
        a.jitterUs = 500;
        a.distribution = protocol::Impairment::Distribution::Pareto;
        a.burst = protocol::GilbertElliott{5, 25, 100, 0};
        a.duplicatePercent = 0.5;
        a.corruptPercent = 1;
        a.rateBitsPerSecond = 8000000;
        a.queueBytes = 50000;
        QStringList notes;
        const QStringList o = exporter::wirefilterOptions(a, protocol::Impairment{}, false, &notes);
        QCOMPARE(o, (QStringList{QStringLiteral("-d"), QStringLiteral("LR1.5+0.5N"), QStringLiteral("-l"), QStringLiteral("LR16.667"),
                                 QStringLiteral("-L"), QStringLiteral("LR4"), QStringLiteral("-D"), QStringLiteral("LR0.5"),
                                 QStringLiteral("-n"), QStringLiteral("LR6.991"), QStringLiteral("-b"), QStringLiteral("LR1000000"),
                                 QStringLiteral("-c"), QStringLiteral("LR50000")}));
        QCOMPARE(notes.size(), 2);  // pareto, corruption
        QCOMPARE(exporter::wirefilterOptions({}, {}, true, nullptr),
                 (QStringList{QStringLiteral("-l"), QStringLiteral("LR100"), QStringLiteral("-l"), QStringLiteral("RL100")}));
        const QList<QStringList> tc = exporter::tcRootCommands(QStringLiteral("loomt1"), a);
        QCOMPARE(tc.size(), 2);
        QCOMPARE(tc[0].join(u' '), QStringLiteral("qdisc replace dev loomt1 root handle 1: netem delay 1500us 500us distribution pareto "
                                                  "loss gemodel 5% 25% 100% 0% duplicate 0.5% corrupt 1%"));
        QCOMPARE(tc[1].join(u' '), QStringLiteral("qdisc replace dev loomt1 parent 1:1 handle 2: tbf rate 8000000bit burst 10000 limit 50000"));
        protocol::Impairment j;
        j.delayUs = 10000;
        j.jitterUs = 1000;
        j.distribution = protocol::Impairment::Distribution::Uniform;
        const QList<QStringList> fifo = exporter::tcRootCommands(QStringLiteral("loomt1"), j);
        QCOMPARE(fifo.size(), 2);
        QCOMPARE(fifo[0].join(u' '), QStringLiteral("qdisc replace dev loomt1 root handle 1: netem delay 10000us 1000us"));
        QCOMPARE(fifo[1].join(u' '), QStringLiteral("qdisc replace dev loomt1 parent 1:1 handle 2: pfifo limit 1000"));
        QVERIFY(exporter::tcRootCommands(QStringLiteral("loomt1"), {}).isEmpty());
    }

    void safeIds()
    {
        QCOMPARE(plan::safeId(QStringLiteral("lab_1")), QStringLiteral("lab_1"));
        QVERIFY(plan::safeId(QStringLiteral("lab-1")) != plan::safeId(QStringLiteral("lab.1")));
        QVERIFY(plan::safeId(QStringLiteral("lab-1")).startsWith(QStringLiteral("lab_1_")));
        QVERIFY(plan::safeId(QString(100, QLatin1Char('x'))).size() <= 33);
        QCOMPARE(exporter::shellQuote(QStringLiteral("it's")), QStringLiteral("'it'\\''s'"));
    }
};

QTEST_GUILESS_MAIN(TestShellExporter)
#include "test_shellexporter.moc"
