// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to the topology format (topologyjson.h): the JSON of network emulation — a link's
// "emulation" object and a netloom switch's "mirrors" array (format version 2,
// docs/topology-format.md "Network emulation"). Split from topologyjson.cpp to keep that file
// small; not part of the model's API.
//
// Design note. The decoders check shapes and bounds only (like the rest of the decoder) and
// report the first problem as a JSON path and a reason, which topologyjson.cpp turns into its
// usual "failed to load topology '<file>': <path>: <reason>". Impairment values are decoded by
// protocol::impairmentFromJson, so the file, the helper protocol and the GUI agree on them.
#pragma once

#include "base/result.h"
#include "model/topology.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <optional>

namespace netloom::model::detail {

// "null", "a boolean", "a number", "a string", "an array", "an object" or "nothing": what a
// JSON value is, for "expected X, got Y" messages (topologyjson.cpp uses it too). Pure.
QString describeJsonType(const QJsonValue &v);

struct JsonProblem {
    ErrorCode code = ErrorCode::InvalidArgument;
    QString path;    // JSON path of the offending member
    QString reason;  // why, without the path
};

// Decodes a link's "emulation" value found at `path` (e.g. "links[2] (id 'c1').emulation"):
// {"ab": IMPAIRMENT, "ba": IMPAIRMENT, "both": IMPAIRMENT, "up": BOOL}, every member optional;
// "both" sets ab and ba and excludes them. Returns the first problem, or nothing and fills
// *out. Pure.
std::optional<JsonProblem> decodeLinkEmulation(const QJsonValue &value, const QString &path, LinkEmulation *out);

// Decodes a switch's "mirrors" value at `path`: an array of at most limits::kMaxMirrors
// objects {"source": LINK, "target": LINK, "direction": "rx"|"tx"|"both"} (direction
// optional, default both). Link ids are checked for shape only; the validator checks what they
// name. Returns the first problem, or nothing and fills *out. Pure.
std::optional<JsonProblem> decodeMirrors(const QJsonValue &value, const QString &path, QList<MirrorConfig> *out);

// The canonical JSON of a link's emulation; an empty object when it is the default (the writer
// then leaves the member out). ab == ba (not none) is written as "both". Pure.
QJsonObject encodeLinkEmulation(const LinkEmulation &e);

// The JSON of one mirror (direction left out when it is both). Pure.
QJsonObject encodeMirror(const MirrorConfig &m);

// The member order the writer uses for an impairment object (protocol::toJson's keys).
const QStringList &impairmentKeyOrder();

// The lowest format version that can express `t`: 3 when any NAT gateway has port forwards,
// else 2 when any link carries a non-default emulation or any switch has mirrors, else 1 (so
// files without these stay readable by builds that only know the older versions). Pure.
int requiredFormatVersion(const Topology &t);

}  // namespace netloom::model::detail
