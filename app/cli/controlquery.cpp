#include "controlquery.h"

#include "commands.h"
#include "runtime/controlserver.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>

namespace netloom::cli {

int runControlQuery(const QString &op, const QString &what, const QStringList &args,
                    const std::function<QString(const QJsonObject &)> &formatTable)
{
    QString topology, socket;
    bool json = false;
    const auto fail = [&](int code, const QString &message) {
        printError(op, message);
        return code;
    };
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == QLatin1String("-h") || a == QLatin1String("--help")) {
            printOut(QStringLiteral("usage: netloomctl %1 [NAME] [--socket PATH] [--json]\n\n"
                                    "Shows %2 of the running topology NAME (started with 'netloomctl up'),\n"
                                    "or of the only one running when NAME is omitted, asked over\n"
                                    "$XDG_RUNTIME_DIR/netloom/NAME.ctl. --json prints the reply as one JSON object.\n")
                         .arg(op, what));
            return ExitOk;
        }
        if (a == QLatin1String("--json")) {
            json = true;
        } else if (a == QLatin1String("--socket")) {
            if (i + 1 >= args.size())
                return fail(ExitUsage, QStringLiteral("--socket needs a path"));
            socket = args[++i];
        } else if (a.startsWith(u'-')) {
            return fail(ExitUsage, QStringLiteral("unknown option '%1' (see 'netloomctl %2 --help')").arg(a, op));
        } else if (topology.isEmpty()) {
            topology = a;
        } else {
            return fail(ExitUsage, QStringLiteral("more than one topology name given"));
        }
    }
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
    Result<QJsonObject> r = runtime::queryControl(socket, op);
    if (!r)
        return fail(ExitFailure, r.error().message);
    printOut(json ? QString::fromUtf8(QJsonDocument(*r).toJson(QJsonDocument::Compact)) + u'\n' : formatTable(*r));
    return ExitOk;
}

}  // namespace netloom::cli
