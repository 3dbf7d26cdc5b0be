// SPDX-License-Identifier: GPL-3.0-or-later
// HostOps: every side effect the executor can have on the host, behind one small interface
// (DESIGN.md §8). LinuxHostOps (linuxhostops.h) is the real thing — netlink, /dev/net/tun,
// /proc/sys, nft, dnsmasq; unit tests use a recording fake. Every operation either fully
// happens or reports an error and leaves nothing half-done, so the executor can roll back
// by undoing only the steps that succeeded. Deleting/releasing something that is already
// gone is success (undo and recovery must be idempotent).
#pragma once

#include "base/result.h"
#include "protocol/hoststate.h"

#include <QString>

#include <cstdint>

#include <sys/types.h>

namespace netloom::helper {

class HostOps {
public:
    virtual ~HostOps() = default;
    // True if an interface with this name exists.
    virtual bool linkExists(const QString &ifname) = 0;
    // Creates a persistent tap owned by `owner` (Conflict if the name exists).
    virtual Status createTap(const protocol::TapSpec &tap, uid_t owner) = 0;
    virtual Status createBridge(const protocol::BridgeSpec &bridge) = 0;
    virtual Status createVeth(const protocol::VethSpec &veth) = 0;
    virtual Status createVxlan(const protocol::VxlanSpec &vxlan) = 0;
    // Deletes one of our ("loom…") links; success if it does not exist.
    virtual Status deleteLink(const QString &ifname) = 0;
    // Makes `ifname` a port of bridge `master`. A non-"loom" (physical) interface must exist
    // and have no master.
    virtual Status enslave(const QString &ifname, const QString &master) = 0;
    // Releases `ifname` from `master`; does nothing unless `master` is still its master.
    virtual Status release(const QString &ifname, const QString &master) = 0;
    // Makes the 802.1Q entries of `ifname` on our VLAN-filtering bridge `bridge` exactly
    // `vlans` (empty = none): `ifname` must be a port of `bridge`, or `bridge` itself (its
    // own "self" entries). The new entries are added first, then every other vid is removed,
    // so vids kept across the change carry traffic throughout. On failure the port may hold
    // some of the new entries besides the old ones (the undo of its enslaving or a repeated
    // call cleans up).
    virtual Status setBridgeVlans(const QString &ifname, const QString &bridge, const QList<protocol::BridgeVlan> &vlans) = 0;
    // Adds an IPv4 or IPv6 (cidr with ':') address; IPv6 without DAD, after turning
    // accept_ra off on the interface (ours: its own dnsmasq's RAs must not configure it).
    virtual Status addAddress(const QString &ifname, const QString &cidr) = 0;
    virtual Status deleteAddress(const QString &ifname, const QString &cidr) = 0;
    virtual Status setLink(const protocol::LinkSpec &link) = 0;
    // Remembers the current net.ipv4.ip_forward value (journaled) and sets it to 1.
    virtual Status enableForwarding() = 0;
    // Writes back the remembered value (no-op when nothing is remembered).
    virtual Status restoreForwarding() = 0;
    // IPv6: remembers net.ipv6.conf.all.forwarding (journaled) and sets it to 1. When it is
    // off now, refuses (Conflict, nothing written) if an existing interface matching one of `uplinks`
    // takes its IPv6 default route from router advertisements with accept_ra=1 — forwarding
    // would make the kernel ignore those RAs and the host would lose that route. Empty
    // `uplinks` skips the check (recovery re-enabling what was already on).
    virtual Status enableForwarding6(const QStringList &uplinks) = 0;
    // Writes back the remembered IPv6 value (no-op when nothing is remembered).
    virtual Status restoreForwarding6() = 0;
    // Writes net.ipv4.conf.<ifname>.route_localnet (1 or 0) of our interface `ifname`; turning
    // it off succeeds when the link is gone (the setting went with it).
    virtual Status setRouteLocalnet(const QString &ifname, bool on) = 0;
    // Runs one nftables transaction (`nft -f -` with this script).
    virtual Status loadNft(const QString &script) = 0;
    // Who holds the host side of a port forward in this network namespace (portusers.h): ""
    // when nobody, else the owner ("sshd (pid 123)"). Reads only.
    virtual Result<QString> portUser(const protocol::ForwardSpec &forward) = 0;
    virtual Status startDnsmasq(const QString &network, const protocol::DnsmasqSpec &spec) = 0;
    virtual Status stopDnsmasq(const QString &network, const QString &ifname) = 0;

    // Network emulation (qdiscplan.h says which qdiscs an Impairment becomes).
    // Creates an IFB device, ours ("loom…"), and brings it up (Conflict if the name exists).
    virtual Status createIfb(const QString &ifname) = 0;
    // Makes the root qdiscs of our interface `ifname` realize `egress` (netem, tbf below it or
    // alone), changing ours in place where the shape allows and replacing them otherwise;
    // `frameBytes` is the largest frame the interface carries (sizes the token bucket).
    // On failure the interface is left without our root qdisc (never half-configured).
    virtual Status setQdiscs(const QString &ifname, const protocol::Impairment &egress, std::uint32_t frameBytes) = 0;
    // Removes our root qdisc from `ifname`; success if there is none or the link is gone.
    virtual Status clearQdiscs(const QString &ifname) = 0;
    // Gives `ifname` an ingress qdisc whose one match-all filter redirects every arriving frame
    // to the IFB `ifb` (replacing any ingress setup of ours). Both must exist.
    virtual Status redirectIngress(const QString &ifname, const QString &ifb) = 0;
    // Removes the ingress qdisc (and with it the redirect); success if none or link gone.
    virtual Status clearIngress(const QString &ifname) = 0;

    // The NAT doctor's repair (protocol::FilterAcceptSpec): inserts at the top of a foreign
    // chain `iifname IF accept` and `oifname IF [ct state established,related] accept`, both
    // commented "netloom:<network>" (nft, or iptables-nft/-legacy with -m comment). The chain
    // must exist; no policy and no other rule is changed.
    virtual Status insertAccepts(const QString &network, const protocol::FilterAcceptSpec &spec) = 0;
    // Deletes exactly the rules insertAccepts added (by comment and interface); success if
    // they, the chain or the table are gone.
    virtual Status removeAccepts(const QString &network, const protocol::FilterAcceptSpec &spec) = 0;
};

}  // namespace netloom::helper
