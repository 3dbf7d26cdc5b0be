// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/subnetpicker.h"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace netloom::model {

using protocol::Cidr;
using protocol::Ipv4;

namespace {

constexpr std::uint32_t quad(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d)
{
    return (a << 24) | (b << 16) | (c << 8) | d;
}

Cidr net(std::uint32_t value, int prefix)
{
    return Cidr{Ipv4{value}, prefix};
}

bool avoided(const Cidr &c, const QList<TakenPrefix> &avoid)
{
    return std::any_of(avoid.cbegin(), avoid.cend(), [&](const TakenPrefix &t) { return t.prefix.overlaps(c); });
}

// First and last address of a prefix.
std::pair<std::uint32_t, std::uint32_t> range(const Cidr &c)
{
    return {c.network().value, c.broadcast().value};
}

}  // namespace

QList<TakenPrefix> avoidedSubnets()
{
    return {
        {net(quad(192, 168, 122, 0), 24), QStringLiteral("libvirt's default network")},
        {net(quad(192, 168, 56, 0), 24), QStringLiteral("VirtualBox's default host-only network")},
        {net(quad(172, 17, 0, 0), 16), QStringLiteral("Docker's default bridge docker0")},
        {net(quad(10, 96, 0, 0), 12), QStringLiteral("Kubernetes' default service range")},
    };
}

QList<Cidr> candidateSubnets()
{
    const QList<TakenPrefix> avoid = avoidedSubnets();
    QList<Cidr> out;
    out.reserve(subnetpicker::kCandidateCount);
    const auto add = [&](std::uint32_t value) {
        const Cidr c = net(value, subnetpicker::kSubnetPrefix);
        if (!avoided(c, avoid))
            out.append(c);
    };
    QList<std::uint32_t> tenX;
    for (std::uint32_t x = 200; x <= 254; ++x)
        tenX.append(x);
    for (std::uint32_t x = 1; x < 200; ++x)
        tenX.append(x);
    for (std::uint32_t x : std::as_const(tenX))
        for (std::uint32_t y = 0; y < 8; ++y)
            add(quad(10, x, y, 0));
    for (std::uint32_t x = 31; x >= 16; --x)
        for (std::uint32_t y = 0; y < 8; ++y)
            add(quad(172, x, y, 0));
    for (std::uint32_t y = 254; y >= 1; --y)
        add(quad(192, 168, y, 0));
    return out;
}

Result<SubnetSuggestion> suggestSubnet(const QList<TakenPrefix> &taken)
{
    if (taken.size() > subnetpicker::kMaxTaken)
        return Error::failed(ErrorCode::LimitExceeded, QStringLiteral("suggest"), QStringLiteral("a subnet"),
                             QStringLiteral("%1 taken prefixes are more than the limit of %2")
                                 .arg(taken.size()).arg(subnetpicker::kMaxTaken));
    // Sorted, merged intervals of every taken address.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> spans;
    spans.reserve(std::size_t(taken.size()));
    for (const TakenPrefix &t : taken)
        spans.push_back(range(t.prefix));
    std::sort(spans.begin(), spans.end());
    std::vector<std::pair<std::uint32_t, std::uint32_t>> merged;
    for (const auto &s : spans) {
        if (!merged.empty() && s.first <= merged.back().second)
            merged.back().second = std::max(merged.back().second, s.second);
        else
            merged.push_back(s);
    }
    const QList<Cidr> candidates = candidateSubnets();
    for (qsizetype i = 0; i < candidates.size(); ++i) {
        const auto [first, last] = range(candidates[i]);
        // The first merged span that ends at or after `first`; it overlaps if it starts by `last`.
        const auto it = std::lower_bound(merged.cbegin(), merged.cend(), first,
                                         [](const std::pair<std::uint32_t, std::uint32_t> &s, std::uint32_t v) { return s.second < v; });
        if (it != merged.cend() && it->first <= last)
            continue;
        SubnetSuggestion s;
        s.subnet = candidates[i];
        s.hostAddress = Cidr{Ipv4{first + 1}, subnetpicker::kSubnetPrefix};
        s.dhcpStart = Ipv4{first + subnetpicker::kDhcpFirst};
        s.dhcpEnd = Ipv4{first + subnetpicker::kDhcpLast};
        s.candidate = int(i);
        return s;
    }
    return Error::failed(ErrorCode::Conflict, QStringLiteral("suggest"), QStringLiteral("a subnet"),
                         QStringLiteral("all %1 candidate subnets (10.X.Y.0/24, 172.16-31.Y.0/24, 192.168.Y.0/24) overlap "
                                        "an address or route of the host or another gateway; set the address by hand")
                             .arg(candidates.size()));
}

QList<TakenPrefix> takenByHost(const HostNetwork &host)
{
    QList<TakenPrefix> out;
    out.reserve(host.addresses.size() + host.routes.size());
    for (const HostAddress &a : host.addresses) {
        QString origin = QStringLiteral("address %1").arg(a.cidr.toString());
        if (!a.ifname.isEmpty())
            origin += QStringLiteral(" on interface '%1'").arg(a.ifname);
        out.append(TakenPrefix{Cidr{a.cidr.network(), a.cidr.prefix}, origin});
    }
    for (const HostRoute &r : host.routes)
        out.append(TakenPrefix{Cidr{r.dst.network(), r.dst.prefix}, describeRoute(r)});
    return out;
}

QList<TakenPrefix> takenByTopology(const Topology &topology, const QString &whose)
{
    QList<TakenPrefix> out;
    for (const Node &n : topology.nodes) {
        if (n.type != NodeType::HostPort || n.hostPort.address.isEmpty())
            continue;
        const Result<Cidr> c = Cidr::parse(n.hostPort.address);
        if (!c)
            continue;
        out.append(TakenPrefix{Cidr{c->network(), c->prefix}, QStringLiteral("gateway '%1' of %2").arg(n.id, whose)});
    }
    return out;
}

QList<TakenPrefix> takenForNewGateway(const HostNetwork &host, const Topology &topology, const QList<TakenPrefix> &extra)
{
    QList<TakenPrefix> out = takenByHost(host);
    out += takenByTopology(topology, QStringLiteral("this topology"));
    out += extra;
    return out;
}

void applySuggestion(const SubnetSuggestion &s, HostPortConfig *hostPort)
{
    hostPort->address = s.hostAddress.toString();
    hostPort->dhcp.enabled = true;
    hostPort->dhcp.rangeStart = s.dhcpStart.toString();
    hostPort->dhcp.rangeEnd = s.dhcpEnd.toString();
}

}  // namespace netloom::model
