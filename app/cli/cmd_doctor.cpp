// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl doctor FILE [--json] [--fix] [--probe TARGET] [--helper-socket PATH]: the NAT
// doctor (issue #14, docs/doctor.md). Asks the helper for the facts of the topology's NAT
// and routed gateways (read-only op `diagnose`), prints the findings as a checklist or JSON,
// and with --fix asks the helper to apply the repairable ones (op `repair`, scoped accept
// rules for Netloom's own interfaces, removed when the network stops) and checks again.
#include "cliparser.h"
#include "commands.h"

#include "doctor/doctor.h"
#include "helperclient/helperclient.h"
#include "plan/topologyloader.h"
#include "protocol/hoststatedecode.h"
#include "runtime/runtime.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace netloom::cli {

namespace {

const QString kCmd = QStringLiteral("doctor");

Result<doctor::Report> diagnose(HelperClient &client, const protocol::DiagnoseRequest &dr, protocol::DiagnoseFacts *factsOut)
{
    protocol::Request r;
    r.op = protocol::Op::Diagnose;
    r.diagnose = dr;
    auto result = client.call(r);
    if (!result)
        return result.error();
    auto facts = protocol::diagnoseFactsFromJson(result->value(QStringLiteral("facts")).toObject());
    if (!facts)
        return facts.error();
    *factsOut = *facts;
    return doctor::analyze(dr, *facts);
}

// The repairs already applied to `network` (they are replaced as a whole by `repair`).
Result<QList<protocol::FilterAcceptSpec>> currentRepairs(HelperClient &client, const QString &network)
{
    protocol::Request r;
    r.op = protocol::Op::Status;
    r.network = network;
    auto result = client.call(r);
    if (!result)
        return result.error();
    auto state = protocol::hostStateFromJson(result->value(QStringLiteral("state")).toObject());
    if (!state)
        return state.error();
    return state->filterAccepts;
}

}  // namespace

CliSpec specDoctor()
{
    CliSpec s;
    s.command = kCmd;
    s.synopsis = QStringLiteral("FILE [--json] [--fix] [--probe TARGET] [--helper-socket PATH]");
    s.description = QStringLiteral(
        "Checks why the guests of a topology's NAT (or routed) gateways may not reach the outside:\n"
        "IPv4 forwarding, the uplinks the gateway's pattern matches and their default route, every\n"
        "other firewall's forward chain (nftables tables, iptables-nft such as Docker's FORWARD DROP,\n"
        "legacy iptables), br_netfilter on kernel-bridge gateways, firewalld's zone, rp_filter on the\n"
        "uplink and the DNS upstream dnsmasq uses. Each finding names its cause, its evidence and\n"
        "the fix. Nothing is changed unless --fix is given.");
    s.options = {flagOption({QStringLiteral("json")}, QStringLiteral("Print the findings as JSON.")),
                 flagOption({QStringLiteral("fix")},
                            QStringLiteral("Apply the repairs Netloom can make (the network must be running): accept rules for "
                                           "Netloom's own gateway interfaces at the top of the dropping chains (removed when the "
                                           "network stops) and IPv4 forwarding; never a policy or another rule. Then checks again.")),
                 valueOption({QStringLiteral("probe")}, QStringLiteral("TARGET"),
                             QStringLiteral("Also ping TARGET (an IPv4 address, or 'default' for the uplink's default gateway) "
                                            "from the gateway's address (at most 3 s)."),
                             Complete::Words, {QStringLiteral("default")}),
                 helperSocketOption()};
    s.positionals = {positionalArg(QStringLiteral("FILE"), QStringLiteral("The topology file."), Complete::TopologyFile)};
    s.footer = QStringLiteral("exit codes: 0 nothing blocks, 1 something blocks (or the helper failed), 2 bad command\n"
                              "            line, 3 the topology is unreadable or invalid");
    return s;
}

int runDoctor(const QStringList &args)
{
    CliParser parser(specDoctor());
    if (const std::optional<int> done = parser.parse(args))
        return *done;
    const bool json = parser.isSet(QStringLiteral("json"));
    const bool fix = parser.isSet(QStringLiteral("fix"));
    const bool probeSet = parser.isSet(QStringLiteral("probe"));
    const QString probe = parser.value(QStringLiteral("probe"));
    const QString socket = parser.value(QStringLiteral("helper-socket"));
    const QStringList positionals = parser.positionals();
    if (positionals.size() > 1)
        return parser.usageError(QStringLiteral("more than one topology file given"));
    const QString file = positionals.value(0);
    if (file.isEmpty()) {
        printError(kCmd, QStringLiteral("no topology file given (usage: netloomctl doctor FILE [--json] [--fix] [--probe TARGET])"));
        return ExitUsage;
    }
    protocol::DiagnoseRequest dr;
    if (probeSet) {
        dr.probe = true;
        if (probe != QLatin1String("default"))
            dr.probeTarget = probe;
    }
    Result<plan::LoadedPlan> loaded = plan::loadAndPlan(file, QString());
    if (!loaded) {
        printError(kCmd, loaded.error().message);
        return ExitInvalid;
    }
    const QString network = runtime::helperNetworkId(loaded->topology.name);
    const protocol::DiagnoseRequest gateways = doctor::diagnoseRequestFor(loaded->plan.host);
    dr.gateways = gateways.gateways;
    if (dr.gateways.isEmpty()) {
        if (json)
            printOut(QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("network"), network},
                                                                 {QStringLiteral("blocking"), false},
                                                                 {QStringLiteral("findings"), QJsonArray{}}})
                                           .toJson(QJsonDocument::Indented)));
        else
            printOut(QStringLiteral("topology %1 has no NAT or routed gateway: nothing to check\n").arg(loaded->topology.name));
        return ExitOk;
    }
    // Checked before the helper sees it, so a bad --probe is a usage error.
    if (auto check = protocol::diagnoseRequestFromJson(protocol::toJson(dr)); !check) {
        printError(kCmd, check.error().message);
        return dr.probeTarget.isEmpty() ? ExitInvalid : ExitUsage;
    }

    HelperClient client;
    const QString path = socket.isEmpty() ? HelperClient::defaultSocketPath() : socket;
    if (auto s = client.connectAndWait(path); !s) {
        printError(kCmd, s.error().message);
        return ExitFailure;
    }
    protocol::DiagnoseFacts facts;
    auto report = diagnose(client, dr, &facts);
    if (!report) {
        printError(kCmd, report.error().message);
        return ExitFailure;
    }
    QJsonObject out{{QStringLiteral("network"), network}};
    QString text = QStringLiteral("netloomctl doctor: topology %1 (network %2)\n\n").arg(loaded->topology.name, network);
    if (fix && report->repairable()) {
        auto have = currentRepairs(client, network);
        if (!have) {
            printError(kCmd, have.error().code == ErrorCode::NotFound
                                 ? QStringLiteral("failed to repair network '%1': it is not running (start it first, e.g. 'netloomctl up %2')")
                                       .arg(network, file)
                                 : have.error().message);
            if (!json)
                printOut(text + doctor::toText(*report));
            return ExitFailure;
        }
        QList<protocol::FilterAcceptSpec> repairs = *have;
        for (const auto &f : doctor::repairsOf(*report))
            if (!repairs.contains(f))
                repairs.append(f);
        protocol::Request r;
        r.op = protocol::Op::Repair;
        r.network = network;
        r.repairs = repairs;
        r.repairForwarding = doctor::forwardingRepairOf(*report);
        auto done = client.call(r);
        if (!done) {
            printError(kCmd, done.error().message);
            return ExitFailure;
        }
        QJsonArray applied;
        for (const auto &f : repairs) {
            applied.append(QStringLiteral("%1 %2 %3 %4: accept %5").arg(protocol::filterBackendName(f.backend), f.family, f.table, f.chain, f.ifname));
            text += QStringLiteral("repaired: accept rules for %1 in %2 %3 %4\n").arg(f.ifname, f.family, f.table, f.chain);
        }
        if (r.repairForwarding)
            text += QStringLiteral("repaired: net.ipv4.ip_forward = 1\n");
        out.insert(QStringLiteral("repaired"), applied);
        out.insert(QStringLiteral("repairedForwarding"), r.repairForwarding);
        text += QStringLiteral("\nafter the repair:\n");
        report = diagnose(client, dr, &facts);
        if (!report) {
            printError(kCmd, report.error().message);
            return ExitFailure;
        }
    } else if (fix) {
        text += QStringLiteral("nothing to repair\n\n");
    }
    if (json) {
        const QJsonObject r = doctor::toJson(*report);
        for (auto it = r.begin(); it != r.end(); ++it)
            out.insert(it.key(), it.value());
        printOut(QString::fromUtf8(QJsonDocument(out).toJson(QJsonDocument::Indented)));
    } else {
        printOut(text + doctor::toText(*report));
    }
    return report->blocking() ? ExitFailure : ExitOk;
}

}  // namespace netloom::cli
