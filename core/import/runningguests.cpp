// SPDX-License-Identifier: GPL-3.0-or-later
// listOwnQemuProcesses (importer.h): the one part of core/import that reads the system.
#include "import/importer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>

#include <unistd.h>

namespace netloom::importer {

Result<QList<RunningGuest>> listOwnQemuProcesses(const QString &procRoot)
{
    constexpr int kMaxProcesses = 256;
    QDir dir(procRoot);
    if (!dir.exists())
        return Error::failed(ErrorCode::Io, QStringLiteral("list"), procRoot, QStringLiteral("no such directory"));
    QList<qint64> pids;
    for (const QString &name : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        bool ok = false;
        const qint64 pid = name.toLongLong(&ok);
        if (ok && pid > 0)
            pids.append(pid);
    }
    std::sort(pids.begin(), pids.end());
    const uint uid = uint(::getuid());
    QList<RunningGuest> out;
    for (qint64 pid : pids) {
        if (out.size() >= kMaxProcesses)
            break;
        const QString path = dir.filePath(QString::number(pid));
        if (QFileInfo(path).ownerId() != uid)
            continue;
        QFile f(path + QStringLiteral("/cmdline"));
        if (!f.open(QIODevice::ReadOnly))
            continue;  // gone, or not ours to read
        const QStringList argv = argvFromCmdline(f.read(1024 * 1024));
        if (argv.isEmpty() || !QFileInfo(argv[0]).fileName().startsWith(QLatin1String("qemu-system-")))
            continue;
        out.append(RunningGuest{pid, argv});
    }
    return out;
}

}  // namespace netloom::importer
