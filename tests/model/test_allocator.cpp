// SPDX-License-Identifier: GPL-3.0-or-later
// The allocator: fills every empty MAC and created-interface name, deterministically,
// uniquely and without touching values already set.
#include "common/testutil.h"
#include "model/allocator.h"
#include "model/topologyjson.h"
#include "model/validator.h"

#include "protocol/netaddr.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSet>
#include <QTest>

using namespace netloom;
using namespace netloom::model;

namespace {

Topology load(const QString &name)
{
    Result<Topology> t = loadTopologyFile(test::sourcePath(QStringLiteral("examples/") + name));
    if (!t.isOk())
        qFatal("%s", qPrintable(t.error().message));
    return *t;
}

QStringList exampleNames()
{
    return QDir(test::sourcePath(QStringLiteral("examples"))).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
}

// Every MAC of every guest NIC.
QStringList macs(const Topology &t)
{
    QStringList out;
    for (const Node &n : t.nodes)
        for (const NicConfig &nic : n.guest.nics)
            out.append(nic.mac);
    return out;
}

}  // namespace

class TestAllocator : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fillsEverythingAndStaysValid_data()
    {
        QTest::addColumn<QString>("file");
        for (const QString &f : exampleNames())
            QTest::newRow(qPrintable(f)) << f;
    }
    void fillsEverythingAndStaysValid()
    {
        QFETCH(QString, file);
        const Topology before = load(file);
        const Topology after = allocate(before);
        const QList<Issue> issues = validate(after);
        QVERIFY2(issues.isEmpty(), qPrintable(issues.isEmpty() ? QString() : issues.first().path + QStringLiteral(": ") + issues.first().message));
        QSet<QString> seen;
        for (const QString &m : macs(after)) {
            auto mac = protocol::Mac::parse(m);
            QVERIFY2(mac.isOk(), qPrintable(m));
            QVERIFY(m.startsWith(QStringLiteral("52:54:00:")) || before.nodes.size() > 0);
            QVERIFY2(!seen.contains(m), qPrintable(m));
            seen.insert(m);
        }
        // Stable: allocating again changes nothing; so does a save/load cycle.
        QVERIFY(allocate(after) == after);
        const Result<Topology> reloaded = parseTopology(serializeTopology(after), file);
        QVERIFY(reloaded.isOk());
        QVERIFY(*reloaded == after);
        // Deterministic.
        QVERIFY(allocate(before) == after);
        // Values already set are kept (demo has fixed MACs; d/e have fixed bridge names).
        for (qsizetype i = 0; i < before.nodes.size(); ++i) {
            const Node &b = before.nodes[i];
            const Node &a = after.nodes[i];
            if (!b.sw.ifname.isEmpty())
                QCOMPARE(a.sw.ifname, b.sw.ifname);
            for (qsizetype j = 0; j < b.guest.nics.size(); ++j)
                if (!b.guest.nics[j].mac.isEmpty())
                    QCOMPARE(a.guest.nics[j].mac, b.guest.nics[j].mac);
        }
    }

    void fillsTheRightFields()
    {
        // b: own taps shared between host port and NIC.
        const Topology b = allocate(load(QStringLiteral("b-routed-taps.json")));
        const Node *tap1 = b.node(QStringLiteral("tap1"));
        const Node *g1 = b.node(QStringLiteral("g1"));
        QVERIFY(tap1->hostPort.ifname.startsWith(QStringLiteral("loomt")));
        QCOMPARE(g1->guest.nics[0].tapIfname, tap1->hostPort.ifname);
        QVERIFY(tap1->hostPort.ifname.size() <= 15);
        // c: the bridge gets a name, its host port stays empty (it is the bridge), bridge NICs get taps,
        // NICs on netloom switches get none.
        const Topology c = allocate(load(QStringLiteral("c-multi-lan-nat.json")));
        QVERIFY(c.node(QStringLiteral("lan3"))->sw.ifname.startsWith(QStringLiteral("loomb")));
        QVERIFY(c.node(QStringLiteral("gw3"))->hostPort.ifname.isEmpty());
        QVERIFY(c.node(QStringLiteral("gw1"))->hostPort.ifname.startsWith(QStringLiteral("loomt")));
        QVERIFY(c.node(QStringLiteral("pc3"))->guest.nics[0].tapIfname.startsWith(QStringLiteral("loomg")));
        QVERIFY(c.node(QStringLiteral("pc1"))->guest.nics[0].tapIfname.isEmpty());
        QVERIFY(c.node(QStringLiteral("lan1"))->sw.ifname.isEmpty());
        // Names differ between topologies with different names.
        Topology renamed = load(QStringLiteral("c-multi-lan-nat.json"));
        renamed.name = QStringLiteral("other");
        QVERIFY(allocate(renamed).node(QStringLiteral("lan3"))->sw.ifname != c.node(QStringLiteral("lan3"))->sw.ifname);
    }

    void cablesAndVxlan()
    {
        Topology t;
        t.name = QStringLiteral("cables");
        auto sw = [](const char *id, SwitchConfig::Engine e) {
            Node n;
            n.id = n.name = QString::fromLatin1(id);
            n.sw.engine = e;
            return n;
        };
        t.nodes = {sw("n1", SwitchConfig::Engine::Netloom), sw("b1", SwitchConfig::Engine::Bridge), sw("b2", SwitchConfig::Engine::Bridge)};
        Node r;
        r.id = r.name = QStringLiteral("far");
        r.type = NodeType::Remote;
        r.remote.vxlan = VxlanConfig{9, QStringLiteral("192.0.2.1"), {}, {}, {}, 4789, {}};
        t.nodes.append(r);
        t.links = {Link{QStringLiteral("nb"), {QStringLiteral("n1"), {}, {}}, {QStringLiteral("b1"), {}, {}}, {}, {}},
                   Link{QStringLiteral("bb"), {QStringLiteral("b1"), {}, {}}, {QStringLiteral("b2"), {}, {}}, {}, {}},
                   Link{QStringLiteral("bf"), {QStringLiteral("b2"), {}, {}}, {QStringLiteral("far"), {}, {}}, {}, {}}};
        const Topology a = allocate(t);
        QVERIFY(a.links[0].tapIfname.startsWith(QStringLiteral("loomc")));
        QVERIFY(a.links[1].tapIfname.startsWith(QStringLiteral("loomc")));
        QVERIFY(a.links[2].tapIfname.isEmpty());  // a remote needs no cable tap
        QVERIFY(a.node(QStringLiteral("far"))->remote.vxlan->ifname.startsWith(QStringLiteral("loomx")));
        const QList<Issue> issues = validate(a);
        QVERIFY2(issues.isEmpty(), qPrintable(issues.isEmpty() ? QString() : issues.first().message));
    }

    void avoidsCollisions()
    {
        // Pre-set every NIC MAC of a copy to what the allocator would choose for another NIC:
        // the allocator must pick around values already present.
        Topology t = load(QStringLiteral("c-multi-lan-nat.json"));
        const Topology first = allocate(t);
        const QString pc1Mac = first.node(QStringLiteral("pc1"))->guest.nics[0].mac;
        t.node(QStringLiteral("pc2"))->guest.nics[0].mac = pc1Mac;  // taken before pc1 is allocated
        const Topology second = allocate(t);
        QCOMPARE(second.node(QStringLiteral("pc2"))->guest.nics[0].mac, pc1Mac);
        QVERIFY(second.node(QStringLiteral("pc1"))->guest.nics[0].mac != pc1Mac);
        QVERIFY(!hasErrors(validate(second)));
        // Same for interface names.
        const QString gw1If = first.node(QStringLiteral("gw1"))->hostPort.ifname;
        Topology u = load(QStringLiteral("c-multi-lan-nat.json"));
        u.node(QStringLiteral("lan3"))->sw.ifname = gw1If;
        const Topology third = allocate(u);
        QVERIFY(third.node(QStringLiteral("gw1"))->hostPort.ifname != gw1If);
        QVERIFY(!hasErrors(validate(third)));
    }

    void manyNicsStayUnique()
    {
        Topology t;
        t.name = QStringLiteral("scale");
        Node sw;
        sw.id = sw.name = QStringLiteral("br");
        sw.sw.engine = SwitchConfig::Engine::Bridge;
        t.nodes.append(sw);
        for (int g = 0; g < 400; ++g) {
            Node n;
            n.id = n.name = QStringLiteral("g%1").arg(g);
            n.type = NodeType::Guest;
            n.guest.kernel = QStringLiteral("k");
            for (int j = 0; j < 2; ++j) {
                NicConfig nic;
                nic.id = QStringLiteral("n%1").arg(j);
                nic.mode = j == 0 ? NicConfig::Mode::Switch : NicConfig::Mode::Tap;
                n.guest.nics.append(nic);
            }
            t.nodes.append(n);
            t.links.append(Link{QStringLiteral("l%1").arg(g), {n.id, QStringLiteral("n0"), {}}, {QStringLiteral("br"), {}, {}}, {}, {}});
        }
        const Topology a = allocate(t);
        const QList<Issue> issues = validate(a);
        for (const Issue &i : issues)  // only the unlinked tap-mode NIC warnings are expected
            QVERIFY2(i.severity == Issue::Severity::Warning && i.message.contains(QStringLiteral("tap mode")), qPrintable(i.message));
        const QStringList all = macs(a);
        QCOMPARE(all.size(), 800);
        QCOMPARE(QSet<QString>(all.begin(), all.end()).size(), 800);
    }

    // The largest topologies the format allows (4096 nodes, 16384 links, 32 NICs per guest)
    // must validate and allocate in seconds: every cross-check is hashed, none pairwise.
    void largeTopologyStaysFast()
    {
        Topology t;
        t.name = QStringLiteral("large");
        Node br;
        br.id = br.name = QStringLiteral("br");
        br.sw.engine = SwitchConfig::Engine::Bridge;
        t.nodes.append(br);
        for (int s = 1; s < 1024; ++s) {
            Node sw;
            sw.id = sw.name = QStringLiteral("s%1").arg(s);
            t.nodes.append(sw);
        }
        for (int g = 0; t.nodes.size() < limits::kMaxNodes; ++g) {
            Node n;
            n.id = n.name = QStringLiteral("g%1").arg(g);
            n.type = NodeType::Guest;
            n.guest.kernel = QStringLiteral("k");
            for (int j = 0; j < limits::kMaxNicsPerGuest; ++j) {
                NicConfig nic;
                nic.id = QStringLiteral("n%1").arg(j);
                if (j >= 8) {  // listeners on distinct loopback addresses, one port
                    nic.mode = NicConfig::Mode::Socket;
                    nic.socket = SocketConfig{SocketConfig::Kind::Listen,
                                              QStringLiteral("127.%1.%2.%3:5000").arg(g / 256).arg(g % 256).arg(j)};
                } else if (j >= 4) {
                    nic.mode = NicConfig::Mode::User;
                    nic.user.forwards = {HostForward{QStringLiteral("tcp"), QStringLiteral("127.%1.%2.%3").arg(g / 256).arg(g % 256).arg(j), 2222,
                                                     QString(), 22}};
                }
                n.guest.nics.append(nic);
            }
            t.nodes.append(n);
        }
        for (int k = 0; k < limits::kMaxLinks; ++k) {
            const int guest = k % 3072;
            const int nicNo = k / 3072;  // 0..5 -> switch-mode NICs 0..3 only
            if (nicNo > 3)
                break;
            const QString sw = k % 2 ? QStringLiteral("br") : QStringLiteral("s%1").arg(1 + k % 1023);
            t.links.append(Link{QStringLiteral("l%1").arg(k), {QStringLiteral("g%1").arg(guest), QStringLiteral("n%1").arg(nicNo), {}}, {sw, {}, {}}, {}, {}});
        }
        QElapsedTimer timer;
        timer.start();
        const Topology a = allocate(t);
        const QList<Issue> issues = validate(a);
        const qint64 ms = timer.elapsed();
        qInfo("validate+allocate of %lld nodes, %lld links: %lld ms", qint64(a.nodes.size()), qint64(a.links.size()), ms);
        QVERIFY2(!hasErrors(issues), qPrintable(issues.isEmpty() ? QString() : issues.first().path + QStringLiteral(": ") + issues.first().message));
        QVERIFY2(ms < 30000, "validation or allocation is not linear any more");
    }
};

QTEST_GUILESS_MAIN(TestAllocator)
#include "test_allocator.moc"
