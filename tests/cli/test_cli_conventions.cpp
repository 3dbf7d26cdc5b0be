// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl follows the conventions (issue #16 part 5): every command parses with the shared
// parser (app/cli/cliparser.h), so every command has --help and --version, refuses an unknown
// option in one line with exit code 2, takes --opt=value, ends options at --, and keeps
// repeatable options repeatable; the exit codes and messages from before the parser stay.
#include "common/testutil.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace netloom;

namespace {

QString ctl() { return test::binaryPath(QStringLiteral("app/cli/netloomctl")); }
QString demo() { return test::sourcePath(QStringLiteral("examples/demo.json")); }

test::CommandResult ctlRun(const QStringList &args) { return test::run(QStringList{ctl()} + args); }

// The lines after the directive line of `netloomctl __complete WORDS...`.
QStringList completeWords(const QStringList &words)
{
    const test::CommandResult r = ctlRun(QStringList{QStringLiteral("__complete")} + words);
    QStringList lines = QString::fromUtf8(r.out).split(u'\n', Qt::SkipEmptyParts);
    if (!lines.isEmpty())
        lines.removeFirst();
    return lines;
}

// Every command netloomctl registers (main.cpp), as the completion lists them.
QStringList listedCommands()
{
    QStringList listed = completeWords({QString()});
    listed.removeAll(QStringLiteral("--help"));
    listed.removeAll(QStringLiteral("--version"));
    return listed;
}

const QStringList kCommands = {
    QStringLiteral("validate"), QStringLiteral("plan"),    QStringLiteral("export"),  QStringLiteral("switch"),
    QStringLiteral("up"),       QStringLiteral("leases"),  QStringLiteral("stats"),   QStringLiteral("capture"),
    QStringLiteral("console"),  QStringLiteral("screenshot"), QStringLiteral("power"), QStringLiteral("ssh"),
    QStringLiteral("link"),     QStringLiteral("forward"), QStringLiteral("doctor"),
};

// Exactly one line on stderr, "netloomctl CMD: ...", nothing on stdout.
void verifyUsageError(const test::CommandResult &r, const QString &command, const QString &needle)
{
    QVERIFY2(r.exitCode == 2, qPrintable(r.describe()));
    const QString err = QString::fromUtf8(r.err);
    QVERIFY2(err.startsWith(QStringLiteral("netloomctl %1: ").arg(command)), qPrintable(err));
    QCOMPARE(err.count(u'\n'), 1);
    QVERIFY2(err.contains(needle), qPrintable(err));
    QVERIFY2(r.out.isEmpty(), r.out.constData());
}

}  // namespace

class TestCliConventions : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (!QFileInfo(ctl()).isExecutable())
            test::skipTest(QStringLiteral("netloomctl is not built at %1").arg(ctl()));
    }

    void everyCommandIsListed()
    {
        const QStringList listed = listedCommands();
        for (const QString &c : kCommands)  // (new commands may come; these stay)
            QVERIFY2(listed.contains(c), qPrintable(c));
        const test::CommandResult help = ctlRun({QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        for (const QString &c : listed)
            QVERIFY2(help.out.contains("  " + c.toUtf8() + ' '), qPrintable(c));
        QVERIFY(!help.out.contains("__complete"));  // hidden
    }

    void everyCommandHasHelp_data()
    {
        QTest::addColumn<QString>("command");
        for (const QString &c : listedCommands())
            QTest::newRow(qPrintable(c)) << c;
    }
    void everyCommandHasHelp()
    {
        QFETCH(QString, command);
        const test::CommandResult help = ctlRun({command, QStringLiteral("--help")});
        QVERIFY2(help.exitCode == 0, qPrintable(help.describe()));
        QVERIFY(help.err.isEmpty());
        QVERIFY2(help.out.startsWith(QStringLiteral("usage: netloomctl %1 ").arg(command).toUtf8()), help.out.constData());
        QCOMPARE(ctlRun({command, QStringLiteral("-h")}).out, help.out);
        // Every option the parser knows is in the help (and in nothing else: --help is
        // generated from the same spec the completion reads).
        const QStringList options = completeWords({command, QStringLiteral("-")});
        QVERIFY(options.contains(QStringLiteral("--help")) && options.contains(QStringLiteral("--version")));
        QVERIFY2(options.size() >= 4, qPrintable(options.join(u' ')));
        for (const QString &o : options)
            QVERIFY2(help.out.contains(o.toUtf8()), qPrintable(QStringLiteral("%1 --help lacks %2").arg(command, o)));
    }

    void everyCommandHasVersion_data() { everyCommandHasHelp_data(); }
    void everyCommandHasVersion()
    {
        QFETCH(QString, command);
        const test::CommandResult top = ctlRun({QStringLiteral("--version")});
        QCOMPARE(top.exitCode, 0);
        QVERIFY(top.out.startsWith("netloomctl "));
        const test::CommandResult r = ctlRun({command, QStringLiteral("--version")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(r.out, top.out);
    }

    void everyCommandRefusesUnknownOptions_data() { everyCommandHasHelp_data(); }
    void everyCommandRefusesUnknownOptions()
    {
        QFETCH(QString, command);
        test::CommandResult r = ctlRun({command, QStringLiteral("--no-such-option"), QStringLiteral("x.json")});
        verifyUsageError(r, command, QStringLiteral("unknown option '--no-such-option' (see 'netloomctl %1 --help')").arg(command));
        r = ctlRun({command, QStringLiteral("-Z")});
        verifyUsageError(r, command, QStringLiteral("unknown option '-Z'"));
    }

    void missingValues()
    {
        verifyUsageError(ctlRun({QStringLiteral("plan"), demo(), QStringLiteral("--runtime-dir")}), QStringLiteral("plan"),
                         QStringLiteral("'--runtime-dir'"));
        verifyUsageError(ctlRun({QStringLiteral("switch"), QStringLiteral("--sock")}), QStringLiteral("switch"), QStringLiteral("'--sock'"));
        verifyUsageError(ctlRun({QStringLiteral("up"), demo(), QStringLiteral("--interval")}), QStringLiteral("up"), QStringLiteral("'--interval'"));
        verifyUsageError(ctlRun({QStringLiteral("capture"), QStringLiteral("--network")}), QStringLiteral("capture"), QStringLiteral("'--network'"));
        verifyUsageError(ctlRun({QStringLiteral("ssh"), QStringLiteral("alpha"), QStringLiteral("-i")}), QStringLiteral("ssh"), QStringLiteral("'-i'"));
        // A flag with a value.
        verifyUsageError(ctlRun({QStringLiteral("validate"), QStringLiteral("--json=yes"), demo()}), QStringLiteral("validate"),
                         QStringLiteral("--json"));
    }

    void valuesAfterEqualsSign()
    {
        QTemporaryDir dir;
        const QString runtimeDir = dir.filePath(QStringLiteral("rt"));
        const test::CommandResult r = ctlRun({QStringLiteral("plan"), QStringLiteral("--runtime-dir=") + runtimeDir, demo(), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.out.contains(runtimeDir.toUtf8()), r.out.left(400).constData());
        verifyUsageError(ctlRun({QStringLiteral("plan"), demo(), QStringLiteral("--runtime-dir=relative")}), QStringLiteral("plan"),
                         QStringLiteral("not an absolute path"));
        // A short option's value right after it.
        const QString out = dir.filePath(QStringLiteral("demo.sh"));
        const test::CommandResult e = ctlRun({QStringLiteral("export"), demo(), QStringLiteral("-o") + out});
        QVERIFY2(e.exitCode == 0, qPrintable(e.describe()));
        QVERIFY(QFileInfo(out).isExecutable());
    }

    void doubleDashEndsOptions()
    {
        // After --, "--weird.json" is a file name, not an option: it cannot be read (3), not a usage error (2).
        const test::CommandResult r = ctlRun({QStringLiteral("validate"), QStringLiteral("--"), QStringLiteral("--weird.json")});
        QVERIFY2(r.exitCode == 3, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("'--weird.json'"), r.err.constData());
        // "-" is standard input, as before.
        const test::CommandResult in = test::run({ctl(), QStringLiteral("validate"), QStringLiteral("-")}, 30000, test::readFile(demo()));
        QVERIFY2(in.exitCode == 0, qPrintable(in.describe()));
        // ssh: the words after -- are the remote command, not netloomctl's options; here the
        // socket does not exist (1), which is only reached when the parser accepted the rest.
        const test::CommandResult s = ctlRun({QStringLiteral("ssh"), QStringLiteral("alpha"), QStringLiteral("--socket"),
                                              QStringLiteral("/nonexistent/x.ctl"), QStringLiteral("--"), QStringLiteral("-x"),
                                              QStringLiteral("--weird")});
        QVERIFY2(s.exitCode == 1, qPrintable(s.describe()));
        QVERIFY2(s.err.contains("no such socket"), s.err.constData());
    }

    void repeatableOptionsRepeat()
    {
        // Both --vlan values reach the switch's checks (the second would be lost if the option
        // kept only its last value).
        verifyUsageError(ctlRun({QStringLiteral("switch"), QStringLiteral("--vlan"), QStringLiteral("1=access:2"), QStringLiteral("--vlan"),
                                 QStringLiteral("1=access:3")}),
                         QStringLiteral("switch"), QStringLiteral("port 1 has two --vlan settings"));
        verifyUsageError(ctlRun({QStringLiteral("switch"), QStringLiteral("--mirror"), QStringLiteral("1=2"), QStringLiteral("--mirror"),
                                 QStringLiteral("1=3")}),
                         QStringLiteral("switch"), QStringLiteral("port 1 is mirrored twice"));
        // ssh -o twice: both options in the printed command would need a running topology;
        // the parser side is the same QCommandLineParser::values() as --vlan's.
    }

    void exitCodesAndMessagesAsBefore()
    {
        verifyUsageError(ctlRun({QStringLiteral("validate")}), QStringLiteral("validate"), QStringLiteral("no topology file given"));
        verifyUsageError(ctlRun({QStringLiteral("plan")}), QStringLiteral("plan"), QStringLiteral("no topology file given"));
        verifyUsageError(ctlRun({QStringLiteral("plan"), demo(), demo()}), QStringLiteral("plan"), QStringLiteral("more than one topology file"));
        verifyUsageError(ctlRun({QStringLiteral("up")}), QStringLiteral("up"), QStringLiteral("no topology file given"));
        verifyUsageError(ctlRun({QStringLiteral("up"), demo(), QStringLiteral("--interval"), QStringLiteral("0")}), QStringLiteral("up"),
                         QStringLiteral("failed to use interval '0'"));
        verifyUsageError(ctlRun({QStringLiteral("export"), demo(), QStringLiteral("--format"), QStringLiteral("xml")}), QStringLiteral("export"),
                         QStringLiteral("the only format is 'sh'"));
        verifyUsageError(ctlRun({QStringLiteral("doctor")}), QStringLiteral("doctor"), QStringLiteral("no topology file given"));
        verifyUsageError(ctlRun({QStringLiteral("switch")}), QStringLiteral("switch"), QStringLiteral("give --sock DIR"));
        verifyUsageError(ctlRun({QStringLiteral("power")}), QStringLiteral("power"), QStringLiteral("GUEST is required"));
        verifyUsageError(ctlRun({QStringLiteral("power"), QStringLiteral("alpha"), QStringLiteral("explode")}), QStringLiteral("power"),
                         QStringLiteral("ACTION must be"));
        verifyUsageError(ctlRun({QStringLiteral("leases"), QStringLiteral("a"), QStringLiteral("b")}), QStringLiteral("leases"),
                         QStringLiteral("more than one topology name given"));
        verifyUsageError(ctlRun({QStringLiteral("capture"), QStringLiteral("--network"), QStringLiteral("lan"), QStringLiteral("--port"),
                                 QStringLiteral("1"), QStringLiteral("--file"), QStringLiteral("x.pcap"), QStringLiteral("--stop")}),
                         QStringLiteral("capture"), QStringLiteral("give either --file or --stop"));
        verifyUsageError(ctlRun({QStringLiteral("capture"), QStringLiteral("--port"), QStringLiteral("0")}), QStringLiteral("capture"),
                         QStringLiteral("--port needs a port number"));
        verifyUsageError(ctlRun({QStringLiteral("link"), QStringLiteral("l1"), QStringLiteral("sideways")}), QStringLiteral("link"), QString());
        verifyUsageError(ctlRun({QStringLiteral("forward"), QStringLiteral("move"), QStringLiteral("tcp:80")}), QStringLiteral("forward"),
                         QStringLiteral("the action must be add, remove or list"));
        verifyUsageError(ctlRun({QStringLiteral("ssh"), QStringLiteral("alpha"), QStringLiteral("-i"), QStringLiteral("/nonexistent/key")}),
                         QStringLiteral("ssh"), QStringLiteral("failed to use identity '/nonexistent/key'"));
        const test::CommandResult none = ctlRun({QStringLiteral("leases"), QStringLiteral("--socket"), QStringLiteral("/nonexistent/x.ctl")});
        QCOMPARE(none.exitCode, 1);
        const test::CommandResult unknown = ctlRun({QStringLiteral("frobnicate")});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY(unknown.err.startsWith("netloomctl frobnicate: unknown command"));
        QCOMPARE(ctlRun({}).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliConventions)
#include "test_cli_conventions.moc"
