// SPDX-License-Identifier: GPL-3.0-or-later
// The helper's journal: what it owns, written before it is touched.
//
// Design note. Each network has one record <state>/journal/<network>.json: owner uid,
// persistence, the committed state (what the last successful apply left) and — while an
// apply is running — the pending state it is converging to. The record is written with
// pending set BEFORE the first step runs and rewritten after the apply (committed = new,
// no pending) or after a rollback (committed = old). A kill -9 at any moment therefore
// leaves a record naming every object that may exist: recovery tears down
// committed ∪ pending (or, for a persistent network, only what pending added, then
// re-adopts the committed state). A global record keeps the original
// net.ipv4.ip_forward value so it can be restored. Records are written atomically in a
// directory only root can write; on read they are decoded strictly like requests.
#pragma once

#include "base/result.h"
#include "protocol/hoststate.h"

#include <QList>
#include <QString>

#include <optional>
#include <sys/types.h>

namespace netloom::helper {

struct NetworkRecord {
    QString network;
    uid_t uid = 0;
    bool persistent = false;
    protocol::HostState committed;
    std::optional<protocol::HostState> pending;
};

struct GlobalRecord {
    std::optional<bool> forwardingOriginal;  // ip_forward before Netloom first enabled it
    std::optional<bool> forwarding6Original; // net.ipv6.conf.all.forwarding before that
};

class Journal {
public:
    // dir: <state>/journal (created 0700 if missing; must be ours and private).
    static Result<Journal> open(const QString &dir);

    Status save(const NetworkRecord &record);
    Status remove(const QString &network);
    // Every readable record; unreadable ones are reported in *errors and left in place.
    QList<NetworkRecord> loadAll(QStringList *errors) const;

    const GlobalRecord &global() const { return m_global; }
    Status saveGlobal(const GlobalRecord &record);

private:
    explicit Journal(const QString &dir) : m_dir(dir) {}
    QString m_dir;
    GlobalRecord m_global;
};

}  // namespace netloom::helper
