// Loading a topology file for planning: decode, allocate, validate.
//
// The planner wants an allocated and valid topology; every front end (netloomctl plan and
// export, the golden tests) gets one the same way through this function.
#pragma once

#include "base/result.h"
#include "model/topology.h"

#include <QString>

namespace netloom::plan {

// Reads `path` (model::loadTopologyFile), fills in MACs and interface names
// (model::allocate), and validates the result (model::validate). Returns the allocated
// topology, or the load Error, or an InvalidArgument Error naming the first validation
// error: "failed to validate '<path>': <json path>: <message>". Warnings are ignored.
// Touches: reads the file.
Result<model::Topology> loadTopologyForPlan(const QString &path);

}  // namespace netloom::plan
