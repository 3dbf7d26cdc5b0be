// SPDX-License-Identifier: GPL-3.0-or-later
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

#include "base/result.h"
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

// "tcp 8080 -> alpha:80" (the host address in front when set: "tcp 127.0.0.2:8080 -> ...";
// IPv6: "tcp6 8080 -> alpha:80", "tcp6 [fd00::1]:8080 -> ..."), for messages, the CLI and
// the GUI. Pure.
QString describeForward(const PortForward &forward);

// Parses the command-line form of a forward, "[tcp:|udp:][ADDRESS:]HOSTPORT=GUEST[/NIC]:GUESTPORT"
// (e.g. "tcp:8080=alpha:80", "udp:192.0.2.1:5353=beta/net1:53"; tcp when left out). IPv6:
// "tcp6:" / "udp6:" in front (every IPv6 address), or a bracketed host address
// ("tcp:[fd00::1]:8080=alpha:80"; "[::]" = every IPv6 address). Checks
// the shape and the port ranges only. With `hostSideOnly` the text may stop before "=" (what
// `forward remove` needs: the host side names a forward). Returns the forward or an
// InvalidArgument Error naming the text. Pure.
Result<PortForward> parseForwardSpec(const QString &text, bool hostSideOnly = false);
// The inverse: "tcp:8080=alpha:80", "tcp6:[fd00::1]:8080=alpha:80". Pure.
QString forwardSpecText(const PortForward &forward);

// `t` with `forward` appended to gateway `gatewayId`'s forwards; with gatewayId "" the
// guest's NAT gateway (the only one whose network holds the guest; Conflict naming them when
// there are several, NotFound when none). *usedGateway gets the gateway's id. Does not
// validate the result (validator.h does). Pure.
Result<Topology> addPortForward(const Topology &t, const QString &gatewayId, const PortForward &forward,
                                QString *usedGateway);
// `t` without the forward whose host side (family, protocol, host address, host port) equals
// `hostSide`'s, on any gateway (NotFound when there is none). Pure.
Result<Topology> removePortForward(const Topology &t, const PortForward &hostSide);

}  // namespace netloom::model
