// SPDX-License-Identifier: GPL-3.0-or-later
// What the host's network namespace already uses: its IPv4 addresses and routes.
//
// Design note. The subnet picker (subnetpicker.h) and the validator's host-route warning
// (validator.h, ValidationContext) need to know which IPv4 prefixes the host already uses,
// but both are pure. So the facts are plain data (HostNetwork), gathered by a front end
// through the small HostNetReader interface: NetlinkHostNetReader (netlinkhostnet.h) asks
// the kernel of the *current* network namespace over rtnetlink — a dump, which needs no
// privilege — and tests pass a FixedHostNetReader with made-up facts.
//
// IPv4 only: IPv6 prefixes of gateways are chosen by the user (fd00::/8 collisions are
// vanishingly unlikely) and are not read here.
//
// What counts as a route: every IPv4 route of every table (main, local, policy tables),
// including the kernel's connected ("link") and local routes, except default routes (0/0,
// they overlap everything) and broadcast, multicast and anycast entries (the kernel adds
// them for each address; the address itself already says the same). Unreachable, blackhole
// and prohibit routes are kept: they make a subnet unusable just as well.
#pragma once

#include "base/result.h"
#include "protocol/netaddr.h"

#include <QList>
#include <QString>

#include <cstdint>
#include <utility>

namespace netloom::model {

// Explicit bounds of one reading (a full BGP table would exceed them: the reader then stops
// and sets HostNetwork::truncated).
namespace hostnetlimits {
constexpr int kMaxAddresses = 4096;
constexpr int kMaxRoutes = 65536;
}  // namespace hostnetlimits

// One IPv4 address configured on an interface, as `ip -4 addr` shows it ("10.0.0.5/8").
struct HostAddress {
    QString ifname;            // interface carrying it ("eth0"); "" if unknown
    protocol::Cidr cidr;       // address with its prefix length (host bits set)
    bool operator==(const HostAddress &) const = default;
};

// One IPv4 route (one per next-hop device for multipath routes).
struct HostRoute {
    protocol::Cidr dst;        // destination prefix, host bits clear ("10.0.0.0/8")
    QString ifname;            // outgoing device; "" for routes without one (blackhole)
    std::uint32_t table = 254; // 254 main, 255 local, others: policy tables
    QString type;              // "unicast", "local", "blackhole", "unreachable", "prohibit", ...
    bool operator==(const HostRoute &) const = default;
};

struct HostNetwork {
    QList<HostAddress> addresses;
    QList<HostRoute> routes;
    bool truncated = false;    // a bound in hostnetlimits was hit; the lists are incomplete
};

// "route 10.0.0.0/8 on interface 'eth0'" / "local route 10.0.0.5/32 on interface 'eth0'" /
// "blackhole route 10.9.0.0/16": one phrase naming the route, for messages. Pure.
QString describeRoute(const HostRoute &r);

// Reads the host's IPv4 addresses and routes.
class HostNetReader {
public:
    virtual ~HostNetReader();
    // Returns the facts of the network namespace the reader looks at, or an Error (Io,
    // System) when they cannot be read.
    virtual Result<HostNetwork> read() = 0;
};

// A reader that always returns the facts it was given (tests, or a front end that already
// read them). Touches nothing.
class FixedHostNetReader : public HostNetReader {
public:
    explicit FixedHostNetReader(HostNetwork facts) : m_facts(std::move(facts)) {}
    Result<HostNetwork> read() override { return m_facts; }

private:
    HostNetwork m_facts;
};

}  // namespace netloom::model
