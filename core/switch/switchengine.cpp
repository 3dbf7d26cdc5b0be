// SPDX-License-Identifier: GPL-3.0-or-later
#include "switchengine.h"

#include "engineport.h"

#include "hotpath.h"
#include "vhostuserlistener.h"
#include "vhostusertransport.h"

#include "pcapwriter.h"
#include "streamtransport.h"

#include <QDateTime>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <deque>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

namespace netloom::sw {

namespace {

// Why a port whose transport ended is removed.
QString goneReason(const Transport &t)
{
    const QString why = t.lastError();
    return why.isEmpty() ? QStringLiteral("peer disconnected") : why;
}

enum Tag : std::uint64_t { TagWake = 1, TagTimer, TagVde, TagStream, TagData, TagCtl, TagVhost, TagEmu };
std::uint64_t tagOf(Tag t, std::uint32_t id) { return std::uint64_t(t) << 32 | id; }

// Room for a GSO super-frame from a tap with offloads (64 KiB + headers); larger than any
// legal frame from every other transport, which the forwarder then drops as oversize.
constexpr std::size_t kRxBufferBytes = 65536 + 256;
static_assert(kRxBufferBytes <= OffloadCompleter::kMaxFrame, "every received frame can be completed in software");
// Passes over polled ports between two looks at epoll (see loop).
constexpr int kPollPassesPerEpoll = 8;
static_assert(kPeekBytes >= kMinFrameLen + kVlanTagLen, "in-place frames are never padded");
// A per-frame-read port (tap) whose frames arrive closer together than this is read in
// batches; sparser traffic is read one frame per wake-up (see readPort).
constexpr std::int64_t kBurstGapNs = 50'000;
// Passes of the loop without a sleep after which the frame clock is read anyway (a busy
// switch: the clock lags by at most this many passes).
constexpr int kClockPasses = 16;
const std::uint8_t kZeros[kMinFrameLen + kVlanTagLen] = {};

std::int64_t wallNs()
{
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

QString errnoText(int e) { return QString::fromLocal8Bit(std::strerror(e)); }

}  // namespace

struct SwitchEngine::Listener {
    std::unique_ptr<VdeServer> vde;
    std::unique_ptr<StreamListener> stream;
    // vhost-user: one frontend at a time on a path, always given port number vhostPort. Shared
    // with the port's transport, which releases it when the connection ends.
    std::shared_ptr<VhostUserListener> vhost;
    PortId vhostPort = kNoPort;
};

SwitchEngine::SwitchEngine(const SwitchConfig &config, QObject *parent)
    : QObject(parent), m_config(config), m_presets(std::clamp<std::uint32_t>(config.maxPorts, 1, 65535)),
      m_forwarder(config.forwarder)
{
    qRegisterMetaType<netloom::sw::AddressEvent>();
    m_config.batch = std::clamp(m_config.batch, 1, 64);
    m_config.maxPorts = std::clamp<std::uint32_t>(m_config.maxPorts, 1, 65535);
    m_rxBuffers.resize(std::size_t(m_config.batch));
    for (auto &b : m_rxBuffers) {
        b.resize(kRxHeadroom + kRxBufferBytes);
        m_rxPtrs.push_back(b.data() + kRxHeadroom);
    }
    m_rxLens.resize(std::size_t(m_config.batch));
    m_tags.resize(std::size_t(m_config.batch));
    m_inPlace.resize(std::size_t(m_config.batch));
    m_portsById.resize(m_config.maxPorts + 1);
    m_hooks.resize(m_config.maxPorts + 1);
    m_config.emuReleaseBurst = std::max(m_config.emuReleaseBurst, 1);
    m_rng.seed(std::uint64_t(monotonicNs()) ^ std::uint64_t(reinterpret_cast<std::uintptr_t>(this)));
}

SwitchEngine::~SwitchEngine()
{
    stop();
    m_portsById.clear();
    m_listeners.clear();
    for (int fd : {m_epoll, m_wake, m_timer, m_emuTimer})
        if (fd >= 0)
            ::close(fd);
}

NETLOOM_HOT
std::int64_t SwitchEngine::monotonicNs()
{
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

Status SwitchEngine::start()
{
    const QString verb = QStringLiteral("start switch");
    if (m_running.load())
        return ok();
    if (m_epoll < 0) {
        m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
        m_wake = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        m_timer = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        m_emuTimer = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        if (m_epoll < 0 || m_wake < 0 || m_timer < 0 || m_emuTimer < 0)
            return Error::failed(ErrorCode::System, verb, QStringLiteral("event loop"), errnoText(errno));
        itimerspec its{};
        its.it_interval.tv_sec = m_config.tickNs / 1'000'000'000;
        its.it_interval.tv_nsec = m_config.tickNs % 1'000'000'000;
        its.it_value = its.it_interval;
        ::timerfd_settime(m_timer, 0, &its, nullptr);
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = tagOf(TagWake, 0);
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake, &ev);
        ev.data.u64 = tagOf(TagTimer, 0);
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_timer, &ev);
        ev.data.u64 = tagOf(TagEmu, 0);
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_emuTimer, &ev);
    }
    m_stop = false;
    m_running = true;
    m_thread = std::thread([this] { loop(); });
    return ok();
}

void SwitchEngine::stop()
{
    if (!m_running.load())
        return;
    m_stop = true;
    const std::uint64_t one = 1;
    (void)!::write(m_wake, &one, sizeof one);
    if (m_thread.joinable())
        m_thread.join();
    m_running = false;
}

void SwitchEngine::post(std::function<void()> fn)
{
    {
        std::lock_guard<std::mutex> lock(m_cmdMutex);
        m_commands.push_back(std::move(fn));
    }
    if (m_wake >= 0) {
        const std::uint64_t one = 1;
        (void)!::write(m_wake, &one, sizeof one);
    }
}

void SwitchEngine::runCommands()
{
    std::vector<std::function<void()>> cmds;
    {
        std::lock_guard<std::mutex> lock(m_cmdMutex);
        cmds.swap(m_commands);
    }
    for (auto &c : cmds)
        c();
}

PortId SwitchEngine::pickPortId(std::uint32_t requested, const std::vector<PortId> &pending)
{
    if (m_registry.size() + pending.size() >= m_config.maxPorts)
        return kNoPort;
    return choosePortId(
        requested, m_config.maxPorts,
        [&](PortId id) { return m_registry.count(id) != 0 || std::find(pending.begin(), pending.end(), id) != pending.end(); },
        [&](PortId id) { return m_presets.contains(id); });
}

Status SwitchEngine::presetPort(PortId port, const PortOptions &options)
{
    bool held = false;
    {
        std::lock_guard<std::mutex> lock(m_registryMutex);
        if (Status s = m_presets.set(port, options); !s)
            return s;
        if (auto it = m_registry.find(port); it != m_registry.end()) {
            held = true;
            if (!options.name.isEmpty())
                it->second.name = options.name;
        }
    }
    if (held) {
        const VlanPortConfig vlan = options.vlan;
        post([this, port, vlan] {
            if (port < m_portsById.size() && m_portsById[port])
                m_forwarder.setPort(port, vlan);
        });
    }
    return ok();
}

void SwitchEngine::clearPortPreset(PortId port)
{
    std::lock_guard<std::mutex> lock(m_registryMutex);
    m_presets.clear(port);
}

Status SwitchEngine::listenVde(const VdeServerOptions &options)
{
    VdeServerOptions o = options;
    o.maxPort = std::min(o.maxPort, m_config.maxPorts);
    auto server = VdeServer::listen(o);
    if (!server)
        return server.error();
    auto l = std::make_shared<std::unique_ptr<Listener>>(std::make_unique<Listener>());
    (*l)->vde = std::move(server.value());
    post([this, l] {
        const std::uint32_t idx = std::uint32_t(m_listeners.size());
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = tagOf(TagVde, idx);
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, (*l)->vde->fd(), &ev);
        m_listeners.push_back(std::move(*l));
    });
    return ok();
}

Status SwitchEngine::listenStream(const QString &path)
{
    auto listener = StreamListener::listenUnix(path);
    if (!listener)
        return listener.error();
    auto l = std::make_shared<std::unique_ptr<Listener>>(std::make_unique<Listener>());
    (*l)->stream.reset(listener.value());
    post([this, l] {
        const std::uint32_t idx = std::uint32_t(m_listeners.size());
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = tagOf(TagStream, idx);
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, (*l)->stream->fd(), &ev);
        m_listeners.push_back(std::move(*l));
    });
    return ok();
}

Status SwitchEngine::listenVhostUser(const QString &path, PortId port)
{
    if (port == kNoPort || port > m_config.maxPorts)
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("serve vhost-user port"), path,
                             QStringLiteral("port %1 is outside 1..%2").arg(port).arg(m_config.maxPorts));
    auto listener = VhostUserListener::listen(path);
    if (!listener)
        return listener.error();
    auto l = std::make_shared<std::unique_ptr<Listener>>(std::make_unique<Listener>());
    (*l)->vhost = std::shared_ptr<VhostUserListener>(std::move(*listener));
    (*l)->vhostPort = port;
    post([this, l] {
        const std::uint32_t idx = std::uint32_t(m_listeners.size());
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = tagOf(TagVhost, idx);
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, (*l)->vhost->fd(), &ev);
        m_listeners.push_back(std::move(*l));
    });
    return ok();
}

void SwitchEngine::acceptVhostUser(Listener &l)
{
    const QString path = l.vhost->path();
    for (int i = 0; i < 4; ++i) {
        Result<int> fd = l.vhost->accept();
        if (!fd) {
            emitWarning(fd.error().message);
            continue;
        }
        if (*fd < 0)
            return;
        std::weak_ptr<VhostUserListener> weak = l.vhost;
        attachVhostUser(*fd, path, l.vhostPort, [weak] {
            if (auto alive = weak.lock())
                alive->release();
        });
    }
}

bool SwitchEngine::attachVhostUser(int fd, const QString &path, PortId port, std::function<void()> onClose)
{
    auto t = VhostUserTransport::create(fd, path, std::move(onClose));
    if (!t) {
        emitWarning(t.error().message);
        return false;  // the failed transport's destructor ran onClose
    }
    PortOptions options;
    {
        std::lock_guard<std::mutex> lock(m_registryMutex);
        if (pickPortId(port) != port) {
            emitWarning(Error::failed(ErrorCode::Conflict, QStringLiteral("connect vhost-user frontend"), path,
                                      QStringLiteral("port %1 is still held").arg(port)).message);
            return false;  // the transport's destructor releases the connection's owner
        }
        PortInfo info;
        info.id = port;
        m_registry[port] = info;
        if (const PortOptions *preset = m_presets.find(port))
            options = *preset;
    }
    attachPort(port, std::move(*t), options);
    return true;
}

struct SwitchEngine::VhostClient {
    QString path;
    PortId port = kNoPort;
    std::shared_ptr<bool> connected = std::make_shared<bool>(false);
    QString lastError;  // the last connection error reported (each new one once)
};

Status SwitchEngine::connectVhostUser(const QString &path, PortId port)
{
    if (port == kNoPort || port > m_config.maxPorts)
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("connect vhost-user port"), path,
                             QStringLiteral("port %1 is outside 1..%2").arg(port).arg(m_config.maxPorts));
    if (path.isEmpty() || path.toLocal8Bit().size() > 107)
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("connect vhost-user port"), path,
                             QStringLiteral("a unix socket path is 1..107 bytes"));
    auto c = std::make_shared<std::unique_ptr<VhostClient>>(std::make_unique<VhostClient>());
    (*c)->path = path;
    (*c)->port = port;
    post([this, c] {
        m_vhostClients.push_back(std::move(*c));
        dialVhostUser(*m_vhostClients.back());
    });
    return ok();
}

void SwitchEngine::dialVhostUser(VhostClient &c)
{
    if (*c.connected)
        return;
    Result<int> fd = sw::connectVhostUser(c.path);
    if (!fd) {
        if (fd.error().message != c.lastError) {
            c.lastError = fd.error().message;
            emitWarning(c.lastError + QStringLiteral(" (retrying)"));
        }
        return;
    }
    c.lastError.clear();
    *c.connected = true;
    std::weak_ptr<bool> weak = c.connected;
    attachVhostUser(*fd, c.path, c.port, [weak] {
        if (auto alive = weak.lock())
            *alive = false;
    });
}

Result<PortId> SwitchEngine::addPort(std::unique_ptr<Transport> transport, const PortOptions &options)
{
    PortId id;
    {
        std::lock_guard<std::mutex> lock(m_registryMutex);
        id = pickPortId(0);
        if (id == kNoPort)
            return Error::failed(ErrorCode::LimitExceeded, QStringLiteral("add port"), transport->description(),
                                 QStringLiteral("the switch already has %1 ports").arg(m_config.maxPorts));
        PortInfo info;
        info.id = id;
        info.kind = transport->kind();
        info.description = transport->description();
        info.name = options.name;
        m_registry[id] = info;
    }
    auto holder = std::make_shared<std::unique_ptr<Transport>>(std::move(transport));
    post([this, id, holder, options] { attachPort(id, std::move(*holder), options); });
    return id;
}

void SwitchEngine::removePort(PortId port)
{
    post([this, port] { detachPort(port, QStringLiteral("removed")); });
}

Status SwitchEngine::setCapture(PortId port, const QString &path)
{
    if (port == kNoPort || port > m_config.maxPorts)
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("capture"), QStringLiteral("port %1").arg(port),
                             QStringLiteral("port numbers are 1..%1").arg(m_config.maxPorts));
    std::shared_ptr<std::unique_ptr<PcapWriter>> writer = std::make_shared<std::unique_ptr<PcapWriter>>();
    if (!path.isEmpty()) {
        auto w = PcapWriter::create(path);
        if (!w)
            return w.error();
        *writer = std::move(w.value());
    }
    post([this, port, writer, path] {
        if (m_portsById[port]) {
            m_portsById[port]->capture = std::move(*writer);
            m_waitingCaptures.erase(port);
            std::lock_guard<std::mutex> lock(m_registryMutex);
            if (auto it = m_registry.find(port); it != m_registry.end())
                it->second.capturePath = path;
        } else if (*writer) {
            m_waitingCaptures[port] = std::move(*writer);
        } else {
            m_waitingCaptures.erase(port);
        }
    });
    return ok();
}

void SwitchEngine::setHub(bool hub)
{
    post([this, hub] { m_forwarder.setHub(hub); });
}

std::vector<PortSnapshot> SwitchEngine::counters() const
{
    std::vector<std::pair<PortInfo, std::shared_ptr<const PortCounters>>> copy;
    {
        std::lock_guard<std::mutex> lock(m_registryMutex);
        for (const auto &[id, info] : m_registry)
            if (info.counters)
                copy.emplace_back(info, info.counters);
    }
    std::vector<PortSnapshot> out;
    for (const auto &[info, c] : copy)
        out.push_back({info.id, info.name.isEmpty() ? info.description : info.name, c->read()});
    return out;
}

std::vector<PortInfo> SwitchEngine::ports() const
{
    std::lock_guard<std::mutex> lock(m_registryMutex);
    std::vector<PortInfo> out;
    for (const auto &[id, info] : m_registry)
        out.push_back(info);
    return out;
}

EngineStats SwitchEngine::stats() const
{
    EngineStats s;
    s.macEntries = m_macEntries.load(std::memory_order_relaxed);
    s.macEvicted = m_macEvicted.load(std::memory_order_relaxed);
    s.macFlapRefused = m_macFlapRefused.load(std::memory_order_relaxed);
    s.macMoved = m_macMoved.load(std::memory_order_relaxed);
    s.eventsDropped = m_eventsDropped.load(std::memory_order_relaxed);
    return s;
}

void SwitchEngine::emitWarning(const QString &message)
{
    QMetaObject::invokeMethod(this, [this, message] { emit warning(message); }, Qt::QueuedConnection);
}

void SwitchEngine::attachPort(PortId id, std::unique_ptr<Transport> t, const PortOptions &options)
{
    auto p = std::make_unique<Port>();
    p->id = id;
    p->counters = std::make_shared<PortCounters>();
    p->dataFd = t->dataFd();
    p->ctlFd = t->controlFd() == p->dataFd ? -1 : t->controlFd();
    p->transport = std::move(t);
    p->vnet = p->transport->vnetHeader();
    p->perFrameReads = p->transport->perFrameReads();
    p->inPlace = p->transport->receivesInPlace();
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = tagOf(TagData, id);
    if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, p->dataFd, &ev) != 0) {
        const QString reason = QStringLiteral("cannot poll its descriptor: %1").arg(errnoText(errno));
        std::lock_guard<std::mutex> lock(m_registryMutex);
        m_registry.erase(id);
        emitWarning(Error::failed(ErrorCode::System, QStringLiteral("add port"), p->transport->description(), reason).message);
        return;
    }
    if (p->ctlFd >= 0) {
        ev.events = EPOLLIN | EPOLLRDHUP;
        ev.data.u64 = tagOf(TagCtl, id);
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, p->ctlFd, &ev);
    }
    m_forwarder.setPort(id, options.vlan);
    if (auto w = m_waitingCaptures.find(id); w != m_waitingCaptures.end()) {
        p->capture = std::move(w->second);
        m_waitingCaptures.erase(w);
    }
    if (m_hooks[id] && m_hooks[id]->active())
        p->hooks = m_hooks[id].get();
    const QString kind = p->transport->kind(), descr = p->transport->description();
    {
        std::lock_guard<std::mutex> lock(m_registryMutex);
        PortInfo &info = m_registry[id];
        info.id = id;
        info.kind = kind;
        info.description = descr;
        if (!options.name.isEmpty())
            info.name = options.name;
        info.counters = p->counters;
        info.capturePath = p->capture ? p->capture->path() : QString();
    }
    m_portsById[id] = std::move(p);
    updateOffloads();
    QMetaObject::invokeMethod(this, [this, id, kind, descr] { emit portAdded(id, kind, descr); }, Qt::QueuedConnection);
}

void SwitchEngine::detachPort(PortId id, const QString &reason)
{
    if (id >= m_portsById.size() || !m_portsById[id])
        return;
    std::unique_ptr<Port> p = std::move(m_portsById[id]);
    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, p->dataFd, nullptr);
    if (p->ctlFd >= 0)
        ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, p->ctlFd, nullptr);
    m_forwarder.removePort(id);
    m_touched.erase(std::remove(m_touched.begin(), m_touched.end(), p.get()), m_touched.end());
    if (m_hooks[id])
        dropHeld(id, *m_hooks[id]);  // frames in flight to or from a holder that is gone
    if (p->capture) {
        // The capture stays with the number: the next holder's frames go on into the file.
        p->capture->flush();
        m_waitingCaptures[id] = std::move(p->capture);
    }
    {
        std::lock_guard<std::mutex> lock(m_registryMutex);
        m_registry.erase(id);
    }
    updateOffloads();
    QMetaObject::invokeMethod(this, [this, id, reason] { emit portRemoved(id, reason); }, Qt::QueuedConnection);
}

void SwitchEngine::updateOffloads()
{
    // Taps take offload frames only while every port speaks virtio_net_hdr (taps, vhost-user):
    // between those, super-frames pass untouched. With any other port present the kernel
    // segments for the taps (cheaper than the switch doing it for every frame); frames that
    // still need offloads (from a vhost-user guest, or queued in a tap when offloads went off)
    // are completed in software for the ports that cannot take them (handleFrame).
    bool all = true;
    for (const auto &p : m_portsById)
        if (p && !p->vnet)
            all = false;
    for (auto &p : m_portsById) {
        if (p && p->vnet && p->offloads != all) {
            p->transport->setOffloads(all);
            p->offloads = all;
        }
    }
}

NETLOOM_HOT
void SwitchEngine::readClock()
{
    m_clockNs = monotonicNs();
    m_passesSinceClock = 0;
}

NETLOOM_HOT
void SwitchEngine::loop()
{
    readClock();
    runCommands();
    epoll_event evs[64];
    while (!m_stop.load(std::memory_order_relaxed)) {
        // No timeout: the timerfd ticks and stop() writes the wake-up eventfd (a timeout would
        // arm a kernel timer on every sleep, measurable on the latency path).
        // While ports are polled (rings with traffic), epoll is only looked at, without
        // sleeping, every kPollPassesPerEpoll passes: a pass over polled rings costs no system
        // call, and the other ports wait at most that many passes.
        // The frame clock (m_clockNs) is read just before the thread sleeps, after a look at
        // epoll found nothing, and every kClockPasses passes while it does not: never between
        // a frame's wake-up and its send (see the design note in switchengine.h).
        int n = 0;
        if (m_polled.empty()) {
            n = ::epoll_wait(m_epoll, evs, 64, 0);
            if (n == 0) {
                readClock();
                n = ::epoll_wait(m_epoll, evs, 64, -1);
            }
        } else if (++m_pollPasses >= kPollPassesPerEpoll) {
            m_pollPasses = 0;
            n = ::epoll_wait(m_epoll, evs, 64, 0);
        }
        if (++m_passesSinceClock >= kClockPasses)
            readClock();
        for (int i = 0; i < n; ++i)
            handleEvent(evs[i].data.u64, evs[i].events);
        if (!m_polled.empty())
            pollPorts();
        deliverEvents();
    }
    for (auto &p : m_portsById)
        if (p && p->capture)
            p->capture->flush();
}

NETLOOM_HOT
void SwitchEngine::handleEvent(std::uint64_t tag, std::uint32_t events)
{
    const auto type = Tag(tag >> 32);
    const auto id = std::uint32_t(tag);
    switch (type) {
    case TagWake: {
        std::uint64_t v;
        (void)!::read(m_wake, &v, sizeof v);
        runCommands();
        break;
    }
    case TagTimer: {
        std::uint64_t v;
        (void)!::read(m_timer, &v, sizeof v);
        tick();
        break;
    }
    case TagVde: {
        Listener &l = *m_listeners[id];
        std::vector<VdeServer::Accepted> accepted;
        QStringList errors;
        // Numbers handed out in this batch are not in the registry yet: two clients must not
        // get the same one (a refused handshake's number is simply never used).
        std::vector<PortId> promised;
        l.vde->process(monotonicNs(), [this, &promised](std::uint32_t requested) {
            std::lock_guard<std::mutex> lock(m_registryMutex);
            const PortId id = pickPortId(requested, promised);
            if (id != kNoPort)
                promised.push_back(id);
            return id;
        }, &accepted, &errors);
        for (auto &a : accepted) {
            PortOptions options;
            {
                std::lock_guard<std::mutex> lock(m_registryMutex);
                PortInfo info;
                info.id = a.port;
                m_registry[a.port] = info;
                if (const PortOptions *preset = m_presets.find(a.port))
                    options = *preset;
            }
            attachPort(a.port, std::move(a.transport), options);
        }
        for (const QString &e : errors)
            emitWarning(e);
        break;
    }
    case TagStream: {
        Listener &l = *m_listeners[id];
        while (Transport *t = l.stream->accept()) {
            std::unique_ptr<Transport> owned(t);
            PortId pid;
            {
                std::lock_guard<std::mutex> lock(m_registryMutex);
                pid = pickPortId(0);
                if (pid != kNoPort)
                    m_registry[pid] = PortInfo{pid, {}, {}, {}, {}, {}};
            }
            if (pid == kNoPort) {
                emitWarning(Error::failed(ErrorCode::LimitExceeded, QStringLiteral("accept stream client"), l.stream->path(), QStringLiteral("no free port")).message);
                continue;
            }
            attachPort(pid, std::move(owned), PortOptions{});
        }
        break;
    }
    case TagVhost:
        acceptVhostUser(*m_listeners[id]);
        break;
    case TagEmu: {
        std::uint64_t v;
        (void)!::read(m_emuTimer, &v, sizeof v);
        runEmulation();
        break;
    }
    case TagData: {
        if (id >= m_portsById.size() || !m_portsById[id])
            break;
        Port &p = *m_portsById[id];
        if (events & EPOLLOUT)
            drainQueue(p);
        if (m_portsById[id] && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
            servePort(id);
        break;
    }
    case TagCtl: {
        if (id >= m_portsById.size() || !m_portsById[id])
            break;
        if (!m_portsById[id]->transport->controlReadable()) {
            const QString why = m_portsById[id]->transport->lastError();
            detachPort(id, why.isEmpty() ? QStringLiteral("peer disconnected") : why);
        }
        break;
    }
    }
}

NETLOOM_HOT
void SwitchEngine::readPort(Port &p)
{
    // A transport without batch reads (a tap) pays one extra read to find its queue empty.
    // While frames arrive sparsely (pings, DHCP, interactive traffic) that read is skipped:
    // one frame is read and forwarded at once, and level-triggered epoll reports the port
    // again if more wait. A frame arriving within kBurstGapNs of the previous read switches
    // the port to batches (one wake-up, many frames, batched egress) until a batch finds at
    // most one frame.
    // A transport that reads in place (vhost-user) gets only the first kPeekBytes of a large
    // frame copied (the forwarding decision and snooping read that private copy); the rest is
    // sent from where the sender put it, and its buffers go back to it after the batch is sent.
    const PortId id = p.id;
    const bool inPlace = p.inPlace;
    const bool single = p.perFrameReads && !p.burst;
    const int max = single ? 1 : m_config.batch;
    const int n = inPlace ? p.transport->receiveInPlace(m_rxPtrs.data(), kRxBufferBytes, kPeekBytes, m_inPlace.data(), max)
                          : p.transport->receive(m_rxPtrs.data(), kRxBufferBytes, m_rxLens.data(), max);
    if (n < 0) {
        detachPort(id, goneReason(*p.transport));
        return;
    }
    if (n > 0) {
        const std::int64_t now = m_clockNs;
        std::int64_t hookNow = -1;  // emulation delays need the time itself: read once per batch
        if (p.perFrameReads) {
            p.burst = single ? now - p.lastReadNs < kBurstGapNs : n > 1;
            p.lastReadNs = now;
        }
        m_sendNow = n == 1;  // a lone frame goes straight to its port (see enqueue)
        for (int i = 0; i < n; ++i) {
            const InPlaceFrame *f = inPlace ? &m_inPlace[std::size_t(i)] : nullptr;
            if (p.hooks) [[unlikely]] {
                if (hookNow < 0)
                    hookNow = monotonicNs();
                receiveHooked(p, m_rxPtrs[std::size_t(i)], f ? f->len : m_rxLens[std::size_t(i)], hookNow, m_tags[std::size_t(i)].data(),
                              p.vnet ? p.transport->rxVnetHeader(i) : nullptr, f && f->tailCount > 0 ? f : nullptr);
                continue;
            }
            handleFrame(p, m_rxPtrs[std::size_t(i)], f ? f->len : m_rxLens[std::size_t(i)], now, m_tags[std::size_t(i)].data(),
                        p.vnet ? p.transport->rxVnetHeader(i) : nullptr, f && f->tailCount > 0 ? f : nullptr);
        }
        m_sendNow = false;
        flushEgress();
    }
    if (inPlace && id < m_portsById.size() && m_portsById[id])
        m_portsById[id]->transport->releaseReceived();  // also chains dropped while reading
}

NETLOOM_HOT
void SwitchEngine::servePort(PortId id)
{
    readPort(*m_portsById[id]);
    Port *p = id < m_portsById.size() ? m_portsById[id].get() : nullptr;
    if (p && !p->polled && p->transport->wantsPoll()) {
        p->polled = true;
        m_polled.push_back(id);
    }
}

NETLOOM_HOT
void SwitchEngine::pollPorts()
{
    m_pollIds.swap(m_polled);
    m_polled.clear();
    for (PortId id : m_pollIds) {
        if (id >= m_portsById.size() || !m_portsById[id])
            continue;
        m_portsById[id]->polled = false;
        servePort(id);
    }
}

NETLOOM_HOT
void SwitchEngine::handleFrame(Port &in, std::uint8_t *frame, std::size_t len, std::int64_t now, std::uint8_t *tagSlot,
                               const std::uint8_t *vnet, const InPlaceFrame *inPlace)
{
    PortCounters &c = *in.counters;
    PortCounters::bump(c.rxFrames);
    PortCounters::bump(c.rxBytes, len);
    // A frame read in place holds only kPeekBytes here, the rest in inPlace->tail: copied in
    // (made contiguous) where a whole frame is needed — capture, snooping, software offloads.
    const auto wholeFrame = [&] {
        if (!inPlace)
            return;
        std::size_t at = kPeekBytes;
        for (int k = 0; k < inPlace->tailCount; ++k) {
            std::memcpy(frame + at, inPlace->tail[k].iov_base, inPlace->tail[k].iov_len);
            at += inPlace->tail[k].iov_len;
        }
        inPlace = nullptr;
    };
    if (in.capture) {
        wholeFrame();
        in.capture->write(frame, len, wallNs());
    }
    // A GSO super-frame is decided on its headers: its size is the kernel's business.
    const std::size_t decideLen = vnetIsGso(vnet) ? std::min(len, kEthHeaderLen + 1500) : len;
    const ForwardDecision d = m_forwarder.decide(frame, decideLen, in.id, now);
    if (d.cast == Cast::Broadcast)
        PortCounters::bump(c.rxBroadcast);
    else if (d.cast == Cast::Multicast)
        PortCounters::bump(c.rxMulticast);
    if (d.pad && d.drop == DropReason::None)
        PortCounters::bump(c.runtsPadded);
    if (m_config.snooping && (d.drop == DropReason::None || d.drop == DropReason::NoEgress || d.drop == DropReason::Filtered)
        && Snooper::interesting(frame, inPlace ? kPeekBytes : len)) {
        wholeFrame();
        // Address events carry the time the frame crossed, not the frame clock's.
        m_snooper.inspect(frame, len, in.id, d.vlan, monotonicNs(), QDateTime::currentMSecsSinceEpoch(), &m_events);
    }
    if (d.drop != DropReason::None) {
        if (d.drop == DropReason::Oversize)
            PortCounters::bump(c.oversize);
        if (d.drop != DropReason::NoEgress && d.drop != DropReason::Filtered)
            PortCounters::bump(c.rxDrops);
        return;
    }
    const unsigned need = vnetOffloadsNeeded(vnet);
    if (need == 0) {
        // Egress variants as iovecs over the received bytes, built once for all ports.
        bool haveTagged = false;
        OutFrame untagged, tagged;
        for (const Egress &e : *d.egress) {
            Port &out = *m_portsById[e.port];
            if (!e.tagged) {
                if (untagged.iovcnt == 0)
                    buildVariant(&untagged, frame, len, d, false, tagSlot, vnet, inPlace);
                enqueue(out, untagged, d.cast);
                continue;
            }
            if (!haveTagged) {
                buildVariant(&tagged, frame, len, d, true, tagSlot, nullptr, inPlace);
                haveTagged = true;
            }
            enqueue(out, tagged, d.cast);
        }
        return;
    }
    // An offload frame (partial checksum, TSO super-frame): as it is, header included, to a
    // port that takes what it needs with the tagging unchanged (the header's offsets are
    // relative to the frame as received); to every other port completed in software, once.
    wholeFrame();
    OutFrame asIs;
    asIs.add(frame, len);
    asIs.vnetHdr = vnet;
    OffloadCompleter::Frames soft;
    bool softTried = false;
    for (const Egress &e : *d.egress) {
        Port &out = *m_portsById[e.port];
        if ((out.transport->offloadsAccepted() & need) == need && e.tagged == d.ingressTagged) {
            enqueue(out, asIs, d.cast);
            continue;
        }
        if (!softTried) {
            soft = m_completer.complete(frame, len, vnet);
            softTried = true;
            if (soft.n == 0)
                PortCounters::bump(c.rxDrops);  // a header that does not fit its frame
        }
        if (soft.n == 0) {
            PortCounters::bump(out.counters->txDrops);
            continue;
        }
        for (int k = 0; k < soft.n; ++k) {
            OutFrame f;
            buildVariant(&f, soft.base + soft.segs[k].offset, soft.segs[k].len, d, e.tagged, tagSlot, nullptr);
            enqueue(out, f, d.cast);
        }
    }
}

NETLOOM_HOT
void SwitchEngine::buildVariant(OutFrame *f, const std::uint8_t *frame, std::size_t len, const ForwardDecision &d,
                                bool tagged, std::uint8_t *tagSlot, const std::uint8_t *vnet, const InPlaceFrame *inPlace)
{
    const std::size_t bodyOff = d.ingressTagged ? kEthHeaderLen + kVlanTagLen - 2 : kEthHeaderLen - 2;  // at EtherType
    const std::size_t untaggedLen = len - (d.ingressTagged ? kVlanTagLen : 0);
    const std::size_t padLen = untaggedLen < kMinFrameLen && !vnetIsGso(vnet) ? kMinFrameLen - untaggedLen : 0;
    // The frame is cut after the MAC addresses only where a tag goes in or comes out; a frame
    // that leaves as it came stays one piece (with a tap's header in front: one write).
    const bool retag = tagged || d.ingressTagged;
    std::size_t from = 0;
    if (retag) {
        f->add(frame, 12);
        from = bodyOff;
    }
    if (tagged) {
        const std::uint16_t pcp = d.ingressTagged ? std::uint16_t(frame[14] << 8 | frame[15]) & 0xe000 : 0;
        const std::uint16_t tci = std::uint16_t(pcp | d.vlan);
        tagSlot[0] = 0x81;
        tagSlot[1] = 0x00;
        tagSlot[2] = std::uint8_t(tci >> 8);
        tagSlot[3] = std::uint8_t(tci);
        f->add(tagSlot, 4);
    }
    if (inPlace) {
        f->add(frame + from, kPeekBytes - from);
        for (int k = 0; k < inPlace->tailCount; ++k)
            f->add(inPlace->tail[k].iov_base, inPlace->tail[k].iov_len);
    } else {
        f->add(frame + from, len - from);
    }
    if (padLen)
        f->add(kZeros, padLen);
    f->vnetHdr = tagged ? nullptr : vnet;
}

NETLOOM_HOT
void SwitchEngine::enqueue(Port &out, const OutFrame &f, Cast cast)
{
    if (m_sendNow && out.pending.empty()) {
        // Nothing to gather with: send now, without touching the per-port gather vectors
        // (fewer cold cache lines for the ping or DHCP packet that wakes an idle switch).
        sendOrQueue(out, &f, &cast, 1);
        return;
    }
    out.pending.push_back(f);
    out.pendingCast.push_back(cast);
    if (!out.touched) {
        out.touched = true;
        m_touched.push_back(&out);
    }
}

NETLOOM_HOT
void SwitchEngine::flushEgress()
{
    // Ports may die while sending; collect ids first (into a reused vector: no allocation).
    m_flushIds.clear();
    for (Port *p : m_touched)
        m_flushIds.push_back(p->id);
    m_touched.clear();
    for (PortId id : m_flushIds) {
        Port *p = id < m_portsById.size() ? m_portsById[id].get() : nullptr;
        if (!p)
            continue;
        p->touched = false;
        sendOrQueue(*p, p->pending.data(), p->pendingCast.data(), int(p->pending.size()));
        if (m_portsById[id]) {
            p->pending.clear();
            p->pendingCast.clear();
        }
    }
    m_completer.reset();  // every frame made in software was sent or copied into a queue
}

NETLOOM_HOT
void SwitchEngine::sendOrQueue(Port &p, const OutFrame *frames, const Cast *casts, int n)
{
    if (p.hooks) [[unlikely]] {
        sendHooked(p, frames, casts, n);
        return;
    }
    sendDirect(p, frames, casts, n);
}

NETLOOM_HOT
int SwitchEngine::sendDirect(Port &p, const OutFrame *frames, const Cast *casts, int n)
{
    PortCounters &c = *p.counters;
    int consumed = 0, sentNow = 0;
    if (p.queue.empty()) {
        const SendResult r = p.transport->send(frames, n);
        sentNow = r.sent;
        const std::int64_t wall = p.capture ? wallNs() : 0;
        for (int i = 0; i < r.sent; ++i) {
            PortCounters::bump(c.txFrames);
            PortCounters::bump(c.txBytes, frames[i].len);
            if (casts[i] == Cast::Broadcast)
                PortCounters::bump(c.txBroadcast);
            else if (casts[i] == Cast::Multicast)
                PortCounters::bump(c.txMulticast);
            if (p.capture)
                p.capture->write(frames[i], wall);
        }
        if (r.dropped)
            PortCounters::bump(c.txDrops, std::uint64_t(r.dropped));
        if (r.dead) {
            detachPort(p.id, goneReason(*p.transport));
            return -1;
        }
        consumed = r.sent + r.dropped;
        if (!r.blocked && consumed >= n)
            return sentNow;
    }
    // Peer full (or already queueing): keep order, copy unicast frames into the bounded queue.
    // Broadcast and multicast are dropped at once, as a hardware switch would: a flood must
    // not cost a copy per congested port.
    for (int i = consumed; i < n; ++i) {
        if (casts[i] != Cast::Unicast || vnetOffloadsNeeded(frames[i].vnetHdr) != 0) {
            PortCounters::bump(c.txDrops);  // floods and offload frames are never queued
            continue;
        }
        if (p.queue.size() >= m_config.txQueueFrames || p.queueBytes + frames[i].len > m_config.txQueueBytes) {
            PortCounters::bump(c.txDrops);
            continue;
        }
        Port::Queued q;
        q.bytes.resize(frames[i].len);
        std::size_t off = 0;
        for (int k = 0; k < frames[i].iovcnt; ++k) {
            std::memcpy(q.bytes.data() + off, frames[i].iov[k].iov_base, frames[i].iov[k].iov_len);
            off += frames[i].iov[k].iov_len;
        }
        q.cast = casts[i];
        p.queueBytes += q.bytes.size();
        p.queue.push_back(std::move(q));
    }
    // Wake up when the peer has room only if something waits; otherwise the next frame
    // simply tries again (no epoll churn for ports that only miss floods).
    setWantWritable(p, !p.queue.empty() || p.transport->hasPending());
    return sentNow;
}

void SwitchEngine::drainQueue(Port &p)
{
    bool blocked = false;
    if (!p.transport->flushPending(&blocked)) {
        detachPort(p.id, goneReason(*p.transport));
        return;
    }
    PortCounters &c = *p.counters;
    while (!blocked && !p.queue.empty()) {
        OutFrame frames[64];
        const int n = int(std::min<std::size_t>(64, p.queue.size()));
        for (int i = 0; i < n; ++i) {
            frames[i] = OutFrame{};
            frames[i].add(p.queue[std::size_t(i)].bytes.data(), p.queue[std::size_t(i)].bytes.size());
        }
        const SendResult r = p.transport->send(frames, n);
        if (p.hooks && p.hooks->mirrorTx && r.sent > 0)
            mirrorOut(*p.hooks, frames, r.sent);
        const std::int64_t wall = p.capture ? wallNs() : 0;
        for (int i = 0; i < r.sent + r.dropped; ++i) {
            const Port::Queued &q = p.queue.front();
            if (i < r.sent) {
                PortCounters::bump(c.txFrames);
                PortCounters::bump(c.txBytes, q.bytes.size());
                if (q.cast == Cast::Broadcast)
                    PortCounters::bump(c.txBroadcast);
                else if (q.cast == Cast::Multicast)
                    PortCounters::bump(c.txMulticast);
                if (p.capture)
                    p.capture->write(q.bytes.data(), q.bytes.size(), wall);
            } else {
                PortCounters::bump(c.txDrops);
            }
            p.queueBytes -= q.bytes.size();
            p.queue.pop_front();
        }
        if (r.dead) {
            detachPort(p.id, goneReason(*p.transport));
            return;
        }
        blocked = r.blocked;
        if (r.sent + r.dropped == 0 && !r.blocked)
            break;
    }
    setWantWritable(p, !p.queue.empty() || p.transport->hasPending());
}

void SwitchEngine::setWantWritable(Port &p, bool want)
{
    if (p.wantOut == want)
        return;
    p.wantOut = want;
    epoll_event ev{};
    ev.events = EPOLLIN | (want ? EPOLLOUT : 0);
    ev.data.u64 = tagOf(TagData, p.id);
    ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, p.dataFd, &ev);
}

void SwitchEngine::tick()
{
    const std::int64_t now = monotonicNs();
    if (now - m_lastAging >= 1'000'000'000) {
        m_forwarder.expire(now);
        m_lastAging = now;
    }
    for (auto &l : m_listeners)
        if (l->vde)
            l->vde->expire(now);
    for (auto &p : m_portsById)
        if (p && p->capture)
            p->capture->flush();
    for (auto &c : m_vhostClients)
        dialVhostUser(*c);
    for (std::size_t id = 0; id < m_portsById.size(); ++id)
        if (m_portsById[id] && !m_portsById[id]->transport->tick(now))
            detachPort(PortId(id), m_portsById[id]->transport->lastError());
    const MacTable &t = m_forwarder.macTable();
    m_macEntries.store(t.size(), std::memory_order_relaxed);
    m_macEvicted.store(t.stats().evicted, std::memory_order_relaxed);
    m_macFlapRefused.store(t.stats().flapRefused, std::memory_order_relaxed);
    m_macMoved.store(t.stats().moved, std::memory_order_relaxed);
}

NETLOOM_HOT
void SwitchEngine::deliverEvents()
{
    if (m_events.empty())
        return;
    const int room = kMaxEventsInFlight - m_eventsInFlight.load(std::memory_order_relaxed);
    if (room <= 0) {
        m_eventsDropped.fetch_add(m_events.size(), std::memory_order_relaxed);
        m_events.clear();
        return;
    }
    if (int(m_events.size()) > room) {
        m_eventsDropped.fetch_add(m_events.size() - std::size_t(room), std::memory_order_relaxed);
        m_events.resize(std::size_t(room));
    }
    m_eventsInFlight.fetch_add(int(m_events.size()), std::memory_order_relaxed);
    QMetaObject::invokeMethod(this, [this, evs = std::move(m_events)] {
        m_eventsInFlight.fetch_sub(int(evs.size()), std::memory_order_relaxed);
        for (const AddressEvent &e : evs)
            emit addressEvent(e);
    }, Qt::QueuedConnection);
    m_events.clear();
}

}  // namespace netloom::sw
