// The nftables rules of one port forward (pure), shared by the helper's table
// (helper/nftscript.h) and the exported script (export/shellexporter.h), so both agree.
//
// Design note. For a forward of NAT spec `nat` (IPv4, table `ip`): prerouting DNATs traffic
// arriving for a local address (`fib daddr type local`, or one `ip daddr`) and the host port;
// output does the same for connections the host itself makes (loopback destinations excluded:
// a 127/8 source cannot leave the host without route_localnet); postrouting masquerades
// DNATed connections towards the guest that come from the guest's own subnet (hairpin — the
// guest would otherwise answer its neighbour directly) or from the host itself (so the reply
// comes back whatever the guest's routes); forward accepts DNATed traffic towards the guest's
// port. IPv6 forwards will produce the same shape for an `ip6` table. Every string was
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

// The chain headers the rules go into ("type nat hook prerouting priority dstnat; policy
// accept;" ...), for scripts that build the table themselves. Pure.
QString forwardPreroutingHook();
QString forwardOutputHook();

}  // namespace netloom::protocol
