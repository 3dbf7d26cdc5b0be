// SPDX-License-Identifier: GPL-3.0-or-later
#include "guestconsole.h"

#include "runcontroller.h"
#include "terminalview.h"
#include "vncview.h"

#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QLabel>
#include <QLocalSocket>
#include <QMenu>
#include <QStackedWidget>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <unistd.h>

namespace netloom::gui {

using runtime::ConsoleAttachment;
using runtime::ConsoleKind;
using runtime::NodeState;
using runtime::PowerAction;

namespace {

QIcon icon(const char *name)
{
    return QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(name)));
}

}  // namespace

GuestConsole::GuestConsole(RunController *run, const QString &nodeId, const QString &name, QWidget *parent)
    : QWidget(parent), m_run(run), m_node(nodeId), m_name(name)
{
    setObjectName(QStringLiteral("guestConsole-%1").arg(nodeId));
    setWindowTitle(tr("%1 — console").arg(name));
    m_screen = new VncView(this);
    m_screen->setObjectName(QStringLiteral("consoleScreen"));
    m_serial = new TerminalView(this);
    m_serial->setObjectName(QStringLiteral("consoleSerial"));
    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_screen);
    m_stack->addWidget(m_serial);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("consoleStatus"));
    m_status->setContentsMargins(4, 2, 4, 2);
    buildToolBar();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_bar);
    layout->addWidget(m_stack, 1);
    layout->addWidget(m_status);

    m_screen->setResizeSupported(m_run->guestDisplay(m_node) == QLatin1String("virtio"));
    connect(m_screen, &VncView::connectionLost, this, &GuestConsole::onScreenLost);
    connect(m_screen, &VncView::connectedChanged, this, [this](bool up) {
        if (up)
            m_retries = 0;
        updateState();
    });
    connect(m_screen, &VncView::guestSizeChanged, this, &GuestConsole::updateState);
    connect(m_screen, &VncView::grabChanged, this, &GuestConsole::updateState);
    connect(m_screen, &VncView::typingSkipped, this, [this](int n) {
        emit message(tr("%1: %n character(s) of the clipboard cannot be typed on a US keyboard layout and were skipped", nullptr, n).arg(m_name));
    });
    connect(m_serial, &TerminalView::sendBytes, this, [this](const QByteArray &bytes) {
        if (m_serialSocket && m_serialSocket->state() == QLocalSocket::ConnectedState)
            m_serialSocket->write(bytes);
    });
    connect(m_run, &RunController::nodeStateChanged, this,
            [this](const QString &node, NodeState state, const QString &) { onNodeState(node, state); });
    connect(m_run, &RunController::stopped, this, [this] { onNodeState(m_node, NodeState::Down); });

    if (hasScreen()) {
        showPage(Page::Screen);
        attachScreen();
    } else {
        showPage(Page::Serial);
    }
    updateState();
}

GuestConsole::~GuestConsole()
{
    ++m_generation;  // answers still on their way close their descriptor
    dropSerial();
}

bool GuestConsole::hasScreen() const
{
    const QString d = m_run->guestDisplay(m_node);
    return !d.isEmpty() && d != QLatin1String("none");
}

bool GuestConsole::running() const
{
    const NodeState s = m_run->nodeState(m_node);
    return s == NodeState::Up || s == NodeState::Paused;
}

bool GuestConsole::serialAttached() const
{
    return m_serialSocket && m_serialSocket->state() == QLocalSocket::ConnectedState;
}

void GuestConsole::buildToolBar()
{
    m_bar = new QToolBar(this);
    m_bar->setObjectName(QStringLiteral("consoleToolBar"));
    m_bar->setIconSize(QSize(16, 16));
    m_bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    auto *pages = new QActionGroup(this);
    m_showScreen = m_bar->addAction(icon("console"), tr("Screen"), this, [this] { showPage(Page::Screen); });
    m_showScreen->setObjectName(QStringLiteral("actionConsoleScreen"));
    m_showSerial = m_bar->addAction(icon("serial"), tr("Serial"), this, [this] { showPage(Page::Serial); });
    m_showSerial->setObjectName(QStringLiteral("actionConsoleSerial"));
    for (QAction *a : {m_showScreen, m_showSerial}) {
        a->setCheckable(true);
        pages->addAction(a);
    }
    m_showScreen->setToolTip(tr("The guest's screen (keyboard and mouse go to the guest)"));
    m_showSerial->setToolTip(tr("The guest's first serial port, with what it wrote before"));
    m_bar->addSeparator();

    m_pause = m_bar->addAction(icon("pause"), tr("Pause"), this, [this] {
        power(m_run->nodeState(m_node) == NodeState::Paused ? PowerAction::Resume : PowerAction::Pause);
    });
    m_pause->setObjectName(QStringLiteral("actionConsolePause"));
    m_reset = m_bar->addAction(icon("reset"), tr("Reset"), this, [this] { power(PowerAction::Reset); });
    m_reset->setObjectName(QStringLiteral("actionConsoleReset"));
    m_reset->setToolTip(tr("Hard reset, like the reset button"));
    m_powerOff = m_bar->addAction(icon("stop"), tr("Power Off"), this, [this] { power(PowerAction::Powerdown); });
    m_powerOff->setObjectName(QStringLiteral("actionConsolePowerOff"));
    m_powerOff->setToolTip(tr("Press the ACPI power button; QEMU is stopped harder if the guest does not react"));
    m_forceOff = m_bar->addAction(icon("forceoff"), tr("Force Off"), this, [this] { power(PowerAction::ForceOff); });
    m_forceOff->setObjectName(QStringLiteral("actionConsoleForceOff"));
    m_forceOff->setToolTip(tr("Kill QEMU now, like pulling the plug"));
    m_bar->addSeparator();

    auto *keys = new QMenu(this);
    for (const auto &[label, qnums] : VncView::sendKeyChoices()) {
        const QList<quint32> seq = qnums;
        keys->addAction(label, this, [this, seq] { m_screen->sendKeySequence(seq); });
    }
    m_sendKey = m_bar->addAction(icon("keyboard"), tr("Send Key"));
    m_sendKey->setObjectName(QStringLiteral("actionConsoleSendKey"));
    m_sendKey->setMenu(keys);
    if (auto *b = qobject_cast<QToolButton *>(m_bar->widgetForAction(m_sendKey)))
        b->setPopupMode(QToolButton::InstantPopup);
    m_typeClipboard = m_bar->addAction(icon("paste"), tr("Type Clipboard"), this, &GuestConsole::typeClipboard);
    m_typeClipboard->setObjectName(QStringLiteral("actionConsoleTypeClipboard"));
    m_typeClipboard->setToolTip(tr("Type the clipboard's text into the guest as keystrokes"));

    auto *scale = new QMenu(this);
    auto *scales = new QActionGroup(this);
    for (const auto &[mode, label] : m_screen->scaleModeChoices()) {
        const VncView::ScaleMode m = mode;
        QAction *a = scale->addAction(label, this, [this, m] { m_screen->setScaleMode(m); });
        a->setCheckable(true);
        a->setChecked(m == m_screen->scaleMode());
        scales->addAction(a);
    }
    m_scale = m_bar->addAction(icon("fit"), tr("Scale"));
    m_scale->setObjectName(QStringLiteral("actionConsoleScale"));
    m_scale->setMenu(scale);
    if (auto *b = qobject_cast<QToolButton *>(m_bar->widgetForAction(m_scale)))
        b->setPopupMode(QToolButton::InstantPopup);
    m_shot = m_bar->addAction(icon("screenshot"), tr("Screenshot…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save Screenshot of %1").arg(m_name),
                                                          QDir::home().filePath(m_name + QStringLiteral(".png")), tr("PNG images (*.png)"));
        if (path.isEmpty())
            return;
        QString error;
        if (saveScreenshot(path, &error))
            emit message(tr("%1: screenshot saved to %2").arg(m_name, path));
        else
            emit message(error);
    });
    m_shot->setObjectName(QStringLiteral("actionConsoleScreenshot"));
    m_bar->addSeparator();
    m_detach = m_bar->addAction(icon("detach"), tr("Detach"), this, [this] {
        if (m_detached)
            emit attachRequested();
        else
            emit detachRequested();
    });
    m_detach->setObjectName(QStringLiteral("actionConsoleDetach"));
}

void GuestConsole::showPage(Page page)
{
    if (page == Page::Screen && !hasScreen())
        page = Page::Serial;
    m_page = page;
    m_stack->setCurrentWidget(page == Page::Screen ? static_cast<QWidget *>(m_screen) : m_serial);
    (page == Page::Screen ? m_showScreen : m_showSerial)->setChecked(true);
    if (page == Page::Serial) {
        m_wantSerial = true;
        if (!serialAttached())
            attachSerial();
        m_serial->setFocus();
    }
    updateState();
}

void GuestConsole::request(ConsoleKind kind, bool *pending, std::function<void(const ConsoleAttachment &)> attached)
{
    *pending = true;
    const quint64 gen = m_generation;
    QPointer<GuestConsole> self(this);
    m_run->openConsole(m_node, kind, [self, gen, pending, attached](Result<ConsoleAttachment> a) {
        // An answer for an attach the console no longer wants (closed, guest gone) only
        // closes its descriptor.
        if (!self || self->m_generation != gen) {
            if (a)
                ::close(a->fd);
            return;
        }
        *pending = false;
        if (a)
            attached(*a);
        else
            emit self->message(a.error().message);
        self->updateState();
    });
}

void GuestConsole::attachScreen()
{
    if (!hasScreen() || m_screenPending || m_screen->isConnected() || !running())
        return;
    request(ConsoleKind::Graphical, &m_screenPending, [this](const ConsoleAttachment &a) { m_screen->attach(a.fd); });
}

void GuestConsole::attachSerial()
{
    if (m_serialPending || serialAttached() || !running())
        return;
    request(ConsoleKind::Serial, &m_serialPending, [this](const ConsoleAttachment &a) {
        dropSerial();
        auto *sock = new QLocalSocket(this);
        if (!sock->setSocketDescriptor(a.fd)) {
            ::close(a.fd);
            delete sock;
            emit message(tr("failed to open the serial console of '%1': the descriptor is unusable").arg(m_name));
            return;
        }
        m_serialSocket = sock;
        // What the guest wrote before (the log's tail), then live output. A reattach after a
        // restart starts a fresh screen, since the log repeats what the old one showed.
        m_serial->clear();
        m_serial->feed(a.replay);
        connect(sock, &QLocalSocket::readyRead, this, [this, sock] { m_serial->feed(sock->readAll()); });
        connect(sock, &QLocalSocket::disconnected, this, &GuestConsole::updateState);
    });
}

void GuestConsole::dropSerial()
{
    if (!m_serialSocket)
        return;
    m_serialSocket->disconnect(this);
    m_serialSocket->abort();
    m_serialSocket->deleteLater();
    m_serialSocket = nullptr;
}

void GuestConsole::onScreenLost(const QString &reason)
{
    // QEMU went (the node state brings the reattach) or the client failed while the guest
    // still runs: then try again a few times.
    if (!running())
        return updateState();
    if (m_retries >= kMaxRetries) {
        emit message(tr("%1: the screen connection was lost (%2); reopen the console to try again").arg(m_name, reason));
        return updateState();
    }
    ++m_retries;
    QPointer<GuestConsole> self(this);
    QTimer::singleShot(kRetryMs, this, [self] {
        if (self)
            self->attachScreen();
    });
    updateState();
}

void GuestConsole::onNodeState(const QString &node, NodeState state)
{
    if (node != m_node)
        return;
    if (state == NodeState::Up || state == NodeState::Paused) {
        m_retries = 0;
        attachScreen();
        if (m_wantSerial)
            attachSerial();
    } else if (state == NodeState::Down || state == NodeState::Failed) {
        ++m_generation;
        m_screenPending = m_serialPending = false;
        m_screen->detach();
        dropSerial();
    }
    updateState();
}

void GuestConsole::updateState()
{
    const NodeState s = m_run->nodeState(m_node);
    const bool run = running();
    QString what;
    switch (s) {
    case NodeState::Up: what = tr("running"); break;
    case NodeState::Paused: what = tr("paused"); break;
    case NodeState::Starting: what = tr("starting"); break;
    case NodeState::Stopping: what = tr("stopping"); break;
    case NodeState::Failed: what = tr("failed"); break;
    case NodeState::Down: what = tr("not running"); break;
    }
    const QString idle = run ? tr("Connecting to %1…").arg(m_name) : tr("%1 is %2").arg(m_name, what);
    m_screen->setPlaceholder(hasScreen() ? idle : tr("%1 has no screen (display: none); use its serial console").arg(m_name));
    m_serial->setPlaceholder(idle);
    m_serial->setReadOnly(!serialAttached());
    QString status = tr("%1 — %2").arg(m_name, what);
    if (m_page == Page::Screen && m_screen->isConnected())
        status += QStringLiteral(" — %1×%2 — %3").arg(m_screen->guestSize().width()).arg(m_screen->guestSize().height()).arg(m_screen->hintText());
    else if (m_page == Page::Serial && serialAttached())
        status += tr(" — serial console attached");
    m_status->setText(status);

    const bool screen = hasScreen();
    m_showScreen->setEnabled(screen);
    m_pause->setEnabled(run);
    m_pause->setText(s == NodeState::Paused ? tr("Resume") : tr("Pause"));
    m_pause->setIcon(icon(s == NodeState::Paused ? "start" : "pause"));
    m_reset->setEnabled(run);
    m_powerOff->setEnabled(run);
    m_forceOff->setEnabled(run || s == NodeState::Starting || s == NodeState::Stopping);
    const bool onScreen = screen && m_page == Page::Screen;
    m_sendKey->setEnabled(onScreen && m_screen->isConnected());
    m_scale->setEnabled(onScreen);
    m_shot->setEnabled(onScreen && !m_screen->screenshot().isNull());
    m_typeClipboard->setEnabled(onScreen ? m_screen->isConnected() : serialAttached());
    m_detach->setText(m_detached ? tr("Attach to Tab") : tr("Detach"));
}

void GuestConsole::power(PowerAction action)
{
    if (Status s = m_run->power(m_node, action); !s)
        emit message(s.error().message);
}

bool GuestConsole::saveScreenshot(const QString &path, QString *error) const
{
    if (m_screen->screenshot().isNull()) {
        if (error)
            *error = tr("failed to save a screenshot of '%1': no screen shown yet").arg(m_name);
        return false;
    }
    return m_screen->saveScreenshot(path, error);
}

void GuestConsole::typeClipboard()
{
    const QString text = QApplication::clipboard()->text();
    if (text.isEmpty())
        return;
    if (m_page == Page::Serial) {
        if (serialAttached()) {
            QString t = text;
            t.replace(QStringLiteral("\r\n"), QStringLiteral("\r")).replace(u'\n', u'\r');
            m_serialSocket->write(t.toUtf8());
        }
        return;
    }
    m_screen->typeText(text);
}

void GuestConsole::setDetached(bool detached)
{
    m_detached = detached;
    updateState();
}

void GuestConsole::closeEvent(QCloseEvent *event)
{
    // A detached console's window was closed: the console goes.
    event->accept();
    emit closeRequested();
}

}  // namespace netloom::gui
