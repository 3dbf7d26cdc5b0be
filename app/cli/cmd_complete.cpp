// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl __complete WORDS...: the hidden command behind the bash completion
// (completion/netloomctl.bash). WORDS are the words after "netloomctl" up to and including
// the one being completed (possibly ""). Prints one directive line, then candidate words, one
// a line:
//   none | files | json | dirs   -- what the shell adds from the file system (json: *.json
//                                   files and directories)
//   WORD...                       -- already filtered by the prefix being completed
// Running topologies are the control sockets in $XDG_RUNTIME_DIR/netloom (a directory
// listing, no connection); guests are asked of the running topology (op "status", at most
// kGuestQueryMs). Nothing running, or any error: no words and nothing on stderr. Always
// exits 0, except for a usage error in WORDS themselves (none exist: unknown words complete
// to nothing).
#include "cliparser.h"
#include "commands.h"

#include "runtime/controlserver.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonObject>

namespace netloom::cli {

namespace {

constexpr int kGuestQueryMs = 500;  // the completion must stay fast when a topology hangs
constexpr qsizetype kMaxWords = 256;  // a command line longer than this completes to nothing

QString controlDir() { return QFileInfo(runtime::controlSocketPathFor(QStringLiteral("x"))).absolutePath(); }

QStringList runningTopologies()
{
    QStringList names;
    for (const QString &f : QDir(controlDir()).entryList({QStringLiteral("*.ctl")}, QDir::System | QDir::Files, QDir::Name))
        names << f.chopped(4);
    return names;
}

// The node ids of the running topology named by `socket` or `topology`, or of the only one.
QStringList runningGuests(QString socket, const QString &topology)
{
    if (socket.isEmpty() && !topology.isEmpty())
        socket = runtime::controlSocketPathFor(topology);
    if (socket.isEmpty()) {
        const QStringList running = runningTopologies();
        if (running.size() != 1)
            return {};
        socket = controlDir() + u'/' + running.first() + QStringLiteral(".ctl");
    }
    const Result<QJsonObject> r = runtime::queryControl(socket, QStringLiteral("status"), kGuestQueryMs);
    if (!r)
        return {};
    return r->value(QStringLiteral("nodes")).toObject().keys();
}

// Every name of every option of `spec`, dash-prefixed, the common ones included.
QStringList optionNames(const CliSpec &spec)
{
    QStringList out;
    for (const CliOption &o : spec.options)
        for (const QString &n : o.option.names())
            out << (n.size() == 1 ? QStringLiteral("-") : QStringLiteral("--")) + n;
    return out + commonOptionNames();
}

// The option of `spec` called `word` ("--sock", "-s"), if it takes a value.
const CliOption *valueOptionNamed(const CliSpec &spec, const QString &word)
{
    const QString name = word.startsWith(QLatin1String("--")) ? word.mid(2) : word.mid(1);
    for (const CliOption &o : spec.options)
        if (!o.option.valueName().isEmpty() && o.option.names().contains(name))
            return &o;
    return nullptr;
}

void emitWords(const QString &directive, const QStringList &words, const QString &prefix)
{
    QString out = directive + u'\n';
    for (const QString &w : words)
        if (w.startsWith(prefix))
            out += w + u'\n';
    printOut(out);
}

void emitKind(Complete kind, const QStringList &words, const QString &prefix, const QString &socket, const QString &topology)
{
    switch (kind) {
    case Complete::None: return emitWords(QStringLiteral("none"), {}, prefix);
    case Complete::TopologyFile: return emitWords(QStringLiteral("json"), {}, prefix);
    case Complete::File: return emitWords(QStringLiteral("files"), {}, prefix);
    case Complete::Directory: return emitWords(QStringLiteral("dirs"), {}, prefix);
    case Complete::RunningTopology: return emitWords(QStringLiteral("none"), runningTopologies(), prefix);
    case Complete::RunningOrTopologyFile: return emitWords(QStringLiteral("json"), runningTopologies(), prefix);
    case Complete::Guest: return emitWords(QStringLiteral("none"), runningGuests(socket, topology), prefix);
    case Complete::Words: return emitWords(QStringLiteral("none"), words, prefix);
    }
}

}  // namespace

int runComplete(const QStringList &args)
{
    if (args.isEmpty() || args.size() > kMaxWords) {
        emitWords(QStringLiteral("none"), {}, QString());
        return ExitOk;
    }
    const QString cur = args.last();
    if (args.size() == 1) {
        QStringList names;
        for (const Command &c : commands())
            names << QString::fromLatin1(c.name);
        names << QStringLiteral("--help") << QStringLiteral("--version");
        emitWords(QStringLiteral("none"), names, cur);
        return ExitOk;
    }
    const QString command = args.first();
    const Command *found = nullptr;
    for (const Command &c : commands())
        if (command == QLatin1String(c.name))
            found = &c;
    if (!found || !found->spec) {
        emitWords(QStringLiteral("none"), {}, cur);
        return ExitOk;
    }
    const CliSpec spec = found->spec();
    // Walk the finished words: options, their values, positionals.
    QStringList positionals;
    QString socket;
    bool optionsDone = false;
    const CliOption *pending = nullptr;  // the option whose value comes next
    for (qsizetype i = 1; i + 1 < args.size(); ++i) {
        const QString &w = args[i];
        if (pending) {
            if (w == QLatin1String("="))
                continue;  // bash splits "--opt=value" into "--opt", "=", "value"
            if (pending->option.names().contains(QStringLiteral("socket")))
                socket = w;
            pending = nullptr;
        } else if (!optionsDone && w == QLatin1String("--")) {
            optionsDone = true;
        } else if (!optionsDone && w.startsWith(u'-') && w.size() > 1) {
            if (!w.contains(u'='))
                pending = valueOptionNamed(spec, w);
        } else {
            positionals << w;
        }
    }
    if (pending) {
        emitKind(pending->complete, pending->words, cur, socket, QString());
        return ExitOk;
    }
    if (!optionsDone && cur.startsWith(u'-')) {
        emitWords(QStringLiteral("none"), optionNames(spec), cur);
        return ExitOk;
    }
    qsizetype k = positionals.size();
    if (k >= spec.positionals.size()) {
        if (!spec.lastRepeats || spec.positionals.isEmpty()) {
            emitWords(QStringLiteral("none"), {}, cur);
            return ExitOk;
        }
        k = spec.positionals.size() - 1;
    }
    // A guest is looked up in the topology named after it, when that is typed already: not
    // known yet here, so the socket or the only running topology.
    const CliPositional &p = spec.positionals[k];
    emitKind(p.complete, p.words, cur, socket, QString());
    return ExitOk;
}

}  // namespace netloom::cli
