// SPDX-License-Identifier: GPL-3.0-or-later
// Networks enabled at boot (issue #16 part 2), with the real netloom-helper in test network
// namespaces:
//  - reference: the large host state applied normally in namespace A;
//  - `enable` in namespace B stores boot records and changes nothing on the host; refusals
//    (an interface name another enabled network has) are clear;
//  - the "reboot": a fresh namespace C with an empty /run-like state directory and the same
//    boot directory. The helper starts and rebuilds the enabled network: the host side is the
//    same as A's (interfaces, kinds, masters, MTUs, addresses, nftables, dnsmasq processes
//    and configuration). Records that no longer fit are skipped and logged with nothing
//    half-made: one whose tap name a foreign interface now has, one whose physical uplink is
//    gone (its bridge is created, the enslaving fails, all is rolled back), and one that does
//    not decode. `enabled` reports each outcome; `disable` removes a record and leaves the
//    running network alone; a restart of the helper within the same boot rebuilds nothing.
#include "common/netns.h"
#include "common/testutil.h"
#include "helperclient/helperclient.h"
#include "helpercalls.h"
#include "helperfixture.h"
#include "hoststates.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace netloom;
using namespace netloom::helper::test;
using namespace netloom::protocol;
using netloom::test::ScopedNetns;

namespace {

// What a start leaves on the host, without what differs between two namespaces or runs
// (ifindexes, random MACs, timers, absolute state paths): interfaces with kind, master, MTU
// and up flag; addresses; the nftables rule set; processes; the state directory's files and
// the dnsmasq configurations. Interfaces named in `ignore` are left out.
QString hostShape(const ScopedNetns &ns, const QString &stateDir, qint64 helperPid, const QStringList &ignore = {})
{
    QStringList out;
    const QJsonArray links = QJsonDocument::fromJson(ns.exec({QStringLiteral("ip"), QStringLiteral("-j"), QStringLiteral("-d"),
                                                              QStringLiteral("link")}).out).array();
    for (const QJsonValue &v : links) {
        const QJsonObject l = v.toObject();
        const QString name = l.value(QStringLiteral("ifname")).toString();
        if (ignore.contains(name))
            continue;
        const QJsonObject info = l.value(QStringLiteral("linkinfo")).toObject();
        const QJsonObject data = info.value(QStringLiteral("info_data")).toObject();
        QStringList flags;
        for (const QJsonValue &f : l.value(QStringLiteral("flags")).toArray())
            flags << f.toString();
        flags.sort();
        out << QStringLiteral("link %1 kind=%2 master=%3 mtu=%4 flags=%5 vni=%6 remote=%7 tunowner=%8 slave=%9")
                   .arg(name, info.value(QStringLiteral("info_kind")).toString(), l.value(QStringLiteral("master")).toString())
                   .arg(l.value(QStringLiteral("mtu")).toInt())
                   .arg(flags.join(u','))
                   .arg(data.value(QStringLiteral("id")).toInt())
                   .arg(data.value(QStringLiteral("remote")).toString())
                   .arg(data.value(QStringLiteral("user")).toVariant().toString(),
                        info.value(QStringLiteral("info_slave_kind")).toString());
    }
    const QJsonArray addrs = QJsonDocument::fromJson(ns.exec({QStringLiteral("ip"), QStringLiteral("-j"), QStringLiteral("addr")}).out).array();
    for (const QJsonValue &v : addrs) {
        const QString name = v.toObject().value(QStringLiteral("ifname")).toString();
        if (ignore.contains(name))
            continue;
        for (const QJsonValue &a : v.toObject().value(QStringLiteral("addr_info")).toArray())
            if (a.toObject().value(QStringLiteral("scope")).toString() != QLatin1String("link"))  // fe80:: follows the random MAC
                out << QStringLiteral("addr %1 %2/%3").arg(name, a.toObject().value(QStringLiteral("local")).toString())
                       .arg(a.toObject().value(QStringLiteral("prefixlen")).toInt());
    }
    out.sort();
    out << QStringLiteral("== nft") << QString::fromUtf8(ns.exec({QStringLiteral("nft"), QStringLiteral("list"), QStringLiteral("ruleset")}).out);
    out << QStringLiteral("== ip_forward") << QString::fromUtf8(ns.exec({QStringLiteral("cat"), QStringLiteral("/proc/sys/net/ipv4/ip_forward")}).out);
    QStringList procs;
    for (int pid : ns.pids())
        if (pid != helperPid)
            procs << QString::fromUtf8(netloom::test::readFile(QStringLiteral("/proc/%1/comm").arg(pid))).trimmed();
    procs.sort();
    out << QStringLiteral("== processes") << procs;
    QStringList files;
    QDirIterator it(stateDir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString rel = QDir(stateDir).relativeFilePath(path);
        files << rel;
        if (rel.endsWith(QLatin1String(".conf")))
            files << QString::fromUtf8(netloom::test::readFile(path)).replace(stateDir, QStringLiteral("STATE"));
    }
    out << QStringLiteral("== files") << files;
    return out.join(u'\n');
}

Result<QJsonObject> call(HelperClient &c, Request r)
{
    return c.call(std::move(r), 30000);
}

Request enableRequest(const QString &network, const HostState &state, bool allowPhysical = false)
{
    Request r;
    r.op = Op::Enable;
    r.network = network;
    r.state = state;
    r.topology = QStringLiteral("/srv/netloom/%1.json").arg(network);
    r.allowPhysical = allowPhysical;
    return r;
}

// A bridge with one tap: the shape of the records that must be skipped.
HostState bridgeWithTap(const QString &bridge, const QString &tap)
{
    HostState s;
    s.taps = {TapSpec{tap, 0, {}, false}};
    s.bridges = {BridgeSpec{bridge, 0, false, false, {tap}}};
    s.links = {LinkSpec{tap, true, 0, {}}, LinkSpec{bridge, true, 0, {}}};
    return s;
}

QJsonObject entry(const QJsonObject &enabled, const QString &network)
{
    for (const QJsonValue &v : enabled.value(QStringLiteral("networks")).toArray())
        if (v.toObject().value(QStringLiteral("network")).toString() == network)
            return v.toObject();
    return {};
}

bool linkExists(const ScopedNetns &ns, const QString &name)
{
    return ns.exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("show"), name}).exitCode == 0;
}

}  // namespace

class TestHelperBoot : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        netloom::test::requireRoot();
        for (const char *tool : {"ip", "nft", "dnsmasq"})
            netloom::test::requireTool(QString::fromLatin1(tool));
    }

    void enabledNetworksAreRebuiltOnAFreshBoot()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString bootDir = dir.filePath(QStringLiteral("boot"));
        for (const char *sub : {"a", "b", "c"})
            QVERIFY(QDir(dir.path()).mkdir(QLatin1String(sub)));
        const QStringList bootArgs{QStringLiteral("--boot-dir"), bootDir};

        // A: the reference, a normal apply.
        QString reference;
        {
            ScopedNetns a(QStringLiteral("bootref"));
            QVERIFY2(a.ok(), qPrintable(a.error()));
            HelperProcess helper(a, dir.filePath(QStringLiteral("a")));
            QVERIFY2(helper.start({QStringLiteral("--boot-dir"), dir.filePath(QStringLiteral("a-boot"))}), qPrintable(helper.log()));
            HelperClient client;
            VERIFY_OK(client.connectAndWait(helper.socketPath()));
            VERIFY_OK(applyNow(client, QStringLiteral("lab"), large()));
            reference = hostShape(a, helper.stateDir(), helper.pid());
            QVERIFY2(reference.contains(QStringLiteral("link loombr0 kind=bridge")) && reference.contains(QStringLiteral("dnsmasq")),
                     qPrintable(reference));
            VERIFY_OK(teardownNow(client, QStringLiteral("lab")));
            helper.stop();
        }

        // B: enable stores records and touches nothing on the host.
        {
            ScopedNetns b(QStringLiteral("bootenable"));
            QVERIFY2(b.ok(), qPrintable(b.error()));
            HelperProcess helper(b, dir.filePath(QStringLiteral("b")));
            QVERIFY2(helper.start(bootArgs), qPrintable(helper.log()));
            const QString before = snapshot(b, helper.stateDir(), helper.pid());
            HelperClient client;
            VERIFY_OK(client.connectAndWait(helper.socketPath()));
            const auto en = call(client, enableRequest(QStringLiteral("lab"), large()));
            VERIFY_OK(en);
            QCOMPARE(en->value(QStringLiteral("enabled")).toBool(), true);
            VERIFY_OK(call(client, enableRequest(QStringLiteral("qbad1"), bridgeWithTap(QStringLiteral("loomq0"), QStringLiteral("loomq1")))));
            HostState withUplink = bridgeWithTap(QStringLiteral("loomr0"), QStringLiteral("loomr1"));
            withUplink.uplinks = {UplinkSpec{QStringLiteral("nlphys0"), QStringLiteral("loomr0")}};
            const auto noConsent = call(client, enableRequest(QStringLiteral("qbad2"), withUplink));
            QVERIFY(!noConsent);
            QVERIFY2(noConsent.error().message.contains(QStringLiteral("allowPhysical")), qPrintable(noConsent.error().message));
            VERIFY_OK(call(client, enableRequest(QStringLiteral("qbad2"), withUplink, true)));
            // A second enabled network may not take an interface name of the first.
            const auto clash = call(client, enableRequest(QStringLiteral("clash"), bridgeWithTap(QStringLiteral("loomz0"), QStringLiteral("loomt1"))));
            QVERIFY(!clash);
            QVERIFY2(clash.error().message.contains(QStringLiteral("interface 'loomt1' belongs to enabled network 'lab'")),
                     qPrintable(clash.error().message));
            Request list;
            list.op = Op::Enabled;
            const auto enabled = call(client, list);
            VERIFY_OK(enabled);
            QCOMPARE(enabled->value(QStringLiteral("networks")).toArray().size(), 3);
            QCOMPARE(entry(*enabled, QStringLiteral("lab")).value(QStringLiteral("topology")).toString(), QStringLiteral("/srv/netloom/lab.json"));
            QCOMPARE(entry(*enabled, QStringLiteral("lab")).value(QStringLiteral("active")).toBool(), false);
            QCOMPARE(snapshot(b, helper.stateDir(), helper.pid()), before);
            helper.stop();
        }
        QVERIFY(QFile::exists(bootDir + QStringLiteral("/lab.json")));
        {
            QFile broken(bootDir + QStringLiteral("/broken.json"));
            QVERIFY(broken.open(QIODevice::WriteOnly));
            broken.write("{\"network\": \"broken\", \"uid\": 0, \"topology\": \"/x\", \"state\": {\"taps\": 7}}");
        }

        // C: the fresh boot. A foreign interface has taken qbad1's tap name meanwhile.
        ScopedNetns c(QStringLiteral("bootfresh"));
        QVERIFY2(c.ok(), qPrintable(c.error()));
        QCOMPARE(c.exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("add"), QStringLiteral("loomq1"), QStringLiteral("type"),
                         QStringLiteral("bridge")}).exitCode, 0);
        HelperProcess helper(c, dir.filePath(QStringLiteral("c")));
        QVERIFY2(helper.start(bootArgs), qPrintable(helper.log()));
        const QString rebuilt = hostShape(c, helper.stateDir(), helper.pid(), {QStringLiteral("loomq1")});
        {
            const QStringList ref = reference.split(u'\n'), got = rebuilt.split(u'\n');
            QStringList diff;
            for (const QString &l : ref)
                if (!got.contains(l))
                    diff << QStringLiteral("- ") + l;
            for (const QString &l : got)
                if (!ref.contains(l))
                    diff << QStringLiteral("+ ") + l;
            QVERIFY2(rebuilt == reference, qPrintable(QStringLiteral("the rebuilt host side differs from a normal start:\n%1").arg(diff.join(u'\n'))));
        }
        // Skipped, logged, nothing half-made.
        QVERIFY(!linkExists(c, QStringLiteral("loomq0")));
        QVERIFY(!linkExists(c, QStringLiteral("loomr0")));
        QVERIFY(!linkExists(c, QStringLiteral("loomr1")));
        const QString log = helper.log();
        QVERIFY2(log.contains(QStringLiteral("rebuilt network lab")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("skipped network qbad1")) &&
                     log.contains(QStringLiteral("interface 'loomq1' already exists and was not created by Netloom")),
                 qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("skipped network qbad2")) && log.contains(QStringLiteral("nlphys0")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("failed to read boot record")) && log.contains(QStringLiteral("broken.json")), qPrintable(log));
        QVERIFY(QFile::exists(helper.stateDir() + QStringLiteral("/journal/lab.json")));
        QVERIFY(!QFile::exists(helper.stateDir() + QStringLiteral("/journal/qbad1.json")));
        QVERIFY(!QFile::exists(helper.stateDir() + QStringLiteral("/journal/qbad2.json")));

        HelperClient client;
        VERIFY_OK(client.connectAndWait(helper.socketPath()));
        Request list;
        list.op = Op::Enabled;
        const auto enabled = call(client, list);
        VERIFY_OK(enabled);
        QCOMPARE(entry(*enabled, QStringLiteral("lab")).value(QStringLiteral("active")).toBool(), true);
        QCOMPARE(entry(*enabled, QStringLiteral("lab")).value(QStringLiteral("boot")).toString(), QStringLiteral("rebuilt at helper start"));
        QVERIFY(entry(*enabled, QStringLiteral("qbad1")).value(QStringLiteral("boot")).toString().startsWith(QStringLiteral("skipped at helper start")));
        QCOMPARE(entry(*enabled, QStringLiteral("qbad1")).value(QStringLiteral("active")).toBool(), false);
        QVERIFY(enabled->value(QStringLiteral("errors")).toArray().first().toString().contains(QStringLiteral("broken.json")));
        // The rebuilt network is persistent: it is listed as such.
        Request l2;
        l2.op = Op::List;
        const auto nets = call(client, l2);
        VERIFY_OK(nets);
        QCOMPARE(nets->value(QStringLiteral("networks")).toArray().size(), 1);
        QCOMPARE(nets->value(QStringLiteral("networks")).toArray().first().toObject().value(QStringLiteral("persistent")).toBool(), true);

        // disable: the record goes, the running network stays until torn down.
        Request dis;
        dis.op = Op::Disable;
        dis.network = QStringLiteral("lab");
        VERIFY_OK(call(client, dis));
        QVERIFY(!QFile::exists(bootDir + QStringLiteral("/lab.json")));
        QVERIFY(linkExists(c, QStringLiteral("loombr0")));
        const auto again = call(client, dis);
        QVERIFY(!again);
        QVERIFY2(again.error().message.contains(QStringLiteral("no network of yours is enabled")), qPrintable(again.error().message));
        VERIFY_OK(teardownNow(client, QStringLiteral("lab")));
        QVERIFY(!linkExists(c, QStringLiteral("loombr0")));

        // Enabled again: a restart of the helper within the same boot rebuilds nothing (the
        // marker in its /run-like state directory says it already did); after a "reboot"
        // (marker gone) it does.
        VERIFY_OK(call(client, enableRequest(QStringLiteral("lab"), large())));
        client.disconnectFromHelper();
        helper.stop();
        QVERIFY(QFile::exists(helper.stateDir() + QStringLiteral("/boot-done")));
        QVERIFY2(helper.start(bootArgs), qPrintable(helper.log()));
        QVERIFY(!linkExists(c, QStringLiteral("loombr0")));
        helper.stop();
        QVERIFY(QFile::remove(helper.stateDir() + QStringLiteral("/boot-done")));
        QVERIFY2(helper.start(bootArgs), qPrintable(helper.log()));
        QVERIFY(linkExists(c, QStringLiteral("loombr0")));
        HelperClient again2;
        VERIFY_OK(again2.connectAndWait(helper.socketPath()));
        VERIFY_OK(teardownNow(again2, QStringLiteral("lab")));
        helper.stop();
    }
};

QTEST_GUILESS_MAIN(TestHelperBoot)
#include "test_helper_boot_netns.moc"
