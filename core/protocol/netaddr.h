// SPDX-License-Identifier: GPL-3.0-or-later
// Strict parsers for the network vocabulary: IPv4 and IPv6 addresses, CIDR prefixes of both
// families, MAC addresses, interface names and uplink patterns. Used by the model validator, the planner, the
// exporter and — on hostile input — the privileged helper, so they accept only canonical
// forms: no leading zeros ("010.0.0.1"), no spaces, no hex/octal shortcuts, no trailing junk.
// IPv6 text is parsed by inet_pton (RFC 4291 forms, including "::" and an embedded dotted
// quad) after refusing what inet_pton would not see as an address: zone ids ("%eth0"),
// brackets, whitespace, non-ASCII and anything longer than 45 characters. IPv6 output is
// always inet_ntop's canonical lowercase, compressed form (RFC 5952). The two families have
// separate types on purpose: nothing converts between them implicitly.
// All functions are pure.
#pragma once

#include "base/result.h"

#include <QString>

#include <array>
#include <cstdint>

namespace netloom::protocol {

struct Ipv4 {
    std::uint32_t value = 0;  // host byte order

    // Dotted quad, exactly four decimal octets 0..255, no leading zeros.
    static Result<Ipv4> parse(const QString &text);
    QString toString() const;
    bool operator==(const Ipv4 &) const = default;
    auto operator<=>(const Ipv4 &) const = default;
};

struct Cidr {
    Ipv4 address;             // as written (may have host bits set: "10.0.2.1/24")
    int prefix = 32;          // 0..32

    // "a.b.c.d/n". A bare address is refused unless allowBare (then /32).
    static Result<Cidr> parse(const QString &text, bool allowBare = false);
    std::uint32_t mask() const;
    Ipv4 network() const;     // address & mask
    Ipv4 broadcast() const;
    bool contains(Ipv4 ip) const;
    bool overlaps(const Cidr &other) const;
    // True when address is the network or broadcast address of a /0../30 prefix.
    bool isNetworkOrBroadcast() const;
    QString toString() const;         // "10.0.2.1/24"
    QString networkString() const;    // "10.0.2.0/24"
    QString netmaskString() const;    // "255.255.255.0"
    bool operator==(const Cidr &) const = default;
};

struct Ipv6 {
    std::array<std::uint8_t, 16> bytes{};  // network byte order

    // Any inet_pton form ("fd42:1::1", "::", "::ffff:10.0.2.1"); no zone id, no brackets,
    // no prefix, no spaces, at most 45 characters. Returns the address or InvalidArgument.
    static Result<Ipv6> parse(const QString &text);
    QString toString() const;         // canonical (inet_ntop): "fd42:1::1"
    bool isUnspecified() const;       // ::
    bool isLinkLocal() const;         // fe80::/10
    bool isMulticast() const { return bytes[0] == 0xff; }
    bool isLoopback() const;          // ::1
    bool isV4Mapped() const;          // ::ffff:0:0/96
    bool operator==(const Ipv6 &) const = default;
    auto operator<=>(const Ipv6 &) const = default;  // numeric order (big-endian bytes)
};

struct Cidr6 {
    Ipv6 address;             // as written (may have host bits set: "fd42:1::1/64")
    int prefix = 128;         // 0..128

    // "addr/n" with n a decimal 0..128 without leading zeros. A bare address is refused
    // unless allowBare (then /128). Returns the prefix or InvalidArgument.
    static Result<Cidr6> parse(const QString &text, bool allowBare = false);
    Ipv6 network() const;     // address with the host bits cleared
    Ipv6 last() const;        // address with the host bits set
    bool contains(const Ipv6 &ip) const;
    bool overlaps(const Cidr6 &other) const;
    QString toString() const;         // "fd42:1::1/64" (address canonical)
    QString networkString() const;    // "fd42:1::/64"
    bool operator==(const Cidr6 &) const = default;
};

struct Mac {
    std::array<std::uint8_t, 6> bytes{};

    // "52:54:00:12:34:56" (hex digits of either case, colon separated, exactly 17 chars).
    static Result<Mac> parse(const QString &text);
    QString toString() const;         // lowercase
    bool isMulticast() const { return bytes[0] & 0x01; }
    bool isZero() const;
    bool operator==(const Mac &) const = default;
    auto operator<=>(const Mac &) const = default;
};

// Kernel rules for a network interface name: 1..15 bytes, not "." or "..", no '/', ':',
// whitespace or control characters, ASCII only (stricter than the kernel, on purpose).
Status validateIfname(const QString &name);
// validateIfname plus the Netloom rule: starts with "loom" (interfaces Netloom creates).
Status validateLoomIfname(const QString &name);
// An uplink name or pattern: a valid interface name, optionally ending in '+' (nftables
// wildcard, "eth+"). "+" alone is refused (it would match every interface, including ours).
Status validateUplinkPattern(const QString &pattern);

// Port number 1..65535 as text.
Result<std::uint16_t> parsePort(const QString &text);

}  // namespace netloom::protocol
