// SPDX-License-Identifier: GPL-3.0-or-later
// Where a run of a topology keeps its sockets, logs and control socket, per user.
#pragma once

#include <QString>

namespace netloom::plan {

// A name reduced to [A-Za-z0-9_] (at most 24 characters), with a short stable hash appended
// when anything had to change, so distinct names stay distinct. Names run directories, control
// sockets, exported state directories and nft tables. Pure.
QString safeId(const QString &name);

// $XDG_RUNTIME_DIR/netloom when XDG_RUNTIME_DIR is an absolute path, else /tmp/netloom-<uid>.
// Reads the environment and the uid; creates nothing.
QString userRunBase();
// userRunBase()/<file-safe id of topologyName>: the default PlanContext::runtimeDir.
QString defaultRuntimeDir(const QString &topologyName);
// userRunBase()/<file-safe id of topologyName>.ctl: the control socket of a running topology.
QString defaultControlSocket(const QString &topologyName);

}  // namespace netloom::plan
