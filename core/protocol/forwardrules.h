// SPDX-License-Identifier: GPL-3.0-or-later
// The nftables rules of one port forward (pure), shared by the helper's table
// (helper/nftscript.h) and the exported script (export/shellexporter.h), so both agree.
//
// Design note. For a forward of NAT spec `nat` (IPv4, table `ip`): prerouting DNATs traffic
// arriving for a local address (`fib daddr type local`, or one `ip daddr`) and the host port;
// output does the same for connections the host itself makes, loopback destinations included
// (`curl 127.0.0.1:HOSTPORT` reaches the guest, as with Docker without its userland proxy);
// postrouting masquerades DNATed connections towards the guest that come from the guest's own
// subnet (hairpin — the guest would otherwise answer its neighbour directly) or from the host
// itself, 127/8 sources included (so the reply comes back whatever the guest's routes, and a
// loopback source never reaches the wire); forward accepts DNATed traffic towards the guest's
// port. A 127/8 source may only leave through the gateway when its route_localnet sysctl is 1
// (the helper and the exported script set it on the gateway interface of a network whose
// forwards take loopback, natTakesLoopback()); since route_localnet also lets the kernel
// accept 127/8 destinations arriving on that interface, a guard rule drops those first.
// A forward on a 127.x host address only takes loopback (output chain, no prerouting rule).
// An IPv6 forward (table `ip6`) has the same shape with `ip6` matches and a bracketed DNAT
// target, minus loopback: the kernel drops a packet with source ::1 on any other interface
// and IPv6 has no route_localnet, so its output rule leaves ::1 alone (a connection to
// [::1]:HOSTPORT is refused at once instead of hanging); the host reaches the guest through
// any of its other addresses (the gateway's own, an uplink's). Every string was
// validated (protocol/hoststatedecode.h) before it gets here, so nothing is escaped.
#pragma once

#include "protocol/hoststate.h"

#include <QStringList>

namespace netloom::protocol {

struct ForwardRules {
    QStringList prerouting;   // rule lines without indentation
    QStringList output;
    QStringList postrouting;
    QStringList forward;
};

// The rules of forward `f` of `nat`. Pure.
ForwardRules forwardNftRules(const NatSpec &nat, const ForwardSpec &f);

// True when connections to a loopback address are DNATed for forward `f` (IPv4 with host
// address "" or 127.x; never IPv6). Pure.
bool forwardTakesLoopback(const ForwardSpec &f);

// True when some forward of `nat` takes loopback: the gateway interface `nat.ifname` then
// needs net.ipv4.conf.<ifname>.route_localnet=1 and the guard rule below. Pure.
bool natTakesLoopback(const NatSpec &nat);

// The prerouting rule that drops packets for 127/8 arriving on the gateway interface (which
// route_localnet would otherwise deliver to the host's loopback services): one per NAT spec
// that takes loopback, before its forwards' rules. Pure.
QString loopbackGuardRule(const NatSpec &nat);

// "/proc/sys/net/ipv4/conf/<ifname>/route_localnet" (ifname validated). Pure.
QString routeLocalnetPath(const QString &ifname);

// The chain headers the rules go into ("type nat hook prerouting priority dstnat; policy
// accept;" ...), for scripts that build the table themselves. Pure.
QString forwardPreroutingHook();
QString forwardOutputHook();

}  // namespace netloom::protocol
