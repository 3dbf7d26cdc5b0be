// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl enable FILE / disable FILE / list-enabled (issue #16 part 2): a topology's
// network and guests at boot. The host side goes to the helper as a boot record (op
// `enable`), the switches and guests to the systemd user unit netloom-up@INSTANCE.service
// (runtime/bootenable.h has the design). Either half failing undoes the other, so a
// topology is enabled completely or not at all.
#include "cliparser.h"
#include "commands.h"

#include "runtime/bootenabler.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace netloom::cli {

namespace {

const QString kEnable = QStringLiteral("enable");
const QString kDisable = QStringLiteral("disable");
const QString kList = QStringLiteral("list-enabled");

CliOption noUnitOption()
{
    return flagOption({QStringLiteral("no-unit")},
                      QStringLiteral("Leave the systemd user unit alone: only the helper's boot record changes."));
}

// Runs `start` on `e` and waits for its finished().
std::pair<Status, runtime::BootOutcome> wait(runtime::BootEnabler &e, const std::function<void()> &start)
{
    QEventLoop loop;
    Status status = ok();
    runtime::BootOutcome outcome;
    QObject::connect(&e, &runtime::BootEnabler::finished, &loop, [&](const Status &s, const runtime::BootOutcome &o) {
        status = s;
        outcome = o;
        loop.quit();
    });
    start();
    loop.exec();
    return {status, outcome};
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
    runtime::BootEnabler enabler(parser.value(QStringLiteral("helper-socket")));
    enabler.setManageUnit(!parser.isSet(QStringLiteral("no-unit")));
    const QString file = parser.positionals().first();
    const auto [status, o] = wait(enabler, [&] { enabler.enable(file); });
    if (!status) {
        printError(kEnable, status.error().message);
        return o.invalidInput ? ExitInvalid : ExitFailure;
    }
    printOut(QStringLiteral("enabled topology '%1' (%2)\n").arg(o.name, o.topologyPath));
    printOut(o.hostSide ? QStringLiteral("  host side: network '%1', re-created by the helper when it starts at boot\n").arg(o.network)
                        : QStringLiteral("  host side: none (nothing for the helper)\n"));
    if (o.unitChanged) {
        printOut(QStringLiteral("  switches and guests: %1\n").arg(o.unit));
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
    runtime::BootEnabler enabler(parser.value(QStringLiteral("helper-socket")));
    enabler.setManageUnit(!parser.isSet(QStringLiteral("no-unit")));
    const QString file = parser.positionals().first();
    const auto [status, o] = wait(enabler, [&] { enabler.disable(file); });
    if (o.hostSide)
        printOut(QStringLiteral("disabled network '%1' at boot (a running network stays until stopped)\n").arg(o.network));
    if (o.unitChanged)
        printOut(QStringLiteral("disabled %1\n").arg(o.unit));
    if (!status) {
        printError(kDisable, status.error().message);
        return ExitFailure;
    }
    return ExitOk;
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
    runtime::BootEnabler enabler(parser.value(QStringLiteral("helper-socket")));
    QEventLoop loop;
    QList<runtime::EnabledTopology> rows;
    QString helperError;
    QObject::connect(&enabler, &runtime::BootEnabler::listed, &loop,
                     [&](const QList<runtime::EnabledTopology> &r, const QString &err) {
                         rows = r;
                         helperError = err;
                         loop.quit();
                     });
    enabler.list();
    loop.exec();
    if (json) {
        QJsonArray out;
        for (const runtime::EnabledTopology &r : std::as_const(rows))
            out.append(r.toJson());
        printOut(QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("topologies"), out},
                                                             {QStringLiteral("helperError"),
                                                              helperError.isEmpty() ? QJsonValue() : QJsonValue(helperError)}})
                                       .toJson(QJsonDocument::Indented)));
        return ExitOk;
    }
    if (!helperError.isEmpty())
        printErr(QStringLiteral("netloomctl list-enabled: the helper's boot records are unknown: %1\n").arg(helperError));
    if (rows.isEmpty()) {
        printOut(QStringLiteral("no topology is enabled at boot\n"));
        return ExitOk;
    }
    for (const runtime::EnabledTopology &r : std::as_const(rows)) {
        QString hostText = r.hostSide ? QStringLiteral("network %1 (%2)").arg(r.network, r.active ? QStringLiteral("active") : QStringLiteral("not active"))
                                      : QStringLiteral("no boot record");
        if (!r.boot.isEmpty())
            hostText += QStringLiteral(", ") + r.boot;
        printOut(QStringLiteral("%1\n  host side: %2\n  guests: %3%4\n")
                     .arg(r.topology, hostText, r.unit, r.unitEnabled ? QStringLiteral(" (enabled)") : QStringLiteral(" (not enabled)")));
    }
    return ExitOk;
}

}  // namespace netloom::cli
