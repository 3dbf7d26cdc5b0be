// SPDX-License-Identifier: GPL-3.0-or-later
// The helper's read-only `diagnose` op: gathers the NAT doctor's facts
// (protocol/diagnose.h) in the helper's network namespace.
//
// Design note. Only reads: sysctls under /proc/sys (bounded reads), the interface list and
// addresses (if_nameindex/getifaddrs), IPv4 default routes (/proc/net/route of this
// namespace), `nft -j list ruleset`, `iptables-nft-save` and `iptables-legacy-save` (toolrun.h: argv, clean
// environment, 5 s, output cut at DiagnoseLimits), firewalld's zone of each interface over
// the system D-Bus (only when org.fedoraproject.FirewallD1 has an owner; 1 s per call) and
// /etc/resolv.conf (+ systemd-resolved's upstream file). The request's names are used for
// nothing but choosing what to read. The optional probe sends ICMP echo requests from a
// raw socket bound to the gateway's address (≤ 3 s). Everything runs on the helper's one
// event loop, so the whole op is bounded (≈ 10 s + 1 s per firewalld call) — documented in
// docs/helper-protocol.md. Facts the helper cannot read are reported as unknown (-1, ""),
// never as an error: a partial diagnosis is still useful.
#pragma once

#include "protocol/diagnose.h"

namespace netloom::helper {

// Gathers the facts for `request`. Never fails; unreadable facts stay unknown.
// Touches: reads the files and runs the tools listed above; the probe sends ICMP.
protocol::DiagnoseFacts gatherFacts(const protocol::DiagnoseRequest &request);

// Parses /proc/net/route text: the IPv4 default routes (destination and mask 0). Pure.
QList<protocol::RouteFacts> parseProcNetRoute(const QByteArray &text);
// Parses resolv.conf text: its nameserver addresses, in order, at most 16. Pure.
QStringList parseNameservers(const QByteArray &text);

}  // namespace netloom::helper
