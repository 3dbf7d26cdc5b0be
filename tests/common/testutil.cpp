// SPDX-License-Identifier: GPL-3.0-or-later
#include "testutil.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace netloom::test {

void skipTest(const QString &reason)
{
    std::fprintf(stderr, "SKIP: %s\n", qPrintable(reason));
    std::fflush(stderr);
    std::_Exit(kSkipCode);
}

void requireRoot()
{
    if (::geteuid() != 0)
        skipTest(QStringLiteral("needs root to create network namespaces"));
}

QString findTool(const QString &program)
{
    QString p = QStandardPaths::findExecutable(program);
    if (p.isEmpty())
        p = QStandardPaths::findExecutable(program, {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin"),
                                                     QStringLiteral("/usr/lib/polkit-1")});
    return p;
}

QString requireTool(const QString &program)
{
    const QString p = findTool(program);
    if (p.isEmpty())
        skipTest(QStringLiteral("'%1' is not installed").arg(program));
    return p;
}

QString sourcePath(const QString &relative)
{
    return QDir(QStringLiteral(NETLOOM_SOURCE_DIR)).filePath(relative);
}

QString binaryPath(const QString &relative)
{
    return QDir(QStringLiteral(NETLOOM_BINARY_DIR)).filePath(relative);
}

QString CommandResult::describe() const
{
    if (timedOut)
        return QStringLiteral("timed out; stdout: %1; stderr: %2")
            .arg(QString::fromUtf8(out.right(2000)), QString::fromUtf8(err.right(2000)));
    return QStringLiteral("exit %1; stdout: %2; stderr: %3")
        .arg(exitCode)
        .arg(QString::fromUtf8(out.right(2000)), QString::fromUtf8(err.right(2000)));
}

CommandResult run(const QStringList &argv, int timeoutMs, const QByteArray &input)
{
    CommandResult r;
    if (argv.isEmpty())
        return r;
    QProcess p;
    p.setProgram(argv.first());
    p.setArguments(argv.mid(1));
    p.start();
    if (!p.waitForStarted(5000)) {
        r.err = p.errorString().toUtf8();
        return r;
    }
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    constexpr qsizetype kMax = 4 << 20;
    if (!p.waitForFinished(timeoutMs)) {
        r.timedOut = true;
        p.kill();
        p.waitForFinished(2000);
    } else {
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }
    r.out = p.readAllStandardOutput().left(kMax);
    r.err = p.readAllStandardError().left(kMax);
    return r;
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.read(64 << 20);
}

CommandResult makeSshKey(const QString &path, const QString &comment)
{
    return run({QStringLiteral("ssh-keygen"), QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"), QStringLiteral("-N"),
                QString(), QStringLiteral("-C"), comment, QStringLiteral("-f"), path});
}

QByteArray fileSha256(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    if (!h.addData(&f))
        return {};
    return h.result().toHex();
}

QStringList dirEntries(const QString &dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
}

QList<std::pair<QByteArray, std::optional<QJsonObject>>> takeJsonLines(QByteArray *buf)
{
    QList<std::pair<QByteArray, std::optional<QJsonObject>>> out;
    qsizetype nl;
    while ((nl = buf->indexOf('\n')) >= 0) {
        QByteArray line = buf->left(nl);
        buf->remove(0, nl + 1);
        const QJsonDocument d = QJsonDocument::fromJson(line);
        out.append({std::move(line), d.isObject() ? std::optional<QJsonObject>(d.object()) : std::nullopt});
    }
    return out;
}

}  // namespace netloom::test
