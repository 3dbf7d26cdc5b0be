// SPDX-License-Identifier: GPL-3.0-or-later
// Running a firewall tool (nft, iptables-nft, iptables-legacy-save) from the helper.
//
// Design note. argv only (never a shell), a clean environment (PATH only), the executable
// looked up in the system directories only, a hard time bound (the tool is killed after
// it) and a bound on the output kept. Used by the doctor's facts (diagnose.h) and repairs
// (filteraccepts.cpp); the nft table load keeps its own runner in linuxhostops.cpp.
#pragma once

#include "base/result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace netloom::helper {

struct ToolOutput {
    int exitCode = -1;
    QByteArray out;        // stdout, at most maxOutput bytes
    bool truncated = false;
    QByteArray err;        // stderr, at most 4 KiB
};

// The absolute path of `name` in /usr/sbin, /sbin, /usr/bin or /bin, or "".
QString findTool(const QString &name);
// Runs `tool` (a name for findTool) with `args`; NotFound when it is not installed, Timeout
// after timeoutMs, System when it cannot start or crashes. A non-zero exit is a value
// (exitCode), not an error. Touches: starts and waits for one process.
Result<ToolOutput> runTool(const QString &tool, const QStringList &args, int timeoutMs, qint64 maxOutput = 1 << 20);

}  // namespace netloom::helper
