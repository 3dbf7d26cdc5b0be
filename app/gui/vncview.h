// SPDX-License-Identifier: GPL-3.0-or-later
// The graphical guest console widget (issue "Guest consoles"): shows a guest's VNC screen
// and forwards keyboard and mouse to it.
//
// Design note. The widget owns at most one VncClientThread (attach() starts one on a
// connected socket, replacing any previous one) and keeps its own copy of the guest
// framebuffer: on the thread's frameUpdated() it copies what changed (copyFrame(), a short
// lock) and schedules a repaint of just that rect mapped through the current scale; Qt
// merges those until the next paint, and the thread emits at most ~60 times a second, so
// painting is bounded by both. Paint never takes a lock. Signals from an old thread are
// ignored by generation number, so a detach/attach never mixes two connections.
//  - Scaling. Fit (default) keeps the aspect ratio, centred, smooth-scaled; OneToOne shows
//    guest pixels 1:1 with scroll bars; ResizeGuest asks the guest to take the viewport's
//    size (SetDesktopSize, debounced kResizeDebounceMs) and otherwise draws like Fit. It is
//    offered only after setResizeSupported(true) (QEMU forwards the request to virtio-vga
//    only; VGA refuses it).
//  - Keyboard. Keys go to the guest only while the console "has the keyboard" (grabbed):
//    a click grabs it (and takes focus), Ctrl+Alt releases it (either Ctrl with the left
//    Alt, nothing else held: AltGr combinations stay typable), so does losing focus. While
//    grabbed the widget accepts ShortcutOverride, so the application's shortcuts never fire
//    and Tab does not move focus; while not grabbed keys are ignored and the application's
//    shortcuts work. It does not take an X11 keyboard grab: a dialog that opens meanwhile
//    stays usable, and window-manager keys (Alt+Tab, Super) stay with the desktop; the
//    send-key list covers the combinations the desktop would eat. Every key sent down is
//    remembered and released (key-up sent) on ungrab, focus loss, detach and destruction.
//    Scancodes come from the physical key when the platform gives one (xcb, Wayland:
//    nativeScanCode() - 8 is the evdev code), else from the Qt key on a US layout (offscreen
//    tests); see keymap.h. Autorepeat is sent as repeated key-downs.
//  - Mouse. Always forwarded (absolute coordinates mapped through the scale, clamped to the
//    framebuffer): buttons 1-3, wheel notches as press+release of buttons 4/5 (vertical)
//    and 6/7 (horizontal). libvncclient 0.9.14 cannot learn QEMU's pointer mode (see
//    vncclientthread.h); the guest needs a usb-tablet for a pointer that does not drift.
//  - Typing text (a "paste" that works without a guest agent): typeText() decomposes the
//    text on a US layout (keymap::decomposeText) and sends one stroke every kTypeIntervalMs
//    from a queue bounded to kMaxTypedChars; characters it cannot type are counted.
#pragma once

#include "keymap.h"

#include <QAbstractScrollArea>
#include <QImage>
#include <QList>
#include <QPair>
#include <QString>

#include <deque>
#include <memory>

class QKeyEvent;
class QTimer;

namespace netloom::gui {

class VncClientThread;

class VncView : public QAbstractScrollArea {
    Q_OBJECT
public:
    enum class ScaleMode { Fit, OneToOne, ResizeGuest };
    Q_ENUM(ScaleMode)

    static constexpr int kResizeDebounceMs = 300;
    static constexpr int kTypeIntervalMs = 10;
    static constexpr int kMaxTypedChars = 64 * 1024;  // per typeText() and queued in total
    static constexpr int kWheelStep = 120;            // angleDelta units per notch
    static constexpr int kMaxWheelNotches = 32;       // per wheel event
    static constexpr int kMaxKeySequence = 16;        // keys in one sendKeySequence()

    explicit VncView(QWidget *parent = nullptr);
    // Releases held keys and stops the client thread (joins it).
    ~VncView() override;

    // Starts a client on `fd` (a socket connected to QEMU's VNC server; the view takes
    // ownership), detaching any previous one first. isConnected() turns true once the RFB
    // handshake is done.
    void attach(int fd);
    // Releases held keys, stops and joins the client thread, drops the grab and shows the
    // placeholder. connectionLost() is not emitted. No-op when not attached.
    void detach();
    // True between a finished handshake and detach() or the end of the connection.
    bool isConnected() const { return m_connected; }
    // The text drawn when not connected (e.g. "Starting...", "The guest is stopped").
    void setPlaceholder(const QString &text);
    QString placeholder() const { return m_placeholder; }

    void setScaleMode(ScaleMode mode);  // ResizeGuest falls back to Fit when not supported
    ScaleMode scaleMode() const { return m_mode; }
    // Whether ResizeGuest is offered (the guest has virtio-vga). Turning it off while in
    // ResizeGuest switches to Fit.
    void setResizeSupported(bool supported);
    bool resizeSupported() const { return m_resizeSupported; }
    // The modes a menu should offer, in menu order, with tr() labels.
    QList<QPair<ScaleMode, QString>> scaleModeChoices() const;

    // Keyboard grab (see the design note). Taking it focuses the view; releasing it sends
    // key-ups for every held key.
    void setGrabbed(bool grabbed);
    bool isGrabbed() const { return m_grabbed; }
    // The hint the overlay shows for the current grab state (tr()).
    QString hintText() const;

    // Presses the keys (qnum scancodes) in order, then releases them in reverse order.
    // Works without the grab. Returns false (sending nothing) when not connected, empty or
    // longer than kMaxKeySequence.
    bool sendKeySequence(const QList<quint32> &qnums);
    // The "Send key" menu: label and qnum sequence for Ctrl+Alt+Del, Ctrl+Alt+Backspace,
    // Ctrl+Alt+F1..F12 and Print Screen.
    static QList<QPair<QString, QList<quint32>>> sendKeyChoices();

    // Queues `text` to be typed into the guest on a US layout, one stroke every
    // kTypeIntervalMs; returns how many characters cannot be typed and are skipped
    // (including any beyond the kMaxTypedChars bound). Also emits typingSkipped() when
    // that count is not zero. Nothing is queued when not connected (all are skipped).
    int typeText(const QString &text);
    bool isTyping() const { return !m_typeQueue.empty(); }
    void cancelTyping();

    // The guest screen at its native resolution (null before the first frame).
    QImage screenshot() const { return m_image; }
    // Writes screenshot() as PNG to `path`; on failure returns false and sets *error
    // (translated, for a message box) when error is not null.
    bool saveScreenshot(const QString &path, QString *error) const;

    // The guest display size (empty when not connected).
    QSize guestSize() const { return m_guestSize; }
    // The rect (viewport coordinates) the guest screen is drawn in.
    QRectF displayRect() const;
    // Viewport position -> framebuffer pixel (clamped to the framebuffer).
    QPoint toFramebuffer(const QPointF &viewportPos) const;
    // The client thread (null when detached); for tests and diagnostics.
    VncClientThread *clientThread() const { return m_thread.get(); }

signals:
    void grabChanged(bool grabbed);
    void connectionLost(QString reason);
    void guestSizeChanged(QSize size);
    void connectedChanged(bool connected);
    void typingSkipped(int count);

protected:
    bool event(QEvent *e) override;
    void paintEvent(QPaintEvent *e) override;
    void resizeEvent(QResizeEvent *e) override;
    void scrollContentsBy(int dx, int dy) override;
    void keyPressEvent(QKeyEvent *e) override;
    void keyReleaseEvent(QKeyEvent *e) override;
    void mousePressEvent(QMouseEvent *e) override;
    void mouseReleaseEvent(QMouseEvent *e) override;
    void mouseMoveEvent(QMouseEvent *e) override;
    void mouseDoubleClickEvent(QMouseEvent *e) override;
    void wheelEvent(QWheelEvent *e) override;
    void focusOutEvent(QFocusEvent *e) override;
    bool focusNextPrevChild(bool next) override;

private:
    void onFrameUpdated();
    void onSizeChanged(QSize size);
    void onDisconnected(const QString &reason);
    void updateScrollBars();
    void sendKey(quint32 keysym, quint32 qnum, bool down);
    void translateKey(const QKeyEvent *e, quint32 *qnum, quint32 *keysym) const;
    void releaseAllKeys();
    void sendPointerAt(const QPointF &viewportPos);
    void typeNext();
    void requestGuestResize();
    double scale() const;

    std::unique_ptr<VncClientThread> m_thread;
    quint64 m_generation = 0;
    bool m_connected = false;
    QImage m_image;
    QString m_placeholder;
    ScaleMode m_mode = ScaleMode::Fit;
    bool m_resizeSupported = false;
    bool m_grabbed = false;
    int m_buttons = 0;            // RFB button mask currently held
    QPoint m_lastPointer{-1, -1}; // framebuffer position last sent
    QPoint m_wheelRemainder;      // angleDelta not yet a whole notch
    // Keys sent down and not yet up, in press order (released in reverse).
    struct HeldKey {
        quint32 qnum = 0;
        quint32 keysym = 0;
    };
    QList<HeldKey> m_held;
    QSize m_guestSize;
    std::deque<keymap::Stroke> m_typeQueue;
    QTimer *m_typeTimer = nullptr;
    QTimer *m_resizeTimer = nullptr;
    QSize m_requestedGuestSize;
};

}  // namespace netloom::gui
