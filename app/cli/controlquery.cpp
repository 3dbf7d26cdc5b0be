// SPDX-License-Identifier: GPL-3.0-or-later
#include "controlquery.h"

#include "commands.h"
#include "runtime/controlserver.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>

namespace netloom::cli {

int runControlQuery(const ControlCommand &command, const QStringList &args, int timeoutMs)
{
    const QString &op = command.op;
    const QString name = command.name.isEmpty() ? op : command.name;
    QString topology, socket;
    bool json = false;
    qsizetype positional = 0;
    QJsonObject request{{QStringLiteral("op"), op}};
    const auto fail = [&](int code, const QString &message) {
        printError(name, message);
        return code;
    };
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == QLatin1String("-h") || a == QLatin1String("--help")) {
            QString words;
            for (qsizetype k = 0; k < command.positionals.size(); ++k)
                words += u' ' + command.positionalLabels.value(k, command.positionals[k].toUpper());
            printOut(QStringLiteral("usage: netloomctl %1%5 [NAME]%2 [--socket PATH] [--json]\n\n"
                                    "%3.\nTopology: NAME (started with 'netloomctl up'), or the only one running when\n"
                                    "NAME is omitted, over $XDG_RUNTIME_DIR/netloom/NAME.ctl (or --socket PATH).\n"
                                    "--json prints the reply as one JSON object.\n%4")
                         .arg(name, command.usage.isEmpty() ? QString() : u' ' + command.usage, command.what,
                              command.help.isEmpty() ? QString() : u'\n' + command.help, words));
            return ExitOk;
        }
        if (a == QLatin1String("--json")) {
            json = true;
        } else if (a == QLatin1String("--socket")) {
            if (i + 1 >= args.size())
                return fail(ExitUsage, QStringLiteral("--socket needs a path"));
            socket = args[++i];
        } else if (a.startsWith(u'-')) {
            if (!command.option)
                return fail(ExitUsage, QStringLiteral("unknown option '%1' (see 'netloomctl %2 --help')").arg(a, name));
            const auto next = [&]() -> std::optional<QString> {
                if (i + 1 >= args.size())
                    return std::nullopt;
                return args[++i];
            };
            if (const QString e = command.option(a, next, &request); !e.isEmpty())
                return fail(ExitUsage, e);
        } else if (positional < command.positionals.size()) {
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
        return command.run(socket, request);
    Result<QJsonObject> r = runtime::queryControl(socket, request, timeoutMs);
    if (!r)
        return fail(ExitFailure, r.error().message);
    printOut(json ? QString::fromUtf8(QJsonDocument(*r).toJson(QJsonDocument::Compact)) + u'\n' : command.formatTable(*r));
    return ExitOk;
}

}  // namespace netloom::cli
