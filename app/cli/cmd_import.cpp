// netloomctl import FILE|- [-o OUT.json] [--report] [--with FILE]... [--case VALUE]:
// turn a hand-made QEMU/VDE/dnsmasq setup script into a topology (core/import/importer.h).
#include "commands.h"

#include "import/importer.h"
#include "model/topologyjson.h"
#include "model/validator.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>

namespace netloom::cli {

namespace {

const QString kCmd = QStringLiteral("import");

const QString kHelp = QStringLiteral(
    "usage: netloomctl import FILE|- [-o OUT.json] [--report] [--with FILE]... [--case VALUE]\n"
    "       netloomctl import --running [-o OUT.json] [--report]\n"
    "\n"
    "Reads a shell script that builds a network by hand — vde_switch, tunctl/ip tuntap, brctl,\n"
    "ip addr/ifconfig, ip_forward, iptables/nft MASQUERADE, dnsmasq, qemu-system-*/kvm/vdeqemu\n"
    "lines, rc-style 'case \"$1\" in start)' scripts — or a dnsmasq.conf, and writes the\n"
    "equivalent topology. Nothing in the input is executed.\n"
    "\n"
    "options:\n"
    "  -o, --output OUT.json  write the topology there (default: stdout)\n"
    "  --report               list every input line and option: mapped (to which node and\n"
    "                         field), ignored (why) or not understood (why). It goes to\n"
    "                         stdout with -o, else to stderr\n"
    "  --with FILE            a file the script refers to (dnsmasq -C/--conf-file, nft -f),\n"
    "                         found by its path or file name; repeatable\n"
    "  --case VALUE           the branch of an rc script's case \"$1\" to follow (default: start)\n"
    "  --name NAME            the topology's name (default: the input's file name)\n"
    "  --running              import your own running qemu-system-* guests instead (their\n"
    "                         /proc/PID/cmdline; the report's line numbers are the pids).\n"
    "                         Netloom does not take those processes over\n"
    "  -h, --help             show this help\n"
    "\n"
    "exit codes: 0 every line mapped, 1 some lines were ignored or not understood (or the\n"
    "            result does not validate), 2 bad command line, 3 nothing usable came out\n"
    "            (or the input was refused: binary, larger than 4 MiB, unreadable)\n");

Result<QByteArray> readInput(const QString &file)
{
    QFile f;
    const QString shown = file == QLatin1String("-") ? QStringLiteral("(stdin)") : file;
    const bool opened = file == QLatin1String("-") ? f.open(stdin, QIODevice::ReadOnly) : (f.setFileName(file), f.open(QIODevice::ReadOnly));
    if (!opened)
        return Error::failed(ErrorCode::Io, QStringLiteral("read"), shown, f.errorString());
    constexpr qint64 kMax = 4 * 1024 * 1024;
    QByteArray data = f.read(kMax + 1);
    if (data.size() > kMax)
        return Error::failed(ErrorCode::LimitExceeded, QStringLiteral("read"), shown, QStringLiteral("larger than 4 MiB"));
    return data;
}

}  // namespace

int runImport(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption output(QStringList{QStringLiteral("o"), QStringLiteral("output")}, QString(), QStringLiteral("OUT.json"));
    const QCommandLineOption report(QStringList{QStringLiteral("report")});
    const QCommandLineOption with(QStringLiteral("with"), QString(), QStringLiteral("FILE"));
    const QCommandLineOption caseValue(QStringLiteral("case"), QString(), QStringLiteral("VALUE"));
    const QCommandLineOption name(QStringLiteral("name"), QString(), QStringLiteral("NAME"));
    const QCommandLineOption help(QStringList{QStringLiteral("h"), QStringLiteral("help")});
    const QCommandLineOption running(QStringList{QStringLiteral("running")});
    p.addOptions({output, report, with, caseValue, name, help, running});
    p.addPositionalArgument(QStringLiteral("FILE"), QString());
    if (!p.parse(QStringList{QStringLiteral("netloomctl import")} + args)) {
        printError(kCmd, p.errorText() + QStringLiteral(" (see 'netloomctl import --help')"));
        return ExitUsage;
    }
    if (p.isSet(help)) {
        printOut(kHelp);
        return ExitOk;
    }
    const QStringList files = p.positionalArguments();
    if (files.size() != (p.isSet(running) ? 0 : 1)) {
        printError(kCmd, p.isSet(running) ? QStringLiteral("--running takes no input file")
                                          : QStringLiteral("give exactly one input FILE or - (usage: netloomctl import FILE|- [-o OUT.json] [--report])"));
        return ExitUsage;
    }
    importer::ImportOptions o;
    o.name = p.isSet(name) ? p.value(name)
             : p.isSet(running) || files[0] == QLatin1String("-") ? QStringLiteral("imported") : QFileInfo(files[0]).completeBaseName();
    if (p.isSet(caseValue))
        o.caseValue = p.value(caseValue);
    for (const QString &w : p.values(with)) {
        const Result<QByteArray> data = readInput(w);
        if (!data) {
            printError(kCmd, data.error().message);
            return ExitInvalid;
        }
        o.files.insert(w, *data);
    }
    Result<importer::ImportResult> r = Error{ErrorCode::Internal, QString()};
    if (p.isSet(running)) {
        const Result<QList<importer::RunningGuest>> guests = importer::listOwnQemuProcesses();
        if (!guests) {
            printError(kCmd, guests.error().message);
            return ExitFailure;
        }
        r = importer::importRunningGuests(*guests, o);
    } else {
        const Result<QByteArray> input = readInput(files[0]);
        if (!input) {
            printError(kCmd, input.error().message);
            return ExitInvalid;
        }
        r = importer::importScript(*input, o);
    }
    if (!r) {
        printError(kCmd, r.error().message);
        return ExitInvalid;
    }
    const QList<model::Issue> issues = model::validate(r->topology);
    const bool toFile = p.isSet(output);
    if (p.isSet(report)) {
        QString text;
        for (const importer::ReportLine &l : r->report)
            text += QStringLiteral("%1: %2: %3%4\n").arg(l.line).arg(importer::reportKindName(l.kind), l.text.simplified(),
                                                          l.detail.isEmpty() ? QString() : QStringLiteral(" — ") + l.detail);
        for (const model::Issue &i : issues)
            text += QStringLiteral("validate: %1: %2%3\n").arg(i.path, i.severity == model::Issue::Severity::Warning ? QStringLiteral("warning: ") : QString(), i.message);
        toFile ? printOut(text) : printErr(text);
    }
    const QString summary = QStringLiteral("netloomctl import: %1 nodes, %2 links; %3 mapped, %4 ignored, %5 not understood%6\n")
                                .arg(r->topology.nodes.size()).arg(r->topology.links.size())
                                .arg(r->mapped).arg(r->ignored).arg(r->notUnderstood)
                                .arg(p.isSet(report) ? QString() : QStringLiteral(" (--report lists them)"));
    printErr(summary);
    if (!r->usable()) {
        printError(kCmd, QStringLiteral("nothing usable came out of the input (no switch, host port or guest)"));
        return ExitInvalid;
    }
    if (toFile) {
        if (Status s = model::saveTopologyFile(r->topology, p.value(output)); !s) {
            printError(kCmd, s.error().message);
            return ExitFailure;
        }
    } else {
        printOut(QString::fromUtf8(model::serializeTopology(r->topology)));
    }
    if (model::hasErrors(issues)) {
        if (!p.isSet(report))
            printError(kCmd, QStringLiteral("the imported topology does not validate yet (--report lists why)"));
        return ExitFailure;
    }
    return r->ignored == 0 && r->notUnderstood == 0 ? ExitOk : ExitFailure;
}

}  // namespace netloom::cli
