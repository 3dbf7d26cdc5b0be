// SPDX-License-Identifier: GPL-3.0-or-later
#include "diskimage.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QStorageInfo>
#include <QTimer>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace netloom::qemu {

namespace {

Error fieldError(ErrorCode code, const QString &field, const QString &value, const QString &why)
{
    return Error{code, QStringLiteral("%1 '%2': %3").arg(field, value, why)};
}

QString sizeText(qint64 bytes)
{
    if (bytes >= kGiB)
        return QStringLiteral("%1 GiB").arg(double(bytes) / double(kGiB), 0, 'f', 1);
    return QStringLiteral("%1 MiB").arg(double(bytes) / double(kMiB), 0, 'f', 1);
}

QString qemuImg()
{
    return QStandardPaths::findExecutable(QString::fromLatin1(kQemuImgTool));
}

// Moves `from` to `to`; without `replace` it fails when `to` exists (EEXIST), atomically.
Status moveIntoPlace(const QString &from, const QString &to, bool replace)
{
    const QByteArray f = QFile::encodeName(from), t = QFile::encodeName(to);
    if (replace) {
        if (::rename(f.constData(), t.constData()) == 0)
            return ok();
    } else {
        if (::renameat2(AT_FDCWD, f.constData(), AT_FDCWD, t.constData(), RENAME_NOREPLACE) == 0)
            return ok();
        // File systems without RENAME_NOREPLACE: link() refuses an existing name too.
        if ((errno == EINVAL || errno == ENOSYS) && ::link(f.constData(), t.constData()) == 0) {
            ::unlink(f.constData());
            return ok();
        }
    }
    const int e = errno;
    return fieldError(e == EEXIST ? ErrorCode::Conflict : ErrorCode::Io, QStringLiteral("disk path"), to,
                      e == EEXIST ? QStringLiteral("a file appeared there meanwhile; it was left alone")
                                  : QString::fromLocal8Bit(std::strerror(e)));
}

}  // namespace

Result<ImageInfo> parseImageInfo(const QByteArray &json)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (!doc.isObject())
        return Error{ErrorCode::Parse, QStringLiteral("qemu-img info printed no JSON object: %1").arg(pe.errorString())};
    const QJsonObject o = doc.object();
    ImageInfo info;
    info.format = o.value(QStringLiteral("format")).toString();
    info.virtualSize = qint64(o.value(QStringLiteral("virtual-size")).toDouble(-1));
    info.actualSize = qint64(o.value(QStringLiteral("actual-size")).toDouble(0));
    info.backingFile = o.value(QStringLiteral("backing-filename")).toString();
    info.backingFormat = o.value(QStringLiteral("backing-filename-format")).toString();
    if (info.format.isEmpty() || info.virtualSize < 0)
        return Error{ErrorCode::Parse, QStringLiteral("qemu-img info printed no format or virtual-size")};
    return info;
}

Result<ImageInfo> readImageInfo(const QString &path)
{
    const QString tool = qemuImg();
    if (tool.isEmpty())
        return Error{ErrorCode::NotFound, QStringLiteral("qemu-img is not installed (Debian package qemu-utils)")};
    QProcess p;
    p.start(tool, {QStringLiteral("info"), QStringLiteral("--output=json"), QStringLiteral("-U"), path});
    if (!p.waitForFinished(kQemuImgQuickTimeoutMs)) {
        p.kill();
        p.waitForFinished(1000);
        return Error{ErrorCode::Timeout, QStringLiteral("qemu-img info '%1' did not finish within %2 ms").arg(path).arg(kQemuImgQuickTimeoutMs)};
    }
    const QByteArray out = p.readAllStandardOutput().left(kMaxImageInfoBytes);
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        const QString err = QString::fromLocal8Bit(p.readAllStandardError()).trimmed().right(300);
        return Error{ErrorCode::InvalidArgument, err.isEmpty() ? QStringLiteral("qemu-img cannot read '%1'").arg(path) : err};
    }
    return parseImageInfo(out);
}

QStringList creatableDiskFormats()
{
    return {QStringLiteral("qcow2"), QStringLiteral("raw")};
}

Status checkNewImagePath(const QString &path, bool replace)
{
    const QString field = QStringLiteral("disk path");
    if (path.isEmpty())
        return Error{ErrorCode::InvalidArgument, QStringLiteral("disk path is empty")};
    if (!QDir::isAbsolutePath(path))
        return fieldError(ErrorCode::InvalidArgument, field, path, QStringLiteral("not an absolute path"));
    for (QChar c : path)
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return fieldError(ErrorCode::InvalidArgument, field, path, QStringLiteral("contains a control character"));
    const QFileInfo fi(path);
    if (fi.isDir())
        return fieldError(ErrorCode::InvalidArgument, field, path, QStringLiteral("is a directory; name a file in it"));
    if (fi.exists() || fi.isSymLink()) {
        if (!replace)
            return fieldError(ErrorCode::Conflict, field, path, QStringLiteral("a file already exists there"));
        if (!fi.isFile())
            return fieldError(ErrorCode::InvalidArgument, field, path, QStringLiteral("is not a regular file"));
    }
    const QFileInfo dir(fi.absolutePath());
    if (!dir.isDir())
        return fieldError(ErrorCode::NotFound, field, path, QStringLiteral("its folder '%1' does not exist").arg(dir.filePath()));
    if (!dir.isWritable())
        return fieldError(ErrorCode::PermissionDenied, field, path, QStringLiteral("its folder '%1' is not writable").arg(dir.filePath()));
    return ok();
}

Status checkDiskSize(qint64 bytes, const QString &dir)
{
    const QString field = QStringLiteral("disk size");
    if (bytes <= 0)
        return fieldError(ErrorCode::InvalidArgument, field, QString::number(bytes), QStringLiteral("must be more than 0"));
    if (bytes > kMaxDiskBytes)
        return fieldError(ErrorCode::LimitExceeded, field, sizeText(bytes), QStringLiteral("more than the %1 Netloom makes").arg(sizeText(kMaxDiskBytes)));
    const QStorageInfo storage(dir);
    if (!storage.isValid())
        return fieldError(ErrorCode::NotFound, field, sizeText(bytes), QStringLiteral("cannot tell the free space of '%1'").arg(dir));
    if (bytes > storage.bytesAvailable())
        return fieldError(ErrorCode::LimitExceeded, field, sizeText(bytes),
                          QStringLiteral("more than the %1 free in '%2'").arg(sizeText(storage.bytesAvailable()), dir));
    return ok();
}

Result<ImageInfo> checkBaseImage(const QString &path)
{
    const QString field = QStringLiteral("base image");
    const QFileInfo fi(path);
    if (path.isEmpty())
        return Error{ErrorCode::InvalidArgument, QStringLiteral("base image is empty")};
    if (!fi.exists())
        return fieldError(ErrorCode::NotFound, field, path, QStringLiteral("no such file"));
    if (!fi.isFile())
        return fieldError(ErrorCode::InvalidArgument, field, path, QStringLiteral("is not a regular file"));
    if (!fi.isReadable())
        return fieldError(ErrorCode::PermissionDenied, field, path, QStringLiteral("is not readable"));
    Result<ImageInfo> info = readImageInfo(path);
    if (!info)
        return fieldError(info.error().code, field, path, info.error().message);
    return info;
}

Status checkIsoImage(const QString &path)
{
    const QString field = QStringLiteral("install medium");
    QFile f(path);
    const QFileInfo fi(path);
    if (!fi.exists())
        return fieldError(ErrorCode::NotFound, field, path, QStringLiteral("no such file"));
    if (!fi.isFile())
        return fieldError(ErrorCode::InvalidArgument, field, path, QStringLiteral("is not a regular file"));
    if (!f.open(QIODevice::ReadOnly))
        return fieldError(ErrorCode::PermissionDenied, field, path, f.errorString());
    // ISO 9660 (ECMA-119) and UDF (ECMA-167) put their volume recognition sequence at
    // sector 16 of 2048 bytes: type byte, then a 5-byte identifier.
    constexpr qint64 kDescriptor = 16 * 2048 + 1;
    if (!f.seek(kDescriptor))
        return fieldError(ErrorCode::InvalidArgument, field, path, QStringLiteral("not an ISO image (too short)"));
    const QByteArray id = f.read(5);
    for (const char *magic : {"CD001", "BEA01", "NSR02", "NSR03"})
        if (id == magic)
            return ok();
    return fieldError(ErrorCode::InvalidArgument, field, path, QStringLiteral("not an ISO image (no ISO 9660 or UDF volume descriptor)"));
}

Status checkDiskRequest(const DiskRequest &r)
{
    if (!creatableDiskFormats().contains(r.format))
        return fieldError(ErrorCode::InvalidArgument, QStringLiteral("disk format"), r.format,
                          QStringLiteral("not one of %1").arg(creatableDiskFormats().join(QStringLiteral(", "))));
    if (Status s = checkNewImagePath(r.path, r.replace); !s)
        return s;
    const QString dir = QFileInfo(r.path).absolutePath();
    switch (r.action) {
    case DiskAction::Create:
        return checkDiskSize(r.sizeBytes, dir);
    case DiskAction::Overlay:
    case DiskAction::Copy: {
        if (r.action == DiskAction::Overlay && r.format != QLatin1String("qcow2"))
            return fieldError(ErrorCode::InvalidArgument, QStringLiteral("disk format"), r.format,
                              QStringLiteral("an overlay is always qcow2"));
        Result<ImageInfo> base = checkBaseImage(r.base);
        if (!base)
            return base.error();
        if (QFileInfo(r.base).canonicalFilePath() == QFileInfo(r.path).canonicalFilePath() && QFileInfo::exists(r.path))
            return fieldError(ErrorCode::InvalidArgument, QStringLiteral("disk path"), r.path, QStringLiteral("is the base image itself"));
        if (r.action == DiskAction::Copy)
            return checkDiskSize(std::max<qint64>(base->actualSize, 1), dir);
        if (r.sizeBytes != 0 && r.sizeBytes < base->virtualSize)
            return fieldError(ErrorCode::InvalidArgument, QStringLiteral("disk size"), sizeText(r.sizeBytes),
                              QStringLiteral("smaller than the base image's %1").arg(sizeText(base->virtualSize)));
        if (r.sizeBytes > kMaxDiskBytes)
            return checkDiskSize(r.sizeBytes, dir);
        return ok();
    }
    }
    return ok();
}

QString backingNameFor(const QString &overlayPath, const QString &base)
{
    const QString dir = QFileInfo(overlayPath).absolutePath();
    const QString rel = QDir(dir).relativeFilePath(QDir::cleanPath(base));
    if (!QDir::isAbsolutePath(rel) && !rel.startsWith(QLatin1String("../")) && rel != QLatin1String(".."))
        return rel;
    return QDir::cleanPath(base);
}

QStringList qemuImgArgs(const DiskRequest &r, const QString &outputPath, const QString &baseFormat)
{
    switch (r.action) {
    case DiskAction::Create:
        return {QStringLiteral("create"), QStringLiteral("-q"), QStringLiteral("-f"), r.format, outputPath,
                QString::number(r.sizeBytes)};
    case DiskAction::Overlay: {
        QStringList a{QStringLiteral("create"), QStringLiteral("-q"), QStringLiteral("-f"), QStringLiteral("qcow2"),
                      QStringLiteral("-b"), backingNameFor(r.path, r.base), QStringLiteral("-F"), baseFormat, outputPath};
        if (r.sizeBytes > 0)
            a << QString::number(r.sizeBytes);
        return a;
    }
    case DiskAction::Copy:
        return {QStringLiteral("convert"), QStringLiteral("-p"), QStringLiteral("-f"), baseFormat,
                QStringLiteral("-O"), r.format, r.base, outputPath};
    }
    return {};
}

int parseQemuImgProgress(const QByteArray &chunk)
{
    static const QRegularExpression re(QStringLiteral("\\((\\d{1,3}(?:\\.\\d+)?)/100%\\)"));
    int last = -1;
    auto it = re.globalMatch(QString::fromLatin1(chunk.right(4096)));
    while (it.hasNext()) {
        const double pct = it.next().captured(1).toDouble();
        last = std::clamp(int(pct * 10.0 + 0.5), 0, 1000);
    }
    return last;
}

QString topologyRelativePath(const QString &path, const QString &topologyDir)
{
    if (path.isEmpty() || topologyDir.isEmpty() || !QDir::isAbsolutePath(path))
        return path;
    const QString rel = QDir(topologyDir).relativeFilePath(QDir::cleanPath(path));
    if (!QDir::isAbsolutePath(rel) && !rel.startsWith(QLatin1String("../")) && rel != QLatin1String(".."))
        return rel;
    return QDir::cleanPath(path);
}

QString resolveTopologyPath(const QString &path, const QString &topologyDir)
{
    if (path.isEmpty())
        return path;
    return QDir::cleanPath(QDir(topologyDir).absoluteFilePath(path));
}

// --- DiskJob ------------------------------------------------------------------------------

DiskJob::DiskJob(QObject *parent) : QObject(parent) {}

DiskJob::~DiskJob()
{
    if (m_process) {
        m_process->disconnect(this);
        m_process->kill();
        m_process->waitForFinished(2000);
    }
    if (!m_temp.isEmpty())
        QFile::remove(m_temp);
}

bool DiskJob::isRunning() const
{
    return m_process != nullptr;
}

Status DiskJob::start(const DiskRequest &r)
{
    if (m_process)
        return Error{ErrorCode::Conflict, QStringLiteral("a disk job is already running")};
    const QString tool = qemuImg();
    if (tool.isEmpty())
        return Error{ErrorCode::NotFound, QStringLiteral("qemu-img is not installed (Debian package qemu-utils)")};
    if (Status s = checkDiskRequest(r); !s)
        return s;
    QString baseFormat = r.baseFormat;
    if (r.action != DiskAction::Create && baseFormat.isEmpty()) {
        Result<ImageInfo> info = readImageInfo(r.base);
        if (!info)
            return info.error();
        baseFormat = info->format;
    }
    m_request = r;
    m_cancelled = false;
    const QFileInfo dest(r.path);
    m_temp = QStringLiteral("%1/.%2.%3-%4.part")
                 .arg(dest.absolutePath(), dest.fileName())
                 .arg(QCoreApplication::applicationPid())
                 .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    m_output.clear();
    auto *p = new QProcess(this);
    m_process = p;
    p->setProcessChannelMode(QProcess::SeparateChannels);
    connect(p, &QProcess::readyReadStandardOutput, this, [this, p] {
        const int pm = parseQemuImgProgress(p->readAllStandardOutput());
        if (pm >= 0)
            emit progress(pm);
    });
    connect(p, &QProcess::readyReadStandardError, this, [this, p] {
        m_output = (m_output + QString::fromLocal8Bit(p->readAllStandardError())).right(600);
    });
    connect(p, &QProcess::finished, this, &DiskJob::onFinished);
    connect(p, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            onFinished();
    });
    const int timeout = r.action == DiskAction::Copy ? kQemuImgConvertTimeoutMs : kQemuImgQuickTimeoutMs;
    QTimer::singleShot(timeout, p, [this, p] {
        m_output = QStringLiteral("qemu-img did not finish in time");
        p->kill();
    });
    p->start(tool, qemuImgArgs(r, m_temp, baseFormat));
    return ok();
}

void DiskJob::cancel()
{
    if (!m_process)
        return;
    m_cancelled = true;
    m_process->kill();
}

void DiskJob::onFinished()
{
    QProcess *p = m_process;
    if (!p)
        return;
    m_process = nullptr;
    p->disconnect(this);
    p->deleteLater();
    const QString what = QStringLiteral("make the disk");
    if (m_cancelled) {
        finish(Error::failed(ErrorCode::Cancelled, what, m_request.path, QStringLiteral("cancelled")));
        return;
    }
    if (p->error() == QProcess::FailedToStart || p->exitStatus() != QProcess::NormalExit || p->exitCode() != 0) {
        const QString why = m_output.trimmed().isEmpty() ? QStringLiteral("qemu-img failed (exit %1)").arg(p->exitCode())
                                                         : m_output.trimmed();
        finish(Error::failed(ErrorCode::Io, what, m_request.path, why));
        return;
    }
    if (Status s = moveIntoPlace(m_temp, m_request.path, m_request.replace); !s) {
        finish(s);
        return;
    }
    m_temp.clear();
    emit progress(1000);
    finish(ok());
}

void DiskJob::finish(const Status &status)
{
    if (!m_temp.isEmpty()) {
        QFile::remove(m_temp);
        m_temp.clear();
    }
    m_result = status;
    emit finished(status.isOk(), status.isOk() ? QString() : status.error().message);
}

}  // namespace netloom::qemu
