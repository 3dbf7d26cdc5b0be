// SPDX-License-Identifier: GPL-3.0-or-later
#include "rundir.h"

#include <QCryptographicHash>
#include <QDir>

#include <unistd.h>

namespace netloom::plan {

QString safeId(const QString &name)
{
    QString out;
    for (QChar c : name)
        out += (c.isLetterOrNumber() && c.unicode() < 0x80) || c == QLatin1Char('_') ? c : QLatin1Char('_');
    if (out.isEmpty())
        out = QStringLiteral("net");
    if (out == name && out.size() <= 24)
        return out;
    const QByteArray hash = QCryptographicHash::hash(name.toUtf8(), QCryptographicHash::Sha1).toHex().left(8);
    return out.left(24) + QLatin1Char('_') + QString::fromLatin1(hash);
}

QString userRunBase()
{
    const QString xdg = QString::fromLocal8Bit(qgetenv("XDG_RUNTIME_DIR"));
    if (!xdg.isEmpty() && QDir::isAbsolutePath(xdg))
        return QDir::cleanPath(xdg + QStringLiteral("/netloom"));
    return QStringLiteral("/tmp/netloom-%1").arg(::getuid());
}

QString defaultRuntimeDir(const QString &topologyName)
{
    return userRunBase() + u'/' + safeId(topologyName);
}

QString defaultControlSocket(const QString &topologyName)
{
    return defaultRuntimeDir(topologyName) + QStringLiteral(".ctl");
}

}  // namespace netloom::plan
