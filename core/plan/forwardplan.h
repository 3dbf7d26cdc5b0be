// Port forwards of one NAT gateway: model forwards -> helper ForwardSpecs (pure; part of the
// planner, plan/planner.h).
//
// Design note. A forward names a guest (and NIC), not an address: the address is resolved here,
// at plan time, from the guest NIC's DHCP reservation on the gateway when there is one, else
// from the guest NIC's current lease, which the caller passes in (the runtime gives its lease
// tracker's view; the exporter and `netloomctl plan` give none). A forward that cannot be
// resolved is *pending*: it is left out of the host state and reported in one sentence, so a
// guest that has not booted yet does not block Start; when its lease appears the runtime plans
// again and the forward is applied. Structural problems (an unknown guest, a NIC not on the
// network, an unparsable host address) are errors: the validator reports them first.
#pragma once

#include "base/result.h"
#include "model/topology.h"
#include "protocol/hoststate.h"
#include "protocol/netaddr.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace netloom::plan {

// Guest NIC MAC (lower case, "52:54:00:12:34:56") -> its current IPv4 address.
using Ipv4Leases = QHash<QString, QString>;

// The forwards of gateway `gateway` (a host port of `t` whose subnet is `subnet`), resolved.
// Appends one sentence per pending forward to *pending ("gateway 'gw', forward 0 (tcp 8080 ->
// vm1:80) is pending: ..."). Returns an Error naming the gateway and forward for a forward
// that can never be realized. Pure.
Result<QList<protocol::ForwardSpec>> planForwards(const model::Topology &t, const model::Node &gateway,
                                                  const protocol::Cidr &subnet, const Ipv4Leases &leases,
                                                  QStringList *pending);

}  // namespace netloom::plan
