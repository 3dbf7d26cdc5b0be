// SPDX-License-Identifier: GPL-3.0-or-later
#include "bootstore.h"

#include "safefile.h"

#include "protocol/hoststatedecode.h"
#include "protocol/names.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

namespace netloom::helper {

namespace {

QString recordPath(const QString &dir, const QString &network)
{
    return dir + u'/' + network + QStringLiteral(".json");
}

}  // namespace

Result<BootStore> BootStore::open(const QString &dir)
{
    if (auto s = ensurePrivateDir(dir, 0700); !s)
        return s.error();
    BootStore store(dir);
    store.load();
    return store;
}

Status BootStore::save(const BootRecord &r)
{
    if (!m_records.contains(r.network) && m_records.size() + m_unreadable.size() >= kMaxRecords)
        return Error::failed(ErrorCode::LimitExceeded, QStringLiteral("save boot record of"), r.network,
                             QStringLiteral("there are %1 boot records already").arg(kMaxRecords));
    const QJsonObject o{{QStringLiteral("network"), r.network},
                        {QStringLiteral("uid"), double(r.uid)},
                        {QStringLiteral("topology"), r.topology},
                        {QStringLiteral("state"), protocol::toJson(r.state)}};
    if (auto s = writeFileAtomically(recordPath(m_dir, r.network), QJsonDocument(o).toJson(QJsonDocument::Indented), 0600); !s)
        return s;
    m_records.insert(r.network, r);
    m_unreadable.removeAll(r.network);
    return ok();
}

Status BootStore::remove(const QString &network)
{
    const QString path = recordPath(m_dir, network);
    if (!QFile::remove(path) && QFile::exists(path))
        return Error::failed(ErrorCode::Io, QStringLiteral("remove"), path, QStringLiteral("the boot record could not be deleted"));
    m_records.remove(network);
    m_unreadable.removeAll(network);
    const QString quoted = u'\'' + path + u'\'';
    m_errors.removeIf([&](const QString &e) { return e.contains(quoted); });
    return ok();
}

void BootStore::load()
{
    QStringList *errors = &m_errors;
    const QStringList files = QDir(m_dir).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    for (const QString &f : files) {
        const QString path = m_dir + u'/' + f;
        const auto bad = [&](const QString &why) {
            errors->append(QStringLiteral("failed to read boot record '%1': %2").arg(path, why));
            const QString stem = f.chopped(5);  // "<network>.json"
            if (protocol::validateNetworkId(stem))
                m_unreadable.append(stem);
        };
        if (m_records.size() >= kMaxRecords) {
            bad(QStringLiteral("more than %1 boot records").arg(kMaxRecords));
            continue;
        }
        auto data = readSmallFile(path, kMaxRecordBytes);
        if (!data) {
            bad(data.error().message);
            continue;
        }
        QJsonParseError pe{};
        const QJsonDocument doc = QJsonDocument::fromJson(*data, &pe);
        if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
            bad(QStringLiteral("not a JSON object"));
            continue;
        }
        const QJsonObject o = doc.object();
        static const QSet<QString> known{QStringLiteral("network"), QStringLiteral("uid"), QStringLiteral("topology"),
                                         QStringLiteral("state")};
        QString unknown;
        for (auto it = o.begin(); it != o.end() && unknown.isEmpty(); ++it)
            if (!known.contains(it.key()))
                unknown = it.key().left(64);
        if (!unknown.isEmpty()) {
            bad(QStringLiteral("unknown key '%1'").arg(unknown));
            continue;
        }
        BootRecord r;
        r.network = o.value(QLatin1String("network")).toString();
        if (!protocol::validateNetworkId(r.network) || f != r.network + QStringLiteral(".json")) {
            bad(QStringLiteral("the network id does not match the file name"));
            continue;
        }
        const QJsonValue uid = o.value(QLatin1String("uid"));
        if (!uid.isDouble() || uid.toDouble() < 0 || uid.toDouble() > 4294967294.0 || uid.toDouble() != double(qint64(uid.toDouble()))) {
            bad(QStringLiteral("no valid uid"));
            continue;
        }
        r.uid = uid_t(uid.toDouble());
        const QJsonValue topo = o.value(QLatin1String("topology"));
        if (!topo.isString() || topo.toString().size() > protocol::Request::kMaxTopologyChars) {
            bad(QStringLiteral("'topology' must be a path of at most %1 characters").arg(protocol::Request::kMaxTopologyChars));
            continue;
        }
        r.topology = topo.toString();
        auto state = protocol::hostStateFromJson(o.value(QLatin1String("state")).toObject());
        if (!state) {
            bad(state.error().message);
            continue;
        }
        r.state = *state;
        m_records.insert(r.network, r);
    }
}

}  // namespace netloom::helper
