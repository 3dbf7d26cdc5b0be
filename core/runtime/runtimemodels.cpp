// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtimemodels.h"

#include "runtime.h"

namespace netloom::runtime {

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || role != Qt::DisplayRole || index.row() >= m_rows.size())
        return {};
    const Row &r = m_rows[index.row()];
    switch (index.column()) {
    case Time: return r.time.toString(Qt::ISODateWithMs);
    case Level: return r.level;
    case Node: return r.node;
    case Message: return r.message;
    default: return {};
    }
}

QVariant LogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *names[] = {"Time", "Level", "Node", "Message"};
    return section >= 0 && section < ColumnCount ? QString::fromLatin1(names[section]) : QVariant();
}

void LogModel::append(const Row &row)
{
    if (m_rows.size() >= kMaxRows) {
        beginRemoveRows({}, 0, 0);
        m_rows.removeFirst();
        endRemoveRows();
    }
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
    m_rows.append(row);
    endInsertRows();
}

int LeaseTableModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    qsizetype n = 0;
    for (const Net &net : m_nets)
        n += net.entries.size();
    return int(n);
}

QVariant LeaseTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || role != Qt::DisplayRole)
        return {};
    qsizetype row = index.row();
    for (const Net &net : m_nets) {
        if (row >= net.entries.size()) {
            row -= net.entries.size();
            continue;
        }
        const leases::LeaseEntry &e = net.entries[row];
        switch (index.column()) {
        case Network: return net.name;
        case Mac: return e.mac.toString();
        case Ip: return e.ip.value ? e.ip.toString() : QString();
        case Hostname: return e.hostname;
        case Guest: return e.guest.isEmpty() ? QString() : e.guest + u'/' + e.nic;
        case Port: return e.port;
        case State: return QString::fromLatin1(leases::leaseStateName(e.state));
        case Expires: return e.expiresAtMs ? QDateTime::fromMSecsSinceEpoch(e.expiresAtMs).toString(Qt::ISODate) : QString();
        case Source: return QString::fromLatin1(leases::leaseSourceName(e.source));
        case Flags: {
            QStringList f;
            if (e.conflict)
                f << QStringLiteral("conflict");
            if (e.fromRogueServer)
                f << QStringLiteral("rogue-server");
            return f.join(u' ');
        }
        default: return {};
        }
    }
    return {};
}

QVariant LeaseTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *names[] = {"Network", "MAC", "IP", "Hostname", "Guest", "Port", "State", "Expires", "Source", "Flags"};
    return section >= 0 && section < ColumnCount ? QString::fromLatin1(names[section]) : QVariant();
}

void LeaseTableModel::setTable(const QString &network, const leases::LeaseTable &table)
{
    beginResetModel();
    bool found = false;
    for (Net &net : m_nets)
        if (net.name == network) {
            net.entries = table.entries;
            found = true;
        }
    if (!found)
        m_nets.append({network, table.entries});
    endResetModel();
}

QVariant PortTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || role != Qt::DisplayRole || index.row() >= m_rows.size())
        return {};
    const PortRateRow &r = m_rows[index.row()];
    switch (index.column()) {
    case Network: return r.network;
    case Port: return r.port;
    case Owner: return r.owner.isEmpty() ? r.description : r.owner;
    case RxBitsPerSec: return r.rate.rxBitsPerSec;
    case TxBitsPerSec: return r.rate.txBitsPerSec;
    case RxFrames: return qulonglong(r.totals.rxFrames);
    case TxFrames: return qulonglong(r.totals.txFrames);
    case Drops: return qulonglong(r.totals.rxDrops + r.totals.txDrops);
    default: return {};
    }
}

QVariant PortTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *names[] = {"Network", "Port", "Owner", "Rx bit/s", "Tx bit/s", "Rx frames", "Tx frames", "Drops"};
    return section >= 0 && section < ColumnCount ? QString::fromLatin1(names[section]) : QVariant();
}

void PortTableModel::setRows(const QList<PortRateRow> &rows)
{
    if (rows.size() == m_rows.size()) {
        m_rows = rows;
        if (!m_rows.isEmpty())
            emit dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

}  // namespace netloom::runtime
