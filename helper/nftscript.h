// SPDX-License-Identifier: GPL-3.0-or-later
// The nftables script for table `ip netloom` (pure).
//
// Design note. All networks share one table, replaced atomically by one `nft -f -`
// transaction: "table ip netloom" (creates it if missing), "delete table ip netloom", then
// the full new table. With no rules left the script only deletes the table. Masquerade
// rules skip traffic that stays inside the subnet; the forward chain accepts the subnet's
// traffic towards its uplinks and (for masquerade) only established/related replies back.
// Interface names and patterns were validated to [A-Za-z0-9._-] (+ trailing '+', written
// as nft's '*' wildcard), so they are quoted without any escaping.
//
// Port forwards (a NatSpec's `forwards`) add, only when there are any, a `prerouting` and
// an `output` nat chain, and rules in `postrouting` and `forward`: protocol/forwardrules.h
// says which (the exporter writes the same ones). A network whose forwards take loopback
// gets its guard rule (loopbackGuardRule) at the head of its prerouting rules.
#pragma once

#include "protocol/hoststate.h"

#include <QList>
#include <QString>

namespace netloom::helper {

constexpr const char *kNftTable = "netloom";

// Script that makes table ip netloom hold exactly `rules` (or removes it when empty).
QString buildNftScript(const QList<protocol::NatSpec> &rules);

// The same for IPv6 (HostState::nat6): table ip6 netloom, replaced atomically the same way,
// with masquerade (NAT66) or routed accepts for each prefix. It is a table of its own so the
// IPv4 table's script and its users stay untouched. Router advertisements, neighbour
// discovery and DHCPv6 are not forwarded traffic, so the forward chain needs no ICMPv6 rules.
// IPv6 port forwards add prerouting/output chains and rules exactly like the IPv4 table's
// (protocol/forwardrules.h), without loopback (no guard rule, no route_localnet).
QString buildNft6Script(const QList<protocol::NatSpec> &rules);

}  // namespace netloom::helper
