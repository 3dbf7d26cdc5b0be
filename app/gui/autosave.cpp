// SPDX-License-Identifier: GPL-3.0-or-later
#include "autosave.h"

#include "model/topologyjson.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace netloom::gui {

namespace {

constexpr qint64 kMaxMetaBytes = 8192;

bool processAlive(qint64 pid)
{
    if (pid <= 0 || pid > 0x7fffffff)
        return false;
    return ::kill(pid_t(pid), 0) == 0 || errno == EPERM;
}

Status writeAtomically(const QString &path, const QByteArray &bytes)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit())
        return Error::failed(ErrorCode::Io, QStringLiteral("write autosave"), path, f.errorString());
    return ok();
}

}  // namespace

Autosave::Autosave(QObject *parent) : QObject(parent)
{
    m_dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/autosave");
    static int instances = 0;
    m_untitledKey = QStringLiteral("untitled-%1-%2").arg(::getpid()).arg(++instances);
    m_timer.setInterval(kDefaultIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &Autosave::wanted);
}

QString Autosave::keyFor(const QString &sourcePath) const
{
    if (sourcePath.isEmpty())
        return m_untitledKey;
    const QByteArray abs = QFileInfo(sourcePath).absoluteFilePath().toUtf8();
    return QString::fromLatin1(QCryptographicHash::hash(abs, QCryptographicHash::Sha256).toHex().left(24));
}

QString Autosave::autosavePathFor(const QString &sourcePath) const
{
    return m_dir + QLatin1Char('/') + keyFor(sourcePath) + QStringLiteral(".json");
}

Status Autosave::save(const model::Topology &topology, const QString &sourcePath)
{
    if (!QDir().mkpath(m_dir))
        return Error::failed(ErrorCode::Io, QStringLiteral("create autosave directory"), m_dir,
                             QStringLiteral("mkdir failed"));
    const QString json = autosavePathFor(sourcePath);
    if (Status s = writeAtomically(json, model::serializeTopology(topology)); !s)
        return s;
    const QJsonObject meta{
        {QStringLiteral("source"), sourcePath.isEmpty() ? QString() : QFileInfo(sourcePath).absoluteFilePath()},
        {QStringLiteral("pid"), double(::getpid())},
        {QStringLiteral("saved"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)}};
    QString metaPath = json;
    metaPath.replace(metaPath.size() - 5, 5, QStringLiteral(".meta"));
    return writeAtomically(metaPath, QJsonDocument(meta).toJson(QJsonDocument::Compact));
}

void Autosave::discard(const QString &sourcePath)
{
    const QString json = autosavePathFor(sourcePath);
    QString meta = json;
    meta.replace(meta.size() - 5, 5, QStringLiteral(".meta"));
    QFile::remove(json);
    QFile::remove(meta);
}

QList<RecoveryCandidate> Autosave::candidates(const QString &sourcePath) const
{
    QList<RecoveryCandidate> out;
    const QString wanted = sourcePath.isEmpty() ? QString() : QFileInfo(sourcePath).absoluteFilePath();
    const QFileInfoList metas = QDir(m_dir).entryInfoList({QStringLiteral("*.meta")}, QDir::Files, QDir::Time);
    for (const QFileInfo &fi : metas.mid(0, kMaxCandidates)) {
        if (fi.size() > kMaxMetaBytes)
            continue;
        QFile f(fi.absoluteFilePath());
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QJsonObject meta = QJsonDocument::fromJson(f.read(kMaxMetaBytes)).object();
        const QString source = meta.value(QStringLiteral("source")).toString();
        if (source != wanted || processAlive(qint64(meta.value(QStringLiteral("pid")).toDouble())))
            continue;
        const QString json = fi.absolutePath() + QLatin1Char('/') + fi.completeBaseName() + QStringLiteral(".json");
        const QFileInfo jsonInfo(json);
        if (!jsonInfo.isFile())
            continue;
        if (!source.isEmpty()) {
            const QFileInfo src(source);
            if (src.exists() && src.lastModified() >= jsonInfo.lastModified())
                continue;  // the file was saved after the autosave: nothing to recover
        }
        out.append({json, source, jsonInfo.lastModified()});
    }
    std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.saved > b.saved; });
    return out;
}

}  // namespace netloom::gui
