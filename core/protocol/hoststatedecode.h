// SPDX-License-Identifier: GPL-3.0-or-later
// Strict decoding and validation of a HostState received from outside (the helper's view).
//
// Design note. hostStateFromJson() is the inverse of toJson() but treats every byte as
// hostile: each field is type-checked, unknown keys are refused, every list and string has
// an explicit bound, and the result then passes validateHostState(): names Netloom creates
// are "loom…" [A-Za-z0-9._-], every address/CIDR/MAC/port is parsed strictly (netaddr.h),
// and cross references must point at interfaces created by the same state (a bridge may
// only enslave our own taps/veths/vxlans; addresses, link settings, NAT and dnsmasq only
// name our own interfaces). Foreign names appear in exactly two places: NAT uplink matches
// (only read by nftables) and UplinkSpec (physical enslaving, separately authorized).
//
// Port forwards (a NAT spec's "forwards") have a family, a protocol, ports 1..65535, a host
// address that is "" or a unicast IPv4 address (127.x: loopback only), and a guest address that is a
// host of the NAT spec's subnet; a host (family, protocol, port) is forwarded once in the state
// (equal addresses, or one of them ""). Collisions with other networks' forwards and with ports
// in use are the helper's business (it knows the host).
//
// Impairments (network emulation) name one of the state's own taps, veth ends, bridges or
// vxlans, at most once each; an ingress impairment needs its own IFB device ("loom…",
// unique, counted among the state's interfaces and named by nothing else), and every
// Impairment value passes validateImpairment().
#pragma once

#include "base/result.h"
#include "protocol/hoststate.h"

#include <QJsonObject>

namespace netloom::protocol {

// Bounds on one network's desired state (also documented in docs/helper-protocol.md).
struct HostStateLimits {
    static constexpr int kMaxLinks = 64;          // taps + bridges + veths(x2) + vxlans + IFBs
    static constexpr int kMaxListItems = 64;      // each list
    static constexpr int kMaxBridgePorts = 64;
    static constexpr int kMaxNatUplinks = 16;
    static constexpr int kMaxForwards = 256;      // per NAT spec (port forwards)
    static constexpr int kMaxDhcpHosts = 256;
    static constexpr int kMaxStringBytes = 256;   // any string field
};

// Decodes a state object produced by toJson(); strict (see the design note). Runs
// validateHostState on the result.
Result<HostState> hostStateFromJson(const QJsonObject &json);
// Semantic validation of a state built in memory (the planner's output) or decoded.
Status validateHostState(const HostState &state);
// Every interface name this state creates (taps, bridges, both veth ends, vxlans, and the
// IFB devices of its impairments).
QStringList createdIfnames(const HostState &state);
// The IFB devices of the state's impairments (non-empty ifbIfname), each once, in order.
QStringList ifbIfnames(const HostState &state);

}  // namespace netloom::protocol
