#include "rundir.h"

#include "export/shellexporter.h"

#include <QDir>

#include <unistd.h>

namespace netloom::plan {

QString userRunBase()
{
    const QString xdg = QString::fromLocal8Bit(qgetenv("XDG_RUNTIME_DIR"));
    if (!xdg.isEmpty() && QDir::isAbsolutePath(xdg))
        return QDir::cleanPath(xdg + QStringLiteral("/netloom"));
    return QStringLiteral("/tmp/netloom-%1").arg(::getuid());
}

QString defaultRuntimeDir(const QString &topologyName)
{
    return userRunBase() + u'/' + exporter::safeId(topologyName);
}

QString defaultControlSocket(const QString &topologyName)
{
    return defaultRuntimeDir(topologyName) + QStringLiteral(".ctl");
}

}  // namespace netloom::plan
