// SPDX-License-Identifier: GPL-3.0-or-later
// VLAN entries of kernel-bridge ports (hoststate.h: BridgeVlan, PortVlanSpec): their JSON
// form, strict decoding, validation, and the compact "runs" both the helper's netlink
// messages and the exported `bridge vlan` commands are built from.
//
// Design note. A port's entries are kept one per vid in the plan (what the kernel holds and
// `bridge -j vlan show` reports), but sent and exported as runs: consecutive vids with the
// same flags and no PVID become one range (netlink BRIDGE_VLAN_INFO_RANGE_BEGIN/END,
// `bridge vlan add ... vid 20-30`), so a trunk carrying all 4094 VLANs is one range, not
// 4094 commands. JSON: {"ifname": "loomt0", "vlans": [{"vid": 10, "pvid": true,
// "untagged": true}, {"vid": 20}]} (false flags left out). Bounds: a port has at most 4094
// entries (ascending, distinct, 1..4094), a state at most kMaxVlanEntries in all.
#pragma once

#include "base/result.h"
#include "protocol/hoststate.h"

#include <QJsonArray>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <cstdint>

namespace netloom::protocol {

constexpr int kMinBridgeVid = 1;
constexpr int kMaxBridgeVid = 4094;
constexpr int kMaxVlanEntries = 16384;  // all ports of all bridges of one state together

// A range of vids first..last with the same flags (pvid only when first == last).
struct VlanRun {
    std::uint16_t first = 1;
    std::uint16_t last = 1;
    bool pvid = false;
    bool untagged = false;
    bool operator==(const VlanRun &) const = default;
};

// The JSON array of a bridge's PortVlanSpec list (see the design note). Pure.
QJsonArray portVlansToJson(const QList<PortVlanSpec> &ports);
// Strict inverse of portVlansToJson for the bridge at `path` ("bridges[0]"): unknown keys,
// wrong types, vids outside 1..4094, more than kMaxBridgePorts + 1 ports or 4094 entries a
// port are refused (errors name the field). Cross checks are validateBridgeVlans'.
Result<QList<PortVlanSpec>> portVlansFromJson(const QJsonValue &value, const QString &path);

// Semantic checks of one bridge's VLAN entries: `vlans` non-empty only with vlanFiltering;
// each ifname is a port of the bridge, one of `uplinks` (physical interfaces of this
// bridge) or the bridge itself, and listed once; each list is non-empty, ascending,
// distinct, within 1..4094, with at most one pvid. Adds the entries to *total and refuses
// more than kMaxVlanEntries.
Status validateBridgeVlans(const BridgeSpec &bridge, const QStringList &uplinks, int *total);

// The runs of an entry list (ascending vids), in order. Pure.
QList<VlanRun> vlanRuns(const QList<BridgeVlan> &vlans);
// The vids in 1..4094 that `vlans` does not hold, as ranges (flags false). Pure.
QList<VlanRun> vlanGaps(const QList<BridgeVlan> &vlans);
// "10pu 20-30 40u" (p = pvid, u = untagged), "-" when empty: logs and golden files.
QString describeVlans(const QList<BridgeVlan> &vlans);

}  // namespace netloom::protocol
