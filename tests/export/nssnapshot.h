// SPDX-License-Identifier: GPL-3.0-or-later
// Snapshots of what a script can change inside a network namespace, for "start twice changes
// nothing" and "stop leaves nothing behind" comparisons in the export tests.
#pragma once

#include "common/netns.h"

#include <QString>

namespace netloom::test {

// Links (ip -d link, bridge timers masked), IPv4 addresses, bridge VLANs, global IPv6 addresses, the nft
// ruleset, ip_forward and net.ipv6.conf.all.forwarding, the
// processes in the namespace with their command lines, and every entry under `stateDir`
// (regular files with a content hash), as text.
QString nsSnapshot(const ScopedNetns &ns, const QString &stateDir);

// The first differing line of two snapshots and both snapshots, for failure messages.
QString snapshotDifference(const QString &before, const QString &after);

}  // namespace netloom::test
