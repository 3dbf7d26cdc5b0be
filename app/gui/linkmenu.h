// SPDX-License-Identifier: GPL-3.0-or-later
// The actions on one cable in the canvas's context menu (issue #13): set it down or up,
// and open its Impairment section.
#pragma once

#include <QCoreApplication>
#include <QString>

#include <functional>

class QMenu;
class QUndoStack;

namespace netloom::gui {

class TopologyDocument;

class LinkMenu {
    Q_DECLARE_TR_FUNCTIONS(LinkMenu)
public:
    // Appends to `menu`: "Set link down" (or "Set link up" for a cable that is down), which
    // pushes one SetLinkEmulationCommand for link `linkId` on `undo` (by id, looked up when
    // triggered: nothing happens if the link is gone or already in that state), and
    // "Impairment…", which calls `showImpairment`. Touches: only `menu`.
    static void addActions(QMenu *menu, TopologyDocument *doc, QUndoStack *undo, const QString &linkId,
                           const std::function<void()> &showImpairment);
};

}  // namespace netloom::gui
