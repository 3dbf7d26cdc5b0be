// SPDX-License-Identifier: GPL-3.0-or-later
// The shell exporter: a topology as one standalone POSIX sh script (DESIGN.md §6).
//
// Design note. The exporter renders the planner's output, so the script and the live network
// agree: HostState becomes ip/nft/dnsmasq commands, RuntimePlan becomes vde_switch, vde_plug
// and qemu-system-* lines. The plan is made with the runtime directory set to a placeholder
// (kStateDirToken); every argv word that contains it is emitted as "$STATE_DIR" plus the
// single-quoted rest, so the state directory is chosen when the script runs (environment
// variable VNET_STATE_DIR) while everything else is fixed at export time. Every other byte
// from the topology is emitted inside single quotes, so names, paths and arguments with
// spaces, quotes, $ or backticks neither break nor inject.
//
// The script's `start` checks before it creates and appends one line per created object to
// $STATE_DIR/created (a process is recorded just before it is launched, so that the files a
// failed launch leaves behind are still cleaned up); `stop` walks the objects the script knows about in reverse order and
// removes only those recorded there. Commands: start, start-net (no guests), stop, restart,
// status. docs/export.md describes the script for its users.
#pragma once

#include "base/result.h"
#include "model/topology.h"
#include "plan/planner.h"

#include <QString>

namespace netloom::exporter {

// Placeholder runtime directory the exporter plans with (see the design note).
inline constexpr const char *kStateDirToken = "/@STATE_DIR@";

// Plans `topology` (relative guest paths resolved against topologyDir, an absolute path)
// and renders the script. `userKeys` go to the seeds of cloudInit sections with userKeys
// (PlanContext::userKeys): the exporting user's keys (runtime::userKeysFor), so the script
// carries the keys of whoever exported it. Returns the script text or the planner's /
// exporter's Error. Pure: reads no files, touches nothing.
Result<QString> exportShell(const model::Topology &topology, const QString &topologyDir, const QStringList &userKeys = {});

// Renders a script from a plan made with PlanContext::runtimeDir == kStateDirToken.
// `name` is the topology name (used for the default state directory and the nft table).
Result<QString> renderShell(const QString &name, const plan::Plan &plan);

// `s` as one POSIX sh word in single quotes ('it'\''s'). Pure.
QString shellQuote(const QString &s);

}  // namespace netloom::exporter
