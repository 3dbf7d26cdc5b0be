// SPDX-License-Identifier: GPL-3.0-or-later
// The host-setup importer (issue #15, part 2): the commands of an rc script that build the
// host side of a hand-made network.
//
// Design note. Each understood command adds facts to the ImportState (importstate.h) and one
// report line. Understood: vde_switch (sock, tap, daemon, hub, numports, mode/group),
// vde_plug2tap, vde_plug/dpipe cables between two switches (or to a remote command),
// tunctl and `ip tuntap add`, `ip link add … type bridge`, `ip link set … master`,
// brctl addbr/addif/stp, `ip addr add` and ifconfig ADDR [netmask M], the ip_forward switch
// (echo 1 > /proc/sys/net/ipv4/ip_forward, sysctl), `iptables -t nat … POSTROUTING …
// -j MASQUERADE [-o PATTERN] [-s NET]` and nft masquerade rules, and files written with
// here-documents (cat > FILE <<EOF), which dnsmasq -C can then read. Commands that only
// undo, show or tidy up (tunctl -d, brctl delbr, rm, sleep, modprobe, echo …) are reported
// as ignored with the reason. Nothing is executed.
#pragma once

#include "import/importstate.h"
#include "import/shellscript.h"

#include <QStringList>

namespace netloom::importer {

// Reads one host command (argv already stripped of sudo/nice/… prefixes) from `cmd` and
// records facts and report lines in `state`. Returns false when argv[0] is not a command
// this importer knows (the caller reports it). Pure apart from `state`.
bool importHostCommand(const ShellCommand &cmd, const QStringList &argv, ImportState &state);

}  // namespace netloom::importer
