// SPDX-License-Identifier: GPL-3.0-or-later
// LinuxHostOps: HostOps on the real kernel — rtnetlink through libnl-route-3, taps through
// /dev/net/tun (TUNSETIFF with IFF_TUN_EXCL, TUNSETOWNER, TUNSETPERSIST), bridge options
// through the bridge's own sysfs files, net.ipv4.ip_forward through /proc/sys, nftables
// through `nft -f -` (argv, clean environment, bounded time), dnsmasq through the
// DnsmasqSupervisor, and impairments as netem/tbf qdiscs and an IFB redirect through
// TcNetlink (tcnetlink.h) on the same netlink socket. Acts on the network namespace the helper runs in.
//
// Defence in depth: besides the validation of requests, every destructive operation
// re-checks here that it acts on a "loom…" interface, and a physical interface is only
// enslaved if it exists, is not itself a bridge and has no master yet.
#pragma once

#include "hostops.h"

#include <memory>

struct nl_sock;

namespace netloom::helper {

class DnsmasqSupervisor;
class Journal;
class TcNetlink;

class LinuxHostOps : public HostOps {
public:
    static constexpr int kNftTimeoutMs = 10000;

    LinuxHostOps(DnsmasqSupervisor &dnsmasq, Journal &journal);
    ~LinuxHostOps() override;
    LinuxHostOps(const LinuxHostOps &) = delete;
    LinuxHostOps &operator=(const LinuxHostOps &) = delete;

    // Connects the netlink socket; must succeed before any operation.
    Status init();
    bool linkExists(const QString &ifname) override;

    Status createTap(const protocol::TapSpec &tap, uid_t owner) override;
    Status createBridge(const protocol::BridgeSpec &bridge) override;
    Status createVeth(const protocol::VethSpec &veth) override;
    Status createVxlan(const protocol::VxlanSpec &vxlan) override;
    Status deleteLink(const QString &ifname) override;
    Status enslave(const QString &ifname, const QString &master) override;
    Status release(const QString &ifname, const QString &master) override;
    // bridgevlans.cpp: RTM_SETLINK/RTM_DELLINK with AF_BRIDGE and IFLA_BRIDGE_VLAN_INFO.
    Status setBridgeVlans(const QString &ifname, const QString &bridge, const QList<protocol::BridgeVlan> &vlans) override;
    Status addAddress(const QString &ifname, const QString &cidr) override;
    Status deleteAddress(const QString &ifname, const QString &cidr) override;
    Status setLink(const protocol::LinkSpec &link) override;
    Status enableForwarding() override;
    Status restoreForwarding() override;
    Status enableForwarding6(const QStringList &uplinks) override;  // linuxhostops6.cpp
    Status restoreForwarding6() override;
    Status setRouteLocalnet(const QString &ifname, bool on) override;
    Status loadNft(const QString &script) override;
    Result<QString> portUser(const protocol::ForwardSpec &forward) override;
    Status startDnsmasq(const QString &network, const protocol::DnsmasqSpec &spec) override;
    Status stopDnsmasq(const QString &network, const QString &ifname) override;
    Status createIfb(const QString &ifname) override;
    Status setQdiscs(const QString &ifname, const protocol::Impairment &egress, std::uint32_t frameBytes) override;
    Status clearQdiscs(const QString &ifname) override;
    Status redirectIngress(const QString &ifname, const QString &ifb) override;
    Status clearIngress(const QString &ifname) override;
    // filteraccepts.cpp: nft insert/delete by handle, iptables -I/-D (argv, bounded).
    Status insertAccepts(const QString &network, const protocol::FilterAcceptSpec &spec) override;
    Status removeAccepts(const QString &network, const protocol::FilterAcceptSpec &spec) override;

private:
    Result<int> ifindex(const QString &ifname);
    Status addLink(void *link, const QString &ifname, const QString &what);
    Status applyMtuMac(const QString &ifname, int mtu, const QString &mac);
    // bridgevlans.cpp: vlan_filtering 1 and vlan_default_pvid 0 on our bridge (netlink).
    Status enableVlanFiltering(const QString &bridge);

    DnsmasqSupervisor &m_dnsmasq;
    Journal &m_journal;
    nl_sock *m_sock = nullptr;
    std::unique_ptr<TcNetlink> m_tc;  // qdiscs and the ingress redirect (tcnetlink.h)
};

}  // namespace netloom::helper
