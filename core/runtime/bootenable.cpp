// SPDX-License-Identifier: GPL-3.0-or-later
#include "bootenable.h"

#include "model/topologyjson.h"
#include "plan/forwardplan.h"
#include "plan/topologyloader.h"
#include "runtime/runtime.h"

#include <QDir>
#include <QFileInfo>
#include <QProcessEnvironment>

#include <pwd.h>
#include <unistd.h>

namespace netloom::runtime {

namespace {

const QString kUnitPrefix = QStringLiteral("netloom-up@");
const QString kUnitSuffix = QStringLiteral(".service");

bool plainByte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' || c == '_' || c == '.';
}

}  // namespace

QString systemdEscapePath(const QString &absolutePath)
{
    // Like systemd: collapse repeated "/", drop the leading and trailing ones.
    QStringList parts = absolutePath.split(u'/', Qt::SkipEmptyParts);
    if (parts.isEmpty())
        return QStringLiteral("-");
    const QByteArray bytes = parts.join(u'/').toUtf8();
    QString out;
    out.reserve(bytes.size());
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const char c = bytes[i];
        if (c == '/')
            out += u'-';
        else if (plainByte(c) && !(c == '.' && i == 0))
            out += QLatin1Char(c);
        else
            out += QStringLiteral("\\x%1").arg(uint(uchar(c)), 2, 16, QLatin1Char('0'));
    }
    return out;
}

QString systemdUnescapePath(const QString &escaped)
{
    if (escaped == QLatin1String("-"))
        return QStringLiteral("/");
    const QByteArray in = escaped.toLatin1();
    if (QString::fromLatin1(in) != escaped)
        return {};
    QByteArray out("/");
    for (qsizetype i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '-') {
            out += '/';
        } else if (c == '\\') {
            if (i + 3 >= in.size() || in[i + 1] != 'x')
                return {};
            bool ok = false;
            const uint v = in.mid(i + 2, 2).toUInt(&ok, 16);
            if (!ok)
                return {};
            out += char(v);
            i += 3;
        } else if (plainByte(c)) {
            out += c;
        } else {
            return {};
        }
    }
    const QString s = QString::fromUtf8(out);
    if (s.toUtf8() != out)
        return {};
    return s;
}

QString upUnitName(const QString &absolutePath)
{
    return kUnitPrefix + systemdEscapePath(absolutePath) + kUnitSuffix;
}

QString topologyOfUpUnit(const QString &unit)
{
    if (!unit.startsWith(kUnitPrefix) || !unit.endsWith(kUnitSuffix) || unit.size() <= kUnitPrefix.size() + kUnitSuffix.size())
        return {};
    return systemdUnescapePath(unit.mid(kUnitPrefix.size(), unit.size() - kUnitPrefix.size() - kUnitSuffix.size()));
}

Result<BootRequest> bootRequestFor(const QString &path)
{
    const QFileInfo fi(path);
    if (!fi.exists())
        return Error::failed(ErrorCode::NotFound, QStringLiteral("enable"), path, QStringLiteral("no such file"));
    BootRequest b;
    b.topologyPath = fi.canonicalFilePath();
    auto loaded = plan::loadAndPlan(b.topologyPath, QString());
    if (!loaded)
        return loaded.error();
    b.name = loaded->topology.name;
    b.network = helperNetworkId(b.name);
    protocol::HostState host = loaded->plan.host;
    if (!loaded->plan.forwards.isEmpty()) {
        QStringList pending;  // forwards to leased addresses are set by `up` once leases come
        plan::resolveForwards(&host, loaded->plan.forwards, {}, &pending);
    }
    b.hasHostSide = !host.isEmpty();
    b.request.op = protocol::Op::Enable;
    b.request.network = b.network;
    b.request.state = host;
    b.request.topology = b.topologyPath;
    return b;
}

QString userUnitDir()
{
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QString xdg = env.value(QStringLiteral("XDG_CONFIG_HOME"));
    const QString base = xdg.startsWith(u'/') ? xdg : QDir::homePath() + QStringLiteral("/.config");
    return base + QStringLiteral("/systemd/user");
}

QStringList enabledUpUnits(const QString &unitDir)
{
    QStringList out;
    const QStringList names = QDir(unitDir + QStringLiteral("/default.target.wants"))
                                  .entryList({kUnitPrefix + u'*' + kUnitSuffix}, QDir::Files | QDir::System | QDir::NoDotAndDotDot,
                                             QDir::Name);
    for (const QString &n : names) {
        if (out.size() >= 1024)
            break;
        const QString t = topologyOfUpUnit(n);
        if (!t.isEmpty())
            out << t;
    }
    out.sort();
    return out;
}

QList<model::TakenPrefix> takenByEnabledTopologies(const QStringList &paths, const QString &except)
{
    QList<model::TakenPrefix> out;
    const QString skip = except.isEmpty() ? QString() : QFileInfo(except).canonicalFilePath();
    QStringList seen;
    for (const QString &p : paths) {
        const QString path = QFileInfo(p).canonicalFilePath();
        if (path.isEmpty() || path == skip || seen.contains(path))
            continue;
        if (seen.size() >= 64)
            break;
        seen << path;
        const Result<model::Topology> t = model::loadTopologyFile(path);
        if (t)
            out += model::takenByTopology(*t, QStringLiteral("enabled topology '%1'").arg(t->name));
    }
    return out;
}

bool lingerEnabled()
{
    struct passwd pw{};
    struct passwd *found = nullptr;
    char buf[4096];
    if (::getpwuid_r(::getuid(), &pw, buf, sizeof buf, &found) != 0 || !found)
        return false;
    return QFileInfo::exists(QStringLiteral("/var/lib/systemd/linger/") + QString::fromLocal8Bit(pw.pw_name));
}

}  // namespace netloom::runtime
