// SPDX-License-Identifier: GPL-3.0-or-later
// The exported script of examples/demo.json with a real QEMU guest: guest alpha (distro
// kernel + busybox initramfs built by scripts/build-demo-guest, TCG) boots from the script's
// qemu line, gets a lease from the script's dnsmasq through its vde_switch and pings the
// gateway; `stop` then leaves nothing behind in the namespace. Only alpha runs (beta is
// removed from the topology): TCG guests are slow on a loaded 2-core machine. The script is
// made by `netloomctl export` with HOME holding a fresh ed25519 key: alpha's cloud-init
// section (the demo's {"user": "demo", "userKeys": true}) puts that key into the script's
// seed, so ssh with it logs in as demo and prints "alpha", and another key is refused.
#include "common/netns.h"
#include "common/testutil.h"
#include "model/topologyjson.h"
#include "nssnapshot.h"
#include "plan/topologyloader.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QLocalSocket>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace netloom;

class TestExportE2e : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void demoGuestLeasesAndPings()
    {
        test::requireRoot();
        for (const char *tool : {"ip", "vde_switch", "dnsmasq", "nft", "busybox", "xorriso", "ssh", "ssh-keygen"})
            test::requireTool(QString::fromLatin1(tool));
        const QString qemu = test::requireTool(QStringLiteral("qemu-system-x86_64"));
        if (!test::run({qemu, QStringLiteral("-netdev"), QStringLiteral("help")}).out.contains("vde"))
            test::skipTest(QStringLiteral("this QEMU has no vde network backend"));

        // The demo guest, built next to where the exported script expects demo-guest/.
        const QString labDir = test::binaryPath(QStringLiteral("tests/export/demo-lab"));
        const test::CommandResult built =
            test::run({test::sourcePath(QStringLiteral("scripts/build-demo-guest")), labDir + QStringLiteral("/demo-guest")}, 60000);
        if (built.exitCode != 0 && built.err.contains("failed to find"))
            test::skipTest(QStringLiteral("cannot build the demo guest: ") + QString::fromUtf8(built.err.trimmed()));
        QVERIFY2(built.exitCode == 0, qPrintable(built.describe()));

        Result<model::Topology> t = plan::loadTopologyForPlan(test::sourcePath(QStringLiteral("examples/demo.json")));
        QVERIFY2(t.isOk(), qPrintable(t ? QString() : t.error().message));
        t->nodes.removeIf([](const model::Node &n) { return n.id == QLatin1String("beta"); });
        t->links.removeIf([](const model::Link &l) { return l.a.node == QLatin1String("beta") || l.b.node == QLatin1String("beta"); });
        QStringList macs;
        for (model::Node &n : t->nodes) {
            if (n.type != model::NodeType::Guest)
                continue;
            n.guest.accel = QStringLiteral("tcg");  // KVM inside this kind of VM is unusably slow (notes/debian12-build.md)
            QVERIFY(n.guest.cloudInit && n.guest.cloudInit->userKeys && n.guest.cloudInit->user == QLatin1String("demo"));
            for (const model::NicConfig &nic : n.guest.nics)
                macs << nic.mac;
        }
        QCOMPARE(macs.size(), 1);

        // The exporting user's key: HOME/.ssh/id_ed25519, and another one that is not theirs.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString home = dir.filePath(QStringLiteral("home"));
        QVERIFY(QDir().mkpath(home + QStringLiteral("/.ssh")));
        const QString key = home + QStringLiteral("/.ssh/id_ed25519");
        const QString wrongKey = dir.filePath(QStringLiteral("wrong"));
        for (const QString &k : {key, wrongKey}) {
            const test::CommandResult made = test::makeSshKey(k);
            QVERIFY2(made.exitCode == 0, qPrintable(made.describe()));
        }
        // netloomctl export with that HOME (the topology next to demo-guest/, as the example).
        const QString topologyPath = labDir + QStringLiteral("/demo-alpha.json");
        QVERIFY(model::saveTopologyFile(*t, topologyPath));
        const QString scriptPath = dir.filePath(QStringLiteral("demo.sh"));
        const test::CommandResult exported = test::run({QStringLiteral("env"), QStringLiteral("HOME=") + home,
                                                        test::binaryPath(QStringLiteral("app/cli/netloomctl")), QStringLiteral("export"),
                                                        topologyPath, QStringLiteral("-o"), scriptPath});
        QVERIFY2(exported.exitCode == 0 && exported.err.isEmpty(), qPrintable(exported.describe()));
        QFile::remove(topologyPath);
        const QString state = dir.filePath(QStringLiteral("state"));
        test::ScopedNetns ns(QStringLiteral("exe2e"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        auto runScript = [&](const QString &cmd) {
            // No desktop: the guest's screen must be a VNC unix socket in the state directory.
            return ns.exec({QStringLiteral("env"), QStringLiteral("-u"), QStringLiteral("DISPLAY"), QStringLiteral("-u"),
                            QStringLiteral("WAYLAND_DISPLAY"), QStringLiteral("VNET_STATE_DIR=") + state, QStringLiteral("/bin/sh"),
                            scriptPath, cmd},
                           60000);
        };

        const QString before = test::nsSnapshot(ns, state);
        test::CommandResult r = runScript(QStringLiteral("start"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        r = runScript(QStringLiteral("status"));
        QVERIFY2(r.exitCode == 0 && r.out.contains("guest 'alpha': running"), qPrintable(r.describe()));

        // The guest leases through the script's switch and dnsmasq and pings the gateway.
        static const QRegularExpression pingOk(QStringLiteral("ping 10\\.0\\.2\\.1 #[0-9]+ ok"));
        QByteArray leaseText, serial;
        QDeadlineTimer deadline(120000);
        bool done = false;
        while (!deadline.hasExpired() && !done) {
            QThread::msleep(500);
            leaseText.clear();
            const QStringList files = QDir(state).entryList({QStringLiteral("dnsmasq-*.leases")}, QDir::Files);
            for (const QString &lf : files)
                leaseText += test::readFile(state + QLatin1Char('/') + lf);
            serial = test::readFile(state + QStringLiteral("/guest-alpha.serial.log"));
            done = leaseText.contains(macs[0].toUtf8()) && pingOk.match(QString::fromUtf8(serial)).hasMatch();
        }
        QVERIFY2(done, qPrintable(QStringLiteral("leases:\n%1\nserial:\n%2").arg(QString::fromUtf8(leaseText), QString::fromUtf8(serial.right(3000)))));

        // The guest's screen is a VNC server on the state directory's unix socket, and its
        // serial port a socket that answers typed commands (and logs them).
        QLocalSocket vnc;
        vnc.connectToServer(state + QStringLiteral("/guest-alpha.vnc"));
        QVERIFY2(vnc.waitForConnected(3000), qPrintable(vnc.errorString()));
        QByteArray greeting;
        for (QDeadlineTimer until(5000); greeting.size() < 12 && !until.hasExpired() && vnc.waitForReadyRead(int(until.remainingTime()));)
            greeting += vnc.readAll();
        QCOMPARE(greeting.left(12), QByteArray("RFB 003.008\n"));
        QLocalSocket console;
        console.connectToServer(state + QStringLiteral("/guest-alpha.serial"));
        QVERIFY2(console.waitForConnected(3000), qPrintable(console.errorString()));
        console.write("echo nl-$((6*7))\n");
        QByteArray answer;
        for (QDeadlineTimer until(10000); !answer.contains("nl-42") && !until.hasExpired();)
            if (console.waitForReadyRead(200))
                answer += console.readAll();
        QVERIFY2(answer.contains("nl-42"), answer.constData());
        vnc.abort();
        console.abort();

        // ssh with the exporter's key, at the address dnsmasq leased (its lease file's lines:
        // expiry MAC IP hostname client-id); another key is refused (key logins only).
        QString ip;
        for (const QByteArray &line : leaseText.split('\n')) {
            const QList<QByteArray> f = line.split(' ');
            if (f.size() >= 3 && QString::fromUtf8(f[1]).compare(macs[0], Qt::CaseInsensitive) == 0)
                ip = QString::fromUtf8(f[2]);
        }
        QVERIFY2(!ip.isEmpty(), leaseText.constData());
        QVERIFY2(serial.contains("netloom-demo: cloud-init user demo, 1 key(s)") && serial.contains("netloom-demo: ssh server on port 22"),
                 serial.right(3000).constData());
        auto ssh = [&](const QString &identity) {
            return ns.exec({QStringLiteral("ssh"), QStringLiteral("-i"), identity, QStringLiteral("-o"), QStringLiteral("IdentitiesOnly=yes"),
                            QStringLiteral("-o"), QStringLiteral("BatchMode=yes"), QStringLiteral("-o"), QStringLiteral("StrictHostKeyChecking=no"),
                            QStringLiteral("-o"), QStringLiteral("UserKnownHostsFile=/dev/null"), QStringLiteral("-o"),
                            QStringLiteral("ConnectTimeout=20"), QStringLiteral("demo@") + ip, QStringLiteral("hostname")},
                           40000);
        };
        const test::CommandResult in = ssh(key);
        QVERIFY2(in.exitCode == 0 && in.out == "alpha\n", qPrintable(in.describe()));
        const test::CommandResult refused = ssh(wrongKey);
        QVERIFY2(refused.exitCode == 255 && refused.err.contains("Permission denied (publickey)"), qPrintable(refused.describe()));

        r = runScript(QStringLiteral("stop"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QString after = test::nsSnapshot(ns, state);
        QVERIFY2(before == after, qPrintable(test::snapshotDifference(before, after)));
    }
};

QTEST_GUILESS_MAIN(TestExportE2e)
#include "test_export_e2e.moc"
