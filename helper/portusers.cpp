// SPDX-License-Identifier: GPL-3.0-or-later
#include "portusers.h"

#include <QDir>
#include <QFile>
#include <QHash>

#include <arpa/inet.h>
#include <unistd.h>

namespace netloom::helper {

namespace {

// "0100007F" (a 32-bit word printed in host order, little-endian here) -> 0x7F000001.
bool word(const QByteArray &hex, std::uint32_t *out)
{
    bool ok = false;
    const std::uint32_t v = hex.toUInt(&ok, 16);
    if (!ok || hex.size() != 8)
        return false;
    *out = ntohl(v);  // the word's bytes in memory are in network order
    return true;
}

Result<QByteArray> readBounded(const QString &path, qint64 maxBytes)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error::failed(ErrorCode::Io, QStringLiteral("read"), path, f.errorString());
    QByteArray data = f.read(maxBytes + 1);
    if (data.size() > maxBytes)
        return Error::failed(ErrorCode::LimitExceeded, QStringLiteral("read"), path,
                             QStringLiteral("larger than %1 bytes").arg(maxBytes));
    return data;
}

QString ownerOf(quint64 inode, const QString &procRoot)
{
    const QByteArray target = "socket:[" + QByteArray::number(inode) + ']';
    const QStringList pids = QDir(procRoot).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    int processes = 0, fdsTotal = 0;
    for (const QString &pid : pids) {
        bool numeric = false;
        pid.toInt(&numeric);
        if (!numeric)
            continue;
        if (++processes > PortUsersLimits::kMaxProcesses)
            break;
        const QString fdDir = procRoot + u'/' + pid + QStringLiteral("/fd");
        const QStringList fds = QDir(fdDir).entryList(QDir::Files | QDir::System | QDir::NoDotAndDotDot);
        int perProcess = 0;
        for (const QString &fd : fds) {
            if (++perProcess > PortUsersLimits::kMaxFdsPerProcess || ++fdsTotal > PortUsersLimits::kMaxFdsTotal)
                break;
            char buf[64];
            const QByteArray link = (fdDir + u'/' + fd).toLocal8Bit();
            const ssize_t n = ::readlink(link.constData(), buf, sizeof buf);
            if (n <= 0 || n >= ssize_t(sizeof buf) || QByteArray(buf, int(n)) != target)
                continue;
            auto comm = readBounded(procRoot + u'/' + pid + QStringLiteral("/comm"), 256);
            const QString name = comm ? QString::fromUtf8(comm->trimmed()) : QStringLiteral("process");
            return QStringLiteral("%1 (pid %2)").arg(name.isEmpty() ? QStringLiteral("process") : name, pid);
        }
        if (fdsTotal > PortUsersLimits::kMaxFdsTotal)
            break;
    }
    return QStringLiteral("a socket whose process was not found (inode %1)").arg(inode);
}

}  // namespace

QList<ProcSocket> parseProcNet(const QByteArray &text, bool ipv6)
{
    QList<ProcSocket> out;
    const QList<QByteArray> lines = text.split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {  // line 0 is the header
        const QList<QByteArray> f = lines[i].simplified().split(' ');
        if (f.size() < 10)
            continue;
        const QList<QByteArray> local = f[1].split(':');
        if (local.size() != 2)
            continue;
        ProcSocket s;
        s.ipv6 = ipv6;
        bool ok = false;
        const uint port = local[1].toUInt(&ok, 16);
        if (!ok || port > 65535)
            continue;
        s.port = std::uint16_t(port);
        s.state = f[3].toInt(&ok, 16);
        if (!ok)
            continue;
        s.inode = f[9].toULongLong(&ok);
        if (!ok)
            continue;
        const QByteArray &a = local[0];
        if (!ipv6) {
            if (!word(a, &s.ipv4))
                continue;
        } else {
            if (a.size() != 32)
                continue;
            std::uint32_t w[4];
            bool good = true;
            for (int k = 0; k < 4; ++k)
                good = good && word(a.mid(k * 8, 8), &w[k]);
            if (!good)
                continue;
            for (int k = 0; k < 4; ++k)
                for (int b = 0; b < 4; ++b)
                    s.address6.bytes[std::size_t(k * 4 + b)] = std::uint8_t(w[k] >> (24 - 8 * b));
            s.v6Any = w[0] == 0 && w[1] == 0 && w[2] == 0 && w[3] == 0;
            s.v6Mapped = w[0] == 0 && w[1] == 0 && w[2] == 0x0000ffffu;
            if (s.v6Mapped)
                s.ipv4 = w[3];
        }
        out.append(s);
    }
    return out;
}

bool collides(const ProcSocket &s, protocol::ForwardSpec::Protocol protocol, const protocol::ForwardSpec &forward)
{
    if (s.port != forward.hostPort)
        return false;
    if (protocol == protocol::ForwardSpec::Protocol::Tcp && s.state != 0x0A)
        return false;  // only listeners
    if (forward.family == protocol::ForwardSpec::Family::Ipv6) {
        if (!s.ipv6 || s.v6Mapped)
            return false;
        if (s.v6Any)
            return true;
        if (forward.hostAddress.isEmpty())
            return !s.address6.isLoopback();
        return s.address6.toString() == forward.hostAddress;
    }
    if (s.ipv6 && s.v6Any)
        return true;
    if (s.ipv6 && !s.v6Mapped)
        return false;
    if (s.ipv4 == 0)
        return true;
    if (forward.hostAddress.isEmpty())
        return true;
    const QString addr = QStringLiteral("%1.%2.%3.%4").arg(s.ipv4 >> 24).arg((s.ipv4 >> 16) & 0xff)
                             .arg((s.ipv4 >> 8) & 0xff).arg(s.ipv4 & 0xff);
    return addr == forward.hostAddress;
}

Result<QString> findPortUser(const protocol::ForwardSpec &forward, const QString &procRoot)
{
    const QString proto = protocol::forwardProtocolName(forward.protocol);
    for (const bool ipv6 : {false, true}) {
        const QString path = procRoot + QStringLiteral("/net/") + proto + (ipv6 ? QStringLiteral("6") : QString());
        auto text = readBounded(path, PortUsersLimits::kMaxTableBytes);
        if (!text) {
            if (ipv6 && !QFile::exists(path))
                continue;  // no IPv6 in this kernel
            return text.error();
        }
        for (const ProcSocket &s : parseProcNet(*text, ipv6))
            if (collides(s, forward.protocol, forward))
                return ownerOf(s.inode, procRoot);
    }
    return QString();
}

}  // namespace netloom::helper
