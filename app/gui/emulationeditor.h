// SPDX-License-Identifier: GPL-3.0-or-later
// The "Impairment" section of a cable's properties: the link's administrative state (up or
// down) and its impairment, one set of fields for both directions or one per direction.
//
// Design note. Like ImpairmentForm, the section edits a value (model::LinkEmulation) and
// knows no document: the properties panel writes the link's emulation in, and on edited()
// reads it back and pushes one undo command. "Same in both directions" is a view choice,
// not model state: it starts checked when both directions are equal, is forced off when the
// model's directions differ (after an undo, say), and while it is on the one form's values
// are stored as both `ab` and `ba` — so checking it over two different directions is itself
// one edit (b → a takes a → b's values). The direction tabs are named after the cable's
// ends ("alpha → sw1"), `ab` being frames from endpoint a to endpoint b.
#pragma once

#include "base/result.h"
#include "model/topology.h"

#include <QGroupBox>

class QCheckBox;
class QTabWidget;

namespace netloom::gui {

class ImpairmentForm;

class EmulationEditor : public QGroupBox {
    Q_OBJECT
public:
    explicit EmulationEditor(QWidget *parent = nullptr);

    // Names the directions after the cable's end nodes `a` and `b`. Touches: tab titles.
    void setEndNames(const QString &a, const QString &b);
    // Shows `e` (see the design note for the "same" box). Emits nothing.
    void setEmulation(const model::LinkEmulation &e);
    // Returns `base` with the user's edits applied, each direction validated; or the first
    // validation error, naming the direction when they are edited separately. Touches nothing.
    Result<model::LinkEmulation> readInto(const model::LinkEmulation &base) const;
    bool sameBothWays() const;
    // The form of direction a → b (`ab`) or b → a. For tests.
    ImpairmentForm *form(bool ab) const { return ab ? m_ab : m_ba; }

signals:
    // A commit gesture in the section (see ImpairmentForm::edited), or a box toggled.
    void edited();

private:
    void updateTabs();

    QCheckBox *m_up;
    QCheckBox *m_same;
    QTabWidget *m_tabs;
    ImpairmentForm *m_ab;
    ImpairmentForm *m_ba;
    QString m_a, m_b;
    bool m_shown = false;  // setEmulation ran once (the "same" default is set)
};

}  // namespace netloom::gui
