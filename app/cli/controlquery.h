// The commands that query a running 'netloomctl up' over its per-user control socket
// (leases, stats) differ only in how they print the reply; this runs everything else.
#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace netloom::cli {

// Parses `[NAME] [--socket PATH] [--json] [--help]` for command `op` (`what` names the reply
// in --help), finds the control socket (NAME's, or the only running topology's), sends `op`,
// and prints the reply: compact JSON with --json, else formatTable(reply). Errors are one
// line on stderr. Returns the exit code (ExitOk, ExitUsage, ExitFailure).
int runControlQuery(const QString &op, const QString &what, const QStringList &args,
                    const std::function<QString(const QJsonObject &)> &formatTable);

}  // namespace netloom::cli
