// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl sub-commands. Each lives in its own cmd_<name>.cpp and is registered in the
// table in main.cpp. A command gets its arguments (without the program and command name)
// and returns a process exit code (see ExitCode). Errors go to stderr, one line each:
// "netloomctl <cmd>: <message>".
#pragma once

#include <QString>
#include <QStringList>

#include <span>

namespace netloom::cli {

// Documented in `netloomctl --help`; never change a value's meaning.
enum ExitCode : int {
    ExitOk = 0,
    ExitFailure = 1,     // the operation failed at run time (I/O, helper, process)
    ExitUsage = 2,       // bad command line
    ExitInvalid = 3,     // the input file is unreadable, malformed or fails validation
    ExitInterrupted = 130,
};

struct CliSpec;

struct Command {
    const char *name;
    const char *summary;            // one line for --help
    int (*run)(const QStringList &args);
    CliSpec (*spec)();              // its options and arguments (cliparser.h), for completion and tests
};

// The registered commands, in the order `netloomctl --help` lists them (main.cpp).
std::span<const Command> commands();

// Prints "netloomctl <cmd>: <message>" to stderr.
void printError(const QString &command, const QString &message);
// Prints to stdout / stderr without buffering surprises.
void printOut(const QString &text);
void printErr(const QString &text);

}  // namespace netloom::cli
