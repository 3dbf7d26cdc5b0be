// SPDX-License-Identifier: GPL-3.0-or-later
#include "listsyntax.h"

#include "protocol/netaddr.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace netloom::gui {

namespace {

// The whole sentence is one translatable string (not Error::failed's English frame), so
// a German UI shows a German sentence.
Error entryError(const QString &what, int index, const QString &entry, const QString &reason)
{
    return Error{ErrorCode::InvalidArgument,
                 QCoreApplication::translate("ListSyntax", "failed to parse '%1': entry %2 '%3': %4")
                     .arg(what).arg(index + 1).arg(entry.left(80), reason)};
}

Error tooMany(const QString &what)
{
    return Error{ErrorCode::LimitExceeded,
                 QCoreApplication::translate("ListSyntax", "failed to parse '%1': more than %2 entries")
                     .arg(what).arg(model::limits::kMaxListItems)};
}

}  // namespace

QString formatReservations(const QList<model::DhcpReservation> &list)
{
    QStringList entries;
    for (const model::DhcpReservation &r : list) {
        QString e = r.mac + QLatin1Char(' ') + r.ip;
        if (!r.hostname.isEmpty())
            e += QLatin1Char(' ') + r.hostname;
        entries.append(e);
    }
    return entries.join(QStringLiteral("; "));
}

Result<QList<model::DhcpReservation>> parseReservations(const QString &text)
{
    const QString what = QCoreApplication::translate("ListSyntax", "DHCP reservations");
    QList<model::DhcpReservation> out;
    const QStringList entries = text.split(QLatin1Char(';'), Qt::SkipEmptyParts);
    for (int i = 0; i < entries.size(); ++i) {
        const QString entry = entries[i].trimmed();
        if (entry.isEmpty())
            continue;
        if (out.size() == model::limits::kMaxListItems)
            return tooMany(what);
        const QStringList f = entry.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
        if (f.size() < 2 || f.size() > 3)
            return entryError(what, i, entry, QCoreApplication::translate("ListSyntax", "expected a MAC address, an IPv4 address and an optional host name"));
        out.append({f[0], f[1], f.value(2)});
    }
    return out;
}

QString formatForwards(const QList<model::HostForward> &list)
{
    QStringList entries;
    for (const model::HostForward &f : list)
        entries.append(QStringLiteral("%1:%2:%3-%4:%5")
                           .arg(f.protocol, f.hostAddress).arg(f.hostPort).arg(f.guestAddress).arg(f.guestPort));
    return entries.join(QLatin1Char(' '));
}

Result<QList<model::HostForward>> parseForwards(const QString &text)
{
    const QString what = QCoreApplication::translate("ListSyntax", "port forwards");
    QList<model::HostForward> out;
    const QStringList entries = text.split(QRegularExpression(QStringLiteral("[\\s;]+")), Qt::SkipEmptyParts);
    for (int i = 0; i < entries.size(); ++i) {
        const QString &entry = entries[i];
        if (out.size() == model::limits::kMaxListItems)
            return tooMany(what);
        const QString shape = QCoreApplication::translate("ListSyntax", "expected protocol:host-address:host-port-guest-address:guest-port, e.g. tcp:127.0.0.1:2222-:22");
        const QStringList sides = entry.split(QLatin1Char('-'));
        if (sides.size() != 2)
            return entryError(what, i, entry, shape);
        const QStringList host = sides[0].split(QLatin1Char(':'));
        const QStringList guest = sides[1].split(QLatin1Char(':'));
        if (host.size() != 3 || guest.size() != 2)
            return entryError(what, i, entry, shape);
        model::HostForward f;
        f.protocol = host[0].isEmpty() ? QStringLiteral("tcp") : host[0];
        if (f.protocol != QLatin1String("tcp") && f.protocol != QLatin1String("udp"))
            return entryError(what, i, entry, QCoreApplication::translate("ListSyntax", "the protocol must be tcp or udp"));
        f.hostAddress = host[1];
        f.guestAddress = guest[0];
        const Result<std::uint16_t> hostPort = protocol::parsePort(host[2]);
        if (!hostPort)
            return entryError(what, i, entry, hostPort.error().message);
        const Result<std::uint16_t> guestPort = protocol::parsePort(guest[1]);
        if (!guestPort)
            return entryError(what, i, entry, guestPort.error().message);
        f.hostPort = *hostPort;
        f.guestPort = *guestPort;
        out.append(f);
    }
    return out;
}

}  // namespace netloom::gui
