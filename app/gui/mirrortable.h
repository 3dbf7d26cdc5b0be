// SPDX-License-Identifier: GPL-3.0-or-later
// The "Port mirroring" table of a netloom switch's properties: one row per mirror (source
// cable, target cable, direction rx/tx/both), with Add and Remove.
//
// Design note. Like the other property editors, the table edits a value (the switch's
// QList<model::MirrorConfig>) and knows no document: the properties panel writes the
// mirrors and the cables on offer in, and on edited() reads mirrors() back into one undo
// command. Cables are offered by their display text and stored by link id; a mirror naming
// a link that is not on offer (a file edited by hand) keeps its id as text, so reading the
// table back never loses it. Bounded: Add is disabled at model::limits::kMaxMirrors rows and
// when the switch has fewer than two cables.
#pragma once

#include "model/topology.h"

#include <QWidget>

class QComboBox;
class QPushButton;
class QTableWidget;

namespace netloom::gui {

class MirrorTable : public QWidget {
    Q_OBJECT
public:
    enum Column { Source, Target, Direction, ColumnCount };
    struct Cable {
        QString linkId;
        QString text;  // as the canvas names the link
        bool operator==(const Cable &) const = default;
    };

    explicit MirrorTable(QWidget *parent = nullptr);

    // The cables a mirror may name (those touching the switch). Takes effect at the next
    // setMirrors. Touches nothing else.
    void setCables(const QList<Cable> &cables);
    // Shows `mirrors`, one row each (at most kMaxMirrors); rows already showing exactly
    // these with the same offer are left alone. Emits nothing.
    void setMirrors(const QList<model::MirrorConfig> &mirrors);
    // The rows as edited, in order. Touches nothing.
    QList<model::MirrorConfig> mirrors() const;
    QTableWidget *table() const { return m_table; }

    // Appends a row (the first two cables, both directions) and emits edited(). Returns
    // false, changing nothing, when Add is disabled.
    bool addRow();
    // Removes row `row` (-1: the current one) and emits edited(). False if there is none.
    bool removeRow(int row = -1);

signals:
    // A row was added or removed, or a choice picked.
    void edited();

private:
    void appendRow(const model::MirrorConfig &m);
    QComboBox *cableCombo(const QString &linkId);
    void updateButtons();

    QTableWidget *m_table;
    QPushButton *m_add;
    QPushButton *m_remove;
    QList<Cable> m_cables;
    QList<Cable> m_rowsCables;  // the offer the rows' combos were built with
};

}  // namespace netloom::gui
