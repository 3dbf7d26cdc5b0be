// SPDX-License-Identifier: GPL-3.0-or-later
// The helper's boot records: networks whose host side is rebuilt when the helper starts on a
// fresh boot (issue #16 part 2, `netloomctl enable`).
//
// Design note. The journal (journal.h) lives in /run and is gone after a reboot; a boot
// record lives in a persistent directory (/var/lib/netloom/boot by default) and holds what
// `enable` asked for: the network id, the owner uid (the peer that enabled it, never a
// claimed one), the topology file it came from (shown by `netloomctl list-enabled`, never
// read by the helper) and the host state. One file per network, <dir>/<network>.json,
// written atomically 0600 in a directory only root can write; read back as strictly as a
// request: a record that does not decode is reported and left alone, never half-used.
// At start-up HelperServer::rebuildEnabled() applies every record whose network does not
// exist yet, as a persistent network, through the normal journaled apply.
#pragma once

#include "base/result.h"
#include "protocol/hoststate.h"
#include "protocol/message.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <sys/types.h>

namespace netloom::helper {

struct BootRecord {
    QString network;
    uid_t uid = 0;
    QString topology;  // absolute path of the topology file, informative only
    protocol::HostState state;
};

class BootStore {
public:
    static constexpr qint64 kMaxRecordBytes = 4 << 20;
    static constexpr int kMaxRecords = 256;

    // dir: created 0700 if missing; must be ours and private. Reads every record in it (at
    // most kMaxRecords, in file-name order); unreadable ones are reported in errors() ("failed
    // to read boot record 'PATH': why") and left in place.
    static Result<BootStore> open(const QString &dir);

    // Writes `record` and keeps it (LimitExceeded beyond kMaxRecords).
    Status save(const BootRecord &record);
    // Removes the record of `network`, readable or not (ok when there is none).
    Status remove(const QString &network);
    // Whether `network` has a record file, readable or not.
    bool contains(const QString &network) const { return m_records.contains(network) || m_unreadable.contains(network); }
    // The readable records, by network id.
    QList<BootRecord> records() const { return m_records.values(); }
    const QStringList &errors() const { return m_errors; }
    const QString &dir() const { return m_dir; }

private:
    explicit BootStore(const QString &dir) : m_dir(dir) {}
    void load();
    QString m_dir;
    QMap<QString, BootRecord> m_records;
    QStringList m_unreadable;  // network ids (file names) whose record did not decode
    QStringList m_errors;
};

}  // namespace netloom::helper
