// SPDX-License-Identifier: GPL-3.0-or-later
// Files the helper writes as root: only inside its own state directory, never following
// symlinks, replaced atomically (write to "<path>.tmp", fsync, rename).
#pragma once

#include "base/result.h"

#include <QByteArray>
#include <QString>

#include <sys/types.h>

namespace netloom::helper {

// Writes `data` to `path` atomically with `mode`. Refuses to follow a symlink.
Status writeFileAtomically(const QString &path, const QByteArray &data, mode_t mode);
// Reads a regular file of at most maxBytes without following symlinks.
Result<QByteArray> readSmallFile(const QString &path, qint64 maxBytes);
// Makes sure `dir` is a real directory owned by us and not writable by others, creating
// it with `mode` if missing.
Status ensurePrivateDir(const QString &dir, mode_t mode);

}  // namespace netloom::helper
