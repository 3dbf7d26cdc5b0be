// SPDX-License-Identifier: GPL-3.0-or-later
// Impairments through the real netloom-helper in a test namespace: a bridge with two veth
// cables whose far ends sit in two guest namespaces; the helper impairs loomia0's egress
// (frames towards guest 1) and loomic0's ingress (frames from guest 2, through IFB
// loomifb0). Measured in-process with sockets created inside the guests (setns):
//  - ratesThroughIfbAndCleanup: tbf alone (rate only) on egress and on ingress via the IFB,
//    a live change of the rate, removing it, teardown leaving no qdisc, IFB or link; a
//    request the kernel cannot realize (no netem) is refused and rolled back;
//  - delayAndLoss (needs sch_netem, else exit 77 naming it; CTest runs it through
//    tests/common/run-in-kernel-vm.sh, in a guest kernel that has netem when this one has
//    not): 50 ms egress + 20 ms ingress raise the RTT by ~70 ms, a live change to 10 ms, then
//    each impairment measured over a bounded burst of numbered datagrams: 10% loss,
//    Gilbert-Elliott burst length, 10% duplication, 10% corruption, jitter (spread, order
//    kept; reordered only with reorder), and all of them at once with a rate.
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
using netloom::test::Fd;
using netloom::test::ScopedNetns;
using netloom::test::socketIn;

namespace {

const char kG1[] = "10.77.0.11";
const char kG2[] = "10.77.0.12";

bool waitReadable(int fd, int timeoutMs)
{
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, timeoutMs) == 1;
}

// UDP round trips guest 1 -> guest 2 -> guest 1 over `probes` probes, in ms, sorted; empty
// when more than half of them were lost.
QList<double> rttsMs(const ScopedNetns &g1, const ScopedNetns &g2, int probes)
{
    Fd a{socketIn(g1, SOCK_DGRAM)}, b{socketIn(g2, SOCK_DGRAM)};
    const sockaddr_in aa = addr(kG1, 5001), ba = addr(kG2, 5002);
    if (a.fd < 0 || b.fd < 0 || ::bind(a.fd, reinterpret_cast<const sockaddr *>(&aa), sizeof aa) != 0
        || ::bind(b.fd, reinterpret_cast<const sockaddr *>(&ba), sizeof ba) != 0)
        return {};
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
        return {};
    std::sort(rtts.begin(), rtts.end());
    return rtts;
}

// The median of rttsMs(); -1 when more than half of the probes were lost.
double medianRttMs(const ScopedNetns &g1, const ScopedNetns &g2, int probes = 7)
{
    const QList<double> r = rttsMs(g1, g2, probes);
    return r.isEmpty() ? -1 : r[r.size() / 2];
}

// What one burst of numbered datagrams guest 2 -> guest 1 delivered.
struct Burst {
    int sent = 0;
    QList<quint32> seqs;  // the sequence numbers received, in arrival order (duplicates kept)
    int received() const { return int(seqs.size()); }
    // Arrivals whose number is lower than one that arrived before them.
    int reordered() const
    {
        int n = 0;
        quint32 top = 0;
        for (quint32 q : seqs) {
            if (q < top)
                ++n;
            top = std::max(top, q);
        }
        return n;
    }
    // Runs of consecutive numbers that never arrived: how many, and their mean length.
    QPair<int, double> lossBursts() const
    {
        QList<bool> got(sent, false);
        for (quint32 q : seqs)
            if (q < quint32(sent))
                got[int(q)] = true;
        int runs = 0, lost = 0;
        for (int i = 0; i < sent; ++i)
            if (!got[i]) {
                ++lost;
                if (i == 0 || got[i - 1])
                    ++runs;
            }
        return {runs, runs ? double(lost) / runs : 0.0};
    }
};

// Sends `count` numbered datagrams guest 2 -> guest 1, `perTick` of them every 2 ms, and
// records what arrived (bounded: 2 s after the last one).
Burst udpBurst(const ScopedNetns &g1, const ScopedNetns &g2, int count, int perTick = 50)
{
    Burst out;
    Fd a{socketIn(g1, SOCK_DGRAM)}, b{socketIn(g2, SOCK_DGRAM)};
    const sockaddr_in aa = addr(kG1, 5003);
    if (a.fd < 0 || b.fd < 0 || ::bind(a.fd, reinterpret_cast<const sockaddr *>(&aa), sizeof aa) != 0)
        return out;
    const int big = 1 << 20;
    ::setsockopt(a.fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    char buf[256] = {};
    const auto drain = [&] {
        for (ssize_t n; (n = ::recv(a.fd, buf, sizeof buf, 0)) >= ssize_t(sizeof(quint32));) {
            quint32 q;
            std::memcpy(&q, buf, sizeof q);
            out.seqs << q;
        }
    };
    for (int i = 0; i < count; ++i) {
        const quint32 q = quint32(i);
        std::memcpy(buf, &q, sizeof q);
        if (::sendto(b.fd, buf, 100, 0, reinterpret_cast<const sockaddr *>(&aa), sizeof aa) == 100)
            ++out.sent;
        drain();
        if (i % perTick == perTick - 1)
            ::usleep(2000);  // paced: never more than perTick frames in flight per 2 ms
    }
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 2000 && waitReadable(a.fd, 300))
        drain();
    return out;
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
        const Burst lossy = udpBurst(*m_g1, *m_g2, 2000);
        QVERIFY2(lossy.sent == 2000 && lossy.received() >= 1760 && lossy.received() <= 1840,
                 qPrintable(QStringLiteral("%1 of %2 frames arrived with 10% loss").arg(lossy.received()).arg(lossy.sent)));
        // Gilbert-Elliott bursts: p=2% into the bad state, r=25% out of it, everything lost
        // there: bursts of 1/r = 4 frames on average (6000 frames: ~110 bursts).
        applyLive(QStringLiteral("gemodel=2%/25%"), {});
        const Burst ge = udpBurst(*m_g1, *m_g2, 6000);
        const auto [geRuns, geMean] = ge.lossBursts();
        QVERIFY2(geRuns >= 40 && geMean > 3.0 && geMean < 5.2,
                 qPrintable(QStringLiteral("%1 loss bursts of %2 frames on average, want 4").arg(geRuns).arg(geMean)));
        // Duplication: 10% more frames than sent.
        applyLive(QStringLiteral("duplicate=10%"), {});
        const Burst dup = udpBurst(*m_g1, *m_g2, 2000);
        QVERIFY2(dup.received() >= 2120 && dup.received() <= 2280,
                 qPrintable(QStringLiteral("%1 frames arrived for 2000 sent with 10% duplication").arg(dup.received())));
        // Corruption: a flipped bit fails a checksum (IP or UDP) or the frame's addressing, so
        // ~10% never reach the socket (a bit in the source MAC, ~4% of them, goes unnoticed).
        applyLive(QStringLiteral("corrupt=10%"), {});
        const Burst bad = udpBurst(*m_g1, *m_g2, 2000);
        QVERIFY2(bad.received() >= 1740 && bad.received() <= 1880,
                 qPrintable(QStringLiteral("%1 of 2000 frames arrived with 10% corruption").arg(bad.received())));
        // Jitter: 20 ms +- 5 ms (normal table from iproute2). The round trips spread, and a
        // stream of frames 0.2 ms apart (closer than the jitter) still arrives in order...
        applyLive(QStringLiteral("delay=20ms,jitter=5ms,dist=normal"), {});
        const QList<double> jittered = rttsMs(*m_g1, *m_g2, 21);
        QVERIFY2(jittered.size() >= 15, "round trips lost under jitter");
        const double p50 = jittered[jittered.size() / 2], spread = jittered[jittered.size() * 9 / 10] - jittered[jittered.size() / 10];
        QVERIFY2(p50 > base + 14 && p50 < base + 28 && spread > 3,
                 qPrintable(QStringLiteral("RTT p50 %1 ms (base %2), p10..p90 spread %3 ms; want +20 ms, spread > 3 ms")
                                .arg(p50).arg(base).arg(spread)));
        const Burst ordered = udpBurst(*m_g1, *m_g2, 500, 10);
        QVERIFY2(ordered.received() == 500 && ordered.reordered() == 0,
                 qPrintable(QStringLiteral("%1 of 500 arrived, %2 out of order; jitter without reorder must keep order")
                                .arg(ordered.received()).arg(ordered.reordered())));
        // ...unless reordering is asked for (this is what the check above would catch).
        applyLive(QStringLiteral("delay=20ms,jitter=5ms,dist=normal,reorder"), {});
        const Burst shuffled = udpBurst(*m_g1, *m_g2, 500, 10);
        QVERIFY2(shuffled.received() == 500 && shuffled.reordered() > 20,
                 qPrintable(QStringLiteral("%1 of 500 arrived, %2 out of order with reorder").arg(shuffled.received()).arg(shuffled.reordered())));
        // Everything at once, in both directions, with a rate: accepted and in place.
        applyLive(QStringLiteral("delay=20ms,jitter=5ms,dist=normal,gemodel=1%/25%"),
                  QStringLiteral("delay=5ms,rate=10mbit,duplicate=1%,corrupt=0.1%"));
        QVERIFY2(qdiscs().contains(QStringLiteral("tbf 2: dev loomifb0 parent 1:1")), qPrintable(qdiscs()));
        qInfo("kernel netem: RTT base %.2f ms, +50/+20 ms %.2f, +10/+20 ms %.2f; loss 10%%: %d/2000 arrived; "
              "GE 2%%/25%%: %d bursts, mean %.2f (want 4); duplicate 10%%: %d/2000; corrupt 10%%: %d/2000; "
              "jitter 5 ms: p50 %.2f ms, p10..p90 %.2f ms, %d reordered (with reorder: %d)",
              base, slow, changed, lossy.received(), geRuns, geMean, dup.received(), bad.received(), p50, spread,
              ordered.reordered(), shuffled.reordered());
        tearDownAndCheck();
    }
};

QTEST_GUILESS_MAIN(TestHelperImpairNetns)
#include "test_helper_impair_netns.moc"
