// SPDX-License-Identifier: GPL-3.0-or-later
// SwitchEngine: one netloom switch — a learning Ethernet switch running its own event loop
// on its own thread, with ports of any transport kind (VDE clients, taps, QEMU stream/dgram
// sockets, libvdeplug cables), snooping, per-port counters and optional pcap capture.
//
// Design note.
// - Threads: the engine object lives in its owner's thread (GUI or CLI). start() spawns the
//   switch thread, which alone touches the forwarder, the transports and the queues. The
//   public API is thread-safe: it either reads lock-free atomics (counters), takes a short
//   registry lock that the hot path never takes (port list), or posts a command to the
//   switch thread through an eventfd-woken queue.
// - Hot path: epoll wakes on a port; up to `batch` frames are read at once (recvmmsg for
//   datagram ports; taps, which read frame by frame, only while frames arrive back to back,
//   otherwise one frame per wake-up so a lone frame is not delayed by a read that finds the
//   queue empty), each is decided by the Forwarder, and egress frames are gathered per
//   egress port as iovecs into the receive buffers (tag insert/strip and runt padding without
//   copies), then sent with one sendmmsg per egress port. A batch of one frame skips the
//   gathering: each copy is sent as soon as it is decided.
// - Frame clock: the forwarding decision (MAC learning and aging) and the tap's burst test
//   take the time from m_clockNs, which the loop reads just before it sleeps (after a look
//   at epoll that found nothing) and every few passes while busy, never between a frame's
//   wake-up and its send: after a sleep the clock's code and data are cold, and reading it
//   there cost a lone frame ~2 us on the test VMs (bench/README.md). The clock lags by at most
//   the tick (250 ms, the timer wakes the loop) or a few passes, against 300 s of aging.
//   Address events, delays and anything else that needs the time itself read the clock.
// - Slow peers: sends never block. When a peer is full, frames wait in that port's bounded
//   queue (txQueueFrames / txQueueBytes) until the socket is writable; beyond the bound they
//   are dropped and counted as txDrops. Nothing a port does can stall the others.
// - Events: address events and port changes are delivered as Qt signals on the owner's
//   thread (queued), at most kMaxEventsInFlight undelivered at a time (excess is counted).
// - Emulation and mirroring (docs/switch.md): settings belong to port numbers, like captures
//   and presets. A port whose number has any (impairment, link down, mirror source) carries a
//   `hooks` pointer; every other port pays one predictable branch on receive and one on send.
//   Impaired frames are copied into per-number, per-direction delay lines (ImpairmentStage
//   decides their fate and due time) and released from the switch's event loop by a second
//   timerfd armed at the earliest due time: nothing sleeps, and each wake-up releases a
//   bounded number of frames per line so delayed ports never hold up the others. Ingress
//   frames are held before the forwarding decision; egress frames after it. Mirror copies go
//   straight to the target's socket and are dropped (counted) when it is not writable.
#pragma once

#include "addressevent.h"
#include "forwarder.h"
#include "impairment.h"
#include "offloadcompleter.h"
#include "portcounters.h"
#include "portpresets.h"
#include "snooper.h"
#include "transport.h"
#include "vdeserver.h"

#include "protocol/impairment.h"

#include <QObject>

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace netloom::sw {

class PcapWriter;

struct SwitchConfig {
    ForwarderConfig forwarder;
    int batch = 64;                               // frames read per wake-up per port (1..64)
    std::size_t txQueueFrames = 1024;             // per-port queue bound while the peer is full
    std::size_t txQueueBytes = 2 * 1024 * 1024;
    std::int64_t tickNs = 250'000'000;            // housekeeping (aging, capture flush, timeouts)
    std::uint32_t maxPorts = 1024;
    bool snooping = true;
    // Emulation: frames held per port number and direction (delay lines), and how many each
    // emulation wake-up releases per line before the loop looks at other ports again.
    std::size_t emuQueueFrames = 16384;
    std::size_t emuQueueBytes = 16 * 1024 * 1024;
    int emuReleaseBurst = 256;
};

// Network emulation of one port number, seen from the switch (runtimeplan's VdePort).
struct PortEmulation {
    protocol::Impairment toPort;    // frames the switch sends to the port (egress)
    protocol::Impairment fromPort;  // frames the switch receives from the port (ingress)
    bool up = true;                 // false: everything to and from the port is dropped
    bool isNone() const { return up && toPort.isNone() && fromPort.isNone(); }
    bool operator==(const PortEmulation &) const = default;
};

using protocol::MirrorDirection;  // rx, tx or both (protocol/impairment.h)

struct PortInfo {
    PortId id = kNoPort;
    QString kind;
    QString description;
    QString name;
    QString capturePath;  // empty when not capturing
    std::shared_ptr<const PortCounters> counters;
};

struct EngineStats {
    std::uint32_t macEntries = 0;
    std::uint64_t macEvicted = 0, macFlapRefused = 0, macMoved = 0;
    std::uint64_t eventsDropped = 0;   // address events lost because the owner lagged
};

class SwitchEngine : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxEventsInFlight = 8192;

    explicit SwitchEngine(const SwitchConfig &config = {}, QObject *parent = nullptr);
    ~SwitchEngine() override;  // stops the thread and closes every port

    // Starts the switch thread. Fails if the epoll/eventfd/timerfd cannot be created.
    Status start();
    // Stops and joins the switch thread (ports stay open until destruction). Idempotent.
    void stop();
    bool isRunning() const { return m_running.load(); }

    // Listens for VDE clients in options.dir (see VdeServer). Thread-safe.
    Status listenVde(const VdeServerOptions &options);
    // Accepts QEMU `-netdev stream` connections on a unix socket path; one port each.
    Status listenStream(const QString &path);
    // Serves vhost-user on the unix socket `path` (made mode 0600; a stale socket file is
    // replaced): the QEMU that connects (one at a time; it reconnects after either side
    // restarts) becomes port number `port`, with the preset of that number (presetPort).
    // Fails with InvalidArgument for a number outside 1..maxPorts, or when the socket cannot
    // be made. Thread-safe.
    Status listenVhostUser(const QString &path, PortId port);
    // Client mode: connects to a frontend listening on `path` (QEMU's `-chardev
    // socket,...,server=on,wait=off`) as port number `port`, now and, while no connection
    // stands (QEMU not up yet, restarted, gone), again on every tick. Fails with
    // InvalidArgument for a number outside 1..maxPorts or a path over 107 bytes; connection
    // errors are retried, each new one reported once as a warning. Thread-safe.
    Status connectVhostUser(const QString &path, PortId port);
    // Adds a port over an opened transport; returns its id. Thread-safe.
    Result<PortId> addPort(std::unique_ptr<Transport> transport, const PortOptions &options = {});
    // Removes a port (asynchronously; portRemoved follows). Thread-safe.
    void removePort(PortId port);
    // Starts capturing every frame received and sent on port number `port` into a pcap file
    // at `path` (created mode 0600, truncated), or stops when path is empty. The capture
    // belongs to the number, not to one connection: if nobody holds the number yet (a VDE
    // client that connects later) capturing starts when a port takes it, before its first
    // frame, and frames of a later holder go on into the same file until capture is switched
    // off. Fails with InvalidArgument for a number outside 1..maxPorts, or when the file
    // cannot be created. Thread-safe.
    Status setCapture(PortId port, const QString &path);
    // Pre-configures port number `port` (see PortPresets): the VDE client that connects asking
    // for that number gets options.vlan and options.name; clients and local ports asking for no
    // number are given other numbers. If the port is held already, its VLAN setting and name
    // change now (its learnt addresses are forgotten). Fails with InvalidArgument for a number
    // outside 1..maxPorts or an invalid VLAN setting. Thread-safe.
    Status presetPort(PortId port, const PortOptions &options);
    // Forgets the preset of `port` (a client holding it keeps its settings). Thread-safe.
    void clearPortPreset(PortId port);
    // Hub mode: flood every frame (VLANs still apply). Thread-safe.
    void setHub(bool hub);
    // Network emulation of port number `port`: like captures and presets it belongs to the
    // number and applies to whoever holds it, now or later. Takes effect at once; frames
    // already held under an old setting leave as they were scheduled (a frame sent after a
    // delay was removed may overtake them). Setting a port down drops what it holds and,
    // until it is up again, every frame to and from it (counted as linkDownDrops). Fails with
    // InvalidArgument for a number outside 1..maxPorts or an invalid impairment (the error
    // names the field). Thread-safe.
    Status setPortEmulation(PortId port, const PortEmulation &emulation);
    // The emulation last set for `port` (the neutral one when none). Thread-safe.
    PortEmulation portEmulation(PortId port) const;
    // Mirrors port number `source` onto port number `target`: frames received from the
    // source (as received, tag kept, before the forwarding decision but after the source's
    // ingress impairment) and/or frames sent to it (as sent) are copied to the target's
    // socket as they are, counted on the target (a target that is not writable drops the copy,
    // counted as mirrorDrops: the source is never slowed). Several sources may share a
    // target; mirror copies are never mirrored again. Replaces the source's previous mirror.
    // Fails with InvalidArgument for numbers outside 1..maxPorts, a target equal to the
    // source, or a target whose own mirror chain leads back to the source (a loop).
    // Thread-safe.
    Status setMirror(PortId source, PortId target, MirrorDirection direction);
    // Stops mirroring `source` (nothing when it was not mirrored). Thread-safe.
    void clearMirror(PortId source);

    // Counter snapshot of every port (lock-free reads of the counters). Thread-safe.
    std::vector<PortSnapshot> counters() const;
    std::vector<PortInfo> ports() const;
    EngineStats stats() const;

    // Monotonic clock used for event timestamps (ns).
    static std::int64_t monotonicNs();

signals:
    void addressEvent(const netloom::sw::AddressEvent &event);
    void portAdded(quint32 port, const QString &kind, const QString &description);
    void portRemoved(quint32 port, const QString &reason);
    void warning(const QString &message);

private:
    struct Port;
    struct Listener;
    struct Hooks;
    struct MirrorSetting {
        PortId target = kNoPort;
        MirrorDirection direction = MirrorDirection::Both;
    };
    void post(std::function<void()> fn);
    void loop();
    // Reads the monotonic clock into m_clockNs (the frame clock; see the design note).
    void readClock();
    void runCommands();
    void handleEvent(std::uint64_t tag, std::uint32_t events);
    void readPort(Port &p);
    void acceptVhostUser(Listener &l);
    struct VhostClient;
    void dialVhostUser(VhostClient &c);
    // Makes a vhost-user transport on connected fd and attaches it as `port` (its preset
    // applies); onClose runs when the connection ends. False when the number is still held.
    bool attachVhostUser(int fd, const QString &path, PortId port, std::function<void()> onClose);
    // Reads the port, and keeps it in m_polled while its transport wantsPoll().
    void servePort(PortId id);
    void pollPorts();
    // frame[0..len) as received, or (inPlace set) its first kPeekBytes with the rest in
    // inPlace->tail.
    void handleFrame(Port &in, std::uint8_t *frame, std::size_t len, std::int64_t now, std::uint8_t *tagSlot,
                     const std::uint8_t *vnet, const InPlaceFrame *inPlace = nullptr);
    void updateOffloads();
    void enqueue(Port &out, const OutFrame &f, Cast cast);
    // Describes frame[0..len) (received as d says) as it leaves a port: untagged (tag stripped)
    // or tagged (the tag written into tagSlot), runts padded, as iovecs over the frame. Pure
    // apart from *f and tagSlot.
    static void buildVariant(OutFrame *f, const std::uint8_t *frame, std::size_t len, const ForwardDecision &d,
                             bool tagged, std::uint8_t *tagSlot, const std::uint8_t *vnet,
                             const InPlaceFrame *inPlace = nullptr);
    void flushEgress();
    void sendOrQueue(Port &p, const OutFrame *frames, const Cast *casts, int n);
    // The plain send (no hooks): sends now or queues for writability. Returns how many of the
    // frames (from the front) were handed to the kernel now, -1 when the port died.
    int sendDirect(Port &p, const OutFrame *frames, const Cast *casts, int n);
    // Emulation and mirroring (switchemulation.cpp).
    void sendHooked(Port &p, const OutFrame *frames, const Cast *casts, int n);
    // `now`: the clock itself (delays), not the frame clock.
    void receiveHooked(Port &p, std::uint8_t *frame, std::size_t len, std::int64_t now, std::uint8_t *tagSlot,
                       const std::uint8_t *vnet, const InPlaceFrame *inPlace);
    void releaseEgress(Port &p, Hooks &h, std::int64_t now);
    void releaseIngress(Port &p, Hooks &h, std::int64_t now);
    void runEmulation();
    void armEmulation(std::int64_t dueNs);
    void mirrorOut(Hooks &h, const OutFrame *frames, int n);
    Hooks &hooksFor(PortId id);
    void refreshHooks(PortId id);
    void dropHeld(PortId id, Hooks &h);
    void drainQueue(Port &p);
    void setWantWritable(Port &p, bool want);
    void attachPort(PortId id, std::unique_ptr<Transport> t, const PortOptions &options);
    void detachPort(PortId id, const QString &reason);
    void tick();
    void deliverEvents();
    // registry lock held by caller; `pending` = numbers promised but not yet in the registry
    PortId pickPortId(std::uint32_t requested, const std::vector<PortId> &pending = {});
    void emitWarning(const QString &message);

    SwitchConfig m_config;
    std::atomic<bool> m_running{false};
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
    int m_epoll = -1, m_wake = -1, m_timer = -1, m_emuTimer = -1;

    std::mutex m_cmdMutex;
    std::vector<std::function<void()>> m_commands;

    mutable std::mutex m_registryMutex;  // never taken on the hot path
    std::map<PortId, PortInfo> m_registry;
    PortPresets m_presets;  // guarded by m_registryMutex
    std::map<PortId, PortEmulation> m_emulations;   // guarded by m_registryMutex
    std::map<PortId, MirrorSetting> m_mirrors;      // guarded by m_registryMutex

    // Switch-thread state.
    Forwarder m_forwarder;
    Snooper m_snooper;
    OffloadCompleter m_completer;  // software offloads for the current batch (reset per flush)
    std::vector<std::unique_ptr<Port>> m_portsById;  // index = PortId
    std::vector<std::unique_ptr<Listener>> m_listeners;
    std::vector<std::unique_ptr<VhostClient>> m_vhostClients;
    // Captures asked for port numbers nobody holds right now (installed by attachPort).
    std::map<PortId, std::unique_ptr<PcapWriter>> m_waitingCaptures;
    std::vector<Port *> m_touched;
    bool m_sendNow = false;  // the batch being handled is one frame: enqueue() sends at once
    std::vector<PortId> m_flushIds;
    std::vector<std::vector<std::uint8_t>> m_rxBuffers;
    std::vector<std::uint8_t *> m_rxPtrs;
    std::vector<std::size_t> m_rxLens;
    std::vector<std::array<std::uint8_t, 4>> m_tags;
    std::vector<InPlaceFrame> m_inPlace;
    std::vector<PortId> m_polled, m_pollIds;  // ports whose transport wantsPoll()
    int m_pollPasses = 0;
    std::vector<AddressEvent> m_events;
    std::int64_t m_lastAging = 0;
    std::int64_t m_clockNs = 0;    // the frame clock (see the design note)
    int m_passesSinceClock = 0;
    // Emulation state per port number (index = PortId; null until first configured).
    std::vector<std::unique_ptr<Hooks>> m_hooks;
    std::vector<PortId> m_hookIds;  // numbers with a Hooks object
    std::int64_t m_emuArmedNs = -1; // when m_emuTimer fires next (-1: disarmed)
    Rng m_rng;
    // Reused by releaseIngress / releaseEgress (separate: an ingress release sends to ports
    // whose egress release may run inside it).
    std::vector<DelayedFrame> m_released, m_releasedOut;

    std::atomic<int> m_eventsInFlight{0};
    std::atomic<std::uint64_t> m_eventsDropped{0};
    std::atomic<std::uint32_t> m_macEntries{0};
    std::atomic<std::uint64_t> m_macEvicted{0}, m_macFlapRefused{0}, m_macMoved{0};
};

}  // namespace netloom::sw
