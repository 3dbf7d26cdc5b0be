// SPDX-License-Identifier: GPL-3.0-or-later
// Subnet suggestions and host-route warnings against a real kernel (issue #16 part 3
// acceptance): a namespace with addresses and routes in 10.0.0.0/8, 192.168.122.0/24 and
// 172.31.4.0/24; NetlinkHostNetReader runs *inside* it (a thread that entered it with setns),
// five gateways in a row get five distinct subnets overlapping none of them, and a gateway on
// a routed subnet gets the warning — in process and through `ip netns exec … netloomctl
// validate`. A running network's own bridge route does not warn. Root; only the namespace
// this test creates is touched.
#include "common/netns.h"
#include "common/testutil.h"
#include "model/allocator.h"
#include "model/netlinkhostnet.h"
#include "model/subnetpicker.h"
#include "model/topologyjson.h"
#include "model/validator.h"

#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <thread>

using namespace netloom;
using namespace netloom::model;
using protocol::Cidr;

namespace {

// Reads the host facts of `ns` from a thread that entered it (the test's own thread stays
// in its namespace).
Result<HostNetwork> readIn(const test::ScopedNetns &ns)
{
    Result<HostNetwork> out = Error{ErrorCode::Internal, QStringLiteral("not read")};
    std::thread th([&] {
        const int fd = ::open(QStringLiteral("/run/netns/%1").arg(ns.name()).toLocal8Bit().constData(), O_RDONLY | O_CLOEXEC);
        if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) {
            out = Error{ErrorCode::System, QStringLiteral("cannot enter %1").arg(ns.name())};
            if (fd >= 0)
                ::close(fd);
            return;
        }
        ::close(fd);
        out = NetlinkHostNetReader().read();
    });
    th.join();
    return out;
}

Cidr cidr(const char *text)
{
    return *Cidr::parse(QString::fromLatin1(text));
}

Topology demo()
{
    Result<Topology> t = loadTopologyFile(test::sourcePath(QStringLiteral("examples/demo.json")));
    if (!t.isOk())
        qFatal("cannot load demo.json: %s", qPrintable(t.error().message));
    return *t;
}

QList<Issue> hostRouteIssues(const QList<Issue> &issues)
{
    QList<Issue> out;
    for (const Issue &i : issues)
        if (i.message.contains(QLatin1String("overlaps the host's")))
            out.append(i);
    return out;
}

}  // namespace

class TestSubnetsNetns : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        test::requireRoot();
        test::requireTool(QStringLiteral("ip"));
        if (!QFileInfo::exists(test::binaryPath(QStringLiteral("app/cli/netloomctl"))))
            test::skipTest(QStringLiteral("netloomctl is not built"));
    }

    void fiveGatewaysAndTheWarning()
    {
        test::ScopedNetns ns(QStringLiteral("subnets"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        // nlt0 carries 10.0.0.5/8 (its kernel route covers all of 10/8) plus a few more
        // specific 10.x routes; nlt1 plays libvirt's virbr0 and carries 172.31.4.0/24.
        // (Bridges: the dummy module is not always there.)
        const test::CommandResult setup = ns.sh(QStringLiteral(
            "set -e\n"
            "ip link add nlt0 type bridge && ip link set nlt0 up\n"
            "ip addr add 10.0.0.5/8 dev nlt0\n"
            "ip route add 10.200.0.0/16 dev nlt0\n"
            "ip route add 10.201.3.0/24 dev nlt0 table 100\n"
            "ip route add blackhole 10.202.0.0/16\n"
            "ip link add nlt1 type bridge && ip link set nlt1 up\n"
            "ip addr add 192.168.122.1/24 dev nlt1\n"
            "ip route add 172.31.4.0/24 dev nlt1\n"));
        QVERIFY2(setup.exitCode == 0, qPrintable(setup.describe()));

        Result<HostNetwork> host = readIn(ns);
        QVERIFY2(host, host ? "" : qPrintable(host.error().message));
        QVERIFY(!host->truncated);
        // The reader saw the namespace, not the test's own: exactly these addresses.
        QList<HostAddress> expectAddrs{{QStringLiteral("lo"), cidr("127.0.0.1/8")},
                                       {QStringLiteral("nlt0"), cidr("10.0.0.5/8")},
                                       {QStringLiteral("nlt1"), cidr("192.168.122.1/24")}};
        for (const HostAddress &a : expectAddrs)
            QVERIFY2(host->addresses.contains(a), qPrintable(a.ifname + QLatin1Char(' ') + a.cidr.toString()));
        QCOMPARE(host->addresses.size(), expectAddrs.size());
        const auto hasRoute = [&](const char *dst, const char *dev, std::uint32_t table, const char *type) {
            return host->routes.contains(HostRoute{cidr(dst), QString::fromLatin1(dev), table, QString::fromLatin1(type)});
        };
        QVERIFY(hasRoute("10.0.0.0/8", "nlt0", 254, "unicast"));
        QVERIFY(hasRoute("10.200.0.0/16", "nlt0", 254, "unicast"));
        QVERIFY(hasRoute("10.201.3.0/24", "nlt0", 100, "unicast"));
        QVERIFY(hasRoute("10.202.0.0/16", "", 254, "blackhole"));
        QVERIFY(hasRoute("192.168.122.0/24", "nlt1", 254, "unicast"));
        QVERIFY(hasRoute("172.31.4.0/24", "nlt1", 254, "unicast"));
        QVERIFY(hasRoute("10.0.0.5/32", "nlt0", 255, "local"));
        for (const HostRoute &r : host->routes)
            QVERIFY2(r.dst.prefix > 0 && r.type != QLatin1String("broadcast"), qPrintable(describeRoute(r)));

        // Five new gateways in a row, each added to the topology before the next is asked for.
        const QList<Cidr> used{cidr("10.0.0.0/8"), cidr("192.168.122.0/24"), cidr("172.31.4.0/24")};
        Topology t;
        t.name = QStringLiteral("fivegw");
        QList<Cidr> picked;
        for (int k = 0; k < 5; ++k) {
            Result<SubnetSuggestion> s = suggestSubnet(takenForNewGateway(*host, t));
            QVERIFY2(s, s ? "" : qPrintable(s.error().message));
            for (const Cidr &u : used)
                QVERIFY2(!u.overlaps(s->subnet), qPrintable(s->subnet.toString() + QStringLiteral(" overlaps ") + u.toString()));
            for (const Cidr &p : picked)
                QVERIFY2(!p.overlaps(s->subnet), qPrintable(s->subnet.toString() + QStringLiteral(" picked twice")));
            picked.append(s->subnet);
            Node n;
            n.type = NodeType::HostPort;
            n.id = QStringLiteral("gw%1").arg(k);
            n.name = n.id;
            applySuggestion(*s, &n.hostPort);
            t.nodes.append(n);
        }
        QStringList names;
        for (const Cidr &p : picked)
            names.append(p.toString());
        QCOMPARE(names, QStringList({QStringLiteral("172.31.0.0/24"), QStringLiteral("172.31.1.0/24"), QStringLiteral("172.31.2.0/24"),
                                     QStringLiteral("172.31.3.0/24"), QStringLiteral("172.31.5.0/24")}));
        QVERIFY(hostRouteIssues(validate(t, ValidationContext{host->routes})).isEmpty());

        // A gateway on a routed subnet: demo.json's 10.0.2.1/24 lies in nlt0's 10.0.0.0/8.
        const Topology d = demo();
        const QList<Issue> w = hostRouteIssues(validate(d, ValidationContext{host->routes}));
        QCOMPARE(w.size(), 1);
        QCOMPARE(w.first().severity, Issue::Severity::Warning);
        QCOMPARE(w.first().nodeId, QStringLiteral("gw"));
        QVERIFY2(w.first().message.contains(QLatin1String("route 10.0.0.0/8 on interface 'nlt0'")), qPrintable(w.first().message));

        // The same through netloomctl validate, run inside the namespace.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString bad = dir.filePath(QStringLiteral("routed.json"));
        QVERIFY(saveTopologyFile(d, bad));
        Topology good = d;
        good.node(QStringLiteral("gw"))->hostPort = t.nodes.first().hostPort;
        good.node(QStringLiteral("gw"))->hostPort.nat = d.node(QStringLiteral("gw"))->hostPort.nat;
        const QString okFile = dir.filePath(QStringLiteral("suggested.json"));
        QVERIFY(saveTopologyFile(good, okFile));
        const QString ctl = test::binaryPath(QStringLiteral("app/cli/netloomctl"));
        test::CommandResult r = ns.exec({ctl, QStringLiteral("validate"), bad});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));  // warnings do not fail validation
        QVERIFY2(r.err.contains("routed.json: nodes[1] (id 'gw').hostPort.address: warning: subnet 10.0.2.0/24 overlaps "
                                "the host's route 10.0.0.0/8 on interface 'nlt0'"),
                 qPrintable(r.describe()));
        QVERIFY2(r.out.contains("1 warning"), qPrintable(QString::fromUtf8(r.out)));
        r = ns.exec({ctl, QStringLiteral("validate"), okFile});
        QVERIFY2(r.exitCode == 0 && !r.err.contains("overlaps the host's"), qPrintable(r.describe()));
        r = ns.exec({ctl, QStringLiteral("validate"), QStringLiteral("--json"), bad});
        QVERIFY2(r.exitCode == 0 && r.out.contains("on interface 'nlt0'"), qPrintable(r.describe()));
    }

    void runningNetworksOwnRouteDoesNotWarn()
    {
        test::ScopedNetns ns(QStringLiteral("subnetown"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        // demo.json on a kernel bridge at 172.29.7.1/24, "running": its bridge, named as the
        // allocator names it, carries the address (and so the kernel's route).
        Topology d = demo();
        d.node(QStringLiteral("lan"))->sw.engine = SwitchConfig::Engine::Bridge;
        d.node(QStringLiteral("gw"))->hostPort.address = QStringLiteral("172.29.7.1/24");
        d.node(QStringLiteral("gw"))->hostPort.dhcp.rangeStart = QStringLiteral("172.29.7.100");
        d.node(QStringLiteral("gw"))->hostPort.dhcp.rangeEnd = QStringLiteral("172.29.7.199");
        const QString bridge = allocate(d).node(QStringLiteral("lan"))->sw.ifname;
        QVERIFY(bridge.startsWith(QLatin1String("loomb")));
        test::CommandResult setup = ns.sh(QStringLiteral("set -e\nip link add %1 type bridge && ip link set %1 up\n"
                                                         "ip addr add 172.29.7.1/24 dev %1\n").arg(bridge));
        QVERIFY2(setup.exitCode == 0, qPrintable(setup.describe()));
        Result<HostNetwork> host = readIn(ns);
        QVERIFY2(host, host ? "" : qPrintable(host.error().message));
        QVERIFY(host->routes.contains(HostRoute{cidr("172.29.7.0/24"), bridge, 254, QStringLiteral("unicast")}));
        QVERIFY(hostRouteIssues(validate(d, ValidationContext{host->routes})).isEmpty());
        // The picker still steers a new gateway away from it.
        Result<SubnetSuggestion> s = suggestSubnet(takenByHost(*host));
        QVERIFY(s);
        QVERIFY(!cidr("172.29.7.0/24").overlaps(s->subnet));

        // Another network's bridge on the same subnet does warn.
        setup = ns.sh(QStringLiteral("set -e\nip link add loombother type bridge && ip link set loombother up\n"
                                     "ip route add 172.29.7.128/25 dev loombother\n"));
        QVERIFY2(setup.exitCode == 0, qPrintable(setup.describe()));
        host = readIn(ns);
        QVERIFY(host);
        const QList<Issue> w = hostRouteIssues(validate(d, ValidationContext{host->routes}));
        QCOMPARE(w.size(), 1);
        QVERIFY2(w.first().message.contains(QLatin1String("route 172.29.7.128/25 on interface 'loombother'")), qPrintable(w.first().message));
    }
};

QTEST_GUILESS_MAIN(TestSubnetsNetns)
#include "test_subnets_netns.moc"
