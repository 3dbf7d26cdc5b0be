// SPDX-License-Identifier: GPL-3.0-or-later
#include "safefile.h"

#include <QFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace netloom::helper {

namespace {
Error sys(const QString &verb, const QString &path, int err)
{
    return Error::failed(ErrorCode::Io, verb, path, QString::fromLocal8Bit(std::strerror(err)));
}
}  // namespace

Status writeFileAtomically(const QString &path, const QByteArray &data, mode_t mode)
{
    const QByteArray tmp = QFile::encodeName(path + QStringLiteral(".tmp"));
    ::unlink(tmp.constData());
    const int fd = ::open(tmp.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0)
        return sys(QStringLiteral("create"), path, errno);
    qsizetype done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.constData() + done, size_t(data.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int err = errno;
            ::close(fd);
            ::unlink(tmp.constData());
            return sys(QStringLiteral("write"), path, err);
        }
        done += n;
    }
    ::fchmod(fd, mode);
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmp.constData());
        return sys(QStringLiteral("write"), path, err);
    }
    if (::rename(tmp.constData(), QFile::encodeName(path).constData()) != 0) {
        const int err = errno;
        ::unlink(tmp.constData());
        return sys(QStringLiteral("replace"), path, err);
    }
    return ok();
}

Result<QByteArray> readSmallFile(const QString &path, qint64 maxBytes)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return Error::failed(errno == ENOENT ? ErrorCode::NotFound : ErrorCode::Io, QStringLiteral("read"), path,
                             QString::fromLocal8Bit(std::strerror(errno)));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return Error::failed(ErrorCode::Io, QStringLiteral("read"), path, QStringLiteral("not a regular file"));
    }
    // /proc files report size 0: read until EOF, at most maxBytes + 1 to detect overflow.
    QByteArray out(qsizetype(maxBytes + 1), Qt::Uninitialized);
    qsizetype done = 0;
    while (done < out.size()) {
        const ssize_t n = ::read(fd, out.data() + done, size_t(out.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += n;
    }
    if (done > maxBytes) {
        ::close(fd);
        return Error::failed(ErrorCode::LimitExceeded, QStringLiteral("read"), path,
                             QStringLiteral("the file is larger than %1 bytes").arg(maxBytes));
    }
    ::close(fd);
    out.truncate(done);
    return out;
}

Status ensurePrivateDir(const QString &dir, mode_t mode)
{
    const QByteArray d = QFile::encodeName(dir);
    if (::mkdir(d.constData(), mode) != 0 && errno != EEXIST)
        return sys(QStringLiteral("create directory"), dir, errno);
    struct stat st {};
    if (::lstat(d.constData(), &st) != 0)
        return sys(QStringLiteral("inspect directory"), dir, errno);
    if (!S_ISDIR(st.st_mode))
        return Error::failed(ErrorCode::Io, QStringLiteral("use directory"), dir,
                             QStringLiteral("it is not a directory (symlinks are refused)"));
    if (st.st_uid != ::geteuid())
        return Error::failed(ErrorCode::PermissionDenied, QStringLiteral("use directory"), dir,
                             QStringLiteral("it is owned by uid %1, not by the helper").arg(st.st_uid));
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return Error::failed(ErrorCode::PermissionDenied, QStringLiteral("use directory"), dir,
                             QStringLiteral("it is writable by group or others"));
    return ok();
}

}  // namespace netloom::helper
