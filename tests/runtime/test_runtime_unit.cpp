// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests of the runtime's pure parts: AddressEvent -> LeaseEvent mapping, the argv the
// supervisor runs, reduced host states, host-port extraction, network ids, the item models,
// and the control socket (a real local socket, a runtime that was never started).
#include "runtime/controlserver.h"
#include "plan/forwardplan.h"
#include "runtime/forwardstatus.h"
#include "runtime/preflight.h"
#include "runtime/runtime.h"
#include "runtime/runtimemodels.h"

#include "plan/topologyloader.h"
#include "common/testutil.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSignalSpy>
#include <QLocalSocket>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

extern "C" {
#include <libvdeplug.h>
}
#include <poll.h>
#include <sys/stat.h>

namespace {

bool writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

QByteArray readBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace

using namespace netloom;
using namespace netloom::runtime;

class TestRuntimeUnit : public QObject {
    Q_OBJECT
private slots:
    void forwardStatusReadsTheRun()
    {
        using runtime::ForwardStatus;
        model::PortForward v4;
        v4.hostPort = 8080;
        v4.guest = QStringLiteral("alpha");
        v4.guestPort = 80;
        model::PortForward v6 = v4;
        v6.family = model::PortForward::Family::Ipv6;
        protocol::HostState applied;
        applied.nat = {protocol::NatSpec{QStringLiteral("loom0"), QStringLiteral("10.0.2.0/24"), protocol::NatSpec::Mode::Masquerade,
                                         {QStringLiteral("eth+")},
                                         {protocol::ForwardSpec{protocol::ForwardSpec::Family::Ipv4, protocol::ForwardSpec::Protocol::Tcp,
                                                                {}, 8080, QStringLiteral("10.0.2.15"), 80}}}};
        const QStringList pending{QStringLiteral("gateway 'gw', forward 1 (tcp6 8080 -> alpha:80) is pending: not seen yet")};
        // Applied (matched by family, protocol, host address and port), with its address.
        ForwardStatus s = runtime::forwardStatus(QStringLiteral("gw"), 0, v4, pending, applied, QString());
        QCOMPARE(s.state, ForwardStatus::State::Applied);
        QCOMPARE(s.guestAddress, QStringLiteral("10.0.2.15"));
        // The IPv6 twin is not the IPv4 rule: pending, with the runtime's sentence.
        s = runtime::forwardStatus(QStringLiteral("gw"), 1, v6, pending, applied, QString());
        QCOMPARE(s.state, ForwardStatus::State::Pending);
        QCOMPARE(s.reason, pending[0]);
        // Neither applied nor pending: refused when the helper refused last, else not applied.
        model::PortForward other = v4;
        other.hostPort = 9090;
        s = runtime::forwardStatus(QStringLiteral("gw"), 2, other, pending, applied, QStringLiteral("port 9090/tcp is in use by sshd (pid 1)"));
        QCOMPARE(s.state, ForwardStatus::State::Refused);
        QCOMPARE(s.reason, QStringLiteral("port 9090/tcp is in use by sshd (pid 1)"));
        QCOMPARE(runtime::forwardStateName(runtime::forwardStatus(QStringLiteral("gw"), 2, other, pending, applied, QString()).state),
                 QStringLiteral("not applied"));
        // Another gateway's index does not match the pending sentence.
        QCOMPARE(runtime::forwardStatus(QStringLiteral("gw2"), 1, v6, pending, applied, QString()).state, ForwardStatus::State::NotApplied);
        // The sentence starts with the planner's own name for the forward, and forward 10's
        // sentence is not forward 1's.
        QVERIFY(pending[0].startsWith(plan::forwardName(QStringLiteral("gw"), 1, v6) + QStringLiteral(" is pending")));
        const QStringList tenth{plan::forwardName(QStringLiteral("gw"), 10, v6) + QStringLiteral(" is pending: not seen yet")};
        QCOMPARE(runtime::forwardStatus(QStringLiteral("gw"), 1, v6, tenth, applied, QString()).state, ForwardStatus::State::NotApplied);
        QCOMPARE(runtime::forwardStatus(QStringLiteral("gw"), 10, v6, tenth, applied, QString()).state, ForwardStatus::State::Pending);
    }

    void mapsDhcpAndArp()
    {
        sw::AddressEvent e;
        e.kind = sw::AddressEventKind::DhcpAck;
        e.mac = *protocol::Mac::parse(QStringLiteral("52:54:00:00:00:01"));
        e.ip = QHostAddress(QStringLiteral("10.0.2.100"));
        e.hostname = QStringLiteral("alpha");
        e.leaseSeconds = 3600;
        e.serverId = *protocol::Ipv4::parse(QStringLiteral("10.0.2.1"));
        e.wallMs = 1234;
        auto le = toLeaseEvent(e, QStringLiteral("tap loom0"));
        QVERIFY(le);
        QCOMPARE(le->kind, leases::LeaseEventKind::DhcpAck);
        QCOMPARE(le->ip.toString(), QStringLiteral("10.0.2.100"));
        QCOMPARE(le->hostname, QStringLiteral("alpha"));
        QCOMPARE(le->leaseSeconds, 3600u);
        QCOMPARE(le->timeMs, 1234);
        QVERIFY(le->port.isEmpty());  // the server's port says nothing about the client

        e.kind = sw::AddressEventKind::DhcpRequest;
        e.ip = QHostAddress();
        e.requestedIp = *protocol::Ipv4::parse(QStringLiteral("10.0.2.100"));
        le = toLeaseEvent(e, QStringLiteral("alpha/net0"));
        QVERIFY(le);
        QCOMPARE(le->ip.toString(), QStringLiteral("10.0.2.100"));
        QCOMPARE(le->port, QStringLiteral("alpha/net0"));

        e.kind = sw::AddressEventKind::ArpReply;
        e.ip = QHostAddress(QStringLiteral("10.0.2.7"));
        le = toLeaseEvent(e, QStringLiteral("p"));
        QVERIFY(le);
        QCOMPARE(le->kind, leases::LeaseEventKind::Arp);

        e.kind = sw::AddressEventKind::ArpProbe;
        QVERIFY(!toLeaseEvent(e, QString()));
        e.kind = sw::AddressEventKind::IpConflict;
        QVERIFY(!toLeaseEvent(e, QString()));
        e.kind = sw::AddressEventKind::NdAdvert;
        e.ip = QHostAddress(QStringLiteral("fe80::1"));
        le = toLeaseEvent(e, QString());
        QVERIFY(le);
        QCOMPARE(le->kind, leases::LeaseEventKind::Nd);
        QCOMPARE(le->ipv6, QHostAddress(QStringLiteral("fe80::1")));
        // A DAD probe names the (SLAAC, DHCPv6) address its sender is about to use.
        e.kind = sw::AddressEventKind::NdDad;
        e.ip = QHostAddress(QStringLiteral("fd42:1::5054:ff:fe00:1"));
        le = toLeaseEvent(e, QString());
        QVERIFY(le);
        QCOMPARE(le->kind, leases::LeaseEventKind::Nd);
        QCOMPARE(le->ipv6, QHostAddress(QStringLiteral("fd42:1::5054:ff:fe00:1")));
        // ... but not a link-local one (every guest probes it at boot, before DHCP).
        e.ip = QHostAddress(QStringLiteral("fe80::5054:ff:fe00:1"));
        QVERIFY(!toLeaseEvent(e, QString()));
    }

    void supervisorArgvDropsMonitorAndKvm()
    {
        const QStringList plan{QStringLiteral("qemu-system-x86_64"), QStringLiteral("-name"), QStringLiteral("guest=a"),
                               QStringLiteral("-accel"), QStringLiteral("kvm"), QStringLiteral("-accel"), QStringLiteral("tcg"),
                               QStringLiteral("-qmp"), QStringLiteral("unix:/x.qmp,server=on,wait=off"),
                               QStringLiteral("-serial"), QStringLiteral("chardev:serial0"), QStringLiteral("-m"), QStringLiteral("64")};
        // The serial chardev stays: the console attaches to it.
        QCOMPARE(supervisorArgv(plan, false),
                 (QStringList{QStringLiteral("qemu-system-x86_64"), QStringLiteral("-name"), QStringLiteral("guest=a"), QStringLiteral("-accel"),
                              QStringLiteral("kvm"), QStringLiteral("-accel"), QStringLiteral("tcg"), QStringLiteral("-serial"),
                              QStringLiteral("chardev:serial0"), QStringLiteral("-m"), QStringLiteral("64")}));
        QCOMPARE(supervisorArgv(plan, true),
                 (QStringList{QStringLiteral("qemu-system-x86_64"), QStringLiteral("-name"), QStringLiteral("guest=a"), QStringLiteral("-accel"),
                              QStringLiteral("tcg"), QStringLiteral("-serial"), QStringLiteral("chardev:serial0"), QStringLiteral("-m"),
                              QStringLiteral("64")}));
        QCOMPARE(supervisorArgv({QStringLiteral("q"), QStringLiteral("-enable-kvm")}, true),
                 (QStringList{QStringLiteral("q"), QStringLiteral("-accel"), QStringLiteral("tcg")}));
    }

    void reducedHostState()
    {
        protocol::HostState h;
        protocol::TapSpec a, b;
        a.ifname = QStringLiteral("loomA");
        b.ifname = QStringLiteral("loomB");
        h.taps = {a, b};
        h.addresses = {{QStringLiteral("loomA"), QStringLiteral("10.0.2.1/24")}, {QStringLiteral("loomB"), QStringLiteral("10.0.3.1/24")}};
        h.nat = {{QStringLiteral("loomA"), QStringLiteral("10.0.2.0/24"), protocol::NatSpec::Mode::Masquerade, {QStringLiteral("eth+")}, {}}};
        h.ipv4Forwarding = true;
        protocol::DnsmasqSpec d;
        d.ifname = QStringLiteral("loomA");
        h.dnsmasq = {d};
        h.bridges = {protocol::BridgeSpec{QStringLiteral("loomBr"), 0, false, true, {QStringLiteral("loomA"), QStringLiteral("loomB")}}};
        h.bridges[0].vlans = {{QStringLiteral("loomA"), {protocol::BridgeVlan{10, true, true}}},
                              {QStringLiteral("loomB"), {protocol::BridgeVlan{20, true, true}}}};
        const protocol::HostState r = withoutInterfaces(h, {QStringLiteral("loomA")});
        QCOMPARE(r.bridges[0].vlans.size(), 1);  // the excluded port's VLAN entries go with it
        QCOMPARE(r.bridges[0].vlans[0].ifname, QStringLiteral("loomB"));
        QCOMPARE(r.taps.size(), 1);
        QCOMPARE(r.taps[0].ifname, QStringLiteral("loomB"));
        QCOMPARE(r.addresses.size(), 1);
        QVERIFY(r.nat.isEmpty());
        QVERIFY(!r.ipv4Forwarding);
        QVERIFY(r.dnsmasq.isEmpty());
        QCOMPARE(r.bridges[0].ports, QStringList{QStringLiteral("loomB")});
        QCOMPARE(withoutInterfaces(h, {}), h);
    }

    void hostPortsAndProbe()
    {
        const QList<HostPortUse> uses = hostPortsOf({QStringLiteral("q"), QStringLiteral("-netdev"),
                                                     QStringLiteral("user,id=n,hostfwd=tcp:127.0.0.1:2222-:22,hostfwd=udp::5353-:53"),
                                                     QStringLiteral("-netdev"), QStringLiteral("socket,id=s,listen=127.0.0.1:4000")});
        QCOMPARE(uses.size(), 3);
        QCOMPARE(uses[0].port, quint16(2222));
        QCOMPARE(uses[0].address, QStringLiteral("127.0.0.1"));
        QVERIFY(!uses[0].udp);
        QVERIFY(uses[1].udp);
        QCOMPARE(uses[1].port, quint16(5353));
        QCOMPARE(uses[2].what, QStringLiteral("socket listen"));
        QTcpServer holder;
        QVERIFY(holder.listen(QHostAddress::LocalHost));
        const Status s = checkHostPortFree(QStringLiteral("vm1"), {false, QStringLiteral("127.0.0.1"), holder.serverPort(), QStringLiteral("host forward")});
        QVERIFY(!s);
        QVERIFY2(s.error().message.startsWith(QStringLiteral("failed to start guest 'vm1': host forward port %1/tcp is not available").arg(holder.serverPort())),
                 qPrintable(s.error().message));
        const quint16 port = holder.serverPort();
        holder.close();
        QVERIFY(checkHostPortFree(QStringLiteral("vm1"), {false, QStringLiteral("127.0.0.1"), port, QStringLiteral("host forward")}));
    }

    void preflightNamesTheGuest()
    {
        plan::GuestPlan g;
        g.name = QStringLiteral("vm9");
        g.argv = {QStringLiteral("qemu-system-nonexistent-arch")};
        Status s = preflightGuest(g);
        QVERIFY(!s);
        QVERIFY2(s.error().message.contains(QStringLiteral("'vm9'")) && s.error().message.contains(QStringLiteral("qemu-system-nonexistent-arch")),
                 qPrintable(s.error().message));
    }

    // UEFI (guestfirmware.cpp) on a fake firmware folder: a missing code image, a variable
    // store that is a folder, a store that cannot be made (no template, no folder) are each
    // refused naming the guest and field; a missing store is made from the matching template
    // (which stays unchanged) and then left alone.
    void uefiPreflightAndVarsStore()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString fw = dir.filePath(QStringLiteral("fw"));
        QVERIFY(QDir().mkpath(fw));
        qemu::FirmwareSearch search;
        search.descriptorDirs = {dir.filePath(QStringLiteral("no-descriptors"))};
        search.defaultCode = fw + QStringLiteral("/OVMF_CODE_4M.fd");
        search.defaultVarsTemplate = fw + QStringLiteral("/OVMF_VARS_4M.fd");
        plan::GuestPlan g;
        g.name = QStringLiteral("web");
        g.uefiCode = search.defaultCode;
        g.uefiVars = dir.filePath(QStringLiteral("web_VARS.fd"));
        auto expectError = [&](const QString &part) {
            const Status s = preflightUefi(g, search);
            QVERIFY2(!s.isOk(), qPrintable(part));
            QVERIFY2(s.error().message.startsWith(QStringLiteral("failed to start guest 'web': ")) && s.error().message.contains(part),
                     qPrintable(s.error().message));
        };
        expectError(QStringLiteral("its UEFI code image '%1' (uefi.code) does not exist (Debian package ovmf)").arg(g.uefiCode));
        QVERIFY(writeBytes(g.uefiCode, "code"));
        expectError(QStringLiteral("its UEFI variable store '%1' (uefi.vars) does not exist and cannot be made: failed to find the UEFI variable store template")
                        .arg(g.uefiVars));
        QVERIFY(!prepareUefiVars(g, search).isOk());
        QVERIFY(!QFileInfo::exists(g.uefiVars));
        QVERIFY(writeBytes(search.defaultVarsTemplate, "template"));
        QVERIFY(preflightUefi(g, search));
        const Result<QString> made = prepareUefiVars(g, search);
        QVERIFY2(made.isOk(), qPrintable(made ? QString() : made.error().message));
        QCOMPARE(*made, search.defaultVarsTemplate);
        QCOMPARE(readBytes(g.uefiVars), QByteArray("template"));
        QVERIFY(writeBytes(g.uefiVars, "the guest's own variables"));
        QCOMPARE(prepareUefiVars(g, search).value(), QString());  // there already: left alone
        QCOMPARE(readBytes(g.uefiVars), QByteArray("the guest's own variables"));
        QCOMPARE(readBytes(search.defaultVarsTemplate), QByteArray("template"));
        QVERIFY(preflightUefi(g, search));
        // The store is a folder; its folder is missing; the code image is a folder.
        g.uefiVars = dir.filePath(QStringLiteral("fw"));
        expectError(QStringLiteral("its UEFI variable store '%1' (uefi.vars) is a directory, not a file").arg(g.uefiVars));
        QVERIFY(!prepareUefiVars(g, search).isOk());
        g.uefiVars = dir.filePath(QStringLiteral("gone/web_VARS.fd"));
        expectError(QStringLiteral("does not exist and cannot be made: its folder '%1' does not exist").arg(dir.filePath(QStringLiteral("gone"))));
        g.uefiCode = fw;
        expectError(QStringLiteral("its UEFI code image '%1' (uefi.code) is not a regular file").arg(fw));
        // preflightGuest runs these checks and counts a store it will make as present.
        g.uefiCode = search.defaultCode;
        g.argv = {QStringLiteral("/bin/true"), QStringLiteral("-drive"), QStringLiteral("if=pflash,format=raw,unit=0,readonly=on,file=") + g.uefiCode,
                  QStringLiteral("-drive"), QStringLiteral("if=pflash,format=raw,unit=1,file=") + g.uefiVars};
        QVERIFY(preflightGuest(g).error().message.contains(QStringLiteral("(uefi.vars) does not exist and cannot be made")));
    }

    void vlanMapping()
    {
        const sw::VlanPortConfig a = toPortVlan(model::VlanConfig{});
        QVERIFY(a.mode == sw::VlanPortConfig::Mode::Access);
        QCOMPARE(a.accessVlan, std::uint16_t(1));
        model::VlanConfig t;
        t.mode = model::VlanConfig::Mode::Trunk;
        t.vlan = 0;
        t.allowed = {10, 20};
        const sw::VlanPortConfig tr = toPortVlan(t);
        QVERIFY(tr.mode == sw::VlanPortConfig::Mode::Trunk);
        QVERIFY(tr.carries(10) && tr.carries(20) && !tr.carries(30));
        QCOMPARE(tr.nativeVlan, std::uint16_t(0));
    }

    void networkIds()
    {
        QCOMPARE(helperNetworkId(QStringLiteral("demo")), QStringLiteral("demo"));
        const QString id = helperNetworkId(QStringLiteral("My Lab / ÄÖ!"));
        QVERIFY(!id.isEmpty() && id.size() <= 32);
        for (QChar c : id)
            QVERIFY((c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'-' || c == u'_');
        QVERIFY(helperNetworkId(QString(100, u'x')).size() <= 32);
    }

    void leaseModel()
    {
        LeaseTableModel m;
        leases::LeaseTable t;
        leases::LeaseEntry e;
        e.mac = *protocol::Mac::parse(QStringLiteral("52:54:00:00:00:01"));
        e.ip = *protocol::Ipv4::parse(QStringLiteral("10.0.2.5"));
        e.hostname = QStringLiteral("alpha");
        e.guest = QStringLiteral("alpha");
        e.nic = QStringLiteral("net0");
        e.state = leases::LeaseState::Bound;
        e.conflict = true;
        t.entries = {e};
        m.setTable(QStringLiteral("lan"), t);
        m.setTable(QStringLiteral("dmz"), t);
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.data(m.index(1, LeaseTableModel::Network)).toString(), QStringLiteral("dmz"));
        QCOMPARE(m.data(m.index(0, LeaseTableModel::Guest)).toString(), QStringLiteral("alpha/net0"));
        QCOMPARE(m.data(m.index(0, LeaseTableModel::State)).toString(), QStringLiteral("bound"));
        QCOMPARE(m.data(m.index(0, LeaseTableModel::Flags)).toString(), QStringLiteral("conflict"));
        m.setTable(QStringLiteral("lan"), leases::LeaseTable{});
        QCOMPARE(m.rowCount(), 1);
        LogModel log;
        for (int i = 0; i < LogModel::kMaxRows + 3; ++i)
            log.append({QDateTime::currentDateTimeUtc(), QStringLiteral("info"), QStringLiteral("n"), QString::number(i)});
        QCOMPARE(log.rowCount(), LogModel::kMaxRows);
        QCOMPARE(log.rows().first().message, QStringLiteral("3"));
    }

    void switchOnlyLifecycle()
    {
        // A topology with one netloom switch and nothing on the host: no helper, no guest.
        // start() brings the switch up (its VDE socket answers), stop() removes every file.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath(QStringLiteral("t.json"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"format":"netloom-topology","version":1,"name":"sw-only",
                   "nodes":[{"id":"sw","type":"switch","name":"sw"}],"links":[]})");
        f.close();
        Result<model::Topology> t = plan::loadTopologyForPlan(file);
        QVERIFY2(t, qPrintable(t ? QString() : t.error().message));
        const QString runDir = dir.filePath(QStringLiteral("run/sw-only"));
        Result<plan::Plan> p = plan::plan(*t, plan::PlanContext{runDir, dir.path()});
        QVERIFY2(p, qPrintable(p ? QString() : p.error().message));
        QVERIFY(p->host.isEmpty());
        QCOMPARE(p->runtime.switches.size(), 1);
        RuntimeOptions o;
        o.helperSocket = dir.filePath(QStringLiteral("never-used.sock"));
        o.sampleMs = 100;
        Runtime rt(t->name, *p, o);
        QSignalSpy started(&rt, &Runtime::started);
        QSignalSpy stopped(&rt, &Runtime::stopped);
        QSignalSpy rates(&rt, &Runtime::ratesUpdated);
        rt.start();
        QTRY_COMPARE_WITH_TIMEOUT(started.size(), 1, 5000);
        QCOMPARE(rt.state(), RunState::Running);
        QCOMPARE(rt.nodeState(QStringLiteral("sw")), NodeState::Up);
        const QString ctl = p->runtime.switches[0].socketDir + QStringLiteral("/ctl");
        QLocalSocket probe;
        probe.connectToServer(ctl);
        QVERIFY2(probe.waitForConnected(2000), qPrintable(ctl));
        probe.abort();
        QTRY_VERIFY_WITH_TIMEOUT(rates.size() >= 1, 3000);
        QCOMPARE(statusJson(rt).value(QStringLiteral("state")).toString(), QStringLiteral("running"));
        QVERIFY(rt.logModel()->rowCount() > 0);
        rt.stop();
        QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 1, 5000);
        QCOMPARE(rt.state(), RunState::Stopped);
        QCOMPARE(rt.nodeState(QStringLiteral("sw")), NodeState::Down);
        QVERIFY(!QFileInfo::exists(runDir));
        QVERIFY(!rt.stopGuest(QStringLiteral("nosuch")));
    }

    void guestPortVlanStartsTheSwitch()
    {
        // A guest port with a VLAN: the runtime presets it on the switch and starts.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        plan::Plan p;
        p.runtime.runtimeDir = dir.filePath(QStringLiteral("run"));
        plan::SwitchPlan sp;
        sp.node = sp.name = QStringLiteral("lan");
        sp.socketDir = dir.filePath(QStringLiteral("run/switch-lan"));
        plan::VdePort port;
        port.number = 2;
        port.guest = QStringLiteral("vm1");
        port.vlan.vlan = 5;
        plan::VdePort other = port, same = port;
        other.number = 3;
        other.guest = QStringLiteral("vm2");
        other.vlan.vlan = 6;
        same.number = 4;
        same.guest = QStringLiteral("vm3");
        sp.ports = {port, other, same};
        p.runtime.switches = {sp};
        RuntimeOptions o;
        o.helperSocket = dir.filePath(QStringLiteral("never-used.sock"));
        Runtime rt(QStringLiteral("vlan"), p, o);
        QSignalSpy started(&rt, &Runtime::started);
        QSignalSpy failed(&rt, &Runtime::failed);
        rt.start();
        QTRY_VERIFY_WITH_TIMEOUT(started.size() + failed.size() >= 1, 5000);
        QVERIFY2(failed.isEmpty(), qPrintable(failed.isEmpty() ? QString() : failed[0][0].toString()));
        QCOMPARE(rt.state(), RunState::Running);

        // VDE clients asking for the planned numbers (as the guests' QEMU would) land in the
        // planned VLANs: 2 and 4 in VLAN 5, 3 in VLAN 6 (a client on port 3 hears only VLAN 6).
        auto open = [&](int port) {
            const QByteArray url = QStringLiteral("vde://%1[%2]").arg(sp.socketDir).arg(port).toLocal8Bit();
            return vde_open(const_cast<char *>(url.constData()), const_cast<char *>("runtime test"), nullptr);
        };
        VDECONN *c2 = open(2), *c3 = open(3), *c4 = open(4);
        QVERIFY(c2 && c3 && c4);
        QTest::qWait(200);  // the switch thread attaches the ports
        QByteArray frame = QByteArray::fromHex("ffffffffffff525400000002" "0800") + QByteArray(46, 'v');
        QCOMPARE(vde_send(c2, frame.constData(), std::size_t(frame.size()), 0), ssize_t(frame.size()));
        auto receive = [](VDECONN *c, int timeoutMs) {
            pollfd pfd{vde_datafd(c), POLLIN, 0};
            char buf[2000];
            if (::poll(&pfd, 1, timeoutMs) != 1)
                return QByteArray();
            const ssize_t n = vde_recv(c, buf, sizeof buf, 0);
            return n > 0 ? QByteArray(buf, int(n)) : QByteArray();
        };
        QCOMPARE(receive(c4, 3000).left(frame.size()), frame);
        QVERIFY(receive(c3, 300).isEmpty());
        vde_close(c2);
        vde_close(c3);
        vde_close(c4);
        rt.stop();
        QTRY_COMPARE_WITH_TIMEOUT(rt.state(), RunState::Stopped, 5000);
    }

    void exampleHPassesSwitchPreflight()
    {
        // examples/h-cables-remote.json puts guests on access VLANs 10 and 20: its plan passes
        // the switch-port preflight, with those VLANs on guest ports.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Result<model::Topology> t = plan::loadTopologyForPlan(netloom::test::sourcePath(QStringLiteral("examples/h-cables-remote.json")));
        QVERIFY2(t, qPrintable(t ? QString() : t.error().message));
        Result<plan::Plan> p = plan::plan(*t, plan::PlanContext{dir.filePath(QStringLiteral("run")), dir.path()});
        QVERIFY2(p, qPrintable(p ? QString() : p.error().message));
        QSet<int> guestVlans;
        for (const plan::SwitchPlan &sp : p->runtime.switches) {
            const Status s = preflightSwitchPorts(sp);
            QVERIFY2(s, qPrintable(s ? QString() : s.error().message));
            for (const plan::VdePort &port : sp.ports)
                if (port.kind == plan::VdePort::Kind::Guest && port.vlan.mode == model::VlanConfig::Mode::Access)
                    guestVlans.insert(port.vlan.vlan);
        }
        QVERIFY(guestVlans.contains(10));
        QVERIFY(guestVlans.contains(20));
    }

    void switchPreflightRefusesBadPorts()
    {
        plan::SwitchPlan sp;
        sp.node = sp.name = QStringLiteral("lan");
        plan::VdePort a;
        a.number = 3;
        a.guest = QStringLiteral("vm1");
        a.vlan.vlan = 10;
        sp.ports = {a};
        QVERIFY(preflightSwitchPorts(sp));
        auto expectError = [&](const plan::SwitchPlan &bad, const QString &text) {
            const Status s = preflightSwitchPorts(bad);
            QVERIFY(!s);
            QVERIFY2(s.error().message.startsWith(QStringLiteral("failed to start switch 'lan': port ")), qPrintable(s.error().message));
            QVERIFY2(s.error().message.contains(text), qPrintable(s.error().message));
        };
        plan::SwitchPlan bad = sp;
        bad.ports[0].vlan.vlan = 4095;
        expectError(bad, QStringLiteral("access VLAN 4095"));
        bad = sp;
        bad.ports.append(a);
        expectError(bad, QStringLiteral("planned twice"));
        bad = sp;
        bad.ports[0].number = 33;
        expectError(bad, QStringLiteral("outside the switch's ports 1..32"));
        bad = sp;
        bad.ports[0].vlan.mode = model::VlanConfig::Mode::Trunk;
        bad.ports[0].vlan.vlan = 0;
        expectError(bad, QStringLiteral("carries no VLAN"));
        bad.ports[0].vlan.allowed = {10, 5000};
        expectError(bad, QStringLiteral("trunk VLAN 5000"));
        // Tap, cable and remote ports are the engine's own: not checked here.
        bad = sp;
        bad.ports[0].kind = plan::VdePort::Kind::Tap;
        bad.ports[0].vlan.vlan = 4095;
        QVERIFY(preflightSwitchPorts(bad));
    }

    void controlSocket()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        plan::Plan p;
        p.runtime.runtimeDir = dir.filePath(QStringLiteral("run"));
        Runtime rt(QStringLiteral("unit"), p, {});
        ControlServer server(&rt);
        const QString path = dir.filePath(QStringLiteral("sub/unit.ctl"));
        QVERIFY(server.listen(path));
        struct stat st {};
        QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, 0600u);
        // A second instance refuses to take over a live socket.
        ControlServer second(&rt);
        const Status s = second.listen(path);
        QVERIFY(!s);
        QVERIFY(s.error().message.contains(QStringLiteral("another instance")));

        QLocalSocket c;
        c.connectToServer(path);
        QVERIFY(c.waitForConnected(2000));
        c.write("{\"op\":\"status\"}\n{\"op\":\"leases\"}\nnot json\n{\"op\":\"x\"}\n");
        QByteArray got;
        QTRY_VERIFY_WITH_TIMEOUT((got += c.readAll()).count('\n') >= 4, 3000);
        const QList<QByteArray> lines = got.split('\n');
        QVERIFY(lines[0].contains("\"state\":\"idle\""));
        QVERIFY(lines[1].contains("\"leases\":[]"));
        QVERIFY(lines[2].contains("\"ok\":false"));
        QVERIFY(lines[3].contains("unknown op 'x'"));
        // Capture requests are checked before the runtime is asked, which refuses while idle.
        got.clear();
        c.write(QByteArray("{\"op\":\"capture\",\"network\":\"lan\",\"port\":0,\"file\":\"/tmp/x\"}\n"
                "{\"op\":\"capture\",\"network\":\"lan\",\"port\":2.5,\"file\":\"/tmp/x\"}\n"
                "{\"op\":\"capture\",\"network\":\"lan\",\"port\":2,\"file\":7}\n")
                + QJsonDocument(QJsonObject{{QStringLiteral("op"), QStringLiteral("capture")}, {QStringLiteral("network"), QStringLiteral("lan")},
                                            {QStringLiteral("port"), 2}, {QStringLiteral("file"), dir.filePath(QStringLiteral("p.pcap"))}})
                      .toJson(QJsonDocument::Compact)
                + "\n");
        QTRY_VERIFY_WITH_TIMEOUT((got += c.readAll()).count('\n') >= 4, 3000);
        const QList<QByteArray> cap = got.split('\n');
        QVERIFY2(cap[0].contains("'port' must be a port number"), cap[0].constData());
        QVERIFY2(cap[1].contains("'port' must be a port number"), cap[1].constData());
        QVERIFY2(cap[2].contains("'file' must be a path"), cap[2].constData());
        QVERIFY2(cap[3].contains("failed to capture 'lan': the topology is not running"), cap[3].constData());
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("p.pcap"))));  // nothing made
        // An oversized request closes the connection.
        c.write(QByteArray(ControlServer::kMaxRequestBytes + 100, 'a'));
        QTRY_VERIFY_WITH_TIMEOUT(c.state() == QLocalSocket::UnconnectedState, 3000);
    }
};

QTEST_GUILESS_MAIN(TestRuntimeUnit)
#include "test_runtime_unit.moc"
