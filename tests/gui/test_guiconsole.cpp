// SPDX-License-Identifier: GPL-3.0-or-later
// Guest consoles in the GUI (issue #10 acceptance), with the real binary's widgets under the
// offscreen platform and a real QEMU (TCG) booting the console test guest (tests/guests:
// VGA text screen, keyboard and serial echo, mode switches on 'g'/'t'):
// - the console's screen is not black and equals QMP screendump pixel for pixel;
// - Qt key events sent to the screen reach the guest (its echo appears on serial);
// - a guest mode change (720x400 -> 640x400 -> 720x400) keeps the connection;
// - the serial view attached 5 s after boot still shows the first boot line, and text typed
//   into it reaches the guest;
// - while both consoles are open QEMU listens on no VNC socket (ss);
// - pause/resume from the console's toolbar show as node states, detach and attach back;
// - a guest without a screen opens on its serial console with one message; console requests
//   for stopped and unknown guests, and a QEMU that dies under an open console, each give one
//   clear message while the app keeps running.
// No network: the topology has no switch, so nothing asks the helper for anything.
#include "common/testutil.h"

#include "consolearea.h"
#include "guestmenu.h"
#include "guestconsole.h"
#include "mainwindow.h"
#include "canvasview.h"
#include "runcontroller.h"
#include "terminalview.h"
#include "topologyscene.h"
#include "vncview.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QMenu>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPlainTextEdit>
#include <QTemporaryDir>
#include <QTest>

using namespace netloom;
using namespace netloom::gui;

namespace {

QJsonObject consoleGuest(const QString &id, const QString &display)
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("type"), QStringLiteral("guest")},
                       {QStringLiteral("position"), QJsonObject{{QStringLiteral("x"), id == QLatin1String("cg") ? 100 : 300},
                                                                {QStringLiteral("y"), 100}}},
                       {QStringLiteral("guest"),
                        QJsonObject{{QStringLiteral("accel"), QStringLiteral("tcg")},
                                    {QStringLiteral("machine"), QStringLiteral("pc")},
                                    {QStringLiteral("memoryMiB"), 32},
                                    {QStringLiteral("display"), display},
                                    {QStringLiteral("disks"), QJsonArray{QJsonObject{{QStringLiteral("path"), QStringLiteral(NETLOOM_CONSOLEGUEST_IMG)},
                                                                                     {QStringLiteral("interface"), QStringLiteral("ide")},
                                                                                     {QStringLiteral("snapshot"), true}}}}}}};
}

// Pixels of `a` and `b` (same size) that differ, ignoring alpha.
qint64 differingPixels(const QImage &a, const QImage &b)
{
    if (a.size() != b.size())
        return -1;
    const QImage x = a.convertToFormat(QImage::Format_RGB32), y = b.convertToFormat(QImage::Format_RGB32);
    qint64 n = 0;
    for (int row = 0; row < x.height(); ++row) {
        const auto *p = reinterpret_cast<const QRgb *>(x.constScanLine(row));
        const auto *q = reinterpret_cast<const QRgb *>(y.constScanLine(row));
        for (int col = 0; col < x.width(); ++col)
            n += (p[col] & 0xffffff) != (q[col] & 0xffffff);
    }
    return n;
}

int litPixels(const QImage &image)
{
    int lit = 0;
    for (int y = 0; y < image.height(); y += 4)
        for (int x = 0; x < image.width(); x += 4)
            lit += qGray(image.pixel(x, y)) > 40;
    return lit;
}

}  // namespace

class TestGuiConsole : public QObject {
    Q_OBJECT
private slots:
    void consoles()
    {
        if (QStringLiteral(NETLOOM_CONSOLEGUEST_IMG).isEmpty() || !QFile::exists(QStringLiteral(NETLOOM_CONSOLEGUEST_IMG))) {
            qWarning("SKIP: the console test guest was not built (needs binutils)");
            ::exit(77);
        }
        if (test::findTool(QStringLiteral("qemu-system-x86_64")).isEmpty() || test::findTool(QStringLiteral("ss")).isEmpty()) {
            qWarning("SKIP: qemu-system-x86_64 or ss is not installed");
            ::exit(77);
        }
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        qputenv("XDG_RUNTIME_DIR", dir.filePath(QStringLiteral("xdg")).toUtf8());
        // The screenless guest also carries a cloud-init section: its seed ISO is written and
        // attached at start (the test guest ignores it; docs/topology-format.md).
        QJsonObject screenless = consoleGuest(QStringLiteral("ns"), QStringLiteral("none"));
        QJsonObject nsGuest = screenless.value(QStringLiteral("guest")).toObject();
        nsGuest.insert(QStringLiteral("cloudInit"), QJsonObject{{QStringLiteral("user"), QStringLiteral("dev")}});
        // ... and a user-mode NIC whose host forward reaches its port 22 (for ssh).
        const int sshPort = 40000 + int(QCoreApplication::applicationPid() % 20000);
        nsGuest.insert(QStringLiteral("nics"),
                       QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("net0")},
                                              {QStringLiteral("mode"), QStringLiteral("user")},
                                              {QStringLiteral("user"),
                                               QJsonObject{{QStringLiteral("forwards"),
                                                            QJsonArray{QJsonObject{{QStringLiteral("hostAddress"), QStringLiteral("127.0.0.1")},
                                                                                   {QStringLiteral("hostPort"), sshPort},
                                                                                   {QStringLiteral("guestPort"), 22}}}}}}}});
        screenless.insert(QStringLiteral("guest"), nsGuest);
        const QJsonObject topo{{QStringLiteral("format"), QStringLiteral("netloom-topology")},
                               {QStringLiteral("version"), 1},
                               {QStringLiteral("name"), QStringLiteral("consoles")},
                               {QStringLiteral("nodes"), QJsonArray{consoleGuest(QStringLiteral("cg"), QStringLiteral("vga")), screenless}}};
        const QString file = dir.filePath(QStringLiteral("consoles.json"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(topo).toJson());
        f.close();

        MainWindow w;
        w.setAsker([](const QString &, const QString &, QMessageBox::StandardButtons) { return QMessageBox::Discard; });
        w.show();
        QVERIFY(w.openFile(file, true));
        RunController *run = w.runController();
        run->setForceTcg(true);
        QVERIFY2(w.startRun(), qPrintable(w.logText()));
        QTRY_VERIFY_WITH_TIMEOUT(run->runtime() && run->runtime()->state() == runtime::RunState::Running, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(run->nodeState(QStringLiteral("cg")) == runtime::NodeState::Up, 20000);
        QElapsedTimer sinceBoot;
        sinceBoot.start();
        QElapsedTimer attachClock;
        const QString cgLog = run->runtime()->serialLogPath(QStringLiteral("cg"));
        const QString seedIso = QFileInfo(cgLog).absolutePath() + QStringLiteral("/guest-ns.cidata.iso");
        QTRY_VERIFY_WITH_TIMEOUT(run->nodeState(QStringLiteral("ns")) == runtime::NodeState::Up, 20000);
        QVERIFY2(QFileInfo(seedIso).size() > 0, qPrintable(seedIso));
        const auto qemuNs = test::run({QStringLiteral("pgrep"), QStringLiteral("-af"), QStringLiteral("guest=ns")});
        QVERIFY2(qemuNs.out.contains(QStringLiteral("file=%1,format=raw,if=virtio,readonly=on").arg(seedIso).toUtf8()), qemuNs.out.constData());

        // ssh from the guest's menu: the command (cloud-init user, host forward, the run's
        // known_hosts) on the clipboard, and in a terminal ($TERMINAL gets "-e ssh ...").
        const QString expectedSsh = QStringLiteral("ssh -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=%1/known_hosts -p %2 dev@127.0.0.1")
                                        .arg(QFileInfo(cgLog).absolutePath()).arg(sshPort);
        QMenu guestMenu;
        GuestMenu::addActions(&guestMenu, run, w.consoleArea(), QStringLiteral("ns"), QStringLiteral("ns"), [&w](const QString &l) { w.log(l); });
        QAction *copySsh = guestMenu.findChild<QAction *>(QStringLiteral("actionCopySshCommand"));
        QVERIFY(copySsh && copySsh->isEnabled());
        copySsh->trigger();
        QCOMPARE(QApplication::clipboard()->text(), expectedSsh);
        const QString fakeTerminal = dir.filePath(QStringLiteral("terminal.sh"));
        const QString terminalArgs = dir.filePath(QStringLiteral("terminal.args"));
        QFile term(fakeTerminal);
        QVERIFY(term.open(QIODevice::WriteOnly));
        term.write(QStringLiteral("#!/bin/sh\nprintf '%s\\n' \"$@\" > '%1'\n").arg(terminalArgs).toUtf8());
        term.close();
        term.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        qputenv("TERMINAL", fakeTerminal.toUtf8());
        guestMenu.findChild<QAction *>(QStringLiteral("actionSshToGuest"))->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(terminalArgs) && test::readFile(terminalArgs).contains("127.0.0.1"), 5000);
        QCOMPARE(QString::fromUtf8(test::readFile(terminalArgs)).split(u'\n', Qt::SkipEmptyParts).join(u' '), QStringLiteral("-e ") + expectedSsh);
        QTRY_VERIFY_WITH_TIMEOUT(test::readFile(cgLog).contains("netloom-consoleguest: ready"), 20000);

        // The screen: attached, not black, and the same pixels as QMP screendump.
        // Opened as a user would: a double-click on the running guest.
        attachClock.start();
        NodeItem *node = w.scene()->nodeItem(QStringLiteral("cg"));
        QVERIFY(node);
        const QPoint at = w.view()->mapFromScene(node->sceneBoundingRect().center());
        QTest::mouseDClick(w.view()->viewport(), Qt::LeftButton, {}, at);
        GuestConsole *console = w.consoleArea()->console(QStringLiteral("cg"));
        QVERIFY2(console, qPrintable(w.logText()));
        QCOMPARE(w.consoleArea()->currentWidget(), console);
        VncView *screen = console->screen();
        QTRY_VERIFY_WITH_TIMEOUT(screen->isConnected() && !screen->screenshot().isNull(), 15000);
        qInfo("console attached and first frame shown %lld ms after opening", attachClock.elapsed());
        QCOMPARE(screen->guestSize(), QSize(720, 400));
        QTRY_VERIFY_WITH_TIMEOUT(litPixels(screen->screenshot()) > 500, 10000);
        const QString dump = dir.filePath(QStringLiteral("dump.png"));
        auto dumped = [&] {
            bool done = false;
            Status result = ok();
            QFile::remove(dump);
            run->runtime()->screenshot(QStringLiteral("cg"), dump, [&](Status s) {
                result = s;
                done = true;
            });
            QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
            QVERIFY2(result, qPrintable(result ? QString() : result.error().message));
        };
        qint64 diff = -1;
        for (int attempt = 0; attempt < 20 && diff != 0; ++attempt) {  // the view may be a frame behind
            dumped();
            QTest::qWait(100);
            diff = differingPixels(screen->screenshot(), QImage(dump));
        }
        QVERIFY2(diff == 0, qPrintable(QStringLiteral("%1 pixels differ from screendump").arg(diff)));

        // Keys as Qt key events (click to grab first): the guest echoes them on serial.
        QTest::mouseClick(screen->viewport(), Qt::LeftButton, {}, screen->viewport()->rect().center());
        QVERIFY(screen->isGrabbed());
        QTest::keyClick(screen, Qt::Key_A);
        QTest::keyClick(screen, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(test::readFile(cgLog).contains("key:a\r\nkey:<ENTER>"), 10000);

        // Mode changes keep the connection: text -> mode 13h -> text.
        QTest::keyClick(screen, Qt::Key_G);
        QTRY_VERIFY_WITH_TIMEOUT(test::readFile(cgLog).contains("mode:13"), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(screen->guestSize(), QSize(640, 400), 10000);
        QVERIFY(screen->isConnected());
        QTest::keyClick(screen, Qt::Key_V);
        QTRY_VERIFY_WITH_TIMEOUT(test::readFile(cgLog).contains("mode:12"), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(screen->guestSize(), QSize(640, 480), 10000);
        QVERIFY(screen->isConnected());
        QTest::keyClick(screen, Qt::Key_T);
        QTRY_VERIFY_WITH_TIMEOUT(test::readFile(cgLog).contains("mode:3"), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(screen->guestSize(), QSize(720, 400), 10000);
        QVERIFY(screen->isConnected());
        QTRY_VERIFY_WITH_TIMEOUT(litPixels(screen->screenshot()) > 500, 10000);
        screen->setGrabbed(false);

        // The serial view, opened 5 s after boot: the first boot line is there (replayed from
        // the log), and typing reaches the guest.
        if (sinceBoot.elapsed() < 5000)
            QTest::qWait(int(5000 - sinceBoot.elapsed()));
        console->showPage(GuestConsole::Page::Serial);
        TerminalView *serial = console->serial();
        auto serialText = [serial] { return serial->scrollbackText().join(u'\n') + u'\n' + serial->screenText(); };
        QTRY_VERIFY_WITH_TIMEOUT(console->serialAttached(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(serialText().contains(QStringLiteral("netloom-consoleguest: boot")), 5000);
        QTest::keyClicks(serial, QStringLiteral("x"));
        QTRY_VERIFY_WITH_TIMEOUT(serialText().contains(QStringLiteral("serial:x")), 10000);

        // Both consoles open: QEMU listens only on QMP and the unlinked serial chardev.
        const auto pgrep = test::run({QStringLiteral("pgrep"), QStringLiteral("-f"), QStringLiteral("guest=cg")});
        const QString pid = QString::fromLatin1(pgrep.out).trimmed().section(u'\n', 0, 0);
        QVERIFY2(!pid.isEmpty(), qPrintable(pgrep.describe()));
        const auto unixListen = test::run({QStringLiteral("ss"), QStringLiteral("-xlpn")});
        QStringList listeners;
        for (const QString &l : QString::fromLatin1(unixListen.out).split(u'\n'))
            if (l.contains(QStringLiteral("pid=%1,").arg(pid)))
                listeners << l.simplified().section(u' ', 4, 4);
        QVERIFY2(listeners.size() == 2, qPrintable(listeners.join(u' ')));
        for (const QString &path : listeners)
            QVERIFY2(path.endsWith(QLatin1String(".qmp")) || (path.endsWith(QLatin1String(".serial")) && !QFile::exists(path)),
                     qPrintable(listeners.join(u' ')));
        const auto tcp = test::run({QStringLiteral("ss"), QStringLiteral("-tlpn")});
        QVERIFY2(!tcp.out.contains(QStringLiteral("pid=%1,").arg(pid).toLatin1()), tcp.out.constData());

        // Pause and resume from the console's toolbar.
        QAction *pause = console->findChild<QAction *>(QStringLiteral("actionConsolePause"));
        QVERIFY(pause && pause->isEnabled());
        pause->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(run->nodeState(QStringLiteral("cg")), runtime::NodeState::Paused, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(pause->text(), QStringLiteral("Resume"), 2000);
        pause->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(run->nodeState(QStringLiteral("cg")), runtime::NodeState::Up, 5000);

        // A reset reboots the guest under the open consoles: both stay attached and show the
        // new boot.
        QAction *reset = console->findChild<QAction *>(QStringLiteral("actionConsoleReset"));
        QVERIFY(reset && reset->isEnabled());
        reset->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(test::readFile(cgLog).count("netloom-consoleguest: boot") == 2, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(serialText().count(QStringLiteral("netloom-consoleguest: ready")) >= 2, 10000);
        QVERIFY(console->serialAttached());
        QVERIFY(screen->isConnected());

        // Detach into a window and attach back: the same console, still connected.
        ConsoleArea *area = w.consoleArea();
        area->detach(console);
        QVERIFY(console->isWindow() && area->indexOf(console) < 0);
        area->attach(console);
        QVERIFY(!console->isWindow() && area->indexOf(console) > 0);
        console->showPage(GuestConsole::Page::Screen);
        QVERIFY(screen->isConnected());

        // A guest without a screen opens on its serial console, saying so.
        GuestConsole *noScreen = w.openConsole(QStringLiteral("ns"), false);
        QVERIFY(noScreen);
        QCOMPARE(noScreen->page(), GuestConsole::Page::Serial);
        QVERIFY2(w.logText().contains(QStringLiteral("'ns' has no screen")), qPrintable(w.logText().right(500)));
        area->closeConsole(noScreen);

        // Stopped and unknown guests: one message each, no console.
        QVERIFY(run->power(QStringLiteral("ns"), runtime::PowerAction::ForceOff));
        QTRY_COMPARE_WITH_TIMEOUT(run->nodeState(QStringLiteral("ns")), runtime::NodeState::Down, 10000);
        QVERIFY(!w.openConsole(QStringLiteral("ns"), true));
        QVERIFY2(w.logText().contains(QStringLiteral("failed to open the console of 'ns': the guest is not running (it is down)")),
                 qPrintable(w.logText().right(500)));
        QVERIFY(!w.openConsole(QStringLiteral("nosuch"), false));
        QVERIFY2(w.logText().contains(QStringLiteral("failed to open the console of 'nosuch': no such guest")), qPrintable(w.logText().right(500)));

        // QEMU dies under the open console: the console says the guest failed, the app runs on.
        QCOMPARE(test::run({QStringLiteral("kill"), QStringLiteral("-KILL"), pid}).exitCode, 0);
        QTRY_COMPARE_WITH_TIMEOUT(run->nodeState(QStringLiteral("cg")), runtime::NodeState::Failed, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!screen->isConnected(), 5000);
        QVERIFY2(screen->placeholder().contains(QStringLiteral("cg is failed")), qPrintable(screen->placeholder()));
        QCOMPARE(run->runtime()->state(), runtime::RunState::Running);

        // The guest started again: the open console attaches by itself, screen and serial.
        QVERIFY2(w.startNode(QStringLiteral("cg")), qPrintable(w.logText().right(500)));
        QTRY_COMPARE_WITH_TIMEOUT(run->nodeState(QStringLiteral("cg")), runtime::NodeState::Up, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(screen->isConnected(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(console->serialAttached(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(litPixels(screen->screenshot()) > 500, 10000);

        // The test guest ignores the ACPI button: off at once rather than after the timeout.
        QVERIFY(run->power(QStringLiteral("cg"), runtime::PowerAction::ForceOff));
        QTRY_COMPARE_WITH_TIMEOUT(run->nodeState(QStringLiteral("cg")), runtime::NodeState::Down, 10000);
        w.stopRun();
        QTRY_VERIFY_WITH_TIMEOUT(!run->isActive(), 30000);
    }
};

QTEST_MAIN(TestGuiConsole)
#include "test_guiconsole.moc"
