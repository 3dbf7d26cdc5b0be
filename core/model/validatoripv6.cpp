// SPDX-License-Identifier: GPL-3.0-or-later
// IPv6 rules of the validator (see validatorimpl.h): a host port's ipv6 block and the
// topology-wide check that no two IPv6 prefixes overlap. Messages name the node and the
// field (nodes[i] (id x).hostPort.ipv6.<field>).
#include "validatorimpl.h"

namespace netloom::model::detail {

using protocol::Cidr6;
using protocol::Ipv6;

namespace {
// Prefix lengths a gateway may use: /16 is already huge, /126 leaves two addresses.
constexpr int kMinPrefix6 = 16;
constexpr int kMaxPrefix6 = 126;
}  // namespace

void Validator::checkIpv6(qsizetype i)
{
    const Node &n = m_t.nodes[i];
    const Ipv6Config &v = n.hostPort.ipv6;
    if (v.address.isEmpty()) {
        if (v.dhcp)
            error(cfgPath(i, "ipv6.dhcp"), n.id, QStringLiteral("DHCPv6 needs an IPv6 prefix on this port (ipv6.address, like fd42:1::1/64)"));
        else if (!v.rangeStart.isEmpty() || !v.rangeEnd.isEmpty())
            warning(cfgPath(i, "ipv6.rangeStart"), n.id, QStringLiteral("the DHCPv6 range is ignored without an IPv6 prefix"));
        return;
    }
    if (n.hostPort.address.isEmpty())
        error(cfgPath(i, "ipv6.address"), n.id, QStringLiteral("an IPv6 prefix needs the IPv4 host address on this port too (IPv6-only gateways are not supported yet)"));
    auto c = Cidr6::parse(v.address);
    if (!c) {
        error(cfgPath(i, "ipv6.address"), n.id, QStringLiteral("IPv6 address %1 is not an IPv6 address with a prefix (like fd42:1::1/64): %2")
                                                    .arg(q(v.address), reasonOf(c.error())));
        return;
    }
    const Ipv6 a = c->address;
    if (a.isUnspecified() || a.isLoopback() || a.isMulticast() || a.isLinkLocal() || a.isV4Mapped()) {
        error(cfgPath(i, "ipv6.address"), n.id, QStringLiteral("IPv6 address %1 is not a global or unique-local unicast address (link-local, multicast, loopback and IPv4-mapped addresses are not allowed)")
                                                    .arg(v.address));
        return;
    }
    if (c->prefix < kMinPrefix6 || c->prefix > kMaxPrefix6) {
        error(cfgPath(i, "ipv6.address"), n.id, QStringLiteral("IPv6 prefix length /%1 of %2 is out of range /%3../%4 (use /64 for SLAAC)")
                                                    .arg(c->prefix).arg(v.address).arg(kMinPrefix6).arg(kMaxPrefix6));
        return;
    }
    if (a == c->network()) {
        Ipv6 first = c->network();
        first.bytes[15] |= 1;
        error(cfgPath(i, "ipv6.address"), n.id, QStringLiteral("IPv6 address %1 is the subnet-router anycast address of %2; use a host address such as %3")
                                                    .arg(v.address, c->networkString(), first.toString()));
        return;
    }
    if (v.ra && !v.dhcp && c->prefix != 64)
        error(cfgPath(i, "ipv6.address"), n.id, QStringLiteral("SLAAC (router advertisements without stateful DHCPv6) needs a /64 prefix, not /%1; use a /64, enable DHCPv6 or turn router advertisements off")
                                                    .arg(c->prefix));
    if (!v.ra && !v.dhcp && n.hostPort.nat.mode != NatConfig::Mode::None)
        warning(cfgPath(i, "ipv6.ra"), n.id, QStringLiteral("without router advertisements or DHCPv6 guests learn neither an IPv6 address nor the IPv6 gateway; configure them statically"));
    if (!v.dhcp)
        return;
    if (!v.ra)
        warning(cfgPath(i, "ipv6.ra"), n.id, QStringLiteral("DHCPv6 without router advertisements: guests get no IPv6 default route and most do not start DHCPv6 on their own"));
    auto bound = [&](const QString &text, const char *field, const char *what) -> std::optional<Ipv6> {
        if (text.isEmpty()) {
            error(cfgPath(i, field), n.id, QStringLiteral("DHCPv6 is enabled but the range %1 is empty").arg(QLatin1String(what)));
            return std::nullopt;
        }
        auto ip = Ipv6::parse(text);
        if (!ip) {
            error(cfgPath(i, field), n.id, QStringLiteral("DHCPv6 range %1 %2: %3").arg(QLatin1String(what), q(text), reasonOf(ip.error())));
            return std::nullopt;
        }
        if (!c->contains(*ip) || *ip == c->network()) {
            error(cfgPath(i, field), n.id, QStringLiteral("DHCPv6 range %1 %2 is outside the usable addresses of %3")
                                               .arg(QLatin1String(what), text, c->networkString()));
            return std::nullopt;
        }
        return *ip;
    };
    const auto start = bound(v.rangeStart, "ipv6.rangeStart", "start");
    const auto end = bound(v.rangeEnd, "ipv6.rangeEnd", "end");
    if (!start || !end)
        return;
    if (*start > *end)
        error(cfgPath(i, "ipv6.rangeStart"), n.id, QStringLiteral("DHCPv6 range start %1 is after its end %2").arg(v.rangeStart, v.rangeEnd));
    else if (*start <= a && a <= *end)
        error(cfgPath(i, "ipv6.rangeStart"), n.id, QStringLiteral("DHCPv6 range %1-%2 contains the host address %3")
                                                       .arg(v.rangeStart, v.rangeEnd, a.toString()));
}

void Validator::checkSubnets6()
{
    QList<std::pair<Cidr6, qsizetype>> prefixes;
    for (qsizetype i = 0; i < m_t.nodes.size(); ++i) {
        const Node &n = m_t.nodes[i];
        if (n.type != NodeType::HostPort || n.hostPort.ipv6.address.isEmpty())
            continue;
        auto c = Cidr6::parse(n.hostPort.ipv6.address);
        if (!c)
            continue;  // reported by checkIpv6
        for (const auto &[other, oi] : prefixes) {
            if (c->overlaps(other)) {
                error(cfgPath(i, "ipv6.address"), n.id, QStringLiteral("IPv6 prefix %1 overlaps prefix %2 of host port %3")
                                                            .arg(c->networkString(), other.networkString(), q(m_t.nodes[oi].id)));
                break;
            }
        }
        prefixes.append({*c, i});
    }
}

}  // namespace netloom::model::detail
