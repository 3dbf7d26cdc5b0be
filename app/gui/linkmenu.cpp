// SPDX-License-Identifier: GPL-3.0-or-later
#include "linkmenu.h"

#include "editcommands.h"
#include "topologydocument.h"

#include <QMenu>
#include <QUndoStack>

namespace netloom::gui {

void LinkMenu::addActions(QMenu *menu, TopologyDocument *doc, QUndoStack *undo, const QString &linkId,
                          const std::function<void()> &showImpairment)
{
    const model::Link *l = doc->topology().link(linkId);
    if (!l)
        return;
    const bool up = !l->emulation.up;  // the state the action sets
    QAction *toggle = menu->addAction(up ? tr("Set Link &Up") : tr("Set Link &Down"), menu, [doc, undo, linkId, up] {
        const model::Link *now = doc->topology().link(linkId);
        if (!now || now->emulation.up == up)
            return;
        model::LinkEmulation after = now->emulation;
        after.up = up;
        undo->push(new SetLinkEmulationCommand(doc, linkId, now->emulation, after));
    });
    toggle->setObjectName(QStringLiteral("actionLinkUpDown"));
    QAction *impair = menu->addAction(tr("&Impairment\u2026"), menu, [showImpairment] { showImpairment(); });
    impair->setObjectName(QStringLiteral("actionLinkImpairment"));
}

}  // namespace netloom::gui
