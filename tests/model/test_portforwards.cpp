// SPDX-License-Identifier: GPL-3.0-or-later
// NAT gateways' port forwards in the model: the file format (round trip, version 3 only when
// needed, strict decoding), the command-line form (parseForwardSpec, IPv4 and IPv6), the
// network walk (portforward.h) and every validator rule, IPv6 forwards' included.
#include "common/testutil.h"
#include "model/portforward.h"
#include "model/topologyjson.h"
#include "model/validator.h"

#include <QTest>

using namespace netloom;
using namespace netloom::model;

namespace {

// examples/a-vde-nat.json: gw (10.0.2.1/24, masquerade) on switch lan with vm1 and vm2.
Topology natExample()
{
    Result<Topology> t = loadTopologyFile(test::sourcePath(QStringLiteral("examples/a-vde-nat.json")));
    if (!t.isOk())
        qFatal("cannot load a-vde-nat.json: %s", qPrintable(t.error().message));
    return *t;
}

PortForward fwd(int hostPort, const char *guest, int guestPort, PortForward::Protocol p = PortForward::Protocol::Tcp)
{
    PortForward f;
    f.protocol = p;
    f.hostPort = hostPort;
    f.guest = QString::fromLatin1(guest);
    f.guestPort = guestPort;
    return f;
}

QList<Issue> errorsOf(const Topology &t)
{
    QList<Issue> out;
    for (const Issue &i : validate(t))
        if (i.severity == Issue::Severity::Error)
            out.append(i);
    return out;
}

QString dump(const QList<Issue> &issues)
{
    QStringList s;
    for (const Issue &i : issues)
        s << i.path + QStringLiteral(": ") + i.message;
    return s.join(u'\n');
}

// Exactly one error, at `path`, containing `text`.
void expectOne(const Topology &t, const QString &path, const QString &text)
{
    const QList<Issue> e = errorsOf(t);
    QVERIFY2(e.size() == 1, qPrintable(dump(e)));
    QCOMPARE(e.first().path, path);
    QCOMPARE(e.first().nodeId, QStringLiteral("gw"));
    QVERIFY2(e.first().message.contains(text), qPrintable(e.first().message));
}

const QString kBase = QStringLiteral("nodes[1] (id 'gw').hostPort.nat.forwards");

}  // namespace

class TestPortForwards : public QObject {
    Q_OBJECT
private slots:
    void roundTripAndVersion()
    {
        Topology t = natExample();
        QVERIFY(serializeTopology(t).contains("\"version\": 1"));
        PortForward a = fwd(8080, "vm1", 80);
        a.description = QStringLiteral("web");
        PortForward b = fwd(5353, "vm2", 53, PortForward::Protocol::Udp);
        b.hostAddress = QStringLiteral("192.0.2.7");
        b.nic = QStringLiteral("net0");
        t.node(QStringLiteral("gw"))->hostPort.nat.forwards = {a, b};
        const QByteArray json = serializeTopology(t);
        QVERIFY2(json.contains("\"version\": 3"), json.constData());
        QVERIFY(json.contains("\"forwards\""));
        QVERIFY(!json.contains("\"family\""));  // the default (ipv4) is left out
        Result<Topology> back = parseTopology(json, QStringLiteral("x"));
        QVERIFY(back.isOk());
        QCOMPARE(*back, t);
        QCOMPARE(serializeTopology(*back), json);
        QVERIFY(errorsOf(t).isEmpty());
    }

    void strictDecoding_data()
    {
        QTest::addColumn<QByteArray>("forward");
        QTest::addColumn<QString>("message");
        QTest::newRow("port 0") << QByteArray(R"({"hostPort": 0, "guest": "vm1", "guestPort": 80})")
                                << QStringLiteral("forwards[0].hostPort");
        QTest::newRow("port 65536") << QByteArray(R"({"hostPort": 8080, "guest": "vm1", "guestPort": 65536})")
                                    << QStringLiteral("forwards[0].guestPort");
        QTest::newRow("no guest") << QByteArray(R"({"hostPort": 8080, "guestPort": 80})")
                                  << QStringLiteral("forwards[0].guest");
        QTest::newRow("protocol") << QByteArray(R"({"protocol": "sctp", "hostPort": 1, "guest": "vm1", "guestPort": 80})")
                                  << QStringLiteral("forwards[0].protocol");
        QTest::newRow("family") << QByteArray(R"({"family": "ipv5", "hostPort": 1, "guest": "vm1", "guestPort": 80})")
                                << QStringLiteral("forwards[0].family");
        QTest::newRow("unknown key") << QByteArray(R"({"hostPort": 1, "guest": "vm1", "guestPort": 80, "x": 1})")
                                     << QStringLiteral("forwards[0]");
    }
    void strictDecoding()
    {
        QFETCH(QByteArray, forward);
        QFETCH(QString, message);
        QByteArray json = serializeTopology(natExample());
        json.replace("\"uplinks\": [", "\"forwards\": [" + forward + "], \"uplinks\": [");
        Result<Topology> t = parseTopology(json, QStringLiteral("f.json"));
        QVERIFY(!t.isOk());
        QVERIFY2(t.error().message.contains(message), qPrintable(t.error().message));
    }

    void networkWalk()
    {
        Topology t = natExample();
        QCOMPARE(guestNicsOnNetwork(t, QStringLiteral("gw")),
                 (QList<GuestNicRef>{{QStringLiteral("vm1"), QStringLiteral("net0")}, {QStringLiteral("vm2"), QStringLiteral("net0")}}));
        // A second switch joined by a cable is the same network; a guest behind it counts.
        Node lan2;
        lan2.id = QStringLiteral("lan2");
        lan2.type = NodeType::Switch;
        t.nodes.append(lan2);
        t.links.append(Link{QStringLiteral("c"), Endpoint{QStringLiteral("lan"), {}, {}}, Endpoint{QStringLiteral("lan2"), {}, {}}, {}, {}});
        t.links[2].b.node = QStringLiteral("lan2");  // vm2 now on lan2
        QCOMPARE(guestNicsOnNetwork(t, QStringLiteral("gw")).size(), 2);
        const QList<GatewayOfGuest> gws = natGatewaysOfGuest(t, QStringLiteral("vm2"));
        QCOMPARE(gws.size(), 1);
        QCOMPARE(gws.first().gateway, QStringLiteral("gw"));
        QCOMPARE(gws.first().nic, QStringLiteral("net0"));
        QCOMPARE(describeForward(fwd(8080, "vm2", 80)), QStringLiteral("tcp 8080 -> vm2:80"));
    }

    void validatorRules()
    {
        Topology t = natExample();
        auto &fw = t.node(QStringLiteral("gw"))->hostPort.nat.forwards;
        // Host address not IPv4.
        fw = {fwd(8080, "vm1", 80)};
        fw[0].hostAddress = QStringLiteral("fe80::1");
        expectOne(t, kBase + QStringLiteral("[0].hostAddress"), QStringLiteral("gateway 'gw', forward 0: host address 'fe80::1' is not an IPv4 address"));
        fw[0].hostAddress = QStringLiteral("224.0.0.1");
        expectOne(t, kBase + QStringLiteral("[0].hostAddress"), QStringLiteral("must be a unicast address"));
        // Ports.
        fw = {fwd(0, "vm1", 80)};
        expectOne(t, kBase + QStringLiteral("[0].hostPort"), QStringLiteral("host port 0 is outside 1..65535"));
        fw = {fwd(8080, "vm1", 70000)};
        expectOne(t, kBase + QStringLiteral("[0].guestPort"), QStringLiteral("guest port 70000 is outside 1..65535"));
        // Unknown guest, wrong NIC.
        fw = {fwd(8080, "nobody", 80)};
        expectOne(t, kBase + QStringLiteral("[0].guest"), QStringLiteral("'nobody' is not a guest"));
        fw = {fwd(8080, "vm1", 80)};
        fw[0].nic = QStringLiteral("net7");
        expectOne(t, kBase + QStringLiteral("[0].nic"), QStringLiteral("NIC 'net7' of guest 'vm1' is not on this gateway's network"));
        // Duplicates: same port on all addresses, then all vs. one address; another protocol is fine.
        fw = {fwd(8080, "vm1", 80), fwd(8080, "vm2", 80)};
        expectOne(t, kBase + QStringLiteral("[1].hostPort"), QStringLiteral("host port 8080/tcp on all addresses is already forwarded by gateway 'gw', forward 0"));
        fw[1].hostAddress = QStringLiteral("192.0.2.1");
        expectOne(t, kBase + QStringLiteral("[1].hostPort"), QStringLiteral("already forwarded"));
        fw[1].protocol = PortForward::Protocol::Udp;
        QVERIFY2(errorsOf(t).isEmpty(), qPrintable(dump(errorsOf(t))));
        // Limit.
        fw.clear();
        for (int i = 0; i <= limits::kMaxPortForwards; ++i)
            fw.append(fwd(1000 + i, "vm1", 80));
        expectOne(t, kBase, QStringLiteral("more than the limit of 256"));
        // A non-NAT gateway cannot forward.
        fw = {fwd(8080, "vm1", 80)};
        t.node(QStringLiteral("gw"))->hostPort.nat.mode = NatConfig::Mode::None;
        t.node(QStringLiteral("gw"))->hostPort.nat.uplinks.clear();
        QVERIFY(!errorsOf(t).isEmpty());
        QVERIFY2(dump(errorsOf(t)).contains(QStringLiteral("has port forwards but no NAT or routing")), qPrintable(dump(errorsOf(t))));
    }

    void specText_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("hostSideOnly");
        QTest::addColumn<QString>("canonical");  // forwardSpecText of the result, "" = refused
        QTest::addColumn<QString>("described");
        QTest::newRow("bare") << "8080=vm1:80" << false << "tcp:8080=vm1:80" << "tcp 8080 -> vm1:80";
        QTest::newRow("udp v4 address nic") << "udp:192.0.2.1:5353=vm2/net1:53" << false << "udp:192.0.2.1:5353=vm2/net1:53"
                                            << "udp 192.0.2.1:5353 -> vm2.net1:53";
        QTest::newRow("tcp6 all") << "tcp6:8080=vm1:80" << false << "tcp6:8080=vm1:80" << "tcp6 8080 -> vm1:80";
        QTest::newRow("udp6 all") << "udp6:53=vm1:53" << false << "udp6:53=vm1:53" << "udp6 53 -> vm1:53";
        QTest::newRow("bracketed address") << "tcp:[fd00::1]:8080=vm1:80" << false << "tcp6:[fd00::1]:8080=vm1:80"
                                           << "tcp6 [fd00::1]:8080 -> vm1:80";
        QTest::newRow("bracketed, no protocol") << "[2001:db8::5]:2222=vm1/net0:22" << false
                                                << "tcp6:[2001:db8::5]:2222=vm1/net0:22" << "tcp6 [2001:db8::5]:2222 -> vm1.net0:22";
        QTest::newRow("[::] = every address") << "udp:[::]:5353=vm1:53" << false << "udp6:5353=vm1:53" << "udp6 5353 -> vm1:53";
        QTest::newRow("host side v6") << "tcp6:[fd00::1]:8080" << true << "tcp6:[fd00::1]:8080=:0" << "tcp6 [fd00::1]:8080 -> :0";
        QTest::newRow("unclosed bracket") << "tcp:[fd00::1:8080=vm1:80" << false << "" << "";
        QTest::newRow("bracket without port") << "[fd00::1]8080=vm1:80" << false << "" << "";
        QTest::newRow("v6 without brackets") << "fd00::1:8080=vm1:80" << false << "" << "";
        QTest::newRow("port 0") << "tcp6:0=vm1:80" << false << "" << "";
        QTest::newRow("guest port") << "tcp6:8080=vm1:65536" << false << "" << "";
        QTest::newRow("two =") << "8080=vm1:80=x" << false << "" << "";
    }
    void specText()
    {
        QFETCH(QString, text);
        QFETCH(bool, hostSideOnly);
        QFETCH(QString, canonical);
        QFETCH(QString, described);
        Result<PortForward> f = parseForwardSpec(text, hostSideOnly);
        if (canonical.isEmpty()) {
            QVERIFY2(!f, qPrintable(text));
            QVERIFY2(f.error().message.contains(text.left(20)), qPrintable(f.error().message));
            return;
        }
        QVERIFY2(f, f ? "" : qPrintable(f.error().message));
        QCOMPARE(forwardSpecText(*f), canonical);
        QCOMPARE(describeForward(*f), described);
        if (!hostSideOnly) {
            Result<PortForward> again = parseForwardSpec(canonical);
            QVERIFY(again);
            QCOMPARE(*again, *f);
        }
    }

    void ipv6ValidatorRules()
    {
        Topology t = natExample();
        Node *gw = t.node(QStringLiteral("gw"));
        auto &fw = gw->hostPort.nat.forwards;
        PortForward f6 = fwd(8080, "vm1", 80);
        f6.family = PortForward::Family::Ipv6;
        // No IPv6 prefix on the gateway.
        fw = {f6};
        expectOne(t, kBase + QStringLiteral("[0].family"), QStringLiteral("an IPv6 forward needs an IPv6 prefix on the gateway"));
        gw->hostPort.ipv6.address = QStringLiteral("fd42:1::1/64");
        QVERIFY2(errorsOf(t).isEmpty(), qPrintable(dump(errorsOf(t))));
        // The same port in IPv4 and IPv6 is two forwards, not a collision; twice in IPv6 is.
        fw = {fwd(8080, "vm1", 80), f6};
        QVERIFY2(errorsOf(t).isEmpty(), qPrintable(dump(errorsOf(t))));
        fw = {f6, f6};
        fw[1].guest = QStringLiteral("vm2");
        expectOne(t, kBase + QStringLiteral("[1].hostPort"), QStringLiteral("host port 8080/tcp on all addresses is already forwarded"));
        // Host addresses: ::1, link-local, IPv4, not canonical.
        fw = {f6};
        fw[0].hostAddress = QStringLiteral("::1");
        expectOne(t, kBase + QStringLiteral("[0].hostAddress"), QStringLiteral("::1 cannot be forwarded"));
        fw[0].hostAddress = QStringLiteral("fe80::1");
        expectOne(t, kBase + QStringLiteral("[0].hostAddress"), QStringLiteral("must be a global or unique-local unicast address"));
        fw[0].hostAddress = QStringLiteral("192.0.2.1");
        expectOne(t, kBase + QStringLiteral("[0].hostAddress"), QStringLiteral("is not an IPv6 address"));
        fw[0].hostAddress = QStringLiteral("FD00:0::1");
        expectOne(t, kBase + QStringLiteral("[0].hostAddress"), QStringLiteral("written canonically (fd00::1)"));
        fw[0].hostAddress = QStringLiteral("fd00::1");
        QVERIFY2(errorsOf(t).isEmpty(), qPrintable(dump(errorsOf(t))));
        // A forward on an IPv4 address must be IPv4.
        fw = {fwd(8080, "vm1", 80)};
        fw[0].hostAddress = QStringLiteral("fd00::1");
        expectOne(t, kBase + QStringLiteral("[0].hostAddress"), QStringLiteral("is not an IPv4 address"));
        // The file format carries the family.
        fw = {f6};
        fw[0].hostAddress = QStringLiteral("fd00::1");
        Result<Topology> back = parseTopology(serializeTopology(t), QStringLiteral("x"));
        QVERIFY2(back, back ? "" : qPrintable(back.error().message));
        QCOMPARE(back->node(QStringLiteral("gw"))->hostPort.nat.forwards, fw);
        QVERIFY(serializeTopology(t).contains(R"("family": "ipv6")"));
    }

    void duplicateAcrossGateways()
    {
        // A guest on another NAT network (gw2) forwarded on the same host port as gw's.
        Topology t = natExample();
        Node lan2;
        lan2.id = QStringLiteral("lan2");
        lan2.type = NodeType::Switch;
        lan2.name = lan2.id;
        Node gw2;
        gw2.name = QStringLiteral("gw2");
        gw2.id = QStringLiteral("gw2");
        gw2.type = NodeType::HostPort;
        gw2.hostPort.address = QStringLiteral("10.0.3.1/24");
        gw2.hostPort.nat.mode = NatConfig::Mode::Masquerade;
        gw2.hostPort.nat.uplinks = {QStringLiteral("eth+")};
        t.nodes << lan2 << gw2;
        t.links.append(Link{QStringLiteral("gw2-lan2"), Endpoint{QStringLiteral("gw2"), {}, {}}, Endpoint{QStringLiteral("lan2"), {}, {}}, {}, {}});
        t.links[2].b.node = QStringLiteral("lan2");  // vm2 on lan2
        t.node(QStringLiteral("gw"))->hostPort.nat.forwards = {fwd(8080, "vm1", 80)};
        t.node(QStringLiteral("gw2"))->hostPort.nat.forwards = {fwd(8080, "vm2", 80)};
        const QList<Issue> e = errorsOf(t);
        QVERIFY2(e.size() == 1, qPrintable(dump(e)));
        QCOMPARE(e.first().nodeId, QStringLiteral("gw2"));
        QVERIFY(e.first().message.contains(QStringLiteral("already forwarded by gateway 'gw', forward 0")));
        // vm1 is not on gw2's network.
        t.node(QStringLiteral("gw2"))->hostPort.nat.forwards = {fwd(8081, "vm1", 80)};
        QVERIFY(dump(errorsOf(t)).contains(QStringLiteral("guest 'vm1' has no NIC on this gateway's network")));
    }
};

QTEST_GUILESS_MAIN(TestPortForwards)
#include "test_portforwards.moc"
