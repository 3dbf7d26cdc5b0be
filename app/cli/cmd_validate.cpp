// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl validate [--json] FILE...: load each topology file and report every problem.
#include "cliparser.h"
#include "commands.h"

#include "model/netlinkhostnet.h"
#include "model/topologyjson.h"
#include "model/validator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace netloom::cli {

namespace {

const QString kCmd = QStringLiteral("validate");

}  // namespace

CliSpec specValidate()
{
    CliSpec s;
    s.command = kCmd;
    s.synopsis = QStringLiteral("[--json] FILE...");
    s.description = QStringLiteral(
        "Loads each topology file and checks it (docs/topology-format.md). Every problem is\n"
        "printed on its own line to stderr:\n"
        "  FILE: PATH: MESSAGE            an error (the topology cannot be started)\n"
        "  FILE: PATH: warning: MESSAGE   legal, but probably not what you meant\n"
        "Gateways are also checked against the routes of the host (of the current network\n"
        "namespace, read over netlink): a subnet that overlaps one gives a warning naming the\n"
        "route and its interface, unless the route belongs to that very network while it runs.\n"
        "A file that cannot be read or decoded gives one line naming the file and the JSON path.");
    s.options = {flagOption({QStringLiteral("json")},
                            QStringLiteral("Print one JSON report on stdout instead: {\"files\": [{\"file\", \"valid\", "
                                           "\"loadError\", \"issues\": [{\"severity\", \"path\", \"node\", \"link\", \"message\"}]}]}."))};
    s.positionals = {positionalArg(QStringLiteral("FILE..."), QStringLiteral("Topology files to check (- reads standard input)."),
                                   Complete::TopologyFile)};
    s.lastRepeats = true;
    s.footer = QStringLiteral("exit codes: 0 all files valid (warnings allowed), 2 bad command line,\n"
                              "            3 a file is unreadable, malformed or invalid");
    return s;
}

namespace {

QJsonObject issueJson(const model::Issue &i)
{
    return QJsonObject{{QStringLiteral("severity"), model::severityName(i.severity)},
                       {QStringLiteral("path"), i.path},
                       {QStringLiteral("node"), i.nodeId},
                       {QStringLiteral("link"), i.linkId},
                       {QStringLiteral("message"), i.message}};
}

}  // namespace

int runValidate(const QStringList &args)
{
    CliParser parser(specValidate());
    if (const std::optional<int> done = parser.parse(args))
        return *done;
    const bool json = parser.isSet(QStringLiteral("json"));
    const QStringList files = parser.positionals();
    if (files.isEmpty()) {
        printError(kCmd, QStringLiteral("no topology file given (usage: netloomctl validate [--json] FILE...)"));
        return ExitUsage;
    }

    // The host's routes, read once for every file (no privilege needed). If they cannot be
    // read, the files are still checked, without the host-route warnings.
    model::ValidationContext context;
    if (Result<model::HostNetwork> host = model::NetlinkHostNetReader().read(); host)
        context.hostRoutes = host->routes;
    else
        printError(kCmd, host.error().message + QStringLiteral(" (host routes are not checked)"));

    bool allValid = true;
    QJsonArray report;
    for (const QString &file : files) {
        QJsonObject entry{{QStringLiteral("file"), file}};
        const QString path = file == QLatin1String("-") ? QStringLiteral("/dev/stdin") : file;
        const Result<model::Topology> t = model::loadTopologyFile(path);
        if (!t) {
            allValid = false;
            entry.insert(QStringLiteral("valid"), false);
            entry.insert(QStringLiteral("loadError"), QJsonObject{{QStringLiteral("code"), errorCodeName(t.error().code)},
                                                                  {QStringLiteral("message"), t.error().message}});
            entry.insert(QStringLiteral("issues"), QJsonArray());
            if (!json)
                printErr(t.error().message + QLatin1Char('\n'));
            report.append(entry);
            continue;
        }
        const QList<model::Issue> issues = model::validate(*t, context);
        const bool valid = !model::hasErrors(issues);
        allValid = allValid && valid;
        QJsonArray list;
        int warnings = 0;
        for (const model::Issue &i : issues) {
            list.append(issueJson(i));
            const bool warning = i.severity == model::Issue::Severity::Warning;
            warnings += warning ? 1 : 0;
            if (!json)
                printErr(QStringLiteral("%1: %2: %3%4\n").arg(file, i.path, warning ? QStringLiteral("warning: ") : QString(), i.message));
        }
        entry.insert(QStringLiteral("valid"), valid);
        entry.insert(QStringLiteral("loadError"), QJsonValue::Null);
        entry.insert(QStringLiteral("issues"), list);
        report.append(entry);
        if (!json && valid)
            printOut(QStringLiteral("%1: valid (%2 nodes, %3 links%4)\n")
                         .arg(file).arg(t->nodes.size()).arg(t->links.size())
                         .arg(warnings ? QStringLiteral(", %1 warning%2").arg(warnings).arg(warnings == 1 ? "" : "s") : QString()));
    }
    if (json)
        printOut(QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("files"), report}}).toJson(QJsonDocument::Indented)));
    return allValid ? ExitOk : ExitInvalid;
}

}  // namespace netloom::cli
