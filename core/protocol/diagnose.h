// SPDX-License-Identifier: GPL-3.0-or-later
// The NAT doctor's facts: what the helper's read-only `diagnose` op gathers (issue #14).
//
// Design note. The doctor is split in two: the privileged helper only *reads* the host
// (sysctls, interfaces and default routes, `nft -j list ruleset`, `iptables-legacy-save`,
// br_netfilter, rp_filter, firewalld's zone over D-Bus, the resolv.conf dnsmasq reads, and
// optionally a bounded ping sourced from a gateway address) and returns it as plain data;
// the unprivileged core (core/doctor/) turns the data into findings. So the analysis is pure
// and unit-tested against recorded outputs, and the helper's attack surface stays small.
//
// The request names what to look at — the caller's gateways (interface, subnet, uplink
// patterns); the helper trusts these for nothing else: names are validated like a state's
// (our "loom…" gateway names, foreign uplink patterns), patterns are only matched against
// the host's own interface list, nothing is changed. Both directions decode strictly:
// unknown keys are refused, every list and string is bounded (DiagnoseLimits), and the big
// text blobs (nft JSON, iptables-save) are cut at a fixed size with a `truncated` flag.
// Address families are explicit (`ipv4Forward`, `ipv6Forward`; IPv4 subnets today), so
// IPv6 gateways can be added as new fields.
#pragma once

#include "base/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace netloom::protocol {

struct DiagnoseLimits {
    static constexpr int kMaxGateways = 16;
    static constexpr int kMaxUplinkPatterns = 16;
    static constexpr int kMaxLinks = 128;            // interfaces reported
    static constexpr int kMaxRoutes = 64;            // default routes reported
    static constexpr int kMaxNameservers = 16;
    static constexpr int kMaxStringBytes = 256;
    static constexpr int kMaxNftBytes = 512 * 1024;  // `nft -j list ruleset` text
    static constexpr int kMaxIptablesBytes = 128 * 1024;
    static constexpr int kProbeTimeoutMs = 3000;     // the active probe's bound
    static constexpr int kToolTimeoutMs = 5000;      // nft / iptables-legacy-save
    static constexpr int kDbusTimeoutMs = 1000;      // firewalld, per call
};

// One gateway of the caller's network to look at.
struct DiagnoseGateway {
    QString ifname;          // our interface ("loom…"): a tap or a kernel bridge
    QString subnet;          // IPv4 network in CIDR form, "10.0.2.0/24"
    QStringList uplinks;     // names or "prefix+" patterns, as in NatSpec
    bool masquerade = true;  // false: routed
    bool bridge = false;     // the gateway interface is a kernel bridge (br_netfilter matters)
    bool operator==(const DiagnoseGateway &) const = default;
};

struct DiagnoseRequest {
    QList<DiagnoseGateway> gateways;  // 1..kMaxGateways
    bool probe = false;               // run the active probe
    QString probeTarget;              // IPv4 address; "" = the uplink's default gateway
    QString probeGateway;             // which gateway's address is the source; "" = the first
    bool operator==(const DiagnoseRequest &) const = default;
};

struct LinkFacts {
    QString name;
    bool exists = false;
    bool up = false;
    QStringList ipv4;         // addresses in CIDR form
    int rpFilter = -1;        // /proc/sys/net/ipv4/conf/<name>/rp_filter, -1 unknown
    QString firewalldZone;    // "" = none or firewalld absent
    bool operator==(const LinkFacts &) const = default;
};

struct RouteFacts {
    QString ifname;
    QString gateway;          // "" = on-link
    bool operator==(const RouteFacts &) const = default;
};

struct PatternMatch {
    QString pattern;
    QStringList interfaces;   // the host's interfaces it matches
    bool operator==(const PatternMatch &) const = default;
};

struct ProbeFacts {
    bool ran = false;
    QString method;           // "icmp"
    QString source;           // the gateway address used as source
    QString target;
    bool reached = false;
    int rttMs = -1;
    QString error;            // why it did not run or did not reach
    bool operator==(const ProbeFacts &) const = default;
};

struct DiagnoseFacts {
    int ipv4Forward = -1;           // -1 unreadable
    int ipv6Forward = -1;
    QList<LinkFacts> links;         // the gateways' interfaces and every matched uplink
    QList<PatternMatch> matches;    // per uplink pattern of the request
    QList<RouteFacts> defaultRoutes;  // IPv4 default routes of the main table
    int rpFilterAll = -1;
    int rpFilterDefault = -1;
    bool nftRan = false;            // nft exists and answered
    QString nftError;
    QString nftJson;                // `nft -j list ruleset` (cut at kMaxNftBytes)
    bool nftTruncated = false;
    bool iptablesLegacyPresent = false;
    QString iptablesLegacy;         // `iptables-legacy-save` output
    bool iptablesLegacyTruncated = false;
    bool iptablesNftPresent = false;
    QString iptablesNft;            // `iptables-nft-save`: iptables-nft's tables with their
    bool iptablesNftTruncated = false;  // conntrack/comment matches, which nft's JSON hides as "xt"
    int bridgeNfCallIptables = -1;  // -1: br_netfilter not loaded (sysctl absent)
    bool firewalldRunning = false;
    QString resolvConf;             // the file dnsmasq reads ("/etc/resolv.conf")
    QStringList nameservers;        // its nameserver lines
    QStringList resolvedUpstreams;  // /run/systemd/resolve/resolv.conf, when present
    ProbeFacts probe;
    bool operator==(const DiagnoseFacts &) const = default;
};

// Strict encoding/decoding of the request (helper side) and the facts (client side).
QJsonObject toJson(const DiagnoseRequest &request);
Result<DiagnoseRequest> diagnoseRequestFromJson(const QJsonObject &json);
QJsonObject toJson(const DiagnoseFacts &facts);
Result<DiagnoseFacts> diagnoseFactsFromJson(const QJsonObject &json);

// True when interface `name` matches uplink `pattern` ("eth0", or "eth+" = prefix).
bool uplinkPatternMatches(const QString &pattern, const QString &name);

}  // namespace netloom::protocol
