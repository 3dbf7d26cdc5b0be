// SPDX-License-Identifier: GPL-3.0-or-later
#include "consolearea.h"

#include "runcontroller.h"

#include <QTabBar>

namespace netloom::gui {

using runtime::NodeState;

ConsoleArea::ConsoleArea(RunController *run, QWidget *canvas, QWidget *parent) : QTabWidget(parent), m_run(run), m_canvas(canvas)
{
    setObjectName(QStringLiteral("consoleArea"));
    setDocumentMode(true);
    setTabsClosable(true);
    setMovable(true);
    addTab(canvas, QIcon(QStringLiteral(":/icons/switch.svg")), tr("Topology"));
    // The canvas tab has no close button, wherever the style puts it.
    tabBar()->setTabButton(0, QTabBar::RightSide, nullptr);
    tabBar()->setTabButton(0, QTabBar::LeftSide, nullptr);
    tabBar()->setAutoHide(true);  // only the canvas: no tab bar at all
    connect(this, &QTabWidget::tabCloseRequested, this, [this](int index) {
        if (auto *c = qobject_cast<GuestConsole *>(widget(index)))
            closeConsole(c);
    });
    connect(m_run, &RunController::runStateChanged, this, [this](runtime::RunState s) {
        if (s == runtime::RunState::Starting)
            closeAll();  // a new plan: the old consoles' guests may be gone or different
    });
}

ConsoleArea::~ConsoleArea()
{
    // Tabbed consoles go with the tab widget; detached ones are top-level windows.
    for (GuestConsole *c : consoles())
        if (indexOf(c) < 0)
            delete c;
}

GuestConsole *ConsoleArea::console(const QString &nodeId) const
{
    for (const QPointer<GuestConsole> &c : m_consoles)
        if (c && c->nodeId() == nodeId)
            return c;
    return nullptr;
}

QList<GuestConsole *> ConsoleArea::consoles() const
{
    QList<GuestConsole *> out;
    for (const QPointer<GuestConsole> &c : m_consoles)
        if (c)
            out << c;
    return out;
}

GuestConsole *ConsoleArea::open(const QString &nodeId, const QString &name, GuestConsole::Page page)
{
    const QString who = name.isEmpty() ? nodeId : name;
    if (GuestConsole *c = console(nodeId)) {
        c->showPage(page);
        if (indexOf(c) >= 0)
            setCurrentWidget(c);
        else
            c->activateWindow(), c->raise();
        return c;
    }
    // A guest can be up while the run is still starting (others boot): its state decides.
    if (!m_run->isActive()) {
        emit message(tr("failed to open the console of '%1': the topology is not running").arg(who));
        return nullptr;
    }
    if (!m_run->isGuest(nodeId)) {
        emit message(tr("failed to open the console of '%1': no such guest in the running topology").arg(who));
        return nullptr;
    }
    const NodeState s = m_run->nodeState(nodeId);
    if (s != NodeState::Up && s != NodeState::Paused) {
        emit message(tr("failed to open the console of '%1': the guest is not running (it is %2)")
                         .arg(who, QString::fromLatin1(runtime::nodeStateName(s))));
        return nullptr;
    }
    auto *c = new GuestConsole(m_run, nodeId, who, this);
    m_consoles << c;
    connect(c, &GuestConsole::message, this, &ConsoleArea::message);
    connect(c, &GuestConsole::detachRequested, this, [this, c] { detach(c); });
    connect(c, &GuestConsole::attachRequested, this, [this, c] { attach(c); });
    connect(c, &GuestConsole::closeRequested, this, [this, c] { closeConsole(c); });
    adopt(c);
    if (page == GuestConsole::Page::Screen && !c->hasScreen())
        emit message(tr("'%1' has no screen (display: none): showing its serial console").arg(who));
    if (page == GuestConsole::Page::Serial || !c->hasScreen())
        c->showPage(GuestConsole::Page::Serial);
    return c;
}

void ConsoleArea::adopt(GuestConsole *c)
{
    c->setDetached(false);
    setCurrentIndex(addTab(c, QIcon(QStringLiteral(":/icons/console.svg")), c->guestName()));
    c->setFocus();
}

void ConsoleArea::detach(GuestConsole *c)
{
    const int index = indexOf(c);
    if (index < 0)
        return;
    const QSize size = c->size();
    removeTab(index);
    c->setParent(nullptr, Qt::Window);
    c->setDetached(true);
    c->resize(size.expandedTo(QSize(640, 480)));
    c->show();
    c->raise();
}

void ConsoleArea::attach(GuestConsole *c)
{
    if (indexOf(c) >= 0)
        return;
    c->hide();
    c->setParent(this);
    adopt(c);
}

void ConsoleArea::closeConsole(GuestConsole *c)
{
    if (!c)
        return;
    m_consoles.removeAll(c);
    if (const int index = indexOf(c); index >= 0)
        removeTab(index);
    c->hide();
    c->disconnect(this);
    c->deleteLater();
}

void ConsoleArea::closeAll()
{
    for (GuestConsole *c : consoles())
        closeConsole(c);
    m_consoles.clear();
}

}  // namespace netloom::gui
