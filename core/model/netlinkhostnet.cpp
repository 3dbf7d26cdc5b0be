// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/netlinkhostnet.h"

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <netlink/route/rtnl.h>
#include <netlink/socket.h>

#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <array>
#include <cstring>
#include <memory>

namespace netloom::model {

namespace {

struct SockDeleter {
    void operator()(nl_sock *s) const { nl_socket_free(s); }
};
struct CacheDeleter {
    void operator()(nl_cache *c) const { nl_cache_free(c); }
};
using SockPtr = std::unique_ptr<nl_sock, SockDeleter>;
using CachePtr = std::unique_ptr<nl_cache, CacheDeleter>;

Error nlError(const char *what, int err)
{
    return Error::failed(ErrorCode::System, QStringLiteral("read"), QStringLiteral("host routes"),
                         QStringLiteral("%1: %2").arg(QLatin1String(what), QString::fromUtf8(nl_geterror(err))));
}

// The IPv4 address in `a` (4 bytes, network order) or false.
bool ipv4Of(nl_addr *a, protocol::Ipv4 *out)
{
    if (!a || nl_addr_get_family(a) != AF_INET || nl_addr_get_len(a) != 4)
        return false;
    std::array<unsigned char, 4> b{};
    std::memcpy(b.data(), nl_addr_get_binary_addr(a), 4);
    out->value = (std::uint32_t(b[0]) << 24) | (std::uint32_t(b[1]) << 16) | (std::uint32_t(b[2]) << 8) | b[3];
    return true;
}

QString ifnameOf(nl_cache *links, int ifindex)
{
    if (ifindex <= 0)
        return {};
    std::array<char, 64> buf{};
    if (links && rtnl_link_i2name(links, ifindex, buf.data(), buf.size()))
        return QString::fromUtf8(buf.data());
    return QStringLiteral("if%1").arg(ifindex);
}

QString routeTypeName(int type)
{
    switch (type) {
    case RTN_UNICAST: return QStringLiteral("unicast");
    case RTN_LOCAL: return QStringLiteral("local");
    case RTN_BLACKHOLE: return QStringLiteral("blackhole");
    case RTN_UNREACHABLE: return QStringLiteral("unreachable");
    case RTN_PROHIBIT: return QStringLiteral("prohibit");
    case RTN_THROW: return QStringLiteral("throw");
    case RTN_NAT: return QStringLiteral("nat");
    default: return QStringLiteral("type-%1").arg(type);
    }
}

}  // namespace

Result<HostNetwork> NetlinkHostNetReader::read()
{
    SockPtr sock(nl_socket_alloc());
    if (!sock)
        return nlError("nl_socket_alloc", -NLE_NOMEM);
    if (int err = nl_connect(sock.get(), NETLINK_ROUTE); err < 0)
        return nlError("connect", err);

    nl_cache *raw = nullptr;
    if (int err = rtnl_link_alloc_cache(sock.get(), AF_UNSPEC, &raw); err < 0)
        return nlError("dump links", err);
    CachePtr links(raw);
    raw = nullptr;
    if (int err = rtnl_addr_alloc_cache(sock.get(), &raw); err < 0)
        return nlError("dump addresses", err);
    CachePtr addrs(raw);
    raw = nullptr;
    if (int err = rtnl_route_alloc_cache(sock.get(), AF_INET, 0, &raw); err < 0)
        return nlError("dump routes", err);
    CachePtr routes(raw);

    HostNetwork out;
    for (nl_object *o = nl_cache_get_first(addrs.get()); o; o = nl_cache_get_next(o)) {
        auto *a = reinterpret_cast<rtnl_addr *>(o);
        if (rtnl_addr_get_family(a) != AF_INET)
            continue;
        protocol::Ipv4 ip;
        if (!ipv4Of(rtnl_addr_get_local(a), &ip))
            continue;
        if (out.addresses.size() >= hostnetlimits::kMaxAddresses) {
            out.truncated = true;
            break;
        }
        out.addresses.append(HostAddress{ifnameOf(links.get(), rtnl_addr_get_ifindex(a)),
                                         protocol::Cidr{ip, rtnl_addr_get_prefixlen(a)}});
    }
    for (nl_object *o = nl_cache_get_first(routes.get()); o && !out.truncated; o = nl_cache_get_next(o)) {
        auto *r = reinterpret_cast<rtnl_route *>(o);
        if (rtnl_route_get_family(r) != AF_INET)
            continue;
        const int type = rtnl_route_get_type(r);
        if (type == RTN_BROADCAST || type == RTN_MULTICAST || type == RTN_ANYCAST)
            continue;
        nl_addr *dst = rtnl_route_get_dst(r);
        protocol::Ipv4 ip;
        const int prefix = dst ? int(nl_addr_get_prefixlen(dst)) : 0;
        if (prefix <= 0 || prefix > 32 || !ipv4Of(dst, &ip))
            continue;  // a default route (0/0) overlaps everything: not a fact worth keeping
        const protocol::Cidr cidr{protocol::Ipv4{ip.value & protocol::Cidr{ip, prefix}.mask()}, prefix};
        QList<QString> devices;
        const int hops = rtnl_route_get_nnexthops(r);
        for (int h = 0; h < hops && h < 64; ++h)
            if (rtnl_nexthop *nh = rtnl_route_nexthop_n(r, h))
                devices.append(ifnameOf(links.get(), rtnl_route_nh_get_ifindex(nh)));
        if (devices.isEmpty())
            devices.append(QString());
        for (const QString &dev : std::as_const(devices)) {
            if (out.routes.size() >= hostnetlimits::kMaxRoutes) {
                out.truncated = true;
                break;
            }
            out.routes.append(HostRoute{cidr, dev, rtnl_route_get_table(r), routeTypeName(type)});
        }
    }
    return out;
}

}  // namespace netloom::model
