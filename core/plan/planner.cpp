// SPDX-License-Identifier: GPL-3.0-or-later
#include "planner.h"

#include "plan/bridgevlanplan.h"
#include "plan/emulationplan.h"
#include "plan/forwardplan.h"
#include "plan/planipv6.h"
#include "plan/qemuargs.h"
#include "protocol/netaddr.h"

#include <QDir>
#include <QJsonArray>
#include <QHash>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <functional>

namespace netloom::plan {

namespace {

using model::Link;
using model::NicConfig;
using model::Node;
using model::NodeType;
using model::SwitchConfig;
using model::Topology;
using model::VlanConfig;
using protocol::Cidr;
using protocol::Ipv4;
using protocol::Mac;

constexpr std::uint32_t kMinLeaseSeconds = model::limits::kMinLeaseSeconds;
constexpr std::uint32_t kMaxLeaseSeconds = model::limits::kMaxLeaseSeconds;
constexpr int kMinVdePorts = 32;

// What one end of a link is.
enum class EndKind { NetloomSwitch, Bridge, HostPort, GuestNic, Uplink, Remote };

struct End {
    EndKind kind;
    const Node *node;
    const model::Endpoint *ep;
    const NicConfig *nic = nullptr;  // GuestNic only
};

QString endKindName(EndKind k)
{
    switch (k) {
    case EndKind::NetloomSwitch: return QStringLiteral("a netloom switch");
    case EndKind::Bridge: return QStringLiteral("a kernel bridge");
    case EndKind::HostPort: return QStringLiteral("a host port");
    case EndKind::GuestNic: return QStringLiteral("a guest NIC");
    case EndKind::Uplink: return QStringLiteral("an uplink");
    case EndKind::Remote: return QStringLiteral("a remote");
    }
    return QStringLiteral("unknown");
}

QString nicKey(const QString &guest, const QString &nic) { return guest + QLatin1Char('\n') + nic; }

bool hasControlChars(const QString &s)
{
    return std::any_of(s.cbegin(), s.cend(), [](QChar c) { return c.unicode() < 0x20 || c.unicode() == 0x7f; });
}

class Planner {
public:
    Planner(const Topology &t, const PlanContext &c) : m_t(t), m_ctx(c) {}

    Result<Plan> run()
    {
        for (auto step : {&Planner::checkContext, &Planner::planNodes, &Planner::planLinks, &Planner::finishBridgeVlans,
                          &Planner::numberPorts, &Planner::planHostPorts, &Planner::planGuests, &Planner::finishEmulation}) {
            Status s = (this->*step)();
            if (!s)
                return s.error();
        }
        m_plan.runtime.runtimeDir = m_ctx.runtimeDir;
        resolveForwards(&m_plan.host, m_plan.forwards, m_ctx.leases, &m_plan.pendingForwards);
        m_plan.host.ipv4Forwarding = !m_plan.host.nat.isEmpty();
        m_plan.host.ipv6Forwarding = !m_plan.host.nat6.isEmpty();
        return m_plan;
    }

private:
    static Error nodeError(const Node &n, const QString &reason, ErrorCode code = ErrorCode::InvalidArgument)
    {
        return Error::failed(code, QStringLiteral("plan"), QStringLiteral("%1 %2").arg(model::nodeTypeName(n.type), n.id), reason);
    }
    static Error linkError(const Link &l, const QString &reason, ErrorCode code = ErrorCode::InvalidArgument)
    {
        return Error::failed(code, QStringLiteral("plan"), QStringLiteral("link %1").arg(l.id), reason);
    }

    Status checkContext()
    {
        for (const QString *dir : {&m_ctx.runtimeDir, &m_ctx.topologyDir}) {
            if (dir->isEmpty() || !QDir::isAbsolutePath(*dir) || hasControlChars(*dir))
                return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("plan"), *dir,
                                     QStringLiteral("the runtime and topology directories must be absolute paths without control characters"));
        }
        m_ctx.runtimeDir = QDir::cleanPath(m_ctx.runtimeDir);
        m_ctx.topologyDir = QDir::cleanPath(m_ctx.topologyDir);
        return ok();
    }

    Status checkUnixPath(const Node &n, const QString &path)
    {
        if (path.toUtf8().size() > kMaxUnixPathBytes)
            return nodeError(n, QStringLiteral("socket path '%1' is longer than %2 bytes; use a shorter runtime directory")
                                    .arg(path).arg(kMaxUnixPathBytes), ErrorCode::LimitExceeded);
        return ok();
    }

    // Registers an interface name we create; refuses invalid and duplicate names.
    Status claimIfname(const QString &ifname, const QString &what, const std::function<Error(const QString &)> &fail)
    {
        if (ifname.isEmpty())
            return fail(QStringLiteral("%1 has no interface name (run the allocator)").arg(what));
        if (Status s = protocol::validateLoomIfname(ifname); !s)
            return fail(QStringLiteral("%1: %2").arg(what, s.error().message));
        if (m_ifnames.contains(ifname))
            return fail(QStringLiteral("interface name '%1' is used twice").arg(ifname));
        m_ifnames.insert(ifname);
        return ok();
    }

    Status addTap(const QString &ifname, int mtu, const QString &what, const std::function<Error(const QString &)> &fail)
    {
        if (Status s = claimIfname(ifname, what, fail); !s)
            return s;
        m_plan.host.taps.append(protocol::TapSpec{ifname, mtu, QString(), false});
        m_plan.host.links.append(protocol::LinkSpec{ifname, true, 0, QString()});
        return ok();
    }

    Status planNodes()
    {
        QSet<QString> ids;
        for (const Node &n : m_t.nodes) {
            if (ids.contains(n.id))
                return nodeError(n, QStringLiteral("the node id is used twice"));
            ids.insert(n.id);
            if (n.type != NodeType::Switch)
                continue;
            if (n.sw.engine == SwitchConfig::Engine::Netloom) {
                SwitchPlan sp;
                sp.node = n.id;
                sp.name = n.name.isEmpty() ? n.id : n.name;
                sp.socketDir = m_ctx.runtimeDir + QStringLiteral("/switch-") + n.id;
                sp.mgmtSocket = sp.socketDir + QStringLiteral(".mgmt");
                sp.hub = n.sw.hub;
                sp.macTableSize = n.sw.macTableSize;
                sp.macAgingSeconds = n.sw.macAgingSeconds;
                if (sp.macTableSize < 1 || sp.macAgingSeconds < 1)
                    return nodeError(n, QStringLiteral("the MAC table size and aging time must be positive"));
                if (Status s = checkUnixPath(n, sp.socketDir + QStringLiteral("/ctl")); !s)
                    return s;
                if (Status s = checkUnixPath(n, sp.mgmtSocket); !s)
                    return s;
                m_switchIndex.insert(n.id, int(m_plan.runtime.switches.size()));
                m_plan.runtime.switches.append(sp);
            } else {
                auto fail = [&n](const QString &r) { return nodeError(n, r); };
                if (Status s = claimIfname(n.sw.ifname, QStringLiteral("the bridge"), fail); !s)
                    return s;
                m_bridgeIndex.insert(n.id, int(m_plan.host.bridges.size()));
                m_plan.host.bridges.append(protocol::BridgeSpec{n.sw.ifname, n.sw.mtu, n.sw.stp, false, {}});
                m_plan.host.links.append(protocol::LinkSpec{n.sw.ifname, true, 0, QString()});
            }
        }
        return ok();
    }

    Result<End> resolve(const Link &l, const model::Endpoint &ep)
    {
        const Node *n = m_t.node(ep.node);
        if (!n)
            return linkError(l, QStringLiteral("node '%1' does not exist").arg(ep.node), ErrorCode::NotFound);
        End e{EndKind::Uplink, n, &ep};
        switch (n->type) {
        case NodeType::Switch:
            e.kind = n->sw.engine == SwitchConfig::Engine::Netloom ? EndKind::NetloomSwitch : EndKind::Bridge;
            break;
        case NodeType::HostPort: e.kind = EndKind::HostPort; break;
        case NodeType::Uplink: e.kind = EndKind::Uplink; break;
        case NodeType::Remote: e.kind = EndKind::Remote; break;
        case NodeType::Guest: {
            e.kind = EndKind::GuestNic;
            for (const NicConfig &nic : n->guest.nics)
                if (nic.id == ep.nic)
                    e.nic = &nic;
            if (!e.nic)
                return linkError(l, QStringLiteral("guest '%1' has no NIC '%2'").arg(n->id, ep.nic), ErrorCode::NotFound);
            break;
        }
        }
        if (e.kind != EndKind::NetloomSwitch && e.kind != EndKind::Bridge && ep.vlan)
            return linkError(l, QStringLiteral("only the switch side of a link carries VLAN settings"));
        return e;
    }

    Result<VlanConfig> effectiveVlan(const Link &l, const End &sw)
    {
        const VlanConfig v = sw.ep->vlan.value_or(VlanConfig{});
        auto inRange = [](int id) { return id >= 1 && id <= 4094; };
        if (v.mode == VlanConfig::Mode::Access && !inRange(v.vlan))
            return linkError(l, QStringLiteral("access VLAN %1 is outside 1..4094").arg(v.vlan));
        if (v.mode == VlanConfig::Mode::Trunk) {
            if (v.vlan != 0 && !inRange(v.vlan))
                return linkError(l, QStringLiteral("native VLAN %1 is outside 0..4094").arg(v.vlan));
            for (int id : v.allowed)
                if (!inRange(id))
                    return linkError(l, QStringLiteral("trunk VLAN %1 is outside 1..4094").arg(id));
        }
        return v;
    }

    Status addSwitchPort(const Link &l, const End &sw, VdePort port)
    {
        Result<VlanConfig> v = effectiveVlan(l, sw);
        if (!v)
            return v.error();
        port.link = l.id;
        port.vlan = *v;
        applyPortEmulation(l, sw.ep, port.kind == VdePort::Kind::Cable, &port);
        m_pending[sw.node->id].append(port);
        return ok();
    }

    // Records the VLAN setting of `ifname` (a port, an uplink, or the bridge itself for its
    // host port) on bridge `br` for finishBridgeVlans().
    Status addBridgeVlan(const Link &l, const End &br, const QString &ifname)
    {
        Result<VlanConfig> v = effectiveVlan(l, br);
        if (!v)
            return v.error();
        m_bridgeVlans[br.node->id].append({ifname, *v});
        return ok();
    }

    Status addBridgePort(const Link &l, const End &br, const QString &ifname)
    {
        if (Status s = addBridgeVlan(l, br, ifname); !s)
            return s;
        m_plan.host.bridges[m_bridgeIndex.value(br.node->id)].ports.append(ifname);
        return ok();
    }

    // VLAN filtering and per-port entries of every kernel bridge (bridgevlanplan.h).
    Status finishBridgeVlans()
    {
        for (auto it = m_bridgeIndex.cbegin(); it != m_bridgeIndex.cend(); ++it)
            planBridgeVlans(&m_plan.host.bridges[it.value()], m_bridgeVlans.value(it.key()));
        return ok();
    }

    Status planLinks()
    {
        QSet<QString> ids;
        for (const Link &l : m_t.links) {
            if (ids.contains(l.id))
                return linkError(l, QStringLiteral("the link id is used twice"));
            ids.insert(l.id);
            Result<End> ra = resolve(l, l.a);
            if (!ra)
                return ra.error();
            Result<End> rb = resolve(l, l.b);
            if (!rb)
                return rb.error();
            End a = *ra, b = *rb;
            if (a.node == b.node)
                return linkError(l, QStringLiteral("both ends are node '%1'").arg(a.node->id));
            if (int(a.kind) > int(b.kind))
                std::swap(a, b);
            if (Status s = planLink(l, a, b); !s)
                return s;
        }
        return ok();
    }

    Status attachOnce(const Link &l, const End &e)
    {
        const QString key = e.kind == EndKind::GuestNic ? nicKey(e.node->id, e.nic->id) : e.node->id;
        if (m_attached.contains(key))
            return linkError(l, QStringLiteral("%1 '%2' is attached by more than one link").arg(endKindName(e.kind), e.node->id));
        m_attached.insert(key);
        return ok();
    }

    // a.kind <= b.kind (EndKind order).
    Status planLink(const Link &l, const End &a, const End &b)
    {
        auto fail = [&l](const QString &r) { return linkError(l, r); };
        auto cannot = [&]() {
            return linkError(l, QStringLiteral("cannot connect %1 to %2").arg(endKindName(a.kind), endKindName(b.kind)),
                             ErrorCode::Unsupported);
        };
        for (const End *e : {&a, &b})
            if (e->kind == EndKind::HostPort || e->kind == EndKind::GuestNic || e->kind == EndKind::Uplink || e->kind == EndKind::Remote)
                if (Status s = attachOnce(l, *e); !s)
                    return s;

        if (a.kind == EndKind::NetloomSwitch) {
            switch (b.kind) {
            case EndKind::NetloomSwitch: {
                VdePort pa{.kind = VdePort::Kind::Cable, .peerSwitch = b.node->id};
                VdePort pb{.kind = VdePort::Kind::Cable, .peerSwitch = a.node->id};
                if (Status s = addSwitchPort(l, a, pa); !s)
                    return s;
                if (Status s = addSwitchPort(l, b, pb); !s)
                    return s;
                m_plan.runtime.cables.append(CablePlan{l.id, a.node->id, 0, b.node->id, 0});
                return ok();
            }
            case EndKind::Bridge: {
                if (Status s = addTap(l.tapIfname, 0, QStringLiteral("the cable tap"), fail); !s)
                    return s;
                if (Status s = addBridgePort(l, b, l.tapIfname); !s)
                    return s;
                return addSwitchPort(l, a, VdePort{.kind = VdePort::Kind::Tap, .tap = l.tapIfname});
            }
            case EndKind::HostPort: {
                const Node &hp = *b.node;
                auto hpFail = [&hp](const QString &r) { return nodeError(hp, r); };
                if (Status s = addTap(hp.hostPort.ifname, hp.hostPort.mtu, QStringLiteral("the host port tap"), hpFail); !s)
                    return s;
                m_hostPortIf.insert(hp.id, hp.hostPort.ifname);
                return addSwitchPort(l, a, VdePort{.kind = VdePort::Kind::Tap, .tap = hp.hostPort.ifname, .hostPort = hp.name});
            }
            case EndKind::GuestNic:
                if (b.nic->mode != NicConfig::Mode::Switch)
                    return linkError(l, QStringLiteral("NIC '%1' of guest '%2' is in %3 mode; only switch-mode NICs attach to a switch")
                                            .arg(b.nic->id, b.node->id, model::nicModeName(b.nic->mode)));
                m_nicSwitch.insert(nicKey(b.node->id, b.nic->id), a.node->id);
                return addSwitchPort(l, a, VdePort{.kind = VdePort::Kind::Guest, .guest = b.node->id, .nic = b.nic->id,
                                                   .mac = b.nic->mac.toLower()});
            case EndKind::Remote:
                if (b.node->remote.url.isEmpty())
                    return linkError(l, QStringLiteral("remote '%1' has no URL (a netloom switch needs a libvdeplug URL)").arg(b.node->id));
                if (hasControlChars(b.node->remote.url))
                    return linkError(l, QStringLiteral("the URL of remote '%1' contains control characters").arg(b.node->id));
                return addSwitchPort(l, a, VdePort{.kind = VdePort::Kind::Remote, .url = b.node->remote.url});
            case EndKind::Uplink:
                return linkError(l, QStringLiteral("an uplink can only be enslaved to a kernel bridge"), ErrorCode::Unsupported);
            }
            return cannot();
        }
        if (a.kind == EndKind::Bridge) {
            switch (b.kind) {
            case EndKind::Bridge: {
                // Bridge <-> bridge: a veth pair named after the link's tap name.
                const QString one = l.tapIfname;
                const QString two = model::vethPeerName(one);
                if (Status s = claimIfname(one, QStringLiteral("the cable veth"), fail); !s)
                    return s;
                if (Status s = claimIfname(two, QStringLiteral("the cable veth peer"), fail); !s)
                    return s;
                m_plan.host.veths.append(protocol::VethSpec{one, two});
                m_plan.host.links.append(protocol::LinkSpec{one, true, 0, QString()});
                m_plan.host.links.append(protocol::LinkSpec{two, true, 0, QString()});
                if (Status s = addBridgePort(l, a, one); !s)
                    return s;
                // Each veth end sends what leaves its bridge: `one` is on a's bridge.
                addKernelImpairment(&m_plan.host, one, impairmentLeaving(l, a.ep), {});
                addKernelImpairment(&m_plan.host, two, impairmentLeaving(l, b.ep), {});
                if (!l.emulation.up) {
                    setInterfaceDown(&m_plan.host, one);
                    setInterfaceDown(&m_plan.host, two);
                }
                return addBridgePort(l, b, two);
            }
            case EndKind::HostPort: {
                const Node &hp = *b.node;
                if (!hp.hostPort.ifname.isEmpty() && hp.hostPort.ifname != a.node->sw.ifname)
                    return nodeError(hp, QStringLiteral("a host port on bridge '%1' is the bridge itself; its ifname must be empty or '%2'")
                                             .arg(a.node->id, a.node->sw.ifname));
                m_hostPortIf.insert(hp.id, a.node->sw.ifname);
                if (Status s = addBridgeVlan(l, a, a.node->sw.ifname); !s)
                    return s;
                // The bridge device: egress = from the host into the bridge, ingress = what the
                // bridge delivers to the host. Down = 100% loss (the device cannot go down
                // without stopping the bridge).
                protocol::Impairment egress = impairmentLeaving(l, b.ep), ingress = impairmentLeaving(l, a.ep);
                if (!l.emulation.up)
                    for (protocol::Impairment *imp : {&egress, &ingress}) {
                        imp->burst.reset();
                        imp->lossPercent = 100;
                    }
                addKernelImpairment(&m_plan.host, a.node->sw.ifname, egress, ingress);
                return ok();
            }
            case EndKind::GuestNic: {
                if (b.nic->mode != NicConfig::Mode::Switch)
                    return linkError(l, QStringLiteral("NIC '%1' of guest '%2' is in %3 mode; only switch-mode NICs attach to a switch")
                                            .arg(b.nic->id, b.node->id, model::nicModeName(b.nic->mode)));
                if (Status s = addTap(b.nic->tapIfname, 0, QStringLiteral("the NIC tap"), fail); !s)
                    return s;
                m_nicTap.insert(nicKey(b.node->id, b.nic->id), b.nic->tapIfname);
                planKernelLink(l, b.nic->tapIfname, a.ep, b.ep);
                return addBridgePort(l, a, b.nic->tapIfname);
            }
            case EndKind::Uplink: {
                const QString &ifname = b.node->uplink.ifname;
                if (Status s = protocol::validateIfname(ifname); !s)
                    return nodeError(*b.node, s.error().message);
                if (ifname.startsWith(QLatin1String("loom")) || m_uplinks.contains(ifname))
                    return nodeError(*b.node, QStringLiteral("'%1' is not a physical interface free to enslave").arg(ifname));
                m_uplinks.insert(ifname);
                if (Status s = addBridgeVlan(l, a, ifname); !s)
                    return s;
                m_plan.host.uplinks.append(protocol::UplinkSpec{ifname, a.node->sw.ifname});
                return ok();
            }
            case EndKind::Remote: {
                if (!b.node->remote.vxlan)
                    return linkError(l, QStringLiteral("remote '%1' has no VXLAN settings (a kernel bridge needs VXLAN)").arg(b.node->id));
                const model::VxlanConfig &vx = *b.node->remote.vxlan;
                auto rFail = [&b](const QString &r) { return nodeError(*b.node, r); };
                if (vx.vni < 1 || vx.vni > 16777215)
                    return rFail(QStringLiteral("VNI %1 is outside 1..16777215").arg(vx.vni));
                if (vx.remote.isEmpty() == vx.group.isEmpty())
                    return rFail(QStringLiteral("exactly one of remote and group must be set"));
                for (const QString *addr : {&vx.remote, &vx.group, &vx.local})
                    if (!addr->isEmpty())
                        if (Result<Ipv4> ip = Ipv4::parse(*addr); !ip)
                            return rFail(ip.error().message);
                if (!vx.device.isEmpty())
                    if (Status s = protocol::validateIfname(vx.device); !s)
                        return rFail(s.error().message);
                if (vx.dstPort < 1 || vx.dstPort > 65535)
                    return rFail(QStringLiteral("destination port %1 is outside 1..65535").arg(vx.dstPort));
                if (Status s = claimIfname(vx.ifname, QStringLiteral("the VXLAN"), rFail); !s)
                    return s;
                m_plan.host.vxlans.append(protocol::VxlanSpec{vx.ifname, vx.vni, vx.remote, vx.group, vx.local, vx.device,
                                                              std::uint16_t(vx.dstPort), 0});
                m_plan.host.links.append(protocol::LinkSpec{vx.ifname, true, 0, QString()});
                planKernelLink(l, vx.ifname, a.ep, b.ep);
                return addBridgePort(l, a, vx.ifname);
            }
            default:
                return cannot();
            }
        }
        if (a.kind == EndKind::HostPort && b.kind == EndKind::GuestNic) {
            // An own tap: the guest NIC opens the host port's tap directly (routed setups).
            const Node &hp = *a.node;
            if (b.nic->mode != NicConfig::Mode::Tap)
                return linkError(l, QStringLiteral("NIC '%1' of guest '%2' is in %3 mode; only tap-mode NICs attach to a host port")
                                        .arg(b.nic->id, b.node->id, model::nicModeName(b.nic->mode)));
            QString tap = b.nic->tapIfname.isEmpty() ? hp.hostPort.ifname : b.nic->tapIfname;
            if (!hp.hostPort.ifname.isEmpty() && tap != hp.hostPort.ifname)
                return linkError(l, QStringLiteral("the NIC's tap '%1' and host port's ifname '%2' differ").arg(tap, hp.hostPort.ifname));
            if (Status s = addTap(tap, hp.hostPort.mtu, QStringLiteral("the own tap"), fail); !s)
                return s;
            m_nicTap.insert(nicKey(b.node->id, b.nic->id), tap);
            m_hostPortIf.insert(hp.id, tap);
            planKernelLink(l, tap, a.ep, b.ep);
            return ok();
        }
        return cannot();
    }

    // Emulation of a link realized by kernel interface `ifname` between the host side `inner`
    // (a bridge, a host port) and `outer` (a guest NIC, a remote): egress = frames leaving
    // `inner` (a tap's egress goes to the guest), ingress = frames leaving `outer`. A down link
    // takes the interface down.
    void planKernelLink(const Link &l, const QString &ifname, const model::Endpoint *inner, const model::Endpoint *outer)
    {
        addKernelImpairment(&m_plan.host, ifname, impairmentLeaving(l, inner), impairmentLeaving(l, outer));
        if (!l.emulation.up)
            setInterfaceDown(&m_plan.host, ifname);
    }

    // Mirrors to port numbers; IFB names once every other interface name is known.
    Status finishEmulation()
    {
        for (SwitchPlan &sp : m_plan.runtime.switches)
            if (const Node *n = m_t.node(sp.node))
                if (Status s = planMirrors(*n, &sp); !s)
                    return s;
        for (const Node &n : m_t.nodes)
            if (n.type == NodeType::Switch && n.sw.engine == SwitchConfig::Engine::Bridge && !n.sw.mirrors.isEmpty())
                return nodeError(n, QStringLiteral("port mirroring is only available on netloom switches"), ErrorCode::Unsupported);
        return allocateIfbNames(&m_plan.host, &m_ifnames);
    }

    const NicConfig *nicOf(const QString &guest, const QString &nic) const
    {
        if (const Node *g = m_t.node(guest))
            for (const NicConfig &c : g->guest.nics)
                if (c.id == nic)
                    return &c;
        return nullptr;
    }

    Status numberPorts()
    {
        QHash<QString, int> cableSeen;  // link id -> port on the first side numbered
        for (SwitchPlan &sp : m_plan.runtime.switches) {
            QList<VdePort> ports = m_pending.value(sp.node);
            std::stable_partition(ports.begin(), ports.end(), [](const VdePort &p) { return p.kind == VdePort::Kind::Tap; });
            if (ports.size() >= kMaxVdePorts)
                return nodeError(*m_t.node(sp.node), QStringLiteral("more than %1 ports").arg(kMaxVdePorts - 1), ErrorCode::LimitExceeded);
            int n = 1;
            for (VdePort &p : ports) {
                p.number = n++;
                if (!(p.vlan == VlanConfig{}))
                    sp.vlans = true;
                if (p.kind == VdePort::Kind::Guest) {
                    m_nicPort.insert(nicKey(p.guest, p.nic), p.number);
                    if (const NicConfig *nic = nicOf(p.guest, p.nic); nic && nic->transport == NicConfig::Transport::VhostUser)
                        p.vhostSocket = vhostSocketPath(sp.socketDir, p.number);
                }
            }
            sp.numPorts = std::max(kMinVdePorts, n);
            sp.ports = ports;
        }
        // Fill in cable peers now that both sides have numbers.
        QHash<QString, SwitchPlan *> byId;
        for (SwitchPlan &sp : m_plan.runtime.switches)
            byId.insert(sp.node, &sp);
        auto portOf = [&](const QString &sw, const QString &link) {
            for (const VdePort &p : byId.value(sw)->ports)
                if (p.kind == VdePort::Kind::Cable && p.link == link)
                    return p.number;
            return 0;
        };
        for (CablePlan &c : m_plan.runtime.cables) {
            c.portA = portOf(c.switchA, c.link);
            c.portB = portOf(c.switchB, c.link);
            for (VdePort &p : byId.value(c.switchA)->ports)
                if (p.kind == VdePort::Kind::Cable && p.link == c.link)
                    p.peerPort = c.portB;
            for (VdePort &p : byId.value(c.switchB)->ports)
                if (p.kind == VdePort::Kind::Cable && p.link == c.link)
                    p.peerPort = c.portA;
        }
        return ok();
    }

    Status planHostPorts()
    {
        for (const Node &n : m_t.nodes) {
            if (n.type != NodeType::HostPort)
                continue;
            if (!m_hostPortIf.contains(n.id))
                continue;  // not attached: it does nothing (the validator warns)
            const QString ifname = m_hostPortIf.value(n.id);
            const model::HostPortConfig &hp = n.hostPort;
            const bool wantsAddress = hp.dhcp.enabled || hp.nat.mode != model::NatConfig::Mode::None;
            if (hp.address.isEmpty()) {
                if (wantsAddress)
                    return nodeError(n, QStringLiteral("DHCP and NAT need a host address"));
                continue;
            }
            Result<Cidr> cidr = Cidr::parse(hp.address);
            if (!cidr)
                return nodeError(n, cidr.error().message);
            if (cidr->prefix > 30 || cidr->isNetworkOrBroadcast())
                return nodeError(n, QStringLiteral("'%1' is not a usable host address of a subnet").arg(hp.address));
            m_plan.host.addresses.append(protocol::AddressSpec{ifname, cidr->toString()});

            if (hp.dhcp.enabled || hp.dns) {
                protocol::DnsmasqSpec d;
                d.ifname = ifname;
                d.address = cidr->address.toString();
                d.prefixLength = cidr->prefix;
                d.dhcp = hp.dhcp.enabled;
                d.dns = hp.dns;
                d.domain = hp.dhcp.domain;
                if (!d.domain.isEmpty()) {
                    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$"));
                    if (!re.match(d.domain).hasMatch() || d.domain.size() > 253)
                        return nodeError(n, QStringLiteral("'%1' is not a valid DNS domain").arg(d.domain));
                }
                if (d.dhcp) {
                    Result<Ipv4> start = Ipv4::parse(hp.dhcp.rangeStart);
                    Result<Ipv4> end = Ipv4::parse(hp.dhcp.rangeEnd);
                    if (!start)
                        return nodeError(n, start.error().message);
                    if (!end)
                        return nodeError(n, end.error().message);
                    if (!cidr->contains(*start) || !cidr->contains(*end) || *end < *start)
                        return nodeError(n, QStringLiteral("the DHCP range %1-%2 is not an ascending range inside %3")
                                                .arg(hp.dhcp.rangeStart, hp.dhcp.rangeEnd, cidr->networkString()));
                    if (hp.dhcp.leaseSeconds < kMinLeaseSeconds || hp.dhcp.leaseSeconds > kMaxLeaseSeconds)
                        return nodeError(n, QStringLiteral("lease time %1 s is outside %2..%3").arg(hp.dhcp.leaseSeconds)
                                                .arg(kMinLeaseSeconds).arg(kMaxLeaseSeconds));
                    d.rangeStart = start->toString();
                    d.rangeEnd = end->toString();
                    d.leaseSeconds = hp.dhcp.leaseSeconds;
                    static const QRegularExpression hostRe(QStringLiteral("^[A-Za-z0-9]([A-Za-z0-9-]{0,62})$"));
                    for (const model::DhcpReservation &r : hp.dhcp.reservations) {
                        Result<Mac> mac = Mac::parse(r.mac);
                        Result<Ipv4> ip = Ipv4::parse(r.ip);
                        if (!mac)
                            return nodeError(n, mac.error().message);
                        if (!ip)
                            return nodeError(n, ip.error().message);
                        if (!cidr->contains(*ip))
                            return nodeError(n, QStringLiteral("reserved address %1 is outside %2").arg(r.ip, cidr->networkString()));
                        if (!r.hostname.isEmpty() && !hostRe.match(r.hostname).hasMatch())
                            return nodeError(n, QStringLiteral("'%1' is not a valid host name").arg(r.hostname));
                        d.hosts.append(protocol::DhcpHost{mac->toString(), ip->toString(), r.hostname});
                    }
                }  // without DHCP the lease time keeps its default (the helper refuses 0)
                m_plan.host.dnsmasq.append(d);
            }
            if (hp.nat.mode != model::NatConfig::Mode::None) {
                if (hp.nat.uplinks.isEmpty())
                    return nodeError(n, QStringLiteral("NAT/routing needs at least one uplink interface or pattern"));
                for (const QString &u : hp.nat.uplinks)
                    if (Status s = protocol::validateUplinkPattern(u); !s)
                        return nodeError(n, s.error().message);
                Result<QList<PlannedForward>> forwards = planForwards(m_t, n, ifname, Cidr{cidr->network(), cidr->prefix});
                if (!forwards)
                    return forwards.error();
                m_plan.forwards += *forwards;
                m_plan.host.nat.append(protocol::NatSpec{
                    ifname, cidr->networkString(),
                    hp.nat.mode == model::NatConfig::Mode::Masquerade ? protocol::NatSpec::Mode::Masquerade
                                                                      : protocol::NatSpec::Mode::Route,
                    hp.nat.uplinks, {}});
            }
            if (Status s = planHostPortIpv6(hp, ifname, &m_plan.host); !s)
                return nodeError(n, s.error().message);
        }
        return ok();
    }

    Status planGuests()
    {
        QHash<QString, QString> macs;  // canonical MAC -> user
        for (const Node &n : m_t.nodes) {
            if (n.type != NodeType::Guest)
                continue;
            auto fail = [&n](const QString &r) { return nodeError(n, r); };
            GuestPlan gp;
            gp.node = n.id;
            gp.name = n.name.isEmpty() ? n.id : n.name;
            gp.binary = n.guest.qemu;
            gp.qmpSocket = m_ctx.runtimeDir + QStringLiteral("/guest-") + n.id + QStringLiteral(".qmp");
            gp.serialLog = m_ctx.runtimeDir + QStringLiteral("/guest-") + n.id + QStringLiteral(".serial.log");
            gp.serialSocket = m_ctx.runtimeDir + QStringLiteral("/guest-") + n.id + QStringLiteral(".serial");
            gp.display = model::displayName(n.guest.display);
            if (n.guest.uefi) {
                // Resolved as qemuMachineArgs resolves them for the pflash drives.
                const QDir top(m_ctx.topologyDir);
                gp.uefiCode = QDir::cleanPath(top.absoluteFilePath(n.guest.uefi->code));
                gp.uefiVars = QDir::cleanPath(top.absoluteFilePath(n.guest.uefi->vars));
            }
            for (const QString *path : {&gp.qmpSocket, &gp.serialSocket})
                if (Status s = checkUnixPath(n, *path); !s)
                    return s;
            Result<QStringList> machine = qemuMachineArgs(n, {gp.qmpSocket, gp.serialSocket, gp.serialLog}, m_ctx.topologyDir);
            if (!machine)
                return fail(machine.error().message);
            gp.argv = *machine;
            for (const NicConfig &nic : n.guest.nics)
                if (nic.mode == NicConfig::Mode::User && gp.sshForward.isEmpty())
                    for (const model::HostForward &f : nic.user.forwards)
                        if (f.protocol == QLatin1String("tcp") && f.guestPort == 22 && gp.sshForward.isEmpty())
                            gp.sshForward = QStringLiteral("%1:%2").arg(f.hostAddress).arg(f.hostPort);
            if (n.guest.cloudInit) {
                gp.sshUser = n.guest.cloudInit->user;
                Result<NoCloudSeed> seed = buildNoCloudSeed(m_t, n, m_ctx.userKeys);
                if (!seed)
                    return fail(seed.error().message);
                gp.seed = *seed;
                gp.seedIso = m_ctx.runtimeDir + QStringLiteral("/guest-") + n.id + QStringLiteral(".cidata.iso");
                gp.argv << QStringLiteral("-drive")
                        << QStringLiteral("file=%1,format=raw,if=virtio,readonly=on").arg(qemuOptValue(gp.seedIso));
            }

            QSet<QString> nicIds;
            bool sharedMemory = false;  // a vhost-user NIC: the switch maps the guest's RAM
            for (const NicConfig &nic : n.guest.nics) {
                if (Status s = checkQemuNic(nic); !s)
                    return fail(s.error().message);
                if (nicIds.contains(nic.id))
                    return fail(QStringLiteral("NIC id '%1' is used twice").arg(nic.id));
                nicIds.insert(nic.id);
                if (nic.mac.isEmpty())
                    return fail(QStringLiteral("NIC '%1' has no MAC address (run the allocator)").arg(nic.id));
                Result<Mac> mac = Mac::parse(nic.mac);
                if (!mac)
                    return fail(mac.error().message);
                if (mac->isMulticast() || mac->isZero())
                    return fail(QStringLiteral("NIC '%1' has a multicast or zero MAC address").arg(nic.id));
                if (macs.contains(mac->toString()))
                    return fail(QStringLiteral("MAC address %1 of NIC '%2' is also used by %3").arg(mac->toString(), nic.id, macs.value(mac->toString())));
                macs.insert(mac->toString(), QStringLiteral("guest %1 NIC %2").arg(n.id, nic.id));

                const QString key = nicKey(n.id, nic.id);
                const Link *link = m_t.linkOfNic(n.id, nic.id);
                Result<QString> netdev = QString();
                switch (nic.mode) {
                case NicConfig::Mode::Switch:
                case NicConfig::Mode::Tap:
                    if (!link && nic.mode == NicConfig::Mode::Tap) {
                        // An own tap without a link: created unconfigured, for manual use.
                        if (Status s = addTap(nic.tapIfname, 0, QStringLiteral("the tap of NIC '%1'").arg(nic.id), fail); !s)
                            return s;
                        m_nicTap.insert(key, nic.tapIfname);
                    } else if (!link) {
                        return fail(QStringLiteral("NIC '%1' is in %2 mode but not connected").arg(nic.id, model::nicModeName(nic.mode)));
                    }
                    if (m_nicPort.contains(key) && nic.transport == NicConfig::Transport::VhostUser) {
                        const SwitchPlan &sp = m_plan.runtime.switches[m_switchIndex.value(m_nicSwitch.value(key))];
                        const QString chardev = QStringLiteral("vhu-") + nic.id;
                        gp.argv << QStringLiteral("-chardev")
                                << QStringLiteral("socket,id=%1,path=%2,reconnect=1")
                                       .arg(chardev, qemuOptValue(vhostSocketPath(sp.socketDir, m_nicPort.value(key))));
                        netdev = QStringLiteral("vhost-user,id=%1,chardev=%2").arg(nic.id, chardev);
                        sharedMemory = true;
                    } else if (m_nicPort.contains(key)) {
                        const SwitchPlan &sp = m_plan.runtime.switches[m_switchIndex.value(m_nicSwitch.value(key))];
                        netdev = qemuVdeNetdev(nic, sp.socketDir, m_nicPort.value(key));
                    } else {
                        netdev = qemuTapNetdev(nic, m_nicTap.value(key));
                        gp.taps << m_nicTap.value(key);
                    }
                    break;
                case NicConfig::Mode::User:
                case NicConfig::Mode::Socket:
                    if (link)
                        return fail(QStringLiteral("NIC '%1' is in %2 mode and cannot be connected by a link").arg(nic.id, model::nicModeName(nic.mode)));
                    netdev = nic.mode == NicConfig::Mode::User ? qemuUserNetdev(nic) : qemuSocketNetdev(nic);
                    break;
                }
                if (!netdev)
                    return fail(netdev.error().message);
                QString device = QStringLiteral("%1,netdev=%2,mac=%3").arg(nic.model, nic.id, mac->toString());
                // QEMU 7.2 dies (SIGSEGV in msix_set_vector_notifiers) when a vhost-user NIC with
                // MSI-X starts without KVM: such NICs use legacy interrupts unless KVM is certain.
                if (nic.transport == NicConfig::Transport::VhostUser && m_nicPort.contains(key)
                    && n.guest.accel != QLatin1String("kvm"))
                    device += QStringLiteral(",vectors=0");
                gp.argv << QStringLiteral("-netdev") << *netdev << QStringLiteral("-device") << device;
                if (link && !link->emulation.up)
                    gp.nicsDown << nic.id;  // the netdev id: QMP set_link on it takes the NIC's carrier too
            }
            if (sharedMemory)
                addSharedGuestMemory(&gp.argv, n.guest.memoryMiB);
            gp.argv << n.guest.extraArgs;
            m_plan.runtime.guests.append(gp);
        }
        return ok();
    }

    const Topology &m_t;
    PlanContext m_ctx;
    Plan m_plan;
    QHash<QString, int> m_switchIndex;          // netloom switch id -> runtime.switches index
    QHash<QString, int> m_bridgeIndex;          // bridge switch id -> host.bridges index
    QHash<QString, QList<std::pair<QString, VlanConfig>>> m_bridgeVlans;  // bridge switch id -> port settings
    QHash<QString, QList<VdePort>> m_pending;   // netloom switch id -> ports before numbering
    QHash<QString, QString> m_nicSwitch;        // nicKey -> netloom switch id
    QHash<QString, int> m_nicPort;              // nicKey -> VDE port number
    QHash<QString, QString> m_nicTap;           // nicKey -> tap the guest opens
    QHash<QString, QString> m_hostPortIf;       // host port id -> interface carrying its address
    QSet<QString> m_ifnames;                    // every interface we create
    QSet<QString> m_uplinks;
    QSet<QString> m_attached;                   // host ports, NICs, uplinks, remotes already linked
};

}  // namespace

QString qemuOptValue(const QString &value)
{
    QString v = value;
    return v.replace(QLatin1Char(','), QStringLiteral(",,"));
}

Result<Plan> plan(const model::Topology &topology, const PlanContext &context)
{
    return Planner(topology, context).run();
}

QJsonObject toJson(const Plan &p)
{
    QJsonObject o{{QStringLiteral("host"), protocol::toJson(p.host)}, {QStringLiteral("runtime"), toJson(p.runtime)}};
    if (!p.pendingForwards.isEmpty())
        o[QStringLiteral("pendingForwards")] = QJsonArray::fromStringList(p.pendingForwards);
    return o;
}

}  // namespace netloom::plan
