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
// Port forwards (a NatSpec's `forwards`, addresses and ports validated by the protocol
// library) add, only when there are any: a `prerouting` nat chain that DNATs traffic
// arriving for a local address (`fib daddr type local`, optionally one `ip daddr`) and the
// host port to the guest; an `output` nat chain doing the same for connections the host
// itself makes (loopback destinations excluded: a 127/8 source cannot leave the host without
// route_localnet); in `postrouting`, masquerade of DNATed connections towards the guest that
// come from the guest's own subnet (hairpin: the guest would otherwise answer its neighbour
// directly) or from the host itself (so the reply comes back whatever the guest's routes);
// and in `forward` an accept of DNATed traffic towards the guest's port. The table is `ip`
// (IPv4); IPv6 forwards will go to an `ip6` table of the same shape.
#pragma once

#include "protocol/hoststate.h"

#include <QList>
#include <QString>

namespace netloom::helper {

constexpr const char *kNftTable = "netloom";

// Script that makes table ip netloom hold exactly `rules` (or removes it when empty).
QString buildNftScript(const QList<protocol::NatSpec> &rules);

}  // namespace netloom::helper
