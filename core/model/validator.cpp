// SPDX-License-Identifier: GPL-3.0-or-later
#include "validatorimpl.h"

#include <QRegularExpression>
#include <QSet>

#include <algorithm>

namespace netloom::model {

namespace detail {

QString q(const QString &s) { return QStringLiteral("'%1'").arg(s.left(limits::kMaxIdChars)); }

bool validId(const QString &id)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_.-]{1,64}$"));
    return re.match(id).hasMatch();
}

QString reasonOf(const Error &e)
{
    const qsizetype i = e.message.indexOf(QStringLiteral("': "));
    return i < 0 ? e.message : e.message.mid(i + 3);
}

QString endKindName(EndKind k)
{
    switch (k) {
    case EndKind::Missing: return QStringLiteral("missing node");
    case EndKind::Netloom: return QStringLiteral("netloom switch");
    case EndKind::Bridge: return QStringLiteral("kernel bridge");
    case EndKind::HostPort: return QStringLiteral("host port");
    case EndKind::Uplink: return QStringLiteral("uplink");
    case EndKind::Guest: return QStringLiteral("guest");
    case EndKind::Remote: return QStringLiteral("remote");
    }
    return QString();
}

void Validator::checkTopology()
{
    if (!validId(m_t.name))
        error(QStringLiteral("name"), QString(),
              QStringLiteral("topology name %1 must be 1-64 characters of A-Z a-z 0-9 _ . - (it names run directories)").arg(q(m_t.name)));
    QHash<QString, qsizetype> ids, names;
    for (qsizetype i = 0; i < m_t.nodes.size(); ++i) {
        const Node &n = m_t.nodes[i];
        if (!validId(n.id))
            error(join(nodePath(i), QStringLiteral("id")), n.id,
                  QStringLiteral("node id %1 must be 1-64 characters of A-Z a-z 0-9 _ . -").arg(q(n.id)));
        else if (ids.contains(n.id))
            error(join(nodePath(i), QStringLiteral("id")), n.id,
                  QStringLiteral("duplicate node id %1 (also nodes[%2])").arg(q(n.id)).arg(ids.value(n.id)));
        ids.insert(n.id, i);
        if (n.name.trimmed().isEmpty())
            error(join(nodePath(i), QStringLiteral("name")), n.id, QStringLiteral("node name is empty"));
        else if (names.contains(n.name))
            error(join(nodePath(i), QStringLiteral("name")), n.id,
                  QStringLiteral("duplicate node name %1 (also node %2)").arg(q(n.name), q(m_t.nodes[names.value(n.name)].id)));
        else
            names.insert(n.name, i);
    }
    QHash<QString, qsizetype> linkIds;
    for (qsizetype k = 0; k < m_t.links.size(); ++k) {
        const Link &l = m_t.links[k];
        if (!validId(l.id))
            linkError(k, QStringLiteral("id"), QStringLiteral("link id %1 must be 1-64 characters of A-Z a-z 0-9 _ . -").arg(q(l.id)));
        else if (linkIds.contains(l.id))
            linkError(k, QStringLiteral("id"), QStringLiteral("duplicate link id %1 (also links[%2])").arg(q(l.id)).arg(linkIds.value(l.id)));
        linkIds.insert(l.id, k);
    }
}

EndKind Validator::kindOf(const Node &n) const
{
    switch (n.type) {
    case NodeType::Switch: return n.sw.engine == SwitchConfig::Engine::Bridge ? EndKind::Bridge : EndKind::Netloom;
    case NodeType::HostPort: return EndKind::HostPort;
    case NodeType::Uplink: return EndKind::Uplink;
    case NodeType::Guest: return EndKind::Guest;
    case NodeType::Remote: return EndKind::Remote;
    }
    return EndKind::Missing;
}

// Resolves one endpoint; reports problems with it. Returns kind Missing if unusable.
Validator::End Validator::resolve(qsizetype k, const Endpoint &e, const QString &side)
{
    End end;
    end.node = findNode(e.node);
    if (!end.node) {
        linkError(k, side + QStringLiteral(".node"), QStringLiteral("link end %1 names unknown node %2").arg(side, q(e.node)));
        return end;
    }
    end.kind = kindOf(*end.node);
    if (end.kind == EndKind::Guest) {
        if (e.nic.isEmpty()) {
            linkError(k, side + QStringLiteral(".nic"), QStringLiteral("a link to guest %1 must name one of its NICs").arg(q(e.node)));
            end.kind = EndKind::Missing;
            return end;
        }
        for (const NicConfig &nic : end.node->guest.nics)
            if (nic.id == e.nic) {
                end.nic = &nic;
                break;
            }
        if (!end.nic) {
            linkError(k, side + QStringLiteral(".nic"), QStringLiteral("guest %1 has no NIC %2").arg(q(e.node), q(e.nic)));
            end.kind = EndKind::Missing;
            return end;
        }
    } else if (!e.nic.isEmpty()) {
        linkError(k, side + QStringLiteral(".nic"), QStringLiteral("a NIC is only given on a guest endpoint; %1 is a %2").arg(q(e.node), endKindName(end.kind)));
    }
    if (e.vlan) {
        if (end.kind != EndKind::Netloom && end.kind != EndKind::Bridge)
            linkError(k, side + QStringLiteral(".vlan"), QStringLiteral("VLAN settings belong on the switch side of a link; %1 is a %2").arg(q(e.node), endKindName(end.kind)));
        else
            checkVlan(k, side, *e.vlan);
    }
    return end;
}

void Validator::checkVlan(qsizetype k, const QString &side, const VlanConfig &v)
{
    const QString p = side + QStringLiteral(".vlan");
    const bool access = v.mode == VlanConfig::Mode::Access;
    if ((access && (v.vlan < limits::kMinVlan || v.vlan > limits::kMaxVlan)) || (!access && (v.vlan < 0 || v.vlan > limits::kMaxVlan)))
        linkError(k, p + QStringLiteral(".vlan"), QStringLiteral("VLAN id %1 is out of range %2..4094").arg(v.vlan).arg(access ? 1 : 0));
    if (access && !v.allowed.isEmpty())
        linkError(k, p + QStringLiteral(".allowed"), QStringLiteral("an access port carries one VLAN; 'allowed' is only for trunk ports"));
    if (!access && v.vlan == 0 && v.allowed.isEmpty())
        linkError(k, p + QStringLiteral(".allowed"), QStringLiteral("a trunk port needs a native VLAN or allowed VLANs (it would carry nothing)"));
    QSet<int> seen;
    for (qsizetype a = 0; a < v.allowed.size(); ++a) {
        const int id = v.allowed[a];
        if (id < limits::kMinVlan || id > limits::kMaxVlan)
            linkError(k, QStringLiteral("%1.allowed[%2]").arg(p).arg(a), QStringLiteral("VLAN id %1 is out of range 1..4094").arg(id));
        else if (seen.contains(id))
            linkError(k, QStringLiteral("%1.allowed[%2]").arg(p).arg(a), QStringLiteral("VLAN %1 is listed twice").arg(id));
        seen.insert(id);
    }
}

void Validator::checkLink(qsizetype k)
{
    const Link &l = m_t.links[k];
    End a = resolve(k, l.a, QStringLiteral("a"));
    End b = resolve(k, l.b, QStringLiteral("b"));
    // Count attachments even on a bad link, so that the NIC or node is not also
    // reported as unconnected.
    for (const End *e : {&a, &b}) {
        if (e->nic)
            m_nicLinks[nicKey(e->node->id, e->nic->id)].append(k);
        else if (e->kind == EndKind::HostPort || e->kind == EndKind::Uplink || e->kind == EndKind::Remote)
            m_nodeLinks[e->node->id].append(k);
    }
    if (a.kind == EndKind::Missing || b.kind == EndKind::Missing)
        return;
    if (a.node == b.node) {
        linkError(k, QString(), QStringLiteral("a link cannot connect node %1 to itself").arg(q(a.node->id)));
        return;
    }
    checkEmulation(k, a, b);
    // Order the ends: switches first, then host ports, then guests.
    auto rank = [](EndKind kind) {
        switch (kind) {
        case EndKind::Netloom: return 0;
        case EndKind::Bridge: return 0;
        case EndKind::HostPort: return 1;
        case EndKind::Guest: return 2;
        default: return 3;
        }
    };
    if (rank(b.kind) < rank(a.kind))
        std::swap(a, b);
    const bool aSwitch = a.kind == EndKind::Netloom || a.kind == EndKind::Bridge;
    auto incompatible = [&](const QString &why) {
        linkError(k, QString(), QStringLiteral("cannot link %1 %2 to %3 %4: %5")
                                    .arg(endKindName(a.kind), q(a.node->id), endKindName(b.kind), q(b.node->id), why));
    };
    bool cableTap = false;
    if (b.kind == EndKind::Guest) {
        const NicConfig::Mode mode = b.nic->mode;
        if (aSwitch && mode != NicConfig::Mode::Switch)
            return incompatible(QStringLiteral("NIC %1 is in %2 mode; only switch-mode NICs join a switch").arg(q(b.nic->id), nicModeName(mode)));
        if (a.kind == EndKind::HostPort && mode != NicConfig::Mode::Tap)
            return incompatible(QStringLiteral("NIC %1 is in %2 mode; only tap-mode NICs attach to a host port (own tap)").arg(q(b.nic->id), nicModeName(mode)));
        if (a.kind == EndKind::Guest)
            return incompatible(QStringLiteral("guests connect through a switch, or through socket NICs without a link"));
        if (!aSwitch && a.kind != EndKind::HostPort)
            return incompatible(QStringLiteral("a guest NIC connects to a switch or (tap mode) a host port"));
    } else if (aSwitch && b.kind == EndKind::HostPort) {
        m_switchHostPorts[a.node->id].append(b.node->id);
    } else if (aSwitch && (b.kind == EndKind::Netloom || b.kind == EndKind::Bridge)) {
        cableTap = a.kind == EndKind::Bridge || b.kind == EndKind::Bridge;
        m_cables.append(Cable{k, nodeIndex(a.node->id), nodeIndex(b.node->id)});
    } else if (aSwitch && b.kind == EndKind::Uplink) {
        if (a.kind == EndKind::Netloom)
            return incompatible(QStringLiteral("a physical uplink can only be enslaved to a kernel bridge"));
        m_bridgeUplinks[a.node->id].append(b.node->uplink.ifname);
    } else if (aSwitch && b.kind == EndKind::Remote) {
        if (a.kind == EndKind::Netloom && r(b).vxlan)
            return incompatible(QStringLiteral("VXLAN remotes attach to kernel bridges; a netloom switch needs a remote with a url"));
        if (a.kind == EndKind::Bridge && !r(b).url.isEmpty())
            return incompatible(QStringLiteral("url remotes attach to netloom switches; a kernel bridge needs a remote with vxlan settings"));
    } else if (a.kind == EndKind::HostPort && b.kind == EndKind::HostPort) {
        return incompatible(QStringLiteral("a host port attaches to a switch or to a tap-mode guest NIC"));
    } else {
        return incompatible(QStringLiteral("these node kinds cannot be connected"));
    }
    if (!l.tapIfname.isEmpty() && !cableTap)
        add(Severity::Warning, join(linkPath(k), QStringLiteral("tapIfname")), QString(),
            QStringLiteral("tapIfname is only used by cables to a kernel bridge; ignored here"), l.id);
    if (cableTap)
        m_cableLinks.append({k, a.kind == EndKind::Bridge && b.kind == EndKind::Bridge});
}

const Node * Validator::peerOf(const QString &nodeId, qsizetype k) const
{
    const Link &l = m_t.links[k];
    return findNode(l.a.node == nodeId ? l.b.node : l.a.node);
}

void Validator::checkAttachments()
{
    for (qsizetype i = 0; i < m_t.nodes.size(); ++i) {
        const Node &n = m_t.nodes[i];
        if (nodeIndex(n.id) != i)
            continue;  // duplicate id, already reported
        const QList<qsizetype> links = m_nodeLinks.value(n.id);
        switch (n.type) {
        case NodeType::Guest:
            for (qsizetype j = 0; j < n.guest.nics.size(); ++j) {
                const NicConfig &nic = n.guest.nics[j];
                const QList<qsizetype> nl = m_nicLinks.value(nicKey(n.id, nic.id));
                if (nl.size() > 1)
                    error(nicPath(i, j), n.id, QStringLiteral("NIC %1 is attached by %2 links (%3); a NIC has one cable")
                                                   .arg(q(nic.id)).arg(nl.size()).arg(linkIds(nl)));
                if (nl.isEmpty() && nic.mode == NicConfig::Mode::Switch)
                    error(nicPath(i, j), n.id, QStringLiteral("NIC %1 is in switch mode but not connected to a switch").arg(q(nic.id)));
                if (nl.isEmpty() && nic.mode == NicConfig::Mode::Tap)
                    warning(nicPath(i, j), n.id, QStringLiteral("NIC %1 is in tap mode but not connected to a host port; its tap is created unconfigured").arg(q(nic.id)));
            }
            break;
        case NodeType::HostPort:
            if (links.size() > 1)
                error(nodePath(i), n.id, QStringLiteral("host port is connected by %1 links (%2); it attaches to exactly one switch or NIC")
                                             .arg(links.size()).arg(linkIds(links)));
            else if (links.isEmpty())
                warning(nodePath(i), n.id, QStringLiteral("host port is not connected to a switch or NIC"));
            break;
        case NodeType::Uplink:
            if (links.size() > 1)
                error(nodePath(i), n.id, QStringLiteral("uplink is connected by %1 links (%2); an interface can be enslaved to one bridge")
                                             .arg(links.size()).arg(linkIds(links)));
            else if (links.isEmpty())
                warning(nodePath(i), n.id, QStringLiteral("uplink is not connected to a bridge"));
            break;
        case NodeType::Remote:
            if (links.size() > 1)
                error(nodePath(i), n.id, QStringLiteral("remote is connected by %1 links (%2); a remote cable has one local end")
                                             .arg(links.size()).arg(linkIds(links)));
            else if (links.isEmpty())
                warning(nodePath(i), n.id, QStringLiteral("remote is not connected to a switch"));
            break;
        case NodeType::Switch: {
            const QStringList hps = m_switchHostPorts.value(n.id);
            if (hps.size() > 1)
                error(nodePath(i), n.id, QStringLiteral("switch has %1 host ports (%2); a segment has at most one").arg(hps.size()).arg(hps.join(QStringLiteral(", "))));
            break;
        }
        }
    }
    // DHCP served onto a physical LAN.
    for (auto it = m_switchHostPorts.cbegin(); it != m_switchHostPorts.cend(); ++it) {
        const Node *sw = findNode(it.key());
        const Node *hp = findNode(it.value().value(0));
        if (!sw || !hp || !hp->hostPort.dhcp.enabled || sw->sw.engine != SwitchConfig::Engine::Bridge)
            continue;
        for (const QString &uplink : m_bridgeUplinks.value(sw->id))
            warning(cfgPath(nodeIndex(hp->id), "dhcp.enabled"), hp->id,
                    QStringLiteral("DHCP would be served onto the physical network of uplink %1 through switch %2").arg(q(uplink), q(sw->id)));
    }
}

QString Validator::linkIds(const QList<qsizetype> &ks) const
{
    QStringList ids;
    for (qsizetype k : ks)
        ids.append(q(m_t.links[k].id));
    return ids.join(QStringLiteral(", "));
}

}  // namespace detail

QString severityName(Issue::Severity s)
{
    return s == Issue::Severity::Error ? QStringLiteral("error") : QStringLiteral("warning");
}

QList<Issue> validate(const Topology &topology, const ValidationContext &context)
{
    return detail::Validator(topology, context).run();
}

bool hasErrors(const QList<Issue> &issues)
{
    return std::any_of(issues.begin(), issues.end(), [](const Issue &i) { return i.severity == Issue::Severity::Error; });
}

}  // namespace netloom::model
