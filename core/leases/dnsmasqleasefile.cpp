// SPDX-License-Identifier: GPL-3.0-or-later
#include "dnsmasqleasefile.h"

namespace netloom::leases {
namespace {

// Splits on single spaces; dnsmasq never writes tabs or runs of spaces.
QList<QByteArray> fields(const QByteArray &line)
{
    return line.split(' ');
}

bool allDigits(const QByteArray &s)
{
    if (s.isEmpty())
        return false;
    for (char c : s)
        if (c < '0' || c > '9')
            return false;
    return true;
}

// A client id as dnsmasq prints it: hex pairs separated by ':' (or a lone "*").
bool validClientId(const QByteArray &s)
{
    if (s == "*")
        return true;
    if (s.size() > 3 * 255)
        return false;
    for (qsizetype i = 0; i < s.size(); ++i) {
        const char c = s[i];
        const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (i % 3 == 2 ? c != ':' : !hex)
            return false;
    }
    return s.size() % 3 == 2;
}

// The bytes of hex pairs separated by ':' (validClientId's format); empty on error.
QByteArray hexBytes(const QString &s)
{
    QByteArray out;
    const QStringList parts = s.split(u':');
    for (const QString &p : parts) {
        bool ok = false;
        const uint v = p.toUInt(&ok, 16);
        if (!ok || p.size() != 2)
            return {};
        out.append(char(v));
    }
    return out;
}

}  // namespace

std::optional<Mac> macFromDuid(const QString &duid)
{
    if (duid.size() > 3 * 130)  // a DUID is at most 130 bytes (RFC 8415 11.1)
        return std::nullopt;
    const QByteArray b = hexBytes(duid);
    const auto u16 = [&](int at) { return (quint16(quint8(b[at])) << 8) | quint8(b[at + 1]); };
    qsizetype addrAt = -1;
    if (b.size() == 2 + 2 + 4 + 6 && u16(0) == 1 && u16(2) == 1)
        addrAt = 8;  // DUID-LLT: type, hardware type, time, address
    else if (b.size() == 2 + 2 + 6 && u16(0) == 3 && u16(2) == 1)
        addrAt = 4;  // DUID-LL: type, hardware type, address
    if (addrAt < 0)
        return std::nullopt;
    Mac m;
    for (int i = 0; i < 6; ++i)
        m.bytes[size_t(i)] = std::uint8_t(b[addrAt + i]);
    return m;
}

Result<LeaseFileContents> parseDnsmasqLeaseFile(const QByteArray &data, const QString &origin,
                                                const LeaseFileLimits &limits)
{
    if (data.size() > limits.maxBytes)
        return Error::failed(ErrorCode::LimitExceeded, QStringLiteral("read lease file"), origin,
                             QStringLiteral("%1 bytes exceeds the limit of %2").arg(data.size()).arg(limits.maxBytes));
    LeaseFileContents out;
    auto problem = [&](int lineNo, const QString &reason) {
        ++out.problemCount;
        if (out.problems.size() < limits.maxProblems)
            out.problems.append(QStringLiteral("line %1: %2").arg(lineNo).arg(reason));
    };

    bool inV6 = false;
    int lineNo = 0;
    int entries = 0;
    qsizetype pos = 0;
    while (pos < data.size()) {
        qsizetype end = data.indexOf('\n', pos);
        const bool terminated = end >= 0;
        if (!terminated)
            end = data.size();
        const qsizetype len = end - pos;
        ++lineNo;
        if (len > limits.maxLineBytes)
            return Error::failed(ErrorCode::LimitExceeded, QStringLiteral("read lease file"), origin,
                                 QStringLiteral("line %1 is longer than %2 bytes").arg(lineNo).arg(limits.maxLineBytes));
        const QByteArray line = data.mid(pos, len);
        pos = end + 1;
        if (line.isEmpty())
            continue;
        if (!terminated) {
            problem(lineNo, QStringLiteral("incomplete last line (file being rewritten?)"));
            break;
        }
        const QList<QByteArray> f = fields(line);
        if (f.size() == 2 && f[0] == "duid") {
            inV6 = true;
            continue;
        }
        if (++entries > limits.maxEntries)
            return Error::failed(ErrorCode::LimitExceeded, QStringLiteral("read lease file"), origin,
                                 QStringLiteral("more than %1 entries").arg(limits.maxEntries));
        if (f.size() != 5) {
            problem(lineNo, QStringLiteral("expected 5 fields, found %1").arg(f.size()));
            continue;
        }
        if (!allDigits(f[0]) || f[0].size() > 12) {
            problem(lineNo, QStringLiteral("expiry is not a Unix time"));
            continue;
        }
        if (inV6) {
            FileLease6 fl;
            fl.expiresAtSec = f[0].toLongLong();
            QByteArray iaid = f[1];
            if (iaid.startsWith('T')) {
                fl.temporary = true;
                iaid.remove(0, 1);
            }
            bool ok = allDigits(iaid) && iaid.size() <= 10;
            const qulonglong iaidValue = ok ? iaid.toULongLong(&ok) : 0;
            if (!ok || iaidValue > 0xffffffffULL) {
                problem(lineNo, QStringLiteral("bad IAID"));
                continue;
            }
            fl.iaid = std::uint32_t(iaidValue);
            const QString addr = QString::fromLatin1(f[2].left(64));
            fl.ip = QHostAddress(addr);
            if (f[2].size() > 45 || fl.ip.protocol() != QAbstractSocket::IPv6Protocol || addr.contains(u'%')) {
                problem(lineNo, QStringLiteral("bad IPv6 address"));
                continue;
            }
            if (f[3] != "*") {
                const QString host = QString::fromLatin1(f[3]);
                if (!isValidHostname(host))
                    problem(lineNo, QStringLiteral("bad hostname (dropped)"));
                else
                    fl.hostname = host;
            }
            if (!validClientId(f[4])) {
                problem(lineNo, QStringLiteral("bad client DUID"));
                continue;
            }
            if (f[4] != "*") {
                fl.duid = QString::fromLatin1(f[4]);
                fl.mac = macFromDuid(fl.duid);
            }
            out.leases6.append(fl);
            continue;
        }
        FileLease fl;
        fl.expiresAtSec = f[0].toLongLong();
        auto mac = Mac::parse(QString::fromLatin1(f[1].left(64)));
        if (!mac) {
            problem(lineNo, QStringLiteral("bad MAC address"));
            continue;
        }
        fl.mac = *mac;
        auto ip = Ipv4::parse(QString::fromLatin1(f[2].left(64)));
        if (!ip) {
            problem(lineNo, QStringLiteral("bad IPv4 address"));
            continue;
        }
        fl.ip = *ip;
        if (f[3] != "*") {
            const QString host = QString::fromLatin1(f[3]);
            if (!isValidHostname(host)) {
                problem(lineNo, QStringLiteral("bad hostname (dropped)"));
            } else {
                fl.hostname = host;
            }
        }
        if (!validClientId(f[4])) {
            problem(lineNo, QStringLiteral("bad client id"));
            continue;
        }
        if (f[4] != "*")
            fl.clientId = QString::fromLatin1(f[4]);
        out.leases.append(fl);
    }
    return out;
}

}  // namespace netloom::leases
