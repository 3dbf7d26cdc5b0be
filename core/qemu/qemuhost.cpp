// SPDX-License-Identifier: GPL-3.0-or-later
#include "qemuhost.h"

#include <QProcess>

#include <QDir>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace netloom::qemu {

FileProbe FileProbe::real()
{
    FileProbe p;
    p.isFile = [](const QString &path) { return QFileInfo(path).isFile(); };
    p.isExecutable = [](const QString &path) {
        const QFileInfo fi(path);
        return fi.isFile() && fi.isExecutable();
    };
    return p;
}

QStringList pathDirs(const QString &pathVariable)
{
    QStringList out;
    for (const QString &d : pathVariable.split(u':', Qt::SkipEmptyParts))
        if (!out.contains(d))
            out.append(d);
    return out;
}

QStringList processPathDirs()
{
    return pathDirs(qEnvironmentVariable("PATH"));
}

QStringList findQemuBinaries(const QStringList &dirs, const FileProbe &probe)
{
    QStringList names;
    QStringList paths;
    for (const QString &d : dirs) {
        const QStringList entries =
            QDir(d).entryList({QStringLiteral("qemu-system-*")}, QDir::Files | QDir::Executable, QDir::Name);
        for (const QString &e : entries) {
            const QString full = QDir(d).absoluteFilePath(e);
            if (names.contains(e) || !probe.isExecutable(full))
                continue;
            names.append(e);
            paths.append(full);
        }
    }
    std::sort(paths.begin(), paths.end(),
              [](const QString &a, const QString &b) { return QFileInfo(a).fileName() < QFileInfo(b).fileName(); });
    return paths;
}

Result<QString> resolveQemuBinary(const QString &guest, const QString &program, const QStringList &dirs,
                                  const FileProbe &probe)
{
    const QString verb = QStringLiteral("start guest");
    if (program.isEmpty())
        return Error::failed(ErrorCode::InvalidArgument, verb, guest, QStringLiteral("the command line is empty"));
    if (program.contains(u'/')) {
        const QString abs = QFileInfo(program).absoluteFilePath();
        if (!probe.isExecutable(abs))
            return Error::failed(ErrorCode::NotFound, verb, guest,
                                 QStringLiteral("QEMU binary '%1' does not exist or is not executable").arg(program));
        return abs;
    }
    for (const QString &d : dirs) {
        const QString candidate = QDir(d).absoluteFilePath(program);
        if (probe.isExecutable(candidate))
            return candidate;
    }
    return Error::failed(ErrorCode::NotFound, verb, guest,
                         QStringLiteral("QEMU binary '%1' was not found in PATH (%2)")
                             .arg(program, dirs.join(u':')));
}

KvmStatus probeKvm(const QString &device)
{
    KvmStatus s;
    const int fd = ::open(QFile::encodeName(device).constData(), O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        s.reason = QStringLiteral("cannot open %1 read-write: %2").arg(device, QString::fromLocal8Bit(std::strerror(errno)));
        return s;
    }
    s.apiVersion = ::ioctl(fd, KVM_GET_API_VERSION, 0);
    const int err = errno;
    ::close(fd);
    if (s.apiVersion < 0) {
        s.reason = QStringLiteral("KVM_GET_API_VERSION on %1 failed: %2").arg(device, QString::fromLocal8Bit(std::strerror(err)));
    } else if (s.apiVersion != KVM_API_VERSION) {
        s.reason = QStringLiteral("%1 reports KVM API %2, expected %3").arg(device).arg(s.apiVersion).arg(KVM_API_VERSION);
    } else {
        s.usable = true;
    }
    return s;
}

QStringList accelArgs(const KvmStatus &kvm)
{
    return {QStringLiteral("-accel"), kvm.usable ? QStringLiteral("kvm") : QStringLiteral("tcg")};
}

namespace {

// Splits QEMU's "a=b,c=d" option syntax; ",," is a literal comma.
QStringList splitOptions(const QString &value)
{
    QStringList out;
    QString cur;
    for (qsizetype i = 0; i < value.size(); ++i) {
        if (value[i] == u',') {
            if (i + 1 < value.size() && value[i + 1] == u',') {
                cur += u',';
                ++i;
                continue;
            }
            out.append(cur);
            cur.clear();
            continue;
        }
        cur += value[i];
    }
    out.append(cur);
    return out;
}

QString optionValue(const QStringList &opts, const QString &key)
{
    QString found;
    for (const QString &o : opts)
        if (o.startsWith(key + u'='))
            found = o.mid(key.size() + 1);
    return found;
}

// "-opt" and "--opt" are the same to QEMU.
QString normalized(const QString &arg)
{
    return arg.startsWith(QStringLiteral("--")) ? arg.mid(1) : arg;
}

}  // namespace

QString requestedAccel(const QStringList &argv)
{
    QString accel;
    for (qsizetype i = 1; i < argv.size(); ++i) {
        const QString a = normalized(argv[i]);
        if (a == QStringLiteral("-enable-kvm")) {
            accel = QStringLiteral("kvm");
        } else if (a == QStringLiteral("-accel") && i + 1 < argv.size()) {
            const QStringList opts = splitOptions(argv[++i]);
            accel = opts.value(0).startsWith(QStringLiteral("accel=")) ? opts.value(0).mid(6) : opts.value(0);
        } else if ((a == QStringLiteral("-machine") || a == QStringLiteral("-M")) && i + 1 < argv.size()) {
            const QString v = optionValue(splitOptions(argv[++i]), QStringLiteral("accel"));
            if (!v.isEmpty())
                accel = v;
        }
    }
    return accel;
}

QList<LaunchFile> filesInArgv(const QStringList &argv)
{
    static const QStringList direct = {
        QStringLiteral("-kernel"), QStringLiteral("-initrd"), QStringLiteral("-dtb"), QStringLiteral("-bios"),
        QStringLiteral("-cdrom"),  QStringLiteral("-hda"),    QStringLiteral("-hdb"), QStringLiteral("-hdc"),
        QStringLiteral("-hdd"),    QStringLiteral("-fda"),    QStringLiteral("-fdb"),
    };
    QList<LaunchFile> files;
    for (qsizetype i = 1; i + 1 < argv.size(); ++i) {
        const QString a = normalized(argv[i]);
        if (direct.contains(a)) {
            files.append({a, argv[i + 1]});
            ++i;
        } else if (a == QStringLiteral("-drive")) {
            const QString f = optionValue(splitOptions(argv[++i]), QStringLiteral("file"));
            // Protocol URLs (nbd:, iscsi:, ...) are not local files.
            if (!f.isEmpty() && !f.contains(QStringLiteral("://")) && !f.startsWith(QStringLiteral("nbd:")))
                files.append({a, f});
        } else if (a == QStringLiteral("-blockdev")) {
            const QStringList opts = splitOptions(argv[++i]);
            if (optionValue(opts, QStringLiteral("driver")) == QStringLiteral("file")) {
                const QString f = optionValue(opts, QStringLiteral("filename"));
                if (!f.isEmpty())
                    files.append({a, f});
            }
        }
    }
    return files;
}

Status checkLaunchFiles(const QString &guest, const QStringList &argv, const QStringList &extra,
                        const FileProbe &probe)
{
    QList<LaunchFile> files = filesInArgv(argv);
    for (const QString &f : extra)
        files.append({QStringLiteral("required"), f});
    for (const LaunchFile &f : files) {
        if (probe.isFile(f.path))
            continue;
        // A missing disk image is the common case: say how to make one.
        const bool disk = f.option == QLatin1String("-drive") && !f.path.endsWith(QLatin1String(".iso"))
                          && !f.path.endsWith(QLatin1String(".fd"));
        return Error::failed(ErrorCode::NotFound, QStringLiteral("start guest"), guest,
                             QStringLiteral("file '%1' (%2) does not exist%3")
                                 .arg(f.path, f.option,
                                      disk ? QStringLiteral(" (make an empty disk with `qemu-img create -f qcow2 '%1' 20G`, "
                                                            "or Start it in the app, which offers Create…)").arg(f.path)
                                           : QString()));
    }
    return ok();
}

bool netdevHelpListsVhostUser(const QByteArray &helpOutput)
{
    for (const QByteArray &line : helpOutput.split('\n'))
        if (line.trimmed() == "vhost-user")
            return true;
    return false;
}

bool qemuHasVhostUser(const QString &binary)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(binary, {QStringLiteral("-netdev"), QStringLiteral("help")});
    if (!p.waitForFinished(5000)) {
        p.kill();
        p.waitForFinished(1000);
        return false;
    }
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0 && netdevHelpListsVhostUser(p.readAll());
}

}  // namespace netloom::qemu
