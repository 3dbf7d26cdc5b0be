// SPDX-License-Identifier: GPL-3.0-or-later
// Port forwards in exported scripts (shellexporter.h): the rules of the script's nft table.
//
// Design note. The script's table carries the same rules as the helper's
// (protocol/forwardrules.h) for forwards whose guest has a DHCP reservation: their address is
// known when the script is written. A forward to a guest without a reservation cannot be
// written out — its address is the lease the guest takes when it boots, after the table is
// loaded — so its rules are written commented out with GUEST_ADDRESS in place of the address
// and a comment saying what to fill in (the guest's line in the network's dnsmasq lease file)
// or to add a reservation and export again. A gateway with a forward that takes loopback
// (protocol::forwardTakesLoopback, commented-out ones included) gets the guard rule and the
// route_localnet sysctl, as the helper does. IPv6 forwards go to the script's ip6 table; their
// guest address is never known when the script is written (no IPv6 reservations), so they
// are always written commented out, saying how to find the address. Pure.
#pragma once

#include "plan/planner.h"
#include "protocol/forwardrules.h"

namespace netloom::exporter {

// The forward rules of `family` of every NAT gateway in `plan` (planned without leases), per
// chain, without indentation; commented-out rules and their comments for unresolved forwards.
protocol::ForwardRules exportForwardRules(const plan::Plan &plan, protocol::ForwardSpec::Family family);

// The lines of a script's nft table, shared by its ip and ip6 tables: `rules` indented by
// four spaces; the uplinks as one match value ("eth*" or { "eth*", "wl*" }); the prerouting
// and output chains holding `fw`'s rules. Pure.
QStringList indentRules(const QStringList &rules);
QString nftUplinkSet(const QStringList &uplinks);
QStringList forwardChainLines(const protocol::ForwardRules &fw);

// True when `plan` has a forward of `family` (its table then gets prerouting/output chains).
bool exportHasForwards(const plan::Plan &plan, protocol::ForwardSpec::Family family);

// The gateway interfaces whose forwards take loopback (each once, in plan order): the script
// sets their net.ipv4.conf.<ifname>.route_localnet to 1 once they exist.
QStringList exportLoopbackGateways(const plan::Plan &plan);

}  // namespace netloom::exporter
