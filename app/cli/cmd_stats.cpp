// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl stats: asks a running 'netloomctl up' (its per-user control socket) for its
// per-port counters and rates.
#include "commands.h"

#include "controlquery.h"

#include <QJsonArray>
#include <QJsonObject>

namespace netloom::cli {

namespace {

QString statsTable(const QJsonObject &reply)
{
    QString out = QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8\n")
                      .arg(QStringLiteral("NETWORK").leftJustified(10), QStringLiteral("PORT").rightJustified(4), QStringLiteral("OWNER").leftJustified(24),
                           QStringLiteral("RX bit/s").rightJustified(12), QStringLiteral("TX bit/s").rightJustified(12),
                           QStringLiteral("RX frames").rightJustified(10), QStringLiteral("TX frames").rightJustified(10),
                           QStringLiteral("EMU drops").rightJustified(10));
    for (const QJsonValue &v : reply.value(QStringLiteral("ports")).toArray()) {
        const QJsonObject o = v.toObject();
        out += QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8\n")
                   .arg(o.value(QStringLiteral("network")).toString().leftJustified(10),
                        QString::number(o.value(QStringLiteral("port")).toInteger()).rightJustified(4),
                        o.value(QStringLiteral("owner")).toString().leftJustified(24),
                        QString::number(o.value(QStringLiteral("rxBitsPerSec")).toDouble(), 'f', 0).rightJustified(12),
                        QString::number(o.value(QStringLiteral("txBitsPerSec")).toDouble(), 'f', 0).rightJustified(12),
                        QString::number(o.value(QStringLiteral("rxFrames")).toInteger()).rightJustified(10),
                        QString::number(o.value(QStringLiteral("txFrames")).toInteger()).rightJustified(10),
                        // frames network emulation dropped (loss, link down, rate queue)
                        QString::number(o.value(QStringLiteral("impairDrops")).toInteger()).rightJustified(10));
    }
    return out;
}

}  // namespace

int runStats(const QStringList &args)
{
    return runControlQuery({QStringLiteral("stats"), QStringLiteral("Shows the per-port counters and rates"), {}, {}, {}, {}, statsTable, {}, {}, {}, {}, {}}, args);
}

}  // namespace netloom::cli
