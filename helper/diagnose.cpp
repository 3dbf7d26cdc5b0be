// SPDX-License-Identifier: GPL-3.0-or-later
#include "diagnose.h"

#include "toolrun.h"

#include "protocol/netaddr.h"

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusReply>
#include <QElapsedTimer>
#include <QFile>
#include <QSet>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace netloom::helper {

using namespace protocol;
using L = DiagnoseLimits;

namespace {

QByteArray readSmall(const QString &path, qint64 max = 64 * 1024)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.read(max);
}

int readInt(const QString &path)
{
    bool ok = false;
    const int v = readSmall(path, 64).trimmed().toInt(&ok);
    return ok ? v : -1;
}

bool safeName(const QString &n)
{
    if (n.isEmpty() || n.size() > 15 || n == QLatin1String(".") || n == QLatin1String(".."))
        return false;
    for (QChar c : n)
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != u'_' && c != u'.' && c != u'-')
            return false;
    return true;
}

QStringList interfaceNames()
{
    QStringList names;
    if (struct if_nameindex *list = if_nameindex()) {
        for (auto *i = list; i->if_index != 0 && names.size() < 4096; ++i)
            names << QString::fromLocal8Bit(i->if_name);
        if_freenameindex(list);
    }
    return names;
}

struct AddrInfo {
    bool up = false;
    QStringList ipv4;
};

QHash<QString, AddrInfo> addresses()
{
    QHash<QString, AddrInfo> out;
    struct ifaddrs *all = nullptr;
    if (getifaddrs(&all) != 0)
        return out;
    for (auto *a = all; a; a = a->ifa_next) {
        const QString name = QString::fromLocal8Bit(a->ifa_name);
        AddrInfo &info = out[name];
        info.up = info.up || (a->ifa_flags & IFF_UP);
        if (a->ifa_addr && a->ifa_addr->sa_family == AF_INET && a->ifa_netmask && info.ipv4.size() < 64) {
            const auto *sin = reinterpret_cast<const sockaddr_in *>(static_cast<const void *>(a->ifa_addr));
            const auto *mask = reinterpret_cast<const sockaddr_in *>(static_cast<const void *>(a->ifa_netmask));
            const int prefix = __builtin_popcount(ntohl(mask->sin_addr.s_addr));
            info.ipv4 << QStringLiteral("%1/%2").arg(Ipv4{ntohl(sin->sin_addr.s_addr)}.toString()).arg(prefix);
        }
    }
    freeifaddrs(all);
    return out;
}

// firewalld's zone of each interface, if firewalld owns its name on the system bus.
void firewalld(DiagnoseFacts &f)
{
    QDBusConnection bus = QDBusConnection::systemBus();
    if (!bus.isConnected())
        return;
    QDBusMessage has = QDBusMessage::createMethodCall(QStringLiteral("org.freedesktop.DBus"), QStringLiteral("/org/freedesktop/DBus"),
                                                      QStringLiteral("org.freedesktop.DBus"), QStringLiteral("NameHasOwner"));
    has << QStringLiteral("org.fedoraproject.FirewallD1");
    QDBusReply<bool> owned = bus.call(has, QDBus::Block, L::kDbusTimeoutMs);
    if (!owned.isValid() || !owned.value())
        return;
    f.firewalldRunning = true;
    for (LinkFacts &l : f.links) {
        if (!l.exists)
            continue;
        QDBusMessage m = QDBusMessage::createMethodCall(QStringLiteral("org.fedoraproject.FirewallD1"),
                                                        QStringLiteral("/org/fedoraproject/FirewallD1"),
                                                        QStringLiteral("org.fedoraproject.FirewallD1.zone"),
                                                        QStringLiteral("getZoneOfInterface"));
        m << l.name;
        QDBusReply<QString> zone = bus.call(m, QDBus::Block, L::kDbusTimeoutMs);
        if (zone.isValid())
            l.firewalldZone = zone.value().left(L::kMaxStringBytes);
    }
}

quint16 checksum(const unsigned char *data, size_t len)
{
    quint32 sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += quint32(data[i] << 8 | data[i + 1]);
    if (len & 1)
        sum += quint32(data[len - 1] << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return quint16(~sum);
}

// One ICMP echo exchange from `source` to `target` within the probe's bound (3 requests,
// 1 s apart). Root only (raw socket); the helper is root.
void probe(ProbeFacts &p)
{
    p.ran = true;
    p.method = QStringLiteral("icmp");
    auto src = Ipv4::parse(p.source);
    auto dst = Ipv4::parse(p.target);
    if (!src || !dst) {
        p.error = QStringLiteral("no usable source or target address");
        return;
    }
    const int fd = ::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
    if (fd < 0) {
        p.error = QStringLiteral("raw socket: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        return;
    }
    sockaddr_in from{};
    from.sin_family = AF_INET;
    from.sin_addr.s_addr = htonl(src->value);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(dst->value);
    if (::bind(fd, reinterpret_cast<sockaddr *>(&from), sizeof from) != 0) {
        p.error = QStringLiteral("bind to %1: %2").arg(p.source, QString::fromLocal8Bit(std::strerror(errno)));
        ::close(fd);
        return;
    }
    const quint16 ident = quint16(::getpid() & 0xffff);
    QElapsedTimer clock;
    clock.start();
    qint64 sentAt = -1000;
    quint16 seq = 0;
    while (clock.elapsed() < L::kProbeTimeoutMs && !p.reached) {
        if (clock.elapsed() - sentAt >= 1000) {
            unsigned char pkt[16] = {8, 0, 0, 0, quint8(ident >> 8), quint8(ident), quint8(seq >> 8), quint8(seq)};
            const quint16 c = checksum(pkt, sizeof pkt);
            pkt[2] = quint8(c >> 8);
            pkt[3] = quint8(c);
            if (::sendto(fd, pkt, sizeof pkt, 0, reinterpret_cast<sockaddr *>(&to), sizeof to) < 0)
                p.error = QStringLiteral("send: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
            sentAt = clock.elapsed();
            ++seq;
        }
        pollfd pfd{fd, POLLIN, 0};
        const int wait = int(qMax<qint64>(1, qMin<qint64>(L::kProbeTimeoutMs - clock.elapsed(), 1000 - (clock.elapsed() - sentAt))));
        if (::poll(&pfd, 1, wait) <= 0)
            continue;
        unsigned char buf[1500];
        sockaddr_in peer{};
        socklen_t len = sizeof peer;
        const ssize_t n = ::recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr *>(&peer), &len);
        if (n < 20)
            continue;
        const size_t ihl = size_t(buf[0] & 0x0f) * 4;
        if (size_t(n) < ihl + 8 || peer.sin_addr.s_addr != to.sin_addr.s_addr)
            continue;
        const unsigned char *icmp = buf + ihl;
        if (icmp[0] == 0 && (quint16(icmp[4] << 8 | icmp[5]) == ident)) {
            p.reached = true;
            p.rttMs = int(clock.elapsed() - sentAt);
        }
    }
    ::close(fd);
    if (p.reached)
        p.error.clear();
    else if (p.error.isEmpty())
        p.error = QStringLiteral("no echo reply within %1 ms").arg(L::kProbeTimeoutMs);
}

}  // namespace

QList<RouteFacts> parseProcNetRoute(const QByteArray &text)
{
    QList<RouteFacts> out;
    const QList<QByteArray> lines = text.split('\n');
    for (qsizetype i = 1; i < lines.size() && out.size() < L::kMaxRoutes; ++i) {
        const QList<QByteArray> f = lines[i].simplified().split(' ');
        // Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT
        if (f.size() < 8 || f[1] != "00000000" || f[7] != "00000000")
            continue;
        bool ok = false;
        const quint32 gwRaw = f[2].toUInt(&ok, 16);  // little-endian host order on the wire
        const QString ifname = QString::fromLatin1(f[0]);
        if (!ok || !safeName(ifname))
            continue;
        // /proc prints the network-order s_addr as a host integer.
        const quint32 gw = ntohl(gwRaw);
        out.append(RouteFacts{ifname, gw == 0 ? QString() : Ipv4{gw}.toString()});
    }
    return out;
}

QStringList parseNameservers(const QByteArray &text)
{
    QStringList out;
    for (const QByteArray &line : text.split('\n')) {
        const QList<QByteArray> w = line.simplified().split(' ');
        if (w.size() >= 2 && w[0] == "nameserver" && out.size() < L::kMaxNameservers)
            out << QString::fromLatin1(w[1].left(64));
    }
    return out;
}

DiagnoseFacts gatherFacts(const DiagnoseRequest &request)
{
    DiagnoseFacts f;
    f.ipv4Forward = readInt(QStringLiteral("/proc/sys/net/ipv4/ip_forward"));
    f.ipv6Forward = readInt(QStringLiteral("/proc/sys/net/ipv6/conf/all/forwarding"));
    f.rpFilterAll = readInt(QStringLiteral("/proc/sys/net/ipv4/conf/all/rp_filter"));
    f.rpFilterDefault = readInt(QStringLiteral("/proc/sys/net/ipv4/conf/default/rp_filter"));
    f.bridgeNfCallIptables = readInt(QStringLiteral("/proc/sys/net/bridge/bridge-nf-call-iptables"));

    const QStringList names = interfaceNames();
    const QHash<QString, AddrInfo> addrs = addresses();
    QStringList wanted;
    for (const auto &g : request.gateways) {
        if (!wanted.contains(g.ifname))
            wanted << g.ifname;
        for (const QString &pattern : g.uplinks) {
            bool known = false;
            for (const auto &m : std::as_const(f.matches))
                known = known || m.pattern == pattern;
            if (known)
                continue;
            PatternMatch m{pattern, {}};
            for (const QString &n : names)
                if (!n.startsWith(QLatin1String("loom")) && uplinkPatternMatches(pattern, n) && m.interfaces.size() < L::kMaxLinks)
                    m.interfaces << n;
            for (const QString &n : std::as_const(m.interfaces))
                if (!wanted.contains(n))
                    wanted << n;
            f.matches.append(m);
        }
    }
    for (const QString &n : std::as_const(wanted)) {
        if (f.links.size() >= L::kMaxLinks)
            break;
        LinkFacts l;
        l.name = n;
        l.exists = names.contains(n);
        l.up = addrs.value(n).up;
        l.ipv4 = addrs.value(n).ipv4;
        if (l.exists && safeName(n))
            l.rpFilter = readInt(QStringLiteral("/proc/sys/net/ipv4/conf/%1/rp_filter").arg(n));
        f.links.append(l);
    }
    f.defaultRoutes = parseProcNetRoute(readSmall(QStringLiteral("/proc/net/route"), 256 * 1024));

    if (auto nft = runTool(QStringLiteral("nft"), {QStringLiteral("-j"), QStringLiteral("list"), QStringLiteral("ruleset")},
                           L::kToolTimeoutMs, L::kMaxNftBytes);
        !nft) {
        f.nftError = nft.error().message;
    } else if (nft->exitCode != 0) {
        f.nftError = QString::fromUtf8(nft->err).trimmed().left(1000);
    } else {
        f.nftRan = true;
        f.nftJson = QString::fromUtf8(nft->out);
        f.nftTruncated = nft->truncated;
    }
    if (!findTool(QStringLiteral("iptables-legacy-save")).isEmpty()) {
        f.iptablesLegacyPresent = true;
        if (auto ipt = runTool(QStringLiteral("iptables-legacy-save"), {}, L::kToolTimeoutMs, L::kMaxIptablesBytes); ipt) {
            f.iptablesLegacy = QString::fromUtf8(ipt->out);
            f.iptablesLegacyTruncated = ipt->truncated;
        }
    }
    if (!findTool(QStringLiteral("iptables-nft-save")).isEmpty()) {
        f.iptablesNftPresent = true;
        if (auto ipt = runTool(QStringLiteral("iptables-nft-save"), {}, L::kToolTimeoutMs, L::kMaxIptablesBytes); ipt) {
            f.iptablesNft = QString::fromUtf8(ipt->out);
            f.iptablesNftTruncated = ipt->truncated;
        }
    }
    firewalld(f);
    f.resolvConf = QStringLiteral("/etc/resolv.conf");
    f.nameservers = parseNameservers(readSmall(f.resolvConf));
    f.resolvedUpstreams = parseNameservers(readSmall(QStringLiteral("/run/systemd/resolve/resolv.conf")));

    if (request.probe) {
        const DiagnoseGateway *g = &request.gateways.first();
        for (const auto &cand : request.gateways)
            if (cand.ifname == request.probeGateway)
                g = &cand;
        auto subnet = Cidr::parse(g->subnet);
        for (const QString &a : addrs.value(g->ifname).ipv4) {
            auto c = Cidr::parse(a);
            if (c && subnet && subnet->contains(c->address)) {
                f.probe.source = c->address.toString();
                break;
            }
        }
        f.probe.target = request.probeTarget;
        if (f.probe.target.isEmpty())
            for (const auto &r : std::as_const(f.defaultRoutes))
                for (const QString &pattern : g->uplinks)
                    if (f.probe.target.isEmpty() && !r.gateway.isEmpty() && uplinkPatternMatches(pattern, r.ifname))
                        f.probe.target = r.gateway;
        if (f.probe.source.isEmpty()) {
            f.probe.ran = true;
            f.probe.error = QStringLiteral("gateway '%1' has no address in %2").arg(g->ifname, g->subnet);
        } else if (f.probe.target.isEmpty()) {
            f.probe.ran = true;
            f.probe.error = QStringLiteral("no target given and no uplink default gateway found");
        } else {
            probe(f.probe);
        }
    }
    return f;
}

}  // namespace netloom::helper
