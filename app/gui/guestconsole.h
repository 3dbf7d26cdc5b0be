// SPDX-License-Identifier: GPL-3.0-or-later
// GuestConsole: the screen and the serial console of one running guest, one click apart,
// with its power actions (issue #10).
//
// Design note. The widget asks the RunController for consoles (Runtime::openConsole: a
// socketpair handed to QEMU with QMP add_client — nothing listens anywhere) and owns what it
// gets back: the graphical console's descriptor goes to a VncView (libvncclient on its own
// thread), the serial console's to a QLocalSocket feeding a TerminalView (libvterm), after
// the serial log's tail so boot messages written before the view opened are there. The
// screen attaches when the console opens; the serial port when its page is first shown
// (QEMU takes one serial client at a time, so `netloomctl console` works while only the
// screen is open). Reattachment follows the guest: when it comes back Up (restarted,
// resumed, or the topology's guest was started again) whatever was attached is attached
// again; a VNC connection lost while the guest still runs (the client thread failed) is
// retried kMaxRetries times, kRetryMs apart. A guest that is not running shows a
// placeholder saying so, and the views take no input. Power actions go to
// RunController::power; their effect comes back as node states, shown in the status line.
#pragma once

#include "runtime/runtime.h"

#include <QPointer>
#include <QWidget>

#include <functional>

class QAction;
class QLabel;
class QLocalSocket;
class QStackedWidget;
class QToolBar;

namespace netloom::gui {

class RunController;
class TerminalView;
class VncView;

class GuestConsole : public QWidget {
    Q_OBJECT
public:
    static constexpr int kMaxRetries = 3;
    static constexpr int kRetryMs = 500;

    enum class Page { Screen, Serial };

    // `nodeId` is a guest of the run; `name` its display name (window titles, messages).
    GuestConsole(RunController *run, const QString &nodeId, const QString &name, QWidget *parent = nullptr);
    ~GuestConsole() override;

    QString nodeId() const { return m_node; }
    QString guestName() const { return m_name; }
    Page page() const { return m_page; }
    // Shows the screen or the serial console (attaching it when the guest runs).
    void showPage(Page page);
    bool hasScreen() const;  // false for display "none"
    VncView *screen() const { return m_screen; }
    TerminalView *serial() const { return m_serial; }
    bool serialAttached() const;

    // Saves the screen as PNG (from the framebuffer the console shows). Returns false and
    // sets *error when there is no screen yet or the file cannot be written.
    bool saveScreenshot(const QString &path, QString *error) const;
    // Types the clipboard's text into the guest (paced keystrokes; serial page: as bytes).
    void typeClipboard();

    // Whether the console sits in its own window (detached) or a tab; the area moves it.
    void setDetached(bool detached);

signals:
    // A line for the application log.
    void message(const QString &line);
    void detachRequested();
    void attachRequested();
    void closeRequested();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildToolBar();
    void onNodeState(const QString &node, runtime::NodeState state);
    void updateState();
    // Asks for a console of `kind`; *pending is true until the answer, which goes to
    // `attached` (or to message()) unless the console stopped wanting it meanwhile.
    void request(runtime::ConsoleKind kind, bool *pending, std::function<void(const runtime::ConsoleAttachment &)> attached);
    void attachScreen();
    void attachSerial();
    void dropSerial();
    void onScreenLost(const QString &reason);
    void power(runtime::PowerAction action);
    bool running() const;

    RunController *m_run;
    QString m_node;
    QString m_name;
    Page m_page = Page::Screen;
    QToolBar *m_bar = nullptr;
    QStackedWidget *m_stack = nullptr;
    VncView *m_screen = nullptr;
    TerminalView *m_serial = nullptr;
    QLabel *m_status = nullptr;
    QPointer<QLocalSocket> m_serialSocket;
    bool m_screenPending = false;
    bool m_serialPending = false;
    bool m_wantSerial = false;      // the serial page was shown: keep it attached
    bool m_detached = false;
    int m_retries = 0;
    quint64 m_generation = 0;       // invalidates answers to requests of an older attach
    QAction *m_showScreen = nullptr;
    QAction *m_showSerial = nullptr;
    QAction *m_pause = nullptr;
    QAction *m_reset = nullptr;
    QAction *m_powerOff = nullptr;
    QAction *m_forceOff = nullptr;
    QAction *m_sendKey = nullptr;
    QAction *m_typeClipboard = nullptr;
    QAction *m_scale = nullptr;
    QAction *m_shot = nullptr;
    QAction *m_detach = nullptr;
};

}  // namespace netloom::gui
