// SPDX-License-Identifier: GPL-3.0-or-later
// The helper's transaction plan: desired state vs. owned state -> an ordered list of steps.
//
// Design note. Converging a network is built as data first (pure, golden-tested) and
// applied afterwards by one executor (executor.h). Every Step carries the Action that
// does it and the Action that undoes it, so a failure at step k is rolled back by running
// the undo actions of steps k-1..0 in reverse order. Deletions come first (dnsmasq stop,
// releases, address removal, link removal), then creations in dependency order (links,
// link settings, enslaving, addresses, up, forwarding, nftables, dnsmasq). An object whose
// spec changed is deleted and created again; a dnsmasq whose interface is re-created is
// restarted. Impairments: redirects and qdiscs that go are removed before links are
// deleted (a qdisc that disappears with its link is restored by the undo once the link is
// back), IFB devices are links like the others, and qdiscs and redirects are set after the
// links exist — a changed impairment on a surviving link is changed in place, so no
// interface is re-created for it. VLAN entries of bridge ports (BridgeSpec::vlans) are set
// after the ports are enslaved; a port's entries vanish with its release, its link or its
// bridge, so their undo is nothing then — and a release or deletion whose undo brings the
// port back is preceded by a step whose undo sets its entries again. The doctor's repairs (filterAccepts: accept rules in
// another firewall's chain) are removed first and inserted last, after the links and our
// own table exist; they name interfaces only, so they never force a link to be re-created.
// route_localnet on a NAT gateway whose forwards take loopback (protocol/forwardrules.h) is
// set before the nft table that needs it is loaded, and cleared after the table no longer
// needs it; it goes with its interface (set again when re-created, and by the undo of a
// deletion). nftables and IPv4 forwarding are host-global: the builder is given what the
// other networks need, so the single `netloom` table always holds every network's rules.
#pragma once

#include "protocol/hoststate.h"

#include <QList>
#include <QString>

#include <cstdint>
#include <sys/types.h>

namespace netloom::helper {

struct Action {
    enum class Kind {
        None,            // nothing (undo of steps whose effect disappears with a later undo)
        CreateTap,       // tap (owner = uid)
        CreateBridge,    // bridge
        CreateVeth,      // veth
        CreateVxlan,     // vxlan
        DeleteLink,      // ifname (ours)
        Enslave,         // ifname -> master
        Release,         // ifname from master (only if its master is still `master`)
        AddAddress,      // ifname, cidr
        DeleteAddress,   // ifname, cidr
        SetLink,         // link (up/mtu/mac)
        EnableForwarding,   // remember the current value in the journal, write 1
        RestoreForwarding,  // write back the remembered value
        LoadNft,         // text = the whole nft script (replace or delete table [ip|ip6] netloom)
        StartDnsmasq,    // network, dnsmasq
        StopDnsmasq,     // network, ifname
        CreateIfb,       // ifname (an IFB device for ingress impairment, created up)
        SetQdiscs,       // ifname, impairment, frameBytes (root netem/tbf)
        ClearQdiscs,     // ifname (our root qdisc)
        RedirectIngress, // ifname -> master (the IFB)
        ClearIngress,    // ifname (ingress qdisc and its redirect)
        EnableForwarding6,   // text = the uplinks to check (space separated); remember, write 1
        RestoreForwarding6,  // write back the remembered IPv6 value
        InsertAccepts,   // network, filterAccept: the doctor's two accept rules in a foreign chain
        RemoveAccepts,   // network, filterAccept: delete exactly those rules (ours by comment)
        SetRouteLocalnet,    // ifname: net.ipv4.conf.<ifname>.route_localnet = 1 (loopback forwards)
        ClearRouteLocalnet,  // ifname: back to 0 (success when the link is gone)
        SetBridgeVlans,  // ifname (a port of master, or master itself), master, vlans (exactly these)
    };
    Kind kind = Kind::None;
    QString ifname;
    QString master;               // Enslave/Release
    QString cidr;                 // AddAddress/DeleteAddress
    uid_t uid = 0;                // CreateTap owner
    QString network;              // dnsmasq
    QString text;                 // LoadNft script
    protocol::TapSpec tap;
    protocol::BridgeSpec bridge;
    protocol::VethSpec veth;
    protocol::VxlanSpec vxlan;
    protocol::LinkSpec link;
    protocol::DnsmasqSpec dnsmasq;
    protocol::Impairment impairment;  // SetQdiscs
    std::uint32_t frameBytes = 0;     // SetQdiscs: largest frame on the interface
    protocol::FilterAcceptSpec filterAccept;  // InsertAccepts/RemoveAccepts
    QList<protocol::BridgeVlan> vlans;        // SetBridgeVlans (empty = none)

    // One stable line for logs and golden files, e.g. "create-tap loomtap0 owner=1000".
    QString describe() const;
};

struct Step {
    Action apply;
    Action undo;
};

// What the other networks need from host-global resources.
struct GlobalContext {
    QList<protocol::NatSpec> otherNat;  // NAT/route rules of every other network
    bool otherForwarding = false;       // some other network wants IPv4 forwarding
    QList<protocol::NatSpec> otherNat6; // IPv6 NAT66/route rules of every other network
    bool otherForwarding6 = false;      // some other network wants IPv6 forwarding
};

// Builds the steps that take network `network` (owned by `uid`) from `current` to `desired`.
// Pure. `current` is what the helper's journal says it owns (empty for a new network).
QList<Step> buildSteps(const QString &network, uid_t uid, const protocol::HostState &current,
                       const protocol::HostState &desired, const GlobalContext &global);

// The union of two states by interface/object identity (used for crash recovery, where
// objects of an interrupted apply may exist in addition to the committed ones).
protocol::HostState unionState(const protocol::HostState &a, const protocol::HostState &b);

// Golden form of a step list: one "N: <apply> | undo: <undo>" line per step.
QString describeSteps(const QList<Step> &steps);

}  // namespace netloom::helper
