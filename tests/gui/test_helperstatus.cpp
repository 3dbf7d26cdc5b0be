// SPDX-License-Identifier: GPL-3.0-or-later
// Helper status against the real netloom-helper (started inside a private network
// namespace with its own socket and state directory) and with no helper at all.
#include "helperprobe.h"
#include "helperstatuswidget.h"
#include "common/netns.h"
#include "common/testutil.h"

#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace netloom;
using namespace netloom::gui;

class TestHelperStatus : public QObject {
    Q_OBJECT
private slots:
    void startCommandIsArgvOnly();
    void notRunningWithoutSocket();
    void notRunningWhenNobodyListens();
    void brokenWhenThePeerSpeaksGarbage();
    void reachableWithRealHelper();
};

void TestHelperStatus::startCommandIsArgvOnly()
{
    QCOMPARE(helperStartCommand(QString::fromLatin1(kDefaultHelperSocket), true, QStringLiteral("/h")),
             (QStringList{QStringLiteral("systemctl"), QStringLiteral("start"), QStringLiteral("netloom-helper.socket")}));
    // A non-default socket cannot come from the unit: pkexec with the path as one argument.
    QCOMPARE(helperStartCommand(QStringLiteral("/tmp/a b;rm.sock"), true, QStringLiteral("/usr/libexec/netloom/netloom-helper")),
             (QStringList{QStringLiteral("pkexec"), QStringLiteral("/usr/libexec/netloom/netloom-helper"),
                          QStringLiteral("--socket"), QStringLiteral("/tmp/a b;rm.sock")}));
    QCOMPARE(helperStartCommand(QString::fromLatin1(kDefaultHelperSocket), false, QStringLiteral("/h")).first(),
             QStringLiteral("pkexec"));
}

void TestHelperStatus::notRunningWithoutSocket()
{
    QTemporaryDir dir;
    HelperStatusWidget widget;
    widget.probe()->setSocketPath(dir.filePath(QStringLiteral("none.sock")));
    QSignalSpy done(widget.probe(), &HelperProbe::finished);
    widget.check();
    QVERIFY(done.wait(10000));
    QCOMPARE(widget.probe()->status().reach, HelperStatus::Reach::NotRunning);
    QVERIFY2(widget.text().contains(QStringLiteral("not running")), qPrintable(widget.text()));
    QVERIFY(widget.findChild<QWidget *>(QStringLiteral("helperStart"))->isVisibleTo(&widget));
    QCOMPARE(widget.startCommand().value(2), QStringLiteral("--socket"));
}

void TestHelperStatus::notRunningWhenNobodyListens()
{
    // A stale socket file (helper died): connection refused -> not running.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("stale.sock"));
    QProcess py;
    const QString python = test::requireTool(QStringLiteral("python3"));
    auto r = test::run({python, QStringLiteral("-c"),
                        QStringLiteral("import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])"), path});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY(QFileInfo::exists(path));
    HelperProbe probe;
    probe.setSocketPath(path);
    QSignalSpy done(&probe, &HelperProbe::finished);
    probe.probe();
    QVERIFY(done.wait(10000));
    QCOMPARE(probe.status().reach, HelperStatus::Reach::NotRunning);
    QVERIFY(probe.status().detail.startsWith(QStringLiteral("failed to connect to '")));
}

void TestHelperStatus::brokenWhenThePeerSpeaksGarbage()
{
    // Something listens on the socket but answers with a zero-length frame (a protocol
    // violation): the probe reports it as broken, with the reason, instead of "running".
    const QString python = test::requireTool(QStringLiteral("python3"));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("liar.sock"));
    QProcess server;
    server.start(python, {QStringLiteral("-c"),
                          QStringLiteral("import socket,sys,time\n"
                                         "s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)\n"
                                         "print('listening', flush=True)\n"
                                         "c,_=s.accept(); c.recv(65536); c.sendall(b'\\0\\0\\0\\0'); time.sleep(5)\n"),
                          path});
    QVERIFY(server.waitForStarted());
    // The file exists from bind() on; only "listening" (after listen()) means connectable.
    QByteArray out;
    for (int i = 0; i < 50 && !out.contains("listening"); ++i) {
        server.waitForReadyRead(100);
        out += server.readAllStandardOutput();
    }
    QVERIFY2(out.contains("listening"), out.constData());
    HelperProbe probe;
    probe.setSocketPath(path);
    QSignalSpy done(&probe, &HelperProbe::finished);
    probe.probe();
    QVERIFY(done.wait(10000));
    QCOMPARE(probe.status().reach, HelperStatus::Reach::Broken);
    QVERIFY2(!probe.status().detail.isEmpty(), "the reason is reported");
    server.kill();
    server.waitForFinished();
}

void TestHelperStatus::reachableWithRealHelper()
{
    test::requireRoot();
    const QString helper = test::binaryPath(QStringLiteral("helper/netloom-helper"));
    if (!QFileInfo(helper).isExecutable())
        test::skipTest(QStringLiteral("netloom-helper is not built at ") + helper);
    test::ScopedNetns ns(QStringLiteral("gui-helper"));
    QVERIFY2(ns.ok(), qPrintable(ns.error()));
    QTemporaryDir dir;
    const QString sock = dir.filePath(QStringLiteral("helper.sock"));
    QProcess proc;
    QStringList argv = ns.prefix();
    argv << helper << QStringLiteral("--socket") << sock << QStringLiteral("--state-dir") << dir.filePath(QStringLiteral("state"));
    proc.setProcessChannelMode(QProcess::ForwardedOutputChannel);
    proc.start(argv.first(), argv.mid(1));
    QVERIFY(proc.waitForStarted());
    // "netloom-helper: ready" is printed once it listens (bounded wait: 5 s).
    QByteArray err;
    for (int i = 0; i < 50 && !err.contains("ready"); ++i) {
        proc.waitForReadyRead(100);
        err += proc.readAllStandardError();
    }
    QVERIFY2(err.contains("ready"), err.constData());

    HelperStatusWidget widget;
    widget.probe()->setSocketPath(sock);
    QSignalSpy done(widget.probe(), &HelperProbe::finished);
    widget.check();
    QVERIFY(done.wait(10000));
    const HelperStatus s = widget.probe()->status();
    QCOMPARE(s.reach, HelperStatus::Reach::Reachable);
    QCOMPARE(s.protocolVersion, 1);
    QVERIFY2(widget.text().contains(QStringLiteral("running")), qPrintable(widget.text()));
    QVERIFY(!widget.findChild<QWidget *>(QStringLiteral("helperStart"))->isVisibleTo(&widget));

    proc.terminate();
    QVERIFY(proc.waitForFinished(10000));
}

QTEST_MAIN(TestHelperStatus)
#include "test_helperstatus.moc"
