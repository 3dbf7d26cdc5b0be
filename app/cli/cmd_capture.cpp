// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl capture: asks a running 'netloomctl up' to capture one port of one of its netloom
// switches into a pcap file (tcpdump, Wireshark), or to stop. Guest-to-guest traffic on a
// user-space switch is invisible to tcpdump on the host; this is how to see it.
#include "commands.h"

#include "cliparser.h"
#include "controlquery.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonObject>

namespace netloom::cli {

namespace {

QString readOptions(const CliParser &p, QJsonObject *request)
{
    const bool stop = p.isSet(QStringLiteral("stop"));
    if (stop && p.isSet(QStringLiteral("file")))
        return QStringLiteral("give either --file or --stop");
    for (const char *name : {"network", "port", "file"})
        if (p.isSet(QLatin1String(name)) && p.value(QLatin1String(name)).isEmpty())
            return QStringLiteral("--%1 needs a value").arg(QLatin1String(name));
    if (p.isSet(QStringLiteral("network")))
        request->insert(QStringLiteral("network"), p.value(QStringLiteral("network")));
    if (p.isSet(QStringLiteral("port"))) {
        const QString v = p.value(QStringLiteral("port"));
        bool ok = false;
        const uint port = v.toUInt(&ok);
        if (!ok || port < 1 || port > 65535)
            return QStringLiteral("--port needs a port number (1..65535) as 'netloomctl stats' shows it, not '%1'").arg(v);
        request->insert(QStringLiteral("port"), qint64(port));
    }
    if (stop)
        request->insert(QStringLiteral("file"), QString());
    else if (p.isSet(QStringLiteral("file")))
        // The running topology writes the file: make the path independent of its directory.
        request->insert(QStringLiteral("file"), QFileInfo(p.value(QStringLiteral("file"))).absoluteFilePath());
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

ControlCommand captureCommand()
{
    ControlCommand c;
    c.op = QStringLiteral("capture");
    c.what = QStringLiteral("Captures one port of a netloom switch into a pcap file, or stops capturing it");
    c.usage = QStringLiteral("--network NET --port N (--file FILE | --stop)");
    c.options = {valueOption({QStringLiteral("network")}, QStringLiteral("NET"),
                             QStringLiteral("The network (switch) as 'netloomctl stats' lists it.")),
                 valueOption({QStringLiteral("port")}, QStringLiteral("N"), QStringLiteral("Its port number, from the same list.")),
                 valueOption({QStringLiteral("file")}, QStringLiteral("FILE"),
                             QStringLiteral("The pcap file to write (created 0600, truncated; tcpdump -r and Wireshark read it); "
                                            "frames of a guest restarted on the same port go on into the same file."),
                             Complete::File),
                 flagOption({QStringLiteral("stop")}, QStringLiteral("Stop capturing that port."))};
    c.readOptions = readOptions;
    c.check = check;
    c.formatTable = reply;
    return c;
}

}  // namespace

CliSpec specCapture() { return controlQuerySpec(captureCommand()); }

int runCapture(const QStringList &args) { return runControlQuery(captureCommand(), args); }

}  // namespace netloom::cli
