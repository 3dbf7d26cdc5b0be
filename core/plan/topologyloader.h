// SPDX-License-Identifier: GPL-3.0-or-later
// Loading a topology file for planning: decode, allocate, validate.
//
// The planner wants an allocated and valid topology; every front end (netloomctl plan and
// export, the golden tests) gets one the same way through this function.
#pragma once

#include "base/result.h"
#include "model/topology.h"
#include "plan/planner.h"

#include <QString>

namespace netloom::plan {

// Reads `path` (model::loadTopologyFile), fills in MACs and interface names
// (model::allocate), and validates the result (model::validate). Returns the allocated
// topology, or the load Error, or an InvalidArgument Error naming the first validation
// error: "failed to validate '<path>': <json path>: <message>". Warnings are ignored.
// Touches: reads the file.
Result<model::Topology> loadTopologyForPlan(const QString &path);

struct LoadedPlan {
    model::Topology topology;
    Plan plan;
    QString runtimeDir;
};
// loadTopologyForPlan(path), then plan() it in `runtimeDir` (defaultRuntimeDir(name) when
// empty) with relative guest paths resolved against the file's directory. Returns the first
// Error of either step. Touches: reads the file and the environment (default directory).
Result<LoadedPlan> loadAndPlan(const QString &path, const QString &runtimeDir);

}  // namespace netloom::plan
