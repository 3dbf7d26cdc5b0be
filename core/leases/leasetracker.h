// SPDX-License-Identifier: GPL-3.0-or-later
// LeaseTracker: one network's lease table as a QObject. It owns the table, applies events
// through the pure mergeLeaseEvent() with its clock, ticks expiry once a second, and emits
// the new table and the notes. It lives on its owner's thread (GUI or CLI); producers on
// other threads (the switch's snooper) connect to apply() with a queued connection, so all
// changes and signals happen on the owner's thread.
#pragma once

#include "lease.h"

#include <QObject>
#include <QTimer>

#include <functional>

namespace netloom::leases {

class LeaseTracker : public QObject {
    Q_OBJECT
public:
    using Clock = std::function<qint64()>;  // milliseconds since the epoch

    // `clock` defaults to the wall clock. The expiry tick starts at once (tickMs > 0).
    explicit LeaseTracker(const LeaseTableConfig &config, QObject *parent = nullptr, Clock clock = {},
                          int tickMs = 1000);

    const LeaseTable &table() const { return m_table; }

public slots:
    // Merges one event at the clock's now; emits noted() per note, then tableChanged().
    void apply(const netloom::leases::LeaseEvent &event);

signals:
    void tableChanged(const netloom::leases::LeaseTable &table);
    void noted(const netloom::leases::LeaseNote &note);

private:
    LeaseTable m_table;
    Clock m_clock;
    QTimer m_tick;
};

}  // namespace netloom::leases
