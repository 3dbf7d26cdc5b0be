// SPDX-License-Identifier: GPL-3.0-or-later
// The topology file format: JSON load/save (docs/topology-format.md).
//
// Design note. The file is a versioned JSON object
//   {"format": "netloom-topology", "version": 3, "name": ..., "nodes": [...], "links": [...]}
// Version 2 added network emulation (a link's "emulation", a switch's "mirrors"); a version-1
// file is a version-2 file without them and loads unchanged. Version 3 added port forwards on
// NAT gateways (a host port's "nat.forwards"); a version-2 file is a version-3 file without
// them. The writer puts the lowest version that can express the topology (1 without emulation
// or forwards), so such files stay readable by older builds; files of a version above
// kFormatVersion are refused (Unsupported).
// Decoding is strict, because a typo must not silently become a default: every key must be
// known at its place, every value must have the documented type and range, required fields
// must be present. The first problem found is returned as an Error whose message names the
// source, the JSON path and the reason, e.g.
//   failed to load topology 'lab.json': nodes[2] (id 'gw0').hostPort.dhcp.leaseSeconds:
//   expected an integer 120..31536000
// Decoding checks shapes and ranges only; the meaning of values (addresses, names, links)
// is checked by validator.h, so that models edited in memory get the same checks.
//
// Encoding is canonical: a fixed key order per object, fields equal to their default left
// out (except id/type/name/position), two-space indentation, short all-scalar objects and
// arrays on one line. parseTopology(serializeTopology(t)) == t for every topology whose
// node configs other than the one matching its type are default (the only ones the format
// can express).
//
// Relative file paths in guests (disks, kernel, initrd, cdrom) are stored exactly as
// written; they are resolved against the directory of the topology file (resolvePath).
#pragma once

#include "base/result.h"
#include "model/topology.h"

#include <QByteArray>
#include <QString>

namespace netloom::model {

// Decodes a topology from JSON bytes. `sourceName` (usually the file path) only appears in
// error messages. Returns the topology or an Error: Parse (JSON syntax, with line and
// column), Unsupported (newer format version), InvalidArgument (wrong format name, wrong
// type, unknown key, missing field, value out of range), LimitExceeded (too many nodes,
// links, list items, or a string too long). Pure; never crashes on any input.
Result<Topology> parseTopology(const QByteArray &json, const QString &sourceName);

// Encodes a topology as canonical JSON text (UTF-8, trailing newline). Pure.
QByteArray serializeTopology(const Topology &topology);

// Reads and decodes a topology file of at most limits::kMaxFileBytes. Errors: Io (cannot
// open/read, a directory), LimitExceeded (file too large), and those of parseTopology.
// Touches: reads the file.
Result<Topology> loadTopologyFile(const QString &path);

// Writes serializeTopology(topology) to `path` atomically (a temporary file renamed over
// the target, so readers see the old or the new file, never half of one).
// Touches: creates/replaces `path`. Errors: Io.
Status saveTopologyFile(const Topology &topology, const QString &path);

// Resolves a path stored in a topology (disk, kernel, initrd, cdrom) against the directory
// of the topology file: absolute paths are returned cleaned, relative ones are joined to
// the absolute directory of `topologyFile`; "" stays "". Pure (no file system access
// beyond making `topologyFile` absolute against the current directory).
QString resolvePath(const QString &topologyFile, const QString &path);

}  // namespace netloom::model
