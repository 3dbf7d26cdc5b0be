// SPDX-License-Identifier: GPL-3.0-or-later
// What the palette offers and how new nodes and cables are made.
//
// Design note. The palette's six entries are "kinds": a node type plus, for switches, the
// engine (netloom switch vs kernel bridge). Everything here is pure: makeNode() builds a
// node with a fresh id and name for a document, planConnection() decides what connecting
// two nodes means (which guest NIC is used, whether a NIC must be added) and returns values
// for the undo commands to apply. Semantic rules (e.g. what may be cabled to a bridge) stay
// in the validator; only connections that cannot be represented at all are refused here.
#pragma once

#include "base/result.h"
#include "model/hostnet.h"
#include "model/subnetpicker.h"
#include "model/topology.h"

#include <QIcon>
#include <QList>
#include <QString>

#include <optional>

namespace netloom::gui {

class TopologyDocument;

enum class NodeKind { NetloomSwitch, Bridge, HostPort, Uplink, Guest, Remote };

// All kinds in palette order.
QList<NodeKind> allNodeKinds();
// Stable lowercase name ("switch", "bridge", "hostport", "uplink", "guest", "remote"),
// used as drag-and-drop payload and icon file name.
QString kindName(NodeKind kind);
std::optional<NodeKind> kindFromName(const QString &name);
// Translated label and tooltip for the palette.
QString kindLabel(NodeKind kind);
QString kindDescription(NodeKind kind);
// The kind's icon from the embedded resources (":/icons/<name>.svg").
QIcon kindIcon(NodeKind kind);
NodeKind kindOf(const model::Node &node);

// A new node of `kind` at `pos` with an id and name unused in `doc`. Pure.
model::Node makeNode(NodeKind kind, const TopologyDocument &doc, QPointF pos);

// `node` with MAC addresses for its NICs that have none, chosen by the allocator against
// `topology` (which must not contain `node` yet, or contain its older version), so new
// NICs get stable MACs from the moment they exist. Pure.
model::Node withAllocatedMacs(const model::Topology &topology, const model::Node &node);

// `node`, a new gateway (host port), with the first subnet the picker finds free
// (model/subnetpicker.h): not overlapping `host`'s addresses and routes, the gateways of
// `topology` nor `extraTaken` (gateways of enabled topologies, ...). It gets the address .1
// and DHCP .100-.199. Returns the node, or the picker's error (Conflict: nothing free). Pure.
Result<model::Node> withSuggestedSubnet(const model::Topology &topology, const model::Node &node,
                                        const model::HostNetwork &host,
                                        const QList<model::TakenPrefix> &extraTaken = {});

// What connecting two nodes does: an optional NIC added to each guest end (the guest
// node before/after) and the new link.
struct ConnectionPlan {
    std::optional<QPair<model::Node, model::Node>> guestA;  // (before, after)
    std::optional<QPair<model::Node, model::Node>> guestB;
    model::Link link;
};

// Plans a cable from node `fromId` to node `toId`. A guest end uses its first NIC without
// a cable or gets a new NIC "net<n>". Errors (InvalidArgument): unknown node, a node
// cabled to itself, a guest already at limits::kMaxNicsPerGuest NICs. Pure.
Result<ConnectionPlan> planConnection(const TopologyDocument &doc, const QString &fromId,
                                      const QString &toId);

}  // namespace netloom::gui
