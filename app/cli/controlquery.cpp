// SPDX-License-Identifier: GPL-3.0-or-later
#include "controlquery.h"

#include "commands.h"
#include "runtime/controlserver.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>

namespace netloom::cli {

CliSpec controlQuerySpec(const ControlCommand &command)
{
    CliSpec s;
    s.command = command.name.isEmpty() ? command.op : command.name;
    QString words;
    for (qsizetype k = 0; k < command.positionals.size(); ++k) {
        const QString label = command.positionalLabels.value(k, command.positionals[k].toUpper());
        words += label + u' ';
        const Complete complete = command.positionalCompletion.value(
            k, command.positionals[k] == QLatin1String("node") ? Complete::Guest : Complete::None);
        const QString help = command.positionals[k] == QLatin1String("node") ? QStringLiteral("The guest (its node id or name).") : QString();
        s.positionals.append(positionalArg(label, help, complete, command.positionalWords.value(k)));
    }
    s.positionals.append(positionalArg(QStringLiteral("[NAME]"), QStringLiteral("The running topology (default: the only one)."),
                                       Complete::RunningTopology));
    s.synopsis = QStringLiteral("%1[NAME]%2 [--socket PATH] [--json]")
                     .arg(words, command.usage.isEmpty() ? QString() : u' ' + command.usage);
    s.description = QStringLiteral("%1.\nTopology: NAME (started with 'netloomctl up'), or the only one running when\n"
                                   "NAME is omitted, over $XDG_RUNTIME_DIR/netloom/NAME.ctl (or --socket PATH).")
                        .arg(command.what);
    s.options = command.options;
    s.options.append(valueOption({QStringLiteral("socket")}, QStringLiteral("PATH"),
                                 QStringLiteral("The running topology's control socket (instead of NAME)."), Complete::File));
    s.options.append(flagOption({QStringLiteral("json")}, QStringLiteral("Print the reply as one JSON object.")));
    s.footer = QStringLiteral("exit codes: 0 done, 1 no running topology or it refused, 2 bad command line");
    return s;
}

int runControlQuery(const ControlCommand &command, const QStringList &args, int timeoutMs)
{
    const QString &op = command.op;
    const QString name = command.name.isEmpty() ? op : command.name;
    const auto fail = [&](int code, const QString &message) {
        printError(name, message);
        return code;
    };
    CliParser parser(controlQuerySpec(command));
    if (const std::optional<int> done = parser.parse(args))
        return *done;
    QString socket = parser.value(QStringLiteral("socket"));
    const bool json = parser.isSet(QStringLiteral("json"));
    QJsonObject request{{QStringLiteral("op"), op}};
    if (command.readOptions)
        if (const QString e = command.readOptions(parser, &request); !e.isEmpty())
            return fail(ExitUsage, e);
    const QStringList positionals = parser.positionals();
    qsizetype positional = 0;
    QString topology;
    for (const QString &a : positionals) {
        if (positional < command.positionals.size()) {
            const QString &key = command.positionals[positional++];
            request.insert(key, command.positionalValue ? command.positionalValue(key, a) : a);
        } else if (topology.isEmpty()) {
            topology = a;
        } else {
            return fail(ExitUsage, QStringLiteral("more than one topology name given"));
        }
    }
    if (positional < command.positionals.size())
        return fail(ExitUsage, QStringLiteral("%1 is required (see 'netloomctl %2 --help')")
                                   .arg(command.positionalLabels.value(positional, command.positionals[positional].toUpper()), name));
    if (command.check)
        if (const QString e = command.check(request); !e.isEmpty())
            return fail(ExitUsage, e);
    if (socket.isEmpty() && !topology.isEmpty())
        socket = runtime::controlSocketPathFor(topology);
    if (socket.isEmpty()) {
        const QString dir = QFileInfo(runtime::controlSocketPathFor(QStringLiteral("x"))).absolutePath();
        const QStringList found = QDir(dir).entryList({QStringLiteral("*.ctl")}, QDir::System | QDir::Files);
        if (found.isEmpty())
            return fail(ExitFailure, QStringLiteral("failed to find a running topology in '%1': none (start one with "
                                                    "'netloomctl up FILE')").arg(dir));
        if (found.size() > 1)
            return fail(ExitFailure, QStringLiteral("failed to pick a running topology in '%1': several (%2); name one")
                                         .arg(dir, found.join(QStringLiteral(", "))));
        socket = dir + u'/' + found.first();
    }
    if (command.run)
        return command.run(socket, request, parser);
    Result<QJsonObject> r = runtime::queryControl(socket, request, timeoutMs);
    if (!r)
        return fail(ExitFailure, r.error().message);
    printOut(json ? QString::fromUtf8(QJsonDocument(*r).toJson(QJsonDocument::Compact)) + u'\n' : command.formatTable(*r));
    return ExitOk;
}

}  // namespace netloom::cli
