// SPDX-License-Identifier: GPL-3.0-or-later
// The real netloom-helper inside a test network namespace, driven through HelperClient:
//  - example (a): user tap + address + nft table + dnsmasq; a guest namespace, cabled to
//    the tap, gets a DHCP lease; teardown leaves the namespace exactly as before;
//  - dnsmasq is supervised; systemd socket activation works;
//  - a client that disconnects takes its non-persistent networks with it, a persistent
//    network survives and is re-adopted after a helper crash.
// Failure injection and crash recovery are in test_helper_recovery.cpp.
#include "common/netns.h"
#include "common/testutil.h"
#include "helperclient/helperclient.h"
#include "helpercalls.h"
#include "helperfixture.h"
#include "hoststates.h"
#include "taprelay.h"

#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <csignal>

using namespace netloom;
using namespace netloom::helper::test;
using namespace netloom::protocol;
using netloom::test::ScopedNetns;

class TestHelperNetns : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        netloom::test::requireRoot();
        for (const char *tool : {"ip", "nft", "dnsmasq", "busybox"})
            netloom::test::requireTool(QString::fromLatin1(tool));
    }

    void exampleAGivesALeaseAndTeardownRestoresEverything()
    {
        ScopedNetns ns(QStringLiteral("hlpa"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        QTemporaryDir dir;
        HelperProcess helper(ns, dir.path());
        QVERIFY2(helper.start(), qPrintable(helper.log()));
        const QString before = snapshot(ns, helper.stateDir(), helper.pid());

        HelperClient client;
        VERIFY_OK(client.connectAndWait(helper.socketPath()));
        Request hello;
        hello.op = Op::Hello;
        auto h = client.call(hello);
        VERIFY_OK(h);
        QCOMPARE(h->value(QStringLiteral("uid")).toInt(), 0);
        QCOMPARE(h->value(QStringLiteral("version")).toInt(), 1);

        auto applied = applyNow(client, QStringLiteral("a"), exampleA());
        VERIFY_OK(applied);
        const QString leaseFile =
            applied->value(QStringLiteral("dnsmasq")).toArray().first().toObject().value(QStringLiteral("leaseFile")).toString();
        QVERIFY(leaseFile.startsWith(helper.stateDir()));

        const auto link = ns.exec({QStringLiteral("ip"), QStringLiteral("-d"), QStringLiteral("link"), QStringLiteral("show"),
                                   QStringLiteral("loomtap0")});
        QVERIFY2(link.out.contains("tun type tap") && link.out.contains("persist on") && link.out.contains("user root"),
                 link.out.constData());
        const auto addr = ns.exec({QStringLiteral("ip"), QStringLiteral("addr"), QStringLiteral("show"), QStringLiteral("loomtap0")});
        QVERIFY2(addr.out.contains("inet 10.0.2.1/24"), addr.out.constData());
        const auto nft = ns.exec({QStringLiteral("nft"), QStringLiteral("list"), QStringLiteral("table"), QStringLiteral("ip"),
                                  QStringLiteral("netloom")});
        QVERIFY2(nft.out.contains("oifname \"eth*\" masquerade"), nft.out.constData());
        const auto fwd = ns.exec({QStringLiteral("cat"), QStringLiteral("/proc/sys/net/ipv4/ip_forward")});
        QCOMPARE(fwd.out.trimmed(), QByteArray("1"));

        // A guest: another namespace with a tap cabled to loomtap0, running a DHCP client.
        ScopedNetns guest(QStringLiteral("hlpg"));
        QVERIFY2(guest.ok(), qPrintable(guest.error()));
        TapRelay relay;
        const QString relayError = relay.start(ns.name(), QStringLiteral("loomtap0"), guest.name(), QStringLiteral("gtap0"));
        QVERIFY2(relayError.isEmpty(), qPrintable(relayError));
        QCOMPARE(guest.exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("set"), QStringLiteral("gtap0"),
                             QStringLiteral("address"), QStringLiteral("52:54:00:12:34:99"), QStringLiteral("up")})
                     .exitCode,
                 0);
        // The DHCP client runs under sh so its exit status is reported as such.
        const auto dhcp = guest.sh(QStringLiteral("busybox udhcpc -f -q -n -i gtap0 -t 8 -T 1 -s /bin/true"), 20000);
        QVERIFY2(dhcp.exitCode == 0, qPrintable(dhcp.describe()));
        QVERIFY2(dhcp.err.contains("lease of 10.0.2.1") || dhcp.out.contains("lease of 10.0.2.1"), qPrintable(dhcp.describe()));
        QVERIFY(waitFor([&] { return netloom::test::readFile(leaseFile).contains("52:54:00:12:34:99 10.0.2.1"); }, 5000));
        relay.stop();

        // Status reports the running dnsmasq.
        Request st;
        st.op = Op::Status;
        st.network = QStringLiteral("a");
        auto status = client.call(st);
        VERIFY_OK(status);
        QVERIFY(status->value(QStringLiteral("dnsmasq")).toArray().first().toObject().value(QStringLiteral("pid")).toInt() > 0);

        // dnsmasq is supervised: killed, it comes back with a new pid.
        const int dnsPid =
            status->value(QStringLiteral("dnsmasq")).toArray().first().toObject().value(QStringLiteral("pid")).toInt();
        QVERIFY(::kill(pid_t(dnsPid), SIGKILL) == 0);
        QVERIFY2(waitFor([&] {
                     auto s2 = client.call(st);
                     const int p = s2 ? s2->value(QStringLiteral("dnsmasq")).toArray().first().toObject().value(QStringLiteral("pid")).toInt() : 0;
                     return p > 0 && p != dnsPid;
                 }, 5000),
                 qPrintable(helper.log()));

        VERIFY_OK(teardownNow(client, QStringLiteral("a")));
        QCOMPARE(snapshot(ns, helper.stateDir(), helper.pid()), before);
        helper.stop();
    }

    void socketActivation()
    {
        // As under systemd: the listening socket arrives as fd 3 with LISTEN_PID/LISTEN_FDS.
        const QString activate = netloom::test::requireTool(QStringLiteral("systemd-socket-activate"));
        ScopedNetns ns(QStringLiteral("hlps"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        QTemporaryDir dir;
        const QString sock = dir.filePath(QStringLiteral("activated.sock"));
        QProcess proc;
        proc.setProcessChannelMode(QProcess::MergedChannels);
        proc.start(ns.prefix().first(), ns.prefix().mid(1) + QStringList{activate, QStringLiteral("-l"), sock,
                   netloom::test::binaryPath(QStringLiteral("helper/netloom-helper")), QStringLiteral("--state-dir"),
                   dir.filePath(QStringLiteral("state"))});
        QVERIFY(proc.waitForStarted(5000));
        QVERIFY(waitFor([&] { return QFile::exists(sock); }, 5000));
        HelperClient client;
        VERIFY_OK(client.connectAndWait(sock));
        Request hello;
        hello.op = Op::Hello;
        auto h = client.call(hello, 10000);
        QVERIFY2(h.isOk(), h ? "" : qPrintable(h.error().message + QString::fromUtf8(proc.readAll())));
        QCOMPARE(h->value(QStringLiteral("version")).toInt(), 1);
        VERIFY_OK(applyNow(client, QStringLiteral("sa"), exampleA(QStringLiteral("loomsa0"))));
        VERIFY_OK(teardownNow(client, QStringLiteral("sa")));
        proc.terminate();
        QVERIFY(proc.waitForFinished(15000));
    }

    void disconnectTearsDownAndPersistentSurvives()
    {
        ScopedNetns ns(QStringLiteral("hlpd"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        QTemporaryDir dir;
        HelperProcess helper(ns, dir.path());
        QVERIFY2(helper.start(), qPrintable(helper.log()));
        const QString before = snapshot(ns, helper.stateDir(), helper.pid());
        HostState persistentState = exampleA(QStringLiteral("loomptap"));
        persistentState.addresses[0].cidr = QStringLiteral("10.0.9.1/24");
        persistentState.nat[0].subnet = QStringLiteral("10.0.9.0/24");
        persistentState.dnsmasq[0].address = QStringLiteral("10.0.9.1");
        persistentState.dnsmasq[0].rangeStart = QStringLiteral("10.0.9.100");
        persistentState.dnsmasq[0].rangeEnd = QStringLiteral("10.0.9.199");
        {
            HelperClient client;
            VERIFY_OK(client.connectAndWait(helper.socketPath()));
            VERIFY_OK(applyNow(client, QStringLiteral("a"), exampleA()));
            VERIFY_OK(applyNow(client, QStringLiteral("p"), persistentState, true));
            QCOMPARE(ns.exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("show"), QStringLiteral("loomtap0")}).exitCode, 0);
        }  // the client goes away
        // Teardown of "a" runs in the helper: its tap goes, and the table keeps only p's rules.
        const auto gone = [&] {
            const auto nft = ns.exec({QStringLiteral("nft"), QStringLiteral("list"), QStringLiteral("ruleset")});
            return ns.exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("show"), QStringLiteral("loomtap0")}).exitCode != 0
                && nft.out.contains("10.0.9.0/24") && !nft.out.contains("10.0.2.0/24")
                && helper.log().contains(QStringLiteral("tore down network a"));
        };
        QVERIFY2(waitFor(gone, 5000), qPrintable(helper.log()));
        QCOMPARE(ns.exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("show"), QStringLiteral("loomptap")}).exitCode, 0);

        // Crash, restart: the persistent network is re-adopted, its dnsmasq restarted, and
        // its tap — deleted by someone meanwhile — created again.
        helper.kill9();
        QCOMPARE(ns.exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("del"), QStringLiteral("loomptap")}).exitCode, 0);
        HelperProcess again(ns, dir.path());
        QVERIFY2(again.start(), qPrintable(again.log()));
        HelperClient client;
        VERIFY_OK(client.connectAndWait(again.socketPath()));
        Request list;
        list.op = Op::List;
        auto listed = client.call(list);
        VERIFY_OK(listed);
        QCOMPARE(listed->value(QStringLiteral("networks")).toArray().size(), 1);
        Request st;
        st.op = Op::Status;
        st.network = QStringLiteral("p");
        auto status = client.call(st);
        VERIFY_OK(status);
        const int pid = status->value(QStringLiteral("dnsmasq")).toArray().first().toObject().value(QStringLiteral("pid")).toInt();
        QVERIFY(pid > 0);
        QVERIFY(ns.pids().contains(pid));
        const auto addr = ns.exec({QStringLiteral("ip"), QStringLiteral("addr"), QStringLiteral("show"), QStringLiteral("loomptap")});
        QVERIFY2(addr.exitCode == 0 && addr.out.contains("inet 10.0.9.1/24"), qPrintable(addr.describe() + again.log()));
        VERIFY_OK(teardownNow(client, QStringLiteral("p")));
        QCOMPARE(snapshot(ns, again.stateDir(), again.pid()), before);
        again.stop();
    }
};

QTEST_GUILESS_MAIN(TestHelperNetns)
#include "test_helper_netns.moc"
