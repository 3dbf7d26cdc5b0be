// SPDX-License-Identifier: GPL-3.0-or-later
// Port forwards through the real netloom-helper in a test namespace (the "host"): a kernel
// bridge 10.0.2.1/24 with a veth cable whose far end sits in a "guest" namespace running a TCP
// service (a socket this test opens there), NAT to the uplink "fwup0", whose peer sits in an
// "outside" namespace (192.168.77.2). Checks, with sockets created inside the namespaces:
//  - the forwarded port reaches the guest from outside, and from the host itself (to the
//    uplink's address, to the gateway's address and to 127.0.0.1/127.0.0.2 — route_localnet
//    set on the gateway only, not on all/default/the uplink/lo);
//  - a forward on the gateway's address only clears route_localnet again and leaves loopback
//    alone; one on 127.0.0.1 takes loopback only;
//  - after the guest takes a new address and the state is applied with it (what the runtime
//    does when the lease changes), the forward follows;
//  - a forward to a host port some process listens on is refused naming it ("port 9090/tcp is
//    in use by <comm> (pid N)") and leaves the ruleset and the links exactly as they were;
//  - a forward of a port another network forwards is refused naming that network;
//  - teardown leaves the namespace as before.
// And the same for IPv6 (ipv6ForwardsReachTheGuestAndFollowIt): prefix fd42:2::/64 on the
// bridge, uplink fd77::1 <-> fd77::2, NAT66 + an IPv6 forward: reached from outside and from
// the host itself (to the uplink's and the gateway's addresses; [::1] is left alone and
// refused at once, not DNATed), following the guest to a new address, refused on a port in
// use (an IPv6 listener), the IPv4 and IPv6 forwards of one port coexisting, teardown clean.
#include "common/netns.h"
#include "common/testutil.h"
#include "helperclient/helperclient.h"
#include "helpercalls.h"
#include "helperfixture.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QTest>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace netloom;
using namespace netloom::helper::test;
using namespace netloom::protocol;
using netloom::test::addr;
using netloom::test::addr6;
using netloom::test::Fd;
using netloom::test::ScopedNetns;
using netloom::test::socketIn;

namespace {

bool waitFd(int fd, short events, int timeoutMs)
{
    pollfd p{fd, events, 0};
    return ::poll(&p, 1, timeoutMs) == 1 && (p.revents & events);
}

// The socket address of ip:port, IPv6 when `ip` has a ':'.
sockaddr_storage sockAddr(const char *ip, quint16 port, socklen_t *len)
{
    sockaddr_storage s{};
    if (std::strchr(ip, ':')) {
        const sockaddr_in6 a = addr6(ip, port);
        std::memcpy(&s, &a, sizeof a);
        *len = sizeof a;
    } else {
        const sockaddr_in a = addr(ip, port);
        std::memcpy(&s, &a, sizeof a);
        *len = sizeof a;
    }
    return s;
}

// A TCP listener inside `ns` on `ip`:`port` (0.0.0.0 by default; an IPv6 one is v6only);
// -1 on error.
int listenIn(const ScopedNetns &ns, quint16 port, const char *ip = "0.0.0.0")
{
    socklen_t len = 0;
    const sockaddr_storage a = sockAddr(ip, port, &len);
    const int l = socketIn(ns, SOCK_STREAM, a.ss_family);
    const int one = 1;
    if (l < 0 || ::setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0
        || (a.ss_family == AF_INET6 && ::setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0)
        || ::bind(l, reinterpret_cast<const sockaddr *>(&a), len) != 0 || ::listen(l, 8) != 0) {
        if (l >= 0)
            ::close(l);
        return -1;
    }
    return l;
}

// Connects from namespace `from` to ip:port (IPv4 or IPv6), where `listener` (the guest's
// service) must accept it; the service sends "hi", the client must read it. Returns the
// address the service saw the connection come from, or "" when it did not work (bounded by
// 3 s).
QString connectThrough(const ScopedNetns &from, const char *ip, quint16 port, int listener)
{
    socklen_t len = 0;
    const sockaddr_storage a = sockAddr(ip, port, &len);
    Fd c{socketIn(from, SOCK_STREAM, a.ss_family)};
    if (c.fd < 0)
        return QString();
    ::connect(c.fd, reinterpret_cast<const sockaddr *>(&a), len);
    if (!waitFd(listener, POLLIN, 3000))
        return QString();
    sockaddr_storage peer{};
    socklen_t plen = sizeof peer;
    Fd s{::accept4(listener, reinterpret_cast<sockaddr *>(&peer), &plen, SOCK_CLOEXEC)};
    if (s.fd < 0 || ::send(s.fd, "hi", 2, MSG_NOSIGNAL) != 2 || !waitFd(c.fd, POLLIN, 3000))
        return QString();
    char buf[8] = {};
    if (::recv(c.fd, buf, sizeof buf, 0) != 2 || qstrncmp(buf, "hi", 2) != 0)
        return QString();
    char text[INET6_ADDRSTRLEN] = {};
    if (peer.ss_family == AF_INET6)
        ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6 *>(&peer)->sin6_addr, text, sizeof text);
    else
        ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in *>(&peer)->sin_addr, text, sizeof text);
    return QString::fromLatin1(text);
}

// True when a TCP connection from `from` to ip:port is refused (RST) within 3 s.
bool refusedAtOnce(const ScopedNetns &from, const char *ip, quint16 port)
{
    socklen_t len = 0;
    const sockaddr_storage a = sockAddr(ip, port, &len);
    Fd c{socketIn(from, SOCK_STREAM, a.ss_family)};
    if (c.fd < 0 || (::connect(c.fd, reinterpret_cast<const sockaddr *>(&a), len) != 0 && errno != EINPROGRESS))
        return c.fd >= 0 && errno == ECONNREFUSED;
    if (!waitFd(c.fd, POLLOUT, 3000))
        return false;
    int err = 0;
    socklen_t elen = sizeof err;
    return ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 && err == ECONNREFUSED;
}

ForwardSpec tcpForward(quint16 hostPort, const char *guest, quint16 guestPort)
{
    const auto family = std::strchr(guest, ':') ? ForwardSpec::Family::Ipv6 : ForwardSpec::Family::Ipv4;
    return ForwardSpec{family, ForwardSpec::Protocol::Tcp, {}, hostPort, QString::fromLatin1(guest), guestPort};
}

// The host state: bridge loomfbr0 (10.0.2.1/24) with veth loomfa0 <-> loomfb0 (the guest's
// end), NAT to fwup0 with `forwards`.
HostState natState(const QList<ForwardSpec> &forwards)
{
    HostState s;
    s.bridges = {BridgeSpec{QStringLiteral("loomfbr0"), 0, false, false, {QStringLiteral("loomfa0")}}};
    s.veths = {VethSpec{QStringLiteral("loomfa0"), QStringLiteral("loomfb0")}};
    s.addresses = {AddressSpec{QStringLiteral("loomfbr0"), QStringLiteral("10.0.2.1/24")}};
    s.links = {LinkSpec{QStringLiteral("loomfbr0"), true, 0, {}}, LinkSpec{QStringLiteral("loomfa0"), true, 0, {}}};
    s.ipv4Forwarding = true;
    s.nat = {NatSpec{QStringLiteral("loomfbr0"), QStringLiteral("10.0.2.0/24"), NatSpec::Mode::Masquerade,
                     {QStringLiteral("fwup0")}, forwards}};
    return s;
}

// natState(`forwards4`) plus the IPv6 prefix fd42:2::1/64 on the bridge, NAT66 to fwup0 with
// `forwards6`.
HostState natState6(const QList<ForwardSpec> &forwards4, const QList<ForwardSpec> &forwards6)
{
    HostState s = natState(forwards4);
    s.addresses.append(AddressSpec{QStringLiteral("loomfbr0"), QStringLiteral("fd42:2::1/64")});
    s.ipv6Forwarding = true;
    s.nat6 = {NatSpec{QStringLiteral("loomfbr0"), QStringLiteral("fd42:2::/64"), NatSpec::Mode::Masquerade,
                      {QStringLiteral("fwup0")}, forwards6}};
    return s;
}

}  // namespace

class TestHelperForwardNetns : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        netloom::test::requireRoot();
        for (const char *tool : {"ip", "nft"})
            netloom::test::requireTool(QString::fromLatin1(tool));
    }

    void forwardsReachTheGuestAndFollowIt()
    {
        ScopedNetns host(QStringLiteral("hlfw")), guest(QStringLiteral("hlfwg")), outside(QStringLiteral("hlfwo"));
        QVERIFY2(host.ok() && guest.ok() && outside.ok(), qPrintable(host.error() + guest.error() + outside.error()));
        // The uplink: fwup0 (host, 192.168.77.1) <-> fwup1 (outside, 192.168.77.2); no IPv6
        // link-local address on fwup0 (its DAD finishing mid-test would change the snapshot).
        auto r = host.sh(QStringLiteral("ip link add fwup0 type veth peer name fwup1 && ip link set fwup1 netns %1 && "
                                        "ip link set fwup0 addrgenmode none && ip addr add 192.168.77.1/24 dev fwup0 && ip link set fwup0 up").arg(outside.name()));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        r = outside.sh(QStringLiteral("ip addr add 192.168.77.2/24 dev fwup1 && ip link set fwup1 up"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));

        QTemporaryDir dir;
        HelperProcess helper(host, dir.path());
        QVERIFY2(helper.start(), qPrintable(helper.log()));
        const QString before = snapshot(host, helper.stateDir(), helper.pid());
        const QByteArray localnetBefore = host.sh(QStringLiteral(
            "cat /proc/sys/net/ipv4/conf/all/route_localnet /proc/sys/net/ipv4/conf/default/route_localnet "
            "/proc/sys/net/ipv4/conf/fwup0/route_localnet /proc/sys/net/ipv4/conf/lo/route_localnet")).out;
        QCOMPARE(localnetBefore, QByteArray("0\n0\n0\n0\n"));
        HelperClient client;
        VERIFY_OK(client.connectAndWait(helper.socketPath()));

        VERIFY_OK(applyNow(client, QStringLiteral("fw"), natState({tcpForward(8080, "10.0.2.15", 80)})));
        r = host.exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("set"), QStringLiteral("loomfb0"),
                       QStringLiteral("netns"), guest.name()});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        r = guest.sh(QStringLiteral("ip addr add 10.0.2.15/24 dev loomfb0 && ip link set loomfb0 up && "
                                    "ip route add default via 10.0.2.1"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        Fd service{listenIn(guest, 80)};
        QVERIFY(service.fd >= 0);

        // From outside: the client's own address reaches the guest (no masquerade needed).
        QString seen;
        QVERIFY2(helper::test::waitFor([&] { return !(seen = connectThrough(outside, "192.168.77.1", 8080, service.fd)).isEmpty(); }, 5000),
                 qPrintable(QString::fromUtf8(host.exec({QStringLiteral("nft"), QStringLiteral("list"), QStringLiteral("ruleset")}).out)));
        QCOMPARE(seen, QStringLiteral("192.168.77.2"));
        // From the host itself, to the uplink's address and to the gateway's (masqueraded to
        // the gateway address, so the reply comes back whatever the guest's routes).
        QCOMPARE(connectThrough(host, "192.168.77.1", 8080, service.fd), QStringLiteral("10.0.2.1"));
        QCOMPARE(connectThrough(host, "10.0.2.1", 8080, service.fd), QStringLiteral("10.0.2.1"));
        // ... and to loopback (route_localnet on the gateway only; masqueraded, so the guest
        // answers the gateway's address).
        QCOMPARE(connectThrough(host, "127.0.0.1", 8080, service.fd), QStringLiteral("10.0.2.1"));
        QCOMPARE(connectThrough(host, "127.0.0.2", 8080, service.fd), QStringLiteral("10.0.2.1"));
        QCOMPARE(host.sh(QStringLiteral("cat /proc/sys/net/ipv4/conf/loomfbr0/route_localnet")).out.trimmed(), QByteArray("1"));
        QCOMPARE(host.sh(QStringLiteral("cat /proc/sys/net/ipv4/conf/all/route_localnet /proc/sys/net/ipv4/conf/default/route_localnet "
                                        "/proc/sys/net/ipv4/conf/fwup0/route_localnet /proc/sys/net/ipv4/conf/lo/route_localnet")).out,
                 localnetBefore);

        // The guest takes a new address; the state with it (what the runtime applies when the
        // lease changes) makes the forward follow.
        r = guest.sh(QStringLiteral("ip addr del 10.0.2.15/24 dev loomfb0 && ip addr add 10.0.2.16/24 dev loomfb0 && "
                                    "ip route replace default via 10.0.2.1"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        VERIFY_OK(applyNow(client, QStringLiteral("fw"), natState({tcpForward(8080, "10.0.2.16", 80)})));
        QVERIFY2(helper::test::waitFor([&] { return !(seen = connectThrough(outside, "192.168.77.1", 8080, service.fd)).isEmpty(); }, 5000),
                 "the forward did not follow the guest's new address");
        QCOMPARE(seen, QStringLiteral("192.168.77.2"));
        const QString rules = QString::fromUtf8(host.exec({QStringLiteral("nft"), QStringLiteral("list"), QStringLiteral("ruleset")}).out);
        QVERIFY2(rules.contains(QStringLiteral("dnat to 10.0.2.16:80")) && !rules.contains(QStringLiteral("10.0.2.15")), qPrintable(rules));

        // A forward to a port this process listens on in the host namespace: refused, naming
        // us, and nothing changes.
        Fd busy{listenIn(host, 9090)};
        QVERIFY(busy.fd >= 0);
        const QByteArray rulesBefore = host.exec({QStringLiteral("nft"), QStringLiteral("list"), QStringLiteral("ruleset")}).out;
        const QByteArray linksBefore = host.exec({QStringLiteral("ip"), QStringLiteral("-br"), QStringLiteral("link")}).out;
        auto refused = applyNow(client, QStringLiteral("fw"),
                                natState({tcpForward(8080, "10.0.2.16", 80), tcpForward(9090, "10.0.2.16", 22)}));
        QVERIFY(!refused);
        const QString comm = QString::fromUtf8(netloom::test::readFile(QStringLiteral("/proc/self/comm")).trimmed());
        const QString expected = QStringLiteral("port 9090/tcp is in use by %1 (pid %2)").arg(comm).arg(QCoreApplication::applicationPid());
        QVERIFY2(refused.error().message.contains(expected), qPrintable(refused.error().message + QStringLiteral(" / expected: ") + expected));
        QCOMPARE(host.exec({QStringLiteral("nft"), QStringLiteral("list"), QStringLiteral("ruleset")}).out, rulesBefore);
        QCOMPARE(host.exec({QStringLiteral("ip"), QStringLiteral("-br"), QStringLiteral("link")}).out, linksBefore);
        QVERIFY(!connectThrough(outside, "192.168.77.1", 8080, service.fd).isEmpty());  // still works

        // Another network forwarding the same port: refused, naming the network.
        HostState other;
        other.taps = {TapSpec{QStringLiteral("loomfx0"), 0, {}, false}};
        other.addresses = {AddressSpec{QStringLiteral("loomfx0"), QStringLiteral("10.0.9.1/24")}};
        other.nat = {NatSpec{QStringLiteral("loomfx0"), QStringLiteral("10.0.9.0/24"), NatSpec::Mode::Masquerade,
                             {QStringLiteral("fwup0")}, {tcpForward(8080, "10.0.9.5", 80)}}};
        auto clash = applyNow(client, QStringLiteral("fw2"), other);
        QVERIFY(!clash);
        QVERIFY2(clash.error().message.contains(QStringLiteral("port 8080/tcp is already forwarded by network 'fw'")),
                 qPrintable(clash.error().message));
        QCOMPARE(host.exec({QStringLiteral("ip"), QStringLiteral("-br"), QStringLiteral("link")}).out, linksBefore);

        // A forward on the gateway's address only does not take loopback: route_localnet goes
        // back to 0 on the surviving gateway and 127.0.0.1:8080 is nobody's.
        ForwardSpec onGateway = tcpForward(8080, "10.0.2.16", 80);
        onGateway.hostAddress = QStringLiteral("10.0.2.1");
        VERIFY_OK(applyNow(client, QStringLiteral("fw"), natState({onGateway})));
        QCOMPARE(host.sh(QStringLiteral("cat /proc/sys/net/ipv4/conf/loomfbr0/route_localnet")).out.trimmed(), QByteArray("0"));
        QCOMPARE(connectThrough(host, "127.0.0.1", 8080, service.fd), QString());
        QCOMPARE(connectThrough(host, "10.0.2.1", 8080, service.fd), QStringLiteral("10.0.2.1"));
        // A forward on 127.0.0.1 only: loopback reaches the guest, the gateway's address does not.
        ForwardSpec onLoopback = tcpForward(8080, "10.0.2.16", 80);
        onLoopback.hostAddress = QStringLiteral("127.0.0.1");
        VERIFY_OK(applyNow(client, QStringLiteral("fw"), natState({onLoopback})));
        QCOMPARE(connectThrough(host, "127.0.0.1", 8080, service.fd), QStringLiteral("10.0.2.1"));
        QCOMPARE(connectThrough(outside, "192.168.77.1", 8080, service.fd), QString());

        // Teardown: as before (the guest's veth end goes with its pair).
        VERIFY_OK(teardownNow(client, QStringLiteral("fw")));
        const QString after = snapshot(host, helper.stateDir(), helper.pid());
        if (after != before)
            qWarning().noquote() << "before:\n" << before << "\nafter:\n" << after;
        QCOMPARE(after, before);
        QCOMPARE(host.sh(QStringLiteral("cat /proc/sys/net/ipv4/conf/all/route_localnet /proc/sys/net/ipv4/conf/default/route_localnet "
                                        "/proc/sys/net/ipv4/conf/fwup0/route_localnet /proc/sys/net/ipv4/conf/lo/route_localnet")).out,
                 localnetBefore);
        helper.stop();
    }

    void ipv6ForwardsReachTheGuestAndFollowIt()
    {
        ScopedNetns host(QStringLiteral("hlf6")), guest(QStringLiteral("hlf6g")), outside(QStringLiteral("hlf6o"));
        QVERIFY2(host.ok() && guest.ok() && outside.ok(), qPrintable(host.error() + guest.error() + outside.error()));
        auto r = host.sh(QStringLiteral("ip link add fwup0 type veth peer name fwup1 && ip link set fwup1 netns %1 && "
                                        "ip link set fwup0 addrgenmode none && ip addr add 192.168.77.1/24 dev fwup0 && "
                                        "ip addr add fd77::1/64 dev fwup0 nodad && ip link set fwup0 up").arg(outside.name()));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        r = outside.sh(QStringLiteral("ip link set fwup1 addrgenmode none && ip addr add fd77::2/64 dev fwup1 nodad && "
                                      "ip addr add 192.168.77.2/24 dev fwup1 && "
                                      "ip link set fwup1 up"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));

        QTemporaryDir dir;
        HelperProcess helper(host, dir.path());
        QVERIFY2(helper.start(), qPrintable(helper.log()));
        const QString before = snapshot(host, helper.stateDir(), helper.pid());
        const QByteArray forwardingBefore = host.sh(QStringLiteral("cat /proc/sys/net/ipv6/conf/all/forwarding")).out;
        HelperClient client;
        VERIFY_OK(client.connectAndWait(helper.socketPath()));

        VERIFY_OK(applyNow(client, QStringLiteral("fw6"), natState6({}, {tcpForward(8080, "fd42:2::15", 80)})));
        r = host.exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("set"), QStringLiteral("loomfb0"),
                       QStringLiteral("netns"), guest.name()});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        r = guest.sh(QStringLiteral("ip link set loomfb0 up && ip addr add fd42:2::15/64 dev loomfb0 nodad && "
                                    "ip addr add 10.0.2.15/24 dev loomfb0 && ip -6 route add default via fd42:2::1 && "
                                    "ip route add default via 10.0.2.1"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        Fd service6{listenIn(guest, 80, "::")};
        QVERIFY(service6.fd >= 0);
        const auto ruleset = [&host] {
            return QString::fromUtf8(host.exec({QStringLiteral("nft"), QStringLiteral("list"), QStringLiteral("ruleset")}).out);
        };

        // From outside to the uplink's address: the guest sees the client's own address.
        QString seen;
        QVERIFY2(helper::test::waitFor([&] { return !(seen = connectThrough(outside, "fd77::1", 8080, service6.fd)).isEmpty(); }, 5000),
                 qPrintable(ruleset()));
        QCOMPARE(seen, QStringLiteral("fd77::2"));
        // From the host itself, to the uplink's and to the gateway's address (masqueraded to
        // the gateway's address).
        QCOMPARE(connectThrough(host, "fd77::1", 8080, service6.fd), QStringLiteral("fd42:2::1"));
        QCOMPARE(connectThrough(host, "fd42:2::1", 8080, service6.fd), QStringLiteral("fd42:2::1"));
        // [::1] is not DNATed (a loopback source cannot leave the host): refused at once.
        QVERIFY(refusedAtOnce(host, "::1", 8080));
        QVERIFY2(ruleset().contains(QStringLiteral("ip6 daddr != ::1 fib daddr type local tcp dport 8080 dnat to [fd42:2::15]:80")),
                 qPrintable(ruleset()));

        // The guest moves to a new address; the state with it makes the forward follow.
        r = guest.sh(QStringLiteral("ip addr del fd42:2::15/64 dev loomfb0 && ip addr add fd42:2::16/64 dev loomfb0 nodad"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        VERIFY_OK(applyNow(client, QStringLiteral("fw6"), natState6({}, {tcpForward(8080, "fd42:2::16", 80)})));
        QVERIFY2(helper::test::waitFor([&] { return !(seen = connectThrough(outside, "fd77::1", 8080, service6.fd)).isEmpty(); }, 5000),
                 "the IPv6 forward did not follow the guest's new address");
        QCOMPARE(seen, QStringLiteral("fd77::2"));
        QVERIFY2(ruleset().contains(QStringLiteral("dnat to [fd42:2::16]:80")) && !ruleset().contains(QStringLiteral("fd42:2::15")),
                 qPrintable(ruleset()));

        // The IPv4 and IPv6 forwards of one port live side by side.
        Fd service4{listenIn(guest, 81)};
        QVERIFY(service4.fd >= 0);
        VERIFY_OK(applyNow(client, QStringLiteral("fw6"),
                           natState6({tcpForward(8080, "10.0.2.15", 81)}, {tcpForward(8080, "fd42:2::16", 80)})));
        QCOMPARE(connectThrough(outside, "192.168.77.1", 8080, service4.fd), QStringLiteral("192.168.77.2"));
        QCOMPARE(connectThrough(outside, "fd77::1", 8080, service6.fd), QStringLiteral("fd77::2"));

        // An IPv6 listener on the host port: refused, naming us, nothing changes. An IPv4-only
        // listener does not hold an IPv6 port.
        Fd busy6{listenIn(host, 9091, "::")};
        Fd busy4{listenIn(host, 9092)};
        QVERIFY(busy6.fd >= 0 && busy4.fd >= 0);
        const QByteArray rulesBefore = host.exec({QStringLiteral("nft"), QStringLiteral("list"), QStringLiteral("ruleset")}).out;
        auto refused = applyNow(client, QStringLiteral("fw6"),
                                natState6({tcpForward(8080, "10.0.2.15", 81)},
                                          {tcpForward(8080, "fd42:2::16", 80), tcpForward(9091, "fd42:2::16", 22)}));
        QVERIFY(!refused);
        const QString comm = QString::fromUtf8(netloom::test::readFile(QStringLiteral("/proc/self/comm")).trimmed());
        const QString expected = QStringLiteral("port 9091/tcp is in use by %1 (pid %2)").arg(comm).arg(QCoreApplication::applicationPid());
        QVERIFY2(refused.error().message.contains(expected), qPrintable(refused.error().message + QStringLiteral(" / expected: ") + expected));
        QCOMPARE(host.exec({QStringLiteral("nft"), QStringLiteral("list"), QStringLiteral("ruleset")}).out, rulesBefore);
        VERIFY_OK(applyNow(client, QStringLiteral("fw6"),
                           natState6({tcpForward(8080, "10.0.2.15", 81)},
                                     {tcpForward(8080, "fd42:2::16", 80), tcpForward(9092, "fd42:2::16", 80)})));
        QCOMPARE(connectThrough(outside, "fd77::1", 9092, service6.fd), QStringLiteral("fd77::2"));

        // Another network forwarding the same IPv6 port: refused, naming the network.
        HostState other;
        other.taps = {TapSpec{QStringLiteral("loomfx0"), 0, {}, false}};
        other.addresses = {AddressSpec{QStringLiteral("loomfx0"), QStringLiteral("10.0.9.1/24")},
                           AddressSpec{QStringLiteral("loomfx0"), QStringLiteral("fd42:9::1/64")}};
        other.ipv6Forwarding = true;
        other.nat6 = {NatSpec{QStringLiteral("loomfx0"), QStringLiteral("fd42:9::/64"), NatSpec::Mode::Masquerade,
                              {QStringLiteral("fwup0")}, {tcpForward(9092, "fd42:9::5", 80)}}};
        auto clash = applyNow(client, QStringLiteral("fw6b"), other);
        QVERIFY(!clash);
        QVERIFY2(clash.error().message.contains(QStringLiteral("port 9092/tcp is already forwarded by network 'fw6'")),
                 qPrintable(clash.error().message));

        VERIFY_OK(teardownNow(client, QStringLiteral("fw6")));
        const QString after = snapshot(host, helper.stateDir(), helper.pid());
        if (after != before)
            qWarning().noquote() << "before:\n" << before << "\nafter:\n" << after;
        QCOMPARE(after, before);
        QCOMPARE(host.sh(QStringLiteral("cat /proc/sys/net/ipv6/conf/all/forwarding")).out, forwardingBefore);
        helper.stop();
    }
};

QTEST_GUILESS_MAIN(TestHelperForwardNetns)
#include "test_helper_forward_netns.moc"
