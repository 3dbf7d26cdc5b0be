#include "topologyloader.h"

#include "model/allocator.h"
#include "model/topologyjson.h"
#include "model/validator.h"

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

}  // namespace netloom::plan
