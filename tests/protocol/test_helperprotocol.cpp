// SPDX-License-Identifier: GPL-3.0-or-later
// The helper protocol's framing, request decoding and strict host-state decoding: every
// malformed or hostile input is refused with the right error code and a message naming
// the offending field.
#include "protocol/bridgevlan.h"
#include "protocol/frame.h"
#include "protocol/hoststatedecode.h"
#include "protocol/impairment.h"
#include "protocol/message.h"
#include "protocol/names.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace netloom;
using namespace netloom::protocol;

namespace {

HostState exampleA()
{
    HostState s;
    s.taps = {TapSpec{QStringLiteral("loomtap0"), 0, {}, false}};
    s.addresses = {AddressSpec{QStringLiteral("loomtap0"), QStringLiteral("10.0.2.1/24")}};
    s.links = {LinkSpec{QStringLiteral("loomtap0"), true, 0, {}}};
    s.ipv4Forwarding = true;
    s.nat = {NatSpec{QStringLiteral("loomtap0"), QStringLiteral("10.0.2.0/24"), NatSpec::Mode::Masquerade,
                     {QStringLiteral("eth+")},
                     {ForwardSpec{ForwardSpec::Family::Ipv4, ForwardSpec::Protocol::Tcp, {}, 8080,
                                  QStringLiteral("10.0.2.100"), 80}}}};
    DnsmasqSpec d;
    d.ifname = QStringLiteral("loomtap0");
    d.address = QStringLiteral("10.0.2.1");
    d.rangeStart = QStringLiteral("10.0.2.100");
    d.rangeEnd = QStringLiteral("10.0.2.199");
    d.hosts = {DhcpHost{QStringLiteral("52:54:00:12:34:56"), QStringLiteral("10.0.2.50"), QStringLiteral("guest")}};
    s.dnsmasq = {d};
    return s;
}

// Example A with IPv6: fd42:1::1/64, RA + DHCPv6, NAT66.
HostState exampleA6()
{
    HostState s = exampleA();
    s.addresses.append(AddressSpec{QStringLiteral("loomtap0"), QStringLiteral("fd42:1::1/64")});
    s.ipv6Forwarding = true;
    s.nat6 = {NatSpec{QStringLiteral("loomtap0"), QStringLiteral("fd42:1::/64"), NatSpec::Mode::Masquerade, {QStringLiteral("eth+")}, {}}};
    DnsmasqSpec &d = s.dnsmasq[0];
    d.address6 = QStringLiteral("fd42:1::1");
    d.ra = true;
    d.dhcp6 = true;
    d.rangeStart6 = QStringLiteral("fd42:1::100");
    d.rangeEnd6 = QStringLiteral("fd42:1::1ff");
    return s;
}

QByteArray applyPayload(const QJsonObject &state)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("v"), 1}, {QStringLiteral("id"), 7},
                                     {QStringLiteral("op"), QStringLiteral("apply")},
                                     {QStringLiteral("network"), QStringLiteral("net-a")},
                                     {QStringLiteral("state"), state}})
        .toJson(QJsonDocument::Compact);
}

QByteArray header(quint32 n)
{
    QByteArray h;
    h.append(char(n >> 24)).append(char(n >> 16)).append(char(n >> 8)).append(char(n));
    return h;
}

}  // namespace

class TestHelperProtocol : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void frameRoundTripByteByByte()
    {
        auto f1 = encodeFrame(QJsonObject{{QStringLiteral("a"), 1}});
        auto f2 = encodeFrame(QJsonObject{{QStringLiteral("b"), 2}});
        QVERIFY(f1 && f2);
        const QByteArray both = *f1 + *f2;
        FrameDecoder d;
        QList<QByteArray> got;
        for (char c : both) {
            QVERIFY(d.feed(&c, 1).isOk());
            QByteArray p;
            while (d.takeFrame(&p))
                got.append(p);
        }
        QCOMPARE(got.size(), 2);
        QCOMPARE(got[0], QByteArray("{\"a\":1}"));
        QVERIFY(!d.hasPartialFrame());
    }
    void frameOversizedIsRefusedBeforeBuffering()
    {
        FrameDecoder d;
        auto s = d.feed(header(quint32(kMaxMessageBytes + 1)));
        QVERIFY(!s);
        QCOMPARE(s.error().code, ErrorCode::LimitExceeded);
        QVERIFY(s.error().message.contains(QStringLiteral("exceeds the limit")));
        QVERIFY(d.failed());
        QVERIFY(!d.feed(QByteArray("x")));  // sticky
    }
    void frameZeroLength()
    {
        FrameDecoder d;
        auto s = d.feed(header(0));
        QVERIFY(!s);
        QCOMPARE(s.error().code, ErrorCode::Protocol);
    }
    void frameMaximalMessageAccepted()
    {
        FrameDecoder d;
        QByteArray body(kMaxMessageBytes, 'x');
        QVERIFY(d.feed(header(quint32(kMaxMessageBytes)) + body).isOk());
        QByteArray p;
        QVERIFY(d.takeFrame(&p));
        QCOMPARE(p.size(), kMaxMessageBytes);
    }
    void encodeRefusesOversized()
    {
        QJsonObject o{{QStringLiteral("s"), QString(kMaxMessageBytes, u'x')}};
        auto f = encodeFrame(o);
        QVERIFY(!f);
        QCOMPARE(f.error().code, ErrorCode::LimitExceeded);
    }

    void requestRoundTrip()
    {
        Request r;
        r.id = 42;
        r.op = Op::Apply;
        r.network = QStringLiteral("net-a");
        r.state = exampleA();
        r.persistent = true;
        qint64 id = 0;
        auto back = decodeRequest(QJsonDocument(encodeRequest(r)).toJson(QJsonDocument::Compact), &id);
        QVERIFY2(back, back ? "" : qPrintable(back.error().message));
        QCOMPARE(id, 42);
        QCOMPARE(back->op, Op::Apply);
        QVERIFY(back->state == r.state);
        QVERIFY(back->persistent);
        QVERIFY(!back->allowPhysical);
    }

    void enableRoundTrip()
    {
        Request r;
        r.id = 7;
        r.op = Op::Enable;
        r.network = QStringLiteral("lab");
        r.state = exampleA();
        r.topology = QStringLiteral("/home/u/nets/lab.json");
        r.allowPhysical = true;
        qint64 id = 0;
        auto back = decodeRequest(QJsonDocument(encodeRequest(r)).toJson(QJsonDocument::Compact), &id);
        QVERIFY2(back, back ? "" : qPrintable(back.error().message));
        QCOMPARE(back->op, Op::Enable);
        QCOMPARE(back->network, r.network);
        QCOMPARE(back->topology, r.topology);
        QVERIFY(back->state == r.state);
        QVERIFY(back->allowPhysical);
        for (Op op : {Op::Disable, Op::Enabled}) {
            Request d;
            d.op = op;
            d.network = op == Op::Disable ? QStringLiteral("lab") : QString();
            auto b = decodeRequest(QJsonDocument(encodeRequest(d)).toJson(QJsonDocument::Compact), &id);
            QVERIFY2(b, b ? "" : qPrintable(b.error().message));
            QCOMPARE(b->op, op);
            QCOMPARE(b->network, d.network);
        }
    }

    void badRequests_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("mentions");
        QTest::addColumn<qint64>("id");
        QTest::newRow("not json") << QByteArray("{\"v\":1,") << "parse" << "invalid JSON" << qint64(-1);
        QTest::newRow("array") << QByteArray("[1]") << "parse" << "JSON object" << qint64(-1);
        QTest::newRow("no id") << QByteArray("{\"v\":1,\"op\":\"hello\"}") << "invalid-argument" << "'id'" << qint64(-1);
        QTest::newRow("string id") << QByteArray("{\"v\":1,\"id\":\"1\",\"op\":\"hello\"}") << "invalid-argument" << "'id'" << qint64(-1);
        QTest::newRow("fraction id") << QByteArray("{\"v\":1,\"id\":1.5,\"op\":\"hello\"}") << "invalid-argument" << "'id'" << qint64(-1);
        QTest::newRow("negative id") << QByteArray("{\"v\":1,\"id\":-3,\"op\":\"hello\"}") << "invalid-argument" << "'id'" << qint64(-1);
        QTest::newRow("version 2") << QByteArray("{\"v\":2,\"id\":5,\"op\":\"hello\"}") << "unsupported" << "version 2" << qint64(5);
        QTest::newRow("unknown op") << QByteArray("{\"v\":1,\"id\":5,\"op\":\"format-disk\"}") << "unsupported" << "format-disk" << qint64(5);
        QTest::newRow("op type") << QByteArray("{\"v\":1,\"id\":5,\"op\":3}") << "invalid-argument" << "'op'" << qint64(5);
        QTest::newRow("network slash") << QByteArray("{\"v\":1,\"id\":5,\"op\":\"status\",\"network\":\"../x\"}") << "invalid-argument" << "network id" << qint64(5);
        QTest::newRow("network long") << QByteArray("{\"v\":1,\"id\":5,\"op\":\"teardown\",\"network\":\"" + QByteArray(33, 'a') + "\"}") << "invalid-argument" << "longer than 32" << qint64(5);
        QTest::newRow("state missing") << QByteArray("{\"v\":1,\"id\":5,\"op\":\"apply\",\"network\":\"a\"}") << "invalid-argument" << "'state'" << qint64(5);
        QTest::newRow("enable relative topology") << QByteArray("{\"v\":1,\"id\":5,\"op\":\"enable\",\"network\":\"a\",\"topology\":\"lab.json\",\"state\":{}}") << "invalid-argument" << "absolute path" << qint64(5);
        QTest::newRow("enable long topology") << QByteArray("{\"v\":1,\"id\":5,\"op\":\"enable\",\"network\":\"a\",\"topology\":\"/" + QByteArray(5000, 'a') + "\",\"state\":{}}") << "invalid-argument" << "4096" << qint64(5);
        QTest::newRow("enable no state") << QByteArray("{\"v\":1,\"id\":5,\"op\":\"enable\",\"network\":\"a\",\"topology\":\"/a.json\"}") << "invalid-argument" << "'state'" << qint64(5);
        QTest::newRow("disable no network") << QByteArray("{\"v\":1,\"id\":5,\"op\":\"disable\"}") << "invalid-argument" << "'network'" << qint64(5);
        QTest::newRow("persistent type") << QByteArray("{\"v\":1,\"id\":5,\"op\":\"apply\",\"network\":\"a\",\"state\":{},\"persistent\":\"yes\"}") << "invalid-argument" << "'persistent'" << qint64(5);
    }
    void badRequests()
    {
        QFETCH(QByteArray, payload);
        QFETCH(QString, code);
        QFETCH(QString, mentions);
        QFETCH(qint64, id);
        qint64 gotId = 99;
        auto r = decodeRequest(payload, &gotId);
        QVERIFY(!r);
        QCOMPARE(errorCodeName(r.error().code), code);
        QVERIFY2(r.error().message.contains(mentions), qPrintable(r.error().message));
        QVERIFY2(r.error().message.startsWith(QStringLiteral("failed to ")), qPrintable(r.error().message));
        QCOMPARE(gotId, id);
    }

    void ipv6StateRoundTrips()
    {
        const HostState s = exampleA6();
        auto back = hostStateFromJson(toJson(s));
        QVERIFY2(back, back ? "" : qPrintable(back.error().message));
        QVERIFY(*back == s);
        // IPv4-only states carry no IPv6 key (older helpers' vocabulary).
        const QJsonObject v4 = toJson(exampleA());
        QVERIFY(!v4.contains(QStringLiteral("nat6")) && !v4.contains(QStringLiteral("ipv6Forwarding")));
        QVERIFY(!QJsonDocument(v4).toJson().contains("ipv6"));
    }
    void badIpv6States_data()
    {
        QTest::addColumn<int>("which");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        // 0: the tap's v6 address, 1: nat6 subnet, 2: dnsmasq address6, 3: range start, 4: range end
        QTest::newRow("zone id") << 0 << "fd42:1::1%eth0/64" << "zone ids";
        QTest::newRow("not canonical") << 0 << "fd42:0001::1/64" << "canonically (fd42:1::1/64)";
        QTest::newRow("upper case") << 0 << "FD42:1::1/64" << "canonically";
        QTest::newRow("link-local") << 0 << "fe80::1/64" << "unicast IPv6 address is needed";
        QTest::newRow("multicast") << 0 << "ff02::1/64" << "unicast IPv6 address is needed";
        QTest::newRow("v4 mapped") << 0 << "::ffff:10.0.0.1/120" << "unicast IPv6 address is needed";
        QTest::newRow("prefix 128") << 0 << "fd42:1::1/128" << "prefix length must be 16..126";
        QTest::newRow("anycast") << 0 << "fd42:1::/64" << "subnet-router anycast";
        QTest::newRow("no prefix") << 0 << "fd42:1::1" << "expected address/prefix";
        QTest::newRow("nat6 host bits") << 1 << "fd42:1::1/64" << "canonical network address";
        QTest::newRow("nat6 ipv4") << 1 << "10.0.2.0/24" << "IPv6";
        QTest::newRow("nat6 ::/16") << 1 << "::/16" << "canonical network address";
        QTest::newRow("dnsmasq6 other address") << 2 << "fd42:1::2" << "needs the address fd42:1::2/64";
        QTest::newRow("dnsmasq6 garbage") << 2 << "fd42:1::1;x" << "IPv6 address";
        QTest::newRow("range outside") << 3 << "fd42:2::100" << "ordered range of hosts in fd42:1::/64";
        QTest::newRow("range reversed") << 4 << "fd42:1::10" << "ordered range";
        QTest::newRow("range has gateway") << 3 << "fd42:1::" << "ordered range";
        QTest::newRow("range newline") << 4 << "fd42:1::1ff\ndhcp-script=/bin/sh" << "IPv6 address";
    }
    void badIpv6States()
    {
        QFETCH(int, which);
        QFETCH(QString, text);
        QFETCH(QString, message);
        HostState s = exampleA6();
        switch (which) {
        case 0: s.addresses[1].cidr = text; break;
        case 1: s.nat6[0].subnet = text; break;
        case 2: s.dnsmasq[0].address6 = text; break;
        case 3: s.dnsmasq[0].rangeStart6 = text; break;
        default: s.dnsmasq[0].rangeEnd6 = text; break;
        }
        auto r = hostStateFromJson(toJson(s));
        QVERIFY(!r);
        QVERIFY2(r.error().message.contains(message), qPrintable(r.error().message));
    }
    void badIpv6Json()
    {
        QJsonObject o = toJson(exampleA6());
        QJsonArray d = o.value(QStringLiteral("dnsmasq")).toArray();
        QJsonObject d0 = d[0].toObject();
        QJsonObject v6 = d0.value(QStringLiteral("ipv6")).toObject();
        v6[QStringLiteral("dhcp-script")] = QStringLiteral("/bin/sh");
        d0[QStringLiteral("ipv6")] = v6;
        d[0] = d0;
        o[QStringLiteral("dnsmasq")] = d;
        auto r = hostStateFromJson(o);
        QVERIFY(!r);
        QVERIFY2(r.error().message.contains(QStringLiteral("dnsmasq[0].ipv6.dhcp-script")), qPrintable(r.error().message));
        // SLAAC on a /80 is refused; RA without an address is refused.
        HostState s = exampleA6();
        s.addresses[1].cidr = QStringLiteral("fd42:1::1/80");
        s.dnsmasq[0].prefixLength6 = 80;
        s.dnsmasq[0].dhcp6 = false;
        s.dnsmasq[0].rangeStart6.clear();
        s.dnsmasq[0].rangeEnd6.clear();
        auto slaac = hostStateFromJson(toJson(s));
        QVERIFY(!slaac);
        QVERIFY2(slaac.error().message.contains(QStringLiteral("SLAAC")), qPrintable(slaac.error().message));
        HostState noAddr = exampleA();
        noAddr.dnsmasq[0].ra = true;
        QVERIFY(!validateHostState(noAddr));
        // nat6 naming a foreign interface.
        HostState foreign = exampleA6();
        foreign.nat6[0].ifname = QStringLiteral("loomother");
        QVERIFY(!validateHostState(foreign));
    }
    void claimedUidIsIgnored()
    {
        qint64 id = 0;
        auto r = decodeRequest("{\"v\":1,\"id\":1,\"op\":\"hello\",\"uid\":0}", &id);
        QVERIFY(r);  // unknown envelope keys are ignored, never read
    }

    void badStates_data()
    {
        QTest::addColumn<QByteArray>("stateJson");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("unknown key") << QByteArray("{\"tapz\":[]}") << "unknown field";
        QTest::newRow("taps not list") << QByteArray("{\"taps\":{}}") << "must be a list";
        QTest::newRow("tap not object") << QByteArray("{\"taps\":[\"loomtap0\"]}") << "must be an object";
        QTest::newRow("tap name slash") << QByteArray("{\"taps\":[{\"ifname\":\"loom/x\"}]}") << "'/' and ':'";
        QTest::newRow("tap 16 bytes") << QByteArray("{\"taps\":[{\"ifname\":\"loom012345678901\"}]}") << "longer than 15";
        QTest::newRow("tap not loom") << QByteArray("{\"taps\":[{\"ifname\":\"eth0\"}]}") << "start with 'loom'";
        QTest::newRow("tap lo") << QByteArray("{\"taps\":[{\"ifname\":\"lo\"}]}") << "start with 'loom'";
        QTest::newRow("tap quote") << QByteArray("{\"taps\":[{\"ifname\":\"loom\\\"x\"}]}") << "only letters";
        QTest::newRow("tap space") << QByteArray("{\"taps\":[{\"ifname\":\"loom x\"}]}") << "without spaces";
        QTest::newRow("tap name type") << QByteArray("{\"taps\":[{\"ifname\":5}]}") << "must be a string";
        QTest::newRow("tap mtu type") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\",\"mtu\":\"big\"}]}") << "integer";
        QTest::newRow("tap mtu small") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\",\"mtu\":20}]}") << "68..65535";
        QTest::newRow("tap mac multicast") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\",\"mac\":\"01:00:5e:00:00:01\"}]}") << "multicast";
        QTest::newRow("dup tap") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"},{\"ifname\":\"loomt\"}]}") << "declared twice";
        QTest::newRow("bridge enslaves eth0") << QByteArray("{\"bridges\":[{\"ifname\":\"loombr\",\"ports\":[\"eth0\"]}]}") << "start with 'loom'";
        QTest::newRow("bridge enslaves unknown") << QByteArray("{\"bridges\":[{\"ifname\":\"loombr\",\"ports\":[\"loomzz\"]}]}") << "created by this network";
        QTest::newRow("address on lo") << QByteArray("{\"addresses\":[{\"ifname\":\"lo\",\"cidr\":\"10.0.0.1/8\"}]}") << "start with 'loom'";
        QTest::newRow("address bad cidr") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"}],\"addresses\":[{\"ifname\":\"loomt\",\"cidr\":\"10.0.2.1/33\"}]}") << "prefix";
        QTest::newRow("link on eth0") << QByteArray("{\"links\":[{\"ifname\":\"eth0\",\"up\":false}]}") << "start with 'loom'";
        QTest::newRow("nat uplink +") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"}],\"nat\":[{\"ifname\":\"loomt\",\"subnet\":\"10.0.2.0/24\",\"uplinks\":[\"+\"]}]}") << "prefix before '+'";
        QTest::newRow("nat uplink inject") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"}],\"nat\":[{\"ifname\":\"loomt\",\"subnet\":\"10.0.2.0/24\",\"uplinks\":[\"eth\\\" accept\"]}]}") << "uplink";
        QTest::newRow("nat mode") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"}],\"nat\":[{\"ifname\":\"loomt\",\"subnet\":\"10.0.2.0/24\",\"mode\":\"drop\",\"uplinks\":[\"eth0\"]}]}") << "'masquerade' or 'route'";
        QTest::newRow("nat host bits") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"}],\"nat\":[{\"ifname\":\"loomt\",\"subnet\":\"10.0.2.1/24\",\"uplinks\":[\"eth0\"]}]}") << "network address";
        QTest::newRow("dnsmasq no address") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"}],\"dnsmasq\":[{\"ifname\":\"loomt\",\"address\":\"10.0.2.1\",\"rangeStart\":\"10.0.2.10\",\"rangeEnd\":\"10.0.2.20\"}]}") << "needs the address";
        QTest::newRow("dnsmasq range outside") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"}],\"addresses\":[{\"ifname\":\"loomt\",\"cidr\":\"10.0.2.1/24\"}],\"dnsmasq\":[{\"ifname\":\"loomt\",\"address\":\"10.0.2.1\",\"rangeStart\":\"10.0.2.10\",\"rangeEnd\":\"10.0.3.20\"}]}") << "DHCP range";
        QTest::newRow("dnsmasq domain newline") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"}],\"addresses\":[{\"ifname\":\"loomt\",\"cidr\":\"10.0.2.1/24\"}],\"dnsmasq\":[{\"ifname\":\"loomt\",\"address\":\"10.0.2.1\",\"rangeStart\":\"10.0.2.10\",\"rangeEnd\":\"10.0.2.20\",\"domain\":\"x\\nconf-file=/etc/shadow\"}]}") << "domain";
        QTest::newRow("dnsmasq host name") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"}],\"addresses\":[{\"ifname\":\"loomt\",\"cidr\":\"10.0.2.1/24\"}],\"dnsmasq\":[{\"ifname\":\"loomt\",\"address\":\"10.0.2.1\",\"rangeStart\":\"10.0.2.10\",\"rangeEnd\":\"10.0.2.20\",\"hosts\":[{\"mac\":\"52:54:00:00:00:01\",\"ip\":\"10.0.2.5\",\"hostname\":\"a,b\"}]}]}") << "host name";
        QTest::newRow("lease too short") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"}],\"addresses\":[{\"ifname\":\"loomt\",\"cidr\":\"10.0.2.1/24\"}],\"dnsmasq\":[{\"ifname\":\"loomt\",\"address\":\"10.0.2.1\",\"rangeStart\":\"10.0.2.10\",\"rangeEnd\":\"10.0.2.20\",\"leaseSeconds\":5}]}") << "leaseSeconds";
        QTest::newRow("vxlan vni") << QByteArray("{\"vxlans\":[{\"ifname\":\"loomvx\",\"vni\":0,\"remote\":\"192.0.2.1\"}]}") << "vni";
        QTest::newRow("vxlan both") << QByteArray("{\"vxlans\":[{\"ifname\":\"loomvx\",\"vni\":5,\"remote\":\"192.0.2.1\",\"group\":\"239.1.1.1\",\"device\":\"eth0\"}]}") << "exactly one";
        QTest::newRow("uplink loom") << QByteArray("{\"bridges\":[{\"ifname\":\"loombr\"}],\"uplinks\":[{\"ifname\":\"loomx\",\"bridge\":\"loombr\"}]}") << "own interfaces";
        QTest::newRow("uplink lo") << QByteArray("{\"bridges\":[{\"ifname\":\"loombr\"}],\"uplinks\":[{\"ifname\":\"lo\",\"bridge\":\"loombr\"}]}") << "loopback";
        QTest::newRow("uplink foreign bridge") << QByteArray("{\"uplinks\":[{\"ifname\":\"eth0\",\"bridge\":\"br0\"}]}") << "bridge of this network";
        QTest::newRow("vlan 0") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"}],\"bridges\":[{\"ifname\":\"loombr\",\"vlanFiltering\":true,\"ports\":[\"loomt\"],\"vlans\":[{\"ifname\":\"loomt\",\"vlans\":[{\"vid\":0}]}]}]}") << "1..4094";
        QTest::newRow("vlan 4095") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"}],\"bridges\":[{\"ifname\":\"loombr\",\"vlanFiltering\":true,\"ports\":[\"loomt\"],\"vlans\":[{\"ifname\":\"loomt\",\"vlans\":[{\"vid\":4095,\"pvid\":true}]}]}]}") << "1..4094";
        QTest::newRow("vlan fraction") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"}],\"bridges\":[{\"ifname\":\"loombr\",\"vlanFiltering\":true,\"ports\":[\"loomt\"],\"vlans\":[{\"ifname\":\"loomt\",\"vlans\":[{\"vid\":10.5}]}]}]}") << "1..4094";
        QTest::newRow("vlan string") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"}],\"bridges\":[{\"ifname\":\"loombr\",\"vlanFiltering\":true,\"ports\":[\"loomt\"],\"vlans\":[{\"ifname\":\"loomt\",\"vlans\":[{\"vid\":\"10\"}]}]}]}") << "1..4094";
        QTest::newRow("vlan unknown key") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"}],\"bridges\":[{\"ifname\":\"loombr\",\"vlanFiltering\":true,\"ports\":[\"loomt\"],\"vlans\":[{\"ifname\":\"loomt\",\"vlans\":[{\"vid\":10,\"self\":true}]}]}]}") << "unknown field";
        QTest::newRow("vlan flag type") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"}],\"bridges\":[{\"ifname\":\"loombr\",\"vlanFiltering\":true,\"ports\":[\"loomt\"],\"vlans\":[{\"ifname\":\"loomt\",\"vlans\":[{\"vid\":10,\"pvid\":1}]}]}]}") << "must be a boolean";
        QTest::newRow("vlan twice") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"}],\"bridges\":[{\"ifname\":\"loombr\",\"vlanFiltering\":true,\"ports\":[\"loomt\"],\"vlans\":[{\"ifname\":\"loomt\",\"vlans\":[{\"vid\":10},{\"vid\":10}]}]}]}") << "listed twice";
        QTest::newRow("vlan order") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"}],\"bridges\":[{\"ifname\":\"loombr\",\"vlanFiltering\":true,\"ports\":[\"loomt\"],\"vlans\":[{\"ifname\":\"loomt\",\"vlans\":[{\"vid\":20},{\"vid\":10}]}]}]}") << "out of order";
        QTest::newRow("vlan two pvids") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"}],\"bridges\":[{\"ifname\":\"loombr\",\"vlanFiltering\":true,\"ports\":[\"loomt\"],\"vlans\":[{\"ifname\":\"loomt\",\"vlans\":[{\"vid\":10,\"pvid\":true},{\"vid\":20,\"pvid\":true}]}]}]}") << "more than one PVID";
        QTest::newRow("vlan empty") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"}],\"bridges\":[{\"ifname\":\"loombr\",\"vlanFiltering\":true,\"ports\":[\"loomt\"],\"vlans\":[{\"ifname\":\"loomt\",\"vlans\":[]}]}]}") << "empty";
        QTest::newRow("vlan not a port") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"}],\"bridges\":[{\"ifname\":\"loombr\",\"vlanFiltering\":true,\"ports\":[\"loomt\"],\"vlans\":[{\"ifname\":\"loomzz\",\"vlans\":[{\"vid\":10}]}]}]}") << "not a port";
        QTest::newRow("vlan foreign") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"}],\"bridges\":[{\"ifname\":\"loombr\",\"vlanFiltering\":true,\"ports\":[\"loomt\"],\"vlans\":[{\"ifname\":\"eth0\",\"vlans\":[{\"vid\":10}]}]}]}") << "not a port";
        QTest::newRow("vlans without filtering") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"}],\"bridges\":[{\"ifname\":\"loombr\",\"ports\":[\"loomt\"],\"vlans\":[{\"ifname\":\"loomt\",\"vlans\":[{\"vid\":10}]}]}]}") << "need vlanFiltering";
    }
    void impairmentsRoundTrip()
    {
        HostState s;
        s.taps = {TapSpec{QStringLiteral("loomt1"), 0, {}, false}, TapSpec{QStringLiteral("loomt2"), 0, {}, false}};
        s.bridges = {BridgeSpec{QStringLiteral("loombr"), 0, false, false, {QStringLiteral("loomt1"), QStringLiteral("loomt2")}}};
        ImpairmentSpec a{QStringLiteral("loomt1"), *parseImpairmentSpec(QStringLiteral("delay=50ms,jitter=5ms,gemodel=1%/25%")),
                         Impairment{}, {}};
        ImpairmentSpec b{QStringLiteral("loomt2"), Impairment{}, *parseImpairmentSpec(QStringLiteral("delay=20ms,rate=10mbit")),
                         QStringLiteral("loomifb2")};
        s.impairments = {a, b};
        auto back = hostStateFromJson(toJson(s));
        QVERIFY2(back, back ? "" : qPrintable(back.error().message));
        QCOMPARE(*back, s);
        QVERIFY(createdIfnames(s).contains(QStringLiteral("loomifb2")));
        QCOMPARE(ifbIfnames(s), QStringList{QStringLiteral("loomifb2")});
    }
    void badImpairments_data()
    {
        QTest::addColumn<QByteArray>("stateJson");
        QTest::addColumn<QString>("mentions");
        const QByteArray own = "\"taps\":[{\"ifname\":\"loomt\"}],\"bridges\":[{\"ifname\":\"loombr\",\"ports\":[\"loomt\"]}],";
        QTest::newRow("foreign ifname") << QByteArray("{" + own + "\"impairments\":[{\"ifname\":\"eth0\",\"egress\":{\"delayMs\":5}}]}") << "start with 'loom'";
        QTest::newRow("lo ifname") << QByteArray("{" + own + "\"impairments\":[{\"ifname\":\"lo\",\"egress\":{\"delayMs\":5}}]}") << "start with 'loom'";
        QTest::newRow("loom not ours") << QByteArray("{" + own + "\"impairments\":[{\"ifname\":\"loomother\",\"egress\":{\"delayMs\":5}}]}") << "created by this network";
        QTest::newRow("ifname is the ifb") << QByteArray("{" + own + "\"impairments\":[{\"ifname\":\"loomt\",\"ingress\":{\"delayMs\":5},\"ifb\":\"loomifb\"},{\"ifname\":\"loomifb\",\"egress\":{\"delayMs\":5}}]}") << "created by this network";
        QTest::newRow("ifname missing") << QByteArray("{" + own + "\"impairments\":[{\"egress\":{\"delayMs\":5}}]}") << "ifname";
        QTest::newRow("twice") << QByteArray("{" + own + "\"impairments\":[{\"ifname\":\"loomt\",\"egress\":{\"delayMs\":5}},{\"ifname\":\"loomt\",\"egress\":{\"delayMs\":6}}]}") << "more than one impairment";
        QTest::newRow("ingress without ifb") << QByteArray("{" + own + "\"impairments\":[{\"ifname\":\"loomt\",\"ingress\":{\"delayMs\":5}}]}") << "needs its IFB";
        QTest::newRow("ifb without ingress") << QByteArray("{" + own + "\"impairments\":[{\"ifname\":\"loomt\",\"egress\":{\"delayMs\":5},\"ifb\":\"loomifb\"}]}") << "must be empty";
        QTest::newRow("ifb foreign") << QByteArray("{" + own + "\"impairments\":[{\"ifname\":\"loomt\",\"ingress\":{\"delayMs\":5},\"ifb\":\"ifb0\"}]}") << "start with 'loom'";
        QTest::newRow("ifb is a tap") << QByteArray("{" + own + "\"impairments\":[{\"ifname\":\"loombr\",\"ingress\":{\"delayMs\":5},\"ifb\":\"loomt\"}]}") << "declared twice";
        QTest::newRow("ifb shared") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"},{\"ifname\":\"loomu\"}],\"impairments\":[{\"ifname\":\"loomt\",\"ingress\":{\"delayMs\":5},\"ifb\":\"loomifb\"},{\"ifname\":\"loomu\",\"ingress\":{\"delayMs\":5},\"ifb\":\"loomifb\"}]}") << "declared twice";
        QTest::newRow("ifb as bridge port") << QByteArray("{\"taps\":[{\"ifname\":\"loomt\"}],\"bridges\":[{\"ifname\":\"loombr\",\"ports\":[\"loomifb\"]}],\"impairments\":[{\"ifname\":\"loomt\",\"ingress\":{\"delayMs\":5},\"ifb\":\"loomifb\"}]}") << "created by this network";
        QTest::newRow("both none") << QByteArray("{" + own + "\"impairments\":[{\"ifname\":\"loomt\"}]}") << "both directions";
        QTest::newRow("delay absurd") << QByteArray("{" + own + "\"impairments\":[{\"ifname\":\"loomt\",\"egress\":{\"delayMs\":99999999}}]}") << "delay";
        QTest::newRow("delay negative") << QByteArray("{" + own + "\"impairments\":[{\"ifname\":\"loomt\",\"egress\":{\"delayMs\":-1}}]}") << "delay";
        QTest::newRow("loss 150%") << QByteArray("{" + own + "\"impairments\":[{\"ifname\":\"loomt\",\"egress\":{\"lossPercent\":150}}]}") << "loss";
        QTest::newRow("rate zero") << QByteArray("{" + own + "\"impairments\":[{\"ifname\":\"loomt\",\"egress\":{\"rateBitsPerSecond\":1}}]}") << "rate";
        QTest::newRow("unknown member") << QByteArray("{" + own + "\"impairments\":[{\"ifname\":\"loomt\",\"egress\":{\"delayMs\":5,\"sleep\":1}}]}") << "sleep";
        QTest::newRow("unknown key") << QByteArray("{" + own + "\"impairments\":[{\"ifname\":\"loomt\",\"egress\":{\"delayMs\":5},\"qdisc\":\"pfifo\"}]}") << "unknown field";
        QTest::newRow("egress not object") << QByteArray("{" + own + "\"impairments\":[{\"ifname\":\"loomt\",\"egress\":\"delay=5ms\"}]}") << "must be an object";
        QTest::newRow("not a list") << QByteArray("{" + own + "\"impairments\":{}}") << "must be a list";
    }
    void badImpairments()
    {
        QFETCH(QByteArray, stateJson);
        QFETCH(QString, mentions);
        const QJsonDocument doc = QJsonDocument::fromJson(stateJson);
        QVERIFY2(doc.isObject(), stateJson.constData());
        auto r = hostStateFromJson(doc.object());
        QVERIFY2(!r, stateJson.constData());
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(r.error().message.contains(mentions, Qt::CaseInsensitive), qPrintable(r.error().message));
    }
    void impairmentCountIsBounded()
    {
        QJsonArray taps, imps;
        for (int i = 0; i < HostStateLimits::kMaxListItems + 1; ++i) {
            taps.append(QJsonObject{{QStringLiteral("ifname"), QStringLiteral("loomt%1").arg(i)}});
            imps.append(QJsonObject{{QStringLiteral("ifname"), QStringLiteral("loomt%1").arg(i)},
                                    {QStringLiteral("egress"), QJsonObject{{QStringLiteral("delayMs"), 1}}}});
        }
        auto r = hostStateFromJson(QJsonObject{{QStringLiteral("impairments"), imps}});
        QVERIFY(!r);
        QVERIFY2(r.error().message.contains(QStringLiteral("limit of 64")), qPrintable(r.error().message));
        // 33 ingress impairments need 33 IFBs: with their 33 taps that is over the interface limit.
        taps = {};
        imps = {};
        for (int i = 0; i < 33; ++i) {
            taps.append(QJsonObject{{QStringLiteral("ifname"), QStringLiteral("loomt%1").arg(i)}});
            imps.append(QJsonObject{{QStringLiteral("ifname"), QStringLiteral("loomt%1").arg(i)},
                                    {QStringLiteral("ingress"), QJsonObject{{QStringLiteral("delayMs"), 1}}},
                                    {QStringLiteral("ifb"), QStringLiteral("loomi%1").arg(i)}});
        }
        auto many = hostStateFromJson(QJsonObject{{QStringLiteral("taps"), taps}, {QStringLiteral("impairments"), imps}});
        QVERIFY(!many);
        QVERIFY2(many.error().message.contains(QStringLiteral("limit of 64")), qPrintable(many.error().message));
    }
    void badStates()
    {
        QFETCH(QByteArray, stateJson);
        QFETCH(QString, mentions);
        const QJsonObject state = QJsonDocument::fromJson(stateJson).object();
        qint64 id = 0;
        auto r = decodeRequest(applyPayload(state), &id);
        QVERIFY2(!r, stateJson.constData());
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(r.error().message.contains(mentions, Qt::CaseInsensitive), qPrintable(r.error().message));
        QCOMPARE(id, 7);
    }
    // 802.1Q entries of bridge ports (bridgevlan.h): round trip, runs, gaps, the entry bound.
    void bridgeVlans()
    {
        HostState s;
        s.taps = {TapSpec{QStringLiteral("loomt1"), 0, {}, false}, TapSpec{QStringLiteral("loomt2"), 0, {}, false}};
        BridgeSpec b{QStringLiteral("loombr"), 0, false, true, {QStringLiteral("loomt1"), QStringLiteral("loomt2")}, {}};
        QList<BridgeVlan> trunk{BridgeVlan{5, true, true}};
        for (int v = 10; v <= 4094; ++v)
            trunk.append(BridgeVlan{std::uint16_t(v), false, false});
        b.vlans = {PortVlanSpec{QStringLiteral("loomt1"), {BridgeVlan{10, true, true}}},
                   PortVlanSpec{QStringLiteral("loomt2"), trunk},
                   PortVlanSpec{QStringLiteral("loombr"), {BridgeVlan{1, true, true}}}};
        s.bridges = {b};
        auto back = hostStateFromJson(toJson(s));
        QVERIFY2(back, back ? "" : qPrintable(back.error().message));
        QCOMPARE(*back, s);
        // A bridge without VLANs keeps its JSON form.
        HostState plain;
        plain.bridges = {BridgeSpec{QStringLiteral("loombr"), 0, false, false, {}}};
        QVERIFY(!toJson(plain).value(QStringLiteral("bridges")).toArray()[0].toObject().contains(QStringLiteral("vlans")));

        using Runs = QList<VlanRun>;
        QCOMPARE(vlanRuns(trunk), (Runs{VlanRun{5, 5, true, true}, VlanRun{10, 4094, false, false}}));
        QCOMPARE(vlanGaps(trunk), (Runs{VlanRun{1, 4, false, false}, VlanRun{6, 9, false, false}}));
        QCOMPARE(vlanGaps({}), (Runs{VlanRun{1, 4094, false, false}}));
        const QList<BridgeVlan> ends{BridgeVlan{1, true, true}, BridgeVlan{4094, false, false}};
        QCOMPARE(vlanGaps(ends), (Runs{VlanRun{2, 4093, false, false}}));
        QCOMPARE(describeVlans(trunk), QStringLiteral("5pu 10-4094"));
        const QList<BridgeVlan> mixed{BridgeVlan{1, false, true}, BridgeVlan{2, false, true}, BridgeVlan{3, false, false}};
        QCOMPARE(describeVlans(mixed), QStringLiteral("1-2u 3"));

        // More than kMaxVlanEntries in one state is refused.
        for (int i = 3; i <= 6; ++i) {
            s.taps.append(TapSpec{QStringLiteral("loomt%1").arg(i), 0, {}, false});
            s.bridges[0].ports.append(QStringLiteral("loomt%1").arg(i));
            s.bridges[0].vlans.append(PortVlanSpec{QStringLiteral("loomt%1").arg(i), trunk});
        }
        auto big = hostStateFromJson(toJson(s));
        QVERIFY(!big);
        QVERIFY2(big.error().message.contains(QStringLiteral("more than 16384 VLAN entries")), qPrintable(big.error().message));
    }
    void listLimits()
    {
        QJsonArray taps;
        for (int i = 0; i < HostStateLimits::kMaxListItems + 1; ++i)
            taps.append(QJsonObject{{QStringLiteral("ifname"), QStringLiteral("loomt%1").arg(i)}});
        auto r = hostStateFromJson(QJsonObject{{QStringLiteral("taps"), taps}});
        QVERIFY(!r);
        QVERIFY2(r.error().message.contains(QStringLiteral("limit of 64")), qPrintable(r.error().message));
        auto longString = hostStateFromJson(QJsonObject{
            {QStringLiteral("taps"), QJsonArray{QJsonObject{{QStringLiteral("ifname"), QString(300, u'l')}}}}});
        QVERIFY(!longString);
        QVERIFY(longString.error().message.contains(QStringLiteral("longer than 256")));
    }
    void names()
    {
        QVERIFY(validateOwnIfname(QStringLiteral("loomtap0")));
        QVERIFY(!validateOwnIfname(QStringLiteral("loom$x")));
        QVERIFY(validateUplinkMatch(QStringLiteral("eth+")));
        QVERIFY(!validateUplinkMatch(QStringLiteral("e*th")));
        QVERIFY(validateNetworkId(QStringLiteral("lab-1_a")));
        QVERIFY(!validateNetworkId(QStringLiteral("-lab")));
        QVERIFY(!validateNetworkId(QStringLiteral("Lab")));
        QVERIFY(validateDomain(QStringLiteral("lab.example")));
        QVERIFY(!validateDomain(QStringLiteral("lab..example")));
    }
    void responseRoundTrip()
    {
        Response ok{3, true, QJsonObject{{QStringLiteral("x"), 1}}, {}};
        auto r = decodeResponse(QJsonDocument(encodeResponse(ok)).toJson());
        QVERIFY(r && r->ok && r->id == 3 && r->result.value(QStringLiteral("x")).toInt() == 1);
        Response err{-1, false, {}, Error{ErrorCode::LimitExceeded, QStringLiteral("failed to x 'y': z")}};
        auto e = decodeResponse(QJsonDocument(encodeResponse(err)).toJson());
        QVERIFY(e && !e->ok && e->id == -1 && e->error.code == ErrorCode::LimitExceeded);
    }
};

QTEST_GUILESS_MAIN(TestHelperProtocol)
#include "test_helperprotocol.moc"
