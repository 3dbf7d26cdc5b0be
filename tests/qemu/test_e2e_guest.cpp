// SPDX-License-Identifier: GPL-3.0-or-later
// End to end: the demo guest (distro kernel + busybox initramfs, built by the test) boots
// under QemuSupervisor (TCG), gets a DHCP lease from a real dnsmasq through a real switch,
// and the lease reaches LeaseTracker through the dnsmasq lease file -> parser -> watcher.
// Then a graceful ACPI power-down over QMP stops it.
//
// Everything network-side lives in a namespace the test creates: a tap with the gateway
// address, dnsmasq on it, and `vde_switch -tap` (vde2) as the switch. The Netloom switch
// engine is still being written; the runtime issue (#5) will swap vde_switch for it here.
// QEMU itself runs in the test's namespace but only touches the switch's unix socket, so no
// root-namespace interface is created or changed.
#include "leases/leasefilewatcher.h"
#include "leases/leasetracker.h"
#include "qemu/qemusupervisor.h"

#include "common/netns.h"
#include "common/testutil.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace netloom;
using namespace netloom::leases;
using namespace netloom::qemu;

namespace {

constexpr const char *kMac = "52:54:00:4e:4c:01";
constexpr const char *kTap = "loomt0";
constexpr const char *kGateway = "10.77.0.1";

QString fileText(const QString &path)
{
    return QString::fromUtf8(test::readFile(path));
}

}  // namespace

class TestE2eGuest : public QObject {
    Q_OBJECT
private slots:
    void bootLeasePowerdown()
    {
        test::requireRoot();
        const QString qemu = test::requireTool(QStringLiteral("qemu-system-x86_64"));
        test::requireTool(QStringLiteral("vde_switch"));
        test::requireTool(QStringLiteral("dnsmasq"));
        test::requireTool(QStringLiteral("busybox"));
        if (!test::run({qemu, QStringLiteral("-netdev"), QStringLiteral("help")}).out.contains("vde"))
            test::skipTest(QStringLiteral("this QEMU has no vde network backend"));
        QElapsedTimer total;
        total.start();

        // 1. The demo guest, built into the build tree (idempotent, seconds).
        const QString guestDir = test::binaryPath(QStringLiteral("tests/qemu/demo-guest"));
        const test::CommandResult built =
            test::run({test::sourcePath(QStringLiteral("scripts/build-demo-guest")), guestDir}, 60000);
        if (built.exitCode != 0 && built.err.contains("failed to find"))
            test::skipTest(QStringLiteral("cannot build the demo guest: ") + QString::fromUtf8(built.err.trimmed()));
        QVERIFY2(built.exitCode == 0, qPrintable(built.describe()));
        QVERIFY(built.out.contains(guestDir.toUtf8() + "/vmlinuz"));

        // 2. Network: namespace, vde_switch with its tap, gateway address, dnsmasq.
        test::ScopedNetns ns(QStringLiteral("e2e"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString sw = dir.filePath(QStringLiteral("sw"));
        const QString leases = dir.filePath(QStringLiteral("lan.leases"));
        const QString dnsLog = dir.filePath(QStringLiteral("dnsmasq.log"));
        auto up = ns.exec({QStringLiteral("vde_switch"), QStringLiteral("-s"), sw, QStringLiteral("-t"),
                           QString::fromLatin1(kTap), QStringLiteral("-d"), QStringLiteral("-p"),
                           dir.filePath(QStringLiteral("sw.pid"))}, 10000);
        QVERIFY2(up.exitCode == 0, qPrintable(up.describe()));
        auto addr = ns.sh(QStringLiteral("ip addr add %1/24 dev %2 && ip link set %2 up").arg(QLatin1String(kGateway), QLatin1String(kTap)));
        QVERIFY2(addr.exitCode == 0, qPrintable(addr.describe()));
        auto dns = ns.exec({QStringLiteral("dnsmasq"), QStringLiteral("--conf-file=/dev/null"),
                            QStringLiteral("--interface=%1").arg(QLatin1String(kTap)), QStringLiteral("--bind-interfaces"),
                            QStringLiteral("--except-interface=lo"), QStringLiteral("--port=0"),
                            QStringLiteral("--dhcp-range=10.77.0.50,10.77.0.99,2m"), QStringLiteral("--dhcp-authoritative"),
                            QStringLiteral("--no-ping"),  // no 3 s ICMP check before each offer
                            QStringLiteral("--dhcp-leasefile=") + leases, QStringLiteral("--pid-file=") + dir.filePath(QStringLiteral("dnsmasq.pid")),
                            QStringLiteral("--user=root"), QStringLiteral("--log-dhcp"), QStringLiteral("--log-facility=") + dnsLog},
                           10000);
        QVERIFY2(dns.exitCode == 0, qPrintable(dns.describe()));

        // 3. Lease tracking: file watcher -> tracker, with the topology's MAC -> guest map.
        const Mac mac = Mac::parse(QString::fromLatin1(kMac)).value();
        LeaseTableConfig cfg;
        cfg.network = QStringLiteral("lan");
        cfg.owners[mac] = MacOwner{QStringLiteral("alpha-vm"), QStringLiteral("nic0")};
        cfg.expectedServers = {Ipv4::parse(QString::fromLatin1(kGateway)).value()};
        LeaseTracker tracker(cfg);
        LeaseFileWatcher::Options wopt;
        wopt.debounceMs = 100;
        wopt.pollMs = 1000;
        LeaseFileWatcher watcher(leases, wopt);
        connect(&watcher, &LeaseFileWatcher::snapshot, &tracker, &LeaseTracker::apply);
        QSignalSpy readFailures(&watcher, &LeaseFileWatcher::readFailed);
        watcher.start();

        // 4. The guest, under the supervisor.
        const QString serial = dir.filePath(QStringLiteral("serial.log"));
        GuestLaunch launch;
        launch.name = QStringLiteral("alpha-vm");
        launch.argv = {QStringLiteral("qemu-system-x86_64"), QStringLiteral("-accel"), QStringLiteral("tcg"),
                       QStringLiteral("-m"), QStringLiteral("256"), QStringLiteral("-display"), QStringLiteral("none"),
                       QStringLiteral("-nodefaults"), QStringLiteral("-no-reboot"),
                       QStringLiteral("-kernel"), guestDir + QStringLiteral("/vmlinuz"),
                       QStringLiteral("-initrd"), guestDir + QStringLiteral("/initrd.img"),
                       QStringLiteral("-append"), QStringLiteral("console=ttyS0 panic=-1 quiet netloom.hostname=alpha"),
                       QStringLiteral("-nic"), QStringLiteral("vde,sock=%1,model=virtio-net-pci,mac=%2").arg(sw, QLatin1String(kMac))};
        launch.qmpSocket = dir.filePath(QStringLiteral("qmp.sock"));
        launch.serialLog = serial;
        SupervisorTimeouts timeouts;
        timeouts.powerdownMs = 20000;
        QemuSupervisor guest(launch, timeouts);
        QSignalSpy events(&guest, &QemuSupervisor::qmpEvent);
        const Status started = guest.start();
        QVERIFY2(started, qPrintable(started ? QString() : started.error().message));
        QTRY_VERIFY2_WITH_TIMEOUT(guest.state() == QemuSupervisor::State::Running ||
                                      guest.state() == QemuSupervisor::State::Failed,
                                  qPrintable(guest.reason()), 15000);
        QVERIFY2(guest.state() == QemuSupervisor::State::Running, qPrintable(guest.reason()));
        QCOMPARE(guest.accelerator(), QStringLiteral("tcg"));
        QCOMPARE(guest.runStatus(), QStringLiteral("running"));

        // 5. The lease: dnsmasq's file -> parser -> tracker shows the MAC bound with its hostname.
        auto bound = [&] {
            const LeaseEntry *e = tracker.table().find(mac);
            return e && e->state == LeaseState::Bound && e->hostname == QStringLiteral("alpha");
        };
        QElapsedTimer clock;
        clock.start();
        while (!bound() && clock.elapsed() < 45000 && guest.state() == QemuSupervisor::State::Running)
            QTest::qWait(100);
        QVERIFY2(bound(), qPrintable(QStringLiteral("no lease after %1 ms; guest %2 (%3); %4 processes left in %5\n"
                                                    "dnsmasq log:\n%6\nserial:\n%7")
                                         .arg(clock.elapsed())
                                         .arg(QLatin1String(QemuSupervisor::stateName(guest.state())), guest.reason())
                                         .arg(ns.pids().size())
                                         .arg(ns.name(), fileText(dnsLog).right(1500), fileText(serial).right(1000))));
        const LeaseEntry lease = *tracker.table().find(mac);
        qInfo("lease after %lld ms: %s", clock.elapsed(), qPrintable(describeEntry(lease)));
        QCOMPARE(lease.source, LeaseSource::LeaseFile);
        QCOMPARE(lease.guest, QStringLiteral("alpha-vm"));
        // Inside dnsmasq's range 10.77.0.50 .. 10.77.0.99.
        QVERIFY2(lease.ip >= Ipv4::parse(QStringLiteral("10.77.0.50")).value() &&
                     lease.ip <= Ipv4::parse(QStringLiteral("10.77.0.99")).value(),
                 qPrintable(lease.ip.toString()));
        QVERIFY(lease.expiresAtMs > QDateTime::currentMSecsSinceEpoch());
        QVERIFY(!lease.conflict && !tracker.table().hasRogueServer());
        QVERIFY(readFailures.isEmpty());

        // 6. The serial console shows the same lease, then the guest pings its gateway.
        QTRY_VERIFY2_WITH_TIMEOUT(fileText(serial).contains(QStringLiteral("netloom-demo: lease bound ip=%1 ").arg(lease.ip.toString())),
                                  qPrintable(fileText(serial).right(2000)), 10000);
        QVERIFY(fileText(serial).contains(QStringLiteral("hostname=alpha")));
        QTRY_VERIFY2_WITH_TIMEOUT(fileText(serial).contains(QStringLiteral("netloom-demo: ping %1 #1 ok").arg(QLatin1String(kGateway))),
                                  qPrintable(fileText(serial).right(2000)), 15000);

        // 7. Graceful stop: ACPI power button over QMP; the guest powers itself off in time.
        clock.restart();
        guest.stop();
        QTRY_VERIFY2_WITH_TIMEOUT(guest.state() == QemuSupervisor::State::Stopped ||
                                      guest.state() == QemuSupervisor::State::Failed,
                                  qPrintable(guest.reason()), timeouts.powerdownMs + 10000);
        qInfo("stopped after %lld ms: %s", clock.elapsed(), qPrintable(guest.reason()));
        QCOMPARE(guest.state(), QemuSupervisor::State::Stopped);
        QCOMPARE(guest.stoppedBy(), QemuSupervisor::StopStep::Powerdown);
        QVERIFY(clock.elapsed() < timeouts.powerdownMs);
        QVERIFY(fileText(serial).contains(QStringLiteral("netloom-demo: power button pressed")));
        QStringList names;
        for (const auto &e : events)
            names.append(e.at(0).toString());
        QVERIFY2(names.contains(QStringLiteral("POWERDOWN")) && names.contains(QStringLiteral("SHUTDOWN")),
                 qPrintable(names.join(u',')));
        qInfo("total %lld ms", total.elapsed());
    }
};

QTEST_GUILESS_MAIN(TestE2eGuest)
#include "test_e2e_guest.moc"
