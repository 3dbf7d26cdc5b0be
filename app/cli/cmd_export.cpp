// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl export FILE [--format sh] [-o OUT]: write a standalone shell script that
// rebuilds a topology with stock tools (docs/export.md).
#include "commands.h"

#include "export/shellexporter.h"
#include "plan/topologyloader.h"
#include "runtime/userkeys.h"

#include <QDir>
#include <QFileInfo>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace netloom::cli {

namespace {

const QString kCmd = QStringLiteral("export");

void printHelp()
{
    printOut(QStringLiteral(
        "usage: netloomctl export FILE [--format sh] [-o OUT]\n"
        "\n"
        "Writes one POSIX sh script with the commands start, start-net, stop, restart and status\n"
        "that rebuilds the topology with ip, vde_switch, vde_plug, dnsmasq, nft and QEMU\n"
        "(docs/export.md). MAC addresses and interface names are allocated as for 'plan'.\n"
        "Guests whose cloudInit section has userKeys get your ~/.ssh/*.pub: the script carries\n"
        "the public keys of whoever exported it.\n"
        "\n"
        "options:\n"
        "  --format sh   the script format (only 'sh' exists)\n"
        "  -o OUT        write to OUT (atomically, mode 0755) instead of stdout\n"
        "  -h, --help    show this help\n"
        "\n"
        "exit codes: 0 written, 1 OUT could not be written, 2 bad command line,\n"
        "            3 the topology is unreadable, malformed, invalid or cannot be realized\n"));
}

QString errnoText(int err) { return QString::fromLocal8Bit(std::strerror(err)); }

// Writes `data` to `path` through a temporary file in the same directory, made executable,
// synced and renamed over `path`: readers see the old file or the new one, never half.
Status writeAtomically(const QString &path, const QByteArray &data)
{
    const QString dir = QFileInfo(path).absolutePath();
    QByteArray tmpl = QFile::encodeName(dir + QStringLiteral("/.") + QFileInfo(path).fileName() + QStringLiteral(".XXXXXX"));
    const int fd = ::mkstemp(tmpl.data());
    if (fd < 0)
        return Error::failed(ErrorCode::Io, QStringLiteral("write"), path, errnoText(errno));
    auto fail = [&](int err) {
        ::close(fd);
        ::unlink(tmpl.constData());
        return Error::failed(ErrorCode::Io, QStringLiteral("write"), path, errnoText(err));
    };
    qsizetype done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.constData() + done, size_t(data.size() - done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail(errno);
        }
        done += n;
    }
    if (::fchmod(fd, 0755) != 0 || ::fsync(fd) != 0)
        return fail(errno);
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmpl.constData());
        return Error::failed(ErrorCode::Io, QStringLiteral("write"), path, errnoText(err));
    }
    if (::rename(tmpl.constData(), QFile::encodeName(path).constData()) != 0) {
        const int err = errno;
        ::unlink(tmpl.constData());
        return Error::failed(ErrorCode::Io, QStringLiteral("write"), path, errnoText(err));
    }
    return ok();
}

}  // namespace

int runExport(const QStringList &args)
{
    QString format = QStringLiteral("sh");
    QString out;
    QString file;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == QLatin1String("-h") || a == QLatin1String("--help")) {
            printHelp();
            return ExitOk;
        }
        if (a == QLatin1String("--format") || a == QLatin1String("-o")) {
            if (i + 1 >= args.size()) {
                printError(kCmd, QStringLiteral("%1 needs a value").arg(a));
                return ExitUsage;
            }
            (a == QLatin1String("-o") ? out : format) = args[++i];
        } else if (a.startsWith(QLatin1Char('-'))) {
            printError(kCmd, QStringLiteral("unknown option '%1' (see 'netloomctl export --help')").arg(a));
            return ExitUsage;
        } else if (file.isEmpty()) {
            file = a;
        } else {
            printError(kCmd, QStringLiteral("more than one topology file given"));
            return ExitUsage;
        }
    }
    if (format != QLatin1String("sh")) {
        printError(kCmd, QStringLiteral("failed to export as '%1': the only format is 'sh'").arg(format));
        return ExitUsage;
    }
    if (file.isEmpty()) {
        printError(kCmd, QStringLiteral("no topology file given (usage: netloomctl export FILE --format sh [-o OUT])"));
        return ExitUsage;
    }
    Result<model::Topology> t = plan::loadTopologyForPlan(file);
    if (!t) {
        printError(kCmd, t.error().message);
        return ExitInvalid;
    }
    // cloudInit sections with userKeys: the script carries the exporting user's keys.
    const runtime::UserKeys keys = runtime::userKeysFor(*t, QDir::homePath());
    for (const runtime::UserKeyWarning &w : keys.warnings)
        printErr(QStringLiteral("netloomctl export: warning: %1%2\n").arg(w.node.isEmpty() ? QString() : QStringLiteral("guest '%1': ").arg(w.node), w.message));
    Result<QString> script = exporter::exportShell(*t, QFileInfo(file).absolutePath(), keys.keys);
    if (!script) {
        printError(kCmd, script.error().message);
        return ExitInvalid;
    }
    if (out.isEmpty()) {
        printOut(*script);
        return ExitOk;
    }
    if (Status s = writeAtomically(out, script->toUtf8()); !s) {
        printError(kCmd, s.error().message);
        return ExitFailure;
    }
    return ExitOk;
}

}  // namespace netloom::cli
