// SPDX-License-Identifier: GPL-3.0-or-later
// The live panels' pure parts and bounds, without a runtime: traffic rings stay bounded and
// bin samples, the charts follow the chosen ports on the replot timer only, "expires in"
// formatting, IPv6 addresses in the lease rows, which host port a lease is pinned to, link -> port mapping of a plan, and the
// cable width scale.
#include "leasespanel.h"
#include "leases/leasemerge.h"
#include "runcontroller.h"
#include "topologyscene.h"
#include "trafficpanel.h"

#include "model/topologyjson.h"
#include "common/testutil.h"

#include <QFile>
#include <QListWidget>
#include <QTest>

#include <qcustomplot.h>

using namespace netloom;
using namespace netloom::gui;

class TestLivePanels : public QObject {
    Q_OBJECT
private slots:
    void ringIsBoundedAndOrdered()
    {
        SampleRing ring(4);
        for (int i = 0; i < 10; ++i)
            ring.push(TrafficSample{double(i), double(i), 0, 0, 0});
        QCOMPARE(ring.size(), 4);
        QCOMPARE(ring.at(0).t, 6.0);
        QCOMPARE(ring.last().t, 9.0);
    }

    void trafficBinsAndStaysBoundedForAnHour()
    {
        TrafficPanel panel(nullptr);
        // An hour at 10 Hz for 3 ports: each ring holds five minutes of 1 s bins.
        for (int i = 0; i < 36000; ++i)
            for (int p = 0; p < 3; ++p)
                panel.addSample(QStringLiteral("lan:%1").arg(p), QStringLiteral("port %1").arg(p),
                                TrafficSample{1000.0 + i / 10.0, double(i % 10), 0, 1, 0});
        QCOMPARE(panel.ports().size(), 3);
        const SampleRing *r = panel.ring(QStringLiteral("lan:0"));
        QCOMPARE(r->size(), TrafficPanel::kMaxSamples);
        QCOMPARE(r->capacity(), TrafficPanel::kMaxSamples);
        // Ten samples 0..9 per second averaged into one bin: 4.5.
        QCOMPARE(r->at(0).rxBits, 4.5);
        QCOMPARE(r->last().t - r->at(0).t, double(TrafficPanel::kHistorySeconds - 1));
    }

    void chartsFollowChosenPortsOnReplotOnly()
    {
        TrafficPanel panel(nullptr);
        for (int p = 0; p < TrafficPanel::kAutoChosen + 2; ++p)
            panel.addSample(QStringLiteral("lan:%1").arg(p), QStringLiteral("port %1").arg(p), TrafficSample{10, 100, 50, 2, 1});
        QCOMPARE(panel.chosenPorts().size(), TrafficPanel::kAutoChosen);  // the first ones, automatically
        QCOMPARE(panel.bitsPlot()->graphCount(), 0);                        // nothing drawn before the timer
        QVERIFY(panel.replotIfDirty());
        QCOMPARE(panel.bitsPlot()->graphCount(), 2 * TrafficPanel::kAutoChosen);  // rx + tx per port
        QVERIFY(!panel.replotIfDirty());                                      // clean: no work
        panel.setChosen(QStringLiteral("lan:0"), false);
        panel.setChosen(QStringLiteral("lan:9"), true);
        QVERIFY(panel.replotIfDirty());
        QCOMPARE(panel.bitsPlot()->graphCount(), 2 * TrafficPanel::kAutoChosen);
        QVERIFY(!panel.chosenPorts().contains(QStringLiteral("lan:0")));
        // The user chose: a new port is not added on its own.
        panel.addSample(QStringLiteral("lan:99"), QStringLiteral("late"), TrafficSample{11, 1, 1, 1, 1});
        QVERIFY(!panel.chosenPorts().contains(QStringLiteral("lan:99")));
        QCOMPARE(panel.bitsPlot()->graph(0)->data()->size(), 1);
        QCOMPARE(panel.bitsPlot()->graph(0)->data()->constBegin()->value, 100.0);
    }

    void expiresInIsReadable()
    {
        QCOMPARE(formatExpiresIn(0, 5), QStringLiteral("never"));
        QCOMPARE(formatExpiresIn(1000, 2000), QStringLiteral("expired"));
        QCOMPARE(formatExpiresIn(1000 + 312'000, 1000), QStringLiteral("5m 12s"));
        QCOMPARE(formatExpiresIn(3'780'000, 0), QStringLiteral("1h 03m"));
        QCOMPARE(formatExpiresIn(90'000'000, 0), QStringLiteral("1d 1h"));
    }

    void leaseRowsShowIpv6NextToIpv4()
    {
        leases::LeaseTable t;
        t.config.network = QStringLiteral("lan");
        leases::LeaseEntry dual;
        dual.mac = protocol::Mac::parse(QStringLiteral("52:54:00:00:00:01")).value();
        dual.ip = protocol::Ipv4::parse(QStringLiteral("10.0.2.15")).value();
        dual.ipv6 = {QHostAddress(QStringLiteral("fe80::5054:ff:fe00:1")), QHostAddress(QStringLiteral("fd42::15"))};
        dual.hostname = QStringLiteral("alpha");
        leases::LeaseEntry v6only = dual;
        v6only.mac = protocol::Mac::parse(QStringLiteral("52:54:00:00:00:02")).value();
        v6only.ip = {};
        v6only.ipv6 = {QHostAddress(QStringLiteral("fd42::16"))};
        v6only.hostname = QStringLiteral("beta");
        t.entries = {dual, v6only};
        LeaseListModel m;
        m.setTables({t});
        QCOMPARE(m.headerData(LeaseListModel::Ipv6, Qt::Horizontal).toString(), QStringLiteral("IPv6"));
        QCOMPARE(m.data(m.index(0, LeaseListModel::Ip)).toString(), QStringLiteral("10.0.2.15"));
        QCOMPARE(m.data(m.index(0, LeaseListModel::Ipv6)).toString(), QStringLiteral("fe80::5054:ff:fe00:1, fd42::15"));
        QCOMPARE(m.data(m.index(0, LeaseListModel::Hostname)).toString(), QStringLiteral("alpha"));
        QCOMPARE(m.data(m.index(1, LeaseListModel::Ip)).toString(), QString());
        QCOMPARE(m.data(m.index(1, LeaseListModel::Ipv6)).toString(), QStringLiteral("fd42::16"));
        QCOMPARE(m.data(m.index(1, LeaseListModel::Hostname)).toString(), QStringLiteral("beta"));
    }

    // The host's own address on the network (ARP from the host port's tap) is the gateway:
    // named after its host port, state "gateway", nothing in "expires in" — next to a guest
    // seen the same way, which does expire.
    void gatewayRowIsTheGatewayWithoutExpiry()
    {
        leases::LeaseTable t;
        t.config.network = QStringLiteral("lan");
        t.config.owners[protocol::Mac::parse(QStringLiteral("52:54:00:00:00:01")).value()] =
            leases::MacOwner{QStringLiteral("alpha"), QStringLiteral("net0")};
        t.config.gateways = {leases::GatewayAddress{protocol::Ipv4::parse(QStringLiteral("10.0.2.1")).value(), QStringLiteral("gateway")}};
        auto arp = [](const char *mac, const char *ip) {
            leases::LeaseEvent e;
            e.kind = leases::LeaseEventKind::Arp;
            e.timeMs = 1'000'000;
            e.mac = protocol::Mac::parse(QString::fromLatin1(mac)).value();
            e.ip = protocol::Ipv4::parse(QString::fromLatin1(ip)).value();
            e.port = QStringLiteral("tap loom0");
            return e;
        };
        t = leases::mergeLeaseEvent(t, arp("02:aa:00:00:00:01", "10.0.2.1"), 1'000'000).table;
        t = leases::mergeLeaseEvent(t, arp("52:54:00:00:00:01", "10.0.2.101"), 1'000'000).table;
        LeaseListModel m;
        m.setNow(1'000'000);
        m.setTables({t});
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.data(m.index(0, LeaseListModel::Ip)).toString(), QStringLiteral("10.0.2.1"));
        QCOMPARE(m.data(m.index(0, LeaseListModel::State)).toString(), QStringLiteral("gateway"));
        QCOMPARE(m.data(m.index(0, LeaseListModel::Guest)).toString(), QStringLiteral("gateway"));
        QCOMPARE(m.data(m.index(0, LeaseListModel::ExpiresIn)).toString(), QString());
        QVERIFY(m.data(m.index(0, LeaseListModel::State), Qt::ToolTipRole).toString().contains(QLatin1String("gateway")));
        QCOMPARE(m.data(m.index(1, LeaseListModel::State)).toString(), QStringLiteral("bound"));
        QCOMPARE(m.data(m.index(1, LeaseListModel::Guest)).toString(), QStringLiteral("alpha/net0"));
        QCOMPARE(m.data(m.index(1, LeaseListModel::ExpiresIn)).toString(), QStringLiteral("5m 00s"));
    }

    void pinGoesToTheDhcpHostPortOfTheNetwork()
    {
        Result<model::Topology> t = model::loadTopologyFile(test::sourcePath(QStringLiteral("examples/demo.json")));
        QVERIFY(t);
        QCOMPARE(dhcpHostPortFor(*t, QStringLiteral("lan")), QStringLiteral("gw"));
        QCOMPARE(dhcpHostPortFor(*t, QStringLiteral("nosuch")), QString());
        model::Topology noDhcp = *t;
        for (model::Node &n : noDhcp.nodes)
            n.hostPort.dhcp.enabled = false;
        QCOMPARE(dhcpHostPortFor(noDhcp, QStringLiteral("lan")), QString());
    }

    void linksMapToTheirSwitchPorts()
    {
        plan::Plan p;
        plan::SwitchPlan sp;
        sp.node = QStringLiteral("lan");
        sp.name = QStringLiteral("LAN");
        plan::VdePort a;
        a.number = 2;
        a.link = QStringLiteral("alpha-lan");
        plan::VdePort b;
        b.number = 1;
        b.link = QStringLiteral("gw-lan");
        sp.ports = {b, a};
        p.runtime.switches.append(sp);
        const QHash<QString, PortRef> m = linkPorts(p);
        QCOMPARE(m.size(), 2);
        QCOMPARE(m.value(QStringLiteral("alpha-lan")), (PortRef{QStringLiteral("LAN"), 2}));
        QCOMPARE(m.value(QStringLiteral("gw-lan")), (PortRef{QStringLiteral("LAN"), 1}));
    }

    void cableWidthGrowsWithTraffic()
    {
        QCOMPARE(LinkItem::trafficWidth(-1), 2.0);
        QCOMPARE(LinkItem::trafficWidth(500), 2.0);
        QVERIFY(LinkItem::trafficWidth(1e6) > LinkItem::trafficWidth(1e4));
        QCOMPARE(LinkItem::trafficWidth(1e12), 9.0);
    }
};

QTEST_MAIN(TestLivePanels)
#include "test_livepanels.moc"
