// SPDX-License-Identifier: GPL-3.0-or-later
#include "linuxhostops.h"

#include "dnsmasq.h"
#include "journal.h"
#include "portusers.h"
#include "qdiscplan.h"
#include "safefile.h"
#include "tcnetlink.h"

#include "protocol/forwardrules.h"
#include "protocol/netaddr.h"

#include <QProcess>
#include <QStandardPaths>

#include <netlink/addr.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/link/vxlan.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace netloom::helper {

using namespace protocol;

namespace {

const char kForwardingPath[] = "/proc/sys/net/ipv4/ip_forward";

ErrorCode codeOf(int nlerr)
{
    switch (nlerr < 0 ? -nlerr : nlerr) {
    case NLE_EXIST: return ErrorCode::Conflict;
    case NLE_OBJ_NOTFOUND:
    case NLE_NODEV:
    case NLE_NOADDR: return ErrorCode::NotFound;
    case NLE_PERM: return ErrorCode::PermissionDenied;
    default: return ErrorCode::System;
    }
}

Error nlError(const QString &verb, const QString &object, int err)
{
    return Error::failed(codeOf(err), verb, object, QString::fromLocal8Bit(nl_geterror(err)));
}

Error sysError(const QString &verb, const QString &object, int err)
{
    return Error::failed(err == EPERM || err == EACCES ? ErrorCode::PermissionDenied : ErrorCode::System, verb,
                         object, QString::fromLocal8Bit(std::strerror(err)));
}

Status ownName(const QString &verb, const QString &ifname)
{
    if (!ifname.startsWith(QLatin1String("loom")))
        return Error::failed(ErrorCode::PermissionDenied, verb, ifname,
                             QStringLiteral("the helper only touches interfaces it created"));
    return ok();
}

// RAII holders for libnl objects.
struct LinkPtr {
    rtnl_link *p = nullptr;
    ~LinkPtr() { if (p) rtnl_link_put(p); }
};
struct AddrPtr {
    nl_addr *p = nullptr;
    ~AddrPtr() { if (p) nl_addr_put(p); }
};

// IPv4 unless the text holds a ':' (then IPv6); nl_addr_parse is told the family.
Result<AddrPtr *> parseAddr(const QString &text, AddrPtr *holder)
{
    const int family = text.contains(u':') ? AF_INET6 : AF_INET;
    if (int err = nl_addr_parse(text.toLatin1().constData(), family, &holder->p); err < 0)
        return nlError(QStringLiteral("parse address"), text, err);
    return holder;
}

Status writeSysfs(const QString &ifname, const char *attr, const char *value)
{
    const QString path = QStringLiteral("/sys/class/net/%1/bridge/%2").arg(ifname, QLatin1String(attr));
    const int fd = ::open(path.toLatin1().constData(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return sysError(QStringLiteral("configure bridge"), ifname, errno);
    const ssize_t n = ::write(fd, value, std::strlen(value));
    const int err = errno;
    ::close(fd);
    if (n < 0)
        return sysError(QStringLiteral("configure bridge"), ifname, err);
    return ok();
}

Result<QString> readSysctl(const char *path)
{
    auto data = readSmallFile(QString::fromLatin1(path), 64);
    if (!data)
        return data.error();
    return QString::fromLatin1(data->trimmed());
}

Status writeSysctl(const char *path, const char *value)
{
    const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return sysError(QStringLiteral("write"), QString::fromLatin1(path), errno);
    const ssize_t n = ::write(fd, value, std::strlen(value));
    const int err = errno;
    ::close(fd);
    if (n < 0)
        return sysError(QStringLiteral("write"), QString::fromLatin1(path), err);
    return ok();
}

}  // namespace

LinuxHostOps::LinuxHostOps(DnsmasqSupervisor &dnsmasq, Journal &journal) : m_dnsmasq(dnsmasq), m_journal(journal) {}

LinuxHostOps::~LinuxHostOps()
{
    m_tc.reset();
    if (m_sock)
        nl_socket_free(m_sock);
}

Status LinuxHostOps::init()
{
    m_sock = nl_socket_alloc();
    if (!m_sock)
        return Error{ErrorCode::System, QStringLiteral("failed to allocate a netlink socket")};
    if (int err = nl_connect(m_sock, NETLINK_ROUTE); err < 0)
        return nlError(QStringLiteral("connect"), QStringLiteral("rtnetlink"), err);
    m_tc = std::make_unique<TcNetlink>(m_sock);
    return ok();
}

Result<int> LinuxHostOps::ifindex(const QString &ifname)
{
    LinkPtr link;
    if (int err = rtnl_link_get_kernel(m_sock, 0, ifname.toLatin1().constData(), &link.p); err < 0)
        return nlError(QStringLiteral("find interface"), ifname, err);
    return rtnl_link_get_ifindex(link.p);
}

bool LinuxHostOps::linkExists(const QString &ifname) { return ifindex(ifname).isOk(); }

Status LinuxHostOps::applyMtuMac(const QString &ifname, int mtu, const QString &mac)
{
    if (mtu <= 0 && mac.isEmpty())
        return ok();
    LinkPtr orig, change;
    if (int err = rtnl_link_get_kernel(m_sock, 0, ifname.toLatin1().constData(), &orig.p); err < 0)
        return nlError(QStringLiteral("configure"), ifname, err);
    change.p = rtnl_link_alloc();
    if (mtu > 0)
        rtnl_link_set_mtu(change.p, unsigned(mtu));
    AddrPtr a;
    if (!mac.isEmpty()) {
        if (int err = nl_addr_parse(mac.toLatin1().constData(), AF_LLC, &a.p); err < 0)
            return nlError(QStringLiteral("parse MAC address"), mac, err);
        rtnl_link_set_addr(change.p, a.p);
    }
    if (int err = rtnl_link_change(m_sock, orig.p, change.p, 0); err < 0)
        return nlError(QStringLiteral("configure"), ifname, err);
    return ok();
}

Status LinuxHostOps::addLink(void *linkp, const QString &ifname, const QString &what)
{
    auto *link = static_cast<rtnl_link *>(linkp);
    if (linkExists(ifname))
        return Error::failed(ErrorCode::Conflict, QStringLiteral("create ") + what, ifname,
                             QStringLiteral("an interface with this name already exists"));
    if (int err = rtnl_link_add(m_sock, link, NLM_F_CREATE | NLM_F_EXCL); err < 0)
        return nlError(QStringLiteral("create ") + what, ifname, err);
    return ok();
}

Status LinuxHostOps::createTap(const TapSpec &tap, uid_t owner)
{
    if (auto s = ownName(QStringLiteral("create tap"), tap.ifname); !s)
        return s;
    if (linkExists(tap.ifname))
        return Error::failed(ErrorCode::Conflict, QStringLiteral("create tap"), tap.ifname,
                             QStringLiteral("an interface with this name already exists"));
    const int fd = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return sysError(QStringLiteral("open"), QStringLiteral("/dev/net/tun"), errno);
    struct ifreq ifr {};
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_TUN_EXCL | (tap.vnetHdr ? IFF_VNET_HDR : 0);
    const QByteArray name = tap.ifname.toLatin1();
    std::memcpy(ifr.ifr_name, name.constData(), size_t(std::min<qsizetype>(name.size(), IFNAMSIZ - 1)));
    if (::ioctl(fd, TUNSETIFF, &ifr) != 0) {
        const int err = errno;
        ::close(fd);
        return sysError(QStringLiteral("create tap"), tap.ifname, err);
    }
    if (::ioctl(fd, TUNSETOWNER, static_cast<unsigned long>(owner)) != 0
        || ::ioctl(fd, TUNSETPERSIST, 1UL) != 0) {
        const int err = errno;
        ::close(fd);  // not persistent yet: closing removes it
        return sysError(QStringLiteral("create tap"), tap.ifname, err);
    }
    ::close(fd);
    if (auto s = applyMtuMac(tap.ifname, tap.mtu, tap.mac); !s) {
        (void)deleteLink(tap.ifname);
        return s;
    }
    return ok();
}

Status LinuxHostOps::createBridge(const BridgeSpec &b)
{
    if (auto s = ownName(QStringLiteral("create bridge"), b.ifname); !s)
        return s;
    LinkPtr link;
    link.p = rtnl_link_alloc();
    rtnl_link_set_name(link.p, b.ifname.toLatin1().constData());
    if (int err = rtnl_link_set_type(link.p, "bridge"); err < 0)
        return nlError(QStringLiteral("create bridge"), b.ifname, err);
    if (b.mtu > 0)
        rtnl_link_set_mtu(link.p, unsigned(b.mtu));
    if (auto s = addLink(link.p, b.ifname, QStringLiteral("bridge")); !s)
        return s;
    Status opt = ok();
    if (b.stp)
        opt = writeSysfs(b.ifname, "stp_state", "1");
    if (opt && b.vlanFiltering)
        opt = enableVlanFiltering(b.ifname);
    if (!opt) {
        (void)deleteLink(b.ifname);
        return opt;
    }
    return ok();
}

Status LinuxHostOps::createVeth(const VethSpec &v)
{
    if (auto s = ownName(QStringLiteral("create veth"), v.ifname); !s)
        return s;
    if (auto s = ownName(QStringLiteral("create veth"), v.peer); !s)
        return s;
    if (linkExists(v.peer))
        return Error::failed(ErrorCode::Conflict, QStringLiteral("create veth"), v.peer,
                             QStringLiteral("an interface with this name already exists"));
    LinkPtr link;
    link.p = rtnl_link_veth_alloc();
    rtnl_link_set_name(link.p, v.ifname.toLatin1().constData());
    rtnl_link *peer = rtnl_link_veth_get_peer(link.p);
    rtnl_link_set_name(peer, v.peer.toLatin1().constData());
    rtnl_link_put(peer);
    return addLink(link.p, v.ifname, QStringLiteral("veth"));
}

Status LinuxHostOps::createVxlan(const VxlanSpec &v)
{
    if (auto s = ownName(QStringLiteral("create vxlan"), v.ifname); !s)
        return s;
    LinkPtr link;
    link.p = rtnl_link_vxlan_alloc();
    rtnl_link_set_name(link.p, v.ifname.toLatin1().constData());
    rtnl_link_vxlan_set_id(link.p, v.vni);
    AddrPtr group, local;
    const QString peer = v.remote.isEmpty() ? v.group : v.remote;
    if (auto r = parseAddr(peer, &group); !r)
        return r.error();
    rtnl_link_vxlan_set_group(link.p, group.p);
    if (!v.local.isEmpty()) {
        if (auto r = parseAddr(v.local, &local); !r)
            return r.error();
        rtnl_link_vxlan_set_local(link.p, local.p);
    }
    if (!v.device.isEmpty()) {
        auto idx = ifindex(v.device);
        if (!idx)
            return idx.error();
        rtnl_link_vxlan_set_link(link.p, uint32_t(*idx));
    }
    rtnl_link_vxlan_set_port(link.p, v.dstPort);
    if (v.ttl > 0)
        rtnl_link_vxlan_set_ttl(link.p, uint8_t(v.ttl));
    return addLink(link.p, v.ifname, QStringLiteral("vxlan"));
}

Status LinuxHostOps::deleteLink(const QString &ifname)
{
    if (auto s = ownName(QStringLiteral("delete interface"), ifname); !s)
        return s;
    LinkPtr link;
    if (int err = rtnl_link_get_kernel(m_sock, 0, ifname.toLatin1().constData(), &link.p); err < 0)
        return codeOf(err) == ErrorCode::NotFound ? Status(ok()) : Status(nlError(QStringLiteral("delete interface"), ifname, err));
    if (int err = rtnl_link_delete(m_sock, link.p); err < 0 && codeOf(err) != ErrorCode::NotFound)
        return nlError(QStringLiteral("delete interface"), ifname, err);
    return ok();
}

Status LinuxHostOps::enslave(const QString &ifname, const QString &master)
{
    if (auto s = ownName(QStringLiteral("enslave to"), master); !s)
        return s;
    LinkPtr port, bridge;
    if (int err = rtnl_link_get_kernel(m_sock, 0, ifname.toLatin1().constData(), &port.p); err < 0)
        return nlError(QStringLiteral("enslave"), ifname, err);
    if (int err = rtnl_link_get_kernel(m_sock, 0, master.toLatin1().constData(), &bridge.p); err < 0)
        return nlError(QStringLiteral("enslave to"), master, err);
    if (!ifname.startsWith(QLatin1String("loom"))) {
        // A physical uplink: never take one that is already in use as a bridge or port.
        if (rtnl_link_get_master(port.p) != 0)
            return Error::failed(ErrorCode::Conflict, QStringLiteral("enslave"), ifname,
                                 QStringLiteral("the interface already has a master"));
        const char *type = rtnl_link_get_type(port.p);
        if (type && (std::strcmp(type, "bridge") == 0 || std::strcmp(type, "bond") == 0))
            return Error::failed(ErrorCode::Conflict, QStringLiteral("enslave"), ifname,
                                 QStringLiteral("the interface is itself a %1").arg(QLatin1String(type)));
        if (rtnl_link_get_flags(port.p) & IFF_LOOPBACK)
            return Error::failed(ErrorCode::PermissionDenied, QStringLiteral("enslave"), ifname,
                                 QStringLiteral("the loopback interface cannot be enslaved"));
    }
    if (int err = rtnl_link_enslave(m_sock, bridge.p, port.p); err < 0)
        return nlError(QStringLiteral("enslave"), ifname, err);
    return ok();
}

Status LinuxHostOps::release(const QString &ifname, const QString &master)
{
    if (auto s = ownName(QStringLiteral("release from"), master); !s)
        return s;
    LinkPtr port;
    if (rtnl_link_get_kernel(m_sock, 0, ifname.toLatin1().constData(), &port.p) < 0)
        return ok();
    auto masterIdx = ifindex(master);
    if (!masterIdx || rtnl_link_get_master(port.p) != *masterIdx)
        return ok();  // not ours (any more): leave it alone
    if (int err = rtnl_link_release(m_sock, port.p); err < 0)
        return nlError(QStringLiteral("release"), ifname, err);
    return ok();
}

Status LinuxHostOps::addAddress(const QString &ifname, const QString &cidr)
{
    if (auto s = ownName(QStringLiteral("add an address to"), ifname); !s)
        return s;
    auto idx = ifindex(ifname);
    if (!idx)
        return idx.error();
    const bool v6 = cidr.contains(u':');
    if (v6) {
        if (auto c6 = Cidr6::parse(cidr); !c6)
            return c6.error();
        // The gateway must not take in the router advertisements its own dnsmasq sends on
        // this interface (it would add a SLAAC address of its own prefix to itself).
        const QByteArray path = QStringLiteral("/proc/sys/net/ipv6/conf/%1/accept_ra").arg(ifname).toLatin1();
        if (auto s = writeSysctl(path.constData(), "0"); !s)
            return s;
    }
    auto c = v6 ? Result<Cidr>(Cidr{}) : Cidr::parse(cidr);
    if (!c)
        return c.error();
    AddrPtr local, bcast;
    if (auto r = parseAddr(cidr, &local); !r)
        return r.error();
    rtnl_addr *addr = rtnl_addr_alloc();
    rtnl_addr_set_ifindex(addr, *idx);
    rtnl_addr_set_local(addr, local.p);
    if (v6) {
        // Our own gateway address: no duplicate address detection, so it is usable (and
        // dnsmasq can bind it) at once instead of staying tentative.
        rtnl_addr_set_flags(addr, IFA_F_NODAD);
    } else if (c->prefix <= 30) {
        if (auto r = parseAddr(c->broadcast().toString(), &bcast); !r) {
            rtnl_addr_put(addr);
            return r.error();
        }
        rtnl_addr_set_broadcast(addr, bcast.p);
    }
    const int err = rtnl_addr_add(m_sock, addr, NLM_F_EXCL);
    rtnl_addr_put(addr);
    if (err < 0)
        return nlError(QStringLiteral("add address %1 to").arg(cidr), ifname, err);
    return ok();
}

Status LinuxHostOps::deleteAddress(const QString &ifname, const QString &cidr)
{
    if (auto s = ownName(QStringLiteral("remove an address from"), ifname); !s)
        return s;
    auto idx = ifindex(ifname);
    if (!idx)
        return ok();  // the interface is gone, and its addresses with it
    AddrPtr local;
    if (auto r = parseAddr(cidr, &local); !r)
        return r.error();
    rtnl_addr *addr = rtnl_addr_alloc();
    rtnl_addr_set_ifindex(addr, *idx);
    rtnl_addr_set_local(addr, local.p);
    const int err = rtnl_addr_delete(m_sock, addr, 0);
    rtnl_addr_put(addr);
    if (err < 0 && codeOf(err) != ErrorCode::NotFound && -err != NLE_NOADDR)
        return nlError(QStringLiteral("remove address %1 from").arg(cidr), ifname, err);
    return ok();
}

Status LinuxHostOps::setLink(const LinkSpec &l)
{
    if (auto s = ownName(QStringLiteral("configure"), l.ifname); !s)
        return s;
    if (auto s = applyMtuMac(l.ifname, l.mtu, l.mac); !s)
        return s;
    LinkPtr orig, change;
    if (int err = rtnl_link_get_kernel(m_sock, 0, l.ifname.toLatin1().constData(), &orig.p); err < 0)
        return nlError(QStringLiteral("configure"), l.ifname, err);
    change.p = rtnl_link_alloc();
    if (l.up)
        rtnl_link_set_flags(change.p, IFF_UP);
    else
        rtnl_link_unset_flags(change.p, IFF_UP);
    if (int err = rtnl_link_change(m_sock, orig.p, change.p, 0); err < 0)
        return nlError(l.up ? QStringLiteral("bring up") : QStringLiteral("bring down"), l.ifname, err);
    return ok();
}

Status LinuxHostOps::enableForwarding()
{
    auto current = readSysctl(kForwardingPath);
    if (!current)
        return current.error();
    if (!m_journal.global().forwardingOriginal) {
        GlobalRecord g = m_journal.global();
        g.forwardingOriginal = *current == QLatin1String("1");
        if (auto s = m_journal.saveGlobal(g); !s)
            return s;
    }
    return writeSysctl(kForwardingPath, "1");
}

Status LinuxHostOps::setRouteLocalnet(const QString &ifname, bool on)
{
    if (auto s = ownName(QStringLiteral("configure"), ifname); !s)
        return s;
    if (!on && !linkExists(ifname))
        return ok();
    return writeSysctl(protocol::routeLocalnetPath(ifname).toLatin1().constData(), on ? "1" : "0");
}

Status LinuxHostOps::restoreForwarding()
{
    const auto original = m_journal.global().forwardingOriginal;
    if (!original)
        return ok();
    if (auto s = writeSysctl(kForwardingPath, *original ? "1" : "0"); !s)
        return s;
    GlobalRecord g = m_journal.global();
    g.forwardingOriginal.reset();
    return m_journal.saveGlobal(g);
}

Result<QString> LinuxHostOps::portUser(const protocol::ForwardSpec &forward)
{
    return findPortUser(forward);
}

Status LinuxHostOps::loadNft(const QString &script)
{
    static const QString nft = QStandardPaths::findExecutable(
        QStringLiteral("nft"), {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin"), QStringLiteral("/usr/bin")});
    if (nft.isEmpty())
        return Error::failed(ErrorCode::NotFound, QStringLiteral("load"), QStringLiteral("nftables table netloom"),
                             QStringLiteral("nft is not installed"));
    QProcess p;
    QProcessEnvironment env;
    env.insert(QStringLiteral("PATH"), QStringLiteral("/usr/sbin:/usr/bin:/sbin:/bin"));
    p.setProcessEnvironment(env);
    p.setProgram(nft);
    p.setArguments({QStringLiteral("-f"), QStringLiteral("-")});
    p.start();
    if (!p.waitForStarted(kNftTimeoutMs))
        return Error::failed(ErrorCode::System, QStringLiteral("run"), nft, p.errorString());
    p.write(script.toUtf8());
    p.closeWriteChannel();
    if (!p.waitForFinished(kNftTimeoutMs)) {
        p.kill();
        p.waitForFinished(1000);
        return Error::failed(ErrorCode::Timeout, QStringLiteral("load"), QStringLiteral("nftables table netloom"),
                             QStringLiteral("nft did not finish within %1 ms").arg(kNftTimeoutMs));
    }
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return Error::failed(ErrorCode::System, QStringLiteral("load"), QStringLiteral("nftables table netloom"),
                             QString::fromUtf8(p.readAllStandardError().left(2000)).trimmed());
    return ok();
}

Status LinuxHostOps::startDnsmasq(const QString &network, const DnsmasqSpec &spec)
{
    return m_dnsmasq.start(network, spec);
}

Status LinuxHostOps::stopDnsmasq(const QString &network, const QString &ifname)
{
    return m_dnsmasq.stop(network, ifname);
}

Status LinuxHostOps::createIfb(const QString &ifname)
{
    if (auto s = ownName(QStringLiteral("create IFB device"), ifname); !s)
        return s;
    LinkPtr link;
    link.p = rtnl_link_alloc();
    rtnl_link_set_name(link.p, ifname.toLatin1().constData());
    if (int err = rtnl_link_set_type(link.p, "ifb"); err < 0)
        return nlError(QStringLiteral("create IFB device"), ifname, err);
    rtnl_link_set_flags(link.p, IFF_UP);  // created up: it only ever carries redirected frames
    return addLink(link.p, ifname, QStringLiteral("IFB device"));
}

Status LinuxHostOps::setQdiscs(const QString &ifname, const Impairment &egress, std::uint32_t frameBytes)
{
    if (auto s = ownName(QStringLiteral("impair"), ifname); !s)
        return s;
    auto idx = ifindex(ifname);
    if (!idx)
        return idx.error();
    return m_tc->setRoot(*idx, ifname, planQdiscs(egress, frameBytes));
}

Status LinuxHostOps::clearQdiscs(const QString &ifname)
{
    if (auto s = ownName(QStringLiteral("remove the impairment of"), ifname); !s)
        return s;
    auto idx = ifindex(ifname);
    if (!idx)
        return ok();  // gone, and its qdiscs with it
    return m_tc->clearRoot(*idx, ifname);
}

Status LinuxHostOps::redirectIngress(const QString &ifname, const QString &ifb)
{
    if (auto s = ownName(QStringLiteral("redirect ingress of"), ifname); !s)
        return s;
    if (auto s = ownName(QStringLiteral("redirect ingress to"), ifb); !s)
        return s;
    auto idx = ifindex(ifname);
    if (!idx)
        return idx.error();
    auto ifbIdx = ifindex(ifb);
    if (!ifbIdx)
        return ifbIdx.error();
    return m_tc->redirectIngress(*idx, ifname, *ifbIdx, ifb);
}

Status LinuxHostOps::clearIngress(const QString &ifname)
{
    if (auto s = ownName(QStringLiteral("remove the ingress redirect of"), ifname); !s)
        return s;
    auto idx = ifindex(ifname);
    if (!idx)
        return ok();
    return m_tc->clearIngress(*idx, ifname);
}

}  // namespace netloom::helper
