// SPDX-License-Identifier: GPL-3.0-or-later
// The actions on one running guest — consoles and power — as one menu, shared by the
// canvas's context menu and Run > Guest (issue #10).
#pragma once

#include <QCoreApplication>
#include <QString>

#include <functional>

class QMenu;

namespace netloom::gui {

class ConsoleArea;
class RunController;

class GuestMenu {
    Q_DECLARE_TR_FUNCTIONS(GuestMenu)
public:
    // Appends to `menu`: Open Console, Open Serial Console, then Pause or Resume, Reset,
    // Power Off and Force Off for guest `nodeId` (display name `name`), each enabled when it
    // can act in the guest's current state. Failures go to `log` as one line. Touches: only
    // `menu`.
    static void addActions(QMenu *menu, RunController *run, ConsoleArea *consoles, const QString &nodeId, const QString &name,
                           const std::function<void(const QString &)> &log);
};

}  // namespace netloom::gui
