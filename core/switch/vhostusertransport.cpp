// SPDX-License-Identifier: GPL-3.0-or-later
#include "vhostusertransport.h"

#include "smallcopy.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace netloom::sw {

namespace {

constexpr int kRxRing = 0;  // the guest's receive queue: the switch writes into it
constexpr int kTxRing = 1;  // the guest's transmit queue: the switch reads from it
constexpr std::uint64_t kTagKick = 1, kTagMore = 2;

std::int64_t monotonicNs()
{
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void drainEventfd(int fd)
{
    std::uint64_t v;  // one read takes the whole count
    (void)!::read(fd, &v, sizeof v);
}

}  // namespace

Result<std::unique_ptr<VhostUserTransport>> VhostUserTransport::create(int fd, const QString &path,
                                                                      std::function<void()> onClose)
{
    std::unique_ptr<VhostUserTransport> t(new VhostUserTransport);
    t->m_path = path;
    t->m_onClose = std::move(onClose);  // also when create() fails: the owner may try again
    t->m_session = std::make_unique<VhostUserSession>(fd, path);  // owns fd from here on
    t->m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
    t->m_more = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (t->m_epoll < 0 || t->m_more < 0)
        return Error::failed(ErrorCode::System, QStringLiteral("serve vhost-user port"), path, QString::fromLocal8Bit(std::strerror(errno)));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kTagMore;
    if (::epoll_ctl(t->m_epoll, EPOLL_CTL_ADD, t->m_more, &ev) != 0)
        return Error::failed(ErrorCode::System, QStringLiteral("serve vhost-user port"), path, QString::fromLocal8Bit(std::strerror(errno)));
    VhostUserTransport *raw = t.get();
    t->m_session->setRingChanged([raw](int i) { raw->ringChanged(i); });
    t->m_session->setStopRing([raw](int i) { return raw->stopRing(i); });
    return t;
}

VhostUserTransport::~VhostUserTransport()
{
    m_session.reset();  // unmaps the guest's memory: after the rings, which point into it
    if (m_more >= 0)
        ::close(m_more);
    if (m_epoll >= 0)
        ::close(m_epoll);
    if (m_onClose)
        m_onClose();
}

int VhostUserTransport::controlFd() const
{
    return m_session->fd();
}

QString VhostUserTransport::description() const
{
    return QStringLiteral("vhost-user %1").arg(m_path);
}

bool VhostUserTransport::fail(const QString &why)
{
    if (m_failure.isEmpty())
        m_failure = why;
    return false;
}

bool VhostUserTransport::controlReadable()
{
    if (!m_failure.isEmpty())
        return false;
    Status s = m_session->process();
    if (!s)
        return fail(s.error().message);
    return true;
}

bool VhostUserTransport::tick(std::int64_t nowNs)
{
    if (!m_failure.isEmpty())
        return false;
    if (!m_session->featuresSet() || m_session->memory().count() > 0) {
        m_waitingForMemorySince = 0;
        return true;
    }
    if (m_waitingForMemorySince == 0) {
        m_waitingForMemorySince = nowNs;
        return true;
    }
    if (nowNs - m_waitingForMemorySince < kMemTableTimeoutNs)
        return true;
    return fail(QStringLiteral("the guest's memory is not shared, so QEMU sends no memory table and falls back to "
                               "its own virtio: start it with -object memory-backend-memfd,id=mem,size=<RAM>,share=on "
                               "-machine memory-backend=mem (Netloom's planner does)"));
}

std::uint16_t VhostUserTransport::stopRing(int i)
{
    if (i < 0 || i > 1)
        return 0;
    const std::uint16_t next = m_live[i] ? m_vq[i].lastAvailIndex() : m_session->ring(i).base;
    if (m_live[i] && i == kTxRing && m_kickInEpoll >= 0) {
        ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, m_kickInEpoll, nullptr);
        m_kickInEpoll = -1;
    }
    m_live[i] = false;
    if (i == kTxRing)
        m_poll.reset();  // a restarted ring sleeps until its guest sends again
    return next;
}

void VhostUserTransport::ringChanged(int i)
{
    if (i < 0 || i > 1)
        return;
    const VhostUserRing &r = m_session->ring(i);
    // Any change re-derives the ring from the session's state: stop what runs, start anew
    // from the ring's base (a running ring resumes at its own index).
    const std::uint16_t resumeAt = m_live[i] ? m_vq[i].lastAvailIndex() : r.base;
    stopRing(i);
    if (!r.started || !m_session->featuresSet())
        return;
    if (r.kickFd < 0 && i == kTxRing) {
        fail(QStringLiteral("the frontend wants a polled TX ring (no kick descriptor): not supported"));
        return;
    }
    VirtqueueConfig cfg;
    cfg.num = r.num;
    cfg.desc = r.desc;
    cfg.avail = r.avail;
    cfg.used = r.used;
    cfg.memory = &m_session->memory();
    cfg.features = m_session->features();
    cfg.startIndex = resumeAt;
    if (!m_vq[i].setup(cfg)) {
        fail(QStringLiteral("ring %1 cannot be set up: %2").arg(i).arg(vqErrorText(m_vq[i].error())));
        return;
    }
    const std::uint64_t f = m_session->features();
    m_net = std::make_unique<VirtioNet>(f);
    m_accepts = (f & vfeat::kNetGuestCsum) ? kOffloadCsum | ((f & vfeat::kNetGuestTso4) ? kOffloadTso4 : 0u)
                                  | ((f & vfeat::kNetGuestTso6) ? kOffloadTso6 : 0u)
                                  | ((f & vfeat::kNetGuestEcn) ? kOffloadEcn : 0u)
                            : 0u;
    m_live[i] = true;
    if (i == kRxRing) {
        // The switch never waits for RX buffers (a frame without one is dropped): the guest
        // need not kick when it posts them.
        m_vq[i].setNotifications(false);
    } else {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = kTagKick;
        if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, r.kickFd, &ev) == 0)
            m_kickInEpoll = r.kickFd;
        wakeAgain();  // buffers posted before the ring started are processed at once
    }
}

void VhostUserTransport::wakeAgain()
{
    const std::uint64_t one = 1;
    (void)!::write(m_more, &one, sizeof one);
    m_moreSignalled = true;
}

void VhostUserTransport::signal(int i)
{
    const int call = m_session->ring(i).callFd;
    if (call < 0 || !m_vq[i].needNotify())
        return;
    const std::uint64_t one = 1;
    (void)!::write(call, &one, sizeof one);
}

int VhostUserTransport::receive(std::uint8_t *const *bufs, std::size_t bufSize, std::size_t *lens, int max)
{
    // Every frame copied whole (peek = the buffer), the chains given back at once.
    InPlaceFrame frames[kMaxBatch];
    const int n = receiveInPlace(bufs, bufSize, bufSize, frames, max);
    for (int i = 0; i < n; ++i)
        lens[i] = frames[i].len;
    releaseReceived();
    return n;
}

int VhostUserTransport::receiveInPlace(std::uint8_t *const *bufs, std::size_t bufSize, std::size_t peek,
                                       InPlaceFrame *frames, int max)
{
    if (!m_failure.isEmpty())
        return -1;
    // No system call while the ring is polled: "more" is read only when it was written, the
    // kick only when kicks were on (the guest does not kick while the switch polls).
    if (m_moreSignalled) {
        drainEventfd(m_more);
        m_moreSignalled = false;
    }
    if (!m_wantPoll && m_kickInEpoll >= 0)
        drainEventfd(m_kickInEpoll);
    m_wantPoll = false;
    if (!m_live[kTxRing])
        return 0;
    max = std::min(max, kMaxBatch);
    peek = std::min(peek, bufSize);
    Virtqueue &tx = m_vq[kTxRing];
    tx.prefetch(std::uint32_t(max), false);
    int n = 0;
    bool noted = false;    // this pass's frames were given to m_poll
    bool polling = false;  // the ring emptied while the policy says poll (kicks stay off)
    while (n < max) {
        const Virtqueue::Pop p = tx.pop(m_chain);
        if (p == Virtqueue::Pop::Broken) {
            fail(QStringLiteral("the guest's TX ring is broken: %1").arg(vqErrorText(tx.error())));
            releaseReceived();
            return -1;
        }
        if (p == Virtqueue::Pop::Empty) {
            const std::int64_t now = monotonicNs();
            if (!noted) {
                m_poll.received(now, n > 0 ? n : (m_toPush > 0 ? 1 : 0));
                noted = true;
            }
            if (m_poll.keepPolling(now)) {
                // Traffic was flowing a moment ago: poll again through the engine's loop
                // (the "more" eventfd) with kicks still off, so the guest need not kick.
                polling = true;
                break;
            }
            // Idle: ask for kicks again, then look once more (one may have been missed).
            if (tx.setNotifications(true))
                continue;
            break;
        }
        if (p == Virtqueue::Pop::Dropped) {
            ++m_toPush;  // pop() gave the chain back with length 0
            continue;
        }
        iovec iov[VqChain::kMaxSegments];
        std::size_t len = 0;
        const int pieces = m_net->frameIovecs(m_chain, iov, VqChain::kMaxSegments, &len, m_rxHdr[n]);
        InPlaceFrame &f = frames[n];
        f.tailCount = 0;
        f.len = len;
        bool hold = false;
        if (pieces > 0 && len <= bufSize) {
            // The first `peek` bytes (or all) into the private buffer; what follows stays in
            // place when it is in few enough pieces.
            std::size_t at = 0;
            int k = 0;
            const std::size_t copy = len > peek ? peek : len;
            for (; k < pieces && at < copy; ++k) {
                const std::size_t take = std::min(iov[k].iov_len, copy - at);
                moveBytes(bufs[n] + at, iov[k].iov_base, take);
                at += take;
                if (take < iov[k].iov_len) {
                    iov[k].iov_base = static_cast<std::uint8_t *>(iov[k].iov_base) + take;
                    iov[k].iov_len -= take;
                    break;
                }
            }
            if (copy < len && pieces - k <= InPlaceFrame::kMaxTail) {
                for (int t = k; t < pieces; ++t)
                    f.tail[f.tailCount++] = iov[t];
                hold = true;
            } else {
                for (; k < pieces; ++k) {
                    std::memcpy(bufs[n] + at, iov[k].iov_base, iov[k].iov_len);
                    at += iov[k].iov_len;
                }
            }
            ++n;
        }  // else dropped: counted by frameIovecs, or larger than bufSize (never the engine's)
        if (hold)
            m_held[m_heldCount++] = m_chain.head;
        else {
            tx.push(m_chain.head, 0);
            ++m_toPush;
        }
    }
    if (!noted)
        m_poll.received(monotonicNs(), n);  // a full batch: the ring was not found empty
    if (n == max || polling) {
        // More may wait, or the ring is polled: kicks stay off and the engine calls again
        // (wantsPoll) without waiting for an event.
        tx.setNotifications(false);
        m_wantPoll = true;
    }
    if (tx.failed()) {
        fail(QStringLiteral("the guest's TX ring is broken: %1").arg(vqErrorText(tx.error())));
        if (n == 0) {
            releaseReceived();
            return -1;
        }
    }
    return n;
}

void VhostUserTransport::releaseReceived()
{
    if (!m_live[kTxRing]) {
        m_heldCount = 0;
        m_toPush = 0;
        return;
    }
    Virtqueue &tx = m_vq[kTxRing];
    for (int i = 0; i < m_heldCount; ++i)
        tx.push(m_held[i], 0);
    if (m_heldCount + m_toPush > 0) {
        tx.flushUsed();
        signal(kTxRing);
    }
    m_heldCount = 0;
    m_toPush = 0;
}

SendResult VhostUserTransport::send(const OutFrame *frames, int n)
{
    SendResult r;
    if (!m_failure.isEmpty()) {
        r.dead = true;
        r.dropped = n;
        return r;
    }
    if (!m_live[kRxRing]) {
        // The guest's driver has not started its RX ring (booting, or being reset).
        r.dropped = n;
        m_noBuffers += std::uint64_t(n);
        return r;
    }
    Virtqueue &rx = m_vq[kRxRing];
    rx.prefetch(std::uint32_t(n), true);
    bool delivered = false;
    for (int i = 0; i < n; ++i) {
        // The engine sends offload frames only when offloadsAccepted() covers them; other
        // headers (DATA_VALID from a tap) only to a guest that takes headers at all.
        const std::uint8_t *hdr = m_accepts ? frames[i].vnetHdr : nullptr;
        switch (m_net->frameToGuest(rx, frames[i].iov, frames[i].iovcnt, hdr)) {
        case VirtioNet::Rx::Delivered:
            ++r.sent;
            delivered = true;
            break;
        case VirtioNet::Rx::NoBuffers:
        case VirtioNet::Rx::Dropped:
            // Frames are sent in order: a later one would also find no buffer, or be out of
            // turn; what is left is dropped and counted.
            ++m_noBuffers;
            ++r.dropped;
            break;
        case VirtioNet::Rx::Broken:
            fail(QStringLiteral("the guest's RX ring is broken: %1").arg(vqErrorText(rx.error())));
            r.dead = true;
            r.dropped = n - r.sent;
            return r;
        }
        if (r.dropped > 0) {
            // SendResult counts drops after the sent ones: stop delivering after a drop.
            r.dropped = n - r.sent;
            m_noBuffers += std::uint64_t(r.dropped - 1);
            break;
        }
    }
    if (delivered) {
        rx.flushUsed();
        signal(kRxRing);
    }
    return r;
}

}  // namespace netloom::sw
