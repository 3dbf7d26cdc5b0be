// SPDX-License-Identifier: GPL-3.0-or-later
// Validator rules for each node's own settings (see validatorimpl.h).
#include "validatorimpl.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <utility>

namespace netloom::model::detail {

void Validator::checkMtu(qsizetype i, int mtu)
{
    if (mtu != 0 && (mtu < limits::kMinMtu || mtu > limits::kMaxMtu))
        error(cfgPath(i, "mtu"), m_t.nodes[i].id,
              QStringLiteral("MTU %1 is out of range (0 for the default, or %2..%3)").arg(mtu).arg(limits::kMinMtu).arg(limits::kMaxMtu));
}

void Validator::checkNode(qsizetype i)
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

void Validator::checkSwitch(qsizetype i)
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

void Validator::checkHostPort(qsizetype i)
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
    checkIpv6(i);
}

void Validator::checkDhcp(qsizetype i, const std::optional<Cidr> &cidr)
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
        if (!res.hostname.isEmpty())
            if (const QString e = checkHostName(res.hostname); !e.isEmpty())
                error(p + QStringLiteral(".hostname"), n.id, QStringLiteral("reservation hostname ") + e);
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

void Validator::checkUplink(qsizetype i)
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

void Validator::checkGuest(qsizetype i)
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
                                     QStringLiteral("-qmp"), QStringLiteral("-qmp-pretty"), QStringLiteral("-daemonize"),
                                     QStringLiteral("-vnc"), QStringLiteral("-display"), QStringLiteral("-nographic")};
    for (qsizetype a = 0; a < g.extraArgs.size(); ++a) {
        QString opt = g.extraArgs[a].section(QLatin1Char('='), 0, 0);
        if (opt.startsWith(QLatin1String("--")))
            opt.remove(0, 1);
        if (owned.contains(opt))
            error(QStringLiteral("%1[%2]").arg(cfgPath(i, "extraArgs")).arg(a), n.id,
                  QStringLiteral("extra argument %1 is not allowed: Netloom builds the guest's network, monitor and display options itself (use NICs and the display setting instead)")
                      .arg(q(g.extraArgs[a])));
    }
    if (g.uefi)
        checkUefi(i);
    if (g.cloudInit)
        checkCloudInit(i);
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
        if (nic.transport == NicConfig::Transport::VhostUser)
            checkVhostUserNic(i, j);
    }
}

void Validator::checkVhostUserNic(qsizetype i, qsizetype j)
{
    const Node &n = m_t.nodes[i];
    const NicConfig &nic = n.guest.nics[j];
    const QString p = nicPath(i, j) + QStringLiteral(".transport");
    if (nic.mode != NicConfig::Mode::Switch) {
        error(p, n.id, QStringLiteral("vhost-user is a way to join a netloom switch: NIC %1 is in %2 mode").arg(q(nic.id), nicModeName(nic.mode)));
        return;
    }
    if (!nic.model.startsWith(QLatin1String("virtio-net")))
        error(p, n.id, QStringLiteral("vhost-user needs a virtio-net NIC, not %1 (set the model to virtio-net-pci)").arg(q(nic.model)));
    if (const Link *l = m_t.linkOfNic(n.id, nic.id)) {
        const QString other = l->a.node == n.id && l->a.nic == nic.id ? l->b.node : l->a.node;
        const Node *peer = m_t.node(other);
        if (peer && !(peer->type == NodeType::Switch && peer->sw.engine == SwitchConfig::Engine::Netloom))
            error(p, n.id, QStringLiteral("vhost-user ports exist on netloom switches only: NIC %1 is cabled to %2").arg(q(nic.id), q(other)));
    }
    // The guest's RAM must be one shared memfd backend, which Netloom adds itself.
    static const QStringList memoryArgs = {QStringLiteral("-mem-path"), QStringLiteral("-mem-prealloc"), QStringLiteral("-numa"),
                                           QStringLiteral("-object")};
    for (qsizetype a = 0; a < n.guest.extraArgs.size(); ++a) {
        QString opt = n.guest.extraArgs[a];
        if (opt.startsWith(QLatin1String("--")))
            opt.remove(0, 1);
        if (memoryArgs.contains(opt) && (opt != QLatin1String("-object")
                                         || n.guest.extraArgs.value(a + 1).startsWith(QLatin1String("memory-backend"))))
            error(QStringLiteral("%1[%2]").arg(cfgPath(i, "extraArgs")).arg(a), n.id,
                  QStringLiteral("%1 conflicts with the shared guest memory a vhost-user NIC needs (Netloom adds a memfd backend itself)").arg(q(opt)));
    }
}

void Validator::checkCloudInit(qsizetype i)
{
    const Node &n = m_t.nodes[i];
    const CloudInitConfig &c = *n.guest.cloudInit;
    const QString p = cfgPath(i, "cloudInit");
    if (const QString e = checkUserName(c.user); !e.isEmpty())
        error(p + QStringLiteral(".user"), n.id, e);
    if (c.sshKeys.size() > limits::kMaxSshKeys)
        error(p + QStringLiteral(".sshKeys"), n.id, QStringLiteral("more than %1 keys").arg(limits::kMaxSshKeys));
    for (qsizetype k = 0; k < c.sshKeys.size(); ++k)
        if (const QString e = checkSshPublicKey(c.sshKeys[k]); !e.isEmpty())
            error(QStringLiteral("%1.sshKeys[%2]").arg(p).arg(k), n.id, e);
    const QString host = c.hostname.isEmpty() ? (n.name.isEmpty() ? n.id : n.name) : c.hostname;
    if (const QString e = checkHostName(host); !e.isEmpty())
        error(p + QStringLiteral(".hostname"), n.id,
              c.hostname.isEmpty() ? QStringLiteral("the node's name %1 cannot be the guest's host name: set one").arg(q(host)) : e);
    if (!c.passwordHash.isEmpty())
        if (const QString e = checkPasswordHash(c.passwordHash); !e.isEmpty())
            error(p + QStringLiteral(".passwordHash"), n.id, QStringLiteral("the password hash %1").arg(e));
    if (c.userData.size() > limits::kMaxUserDataChars)
        error(p + QStringLiteral(".userData"), n.id, QStringLiteral("longer than %1 characters").arg(limits::kMaxUserDataChars));
    if (c.sshKeys.isEmpty() && c.passwordHash.isEmpty() && !c.userKeys)
        warning(p, n.id, QStringLiteral("no SSH key and no password: nobody can log in as %1").arg(q(c.user)));
}

void Validator::checkUefi(qsizetype i)
{
    const Node &n = m_t.nodes[i];
    const UefiConfig &u = *n.guest.uefi;
    const QString p = cfgPath(i, "uefi");
    const std::pair<const char *, const QString *> fields[] = {{"code", &u.code}, {"vars", &u.vars}};
    for (const auto &[key, value] : fields) {
        const QString what = QLatin1String(key) == QLatin1String("code") ? QStringLiteral("UEFI code image") : QStringLiteral("UEFI variable store");
        if (value->trimmed().isEmpty())
            error(join(p, QLatin1String(key)), n.id, QStringLiteral("the %1 path is empty").arg(what));
        else if (std::any_of(value->cbegin(), value->cend(), [](QChar c) { return !c.isPrint(); }))
            error(join(p, QLatin1String(key)), n.id, QStringLiteral("the %1 path %2 has unprintable characters").arg(what, q(*value)));
    }
    if (!u.code.isEmpty() && QDir::cleanPath(u.code) == QDir::cleanPath(u.vars))
        error(join(p, QStringLiteral("vars")), n.id,
              QStringLiteral("the variable store must be the guest's own file, not the code image %1").arg(q(u.code)));
    // Debian's Secure Boot builds stop early without SMM, which the planner does not set up.
    const QString codeName = QFileInfo(u.code).fileName();
    if (codeName.contains(QLatin1String(".secboot.")) || codeName.contains(QLatin1String(".ms.")) || codeName.contains(QLatin1String(".snakeoil.")))
        warning(join(p, QStringLiteral("code")), n.id,
                QStringLiteral("%1 is a Secure Boot build that needs SMM (q35 with smm=on), which Netloom does not set up: the guest will "
                               "not boot; use OVMF_CODE_4M.fd").arg(q(codeName)));
    // Firmware given twice: QEMU would refuse (-bios with pflash) or map two images.
    const QStringList &extra = n.guest.extraArgs;
    for (qsizetype a = 0; a < extra.size(); ++a) {
        QString opt = extra[a].section(QLatin1Char('='), 0, 0);
        if (opt.startsWith(QLatin1String("--")))
            opt.remove(0, 1);
        bool clash = opt == QLatin1String("-bios") || opt == QLatin1String("-pflash");
        // An option value ("if=pflash,file=x", "pc,pflash0=node"), or "--drive=..." in one.
        const QString value = extra[a].startsWith(QLatin1Char('-')) ? extra[a].section(QLatin1Char('='), 1) : extra[a];
        if (!clash)
            for (const QString &part : value.split(QLatin1Char(',')))
                clash = clash || part == QLatin1String("if=pflash") || part.startsWith(QLatin1String("pflash0="))
                        || part.startsWith(QLatin1String("pflash1="));
        if (clash)
            error(QStringLiteral("%1[%2]").arg(cfgPath(i, "extraArgs")).arg(a), n.id,
                  QStringLiteral("extra argument %1 sets firmware, but this guest boots UEFI: Netloom maps the uefi code image and "
                                 "variable store as pflash drives itself (remove the argument, or remove uefi to use your own firmware)")
                      .arg(q(extra[a])));
    }
}

void Validator::checkUserNet(qsizetype i, qsizetype j)
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

void Validator::checkRemote(qsizetype i)
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

}  // namespace netloom::model::detail

namespace netloom::model {

using detail::q;

QString checkUserName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[a-z_][a-z0-9_-]{0,31}$"));
    return re.match(name).hasMatch() ? QString()
                                     : QStringLiteral("%1 is not a user name (1-32 of a-z 0-9 _ -, starting with a letter or _)").arg(q(name));
}

QString checkHostName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"));
    return re.match(name).hasMatch() ? QString()
                                     : QStringLiteral("%1 is not a host name (1-63 letters, digits and '-', no dots)").arg(q(name));
}

QString checkSshPublicKey(const QString &line)
{
    static const QStringList types{QStringLiteral("ssh-ed25519"), QStringLiteral("ssh-rsa"), QStringLiteral("ecdsa-sha2-nistp256"),
                                   QStringLiteral("ecdsa-sha2-nistp384"), QStringLiteral("ecdsa-sha2-nistp521"),
                                   QStringLiteral("sk-ssh-ed25519@openssh.com"), QStringLiteral("sk-ecdsa-sha2-nistp256@openssh.com")};
    const QString shown = q(line.left(40) + (line.size() > 40 ? QStringLiteral("...") : QString()));
    for (QChar c : line)
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return QStringLiteral("%1 has control characters (one key per entry)").arg(shown);
    const QStringList parts = line.trimmed().split(u' ', Qt::SkipEmptyParts);
    if (parts.size() < 2 || !types.contains(parts[0]))
        return QStringLiteral("%1 is not an OpenSSH public key (\"ssh-ed25519 AAAA... comment\", as in ~/.ssh/id_ed25519.pub)").arg(shown);
    const auto decoded = QByteArray::fromBase64Encoding(parts[1].toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    const QByteArray &blob = decoded.decoded;
    const QByteArray type = parts[0].toLatin1();
    // The blob starts with the key type as an SSH string: 4-byte big-endian length, then it.
    if (!decoded || blob.size() < 4 + type.size() + 4 || blob.mid(4, type.size()) != type ||
        quint32((uchar(blob.at(0)) << 24) | (uchar(blob.at(1)) << 16) | (uchar(blob.at(2)) << 8) | uchar(blob.at(3))) != quint32(type.size()))
        return QStringLiteral("%1 is not an OpenSSH public key: its key data is not a %2 key").arg(shown, q(parts[0]));
    return {};
}

QString checkPasswordHash(const QString &hash)
{
    static const QRegularExpression re(QStringLiteral("^\\$[0-9a-z]{1,2}\\$[./0-9A-Za-z$=,]{8,255}$"));
    return re.match(hash).hasMatch() ? QString()
                                     : QStringLiteral("is not a crypt(3) password hash (like the \"$6$...\" or \"$y$...\" of /etc/shadow; "
                                                      "never the password itself)");
}

}  // namespace netloom::model
