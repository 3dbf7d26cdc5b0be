// SPDX-License-Identifier: GPL-3.0-or-later
// The IPv6 side of a host port in the plan (issue #14): model::Ipv6Config -> HostState.
//
// Design note. Called by the planner for each attached host port after its IPv4 part is
// planned (so the port's dnsmasq entry, if any, exists). Pure: it only appends to `host`.
// The v6 forwarding follows the port's NatConfig (Masquerade -> NAT66, Route -> routed),
// and HostState::ipv6Forwarding is set by the planner when nat6 is not empty.
#pragma once

#include "base/result.h"
#include "model/topology.h"
#include "protocol/hoststate.h"

#include <QString>

namespace netloom::plan {

// Adds the port's IPv6 address (AddressSpec with a canonical v6 cidr), the v6 fields of its
// dnsmasq entry on `ifname` (creating one without DHCPv4/DNS when RA or DHCPv6 is wanted and
// the port has none), and its nat6 entry. Does nothing when the port has no IPv6 address.
// Returns InvalidArgument with a reason (the caller names the node) on a value the
// validator would refuse.
Status planHostPortIpv6(const model::HostPortConfig &hp, const QString &ifname, protocol::HostState *host);

}  // namespace netloom::plan
