// SPDX-License-Identifier: GPL-3.0-or-later
#include "leasetracker.h"

#include "leasemerge.h"

#include <QDateTime>

namespace netloom::leases {

LeaseTracker::LeaseTracker(const LeaseTableConfig &config, QObject *parent, Clock clock, int tickMs)
    : QObject(parent), m_clock(std::move(clock))
{
    qRegisterMetaType<netloom::leases::LeaseEvent>();
    qRegisterMetaType<netloom::leases::LeaseNote>();
    qRegisterMetaType<netloom::leases::LeaseTable>();
    m_table.config = config;
    if (!m_clock)
        m_clock = [] { return QDateTime::currentMSecsSinceEpoch(); };
    if (tickMs > 0) {
        m_tick.setInterval(tickMs);
        connect(&m_tick, &QTimer::timeout, this, [this] { apply(LeaseEvent{}); });
        m_tick.start();
    }
}

void LeaseTracker::apply(const LeaseEvent &event)
{
    MergeResult r = mergeLeaseEvent(m_table, event, m_clock());
    m_table = std::move(r.table);
    for (const LeaseNote &n : r.notes)
        emit noted(n);
    if (r.changed)
        emit tableChanged(m_table);
}

}  // namespace netloom::leases
