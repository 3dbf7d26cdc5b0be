// SPDX-License-Identifier: GPL-3.0-or-later
// End to end through real taps and real dnsmasq: two namespace guests attached to the switch
// by user-owned taps get leases from a dnsmasq behind the switch's host tap and ping each
// other; the switch reports their IPs and DHCP hostnames; its counters match the kernel's tap
// counters exactly. Then two switches in two namespaces joined by a libvdeplug udp:// cable
// carry a DHCP exchange end to end.
#include "switchharness.h"

#include <QJsonDocument>
#include <QtTest>

using namespace netloom::test;

namespace {

const char *kUdhcpcScript =
    "#!/bin/sh\n"
    "case \"$1\" in\n"
    "  bound|renew) ip addr flush dev \"$interface\"; ip addr add \"$ip/${mask:-24}\" dev \"$interface\" ;;\n"
    "esac\n"
    "exit 0\n";

bool sh(const ScopedNetns &ns, const QString &script, QString *err = nullptr)
{
    const CommandResult r = ns.sh(script, 20000);
    if (r.exitCode != 0 && err)
        *err = QStringLiteral("%1: %2").arg(script, r.describe());
    return r.exitCode == 0;
}

QString macOf(const ScopedNetns &ns, const QString &ifname)
{
    return QString::fromLatin1(ns.exec({QStringLiteral("cat"), QStringLiteral("/sys/class/net/%1/address").arg(ifname)}).out.trimmed());
}

qint64 stat(const ScopedNetns &ns, const QString &ifname, const QString &name)
{
    return ns.exec({QStringLiteral("cat"), QStringLiteral("/sys/class/net/%1/statistics/%2").arg(ifname, name)}).out.trimmed().toLongLong();
}

// A tap owned by nobody, created in `home`, optionally moved into `guest` (IPv6 off so the
// segment stays quiet once the test is done talking).
QString makeTap(const ScopedNetns &home, const QString &name, const ScopedNetns *guest)
{
    QString err;
    if (!sh(home, QStringLiteral("ip tuntap add dev %1 mode tap user %2 && sysctl -qw net.ipv6.conf.%1.disable_ipv6=1").arg(name).arg(kNobody), &err))
        return err;
    if (guest && !sh(*guest, QStringLiteral("sysctl -qw net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.all.disable_ipv6=1"), &err))
        return err;
    return {};
}

QStringList dnsmasq(const ScopedNetns &ns, const QString &ifname, const QString &range, const QString &dir)
{
    return ns.prefix() + QStringList{QStringLiteral("dnsmasq"), QStringLiteral("--no-daemon"), QStringLiteral("--conf-file=/dev/null"),
                                     QStringLiteral("--interface=%1").arg(ifname), QStringLiteral("--bind-interfaces"),
                                     QStringLiteral("--except-interface=lo"), QStringLiteral("--dhcp-range=%1,12h").arg(range),
                                     QStringLiteral("--dhcp-leasefile=%1/leases").arg(dir), QStringLiteral("--pid-file=%1/dnsmasq.pid").arg(dir),
                                     QStringLiteral("--port=0"), QStringLiteral("--log-dhcp")};
}

bool isAddress(const QJsonObject &o, const QString &kind, const QString &mac)
{
    return o[QStringLiteral("type")] == QLatin1String("address") && o[QStringLiteral("kind")] == kind && o[QStringLiteral("mac")] == mac;
}

}  // namespace

class TestSwitchDhcpNetns : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    QString m_script;

private slots:
    void initTestCase()
    {
        requireRoot();
        for (const char *tool : {"dnsmasq", "busybox", "setpriv", "iperf3"})
            requireTool(QString::fromLatin1(tool));
        m_script = m_tmp.filePath(QStringLiteral("udhcpc.sh"));
        QFile f(m_script);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kUdhcpcScript);
        f.close();
        QFile::setPermissions(m_script, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }

    void tapGuestsGetLeasesAndPing()
    {
        ScopedNetns host(QStringLiteral("swhost")), g1(QStringLiteral("swg1")), g2(QStringLiteral("swg2"));
        QVERIFY2(host.ok() && g1.ok() && g2.ok(), qPrintable(host.error() + g1.error() + g2.error()));
        QString err;
        QVERIFY2((err = makeTap(host, QStringLiteral("loomh"), nullptr)).isEmpty(), qPrintable(err));
        QVERIFY2((err = makeTap(host, QStringLiteral("loomg1"), &g1)).isEmpty(), qPrintable(err));
        QVERIFY2((err = makeTap(host, QStringLiteral("loomg2"), &g2)).isEmpty(), qPrintable(err));

        SwitchProcess sw(host, {QStringLiteral("--tap"), QStringLiteral("loomh"), QStringLiteral("--tap"), QStringLiteral("loomg1"),
                                QStringLiteral("--tap"), QStringLiteral("loomg2")});
        QVERIFY2(sw.ok(), qPrintable(sw.error()));
        for (int port = 1; port <= 3; ++port)
            QVERIFY(!sw.waitFor([port](const QJsonObject &o) { return o[QStringLiteral("type")] == QLatin1String("port-added") && o[QStringLiteral("port")].toInt() == port; }, 5000).isEmpty());

        // Hand the guest taps to their namespaces (the switch keeps its open descriptors).
        QVERIFY2(sh(host, QStringLiteral("ip link set loomg1 netns %1 && ip link set loomg2 netns %2").arg(g1.name(), g2.name()), &err), qPrintable(err));
        QVERIFY2(sh(host, QStringLiteral("ip addr add 10.77.0.1/24 dev loomh && ip link set loomh up"), &err), qPrintable(err));
        QVERIFY2(sh(g1, QStringLiteral("ip link set loomg1 up"), &err), qPrintable(err));
        QVERIFY2(sh(g2, QStringLiteral("ip link set loomg2 up"), &err), qPrintable(err));

        QProcess dns;
        QStringList argv = dnsmasq(host, QStringLiteral("loomh"), QStringLiteral("10.77.0.50,10.77.0.99"), m_tmp.path());
        dns.start(argv.takeFirst(), argv);
        QVERIFY(dns.waitForStarted(5000));
        QTest::qWait(300);

        const QString mac1 = macOf(g1, QStringLiteral("loomg1")), mac2 = macOf(g2, QStringLiteral("loomg2"));
        const QStringList udhcpc{QStringLiteral("busybox"), QStringLiteral("udhcpc"), QStringLiteral("-n"), QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("5"),
                                 QStringLiteral("-T"), QStringLiteral("2"), QStringLiteral("-s"), m_script, QStringLiteral("-i")};
        const CommandResult l1 = g1.exec(udhcpc + QStringList{QStringLiteral("loomg1"), QStringLiteral("-x"), QStringLiteral("hostname:guest-one")}, 30000);
        QVERIFY2(l1.exitCode == 0, qPrintable(l1.describe() + QString::fromLocal8Bit(dns.readAllStandardError())));
        const CommandResult l2 = g2.exec(udhcpc + QStringList{QStringLiteral("loomg2"), QStringLiteral("-x"), QStringLiteral("hostname:guest-two")}, 30000);
        QVERIFY2(l2.exitCode == 0, qPrintable(l2.describe()));

        // The switch saw both exchanges: requests carry the hostnames, ACKs the addresses.
        const QJsonObject ack1 = sw.waitFor([&](const QJsonObject &o) { return isAddress(o, QStringLiteral("dhcp-ack"), mac1); }, 3000);
        const QJsonObject ack2 = sw.waitFor([&](const QJsonObject &o) { return isAddress(o, QStringLiteral("dhcp-ack"), mac2); }, 3000);
        QVERIFY2(!ack1.isEmpty() && !ack2.isEmpty(), "no dhcp-ack events");
        const QString ip1 = ack1[QStringLiteral("ip")].toString(), ip2 = ack2[QStringLiteral("ip")].toString();
        QVERIFY2(ip1.startsWith(QStringLiteral("10.77.0.")) && ip2.startsWith(QStringLiteral("10.77.0.")) && ip1 != ip2, qPrintable(ip1 + u' ' + ip2));
        QCOMPARE(ack1[QStringLiteral("port")].toInt(), 1);  // ingress: the server's tap
        QCOMPARE(ack1[QStringLiteral("server_id")].toString(), QStringLiteral("10.77.0.1"));
        QVERIFY(ack1[QStringLiteral("lease_seconds")].toInt() == 12 * 3600);
        const QJsonObject req1 = sw.waitFor([&](const QJsonObject &o) { return isAddress(o, QStringLiteral("dhcp-request"), mac1); }, 100);
        QCOMPARE(req1[QStringLiteral("hostname")].toString(), QStringLiteral("guest-one"));
        QCOMPARE(req1[QStringLiteral("ip")].toString(), ip1);
        QCOMPARE(req1[QStringLiteral("port")].toInt(), 2);
        const QJsonObject req2 = sw.waitFor([&](const QJsonObject &o) { return isAddress(o, QStringLiteral("dhcp-request"), mac2); }, 100);
        QCOMPARE(req2[QStringLiteral("hostname")].toString(), QStringLiteral("guest-two"));
        // The kernel agrees on the addresses.
        QVERIFY(g1.exec({QStringLiteral("ip"), QStringLiteral("-4"), QStringLiteral("addr"), QStringLiteral("show"), QStringLiteral("loomg1")}).out.contains(ip1.toLatin1()));

        const CommandResult ping = g1.exec({QStringLiteral("busybox"), QStringLiteral("ping"), QStringLiteral("-c"), QStringLiteral("3"),
                                            QStringLiteral("-W"), QStringLiteral("2"), ip2}, 15000);
        QVERIFY2(ping.exitCode == 0, qPrintable(ping.describe()));
        QVERIFY(ping.out.contains("3 packets received"));
        // ARP seen by the switch names guest two's address too.
        QVERIFY(!sw.waitFor([&](const QJsonObject &o) {
                       return o[QStringLiteral("type")] == QLatin1String("address") && o[QStringLiteral("kind")].toString().startsWith(QLatin1String("arp"))
                           && o[QStringLiteral("ip")] == ip2 && o[QStringLiteral("mac")] == mac2;
                   }, 3000).isEmpty());

        // TCP between the guests: with every port a tap, offloads are on and GSO super-frames
        // cross the switch untouched (the counters below must still match the kernel's).
        QProcess server;
        QStringList sargv = g2.prefix() + QStringList{QStringLiteral("iperf3"), QStringLiteral("-s"), QStringLiteral("-1")};
        server.start(sargv.takeFirst(), sargv);
        QVERIFY(server.waitForStarted(5000));
        QTest::qWait(300);
        const CommandResult tcp = g1.exec({QStringLiteral("iperf3"), QStringLiteral("-c"), ip2, QStringLiteral("-t"), QStringLiteral("1"),
                                           QStringLiteral("-J")}, 20000);
        QVERIFY2(tcp.exitCode == 0, qPrintable(tcp.describe()));
        const double bps = QJsonDocument::fromJson(tcp.out)[QStringLiteral("end")][QStringLiteral("sum_received")][QStringLiteral("bits_per_second")].toDouble();
        qInfo("TCP between tap guests through the switch: %.2f Gbit/s", bps / 1e9);
        QVERIFY(bps > 1e6);
        server.waitForFinished(5000);

        // Counters add up: what the switch read from a tap is what the kernel sent on it, and
        // what it wrote is what the kernel received (frames and bytes), on every port.
        dns.terminate();
        dns.waitForFinished(3000);
        struct Tap {
            const ScopedNetns *ns;
            QString name;
            int port;
        };
        const QList<Tap> taps{{&host, QStringLiteral("loomh"), 1}, {&g1, QStringLiteral("loomg1"), 2}, {&g2, QStringLiteral("loomg2"), 3}};
        bool matched = false;
        QString last;
        for (int attempt = 0; attempt < 20 && !matched; ++attempt) {
            QTest::qWait(200);
            QMap<QString, qint64> k1, k2;
            for (const Tap &t : taps)
                for (const char *s : {"tx_packets", "rx_packets", "tx_bytes", "rx_bytes"})
                    k1[t.name + QLatin1String(s)] = stat(*t.ns, t.name, QLatin1String(s));
            const QMap<int, QJsonObject> c = sw.counters();
            for (const Tap &t : taps)
                for (const char *s : {"tx_packets", "rx_packets", "tx_bytes", "rx_bytes"})
                    k2[t.name + QLatin1String(s)] = stat(*t.ns, t.name, QLatin1String(s));
            if (k1 != k2)
                continue;  // traffic in flight; try again
            matched = true;
            last.clear();
            for (const Tap &t : taps) {
                const QJsonObject &p = c[t.port];
                const bool same = p[QStringLiteral("rx_frames")].toInteger() == k1[t.name + QLatin1String("tx_packets")]
                    && p[QStringLiteral("tx_frames")].toInteger() == k1[t.name + QLatin1String("rx_packets")]
                    && p[QStringLiteral("rx_bytes")].toInteger() == k1[t.name + QLatin1String("tx_bytes")]
                    && p[QStringLiteral("tx_bytes")].toInteger() == k1[t.name + QLatin1String("rx_bytes")];
                if (!same) {
                    matched = false;
                    last += QStringLiteral("%1: switch rx %2/%3 tx %4/%5, kernel tx %6/%7 rx %8/%9; ")
                                .arg(t.name).arg(p[QStringLiteral("rx_frames")].toInteger()).arg(p[QStringLiteral("rx_bytes")].toInteger())
                                .arg(p[QStringLiteral("tx_frames")].toInteger()).arg(p[QStringLiteral("tx_bytes")].toInteger())
                                .arg(k1[t.name + QLatin1String("tx_packets")]).arg(k1[t.name + QLatin1String("tx_bytes")])
                                .arg(k1[t.name + QLatin1String("rx_packets")]).arg(k1[t.name + QLatin1String("rx_bytes")]);
                }
            }
        }
        QVERIFY2(matched, qPrintable(last));
        const QMap<int, QJsonObject> c = sw.counters();
        QVERIFY(c[2][QStringLiteral("rx_broadcast")].toInteger() >= 2);  // DISCOVER + REQUEST at least
        QCOMPARE(sw.stop(), 130);
    }

    void cableBetweenSwitchesCarriesDhcp()
    {
        ScopedNetns s1(QStringLiteral("swcab1")), s2(QStringLiteral("swcab2")), g(QStringLiteral("swcabg"));
        QVERIFY2(s1.ok() && s2.ok() && g.ok(), qPrintable(s1.error() + s2.error() + g.error()));
        QString err;
        // The "wire" between the two hosts: a veth pair.
        QVERIFY2(sh(s1, QStringLiteral("ip link add loomw1 type veth peer name loomw2 netns %1 && ip addr add 10.9.0.1/24 dev loomw1 && ip link set loomw1 up").arg(s2.name()), &err), qPrintable(err));
        QVERIFY2(sh(s2, QStringLiteral("ip addr add 10.9.0.2/24 dev loomw2 && ip link set loomw2 up"), &err), qPrintable(err));
        QVERIFY2((err = makeTap(s1, QStringLiteral("loomh"), nullptr)).isEmpty(), qPrintable(err));
        QVERIFY2((err = makeTap(s2, QStringLiteral("loomg"), &g)).isEmpty(), qPrintable(err));

        SwitchProcess sw1(s1, {QStringLiteral("--tap"), QStringLiteral("loomh"), QStringLiteral("--port"), QStringLiteral("udp://5000->10.9.0.2:5001")});
        QVERIFY2(sw1.ok(), qPrintable(sw1.error()));
        SwitchProcess sw2(s2, {QStringLiteral("--tap"), QStringLiteral("loomg"), QStringLiteral("--port"), QStringLiteral("udp://5001->10.9.0.1:5000")});
        QVERIFY2(sw2.ok(), qPrintable(sw2.error()));
        QVERIFY(!sw2.waitFor([](const QJsonObject &o) { return o[QStringLiteral("type")] == QLatin1String("port-added") && o[QStringLiteral("kind")] == QLatin1String("vdeplug"); }, 5000).isEmpty());
        QVERIFY2(sh(s2, QStringLiteral("ip link set loomg netns %1").arg(g.name()), &err), qPrintable(err));
        QVERIFY2(sh(g, QStringLiteral("ip link set loomg up"), &err), qPrintable(err));
        QVERIFY2(sh(s1, QStringLiteral("ip addr add 10.78.0.1/24 dev loomh && ip link set loomh up"), &err), qPrintable(err));

        QProcess dns;
        QStringList argv = dnsmasq(s1, QStringLiteral("loomh"), QStringLiteral("10.78.0.50,10.78.0.99"), m_tmp.path());
        dns.start(argv.takeFirst(), argv);
        QVERIFY(dns.waitForStarted(5000));
        QTest::qWait(300);

        const QString mac = macOf(g, QStringLiteral("loomg"));
        const CommandResult lease = g.exec({QStringLiteral("busybox"), QStringLiteral("udhcpc"), QStringLiteral("-n"), QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("5"),
                                            QStringLiteral("-T"), QStringLiteral("2"), QStringLiteral("-s"), m_script, QStringLiteral("-i"),
                                            QStringLiteral("loomg"), QStringLiteral("-x"), QStringLiteral("hostname:far-guest")}, 30000);
        QVERIFY2(lease.exitCode == 0, qPrintable(lease.describe() + QString::fromLocal8Bit(dns.readAllStandardError())));
        // Both switches saw the exchange: the guest's switch on its tap, the server's switch on the cable.
        const QJsonObject ack2 = sw2.waitFor([&](const QJsonObject &o) { return isAddress(o, QStringLiteral("dhcp-ack"), mac); }, 3000);
        QVERIFY(ack2[QStringLiteral("ip")].toString().startsWith(QStringLiteral("10.78.0.")));
        QCOMPARE(ack2[QStringLiteral("port")].toInt(), 2);  // arrived over the cable
        const QJsonObject req1 = sw1.waitFor([&](const QJsonObject &o) { return isAddress(o, QStringLiteral("dhcp-request"), mac); }, 3000);
        QCOMPARE(req1[QStringLiteral("hostname")].toString(), QStringLiteral("far-guest"));
        QCOMPARE(req1[QStringLiteral("port")].toInt(), 2);
        const CommandResult ping = g.exec({QStringLiteral("busybox"), QStringLiteral("ping"), QStringLiteral("-c"), QStringLiteral("2"),
                                           QStringLiteral("-W"), QStringLiteral("2"), QStringLiteral("10.78.0.1")}, 15000);
        QVERIFY2(ping.exitCode == 0, qPrintable(ping.describe()));
        dns.terminate();
        dns.waitForFinished(3000);
        QCOMPARE(sw2.stop(), 130);
        QCOMPARE(sw1.stop(), 130);
    }
};

QTEST_GUILESS_MAIN(TestSwitchDhcpNetns)
#include "test_switch_dhcp_netns.moc"
