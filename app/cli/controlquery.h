// Shared front half of the commands that query a running 'netloomctl up' over its per-user
// control socket (leases, stats): argument parsing, socket discovery, the request itself.
#pragma once

#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace netloom::cli {

// Parses `[NAME] [--socket PATH] [--json] [--help]` for command `op`, finds the control socket
// (NAME's, or the only running topology's), sends `op` and returns the reply. Prints help
// (then *exitCode = ExitOk) or one error line (usage: ExitUsage; lookup/transport: ExitFailure)
// and returns nullopt instead. *json is set when the caller should print the raw reply.
std::optional<QJsonObject> queryRunningTopology(const QString &op, const QString &what, const QStringList &args,
                                                bool *json, int *exitCode);

}  // namespace netloom::cli
