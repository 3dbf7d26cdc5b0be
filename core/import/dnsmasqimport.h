// SPDX-License-Identifier: GPL-3.0-or-later
// The dnsmasq importer (issue #15, part 2): dnsmasq command lines and configuration files.
//
// Design note. Both forms carry the same options (a configuration line "dhcp-range=…" is
// the long option "--dhcp-range=…" without its dashes), so both are turned into a list of
// (option, value, line) and read by one function into a DhcpFact: interface,
// listen-address, dhcp-range in all its forms ([tag:…,][set:…,]start,end[,mode][,netmask]
// [,broadcast][,lease], "interface:IF,…", "start,static"), dhcp-host (MAC, IP, name, lease
// in any order), domain, port=0 (no DNS) and dhcp-leasefile (ignored: Netloom keeps its own
// lease file). A -C/--conf-file naming a file the caller passed in (or a here-document the
// script wrote) is read in place, at most kMaxConfDepth files deep.
#pragma once

#include "import/importstate.h"

#include <QString>
#include <QStringList>

namespace netloom::importer {

inline constexpr int kMaxConfDepth = 4;

// Reads a dnsmasq command line (argv[0] = "dnsmasq") written on `line`. Pure apart from
// `state`.
void importDnsmasqArgs(const QStringList &argv, int line, const QString &text, ImportState &state);

// Reads a dnsmasq configuration file; its line numbers are reported as they are in `text`
// when `reportLines`, else as `line` (a file read through -C from a script line). Pure
// apart from `state`.
void importDnsmasqConf(const QString &text, int line, bool reportLines, ImportState &state);

// True when `text` looks like a dnsmasq configuration file rather than a shell script:
// every non-comment line is "option" or "option=value" with a dnsmasq option name, and at
// least one is. Pure.
bool looksLikeDnsmasqConf(const QString &text);

// Parses a dnsmasq lease time ("12h", "45m", "3600", "infinite"); nullopt if malformed.
std::optional<std::uint32_t> parseLeaseTime(const QString &text);

}  // namespace netloom::importer
