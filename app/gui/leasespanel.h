// SPDX-License-Identifier: GPL-3.0-or-later
// The leases panel (issue #6, point 3): every lease of the running topology with MAC, IP,
// hostname, guest, network/port, state, "expires in" and source; sortable, filterable; copy
// the IP or an ssh command; "pin as reservation" adds a static DHCP host to the host port
// that serves the lease's network (one undo step).
//
// Design note. LeaseListModel keeps its own flat copy of the runtime's tables (replaced
// whole on every leasesChanged, bounded by the tracker's own table limit times networks) so
// the "expires in" column can be computed against a clock the model is told about
// (setNow), which keeps it testable and lets one 1 s timer refresh the countdowns.
#pragma once

#include "leases/lease.h"
#include "model/topology.h"

#include <QAbstractTableModel>
#include <QWidget>

class QLineEdit;
class QSortFilterProxyModel;
class QTableView;
class QUndoStack;

namespace netloom::gui {

class RunController;
class TopologyDocument;

class LeaseListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    static constexpr int kMaxRows = 8192;
    enum Column { Mac, Ip, Ipv6, Hostname, Guest, NetworkPort, State, ExpiresIn, Source, ColumnCount };
    struct Row {
        QString network;
        leases::LeaseEntry entry;
    };
    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }
    int columnCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : ColumnCount; }
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    // Replaces every row (at most kMaxRows are kept).
    void setTables(const QList<leases::LeaseTable> &tables);
    // The clock "expires in" is computed against (ms since the epoch); refreshes that column.
    void setNow(qint64 nowMs);
    const Row *row(int r) const { return r >= 0 && r < m_rows.size() ? &m_rows[r] : nullptr; }

private:
    QList<Row> m_rows;
    qint64 m_now = 0;
};

// "5m 12s", "1h 03m", "expired", "never" for a lease expiring at `expiresAtMs`. Pure.
QString formatExpiresIn(qint64 expiresAtMs, qint64 nowMs);

// The host port node that serves DHCP on the netloom switch named `network`, or "". Pure.
QString dhcpHostPortFor(const model::Topology &topology, const QString &network);

class LeasesPanel : public QWidget {
    Q_OBJECT
public:
    LeasesPanel(RunController *run, TopologyDocument *doc, QUndoStack *undo, QWidget *parent = nullptr);

    LeaseListModel *model() const { return m_model; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    QTableView *view() const { return m_view; }
    QLineEdit *filterEdit() const { return m_filter; }

    // Actions on the lease in source row `row`; they report to the log through message().
    void copyIp(int row);
    void copySsh(int row);
    // Adds {mac, ip, hostname} to the DHCP reservations of the host port serving the lease's
    // network, as one undo step. Returns false (and says why) when that is not possible.
    bool pinAsReservation(int row);
    // Emits forwardRequested for the guest NIC that holds the lease in source row `row`.
    // Returns false (and says why) when the lease's MAC belongs to no guest NIC.
    bool forwardPort(int row);
    // The source row of the current selection, or -1.
    int currentRow() const;

signals:
    void message(const QString &text);
    // "Forward a Port to This Guest…" on a lease row of guest NIC (guestId, nic).
    void forwardRequested(const QString &guestId, const QString &nic);

private:
    void refresh();
    void showMenu(const QPoint &pos);

    RunController *m_run;
    TopologyDocument *m_doc;
    QUndoStack *m_undo;
    LeaseListModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_view;
    QLineEdit *m_filter;
};

}  // namespace netloom::gui
