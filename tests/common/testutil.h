// SPDX-License-Identifier: GPL-3.0-or-later
// Shared helpers for Netloom's tests: skipping with a reason (exit 77), locating source
// files, running commands with a bound on time and output.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>

namespace netloom::test {

// Exit code CTest treats as "skipped" (SKIP_RETURN_CODE 77).
constexpr int kSkipCode = 77;

// Prints "SKIP: <reason>" to stderr and exits the process with 77. Never returns.
[[noreturn]] void skipTest(const QString &reason);
// Skips unless running as root (network tests need it).
void requireRoot();
// Skips unless `program` is found in PATH (or /usr/sbin, /sbin); returns its path.
QString requireTool(const QString &program);
// Returns the path of `program` or "" (same search as requireTool).
QString findTool(const QString &program);

// Absolute path of a file in the source tree, e.g. sourcePath("examples/demo.json").
QString sourcePath(const QString &relative);
// Absolute path of a file in the build tree, e.g. binaryPath("app/cli/netloomctl").
QString binaryPath(const QString &relative);

struct CommandResult {
    int exitCode = -1;       // -1 if it did not start or timed out
    bool timedOut = false;
    QByteArray out;
    QByteArray err;
    QString describe() const;  // "exit N; stderr: ..." for failure messages
};

// Runs argv[0] with argv[1..] (no shell), waits up to timeoutMs, kills it after that.
// `input` is written to its stdin. Output is kept up to 4 MiB per stream.
CommandResult run(const QStringList &argv, int timeoutMs = 30000, const QByteArray &input = {});

// Reads a whole file (up to 64 MiB); returns empty on error.
QByteArray readFile(const QString &path);
// Makes a fresh ed25519 key pair without a passphrase at `path` (and path.pub) with
// ssh-keygen, comment `comment`. Touches: those two files.
CommandResult makeSshKey(const QString &path, const QString &comment = QStringLiteral("netloom-test"));
// The SHA-256 of a whole file (any size), hex; empty on error.
QByteArray fileSha256(const QString &path);
// Every entry of `dir` (hidden ones included, no . and ..), sorted by name: what a test
// compares to see that nothing was left behind.
QStringList dirEntries(const QString &dir);

// Takes every complete line off the front of `buf` (a child's JSON-lines output), each with
// its JSON object or std::nullopt when the line is not one; an unfinished line stays in buf.
QList<std::pair<QByteArray, std::optional<QJsonObject>>> takeJsonLines(QByteArray *buf);

}  // namespace netloom::test
