// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl enable FILE / disable FILE / list-enabled (issue #16 part 2): a topology's
// network and guests at boot. The host side goes to the helper as a boot record (op
// `enable`), the switches and guests to the systemd user unit netloom-up@INSTANCE.service
// (runtime/bootenable.h has the design). Either half failing undoes the other, so a
// topology is enabled completely or not at all.
#include "cliparser.h"
#include "commands.h"

#include "helperclient/helperclient.h"
#include "runtime/bootenable.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>

namespace netloom::cli {

namespace {

const QString kEnable = QStringLiteral("enable");
const QString kDisable = QStringLiteral("disable");
const QString kList = QStringLiteral("list-enabled");

CliOption helperSocketOption()
{
    return valueOption({QStringLiteral("helper-socket")}, QStringLiteral("PATH"),
                       QStringLiteral("The helper's socket (default /run/netloom/helper.sock)."), Complete::File);
}

CliOption noUnitOption()
{
    return flagOption({QStringLiteral("no-unit")},
                      QStringLiteral("Leave the systemd user unit alone: only the helper's boot record changes."));
}

Result<QJsonObject> helperCall(const QString &socket, protocol::Request r)
{
    HelperClient client;
    const QString path = socket.isEmpty() ? HelperClient::defaultSocketPath() : socket;
    if (auto s = client.connectAndWait(path); !s)
        return s.error();
    return client.call(std::move(r));
}

}  // namespace

CliSpec specEnable()
{
    CliSpec s;
    s.command = kEnable;
    s.synopsis = QStringLiteral("FILE [--no-unit] [--helper-socket PATH]");
    s.description = QStringLiteral(
        "Starts the topology at boot, as the classic rc scripts did. Its host side (taps, bridges,\n"
        "addresses, NAT, dnsmasq) is stored by the helper, which re-creates it when it starts on a\n"
        "fresh boot; its switches and guests are started by the systemd user unit\n"
        "netloom-up@INSTANCE.service (INSTANCE: the file's absolute path, escaped as systemd-escape\n"
        "--path does), which runs `netloomctl up FILE --quiet` for you when your session starts,\n"
        "or at boot when lingering is on (loginctl enable-linger USER). Nothing starts now.\n"
        "The file is validated and planned first; if either half fails, neither is left enabled.");
    s.options = {noUnitOption(), helperSocketOption()};
    s.positionals = {positionalArg(QStringLiteral("FILE"), QStringLiteral("The topology file."), Complete::TopologyFile)};
    s.footer = QStringLiteral("exit codes: 0 enabled, 1 the helper or systemctl failed, 2 bad command line,\n"
                              "            3 the file is unreadable, malformed or invalid");
    return s;
}

CliSpec specDisable()
{
    CliSpec s;
    s.command = kDisable;
    s.synopsis = QStringLiteral("FILE [--no-unit] [--helper-socket PATH]");
    s.description = QStringLiteral(
        "Undoes `netloomctl enable FILE`: the helper forgets the boot record and the user unit is\n"
        "disabled. A running network or `up` is left alone. The file need not exist any more.");
    s.options = {noUnitOption(), helperSocketOption()};
    s.positionals = {positionalArg(QStringLiteral("FILE"), QStringLiteral("The topology file."), Complete::TopologyFile)};
    s.footer = QStringLiteral("exit codes: 0 disabled, 1 it was not enabled or a step failed, 2 bad command line");
    return s;
}

CliSpec specListEnabled()
{
    CliSpec s;
    s.command = kList;
    s.synopsis = QStringLiteral("[--json] [--helper-socket PATH]");
    s.description = QStringLiteral(
        "Lists your topologies enabled at boot: the helper's boot records (network, whether it is\n"
        "active, what the helper did with it at its last start) and the enabled netloom-up@ user\n"
        "units. A topology with only one half enabled is shown too (it needs `enable` again).");
    s.options = {flagOption({QStringLiteral("json")},
                            QStringLiteral("Print {\"topologies\": [{\"topology\", \"network\", \"hostSide\", \"active\", "
                                           "\"boot\", \"unit\", \"unitEnabled\"}], \"helperError\"} instead.")),
                 helperSocketOption()};
    s.footer = QStringLiteral("exit codes: 0 listed (also when the helper cannot be reached: said), 2 bad command line");
    return s;
}

int runEnable(const QStringList &args)
{
    CliParser parser(specEnable());
    if (const std::optional<int> done = parser.parse(args))
        return *done;
    if (parser.positionals().size() != 1) {
        printError(kEnable, QStringLiteral("give exactly one topology file (usage: netloomctl enable FILE)"));
        return ExitUsage;
    }
    const QString socket = parser.value(QStringLiteral("helper-socket"));
    const bool unit = !parser.isSet(QStringLiteral("no-unit"));
    auto b = runtime::bootRequestFor(parser.positionals().first());
    if (!b) {
        printError(kEnable, b.error().message);
        return ExitInvalid;
    }
    if (b->hasHostSide) {
        if (auto r = helperCall(socket, b->request); !r) {
            printError(kEnable, r.error().message);
            return ExitFailure;
        }
    }
    const QString unitName = runtime::upUnitName(b->topologyPath);
    if (unit) {
        if (auto s = runtime::setUpUnitEnabled(unitName, true); !s) {
            printError(kEnable, s.error().message);
            if (b->hasHostSide) {  // all or nothing: the boot record goes again
                protocol::Request undo;
                undo.op = protocol::Op::Disable;
                undo.network = b->network;
                if (auto u = helperCall(socket, undo); !u)
                    printError(kEnable, u.error().message);
            }
            return ExitFailure;
        }
    }
    printOut(QStringLiteral("enabled topology '%1' (%2)\n").arg(b->name, b->topologyPath));
    printOut(b->hasHostSide ? QStringLiteral("  host side: network '%1', re-created by the helper when it starts at boot\n").arg(b->network)
                            : QStringLiteral("  host side: none (nothing for the helper)\n"));
    if (unit) {
        printOut(QStringLiteral("  switches and guests: %1\n").arg(unitName));
        if (!runtime::lingerEnabled())
            printOut(QStringLiteral("  they start when you log in; to start them at boot without a login: loginctl enable-linger\n"));
    }
    return ExitOk;
}

int runDisable(const QStringList &args)
{
    CliParser parser(specDisable());
    if (const std::optional<int> done = parser.parse(args))
        return *done;
    if (parser.positionals().size() != 1) {
        printError(kDisable, QStringLiteral("give exactly one topology file (usage: netloomctl disable FILE)"));
        return ExitUsage;
    }
    const QString socket = parser.value(QStringLiteral("helper-socket"));
    const bool unit = !parser.isSet(QStringLiteral("no-unit"));
    const QString file = parser.positionals().first();
    const QFileInfo fi(file);
    const QString path = fi.exists() ? fi.canonicalFilePath() : fi.absoluteFilePath();

    // The network: from the file when it still exists, else from the helper's records.
    protocol::Request list;
    list.op = protocol::Op::Enabled;
    auto enabled = helperCall(socket, list);
    if (!enabled) {
        printError(kDisable, enabled.error().message);
        return ExitFailure;
    }
    QString network;
    for (const QJsonValue &v : enabled->value(QStringLiteral("networks")).toArray())
        if (v.toObject().value(QStringLiteral("topology")).toString() == path)
            network = v.toObject().value(QStringLiteral("network")).toString();
    const QString unitName = runtime::upUnitName(path);
    const bool unitWasEnabled = runtime::enabledUpUnits(runtime::userUnitDir()).contains(path);
    if (network.isEmpty() && !(unit && unitWasEnabled)) {
        printError(kDisable, QStringLiteral("failed to disable '%1': it is not enabled").arg(path));
        return ExitFailure;
    }
    int code = ExitOk;
    if (!network.isEmpty()) {
        protocol::Request r;
        r.op = protocol::Op::Disable;
        r.network = network;
        if (auto d = helperCall(socket, r); !d) {
            printError(kDisable, d.error().message);
            code = ExitFailure;
        } else {
            printOut(QStringLiteral("disabled network '%1' at boot (a running network stays until stopped)\n").arg(network));
        }
    }
    if (unit && unitWasEnabled) {
        if (auto s = runtime::setUpUnitEnabled(unitName, false); !s) {
            printError(kDisable, s.error().message);
            code = ExitFailure;
        } else {
            printOut(QStringLiteral("disabled %1\n").arg(unitName));
        }
    }
    return code;
}

int runListEnabled(const QStringList &args)
{
    CliParser parser(specListEnabled());
    if (const std::optional<int> done = parser.parse(args))
        return *done;
    if (!parser.positionals().isEmpty()) {
        printError(kList, QStringLiteral("takes no arguments (usage: netloomctl list-enabled [--json])"));
        return ExitUsage;
    }
    const bool json = parser.isSet(QStringLiteral("json"));
    protocol::Request list;
    list.op = protocol::Op::Enabled;
    const auto enabled = helperCall(parser.value(QStringLiteral("helper-socket")), list);
    QMap<QString, QJsonObject> rows;  // by topology path
    if (enabled) {
        for (const QJsonValue &v : enabled->value(QStringLiteral("networks")).toArray()) {
            const QJsonObject e = v.toObject();
            const QString t = e.value(QStringLiteral("topology")).toString();
            rows[t] = QJsonObject{{QStringLiteral("topology"), t},
                                  {QStringLiteral("network"), e.value(QStringLiteral("network"))},
                                  {QStringLiteral("hostSide"), true},
                                  {QStringLiteral("active"), e.value(QStringLiteral("active"))},
                                  {QStringLiteral("boot"), e.value(QStringLiteral("boot"))},
                                  {QStringLiteral("unit"), runtime::upUnitName(t)},
                                  {QStringLiteral("unitEnabled"), false}};
        }
    }
    for (const QString &t : runtime::enabledUpUnits(runtime::userUnitDir())) {
        QJsonObject row = rows.value(t, QJsonObject{{QStringLiteral("topology"), t},
                                                    {QStringLiteral("network"), QString()},
                                                    {QStringLiteral("hostSide"), false},
                                                    {QStringLiteral("active"), false},
                                                    {QStringLiteral("boot"), QString()},
                                                    {QStringLiteral("unit"), runtime::upUnitName(t)}});
        row.insert(QStringLiteral("unitEnabled"), true);
        rows[t] = row;
    }
    if (json) {
        QJsonArray out;
        for (const QJsonObject &r : std::as_const(rows))
            out.append(r);
        printOut(QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("topologies"), out},
                                                             {QStringLiteral("helperError"), enabled ? QJsonValue() : QJsonValue(enabled.error().message)}})
                                       .toJson(QJsonDocument::Indented)));
        return ExitOk;
    }
    if (!enabled)
        printErr(QStringLiteral("netloomctl list-enabled: the helper's boot records are unknown: %1\n").arg(enabled.error().message));
    if (rows.isEmpty()) {
        printOut(QStringLiteral("no topology is enabled at boot\n"));
        return ExitOk;
    }
    for (const QJsonObject &r : std::as_const(rows)) {
        const bool host = r.value(QStringLiteral("hostSide")).toBool();
        const bool unitOn = r.value(QStringLiteral("unitEnabled")).toBool();
        QString hostText = host ? QStringLiteral("network %1 (%2)").arg(r.value(QStringLiteral("network")).toString(),
                                                                        r.value(QStringLiteral("active")).toBool() ? QStringLiteral("active")
                                                                                                                   : QStringLiteral("not active"))
                                : QStringLiteral("no boot record");
        const QString boot = r.value(QStringLiteral("boot")).toString();
        if (!boot.isEmpty())
            hostText += QStringLiteral(", ") + boot;
        printOut(QStringLiteral("%1\n  host side: %2\n  guests: %3%4\n")
                     .arg(r.value(QStringLiteral("topology")).toString(), hostText, r.value(QStringLiteral("unit")).toString(),
                          unitOn ? QStringLiteral(" (enabled)") : QStringLiteral(" (not enabled)")));
    }
    return ExitOk;
}

}  // namespace netloom::cli
