// SPDX-License-Identifier: GPL-3.0-or-later
// e2e (issue #11 acceptance): ssh into a guest through its cloud-init seed. The demo topology
// with alpha alone, whose section is the demo's own ({"user": "demo", "userKeys": true}), runs
// under `netloomctl up --json --tcg` in a test namespace with HOME pointing at a directory
// holding a fresh ed25519 key (and a .pub file that is not a key). The demo guest reads the
// seed, creates the user with that key and runs dropbear; once alpha has its lease,
// `netloomctl ssh alpha -i KEY -o BatchMode=yes -- hostname` prints "alpha", another fresh key
// is refused (key logins only, no password fallback), and the run's log names the bad file.
// alpha's NIC is a vhost-user port (issue #12): 3 MB go to the guest and come back intact over
// ssh, TCP with the guest's checksum and segmentation offloads.
#include "common/netns.h"
#include "common/testutil.h"
#include "helper/helperfixture.h"
#include "runtimefixture.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace netloom;
using namespace netloom::runtime::test;

class TestRuntimeSsh : public QObject {
    Q_OBJECT
private slots:
    void sshWithTheStartingUsersKey()
    {
        const QString guestDir = requireDemoGuest();  // skips when dropbear-bin is missing (the script needs it)
        for (const char *tool : {"ssh", "ssh-keygen", "xorriso"})
            netloom::test::requireTool(QString::fromLatin1(tool));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString home = dir.filePath(QStringLiteral("home"));
        QVERIFY(QDir().mkpath(home + QStringLiteral("/.ssh")));
        const QString key = home + QStringLiteral("/.ssh/id_ed25519");
        const QString wrongKey = dir.filePath(QStringLiteral("wrong"));
        for (const QString &k : {key, wrongKey}) {
            const auto made = netloom::test::makeSshKey(k);
            QVERIFY2(made.exitCode == 0, qPrintable(made.describe()));
        }
        QFile junk(home + QStringLiteral("/.ssh/junk.pub"));
        QVERIFY(junk.open(QIODevice::WriteOnly) && junk.write("not a key\n") > 0);
        junk.close();
        qputenv("HOME", home.toLocal8Bit());  // netloomctl up inherits it

        netloom::test::ScopedNetns ns(QStringLiteral("rtssh"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        QDir(dir.path()).mkdir(QStringLiteral("helper"));
        QDir(dir.path()).mkdir(QStringLiteral("xdg"));
        const QString xdg = dir.filePath(QStringLiteral("xdg"));
        helper::test::HelperProcess helper(ns, dir.filePath(QStringLiteral("helper")));
        QVERIFY2(helper.start(), qPrintable(helper.log()));

        // The demo with alpha alone (TCG guests are slow on a loaded machine); alpha keeps the
        // demo's cloud-init section, which this test is about.
        QJsonObject topo = demoTopology(guestDir);
        QJsonArray nodes, links;
        for (const QJsonValue &v : topo.value(QStringLiteral("nodes")).toArray()) {
            QJsonObject n = v.toObject();
            if (n.value(QStringLiteral("id")).toString() == QLatin1String("beta"))
                continue;
            if (n.value(QStringLiteral("id")).toString() == QLatin1String("alpha")) {
                // On a vhost-user port: the bulk copy below is TCP with the guest's checksum
                // and TSO offloads, passed through between its rings and the gateway's tap.
                QJsonObject g = n.value(QStringLiteral("guest")).toObject();
                QJsonArray nics = g.value(QStringLiteral("nics")).toArray();
                for (qsizetype k = 0; k < nics.size(); ++k) {
                    QJsonObject nic = nics[k].toObject();
                    nic.insert(QStringLiteral("transport"), QStringLiteral("vhost-user"));
                    nics[k] = nic;
                }
                g.insert(QStringLiteral("nics"), nics);
                n.insert(QStringLiteral("guest"), g);
            }
            nodes.append(n);
        }
        for (const QJsonValue &v : topo.value(QStringLiteral("links")).toArray())
            if (!v.toObject().value(QStringLiteral("id")).toString().startsWith(QLatin1String("beta")))
                links.append(v);
        topo.insert(QStringLiteral("nodes"), nodes);
        topo.insert(QStringLiteral("links"), links);
        for (const QJsonValue &v : nodes)
            if (v.toObject().value(QStringLiteral("id")).toString() == QLatin1String("alpha"))
                QCOMPARE(v.toObject().value(QStringLiteral("guest")).toObject().value(QStringLiteral("cloudInit")).toObject(),
                         (QJsonObject{{QStringLiteral("user"), QStringLiteral("demo")}, {QStringLiteral("userKeys"), true}}));
        const QString file = writeTopology(dir.path(), QStringLiteral("demo"), topo);

        QElapsedTimer clock;
        clock.start();
        UpProcess up(ns, xdg);
        up.start({file, QStringLiteral("--helper-socket"), helper.socketPath(), QStringLiteral("--json"), QStringLiteral("--tcg")});
        const QJsonObject started = up.waitStarted(30000);
        QVERIFY2(started.value(QStringLiteral("event")).toString() == QLatin1String("started"), qPrintable(up.describe()));
        const QString control = started.value(QStringLiteral("control")).toString();
        // The file that is not a key is named in the run's log.
        QVERIFY2(!up.waitEvent([&](const QJsonObject &e) {
                        return e.value(QStringLiteral("event")).toString() == QLatin1String("log") &&
                               e.value(QStringLiteral("level")).toString() == QLatin1String("warning") &&
                               e.value(QStringLiteral("message")).toString().contains(home + QStringLiteral("/.ssh/junk.pub"));
                    }, 1000).isEmpty(),
                 qPrintable(up.describe()));

        // alpha's lease, then its ssh server (the serial console says so).
        const QJsonObject leased = up.waitEvent([](const QJsonObject &e) {
            if (e.value(QStringLiteral("event")).toString() != QLatin1String("leases"))
                return false;
            for (const QJsonValue &v : e.value(QStringLiteral("leases")).toArray())
                if (v.toObject().value(QStringLiteral("guest")).toString() == QLatin1String("alpha") &&
                    v.toObject().value(QStringLiteral("state")).toString() == QLatin1String("bound"))
                    return true;
            return false;
        }, 60000);
        QVERIFY2(!leased.isEmpty(), qPrintable(up.describe()));
        const QString serialLog = xdg + QStringLiteral("/netloom/demo/guest-alpha.serial.log");
        QTRY_VERIFY2_WITH_TIMEOUT(!linesWith(serialLog, QStringLiteral("netloom-demo: ssh server on port 22")).isEmpty(),
                                  qPrintable(QString::fromUtf8(netloom::test::readFile(serialLog)).right(2000)), 20000);
        QCOMPARE(linesWith(serialLog, QStringLiteral("netloom-demo: cloud-init user ")),
                 QStringList{QStringLiteral("netloom-demo: cloud-init user demo, 1 key(s)")});

        // netloomctl ssh, inside the namespace where the guest's network is.
        const QString ctl = netloom::test::binaryPath(QStringLiteral("app/cli/netloomctl"));
        auto ssh = [&](const QString &identity) {
            return ns.exec({ctl, QStringLiteral("ssh"), QStringLiteral("alpha"), QStringLiteral("--socket"), control, QStringLiteral("-i"),
                            identity, QStringLiteral("-o"), QStringLiteral("BatchMode=yes"), QStringLiteral("-o"),
                            QStringLiteral("ConnectTimeout=20"), QStringLiteral("--"), QStringLiteral("hostname")},
                           40000);
        };
        const auto in = ssh(key);
        QVERIFY2(in.exitCode == 0 && in.out == "alpha\n", qPrintable(in.describe()));
        const qint64 bootToSsh = clock.elapsed();
        const auto refused = ssh(wrongKey);
        QVERIFY2(refused.exitCode == 255 && refused.err.contains("Permission denied (publickey)"), qPrintable(refused.describe()));
        // A missing key file is refused before ssh runs.
        const auto missing = ns.exec({ctl, QStringLiteral("ssh"), QStringLiteral("alpha"), QStringLiteral("--socket"), control,
                                      QStringLiteral("-i"), dir.filePath(QStringLiteral("nosuch"))});
        QVERIFY2(missing.exitCode == 2 && missing.err.contains("no such file"), qPrintable(missing.describe()));

        // Bulk TCP both ways through the vhost-user port: 3 MB of random bytes to the guest and
        // back, compared byte for byte (segmentation and checksum offloads on both sides).
        const QString blob = dir.filePath(QStringLiteral("blob")), back = dir.filePath(QStringLiteral("back"));
        {
            QFile f(blob);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QByteArray bytes(3 * 1000 * 1000, Qt::Uninitialized);
            for (qsizetype i = 0; i < bytes.size(); ++i)
                bytes[i] = char(QRandomGenerator::global()->generate());
            QVERIFY(f.write(bytes) == bytes.size());
        }
        const QString sshCmd = QStringLiteral("'%1' ssh alpha --socket '%2' -i '%3' -o BatchMode=yes -o ConnectTimeout=20 -- ")
                                   .arg(ctl, control, key);
        QElapsedTimer copy;
        copy.start();
        const auto put = ns.exec({QStringLiteral("sh"), QStringLiteral("-c"), sshCmd + QStringLiteral("'cat > /tmp/blob' < '%1'").arg(blob)}, 60000);
        QVERIFY2(put.exitCode == 0, qPrintable(put.describe()));
        const auto get = ns.exec({QStringLiteral("sh"), QStringLiteral("-c"), sshCmd + QStringLiteral("'cat /tmp/blob' > '%1'").arg(back)}, 60000);
        QVERIFY2(get.exitCode == 0, qPrintable(get.describe()));
        const qint64 copyMs = copy.elapsed();
        QCOMPARE(netloom::test::readFile(back).size(), qsizetype(3 * 1000 * 1000));
        QVERIFY(netloom::test::readFile(back) == netloom::test::readFile(blob));

        const int code = up.signalAndWait(SIGINT, 40000);
        QVERIFY2(code == 130, qPrintable(QStringLiteral("exit %1\n%2").arg(code).arg(up.describe())));
        QVERIFY2(filesUnder(xdg).isEmpty(), qPrintable(filesUnder(xdg).join(u'\n')));
        qInfo("netloomctl up to a working ssh login took %lld ms; 2 x 3 MB over ssh through vhost-user took %lld ms", bootToSsh, copyMs);
    }
};

QTEST_GUILESS_MAIN(TestRuntimeSsh)
#include "test_runtime_ssh.moc"
