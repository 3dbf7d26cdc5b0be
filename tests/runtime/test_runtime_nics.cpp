// SPDX-License-Identifier: GPL-3.0-or-later
// e2e (issue #5 acceptance): NIC modes without any switch or helper. A user-mode guest with a
// host port forward serves HTTP that a client in the namespace reaches through the forward;
// two guests on a socket VLAN (listen/connect) ping each other. SIGINT leaves nothing behind.
// `netloomctl up` runs as a temporary unprivileged user (setpriv): the runtime needs no root.
#include "common/netns.h"
#include "common/testutil.h"
#include "runtimefixture.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/stat.h>
#include <unistd.h>

using namespace netloom;
using namespace netloom::runtime::test;

namespace {

QJsonObject guest(const QString &id, const QString &guestDir, const QString &append, const QJsonObject &nic)
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("type"), QStringLiteral("guest")},
                       {QStringLiteral("name"), id},
                       {QStringLiteral("guest"), QJsonObject{{QStringLiteral("memoryMiB"), 192},
                                                             {QStringLiteral("kernel"), guestDir + QStringLiteral("/vmlinuz")},
                                                             {QStringLiteral("initrd"), guestDir + QStringLiteral("/initrd.img")},
                                                             {QStringLiteral("append"), QStringLiteral("console=ttyS0 quiet netloom.hostname=") + id + u' ' + append},
                                                             {QStringLiteral("nics"), QJsonArray{nic}}}}};
}

}  // namespace

class TestRuntimeNics : public QObject {
    Q_OBJECT
private slots:
    void userForwardAndSocketVlan()
    {
        const QString guestDir = requireDemoGuest();
        const QString wget = netloom::test::requireTool(QStringLiteral("busybox"));
        netloom::test::ScopedNetns ns(QStringLiteral("rtnics"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        netloom::test::requireTool(QStringLiteral("setpriv"));
        netloom::test::requireTool(QStringLiteral("useradd"));
        // Run as an ordinary user: nothing here needs root.
        TempUser user;
        QVERIFY2(user.ok(), "cannot create a temporary user");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadOther |
                                                      QFile::ExeOther | QFile::ReadGroup | QFile::ExeGroup));
        QDir(dir.path()).mkdir(QStringLiteral("xdg"));
        const QString xdg = dir.filePath(QStringLiteral("xdg"));
        QCOMPARE(::chown(QFile::encodeName(xdg).constData(), user.uid(), user.gid()), 0);
        QCOMPARE(::chmod(QFile::encodeName(xdg).constData(), 0700), 0);
        const QJsonObject userNic{{QStringLiteral("id"), QStringLiteral("net0")},
                                  {QStringLiteral("mode"), QStringLiteral("user")},
                                  {QStringLiteral("user"), QJsonObject{{QStringLiteral("forwards"),
                                                                        QJsonArray{QJsonObject{{QStringLiteral("protocol"), QStringLiteral("tcp")},
                                                                                               {QStringLiteral("hostAddress"), QStringLiteral("127.0.0.1")},
                                                                                               {QStringLiteral("hostPort"), 18080},
                                                                                               {QStringLiteral("guestPort"), 8080}}}}}}};
        auto socketNic = [](const QString &kind) {
            return QJsonObject{{QStringLiteral("id"), QStringLiteral("net0")},
                               {QStringLiteral("mode"), QStringLiteral("socket")},
                               {QStringLiteral("socket"), QJsonObject{{QStringLiteral("kind"), kind}, {QStringLiteral("address"), QStringLiteral("127.0.0.1:18090")}}}};
        };
        const QJsonObject topo{
            {QStringLiteral("format"), QStringLiteral("netloom-topology")},
            {QStringLiteral("version"), 1},
            {QStringLiteral("name"), QStringLiteral("nics")},
            {QStringLiteral("nodes"),
             QJsonArray{guest(QStringLiteral("web"), guestDir, QStringLiteral("netloom.httpd=8080"), userNic),
                        guest(QStringLiteral("s1"), guestDir, QStringLiteral("netloom.ip=10.9.0.1/24 netloom.ping=10.9.0.2"), socketNic(QStringLiteral("listen"))),
                        guest(QStringLiteral("s2"), guestDir, QStringLiteral("netloom.ip=10.9.0.2/24 netloom.ping=10.9.0.1"), socketNic(QStringLiteral("connect")))}},
            {QStringLiteral("links"), QJsonArray{}}};
        const QString file = writeTopology(dir.path(), QStringLiteral("nics"), topo);

        // No host state: no helper socket is needed at all (an absent one proves it).
        UpProcess up(ns, xdg);
        up.setUser(user.uid(), user.gid());
        up.start({file, QStringLiteral("--helper-socket"), dir.filePath(QStringLiteral("no-helper.sock")), QStringLiteral("--json"), QStringLiteral("--tcg")});
        const QJsonObject started = up.waitStarted(40000);
        QVERIFY2(started.value(QStringLiteral("event")).toString() == QLatin1String("started"), qPrintable(up.describe()));

        // The forward: HTTP from the namespace's loopback into the guest, once its httpd runs
        // (a connection slirp accepts before the guest has its address never completes).
        // busybox wget runs without -T: its static build crashes with -T on a refused connection.
        const QString webLog = xdg + QStringLiteral("/netloom/nics/guest-web.serial.log");
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 45000 && linesWith(webLog, QStringLiteral("netloom-demo: httpd on port 8080")).isEmpty())
            QTest::qWait(200);
        QVERIFY2(!linesWith(webLog, QStringLiteral("netloom-demo: httpd on port 8080")).isEmpty(),
                 qPrintable(QString::fromUtf8(netloom::test::readFile(webLog)).right(1500)));
        clock.restart();
        QByteArray page;
        QString lastTry;
        while (clock.elapsed() < 20000) {
            const auto r = ns.exec({wget, QStringLiteral("wget"), QStringLiteral("-q"),
                                    QStringLiteral("-O"), QStringLiteral("-"), QStringLiteral("http://127.0.0.1:18080/")}, 5000);
            if (r.exitCode == 0) {
                page = r.out;
                break;
            }
            lastTry = r.describe();
            QTest::qWait(500);
        }
        const QString runDir = xdg + QStringLiteral("/netloom/nics");
        QVERIFY2(page.trimmed() == "netloom-demo web",
                 qPrintable(QString::fromUtf8(page) + lastTry + up.describe() +
                            QString::fromUtf8(netloom::test::readFile(runDir + QStringLiteral("/guest-web.serial.log"))).right(1500)));

        // The socket VLAN: s1 and s2 ping each other.
        auto pinged = [&](const QString &g, const QString &target) {
            return !linesWith(runDir + QStringLiteral("/guest-%1.serial.log").arg(g), QStringLiteral("netloom-demo: ping %1 #").arg(target))
                        .filter(QStringLiteral(" ok"))
                        .isEmpty();
        };
        clock.restart();
        while (clock.elapsed() < 30000 && !(pinged(QStringLiteral("s1"), QStringLiteral("10.9.0.2")) && pinged(QStringLiteral("s2"), QStringLiteral("10.9.0.1"))))
            QTest::qWait(200);
        QVERIFY2(pinged(QStringLiteral("s1"), QStringLiteral("10.9.0.2")),
                 qPrintable(QString::fromUtf8(netloom::test::readFile(runDir + QStringLiteral("/guest-s1.serial.log"))).right(1500)));
        QVERIFY(pinged(QStringLiteral("s2"), QStringLiteral("10.9.0.1")));

        // An edit applied while running (SIGHUP re-reads the file): web is removed, w2 added;
        // s1 and s2 keep running untouched.
        QJsonObject edited = topo;
        QJsonArray nodes = edited.value(QStringLiteral("nodes")).toArray();
        nodes.removeAt(0);  // web
        nodes.append(guest(QStringLiteral("w2"), guestDir, QString(),
                           QJsonObject{{QStringLiteral("id"), QStringLiteral("net0")}, {QStringLiteral("mode"), QStringLiteral("user")}}));
        edited.insert(QStringLiteral("nodes"), nodes);
        writeTopology(dir.path(), QStringLiteral("nics"), edited);
        const qsizetype mark = up.events().size();
        ::kill(pid_t(up.pid()), SIGHUP);
        auto nodeEvent = [&](const QString &node, const QString &state, const QString &detail) {
            return !up.waitEvent([&](const QJsonObject &e) {
                          return e.value(QStringLiteral("event")).toString() == QLatin1String("node") &&
                                 e.value(QStringLiteral("node")).toString() == node && e.value(QStringLiteral("state")).toString() == state &&
                                 (detail.isEmpty() || e.value(QStringLiteral("detail")).toString() == detail);
                      }, 30000, mark).isEmpty();
        };
        QVERIFY2(nodeEvent(QStringLiteral("web"), QStringLiteral("down"), QStringLiteral("removed")), qPrintable(up.describe()));
        QVERIFY2(nodeEvent(QStringLiteral("w2"), QStringLiteral("up"), QString()), qPrintable(up.describe()));
        for (qsizetype i = mark; i < up.events().size(); ++i) {
            const QJsonObject &e = up.events()[i];
            QVERIFY2(!(e.value(QStringLiteral("event")).toString() == QLatin1String("node") &&
                       (e.value(QStringLiteral("node")).toString() == QLatin1String("s1") || e.value(QStringLiteral("node")).toString() == QLatin1String("s2"))),
                     "an untouched guest was restarted");
        }
        QVERIFY(ns.exec({wget, QStringLiteral("wget"), QStringLiteral("-q"), QStringLiteral("-O"), QStringLiteral("-"),
                         QStringLiteral("http://127.0.0.1:18080/")}, 5000).exitCode != 0);  // web's forward is gone

        // netloomctl and the three QEMUs all run as that user.
        const QList<int> pids = ns.pids();
        QVERIFY2(pids.size() >= 4, qPrintable(QString::number(pids.size())));
        for (int pid : pids) {
            const QByteArray status = netloom::test::readFile(QStringLiteral("/proc/%1/status").arg(pid));
            const qsizetype at = status.indexOf("\nUid:\t");
            QVERIFY(at >= 0);
            QCOMPARE(status.mid(at + 6).split('\t').value(0).toUInt(), user.uid());
        }
        QCOMPARE(up.signalAndWait(SIGINT, 40000), 130);
        QVERIFY2(ns.pids().isEmpty(), "processes left in the namespace");
        QVERIFY2(QDir(xdg + QStringLiteral("/netloom")).entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot).isEmpty(),
                 "files left in the runtime directory");
    }
};

QTEST_GUILESS_MAIN(TestRuntimeNics)
#include "test_runtime_nics.moc"
