// SPDX-License-Identifier: GPL-3.0-or-later
// VhostUserSession: the backend side of one vhost-user control connection for a virtio-net
// device with one queue pair (issue #12). It reads the frontend's messages (with their
// descriptors), negotiates features, maps the guest's memory into a GuestMemory table, and
// exposes each ring's negotiated state; it never walks a ring (that is the data plane's job,
// core/switch/virtqueue.*).
//
// Design note.
// - Threat model: the frontend (QEMU, or anything that can connect to the socket) is hostile.
//   Every message is parsed strictly (vhostusermessage.h); a message that breaks the protocol
//   ends the session: process() returns an Error naming the request and the caller drops the
//   session (and the port). Nothing here throws or asserts on input.
// - Reading: the socket is non-blocking; the session reads the 12-byte header, then exactly
//   the payload, never past the current message, collecting SCM_RIGHTS descriptors
//   (MSG_CMSG_CLOEXEC, at most vhostuser::kMaxFds per message; truncated control data is an
//   error). A partial message is kept until the rest arrives. Replies (at most 52 bytes) are
//   written at once; a frontend that does not read them is a protocol error.
// - Memory: SET_MEM_TABLE maps every region MAP_SHARED (the whole [0, mmap_offset+size) of
//   its fd, checked against fstat's size), translates all rings against the new table, and
//   only then replaces the old table (unmapping it). On any failure what this message mapped
//   is unmapped and the old table stays. The region descriptors are closed once mapped.
// - Rings: a ring is *started* when it has a kick (SET_VRING_KICK; NOFD counts, meaning the
//   frontend wants polling), translated addresses, a memory table, and is enabled (always so
//   when PROTOCOL_FEATURES was not negotiated; else after SET_VRING_ENABLE 1). A call fd is
//   not required. GET_VRING_BASE stops the ring: the data plane is asked (stopRing callback)
//   for the next avail index, the kick fd is closed, and that index is replied; a new
//   SET_VRING_KICK starts the ring again.
// - Data plane contract: process() runs on the data plane's thread (or with it quiesced).
//   Whenever anything a ring's user depends on changes (pointers, num, base, fds, enabled,
//   started, features, memory table), that ring's `changes` counter increases and the
//   ringChanged callback runs — after the new state is in place and, for a new memory table,
//   before the old mappings are unmapped — so the data plane re-reads the ring and stops or
//   (re)starts it there.
#pragma once

#include "base/result.h"
#include "guestmemory.h"
#include "vhostusermessage.h"

#include <QString>

#include <array>
#include <cstdint>
#include <functional>

namespace netloom::sw {

struct VhostUserRing {
    std::uint32_t num = 0;        // ring size (0 until SET_VRING_NUM)
    std::uint16_t base = 0;       // next avail index to start from (SET_VRING_BASE)
    bool haveAddr = false;        // SET_VRING_ADDR seen
    VhostUserVringAddr addr;      // as sent (QEMU virtual addresses)
    std::uint8_t *desc = nullptr; // host pointers of the three areas (16*num, 6+2*num, 6+8*num
    std::uint8_t *avail = nullptr;//   bytes, aligned 16/2/4), or null until translatable
    std::uint8_t *used = nullptr;
    bool kickSet = false;         // SET_VRING_KICK seen since the last stop
    int kickFd = -1;              // eventfd the guest kicks; -1 with kickSet = poll (NOFD)
    int callFd = -1;              // eventfd to interrupt the guest, or -1
    int errFd = -1;               // eventfd for errors, or -1
    bool enableFlag = false;      // last SET_VRING_ENABLE
    bool enabled = false;         // enableFlag, or true without PROTOCOL_FEATURES
    bool started = false;         // see the design note
    std::uint64_t changes = 0;    // increases on every change the data plane must see
};

class VhostUserSession {
public:
    // Takes ownership of `fd`, a connected AF_UNIX stream socket (made non-blocking here).
    // `name` labels errors (the socket path). Touches: the descriptor's flags.
    VhostUserSession(int fd, QString name);
    // Closes the socket and every ring descriptor, unmaps the guest's memory.
    ~VhostUserSession();
    VhostUserSession(const VhostUserSession &) = delete;
    VhostUserSession &operator=(const VhostUserSession &) = delete;

    int fd() const { return m_fd; }
    const QString &name() const { return m_name; }

    // Reads and handles the messages that are ready, at most `maxMessages` (so one frontend
    // cannot starve the others), without blocking. Returns ok when it ran out of input or
    // reached the bound; an Error when the peer closed (Io) or broke the protocol (the error
    // names the request) — then drop the session. Touches: the socket, descriptors it
    // receives, mappings, ring state; calls the callbacks.
    Status process(int maxMessages = 64);

    // Handles one already parsed message with its descriptors (ownership of fds[0..fdCount)
    // passes to the session, which closes whatever it does not keep, on every path). Replies
    // go to the socket. This is what process() calls per message; exposed for fuzzing.
    Status handle(const VhostUserMessage &msg, int *fds, int fdCount);

    // Data plane hooks. stopRing(i) stops ring i and returns the next avail index it would
    // have processed (asked by GET_VRING_BASE and RESET_OWNER for a started ring; without the
    // hook the stored base is used). ringChanged(i) runs after ring i changed.
    void setStopRing(std::function<std::uint16_t(int ring)> f) { m_stopRing = std::move(f); }
    void setRingChanged(std::function<void(int ring)> f) { m_ringChanged = std::move(f); }

    // The device features GET_FEATURES offers (default kOfferedFeatures; always with
    // PROTOCOL_FEATURES); set before the frontend asks. A data plane that cannot yet handle an
    // offload leaves it out.
    void setOfferedFeatures(std::uint64_t features)
    {
        m_offered = (features & vhostuser::kOfferedFeatures) | vhostuser::kUserFProtocolFeatures;
    }
    std::uint64_t offeredFeatures() const { return m_offered; }

    const VhostUserRing &ring(int i) const { return m_rings[std::size_t(i)]; }
    const GuestMemory &memory() const { return m_memory; }
    std::uint64_t features() const { return m_features; }             // acked by SET_FEATURES
    std::uint64_t protocolFeatures() const { return m_protocolFeatures; }
    bool featuresSet() const { return m_featuresSet; }
    bool owned() const { return m_owner; }
    // Messages handled so far (for logs and tests).
    std::uint64_t messageCount() const { return m_messages; }

private:
    struct Mapping {
        void *addr = nullptr;
        std::size_t len = 0;
    };

    Status readOne(bool *gotOne);
    Status reply(const QByteArray &bytes, std::uint32_t request);
    Status fail(std::uint32_t request, ErrorCode code, const QString &reason);
    Status setMemTable(const VhostUserMessage &msg, int *fds);
    // Host pointers of ring i's areas in `mem`; false when a part is untranslatable or
    // misaligned.
    bool translateRing(const VhostUserRing &r, const GuestMemory &mem, std::uint8_t **desc, std::uint8_t **avail,
                       std::uint8_t **used) const;
    // Recomputes pointers/enabled/started of ring i; returns false when its addresses do not
    // translate against the current table.
    bool refreshRing(int i);
    void changed(int i);
    void stopRing(int i);
    void resetRing(int i);
    void unmapAll(Mapping *maps, int count);

    int m_fd = -1;
    QString m_name;
    std::array<VhostUserRing, vhostuser::kRingCount> m_rings{};
    GuestMemory m_memory;
    std::array<Mapping, vhostuser::kMaxRegions> m_maps{};
    int m_mapCount = 0;
    std::uint64_t m_features = 0;
    std::uint64_t m_offered = vhostuser::kOfferedFeatures;
    std::uint64_t m_protocolFeatures = 0;
    bool m_featuresSet = false;
    bool m_owner = false;
    std::uint64_t m_messages = 0;
    std::function<std::uint16_t(int)> m_stopRing;
    std::function<void(int)> m_ringChanged;

    // The message being read: header bytes, then payload, and the descriptors so far.
    std::array<std::uint8_t, vhostuser::kHeaderSize> m_head{};
    std::size_t m_headGot = 0;
    VhostUserHeader m_header;
    std::array<std::uint8_t, vhostuser::kMaxPayload> m_payload{};
    std::size_t m_payloadGot = 0;
    std::array<int, vhostuser::kMaxFds> m_fds{};
    int m_fdCount = 0;
};

}  // namespace netloom::sw
