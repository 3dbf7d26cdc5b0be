// SPDX-License-Identifier: GPL-3.0-or-later
// The cloud-init NoCloud seed of a guest (issue #11): what goes into its "cidata" volume.
//
// Design note. A guest with a cloudInit section gets a seed with three files, built here
// purely from the topology, so the runtime and the exported script write the same bytes:
// - meta-data: instance-id and local-hostname. The instance-id carries a hash of the seed's
//   content, so a changed section (a new key, another user) is applied again by cloud-init
//   on a guest whose disk persists, and an unchanged one is not.
// - user-data: "#cloud-config" with the user (ssh_authorized_keys: the section's keys, then,
//   with userKeys, the keys of the user who starts the topology, which the caller reads and
//   passes in, so this stays pure; the password hash when set, passwordless sudo), hostname, and ssh_pwauth only with a password. With extra
//   user-data the file is a MIME multipart: our cloud-config first, then the user's part
//   (its type from its first line: #cloud-config, #!, #cloud-boothook, #include), merged
//   with list(append)+dict(recurse_array)+str() so its lists add to ours.
// - network-config (version 2): each NIC on a switch or tap matched by its MAC; DHCP, or,
//   when a host port serving its network reserves an address for that MAC, that address
//   as a static one with the host port as gateway (when it NATs or routes) and DNS server
//   (when it serves DNS). User-mode NICs use DHCP; socket NICs are left alone.
// Every value is written as JSON, which YAML reads as it is: no quoting to get wrong.
#pragma once

#include "base/result.h"
#include "model/topology.h"

#include <QByteArray>

namespace netloom::plan {

struct NoCloudSeed {
    QByteArray metaData;
    QByteArray userData;
    QByteArray networkConfig;
    bool operator==(const NoCloudSeed &) const = default;
};

// The seed of guest `guest` (which must have a cloudInit section) in `topology`, whose name
// makes the instance-id. When the section has userKeys, `userKeys` (public key lines, e.g.
// PlanContext::userKeys) are authorized after its own sshKeys: a key already there (same
// type and key data) is not repeated, and the list stops at model::limits::kMaxSshKeys;
// without userKeys they are ignored. Errors name the field (an invalid user, key, host
// name, hash; "userKeys[N]" for an invalid passed-in key). Pure.
Result<NoCloudSeed> buildNoCloudSeed(const model::Topology &topology, const model::Node &guest, const QStringList &userKeys = {});

// The keys the seed of `c` authorizes: c.sshKeys, then (with c.userKeys) those of `userKeys`
// whose type and key data are not in the list yet, while the list has fewer than
// model::limits::kMaxSshKeys.
// Pure; the keys are not checked here.
QStringList seedAuthorizedKeys(const model::CloudInitConfig &c, const QStringList &userKeys);

// The seed's host name: the section's, else the node's name. Pure.
QString seedHostName(const model::Node &guest);

}  // namespace netloom::plan
