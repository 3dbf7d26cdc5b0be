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

// One forward of one gateway, ready to be resolved.
struct PlannedForward {
    QString gateway;          // host port node id
    int index = 0;            // in the gateway's nat.forwards
    QString natIfname;        // the NatSpec (by interface) the forward belongs to
    QString subnet;           // that NatSpec's subnet, "10.0.2.0/24"
    QString guest;            // guest node id
    QString nic;              // the NIC on the gateway's network
    QString mac;              // its MAC, lower case
    QString reservedAddress;  // the gateway's DHCP reservation for the MAC, "" = none
    protocol::ForwardSpec spec;  // guestAddress left empty
    QString what;             // "gateway 'gw', forward 0 (tcp 8080 -> vm1:80)" for messages
    bool operator==(const PlannedForward &) const = default;
};

// The forwards of gateway `gateway` (a host port of `t` on interface `natIfname` whose subnet
// is `subnet`). Returns an Error naming the gateway and forward for a forward that can never
// be realized. Pure.
Result<QList<PlannedForward>> planForwards(const model::Topology &t, const model::Node &gateway,
                                           const QString &natIfname, const protocol::Cidr &subnet);

// Replaces the forwards of every NatSpec of *host that `forwards` name with the resolved
// ones (reservation, else lease from `leases`, else pending: left out and one sentence
// appended to *pending, "gateway 'gw', forward 0 (tcp 8080 -> vm1:80) is pending: ...").
// Pure.
void resolveForwards(protocol::HostState *host, const QList<PlannedForward> &forwards, const Ipv4Leases &leases,
                     QStringList *pending);

}  // namespace netloom::plan
