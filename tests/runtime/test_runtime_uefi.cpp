// SPDX-License-Identifier: GPL-3.0-or-later
// e2e (issue #11, UEFI): a guest with uefi {code: Debian's OVMF_CODE_4M.fd, vars: a file that
// does not exist yet}, no disk and no NIC, under TCG.
//  - runtime: Runtime starts it in-process (no network, so no helper and no namespace); the
//    runtime makes the guest's variable store from OVMF_VARS_4M.fd and logs it, OVMF boots to
//    its UEFI shell (seen on the serial log), the store exists afterwards and holds what the
//    firmware wrote, and the template is unchanged.
//  - export: the exported script (root, run inside a test namespace) copies the template the
//    same way, says so, and its guest boots to the same shell; stop leaves the store.
// Exits 77 without Debian's ovmf or qemu-system-x86_64. Prints the measured boot times.
#include "common/netns.h"
#include "common/testutil.h"
#include "export/shellexporter.h"
#include "model/topologyjson.h"
#include "plan/planner.h"
#include "plan/topologyloader.h"
#include "qemu/firmware.h"
#include "runtime/runtime.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace netloom;

namespace {

constexpr int kBootTimeoutMs = 50000;
const char *const kShellBanner = "UEFI Interactive Shell";

QByteArray sha256(const QString &path)
{
    return QCryptographicHash::hash(test::readFile(path), QCryptographicHash::Sha256).toHex();
}

void requireOvmf()
{
    for (const char *f : {qemu::kDefaultOvmfCode, qemu::kDefaultOvmfVarsTemplate})
        if (!QFileInfo(QString::fromLatin1(f)).isFile())
            test::skipTest(QStringLiteral("%1 is missing (Debian package ovmf)").arg(QLatin1String(f)));
    test::requireTool(QStringLiteral("qemu-system-x86_64"));
}

// Writes a topology with one UEFI guest "fw" (store "fw_VARS.fd", relative) to dir/uefi.json.
QString writeUefiTopology(const QString &dir)
{
    model::Node n;
    n.id = QStringLiteral("fw");
    n.name = QStringLiteral("fw");
    n.type = model::NodeType::Guest;
    n.guest.accel = QStringLiteral("tcg");
    n.guest.memoryMiB = 256;
    n.guest.uefi = model::UefiConfig{QString::fromLatin1(qemu::kDefaultOvmfCode), QStringLiteral("fw_VARS.fd")};
    model::Topology t;
    t.name = QStringLiteral("uefi");
    t.nodes = {n};
    const QString path = dir + QStringLiteral("/uefi.json");
    QFile f(path);
    const QByteArray bytes = model::serializeTopology(t);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

// Waits until `path` contains `needle`; returns the elapsed ms of `clock`, or -1.
qint64 waitInFile(const QString &path, const QByteArray &needle, const QElapsedTimer &clock, int timeoutMs)
{
    while (clock.elapsed() < timeoutMs) {
        if (test::readFile(path).contains(needle))
            return clock.elapsed();
        QTest::qWait(100);
    }
    return -1;
}

}  // namespace

class TestRuntimeUefi : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void runtimeBootsToFirmware()
    {
        requireOvmf();
        const QString tpl = QString::fromLatin1(qemu::kDefaultOvmfVarsTemplate);
        const QByteArray tplHash = sha256(tpl);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = writeUefiTopology(dir.path());
        const QString vars = dir.filePath(QStringLiteral("fw_VARS.fd"));
        QVERIFY(!QFileInfo::exists(vars));
        Result<plan::LoadedPlan> lp = plan::loadAndPlan(file, dir.filePath(QStringLiteral("run")));
        QVERIFY2(lp, qPrintable(lp ? QString() : lp.error().message));
        QVERIFY(lp->plan.host.isEmpty());
        QCOMPARE(lp->plan.runtime.guests.value(0).uefiVars, vars);

        runtime::RuntimeOptions o;
        o.helperSocket = dir.filePath(QStringLiteral("never-used.sock"));
        o.forceTcg = true;
        o.guestPowerdownMs = 2000;  // the UEFI shell ignores the ACPI power button
        runtime::Runtime rt(lp->topology.name, lp->plan, o);
        QSignalSpy started(&rt, &runtime::Runtime::started);
        QSignalSpy failed(&rt, &runtime::Runtime::failed);
        QSignalSpy stopped(&rt, &runtime::Runtime::stopped);
        QStringList logLines;
        connect(&rt, &runtime::Runtime::logged, this,
                [&logLines](const QDateTime &, const QString &level, const QString &node, const QString &message) {
                    logLines << QStringLiteral("%1 %2 %3").arg(level, node, message);
                });
        QElapsedTimer clock;
        clock.start();
        rt.start();
        QTRY_VERIFY_WITH_TIMEOUT(started.size() + failed.size() == 1, 30000);
        QVERIFY2(failed.isEmpty(), qPrintable(failed.isEmpty() ? QString() : failed.first().first().toString()));
        QVERIFY2(logLines.contains(QStringLiteral("info fw UEFI variable store %1 created from %2").arg(vars, tpl)), qPrintable(logLines.join(u'\n')));

        const QString serial = rt.serialLogPath(QStringLiteral("fw"));
        const qint64 bds = waitInFile(serial, "BdsDxe", clock, kBootTimeoutMs);
        const qint64 shell = waitInFile(serial, kShellBanner, clock, kBootTimeoutMs);
        qInfo("TCG boot to firmware: BdsDxe after %lld ms, \"%s\" after %lld ms", bds, kShellBanner, shell);
        QVERIFY2(shell > 0, qPrintable(QStringLiteral("no UEFI shell on the serial port; it wrote: %1")
                                           .arg(QString::fromLatin1(test::readFile(serial).right(600)))));

        rt.stop();
        QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 1, 20000);
        // The guest's own store persists and holds what the firmware wrote; the template is untouched.
        QVERIFY(QFileInfo(vars).isFile());
        QCOMPARE(QFileInfo(vars).size(), QFileInfo(tpl).size());
        QVERIFY2(sha256(vars) != tplHash, "the firmware wrote nothing into the guest's store");
        QCOMPARE(sha256(tpl), tplHash);
    }

    void exportedScriptBootsToFirmware()
    {
        requireOvmf();
        test::requireRoot();
        test::requireTool(QStringLiteral("ip"));
        const QString tpl = QString::fromLatin1(qemu::kDefaultOvmfVarsTemplate);
        const QByteArray tplHash = sha256(tpl);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = writeUefiTopology(dir.path());
        const QString vars = dir.filePath(QStringLiteral("fw_VARS.fd"));
        Result<model::Topology> t = plan::loadTopologyForPlan(file);
        QVERIFY2(t, qPrintable(t ? QString() : t.error().message));
        Result<QString> script = exporter::exportShell(*t, dir.path());
        QVERIFY2(script, qPrintable(script ? QString() : script.error().message));
        const QString path = dir.filePath(QStringLiteral("uefi.sh"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(script->toUtf8());
        f.close();

        test::ScopedNetns ns(QStringLiteral("uefi"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        const QString state = dir.filePath(QStringLiteral("state"));
        const QStringList env{QStringLiteral("env"), QStringLiteral("VNET_STATE_DIR=") + state, QStringLiteral("DISPLAY="),
                              QStringLiteral("WAYLAND_DISPLAY="), QStringLiteral("/bin/sh"), path};
        QElapsedTimer clock;
        clock.start();
        const test::CommandResult up = ns.exec(env + QStringList{QStringLiteral("start")});
        QVERIFY2(up.exitCode == 0, qPrintable(up.describe()));
        QVERIFY2(up.out.contains(QStringLiteral("guest 'fw': created its UEFI variable store '%1' from %2").arg(vars, tpl).toUtf8()),
                 qPrintable(QString::fromUtf8(up.out)));
        const QString serial = state + QStringLiteral("/guest-fw.serial.log");
        const qint64 shell = waitInFile(serial, kShellBanner, clock, kBootTimeoutMs);
        qInfo("TCG boot to firmware from the exported script: \"%s\" after %lld ms", kShellBanner, shell);
        const QByteArray log = test::readFile(serial);
        const test::CommandResult down = ns.exec(env + QStringList{QStringLiteral("stop")});
        QVERIFY2(shell > 0, qPrintable(QStringLiteral("no UEFI shell on the serial port; it wrote: %1").arg(QString::fromLatin1(log.right(600)))));
        QVERIFY2(down.exitCode == 0, qPrintable(down.describe()));
        QVERIFY(ns.pids().isEmpty());
        QVERIFY(!QFileInfo::exists(state));
        QVERIFY(QFileInfo(vars).isFile());
        QCOMPARE(sha256(tpl), tplHash);
    }
};

QTEST_GUILESS_MAIN(TestRuntimeUefi)
#include "test_runtime_uefi.moc"
