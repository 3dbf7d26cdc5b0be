// SPDX-License-Identifier: GPL-3.0-or-later
// IPv6 parts of validateHostState (hoststatedecode.h), kept apart so the IPv4 rules stay
// readable. Each function checks one hostile value strictly and returns InvalidArgument
// naming the field; none touches anything.
//
// Rules: an IPv6 address of ours is canonical (exactly inet_ntop's text, so the helper's
// diff keys are stable), a global or unique-local unicast address (not ::, ::1, link-local,
// multicast or IPv4-mapped), with a prefix of 16..126 and not the prefix's subnet-router
// anycast address. A NAT66/route prefix is canonical with its host bits clear, /16../126.
// dnsmasq's v6 side needs its address (with the same prefix) in the state's addresses;
// router advertisements without DHCPv6 (SLAAC) need a /64; a DHCPv6 range lies inside the
// prefix, is ordered and excludes the gateway.
#pragma once

#include "base/result.h"
#include "protocol/hoststate.h"
#include "protocol/netaddr.h"

#include <QSet>
#include <QString>

namespace netloom::protocol {

// A v6 "address/prefix" for AddressSpec::cidr.
Status validateAddress6(const QString &cidr);
// One NatSpec of HostState::nat6 (the interface name is checked by the caller), its forwards
// included (validateForward6; collisions between forwards are checked by the caller).
Status validateNat6(const NatSpec &nat);
// One IPv6 port forward of NAT prefix `prefix`: family Ipv6, ports 1..65535, a canonical
// usable unicast host address or "" (never ::1: a loopback source cannot leave the host), a
// canonical guest address inside the prefix (not its subnet-router anycast address).
Status validateForward6(const Cidr6 &prefix, const ForwardSpec &f);
// The v6 fields of one DnsmasqSpec; `addresses` holds "ifname cidr" of every address of the
// state. Succeeds at once when address6 is "" (and then the other v6 fields must be unset).
Status validateDnsmasq6(const DnsmasqSpec &d, const QSet<QString> &addresses);

}  // namespace netloom::protocol
