// SPDX-License-Identifier: GPL-3.0-or-later
#include "toolrun.h"

#include <QDeadlineTimer>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>

namespace netloom::helper {

QString findTool(const QString &name)
{
    return QStandardPaths::findExecutable(name, {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin"),
                                                 QStringLiteral("/usr/bin"), QStringLiteral("/bin")});
}

Result<ToolOutput> runTool(const QString &tool, const QStringList &args, int timeoutMs, qint64 maxOutput)
{
    const QString path = findTool(tool);
    if (path.isEmpty())
        return Error::failed(ErrorCode::NotFound, QStringLiteral("run"), tool, QStringLiteral("it is not installed"));
    QProcess p;
    QProcessEnvironment env;
    env.insert(QStringLiteral("PATH"), QStringLiteral("/usr/sbin:/usr/bin:/sbin:/bin"));
    p.setProcessEnvironment(env);
    p.setProgram(path);
    p.setArguments(args);
    p.setStandardInputFile(QProcess::nullDevice());
    p.start();
    if (!p.waitForStarted(timeoutMs))
        return Error::failed(ErrorCode::System, QStringLiteral("run"), tool, p.errorString());
    ToolOutput o;
    const auto drain = [&] {
        const QByteArray chunk = p.readAllStandardOutput();
        const qint64 room = maxOutput - o.out.size();
        if (chunk.size() > room) {
            o.out += chunk.left(room);
            o.truncated = true;
        } else {
            o.out += chunk;
        }
        o.err = (o.err + p.readAllStandardError()).left(4096);
    };
    // waitForFinished would buffer everything; drain as it comes, within the deadline.
    QDeadlineTimer deadline(timeoutMs);
    while (p.state() != QProcess::NotRunning && !deadline.hasExpired()) {
        p.waitForReadyRead(int(qMax<qint64>(1, qMin<qint64>(100, deadline.remainingTime()))));
        drain();
    }
    if (p.state() != QProcess::NotRunning) {
        p.kill();
        p.waitForFinished(1000);
        return Error::failed(ErrorCode::Timeout, QStringLiteral("run"), tool,
                             QStringLiteral("it did not finish within %1 ms").arg(timeoutMs));
    }
    drain();
    if (p.exitStatus() != QProcess::NormalExit)
        return Error::failed(ErrorCode::System, QStringLiteral("run"), tool, QStringLiteral("it crashed"));
    o.exitCode = p.exitCode();
    return o;
}

}  // namespace netloom::helper
