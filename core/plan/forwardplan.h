// SPDX-License-Identifier: GPL-3.0-or-later
// Port forwards of NAT gateways: model forwards -> helper ForwardSpecs (pure; part of the
// planner, plan/planner.h, and used by the runtime when leases change).
//
// Design note. A forward names a guest (and NIC), not an address, so it is planned in two
// halves. planForwards() does the structural part once per plan: it finds the NIC on the
// gateway's network, its MAC and the DHCP reservation of that MAC on the gateway, and returns
// a PlannedForward per forward (errors for what can never work: an unknown guest, a NIC not
// on the network, a bad host address). resolveForwards() does the address part, as often as
// the caller likes: the reservation when there is one, else the guest NIC's current lease
// (the runtime passes its lease trackers' view; the exporter and `netloomctl plan` none),
// else the forward is *pending* — left out of the host state and reported in one sentence,
// so a guest that has not booted yet does not block Start. When its lease appears or
// changes, the runtime resolves again and re-applies the host state (the forward follows).
//
// IPv6 forwards (family Ipv6, into HostState::nat6) have no reservation: the address is one
// the lease tracker saw the NIC use inside the gateway's prefix (DHCPv6 lease or neighbour
// discovery), chosen by pickForwardIpv6() so that it is stable: an address of the DHCPv6
// range when the gateway serves one, else the NIC's EUI-64 (SLAAC) address, else the one
// seen most recently (a guest with stable-privacy addresses).
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

// The current addresses of guest NICs, by MAC (lower case, "52:54:00:12:34:56").
struct GuestLeases {
    QHash<QString, QString> ipv4;      // bound IPv4 lease
    QHash<QString, QStringList> ipv6;  // IPv6 addresses seen (any scope), most recent last
    bool isEmpty() const { return ipv4.isEmpty() && ipv6.isEmpty(); }
    bool operator==(const GuestLeases &) const = default;
};

// One forward of one gateway, ready to be resolved.
struct PlannedForward {
    QString gateway;          // host port node id
    int index = 0;            // in the gateway's nat.forwards
    QString natIfname;        // the NatSpec (by interface) the forward belongs to
    QString subnet;           // that NatSpec's subnet, "10.0.2.0/24" (IPv6: "fd42:1::/64")
    QString dhcp6Start;       // IPv6: the gateway's DHCPv6 range, "" = none
    QString dhcp6End;
    QString guest;            // guest node id
    QString nic;              // the NIC on the gateway's network
    QString mac;              // its MAC, lower case
    QString reservedAddress;  // the gateway's DHCP reservation for the MAC, "" = none
    protocol::ForwardSpec spec;  // guestAddress left empty
    QString what;             // "gateway 'gw', forward 0 (tcp 8080 -> vm1:80)" for messages
    bool operator==(const PlannedForward &) const = default;
};

// The forwards of gateway `gateway` (a host port of `t` on interface `natIfname` whose IPv4
// subnet is `subnet`; its IPv6 prefix comes from the gateway's ipv6 config). Returns an Error
// naming the gateway and forward for a forward that can never be realized (an IPv6 one on a
// gateway without a prefix among them). Pure.
Result<QList<PlannedForward>> planForwards(const model::Topology &t, const model::Node &gateway,
                                           const QString &natIfname, const protocol::Cidr &subnet);

// How forward `index` of gateway `gateway` is named in every sentence about it (errors, the
// pending sentences): "gateway 'gw', forward 0 (tcp 8080 -> vm1:80)", the part in
// parentheses describing `forward`. A sentence about that forward starts with
// forwardNamePrefix(gateway, index), "gateway 'gw', forward 0 (". Pure.
QString forwardName(const QString &gateway, int index, const model::PortForward &forward);
// The start every sentence about forward `index` of `gateway` shares (see forwardName). Pure.
QString forwardNamePrefix(const QString &gateway, int index);

// The address an IPv6 forward of `pf` targets among `seen` (the NIC's addresses, most recent
// last; see the design note), or "" when none lies in pf.subnet. Pure.
QString pickForwardIpv6(const PlannedForward &pf, const QStringList &seen);

// Replaces the forwards of every NatSpec of *host (nat for IPv4, nat6 for IPv6) that
// `forwards` name with the resolved ones (reservation, else address from `leases`, else
// pending: left out and one sentence appended to *pending, "gateway 'gw', forward 0 (tcp
// 8080 -> vm1:80) is pending: ..."). Pure.
void resolveForwards(protocol::HostState *host, const QList<PlannedForward> &forwards, const GuestLeases &leases,
                     QStringList *pending);

}  // namespace netloom::plan
