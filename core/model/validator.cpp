#include "validator.h"

#include "protocol/netaddr.h"

#include <QHash>
#include <QMap>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <optional>

namespace netloom::model {

using protocol::Cidr;
using protocol::Ipv4;
using protocol::Mac;

namespace {

using Severity = Issue::Severity;

QString q(const QString &s) { return QStringLiteral("'%1'").arg(s.left(limits::kMaxIdChars)); }

bool validId(const QString &id)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_.-]{1,64}$"));
    return re.match(id).hasMatch();
}

// The reason part of a netaddr error ("failed to parse X 'y': <reason>").
QString reasonOf(const Error &e)
{
    const qsizetype i = e.message.indexOf(QStringLiteral("': "));
    return i < 0 ? e.message : e.message.mid(i + 3);
}

bool isMulticast(Ipv4 ip) { return (ip.value >> 28) == 0xE; }
bool isLoopback(Ipv4 ip) { return (ip.value >> 24) == 127; }

// "a.b.c.d:port"
struct SocketAddress {
    Ipv4 ip;
    std::uint16_t port = 0;
};

Result<SocketAddress> parseSocketAddress(const QString &text)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon < 0)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("expected ADDRESS:PORT")};
    auto ip = Ipv4::parse(text.left(colon));
    if (!ip)
        return Error{ErrorCode::InvalidArgument, reasonOf(ip.error())};
    auto port = protocol::parsePort(text.mid(colon + 1));
    if (!port)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("port: ") + reasonOf(port.error())};
    return SocketAddress{*ip, *port};
}

// An interface Netloom will create, for the uniqueness check.
struct CreatedIf {
    QString name;
    QString path;
    QString nodeId;
    QString linkId;
};

enum class EndKind { Missing, Netloom, Bridge, HostPort, Uplink, Guest, Remote };

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

class Validator {
public:
    explicit Validator(const Topology &t) : m_t(t)
    {
        for (qsizetype i = 0; i < t.nodes.size(); ++i)
            if (!m_index.contains(t.nodes[i].id))
                m_index.insert(t.nodes[i].id, i);
    }

    QList<Issue> run()
    {
        checkTopology();
        for (qsizetype i = 0; i < m_t.nodes.size(); ++i)
            checkNode(i);
        for (qsizetype k = 0; k < m_t.links.size(); ++k)
            checkLink(k);
        checkAttachments();
        checkInterfaceNames();
        checkMacs();
        checkSubnets();
        checkSockets();
        checkForwards();
        return m_issues;
    }

private:
    // --- reporting ---------------------------------------------------------------------
    void add(Severity s, const QString &path, const QString &nodeId, const QString &message, const QString &linkId = {})
    {
        m_issues.append(Issue{s, path, nodeId, linkId, message});
    }
    void error(const QString &path, const QString &nodeId, const QString &message) { add(Severity::Error, path, nodeId, message); }
    void warning(const QString &path, const QString &nodeId, const QString &message) { add(Severity::Warning, path, nodeId, message); }
    void linkError(qsizetype k, const QString &sub, const QString &message)
    {
        add(Severity::Error, join(linkPath(k), sub), QString(), message, m_t.links[k].id);
    }

    static QString join(const QString &a, const QString &b) { return b.isEmpty() ? a : a + QLatin1Char('.') + b; }
    QString nodePath(qsizetype i) const { return QStringLiteral("nodes[%1] (id %2)").arg(i).arg(q(m_t.nodes[i].id)); }
    QString cfgPath(qsizetype i, const char *field) const
    {
        static const char *const keys[] = {"switch", "hostPort", "uplink", "guest", "remote"};
        return QStringLiteral("%1.%2.%3").arg(nodePath(i), QLatin1String(keys[int(m_t.nodes[i].type)]), QLatin1String(field));
    }
    QString nicPath(qsizetype i, qsizetype j) const
    {
        return QStringLiteral("%1.guest.nics[%2] (id %3)").arg(nodePath(i)).arg(j).arg(q(m_t.nodes[i].guest.nics[j].id));
    }
    QString linkPath(qsizetype k) const { return QStringLiteral("links[%1] (id %2)").arg(k).arg(q(m_t.links[k].id)); }

    const Node *findNode(const QString &id) const
    {
        const auto it = m_index.find(id);
        return it == m_index.end() ? nullptr : &m_t.nodes[*it];
    }
    qsizetype nodeIndex(const QString &id) const { return m_index.value(id, -1); }

    // --- topology and nodes ------------------------------------------------------------
    void checkTopology()
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

    void checkMtu(qsizetype i, int mtu)
    {
        if (mtu != 0 && (mtu < limits::kMinMtu || mtu > limits::kMaxMtu))
            error(cfgPath(i, "mtu"), m_t.nodes[i].id,
                  QStringLiteral("MTU %1 is out of range (0 for the default, or %2..%3)").arg(mtu).arg(limits::kMinMtu).arg(limits::kMaxMtu));
    }

    void checkNode(qsizetype i)
    {
        const Node &n = m_t.nodes[i];
        if (!std::isfinite(n.position.x()) || !std::isfinite(n.position.y()) || std::abs(n.position.x()) > limits::kMaxCoordinate
            || std::abs(n.position.y()) > limits::kMaxCoordinate)
            error(join(nodePath(i), QStringLiteral("position")), n.id, QStringLiteral("canvas position is not a finite number within ±1e7"));
        switch (n.type) {
        case NodeType::Switch: checkSwitch(i); break;
        case NodeType::HostPort: checkHostPort(i); break;
        case NodeType::Uplink: checkUplink(i); break;
        case NodeType::Guest: checkGuest(i); break;
        case NodeType::Remote: checkRemote(i); break;
        }
    }

    void checkSwitch(qsizetype i)
    {
        const Node &n = m_t.nodes[i];
        const SwitchConfig &s = n.sw;
        if (s.engine == SwitchConfig::Engine::Netloom) {
            if (!s.ifname.isEmpty())
                warning(cfgPath(i, "ifname"), n.id, QStringLiteral("ifname is only used by kernel bridges; a netloom switch ignores it"));
            if (s.stp)
                warning(cfgPath(i, "stp"), n.id, QStringLiteral("STP is only supported by kernel bridges; a netloom switch ignores it"));
        } else if (s.hub) {
            warning(cfgPath(i, "hub"), n.id, QStringLiteral("hub mode is only supported by netloom switches; a kernel bridge ignores it"));
        }
        if (s.macTableSize < limits::kMinMacTableSize || s.macTableSize > limits::kMaxMacTableSize)
            error(cfgPath(i, "macTableSize"), n.id, QStringLiteral("MAC table size %1 is out of range %2..%3")
                                                        .arg(s.macTableSize).arg(limits::kMinMacTableSize).arg(limits::kMaxMacTableSize));
        if (s.macAgingSeconds < limits::kMinMacAgingSeconds || s.macAgingSeconds > limits::kMaxMacAgingSeconds)
            error(cfgPath(i, "macAgingSeconds"), n.id, QStringLiteral("MAC aging time %1 s is out of range %2..%3")
                                                           .arg(s.macAgingSeconds).arg(limits::kMinMacAgingSeconds).arg(limits::kMaxMacAgingSeconds));
        checkMtu(i, s.mtu);
    }

    void checkHostPort(qsizetype i)
    {
        const Node &n = m_t.nodes[i];
        const HostPortConfig &h = n.hostPort;
        std::optional<Cidr> cidr;
        if (!h.address.isEmpty()) {
            auto c = Cidr::parse(h.address);
            if (!c) {
                error(cfgPath(i, "address"), n.id, QStringLiteral("host address %1 is not an IPv4 address with a prefix (like 10.0.2.1/24): %2")
                                                       .arg(q(h.address), reasonOf(c.error())));
            } else if (c->isNetworkOrBroadcast()) {
                const bool isNet = c->address == c->network();
                error(cfgPath(i, "address"), n.id, QStringLiteral("host address %1 is the %2 address of %3; use a host address such as %4")
                                                       .arg(h.address, isNet ? QStringLiteral("network") : QStringLiteral("broadcast"),
                                                            c->networkString(), Ipv4{c->network().value + 1}.toString()));
            } else if (c->prefix > 30) {
                error(cfgPath(i, "address"), n.id, QStringLiteral("host address %1 leaves no room for guests (prefix must be /30 or shorter)").arg(h.address));
            } else {
                cidr = *c;
            }
        }
        checkDhcp(i, cidr);
        const NatConfig &nat = h.nat;
        if (nat.mode != NatConfig::Mode::None) {
            const QString what = nat.mode == NatConfig::Mode::Masquerade ? QStringLiteral("NAT") : QStringLiteral("routing");
            if (nat.uplinks.isEmpty())
                error(cfgPath(i, "nat.uplinks"), n.id, QStringLiteral("%1 (mode %2) needs at least one uplink interface or pattern such as \"eth+\"")
                                                           .arg(what, natModeName(nat.mode)));
            if (h.address.isEmpty())
                error(cfgPath(i, "nat.mode"), n.id, QStringLiteral("%1 needs a host address on this port (the guests' gateway)").arg(what));
        } else if (!nat.uplinks.isEmpty()) {
            warning(cfgPath(i, "nat.uplinks"), n.id, QStringLiteral("uplinks are ignored while nat.mode is 'none'"));
        }
        for (qsizetype u = 0; u < nat.uplinks.size(); ++u) {
            const QString p = QStringLiteral("%1[%2]").arg(cfgPath(i, "nat.uplinks")).arg(u);
            if (Status s = protocol::validateUplinkPattern(nat.uplinks[u]); !s)
                error(p, n.id, QStringLiteral("invalid uplink %1: %2").arg(q(nat.uplinks[u]), reasonOf(s.error())));
            else if (nat.uplinks[u].startsWith(QLatin1String("loom")))
                error(p, n.id, QStringLiteral("uplink %1 names an interface Netloom creates (\"loom\" prefix); uplinks are physical interfaces").arg(q(nat.uplinks[u])));
        }
        checkMtu(i, h.mtu);
    }

    void checkDhcp(qsizetype i, const std::optional<Cidr> &cidr)
    {
        const Node &n = m_t.nodes[i];
        const DhcpConfig &d = n.hostPort.dhcp;
        if (!d.enabled)
            return;
        if (n.hostPort.address.isEmpty()) {
            error(cfgPath(i, "dhcp.enabled"), n.id, QStringLiteral("DHCP needs a host address on this port (dnsmasq serves from it)"));
            return;
        }
        if (d.leaseSeconds < limits::kMinLeaseSeconds || d.leaseSeconds > limits::kMaxLeaseSeconds)
            error(cfgPath(i, "dhcp.leaseSeconds"), n.id, QStringLiteral("lease time %1 s is out of range %2..%3")
                                                             .arg(d.leaseSeconds).arg(limits::kMinLeaseSeconds).arg(limits::kMaxLeaseSeconds));
        if (!d.domain.isEmpty()) {
            static const QRegularExpression re(QStringLiteral("^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"));
            if (!re.match(d.domain).hasMatch())
                error(cfgPath(i, "dhcp.domain"), n.id, QStringLiteral("domain %1 is not a DNS name (labels of letters, digits and '-', separated by dots)").arg(q(d.domain)));
        }
        if (!cidr)
            return;  // the address problem is already reported
        const Ipv4 gw = cidr->address;
        auto inSubnet = [&](Ipv4 ip) { return cidr->contains(ip) && ip != cidr->network() && ip != cidr->broadcast(); };
        std::optional<Ipv4> start, end;
        auto parseBound = [&](const QString &text, const char *field, const char *what) -> std::optional<Ipv4> {
            if (text.isEmpty()) {
                error(cfgPath(i, field), n.id, QStringLiteral("DHCP is enabled but the range %1 is empty").arg(QLatin1String(what)));
                return std::nullopt;
            }
            auto ip = Ipv4::parse(text);
            if (!ip) {
                error(cfgPath(i, field), n.id, QStringLiteral("DHCP range %1 %2: %3").arg(QLatin1String(what), q(text), reasonOf(ip.error())));
                return std::nullopt;
            }
            if (!inSubnet(*ip)) {
                error(cfgPath(i, field), n.id, QStringLiteral("DHCP range %1 %2 is outside the usable addresses of %3")
                                                   .arg(QLatin1String(what), text, cidr->networkString()));
                return std::nullopt;
            }
            return *ip;
        };
        start = parseBound(d.rangeStart, "dhcp.rangeStart", "start");
        end = parseBound(d.rangeEnd, "dhcp.rangeEnd", "end");
        if (start && end) {
            if (*start > *end)
                error(cfgPath(i, "dhcp.rangeStart"), n.id, QStringLiteral("DHCP range start %1 is after its end %2").arg(d.rangeStart, d.rangeEnd));
            else if (*start <= gw && gw <= *end)
                error(cfgPath(i, "dhcp.rangeStart"), n.id, QStringLiteral("DHCP range %1-%2 contains the host address %3")
                                                               .arg(d.rangeStart, d.rangeEnd, gw.toString()));
        }
        QHash<QString, qsizetype> macs;
        QHash<quint32, qsizetype> ips;
        for (qsizetype r = 0; r < d.reservations.size(); ++r) {
            const DhcpReservation &res = d.reservations[r];
            const QString p = QStringLiteral("%1[%2]").arg(cfgPath(i, "dhcp.reservations")).arg(r);
            auto mac = Mac::parse(res.mac);
            if (!mac) {
                error(p + QStringLiteral(".mac"), n.id, QStringLiteral("reservation MAC %1: %2").arg(q(res.mac), reasonOf(mac.error())));
            } else if (mac->isMulticast() || mac->isZero()) {
                error(p + QStringLiteral(".mac"), n.id, QStringLiteral("reservation MAC %1 is not a unicast address").arg(res.mac));
            } else if (macs.contains(mac->toString())) {
                error(p + QStringLiteral(".mac"), n.id, QStringLiteral("MAC %1 is reserved twice (also reservations[%2])").arg(res.mac).arg(macs.value(mac->toString())));
            } else {
                macs.insert(mac->toString(), r);
            }
            auto ip = Ipv4::parse(res.ip);
            if (!ip) {
                error(p + QStringLiteral(".ip"), n.id, QStringLiteral("reservation address %1: %2").arg(q(res.ip), reasonOf(ip.error())));
            } else if (!inSubnet(*ip)) {
                error(p + QStringLiteral(".ip"), n.id, QStringLiteral("reserved address %1 is outside the usable addresses of %2").arg(res.ip, cidr->networkString()));
            } else if (*ip == gw) {
                error(p + QStringLiteral(".ip"), n.id, QStringLiteral("reserved address %1 is the host address").arg(res.ip));
            } else if (ips.contains(ip->value)) {
                error(p + QStringLiteral(".ip"), n.id, QStringLiteral("address %1 is reserved twice (also reservations[%2])").arg(res.ip).arg(ips.value(ip->value)));
            } else {
                ips.insert(ip->value, r);
            }
        }
    }

    void checkUplink(qsizetype i)
    {
        const Node &n = m_t.nodes[i];
        const QString &name = n.uplink.ifname;
        if (name.isEmpty())
            error(cfgPath(i, "ifname"), n.id, QStringLiteral("an uplink needs the name of a physical interface (like \"eth0\")"));
        else if (Status s = protocol::validateIfname(name); !s)
            error(cfgPath(i, "ifname"), n.id, QStringLiteral("uplink interface %1: %2").arg(q(name), reasonOf(s.error())));
        else if (name.startsWith(QLatin1String("loom")))
            error(cfgPath(i, "ifname"), n.id, QStringLiteral("uplink %1 must be a physical interface, not a \"loom\" interface Netloom creates").arg(q(name)));
        else if (m_uplinkNames.contains(name))
            error(cfgPath(i, "ifname"), n.id, QStringLiteral("interface %1 is already the uplink of node %2").arg(q(name), q(m_uplinkNames.value(name))));
        else
            m_uplinkNames.insert(name, n.id);
    }

    void checkGuest(qsizetype i)
    {
        const Node &n = m_t.nodes[i];
        const GuestConfig &g = n.guest;
        if (g.qemu.trimmed().isEmpty())
            error(cfgPath(i, "qemu"), n.id, QStringLiteral("the QEMU binary is empty (for example \"qemu-system-x86_64\")"));
        static const QStringList accels{QStringLiteral("auto"), QStringLiteral("kvm"), QStringLiteral("tcg")};
        if (!accels.contains(g.accel))
            error(cfgPath(i, "accel"), n.id, QStringLiteral("accelerator %1 is not one of auto, kvm, tcg").arg(q(g.accel)));
        if (g.memoryMiB < limits::kMinMemoryMiB || g.memoryMiB > limits::kMaxMemoryMiB)
            error(cfgPath(i, "memoryMiB"), n.id, QStringLiteral("memory %1 MiB is out of range %2..%3")
                                                     .arg(g.memoryMiB).arg(limits::kMinMemoryMiB).arg(limits::kMaxMemoryMiB));
        if (g.cpus < limits::kMinCpus || g.cpus > limits::kMaxCpus)
            error(cfgPath(i, "cpus"), n.id, QStringLiteral("%1 CPUs is out of range %2..%3").arg(g.cpus).arg(limits::kMinCpus).arg(limits::kMaxCpus));
        static const QStringList interfaces{QStringLiteral("virtio"), QStringLiteral("ide"), QStringLiteral("scsi"),
                                            QStringLiteral("sd"), QStringLiteral("none")};
        for (qsizetype d = 0; d < g.disks.size(); ++d) {
            const DiskConfig &disk = g.disks[d];
            const QString p = QStringLiteral("%1[%2]").arg(cfgPath(i, "disks")).arg(d);
            if (disk.path.isEmpty())
                error(p + QStringLiteral(".path"), n.id, QStringLiteral("disk path is empty"));
            static const QRegularExpression fmt(QStringLiteral("^[a-z0-9_-]{1,32}$"));
            if (!fmt.match(disk.format).hasMatch())
                error(p + QStringLiteral(".format"), n.id, QStringLiteral("disk format %1 is not a QEMU format name (raw, qcow2, ...)").arg(q(disk.format)));
            if (!interfaces.contains(disk.interface))
                error(p + QStringLiteral(".interface"), n.id, QStringLiteral("disk interface %1 is not one of virtio, ide, scsi, sd, none").arg(q(disk.interface)));
        }
        if (g.kernel.isEmpty() && !g.initrd.isEmpty())
            error(cfgPath(i, "initrd"), n.id, QStringLiteral("an initrd needs a kernel (QEMU loads it with -kernel)"));
        if (g.kernel.isEmpty() && !g.append.isEmpty())
            error(cfgPath(i, "append"), n.id, QStringLiteral("a kernel command line needs a kernel (QEMU passes it with -kernel)"));
        if (g.kernel.isEmpty() && g.disks.isEmpty() && g.cdrom.isEmpty())
            warning(join(nodePath(i), QStringLiteral("guest")), n.id, QStringLiteral("guest has nothing to boot (no disk, cdrom or kernel)"));
        static const QSet<QString> owned{QStringLiteral("-netdev"), QStringLiteral("-nic"), QStringLiteral("-net"),
                                         QStringLiteral("-qmp"), QStringLiteral("-qmp-pretty"), QStringLiteral("-daemonize")};
        for (qsizetype a = 0; a < g.extraArgs.size(); ++a) {
            QString opt = g.extraArgs[a].section(QLatin1Char('='), 0, 0);
            if (opt.startsWith(QLatin1String("--")))
                opt.remove(0, 1);
            if (owned.contains(opt))
                error(QStringLiteral("%1[%2]").arg(cfgPath(i, "extraArgs")).arg(a), n.id,
                      QStringLiteral("extra argument %1 is not allowed: Netloom builds the guest's network and monitor options itself (use NICs instead)")
                          .arg(q(g.extraArgs[a])));
        }
        if (g.nics.size() > limits::kMaxNicsPerGuest)
            error(cfgPath(i, "nics"), n.id, QStringLiteral("more than %1 NICs").arg(limits::kMaxNicsPerGuest));
        QHash<QString, qsizetype> nicIds;
        for (qsizetype j = 0; j < g.nics.size(); ++j) {
            const NicConfig &nic = g.nics[j];
            const QString p = nicPath(i, j);
            if (!validId(nic.id))
                error(p + QStringLiteral(".id"), n.id, QStringLiteral("NIC id %1 must be 1-64 characters of A-Z a-z 0-9 _ . -").arg(q(nic.id)));
            else if (nicIds.contains(nic.id))
                error(p + QStringLiteral(".id"), n.id, QStringLiteral("duplicate NIC id %1 in this guest (also nics[%2])").arg(q(nic.id)).arg(nicIds.value(nic.id)));
            nicIds.insert(nic.id, j);
            static const QRegularExpression model(QStringLiteral("^[A-Za-z0-9_.-]{1,64}$"));
            if (!model.match(nic.model).hasMatch())
                error(p + QStringLiteral(".model"), n.id, QStringLiteral("NIC model %1 is not a QEMU device name (like virtio-net-pci, e1000)").arg(q(nic.model)));
            if ((nic.mode == NicConfig::Mode::User || nic.mode == NicConfig::Mode::Socket) && !nic.tapIfname.isEmpty())
                warning(p + QStringLiteral(".tapIfname"), n.id, QStringLiteral("tapIfname is ignored for a NIC in %1 mode").arg(nicModeName(nic.mode)));
            if (nic.mode == NicConfig::Mode::User)
                checkUserNet(i, j);
        }
    }

    void checkUserNet(qsizetype i, qsizetype j)
    {
        const Node &n = m_t.nodes[i];
        const UserNetConfig &u = n.guest.nics[j].user;
        const QString p = nicPath(i, j) + QStringLiteral(".user");
        std::optional<Cidr> net;
        if (!u.network.isEmpty()) {
            auto c = Cidr::parse(u.network);
            if (!c)
                error(p + QStringLiteral(".network"), n.id, QStringLiteral("user network %1: %2").arg(q(u.network), reasonOf(c.error())));
            else if (c->prefix > 29 || c->address != c->network())
                error(p + QStringLiteral(".network"), n.id, QStringLiteral("user network %1 must be a network address with a prefix of /29 or shorter (like 10.0.2.0/24)").arg(u.network));
            else
                net = *c;
        }
        for (qsizetype f = 0; f < u.forwards.size(); ++f) {
            const HostForward &fw = u.forwards[f];
            const QString fp = QStringLiteral("%1.forwards[%2]").arg(p).arg(f);
            if (fw.protocol != QLatin1String("tcp") && fw.protocol != QLatin1String("udp"))
                error(fp + QStringLiteral(".protocol"), n.id, QStringLiteral("forward protocol %1 is not tcp or udp").arg(q(fw.protocol)));
            if (!fw.hostAddress.isEmpty())
                if (auto ip = Ipv4::parse(fw.hostAddress); !ip)
                    error(fp + QStringLiteral(".hostAddress"), n.id, QStringLiteral("forward host address %1: %2").arg(q(fw.hostAddress), reasonOf(ip.error())));
            if (!fw.guestAddress.isEmpty()) {
                auto ip = Ipv4::parse(fw.guestAddress);
                if (!ip)
                    error(fp + QStringLiteral(".guestAddress"), n.id, QStringLiteral("forward guest address %1: %2").arg(q(fw.guestAddress), reasonOf(ip.error())));
                else if (net && !net->contains(*ip))
                    error(fp + QStringLiteral(".guestAddress"), n.id, QStringLiteral("forward guest address %1 is outside the user network %2").arg(fw.guestAddress, u.network));
            }
            if (fw.hostPort < 1 || fw.hostPort > 65535)
                error(fp + QStringLiteral(".hostPort"), n.id, QStringLiteral("host port %1 is out of range 1..65535").arg(fw.hostPort));
            if (fw.guestPort < 1 || fw.guestPort > 65535)
                error(fp + QStringLiteral(".guestPort"), n.id, QStringLiteral("guest port %1 is out of range 1..65535").arg(fw.guestPort));
        }
    }

    void checkRemote(qsizetype i)
    {
        const Node &n = m_t.nodes[i];
        const RemoteConfig &r = n.remote;
        if (r.url.isEmpty() == !r.vxlan.has_value()) {
            error(join(nodePath(i), QStringLiteral("remote")), n.id,
                  r.url.isEmpty() ? QStringLiteral("a remote needs either a url (netloom switch) or vxlan settings (kernel bridge)")
                                  : QStringLiteral("a remote has either a url (netloom switch) or vxlan settings (kernel bridge), not both"));
        }
        if (!r.url.isEmpty()) {
            static const QRegularExpression re(QStringLiteral("^[a-z][a-z0-9+.-]{0,15}://[^\\x00-\\x1f\\x7f]*$"));
            if (!re.match(r.url).hasMatch())
                error(cfgPath(i, "url"), n.id, QStringLiteral("remote url %1 is not a plug URL like vxvde://239.1.2.3 or udp://host:port (scheme://, no control characters)")
                                                   .arg(q(r.url)));
        }
        if (!r.vxlan)
            return;
        const VxlanConfig &v = *r.vxlan;
        if (v.vni < 1 || v.vni > limits::kMaxVni)
            error(cfgPath(i, "vxlan.vni"), n.id, QStringLiteral("VNI %1 is out of range 1..%2").arg(v.vni).arg(limits::kMaxVni));
        if (v.remote.isEmpty() == v.group.isEmpty())
            error(cfgPath(i, "vxlan"), n.id, QStringLiteral("VXLAN needs exactly one of remote (unicast peer) and group (multicast)"));
        if (!v.remote.isEmpty()) {
            auto ip = Ipv4::parse(v.remote);
            if (!ip)
                error(cfgPath(i, "vxlan.remote"), n.id, QStringLiteral("VXLAN remote %1: %2").arg(q(v.remote), reasonOf(ip.error())));
            else if (isMulticast(*ip))
                error(cfgPath(i, "vxlan.remote"), n.id, QStringLiteral("VXLAN remote %1 is a multicast address; put it in group").arg(v.remote));
        }
        if (!v.group.isEmpty()) {
            auto ip = Ipv4::parse(v.group);
            if (!ip)
                error(cfgPath(i, "vxlan.group"), n.id, QStringLiteral("VXLAN group %1: %2").arg(q(v.group), reasonOf(ip.error())));
            else if (!isMulticast(*ip))
                error(cfgPath(i, "vxlan.group"), n.id, QStringLiteral("VXLAN group %1 is not a multicast address (224.0.0.0/4)").arg(v.group));
            else if (v.device.isEmpty())
                warning(cfgPath(i, "vxlan.device"), n.id, QStringLiteral("a multicast VXLAN without an underlay device uses the default route's interface"));
        }
        if (!v.local.isEmpty())
            if (auto ip = Ipv4::parse(v.local); !ip)
                error(cfgPath(i, "vxlan.local"), n.id, QStringLiteral("VXLAN local address %1: %2").arg(q(v.local), reasonOf(ip.error())));
        if (!v.device.isEmpty())
            if (Status s = protocol::validateIfname(v.device); !s)
                error(cfgPath(i, "vxlan.device"), n.id, QStringLiteral("VXLAN device %1: %2").arg(q(v.device), reasonOf(s.error())));
        if (v.dstPort < 1 || v.dstPort > 65535)
            error(cfgPath(i, "vxlan.dstPort"), n.id, QStringLiteral("VXLAN port %1 is out of range 1..65535").arg(v.dstPort));
    }

    // --- links ------------------------------------------------------------------------
    struct End {
        const Node *node = nullptr;
        const NicConfig *nic = nullptr;
        EndKind kind = EndKind::Missing;
    };

    EndKind kindOf(const Node &n) const
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
    End resolve(qsizetype k, const Endpoint &e, const QString &side)
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

    void checkVlan(qsizetype k, const QString &side, const VlanConfig &v)
    {
        const QString p = side + QStringLiteral(".vlan");
        const bool access = v.mode == VlanConfig::Mode::Access;
        if ((access && (v.vlan < limits::kMinVlan || v.vlan > limits::kMaxVlan)) || (!access && (v.vlan < 0 || v.vlan > limits::kMaxVlan)))
            linkError(k, p + QStringLiteral(".vlan"), QStringLiteral("VLAN id %1 is out of range %2..4094").arg(v.vlan).arg(access ? 1 : 0));
        if (access && !v.allowed.isEmpty())
            linkError(k, p + QStringLiteral(".allowed"), QStringLiteral("an access port carries one VLAN; 'allowed' is only for trunk ports"));
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

    void checkLink(qsizetype k)
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
        } else if (aSwitch && b.kind == EndKind::Uplink) {
            if (a.kind == EndKind::Netloom)
                return incompatible(QStringLiteral("a physical uplink can only be enslaved to a kernel bridge"));
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

    static const RemoteConfig &r(const End &e) { return e.node->remote; }
    static QString nicKey(const QString &node, const QString &nic) { return node + QChar(0) + nic; }

    // --- after links: attachment counts -----------------------------------------------
    const Node *peerOf(const QString &nodeId, qsizetype k) const
    {
        const Link &l = m_t.links[k];
        return findNode(l.a.node == nodeId ? l.b.node : l.a.node);
    }

    void checkAttachments()
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
            for (const Link *l : m_t.linksOf(sw->id)) {
                const Node *other = findNode(l->a.node == sw->id ? l->b.node : l->a.node);
                if (other && other->type == NodeType::Uplink)
                    warning(cfgPath(nodeIndex(hp->id), "dhcp.enabled"), hp->id,
                            QStringLiteral("DHCP would be served onto the physical network of uplink %1 through switch %2").arg(q(other->uplink.ifname), q(sw->id)));
            }
        }
    }

    QString linkIds(const QList<qsizetype> &ks) const
    {
        QStringList ids;
        for (qsizetype k : ks)
            ids.append(q(m_t.links[k].id));
        return ids.join(QStringLiteral(", "));
    }

    // --- interface names --------------------------------------------------------------
    void checkInterfaceNames()
    {
        QList<CreatedIf> names;
        auto addName = [&](const QString &name, const QString &path, const QString &nodeId, const QString &linkId = {}) {
            if (!name.isEmpty())
                names.append(CreatedIf{name, path, nodeId, linkId});
        };
        for (qsizetype i = 0; i < m_t.nodes.size(); ++i) {
            const Node &n = m_t.nodes[i];
            if (n.type == NodeType::Switch && n.sw.engine == SwitchConfig::Engine::Bridge)
                addName(n.sw.ifname, cfgPath(i, "ifname"), n.id);
            if (n.type == NodeType::Remote && n.remote.vxlan)
                addName(n.remote.vxlan->ifname, cfgPath(i, "vxlan.ifname"), n.id);
            if (n.type == NodeType::HostPort) {
                const QList<qsizetype> links = m_nodeLinks.value(n.id);
                const Node *peer = links.size() == 1 ? peerOf(n.id, links[0]) : nullptr;
                if (peer && peer->type == NodeType::Switch && peer->sw.engine == SwitchConfig::Engine::Bridge) {
                    if (!n.hostPort.ifname.isEmpty() && n.hostPort.ifname != peer->sw.ifname)
                        error(cfgPath(i, "ifname"), n.id, QStringLiteral("a host port on kernel bridge %1 is the bridge itself; its ifname must be empty or %2")
                                                              .arg(q(peer->id), q(peer->sw.ifname)));
                } else if (peer && peer->type == NodeType::Guest) {
                    const Link &l = m_t.links[links[0]];
                    const QString nicId = l.a.node == n.id ? l.b.nic : l.a.nic;
                    const NicConfig *nic = nullptr;
                    for (const NicConfig &c : peer->guest.nics)
                        if (c.id == nicId)
                            nic = &c;
                    if (nic && !nic->tapIfname.isEmpty() && !n.hostPort.ifname.isEmpty() && nic->tapIfname != n.hostPort.ifname)
                        error(cfgPath(i, "ifname"), n.id, QStringLiteral("the own tap of NIC %1 of guest %2 is named %3 there but %4 here; they are one interface")
                                                              .arg(q(nicId), q(peer->id), q(nic->tapIfname), q(n.hostPort.ifname)));
                    addName(n.hostPort.ifname, cfgPath(i, "ifname"), n.id);
                } else {
                    addName(n.hostPort.ifname, cfgPath(i, "ifname"), n.id);
                }
            }
            if (n.type == NodeType::Guest) {
                for (qsizetype j = 0; j < n.guest.nics.size(); ++j) {
                    const NicConfig &nic = n.guest.nics[j];
                    if (nic.tapIfname.isEmpty())
                        continue;
                    const Link *l = m_t.linkOfNic(n.id, nic.id);
                    const Node *peer = l ? findNode(l->a.node == n.id ? l->b.node : l->a.node) : nullptr;
                    const QString p = nicPath(i, j) + QStringLiteral(".tapIfname");
                    if (nic.mode == NicConfig::Mode::Switch) {
                        if (peer && peer->type == NodeType::Switch && peer->sw.engine == SwitchConfig::Engine::Netloom)
                            warning(p, n.id, QStringLiteral("tapIfname is ignored for a NIC on a netloom switch (it joins the switch directly)"));
                        else
                            addName(nic.tapIfname, p, n.id);
                    } else if (nic.mode == NicConfig::Mode::Tap) {
                        // Linked to a host port: one interface with the host port's ifname.
                        if (!(peer && peer->type == NodeType::HostPort && !peer->hostPort.ifname.isEmpty()))
                            addName(nic.tapIfname, p, n.id);
                    }
                }
            }
        }
        for (const auto &[k, veth] : m_cableLinks) {
            const Link &l = m_t.links[k];
            const QString p = join(linkPath(k), QStringLiteral("tapIfname"));
            addName(l.tapIfname, p, QString(), l.id);
            if (veth && !l.tapIfname.isEmpty())
                addName(vethPeerName(l.tapIfname), p + QStringLiteral(" (veth peer)"), QString(), l.id);
        }
        QHash<QString, qsizetype> seen;
        for (qsizetype x = 0; x < names.size(); ++x) {
            const CreatedIf &c = names[x];
            if (Status s = protocol::validateLoomIfname(c.name); !s) {
                add(Severity::Error, c.path, c.nodeId, QStringLiteral("interface name %1: %2").arg(q(c.name), reasonOf(s.error())), c.linkId);
                continue;
            }
            if (seen.contains(c.name)) {
                add(Severity::Error, c.path, c.nodeId, QStringLiteral("interface name %1 is also used by %2").arg(q(c.name), names[seen.value(c.name)].path), c.linkId);
                continue;
            }
            seen.insert(c.name, x);
        }
    }

    // --- MACs, subnets, sockets, forwards ---------------------------------------------
    void checkMacs()
    {
        QHash<QString, QString> seen;  // canonical MAC -> owner
        for (qsizetype i = 0; i < m_t.nodes.size(); ++i) {
            const Node &n = m_t.nodes[i];
            if (n.type != NodeType::Guest)
                continue;
            for (qsizetype j = 0; j < n.guest.nics.size(); ++j) {
                const NicConfig &nic = n.guest.nics[j];
                if (nic.mac.isEmpty())
                    continue;
                const QString p = nicPath(i, j) + QStringLiteral(".mac");
                auto mac = Mac::parse(nic.mac);
                if (!mac)
                    error(p, n.id, QStringLiteral("MAC %1: %2").arg(q(nic.mac), reasonOf(mac.error())));
                else if (mac->isMulticast())
                    error(p, n.id, QStringLiteral("MAC %1 is a multicast address; a NIC needs a unicast MAC (even first byte)").arg(nic.mac));
                else if (mac->isZero())
                    error(p, n.id, QStringLiteral("MAC %1 is the all-zero address").arg(nic.mac));
                else if (seen.contains(mac->toString()))
                    error(p, n.id, QStringLiteral("MAC %1 is also used by %2").arg(nic.mac, seen.value(mac->toString())));
                else
                    seen.insert(mac->toString(), QStringLiteral("NIC %1 of guest %2").arg(q(nic.id), q(n.id)));
            }
        }
    }

    void checkSubnets()
    {
        QList<std::pair<Cidr, qsizetype>> subnets;
        for (qsizetype i = 0; i < m_t.nodes.size(); ++i) {
            const Node &n = m_t.nodes[i];
            if (n.type != NodeType::HostPort || n.hostPort.address.isEmpty())
                continue;
            auto c = Cidr::parse(n.hostPort.address);
            if (!c)
                continue;
            for (const auto &[other, oi] : subnets) {
                if (c->overlaps(other)) {
                    error(cfgPath(i, "address"), n.id, QStringLiteral("subnet %1 overlaps subnet %2 of host port %3")
                                                           .arg(c->networkString(), other.networkString(), q(m_t.nodes[oi].id)));
                    break;
                }
            }
            subnets.append({*c, i});
        }
    }

    void checkSockets()
    {
        struct Sock {
            SocketAddress addr;
            QString path;
            QString nodeId;
        };
        QList<Sock> listeners, connects;
        for (qsizetype i = 0; i < m_t.nodes.size(); ++i) {
            const Node &n = m_t.nodes[i];
            if (n.type != NodeType::Guest)
                continue;
            for (qsizetype j = 0; j < n.guest.nics.size(); ++j) {
                const NicConfig &nic = n.guest.nics[j];
                if (nic.mode != NicConfig::Mode::Socket)
                    continue;
                const QString p = nicPath(i, j) + QStringLiteral(".socket.address");
                auto a = parseSocketAddress(nic.socket.address);
                if (!a) {
                    error(p, n.id, QStringLiteral("socket address %1: %2").arg(q(nic.socket.address), a.error().message));
                    continue;
                }
                const bool mcast = isMulticast(a->ip);
                switch (nic.socket.kind) {
                case SocketConfig::Kind::Mcast:
                    if (!mcast)
                        error(p, n.id, QStringLiteral("mcast address %1 is not a multicast group (224.0.0.0/4)").arg(a->ip.toString()));
                    break;
                case SocketConfig::Kind::Listen:
                    if (mcast)
                        error(p, n.id, QStringLiteral("cannot listen on multicast address %1; use kind 'mcast'").arg(a->ip.toString()));
                    else
                        listeners.append({*a, p, n.id});
                    break;
                case SocketConfig::Kind::Connect:
                    if (mcast || a->ip.value == 0)
                        error(p, n.id, QStringLiteral("cannot connect to %1; give the listener's unicast address").arg(a->ip.toString()));
                    else
                        connects.append({*a, p, n.id});
                    break;
                }
            }
        }
        auto sameEndpoint = [](const SocketAddress &x, const SocketAddress &y) {
            return x.port == y.port && (x.ip == y.ip || x.ip.value == 0 || y.ip.value == 0);
        };
        for (qsizetype x = 0; x < listeners.size(); ++x)
            for (qsizetype y = 0; y < x; ++y)
                if (sameEndpoint(listeners[x].addr, listeners[y].addr)) {
                    error(listeners[x].path, listeners[x].nodeId, QStringLiteral("two NICs listen on %1:%2 (also %3)")
                                                                      .arg(listeners[x].addr.ip.toString()).arg(listeners[x].addr.port).arg(listeners[y].path));
                    break;
                }
        for (const Sock &c : connects) {
            bool found = false;
            for (const Sock &l : listeners)
                found = found || sameEndpoint(c.addr, l.addr);
            if (found)
                continue;
            const QString msg = QStringLiteral("no NIC in this topology listens on %1:%2").arg(c.addr.ip.toString()).arg(c.addr.port);
            if (isLoopback(c.addr.ip))
                error(c.path, c.nodeId, msg);
            else
                warning(c.path, c.nodeId, msg + QStringLiteral(" (fine if the listener is on another host)"));
        }
    }

    void checkForwards()
    {
        // (protocol, port) -> (host address, path)
        QHash<QString, QList<std::pair<QString, QString>>> used;
        for (qsizetype i = 0; i < m_t.nodes.size(); ++i) {
            const Node &n = m_t.nodes[i];
            if (n.type != NodeType::Guest)
                continue;
            for (qsizetype j = 0; j < n.guest.nics.size(); ++j) {
                const NicConfig &nic = n.guest.nics[j];
                if (nic.mode != NicConfig::Mode::User)
                    continue;
                for (qsizetype f = 0; f < nic.user.forwards.size(); ++f) {
                    const HostForward &fw = nic.user.forwards[f];
                    const QString key = QStringLiteral("%1/%2").arg(fw.protocol).arg(fw.hostPort);
                    const QString p = QStringLiteral("%1.user.forwards[%2]").arg(nicPath(i, j)).arg(f);
                    QList<std::pair<QString, QString>> &list = used[key];
                    for (const auto &[addr, otherPath] : list) {
                        if (addr == fw.hostAddress || addr.isEmpty() || fw.hostAddress.isEmpty()) {
                            error(p, n.id, QStringLiteral("host port %1 %2 on %3 is already forwarded by %4")
                                               .arg(fw.protocol).arg(fw.hostPort)
                                               .arg(fw.hostAddress.isEmpty() ? QStringLiteral("all addresses") : fw.hostAddress, otherPath));
                            break;
                        }
                    }
                    list.append({fw.hostAddress, p});
                }
            }
        }
    }

    const Topology &m_t;
    QHash<QString, qsizetype> m_index;               // node id -> first index
    QList<Issue> m_issues;
    QHash<QString, QString> m_uplinkNames;           // uplink ifname -> node id
    QHash<QString, QList<qsizetype>> m_nicLinks;     // nicKey -> links
    QHash<QString, QList<qsizetype>> m_nodeLinks;    // host port / uplink / remote id -> links
    QMap<QString, QStringList> m_switchHostPorts;    // switch id -> host port ids
    QList<std::pair<qsizetype, bool>> m_cableLinks;  // links needing a cable tap; true = veth pair
};

}  // namespace

QString severityName(Issue::Severity s)
{
    return s == Issue::Severity::Error ? QStringLiteral("error") : QStringLiteral("warning");
}

QList<Issue> validate(const Topology &topology)
{
    return Validator(topology).run();
}

bool hasErrors(const QList<Issue> &issues)
{
    return std::any_of(issues.begin(), issues.end(), [](const Issue &i) { return i.severity == Issue::Severity::Error; });
}

}  // namespace netloom::model
