// SPDX-License-Identifier: GPL-3.0-or-later
// VhostUserTransport: a switch port whose peer is a QEMU virtio-net device over vhost-user
// (issue #12). The guest's rings live in its own RAM, mapped into the switch: frames move
// without a system call per frame.
//
// Design note. The port is three small parts behind the engine's Transport interface:
// - the control connection is a VhostUserSession (controlFd(); every message is handled on
//   the switch thread, so ring state never changes under the data plane);
// - ring 1 (the guest's TX) and ring 0 (its RX) are Virtqueues, set up when the session says
//   a ring started and torn down when it stops (GET_VRING_BASE gets the next avail index);
// - dataFd() is an epoll descriptor of the transport's own holding the TX kick eventfd and a
//   "more" eventfd (written when a ring starts with buffers already posted): receive()
//   drains the kick, pops at most `max` chains, and when frames are left (a burst larger
//   than the engine's batch) asks to be called again (wantsPoll).
//   Adaptive polling (PollPolicy: a short spin after the last frame, held for a while by a
//   sustained rate): while the policy says so, an empty ring is polled again by the engine's
//   loop (wantsPoll(); no system call per poll), kicks still off — the guest sends without
//   kicking, other ports are served between polls. Then it re-enables guest notifications
//   and re-checks the ring (a kick lost while they were off), so an idle port sleeps in
//   epoll and costs nothing.
// Frames over the engine's peek size (128 bytes) whose bytes lie in few pieces are read in
// place: only their headers are copied out (for the decision), the rest goes straight from
// the sender's TX buffers into the receiving guest's RX buffers (or the socket), one copy;
// smaller frames are copied out whole. Notifications (the call eventfd) are one write per
// batch, and only when the guest asked (EVENT_IDX or flags). A guest without RX buffers
// posted loses the frame (counted as a drop, like a NIC with a full ring); send() never
// blocks. A broken ring or protocol error ends the port (controlReadable/receive/send report
// it), never the switch.
// Offloads: the port offers CSUM/HOST_TSO4/6/HOST_ECN (the guest may send partial checksums
// and 64 KiB TSO frames; each header is checked against what it negotiated, see
// VirtioNet::checkTxHeader, and handed to the engine through rxVnetHeader) and
// GUEST_CSUM/GUEST_TSO4/6/GUEST_ECN (offloadsAccepted() says which the guest took: the engine
// passes such frames through untouched and completes them in software for everyone else).
#pragma once

#include "transport.h"
#include "vhostusersession.h"
#include "pollpolicy.h"
#include "virtionet.h"
#include "virtqueue.h"

#include "base/result.h"

#include <QString>

#include <functional>
#include <memory>

namespace netloom::sw {

class VhostUserTransport : public Transport {
public:
    static constexpr int kMaxBatch = 64;  // frames per receive() (the engine's batch bound)

    // Takes over `fd`, an accepted frontend connection on socket `path`. `onClose` runs when
    // the transport is destroyed, or at once when create() fails (the listener may then accept
    // the next frontend). Errors: System when the epoll/eventfd cannot be made (fd is closed). Touches: makes those fds.
    static Result<std::unique_ptr<VhostUserTransport>> create(int fd, const QString &path, std::function<void()> onClose);
    ~VhostUserTransport() override;

    int dataFd() const override { return m_epoll; }
    int controlFd() const override;
    bool controlReadable() override;
    int receive(std::uint8_t *const *bufs, std::size_t bufSize, std::size_t *lens, int max) override;
    SendResult send(const OutFrame *frames, int n) override;
    // One copy between guests: frames over `peek` bytes stay in the guest's TX buffers until
    // releaseReceived() returns their chains (with the others, one used-ring update and at
    // most one notification per batch).
    bool receivesInPlace() const override { return true; }
    int receiveInPlace(std::uint8_t *const *bufs, std::size_t bufSize, std::size_t peek, InPlaceFrame *frames,
                       int max) override;
    void releaseReceived() override;
    bool wantsPoll() const override { return m_wantPoll; }
    // Frames carry the guest's virtio_net_hdr (checked); the offloads the guest negotiated
    // for its receive side (GUEST_CSUM, GUEST_TSO4/6, GUEST_ECN) as kOffload* bits.
    bool vnetHeader() const override { return true; }
    const std::uint8_t *rxVnetHeader(int i) const override { return m_rxHdr[i]; }
    unsigned offloadsAccepted() const override { return m_accepts; }
    // A frontend that acked features but sends no memory table within kMemTableTimeoutNs has
    // guest memory QEMU cannot share (no memfd backend with share=on): the port ends, saying so.
    bool tick(std::int64_t nowNs) override;
    QString lastError() const override { return m_failure; }
    QString kind() const override { return QStringLiteral("vhost-user"); }
    static constexpr std::int64_t kMemTableTimeoutNs = 3'000'000'000;
    QString description() const override;

    // For tests and logs: the session, and whether ring i runs.
    const VhostUserSession &session() const { return *m_session; }
    bool ringLive(int i) const { return m_live[i]; }
    // Frames lost because the guest had no RX buffer posted, or its chains were unusable.
    std::uint64_t rxNoBuffers() const { return m_noBuffers; }
    // The reason the port ended ("" while it runs).
    const QString &failure() const { return m_failure; }

private:
    VhostUserTransport() = default;
    void ringChanged(int i);
    std::uint16_t stopRing(int i);
    void startRing(int i);
    void signal(int i);
    void wakeAgain();
    bool fail(const QString &why);

    std::unique_ptr<VhostUserSession> m_session;
    QString m_path;
    std::function<void()> m_onClose;
    int m_epoll = -1;
    int m_more = -1;          // eventfd: frames left on the TX ring after a batch
    int m_kickInEpoll = -1;   // the TX kick fd registered in m_epoll (-1 = none)
    Virtqueue m_vq[2];        // 0 = the guest's RX, 1 = its TX
    bool m_live[2] = {false, false};
    std::unique_ptr<VirtioNet> m_net;
    VqChain m_chain;
    std::uint8_t m_rxHdr[kMaxBatch][kVnetHdrLen] = {};
    unsigned m_accepts = 0;  // kOffload* bits; 0 = the guest takes no headers at all
    std::uint64_t m_noBuffers = 0;
    std::uint16_t m_held[kMaxBatch] = {};  // chains whose frames are read in place
    int m_heldCount = 0;
    int m_toPush = 0;                      // chains already pushed, not yet published
    PollPolicy m_poll;            // when an emptied TX ring is polled again
    bool m_wantPoll = false;      // receive() wants to be called again without an event
    bool m_moreSignalled = false; // "more" was written and not read yet
    QString m_failure;
    std::int64_t m_waitingForMemorySince = 0;  // tick time features were seen without a table
};

}  // namespace netloom::sw
