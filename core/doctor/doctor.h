// SPDX-License-Identifier: GPL-3.0-or-later
// The NAT doctor: "why does my guest not reach the Internet?" (issue #14; docs/doctor.md).
//
// Design note. Pure and widget-free: the helper gathers facts (protocol/diagnose.h, op
// `diagnose`), analyze() turns them into a checklist of findings, each with an id, a
// severity (ok, warning, blocking), the cause in one sentence, the evidence verbatim (the
// setting or the rule, as the firewall shows it) and the fix. Findings Netloom can repair
// carry the repair as data: accept rules scoped to the gateway interfaces
// (protocol::FilterAcceptSpec, applied by the helper's `repair` op, removed on teardown)
// and/or turning IPv4 forwarding on again. Global settings (a chain's policy, rp_filter,
// br_netfilter's sysctl, firewalld zones) are never changed: their fix is advice.
//
// Firewall evaluation (forwardcheck.h) checks every base chain on the forward hook of every
// `ip`/`inet` nft table except Netloom's own `ip netloom`, iptables-nft's tables (Docker:
// `filter FORWARD` with policy DROP, repaired in `DOCKER-USER`) and legacy iptables'
// `filter FORWARD`, for three packets per gateway and uplink: a guest's first packet out,
// the reply coming back, and — for a kernel-bridge gateway with br_netfilter's
// bridge-nf-call-iptables=1 — a frame bridged between two guests. Strings are English
// (they are also the CLI's output); the GUI shows them as they are.
#pragma once

#include "protocol/diagnose.h"
#include "protocol/hoststate.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace netloom::doctor {

enum class Severity { Ok, Warning, Blocking };
QString severityName(Severity s);  // "ok", "warning", "blocking"

struct Finding {
    QString id;             // stable: "ip-forward", "uplink:<gw>", "firewall:<backend>:<family>:<table>:<chain>", …
    Severity severity = Severity::Ok;
    QString cause;          // one sentence
    QString evidence;       // the setting or rule, verbatim ("" when there is none)
    QString fix;            // what to do
    bool repairable = false;  // Netloom's repair fixes it (scoped to its own interfaces)
    QList<protocol::FilterAcceptSpec> repairs;
    bool repairForwarding = false;
};

struct Report {
    QList<Finding> findings;
    bool blocking() const;
    bool repairable() const;  // some non-ok finding is repairable
    const Finding *find(const QString &id) const;
};

// The gateways of a planned host state: one per NAT/route rule (its interface, subnet,
// uplinks, mode; `bridge` when the interface is one of the state's bridges). Pure.
protocol::DiagnoseRequest diagnoseRequestFor(const protocol::HostState &state);

// Turns facts into findings (pure). The order is stable: forwarding, uplinks, firewall
// chains, br_netfilter, firewalld, rp_filter, DNS, probe.
Report analyze(const protocol::DiagnoseRequest &request, const protocol::DiagnoseFacts &facts);

// Every repair of the report's non-ok repairable findings, each once.
QList<protocol::FilterAcceptSpec> repairsOf(const Report &report);
bool forwardingRepairOf(const Report &report);

// {"blocking": bool, "findings": [{id, severity, cause, evidence, fix, repairable}]}
QJsonObject toJson(const Report &report);
// A checklist for the terminal: "[ok]", "[warn]", "[FAIL]" lines with evidence and fix.
QString toText(const Report &report);

}  // namespace netloom::doctor
