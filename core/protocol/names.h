// SPDX-License-Identifier: GPL-3.0-or-later
// Names that reach the privileged helper, config files and nftables scripts.
//
// Design note. netaddr.h validates interface names like the kernel does. Names the helper
// writes into generated text (nftables scripts, dnsmasq configs, file names in its state
// directory) must additionally never carry quotes, backslashes, '$', '#', '*', '=', ',' or
// newlines, so on top of the kernel rules we allow only [A-Za-z0-9._-] (plus one trailing '+'
// for uplink patterns). That rules out every injection into generated text by construction,
// instead of escaping it. All functions are pure.
#pragma once

#include "base/result.h"

#include <QString>

namespace netloom::protocol {

// Limits of the helper protocol (explicit, documented in docs/helper-protocol.md).
constexpr int kMaxNetworkIdBytes = 32;
constexpr int kMaxHostnameBytes = 63;
constexpr int kMaxDomainBytes = 253;

// An interface Netloom creates: kernel rules, "loom" prefix, 1..15 bytes of [A-Za-z0-9._-].
Status validateOwnIfname(const QString &name);
// An interface Netloom only refers to (an uplink, a VXLAN underlay device): kernel rules,
// [A-Za-z0-9._-] only. It may be any name ("eth0", "lo"); callers decide what they allow.
Status validateForeignIfname(const QString &name);
// An uplink match for nftables: validateForeignIfname, optionally with one trailing '+'.
Status validateUplinkMatch(const QString &pattern);
// A network id: 1..32 bytes of [a-z0-9_-], starting with a letter or digit. Used in file
// names of the helper's state directory and as a polkit detail.
Status validateNetworkId(const QString &id);
// A DHCP host name: 1..63 bytes of [A-Za-z0-9-], not starting or ending with '-'.
Status validateHostname(const QString &name);
// A DNS domain: 1..253 bytes, dot-separated labels each valid as validateHostname.
Status validateDomain(const QString &domain);

}  // namespace netloom::protocol
