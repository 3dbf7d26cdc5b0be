// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl link: sets a link of a running topology up or down, or changes its impairment,
// at once (network emulation, issue #13). The change is made to the running topology only;
// the file is not written.
#include "commands.h"

#include "controlquery.h"
#include "model/linkedit.h"

#include <QJsonObject>

namespace netloom::cli {

int runLink(const QStringList &args)
{
    ControlCommand c;
    c.op = QStringLiteral("link");
    c.what = QStringLiteral(
        "Changes LINK of a running topology at once. LINK: a link id, a guest (id or name)\n"
        "with one linked NIC, or GUEST/NIC. ACTION: up, down (the link carries nothing; a\n"
        "guest NIC loses its carrier), none (no impairment), or an impairment spec such as\n"
        "delay=50ms,jitter=5ms,loss=1%,rate=10mbit (keys: delay, jitter, dist, reorder, loss,\n"
        "gemodel, duplicate, corrupt, rate, queue; see docs/switch.md). The topology file is\n"
        "not changed");
    c.usage = QStringLiteral("[--dir both|ab|ba|to-guest|from-guest]");
    c.help = QStringLiteral("  --dir D      the direction an impairment applies to (default both)\n");
    c.positionals = {QStringLiteral("link"), QStringLiteral("action")};
    c.positionalLabels = {QStringLiteral("LINK"), QStringLiteral("ACTION")};
    c.option = [](const QString &arg, const std::function<std::optional<QString>()> &next, QJsonObject *request) -> QString {
        if (arg != QLatin1String("--dir"))
            return QStringLiteral("unknown option '%1' (see 'netloomctl link --help')").arg(arg);
        const std::optional<QString> v = next();
        if (!v)
            return QStringLiteral("--dir needs a value");
        request->insert(QStringLiteral("dir"), *v);
        return QString();
    };
    c.check = [](const QJsonObject &r) {
        Result<model::LinkChange> ch = model::parseLinkChange(r.value(QStringLiteral("action")).toString(),
                                                              r.value(QStringLiteral("dir")).toString());
        return ch ? QString() : ch.error().message;
    };
    c.formatTable = [](const QJsonObject &r) {
        return QStringLiteral("%1: %2; a->b %3; b->a %4\n")
            .arg(r.value(QStringLiteral("link")).toString(),
                 r.value(QStringLiteral("up")).toBool() ? QStringLiteral("up") : QStringLiteral("down"),
                 r.value(QStringLiteral("ab")).toString(), r.value(QStringLiteral("ba")).toString());
    };
    return runControlQuery(c, args);
}

}  // namespace netloom::cli
