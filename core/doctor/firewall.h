// SPDX-License-Identifier: GPL-3.0-or-later
// The NAT doctor's view of a host firewall: a small rule model parsed from
// `nft -j list ruleset` and from `iptables-legacy-save` (pure; docs/doctor.md).
//
// Design note. The doctor only needs to know whether forwarded traffic of a gateway would
// be dropped, so the model keeps exactly what can be evaluated for that — interface names
// (iifname/oifname, iif/oif, -i/-o, with '*'/'+' wildcards), IPv4 source/destination
// prefixes, conntrack state, and verdicts (accept, drop, reject, jump, goto, return) — and
// turns everything else into an Unknown match, which the evaluator treats conservatively
// ("may drop"). A match on another protocol family (ip6 in an inet table) is Never for IPv4
// traffic. Counters, comments and logging have no effect. Each rule keeps a readable
// rendering (nft syntax for what is understood, the raw JSON for what is not) as the
// finding's evidence. Tables created by iptables-nft are recognised by their shape (family
// ip, an iptables table name, upper-case base chains such as FORWARD, or xt expressions),
// so repairs there go through iptables-nft and never confuse it. Bounds: 4096 rules and 512
// chains per ruleset; beyond that parsing fails with LimitExceeded.
#pragma once

#include "base/result.h"
#include "protocol/hoststate.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace netloom::doctor {

struct FwMatch {
    enum class Kind {
        Iifname,   // names: interface names, '*' suffix = prefix
        Oifname,
        Saddr,     // nets: IPv4 CIDRs
        Daddr,
        CtState,   // names: "new", "established", "related", "invalid", "untracked"
        Never,     // never true for IPv4 traffic (another family, ct status dnat, …)
        Unknown,   // not evaluated
    };
    Kind kind = Kind::Unknown;
    bool negate = false;
    QStringList names;
    QStringList nets;
};

struct FwVerdict {
    enum class Kind { None, Accept, Drop, Reject, Jump, Goto, Return, Unknown };
    Kind kind = Kind::None;
    QString target;  // Jump/Goto
};

struct FwRule {
    QList<FwMatch> matches;
    FwVerdict verdict;
    QString text;      // evidence: the rule in nft (or iptables-save) syntax
    QString comment;   // "netloom:<network>" for the doctor's own repairs
};

struct FwChain {
    QString name;
    bool base = false;
    QString hook;      // "forward", "input", … ("" for a regular chain)
    QString policy;    // "accept"/"drop" for a base chain
    int priority = 0;
    QList<FwRule> rules;
};

struct FwTable {
    protocol::FilterAcceptSpec::Backend backend = protocol::FilterAcceptSpec::Backend::Nft;
    QString family;    // "ip", "ip6", "inet", "bridge", "arp", "netdev"
    QString name;
    QList<FwChain> chains;

    const FwChain *chain(const QString &name) const;
    // "inet mywall", "iptables-nft filter", "iptables-legacy filter"
    QString describe() const;
    // Netloom's own NAT table (`ip netloom`): never a culprit.
    bool isNetloom() const;
};

struct Ruleset {
    QList<FwTable> tables;
};

constexpr int kMaxFwRules = 4096;
constexpr int kMaxFwChains = 512;

// Parses `nft -j list ruleset` output. Errors (Parse, LimitExceeded) name what is wrong.
Result<Ruleset> parseNftJson(const QByteArray &json);
// Parses `iptables-legacy-save` / `iptables-nft-save` output (its filter table only; other
// tables cannot drop forwarded traffic in a way the doctor evaluates). iptables-nft's tables
// are read this way rather than from nft's JSON, which shows conntrack and comment matches
// only as opaque "xt" expressions.
Result<Ruleset> parseIptablesSave(const QString &text,
                                  protocol::FilterAcceptSpec::Backend backend = protocol::FilterAcceptSpec::Backend::IptablesLegacy);

// True if interface `name` matches nft/iptables interface pattern `pattern` ("eth0",
// "eth*" or "eth+").
bool interfacePatternMatches(const QString &pattern, const QString &name);

}  // namespace netloom::doctor
