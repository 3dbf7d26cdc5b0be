// SPDX-License-Identifier: GPL-3.0-or-later
// The IPv6 parts of the exported script (internal to shellexporter.cpp; pure).
//
// Design note. The renderer in shellexporter.cpp calls these for a plan with IPv6: the
// nft table `ip6 <table>` (NAT66 masquerade and forward accepts, the same rules the helper
// loads, see helper/nftscript.h) and the check that runs before the script turns
// net.ipv6.conf.all.forwarding on — the helper's refusal (helper/ipv6uplinks.h) as sh: an
// uplink matching the network's v6 uplinks that holds an RA default route ("proto ra")
// with accept_ra=1 stops the script with the fix (accept_ra=2). `quote` is the renderer's
// word quoting (single quotes, state-directory token handling).
#pragma once

#include "protocol/forwardrules.h"
#include "protocol/hoststate.h"

#include <QStringList>

#include <functional>

namespace netloom::exporter::detail {

// The lines of `table ip6 <table> { ... }` for `nat6` (not empty) and the IPv6 port forwards
// rules `fw` (export/shellforwards.h; prerouting and output chains only when `hasForwards`).
QStringList nat6TableLines(const QString &table, const QList<protocol::NatSpec> &nat6, const protocol::ForwardRules &fw,
                           bool hasForwards);

// An sh fragment (two-space indented, for `start`) that dies naming the first uplink of
// `nat6` whose IPv6 default route comes from RAs while its accept_ra is 1.
QString raUplinkCheck(const QList<protocol::NatSpec> &nat6, const std::function<QString(const QString &)> &quote);

}  // namespace netloom::exporter::detail
