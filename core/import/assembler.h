// SPDX-License-Identifier: GPL-3.0-or-later
// The assembler of the importer: facts (importstate.h) become a topology.
//
// Design note. The roles of interfaces follow from how the script uses them:
//   - a vde_switch socket is a netloom switch; its -tap is a host port on it, unless the tap
//     is also enslaved to a bridge (then it is a cable between the switch and the bridge);
//   - a bridge is a kernel bridge; an address on it is a host port on it; an enslaved
//     interface nobody creates (eth0) is an uplink; an enslaved tap a guest opens is that
//     guest's NIC on the bridge;
//   - a tap a guest opens that has an address of its own is an own-tap host port (routed
//     setups); a tap with neither an address nor a bridge stays a tap-mode NIC without a
//     link (the validator warns);
//   - dnsmasq options go to the host port named by --interface, else by --listen-address,
//     else to the one whose subnet holds the range; MASQUERADE goes to the host ports whose
//     subnet matches -s (all with an address without -s), its -o pattern becoming the uplink.
// Decisions that are not plain mapping — a hub for a legacy vlan, a switch that is used but
// never started, a duplicate MAC cleared, a duplicate name renamed, a NAT rule without -o —
// are added to the report. Nodes are laid out in columns: host ports, uplinks and remotes
// left, switches and bridges in the middle, guests right.
#pragma once

#include "import/importstate.h"

namespace netloom::importer {

// Builds the topology from `state`'s facts and appends the assembler's report lines to
// state.report (and corrects lines whose fact could not be placed). Pure apart from `state`.
model::Topology assemble(ImportState &state);

}  // namespace netloom::importer
