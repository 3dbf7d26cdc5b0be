// SPDX-License-Identifier: GPL-3.0-or-later
// IPv6 on a gateway, for real: the netloom-helper in a test namespace ("host") applies a
// kernel bridge with 10.0.6.1/24 and fd42:6::1/64 — dnsmasq with router advertisements
// (SLAAC) and a stateful DHCPv6 range — and NAT66 towards the uplink "up0", a veth into an
// "outside" namespace. Two guest namespaces sit on the bridge (the helper's veth cables,
// far ends moved in). Checked: both guests get SLAAC addresses and a default route from the
// RAs; guest 1 gets a DHCPv6 address (tests/helper/dhcp6client.py: busybox has no udhcpc6)
// that dnsmasq's lease file records and core/leases ties to its MAC (DUID-LL) and host
// name; the guests ping each other and the gateway over IPv6; guest 2 reaches the outside
// namespace, which sees the uplink's address as the source (NAT66); teardown leaves the
// host namespace exactly as before (links, addresses, nft ruleset, both forwarding values).
#include "common/netns.h"
#include "common/testutil.h"
#include "helperclient/helperclient.h"
#include "helpercalls.h"
#include "helperfixture.h"
#include "leases/dnsmasqleasefile.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace netloom;
using namespace netloom::helper::test;
using namespace netloom::protocol;
using netloom::test::ScopedNetns;

namespace {

const char kMac1[] = "52:54:00:66:00:01";
const char kMac2[] = "52:54:00:66:00:02";

HostState dualStackBridge()
{
    HostState s;
    const QString br = QStringLiteral("loomb6");
    s.bridges = {BridgeSpec{br, 0, false, false, {QStringLiteral("loom6a"), QStringLiteral("loom6c")}}};
    s.veths = {VethSpec{QStringLiteral("loom6a"), QStringLiteral("loom6b")}, VethSpec{QStringLiteral("loom6c"), QStringLiteral("loom6d")}};
    for (const QString &n : {br, QStringLiteral("loom6a"), QStringLiteral("loom6c")})
        s.links.append(LinkSpec{n, true, 0, {}});
    s.addresses = {AddressSpec{br, QStringLiteral("10.0.6.1/24")}, AddressSpec{br, QStringLiteral("fd42:6::1/64")}};
    s.ipv6Forwarding = true;
    s.nat6 = {NatSpec{br, QStringLiteral("fd42:6::/64"), NatSpec::Mode::Masquerade, {QStringLiteral("up+")}, {}}};
    DnsmasqSpec d;
    d.ifname = br;
    d.address = QStringLiteral("10.0.6.1");
    d.dhcp = false;
    d.dns = false;
    d.address6 = QStringLiteral("fd42:6::1");
    d.prefixLength6 = 64;
    d.ra = true;
    d.dhcp6 = true;
    d.rangeStart6 = QStringLiteral("fd42:6::100");
    d.rangeEnd6 = QStringLiteral("fd42:6::1ff");
    d.leaseSeconds6 = 3600;
    s.dnsmasq = {d};
    return s;
}

QString sh(const ScopedNetns &ns, const QString &script)
{
    const auto r = ns.sh(script);
    return r.exitCode == 0 ? QString::fromUtf8(r.out) : QString();
}

// The global SLAAC address (fd42:6::/64, "dynamic") on `dev`, or "".
QString slaacAddress(const ScopedNetns &ns, const QString &dev)
{
    static const QRegularExpression re(QStringLiteral("inet6 (fd42:6::[0-9a-f:]+)/64 scope global dynamic"));
    const auto m = re.match(sh(ns, QStringLiteral("ip -6 addr show dev %1").arg(dev)));
    return m.hasMatch() ? m.captured(1) : QString();
}

bool ping6(const ScopedNetns &ns, const QString &ip)
{
    const auto r = ns.sh(QStringLiteral("busybox ping -6 -c 2 -W 2 -i 0.2 %1").arg(ip), 10000);
    return r.exitCode == 0 && r.out.contains(" 0% packet loss");
}

}  // namespace

class TestHelperIpv6Netns : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        netloom::test::requireRoot();
        for (const char *tool : {"ip", "nft", "dnsmasq", "busybox", "python3"})
            netloom::test::requireTool(QString::fromLatin1(tool));
    }

    void slaacDhcpv6AndNat66()
    {
        ScopedNetns host(QStringLiteral("h6"));
        ScopedNetns outside(QStringLiteral("h6o"));
        ScopedNetns g1(QStringLiteral("h6g1"));
        ScopedNetns g2(QStringLiteral("h6g2"));
        QVERIFY2(host.ok() && outside.ok() && g1.ok() && g2.ok(), qPrintable(host.error() + outside.error() + g1.error() + g2.error()));
        // The uplink: up0 (host) <-> out0 (outside), static addresses, a static default route.
        const auto up = host.sh(QStringLiteral(
            "sysctl -qw net.ipv6.conf.default.accept_dad=0 && ip link add up0 type veth peer name out0 netns %1 && ip addr add 2001:db8:99::1/64 dev up0 nodad && ip link set up0 up"
            " && ip -6 route add default via 2001:db8:99::2 dev up0")
                                    .arg(outside.name()));
        QVERIFY2(up.exitCode == 0, qPrintable(up.describe()));
        const auto out = outside.sh(QStringLiteral("ip addr add 2001:db8:99::2/64 dev out0 nodad && ip link set out0 up"));
        QVERIFY2(out.exitCode == 0, qPrintable(out.describe()));
        // Guests: no DAD (their link-local addresses are usable at once), RAs accepted.
        for (const ScopedNetns *g : {&g1, &g2})
            QCOMPARE(g->sh(QStringLiteral("sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.default.accept_ra=1")).exitCode, 0);

        QTemporaryDir dir;
        HelperProcess helper(host, dir.path());
        QVERIFY2(helper.start(), qPrintable(helper.log()));
        const QString before = snapshot(host, helper.stateDir(), helper.pid());
        HelperClient client;
        VERIFY_OK(client.connectAndWait(helper.socketPath()));
        auto applied = applyNow(client, QStringLiteral("six"), dualStackBridge());
        VERIFY_OK(applied);
        const QString leaseFile =
            applied->value(QStringLiteral("dnsmasq")).toArray().first().toObject().value(QStringLiteral("leaseFile")).toString();
        QCOMPARE(sh(host, QStringLiteral("cat /proc/sys/net/ipv6/conf/all/forwarding")).trimmed(), QStringLiteral("1"));
        const QString nft = sh(host, QStringLiteral("nft list table ip6 netloom"));
        QVERIFY2(nft.contains(QStringLiteral("ip6 saddr fd42:6::/64 ip6 daddr != fd42:6::/64 oifname \"up*\" masquerade")), qPrintable(nft));

        for (const auto &[g, end, mac] : {std::tuple{&g1, "loom6b", kMac1}, std::tuple{&g2, "loom6d", kMac2}}) {
            QCOMPARE(host.exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("set"), QLatin1String(end),
                                QStringLiteral("netns"), g->name()}).exitCode, 0);
            const auto r = g->sh(QStringLiteral("ip link set %1 address %2 up").arg(QLatin1String(end), QLatin1String(mac)));
            QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        }
        // SLAAC from dnsmasq's router advertisements, and the default route they carry.
        QString a1, a2;
        QVERIFY2(waitFor([&] {
                     a1 = slaacAddress(g1, QStringLiteral("loom6b"));
                     a2 = slaacAddress(g2, QStringLiteral("loom6d"));
                     return !a1.isEmpty() && !a2.isEmpty();
                 }, 20000),
                 qPrintable(sh(g1, QStringLiteral("ip -6 addr")) + helper.log()));
        QVERIFY2(waitFor([&] { return sh(g2, QStringLiteral("ip -6 route show default")).contains(QStringLiteral("dev loom6d proto ra")); }, 10000),
                 qPrintable(sh(g2, QStringLiteral("ip -6 route"))));
        // The gateway ignores its own RAs (accept_ra=0 on the bridge; forwarding alone would
        // not do when the network has no NAT66): no SLAAC address of its own on the bridge.
        QCOMPARE(sh(host, QStringLiteral("cat /proc/sys/net/ipv6/conf/loomb6/accept_ra")).trimmed(), QStringLiteral("0"));
        QVERIFY2(!sh(host, QStringLiteral("ip -6 addr show dev loomb6")).contains(QStringLiteral("dynamic")),
                 qPrintable(sh(host, QStringLiteral("ip -6 addr show dev loomb6"))));
        // Stateful DHCPv6 for guest 1 (asked explicitly).
        const auto dhcp = g1.exec({QStringLiteral("python3"), netloom::test::sourcePath(QStringLiteral("tests/helper/dhcp6client.py")),
                                   QStringLiteral("loom6b"), QStringLiteral("g1"), QStringLiteral("8")}, 20000);
        QVERIFY2(dhcp.exitCode == 0, qPrintable(dhcp.describe() + helper.log()));
        const QString d1 = QString::fromUtf8(dhcp.out).trimmed();
        auto leased = Ipv6::parse(d1);
        QVERIFY2(leased, qPrintable(d1));
        QVERIFY2(*Ipv6::parse(QStringLiteral("fd42:6::100")) <= *leased && *leased <= *Ipv6::parse(QStringLiteral("fd42:6::1ff")), qPrintable(d1));
        QCOMPARE(g1.exec({QStringLiteral("ip"), QStringLiteral("-6"), QStringLiteral("addr"), QStringLiteral("add"), d1 + QStringLiteral("/128"),
                          QStringLiteral("dev"), QStringLiteral("loom6b"), QStringLiteral("nodad")}).exitCode, 0);

        // The lease file records it; core/leases ties it to guest 1's MAC and host name.
        QVERIFY2(waitFor([&] { return netloom::test::readFile(leaseFile).contains(d1.toLatin1()); }, 5000),
                 netloom::test::readFile(leaseFile).constData());
        auto parsed = leases::parseDnsmasqLeaseFile(netloom::test::readFile(leaseFile), leaseFile);
        VERIFY_OK(parsed);
        bool found = false;
        for (const leases::FileLease6 &l : parsed->leases6)
            if (l.ip.toString() == d1) {
                found = true;
                QVERIFY(l.mac.has_value());
                QCOMPARE(l.mac->toString(), QString::fromLatin1(kMac1));
                QCOMPARE(l.hostname, QStringLiteral("g1"));
            }
        QVERIFY2(found, netloom::test::readFile(leaseFile).constData());

        // Over IPv6: guest <-> guest (SLAAC and DHCPv6 addresses), guests -> gateway.
        QVERIFY2(ping6(g1, a2), "guest 1 cannot ping guest 2");
        QVERIFY2(ping6(g2, a1), "guest 2 cannot ping guest 1's SLAAC address");
        QVERIFY2(ping6(g2, d1), "guest 2 cannot ping guest 1's DHCPv6 address");
        QVERIFY2(ping6(g1, QStringLiteral("fd42:6::1")), "guest 1 cannot ping the gateway");
        QVERIFY2(ping6(g2, QStringLiteral("fd42:6::1")), "guest 2 cannot ping the gateway");
        // NAT66: guest 2 reaches the outside, which sees the uplink's address as the source.
        QVERIFY2(ping6(g2, QStringLiteral("2001:db8:99::2")), qPrintable(sh(host, QStringLiteral("nft list ruleset"))));
        QProcess server;
        server.start(outside.prefix().first(), outside.prefix().mid(1) + QStringList{QStringLiteral("python3"), QStringLiteral("-c"),
                     QStringLiteral("import socket\ns=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)\ns.bind(('2001:db8:99::2', 7007))\n"
                                    "s.settimeout(10)\nprint('ready', flush=True)\nd, a = s.recvfrom(100)\nprint(a[0], d.decode(), flush=True)\n")});
        QVERIFY(server.waitForReadyRead(5000));
        QCOMPARE(server.readLine().trimmed(), QByteArray("ready"));
        const auto sent = g2.exec({QStringLiteral("python3"), QStringLiteral("-c"),
                                   QStringLiteral("import socket\ns=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)\n"
                                                  "s.sendto(b'hello6', ('2001:db8:99::2', 7007))\n")});
        QVERIFY2(sent.exitCode == 0, qPrintable(sent.describe()));
        QVERIFY(server.waitForFinished(10000));
        QCOMPARE(server.readAll().trimmed(), QByteArray("2001:db8:99::1 hello6"));

        // Teardown: the host namespace is exactly as before (forwarding values included).
        VERIFY_OK(teardownNow(client, QStringLiteral("six")));
        const QString after = snapshot(host, helper.stateDir(), helper.pid());
        if (after != before)
            qWarning().noquote() << "before:\n" << before << "\nafter:\n" << after;
        QCOMPARE(after, before);
        QCOMPARE(sh(host, QStringLiteral("cat /proc/sys/net/ipv6/conf/all/forwarding")).trimmed(), QStringLiteral("0"));
        helper.stop();
    }

    void raUplinkIsRefused()
    {
        // An uplink whose default route comes from an RA with accept_ra=1: enabling IPv6
        // forwarding would drop it, so the apply is refused and rolled back completely.
        ScopedNetns host(QStringLiteral("h6r"));
        ScopedNetns router(QStringLiteral("h6rr"));
        QVERIFY2(host.ok() && router.ok(), qPrintable(host.error() + router.error()));
        const auto up = host.sh(QStringLiteral("sysctl -qw net.ipv6.conf.default.accept_dad=0 && ip link add up0 type veth peer name rt0 netns %1"
                                               " && sysctl -qw net.ipv6.conf.up0.accept_ra=1 && ip link set up0 up")
                                    .arg(router.name()));
        QVERIFY2(up.exitCode == 0, qPrintable(up.describe()));
        // A one-shot RA from the "router" namespace: dnsmasq with enable-ra on rt0.
        const auto rt = router.sh(QStringLiteral("sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.conf.default.accept_dad=0"
                                                 " && ip link set rt0 up && ip addr add 2001:db8:98::1/64 dev rt0 nodad"));
        QVERIFY2(rt.exitCode == 0, qPrintable(rt.describe()));
        QTemporaryDir rdir;
        QProcess ra;
        ra.start(router.prefix().first(), router.prefix().mid(1) + QStringList{
                     QStringLiteral("dnsmasq"), QStringLiteral("--keep-in-foreground"), QStringLiteral("--port=0"), QStringLiteral("--interface=rt0"),
                     QStringLiteral("--bind-interfaces"), QStringLiteral("--enable-ra"), QStringLiteral("--dhcp-range=2001:db8:98::,ra-only,64"),
                     QStringLiteral("--pid-file=") + rdir.filePath(QStringLiteral("pid")), QStringLiteral("--user=root"),
                     QStringLiteral("--dhcp-leasefile=") + rdir.filePath(QStringLiteral("leases")), QStringLiteral("--conf-file=/dev/null")});
        QVERIFY(ra.waitForStarted(5000));
        QVERIFY2(waitFor([&] { return sh(host, QStringLiteral("ip -6 route show default")).contains(QStringLiteral("proto ra")); }, 20000),
                 qPrintable(sh(host, QStringLiteral("ip -6 route")) + QString::fromUtf8(ra.readAllStandardError())));

        QTemporaryDir dir;
        HelperProcess helper(host, dir.path());
        QVERIFY2(helper.start(), qPrintable(helper.log()));
        const QString before = snapshot(host, helper.stateDir(), helper.pid());
        HelperClient client;
        VERIFY_OK(client.connectAndWait(helper.socketPath()));
        auto refused = applyNow(client, QStringLiteral("six"), dualStackBridge());
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.contains(QStringLiteral("uplink up0 takes this host's IPv6 default route from router advertisements")),
                 qPrintable(refused.error().message));
        QVERIFY2(refused.error().message.contains(QStringLiteral("net.ipv6.conf.up0.accept_ra=2")), qPrintable(refused.error().message));
        QCOMPARE(snapshot(host, helper.stateDir(), helper.pid()), before);
        // With accept_ra=2 the same apply goes through.
        QCOMPARE(host.sh(QStringLiteral("sysctl -qw net.ipv6.conf.up0.accept_ra=2")).exitCode, 0);
        VERIFY_OK(applyNow(client, QStringLiteral("six"), dualStackBridge()));
        VERIFY_OK(teardownNow(client, QStringLiteral("six")));
        helper.stop();
        ra.terminate();
        ra.waitForFinished(5000);
    }
};

QTEST_GUILESS_MAIN(TestHelperIpv6Netns)
#include "test_helper_ipv6_netns.moc"
