// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl plan / export as a user runs them: output, exit codes, one-line errors, and
// export -o writing an executable script.
#include "common/testutil.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace netloom;

namespace {

QString ctl() { return test::binaryPath(QStringLiteral("app/cli/netloomctl")); }
QString example(const QString &name) { return test::sourcePath(QStringLiteral("examples/") + name); }

void verifyOneLineError(const test::CommandResult &r, const QString &command)
{
    const QString err = QString::fromUtf8(r.err);
    QVERIFY2(err.startsWith(QStringLiteral("netloomctl %1: ").arg(command)), qPrintable(err));
    QCOMPARE(err.count(QLatin1Char('\n')), 1);
}

}  // namespace

class TestCliPlan : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (!QFileInfo(ctl()).isExecutable())
            test::skipTest(QStringLiteral("netloomctl is not built at %1").arg(ctl()));
    }

    void planJson()
    {
        const test::CommandResult r = test::run({ctl(), QStringLiteral("plan"), example(QStringLiteral("a-vde-nat.json")), QStringLiteral("--json"),
                                                 QStringLiteral("--runtime-dir"), QStringLiteral("/run/lab")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o[QStringLiteral("runtime")].toObject()[QStringLiteral("runtimeDir")].toString(), QStringLiteral("/run/lab"));
        QCOMPARE(o[QStringLiteral("host")].toObject()[QStringLiteral("taps")].toArray().size(), 1);
        QCOMPARE(o[QStringLiteral("runtime")].toObject()[QStringLiteral("guests")].toArray().size(), 2);
        const QString argv = o[QStringLiteral("runtime")].toObject()[QStringLiteral("guests")].toArray()[0].toObject()[QStringLiteral("argv")].toVariant().toStringList().join(QLatin1Char(' '));
        // Relative disk paths resolve against the topology file's directory.
        QVERIFY2(argv.contains(QStringLiteral("file=%1/vm1.qcow2,").arg(QFileInfo(example(QStringLiteral("a-vde-nat.json"))).absolutePath())), qPrintable(argv));
    }

    void planSummary()
    {
        const test::CommandResult r = test::run({ctl(), QStringLiteral("plan"), example(QStringLiteral("a-vde-nat.json"))});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        for (const char *needle : {"host (privileged helper):", "dnsmasq on loom", "masquerade 10.0.2.0/24", "port 1: tap loom",
                                   "port 2: guest vm1 net0 52:54:00:", "qemu-system-x86_64 -name guest=vm1"})
            QVERIFY2(r.out.contains(needle), needle);
    }

    void errors()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        test::CommandResult r = test::run({ctl(), QStringLiteral("plan"), dir.filePath(QStringLiteral("missing.json"))});
        QCOMPARE(r.exitCode, 3);
        verifyOneLineError(r, QStringLiteral("plan"));

        QByteArray json = test::readFile(example(QStringLiteral("a-vde-nat.json")));
        QVERIFY(json.contains("\"rangeEnd\": \"10.0.2.199\""));
        json.replace("\"rangeEnd\": \"10.0.2.199\"", "\"rangeEnd\": \"10.0.3.5\"");
        const QString bad = dir.filePath(QStringLiteral("bad.json"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write(json) == json.size());
        f.close();
        r = test::run({ctl(), QStringLiteral("plan"), bad});
        QCOMPARE(r.exitCode, 3);
        verifyOneLineError(r, QStringLiteral("plan"));
        r = test::run({ctl(), QStringLiteral("export"), bad});
        QCOMPARE(r.exitCode, 3);
        verifyOneLineError(r, QStringLiteral("export"));

        r = test::run({ctl(), QStringLiteral("plan"), example(QStringLiteral("a-vde-nat.json")), QStringLiteral("--bogus")});
        QCOMPARE(r.exitCode, 2);
        r = test::run({ctl(), QStringLiteral("plan"), example(QStringLiteral("a-vde-nat.json")), QStringLiteral("--runtime-dir"), QStringLiteral("rel")});
        QCOMPARE(r.exitCode, 2);
        r = test::run({ctl(), QStringLiteral("export"), example(QStringLiteral("a-vde-nat.json")), QStringLiteral("--format"), QStringLiteral("xml")});
        QCOMPARE(r.exitCode, 2);
        verifyOneLineError(r, QStringLiteral("export"));
        r = test::run({ctl(), QStringLiteral("export"), example(QStringLiteral("a-vde-nat.json")), QStringLiteral("-o"),
                       dir.filePath(QStringLiteral("no/such/dir/net.sh"))});
        QCOMPARE(r.exitCode, 1);
        verifyOneLineError(r, QStringLiteral("export"));
    }

    void exportToFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString out = dir.filePath(QStringLiteral("net.sh"));
        QFile old(out);
        QVERIFY(old.open(QIODevice::WriteOnly) && old.write("old\n") == 4);  // replaced, not refused
        old.close();
        test::CommandResult r = test::run({ctl(), QStringLiteral("export"), example(QStringLiteral("d-bridge-taps.json")), QStringLiteral("--format"),
                                           QStringLiteral("sh"), QStringLiteral("-o"), out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY(r.out.isEmpty());
        QVERIFY(QFileInfo(out).isExecutable());
        const QByteArray written = test::readFile(out);
        QVERIFY(written.startsWith("#!/bin/sh\n"));
        r = test::run({ctl(), QStringLiteral("export"), example(QStringLiteral("d-bridge-taps.json"))});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(r.out, written);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("net.sh")});  // no temporary left
    }
};

QTEST_GUILESS_MAIN(TestCliPlan)
#include "test_cli_plan.moc"
