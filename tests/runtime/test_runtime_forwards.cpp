// SPDX-License-Identifier: GPL-3.0-or-later
// e2e (issue #14): a port forward under `netloomctl up --json` in a test namespace with the
// real helper: the demo's alpha (TCG, no DHCP reservation) serves HTTP on 8080; the forward
// tcp 18081 -> alpha:8080 is pending at start (no lease yet), is applied when alpha's lease
// appears (the runtime follows the lease), and then reaches alpha's httpd from the namespace
// itself (the host) through the gateway's address. `netloomctl forward` on the running
// topology lists it as applied to the leased address, adds a second forward live (it works at
// once) and removes the first (it stops working); a live add of a port this test listens on
// in the namespace is refused with the helper's message ("port 18083/tcp is in use by <comm>
// (pid N)"), exits non-zero, and is not kept (the list and the ruleset are unchanged); SIGINT
// leaves the namespace as before. IPv6: gw also has the prefix fd42:5::/64 (SLAAC) and the
// forward tcp6 18084 -> alpha:8080, pending until the switch's snooping sees alpha use an
// address in the prefix, then applied to it: alpha's httpd answers on [fd42:5::1]:18084.
#include "common/netns.h"
#include "common/testutil.h"
#include "helper/helperfixture.h"
#include "runtimefixture.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <arpa/inet.h>
#include <csignal>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace netloom;
using namespace netloom::runtime::test;

namespace {
// A TCP listener on 0.0.0.0:`port` created inside network namespace `ns` (it stays there);
// -1 on error. The caller closes it.
int listenInNetns(const QString &ns, quint16 port)
{
    const int self = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    const int target = ::open(QStringLiteral("/run/netns/%1").arg(ns).toLatin1().constData(), O_RDONLY | O_CLOEXEC);
    int s = -1;
    if (self >= 0 && target >= 0 && ::setns(target, CLONE_NEWNET) == 0) {
        s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (::setns(self, CLONE_NEWNET) != 0)
            qFatal("cannot return to the test's network namespace");
    }
    for (int fd : {self, target})
        if (fd >= 0)
            ::close(fd);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    if (s >= 0 && (::bind(s, reinterpret_cast<const sockaddr *>(&a), sizeof a) != 0 || ::listen(s, 4) != 0)) {
        ::close(s);
        s = -1;
    }
    return s;
}
}  // namespace

class TestRuntimeForwards : public QObject {
    Q_OBJECT
private slots:
    void forwardFollowsTheLease()
    {
        const QString guestDir = requireDemoGuest();
        const QString busybox = netloom::test::requireTool(QStringLiteral("busybox"));
        netloom::test::ScopedNetns ns(QStringLiteral("rtfwd"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QDir(dir.path()).mkdir(QStringLiteral("helper"));
        QDir(dir.path()).mkdir(QStringLiteral("xdg"));
        const QString xdg = dir.filePath(QStringLiteral("xdg"));
        helper::test::HelperProcess helper(ns, dir.filePath(QStringLiteral("helper")));
        QVERIFY2(helper.start(), qPrintable(helper.log()));
        const QString before = helper::test::snapshot(ns, helper.stateDir(), helper.pid());

        // The demo without beta; alpha serves HTTP; gw forwards 18081 to alpha:8080.
        QJsonObject topo = demoTopology(guestDir);
        QJsonArray nodes;
        for (const QJsonValue &v : topo.value(QStringLiteral("nodes")).toArray()) {
            QJsonObject n = v.toObject();
            const QString id = n.value(QStringLiteral("id")).toString();
            if (id == QLatin1String("beta"))
                continue;
            if (id == QLatin1String("alpha")) {
                QJsonObject g = n.value(QStringLiteral("guest")).toObject();
                g.insert(QStringLiteral("append"), g.value(QStringLiteral("append")).toString() + QStringLiteral(" netloom.httpd=8080"));
                g.remove(QStringLiteral("cloudInit"));
                n.insert(QStringLiteral("guest"), g);
            }
            if (id == QLatin1String("gw")) {
                QJsonObject hp = n.value(QStringLiteral("hostPort")).toObject();
                QJsonObject nat = hp.value(QStringLiteral("nat")).toObject();
                nat.insert(QStringLiteral("forwards"), QJsonArray{QJsonObject{{QStringLiteral("protocol"), QStringLiteral("tcp")},
                                                                              {QStringLiteral("hostPort"), 18081},
                                                                              {QStringLiteral("guest"), QStringLiteral("alpha")},
                                                                              {QStringLiteral("guestPort"), 8080}},
                                                                  QJsonObject{{QStringLiteral("family"), QStringLiteral("ipv6")},
                                                                              {QStringLiteral("protocol"), QStringLiteral("tcp")},
                                                                              {QStringLiteral("hostPort"), 18084},
                                                                              {QStringLiteral("guest"), QStringLiteral("alpha")},
                                                                              {QStringLiteral("guestPort"), 8080}}});
                hp.insert(QStringLiteral("nat"), nat);
                hp.insert(QStringLiteral("ipv6"), QJsonObject{{QStringLiteral("address"), QStringLiteral("fd42:5::1/64")}});
                n.insert(QStringLiteral("hostPort"), hp);
            }
            nodes.append(n);
        }
        topo.insert(QStringLiteral("nodes"), nodes);
        QJsonArray links;
        for (const QJsonValue &v : topo.value(QStringLiteral("links")).toArray())
            if (v.toObject().value(QStringLiteral("id")).toString() != QLatin1String("beta-lan"))
                links.append(v);
        topo.insert(QStringLiteral("links"), links);
        topo.insert(QStringLiteral("version"), 3);
        const QString file = writeTopology(dir.path(), QStringLiteral("fwd"), topo);

        UpProcess up(ns, xdg);
        up.start({file, QStringLiteral("--helper-socket"), helper.socketPath(), QStringLiteral("--json"), QStringLiteral("--tcg")});
        const QJsonObject started = up.waitStarted(30000);
        QVERIFY2(started.value(QStringLiteral("event")).toString() == QLatin1String("started"), qPrintable(up.describe()));
        const QString control = started.value(QStringLiteral("control")).toString();

        const auto get = [&](int port, const QString &host = QStringLiteral("10.0.2.1")) {
            const auto r = ns.exec({busybox, QStringLiteral("wget"), QStringLiteral("-q"), QStringLiteral("-O"), QStringLiteral("-"),
                                    QStringLiteral("http://%1:%2/").arg(host).arg(port)}, 5000);
            return r.exitCode == 0 ? r.out.trimmed() : QByteArray();
        };
        const auto netloomctl = [&](const QStringList &args) {
            return netloom::test::run(QStringList{netloom::test::binaryPath(QStringLiteral("app/cli/netloomctl")), QStringLiteral("forward")}
                                          + args + QStringList{QStringLiteral("--socket"), control, QStringLiteral("--json")},
                                      10000);
        };
        // The forward works once alpha has a lease and its httpd runs.
        QElapsedTimer clock;
        clock.start();
        QByteArray page;
        while (clock.elapsed() < 60000 && (page = get(18081)).isEmpty())
            QTest::qWait(500);
        QVERIFY2(page == "netloom-demo alpha", qPrintable(QString::fromUtf8(page) + up.describe() + helper.log().right(2000)));
        // It was pending first, then applied (the runtime followed the lease).
        QString logText;
        for (const QJsonObject &e : up.events())
            if (e.value(QStringLiteral("event")).toString() == QLatin1String("log"))
                logText += e.value(QStringLiteral("message")).toString() + u'\n';
        QVERIFY2(logText.contains(QStringLiteral("gateway 'gw', forward 0 (tcp 18081 -> alpha:8080) is pending")), qPrintable(logText));
        QVERIFY2(logText.contains(QStringLiteral("gateway 'gw', forward 0 (tcp 18081 -> alpha:8080) is applied")), qPrintable(logText));

        // The IPv6 forward, once alpha has been seen using a SLAAC address in the prefix.
        clock.restart();
        while (clock.elapsed() < 30000 && (page = get(18084, QStringLiteral("[fd42:5::1]"))).isEmpty())
            QTest::qWait(500);
        QVERIFY2(page == "netloom-demo alpha", qPrintable(QString::fromUtf8(page) + up.describe()
                                                          + QString::fromUtf8(ns.exec({QStringLiteral("nft"), QStringLiteral("list"),
                                                                                       QStringLiteral("table"), QStringLiteral("ip6"),
                                                                                       QStringLiteral("netloom")}).out)));

        // netloomctl forward list / add / remove on the running topology.
        auto r = netloomctl({QStringLiteral("list")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QJsonArray list = QJsonDocument::fromJson(r.out).object().value(QStringLiteral("forwards")).toArray();
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[0].toObject().value(QStringLiteral("state")).toString(), QStringLiteral("applied"));
        QVERIFY2(list[0].toObject().value(QStringLiteral("guestAddress")).toString().startsWith(QStringLiteral("10.0.2.1")), r.out.constData());
        QCOMPARE(list[1].toObject().value(QStringLiteral("forward")).toString(), QStringLiteral("tcp6:18084=alpha:8080"));
        QCOMPARE(list[1].toObject().value(QStringLiteral("state")).toString(), QStringLiteral("applied"));
        QVERIFY2(list[1].toObject().value(QStringLiteral("guestAddress")).toString().startsWith(QStringLiteral("fd42:5::")), r.out.constData());
        r = netloomctl({QStringLiteral("add"), QStringLiteral("tcp:18082=alpha:8080")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        clock.restart();
        while (clock.elapsed() < 10000 && (page = get(18082)).isEmpty())
            QTest::qWait(300);
        QCOMPARE(page, QByteArray("netloom-demo alpha"));
        r = netloomctl({QStringLiteral("remove"), QStringLiteral("tcp:18081")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        clock.restart();
        while (clock.elapsed() < 10000 && !get(18081).isEmpty())
            QTest::qWait(300);
        QVERIFY(get(18081).isEmpty());
        QCOMPARE(get(18082), QByteArray("netloom-demo alpha"));

        // A live add of a port in use in the run's namespace: refused with the helper's
        // message, non-zero exit, and not kept.
        const int busy = listenInNetns(ns.name(), 18083);
        QVERIFY(busy >= 0);
        const QByteArray rulesBefore = ns.exec({QStringLiteral("nft"), QStringLiteral("list"), QStringLiteral("ruleset")}).out;
        r = netloomctl({QStringLiteral("add"), QStringLiteral("tcp:18083=alpha:8080")});
        ::close(busy);
        const QString comm = QString::fromUtf8(netloom::test::readFile(QStringLiteral("/proc/self/comm")).trimmed());
        const QString expected = QStringLiteral("port 18083/tcp is in use by %1 (pid %2)").arg(comm).arg(QCoreApplication::applicationPid());
        QVERIFY2(r.exitCode != 0, qPrintable(r.describe()));
        QVERIFY2(QString::fromUtf8(r.out + r.err).contains(expected), qPrintable(r.describe() + QStringLiteral(" / expected: ") + expected));
        QCOMPARE(ns.exec({QStringLiteral("nft"), QStringLiteral("list"), QStringLiteral("ruleset")}).out, rulesBefore);
        r = netloomctl({QStringLiteral("list")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QJsonArray after = QJsonDocument::fromJson(r.out).object().value(QStringLiteral("forwards")).toArray();
        QCOMPARE(after.size(), 2);
        QVERIFY2(after[1].toObject().value(QStringLiteral("forward")).toString().contains(QStringLiteral("18082")), r.out.constData());
        QCOMPARE(get(18082), QByteArray("netloom-demo alpha"));  // still running

        QCOMPARE(up.signalAndWait(SIGINT, 30000), 130);
        QCOMPARE(helper::test::snapshot(ns, helper.stateDir(), helper.pid()), before);
        helper.stop();
    }
};

QTEST_GUILESS_MAIN(TestRuntimeForwards)
#include "test_runtime_forwards.moc"
