// Strict parsers for the network vocabulary: IPv4 addresses, CIDR prefixes, MAC addresses,
// interface names and uplink patterns. Used by the model validator, the planner, the
// exporter and — on hostile input — the privileged helper, so they accept only canonical
// forms: no leading zeros ("010.0.0.1"), no spaces, no hex/octal shortcuts, no trailing junk.
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
