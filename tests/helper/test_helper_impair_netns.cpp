// Impairments through the real netloom-helper in a test namespace: a bridge with two veth
// cables whose far ends sit in two guest namespaces; the helper impairs loomia0's egress
// (frames towards guest 1) and loomic0's ingress (frames from guest 2, through IFB
// loomifb0). Measured in-process with sockets created inside the guests (setns):
//  - ratesThroughIfbAndCleanup: tbf alone (rate only) on egress and on ingress via the IFB,
//    a live change of the rate, removing it, teardown leaving no qdisc, IFB or link; a
//    request the kernel cannot realize (no netem) is refused and rolled back;
//  - delayAndLoss (needs sch_netem, else exit 77 naming it): 50 ms egress + 20 ms ingress
//    raise the RTT by ~70 ms, a live change to 10 ms, 10% loss over a bounded burst.
#include "common/netns.h"
#include "common/testutil.h"
#include "helperclient/helperclient.h"
#include "helpercalls.h"
#include "helperfixture.h"
#include "hoststates.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace netloom;
using namespace netloom::helper::test;
using namespace netloom::protocol;
using netloom::test::ScopedNetns;

namespace {

const char kG1[] = "10.77.0.11";
const char kG2[] = "10.77.0.12";

// A socket created inside namespace `ns` (it stays there); -1 on error.
int socketIn(const ScopedNetns &ns, int type)
{
    const int self = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    const int target = ::open(QStringLiteral("/run/netns/%1").arg(ns.name()).toLatin1().constData(), O_RDONLY | O_CLOEXEC);
    int s = -1;
    if (self >= 0 && target >= 0 && ::setns(target, CLONE_NEWNET) == 0) {
        s = ::socket(AF_INET, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (::setns(self, CLONE_NEWNET) != 0)
            qFatal("cannot return to the test's network namespace");
    }
    if (self >= 0)
        ::close(self);
    if (target >= 0)
        ::close(target);
    return s;
}

sockaddr_in addr(const char *ip, quint16 port)
{
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    ::inet_pton(AF_INET, ip, &a.sin_addr);
    return a;
}

struct Fd {
    int fd = -1;
    ~Fd() { if (fd >= 0) ::close(fd); }
};

bool waitReadable(int fd, int timeoutMs)
{
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, timeoutMs) == 1;
}

// Median UDP round trip guest 1 -> guest 2 -> guest 1 over `probes` probes, in ms; -1 on loss
// of more than half of them.
double medianRttMs(const ScopedNetns &g1, const ScopedNetns &g2, int probes = 7)
{
    Fd a{socketIn(g1, SOCK_DGRAM)}, b{socketIn(g2, SOCK_DGRAM)};
    const sockaddr_in aa = addr(kG1, 5001), ba = addr(kG2, 5002);
    if (a.fd < 0 || b.fd < 0 || ::bind(a.fd, reinterpret_cast<const sockaddr *>(&aa), sizeof aa) != 0
        || ::bind(b.fd, reinterpret_cast<const sockaddr *>(&ba), sizeof ba) != 0)
        return -1;
    QList<double> rtts;
    char buf[64];
    for (int i = 0; i < probes; ++i) {
        QElapsedTimer t;
        t.start();
        ::sendto(a.fd, "ping", 4, 0, reinterpret_cast<const sockaddr *>(&ba), sizeof ba);
        if (!waitReadable(b.fd, 1000) || ::recv(b.fd, buf, sizeof buf, 0) <= 0)
            continue;
        ::sendto(b.fd, "pong", 4, 0, reinterpret_cast<const sockaddr *>(&aa), sizeof aa);
        if (!waitReadable(a.fd, 1000) || ::recv(a.fd, buf, sizeof buf, 0) <= 0)
            continue;
        rtts << double(t.nsecsElapsed()) / 1e6;
    }
    if (rtts.size() * 2 <= probes)
        return -1;
    std::sort(rtts.begin(), rtts.end());
    return rtts[rtts.size() / 2];
}

// Sends `count` datagrams guest 2 -> guest 1 and returns how many arrived (bounded: 2 s).
int udpBurst(const ScopedNetns &g1, const ScopedNetns &g2, int count)
{
    Fd a{socketIn(g1, SOCK_DGRAM)}, b{socketIn(g2, SOCK_DGRAM)};
    const sockaddr_in aa = addr(kG1, 5003);
    if (a.fd < 0 || b.fd < 0 || ::bind(a.fd, reinterpret_cast<const sockaddr *>(&aa), sizeof aa) != 0)
        return -1;
    int got = 0;
    char buf[256] = {};
    for (int i = 0; i < count; ++i) {
        ::sendto(b.fd, buf, 100, 0, reinterpret_cast<const sockaddr *>(&aa), sizeof aa);
        while (::recv(a.fd, buf, sizeof buf, 0) > 0)
            ++got;
        if (i % 50 == 49)
            ::usleep(2000);  // paced: never more than 50 frames in flight per 2 ms
    }
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 2000 && waitReadable(a.fd, 300))
        while (::recv(a.fd, buf, sizeof buf, 0) > 0)
            ++got;
    return got;
}

// One TCP transfer of `bytes` guest 2 -> guest 1; returns the goodput in bit/s (0 on error,
// bounded by 10 s).
double tcpGoodput(const ScopedNetns &g1, const ScopedNetns &g2, qint64 bytes)
{
    Fd l{socketIn(g1, SOCK_STREAM)}, c{socketIn(g2, SOCK_STREAM)}, r;
    const sockaddr_in la = addr(kG1, 5004);
    const int one = 1;
    ::setsockopt(l.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (l.fd < 0 || c.fd < 0 || ::bind(l.fd, reinterpret_cast<const sockaddr *>(&la), sizeof la) != 0 || ::listen(l.fd, 1) != 0)
        return 0;
    ::connect(c.fd, reinterpret_cast<const sockaddr *>(&la), sizeof la);
    if (!waitReadable(l.fd, 3000) || (r.fd = ::accept4(l.fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) < 0)
        return 0;
    static char chunk[16384];
    qint64 sent = 0, received = 0;
    QElapsedTimer t;
    t.start();
    while (received < bytes && t.elapsed() < 10000) {
        pollfd p[2] = {{c.fd, short(sent < bytes ? POLLOUT : 0), 0}, {r.fd, POLLIN, 0}};
        ::poll(p, 2, 100);
        if (sent < bytes && (p[0].revents & POLLOUT)) {
            const ssize_t n = ::send(c.fd, chunk, size_t(std::min<qint64>(sizeof chunk, bytes - sent)), MSG_NOSIGNAL);
            if (n > 0)
                sent += n;
        }
        if (p[1].revents & POLLIN)
            for (ssize_t n; (n = ::recv(r.fd, chunk, sizeof chunk, 0)) > 0;)
                received += n;
    }
    if (received < bytes)
        return 0;
    return double(bytes) * 8 / (double(t.nsecsElapsed()) / 1e9);
}

}  // namespace

class TestHelperImpairNetns : public QObject {
    Q_OBJECT
    std::unique_ptr<ScopedNetns> m_ns, m_g1, m_g2;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<HelperProcess> m_helper;
    std::unique_ptr<HelperClient> m_client;
    QString m_before;

    QString qdiscs() { return QString::fromUtf8(m_ns->exec({QStringLiteral("tc"), QStringLiteral("qdisc"), QStringLiteral("show")}).out); }
    // Links, qdiscs and the ingress filters of a running network (no timers, unlike snapshot()).
    QString liveState()
    {
        QString out = QString::fromUtf8(m_ns->exec({QStringLiteral("ip"), QStringLiteral("link")}).out) + qdiscs();
        for (const char *dev : {"loomia0", "loomic0"})
            out += QString::fromUtf8(m_ns->exec({QStringLiteral("tc"), QStringLiteral("filter"), QStringLiteral("show"), QStringLiteral("dev"),
                                                 QLatin1String(dev), QStringLiteral("ingress")}).out);
        return out;
    }

    // Starts the helper, applies the impaired bridge (with `egress`/`ingress`) and moves the
    // far veth ends into two guest namespaces.
    void bringUp(const QString &egress, const QString &ingress)
    {
        m_ns = std::make_unique<ScopedNetns>(QStringLiteral("hlpi"));
        m_g1 = std::make_unique<ScopedNetns>(QStringLiteral("hlpi1"));
        m_g2 = std::make_unique<ScopedNetns>(QStringLiteral("hlpi2"));
        QVERIFY2(m_ns->ok() && m_g1->ok() && m_g2->ok(), qPrintable(m_ns->error() + m_g1->error() + m_g2->error()));
        m_dir = std::make_unique<QTemporaryDir>();
        m_helper = std::make_unique<HelperProcess>(*m_ns, m_dir->path());
        QVERIFY2(m_helper->start(), qPrintable(m_helper->log()));
        m_before = snapshot(*m_ns, m_helper->stateDir(), m_helper->pid()) + qdiscs();
        m_client = std::make_unique<HelperClient>();
        VERIFY_OK(m_client->connectAndWait(m_helper->socketPath()));
        VERIFY_OK(applyNow(*m_client, QStringLiteral("imp"), impairedBridge(egress, ingress)));
        for (const auto &[ns, end, ip] : {std::tuple{m_g1.get(), "loomib0", kG1}, std::tuple{m_g2.get(), "loomid0", kG2}}) {
            QCOMPARE(m_ns->exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("set"), QLatin1String(end),
                                 QStringLiteral("netns"), ns->name()}).exitCode, 0);
            const auto up = ns->sh(QStringLiteral("ip addr add %1/24 dev %2 && ip link set %2 up").arg(QLatin1String(ip), QLatin1String(end)));
            QVERIFY2(up.exitCode == 0, qPrintable(up.describe()));
        }
        // The path works before anything is measured (bridge ports forward at once, no STP).
        QVERIFY2(waitFor([&] { return medianRttMs(*m_g1, *m_g2, 3) > 0; }, 5000), "no UDP path between the guests");
    }
    void applyLive(const QString &egress, const QString &ingress)
    {
        VERIFY_OK(applyNow(*m_client, QStringLiteral("imp"), impairedBridge(egress, ingress)));
    }
    // Teardown removes everything: no qdisc of ours, no IFB, no link, nothing in the journal.
    void tearDownAndCheck()
    {
        VERIFY_OK(teardownNow(*m_client, QStringLiteral("imp")));
        const QString q = qdiscs();
        QVERIFY2(!q.contains(QStringLiteral("netem")) && !q.contains(QStringLiteral("tbf")) && !q.contains(QStringLiteral("ingress")), qPrintable(q));
        const auto links = m_ns->exec({QStringLiteral("ip"), QStringLiteral("link")});
        QVERIFY2(!links.out.contains("loom"), links.out.constData());
        for (const ScopedNetns *g : {m_g1.get(), m_g2.get()}) {
            const auto gl = g->exec({QStringLiteral("ip"), QStringLiteral("link")});
            QVERIFY2(!gl.out.contains("loom"), gl.out.constData());  // the veth ends went with their pair
        }
        QCOMPARE(snapshot(*m_ns, m_helper->stateDir(), m_helper->pid()) + qdiscs(), m_before);
        m_client.reset();
        m_helper->stop();
    }

private Q_SLOTS:
    void initTestCase()
    {
        netloom::test::requireRoot();
        for (const char *tool : {"ip", "tc", "nft"})
            netloom::test::requireTool(QString::fromLatin1(tool));
    }
    void cleanup()
    {
        m_client.reset();
        m_helper.reset();
        m_g1.reset();
        m_g2.reset();
        m_ns.reset();
    }

    void ratesThroughIfbAndCleanup()
    {
        bringUp(QStringLiteral("rate=2mbit"), {});
        QVERIFY2(qdiscs().contains(QStringLiteral("qdisc tbf 1: dev loomia0 root")), qPrintable(qdiscs()));
        const double egress = tcpGoodput(*m_g1, *m_g2, 200'000);
        QVERIFY2(egress > 1.2e6 && egress < 2.3e6, qPrintable(QStringLiteral("egress 2 Mbit/s measured %1").arg(egress)));

        // Live: egress off, 4 Mbit/s ingress on the other port (IFB created, redirect set).
        applyLive({}, QStringLiteral("rate=4mbit"));
        const QString q = qdiscs();
        QVERIFY2(!q.contains(QStringLiteral("dev loomia0 root")) || !q.contains(QStringLiteral("tbf 1: dev loomia0")), qPrintable(q));
        QVERIFY2(q.contains(QStringLiteral("qdisc tbf 1: dev loomifb0 root")) && q.contains(QStringLiteral("qdisc ingress ffff: dev loomic0")),
                 qPrintable(q));
        const auto ifb = m_ns->exec({QStringLiteral("ip"), QStringLiteral("-d"), QStringLiteral("link"), QStringLiteral("show"), QStringLiteral("loomifb0")});
        QVERIFY2(ifb.out.contains("ifb") && ifb.out.contains(",UP"), ifb.out.constData());
        const auto filter = m_ns->exec({QStringLiteral("tc"), QStringLiteral("filter"), QStringLiteral("show"), QStringLiteral("dev"),
                                        QStringLiteral("loomic0"), QStringLiteral("ingress")});
        QVERIFY2(filter.out.contains("mirred") && filter.out.contains("loomifb0"), filter.out.constData());
        const double ingress = tcpGoodput(*m_g1, *m_g2, 300'000);
        QVERIFY2(ingress > 2.4e6 && ingress < 4.6e6, qPrintable(QStringLiteral("ingress 4 Mbit/s measured %1").arg(ingress)));

        // Live change in place: the same qdisc handle, a new rate.
        applyLive({}, QStringLiteral("rate=8mbit"));
        const double faster = tcpGoodput(*m_g1, *m_g2, 600'000);
        QVERIFY2(faster > 4.8e6 && faster < 9.2e6, qPrintable(QStringLiteral("ingress 8 Mbit/s measured %1").arg(faster)));

        // A kernel without netem refuses a delay: the apply fails, naming netem, and the
        // previous state (8 Mbit/s ingress) is restored exactly.
        const QString beforeRefusal = liveState();
        auto delayed = applyNow(*m_client, QStringLiteral("imp"), impairedBridge(QStringLiteral("delay=5ms"), QStringLiteral("rate=8mbit")));
        if (!delayed) {
            QVERIFY2(delayed.error().message.contains(QStringLiteral("netem")), qPrintable(delayed.error().message));
            QCOMPARE(liveState(), beforeRefusal);
            QVERIFY2(beforeRefusal.contains(QStringLiteral("mirred")), qPrintable(beforeRefusal));
        } else {
            QVERIFY2(qdiscs().contains(QStringLiteral("qdisc netem 1: dev loomia0 root")), qPrintable(qdiscs()));
        }

        // Removing the impairment removes the redirect, the qdiscs and the IFB.
        applyLive({}, {});
        const QString none = qdiscs();
        QVERIFY2(!none.contains(QStringLiteral("tbf")) && !none.contains(QStringLiteral("ingress")) && !none.contains(QStringLiteral("loomifb0")),
                 qPrintable(none));
        const double free = tcpGoodput(*m_g1, *m_g2, 2'000'000);
        QVERIFY2(free > 20e6, qPrintable(QStringLiteral("unimpaired path measured %1 bit/s").arg(free)));
        // And back, so teardown has everything to remove.
        applyLive(QStringLiteral("rate=2mbit"), QStringLiteral("rate=4mbit,queue=20ms"));
        tearDownAndCheck();
    }

    void delayAndLoss()
    {
        // Probe: the helper itself reports whether the kernel has netem.
        bringUp({}, {});
        const double base = medianRttMs(*m_g1, *m_g2);
        QVERIFY(base > 0);
        auto probe = applyNow(*m_client, QStringLiteral("imp"), impairedBridge(QStringLiteral("delay=50ms"), QStringLiteral("delay=20ms")));
        if (!probe && probe.error().message.contains(QStringLiteral("no netem qdisc"))) {
            tearDownAndCheck();
            cleanup();
            netloom::test::skipTest(QStringLiteral("the kernel has no netem qdisc (CONFIG_NET_SCH_NETEM): ") + probe.error().message);
        }
        VERIFY_OK(probe);
        const double slow = medianRttMs(*m_g1, *m_g2);
        QVERIFY2(slow > base + 65 && slow < base + 90, qPrintable(QStringLiteral("RTT %1 ms, base %2 ms, want +70 ms").arg(slow).arg(base)));
        // Live change: 10 ms out, ingress unchanged.
        applyLive(QStringLiteral("delay=10ms"), QStringLiteral("delay=20ms"));
        const double changed = medianRttMs(*m_g1, *m_g2);
        QVERIFY2(changed > base + 26 && changed < base + 45, qPrintable(QStringLiteral("RTT %1 ms, base %2 ms, want +30 ms").arg(changed).arg(base)));
        // 10% loss on egress, nothing else: over 2000 frames 8%..12% must be lost.
        applyLive(QStringLiteral("loss=10%"), {});
        const int got = udpBurst(*m_g1, *m_g2, 2000);
        QVERIFY2(got >= 1760 && got <= 1840, qPrintable(QStringLiteral("%1 of 2000 frames arrived with 10% loss").arg(got)));
        // Jitter without reordering, distribution from iproute2's table, GE loss: accepted.
        applyLive(QStringLiteral("delay=20ms,jitter=5ms,dist=normal,gemodel=1%/25%"),
                  QStringLiteral("delay=5ms,rate=10mbit,duplicate=1%,corrupt=0.1%"));
        QVERIFY2(qdiscs().contains(QStringLiteral("tbf 2: dev loomifb0 parent 1:1")), qPrintable(qdiscs()));
        tearDownAndCheck();
    }
};

QTEST_GUILESS_MAIN(TestHelperImpairNetns)
#include "test_helper_impair_netns.moc"
