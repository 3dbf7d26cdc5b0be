// SPDX-License-Identifier: GPL-3.0-or-later
// The "Port forwards" table of a NAT gateway's properties: one row per forward (protocol with
// its family — tcp, udp, tcp6, udp6 —, host address, host port, guest, guest port,
// description), with Add and Remove.
//
// Design note. Like MirrorTable, the table edits a value (the gateway's
// QList<model::PortForward>) and knows no document: the properties panel writes the forwards
// and the guests on offer (the guest NICs on the gateway's network, model/portforward.h) in,
// and on edited() reads forwards() back into one undo command. A guest is offered by its
// display name (with the NIC when it has several on the network) and stored by node id and
// NIC; a forward naming a guest that is not on offer keeps its id as text, so reading the
// table back never loses it (the validator then names the problem). Ports are spin boxes
// 1..65535 and text fields commit when editing finishes, so one edit is one undo step.
// Bounded: Add is disabled at model::limits::kMaxPortForwards rows and with no guest on offer.
// While the topology runs, a read-only State column says per row what became of the forward
// (the properties panel feeds it from the runtime); it is empty otherwise.
#pragma once

#include "model/topology.h"

#include <QWidget>

class QComboBox;
class QPushButton;
class QTableWidget;

namespace netloom::gui {

class ForwardTable : public QWidget {
    Q_OBJECT
public:
    enum Column { Protocol, HostAddress, HostPort, Guest, GuestPort, Description, State, ColumnCount };
    // What the running topology made of a row (runtime/forwardstatus.h), shown read-only.
    struct RowState {
        QString text;    // "applied → 10.0.2.15", "pending", "refused"; "" = not running
        QString detail;  // tooltip: the reason
        bool problem = false;
        bool operator==(const RowState &) const = default;
    };
    struct GuestChoice {
        QString guest;  // node id
        QString nic;    // "" when the guest has one NIC on the network
        QString text;   // as shown
        bool operator==(const GuestChoice &) const = default;
    };

    explicit ForwardTable(QWidget *parent = nullptr);

    // The guests a forward may go to. Takes effect at the next setForwards. Touches nothing else.
    void setGuests(const QList<GuestChoice> &guests);
    // Shows `forwards`, one row each (at most kMaxPortForwards); rows already showing exactly
    // these with the same offer are left alone. Emits nothing.
    void setForwards(const QList<model::PortForward> &forwards);
    // Shows `states` in the State column, row by row (missing rows: empty). Emits nothing.
    void setStates(const QList<RowState> &states);
    QList<RowState> states() const { return m_states; }
    // The rows as edited, in order. Touches nothing.
    QList<model::PortForward> forwards() const;
    QTableWidget *table() const { return m_table; }

    // Appends a row (tcp, the first free host port from 8080, the first guest, port 80) and
    // emits edited(). Returns false, changing nothing, when Add is disabled.
    bool addRow();
    // Appends a row for `forward` as given and emits edited() (the "Forward a port to this
    // guest…" actions). False when Add is disabled.
    bool addForward(const model::PortForward &forward);
    // Removes row `row` (-1: the current one) and emits edited(). False if there is none.
    bool removeRow(int row = -1);

signals:
    // A row was added or removed, or a cell's edit finished.
    void edited();

private:
    void appendRow(const model::PortForward &f);
    void showState(int row);
    void updateButtons();

    QTableWidget *m_table;
    QPushButton *m_add;
    QPushButton *m_remove;
    QList<GuestChoice> m_guests;
    QList<GuestChoice> m_rowsGuests;  // the offer the rows' combos were built with
    QList<RowState> m_states;
};

}  // namespace netloom::gui
