// SPDX-License-Identifier: GPL-3.0-or-later
// Qt item models over a Runtime's live state, for the GUI (and tests): the log with the node
// named, every network's lease table, and every switch port's counters and rates. They are
// fed by the Runtime (owner's thread) and hold bounded copies.
#pragma once

#include "leases/lease.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>

namespace netloom::runtime {

struct PortRateRow;

class LogModel : public QAbstractTableModel {
    Q_OBJECT
public:
    static constexpr int kMaxRows = 5000;  // oldest lines are dropped beyond this
    enum Column { Time, Level, Node, Message, ColumnCount };
    struct Row {
        QDateTime time;
        QString level, node, message;
    };
    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }
    int columnCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : ColumnCount; }
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void append(const Row &row);
    const QList<Row> &rows() const { return m_rows; }

private:
    QList<Row> m_rows;
};

// One row per lease entry of every network, networks in plan order.
class LeaseTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Network, Mac, Ip, Hostname, Guest, Port, State, Expires, Source, Flags, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : ColumnCount; }
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    // Replaces one network's rows (a network seen for the first time is appended).
    void setTable(const QString &network, const leases::LeaseTable &table);

private:
    struct Net {
        QString name;
        QList<leases::LeaseEntry> entries;
    };
    QList<Net> m_nets;
};

class PortTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Network, Port, Owner, RxBitsPerSec, TxBitsPerSec, RxFrames, TxFrames, Drops, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }
    int columnCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : ColumnCount; }
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void setRows(const QList<PortRateRow> &rows);

private:
    QList<PortRateRow> m_rows;
};

}  // namespace netloom::runtime
