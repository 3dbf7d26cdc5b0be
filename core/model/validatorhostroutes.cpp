// SPDX-License-Identifier: GPL-3.0-or-later
// Gateways whose subnet overlaps a route of the host (validatorimpl.h, ValidationContext).
//
// A route of the host that overlaps a gateway's subnet means that either the guests cannot
// reach that network or the host sends their traffic elsewhere — unless it is the route the
// kernel made for this very gateway while its network runs: that route's interface is the one
// carrying the gateway's address, which the planner takes from the allocated topology (the
// bridge for a port on a kernel bridge, else the port's own tap). The allocator is pure and
// deterministic, so allocating here gives the same names as at Start.
//
// Cost: routes are sorted once; each gateway then looks up the routes inside its subnet (a
// range search) and the routes containing it (one lookup per shorter prefix length), so
// 4096 gateways against 65536 routes stay fast.
#include "model/allocator.h"
#include "validatorimpl.h"

#include <algorithm>
#include <vector>

namespace netloom::model::detail {

namespace {

// The interface that carries host port `hp`'s address once `allocated` runs.
QString addressInterface(const Topology &allocated, const Node &hp)
{
    for (const Link *l : allocated.linksOf(hp.id)) {
        const QString peerId = l->a.node == hp.id ? l->b.node : l->a.node;
        const Node *peer = allocated.node(peerId);
        if (peer && peer->type == NodeType::Switch && peer->sw.engine == SwitchConfig::Engine::Bridge)
            return peer->sw.ifname;
    }
    return hp.hostPort.ifname;
}

struct Span {
    std::uint32_t first;
    std::uint32_t last;
    qsizetype route;
    bool operator<(const Span &o) const { return first < o.first; }
};

}  // namespace

void Validator::checkHostRoutes()
{
    const QList<HostRoute> &routes = m_context.hostRoutes;
    if (routes.isEmpty())
        return;
    std::vector<Span> spans;
    spans.reserve(std::size_t(routes.size()));
    for (qsizetype r = 0; r < routes.size(); ++r) {
        const Cidr &d = routes[r].dst;
        if (d.prefix > 0)  // a default route overlaps everything and says nothing
            spans.push_back(Span{d.network().value, d.broadcast().value, r});
    }
    std::sort(spans.begin(), spans.end());

    std::optional<Topology> allocated;
    for (qsizetype i = 0; i < m_t.nodes.size(); ++i) {
        const Node &n = m_t.nodes[i];
        if (n.type != NodeType::HostPort || n.hostPort.address.isEmpty())
            continue;
        const Result<Cidr> c = Cidr::parse(n.hostPort.address);
        if (!c)
            continue;  // reported by checkHostPort
        if (!allocated)
            allocated = allocate(m_t);
        const Node *an = allocated->node(n.id);
        const QString own = an ? addressInterface(*allocated, *an) : QString();
        const std::uint32_t gFirst = c->network().value;
        const std::uint32_t gLast = c->broadcast().value;

        QList<qsizetype> hits;
        const auto take = [&](const Span &s) {
            const HostRoute &r = routes[s.route];
            if (!own.isEmpty() && r.ifname == own)
                return;  // this gateway's own route while its network runs
            hits.append(s.route);
        };
        // Routes starting inside the subnet.
        for (auto it = std::lower_bound(spans.cbegin(), spans.cend(), Span{gFirst, 0, 0}); it != spans.cend() && it->first <= gLast; ++it)
            take(*it);
        // Routes starting before it that contain it: their network is the subnet's, cut shorter.
        for (int p = c->prefix - 1; p >= 1; --p) {
            const std::uint32_t start = Cidr{Ipv4{gFirst}, p}.network().value;
            if (start == gFirst)
                continue;  // seen above
            for (auto it = std::lower_bound(spans.cbegin(), spans.cend(), Span{start, 0, 0}); it != spans.cend() && it->first == start; ++it)
                if (it->last >= gFirst && routes[it->route].dst.prefix == p)
                    take(*it);
        }
        if (hits.isEmpty())
            continue;
        // Name the most telling route: the main table before policy tables, local ones last.
        std::sort(hits.begin(), hits.end());
        hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
        const auto rank = [&](qsizetype r) { return routes[r].table == 254 ? 0 : routes[r].table == 255 ? 2 : 1; };
        std::stable_sort(hits.begin(), hits.end(), [&](qsizetype a, qsizetype b) { return rank(a) < rank(b); });
        QString message = QStringLiteral("subnet %1 overlaps the host's %2; guests may not reach that network, "
                                         "or the host may send their traffic elsewhere")
                              .arg(c->networkString(), describeRoute(routes[hits.first()]));
        if (hits.size() > 1)
            message += QStringLiteral(" (and %1 more host route%2)").arg(hits.size() - 1).arg(hits.size() == 2 ? "" : "s");
        warning(cfgPath(i, "address"), n.id, message);
    }
}

}  // namespace netloom::model::detail
