// SPDX-License-Identifier: GPL-3.0-or-later
// Run > Start at Boot (issue #16 part 2) on the offscreen platform, against the real helper in
// a test namespace and a real `systemctl --user` (HOME and XDG_CONFIG_HOME in a temporary
// directory, the built netloom-up@.service through SYSTEMD_UNIT_PATH): an unsaved document
// cannot be enabled; checking the action on an opened file saves a pending edit first, then
// the helper's boot record and the user unit appear and the check mark stays; a new window on
// the same file shows it checked; unchecking removes both. While it is enabled, a new
// gateway drawn in another document avoids the enabled topology's subnet (the lab's gateway
// sits on the subnet this host would suggest first).
#include "helperprobe.h"
#include "helperstatuswidget.h"
#include "mainwindow.h"
#include "topologydocument.h"
#include "editcommands.h"

#include "common/netns.h"
#include "common/testutil.h"
#include "helper/helperfixture.h"
#include "model/netlinkhostnet.h"
#include "model/subnetpicker.h"
#include "runtime/bootenable.h"
#include "runtime/runtime.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

using namespace netloom;
using namespace netloom::gui;

class TestBootGui : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void startAtBoot()
    {
        netloom::test::requireRoot();
        for (const char *tool : {"ip", "nft", "dnsmasq", "systemctl"})
            netloom::test::requireTool(QString::fromLatin1(tool));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString config = dir.filePath(QStringLiteral("home/.config"));
        QVERIFY(QDir().mkpath(config));
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("helper")));
        qputenv("HOME", dir.filePath(QStringLiteral("home")).toLocal8Bit());
        qputenv("XDG_CONFIG_HOME", config.toLocal8Bit());
        qputenv("SYSTEMD_UNIT_PATH", (netloom::test::binaryPath(QStringLiteral("resources")) + u':').toLocal8Bit());
        // The lab's gateway takes the subnet a new gateway would get first on this host.
        model::NetlinkHostNetReader reader;
        const auto hostNet = reader.read();
        QVERIFY2(hostNet, hostNet ? "" : qPrintable(hostNet.error().message));
        const auto first = model::suggestSubnet(model::takenByHost(*hostNet));
        QVERIFY2(first, first ? "" : qPrintable(first.error().message));
        const QString gwAddr = first->hostAddress.toString(), start = first->dhcpStart.toString(), end = first->dhcpEnd.toString();
        const QString file = dir.filePath(QStringLiteral("lab.json"));
        {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QStringLiteral(R"({"format": "netloom-topology", "version": 1, "name": "guiboot",
  "nodes": [
    {"id": "sw", "type": "switch", "name": "sw", "position": {"x": 0, "y": 0}},
    {"id": "gw", "type": "hostport", "name": "gw", "position": {"x": 100, "y": 0},
     "hostPort": {"address": "%1", "dhcp": {"enabled": true, "rangeStart": "%2", "rangeEnd": "%3"}}}
  ],
  "links": [{"id": "gw-sw", "a": {"node": "gw"}, "b": {"node": "sw"}}]})").arg(gwAddr, start, end).toUtf8());
        }
        const QString canonical = QFileInfo(file).canonicalFilePath();
        const QString wants = config + QStringLiteral("/systemd/user/default.target.wants/") + runtime::upUnitName(canonical);
        const QString record = dir.filePath(QStringLiteral("boot/")) + runtime::helperNetworkId(QStringLiteral("guiboot")) + QStringLiteral(".json");

        netloom::test::ScopedNetns ns(QStringLiteral("bootgui"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        helper::test::HelperProcess helper(ns, dir.filePath(QStringLiteral("helper")));
        QVERIFY2(helper.start({QStringLiteral("--boot-dir"), dir.filePath(QStringLiteral("boot"))}), qPrintable(helper.log()));

        {
            MainWindow w;
            w.setAsker([](auto &&...) { return QMessageBox::Discard; });
            w.helperStatus()->probe()->setSocketPath(helper.socketPath());
            QAction *a = w.startAtBootAction();
            QVERIFY(a && a->isCheckable());
            // Unsaved: nothing to start at boot.
            QVERIFY(!a->isEnabled());
            a->setEnabled(true);  // as if triggered anyway (a shortcut): refused, said
            a->trigger();
            QVERIFY(!a->isChecked());
            QVERIFY(w.logText().contains(QStringLiteral("Save the topology first")));

            QVERIFY(w.openFile(file, true));
            QTRY_VERIFY(a->isEnabled());
            QVERIFY(!a->isChecked());
            // A pending edit is saved before the file is enabled.
            w.undoStack()->push(new SetTopologyInfoCommand(w.document(), QStringLiteral("guiboot"), QStringLiteral("edited before enabling")));
            QVERIFY(!w.undoStack()->isClean());
            a->trigger();
            QVERIFY(a->isChecked());
            QTRY_VERIFY_WITH_TIMEOUT(a->isEnabled(), 20000);
            QVERIFY2(a->isChecked(), qPrintable(w.logText()));
            QVERIFY(w.undoStack()->isClean());
            QVERIFY(netloom::test::readFile(file).contains("edited before enabling"));
            QVERIFY2(QFileInfo(wants).isSymLink(), qPrintable(w.logText()));
            QVERIFY(QFile::exists(record));
            QVERIFY2(w.logText().contains(QStringLiteral("guiboot starts at boot")), qPrintable(w.logText()));
        }
        {
            // Another document: its new gateway does not take the enabled lab's subnet.
            MainWindow w;
            const QString id = w.addNode(QStringLiteral("hostport"), QPointF(0, 0));
            QVERIFY(!id.isEmpty());
            const QString got = w.document()->topology().node(id)->hostPort.address;
            QVERIFY2(!got.isEmpty() && got != gwAddr, qPrintable(got + QStringLiteral(" vs the enabled lab's ") + gwAddr));
        }
        {
            MainWindow w;
            w.helperStatus()->probe()->setSocketPath(helper.socketPath());
            QAction *a = w.startAtBootAction();
            QVERIFY(w.openFile(file, true));
            QTRY_VERIFY_WITH_TIMEOUT(a->isChecked(), 10000);
            a->trigger();  // off
            QVERIFY(!a->isChecked());
            QTRY_VERIFY_WITH_TIMEOUT(a->isEnabled(), 20000);
            QVERIFY2(!a->isChecked(), qPrintable(w.logText()));
            QVERIFY(!QFileInfo(wants).isSymLink());
            QVERIFY(!QFile::exists(record));
            QVERIFY2(w.logText().contains(QStringLiteral("no longer starts at boot")), qPrintable(w.logText()));
        }
        helper.stop();
    }
};

QTEST_MAIN(TestBootGui)
#include "test_boot_gui.moc"
