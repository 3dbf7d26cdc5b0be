// SPDX-License-Identifier: GPL-3.0-or-later
#include "forwardaction.h"

#include "editcommands.h"
#include "model/portforward.h"
#include "topologydocument.h"

#include <QSet>
#include <QUndoStack>

namespace netloom::gui {

Result<QString> ForwardAction::addForwardToGuest(TopologyDocument *doc, QUndoStack *undo, const QString &guestId,
                                                 const QString &nic)
{
    const model::Topology &t = doc->topology();
    const model::Node *guest = t.node(guestId);
    const QString fail = tr("failed to forward a port to '%1': %2");
    if (!guest || guest->type != model::NodeType::Guest)
        return Error{ErrorCode::NotFound, fail.arg(guestId, tr("no such guest"))};
    QString gateway, gatewayNic;
    int nicsThere = 0;
    for (const model::GatewayOfGuest &g : model::natGatewaysOfGuest(t, guestId)) {
        if (gateway.isEmpty() && (nic.isEmpty() || g.nic == nic)) {
            gateway = g.gateway;
            gatewayNic = g.nic;
        }
        if (g.gateway == gateway)
            ++nicsThere;
    }
    if (gateway.isEmpty())
        return Error{ErrorCode::NotFound,
                     fail.arg(guest->name, tr("it is on no NAT network (a host port with NAT masquerade or route)"))};
    const model::Node *gw = t.node(gateway);
    if (gw->hostPort.nat.forwards.size() >= model::limits::kMaxPortForwards)
        return Error{ErrorCode::LimitExceeded,
                     fail.arg(guest->name, tr("'%1' already has %2 port forwards").arg(gw->name).arg(model::limits::kMaxPortForwards))};
    QSet<int> used;
    for (const model::Node &n : t.nodes)
        if (n.type == model::NodeType::HostPort)
            for (const model::PortForward &f : n.hostPort.nat.forwards)
                if (f.protocol == model::PortForward::Protocol::Tcp)
                    used.insert(f.hostPort);
    model::PortForward f;
    f.hostPort = 8080;
    while (used.contains(f.hostPort) && f.hostPort < 65535)
        ++f.hostPort;
    f.guest = guestId;
    f.nic = nicsThere > 1 ? gatewayNic : QString();
    f.guestPort = 80;
    model::Node after = *gw;
    after.hostPort.nat.forwards.append(f);
    // A dual-stack gateway forwards the port over IPv6 too (one undo step for both).
    if (!gw->hostPort.ipv6.address.isEmpty() && after.hostPort.nat.forwards.size() < model::limits::kMaxPortForwards) {
        bool free6 = true;
        for (const model::Node &n : t.nodes)
            if (n.type == model::NodeType::HostPort)
                for (const model::PortForward &o : n.hostPort.nat.forwards)
                    free6 = free6 && !(o.family == model::PortForward::Family::Ipv6 && o.protocol == f.protocol && o.hostPort == f.hostPort);
        if (free6) {
            model::PortForward f6 = f;
            f6.family = model::PortForward::Family::Ipv6;
            after.hostPort.nat.forwards.append(f6);
        }
    }
    auto *cmd = new SetNodeCommand(doc, *gw, after);
    cmd->setText(tr("forward port %1 to %2").arg(f.hostPort).arg(guest->name));
    undo->push(cmd);
    return gateway;
}

QPair<QString, QString> ForwardAction::nicOfMac(const TopologyDocument *doc, const QString &mac)
{
    for (const model::Node &n : doc->topology().nodes)
        if (n.type == model::NodeType::Guest)
            for (const model::NicConfig &nic : n.guest.nics)
                if (!nic.mac.isEmpty() && nic.mac.compare(mac, Qt::CaseInsensitive) == 0)
                    return {n.id, nic.id};
    return {};
}

}  // namespace netloom::gui
