// SPDX-License-Identifier: GPL-3.0-or-later
// A UEFI guest's firmware files before launch (preflight.h): the code image is checked, the
// per-guest variable store checked or made from its template.
#include "preflight.h"

#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace netloom::runtime {

namespace {

Error guestError(ErrorCode code, const plan::GuestPlan &g, const QString &reason)
{
    return Error::failed(code, QStringLiteral("start guest"), g.name, reason);
}

QString errnoText(int err) { return QString::fromLocal8Bit(std::strerror(err)); }

// The variable store as it is on disk: absent (false), or a regular file this user can read
// and write (true); anything else is an error naming the guest and field.
Result<bool> checkVars(const plan::GuestPlan &g)
{
    const QByteArray path = QFile::encodeName(g.uefiVars);
    const QString what = QStringLiteral("its UEFI variable store '%1' (uefi.vars)").arg(g.uefiVars);
    struct stat ls {};
    if (::lstat(path.constData(), &ls) != 0) {
        if (errno == ENOENT)
            return false;
        return guestError(ErrorCode::Io, g, QStringLiteral("%1 cannot be examined: %2").arg(what, errnoText(errno)));
    }
    struct stat st {};
    if (::stat(path.constData(), &st) != 0)
        return guestError(ErrorCode::InvalidArgument, g, QStringLiteral("%1 is a symbolic link to nothing (%2)").arg(what, errnoText(errno)));
    if (S_ISDIR(st.st_mode))
        return guestError(ErrorCode::InvalidArgument, g, QStringLiteral("%1 is a directory, not a file").arg(what));
    if (!S_ISREG(st.st_mode))
        return guestError(ErrorCode::InvalidArgument, g, QStringLiteral("%1 is not a regular file").arg(what));
    if (::access(path.constData(), R_OK | W_OK) != 0)
        return guestError(ErrorCode::PermissionDenied, g, QStringLiteral("%1 cannot be read and written: %2").arg(what, errnoText(errno)));
    return true;
}

}  // namespace

Status preflightUefi(const plan::GuestPlan &g, const qemu::FirmwareSearch &search)
{
    if (g.uefiCode.isEmpty() && g.uefiVars.isEmpty())
        return ok();
    const QString code = QStringLiteral("its UEFI code image '%1' (uefi.code)").arg(g.uefiCode);
    const QFileInfo ci(g.uefiCode);
    if (!ci.exists())
        return guestError(ErrorCode::NotFound, g, QStringLiteral("%1 does not exist (Debian package ovmf)").arg(code));
    if (!ci.isFile())
        return guestError(ErrorCode::InvalidArgument, g, QStringLiteral("%1 is not a regular file").arg(code));
    if (::access(QFile::encodeName(g.uefiCode).constData(), R_OK) != 0)
        return guestError(ErrorCode::PermissionDenied, g, QStringLiteral("%1 cannot be read: %2").arg(code, errnoText(errno)));
    const Result<bool> present = checkVars(g);
    if (!present)
        return present.error();
    if (*present)
        return ok();
    const QString vars = QStringLiteral("its UEFI variable store '%1' (uefi.vars)").arg(g.uefiVars);
    const QFileInfo vi(g.uefiVars);
    if (!QFileInfo(vi.absolutePath()).isDir())
        return guestError(ErrorCode::NotFound, g, QStringLiteral("%1 does not exist and cannot be made: its folder '%2' does not exist")
                                                      .arg(vars, vi.absolutePath()));
    if (const Result<QString> tpl = qemu::varsTemplateFor(g.uefiCode, search); !tpl)
        return guestError(ErrorCode::NotFound, g, QStringLiteral("%1 does not exist and cannot be made: %2").arg(vars, tpl.error().message));
    return ok();
}

Result<QString> prepareUefiVars(const plan::GuestPlan &g, const qemu::FirmwareSearch &search)
{
    if (g.uefiVars.isEmpty())
        return QString();
    const Result<bool> present = checkVars(g);
    if (!present)
        return present.error();
    if (*present)
        return QString();
    const QString vars = QStringLiteral("its UEFI variable store '%1' (uefi.vars)").arg(g.uefiVars);
    const Result<QString> tpl = qemu::varsTemplateFor(g.uefiCode, search);
    if (!tpl)
        return guestError(ErrorCode::NotFound, g, QStringLiteral("%1 does not exist and cannot be made: %2").arg(vars, tpl.error().message));
    if (const Status made = qemu::createVarsCopy(*tpl, g.uefiVars); !made) {
        // Made by someone else in the meantime: use it if it is usable.
        if (made.error().code == ErrorCode::Conflict) {
            const Result<bool> again = checkVars(g);
            if (!again)
                return again.error();
            if (*again)
                return QString();
        }
        return guestError(made.error().code, g, QStringLiteral("%1 cannot be made: %2").arg(vars, made.error().message));
    }
    return *tpl;
}

}  // namespace netloom::runtime
