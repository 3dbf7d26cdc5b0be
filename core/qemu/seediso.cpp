// SPDX-License-Identifier: GPL-3.0-or-later
#include "seediso.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSaveFile>
#include <QStandardPaths>

namespace netloom::qemu {

namespace {

const char *const kSeedFiles[] = {"meta-data", "user-data", "network-config"};

}  // namespace

void removeSeedIso(const QString &isoPath)
{
    if (!isoPath.endsWith(QLatin1String(".iso")))
        return;
    QFile::remove(isoPath);
    const QString dir = isoPath.chopped(4);
    for (const char *name : kSeedFiles)
        QFile::remove(dir + u'/' + QLatin1String(name));
    QDir().rmdir(dir);
}

Status writeSeedIso(const QString &guest, const plan::NoCloudSeed &seed, const QString &isoPath)
{
    const QString verb = QStringLiteral("write the cloud-init seed of");
    auto fail = [&](const QString &why) { return Error::failed(ErrorCode::Io, verb, guest, why); };
    const QString tool = QStandardPaths::findExecutable(QString::fromLatin1(kSeedIsoTool));
    if (tool.isEmpty())
        return Error::failed(ErrorCode::NotFound, verb, guest, QStringLiteral("xorriso is not installed (Debian package xorriso)"));
    if (!isoPath.endsWith(QLatin1String(".iso")))
        return fail(QStringLiteral("'%1' does not end in .iso").arg(isoPath));
    const QString dir = isoPath.chopped(4);
    if (!QDir().mkpath(dir) || !QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner))
        return fail(QStringLiteral("cannot create '%1'").arg(dir));
    const QList<std::pair<QString, QByteArray>> files{{QLatin1String(kSeedFiles[0]), seed.metaData},
                                                      {QLatin1String(kSeedFiles[1]), seed.userData},
                                                      {QLatin1String(kSeedFiles[2]), seed.networkConfig}};
    QStringList args{QStringLiteral("-as"), QStringLiteral("mkisofs"), QStringLiteral("-quiet"), QStringLiteral("-output"),
                     isoPath, QStringLiteral("-volid"), QStringLiteral("cidata"), QStringLiteral("-joliet"), QStringLiteral("-rock")};
    for (const auto &[name, bytes] : files) {
        QSaveFile f(dir + u'/' + name);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit())
            return fail(QStringLiteral("cannot write '%1': %2").arg(f.fileName(), f.errorString()));
        args << f.fileName();
    }
    QFile::remove(isoPath);
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(tool, args);
    const bool finished = p.waitForFinished(kSeedIsoTimeoutMs);
    const QString output = QString::fromLocal8Bit(p.readAll()).trimmed().right(500);
    if (!finished || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0 || !QFile::exists(isoPath)) {
        p.kill();
        p.waitForFinished(1000);
        QFile::remove(isoPath);
        return fail(finished ? QStringLiteral("xorriso failed: %1").arg(output.isEmpty() ? QStringLiteral("(no output)") : output)
                             : QStringLiteral("xorriso did not finish within %1 ms").arg(kSeedIsoTimeoutMs));
    }
    return ok();
}

}  // namespace netloom::qemu
