// SPDX-License-Identifier: GPL-3.0-or-later
// Pure helpers of the runtime (declared in runtime.h and preflight.h).
#include "preflight.h"
#include "runtime.h"

#include "plan/rundir.h"
#include "qemu/qemuhost.h"
#include "qemu/seediso.h"

#include <QFileInfo>
#include <QSet>
#include <QStandardPaths>

#include <algorithm>
#include <QTcpServer>
#include <QUdpSocket>

namespace netloom::runtime {

using sw::AddressEventKind;
using leases::LeaseEventKind;

const char *runStateName(RunState s)
{
    switch (s) {
    case RunState::Idle: return "idle";
    case RunState::Starting: return "starting";
    case RunState::Running: return "running";
    case RunState::Stopping: return "stopping";
    case RunState::Stopped: return "stopped";
    case RunState::Failed: return "failed";
    }
    return "?";
}

const char *nodeStateName(NodeState s)
{
    switch (s) {
    case NodeState::Down: return "down";
    case NodeState::Starting: return "starting";
    case NodeState::Up: return "up";
    case NodeState::Stopping: return "stopping";
    case NodeState::Failed: return "failed";
    case NodeState::Paused: return "paused";
    }
    return "?";
}

const char *powerActionName(PowerAction a)
{
    switch (a) {
    case PowerAction::Pause: return "pause";
    case PowerAction::Resume: return "resume";
    case PowerAction::Reset: return "reset";
    case PowerAction::Powerdown: return "powerdown";
    case PowerAction::ForceOff: return "force-off";
    }
    return "?";
}

std::optional<PowerAction> powerActionFromName(const QString &name)
{
    for (PowerAction a : {PowerAction::Pause, PowerAction::Resume, PowerAction::Reset, PowerAction::Powerdown, PowerAction::ForceOff})
        if (name == QLatin1String(powerActionName(a)))
            return a;
    return std::nullopt;
}

QString helperNetworkId(const QString &topologyName)
{
    QString id = plan::safeId(topologyName).toLower();
    QString out;
    for (QChar c : id)
        if ((c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'-' || c == u'_')
            out += c;
    while (!out.isEmpty() && !out.front().isLetterOrNumber())
        out.remove(0, 1);
    if (out.isEmpty())
        out = QStringLiteral("topology");
    return out.left(32);
}

std::optional<leases::LeaseEvent> toLeaseEvent(const sw::AddressEvent &e, const QString &portName)
{
    leases::LeaseEvent out;
    out.timeMs = e.wallMs;
    out.mac = e.mac;
    out.hostname = e.hostname;
    out.port = portName;
    out.leaseSeconds = e.leaseSeconds;
    out.serverId = e.serverId;
    const bool v4 = e.ip.protocol() == QAbstractSocket::IPv4Protocol;
    if (v4)
        out.ip = protocol::Ipv4{e.ip.toIPv4Address()};
    switch (e.kind) {
    case AddressEventKind::DhcpDiscover: out.kind = LeaseEventKind::DhcpDiscover; break;
    case AddressEventKind::DhcpOffer: out.kind = LeaseEventKind::DhcpOffer; break;
    case AddressEventKind::DhcpRequest: out.kind = LeaseEventKind::DhcpRequest; break;
    case AddressEventKind::DhcpDecline: out.kind = LeaseEventKind::DhcpDecline; break;
    case AddressEventKind::DhcpAck: out.kind = LeaseEventKind::DhcpAck; break;
    case AddressEventKind::DhcpNak: out.kind = LeaseEventKind::DhcpNak; break;
    case AddressEventKind::DhcpRelease: out.kind = LeaseEventKind::DhcpRelease; break;
    case AddressEventKind::DhcpInform: out.kind = LeaseEventKind::DhcpInform; break;
    case AddressEventKind::ArpRequest:
    case AddressEventKind::ArpReply:
    case AddressEventKind::ArpAnnounce:
        if (!v4)
            return std::nullopt;
        out.kind = LeaseEventKind::Arp;
        break;
    // Duplicate address detection is the one moment a guest that only serves shows a new
    // address (SLAAC, DHCPv6, privacy): its probe names the address it is about to use, from
    // its own MAC. Recorded like the other ND evidence (an IPv6 port forward needs it) — but
    // not for link-local addresses, which every booting guest probes before DHCP and which
    // nothing resolves against.
    case AddressEventKind::NdDad:
        if (e.ip.isLinkLocal())
            return std::nullopt;
        [[fallthrough]];
    case AddressEventKind::NdSolicit:
    case AddressEventKind::NdAdvert:
        if (e.ip.protocol() != QAbstractSocket::IPv6Protocol)
            return std::nullopt;
        out.kind = LeaseEventKind::Nd;
        out.ipv6 = e.ip;
        break;
    case AddressEventKind::ArpProbe:
    case AddressEventKind::DhcpServerConflict:
    case AddressEventKind::IpConflict:
        return std::nullopt;
    }
    // A server's OFFER/ACK/NAK crosses the server's port, not the client's: leave the
    // client's port as the client's own messages showed it.
    if (out.kind == LeaseEventKind::DhcpOffer || out.kind == LeaseEventKind::DhcpAck || out.kind == LeaseEventKind::DhcpNak)
        out.port.clear();
    // REQUEST names its address in option 50 when ciaddr is empty.
    if (out.ip.value == 0 && e.requestedIp.value != 0)
        out.ip = e.requestedIp;
    return out;
}

QStringList supervisorArgv(const QStringList &planArgv, bool tcg)
{
    QStringList out;
    for (qsizetype i = 0; i < planArgv.size(); ++i) {
        const QString &a = planArgv[i];
        if (i > 0 && a == QLatin1String("-qmp") && i + 1 < planArgv.size()) {
            ++i;
            continue;
        }
        if (tcg && i > 0 && a == QLatin1String("-enable-kvm"))
            continue;
        if (tcg && i > 0 && a == QLatin1String("-accel") && i + 1 < planArgv.size() &&
            planArgv[i + 1].split(u',').value(0) == QLatin1String("kvm")) {
            ++i;
            continue;
        }
        out << a;
    }
    if (tcg && !out.contains(QStringLiteral("-accel")))
        out << QStringLiteral("-accel") << QStringLiteral("tcg");
    return out;
}

protocol::HostState withoutInterfaces(const protocol::HostState &host, const QStringList &ifnames)
{
    protocol::HostState out = host;
    auto drop = [&](auto &list) {
        list.removeIf([&](const auto &item) { return ifnames.contains(item.ifname); });
    };
    drop(out.taps);
    drop(out.addresses);
    drop(out.links);
    drop(out.nat);
    drop(out.dnsmasq);
    for (protocol::BridgeSpec &b : out.bridges) {
        b.ports.removeIf([&](const QString &p) { return ifnames.contains(p); });
        b.vlans.removeIf([&](const protocol::PortVlanSpec &v) { return ifnames.contains(v.ifname); });
    }
    if (out.nat.isEmpty() && !host.nat.isEmpty())
        out.ipv4Forwarding = false;  // forwarding was there for the NAT that went away
    drop(out.nat6);
    if (out.nat6.isEmpty() && !host.nat6.isEmpty())
        out.ipv6Forwarding = false;
    return out;
}

sw::VlanPortConfig toPortVlan(const model::VlanConfig &v)
{
    if (v.mode == model::VlanConfig::Mode::Access)
        return sw::VlanPortConfig::access(std::uint16_t(std::clamp(v.vlan, 1, 4094)));
    std::vector<std::uint16_t> allowed;
    for (int id : v.allowed)
        if (id >= 1 && id <= 4094)
            allowed.push_back(std::uint16_t(id));
    return sw::VlanPortConfig::trunk(allowed, std::uint16_t(std::clamp(v.vlan, 0, 4094)));
}

Status preflightSwitchPorts(const plan::SwitchPlan &sw)
{
    const int maxPort = std::max(sw.numPorts, 32);
    QSet<int> seen;
    for (const plan::VdePort &p : sw.ports) {
        if (p.kind != plan::VdePort::Kind::Guest)
            continue;
        auto refuse = [&](const QString &reason) {
            return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("start switch"), sw.name,
                                 QStringLiteral("port %1 (guest '%2') %3").arg(p.number).arg(p.guest, reason));
        };
        if (p.number < 1 || p.number > maxPort)
            return refuse(QStringLiteral("is outside the switch's ports 1..%1").arg(maxPort));
        if (seen.contains(p.number))
            return refuse(QStringLiteral("is planned twice"));
        seen.insert(p.number);
        const model::VlanConfig &v = p.vlan;
        if (v.mode == model::VlanConfig::Mode::Access) {
            if (v.vlan < 1 || v.vlan > 4094)
                return refuse(QStringLiteral("has access VLAN %1, outside 1..4094").arg(v.vlan));
            continue;
        }
        if (v.vlan < 0 || v.vlan > 4094)
            return refuse(QStringLiteral("has native VLAN %1, outside 0..4094").arg(v.vlan));
        for (int id : v.allowed)
            if (id < 1 || id > 4094)
                return refuse(QStringLiteral("has trunk VLAN %1, outside 1..4094").arg(id));
        if (v.allowed.isEmpty() && v.vlan == 0)
            return refuse(QStringLiteral("is a trunk that carries no VLAN"));
    }
    return ok();
}

QList<HostPortUse> hostPortsOf(const QStringList &argv)
{
    QList<HostPortUse> out;
    for (qsizetype i = 1; i + 1 < argv.size(); ++i) {
        if (argv[i] != QLatin1String("-netdev") && argv[i] != QLatin1String("-nic"))
            continue;
        const QStringList opts = argv[i + 1].split(u',');
        const bool socket = opts.value(0) == QLatin1String("socket");
        for (const QString &o : opts) {
            if (o.startsWith(QLatin1String("hostfwd="))) {
                // proto:[hostaddr]:hostport-[guestaddr]:guestport
                const QString v = o.mid(8);
                const QStringList hg = v.split(u'-');
                const QStringList h = hg.value(0).split(u':');
                if (h.size() != 3)
                    continue;
                bool okPort = false;
                const int port = h[2].toInt(&okPort);
                if (okPort && port > 0 && port < 65536)
                    out.append({h[0] == QLatin1String("udp"), h[1], quint16(port), QStringLiteral("host forward")});
            } else if (socket && o.startsWith(QLatin1String("listen="))) {
                const QString v = o.mid(7);
                const qsizetype colon = v.lastIndexOf(u':');
                bool okPort = false;
                const int port = v.mid(colon + 1).toInt(&okPort);
                if (colon >= 0 && okPort && port > 0 && port < 65536)
                    out.append({false, v.left(colon), quint16(port), QStringLiteral("socket listen")});
            }
        }
    }
    return out;
}

Status checkHostPortFree(const QString &guest, const HostPortUse &use)
{
    const QHostAddress addr = use.address.isEmpty() ? QHostAddress(QHostAddress::AnyIPv4) : QHostAddress(use.address);
    QString err;
    if (use.udp) {
        QUdpSocket s;
        if (!s.bind(addr, use.port))
            err = s.errorString();
    } else {
        QTcpServer s;
        if (!s.listen(addr, use.port))
            err = s.errorString();
    }
    if (err.isEmpty())
        return ok();
    return Error::failed(ErrorCode::Conflict, QStringLiteral("start guest"), guest,
                         QStringLiteral("%1 port %2/%3 is not available: %4")
                             .arg(use.what)
                             .arg(use.port)
                             .arg(use.udp ? QStringLiteral("udp") : QStringLiteral("tcp"), err));
}

Status preflightGuest(const plan::GuestPlan &g)
{
    if (g.argv.isEmpty())
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("start guest"), g.name, QStringLiteral("empty command line"));
    if (Result<QString> bin = qemu::resolveQemuBinary(g.name, g.argv.first(), qemu::processPathDirs()); !bin)
        return bin.error();
    // The cloud-init seed is written just before launch: it counts as present here.
    qemu::FileProbe probe = qemu::FileProbe::real();
    if (g.seed) {
        if (QStandardPaths::findExecutable(QString::fromLatin1(qemu::kSeedIsoTool)).isEmpty())
            return Error::failed(ErrorCode::NotFound, QStringLiteral("start guest"), g.name,
                                 QStringLiteral("its cloud-init seed needs xorriso, which is not installed (Debian package xorriso)"));
        probe.isFile = [real = probe.isFile, seed = g.seedIso](const QString &path) { return path == seed || real(path); };
    }
    if (!g.uefiVars.isEmpty()) {
        if (Status s = preflightUefi(g); !s)
            return s;
        probe.isFile = [real = probe.isFile, vars = g.uefiVars](const QString &path) { return path == vars || real(path); };
    }
    if (Status files = qemu::checkLaunchFiles(g.name, g.argv, {}, probe); !files)
        return files;
    for (const HostPortUse &use : hostPortsOf(g.argv))
        if (Status s = checkHostPortFree(g.name, use); !s)
            return s;
    return ok();
}

}  // namespace netloom::runtime
