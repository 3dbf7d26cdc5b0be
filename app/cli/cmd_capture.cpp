// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl capture: asks a running 'netloomctl up' to capture one port of one of its netloom
// switches into a pcap file (tcpdump, Wireshark), or to stop. Guest-to-guest traffic on a
// user-space switch is invisible to tcpdump on the host; this is how to see it.
#include "commands.h"

#include "controlquery.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonObject>

namespace netloom::cli {

namespace {

QString option(const QString &a, const std::function<std::optional<QString>()> &next, QJsonObject *request)
{
    if (a == QLatin1String("--stop")) {
        if (request->contains(QStringLiteral("file")))
            return QStringLiteral("give either --file or --stop");
        request->insert(QStringLiteral("file"), QString());
        return {};
    }
    if (a != QLatin1String("--network") && a != QLatin1String("--port") && a != QLatin1String("--file"))
        return QStringLiteral("unknown option '%1' (see 'netloomctl capture --help')").arg(a);
    const std::optional<QString> v = next();
    if (!v || v->isEmpty())
        return QStringLiteral("%1 needs a value").arg(a);
    if (a == QLatin1String("--network")) {
        request->insert(QStringLiteral("network"), *v);
    } else if (a == QLatin1String("--port")) {
        bool ok = false;
        const uint port = v->toUInt(&ok);
        if (!ok || port < 1 || port > 65535)
            return QStringLiteral("--port needs a port number (1..65535) as 'netloomctl stats' shows it, not '%1'").arg(*v);
        request->insert(QStringLiteral("port"), qint64(port));
    } else {
        if (request->contains(QStringLiteral("file")))
            return QStringLiteral("give either --file or --stop");
        // The running topology writes the file: make the path independent of its directory.
        request->insert(QStringLiteral("file"), QFileInfo(*v).absoluteFilePath());
    }
    return {};
}

QString check(const QJsonObject &request)
{
    if (!request.contains(QStringLiteral("network")) || !request.contains(QStringLiteral("port")))
        return QStringLiteral("--network and --port are required (see 'netloomctl stats')");
    if (!request.contains(QStringLiteral("file")))
        return QStringLiteral("give --file FILE to start capturing or --stop to stop");
    return {};
}

QString reply(const QJsonObject &r)
{
    const QString file = r.value(QStringLiteral("file")).toString();
    const QString where = QStringLiteral("%1 port %2").arg(r.value(QStringLiteral("network")).toString()).arg(r.value(QStringLiteral("port")).toInteger());
    return file.isEmpty() ? QStringLiteral("capture of %1 stopped\n").arg(where)
                          : QStringLiteral("capturing %1 into %2\n").arg(where, file);
}

}  // namespace

int runCapture(const QStringList &args)
{
    return runControlQuery({QStringLiteral("capture"),
                            QStringLiteral("Captures one port of a netloom switch into a pcap file, or stops capturing it"),
                            QStringLiteral("--network NET --port N (--file FILE | --stop)"),
                            QStringLiteral("  --network NET   the network (switch) as 'netloomctl stats' lists it\n"
                                           "  --port N        its port number, from the same list\n"
                                           "  --file FILE     pcap file to write (created 0600, truncated; tcpdump -r\n"
                                           "                  and Wireshark read it); frames of a guest restarted on\n"
                                           "                  the same port go on into the same file\n"
                                           "  --stop          stop capturing that port\n"),
                            option, check, reply, {}, {}, {}, {}, {}},
                           args);
}

}  // namespace netloom::cli
