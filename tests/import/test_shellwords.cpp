// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests of the importer's shell layer (core/import/shellwords.h, shellscript.h):
// quoting, expansion, case/if/functions, and bad input in bounded time.
#include "import/shellscript.h"
#include "import/shellwords.h"

#include <QElapsedTimer>
#include <QTest>

using namespace netloom;
using namespace netloom::importer;

namespace {

WalkResult walk(const QByteArray &text, const WalkOptions &o = {})
{
    const Result<TokenizeResult> t = tokenizeShell(text);
    if (!t)
        qFatal("tokenize failed: %s", qPrintable(t.error().message));
    return walkShell(*t, o);
}

QList<QStringList> activeArgv(const WalkResult &w)
{
    QList<QStringList> out;
    for (const ShellCommand &c : w.commands)
        if (c.state == ShellCommand::State::Active && !c.assignmentsOnly && !c.structural)
            out.append(c.argv);
    return out;
}

}  // namespace

class TestShellWords : public QObject {
    Q_OBJECT
private slots:
    void quoting()
    {
        const WalkResult w = walk("echo 'a b' \"c d\" e\\ f g'h'\"i\" \"\" '' \\$x \"\\$y \\\" \\\\\"\n");
        QCOMPARE(activeArgv(w), (QList<QStringList>{{"echo", "a b", "c d", "e f", "ghi", "", "", "$x", "$y \" \\"}}));
    }

    void continuationsCommentsAndLines()
    {
        const WalkResult w = walk("# comment\nvde_switch \\\n  -s /tmp/x # trailing\n\nip link a#b\n");
        QCOMPARE(w.commands.size(), 2);
        QCOMPARE(w.commands[0].argv, (QStringList{"vde_switch", "-s", "/tmp/x"}));
        QCOMPARE(w.commands[0].line, 2);
        QCOMPARE(w.commands[1].argv, (QStringList{"ip", "link", "a#b"}));
        QCOMPARE(w.commands[1].line, 5);
    }

    void expansionAndFieldSplitting()
    {
        const WalkResult w = walk("OPTS=\"-m 512  -hda x.img\"\nA=one B=${A}two\n"
                                  "qemu $OPTS \"$OPTS\" ${B} ${UNSET:-dflt} pre${A}post\n");
        const QList<QStringList> a = activeArgv(w);
        QCOMPARE(a.size(), 1);
        QCOMPARE(a[0], (QStringList{"qemu", "-m", "512", "-hda", "x.img", "-m 512  -hda x.img", "onetwo", "dflt", "preonepost"}));
    }

    void unsetVariableKeptAsWritten()
    {
        const WalkResult w = walk("qemu -hda $HOME/disk.img\n");
        QCOMPARE(w.commands.size(), 1);
        QCOMPARE(w.commands[0].argv, (QStringList{"qemu", "-hda", "${HOME}/disk.img"}));
        QVERIFY(w.commands[0].why.contains("HOME"));
    }

    void commandSubstitutionIsNotRun()
    {
        const WalkResult w = walk("qemu -hda $(ls *.img)\nX=`hostname`\nqemu -name $X\nqemu -m $((1+2))\n");
        QCOMPARE(w.commands.size(), 4);
        for (const ShellCommand &c : w.commands)
            QCOMPARE(c.state, ShellCommand::State::NotUnderstood);
        QVERIFY(w.commands[2].why.contains("$X"));
    }

    void caseStartBranchOnly()
    {
        const WalkResult w = walk("case \"$1\" in\n  start|restart)\n    a1\n    a2 ;;\n  stop) b1 ;;\n  *) c1 ;;\nesac\nafter\n");
        QCOMPARE(activeArgv(w), (QList<QStringList>{{"a1"}, {"a2"}, {"after"}}));
        int skipped = 0;
        for (const ShellCommand &c : w.commands)
            if (c.state == ShellCommand::State::Skipped) {
                ++skipped;
                QVERIFY(c.why.contains("branch"));
            }
        QCOMPARE(skipped, 2);
        QVERIFY(w.commands[0].structural);
        QCOMPARE(w.commands[0].line, 1);
        QVERIFY(w.commands[0].why.contains("'start'"));
        // Another case value picks another branch.
        WalkOptions o;
        o.caseValue = "stop";
        QCOMPARE(activeArgv(walk("case $1 in start) a ;; stop) b ;; esac\n", o)), (QList<QStringList>{{"b"}}));
        // The default branch when nothing else matches.
        QCOMPARE(activeArgv(walk("case $1 in stop) b ;; *) d ;; esac\n")), (QList<QStringList>{{"d"}}));
    }

    void functionsRunWhereCalled()
    {
        const WalkResult w = walk("start() {\n  s1\n  helper\n}\nhelper() { h1; }\nstop() { t1; }\ncase $1 in start) start ;; stop) stop ;; esac\n");
        QCOMPARE(activeArgv(w), (QList<QStringList>{{"start"}, {"s1"}, {"helper"}, {"h1"}}));
        bool stopSkipped = false;
        for (const ShellCommand &c : w.commands)
            if (c.argv == QStringList{"t1"})
                stopSkipped = c.state == ShellCommand::State::Skipped && c.why.contains("stop");
        QVERIFY(stopSkipped);
    }

    void ifAndLoops()
    {
        const WalkResult w = walk("if [ -x /bin/x ]; then\n  yes1\nelif foo; then\n  no1\nelse\n  no2\nfi\nfor i in 1 2; do no3; done\nwhile true; do no4; done\n");
        QCOMPARE(activeArgv(w), (QList<QStringList>{{"yes1"}}));
        int skipped = 0;
        int loops = 0;
        for (const ShellCommand &c : w.commands) {
            skipped += c.state == ShellCommand::State::Skipped && !c.structural ? 1 : 0;
            loops += c.structural && c.state == ShellCommand::State::Skipped && c.why.contains("loop") ? 1 : 0;
        }
        QCOMPARE(skipped, 7);  // [ ], foo, no1, no2, no3, true, no4
        QCOMPARE(loops, 2);    // the for and while lines themselves
    }

    void positionalParametersInFunctions()
    {
        const WalkResult w = walk("vm() { qemu -name \"$1\" -m ${2:-128} \"$@\"; }\nvm alpha 256\nvm beta\n"
                                  "main() { case \"$1\" in start) s ;; esac; }\nmain \"$@\"\n");
        QCOMPARE(activeArgv(w), (QList<QStringList>{{"vm", "alpha", "256"}, {"qemu", "-name", "alpha", "-m", "256", "alpha", "256"},
                                                    {"vm", "beta"}, {"qemu", "-name", "beta", "-m", "128", "beta"},
                                                    {"main"}, {"s"}}));
    }

    void quotedDefaultsAndOrChains()
    {
        // ${X:=word} assigns when X is unset (the ": ${X:=…}" idiom of init scripts).
        QCOMPARE(activeArgv(walk(": ${SOCK:=/tmp/s.ctl}\nvde_switch -s $SOCK\n")),
                 (QList<QStringList>{{":", "/tmp/s.ctl"}, {"vde_switch", "-s", "/tmp/s.ctl"}}));
        QCOMPARE(activeArgv(walk("D=${X:-'/run/a b'}\nls \"$D\" ${Y:-\"q\"}\n")), (QList<QStringList>{{"ls", "/run/a b", "q"}}));
        // A function called after || (an error handler) is walked once, not at every call.
        const WalkResult w = walk("die() { echo fail; exit 1; }\na || die\nb || die\n");
        QCOMPARE(activeArgv(w), (QList<QStringList>{{"a"}, {"die"}, {"echo", "fail"}, {"exit", "1"}, {"b"}, {"die"}}));
        QVERIFY(w.commands.last().why.contains("again"));
    }

    void heredocAndRedirects()
    {
        const WalkResult w = walk("cat > /etc/x.conf <<EOF\nline one\n  line two\nEOF\necho 1 > /proc/sys/net/ipv4/ip_forward\n");
        QCOMPARE(w.commands.size(), 2);
        QCOMPARE(w.commands[0].redirects.size(), 2);
        QCOMPARE(w.commands[0].redirects[0].target, QString("/etc/x.conf"));
        QCOMPARE(w.commands[0].redirects[1].heredoc, QString("line one\n  line two\n"));
        QCOMPARE(w.commands[1].line, 5);
        QCOMPARE(w.commands[1].argv, (QStringList{"echo", "1"}));
        QCOMPARE(w.commands[1].redirects[0].target, QString("/proc/sys/net/ipv4/ip_forward"));
    }

    void unbalancedQuotesReportTheRest()
    {
        const WalkResult w = walk("first\nsecond 'oops\nthird\n");
        QCOMPARE(w.commands.size(), 2);
        QCOMPARE(w.commands[0].argv, QStringList{"first"});
        QCOMPARE(w.commands[1].state, ShellCommand::State::NotUnderstood);
        QCOMPARE(w.commands[1].line, 2);
        QVERIFY(w.commands[1].why.contains("single quote"));
        const WalkResult d = walk("x \"abc\n");
        QCOMPARE(d.commands.last().state, ShellCommand::State::NotUnderstood);
        const WalkResult s = walk("x $(abc\n");
        QCOMPARE(s.commands.last().state, ShellCommand::State::NotUnderstood);
    }

    void refusesBinaryAndHugeInput()
    {
        QByteArray bin("abc\0def", 7);
        const Result<TokenizeResult> b = tokenizeShell(bin);
        QVERIFY(!b);
        QCOMPARE(b.error().code, ErrorCode::InvalidArgument);
        const QByteArray big(10 * 1024 * 1024, 'a');
        const Result<TokenizeResult> h = tokenizeShell(big);
        QVERIFY(!h);
        QCOMPARE(h.error().code, ErrorCode::LimitExceeded);
        QVERIFY(h.error().message.contains("4 MiB"));
    }

    void hundredThousandWordsInBoundedTime()
    {
        QByteArray line("qemu-system-x86_64");
        for (int i = 0; i < 100000; ++i)
            line += " -usb";
        line += '\n';
        QElapsedTimer t;
        t.start();
        const WalkResult w = walk(line);
        QCOMPARE(w.commands.size(), 1);
        QCOMPARE(w.commands[0].argv.size(), 100001);
        QVERIFY2(t.elapsed() < 5000, qPrintable(QString::number(t.elapsed())));
    }

    void expansionBombIsBounded()
    {
        // Each line doubles A; the value bound stops it long before memory matters.
        QByteArray s("A=xxxxxxxxxxxxxxxx\n");
        for (int i = 0; i < 40; ++i)
            s += "A=$A$A\n";
        s += "qemu $A\n";
        QElapsedTimer t;
        t.start();
        const WalkResult w = walk(s);
        QVERIFY(t.elapsed() < 5000);
        QCOMPARE(w.commands.last().state, ShellCommand::State::NotUnderstood);
    }

    void recursionIsBounded()
    {
        const WalkResult w = walk("f() { f; f; f; f; f; f; f; f; }\nf\n");
        QVERIFY(w.commands.size() < 40000);
        bool bounded = false;
        for (const ShellCommand &c : w.commands)
            bounded = bounded || (c.state == ShellCommand::State::NotUnderstood && c.why.contains("deep"));
        QVERIFY(bounded);
        QByteArray nest;
        for (int i = 0; i < 500; ++i)
            nest += "{ ";
        nest += "x";
        const WalkResult n = walk(nest);
        QVERIFY(!n.commands.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestShellWords)
#include "test_shellwords.moc"
