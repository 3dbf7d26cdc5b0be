// SPDX-License-Identifier: GPL-3.0-or-later
// The commands that talk to a running 'netloomctl up' over its per-user control socket
// (leases, stats, capture) differ only in their own options and in how they print the reply;
// this runs everything else.
#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace netloom::cli {

struct ControlCommand {
    QString op;            // the request's "op", also the command's name
    QString what;          // what it shows or does, for --help ("the per-port counters")
    QString usage;         // the command's own options for the usage line ("" = none)
    QString help;          // their description, appended to --help ("" = none)
    // Consumes one argument the common parser does not know into `request` (next() yields
    // the following argument, if any). Returns "" or a usage error. Unset: every unknown
    // option is a usage error.
    std::function<QString(const QString &arg, const std::function<std::optional<QString>()> &next, QJsonObject *request)> option;
    // Checks the finished request (required options). Returns "" or a usage error.
    std::function<QString(const QJsonObject &request)> check;
    // The reply as text (without --json).
    std::function<QString(const QJsonObject &reply)> formatTable;
    // Request keys filled, in order, by the first positional arguments (e.g. {"node","file"}:
    // `screenshot GUEST FILE`); one more positional names the topology. All are required.
    QStringList positionals;
    // How the usage line names them ("GUEST FILE"); unset: the keys in capitals.
    QStringList positionalLabels;
    // The command's name when it differs from the op ("ssh" asks "ssh-target").
    QString name;
    // Turns a positional value into the request's value (e.g. a path made absolute); unset:
    // as given.
    std::function<QString(const QString &key, const QString &value)> positionalValue;
    // Replaces "send the request and print the reply" (e.g. a console that keeps the
    // connection's descriptor); gets the control socket and the finished request and
    // returns the exit code.
    std::function<int(const QString &socket, const QJsonObject &request)> run;
};

// Parses `POSITIONALS... [NAME] [--socket PATH] [--json] [--help]` plus the command's own
// options, finds the control socket (NAME's, or the only running topology's), sends the
// request, and prints the reply: compact JSON with --json, else formatTable(reply) — or hands
// over to command.run. Errors are one line on stderr.
// Waits at most `timeoutMs` for the reply (runtime::queryControl).
// Returns the exit code (ExitOk, ExitUsage, ExitFailure).
int runControlQuery(const ControlCommand &command, const QStringList &args, int timeoutMs = 3000);

}  // namespace netloom::cli
