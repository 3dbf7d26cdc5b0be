// SPDX-License-Identifier: GPL-3.0-or-later
// Semantic checks of a topology: everything the JSON decoder cannot see.
//
// Design note. validate() is pure and reports every problem it finds (it never stops at the
// first), each as an Issue with the JSON path of the offending field, the node it belongs
// to and one English sentence. Errors make a topology unusable (the planner and Start
// refuse it); warnings describe something legal but probably unintended.
//
// Empty MACs and empty "loom..." interface names are not problems: they mean "let the
// allocator choose" (allocator.h). A few decisions worth knowing:
//   - A NIC in switch mode without a link is an ERROR: there is no segment to join and no
//     QEMU backend that means "unplugged". A NIC in tap mode without a link is only a
//     WARNING: its own tap is still created, unconfigured, for manual use.
//   - A socket NIC connecting to a loopback address no guest listens on is an error
//     (nothing else in the topology can answer); to another address only a warning (the
//     listener may be on another host).
//   - Host ports, uplinks and remotes without a link are warnings (they do nothing).
//   - Cables between switches must not form a loop unless every switch in the loop is a
//     kernel bridge with STP: netloom switches have no spanning tree.
#pragma once

#include "model/hostnet.h"
#include "model/topology.h"

#include <QList>
#include <QString>

namespace netloom::model {

struct Issue {
    enum class Severity { Error, Warning };
    Severity severity = Severity::Error;
    QString path;     // JSON path, e.g. "nodes[2] (id 'gw0').hostPort.dhcp.rangeStart"
    QString nodeId;   // the node concerned, or "" (topology-level, or a link between nodes)
    QString linkId;   // the link concerned, or ""
    QString message;  // one sentence, no trailing period
    bool operator==(const Issue &) const = default;
};

// "error" / "warning".
QString severityName(Issue::Severity s);

// What the validator may know about the world outside the topology. Gathered by the caller
// (netloomctl validate, the GUI) so that validate() stays pure; empty = nothing known.
struct ValidationContext {
    // The host's IPv4 routes (NetlinkHostNetReader, hostnet.h). A gateway whose subnet
    // overlaps one of them gets a WARNING naming the route and its interface — unless the
    // route's interface is the one that carries that gateway's address (the bridge or tap
    // the allocator names for it: the route of this very network while it runs).
    QList<HostRoute> hostRoutes;
};

// Checks `topology` against every rule of docs/topology-format.md ("Validation"), and
// against `context` when given. Returns all issues, in the order of the nodes and links
// they concern (host-route warnings last). Pure.
QList<Issue> validate(const Topology &topology, const ValidationContext &context = {});

// True if any issue is an error.
bool hasErrors(const QList<Issue> &issues);

// cloud-init field checks, shared by the validator and the editors. Each returns "" when
// the value is fine, else the reason (without the field's name). Pure.
// A user name for useradd: [a-z_][a-z0-9_-]{0,31}.
QString checkUserName(const QString &name);
// One OpenSSH public key line: "TYPE BASE64 [comment]" whose base64 decodes to a key blob
// that starts with the same TYPE (ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256/384/521 and
// their sk- forms); no control characters.
QString checkSshPublicKey(const QString &line);
// A crypt(3) hash as /etc/shadow holds it: "$ID$..." without spaces or colons.
QString checkPasswordHash(const QString &hash);
// A host name label: 1-63 letters, digits and '-', not starting or ending with '-'.
QString checkHostName(const QString &name);

}  // namespace netloom::model
