// SPDX-License-Identifier: GPL-3.0-or-later
//
// One command-line parser for every netloomctl command (issue #16 part 5).
//
// Design note. Each command describes itself once in a CliSpec: its synopsis, a description,
// its options (QCommandLineOption: names, value name, description), its positional arguments
// and what they complete to. The same spec serves three readers:
//   - CliParser parses the command's arguments with QCommandLineParser, so every command
//     gets the same conventions: `-h`/`--help` (the help text is generated from the spec, in
//     one layout), `--version`, `--` ends the options, `--opt=value` and `--opt value` both
//     work, repeatable options are repeatable, and an unknown option or a missing value is
//     one line "netloomctl <cmd>: <message> (see 'netloomctl <cmd> --help')" with exit
//     code ExitUsage;
//   - the hidden `netloomctl __complete` command (cmd_complete.cpp) that the bash
//     completion calls;
//   - the man page check (tests/cli), which asks `__complete` for every option.
// A command keeps its own checks of values and positional counts (their messages predate the
// parser and tests rely on them).
#pragma once

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace netloom::cli {

// What a word completes to (bash completion).
enum class Complete {
    None,             // nothing useful (free text)
    TopologyFile,     // *.json files (and directories)
    File,             // any file
    Directory,        // directories
    RunningTopology,  // the name of a running topology (its control socket)
    RunningOrTopologyFile,  // either of them
    Guest,            // a node id of the running topology
    Words,            // one of a fixed list
};

struct CliOption {
    QCommandLineOption option;
    Complete complete = Complete::None;  // what its value completes to (options with a value)
    QStringList words;                   // Complete::Words
};

struct CliPositional {
    QString name;         // as in the usage line: "FILE", "GUEST", "[NAME]"
    QString description;  // one sentence for --help
    Complete complete = Complete::None;
    QStringList words;  // Complete::Words
};

struct CliSpec {
    QString command;      // "up"
    QString synopsis;     // after "usage: netloomctl <command> ", e.g. "FILE [options]"
    QString description;  // the paragraph(s) under the usage line, preformatted
    QList<CliOption> options;
    QList<CliPositional> positionals;
    bool lastRepeats = false;  // the last positional may be given any number of times
    QString footer;            // appended after the options, e.g. the exit codes
};

// Spec builders (named fields, no half-filled aggregates).
// A flag: names without dashes ({"json"} or {"i", "identity"}).
CliOption flagOption(const QStringList &names, const QString &description);
// An option with a value named `valueName` in the help ("PATH").
CliOption valueOption(const QStringList &names, const QString &valueName, const QString &description,
                      Complete complete = Complete::None, const QStringList &words = {});
// --helper-socket PATH, as every command that talks to the privileged helper takes it.
CliOption helperSocketOption();
CliPositional positionalArg(const QString &name, const QString &description, Complete complete = Complete::None,
                            const QStringList &words = {});

class CliParser {
public:
    explicit CliParser(CliSpec spec);

    // Parses `args` (the words after "netloomctl <command>"). Prints the help or the version
    // to stdout, or a usage error to stderr. Returns the exit code the command ends with
    // (ExitOk after --help/--version, ExitUsage after an error), or std::nullopt when the
    // command should go on and read the parsed values. Touches stdout/stderr only.
    std::optional<int> parse(const QStringList &args);

    // The parsed values, by any of an option's names (without dashes).
    bool isSet(const QString &name) const { return m_parser.isSet(name); }
    QString value(const QString &name) const { return m_parser.value(name); }
    QStringList values(const QString &name) const { return m_parser.values(name); }
    // Every positional argument in order (those after `--` included).
    QStringList positionals() const { return m_parser.positionalArguments(); }

    // Prints "netloomctl <command>: <message>" to stderr and returns ExitUsage.
    int usageError(const QString &message) const;

    // The help text: usage line, description, options, arguments, footer.
    QString helpText() const;
    const CliSpec &spec() const { return m_spec; }

private:
    CliSpec m_spec;
    QCommandLineParser m_parser;
};

// The options every command has (help, version), as they appear in the spec's option list;
// CliParser adds them itself. Returns their long and short names, dash-prefixed.
QStringList commonOptionNames();

}  // namespace netloom::cli
