// SPDX-License-Identifier: GPL-3.0-or-later
// Networks at boot (issue #16 part 2) from the user's side:
//  - unit names: systemdEscapePath() agrees with `systemd-escape --path`, and the topology
//    path comes back from the unit name;
//  - `netloomctl enable FILE` against the real helper (in a test namespace) and a real
//    `systemctl --user` (HOME and XDG_CONFIG_HOME in a temporary directory, the built
//    netloom-up@.service found through SYSTEMD_UNIT_PATH): the boot record and the unit's
//    symlink appear, nothing is created on the host now; `list-enabled` shows both halves;
//    an invalid file is refused with nothing enabled; when systemctl fails, the helper's
//    record is taken back (all or nothing); `disable` removes both;
//  - the boot: enabled again, the helper's first start after a "reboot" re-creates the host
//    side, and `netloomctl up FILE --quiet` (what the unit runs) adopts it, runs the switch,
//    and stops cleanly on SIGTERM.
#include "common/netns.h"
#include "common/testutil.h"
#include "helper/helperfixture.h"
#include "runtime/bootenable.h"
#include "runtime/runtime.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace netloom;
using netloom::test::ScopedNetns;

namespace {

// A switch and its gateway with DHCP and NAT; no guests.
QByteArray topologyJson(const QString &name, const QString &subnet)
{
    return QStringLiteral(R"({"format": "netloom-topology", "version": 1, "name": "%1",
  "nodes": [
    {"id": "sw", "type": "switch", "name": "sw", "position": {"x": 0, "y": 0}},
    {"id": "gw", "type": "hostport", "name": "gw", "position": {"x": 100, "y": 0},
     "hostPort": {"address": "%2.1/24",
                  "dhcp": {"enabled": true, "rangeStart": "%2.100", "rangeEnd": "%2.150", "leaseSeconds": 3600},
                  "nat": {"mode": "masquerade", "uplinks": ["eth+"]}}}
  ],
  "links": [{"id": "gw-sw", "a": {"node": "gw"}, "b": {"node": "sw"}}]
})").arg(name, subnet).toUtf8();
}

QString writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(data) != data.size())
        return QString();
    return QFileInfo(path).canonicalFilePath();
}

}  // namespace

class TestBootEnable : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void unitNamesFollowSystemd()
    {
        netloom::test::requireTool(QStringLiteral("systemd-escape"));
        const QStringList paths{QStringLiteral("/srv/nets/my lab.json"), QStringLiteral("/home/u/.config/netloom/a-b_c.json"),
                                QStringLiteral("/tmp/\u00fcber net.json"), QStringLiteral("//a//b/"), QStringLiteral("/x/.hidden/y.json"),
                                QStringLiteral("/"), QStringLiteral("/a\\b:c@d.json")};
        for (const QString &p : paths) {
            const auto r = netloom::test::run({QStringLiteral("systemd-escape"), QStringLiteral("--path"), QStringLiteral("--"), p});
            QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
            QCOMPARE(runtime::systemdEscapePath(p), QString::fromUtf8(r.out).trimmed());
            const QString normalized = p.split(u'/', Qt::SkipEmptyParts).isEmpty()
                                           ? QStringLiteral("/")
                                           : u'/' + p.split(u'/', Qt::SkipEmptyParts).join(u'/');
            QCOMPARE(runtime::systemdUnescapePath(runtime::systemdEscapePath(p)), normalized);
            QCOMPARE(runtime::topologyOfUpUnit(runtime::upUnitName(p)), normalized);
        }
        QCOMPARE(runtime::upUnitName(QStringLiteral("/srv/lab.json")), QStringLiteral("netloom-up@srv-lab.json.service"));
        for (const char *bad : {"netloom-up@.service", "other@srv.service", "netloom-up@a\\x4.service", "netloom-up@a\\y41.service",
                                "netloom-up@a b.service", "netloom-up@\\xff.service"})
            QCOMPARE(runtime::topologyOfUpUnit(QString::fromLatin1(bad)), QString());
    }

    void enableListDisableAndBoot()
    {
        netloom::test::requireRoot();
        for (const char *tool : {"ip", "nft", "dnsmasq", "systemctl"})
            netloom::test::requireTool(QString::fromLatin1(tool));
        const QString ctl = netloom::test::binaryPath(QStringLiteral("app/cli/netloomctl"));
        const QString unitDir = netloom::test::binaryPath(QStringLiteral("resources"));
        QVERIFY2(QFile::exists(unitDir + QStringLiteral("/netloom-up@.service")), qPrintable(unitDir));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QDir(dir.path()).mkpath(QStringLiteral("home/.config"));
        QDir(dir.path()).mkpath(QStringLiteral("helper"));
        QDir(dir.path()).mkpath(QStringLiteral("nets"));
        QDir(dir.path()).mkpath(QStringLiteral("empty-units"));
        const QString home = dir.filePath(QStringLiteral("home"));
        const QString config = home + QStringLiteral("/.config");
        auto ctlRun = [&](const QStringList &args, const QString &units = QString()) {
            return netloom::test::run(QStringList{QStringLiteral("env"), QStringLiteral("HOME=") + home,
                                                  QStringLiteral("XDG_CONFIG_HOME=") + config,
                                                  QStringLiteral("SYSTEMD_UNIT_PATH=") + (units.isEmpty() ? unitDir : units) + u':', ctl} +
                                      args,
                                      60000);
        };
        const QString lab = writeFile(dir.filePath(QStringLiteral("nets/boot lab.json")), topologyJson(QStringLiteral("bootlab"), QStringLiteral("10.77.1")));
        const QString other = writeFile(dir.filePath(QStringLiteral("nets/other.json")), topologyJson(QStringLiteral("bootother"), QStringLiteral("10.77.2")));
        const QString broken = writeFile(dir.filePath(QStringLiteral("nets/broken.json")), QByteArray("{\"format\": \"netloom-topology\", \"nodes\": 3}"));
        QVERIFY(!lab.isEmpty() && !other.isEmpty() && !broken.isEmpty());
        const QString wants = config + QStringLiteral("/systemd/user/default.target.wants/");
        const QString labUnit = runtime::upUnitName(lab);
        const QString labNet = runtime::helperNetworkId(QStringLiteral("bootlab"));

        ScopedNetns ns(QStringLiteral("bootctl"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        helper::test::HelperProcess helper(ns, dir.filePath(QStringLiteral("helper")));
        // Boot records outside the /run-like state directory, as on a real system.
        const QString bootDir = dir.filePath(QStringLiteral("boot"));
        const QStringList bootArgs{QStringLiteral("--boot-dir"), bootDir};
        QVERIFY2(helper.start(bootArgs), qPrintable(helper.log()));
        const QString sock = QStringLiteral("--helper-socket=") + helper.socketPath();
        const QString emptyHost = helper::test::snapshot(ns, helper.stateDir(), helper.pid());

        // enable: both halves, nothing on the host now.
        const auto en = ctlRun({QStringLiteral("enable"), lab, sock});
        QVERIFY2(en.exitCode == 0, qPrintable(en.describe()));
        QVERIFY2(en.out.contains("enabled topology 'bootlab'") && en.out.contains(labUnit.toUtf8()), qPrintable(en.describe()));
        QVERIFY2(QFileInfo(wants + labUnit).isSymLink(), qPrintable(wants + labUnit));
        QVERIFY(QFile::exists(bootDir + u'/' + labNet + QStringLiteral(".json")));
        QCOMPARE(helper::test::snapshot(ns, helper.stateDir(), helper.pid()), emptyHost);

        const auto list = ctlRun({QStringLiteral("list-enabled"), QStringLiteral("--json"), sock});
        QVERIFY2(list.exitCode == 0, qPrintable(list.describe()));
        const QJsonArray rows = QJsonDocument::fromJson(list.out).object().value(QStringLiteral("topologies")).toArray();
        QCOMPARE(rows.size(), 1);
        const QJsonObject row = rows.first().toObject();
        QCOMPARE(row.value(QStringLiteral("topology")).toString(), lab);
        QCOMPARE(row.value(QStringLiteral("network")).toString(), labNet);
        QVERIFY(row.value(QStringLiteral("hostSide")).toBool() && row.value(QStringLiteral("unitEnabled")).toBool());
        QVERIFY(!row.value(QStringLiteral("active")).toBool());
        const auto text = ctlRun({QStringLiteral("list-enabled"), sock});
        QVERIFY2(text.exitCode == 0 && text.out.contains(lab.toUtf8()) && text.out.contains("(enabled)"), qPrintable(text.describe()));

        // Refusals leave nothing enabled.
        const auto bad = ctlRun({QStringLiteral("enable"), broken, sock});
        QVERIFY2(bad.exitCode == 3 && bad.err.contains("broken.json"), qPrintable(bad.describe()));
        const auto noUnit = ctlRun({QStringLiteral("enable"), other, sock}, dir.filePath(QStringLiteral("empty-units")));
        QVERIFY2(noUnit.exitCode == 1 && noUnit.err.contains("failed to enable user unit"), qPrintable(noUnit.describe()));
        QVERIFY(!QFile::exists(bootDir + u'/' + runtime::helperNetworkId(QStringLiteral("bootother")) + QStringLiteral(".json")));
        QCOMPARE(QDir(wants).entryList(QDir::Files | QDir::System).size(), 1);

        // disable: both halves go; twice is an error.
        const auto dis = ctlRun({QStringLiteral("disable"), lab, sock});
        QVERIFY2(dis.exitCode == 0, qPrintable(dis.describe()));
        QVERIFY(!QFileInfo(wants + labUnit).exists() && !QFileInfo(wants + labUnit).isSymLink());
        QVERIFY(!QFile::exists(bootDir + u'/' + labNet + QStringLiteral(".json")));
        const auto dis2 = ctlRun({QStringLiteral("disable"), lab, sock});
        QVERIFY2(dis2.exitCode == 1 && dis2.err.contains("it is not enabled"), qPrintable(dis2.describe()));

        // The boot: enabled again, then the helper's first start after a reboot (its /run-like
        // state directory has no marker) re-creates the host side; `up` adopts it.
        QVERIFY2(ctlRun({QStringLiteral("enable"), lab, sock}).exitCode == 0, "enable again");
        helper.stop();
        QVERIFY(QFile::remove(helper.stateDir() + QStringLiteral("/boot-done")));
        QVERIFY2(helper.start(bootArgs), qPrintable(helper.log()));
        QVERIFY2(helper.log().contains(QStringLiteral("rebuilt network ") + labNet), qPrintable(helper.log()));
        const auto links = ns.exec({QStringLiteral("ip"), QStringLiteral("-o"), QStringLiteral("addr")});
        QVERIFY2(links.out.contains("10.77.1.1/24"), qPrintable(QString::fromUtf8(links.out)));

        QProcess up;
        QStringList upArgs = ns.prefix().mid(1);
        upArgs << QStringLiteral("env") << QStringLiteral("HOME=") + home << QStringLiteral("XDG_RUNTIME_DIR=") + dir.filePath(QStringLiteral("xdg"))
               << ctl << QStringLiteral("up") << lab << QStringLiteral("--quiet") << sock;
        QDir(dir.path()).mkpath(QStringLiteral("xdg"));
        up.start(ns.prefix().first(), upArgs);
        QVERIFY(up.waitForStarted(5000));
        // Running: the switch answers `stats` with the gateway's tap on a port.
        const QString control = dir.filePath(QStringLiteral("xdg/netloom/bootlab.ctl"));
        auto switchRuns = [&] {
            const auto st = netloom::test::run({ctl, QStringLiteral("stats"), QStringLiteral("--socket"), control, QStringLiteral("--json")});
            return st.exitCode == 0 && st.out.contains("\"tap ");
        };
        QTRY_VERIFY_WITH_TIMEOUT(switchRuns(), 20000);
        ::kill(pid_t(up.processId()), SIGTERM);
        QVERIFY(up.waitForFinished(30000));
        const QByteArray upErr = up.readAllStandardError();
        QVERIFY2(up.exitCode() == 130, upErr.constData());
        QVERIFY2(!up.readAllStandardOutput().contains("== bootlab"), "--quiet printed the live view");
        const auto disFinal = ctlRun({QStringLiteral("disable"), lab, sock});
        QVERIFY2(disFinal.exitCode == 0, qPrintable(disFinal.describe()));
        helper.stop();
    }
};

QTEST_GUILESS_MAIN(TestBootEnable)
#include "test_boot_enable.moc"
