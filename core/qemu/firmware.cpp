// SPDX-License-Identifier: GPL-3.0-or-later
#include "firmware.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QStandardPaths>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace netloom::qemu {

namespace {

QString errnoText(int err) { return QString::fromLocal8Bit(std::strerror(err)); }

QStringList stringsOf(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &item : v.toArray())
        if (item.isString())
            out << item.toString();
    return out;
}

// The descriptor files of `search`, in the order QEMU takes them.
QStringList descriptorFiles(const FirmwareSearch &search)
{
    QMap<QString, QString> byName;  // file name -> path (sorted by name)
    for (const QString &dir : search.descriptorDirs) {
        const QFileInfoList files = QDir(dir).entryInfoList({QStringLiteral("*.json")}, QDir::Files | QDir::Readable, QDir::Name);
        for (const QFileInfo &f : files) {
            if (f.size() == 0)
                byName.remove(f.fileName());  // an empty file hides the one of lower priority
            else
                byName.insert(f.fileName(), f.filePath());
        }
    }
    QStringList out = byName.values();
    if (out.size() > kMaxFirmwareDescriptors)
        out.resize(kMaxFirmwareDescriptors);
    return out;
}

// Every descriptor of `search` that parses as x86_64 UEFI flash firmware.
QList<FirmwareDescriptor> readDescriptors(const FirmwareSearch &search)
{
    QList<FirmwareDescriptor> out;
    for (const QString &path : descriptorFiles(search)) {
        QFile f(path);
        if (f.size() > kMaxFirmwareDescriptorBytes || !f.open(QIODevice::ReadOnly))
            continue;
        const Result<FirmwareDescriptor> d = parseFirmwareDescriptor(f.read(kMaxFirmwareDescriptorBytes), path);
        if (d)
            out << *d;
    }
    return out;
}

bool isFile(const QString &path) { return QFileInfo(path).isFile(); }

}  // namespace

FirmwareSearch FirmwareSearch::system()
{
    FirmwareSearch s;
    QString config = qEnvironmentVariable("XDG_CONFIG_HOME");
    if (config.isEmpty() || !QDir::isAbsolutePath(config))
        config = QDir::homePath() + QStringLiteral("/.config");
    s.descriptorDirs = {QStringLiteral("/usr/share/qemu/firmware"), QStringLiteral("/etc/qemu/firmware"),
                        config + QStringLiteral("/qemu/firmware")};
    return s;
}

Result<FirmwareDescriptor> parseFirmwareDescriptor(const QByteArray &json, const QString &source)
{
    const QString verb = QStringLiteral("read firmware descriptor");
    auto bad = [&](const QString &why) { return Error::failed(ErrorCode::InvalidArgument, verb, source, why); };
    auto other = [&](const QString &why) { return Error::failed(ErrorCode::Unsupported, verb, source, why); };
    if (json.size() > kMaxFirmwareDescriptorBytes)
        return Error::failed(ErrorCode::LimitExceeded, verb, source, QStringLiteral("larger than %1 bytes").arg(kMaxFirmwareDescriptorBytes));
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError)
        return Error::failed(ErrorCode::Parse, verb, source, pe.errorString());
    if (!doc.isObject())
        return bad(QStringLiteral("not a JSON object"));
    const QJsonObject o = doc.object();
    if (!stringsOf(o.value(QStringLiteral("interface-types"))).contains(QStringLiteral("uefi")))
        return other(QStringLiteral("not UEFI firmware"));
    bool x86 = false;
    for (const QJsonValue &t : o.value(QStringLiteral("targets")).toArray())
        x86 = x86 || t.toObject().value(QStringLiteral("architecture")).toString() == QLatin1String("x86_64");
    if (!x86)
        return other(QStringLiteral("not for x86_64"));
    const QJsonObject mapping = o.value(QStringLiteral("mapping")).toObject();
    if (mapping.value(QStringLiteral("device")).toString() != QLatin1String("flash"))
        return other(QStringLiteral("not mapped as flash"));
    const QString mode = mapping.value(QStringLiteral("mode")).toString(QStringLiteral("split"));
    if (mode != QLatin1String("split"))
        return other(QStringLiteral("flash mode '%1' (only split code and variable images are used)").arg(mode));
    FirmwareDescriptor d;
    const std::pair<const char *, QString *> images[] = {{"executable", &d.pair.code}, {"nvram-template", &d.pair.varsTemplate}};
    for (const auto &[key, out] : images) {
        const QJsonObject image = mapping.value(QLatin1String(key)).toObject();
        const QString file = image.value(QStringLiteral("filename")).toString();
        if (file.isEmpty() || !QDir::isAbsolutePath(file))
            return bad(QStringLiteral("mapping.%1.filename is not an absolute path").arg(QLatin1String(key)));
        if (image.value(QStringLiteral("format")).toString(QStringLiteral("raw")) != QLatin1String("raw"))
            return other(QStringLiteral("mapping.%1 is not a raw image").arg(QLatin1String(key)));
        *out = QDir::cleanPath(file);
    }
    d.pair.description = o.value(QStringLiteral("description")).toString().simplified().left(200);
    d.features = stringsOf(o.value(QStringLiteral("features")));
    d.pair.secureBoot = d.features.contains(QStringLiteral("secure-boot"));
    return d;
}

QStringList varsTemplateCandidates(const QString &code)
{
    const QFileInfo info(code);
    QString name = info.fileName();
    qsizetype at = name.indexOf(QLatin1String("CODE"));
    if (at >= 0) {
        name.replace(at, 4, QStringLiteral("VARS"));
    } else if ((at = name.indexOf(QLatin1String("code"))) >= 0) {
        name.replace(at, 4, QStringLiteral("vars"));
    } else {
        return {};
    }
    const QString dir = info.path();
    QStringList out{QDir::cleanPath(dir + u'/' + name)};
    if (name.contains(QLatin1String(".secboot.")))
        out << QDir::cleanPath(dir + u'/' + QString(name).remove(QStringLiteral(".secboot")));
    return out;
}

QList<FirmwarePair> findFirmware(const FirmwareSearch &search)
{
    QList<FirmwarePair> out;
    QStringList codes;
    for (const FirmwareDescriptor &d : readDescriptors(search)) {
        if (d.requiresSmm() || codes.contains(d.pair.code) || !isFile(d.pair.code) || !isFile(d.pair.varsTemplate))
            continue;
        codes << d.pair.code;
        out << d.pair;
    }
    if (out.isEmpty() && isFile(search.defaultCode) && isFile(search.defaultVarsTemplate))
        out << FirmwarePair{search.defaultCode, search.defaultVarsTemplate,
                            QStringLiteral("UEFI firmware for x86_64 (OVMF), without Secure Boot"), false};
    return out;
}

Result<QString> varsTemplateFor(const QString &code, const FirmwareSearch &search)
{
    const QString clean = QDir::cleanPath(code);
    for (const FirmwareDescriptor &d : readDescriptors(search))
        if (d.pair.code == clean)
            return d.pair.varsTemplate;
    const QStringList candidates = varsTemplateCandidates(clean);
    for (const QString &c : candidates)
        if (isFile(c))
            return c;
    return Error::failed(ErrorCode::NotFound, QStringLiteral("find the UEFI variable store template for"), code,
                         candidates.isEmpty() ? QStringLiteral("no firmware descriptor names it and its file name has no CODE to pair with VARS")
                                              : QStringLiteral("no firmware descriptor names it and %1 does not exist")
                                                    .arg(candidates.join(QStringLiteral(" or "))));
}

Status createVarsCopy(const QString &templatePath, const QString &destination)
{
    auto fail = [&](ErrorCode code, const QString &why) {
        return Error::failed(code, QStringLiteral("create UEFI variable store"), destination, why);
    };
    if (destination.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the path is empty"));
    const QFileInfo destInfo(destination);
    const QByteArray dest = QFile::encodeName(destInfo.absoluteFilePath());
    struct stat st {};
    if (::lstat(dest.constData(), &st) == 0)
        return fail(ErrorCode::Conflict, QStringLiteral("the file already exists (it is never overwritten)"));
    if (errno != ENOENT)
        return fail(ErrorCode::Io, errnoText(errno));
    const QString dir = destInfo.absolutePath();
    if (!QFileInfo(dir).isDir())
        return fail(ErrorCode::NotFound, QStringLiteral("its folder '%1' does not exist").arg(dir));

    const int in = ::open(QFile::encodeName(templatePath).constData(), O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return fail(ErrorCode::Io, QStringLiteral("cannot open the template '%1': %2").arg(templatePath, errnoText(errno)));
    struct stat ts {};
    if (::fstat(in, &ts) != 0 || !S_ISREG(ts.st_mode) || ts.st_size > kMaxVarsTemplateBytes) {
        ::close(in);
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("the template '%1' is not a regular file of at most %2 bytes").arg(templatePath).arg(kMaxVarsTemplateBytes));
    }
    QByteArray tmp = QFile::encodeName(dir + QStringLiteral("/.") + destInfo.fileName().left(64) + QStringLiteral(".XXXXXX"));
    const int out = ::mkostemp(tmp.data(), O_CLOEXEC);
    if (out < 0) {
        const int err = errno;
        ::close(in);
        return fail(ErrorCode::Io, QStringLiteral("cannot create a temporary file in '%1': %2").arg(dir, errnoText(err)));
    }
    // From here on every failure removes the temporary file.
    auto abandon = [&](const QString &why) {
        ::close(in);
        if (out >= 0)
            ::close(out);
        ::unlink(tmp.constData());
        return fail(ErrorCode::Io, why);
    };
    if (::fchmod(out, 0644) != 0)
        return abandon(QStringLiteral("cannot set its mode: %1").arg(errnoText(errno)));
    char buf[64 * 1024];
    qint64 total = 0;
    for (;;) {
        const ssize_t n = ::read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return abandon(QStringLiteral("cannot read the template '%1': %2").arg(templatePath, errnoText(errno)));
        if (n == 0)
            break;
        total += n;
        if (total > kMaxVarsTemplateBytes)
            return abandon(QStringLiteral("the template '%1' grew beyond %2 bytes").arg(templatePath).arg(kMaxVarsTemplateBytes));
        for (ssize_t done = 0; done < n;) {
            const ssize_t w = ::write(out, buf + done, std::size_t(n - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
                return abandon(QStringLiteral("cannot write: %1").arg(errnoText(errno)));
            done += w;
        }
    }
    if (::fsync(out) != 0)
        return abandon(QStringLiteral("cannot write: %1").arg(errnoText(errno)));
    const int closed = ::close(out);
    const int closeErr = errno;
    ::close(in);
    if (closed != 0) {
        ::unlink(tmp.constData());
        return fail(ErrorCode::Io, QStringLiteral("cannot write: %1").arg(errnoText(closeErr)));
    }
    // link() never replaces; where the file system has no hard links, rename without replacing.
    int placed = ::link(tmp.constData(), dest.constData());
    int err = errno;
    if (placed != 0 && err != EEXIST) {
        placed = ::renameat2(AT_FDCWD, tmp.constData(), AT_FDCWD, dest.constData(), RENAME_NOREPLACE);
        err = errno;
    }
    ::unlink(tmp.constData());  // after a successful link: the second name; after a rename: gone already
    if (placed != 0)
        return fail(err == EEXIST ? ErrorCode::Conflict : ErrorCode::Io,
                    err == EEXIST ? QStringLiteral("the file already exists (it is never overwritten)") : errnoText(err));
    return ok();
}

}  // namespace netloom::qemu
