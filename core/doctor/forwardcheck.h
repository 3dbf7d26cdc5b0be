// SPDX-License-Identifier: GPL-3.0-or-later
// Would this firewall chain drop a gateway's forwarded packet? (pure; docs/doctor.md)
//
// Design note. A packet is described by what the doctor knows about a NAT network's
// traffic: input/output interface ("" = not known), source/destination IPv4 prefix ("" =
// anywhere) and conntrack state ("new" for a guest's first packet out, "established" for
// the replies). Each match evaluates to yes, no or maybe; a rule fires when all its matches
// say yes, is skipped when one says no, and is uncertain otherwise. The walk follows jump
// and goto into regular chains (depth ≤ 16, a missing target is uncertain) and ends with the
// base chain's policy. It is conservative: a drop behind an uncertain rule is "may drop", and
// so is a definite drop that an earlier uncertain accept might have prevented — never
// "accepted" unless every rule on the way was decided.
#pragma once

#include "firewall.h"

namespace netloom::doctor {

struct FwPacket {
    QString iif;          // "" = unknown
    QString oif;
    QString src;          // CIDR, "" = anywhere
    QString dst;
    QString ct = QStringLiteral("new");
};

struct FwOutcome {
    enum class Kind { Accept, Drop, MayDrop };
    Kind kind = Kind::Accept;
    QString evidence;     // "<table> <chain>: policy drop" or "<table> <chain>: <rule>"
};

// Evaluates `packet` through base chain `chain` of `table`. Pure.
FwOutcome evaluateChain(const FwTable &table, const FwChain &chain, const FwPacket &packet);

}  // namespace netloom::doctor
