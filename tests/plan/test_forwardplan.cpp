// SPDX-License-Identifier: GPL-3.0-or-later
// Port forwards in the planner: the guest's address comes from its DHCP reservation, else
// from the lease the caller passes in, else the forward is pending (left out, said so).
// IPv6 forwards go to nat6 with an address the NIC was seen using (pickForwardIpv6: DHCPv6
// range, then EUI-64, then the most recent), else pending.
#include "fixtures.h"
#include "plan/planner.h"
#include "protocol/hoststatedecode.h"

#include <QJsonArray>
#include <QTest>

using namespace netloom;
using namespace netloom::plan;

namespace {

const PlanContext kCtx{QStringLiteral("/run/user/1000/netloom/t"), QStringLiteral("/home/u/labs")};

// natLan plus vm2 (no reservation) on the same switch; forwards tcp 8080 -> vm1:80 and
// udp 5353 -> vm2:53.
model::Topology withForwards()
{
    model::Topology t = test::natLan();
    t.nodes.append(test::guestNode(QStringLiteral("vm2"), {test::nic(QStringLiteral("net0"), QStringLiteral("52:54:00:00:0a:02"))}));
    t.links.append(test::link(QStringLiteral("l3"), QStringLiteral("lan"), QStringLiteral("vm2"), QStringLiteral("net0")));
    model::PortForward a;
    a.hostPort = 8080;
    a.guest = QStringLiteral("vm1");
    a.guestPort = 80;
    model::PortForward b;
    b.protocol = model::PortForward::Protocol::Udp;
    b.hostAddress = QStringLiteral("192.0.2.1");
    b.hostPort = 5353;
    b.guest = QStringLiteral("vm2");
    b.guestPort = 53;
    t.node(QStringLiteral("gw"))->hostPort.nat.forwards = {a, b};
    return t;
}

}  // namespace

class TestForwardPlan : public QObject {
    Q_OBJECT
private slots:
    void reservationThenLeaseThenPending()
    {
        // No lease known: vm1 has its reservation, vm2 is pending.
        Result<Plan> p = netloom::plan::plan(withForwards(), kCtx);
        QVERIFY(p.isOk());
        QCOMPARE(p->host.nat.size(), 1);
        QCOMPARE(p->host.nat[0].forwards.size(), 1);
        const protocol::ForwardSpec &f = p->host.nat[0].forwards[0];
        QCOMPARE(f.guestAddress, QStringLiteral("10.0.2.50"));
        QCOMPARE(f.hostPort, std::uint16_t(8080));
        QCOMPARE(f.guestPort, std::uint16_t(80));
        QCOMPARE(f.hostAddress, QString());
        QCOMPARE(p->pendingForwards.size(), 1);
        QVERIFY2(p->pendingForwards[0].contains(QStringLiteral("gateway 'gw', forward 1 (udp 192.0.2.1:5353 -> vm2:53) is pending")),
                 qPrintable(p->pendingForwards[0]));
        QCOMPARE(toJson(*p)[QStringLiteral("pendingForwards")].toArray().size(), 1);

        // A lease for vm2 (and a different one for vm1: the reservation wins).
        PlanContext ctx = kCtx;
        ctx.leases.ipv4 = {{QStringLiteral("52:54:00:00:0a:02"), QStringLiteral("10.0.2.123")},
                          {QStringLiteral("52:54:00:00:0a:01"), QStringLiteral("10.0.2.199")}};
        p = netloom::plan::plan(withForwards(), ctx);
        QVERIFY(p.isOk());
        QCOMPARE(p->host.nat[0].forwards.size(), 2);
        QCOMPARE(p->host.nat[0].forwards[0].guestAddress, QStringLiteral("10.0.2.50"));
        QCOMPARE(p->host.nat[0].forwards[1].guestAddress, QStringLiteral("10.0.2.123"));
        QCOMPARE(p->host.nat[0].forwards[1].protocol, protocol::ForwardSpec::Protocol::Udp);
        QCOMPARE(p->host.nat[0].forwards[1].hostAddress, QStringLiteral("192.0.2.1"));
        QVERIFY(p->pendingForwards.isEmpty());
        QVERIFY(!toJson(*p).contains(QStringLiteral("pendingForwards")));

        // A lease outside the subnet (stale, from another network) is not used.
        ctx.leases.ipv4[QStringLiteral("52:54:00:00:0a:02")] = QStringLiteral("10.9.9.9");
        p = netloom::plan::plan(withForwards(), ctx);
        QVERIFY(p.isOk());
        QCOMPARE(p->host.nat[0].forwards.size(), 1);
        QVERIFY(p->pendingForwards.value(0).contains(QStringLiteral("leased 10.9.9.9, which is not a host of 10.0.2.0/24")));
    }

    void ipv6ForwardsPickASeenAddress()
    {
        model::Topology t = withForwards();
        model::Node *gw = t.node(QStringLiteral("gw"));
        gw->hostPort.ipv6.address = QStringLiteral("fd42:1::1/64");
        model::PortForward v6;
        v6.family = model::PortForward::Family::Ipv6;
        v6.hostPort = 8080;
        v6.guest = QStringLiteral("vm2");
        v6.guestPort = 80;
        gw->hostPort.nat.forwards.append(v6);
        // Nothing seen yet: pending, and nat6 holds no forward.
        Result<Plan> p = netloom::plan::plan(t, kCtx);
        QVERIFY2(p.isOk(), p.isOk() ? "" : qPrintable(p.error().message));
        QCOMPARE(p->host.nat6.size(), 1);
        QVERIFY(p->host.nat6[0].forwards.isEmpty());
        QVERIFY2(p->pendingForwards.join(u'\n').contains(QStringLiteral(
                     "gateway 'gw', forward 2 (tcp6 8080 -> vm2:80) is pending: guest 'vm2' has not been seen using an IPv6 "
                     "address in fd42:1::/64 yet")), qPrintable(p->pendingForwards.join(u'\n')));
        // Seen: a link-local address, one outside the prefix, a privacy address, the EUI-64
        // one, then another: EUI-64 wins (stable), and goes to nat6 with family ipv6.
        PlanContext ctx = kCtx;
        const QString mac = QStringLiteral("52:54:00:00:0a:02");
        const QString eui = QStringLiteral("fd42:1::5054:ff:fe00:a02");
        ctx.leases.ipv6[mac] = {QStringLiteral("fe80::5054:ff:fe00:a02"), QStringLiteral("fd99::7"),
                                QStringLiteral("fd42:1::1234:5678"), eui, QStringLiteral("fd42:1::abcd")};
        p = netloom::plan::plan(t, ctx);
        QVERIFY(p.isOk());
        QCOMPARE(p->host.nat6[0].forwards.size(), 1);
        const protocol::ForwardSpec &f = p->host.nat6[0].forwards[0];
        QCOMPARE(f.family, protocol::ForwardSpec::Family::Ipv6);
        QCOMPARE(f.guestAddress, eui);
        QCOMPARE(f.hostPort, std::uint16_t(8080));
        QCOMPARE(p->host.nat[0].forwards.size(), 1);  // the IPv4 ones stay in nat (vm2's v4 is pending)
        // Without the EUI-64 address (stable-privacy guest): the most recent in the prefix.
        ctx.leases.ipv6[mac] = {QStringLiteral("fd42:1::1234:5678"), QStringLiteral("fd42:1::abcd"), QStringLiteral("fd99::7")};
        p = netloom::plan::plan(t, ctx);
        QCOMPARE(p->host.nat6[0].forwards.value(0).guestAddress, QStringLiteral("fd42:1::abcd"));
        // A DHCPv6 gateway: an address of its range wins over EUI-64.
        gw->hostPort.ipv6.dhcp = true;
        gw->hostPort.ipv6.rangeStart = QStringLiteral("fd42:1::100");
        gw->hostPort.ipv6.rangeEnd = QStringLiteral("fd42:1::1ff");
        ctx.leases.ipv6[mac] = {QStringLiteral("fd42:1::150"), eui, QStringLiteral("fd42:1::abcd")};
        p = netloom::plan::plan(t, ctx);
        QVERIFY2(p.isOk(), p.isOk() ? "" : qPrintable(p.error().message));
        QCOMPARE(p->host.nat6[0].forwards.value(0).guestAddress, QStringLiteral("fd42:1::150"));
        // The resolved state is one the helper accepts.
        const Status valid = protocol::validateHostState(p->host);
        QVERIFY2(valid.isOk(), valid.isOk() ? "" : qPrintable(valid.error().message));
        // An IPv6 forward on a gateway without a prefix cannot be planned.
        gw->hostPort.ipv6 = {};
        p = netloom::plan::plan(t, ctx);
        QVERIFY(!p.isOk());
        QVERIFY2(p.error().message.contains(QStringLiteral("an IPv6 forward needs an IPv6 prefix on the gateway")),
                 qPrintable(p.error().message));
    }

    void unrealizableForwardIsAnError()
    {
        model::Topology t = withForwards();
        t.node(QStringLiteral("gw"))->hostPort.nat.forwards[0].guest = QStringLiteral("nobody");
        Result<Plan> p = netloom::plan::plan(t, kCtx);
        QVERIFY(!p.isOk());
        QVERIFY(p.error().message.contains(QStringLiteral("gateway 'gw', forward 0")));
        QVERIFY(p.error().message.contains(QStringLiteral("'nobody' is not a guest")));
    }
};

QTEST_GUILESS_MAIN(TestForwardPlan)
#include "test_forwardplan.moc"
