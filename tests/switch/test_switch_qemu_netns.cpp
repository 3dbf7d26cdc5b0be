// SPDX-License-Identifier: GPL-3.0-or-later
// Unmodified QEMU joins a netloom switch started as an ordinary user, three ways at once:
// -nic vde (libvdeplug, the vde_switch control protocol), -netdev stream (length-prefixed
// unix stream, QEMU connecting to the switch) and -netdev dgram (unix datagrams). No guest OS:
// each NIC's iPXE boot ROM sends DHCPDISCOVER, which the switch must report with the
// guest's MAC, and flood to the other two guests.
#include "switchharness.h"

#include <QtTest>

using namespace netloom::test;

class TestSwitchQemuNetns : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        requireRoot();
        requireTool(QStringLiteral("qemu-system-x86_64"));
        requireTool(QStringLiteral("setpriv"));
        if (!QFile::exists(QStringLiteral("/usr/share/qemu/pxe-virtio.rom")) && !QFile::exists(QStringLiteral("/usr/lib/ipxe/qemu/pxe-virtio.rom")))
            skipTest(QStringLiteral("no iPXE ROM for virtio-net (Debian package ipxe-qemu)"));
    }

    void qemuGuestsDhcpThroughEveryTransport()
    {
        ScopedNetns ns(QStringLiteral("swqemu"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        NobodyDir dir;
        const QString sock = dir.file(QStringLiteral("sw")), stream = dir.file(QStringLiteral("stream.sock")),
                      dgram = dir.file(QStringLiteral("dgram.sock")), dgramLocal = dir.file(QStringLiteral("qemu-dgram.sock"));
        SwitchProcess sw(ns, {QStringLiteral("--sock"), sock, QStringLiteral("--port"), QStringLiteral("stream:") + stream,
                              QStringLiteral("--port"), QStringLiteral("dgram:") + dgram});
        QVERIFY2(sw.ok(), qPrintable(sw.error()));

        const QStringList common{QStringLiteral("qemu-system-x86_64"), QStringLiteral("-accel"), QStringLiteral("tcg"),
                                 QStringLiteral("-display"), QStringLiteral("none"), QStringLiteral("-nodefaults"),
                                 QStringLiteral("-m"), QStringLiteral("64"), QStringLiteral("-serial"), QStringLiteral("none")};
        struct Guest {
            QString mac, kind;
            QStringList nic;
        };
        const QList<Guest> guests{
            {QStringLiteral("52:54:00:5e:00:01"), QStringLiteral("vde"),
             {QStringLiteral("-nic"), QStringLiteral("vde,sock=%1,mac=52:54:00:5e:00:01,model=virtio-net-pci").arg(sock)}},
            {QStringLiteral("52:54:00:5e:00:02"), QStringLiteral("stream"),
             {QStringLiteral("-netdev"), QStringLiteral("stream,id=n0,server=off,addr.type=unix,addr.path=%1").arg(stream),
              QStringLiteral("-device"), QStringLiteral("virtio-net-pci,netdev=n0,mac=52:54:00:5e:00:02")}},
            {QStringLiteral("52:54:00:5e:00:03"), QStringLiteral("dgram"),
             {QStringLiteral("-netdev"), QStringLiteral("dgram,id=n0,local.type=unix,local.path=%1,remote.type=unix,remote.path=%2").arg(dgramLocal, dgram),
              QStringLiteral("-device"), QStringLiteral("virtio-net-pci,netdev=n0,mac=52:54:00:5e:00:03")}},
        };
        QList<QProcess *> qemus;
        for (const Guest &g : guests) {
            auto *p = new QProcess(this);
            QStringList argv = asNobody(ns) + common + g.nic;
            p->setProcessChannelMode(QProcess::MergedChannels);
            p->start(argv.takeFirst(), argv);
            QVERIFY(p->waitForStarted(5000));
            qemus << p;
        }
        auto cleanup = qScopeGuard([&] {
            for (QProcess *p : qemus) {
                p->kill();
                p->waitForFinished(3000);
            }
        });

        // TCG is slow here: allow each ROM up to 60 s in total to reach DHCP.
        QMap<QString, int> portOfMac;
        for (qsizetype gi = 0; gi < guests.size(); ++gi) {
            const Guest &g = guests[gi];
            const QJsonObject ev = sw.waitFor([&](const QJsonObject &o) {
                return o[QStringLiteral("type")] == QLatin1String("address") && o[QStringLiteral("kind")] == QLatin1String("dhcp-discover")
                    && o[QStringLiteral("mac")] == g.mac;
            }, 60000);
            QVERIFY2(!ev.isEmpty(), qPrintable(QStringLiteral("no DHCPDISCOVER from %1 (%2); qemu said: %3")
                                                   .arg(g.mac, g.kind, QString::fromLocal8Bit(qemus[gi]->readAll()))));
            portOfMac[g.mac] = ev[QStringLiteral("port")].toInt();
        }
        // Each came in on a port of the right kind.
        for (const Guest &g : guests) {
            const QJsonObject added = sw.waitFor([&](const QJsonObject &o) {
                return o[QStringLiteral("type")] == QLatin1String("port-added") && o[QStringLiteral("port")].toInt() == portOfMac[g.mac];
            }, 100);
            QCOMPARE(added[QStringLiteral("kind")].toString(), g.kind);
        }
        // Broadcasts were flooded to the others, on every transport.
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
            const QMap<int, QJsonObject> c = sw.counters();
            for (const Guest &g : guests)
                if (c[portOfMac[g.mac]][QStringLiteral("tx_broadcast")].toInteger() < 1)
                    return false;
            return true;
        })(), 20000);
        cleanup.dismiss();
        for (QProcess *p : qemus) {
            p->kill();
            p->waitForFinished(3000);
        }
        // The vde and stream clients' departure is noticed.
        QVERIFY(!sw.waitFor([&](const QJsonObject &o) {
                       return o[QStringLiteral("type")] == QLatin1String("port-removed") && o[QStringLiteral("port")].toInt() == portOfMac[guests[0].mac];
                   }, 5000).isEmpty());
        QVERIFY(!sw.waitFor([&](const QJsonObject &o) {
                       return o[QStringLiteral("type")] == QLatin1String("port-removed") && o[QStringLiteral("port")].toInt() == portOfMac[guests[1].mac];
                   }, 5000).isEmpty());
        QCOMPARE(sw.stop(), 130);
    }
};

QTEST_GUILESS_MAIN(TestSwitchQemuNetns)
#include "test_switch_qemu_netns.moc"
