// SPDX-License-Identifier: GPL-3.0-or-later
#include "netaddr.h"

#include <arpa/inet.h>

#include <algorithm>

namespace netloom::protocol {

namespace {

Error invalid(const QString &what, const QString &text, const QString &reason)
{
    return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("parse ") + what, text, reason);
}

// Parses a decimal number 0..max with no sign, no leading zeros (except "0"), 1..digits chars.
bool parseDecimal(QStringView s, int maxDigits, std::uint32_t max, std::uint32_t *out)
{
    if (s.isEmpty() || s.size() > maxDigits)
        return false;
    if (s.size() > 1 && s[0] == u'0')
        return false;
    std::uint32_t v = 0;
    for (QChar c : s) {
        if (c < u'0' || c > u'9')
            return false;
        v = v * 10 + std::uint32_t(c.unicode() - u'0');
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

int hexValue(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= u'0' && u <= u'9')
        return u - u'0';
    if (u >= u'a' && u <= u'f')
        return u - u'a' + 10;
    if (u >= u'A' && u <= u'F')
        return u - u'A' + 10;
    return -1;
}

}  // namespace

Result<Ipv4> Ipv4::parse(const QString &text)
{
    if (text.size() > 15)
        return invalid(QStringLiteral("IPv4 address"), text.left(32), QStringLiteral("too long"));
    const QList<QStringView> parts = QStringView(text).split(u'.');
    if (parts.size() != 4)
        return invalid(QStringLiteral("IPv4 address"), text, QStringLiteral("expected four dot-separated numbers"));
    std::uint32_t v = 0;
    for (QStringView p : parts) {
        std::uint32_t octet = 0;
        if (!parseDecimal(p, 3, 255, &octet))
            return invalid(QStringLiteral("IPv4 address"), text,
                           QStringLiteral("each part must be a number 0-255 without leading zeros"));
        v = (v << 8) | octet;
    }
    return Ipv4{v};
}

QString Ipv4::toString() const
{
    return QStringLiteral("%1.%2.%3.%4")
        .arg(value >> 24)
        .arg((value >> 16) & 0xff)
        .arg((value >> 8) & 0xff)
        .arg(value & 0xff);
}

Result<Cidr> Cidr::parse(const QString &text, bool allowBare)
{
    const qsizetype slash = text.indexOf(u'/');
    if (slash < 0) {
        if (!allowBare)
            return invalid(QStringLiteral("CIDR"), text, QStringLiteral("expected address/prefix, e.g. 10.0.2.1/24"));
        auto ip = Ipv4::parse(text);
        if (!ip)
            return ip.error();
        return Cidr{*ip, 32};
    }
    auto ip = Ipv4::parse(text.left(slash));
    if (!ip)
        return invalid(QStringLiteral("CIDR"), text, QStringLiteral("the address part is not a valid IPv4 address"));
    std::uint32_t prefix = 0;
    if (!parseDecimal(QStringView(text).mid(slash + 1), 2, 32, &prefix))
        return invalid(QStringLiteral("CIDR"), text, QStringLiteral("the prefix length must be a number 0-32"));
    return Cidr{*ip, int(prefix)};
}

std::uint32_t Cidr::mask() const
{
    return prefix == 0 ? 0u : ~std::uint32_t(0) << (32 - prefix);
}

Ipv4 Cidr::network() const { return Ipv4{address.value & mask()}; }
Ipv4 Cidr::broadcast() const { return Ipv4{(address.value & mask()) | ~mask()}; }
bool Cidr::contains(Ipv4 ip) const { return (ip.value & mask()) == network().value; }

bool Cidr::overlaps(const Cidr &other) const
{
    const int p = std::min(prefix, other.prefix);
    const std::uint32_t m = p == 0 ? 0u : ~std::uint32_t(0) << (32 - p);
    return (address.value & m) == (other.address.value & m);
}

bool Cidr::isNetworkOrBroadcast() const
{
    if (prefix > 30)
        return false;
    return address == network() || address == broadcast();
}

QString Cidr::toString() const { return address.toString() + u'/' + QString::number(prefix); }
QString Cidr::networkString() const { return network().toString() + u'/' + QString::number(prefix); }
QString Cidr::netmaskString() const { return Ipv4{mask()}.toString(); }

Result<Ipv6> Ipv6::parse(const QString &text)
{
    const QString what = QStringLiteral("IPv6 address");
    if (text.isEmpty())
        return invalid(what, text, QStringLiteral("it is empty"));
    if (text.size() > 45)
        return invalid(what, text.left(64), QStringLiteral("too long"));
    for (QChar c : text) {
        const char16_t u = c.unicode();
        const bool okChar = (u >= u'0' && u <= u'9') || (u >= u'a' && u <= u'f') || (u >= u'A' && u <= u'F')
            || u == u':' || u == u'.';
        if (!okChar) {
            if (u == u'%')
                return invalid(what, text, QStringLiteral("zone ids ('%...') are not allowed"));
            return invalid(what, text, QStringLiteral("only hex digits, ':' and '.' are allowed"));
        }
    }
    const QByteArray latin = text.toLatin1();
    Ipv6 ip;
    if (inet_pton(AF_INET6, latin.constData(), ip.bytes.data()) != 1)
        return invalid(what, text, QStringLiteral("not a valid IPv6 address, e.g. fd42:1::1"));
    return ip;
}

QString Ipv6::toString() const
{
    char buf[INET6_ADDRSTRLEN] = {};
    if (!inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf))
        return QString();
    return QString::fromLatin1(buf);
}

bool Ipv6::isUnspecified() const { return *this == Ipv6{}; }
bool Ipv6::isLinkLocal() const { return bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80; }

bool Ipv6::isLoopback() const
{
    Ipv6 one;
    one.bytes[15] = 1;
    return *this == one;
}

bool Ipv6::isV4Mapped() const
{
    for (size_t i = 0; i < 10; ++i)
        if (bytes[i])
            return false;
    return bytes[10] == 0xff && bytes[11] == 0xff;
}

namespace {
// Byte i of a /prefix mask.
std::uint8_t maskByte6(int prefix, size_t i)
{
    const int bits = std::clamp(prefix - int(i) * 8, 0, 8);
    return bits == 0 ? 0 : std::uint8_t(0xff << (8 - bits));
}
}  // namespace

Result<Cidr6> Cidr6::parse(const QString &text, bool allowBare)
{
    if (text.size() > 49)
        return invalid(QStringLiteral("IPv6 prefix"), text.left(64), QStringLiteral("too long"));
    const qsizetype slash = text.indexOf(u'/');
    if (slash < 0) {
        if (!allowBare)
            return invalid(QStringLiteral("IPv6 prefix"), text,
                           QStringLiteral("expected address/prefix, e.g. fd42:1::1/64"));
        auto ip = Ipv6::parse(text);
        if (!ip)
            return ip.error();
        return Cidr6{*ip, 128};
    }
    auto ip = Ipv6::parse(text.left(slash));
    if (!ip)
        return invalid(QStringLiteral("IPv6 prefix"), text, ip.error().message);
    std::uint32_t prefix = 0;
    if (!parseDecimal(QStringView(text).mid(slash + 1), 3, 128, &prefix))
        return invalid(QStringLiteral("IPv6 prefix"), text, QStringLiteral("the prefix length must be a number 0-128"));
    return Cidr6{*ip, int(prefix)};
}

Ipv6 Cidr6::network() const
{
    Ipv6 n;
    for (size_t i = 0; i < 16; ++i)
        n.bytes[i] = address.bytes[i] & maskByte6(prefix, i);
    return n;
}

Ipv6 Cidr6::last() const
{
    Ipv6 n;
    for (size_t i = 0; i < 16; ++i)
        n.bytes[i] = std::uint8_t(address.bytes[i] | ~maskByte6(prefix, i));
    return n;
}

bool Cidr6::contains(const Ipv6 &ip) const { return Cidr6{ip, prefix}.network() == network(); }

bool Cidr6::overlaps(const Cidr6 &other) const
{
    const int p = std::min(prefix, other.prefix);
    return Cidr6{address, p}.network() == Cidr6{other.address, p}.network();
}

QString Cidr6::toString() const { return address.toString() + u'/' + QString::number(prefix); }
QString Cidr6::networkString() const { return network().toString() + u'/' + QString::number(prefix); }

Result<Mac> Mac::parse(const QString &text)
{
    if (text.size() != 17)
        return invalid(QStringLiteral("MAC address"), text.left(32),
                       QStringLiteral("expected six colon-separated hex pairs, e.g. 52:54:00:12:34:56"));
    Mac mac;
    for (int i = 0; i < 6; ++i) {
        const int hi = hexValue(text[i * 3]);
        const int lo = hexValue(text[i * 3 + 1]);
        if (hi < 0 || lo < 0 || (i < 5 && text[i * 3 + 2] != u':'))
            return invalid(QStringLiteral("MAC address"), text,
                           QStringLiteral("expected six colon-separated hex pairs, e.g. 52:54:00:12:34:56"));
        mac.bytes[size_t(i)] = std::uint8_t(hi << 4 | lo);
    }
    return mac;
}

QString Mac::toString() const
{
    QString s;
    s.reserve(17);
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < 6; ++i) {
        if (i)
            s += u':';
        s += QLatin1Char(digits[bytes[i] >> 4]);
        s += QLatin1Char(digits[bytes[i] & 0xf]);
    }
    return s;
}

bool Mac::isZero() const
{
    for (auto b : bytes)
        if (b)
            return false;
    return true;
}

Status validateIfname(const QString &name)
{
    const auto bad = [&](const QString &reason) {
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("use interface name"), name.left(64), reason);
    };
    if (name.isEmpty())
        return bad(QStringLiteral("it is empty"));
    if (name.toUtf8().size() > 15)
        return bad(QStringLiteral("it is longer than 15 bytes"));
    if (name == QLatin1String(".") || name == QLatin1String(".."))
        return bad(QStringLiteral("'.' and '..' are not interface names"));
    for (QChar c : name) {
        const char16_t u = c.unicode();
        if (u <= 0x20 || u >= 0x7f)
            return bad(QStringLiteral("only printable ASCII without spaces is allowed"));
        if (u == u'/' || u == u':')
            return bad(QStringLiteral("'/' and ':' are not allowed"));
    }
    return ok();
}

Status validateLoomIfname(const QString &name)
{
    if (auto s = validateIfname(name); !s)
        return s;
    if (!name.startsWith(QLatin1String("loom")))
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("use interface name"), name,
                             QStringLiteral("interfaces Netloom creates must start with 'loom'"));
    return ok();
}

Status validateUplinkPattern(const QString &pattern)
{
    QString base = pattern;
    if (base.endsWith(u'+'))
        base.chop(1);
    if (base.isEmpty())
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("use uplink pattern"), pattern,
                             QStringLiteral("a pattern needs a prefix before '+', e.g. 'eth+'"));
    if (base.contains(u'+') || base.contains(u'*'))
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("use uplink pattern"), pattern,
                             QStringLiteral("only one trailing '+' is allowed as a wildcard"));
    if (auto s = validateIfname(base); !s)
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("use uplink pattern"), pattern,
                             s.error().message);
    return ok();
}

Result<std::uint16_t> parsePort(const QString &text)
{
    std::uint32_t v = 0;
    if (!parseDecimal(QStringView(text), 5, 65535, &v) || v == 0)
        return invalid(QStringLiteral("port"), text.left(32), QStringLiteral("expected a number 1-65535"));
    return std::uint16_t(v);
}

}  // namespace netloom::protocol
