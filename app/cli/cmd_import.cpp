// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl import FILE|- [-o OUT.json] [--report] [--with FILE]... [--case VALUE]:
// turn a hand-made QEMU/VDE/dnsmasq setup script into a topology (core/import/importer.h).
#include "cliparser.h"
#include "commands.h"

#include "import/importer.h"
#include "model/topologyjson.h"
#include "model/validator.h"

#include <QFile>
#include <QFileInfo>

namespace netloom::cli {

namespace {

const QString kCmd = QStringLiteral("import");

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

CliSpec specImport()
{
    CliSpec s;
    s.command = kCmd;
    s.synopsis = QStringLiteral("FILE|- [-o OUT.json] [--report] [--with FILE]... [--case VALUE] [--name NAME] | --running");
    s.description = QStringLiteral(
        "Reads a shell script that builds a network by hand — vde_switch, tunctl/ip tuntap, brctl,\n"
        "ip addr/ifconfig, ip_forward, iptables/nft MASQUERADE, dnsmasq, qemu-system-*/kvm/vdeqemu\n"
        "lines, rc-style 'case \"$1\" in start)' scripts — or a dnsmasq.conf, and writes the\n"
        "equivalent topology. Nothing in the input is executed. With --running it imports your own\n"
        "running qemu-system-* guests instead (their /proc/PID/cmdline; the report's line numbers\n"
        "are the pids); Netloom does not take those processes over.");
    s.options = {
        valueOption({QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("OUT.json"),
                    QStringLiteral("Write the topology there (default: stdout)."), Complete::TopologyFile),
        flagOption({QStringLiteral("report")},
                   QStringLiteral("List every input line and option: mapped (to which node and field), ignored (why) or "
                                  "not understood (why); to stdout with -o, else to stderr.")),
        valueOption({QStringLiteral("with")}, QStringLiteral("FILE"),
                    QStringLiteral("A file the script refers to (dnsmasq -C/--conf-file, nft -f), found by its path or "
                                   "file name; repeatable."),
                    Complete::File),
        valueOption({QStringLiteral("case")}, QStringLiteral("VALUE"),
                    QStringLiteral("The branch of an rc script's case \"$1\" to follow (default: start).")),
        valueOption({QStringLiteral("name")}, QStringLiteral("NAME"),
                    QStringLiteral("The topology's name (default: the input's file name).")),
        flagOption({QStringLiteral("running")}, QStringLiteral("Import your own running qemu-system-* guests.")),
    };
    s.positionals = {positionalArg(QStringLiteral("FILE|-"), QStringLiteral("The script or dnsmasq.conf to read (- reads standard input)."),
                                   Complete::File)};
    s.footer = QStringLiteral("exit codes: 0 every line mapped, 1 some lines were ignored or not understood (or the\n"
                              "            result does not validate), 2 bad command line, 3 nothing usable came out\n"
                              "            (or the input was refused: binary, larger than 4 MiB, unreadable)");
    return s;
}

int runImport(const QStringList &args)
{
    CliParser p(specImport());
    if (const std::optional<int> done = p.parse(args))
        return *done;
    const QString output = QStringLiteral("output"), report = QStringLiteral("report"), with = QStringLiteral("with"),
                  caseValue = QStringLiteral("case"), name = QStringLiteral("name"), running = QStringLiteral("running");
    const QStringList files = p.positionals();
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
