// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl import as a user runs it: JSON on stdout or in -o, the report, the exit codes
// (0 all mapped, 1 some ignored, 2 usage, 3 nothing usable / refused input).
#include "common/testutil.h"
#include "model/topologyjson.h"
#include "model/validator.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace netloom;

namespace {

QString ctl() { return test::binaryPath(QStringLiteral("app/cli/netloomctl")); }
QString corpus(const QString &name) { return test::sourcePath(QStringLiteral("tests/import/corpus/") + name); }

}  // namespace

class TestCliImport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (!QFileInfo(ctl()).isExecutable())
            test::skipTest(QStringLiteral("netloomctl is not built at %1").arg(ctl()));
    }

    void stdoutJsonAndExitOne()
    {
        // rc-vde-nat.sh has ignored lines (the stop branch, -soundhw): exit 1, JSON on stdout.
        const test::CommandResult r = test::run({ctl(), QStringLiteral("import"), corpus(QStringLiteral("rc-vde-nat.sh"))});
        QVERIFY2(r.exitCode == 1, qPrintable(r.describe()));
        const Result<model::Topology> t = model::parseTopology(r.out, QStringLiteral("stdout"));
        QVERIFY2(t.isOk(), t.isOk() ? "" : qPrintable(t.error().message));
        QCOMPARE(t->name, QStringLiteral("rc-vde-nat"));
        QCOMPARE(t->nodes.size(), 4);
        QVERIFY(!model::hasErrors(model::validate(*t)));
        QVERIFY(r.err.contains("ignored"));
    }

    void allMappedExitsZeroAndWritesFile()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("lab.json"));
        const QByteArray script("vde_switch -s /tmp/x.ctl -d\n"
                                "qemu-system-x86_64 -m 256 -hda a.qcow2 -netdev vde,id=n,sock=/tmp/x.ctl -device virtio-net-pci,netdev=n\n");
        const test::CommandResult r = test::run({ctl(), QStringLiteral("import"), QStringLiteral("-"), QStringLiteral("-o"), out,
                                                 QStringLiteral("--report"), QStringLiteral("--name"), QStringLiteral("lab")},
                                                30000, script);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY(r.out.contains("1: mapped: vde_switch"));
        QVERIFY(r.out.contains("2: mapped: -m 256"));
        const Result<model::Topology> t = model::loadTopologyFile(out);
        QVERIFY(t.isOk());
        QCOMPARE(t->name, QStringLiteral("lab"));
        QCOMPARE(t->links.size(), 1);
    }

    void nothingUsableExitsThree()
    {
        const test::CommandResult r = test::run({ctl(), QStringLiteral("import"), QStringLiteral("-")}, 30000, QByteArray("echo hello\nfrobnicate --now\n"));
        QVERIFY2(r.exitCode == 3, qPrintable(r.describe()));
        QVERIFY(r.out.isEmpty());
        QVERIFY(r.err.contains("nothing usable"));
        const test::CommandResult bin = test::run({ctl(), QStringLiteral("import"), QStringLiteral("-")}, 30000, QByteArray("\x7f" "ELF\0\0\0", 7));
        QVERIFY2(bin.exitCode == 3, qPrintable(bin.describe()));
        QVERIFY(bin.err.contains("binary"));
    }

    void usageErrors()
    {
        QCOMPARE(test::run({ctl(), QStringLiteral("import")}).exitCode, 2);
        QCOMPARE(test::run({ctl(), QStringLiteral("import"), QStringLiteral("--bogus"), QStringLiteral("x")}).exitCode, 2);
        QCOMPARE(test::run({ctl(), QStringLiteral("import"), QStringLiteral("/nonexistent/x.sh")}).exitCode, 3);
        const test::CommandResult h = test::run({ctl(), QStringLiteral("import"), QStringLiteral("--help")});
        QCOMPARE(h.exitCode, 0);
        QVERIFY(h.out.contains("usage: netloomctl import"));
    }

    void withSuppliesConfFiles()
    {
        QTemporaryDir dir;
        const QString conf = dir.filePath(QStringLiteral("dnsmasq.conf"));
        QFile f(conf);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("interface=tap3\ndhcp-range=10.3.0.10,10.3.0.20,2h\n");
        f.close();
        const QByteArray script("tunctl -t tap3\nip addr add 10.3.0.1/24 dev tap3\ndnsmasq -C /etc/dnsmasq.conf\n"
                                "qemu-system-x86_64 -hda x.img -nic tap,ifname=tap3,model=virtio-net-pci\n");
        const test::CommandResult r = test::run({ctl(), QStringLiteral("import"), QStringLiteral("-"), QStringLiteral("--with"), conf}, 30000, script);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY(r.out.contains("\"rangeStart\": \"10.3.0.10\""));
    }
};

QTEST_GUILESS_MAIN(TestCliImport)
#include "test_cli_import.moc"
