// SPDX-License-Identifier: GPL-3.0-or-later
// LinuxHostOps: IPv6 forwarding (see hostops.h, ipv6uplinks.h). Kept apart from
// linuxhostops.cpp, which holds the IPv4 sysctl and the netlink operations.
#include "linuxhostops.h"

#include "ipv6uplinks.h"
#include "journal.h"
#include "safefile.h"

#include <QDir>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace netloom::helper {

namespace {

const char kForwarding6Path[] = "/proc/sys/net/ipv6/conf/all/forwarding";

Result<QString> readSysctl6(const QString &path)
{
    auto data = readSmallFile(path, 64);
    if (!data)
        return data.error();
    return QString::fromLatin1(data->trimmed());
}

Status writeSysctl6(const char *path, const char *value)
{
    const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return Error::failed(ErrorCode::System, QStringLiteral("write"), QString::fromLatin1(path), QString::fromLocal8Bit(std::strerror(errno)));
    const ssize_t n = ::write(fd, value, std::strlen(value));
    const int err = errno;
    ::close(fd);
    if (n < 0)
        return Error::failed(ErrorCode::System, QStringLiteral("write"), QString::fromLatin1(path), QString::fromLocal8Bit(std::strerror(err)));
    return ok();
}

// The first uplink matching `patterns` that would lose its kernel RA default route.
Status checkRaUplinks(const QStringList &patterns)
{
    if (patterns.isEmpty())
        return ok();
    auto routes = readSmallFile(QStringLiteral("/proc/net/ipv6_route"), 8 << 20);
    if (!routes)
        return ok();  // no IPv6 routing table: nothing to lose
    const QSet<QString> raRoutes = raDefaultRouteInterfaces(QString::fromLatin1(*routes));
    for (const QString &ifname : raRoutes) {
        bool matched = false;
        for (const QString &p : patterns)
            matched = matched || uplinkMatches(p, ifname);
        if (!matched || ifname.contains(u'/') || ifname.startsWith(u'.'))
            continue;
        auto acceptRa = readSysctl6(QStringLiteral("/proc/sys/net/ipv6/conf/%1/accept_ra").arg(ifname));
        if (acceptRa && *acceptRa == QLatin1String("1"))
            return Error{ErrorCode::Conflict, raUplinkRefusal(ifname)};
    }
    return ok();
}

}  // namespace

Status LinuxHostOps::enableForwarding6(const QStringList &uplinks)
{
    auto current = readSysctl6(QString::fromLatin1(kForwarding6Path));
    if (!current)
        return current.error();
    if (*current != QLatin1String("1"))
        if (auto s = checkRaUplinks(uplinks); !s)
            return s;
    if (!m_journal.global().forwarding6Original) {
        GlobalRecord g = m_journal.global();
        g.forwarding6Original = *current == QLatin1String("1");
        if (auto s = m_journal.saveGlobal(g); !s)
            return s;
    }
    return writeSysctl6(kForwarding6Path, "1");
}

Status LinuxHostOps::restoreForwarding6()
{
    const auto original = m_journal.global().forwarding6Original;
    if (!original)
        return ok();
    if (auto s = writeSysctl6(kForwarding6Path, *original ? "1" : "0"); !s)
        return s;
    GlobalRecord g = m_journal.global();
    g.forwarding6Original.reset();
    return m_journal.saveGlobal(g);
}

}  // namespace netloom::helper
