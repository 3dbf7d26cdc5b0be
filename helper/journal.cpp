// SPDX-License-Identifier: GPL-3.0-or-later
#include "journal.h"

#include "safefile.h"

#include "protocol/hoststatedecode.h"
#include "protocol/names.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace netloom::helper {

namespace {
constexpr qint64 kMaxRecordBytes = 4 << 20;

QString recordPath(const QString &dir, const QString &network)
{
    return dir + u'/' + network + QStringLiteral(".json");
}
}  // namespace

Result<Journal> Journal::open(const QString &dir)
{
    if (auto s = ensurePrivateDir(dir, 0700); !s)
        return s.error();
    Journal j(dir);
    auto data = readSmallFile(dir + QStringLiteral("/global.json"), 65536);
    if (data) {
        const QJsonObject o = QJsonDocument::fromJson(*data).object();
        const QJsonValue v = o.value(QLatin1String("forwardingOriginal"));
        if (v.isBool())
            j.m_global.forwardingOriginal = v.toBool();
        const QJsonValue v6 = o.value(QLatin1String("forwarding6Original"));
        if (v6.isBool())
            j.m_global.forwarding6Original = v6.toBool();
    }
    return j;
}

Status Journal::saveGlobal(const GlobalRecord &record)
{
    QJsonObject o;
    if (!record.forwardingOriginal && !record.forwarding6Original) {
        // Nothing to remember: no file, so a torn-down helper leaves its state dir as it was.
        const QString path = m_dir + QStringLiteral("/global.json");
        if (QFile::exists(path) && !QFile::remove(path))
            return Error::failed(ErrorCode::Io, QStringLiteral("remove"), path, QStringLiteral("cannot delete"));
        m_global = record;
        return ok();
    }
    if (record.forwardingOriginal)
        o[QStringLiteral("forwardingOriginal")] = *record.forwardingOriginal;
    if (record.forwarding6Original)
        o[QStringLiteral("forwarding6Original")] = *record.forwarding6Original;
    if (auto s = writeFileAtomically(m_dir + QStringLiteral("/global.json"),
                                     QJsonDocument(o).toJson(QJsonDocument::Compact), 0600);
        !s)
        return s;
    m_global = record;
    return ok();
}

Status Journal::save(const NetworkRecord &r)
{
    QJsonObject o{{QStringLiteral("network"), r.network},
                  {QStringLiteral("uid"), double(r.uid)},
                  {QStringLiteral("persistent"), r.persistent},
                  {QStringLiteral("committed"), protocol::toJson(r.committed)}};
    if (r.pending)
        o[QStringLiteral("pending")] = protocol::toJson(*r.pending);
    return writeFileAtomically(recordPath(m_dir, r.network), QJsonDocument(o).toJson(QJsonDocument::Indented), 0600);
}

Status Journal::remove(const QString &network)
{
    if (!QFile::remove(recordPath(m_dir, network)) && QFile::exists(recordPath(m_dir, network)))
        return Error::failed(ErrorCode::Io, QStringLiteral("remove"), recordPath(m_dir, network),
                             QStringLiteral("the journal record could not be deleted"));
    return ok();
}

QList<NetworkRecord> Journal::loadAll(QStringList *errors) const
{
    QList<NetworkRecord> out;
    const QStringList files = QDir(m_dir).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    for (const QString &f : files) {
        if (f == QLatin1String("global.json"))
            continue;
        const QString path = m_dir + u'/' + f;
        const auto bad = [&](const QString &why) {
            errors->append(QStringLiteral("failed to read journal record '%1': %2").arg(path, why));
        };
        auto data = readSmallFile(path, kMaxRecordBytes);
        if (!data) {
            bad(data.error().message);
            continue;
        }
        const QJsonObject o = QJsonDocument::fromJson(*data).object();
        NetworkRecord r;
        r.network = o.value(QLatin1String("network")).toString();
        if (!protocol::validateNetworkId(r.network) || f != r.network + QStringLiteral(".json")) {
            bad(QStringLiteral("the network id does not match the file name"));
            continue;
        }
        const double uid = o.value(QLatin1String("uid")).toDouble(-1);
        if (uid < 0 || uid > 4294967294.0) {
            bad(QStringLiteral("no valid uid"));
            continue;
        }
        r.uid = uid_t(uid);
        r.persistent = o.value(QLatin1String("persistent")).toBool();
        auto committed = protocol::hostStateFromJson(o.value(QLatin1String("committed")).toObject());
        if (!committed) {
            bad(committed.error().message);
            continue;
        }
        r.committed = *committed;
        if (o.contains(QLatin1String("pending"))) {
            auto pending = protocol::hostStateFromJson(o.value(QLatin1String("pending")).toObject());
            if (!pending) {
                bad(pending.error().message);
                continue;
            }
            r.pending = *pending;
        }
        out.append(r);
    }
    return out;
}

}  // namespace netloom::helper
