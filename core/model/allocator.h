// SPDX-License-Identifier: GPL-3.0-or-later
// Fills in the values a topology leaves to Netloom: guest MAC addresses and the names of
// the interfaces Netloom creates.
//
// Design note. Allocation is pure and deterministic: a value is derived from a SHA-256 of
// (topology name, role, node id / NIC id / link id, attempt), so the same topology gets
// the same values on every machine and run, and two topologies with different names are
// unlikely to pick the same host interface names. Every candidate is checked against all
// values already present in the topology; on a collision the next attempt is hashed.
// Values that are already set are never changed, so once a topology has been allocated
// and saved its MACs and interface names are stable.
//
// Fields filled when empty:
//   guest NICs                 nics[].mac                 "52:54:00:xx:xx:xx"
//   kernel bridges             switch.ifname              "loomb" + 6 hex digits
//   host ports (own tap)       hostPort.ifname            "loomt" + 6 hex; for a host port
//                              linked to a tap-mode NIC, hostPort.ifname and the NIC's
//                              tapIfname are set to the same name (one interface)
//   host ports on a bridge     nothing: the port is the bridge itself (ifname stays "")
//   tap-mode NICs without a link, switch-mode NICs on a kernel bridge
//                              nics[].tapIfname           "loomg" + 6 hex
//   netloom<->bridge and bridge<->bridge cables
//                              links[].tapIfname          "loomc" + 6 hex (the veth peer of
//                              a bridge<->bridge cable is vethPeerName(), also kept free)
//   VXLAN remotes              remote.vxlan.ifname        "loomx" + 6 hex
// Nothing else is touched; invalid topologies are allocated as far as they make sense
// (run the validator afterwards).
#pragma once

#include "model/topology.h"

namespace netloom::model {

// Returns `topology` with every empty MAC and created-interface name filled in (see above).
// Pure.
Topology allocate(Topology topology);

}  // namespace netloom::model
