// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl leases: asks a running 'netloomctl up' (its per-user control socket) for its
// lease tables (every network).
#include "commands.h"

#include "controlquery.h"

#include <QJsonArray>
#include <QJsonObject>

namespace netloom::cli {

namespace {

QString leasesTable(const QJsonObject &reply)
{
    QString out = QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8\n")
                      .arg(QStringLiteral("NETWORK").leftJustified(10), QStringLiteral("MAC").leftJustified(17), QStringLiteral("IP").leftJustified(15),
                           QStringLiteral("HOSTNAME").leftJustified(16), QStringLiteral("GUEST").leftJustified(14), QStringLiteral("STATE").leftJustified(9),
                           QStringLiteral("SOURCE").leftJustified(9), QStringLiteral("IPV6"));
    for (const QJsonValue &v : reply.value(QStringLiteral("leases")).toArray()) {
        const QJsonObject o = v.toObject();
        auto f = [&](const char *k) {
            const QString s = o.value(QLatin1String(k)).toString();
            return s.isEmpty() ? QStringLiteral("-") : s;
        };
        QString guest = f("guest");
        if (!o.value(QStringLiteral("nic")).toString().isEmpty())
            guest += u'/' + o.value(QStringLiteral("nic")).toString();
        QStringList v6;
        for (const QJsonValue &a : o.value(QStringLiteral("ipv6")).toArray())
            v6.append(a.toString());
        out += QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8%9\n")
                   .arg(f("network").leftJustified(10), f("mac").leftJustified(17), f("ip").leftJustified(15), f("hostname").leftJustified(16),
                        guest.leftJustified(14), f("state").leftJustified(9), f("source").leftJustified(9),
                        v6.isEmpty() ? QStringLiteral("-") : v6.join(u','),
                        o.value(QStringLiteral("conflict")).toBool() ? QStringLiteral(" CONFLICT") : QString());
    }
    return out;
}

}  // namespace

int runLeases(const QStringList &args)
{
    return runControlQuery({QStringLiteral("leases"), QStringLiteral("Shows the lease tables (every network)"), {}, {}, {}, {}, leasesTable, {}, {}, {}, {}, {}}, args);
}

}  // namespace netloom::cli
