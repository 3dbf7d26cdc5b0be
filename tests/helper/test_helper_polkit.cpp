// SPDX-License-Identifier: GPL-3.0-or-later
// Authorization against a real polkitd on a private system bus, with temporary users:
// a user in the granted group is allowed (and owns the tap — a uid claimed in the request
// is ignored), another user is denied, per-network rules see the "network" detail,
// physical uplinks need the stricter action, a client that vanishes or disconnects during
// the check is denied, and with polkitd gone non-root requests are denied clearly while
// root is still served.
#include "common/netns.h"
#include "common/testutil.h"
#include "helperfixture.h"
#include "polkitharness.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace netloom;
using namespace netloom::helper::test;
using netloom::test::ScopedNetns;

namespace {

QJsonObject parseLine(const QByteArray &line) { return QJsonDocument::fromJson(line).object(); }
QString code(const QJsonObject &r) { return r.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(); }
QString message(const QJsonObject &r) { return r.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString(); }

QByteArray applyLine(const QString &network, const QByteArray &stateJson, const QByteArray &extra = {})
{
    return "{\"v\":1,\"id\":1,\"op\":\"apply\",\"network\":\"" + network.toUtf8() + "\",\"state\":" + stateJson + extra + "}\n";
}

}  // namespace

class TestHelperPolkit : public QObject {
    Q_OBJECT
    std::unique_ptr<PolkitHarness> m_pk;
    std::unique_ptr<ScopedNetns> m_ns;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<HelperProcess> m_helper;
    QString m_allow, m_deny, m_slow, m_bridger;

    QStringList asUser(const QString &user)
    {
        const passwd *pw = ::getpwnam(user.toLatin1().constData());
        return {netloom::test::requireTool(QStringLiteral("setpriv")), QStringLiteral("--reuid=%1").arg(pw->pw_uid),
                QStringLiteral("--regid=%1").arg(pw->pw_gid), QStringLiteral("--init-groups"), QStringLiteral("--"),
                netloom::test::binaryPath(QStringLiteral("tests/helper/netloom-helper-probe")), m_helper->socketPath()};
    }
    // Runs the probe as `user` with one request and returns its (first) response.
    QJsonObject request(const QString &user, const QByteArray &line, const QStringList &probeArgs = {})
    {
        const auto r = netloom::test::run(asUser(user) + probeArgs, 20000, line);
        return parseLine(r.out.split('\n').first());
    }
    bool linkExists(const QString &name)
    {
        return m_ns->exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("show"), name}).exitCode == 0;
    }

private Q_SLOTS:
    void initTestCase()
    {
        netloom::test::requireRoot();
        for (const char *tool : {"dbus-daemon", "unshare", "setpriv", "useradd", "groupadd", "userdel", "ip"})
            netloom::test::requireTool(QString::fromLatin1(tool));
        if (!QFile::exists(QStringLiteral("/usr/lib/polkit-1/polkitd")))
            netloom::test::skipTest(QStringLiteral("polkitd is not installed"));
        const QString tag = QString::number(::getpid() % 100000);
        m_pk = std::make_unique<PolkitHarness>();
        const QString grant = m_pk->addGroup(QStringLiteral("nltg") + tag);
        const QString bridge = m_pk->addGroup(QStringLiteral("nltb") + tag);
        m_allow = m_pk->addUser(QStringLiteral("nlta") + tag, {grant});
        m_deny = m_pk->addUser(QStringLiteral("nltd") + tag, {});
        m_slow = m_pk->addUser(QStringLiteral("nlts") + tag, {grant});
        m_bridger = m_pk->addUser(QStringLiteral("nltp") + tag, {grant, bridge});
        QVERIFY(m_pk->uidOf(m_allow) && m_pk->uidOf(m_deny) && m_pk->uidOf(m_slow));
        const QString rules = QStringLiteral(
            "polkit.addRule(function(action, subject) {\n"
            "    if (action.id == \"org.netloom.manage\" && action.lookup(\"network\") == \"forbidden\")\n"
            "        return polkit.Result.NO;\n"
            "    if (action.id == \"org.netloom.manage\" && subject.user == \"%1\") {\n"
            "        polkit.spawn([\"/bin/sleep\", \"1\"]);\n"
            "        return polkit.Result.YES;\n"
            "    }\n"
            "    if (action.id == \"org.netloom.manage\" && subject.isInGroup(\"%2\"))\n"
            "        return polkit.Result.YES;\n"
            "    if (action.id == \"org.netloom.bridge-physical\" && subject.isInGroup(\"%3\"))\n"
            "        return polkit.Result.YES;\n"
            "});\n").arg(m_slow, grant, bridge);
        const QString err = m_pk->start(netloom::test::sourcePath(QStringLiteral("resources/org.netloom.policy")), rules);
        QVERIFY2(err.isEmpty(), qPrintable(err));

        m_ns = std::make_unique<ScopedNetns>(QStringLiteral("hlpp"));
        QVERIFY2(m_ns->ok(), qPrintable(m_ns->error()));
        QCOMPARE(m_ns->exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("add"), QStringLiteral("eth0"),
                             QStringLiteral("type"), QStringLiteral("veth"), QStringLiteral("peer"), QStringLiteral("name"),
                             QStringLiteral("ethpeer0")}).exitCode, 0);
        m_dir = std::make_unique<QTemporaryDir>();
        ::chmod(QFile::encodeName(m_dir->path()).constData(), 0755);  // users reach the socket
        m_helper = std::make_unique<HelperProcess>(*m_ns, m_dir->path());
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("DBUS_SYSTEM_BUS_ADDRESS"), m_pk->busAddress());
        m_helper->setEnvironment(env);
        QVERIFY2(m_helper->start(), qPrintable(m_helper->log()));
    }
    void cleanupTestCase()
    {
        if (m_helper)
            m_helper->stop();
        m_helper.reset();
        m_ns.reset();
        m_pk.reset();
    }

    void grantedUserOwnsItsTapAndClaimedUidIsIgnored()
    {
        const QString holdFile = m_dir->path() + QStringLiteral("/release-1");
        QProcess probe;
        const QStringList argv = asUser(m_allow) + QStringList{QStringLiteral("--hold"), holdFile};
        probe.start(argv.first(), argv.mid(1));
        QVERIFY(probe.waitForStarted(5000));
        // The request claims uid 0: the helper must ignore it and use the peer's uid.
        probe.write(applyLine(QStringLiteral("lab"), "{\"taps\":[{\"ifname\":\"loompk0\"}]}", ",\"uid\":0"));
        probe.closeWriteChannel();
        QVERIFY(probe.waitForReadyRead(15000));
        const QJsonObject r = parseLine(probe.readLine());
        QVERIFY2(r.value(QStringLiteral("ok")).toBool(), qPrintable(message(r) + m_helper->log().right(1500)));
        const uint uid = m_pk->uidOf(m_allow);
        QCOMPARE(uint(r.value(QStringLiteral("result")).toObject().value(QStringLiteral("owner")).toInteger()), uid);
        const auto link = m_ns->exec({QStringLiteral("ip"), QStringLiteral("-d"), QStringLiteral("link"), QStringLiteral("show"),
                                      QStringLiteral("loompk0")});
        QVERIFY2(link.out.contains(("user " + m_allow).toUtf8()) || link.out.contains(("user " + QString::number(uid)).toUtf8()),
                 link.out.constData());
        QFile(holdFile).open(QIODevice::WriteOnly);
        QVERIFY(probe.waitForFinished(10000));
        QVERIFY(waitFor([&] { return !linkExists(QStringLiteral("loompk0")); }, 5000));
    }
    void otherUserIsDenied()
    {
        const QJsonObject r = request(m_deny, applyLine(QStringLiteral("lab2"), "{\"taps\":[{\"ifname\":\"loompk1\"}]}"));
        QCOMPARE(code(r), QStringLiteral("permission-denied"));
        QVERIFY2(message(r).contains(QStringLiteral("org.netloom.manage")), qPrintable(message(r)));
        QVERIFY(!linkExists(QStringLiteral("loompk1")));
    }
    void claimingAnotherUidDoesNotHelp()
    {
        const QByteArray extra = ",\"uid\":" + QByteArray::number(m_pk->uidOf(m_allow));
        const QJsonObject r = request(m_deny, applyLine(QStringLiteral("lab3"), "{\"taps\":[{\"ifname\":\"loompk2\"}]}", extra));
        QCOMPARE(code(r), QStringLiteral("permission-denied"));
        QVERIFY(!linkExists(QStringLiteral("loompk2")));
    }
    void rulesSeeTheNetworkDetail()
    {
        const QJsonObject r = request(m_allow, applyLine(QStringLiteral("forbidden"), "{\"taps\":[{\"ifname\":\"loompk3\"}]}"));
        QCOMPARE(code(r), QStringLiteral("permission-denied"));
        QVERIFY2(message(r).contains(QStringLiteral("not authorized")), qPrintable(message(r)));
        QVERIFY(!linkExists(QStringLiteral("loompk3")));
    }
    void physicalUplinkNeedsTheStricterAction()
    {
        const QJsonObject r = request(m_allow, applyLine(QStringLiteral("phys"),
                                                         "{\"bridges\":[{\"ifname\":\"loompkbr\"}],\"uplinks\":[{\"ifname\":\"eth0\",\"bridge\":\"loompkbr\"}]}",
                                                         ",\"allowPhysical\":true"));
        QCOMPARE(code(r), QStringLiteral("permission-denied"));
        QVERIFY2(message(r).contains(QStringLiteral("org.netloom.bridge-physical")), qPrintable(message(r)));
        QVERIFY(!linkExists(QStringLiteral("loompkbr")));
        const auto eth = m_ns->exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("show"), QStringLiteral("eth0")});
        QVERIFY(!eth.out.contains("master"));
    }
    void bothActionsGrantedEnslavesAndReleasesTheUplink()
    {
        const QString holdFile = m_dir->path() + QStringLiteral("/release-2");
        QProcess probe;
        const QStringList argv = asUser(m_bridger) + QStringList{QStringLiteral("--hold"), holdFile};
        probe.start(argv.first(), argv.mid(1));
        QVERIFY(probe.waitForStarted(5000));
        probe.write(applyLine(QStringLiteral("phys2"),
                              "{\"bridges\":[{\"ifname\":\"loompkbr2\"}],\"uplinks\":[{\"ifname\":\"eth0\",\"bridge\":\"loompkbr2\"}]}",
                              ",\"allowPhysical\":true"));
        probe.closeWriteChannel();
        QVERIFY(probe.waitForReadyRead(15000));
        const QJsonObject r = parseLine(probe.readLine());
        QVERIFY2(r.value(QStringLiteral("ok")).toBool(), qPrintable(message(r)));
        const auto enslaved = m_ns->exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("show"), QStringLiteral("eth0")});
        QVERIFY2(enslaved.out.contains("master loompkbr2"), enslaved.out.constData());
        QFile(holdFile).open(QIODevice::WriteOnly);
        QVERIFY(probe.waitForFinished(10000));
        QVERIFY(waitFor([&] { return !linkExists(QStringLiteral("loompkbr2")); }, 5000));
        const auto released = m_ns->exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("show"), QStringLiteral("eth0")});
        QVERIFY2(released.exitCode == 0 && !released.out.contains("master"), released.out.constData());
    }
    void clientProcessVanishingMidCheckIsDenied_data()
    {
        QTest::addColumn<int>("delayMs");
        QTest::addColumn<QString>("reason");
        // Gone at once: the helper cannot even identify it, or polkit fails to find it (an
        // error means deny), or, if polkit read /proc just in time, the re-check catches it.
        QTest::newRow("at once") << 0
                                 << QStringLiteral("failed to identify 'client'|polkit reported an error|exited or changed during the check");
        // Gone while the rule runs (it sleeps 1 s and then says yes): the helper's re-check
        // of the pinned process turns the "yes" into a deny.
        QTest::newRow("while the rule runs") << 400 << QStringLiteral("exited or changed during the check");
    }
    void clientProcessVanishingMidCheckIsDenied()
    {
        QFETCH(int, delayMs);
        QFETCH(QString, reason);
        // The connecting process exits during the check; a forked child keeps the socket
        // and must be told "denied".
        const QString out = m_dir->path() + QStringLiteral("/vanish-%1.out").arg(delayMs);
        QFile(out).open(QIODevice::WriteOnly);
        ::chmod(QFile::encodeName(out).constData(), 0666);
        netloom::test::run(asUser(m_slow) + QStringList{QStringLiteral("--fork-vanish"), QStringLiteral("--vanish-delay"),
                                                        QString::number(delayMs), QStringLiteral("--output"), out},
                           20000, applyLine(QStringLiteral("vanish"), "{\"taps\":[{\"ifname\":\"loompk4\"}]}"));
        QVERIFY(waitFor([&] { return netloom::test::readFile(out).contains('\n'); }, 10000));
        const QJsonObject r = parseLine(netloom::test::readFile(out).split('\n').first());
        QCOMPARE(code(r), QStringLiteral("permission-denied"));
        QVERIFY2(message(r).contains(QRegularExpression(reason)), qPrintable(message(r)));
        QVERIFY(!linkExists(QStringLiteral("loompk4")));
    }
    void clientDisconnectingMidCheckIsCancelled()
    {
        QProcess probe;
        const QStringList argv = asUser(m_slow);
        probe.start(argv.first(), argv.mid(1));
        QVERIFY(probe.waitForStarted(5000));
        probe.write(applyLine(QStringLiteral("gone"), "{\"taps\":[{\"ifname\":\"loompk5\"}]}"));
        QTest::qWait(300);
        probe.kill();
        probe.waitForFinished(3000);
        QVERIFY(waitFor([&] { return m_helper->log().contains(QStringLiteral("cancelled: the client disconnected")); }, 5000));
        QTest::qWait(1500);  // past the rule's sleep: the late answer must not create anything
        QVERIFY(!linkExists(QStringLiteral("loompk5")));
    }
    void withoutPolkitdNonRootIsDeniedRootIsServed()
    {
        m_pk->stopPolkitd();
        const QJsonObject r = request(m_allow, applyLine(QStringLiteral("nopk"), "{\"taps\":[{\"ifname\":\"loompk6\"}]}"));
        QCOMPARE(code(r), QStringLiteral("permission-denied"));
        QVERIFY2(message(r).contains(QStringLiteral("polkit is not available")), qPrintable(message(r)));
        QVERIFY(!linkExists(QStringLiteral("loompk6")));
        // Root needs no polkit.
        const auto root = netloom::test::run({netloom::test::binaryPath(QStringLiteral("tests/helper/netloom-helper-probe")),
                                              m_helper->socketPath()},
                                             20000, applyLine(QStringLiteral("rootnet"), "{\"taps\":[{\"ifname\":\"loompk7\"}]}"));
        const QJsonObject rr = parseLine(root.out.split('\n').first());
        QVERIFY2(rr.value(QStringLiteral("ok")).toBool(), qPrintable(message(rr)));
        QVERIFY(waitFor([&] { return !linkExists(QStringLiteral("loompk7")); }, 5000));
    }
};

QTEST_GUILESS_MAIN(TestHelperPolkit)
#include "test_helper_polkit.moc"
