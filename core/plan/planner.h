// SPDX-License-Identifier: GPL-3.0-or-later
// The planner: topology in, plans out (DESIGN.md §2). Pure: no I/O, no clock, no environment.
//
// Design note. plan() walks the links once and classifies each by the kinds of its two ends
// (netloom switch, kernel bridge, host port, guest NIC, uplink, remote). Kernel-side objects go
// to protocol::HostState (the contract with the privileged helper and the exporter), user-side
// ones to RuntimePlan. It assumes a validated, allocated topology but trusts nothing: a missing
// MAC or interface name, a NIC attached to the wrong kind of node, a duplicate MAC or ifname, a
// socket path longer than sun_path, all return an Error naming the node or link rather than a
// nonsense plan. Kernel-bridge VLANs are not planned yet (they return Unsupported).
#pragma once

#include "base/result.h"
#include "model/topology.h"
#include "plan/forwardplan.h"
#include "plan/runtimeplan.h"
#include "protocol/hoststate.h"

#include <QJsonObject>
#include <QString>

namespace netloom::plan {

// What must not be baked into a topology: where this run keeps its sockets and logs, and where
// relative guest paths are resolved from.
struct PlanContext {
    QString runtimeDir;        // absolute, e.g. $XDG_RUNTIME_DIR/netloom/<name>
    QString topologyDir;       // absolute directory of the topology file
    // The public keys of the user who starts (or exports) the topology, for cloudInit
    // sections with userKeys (runtime/userkeys.h reads them; empty = none).
    QStringList userKeys = {};
    // The current addresses of guest NICs (IPv4 leases, IPv6 addresses seen), from the
    // runtime's lease trackers; port forwards to guests without a DHCP reservation use them
    // (plan/forwardplan.h). Empty = none known (export, `netloomctl plan`).
    GuestLeases leases = {};
};

struct Plan {
    protocol::HostState host;
    RuntimePlan runtime;
    // Every NAT gateway's port forwards before address resolution (plan/forwardplan.h): the
    // runtime resolves them again when leases change. Not part of toJson().
    QList<PlannedForward> forwards = {};
    // Port forwards left out of `host` because their guest's address is not known yet, one
    // sentence each.
    QStringList pendingForwards = {};
    bool operator==(const Plan &) const = default;
};

// Plans `topology` in `context`. Returns the plan, or an Error ("failed to plan '<node or
// link>': <reason>") for anything that cannot be realized. Touches nothing.
Result<Plan> plan(const model::Topology &topology, const PlanContext &context);

// {"host": protocol::toJson(host), "runtime": toJson(runtime)} (+ "pendingForwards" when
// there are any): the form of
// `netloomctl plan --json` and of the golden files.
QJsonObject toJson(const Plan &plan);

// A value for a QEMU option list ("key=value,..."): commas doubled. Pure.
QString qemuOptValue(const QString &value);

}  // namespace netloom::plan
