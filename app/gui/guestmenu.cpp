// SPDX-License-Identifier: GPL-3.0-or-later
#include "guestmenu.h"

#include "consolearea.h"
#include "runcontroller.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QIcon>
#include <QMenu>

namespace netloom::gui {

using runtime::NodeState;
using runtime::PowerAction;

void GuestMenu::addActions(QMenu *menu, RunController *run, ConsoleArea *consoles, const QString &nodeId, const QString &name,
                           const std::function<void(const QString &)> &log)
{
    const NodeState s = run->nodeState(nodeId);
    const bool up = run->isGuest(nodeId) && (s == NodeState::Up || s == NodeState::Paused);
    const bool screen = run->guestDisplay(nodeId) != QLatin1String("none");
    auto icon = [](const char *n) { return QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(n))); };
    QAction *open = menu->addAction(icon("console"), tr("Open &Console"), menu, [=] {
        consoles->open(nodeId, name, GuestConsole::Page::Screen);
    });
    open->setObjectName(QStringLiteral("actionOpenConsole"));
    open->setEnabled(up && screen);
    QAction *serial = menu->addAction(icon("serial"), tr("Open &Serial Console"), menu, [=] {
        consoles->open(nodeId, name, GuestConsole::Page::Serial);
    });
    serial->setObjectName(QStringLiteral("actionOpenSerialConsole"));
    serial->setEnabled(up);
    // ssh as the guest's cloud-init user at its leased address (or host forward).
    const bool reachable = up && run->sshTarget(nodeId).isOk();
    QAction *ssh = menu->addAction(QIcon::fromTheme(QStringLiteral("utilities-terminal")), tr("SS&H to Guest"), menu, [=] {
        const Result<QString> started = run->openSshTerminal(nodeId);
        log(started ? tr("%1: %2").arg(name, *started) : started.error().message);
    });
    ssh->setObjectName(QStringLiteral("actionSshToGuest"));
    ssh->setEnabled(reachable);
    QAction *copy = menu->addAction(tr("Copy ss&h Command"), menu, [=] {
        const Result<runtime::SshTarget> t = run->sshTarget(nodeId);
        if (!t) {
            log(t.error().message);
            return;
        }
        const QString text = runtime::sshCommandText(*t, {});
        QGuiApplication::clipboard()->setText(text);
        log(tr("Copied \u201c%1\u201d").arg(text));
    });
    copy->setObjectName(QStringLiteral("actionCopySshCommand"));
    copy->setEnabled(reachable);
    menu->addSeparator();
    auto power = [=](PowerAction a) {
        if (Status st = run->power(nodeId, a); !st)
            log(st.error().message);
    };
    const bool paused = s == NodeState::Paused;
    QAction *pause = menu->addAction(icon(paused ? "start" : "pause"), paused ? tr("Res&ume") : tr("&Pause"), menu,
                                     [=] { power(paused ? PowerAction::Resume : PowerAction::Pause); });
    pause->setObjectName(QStringLiteral("actionGuestPause"));
    QAction *reset = menu->addAction(icon("reset"), tr("&Reset"), menu, [=] { power(PowerAction::Reset); });
    reset->setObjectName(QStringLiteral("actionGuestReset"));
    QAction *off = menu->addAction(icon("stop"), tr("Power &Off"), menu, [=] { power(PowerAction::Powerdown); });
    off->setObjectName(QStringLiteral("actionGuestPowerOff"));
    QAction *force = menu->addAction(icon("forceoff"), tr("&Force Off"), menu, [=] { power(PowerAction::ForceOff); });
    force->setObjectName(QStringLiteral("actionGuestForceOff"));
    for (QAction *a : {pause, reset, off})
        a->setEnabled(up);
    force->setEnabled(up || s == NodeState::Starting || s == NodeState::Stopping);
}

}  // namespace netloom::gui
