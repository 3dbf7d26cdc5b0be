// SPDX-License-Identifier: GPL-3.0-or-later
// Which uplinks IPv6 forwarding would hurt (pure; used by LinuxHostOps::enableForwarding6).
//
// Design note. With net.ipv6.conf.all.forwarding=1 every interface becomes a router and the
// kernel ignores router advertisements on interfaces whose accept_ra is 1 (only accept_ra=2
// keeps accepting them). A host whose uplink gets its IPv6 default route from RAs in the
// kernel (accept_ra=1, no NetworkManager/networkd doing RA in user space — they set
// accept_ra=0) would silently lose that route when it expires. The helper therefore refuses
// to turn forwarding on while such an uplink exists, naming it and the fix (accept_ra=2),
// instead of breaking the host's own IPv6. Uplinks without a kernel RA default route are
// not affected now (a later RA would be ignored; docs/helper-protocol.md says so).
#pragma once

#include <QSet>
#include <QString>
#include <QStringList>

namespace netloom::helper {

// Interfaces that hold an IPv6 default route learned from a router advertisement, read
// from the text of /proc/net/ipv6_route (destination ::/0 with RTF_ADDRCONF set). Lines
// that do not parse are ignored. At most 65536 lines are read.
QSet<QString> raDefaultRouteInterfaces(const QString &ipv6RouteText);

// True when `ifname` matches an uplink name or '+' pattern ("eth+" matches "eth0").
bool uplinkMatches(const QString &pattern, const QString &ifname);

// The refusal message for an uplink with a kernel RA default route and accept_ra=1.
QString raUplinkRefusal(const QString &ifname);

}  // namespace netloom::helper
