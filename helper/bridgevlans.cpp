// SPDX-License-Identifier: GPL-3.0-or-later
// LinuxHostOps' 802.1Q part (linuxhostops.h): VLAN filtering on our bridges and the VLAN
// entries of their ports, as raw rtnetlink messages built with libnl's message API (libnl
// 3.7 wraps neither). Layouts, as iproute2's `ip link set type bridge vlan_filtering` and
// `bridge vlan add/del` send them:
//   RTM_NEWLINK  ifinfomsg{AF_UNSPEC, bridge} IFLA_LINKINFO{IFLA_INFO_KIND "bridge",
//                IFLA_INFO_DATA{IFLA_BR_VLAN_FILTERING u8, IFLA_BR_VLAN_DEFAULT_PVID u16}}
//   RTM_SETLINK / RTM_DELLINK  ifinfomsg{AF_BRIDGE, port} IFLA_AF_SPEC{[IFLA_BRIDGE_FLAGS
//                u16 BRIDGE_FLAGS_SELF for the bridge's own entries], IFLA_BRIDGE_VLAN_INFO
//                bridge_vlan_info{flags, vid}... (a range: RANGE_BEGIN then RANGE_END)}
// Every message is bounded: at most kRunsPerMessage runs (two attributes each) in a buffer
// of kMessageBytes; longer lists go in several messages.
#include "linuxhostops.h"

#include "protocol/bridgevlan.h"

#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <cstring>

namespace netloom::helper {

using namespace protocol;

namespace {

constexpr int kRunsPerMessage = 256;
constexpr size_t kMessageBytes = 16384;  // > 256 runs * 2 attributes * 8 bytes + headers

struct MsgPtr {
    nl_msg *p = nullptr;
    ~MsgPtr() { if (p) nlmsg_free(p); }
};
struct LinkRef {
    rtnl_link *p = nullptr;
    ~LinkRef() { if (p) rtnl_link_put(p); }
};

Error nlFailure(const QString &verb, const QString &object, int err)
{
    const int e = err < 0 ? -err : err;
    const ErrorCode code = e == NLE_PERM ? ErrorCode::PermissionDenied
                           : (e == NLE_NODEV || e == NLE_OBJ_NOTFOUND) ? ErrorCode::NotFound
                                                                       : ErrorCode::System;
    return Error::failed(code, verb, object, QString::fromLocal8Bit(nl_geterror(err)));
}

// A request with an ifinfomsg header for `ifindex`.
Result<nl_msg *> newRequest(MsgPtr *holder, int type, unsigned char family, int ifindex, const QString &ifname)
{
    holder->p = nlmsg_alloc_size(kMessageBytes);
    if (!holder->p || !nlmsg_put(holder->p, NL_AUTO_PORT, NL_AUTO_SEQ, type, 0, NLM_F_REQUEST | NLM_F_ACK))
        return Error::failed(ErrorCode::System, QStringLiteral("build a netlink message for"), ifname, QStringLiteral("out of memory"));
    ifinfomsg ifi;
    std::memset(&ifi, 0, sizeof ifi);
    ifi.ifi_family = family;
    ifi.ifi_index = ifindex;
    if (int err = nlmsg_append(holder->p, &ifi, sizeof ifi, NLMSG_ALIGNTO); err < 0)
        return nlFailure(QStringLiteral("build a netlink message for"), ifname, err);
    return holder->p;
}

Status sendAndWait(nl_sock *sock, nl_msg *msg, const QString &verb, const QString &ifname)
{
    if (int err = nl_send_auto(sock, msg); err < 0)
        return nlFailure(verb, ifname, err);
    if (int err = nl_wait_for_ack(sock); err < 0)
        return nlFailure(verb, ifname, err);
    return ok();
}

int putInfo(nl_msg *msg, std::uint16_t flags, std::uint16_t vid)
{
    bridge_vlan_info info;
    std::memset(&info, 0, sizeof info);
    info.flags = flags;
    info.vid = vid;
    return nla_put(msg, IFLA_BRIDGE_VLAN_INFO, sizeof info, &info);
}

// RTM_SETLINK (add) or RTM_DELLINK (delete) of `runs` on port `ifindex` (self: the bridge).
Status sendRuns(nl_sock *sock, int type, int ifindex, bool self, const QList<VlanRun> &runs, const QString &ifname)
{
    const QString verb = type == RTM_SETLINK ? QStringLiteral("add VLANs to") : QStringLiteral("remove VLANs from");
    for (qsizetype start = 0; start < runs.size(); start += kRunsPerMessage) {
        MsgPtr holder;
        auto msg = newRequest(&holder, type, AF_BRIDGE, ifindex, ifname);
        if (!msg)
            return msg.error();
        nlattr *spec = nla_nest_start(*msg, IFLA_AF_SPEC);
        int err = spec ? 0 : -NLE_NOMEM;
        if (!err && self)
            err = nla_put_u16(*msg, IFLA_BRIDGE_FLAGS, BRIDGE_FLAGS_SELF);
        const qsizetype end = std::min(runs.size(), start + kRunsPerMessage);
        for (qsizetype i = start; i < end && !err; ++i) {
            const VlanRun &r = runs[i];
            const std::uint16_t flags = std::uint16_t((r.pvid ? BRIDGE_VLAN_INFO_PVID : 0) | (r.untagged ? BRIDGE_VLAN_INFO_UNTAGGED : 0));
            if (r.first == r.last) {
                err = putInfo(*msg, flags, r.first);
            } else {
                err = putInfo(*msg, flags | BRIDGE_VLAN_INFO_RANGE_BEGIN, r.first);
                if (!err)
                    err = putInfo(*msg, flags | BRIDGE_VLAN_INFO_RANGE_END, r.last);
            }
        }
        if (!err)
            err = nla_nest_end(*msg, spec);
        if (err < 0)
            return nlFailure(QStringLiteral("build a netlink message for"), ifname, err);
        if (Status s = sendAndWait(sock, *msg, verb, ifname); !s)
            return s;
    }
    return ok();
}

}  // namespace

Status LinuxHostOps::enableVlanFiltering(const QString &bridge)
{
    auto idx = ifindex(bridge);
    if (!idx)
        return idx.error();
    MsgPtr holder;
    auto msg = newRequest(&holder, RTM_NEWLINK, AF_UNSPEC, *idx, bridge);
    if (!msg)
        return msg.error();
    nlattr *info = nla_nest_start(*msg, IFLA_LINKINFO);
    int err = info ? nla_put_string(*msg, IFLA_INFO_KIND, "bridge") : -NLE_NOMEM;
    nlattr *data = err ? nullptr : nla_nest_start(*msg, IFLA_INFO_DATA);
    if (!err && !data)
        err = -NLE_NOMEM;
    if (!err)
        err = nla_put_u8(*msg, IFLA_BR_VLAN_FILTERING, 1);
    if (!err)
        err = nla_put_u16(*msg, IFLA_BR_VLAN_DEFAULT_PVID, 0);  // no implicit VLAN 1 anywhere
    if (!err)
        err = nla_nest_end(*msg, data);
    if (!err)
        err = nla_nest_end(*msg, info);
    if (err < 0)
        return nlFailure(QStringLiteral("build a netlink message for"), bridge, err);
    return sendAndWait(m_sock, *msg, QStringLiteral("turn on VLAN filtering on"), bridge);
}

Status LinuxHostOps::setBridgeVlans(const QString &ifname, const QString &bridge, const QList<BridgeVlan> &vlans)
{
    const QString verb = QStringLiteral("set the VLANs of");
    if (!bridge.startsWith(QLatin1String("loom")))
        return Error::failed(ErrorCode::PermissionDenied, verb, bridge, QStringLiteral("the helper only touches bridges it created"));
    for (const BridgeVlan &v : vlans)
        if (v.vid < kMinBridgeVid || v.vid > kMaxBridgeVid)
            return Error::failed(ErrorCode::InvalidArgument, verb, ifname, QStringLiteral("VLAN %1 is outside 1..4094").arg(v.vid));
    LinkRef port, br;
    if (int err = rtnl_link_get_kernel(m_sock, 0, bridge.toLatin1().constData(), &br.p); err < 0)
        return nlFailure(verb, bridge, err);
    const char *type = rtnl_link_get_type(br.p);
    if (!type || std::strcmp(type, "bridge") != 0)
        return Error::failed(ErrorCode::Conflict, verb, bridge, QStringLiteral("the interface is not a bridge"));
    const bool self = ifname == bridge;
    int index = rtnl_link_get_ifindex(br.p);
    if (!self) {
        if (int err = rtnl_link_get_kernel(m_sock, 0, ifname.toLatin1().constData(), &port.p); err < 0)
            return nlFailure(verb, ifname, err);
        if (rtnl_link_get_master(port.p) != index)
            return Error::failed(ErrorCode::Conflict, verb, ifname, QStringLiteral("the interface is not a port of '%1'").arg(bridge));
        index = rtnl_link_get_ifindex(port.p);
    }
    if (Status s = sendRuns(m_sock, RTM_SETLINK, index, self, vlanRuns(vlans), ifname); !s)
        return s;
    return sendRuns(m_sock, RTM_DELLINK, index, self, vlanGaps(vlans), ifname);
}

}  // namespace netloom::helper
