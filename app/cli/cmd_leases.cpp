// netloomctl leases: asks a running 'netloomctl up' (its per-user control socket) for its
// lease tables (every network).
#include "commands.h"

#include "runtime/controlserver.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace netloom::cli {

int runLeases(const QStringList &args)
{
    const QString cmd = QStringLiteral("leases");
    QString topology, socket;
    bool json = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == QLatin1String("-h") || a == QLatin1String("--help")) {
            printOut(QStringLiteral("usage: netloomctl leases [NAME] [--socket PATH] [--json]\n\n"
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
            printError(cmd, QStringLiteral("unknown option '%1' (see 'netloomctl leases --help')").arg(a));
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
                      .arg(QStringLiteral("NETWORK").leftJustified(10), QStringLiteral("MAC").leftJustified(17), QStringLiteral("IP").leftJustified(15),
                           QStringLiteral("HOSTNAME").leftJustified(16), QStringLiteral("GUEST").leftJustified(14), QStringLiteral("STATE").leftJustified(9),
                           QStringLiteral("SOURCE"));
    for (const QJsonValue &v : r->value(QStringLiteral("leases")).toArray()) {
        const QJsonObject o = v.toObject();
        auto f = [&](const char *k) {
            const QString s = o.value(QLatin1String(k)).toString();
            return s.isEmpty() ? QStringLiteral("-") : s;
        };
        QString guest = f("guest");
        if (!o.value(QStringLiteral("nic")).toString().isEmpty())
            guest += u'/' + o.value(QStringLiteral("nic")).toString();
        out += QStringLiteral("%1 %2 %3 %4 %5 %6 %7%8\n")
                   .arg(f("network").leftJustified(10), f("mac").leftJustified(17), f("ip").leftJustified(15), f("hostname").leftJustified(16),
                        guest.leftJustified(14), f("state").leftJustified(9), f("source"),
                        o.value(QStringLiteral("conflict")).toBool() ? QStringLiteral(" CONFLICT") : QString());
    }
    printOut(out);
    return ExitOk;
}

}  // namespace netloom::cli
