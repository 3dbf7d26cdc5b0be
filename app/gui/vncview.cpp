// SPDX-License-Identifier: GPL-3.0-or-later
// The graphical guest console widget; see vncview.h for the design.
#include "vncview.h"

#include "vncclientthread.h"

#include <QGuiApplication>
#include <QImageWriter>
#include <QKeyEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QTimer>
#include <QWheelEvent>

#include <cmath>

namespace netloom::gui {

namespace {

// RFB pointer button bits (button n = bit n-1).
constexpr int kButtonLeft = 1 << 0;
constexpr int kButtonMiddle = 1 << 1;
constexpr int kButtonRight = 1 << 2;
constexpr int kWheelUp = 1 << 3;
constexpr int kWheelDown = 1 << 4;
constexpr int kWheelLeft = 1 << 5;
constexpr int kWheelRight = 1 << 6;

int buttonBit(Qt::MouseButton b)
{
    switch (b) {
    case Qt::LeftButton:
        return kButtonLeft;
    case Qt::MiddleButton:
        return kButtonMiddle;
    case Qt::RightButton:
        return kButtonRight;
    default:
        return 0;
    }
}

// Whether nativeScanCode() is an XKB keycode (evdev + 8) on this platform.
bool nativeCodesAreXkb()
{
    static const bool xkb = [] {
        const QString p = QGuiApplication::platformName();
        return p == QLatin1String("xcb") || p.startsWith(QLatin1String("wayland"));
    }();
    return xkb;
}

bool isCtrl(quint32 qnum) { return qnum == keymap::kQnumCtrlL || qnum == 0x9d; }

bool isModifier(quint32 qnum)
{
    switch (qnum) {
    case 0x1d: case 0x9d:  // Ctrl
    case 0x2a: case 0x36:  // Shift
    case 0x38: case 0xb8:  // Alt, AltGr
    case 0xdb: case 0xdc:  // Super
        return true;
    default:
        return false;
    }
}

}  // namespace

VncView::VncView(QWidget *parent) : QAbstractScrollArea(parent), m_placeholder(tr("Not connected"))
{
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_InputMethodEnabled, false);
    setFrameShape(QFrame::NoFrame);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    viewport()->setMouseTracking(true);
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    viewport()->setAutoFillBackground(false);

    m_typeTimer = new QTimer(this);
    m_typeTimer->setInterval(kTypeIntervalMs);
    connect(m_typeTimer, &QTimer::timeout, this, &VncView::typeNext);

    m_resizeTimer = new QTimer(this);
    m_resizeTimer->setSingleShot(true);
    m_resizeTimer->setInterval(kResizeDebounceMs);
    connect(m_resizeTimer, &QTimer::timeout, this, &VncView::requestGuestResize);
}

VncView::~VncView()
{
    detach();
}

void VncView::attach(int fd)
{
    detach();
    const quint64 gen = ++m_generation;
    m_image = QImage();
    m_guestSize = QSize();
    m_thread = std::make_unique<VncClientThread>(fd);
    VncClientThread *t = m_thread.get();
    connect(t, &VncClientThread::connected, this, [this, gen] {
        if (gen != m_generation)
            return;
        m_connected = true;
        emit connectedChanged(true);
        if (m_mode == ScaleMode::ResizeGuest)
            m_resizeTimer->start();
        viewport()->update();
    }, Qt::QueuedConnection);
    connect(t, &VncClientThread::frameUpdated, this, [this, gen](QRect) {
        if (gen == m_generation)
            onFrameUpdated();
    }, Qt::QueuedConnection);
    connect(t, &VncClientThread::sizeChanged, this, [this, gen](QSize size) {
        if (gen == m_generation)
            onSizeChanged(size);
    }, Qt::QueuedConnection);
    connect(t, &VncClientThread::disconnected, this, [this, gen](const QString &reason) {
        if (gen == m_generation)
            onDisconnected(reason);
    }, Qt::QueuedConnection);
    t->start();
    viewport()->update();
}

void VncView::detach()
{
    if (!m_thread)
        return;
    cancelTyping();
    releaseAllKeys();  // queued before the stop: the thread sends them on its way out
    ++m_generation;
    m_thread.reset();  // requestStop() + join
    const bool was = m_connected;
    m_connected = false;
    setGrabbed(false);
    m_buttons = 0;
    m_image = QImage();
    m_guestSize = QSize();
    updateScrollBars();
    viewport()->update();
    if (was)
        emit connectedChanged(false);
}

void VncView::setPlaceholder(const QString &text)
{
    m_placeholder = text;
    if (!m_connected)
        viewport()->update();
}

void VncView::setScaleMode(ScaleMode mode)
{
    if (mode == ScaleMode::ResizeGuest && !m_resizeSupported)
        mode = ScaleMode::Fit;
    m_mode = mode;
    const Qt::ScrollBarPolicy policy =
        mode == ScaleMode::OneToOne ? Qt::ScrollBarAsNeeded : Qt::ScrollBarAlwaysOff;
    setHorizontalScrollBarPolicy(policy);
    setVerticalScrollBarPolicy(policy);
    updateScrollBars();
    viewport()->update();
    if (mode == ScaleMode::ResizeGuest)
        m_resizeTimer->start();
    else
        m_resizeTimer->stop();
}

void VncView::setResizeSupported(bool supported)
{
    m_resizeSupported = supported;
    if (!supported && m_mode == ScaleMode::ResizeGuest)
        setScaleMode(ScaleMode::Fit);
}

QList<QPair<VncView::ScaleMode, QString>> VncView::scaleModeChoices() const
{
    QList<QPair<ScaleMode, QString>> out{{ScaleMode::Fit, tr("Fit to window")},
                                         {ScaleMode::OneToOne, tr("Actual size (1:1)")}};
    if (m_resizeSupported)
        out.append({ScaleMode::ResizeGuest, tr("Resize guest to window")});
    return out;
}

void VncView::setGrabbed(bool grabbed)
{
    if (grabbed && !m_connected)
        return;
    if (grabbed == m_grabbed)
        return;
    if (!grabbed)
        releaseAllKeys();
    m_grabbed = grabbed;
    if (grabbed)
        setFocus(Qt::MouseFocusReason);
    viewport()->update();
    emit grabChanged(grabbed);
}

QString VncView::hintText() const
{
    return m_grabbed ? tr("Ctrl+Alt releases the keyboard") : tr("Click to type into the guest");
}

bool VncView::sendKeySequence(const QList<quint32> &qnums)
{
    if (!m_connected || qnums.isEmpty() || qnums.size() > kMaxKeySequence)
        return false;
    for (quint32 q : qnums)
        sendKey(keymap::keysymForQnum(q), q, true);
    for (auto it = qnums.crbegin(); it != qnums.crend(); ++it)
        sendKey(keymap::keysymForQnum(*it), *it, false);
    return true;
}

QList<QPair<QString, QList<quint32>>> VncView::sendKeyChoices()
{
    using namespace keymap;
    QList<QPair<QString, QList<quint32>>> out;
    out.append({tr("Ctrl+Alt+Del"), {kQnumCtrlL, kQnumAltL, kQnumDelete}});
    out.append({tr("Ctrl+Alt+Backspace"), {kQnumCtrlL, kQnumAltL, kQnumBackspace}});
    for (int n = 1; n <= 12; ++n)
        out.append({tr("Ctrl+Alt+F%1").arg(n), {kQnumCtrlL, kQnumAltL, qnumForFunctionKey(n)}});
    out.append({tr("Print Screen"), {kQnumPrintScreen}});
    return out;
}

int VncView::typeText(const QString &text)
{
    int skipped = 0;
    if (!m_connected) {
        skipped = int(text.size());
    } else {
        const int room = kMaxTypedChars - int(m_typeQueue.size());
        const keymap::TypedText typed = keymap::decomposeText(text, qMax(0, room));
        for (const keymap::Stroke &s : typed.strokes)
            m_typeQueue.push_back(s);
        skipped = typed.skipped;
        if (!m_typeQueue.empty() && !m_typeTimer->isActive())
            m_typeTimer->start();
    }
    if (skipped > 0)
        emit typingSkipped(skipped);
    return skipped;
}

void VncView::cancelTyping()
{
    m_typeQueue.clear();
    m_typeTimer->stop();
}

void VncView::typeNext()
{
    if (!m_connected || m_typeQueue.empty()) {
        cancelTyping();
        return;
    }
    const keymap::Stroke s = m_typeQueue.front();
    m_typeQueue.pop_front();
    if (s.shift)
        sendKey(keymap::kKeysymShiftL, keymap::kQnumShiftL, true);
    sendKey(s.keysym, s.qnum, true);
    sendKey(s.keysym, s.qnum, false);
    if (s.shift)
        sendKey(keymap::kKeysymShiftL, keymap::kQnumShiftL, false);
    if (m_typeQueue.empty())
        m_typeTimer->stop();
}

bool VncView::saveScreenshot(const QString &path, QString *error) const
{
    if (m_image.isNull()) {
        if (error)
            *error = tr("There is no guest screen to save.");
        return false;
    }
    QImageWriter writer(path, "png");
    if (!writer.write(m_image)) {
        if (error)
            *error = tr("Could not save the screenshot to %1: %2").arg(path, writer.errorString());
        return false;
    }
    return true;
}

double VncView::scale() const
{
    const QRectF r = displayRect();
    return m_image.isNull() || r.isEmpty() ? 1.0 : r.width() / m_image.width();
}

QRectF VncView::displayRect() const
{
    if (m_image.isNull())
        return {};
    const QSizeF img = m_image.size();
    const QSizeF vp = viewport()->size();
    if (m_mode == ScaleMode::OneToOne) {
        const double x = img.width() <= vp.width() ? std::floor((vp.width() - img.width()) / 2)
                                                   : -double(horizontalScrollBar()->value());
        const double y = img.height() <= vp.height() ? std::floor((vp.height() - img.height()) / 2)
                                                     : -double(verticalScrollBar()->value());
        return QRectF(QPointF(x, y), img);
    }
    const double s = qMin(vp.width() / img.width(), vp.height() / img.height());
    if (s <= 0)
        return {};
    const QSizeF size = img * s;
    return QRectF(QPointF((vp.width() - size.width()) / 2, (vp.height() - size.height()) / 2), size);
}

QPoint VncView::toFramebuffer(const QPointF &viewportPos) const
{
    const QRectF r = displayRect();
    if (r.isEmpty())
        return {0, 0};
    const int x = int(std::floor((viewportPos.x() - r.x()) * m_image.width() / r.width()));
    const int y = int(std::floor((viewportPos.y() - r.y()) * m_image.height() / r.height()));
    return {qBound(0, x, m_image.width() - 1), qBound(0, y, m_image.height() - 1)};
}

void VncView::onFrameUpdated()
{
    if (!m_thread)
        return;
    const QSize before = m_image.size();
    const QRect r = m_thread->copyFrame(&m_image);
    if (r.isEmpty())
        return;
    if (m_image.size() != before) {
        updateScrollBars();
        viewport()->update();
        return;
    }
    const QRectF d = displayRect();
    const double sx = d.width() / m_image.width(), sy = d.height() / m_image.height();
    const QRectF mapped(d.x() + r.x() * sx, d.y() + r.y() * sy, r.width() * sx, r.height() * sy);
    // One extra pixel around: smooth scaling samples the neighbours.
    viewport()->update(mapped.toAlignedRect().adjusted(-1, -1, 1, 1));
}

void VncView::onSizeChanged(QSize size)
{
    m_guestSize = size;
    emit guestSizeChanged(size);
}

void VncView::onDisconnected(const QString &reason)
{
    const bool was = m_connected;
    cancelTyping();
    m_held.clear();  // the thread is gone: nothing can be released any more
    m_connected = false;
    m_buttons = 0;
    setGrabbed(false);
    viewport()->update();
    if (was)
        emit connectedChanged(false);
    emit connectionLost(reason);
}

void VncView::updateScrollBars()
{
    const QSize vp = viewport()->size();
    const QSize img = m_image.size();
    if (m_mode == ScaleMode::OneToOne && !m_image.isNull()) {
        horizontalScrollBar()->setRange(0, qMax(0, img.width() - vp.width()));
        horizontalScrollBar()->setPageStep(vp.width());
        verticalScrollBar()->setRange(0, qMax(0, img.height() - vp.height()));
        verticalScrollBar()->setPageStep(vp.height());
    } else {
        horizontalScrollBar()->setRange(0, 0);
        verticalScrollBar()->setRange(0, 0);
    }
}

void VncView::requestGuestResize()
{
    if (m_mode != ScaleMode::ResizeGuest || !m_connected || !m_thread)
        return;
    const QSize want = (QSizeF(viewport()->size()) * devicePixelRatioF()).toSize();
    if (want.isEmpty() || want == m_guestSize)
        return;
    m_requestedGuestSize = want;
    m_thread->requestDesktopSize(want);
}

void VncView::sendKey(quint32 keysym, quint32 qnum, bool down)
{
    if (m_thread && m_connected)
        m_thread->sendKey(keysym, qnum, down);
}

void VncView::releaseAllKeys()
{
    for (auto it = m_held.crbegin(); it != m_held.crend(); ++it)
        sendKey(it->keysym, it->qnum, false);
    m_held.clear();
}

void VncView::translateKey(const QKeyEvent *e, quint32 *qnum, quint32 *keysym) const
{
    *qnum = 0;
    if (nativeCodesAreXkb() && e->nativeScanCode() > 8)
        *qnum = keymap::qnumFromEvdev(e->nativeScanCode() - 8);
    const bool keypad = e->modifiers().testFlag(Qt::KeypadModifier);
    if (*qnum == 0)
        *qnum = keymap::qnumFromQtKey(e->key(), keypad);
    *keysym = keymap::keysymFromQtKey(e->key(), e->text(), e->modifiers().testFlag(Qt::ShiftModifier), keypad);
}

bool VncView::event(QEvent *e)
{
    switch (e->type()) {
    case QEvent::ShortcutOverride:
        if (m_grabbed) {
            e->accept();  // the key is the guest's: no application shortcut fires
            return true;
        }
        break;
    case QEvent::KeyPress:
        if (m_grabbed) {  // before QWidget::event's Tab/Backtab focus handling
            keyPressEvent(static_cast<QKeyEvent *>(e));
            return true;
        }
        break;
    case QEvent::KeyRelease:
        if (m_grabbed) {
            keyReleaseEvent(static_cast<QKeyEvent *>(e));
            return true;
        }
        break;
    default:
        break;
    }
    return QAbstractScrollArea::event(e);
}

void VncView::keyPressEvent(QKeyEvent *e)
{
    if (!m_grabbed || !m_connected) {
        e->ignore();
        return;
    }
    e->accept();
    quint32 qnum = 0, keysym = 0;
    translateKey(e, &qnum, &keysym);
    if (qnum == 0 && keysym == 0)
        return;
    bool held = false;
    for (const HeldKey &h : std::as_const(m_held))
        held = held || (qnum != 0 ? h.qnum == qnum : h.keysym == keysym);
    if (!held)
        m_held.append(HeldKey{qnum, keysym});
    sendKey(keysym, qnum, true);  // a repeat while held is another key-down

    // Ctrl+(left) Alt with nothing else held releases the keyboard; AltGr stays typable.
    bool ctrl = false, alt = false, others = false;
    for (const HeldKey &h : std::as_const(m_held)) {
        ctrl = ctrl || isCtrl(h.qnum);
        alt = alt || h.qnum == keymap::kQnumAltL;
        others = others || !isModifier(h.qnum);
    }
    if (ctrl && alt && !others)
        setGrabbed(false);
}

void VncView::keyReleaseEvent(QKeyEvent *e)
{
    if (e->isAutoRepeat()) {  // X11 reports repeats as release+press: only the presses count
        e->accept();
        return;
    }
    quint32 qnum = 0, keysym = 0;
    translateKey(e, &qnum, &keysym);
    for (qsizetype i = 0; i < m_held.size(); ++i) {
        const HeldKey h = m_held.at(i);
        if (qnum != 0 ? h.qnum == qnum : h.keysym == keysym) {
            m_held.removeAt(i);
            sendKey(h.keysym, h.qnum, false);
            e->accept();
            return;
        }
    }
    e->ignore();
}

void VncView::focusOutEvent(QFocusEvent *e)
{
    releaseAllKeys();
    setGrabbed(false);
    QAbstractScrollArea::focusOutEvent(e);
}

bool VncView::focusNextPrevChild(bool next)
{
    return m_grabbed ? false : QAbstractScrollArea::focusNextPrevChild(next);
}

void VncView::sendPointerAt(const QPointF &viewportPos)
{
    if (!m_thread || !m_connected || m_image.isNull())
        return;
    m_lastPointer = toFramebuffer(viewportPos);
    m_thread->sendPointer(m_lastPointer.x(), m_lastPointer.y(), m_buttons);
}

void VncView::mousePressEvent(QMouseEvent *e)
{
    if (!m_connected) {
        e->ignore();
        return;
    }
    if (!m_grabbed)
        setGrabbed(true);
    m_buttons |= buttonBit(e->button());
    sendPointerAt(e->position());
    e->accept();
}

void VncView::mouseDoubleClickEvent(QMouseEvent *e)
{
    mousePressEvent(e);  // Qt replaces the second press by this event
}

void VncView::mouseReleaseEvent(QMouseEvent *e)
{
    m_buttons &= ~buttonBit(e->button());
    sendPointerAt(e->position());
    e->accept();
}

void VncView::mouseMoveEvent(QMouseEvent *e)
{
    sendPointerAt(e->position());
    e->accept();
}

void VncView::wheelEvent(QWheelEvent *e)
{
    e->accept();
    if (!m_thread || !m_connected || m_image.isNull())
        return;
    const QPoint p = toFramebuffer(e->position());
    const QPoint total = e->angleDelta() + m_wheelRemainder;
    const int ny = qBound(-kMaxWheelNotches, total.y() / kWheelStep, kMaxWheelNotches);
    const int nx = qBound(-kMaxWheelNotches, total.x() / kWheelStep, kMaxWheelNotches);
    m_wheelRemainder = QPoint(total.x() % kWheelStep, total.y() % kWheelStep);
    const auto notches = [&](int count, int bit) {
        for (int i = 0; i < count; ++i) {
            m_thread->sendPointer(p.x(), p.y(), m_buttons | bit);
            m_thread->sendPointer(p.x(), p.y(), m_buttons);
        }
    };
    notches(qAbs(ny), ny > 0 ? kWheelUp : kWheelDown);
    notches(qAbs(nx), nx > 0 ? kWheelLeft : kWheelRight);
}

void VncView::resizeEvent(QResizeEvent *e)
{
    QAbstractScrollArea::resizeEvent(e);
    updateScrollBars();
    if (m_mode == ScaleMode::ResizeGuest)
        m_resizeTimer->start();
}

void VncView::scrollContentsBy(int, int)
{
    viewport()->update();
}

void VncView::paintEvent(QPaintEvent *)
{
    QPainter p(viewport());
    const QColor background(0x20, 0x20, 0x20);
    const QRect all = viewport()->rect();
    if (!m_connected) {
        p.fillRect(all, background);
        p.setPen(QColor(0xd0, 0xd0, 0xd0));
        p.drawText(all.adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
        return;
    }
    const QRectF target = displayRect();
    if (target.isEmpty()) {
        p.fillRect(all, background);
    } else {
        // The margins around the guest screen, then the screen.
        QRegion margin(all);
        margin -= target.toAlignedRect();
        for (const QRect &r : margin)
            p.fillRect(r, background);
        p.setRenderHint(QPainter::SmoothPixmapTransform, !qFuzzyCompare(scale(), 1.0));
        p.drawImage(target, m_image);
    }

    // The grab hint: a small translucent label in the top right corner.
    const QString hint = hintText();
    QFont f = font();
    if (f.pointSizeF() > 0)
        f.setPointSizeF(f.pointSizeF() * 0.9);
    p.setFont(f);
    const QFontMetrics fm(f);
    const QRect text = fm.boundingRect(hint);
    const QRect box(all.right() - text.width() - 24, 8, text.width() + 16, text.height() + 8);
    p.setRenderHint(QPainter::Antialiasing);
    QPainterPath path;
    path.addRoundedRect(box, 6, 6);
    p.fillPath(path, QColor(0x30, 0x30, 0x30, 200));
    p.setPen(QColor(255, 255, 255, 90));
    p.drawPath(path);
    p.setPen(Qt::white);
    p.drawText(box, Qt::AlignCenter, hint);
}

}  // namespace netloom::gui
