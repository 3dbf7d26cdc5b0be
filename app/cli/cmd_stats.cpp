// netloomctl stats: asks a running 'netloomctl up' (its per-user control socket) for its
// per-port counters and rates.
#include "commands.h"

#include "runtime/controlserver.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace netloom::cli {

int runStats(const QStringList &args)
{
    const QString cmd = QStringLiteral("stats");
    QString topology, socket;
    bool json = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == QLatin1String("-h") || a == QLatin1String("--help")) {
            printOut(QStringLiteral("usage: netloomctl stats [NAME] [--socket PATH] [--json]\n\n"
                                    "Queries the running topology NAME (started with 'netloomctl up'), or the only one\n"
                                    "running when NAME is omitted, over $XDG_RUNTIME_DIR/netloom/NAME.ctl.\n"));
            return ExitOk;
        }
        if (a == QLatin1String("--json")) {
            json = true;
        } else if (a == QLatin1String("--socket")) {
            if (i + 1 >= args.size()) {
                printError(cmd, QStringLiteral("--socket needs a path"));
                return ExitUsage;
            }
            socket = args[++i];
        } else if (a.startsWith(u'-')) {
            printError(cmd, QStringLiteral("unknown option '%1' (see 'netloomctl stats --help')").arg(a));
            return ExitUsage;
        } else if (topology.isEmpty()) {
            topology = a;
        } else {
            printError(cmd, QStringLiteral("more than one topology name given"));
            return ExitUsage;
        }
    }
    if (socket.isEmpty() && !topology.isEmpty())
        socket = runtime::controlSocketPathFor(topology);
    if (socket.isEmpty()) {
        const QString dir = QFileInfo(runtime::controlSocketPathFor(QStringLiteral("x"))).absolutePath();
        const QStringList found = QDir(dir).entryList({QStringLiteral("*.ctl")}, QDir::System | QDir::Files);
        if (found.size() != 1) {
            printError(cmd, found.isEmpty() ? QStringLiteral("failed to find a running topology in '%1': none (start one with 'netloomctl up FILE')").arg(dir)
                                            : QStringLiteral("failed to pick a running topology in '%1': several (%2); name one").arg(dir, found.join(QStringLiteral(", "))));
            return ExitFailure;
        }
        socket = dir + u'/' + found.first();
    }
    Result<QJsonObject> r = runtime::queryControl(socket, cmd);
    if (!r) {
        printError(cmd, r.error().message);
        return ExitFailure;
    }
    if (json) {
        printOut(QString::fromUtf8(QJsonDocument(*r).toJson(QJsonDocument::Compact)) + u'\n');
        return ExitOk;
    }
    QString out = QStringLiteral("%1 %2 %3 %4 %5 %6 %7\n")
                      .arg(QStringLiteral("NETWORK").leftJustified(10), QStringLiteral("PORT").rightJustified(4), QStringLiteral("OWNER").leftJustified(24),
                           QStringLiteral("RX bit/s").rightJustified(12), QStringLiteral("TX bit/s").rightJustified(12),
                           QStringLiteral("RX frames").rightJustified(10), QStringLiteral("TX frames").rightJustified(10));
    for (const QJsonValue &v : r->value(QStringLiteral("ports")).toArray()) {
        const QJsonObject o = v.toObject();
        out += QStringLiteral("%1 %2 %3 %4 %5 %6 %7\n")
                   .arg(o.value(QStringLiteral("network")).toString().leftJustified(10),
                        QString::number(o.value(QStringLiteral("port")).toInteger()).rightJustified(4),
                        o.value(QStringLiteral("owner")).toString().leftJustified(24),
                        QString::number(o.value(QStringLiteral("rxBitsPerSec")).toDouble(), 'f', 0).rightJustified(12),
                        QString::number(o.value(QStringLiteral("txBitsPerSec")).toDouble(), 'f', 0).rightJustified(12),
                        QString::number(o.value(QStringLiteral("rxFrames")).toInteger()).rightJustified(10),
                        QString::number(o.value(QStringLiteral("txFrames")).toInteger()).rightJustified(10));
    }
    printOut(out);
    return ExitOk;
}

}  // namespace netloom::cli
