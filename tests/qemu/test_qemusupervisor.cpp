// SPDX-License-Identifier: GPL-3.0-or-later
// QemuSupervisor with real processes: refusal before launch (absent binary, missing kernel,
// argv that steals the monitor), QEMU exiting early (with its output), a monitor that never
// appears, and every step of the stop sequence — ACPI power-down is exercised by the e2e
// test with the demo guest; here -machine none ignores it, so quit takes over.
#include "qemu/qemusupervisor.h"

#include "common/testutil.h"

#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace netloom;
using namespace netloom::qemu;
using State = QemuSupervisor::State;
using StopStep = QemuSupervisor::StopStep;

namespace {

// True while any process has process group `pgid` (scans /proc).
bool groupAlive(qint64 pgid)
{
    const QStringList pids = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &p : pids) {
        bool isPid = false;
        p.toLongLong(&isPid);
        if (!isPid)
            continue;
        const QByteArray stat = test::readFile(QStringLiteral("/proc/%1/stat").arg(p));
        const qsizetype close = stat.lastIndexOf(')');
        if (close < 0)
            continue;
        const QList<QByteArray> f = stat.mid(close + 2).split(' ');
        // fields after "(comm) ": state ppid pgrp ...; zombies do not count
        if (f.size() > 2 && f[0] != "Z" && f[2].toLongLong() == pgid)
            return true;
    }
    return false;
}

GuestLaunch machineNone(const QString &dir, const QString &name = QStringLiteral("nil"))
{
    GuestLaunch l;
    l.name = name;
    l.argv = {QStringLiteral("qemu-system-x86_64"), QStringLiteral("-machine"), QStringLiteral("none"),
              QStringLiteral("-accel"), QStringLiteral("tcg"), QStringLiteral("-display"), QStringLiteral("none"),
              QStringLiteral("-nodefaults")};
    l.qmpSocket = QDir(dir).filePath(QStringLiteral("qmp.sock"));
    return l;
}

}  // namespace

class TestQemuSupervisor : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { test::requireTool(QStringLiteral("qemu-system-x86_64")); }

    void absentBinaryIsNamed()
    {
        QTemporaryDir dir;
        GuestLaunch l = machineNone(dir.path(), QStringLiteral("alpha"));
        l.argv[0] = QStringLiteral("qemu-system-netloomtest");
        QemuSupervisor s(l);
        QSignalSpy states(&s, &QemuSupervisor::stateChanged);
        const Status st = s.start();
        QVERIFY(!st);
        QCOMPARE(st.error().code, ErrorCode::NotFound);
        QVERIFY2(st.error().message.startsWith(
                     QStringLiteral("failed to start guest 'alpha': QEMU binary 'qemu-system-netloomtest' was not found in PATH")),
                 qPrintable(st.error().message));
        QCOMPARE(s.state(), State::Failed);
        QCOMPARE(s.reason(), st.error().message);
        QCOMPARE(states.size(), 1);
        QCOMPARE(s.pid(), 0);
    }

    void missingKernelIsNamedBeforeLaunch()
    {
        QTemporaryDir dir;
        GuestLaunch l = machineNone(dir.path(), QStringLiteral("beta"));
        l.argv = {QStringLiteral("qemu-system-x86_64"), QStringLiteral("-kernel"), dir.filePath(QStringLiteral("vmlinuz")),
                  QStringLiteral("-display"), QStringLiteral("none")};
        QemuSupervisor s(l);
        const Status st = s.start();
        QVERIFY(!st);
        QCOMPARE(st.error().message, QStringLiteral("failed to start guest 'beta': file '%1' (-kernel) does not exist")
                                         .arg(dir.filePath(QStringLiteral("vmlinuz"))));
        QCOMPARE(s.pid(), 0);
        QVERIFY(!QFile::exists(l.qmpSocket));
    }

    void argvMustNotStealTheMonitor()
    {
        QTemporaryDir dir;
        GuestLaunch l = machineNone(dir.path());
        l.argv << QStringLiteral("-qmp") << QStringLiteral("tcp:127.0.0.1:4444,server=on,wait=off");
        QemuSupervisor s(l);
        const Status st = s.start();
        QVERIFY(!st);
        QVERIFY(st.error().message.contains(QStringLiteral("must not set -qmp")));
    }

    void earlyExitCarriesQemuOutput()
    {
        QTemporaryDir dir;
        GuestLaunch l = machineNone(dir.path(), QStringLiteral("gamma"));
        l.argv[2] = QStringLiteral("no-such-machine");
        QemuSupervisor s(l);
        QVERIFY(s.start());
        QCOMPARE(s.state(), State::Starting);
        QTRY_COMPARE_WITH_TIMEOUT(s.state(), State::Failed, 10000);
        QVERIFY2(s.reason().startsWith(QStringLiteral("failed to start guest 'gamma': QEMU exited with status 1 before it was ready: ")),
                 qPrintable(s.reason()));
        QVERIFY2(s.reason().contains(QStringLiteral("unsupported machine type")), qPrintable(s.reason()));
    }

    void monitorThatNeverAppearsFailsAndKillsTheGroup()
    {
        QTemporaryDir dir;
        GuestLaunch l;
        l.name = QStringLiteral("delta");
        // Not QEMU: a shell with a child that never opens the socket.
        l.argv = {QStringLiteral("/bin/sh"), QStringLiteral("-c"), QStringLiteral("sleep 30 & wait")};
        l.qmpSocket = dir.filePath(QStringLiteral("qmp.sock"));
        SupervisorTimeouts t;
        t.qmpConnectMs = 500;
        QemuSupervisor s(l, t);
        QVERIFY(s.start());
        const qint64 pgid = s.pid();
        QVERIFY(pgid > 0);
        QTRY_VERIFY_WITH_TIMEOUT(groupAlive(pgid), 2000);
        QTRY_COMPARE_WITH_TIMEOUT(s.state(), State::Failed, 5000);
        QVERIFY2(s.reason().contains(QStringLiteral("failed to start guest 'delta'")) &&
                     s.reason().contains(QStringLiteral("no QEMU listening after 500 ms")),
                 qPrintable(s.reason()));
        QTRY_VERIFY_WITH_TIMEOUT(!groupAlive(pgid), 5000);  // the orphaned sleep is gone too
    }

    void runsReportsAccelAndStopsViaQuit()
    {
        QTemporaryDir dir;
        GuestLaunch l = machineNone(dir.path());
        SupervisorTimeouts t;
        t.powerdownMs = 800;  // -machine none has no ACPI: power-down cannot work
        t.qmpConnectMs = 30000;  // a loaded CI machine (TCG guests of other tests) starts QEMU slowly
        QemuSupervisor s(l, t);
        QSignalSpy states(&s, &QemuSupervisor::stateChanged);
        QSignalSpy events(&s, &QemuSupervisor::qmpEvent);
        QVERIFY(s.start());
        QTRY_VERIFY2_WITH_TIMEOUT(s.state() == State::Running, qPrintable(s.reason()), 35000);
        QCOMPARE(s.accelerator(), QStringLiteral("tcg"));
        QCOMPARE(s.runStatus(), QStringLiteral("running"));
        QVERIFY(s.effectiveArgv().contains(QStringLiteral("unix:%1,server=on,wait=off").arg(l.qmpSocket)));
        QVERIFY(s.effectiveArgv().contains(QStringLiteral("nil")));  // -name
        const qint64 pgid = s.pid();
        QVERIFY(groupAlive(pgid));
        // The child runs in its own session with a clean environment.
        QCOMPARE(::getsid(pid_t(pgid)), pid_t(pgid));
        QList<QByteArray> env = test::readFile(QStringLiteral("/proc/%1/environ").arg(pgid)).split('\0');
        env.removeAll(QByteArray());
        std::sort(env.begin(), env.end());
        QCOMPARE(env, (QList<QByteArray>{"LC_ALL=C", "PATH=/usr/local/bin:/usr/bin:/bin"}));

        QElapsedTimer clock;
        clock.start();
        s.stop();
        QCOMPARE(s.state(), State::Stopping);
        QTRY_COMPARE_WITH_TIMEOUT(s.state(), State::Stopped, 10000);
        QVERIFY(clock.elapsed() >= 700);
        QCOMPARE(s.stoppedBy(), StopStep::Quit);
        QVERIFY2(s.reason().contains(QStringLiteral("stopped by QMP quit")), qPrintable(s.reason()));
        QVERIFY(std::any_of(events.cbegin(), events.cend(),
                            [](const QList<QVariant> &e) { return e.at(0).toString() == QStringLiteral("POWERDOWN"); }));
        QVERIFY(!groupAlive(pgid));
        QStringList seen;
        for (const auto &st : states)
            seen.append(QLatin1String(QemuSupervisor::stateName(st.at(0).value<State>())));
        QCOMPARE(seen, (QStringList{QStringLiteral("starting"), QStringLiteral("running"), QStringLiteral("stopping"),
                                    QStringLiteral("stopped")}));
        // A stopped supervisor can start again (the stale socket is replaced).
        QVERIFY(s.start());
        QTRY_VERIFY2_WITH_TIMEOUT(s.state() == State::Running, qPrintable(s.reason()), 35000);
        s.kill();
        QTRY_COMPARE_WITH_TIMEOUT(s.state(), State::Stopped, 5000);
        QCOMPARE(s.stoppedBy(), StopStep::Kill);
    }

    void withoutMonitorStopEscalatesToTermThenKill()
    {
        QTemporaryDir dir;
        SupervisorTimeouts t;
        t.qmpConnectMs = 20000;
        t.termMs = 500;

        GuestLaunch term;
        term.name = QStringLiteral("eps");
        term.argv = {QStringLiteral("/bin/sh"), QStringLiteral("-c"), QStringLiteral("sleep 30 & wait")};
        term.qmpSocket = dir.filePath(QStringLiteral("a.sock"));
        QemuSupervisor a(term, t);
        QVERIFY(a.start());
        QTRY_VERIFY_WITH_TIMEOUT(groupAlive(a.pid()), 2000);
        a.stop();
        QTRY_COMPARE_WITH_TIMEOUT(a.state(), State::Stopped, 5000);
        QCOMPARE(a.stoppedBy(), StopStep::Terminate);

        GuestLaunch stubborn = term;
        stubborn.name = QStringLiteral("zeta");
        stubborn.argv = {QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                         QStringLiteral("trap '' TERM; while :; do sleep 0.1; done")};
        stubborn.qmpSocket = dir.filePath(QStringLiteral("b.sock"));
        QemuSupervisor b(stubborn, t);
        QVERIFY(b.start());
        const qint64 pgid = b.pid();
        QTRY_VERIFY_WITH_TIMEOUT(groupAlive(pgid), 2000);
        QTest::qWait(100);  // let the shell install its trap
        QElapsedTimer clock;
        clock.start();
        b.stop();
        QTRY_COMPARE_WITH_TIMEOUT(b.state(), State::Stopped, 5000);
        QCOMPARE(b.stoppedBy(), StopStep::Kill);
        QVERIFY(clock.elapsed() >= 450);
        QVERIFY(!groupAlive(pgid));
    }

    void destructorLeavesNothingBehind()
    {
        QTemporaryDir dir;
        qint64 pgid = 0;
        {
            GuestLaunch l;
            l.name = QStringLiteral("eta");
            l.argv = {QStringLiteral("/bin/sh"), QStringLiteral("-c"), QStringLiteral("sleep 30 & wait")};
            l.qmpSocket = dir.filePath(QStringLiteral("c.sock"));
            QemuSupervisor s(l);
            QVERIFY(s.start());
            pgid = s.pid();
            QTRY_VERIFY_WITH_TIMEOUT(groupAlive(pgid), 2000);
        }
        QTRY_VERIFY_WITH_TIMEOUT(!groupAlive(pgid), 3000);
    }
};

QTEST_GUILESS_MAIN(TestQemuSupervisor)
#include "test_qemusupervisor.moc"
