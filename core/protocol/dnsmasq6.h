// SPDX-License-Identifier: GPL-3.0-or-later
// dnsmasq's IPv6 lines for one DnsmasqSpec, shared by the helper's config writer and the
// shell exporter so the live network and the exported script agree (pure).
//
// Design note. The shape is libvirt's: "enable-ra" plus one dhcp-range — the prefix as
// "<network>,ra-only,<len>" for SLAAC without DHCPv6, or the stateful range
// "<start>,<end>[,slaac],<len>,<lease>" ("slaac" on a /64 with RA, so guests also
// autoconfigure). Every value was validated (hoststatedecode6.h), so no line can carry
// another.
#pragma once

#include "protocol/hoststate.h"

#include <QStringList>

namespace netloom::protocol {

// The lines after the IPv4 ones: empty when the spec has no address6 or neither RA nor
// DHCPv6 (then dnsmasq only answers DNS on address6; its listen-address line is the
// caller's). Touches nothing.
QStringList dnsmasqIpv6Lines(const DnsmasqSpec &spec);

}  // namespace netloom::protocol
