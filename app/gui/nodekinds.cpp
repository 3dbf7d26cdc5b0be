// SPDX-License-Identifier: GPL-3.0-or-later
#include "nodekinds.h"

#include "model/allocator.h"
#include "topologydocument.h"

#include <QCoreApplication>

namespace netloom::gui {

QList<NodeKind> allNodeKinds()
{
    return {NodeKind::NetloomSwitch, NodeKind::Bridge, NodeKind::HostPort,
            NodeKind::Uplink, NodeKind::Guest, NodeKind::Remote};
}

QString kindName(NodeKind kind)
{
    switch (kind) {
    case NodeKind::NetloomSwitch: return QStringLiteral("switch");
    case NodeKind::Bridge: return QStringLiteral("bridge");
    case NodeKind::HostPort: return QStringLiteral("hostport");
    case NodeKind::Uplink: return QStringLiteral("uplink");
    case NodeKind::Guest: return QStringLiteral("guest");
    case NodeKind::Remote: return QStringLiteral("remote");
    }
    return {};
}

std::optional<NodeKind> kindFromName(const QString &name)
{
    for (NodeKind k : allNodeKinds())
        if (kindName(k) == name)
            return k;
    return std::nullopt;
}

QString kindLabel(NodeKind kind)
{
    switch (kind) {
    case NodeKind::NetloomSwitch: return QCoreApplication::translate("NodeKinds", "Netloom switch");
    case NodeKind::Bridge: return QCoreApplication::translate("NodeKinds", "Kernel bridge");
    case NodeKind::HostPort: return QCoreApplication::translate("NodeKinds", "Host port / gateway");
    case NodeKind::Uplink: return QCoreApplication::translate("NodeKinds", "Uplink");
    case NodeKind::Guest: return QCoreApplication::translate("NodeKinds", "Guest");
    case NodeKind::Remote: return QCoreApplication::translate("NodeKinds", "Remote cable");
    }
    return {};
}

QString kindDescription(NodeKind kind)
{
    switch (kind) {
    case NodeKind::NetloomSwitch:
        return QCoreApplication::translate("NodeKinds", "A user-space Ethernet switch; guests join it without root");
    case NodeKind::Bridge:
        return QCoreApplication::translate("NodeKinds", "A kernel bridge created by the helper");
    case NodeKind::HostPort:
        return QCoreApplication::translate("NodeKinds", "The host's interface on a segment: address, DHCP, DNS and NAT");
    case NodeKind::Uplink:
        return QCoreApplication::translate("NodeKinds", "A physical interface enslaved to a kernel bridge");
    case NodeKind::Guest:
        return QCoreApplication::translate("NodeKinds", "A QEMU virtual machine");
    case NodeKind::Remote:
        return QCoreApplication::translate("NodeKinds", "The far end of a cable to another host");
    }
    return {};
}

QIcon kindIcon(NodeKind kind)
{
    return QIcon(QStringLiteral(":/icons/%1.svg").arg(kindName(kind)));
}

NodeKind kindOf(const model::Node &node)
{
    switch (node.type) {
    case model::NodeType::Switch:
        return node.sw.engine == model::SwitchConfig::Engine::Bridge ? NodeKind::Bridge : NodeKind::NetloomSwitch;
    case model::NodeType::HostPort: return NodeKind::HostPort;
    case model::NodeType::Uplink: return NodeKind::Uplink;
    case model::NodeType::Guest: return NodeKind::Guest;
    case model::NodeType::Remote: return NodeKind::Remote;
    }
    return NodeKind::NetloomSwitch;
}

model::Node makeNode(NodeKind kind, const TopologyDocument &doc, QPointF pos)
{
    model::Node n;
    n.position = pos;
    QString stem;
    switch (kind) {
    case NodeKind::NetloomSwitch:
        n.type = model::NodeType::Switch;
        stem = QStringLiteral("switch");
        break;
    case NodeKind::Bridge:
        n.type = model::NodeType::Switch;
        n.sw.engine = model::SwitchConfig::Engine::Bridge;
        stem = QStringLiteral("bridge");
        break;
    case NodeKind::HostPort:
        n.type = model::NodeType::HostPort;
        stem = QStringLiteral("gw");
        break;
    case NodeKind::Uplink:
        n.type = model::NodeType::Uplink;
        n.uplink.ifname = QStringLiteral("eth0");
        stem = QStringLiteral("uplink");
        break;
    case NodeKind::Guest: {
        n.type = model::NodeType::Guest;
        model::NicConfig nic;
        nic.id = QStringLiteral("net0");
        n.guest.nics.append(nic);
        stem = QStringLiteral("guest");
        break;
    }
    case NodeKind::Remote:
        n.type = model::NodeType::Remote;
        stem = QStringLiteral("remote");
        break;
    }
    n.id = doc.freshNodeId(stem);
    n.name = doc.freshNodeName(stem);
    return n;
}

model::Node withAllocatedMacs(const model::Topology &topology, const model::Node &node)
{
    if (node.type != model::NodeType::Guest)
        return node;
    model::Topology t = topology;
    if (model::Node *old = t.node(node.id))
        *old = node;
    else
        t.nodes.append(node);
    const model::Topology allocated = model::allocate(t);
    model::Node out = node;
    const model::Node *done = allocated.node(node.id);
    for (int i = 0; done && i < out.guest.nics.size() && i < done->guest.nics.size(); ++i)
        if (out.guest.nics[i].mac.isEmpty())
            out.guest.nics[i].mac = done->guest.nics[i].mac;
    return out;
}

Result<model::Node> withSuggestedSubnet(const model::Topology &topology, const model::Node &node,
                                        const model::HostNetwork &host, const QList<model::TakenPrefix> &extraTaken)
{
    const Result<model::SubnetSuggestion> s = model::suggestSubnet(model::takenForNewGateway(host, topology, extraTaken));
    if (!s)
        return s.error();
    model::Node out = node;
    model::applySuggestion(*s, &out.hostPort);
    return out;
}

namespace {

// Picks (or adds) the NIC of guest `node` for a new cable. Returns the NIC id and fills
// *change when a NIC had to be added.
Result<QString> pickNic(const model::Topology &t, const model::Node &node,
                        std::optional<QPair<model::Node, model::Node>> *change)
{
    for (const model::NicConfig &nic : node.guest.nics)
        if (!t.linkOfNic(node.id, nic.id))
            return nic.id;
    if (node.guest.nics.size() >= model::limits::kMaxNicsPerGuest)
        return Error::failed(ErrorCode::InvalidArgument, QCoreApplication::translate("NodeKinds", "connect"), node.name,
                             QCoreApplication::translate("NodeKinds", "the guest already has the maximum of %1 NICs").arg(model::limits::kMaxNicsPerGuest));
    model::Node after = node;
    QString id;
    for (int n = 0;; ++n) {
        id = QStringLiteral("net%1").arg(n);
        bool used = false;
        for (const model::NicConfig &nic : node.guest.nics)
            used = used || nic.id == id;
        if (!used)
            break;
    }
    model::NicConfig nic;
    nic.id = id;
    after.guest.nics.append(nic);
    *change = QPair<model::Node, model::Node>(node, withAllocatedMacs(t, after));
    return id;
}

}  // namespace

Result<ConnectionPlan> planConnection(const TopologyDocument &doc, const QString &fromId, const QString &toId)
{
    const model::Topology &t = doc.topology();
    const model::Node *a = t.node(fromId);
    const model::Node *b = t.node(toId);
    if (!a || !b)
        return Error::failed(ErrorCode::InvalidArgument, QCoreApplication::translate("NodeKinds", "connect"), !a ? fromId : toId, QCoreApplication::translate("NodeKinds", "no such node"));
    if (a->id == b->id)
        return Error::failed(ErrorCode::InvalidArgument, QCoreApplication::translate("NodeKinds", "connect"), a->name, QCoreApplication::translate("NodeKinds", "a node cannot be cabled to itself"));
    ConnectionPlan plan;
    plan.link.a.node = a->id;
    plan.link.b.node = b->id;
    if (a->type == model::NodeType::Guest) {
        auto nic = pickNic(t, *a, &plan.guestA);
        if (!nic)
            return nic.error();
        plan.link.a.nic = *nic;
    }
    if (b->type == model::NodeType::Guest) {
        auto nic = pickNic(t, *b, &plan.guestB);
        if (!nic)
            return nic.error();
        plan.link.b.nic = *nic;
    }
    // Ids are bounded (limits::kMaxIdChars); node ids are too, so cut each side.
    plan.link.id = doc.freshLinkId(a->id.left(28) + QLatin1Char('-') + b->id.left(28));
    return plan;
}

}  // namespace netloom::gui
