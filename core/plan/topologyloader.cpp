// SPDX-License-Identifier: GPL-3.0-or-later
#include "topologyloader.h"

#include "model/allocator.h"
#include "model/topologyjson.h"
#include "model/validator.h"
#include "plan/rundir.h"

#include <QFileInfo>

namespace netloom::plan {

Result<model::Topology> loadTopologyForPlan(const QString &path)
{
    Result<model::Topology> loaded = model::loadTopologyFile(path);
    if (!loaded)
        return loaded.error();
    model::Topology t = model::allocate(*loaded);
    for (const model::Issue &issue : model::validate(t)) {
        if (issue.severity == model::Issue::Severity::Error)
            return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("validate"), path,
                                 QStringLiteral("%1: %2").arg(issue.path, issue.message));
    }
    return t;
}

Result<LoadedPlan> loadAndPlan(const QString &path, const QString &runtimeDir)
{
    Result<model::Topology> t = loadTopologyForPlan(path);
    if (!t)
        return t.error();
    const QString dir = runtimeDir.isEmpty() ? defaultRuntimeDir(t->name) : runtimeDir;
    Result<Plan> p = plan(*t, PlanContext{dir, QFileInfo(path).absolutePath()});
    if (!p)
        return p.error();
    return LoadedPlan{std::move(*t), std::move(*p), dir};
}

}  // namespace netloom::plan
