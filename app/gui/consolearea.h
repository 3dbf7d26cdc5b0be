// SPDX-License-Identifier: GPL-3.0-or-later
// ConsoleArea: the window's centre — the topology canvas as the first tab, then one tab per
// open guest console (GuestConsole); a console can be detached into a window of its own
// and attached back (issue #10).
//
// Design note. The area owns every console, tabbed or detached (a detached console is a
// top-level widget the area still tracks and deletes). One console per guest: opening an
// open one brings it forward on the asked page. Consoles open only for guests of the
// running topology that are running; other requests are refused with one message naming
// the guest (unknown, not running, nothing running). When the run stops the consoles stay
// (they show "not running") until the user closes them or the run starts again with a new
// plan, when they are closed, since their guests may be gone.
#pragma once

#include "guestconsole.h"

#include <QList>
#include <QPointer>
#include <QTabWidget>

namespace netloom::gui {

class RunController;

class ConsoleArea : public QTabWidget {
    Q_OBJECT
public:
    // `canvas` becomes the first tab ("Topology"), which cannot be closed.
    ConsoleArea(RunController *run, QWidget *canvas, QWidget *parent = nullptr);
    ~ConsoleArea() override;

    // Opens (or brings forward) the console of guest `nodeId` (display name `name`) on
    // `page`. Returns it, or null after emitting message() when the guest is unknown or
    // not running.
    GuestConsole *open(const QString &nodeId, const QString &name, GuestConsole::Page page);
    GuestConsole *console(const QString &nodeId) const;
    QList<GuestConsole *> consoles() const;  // tabbed and detached
    // Moves an open console into its own window, or back into a tab.
    void detach(GuestConsole *console);
    void attach(GuestConsole *console);
    void closeConsole(GuestConsole *console);
    void closeAll();

signals:
    void message(const QString &line);

private:
    void adopt(GuestConsole *console);

    RunController *m_run;
    QWidget *m_canvas;
    QList<QPointer<GuestConsole>> m_consoles;
};

}  // namespace netloom::gui
