// SPDX-License-Identifier: GPL-3.0-or-later
// Subnet suggestions for new gateways (host ports) that collide with nothing the host or
// other topologies already use (issue #16, part 3).
//
// Design note. The picker is pure: it is given every IPv4 prefix that is already taken, each
// with a label saying where it comes from (an address or route of the host, read by a
// HostNetReader — hostnet.h; a gateway of this topology; a gateway of a running or enabled
// topology; anything else a caller adds), and walks a fixed, ordered list of candidate /24s,
// returning the first that overlaps none of them. The same inputs always give the same
// answer, so a suggestion can be reproduced and tested; nothing is random (LXD picks at
// random, libvirt and Docker walk fixed lists — we walk a fixed list, chosen so that it does
// not start where everybody else starts).
//
// The candidate order (candidateSubnets(), kCandidateCount entries):
//   1. 10.X.Y.0/24 for X = 200..254, then X = 1..199, and Y = 0..7 for each X (Y first, so
//      the gateways of one topology get neighbouring subnets: 10.200.0, 10.200.1, ...).
//      X = 0 is never used: 10.0.0.0/24 and 10.0.2.0/24 are the defaults of home routers,
//      of QEMU's user-mode network (inside guests, invisible to the host's routes) and of
//      Netloom's own examples. Starting at 10.200 keeps clear of the low /16s that VPNs and
//      corporate networks hand out first.
//   2. 172.X.Y.0/24 for X = 31 down to 16 and Y = 0..7: downwards, because Docker hands out
//      172.17, 172.18, ... upwards.
//   3. 192.168.Y.0/24 for Y = 254 down to 1: home routers sit at the bottom (0, 1, 178).
// Always skipped, even when the host does not use them right now (avoidedSubnets()):
// 192.168.122.0/24 (libvirt's default network), 192.168.56.0/24 (VirtualBox host-only),
// 172.17.0.0/16 (Docker's docker0) and 10.96.0.0/12 (Kubernetes' default service range,
// which is never routed on the host). They are left out of the candidate list itself.
//
// IPv4 only; every suggestion is a /24 with the gateway at .1 and the DHCP range .100-.199
// (the house default of examples/*.json; the validator wants the range inside the usable
// addresses, and .2-.99 stay free for static guests and reservations).
//
// Bounds: kCandidateCount candidates, at most kMaxTaken taken prefixes. Cost: O((T + C) log T)
// (taken prefixes are sorted and merged into intervals once).
#pragma once

#include "base/result.h"
#include "model/hostnet.h"
#include "model/topology.h"
#include "protocol/netaddr.h"

#include <QList>
#include <QString>

namespace netloom::model {

// A prefix that a new subnet must not overlap, and where it comes from, for messages:
// "address 10.0.0.5/8 on interface 'eth0'", "gateway 'gw0' of this topology", ...
struct TakenPrefix {
    protocol::Cidr prefix;
    QString origin;
    bool operator==(const TakenPrefix &) const = default;
};

// A suggested subnet for one gateway.
struct SubnetSuggestion {
    protocol::Cidr subnet;       // "10.200.0.0/24"
    protocol::Cidr hostAddress;  // the gateway's own address: "10.200.0.1/24"
    protocol::Ipv4 dhcpStart;    // 10.200.0.100
    protocol::Ipv4 dhcpEnd;      // 10.200.0.199
    int candidate = 0;           // index in candidateSubnets()
};

namespace subnetpicker {
// (254 - 16) * 8 in 10/8 (less 10.96/12) + 15 * 8 in 172.16/12 (less 172.17/16) + 252 in
// 192.168/16 (less .56 and .122): see the design note.
constexpr int kCandidateCount = (254 - 16) * 8 + 15 * 8 + 252;
constexpr int kMaxTaken = 1 << 20;
constexpr int kSubnetPrefix = 24;
constexpr int kDhcpFirst = 100;
constexpr int kDhcpLast = 199;
}  // namespace subnetpicker

// The candidate /24s in the order they are tried (network addresses, prefix 24); exactly
// subnetpicker::kCandidateCount entries, none overlapping avoidedSubnets(). Pure.
QList<protocol::Cidr> candidateSubnets();

// The prefixes never suggested, with the reason ("libvirt's default network"). Pure.
QList<TakenPrefix> avoidedSubnets();

// The first candidate that overlaps no prefix in `taken`, with its gateway address (.1) and
// DHCP range (.100-.199). Returns it, LimitExceeded when `taken` holds more than
// subnetpicker::kMaxTaken prefixes, or Conflict ("failed to suggest 'a subnet': all N
// candidate subnets overlap ...") when every candidate is taken. Pure.
Result<SubnetSuggestion> suggestSubnet(const QList<TakenPrefix> &taken);

// The host's addresses (their whole prefix: 10.0.0.5/8 takes 10.0.0.0/8) and routes, labelled
// "address A on interface 'I'" and describeRoute(). Pure.
QList<TakenPrefix> takenByHost(const HostNetwork &host);

// The subnets of the gateways (host ports with an IPv4 address) of `topology`, labelled
// "gateway 'ID' of <whose>", e.g. whose = "this topology" or "running topology 'lab'".
// Host ports whose address does not parse are skipped (the validator reports them). Pure.
QList<TakenPrefix> takenByTopology(const Topology &topology, const QString &whose);

// Everything a new gateway of `topology` must avoid: takenByHost(host), the gateways of
// `topology` ("this topology") and `extra` (gateways of enabled topologies, ...). Pure.
QList<TakenPrefix> takenForNewGateway(const HostNetwork &host, const Topology &topology,
                                      const QList<TakenPrefix> &extra = {});

// Writes a suggestion into a host port: address = hostAddress, DHCP enabled with the range.
// Touches only `hostPort`'s address and dhcp.enabled / rangeStart / rangeEnd.
void applySuggestion(const SubnetSuggestion &s, HostPortConfig *hostPort);

}  // namespace netloom::model
