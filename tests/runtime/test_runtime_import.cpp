// SPDX-License-Identifier: GPL-3.0-or-later
// e2e (issue #15 acceptance): an rc-style VDE + dnsmasq + MASQUERADE script with two `vdeqemu`
// guests (tests/import/corpus/rc-vde-nat.sh) is imported by `netloomctl import`, validates,
// and — its two guests swapped for the demo guest (kernel and initrd instead of the disk
// images the script names; NICs, MACs, NIC models and cabling exactly as imported) — starts
// inside a test namespace with the real helper. Both guests lease from the imported DHCP
// configuration: alpha gets its imported reservation, beta an address of the imported range
// with the imported lease time; the imported MASQUERADE uplink pattern is in nftables; SIGINT
// leaves the namespace as it was.
#include "common/netns.h"
#include "common/testutil.h"
#include "helper/helperfixture.h"
#include "runtimefixture.h"

#include <QDateTime>
#include <QDir>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace netloom;
using namespace netloom::runtime::test;

namespace {

const QString kAlphaMac = QStringLiteral("52:54:00:12:34:56");  // as the script gives them
const QString kBetaMac = QStringLiteral("52:54:00:12:34:57");

// The imported topology with every guest swapped for the demo guest in `guestDir`: its disks,
// CD-ROM and extra QEMU arguments go, kernel/initrd/append come in; everything else stays.
QJsonObject swapGuests(QJsonObject topology, const QString &guestDir)
{
    QJsonArray nodes = topology.value(QStringLiteral("nodes")).toArray();
    for (qsizetype i = 0; i < nodes.size(); ++i) {
        QJsonObject n = nodes[i].toObject();
        if (n.value(QStringLiteral("type")).toString() != QLatin1String("guest"))
            continue;
        QJsonObject g = n.value(QStringLiteral("guest")).toObject();
        for (const char *key : {"disks", "cdrom", "extraArgs", "boot"})
            g.remove(QLatin1String(key));
        g.insert(QStringLiteral("kernel"), guestDir + QStringLiteral("/vmlinuz"));
        g.insert(QStringLiteral("initrd"), guestDir + QStringLiteral("/initrd.img"));
        g.insert(QStringLiteral("append"), QStringLiteral("console=ttyS0 quiet hostname=") + n.value(QStringLiteral("id")).toString());
        n.insert(QStringLiteral("guest"), g);
        nodes[i] = n;
    }
    topology.insert(QStringLiteral("nodes"), nodes);
    return topology;
}

QJsonObject nodeById(const QJsonObject &topology, const QString &id)
{
    for (const QJsonValue &v : topology.value(QStringLiteral("nodes")).toArray())
        if (v.toObject().value(QStringLiteral("id")).toString() == id)
            return v.toObject();
    return {};
}

}  // namespace

class TestRuntimeImport : public QObject {
    Q_OBJECT
private slots:
    void importedRcScriptStartsAndLeases()
    {
        const QString guestDir = requireDemoGuest();
        const QString ctl = netloom::test::binaryPath(QStringLiteral("app/cli/netloomctl"));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());

        // Import: some lines are ignored (-soundhw, the stop branch, ...), so exit code 1.
        const QString imported = dir.filePath(QStringLiteral("rc-vde-nat.json"));
        const auto imp = netloom::test::run({ctl, QStringLiteral("import"), netloom::test::sourcePath(QStringLiteral("tests/import/corpus/rc-vde-nat.sh")),
                                             QStringLiteral("-o"), imported, QStringLiteral("--report")});
        QVERIFY2(imp.exitCode == 1, qPrintable(imp.describe()));
        QVERIFY2(imp.out.contains("-soundhw"), qPrintable(imp.describe()));
        const QJsonObject topo = QJsonDocument::fromJson(netloom::test::readFile(imported)).object();
        QVERIFY2(!topo.isEmpty(), qPrintable(imported));

        // What the import understood, which the run below must honour.
        const QJsonObject gw = nodeById(topo, QStringLiteral("tap0")).value(QStringLiteral("hostPort")).toObject();
        QCOMPARE(gw.value(QStringLiteral("address")).toString(), QStringLiteral("10.0.2.1/24"));
        const QJsonObject dhcp = gw.value(QStringLiteral("dhcp")).toObject();
        QCOMPARE(dhcp.value(QStringLiteral("rangeStart")).toString(), QStringLiteral("10.0.2.100"));
        QCOMPARE(dhcp.value(QStringLiteral("rangeEnd")).toString(), QStringLiteral("10.0.2.199"));
        QCOMPARE(dhcp.value(QStringLiteral("leaseSeconds")).toInt(), 43200);
        QCOMPARE(gw.value(QStringLiteral("nat")).toObject().value(QStringLiteral("uplinks")).toArray(), QJsonArray{QStringLiteral("eth+")});
        const QJsonObject alphaNic = nodeById(topo, QStringLiteral("alpha")).value(QStringLiteral("guest")).toObject()
                                         .value(QStringLiteral("nics")).toArray().at(0).toObject();
        const QJsonObject betaNic = nodeById(topo, QStringLiteral("beta")).value(QStringLiteral("guest")).toObject()
                                        .value(QStringLiteral("nics")).toArray().at(0).toObject();
        QCOMPARE(alphaNic.value(QStringLiteral("mac")).toString(), kAlphaMac);
        QCOMPARE(betaNic.value(QStringLiteral("mac")).toString(), kBetaMac);
        QCOMPARE(betaNic.value(QStringLiteral("model")).toString(), QStringLiteral("rtl8139"));

        const QString file = writeTopology(dir.path(), QStringLiteral("imported"), swapGuests(topo, guestDir));
        const auto valid = netloom::test::run({ctl, QStringLiteral("validate"), file});
        QVERIFY2(valid.exitCode == 0, qPrintable(valid.describe()));

        netloom::test::ScopedNetns ns(QStringLiteral("rtimport"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        QDir(dir.path()).mkdir(QStringLiteral("helper"));
        QDir(dir.path()).mkdir(QStringLiteral("xdg"));
        helper::test::HelperProcess helper(ns, dir.filePath(QStringLiteral("helper")));
        QVERIFY2(helper.start(), qPrintable(helper.log()));
        const QString before = helper::test::snapshot(ns, helper.stateDir(), helper.pid());

        UpProcess up(ns, dir.filePath(QStringLiteral("xdg")));
        up.start({file, QStringLiteral("--helper-socket"), helper.socketPath(), QStringLiteral("--json"), QStringLiteral("--tcg")});
        const QJsonObject started = up.waitStarted(30000);
        QVERIFY2(started.value(QStringLiteral("event")).toString() == QLatin1String("started"), qPrintable(up.describe()));

        // The imported MASQUERADE pattern eth+ is nftables' eth*.
        const auto nft = ns.exec({QStringLiteral("nft"), QStringLiteral("list"), QStringLiteral("ruleset")});
        QVERIFY2(nft.out.contains("oifname \"eth*\"") && nft.out.contains("masquerade"), qPrintable(QString::fromUtf8(nft.out)));

        // Both guests lease, through the imported switch, from the imported configuration.
        QHash<QString, QJsonObject> bound;
        const QJsonObject both = up.waitEvent([&](const QJsonObject &e) {
            if (e.value(QStringLiteral("event")).toString() != QLatin1String("leases"))
                return false;
            for (const QJsonValue &v : e.value(QStringLiteral("leases")).toArray()) {
                const QJsonObject l = v.toObject();
                const QString mac = l.value(QStringLiteral("mac")).toString();
                if (l.value(QStringLiteral("state")).toString() == QLatin1String("bound") && (mac == kAlphaMac || mac == kBetaMac))
                    bound.insert(mac, l);
            }
            return bound.size() == 2;
        }, 60000);
        QVERIFY2(!both.isEmpty(), qPrintable(up.describe()));
        const QJsonObject alpha = bound.value(kAlphaMac);
        const QJsonObject beta = bound.value(kBetaMac);
        QCOMPARE(alpha.value(QStringLiteral("ip")).toString(), QStringLiteral("10.0.2.50"));  // the imported --dhcp-host
        QCOMPARE(alpha.value(QStringLiteral("guest")).toString(), QStringLiteral("alpha"));
        QCOMPARE(beta.value(QStringLiteral("guest")).toString(), QStringLiteral("beta"));
        QCOMPARE(beta.value(QStringLiteral("network")).toString(), QStringLiteral("vde"));
        const quint32 betaIp = QHostAddress(beta.value(QStringLiteral("ip")).toString()).toIPv4Address();
        QVERIFY2(betaIp >= QHostAddress(QStringLiteral("10.0.2.100")).toIPv4Address() &&
                     betaIp <= QHostAddress(QStringLiteral("10.0.2.199")).toIPv4Address(),
                 qPrintable(beta.value(QStringLiteral("ip")).toString()));
        // The imported 12h lease time: the expiry lies about 43200 s after now.
        const qint64 leftMs = qint64(beta.value(QStringLiteral("expiresAtMs")).toDouble()) - QDateTime::currentMSecsSinceEpoch();
        QVERIFY2(leftMs > (43200 - 120) * 1000LL && leftMs <= 43200 * 1000LL, qPrintable(QString::fromUtf8(QJsonDocument(beta).toJson(QJsonDocument::Compact))));

        const int code = up.signalAndWait(SIGINT, 40000);
        QVERIFY2(code == 130, qPrintable(QStringLiteral("exit %1\n%2").arg(code).arg(up.describe())));
        const QString after = helper::test::snapshot(ns, helper.stateDir(), helper.pid());
        QVERIFY2(before == after, qPrintable(QStringLiteral("before:\n%1\nafter:\n%2").arg(before, after)));
    }
};

QTEST_GUILESS_MAIN(TestRuntimeImport)
#include "test_runtime_import.moc"
