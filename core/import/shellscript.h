// SPDX-License-Identifier: GPL-3.0-or-later
// The shell-script walker of the importer: tokens become the simple commands a script would
// run on `start`, without running any of them.
//
// Design note. walkShell() follows the grammar of POSIX sh far enough for rc scripts and
// how-to snippets: lists (; & && || |, newlines), { … } and ( … ) groups, `case WORD in
// pattern) … ;; esac` (the first branch whose pattern matches `caseValue`, "start" by
// default, is the one that runs; $1 and other unset subjects count as `caseValue`), `if`
// (the then-branch is walked as if the condition held; the condition and the other
// branches are reported as skipped), function definitions (their body is walked where the
// function is called; a function never called is reported as skipped), and assignments
// (VAR=value, export/readonly/local VAR=value) whose values expand later words. `for`,
// `while` and `until` loops are skipped and reported. Unquoted expansions are split into
// fields on blanks, as sh does.
//
// Every simple command comes back as a ShellCommand whose state says whether it would run
// (Active), sits on a path that does not run on start (Skipped, with why), or cannot be
// known without executing something (NotUnderstood, with why: a $(…) substitution, a
// variable that came from one, …). Unset variables other than $1… expand to their text as
// written ("$HOME") and are noted. Here-documents are attached to their command.
//
// Bounds: a function may call functions kMaxCallDepth deep (kMaxCalls calls and kMaxCallCommands
// commands walked inside calls in all), groups nest kMaxDepth deep, a
// variable's value holds at most kMaxValueChars characters, one command expands to at most
// kMaxExpandedWords words and all expansions of a script to kMaxExpandedChars characters;
// beyond that the command is NotUnderstood (never an unbounded loop or allocation).
#pragma once

#include "import/shellwords.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace netloom::importer {

namespace shlimits {
constexpr int kMaxDepth = 64;
constexpr int kMaxCallDepth = 8;
constexpr int kMaxCalls = 1024;           // function calls walked in one script
constexpr qsizetype kMaxCallCommands = 16384;  // simple commands walked inside those calls
constexpr qsizetype kMaxValueChars = 64 * 1024;
constexpr qsizetype kMaxExpandedWords = 1024 * 1024;
constexpr qsizetype kMaxExpandedChars = 64 * 1024 * 1024;
}  // namespace shlimits

struct Redirect {
    QString op;       // ">", ">>", "2>&1", "<<", …
    QString target;   // the expanded target word (the delimiter for here-documents)
    QString heredoc;  // the body of a here-document
    bool operator==(const Redirect &) const = default;
};

struct ShellCommand {
    enum class State { Active, Skipped, NotUnderstood };
    int line = 0;             // first line of the command
    QString text;             // the command as written (words joined by spaces, bounded)
    QStringList argv;         // expanded words (assignments in front removed)
    QList<Redirect> redirects;
    bool assignmentsOnly = false;  // VAR=value … without a command (argv holds "VAR=value")
    bool structural = false;  // a line of the script's structure (case, function, loop): no argv
    State state = State::Active;
    QString why;              // Skipped / NotUnderstood: the reason; Active: notes ("" if none)
    bool operator==(const ShellCommand &) const = default;
};

struct WalkOptions {
    QString caseValue = QStringLiteral("start");  // the value `case "$1"` is matched against
};

struct WalkResult {
    QList<ShellCommand> commands;  // in source order of execution (function bodies where called)
};

// Walks the tokens of a script (see the design note). The tokenizer's `problem`, if any,
// becomes a final NotUnderstood entry for the rest of the input. Pure.
WalkResult walkShell(const TokenizeResult &tokens, const WalkOptions &options = {});

}  // namespace netloom::importer
