// SPDX-License-Identifier: GPL-3.0-or-later
// Planning network emulation (model::LinkEmulation, model::MirrorConfig): the pieces of the
// planner (planner.h) that place a link's impairments and administrative state where they are
// realized, and resolve port mirrors. Pure functions over plan values.
//
// Design note. A link's `ab` impairment applies to frames travelling from endpoint a to
// endpoint b. Where it runs depends on what realizes the link:
//   - a port of a netloom switch (guest NIC, host-port tap, cable, remote cable, and the tap of a
//     cable to a kernel bridge): VdePort::toPort is the direction leaving the switch through
//     the port, fromPort the one entering it; a cable between two netloom switches puts each
//     direction once, as toPort of the port it leaves from;
//   - a kernel interface (a guest NIC's tap on a bridge or its own tap, a bridge-to-bridge
//     veth end, a bridge's VXLAN, the bridge device of its host port): an
//     ImpairmentSpec whose egress is what the kernel sends out of the interface (for a tap:
//     towards the guest; for a bridge device: from the host into the bridge) and whose
//     ingress is what arrives on it, redirected through an IFB device (ifbName).
// A link that is down sets VdePort::up = false, or LinkSpec::up = false on its kernel
// interfaces; the bridge device of a host port cannot go down without stopping the whole
// bridge, so a host port set down on a bridge is 100% loss both ways instead. Guest NICs on a
// down link are listed in GuestPlan::nicsDown as well, so the guest sees its carrier go.
#pragma once

#include "base/result.h"
#include "model/topology.h"
#include "plan/runtimeplan.h"
#include "protocol/hoststate.h"

#include <QSet>
#include <QString>

namespace netloom::plan {

// Bound of the attempts ifbName makes before it gives up.
constexpr int kMaxIfbNameAttempts = 64;

// The impairment of frames leaving endpoint `from` of link `l` (which must be &l.a or &l.b):
// l.emulation.ab for a, ba for b. Pure.
const protocol::Impairment &impairmentLeaving(const model::Link &l, const model::Endpoint *from);

// Fills port->toPort, fromPort and up from link `l`, of which `switchEnd` (&l.a or &l.b) is
// the switch that owns the port. `cableBetweenSwitches`: the other end is a netloom switch
// too, so only toPort is set (each side applies its own egress). Pure.
void applyPortEmulation(const model::Link &l, const model::Endpoint *switchEnd, bool cableBetweenSwitches, VdePort *port);

// The name of the IFB device that carries the ingress impairment of interface `ifname`: "loomi"
// followed by `ifname` without its "loom" prefix, cut to 15 bytes ("loomt1a2b3c" ->
// "loomit1a2b3c"); when that is in `taken` (or `ifname` is no "loom..." name), "loomi" and six
// hex digits of a hash of `ifname` and the attempt. Never a name in `taken`; "" after
// kMaxIfbNameAttempts attempts. Pure.
QString ifbName(const QString &ifname, const QSet<QString> &taken);

// Adds an ImpairmentSpec for `ifname` to `host` unless both directions are none (IFB name left
// empty: allocateIfbNames fills it). Touches only *host.
void addKernelImpairment(protocol::HostState *host, const QString &ifname, const protocol::Impairment &egress,
                         const protocol::Impairment &ingress);

// Sets LinkSpec::up = false for `ifname` in `host`. Returns false when `host` has no LinkSpec
// for it. Touches only *host.
bool setInterfaceDown(protocol::HostState *host, const QString &ifname);

// Gives every ImpairmentSpec with an ingress impairment its IFB name (ifbName), in list order,
// adding each name to *taken. Errors (LimitExceeded) when no name is free. Touches *host, *taken.
Status allocateIfbNames(protocol::HostState *host, QSet<QString> *taken);

// Resolves the mirrors of netloom switch `node` to port numbers of `sp` (ports already
// numbered). Errors name the switch and the mirror: an unknown link, a link without a port on
// this switch, a port mirrored onto itself, more than model::limits::kMaxMirrors. Touches only
// sp->mirrors.
Status planMirrors(const model::Node &node, SwitchPlan *sp);

}  // namespace netloom::plan
