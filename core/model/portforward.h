// Port forwards on NAT gateways: which guests a gateway can forward to (pure helpers shared by
// the validator, the planner, the CLI and the GUI).
//
// Design note. A gateway's "network" is its layer-2 segment: the host port's switch plus every
// switch joined to it by cables (kernel bridges and netloom switches alike), or — for a host
// port whose link goes straight to a guest NIC ("own tap") — that one NIC. Host ports, uplinks
// and remotes are leaves: the walk does not continue through them. VLANs are not looked at (a
// guest on another VLAN of the same switches still counts as on the network; the validator
// cannot know which VLAN the gateway's tap is on for a trunk). The walk visits each node once,
// so it is bounded by the topology's size.
#pragma once

#include "model/topology.h"

#include <QList>
#include <QString>

namespace netloom::model {

struct GuestNicRef {
    QString guest;  // guest node id
    QString nic;    // NIC id
    bool operator==(const GuestNicRef &) const = default;
};

// The guest NICs on the layer-2 network of host port `hostPortId`, in link order, each once.
// Empty for an unknown id or a host port without a link. Pure.
QList<GuestNicRef> guestNicsOnNetwork(const Topology &t, const QString &hostPortId);

// A gateway that can forward into guest `guestId`: a host port with NAT mode masquerade or
// route whose network holds one of the guest's NICs.
struct GatewayOfGuest {
    QString gateway;  // host port id
    QString nic;      // the guest's NIC on that network
};
// Every such gateway, in node order (a guest with two NICs on one network is listed twice).
// Pure.
QList<GatewayOfGuest> natGatewaysOfGuest(const Topology &t, const QString &guestId);

// The NIC a forward of gateway `gatewayId` reaches: `forward.nic` when set and on the network,
// else the guest's only NIC on the network. Returns the NIC id, or "" and sets *reason (one
// sentence without the field name) when there is none or it is ambiguous. Pure.
QString forwardNic(const Topology &t, const QString &gatewayId, const PortForward &forward, QString *reason);

// "tcp 8080 -> alpha:80" (the host address in front when set: "tcp 127.0.0.2:8080 -> ..."),
// for messages, the CLI and the GUI. Pure.
QString describeForward(const PortForward &forward);

}  // namespace netloom::model
