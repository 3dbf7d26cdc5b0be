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

}  // namespace

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
            ++out.ipv6Lines;
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
