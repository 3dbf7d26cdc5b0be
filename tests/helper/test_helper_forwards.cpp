// SPDX-License-Identifier: GPL-3.0-or-later
// Port forwards on the helper's side, pure parts: strict decoding and validation of a NAT
// spec's forwards (IPv4 in nat, IPv6 in nat6), the nftables rules they become (tables ip and
// ip6 netloom), and the /proc/net socket tables the
// port-in-use check reads (recorded text, so the test does not depend on this host's sockets)
// plus one live lookup of a socket this test opens itself.
#include "common/testutil.h"
#include "nftscript.h"
#include "portusers.h"
#include "protocol/forwardrules.h"
#include "protocol/hoststatedecode.h"

#include <QJsonArray>

#include <cstring>
#include <QTcpServer>
#include <QTest>

using namespace netloom;
using namespace netloom::helper;
using namespace netloom::protocol;

namespace {

HostState natState(QList<ForwardSpec> forwards)
{
    HostState s;
    s.taps = {TapSpec{QStringLiteral("loomtap0"), 0, {}, false}};
    s.addresses = {AddressSpec{QStringLiteral("loomtap0"), QStringLiteral("10.0.2.1/24")}};
    s.ipv4Forwarding = true;
    s.nat = {NatSpec{QStringLiteral("loomtap0"), QStringLiteral("10.0.2.0/24"), NatSpec::Mode::Masquerade,
                     {QStringLiteral("eth+")}, forwards}};
    return s;
}

// An IPv4 forward, or an IPv6 one when `guest` has a ':'.
ForwardSpec tcp(std::uint16_t hostPort, const char *guest, std::uint16_t guestPort, const char *hostAddress = "")
{
    const auto family = std::strchr(guest, ':') ? ForwardSpec::Family::Ipv6 : ForwardSpec::Family::Ipv4;
    return ForwardSpec{family, ForwardSpec::Protocol::Tcp, QString::fromLatin1(hostAddress), hostPort,
                       QString::fromLatin1(guest), guestPort};
}

// natState(`forwards4`) plus fd42:1::1/64 on the tap and NAT66 with `forwards6`.
HostState natState6(QList<ForwardSpec> forwards4, QList<ForwardSpec> forwards6)
{
    HostState s = natState(forwards4);
    s.addresses.append(AddressSpec{QStringLiteral("loomtap0"), QStringLiteral("fd42:1::1/64")});
    s.ipv6Forwarding = true;
    s.nat6 = {NatSpec{QStringLiteral("loomtap0"), QStringLiteral("fd42:1::/64"), NatSpec::Mode::Masquerade,
                      {QStringLiteral("eth+")}, forwards6}};
    return s;
}

// Recorded from a Debian 12 host: sshd on 0.0.0.0:22 and [::]:22, a resolver on 127.0.0.53:53,
// a listener on 192.168.1.5:8080, an established connection from local port 8081.
const QByteArray kTcp =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1234 1 0000000000000000 100 0 0 10 0\n"
    "   1: 3500007F:0035 00000000:0000 0A 00000000:00000000 00:00000000 00000000   102        0 2345 1 0000000000000000 100 0 0 10 0\n"
    "   2: 0501A8C0:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 3456 1 0000000000000000 100 0 0 10 0\n"
    "   3: 0501A8C0:1F91 0101A8C0:D431 01 00000000:00000000 00:00000000 00000000  1000        0 4567 1 0000000000000000 20 4 0 10 -1\n";
const QByteArray kTcp6 =
    "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1235 1 0000000000000000 100 0 0 10 0\n"
    "   1: 0000000000000000FFFF00000501A8C0:1F92 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1236 1 0000000000000000 100 0 0 10 0\n"
    "   2: 000080FE00000000FF005452010000FE:1F93 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1237 1 0000000000000000 100 0 0 10 0\n"
    "garbage line\n";

}  // namespace

class TestHelperForwards : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTrip()
    {
        const HostState s = natState({tcp(8080, "10.0.2.15", 80), tcp(8443, "10.0.2.16", 443, "192.0.2.1")});
        auto back = hostStateFromJson(toJson(s));
        QVERIFY2(back, back ? "" : qPrintable(back.error().message));
        QCOMPARE(*back, s);
        // Without forwards the NAT object keeps its old form.
        QVERIFY(!toJson(natState({}))[QStringLiteral("nat")].toArray()[0].toObject().contains(QStringLiteral("forwards")));
    }

    void refused_data()
    {
        QTest::addColumn<QList<ForwardSpec>>("forwards");
        QTest::addColumn<QString>("message");
        QTest::newRow("guest outside the subnet") << QList<ForwardSpec>{tcp(8080, "10.0.3.15", 80)} << QStringLiteral("host of the NAT subnet 10.0.2.0/24");
        QTest::newRow("guest is the broadcast") << QList<ForwardSpec>{tcp(8080, "10.0.2.255", 80)} << QStringLiteral("host of the NAT subnet");
        QTest::newRow("guest not an address") << QList<ForwardSpec>{tcp(8080, "guest", 80)} << QStringLiteral("guest");
        QTest::newRow("multicast host address") << QList<ForwardSpec>{tcp(8080, "10.0.2.15", 80, "224.0.0.1")} << QStringLiteral("must be a unicast address");
        QTest::newRow("twice") << QList<ForwardSpec>{tcp(8080, "10.0.2.15", 80), tcp(8080, "10.0.2.16", 80, "192.0.2.1")}
                               << QStringLiteral("host port 8080/tcp is forwarded twice");
        QTest::newRow("port 0") << QList<ForwardSpec>{tcp(0, "10.0.2.15", 80)} << QStringLiteral("1..65535");
        QList<ForwardSpec> many;
        for (int i = 0; i <= HostStateLimits::kMaxForwards; ++i)
            many.append(tcp(std::uint16_t(1000 + i), "10.0.2.15", 80));
        QTest::newRow("too many") << many << QStringLiteral("257");
    }
    void refused()
    {
        QFETCH(QList<ForwardSpec>, forwards);
        QFETCH(QString, message);
        auto back = hostStateFromJson(toJson(natState(forwards)));
        QVERIFY(!back);
        QVERIFY2(back.error().message.contains(message), qPrintable(back.error().message));
    }

    void strictKeys_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("message");
        QTest::newRow("family") << QStringLiteral("family") << QJsonValue(QStringLiteral("ipv5")) << QStringLiteral("family");
        QTest::newRow("protocol") << QStringLiteral("protocol") << QJsonValue(QStringLiteral("sctp")) << QStringLiteral("protocol");
        QTest::newRow("port") << QStringLiteral("hostPort") << QJsonValue(65536) << QStringLiteral("hostPort");
        QTest::newRow("unknown") << QStringLiteral("mark") << QJsonValue(1) << QStringLiteral("unknown field");
    }
    void strictKeys()
    {
        QFETCH(QString, key);
        QFETCH(QJsonValue, value);
        QFETCH(QString, message);
        QJsonObject j = toJson(natState({tcp(8080, "10.0.2.15", 80)}));
        QJsonArray nat = j[QStringLiteral("nat")].toArray();
        QJsonObject n = nat[0].toObject();
        QJsonArray fw = n[QStringLiteral("forwards")].toArray();
        QJsonObject f = fw[0].toObject();
        f[key] = value;
        fw[0] = f;
        n[QStringLiteral("forwards")] = fw;
        nat[0] = n;
        j[QStringLiteral("nat")] = nat;
        auto back = hostStateFromJson(j);
        QVERIFY(!back);
        QVERIFY2(back.error().message.contains(message), qPrintable(back.error().message));
        QVERIFY2(back.error().message.contains(QStringLiteral("nat[0].forwards[0]")), qPrintable(back.error().message));
    }

    void ipv6RoundTripAndRefusals()
    {
        const HostState ok6 = natState6({tcp(8080, "10.0.2.15", 80)},
                                        {tcp(8080, "fd42:1::15", 80), tcp(8443, "fd42:1::16", 443, "2001:db8::1")});
        auto back = hostStateFromJson(toJson(ok6));
        QVERIFY2(back, back ? "" : qPrintable(back.error().message));
        QCOMPARE(*back, ok6);
        const struct {
            HostState state;
            const char *message;
        } refused[] = {
            {natState({tcp(8080, "fd42:1::15", 80)}), "an IPv4 NAT rule only holds IPv4 forwards"},
            {natState6({}, {tcp(8080, "10.0.2.15", 80)}), "an IPv6 NAT rule only holds IPv6 forwards"},
            {natState6({}, {tcp(8080, "fd42:9::15", 80)}), "host of the NAT prefix fd42:1::/64"},
            {natState6({}, {tcp(8080, "fd42:1::", 80)}), "host of the NAT prefix"},
            {natState6({}, {tcp(8080, "fd42:1:0::15", 80)}), "written canonically (fd42:1::15)"},
            {natState6({}, {tcp(8080, "fd42:1::15", 80, "::1")}), "::1 cannot be forwarded"},
            {natState6({}, {tcp(8080, "fd42:1::15", 80, "fe80::1")}), "global or unique-local unicast"},
            {natState6({}, {tcp(8080, "fd42:1::15", 80), tcp(8080, "fd42:1::16", 80, "2001:db8::1")}), "forwarded twice"},
            {natState6({}, {tcp(0, "fd42:1::15", 80)}), "1..65535"},
        };
        for (const auto &r : refused) {
            auto s = hostStateFromJson(toJson(r.state));
            QVERIFY2(!s, r.message);
            QVERIFY2(s.error().message.contains(QLatin1String(r.message)), qPrintable(s.error().message));
        }
    }

    void nft6Rules()
    {
        const HostState s = natState6({}, {tcp(8080, "fd42:1::15", 80), tcp(8443, "fd42:1::16", 443, "2001:db8::1")});
        const QString script = buildNft6Script(s.nat6);
        for (const char *line : {
                 "  chain prerouting {\n    type nat hook prerouting priority dstnat; policy accept;\n"
                 "    fib daddr type local tcp dport 8080 dnat to [fd42:1::15]:80\n"
                 "    ip6 daddr 2001:db8::1 fib daddr type local tcp dport 8443 dnat to [fd42:1::16]:443\n  }\n",
                 "  chain output {\n    type nat hook output priority -100; policy accept;\n"
                 "    ip6 daddr != ::1 fib daddr type local tcp dport 8080 dnat to [fd42:1::15]:80\n"
                 "    ip6 daddr 2001:db8::1 fib daddr type local tcp dport 8443 dnat to [fd42:1::16]:443\n  }\n",
                 "    oifname \"loomtap0\" ip6 daddr fd42:1::15 tcp dport 80 ct status dnat ip6 saddr fd42:1::/64 masquerade\n"
                 "    oifname \"loomtap0\" ip6 daddr fd42:1::15 tcp dport 80 ct status dnat fib saddr type local masquerade\n",
                 "    oifname \"loomtap0\" ip6 daddr fd42:1::16 tcp dport 443 ct status dnat accept\n",
                 "    ip6 saddr fd42:1::/64 ip6 daddr != fd42:1::/64 oifname \"eth*\" masquerade\n"})
            QVERIFY2(script.contains(QLatin1String(line)), qPrintable(script));
        QVERIFY(!script.contains(QStringLiteral("127.0.0.0/8")));
        QVERIFY(!natTakesLoopback(s.nat6[0]));
        // No IPv6 forwards: no prerouting/output chains.
        QVERIFY(!buildNft6Script(natState6({}, {}).nat6).contains(QStringLiteral("prerouting")));
    }

    void nftRules()
    {
        const HostState s = natState({tcp(8080, "10.0.2.15", 80), tcp(8443, "10.0.2.16", 443, "192.0.2.1")});
        const QString script = buildNftScript(s.nat);
        for (const char *line : {
                 "  chain prerouting {\n    type nat hook prerouting priority dstnat; policy accept;\n"
                 "    iifname \"loomtap0\" ip daddr 127.0.0.0/8 drop\n"
                 "    fib daddr type local tcp dport 8080 dnat to 10.0.2.15:80\n"
                 "    ip daddr 192.0.2.1 fib daddr type local tcp dport 8443 dnat to 10.0.2.16:443\n  }\n",
                 "  chain output {\n    type nat hook output priority -100; policy accept;\n"
                 "    fib daddr type local tcp dport 8080 dnat to 10.0.2.15:80\n"
                 "    ip daddr 192.0.2.1 fib daddr type local tcp dport 8443 dnat to 10.0.2.16:443\n  }\n",
                 "    oifname \"loomtap0\" ip daddr 10.0.2.15 tcp dport 80 ct status dnat ip saddr 10.0.2.0/24 masquerade\n"
                 "    oifname \"loomtap0\" ip daddr 10.0.2.15 tcp dport 80 ct status dnat fib saddr type local masquerade\n",
                 "    oifname \"loomtap0\" ip daddr 10.0.2.16 tcp dport 443 ct status dnat accept\n"})
            QVERIFY2(script.contains(QLatin1String(line)), qPrintable(script));
        // Only a forward on one address: no loopback, no guard. On a 127.x address: loopback
        // only (output, no prerouting rule), with the guard.
        const QList<NatSpec> one = natState({tcp(8443, "10.0.2.16", 443, "192.0.2.1")}).nat;
        QVERIFY(!natTakesLoopback(one[0]));
        QVERIFY(!buildNftScript(one).contains(QStringLiteral("127.0.0.0/8")));
        const QList<NatSpec> local = natState({tcp(8443, "10.0.2.16", 443, "127.0.0.1")}).nat;
        QVERIFY(natTakesLoopback(local[0]));
        QVERIFY2(buildNftScript(local).contains(QLatin1String(
                     "  chain prerouting {\n    type nat hook prerouting priority dstnat; policy accept;\n"
                     "    iifname \"loomtap0\" ip daddr 127.0.0.0/8 drop\n  }\n"
                     "  chain output {\n    type nat hook output priority -100; policy accept;\n"
                     "    ip daddr 127.0.0.1 fib daddr type local tcp dport 8443 dnat to 10.0.2.16:443\n  }\n")),
                 qPrintable(buildNftScript(local)));
        // No forwards: no nat chains beyond postrouting (the table keeps its old shape).
        QVERIFY(!buildNftScript(natState({}).nat).contains(QStringLiteral("prerouting")));
    }

    void procNetParsing()
    {
        const QList<ProcSocket> v4 = parseProcNet(kTcp, false);
        QCOMPARE(v4.size(), 4);
        QCOMPARE(v4[0].port, std::uint16_t(22));
        QCOMPARE(v4[0].ipv4, 0u);
        QCOMPARE(v4[0].inode, quint64(1234));
        QCOMPARE(v4[1].ipv4, 0x7f000035u);
        QCOMPARE(v4[2].ipv4, 0xc0a80105u);  // 192.168.1.5
        QCOMPARE(v4[2].state, 0x0A);
        const QList<ProcSocket> v6 = parseProcNet(kTcp6, true);
        QCOMPARE(v6.size(), 3);
        QVERIFY(v6[0].v6Any);
        QVERIFY(v6[1].v6Mapped);
        QCOMPARE(v6[1].ipv4, 0xc0a80105u);
        QVERIFY(!v6[2].v6Any && !v6[2].v6Mapped);
    }

    void collisions()
    {
        const auto T = ForwardSpec::Protocol::Tcp;
        const QList<ProcSocket> v4 = parseProcNet(kTcp, false);
        const QList<ProcSocket> v6 = parseProcNet(kTcp6, true);
        QVERIFY(collides(v4[0], T, tcp(22, "10.0.2.15", 22)));                 // 0.0.0.0:22
        QVERIFY(collides(v4[0], T, tcp(22, "10.0.2.15", 22, "192.0.2.1")));    // ... on any address
        QVERIFY(collides(v4[1], T, tcp(53, "10.0.2.15", 53)));                 // loopback: taken by ""
        QVERIFY(collides(v4[1], T, tcp(53, "10.0.2.15", 53, "127.0.0.53")));
        QVERIFY(!collides(v4[1], T, tcp(53, "10.0.2.15", 53, "127.0.0.1")));
        QVERIFY(!collides(v4[1], T, tcp(53, "10.0.2.15", 53, "192.0.2.1")));
        QVERIFY(collides(v4[2], T, tcp(8080, "10.0.2.15", 80)));               // all addresses vs one
        QVERIFY(collides(v4[2], T, tcp(8080, "10.0.2.15", 80, "192.168.1.5")));
        QVERIFY(!collides(v4[2], T, tcp(8080, "10.0.2.15", 80, "192.168.1.6")));
        QVERIFY(!collides(v4[3], T, tcp(8081, "10.0.2.15", 80)));              // not listening
        QVERIFY(collides(v6[0], T, tcp(22, "10.0.2.15", 22)));                 // [::]:22
        QVERIFY(collides(v6[1], T, tcp(8082, "10.0.2.15", 22, "192.168.1.5")));  // v4-mapped
        QVERIFY(!collides(v6[2], T, tcp(8083, "10.0.2.15", 22)));              // a real IPv6 address
        // IPv6 forwards: "::" always, a mapped or IPv4 socket never, ::1 not for "every address".
        QVERIFY(collides(v6[0], T, tcp(22, "fd42:1::15", 22)));
        QVERIFY(collides(v6[0], T, tcp(22, "fd42:1::15", 22, "2001:db8::1")));
        QVERIFY(!collides(v4[0], T, tcp(22, "fd42:1::15", 22)));
        QVERIFY(!collides(v6[1], T, tcp(8082, "fd42:1::15", 22)));
        QVERIFY(collides(v6[2], T, tcp(8083, "fd42:1::15", 22)));             // fe80::5254:ff:fe00:1
        QVERIFY(collides(v6[2], T, tcp(8083, "fd42:1::15", 22, "fe80::5254:ff:fe00:1")));
        QVERIFY(!collides(v6[2], T, tcp(8083, "fd42:1::15", 22, "2001:db8::1")));
        const QList<ProcSocket> lo6 = parseProcNet(
            "  sl  local_address                         remote_address                        st\n"
            "   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1238 1\n",
            true);
        QCOMPARE(lo6.size(), 1);
        QCOMPARE(lo6[0].address6.toString(), QStringLiteral("::1"));
        QVERIFY(!collides(lo6[0], T, tcp(8080, "fd42:1::15", 80)));
        QVERIFY(collides(lo6[0], T, tcp(8080, "10.0.2.15", 80, "")) == false);  // IPv6 ::1 is not IPv4 loopback
    }

    void liveLookupNamesThisProcess()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::AnyIPv4, 0));
        const auto port = std::uint16_t(server.serverPort());
        auto user = findPortUser(tcp(port, "10.0.2.15", 80));
        QVERIFY2(user, user ? "" : qPrintable(user.error().message));
        QVERIFY2(user->contains(QStringLiteral("(pid %1)").arg(QCoreApplication::applicationPid())), qPrintable(*user));
        server.close();
        user = findPortUser(tcp(port, "10.0.2.15", 80));
        QVERIFY(user);
        QCOMPARE(*user, QString());
    }
};

QTEST_GUILESS_MAIN(TestHelperForwards)
#include "test_helper_forwards.moc"
