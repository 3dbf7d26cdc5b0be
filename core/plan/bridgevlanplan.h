// SPDX-License-Identifier: GPL-3.0-or-later
// 802.1Q on kernel bridges in the plan (issue #16 part 4): model::VlanConfig -> the VLAN
// entries of the bridge's ports (protocol::PortVlanSpec).
//
// Design note. A kernel bridge behaves like a netloom switch port by port: access VLAN v =
// vid v, PVID, egress untagged; trunk = every allowed VLAN tagged, plus the native VLAN (if
// not 0) as PVID, egress untagged (the native VLAN wins when it is also in the allowed list,
// as on the netloom switch). The bridge's own "self" entries are the VLAN setting of the
// link to its host port (the gateway's side of the bridge), just as a netloom switch treats
// its host-port tap: with no setting, VLAN 1 untagged, the same default every other port
// has. A bridge filters VLANs only when some link to it carries a non-default setting; then
// every port and the host side are listed explicitly (the kernel's implicit default VLAN is
// off: vlan_default_pvid 0), so nothing untagged leaks into a VLAN it should not reach. A
// bridge without any setting is planned exactly as before (no filtering, no entries).
#pragma once

#include "model/topology.h"
#include "protocol/hoststate.h"

#include <QList>
#include <QString>

#include <utility>

namespace netloom::plan {

// The entries one port carries for `vlan` (ascending vid; empty for a trunk with neither
// native nor allowed VLANs). Values must be in range (the planner checked them). Pure.
QList<protocol::BridgeVlan> bridgeVlansFor(const model::VlanConfig &vlan);

// Sets bridge->vlanFiltering and bridge->vlans from the settings of its ports (`ports`:
// interface name -> setting; the bridge's own ifname for the host side), following the
// design note. Pure.
void planBridgeVlans(protocol::BridgeSpec *bridge, const QList<std::pair<QString, model::VlanConfig>> &ports);

}  // namespace netloom::plan
