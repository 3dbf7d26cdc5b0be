// SPDX-License-Identifier: GPL-3.0-or-later
#include "import/importer.h"

#include "import/assembler.h"
#include "import/dnsmasqimport.h"
#include "import/hostimport.h"
#include "import/qemuimport.h"
#include "import/shellscript.h"

#include <algorithm>
#include <limits>

namespace netloom::importer {

QString reportKindName(ReportLine::Kind k)
{
    switch (k) {
    case ReportLine::Kind::Mapped: return QStringLiteral("mapped");
    case ReportLine::Kind::Ignored: return QStringLiteral("ignored");
    case ReportLine::Kind::NotUnderstood: return QStringLiteral("not understood");
    }
    return {};
}

namespace {

QString base(const QString &p)
{
    const qsizetype s = p.lastIndexOf(QLatin1Char('/'));
    return s < 0 ? p : p.mid(s + 1);
}

// Strips command prefixes that only change how a command runs: sudo, nice, nohup, exec,
// env VAR=…, setsid, ionice, command, start-stop-daemon … --exec X -- ARGS.
QStringList stripPrefixes(QStringList argv)
{
    for (int guard = 0; guard < 16 && !argv.isEmpty(); ++guard) {
        const QString p = base(argv[0]);
        if (p == QLatin1String("command") && (argv.value(1) == QLatin1String("-v") || argv.value(1) == QLatin1String("-V")))
            return QStringList{QStringLiteral("which")};  // a lookup: runs nothing
        if (p == QLatin1String("sudo") || p == QLatin1String("nohup") || p == QLatin1String("exec") || p == QLatin1String("setsid")
            || p == QLatin1String("command") || p == QLatin1String("doas")) {
            argv.removeFirst();
            while (!argv.isEmpty() && argv[0].startsWith(QLatin1Char('-')))
                argv.removeFirst();
        } else if (p == QLatin1String("nice") || p == QLatin1String("ionice")) {
            argv.removeFirst();
            while (!argv.isEmpty() && argv[0].startsWith(QLatin1Char('-'))) {
                const bool sep = argv[0] == QLatin1String("-n") || argv[0] == QLatin1String("-c");
                argv.removeFirst();
                if (sep && !argv.isEmpty())
                    argv.removeFirst();
            }
        } else if (p == QLatin1String("env")) {
            argv.removeFirst();
            while (!argv.isEmpty() && (argv[0].contains(QLatin1Char('=')) || argv[0].startsWith(QLatin1Char('-'))))
                argv.removeFirst();
        } else if (p == QLatin1String("start-stop-daemon")) {
            QString exe;
            for (qsizetype i = 1; i < argv.size(); ++i)
                if ((argv[i] == QLatin1String("--exec") || argv[i] == QLatin1String("-x") || argv[i] == QLatin1String("--startas")
                     || argv[i] == QLatin1String("-a")) && i + 1 < argv.size())
                    exe = argv[i + 1];
            const qsizetype dd = argv.indexOf(QLatin1String("--"));
            if (exe.isEmpty() || !(argv.contains(QLatin1String("--start")) || argv.contains(QLatin1String("-S"))))
                return argv;
            argv = QStringList{exe} + (dd >= 0 ? argv.mid(dd + 1) : QStringList());
        } else {
            break;
        }
    }
    return argv;
}

void dispatch(const ShellCommand &c, ImportState &st)
{
    switch (c.state) {
    case ShellCommand::State::Skipped:
        st.ignored(c.line, c.text, c.why);
        return;
    case ShellCommand::State::NotUnderstood:
        st.unknown(c.line, c.text, c.why);
        return;
    case ShellCommand::State::Active:
        break;
    }
    if (c.structural) {
        st.mapped(c.line, c.text, c.why);
        return;
    }
    if (c.assignmentsOnly) {
        st.mapped(c.line, c.text, QStringLiteral("shell variable%1, used to expand later lines").arg(c.argv.size() > 1 ? QStringLiteral("s") : QString()));
        return;
    }
    if (c.why.startsWith(QLatin1String("calls the function"))) {
        st.mapped(c.line, c.text, c.why);
        return;
    }
    const QStringList argv = stripPrefixes(c.argv);
    if (argv.isEmpty()) {
        st.ignored(c.line, c.text, QStringLiteral("no command"));
        return;
    }
    const QString p = base(argv[0]);
    if (p == QLatin1String(":") && c.text.contains(QLatin1String(":="))) {
        st.mapped(c.line, c.text, QStringLiteral("sets defaults of shell variables, used to expand later lines"));
        return;
    }
    if (p == QLatin1String("export") || p == QLatin1String("readonly") || p == QLatin1String("local")) {
        st.mapped(c.line, c.text, QStringLiteral("shell variables, used to expand later lines"));
        return;
    }
    if (p == QLatin1String(".") || p == QLatin1String("source")) {
        st.unknown(c.line, c.text, QStringLiteral("reads another script that was not given to the importer"));
        return;
    }
    const qsizetype first = st.report.size();
    if (isQemuProgram(argv[0]))
        importQemu(argv, c.line, st);
    else if (!importHostCommand(c, argv, st))
        st.unknown(c.line, c.text, QStringLiteral("'%1' is not a command the importer knows").arg(p));
    // Notes from the walker (unset variables, an if assumed true) go on the command's line.
    if (!c.why.isEmpty() && st.report.size() > first)
        st.report[first].detail += QStringLiteral(" [%1]").arg(c.why);
}

ImportResult finish(ImportState &st)
{
    ImportResult r;
    r.topology = assemble(st);
    r.report = st.report;
    std::stable_sort(r.report.begin(), r.report.end(), [](const ReportLine &a, const ReportLine &b) { return a.line < b.line; });
    for (const ReportLine &l : r.report) {
        r.mapped += l.kind == ReportLine::Kind::Mapped ? 1 : 0;
        r.ignored += l.kind == ReportLine::Kind::Ignored ? 1 : 0;
        r.notUnderstood += l.kind == ReportLine::Kind::NotUnderstood ? 1 : 0;
    }
    return r;
}

}  // namespace

Result<ImportResult> importScript(const QByteArray &text, const ImportOptions &options)
{
    ImportState st;
    st.options = options;
    for (auto it = options.files.cbegin(); it != options.files.cend(); ++it)
        st.files.insert(it.key(), QString::fromUtf8(it.value()));
    Result<TokenizeResult> tokens = tokenizeShell(text);
    if (!tokens)
        return tokens.error();
    const QString s = QString::fromUtf8(text);
    const bool conf = options.format == ImportOptions::Format::DnsmasqConf
                      || (options.format == ImportOptions::Format::Auto && looksLikeDnsmasqConf(s));
    if (conf) {
        importDnsmasqConf(s, 1, true, st);
        return finish(st);
    }
    WalkOptions wo;
    wo.caseValue = options.caseValue;
    const WalkResult walked = walkShell(*tokens, wo);
    for (const ShellCommand &c : walked.commands)
        dispatch(c, st);
    return finish(st);
}

ImportResult importArgv(const QStringList &argv, const ImportOptions &options, int line)
{
    ImportState st;
    st.options = options;
    const QString text = argv.join(QLatin1Char(' ')).left(300);
    if (argv.isEmpty() || !isQemuProgram(argv[0]))
        st.unknown(line, text, QStringLiteral("not a QEMU command line"));
    else
        importQemu(argv, line, st);
    return finish(st);
}

ImportResult importRunningGuests(const QList<RunningGuest> &guests, const ImportOptions &options)
{
    ImportState st;
    st.options = options;
    for (const RunningGuest &g : guests) {
        const int line = int(std::min<qint64>(g.pid, std::numeric_limits<int>::max()));
        if (g.argv.isEmpty() || !isQemuProgram(g.argv[0]))
            st.unknown(line, g.argv.join(QLatin1Char(' ')).left(300), QStringLiteral("process %1 is not a QEMU guest").arg(g.pid));
        else
            importQemu(g.argv, line, st);
    }
    return finish(st);
}

QStringList argvFromCmdline(const QByteArray &bytes)
{
    constexpr qsizetype kMaxBytes = 1024 * 1024;
    constexpr qsizetype kMaxWords = 100000;
    QStringList argv;
    const QByteArray b = bytes.left(kMaxBytes);
    qsizetype start = 0;
    while (start < b.size() && argv.size() < kMaxWords) {
        qsizetype end = b.indexOf('\0', start);
        if (end < 0)
            end = b.size();
        argv.append(QString::fromUtf8(b.mid(start, end - start)));
        start = end + 1;
    }
    return argv;
}

}  // namespace netloom::importer
