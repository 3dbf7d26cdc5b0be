// SPDX-License-Identifier: GPL-3.0-or-later
// Transport: the one small interface every switch port speaks (VDE client datagrams, a tap,
// QEMU stream/dgram sockets, outbound libvdeplug connections). A transport moves whole
// Ethernet frames, never blocks, and reports its own death; queueing for slow peers,
// counting and capture live in the engine, once for all kinds.
#pragma once

#include <QString>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <sys/uio.h>

namespace netloom::sw {

// One outgoing frame as up to 8 pieces (header, optional tag, rest — or the private first
// bytes and up to InPlaceFrame::kMaxTail pieces in the sender's memory —, padding): the engine
// builds tagged/untagged/padded variants without copying the payload.
struct OutFrame {
    static constexpr int kMaxIov = 8;
    iovec iov[kMaxIov]{};
    int iovcnt = 0;
    std::size_t len = 0;
    // The virtio_net_hdr (kVnetHdrLen bytes) of the frame, or nullptr for "no offload" (a zero
    // header is written). A header that needs offloads reaches only ports whose
    // offloadsAccepted() covers it; transports without a header ignore it. When it lies right
    // before the frame's only piece (a frame as a tap received it), a tap writes both at once.
    const std::uint8_t *vnetHdr = nullptr;
    void add(const void *p, std::size_t n)
    {
        iov[iovcnt].iov_base = const_cast<void *>(p);
        iov[iovcnt].iov_len = n;
        ++iovcnt;
        len += n;
    }
};

// A received frame whose bytes after the first `peek` stay where the sender put them
// (Transport::receiveInPlace): tail[0..tailCount) in order, len the whole frame's length.
struct InPlaceFrame {
    static constexpr int kMaxTail = 5;
    iovec tail[kMaxTail]{};
    int tailCount = 0;  // 0: the frame was copied whole
    std::size_t len = 0;
};

struct SendResult {
    int sent = 0;         // frames handed to the kernel (from the front of the batch)
    int dropped = 0;      // frames consumed but lost (peer refused one), after `sent`
    bool blocked = false; // the peer is full: the rest should wait for writability
    bool dead = false;    // the transport is gone; remove the port
};

// struct virtio_net_hdr (little-endian): flags, gso_type, hdr_len, gso_size, csum_start, csum_offset.
constexpr std::size_t kVnetHdrLen = 10;
// Writable bytes in front of every receive buffer (see Transport::receive); a cache line, so
// that the frames themselves start on one.
constexpr std::size_t kRxHeadroom = 64;
static_assert(kRxHeadroom >= kVnetHdrLen);
inline bool vnetIsGso(const std::uint8_t *hdr) { return hdr && hdr[1] != 0; }

// What a port takes as it is (Transport::offloadsAccepted) and what a frame needs
// (vnetOffloadsNeeded): partial checksums, TCP segmentation offload for IPv4/IPv6, the ECN
// bit on TSO frames. kOffloadOther marks a GSO type no port takes (UDP fragmentation).
constexpr unsigned kOffloadCsum = 1, kOffloadTso4 = 2, kOffloadTso6 = 4, kOffloadEcn = 8, kOffloadOther = 16;
constexpr unsigned kOffloadAll = kOffloadCsum | kOffloadTso4 | kOffloadTso6 | kOffloadEcn;
// The offloads a frame with this virtio_net_hdr needs from its receiver (0 = a plain frame;
// a TSO frame also needs checksums). Pure.
inline unsigned vnetOffloadsNeeded(const std::uint8_t *hdr)
{
    if (!hdr)
        return 0;
    unsigned need = (hdr[0] & 1) ? kOffloadCsum : 0;
    switch (hdr[1] & 0x7f) {
    case 0:
        break;
    case 1:
        need |= kOffloadTso4 | kOffloadCsum;
        break;
    case 4:
        need |= kOffloadTso6 | kOffloadCsum;
        break;
    default:
        need |= kOffloadOther;
        break;
    }
    if ((hdr[1] & 0x80) && (hdr[1] & 0x7f))
        need |= kOffloadEcn;
    return need;
}

class Transport {
public:
    virtual ~Transport() = default;

    // File descriptor that becomes readable when frames arrive (and writable when a blocked
    // send may be retried). Owned by the transport.
    virtual int dataFd() const = 0;
    // Optional second descriptor (VDE control stream): readable means the peer may be gone;
    // then call controlReadable(), which returns false when the port must be removed.
    virtual int controlFd() const { return -1; }
    virtual bool controlReadable() { return true; }

    // Reads up to `max` frames into bufs[i] (each bufSize bytes), lengths into lens[i].
    // The kRxHeadroom bytes before each bufs[i] are the transport's too: a header that
    // precedes the frame on the wire (a tap's virtio_net_hdr) is read there, so that header
    // and frame arrive with one plain read.
    // Returns the count (0 = nothing ready) or -1 when the transport is gone.
    virtual int receive(std::uint8_t *const *bufs, std::size_t bufSize, std::size_t *lens, int max) = 0;
    // One-copy receive (vhost-user). For transports with receivesInPlace(): like receive(),
    // but a frame longer than `peek` bytes whose remaining bytes lie in at most
    // InPlaceFrame::kMaxTail pieces gets only its first `peek` bytes copied into bufs[i] (a
    // private copy the engine decides on; the sender may still write its own buffer) and the
    // rest described in frames[i].tail, readable until releaseReceived(); every other frame
    // is copied whole (tailCount 0). frames[i].len is the frame's length either way.
    virtual bool receivesInPlace() const { return false; }
    virtual int receiveInPlace(std::uint8_t *const * /*bufs*/, std::size_t /*bufSize*/, std::size_t /*peek*/,
                               InPlaceFrame * /*frames*/, int /*max*/)
    {
        return -1;
    }
    // Gives the frames of the last receiveInPlace() back to the sender (after they were sent
    // or copied). Must follow every receiveInPlace().
    virtual void releaseReceived() {}
    // True when receive() should be called again soon without waiting for dataFd(): a ring
    // being polled while traffic flows (vhost-user). The engine then polls the port between
    // its other work and looks at epoll without sleeping, until this turns false.
    virtual bool wantsPoll() const { return false; }
    // True when receive() costs one system call per frame plus one more to find the queue
    // empty (taps: no batch read exists). The engine then reads single frames while traffic
    // is sparse, so a lone frame is forwarded without that extra call (see readPort).
    virtual bool perFrameReads() const { return false; }
    // Sends frames[0..n) in order without blocking; see SendResult.
    virtual SendResult send(const OutFrame *frames, int n) = 0;
    // Stream transports may hold a partly written frame; flush it when writable.
    // Returns false when the transport is gone.
    virtual bool flushPending(bool *stillBlocked)
    {
        *stillBlocked = false;
        return true;
    }
    // True while a partly written frame waits (the engine then watches for writability).
    virtual bool hasPending() const { return false; }

    // Offloads (taps and vhost-user). vnetHeader(): frames carry a virtio_net_hdr; after receive(),
    // rxVnetHeader(i) is frame i's header. setOffloads() turns checksum/TSO offload on or off
    // (the engine enables it only while every port can take offload frames).
    virtual bool vnetHeader() const { return false; }
    virtual const std::uint8_t *rxVnetHeader(int) const { return nullptr; }
    virtual void setOffloads(bool) {}
    // The offload frames (kOffload* bits) this port takes as they are, header and all, right
    // now. The engine completes the rest in software (checksum, segmentation) before sending.
    virtual unsigned offloadsAccepted() const { return 0; }

    // Housekeeping on the engine's tick (every SwitchConfig::tickNs): false ends the port,
    // with lastError() as the reason. Transports with timeouts of their own use it.
    virtual bool tick(std::int64_t /*nowNs*/) { return true; }
    // Why the transport gave up (a protocol error, a broken ring), "" when it did not say:
    // shown as the reason the port was removed.
    virtual QString lastError() const { return {}; }

    // "vde", "tap", "stream", "dgram", "vdeplug", "vhost-user".
    virtual QString kind() const = 0;
    // Human-readable peer description ("qemu (pid 1234)", "tap loom0", "udp://...").
    virtual QString description() const = 0;
};

// The send loop of transports that write one frame per call (taps, libvdeplug connections):
// sendOne(frame) returns the call's result (negative with errno set on failure). EINTR
// retries the frame, EAGAIN stops with `blocked` (the rest waits for writability), an errno
// for which isDead() holds ends the port (the rest counts as dropped), any other error loses
// just that frame. Touches nothing itself.
template <class SendOne, class IsDead>
SendResult sendEachFrame(const OutFrame *frames, int n, SendOne sendOne, IsDead isDead)
{
    SendResult r;
    for (int i = 0; i < n;) {
        if (sendOne(frames[i]) >= 0) {
            ++r.sent;
            ++i;
            continue;
        }
        const int e = errno;
        if (e == EINTR)
            continue;
        if (e == EAGAIN || e == EWOULDBLOCK) {
            r.blocked = true;
            return r;
        }
        if (isDead(e)) {
            r.dead = true;
            r.dropped = n - r.sent;
            return r;
        }
        ++r.dropped;
        ++i;
    }
    return r;
}

// Socket buffer size the engine asks for on datagram/stream sockets (clamped by the kernel
// to net.core.{w,r}mem_max for an ordinary user; 4 MiB on Debian's defaults here).
constexpr int kSocketBufferBytes = 4 * 1024 * 1024;
// Sets SO_SNDBUF/SO_RCVBUF to kSocketBufferBytes (best effort; the kernel clamps).
void enlargeSocketBuffers(int fd);

}  // namespace netloom::sw
