// SPDX-License-Identifier: GPL-3.0-or-later
// The VNC client thread; see vncclientthread.h for the design.
#include "vncclientthread.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QMutexLocker>

#include <rfb/rfbclient.h>

#include <cerrno>
#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcVnc, "netloom.vnc", QtWarningMsg)

namespace netloom::gui {

namespace {

// The client whose thread is running: routes the library's global log functions.
thread_local VncClientThread *t_current = nullptr;
// The tag under which each rfbClient carries its VncClientThread.
int g_clientTag;

// RFB pseudo-encodings and encodings the thread asks for (RFC 6143 and QEMU's extension).
constexpr qint32 kEncodingRaw = 0;
constexpr qint32 kEncodingCopyRect = 1;
constexpr qint32 kEncodingDesktopSize = -223;
constexpr qint32 kEncodingQemuExtendedKey = -258;

void putU16(QByteArray *b, quint32 v)
{
    b->append(char((v >> 8) & 0xff));
    b->append(char(v & 0xff));
}

void putU32(QByteArray *b, quint32 v)
{
    putU16(b, v >> 16);
    putU16(b, v & 0xffff);
}

// SetEncodings (RFB message 2) without ExtendedDesktopSize: see the header.
QByteArray setEncodingsMessage()
{
    const qint32 encodings[] = {kEncodingRaw, kEncodingCopyRect, kEncodingDesktopSize,
                                kEncodingQemuExtendedKey};
    QByteArray b;
    b.append(char(rfbSetEncodings));
    b.append(char(0));
    putU16(&b, quint32(std::size(encodings)));
    for (qint32 e : encodings)
        putU32(&b, quint32(e));
    return b;
}

// SetDesktopSize (RFB message 251) with one screen covering the whole desktop.
QByteArray setDesktopSizeMessage(int w, int h)
{
    QByteArray b;
    b.append(char(rfbSetDesktopSize));
    b.append(char(0));
    putU16(&b, quint32(w));
    putU16(&b, quint32(h));
    b.append(char(1));  // number of screens
    b.append(char(0));
    putU32(&b, 0);      // screen id
    putU16(&b, 0);      // x
    putU16(&b, 0);      // y
    putU16(&b, quint32(w));
    putU16(&b, quint32(h));
    putU32(&b, 0);      // flags
    return b;
}

// Copies `r` (inside both images) from `src` into `dst`; both are Format_RGB32.
void copyRect(const QImage &src, QImage *dst, const QRect &r)
{
    const qsizetype bytes = qsizetype(r.width()) * 4;
    for (int y = r.top(); y <= r.bottom(); ++y)
        std::memcpy(dst->scanLine(y) + qsizetype(r.left()) * 4, src.constScanLine(y) + qsizetype(r.left()) * 4,
                    size_t(bytes));
}

}  // namespace

// The library's C callbacks, with access to the thread's private members.
struct VncCallbacks {
    static VncClientThread *self(rfbClient *cl)
    {
        return static_cast<VncClientThread *>(rfbClientGetClientData(cl, &g_clientTag));
    }
    static rfbBool mallocFramebuffer(rfbClient *cl)
    {
        VncClientThread *t = self(cl);
        return t && t->allocateFramebuffer(cl) ? TRUE : FALSE;
    }
    static void gotUpdate(rfbClient *cl, int x, int y, int w, int h)
    {
        if (VncClientThread *t = self(cl))
            t->noteDirty(x, y, w, h);
    }
    __attribute__((format(printf, 1, 2))) static void log(const char *format, ...)
    {
        char line[1024];
        va_list ap;
        va_start(ap, format);
        std::vsnprintf(line, sizeof line, format, ap);
        va_end(ap);
        qCDebug(lcVnc, "%s", line);
        if (t_current)
            t_current->noteLog(line);
    }
    static void installLogHandlers()
    {
        static std::once_flag once;
        std::call_once(once, [] {
            rfbClientLog = &VncCallbacks::log;
            rfbClientErr = &VncCallbacks::log;
        });
    }
};

VncClientThread::VncClientThread(int fd, QObject *parent) : VncClientThread(fd, Options{}, parent) {}

VncClientThread::VncClientThread(int fd, const Options &options, QObject *parent)
    : QThread(parent), m_options(options), m_fd(fd)
{
    m_wakeFd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

VncClientThread::~VncClientThread()
{
    requestStop();
    if (!wait(QDeadlineTimer(kStopGraceMs))) {
        {
            QMutexLocker lock(&m_fdMutex);
            if (m_fd >= 0)
                ::shutdown(m_fd, SHUT_RDWR);
        }
        wait();
    }
    QMutexLocker lock(&m_fdMutex);
    if (m_fd >= 0) {  // never started
        ::close(m_fd);
        m_fd = -1;
    }
    if (m_wakeFd >= 0)
        ::close(m_wakeFd);
}

void VncClientThread::requestStop()
{
    m_stop.store(true);
    wake();
}

void VncClientThread::wake()
{
    if (m_wakeFd >= 0) {
        const quint64 one = 1;
        [[maybe_unused]] ssize_t n = ::write(m_wakeFd, &one, sizeof one);
    }
}

void VncClientThread::enqueue(InputEvent ev)
{
    {
        QMutexLocker lock(&m_inputMutex);
        if (ev.kind == InputEvent::Kind::Pointer && !m_input.empty()) {
            InputEvent &last = m_input.back();
            if (last.kind == InputEvent::Kind::Pointer && last.buttons == ev.buttons) {
                last.x = ev.x;  // a newer position of the same drag or hover
                last.y = ev.y;
                return;
            }
        }
        if (int(m_input.size()) >= kMaxQueuedEvents) {
            m_dropped.fetch_add(1);
            return;
        }
        m_input.push_back(std::move(ev));
    }
    wake();
}

void VncClientThread::sendPointer(int x, int y, int buttonMask)
{
    InputEvent ev;
    ev.kind = InputEvent::Kind::Pointer;
    ev.x = qMax(0, x);
    ev.y = qMax(0, y);
    ev.buttons = buttonMask & 0xff;
    enqueue(std::move(ev));
}

void VncClientThread::sendKey(quint32 keysym, quint32 qnum, bool down)
{
    InputEvent ev;
    ev.kind = InputEvent::Kind::Key;
    ev.keysym = keysym;
    ev.qnum = qnum;
    ev.down = down;
    enqueue(std::move(ev));
}

void VncClientThread::requestDesktopSize(QSize size)
{
    InputEvent ev;
    ev.kind = InputEvent::Kind::Raw;
    ev.raw = setDesktopSizeMessage(qBound(1, size.width(), kMaxFramebufferSide),
                                   qBound(1, size.height(), kMaxFramebufferSide));
    enqueue(std::move(ev));
}

QRect VncClientThread::copyFrame(QImage *dst)
{
    QMutexLocker lock(&m_frameMutex);
    if (m_published.isNull())
        return {};
    if (dst->size() != m_published.size() || dst->format() != m_published.format()) {
        *dst = m_published.copy();
        m_publishedDirty = {};
        return dst->rect();
    }
    const QRect r = m_publishedDirty & m_published.rect();
    m_publishedDirty = {};
    if (!r.isEmpty())
        copyRect(m_published, dst, r);
    return r;
}

QSize VncClientThread::framebufferSize() const
{
    QMutexLocker lock(&m_frameMutex);
    return m_size;
}

QString VncClientThread::lastLibraryMessage() const
{
    QMutexLocker lock(&m_logMutex);
    return m_lastLog;
}

bool VncClientThread::allocateFramebuffer(void *client)
{
    auto *cl = static_cast<rfbClient *>(client);
    const int w = cl->width, h = cl->height;
    if (w <= 0 || h <= 0 || w > kMaxFramebufferSide || h > kMaxFramebufferSide) {
        noteLog(QStringLiteral("framebuffer size %1x%2 is out of bounds").arg(w).arg(h).toUtf8().constData());
        return false;
    }
    const QSize size(w, h);
    if (m_fb.size() != size) {
        m_fb = QImage(size, QImage::Format_RGB32);
        if (m_fb.isNull()) {
            noteLog("cannot allocate the framebuffer");
            return false;
        }
        m_fb.fill(Qt::black);
    }
    cl->frameBuffer = m_fb.bits();
    m_pendingDirty = m_fb.rect();
    bool changed = false;
    {
        QMutexLocker lock(&m_frameMutex);
        changed = m_size != size;
        m_size = size;
    }
    if (changed)
        emit sizeChanged(size);
    return true;
}

void VncClientThread::noteDirty(int x, int y, int w, int h)
{
    m_pendingDirty |= QRect(x, y, w, h) & m_fb.rect();
}

void VncClientThread::noteLog(const char *line)
{
    QString s = QString::fromLocal8Bit(line).trimmed();
    if (s.isEmpty())
        return;
    s.truncate(kMaxLogChars);
    QMutexLocker lock(&m_logMutex);
    m_lastLog = s;
}

void VncClientThread::publishFrame()
{
    const QRect dirty = m_pendingDirty;
    m_pendingDirty = {};
    {
        QMutexLocker lock(&m_frameMutex);
        if (m_published.size() != m_fb.size()) {
            m_published = m_fb.copy();
            m_publishedDirty = m_published.rect();
        } else {
            copyRect(m_fb, &m_published, dirty);
            m_publishedDirty |= dirty;
        }
    }
    emit frameUpdated(dirty);
}

bool VncClientThread::sendQueuedInput(void *client, QString *why)
{
    auto *cl = static_cast<rfbClient *>(client);
    std::deque<InputEvent> batch;
    {
        QMutexLocker lock(&m_inputMutex);
        batch.swap(m_input);
    }
    for (const InputEvent &ev : batch) {
        switch (ev.kind) {
        case InputEvent::Kind::Pointer:
            if (!SendPointerEvent(cl, qMin(ev.x, cl->width - 1), qMin(ev.y, cl->height - 1), ev.buttons)) {
                *why = QStringLiteral("failed to send a pointer event");
                return false;
            }
            break;
        case InputEvent::Kind::Key:
            if (ev.qnum != 0 && SupportsClient2Server(cl, rfbQemuEvent)) {
                if (!SendExtendedKeyEvent(cl, ev.keysym, ev.qnum, ev.down ? TRUE : FALSE)) {
                    *why = QStringLiteral("failed to send a key event");
                    return false;
                }
            } else if (ev.keysym != 0) {
                if (!SendKeyEvent(cl, ev.keysym, ev.down ? TRUE : FALSE)) {
                    *why = QStringLiteral("failed to send a key event");
                    return false;
                }
            }
            break;
        case InputEvent::Kind::Raw:
            if (!WriteToRFBServer(cl, ev.raw.constData(), unsigned(ev.raw.size()))) {
                *why = QStringLiteral("failed to send a message");
                return false;
            }
            break;
        }
    }
    return true;
}

bool VncClientThread::runSession(void *client, QString *why)
{
    auto *cl = static_cast<rfbClient *>(client);
    const auto fail = [&](const char *what) {
        const QString last = lastLibraryMessage();
        *why = last.isEmpty() ? QString::fromLatin1(what) : QStringLiteral("%1: %2").arg(QLatin1String(what), last);
        return false;
    };
    if (!InitialiseRFBConnection(cl))
        return fail("RFB handshake failed");
    cl->width = cl->si.framebufferWidth;
    cl->height = cl->si.framebufferHeight;
    if (!cl->MallocFrameBuffer(cl))
        return fail("cannot set up the framebuffer");
    cl->updateRect.x = cl->updateRect.y = 0;
    cl->updateRect.w = cl->width;
    cl->updateRect.h = cl->height;
    if (!SetFormatAndEncodings(cl))
        return fail("failed to send the pixel format");
    if (m_options.avoidExtendedDesktopSize) {
        const QByteArray enc = setEncodingsMessage();
        if (!WriteToRFBServer(cl, enc.constData(), unsigned(enc.size())))
            return fail("failed to send the encodings");
    }
    if (!SendFramebufferUpdateRequest(cl, 0, 0, cl->width, cl->height, FALSE))
        return fail("failed to request the screen");
    emit connected();

    QElapsedTimer clock;
    clock.start();
    m_lastPublishMs = -kFrameIntervalMs;
    while (!m_stop.load()) {
        int timeout = kIdlePollMs;
        if (!m_pendingDirty.isEmpty())
            timeout = int(qBound(qint64(0), kFrameIntervalMs - (clock.elapsed() - m_lastPublishMs), qint64(kFrameIntervalMs)));
        pollfd fds[2] = {{cl->sock, POLLIN, 0}, {m_wakeFd, POLLIN, 0}};
        const int n = ::poll(fds, 2, timeout);
        if (n < 0 && errno != EINTR) {
            *why = QStringLiteral("poll failed: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
            return false;
        }
        if (n > 0 && (fds[1].revents & POLLIN)) {
            quint64 counter = 0;
            [[maybe_unused]] ssize_t r = ::read(m_wakeFd, &counter, sizeof counter);
        }
        if (m_stop.load())
            break;
        if (n > 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            // One message per call; the library may have read ahead more than one.
            do {
                if (!HandleRFBServerMessage(cl))
                    return fail("the VNC connection ended");
            } while (cl->buffered > 0 && !m_stop.load());
            m_extendedKeys.store(SupportsClient2Server(cl, rfbQemuEvent));
        }
        if (!sendQueuedInput(cl, why))
            return false;
        if (!m_pendingDirty.isEmpty() && clock.elapsed() - m_lastPublishMs >= kFrameIntervalMs) {
            publishFrame();
            m_lastPublishMs = clock.elapsed();
        }
    }
    return true;
}

void VncClientThread::run()
{
    VncCallbacks::installLogHandlers();
    t_current = this;

    // Only synchronous faults stay deliverable here: SIGPIPE must turn into EPIPE, and an
    // asynchronous signal (SIGCHLD from QProcess, ...) must not interrupt the library's
    // blocking reads, which treat EINTR as a broken connection.
    sigset_t mask;
    sigfillset(&mask);
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP})
        sigdelset(&mask, sig);
    pthread_sigmask(SIG_BLOCK, &mask, nullptr);

    int fd = -1;
    {
        QMutexLocker lock(&m_fdMutex);
        fd = m_fd;
    }
    QString why;
    rfbClient *cl = fd >= 0 && m_wakeFd >= 0 ? rfbGetClient(8, 3, 4) : nullptr;
    if (!cl) {
        why = fd < 0 ? QStringLiteral("no connected socket") : QStringLiteral("cannot allocate the VNC client");
        QMutexLocker lock(&m_fdMutex);
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    } else {
        const int flags = ::fcntl(fd, F_GETFL);
        if (flags >= 0 && (flags & O_NONBLOCK))
            ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
        rfbClientSetClientData(cl, &g_clientTag, this);
        cl->sock = fd;
        cl->programName = "netloom";
        cl->canHandleNewFBSize = TRUE;
        cl->appData.encodingsString = "raw copyrect";
        cl->appData.useRemoteCursor = FALSE;
        cl->MallocFrameBuffer = &VncCallbacks::mallocFramebuffer;
        cl->GotFrameBufferUpdate = &VncCallbacks::gotUpdate;
        // 0x00RRGGBB in host order: QImage::Format_RGB32.
        cl->format.bitsPerPixel = 32;
        cl->format.depth = 24;
        cl->format.redMax = cl->format.greenMax = cl->format.blueMax = 255;
        cl->format.redShift = 16;
        cl->format.greenShift = 8;
        cl->format.blueShift = 0;

        const bool ok = runSession(cl, &why);
        if (ok || m_stop.load()) {
            QString ignored;
            sendQueuedInput(cl, &ignored);  // key releases queued before the stop
        }
        {
            QMutexLocker lock(&m_fdMutex);
            m_fd = -1;  // rfbClientCleanup closes it
        }
        rfbClientCleanup(cl);
    }
    t_current = nullptr;
    if (!m_stop.load())
        emit disconnected(why);
}

}  // namespace netloom::gui
