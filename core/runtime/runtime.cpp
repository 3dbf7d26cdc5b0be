// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtime.h"

#include "helperclient/helperclient.h"
#include "leases/leasefilewatcher.h"
#include "leases/leasetracker.h"
#include "preflight.h"
#include "qemu/qemuhost.h"
#include "qemu/qemusupervisor.h"
#include "qemu/seediso.h"
#include "runtimemodels.h"
#include "runtimeparts.h"
#include "switch/switchengine.h"
#include "switch/taptransport.h"
#include "switch/vdeplugtransport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>

#include <sys/stat.h>

namespace netloom::runtime {

using qemu::QemuSupervisor;

namespace {
constexpr int kStopGuardExtraMs = 30000;  // beyond the guests' own stop bound

// A guest with a "-netdev socket,...,connect=" NIC: QEMU refuses to start when nobody
// listens yet, so it waits for the guests that listen.
bool connectsToPeer(const QStringList &argv)
{
    for (qsizetype i = 1; i + 1 < argv.size(); ++i)
        if ((argv[i] == QLatin1String("-netdev") || argv[i] == QLatin1String("-nic")) &&
            argv[i + 1].startsWith(QLatin1String("socket,")) && argv[i + 1].contains(QLatin1String(",connect=")))
            return true;
    return false;
}
}

// Removes the sockets a switch left in its VDE directory, then the directory if empty.
void Runtime::removeSocketDir(const QString &dir)
{
    const QFileInfoList entries = QDir(dir).entryInfoList(QDir::System | QDir::Files | QDir::NoDotAndDotDot);
    for (const QFileInfo &fi : entries) {
        struct stat st {};
        if (::lstat(QFile::encodeName(fi.filePath()).constData(), &st) == 0 && S_ISSOCK(st.st_mode))
            QFile::remove(fi.filePath());
    }
    QDir().rmdir(dir);
}

Runtime::Runtime(const QString &topologyName, const plan::Plan &plan, const RuntimeOptions &options, QObject *parent)
    : QObject(parent), m_name(topologyName), m_network(helperNetworkId(topologyName)), m_plan(plan), m_options(options)
{
    m_logModel = new LogModel(this);
    m_leaseModel = new LeaseTableModel(this);
    m_portModel = new PortTableModel(this);
    connect(&m_sampleTimer, &QTimer::timeout, this, &Runtime::sample);
    m_stopGuard.setSingleShot(true);
    connect(&m_stopGuard, &QTimer::timeout, this, [this] {
        log(QStringLiteral("warning"), QString(), QStringLiteral("stop took too long; killing what is left"));
        for (auto &g : m_guests)
            if (g->sup)
                g->sup->kill();
        continueStop();
    });
    for (const plan::SwitchPlan &s : m_plan.runtime.switches)
        m_nodeStates.insert(s.node, NodeState::Down);
    for (const plan::GuestPlan &g : m_plan.runtime.guests)
        m_nodeStates.insert(g.node, NodeState::Down);
}

Runtime::~Runtime()
{
    for (auto &g : m_guests)
        if (g->sup)
            g->sup->kill();
    m_switches.clear();
}

void Runtime::setState(RunState s)
{
    if (m_state == s)
        return;
    m_state = s;
    emit stateChanged(s);
    if (s == RunState::Running)
        followLeases();  // leases that came while starting (followLeases waits for Running)
}

void Runtime::setNode(const QString &node, NodeState s, const QString &detail)
{
    if (m_nodeStates.value(node, NodeState::Down) == s && detail.isEmpty())
        return;
    m_nodeStates.insert(node, s);
    emit nodeStateChanged(node, s, detail);
}

void Runtime::log(const QString &level, const QString &node, const QString &message)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_logModel->append({now, level, node, message});
    emit logged(now, level, node, message);
}

QList<leases::LeaseTable> Runtime::leaseTables() const
{
    QList<leases::LeaseTable> out;
    for (const auto &s : m_switches)
        if (s->tracker)
            out.append(s->tracker->table());
    return out;
}

QStringList Runtime::tapsOfSwitch(const plan::SwitchPlan &sp) const
{
    QStringList taps;
    for (const plan::VdePort &p : sp.ports)
        if (p.kind == plan::VdePort::Kind::Tap)
            taps << p.tap;
    return taps;
}

protocol::HostState Runtime::desiredHost() const
{
    QStringList excluded;
    for (const plan::SwitchPlan &sp : m_plan.runtime.switches)
        if (m_downSwitches.contains(sp.node))
            excluded += tapsOfSwitch(sp);
    protocol::HostState host = excluded.isEmpty() ? m_plan.host : withoutInterfaces(m_plan.host, excluded);
    if (!m_plan.forwards.isEmpty()) {
        QStringList pending;
        plan::resolveForwards(&host, m_plan.forwards, boundLeases(), &pending);
    }
    return host;
}

Status Runtime::preflight()
{
    for (const plan::SwitchPlan &sp : m_plan.runtime.switches)
        if (Status s = preflightSwitchPorts(sp); !s)
            return s;
    for (const plan::GuestPlan &g : m_plan.runtime.guests)
        if (Status s = preflightGuest(g); !s)
            return s;
    const QString dir = m_plan.runtime.runtimeDir;
    if (!QDir().mkpath(dir) || ::chmod(QFile::encodeName(dir).constData(), 0700) != 0)
        return Error::failed(ErrorCode::System, QStringLiteral("create runtime directory"), dir,
                             QStringLiteral("not writable"));
    return ok();
}

void Runtime::start()
{
    if (m_state != RunState::Idle && m_state != RunState::Stopped && m_state != RunState::Failed)
        return;
    m_error.clear();
    m_failing = false;
    m_downSwitches.clear();
    setState(RunState::Starting);
    const qemu::KvmStatus kvm = qemu::probeKvm();
    const bool tcg = m_options.forceTcg || !kvm.usable;
    m_accel = tcg ? QStringLiteral("tcg") : QStringLiteral("kvm");
    m_accelReason = m_options.forceTcg ? QStringLiteral("TCG forced") : (kvm.usable ? QStringLiteral("/dev/kvm is usable") : kvm.reason);
    log(QStringLiteral("info"), QString(),
        QStringLiteral("starting topology '%1' (network '%2', guests use %3: %4)").arg(m_name, m_network, m_accel.toUpper(), m_accelReason));
    for (const UserKeyWarning &w : m_options.userKeyWarnings)
        log(QStringLiteral("warning"), w.node, w.message);
    if (Status s = preflight(); !s) {
        startFailed(s.error().message);
        return;
    }
    auto afterHost = [this](const Result<QJsonObject> &reply) {
        if (m_state != RunState::Starting)
            return;
        if (!reply) {
            startFailed(reply.error().message);
            return;
        }
        m_helperApplied = !m_plan.host.isEmpty();
        for (const plan::SwitchPlan &sp : m_plan.runtime.switches) {
            if (Status s = startSwitch(sp); !s) {
                setNode(sp.node, NodeState::Failed, s.error().message);
                startFailed(s.error().message);
                return;
            }
        }
        // Cables: side A connects to side B's VDE socket once every switch listens.
        for (const plan::CablePlan &c : m_plan.runtime.cables) {
            for (auto &s : m_switches) {
                if (s->plan.node != c.switchA)
                    continue;
                QString peerDir;
                for (const plan::SwitchPlan &b : m_plan.runtime.switches)
                    if (b.node == c.switchB)
                        peerDir = b.socketDir;
                Result<sw::Transport *> t = sw::VdePlugTransport::open(peerDir, QStringLiteral("netloom cable %1").arg(c.link));
                sw::PortOptions po;
                po.name = QStringLiteral("cable %1").arg(c.link);
                for (const plan::VdePort &p : s->plan.ports)
                    if (p.kind == plan::VdePort::Kind::Cable && p.link == c.link)
                        po.vlan = toPortVlan(p.vlan);
                Result<sw::PortId> id = t ? s->engine->addPort(std::unique_ptr<sw::Transport>(*t), po) : Result<sw::PortId>(t.error());
                if (!id) {
                    startFailed(id.error().context(QStringLiteral("failed to connect cable '%1'").arg(c.link)).message);
                    return;
                }
                s->owners.insert(*id, QStringLiteral("cable %1").arg(c.link));
            }
        }
        startLeaseWatchers(*reply);
        for (const plan::SwitchPlan &sp : m_plan.runtime.switches)
            setNode(sp.node, NodeState::Up);
        // Guests whose socket NICs connect to another guest start once the listeners run.
        for (const plan::GuestPlan &gp : m_plan.runtime.guests) {
            if (connectsToPeer(gp.argv))
                continue;
            if (Status s = launchGuest(gp); !s) {
                startFailed(s.error().message);
                return;
            }
        }
        m_sampleTimer.start(m_options.sampleMs);
        onGuestState(QString(), 0, QString());  // no guests: running at once
    };
    if (m_plan.host.isEmpty()) {
        afterHost(QJsonObject{});
        return;
    }
    applyHost(desiredHost(), afterHost);
}

void Runtime::applyHost(const protocol::HostState &state, std::function<void(const Result<QJsonObject> &)> done)
{
    const QString socket = m_options.helperSocket.isEmpty() ? HelperClient::defaultSocketPath() : m_options.helperSocket;
    auto fired = std::make_shared<bool>(false);
    auto once = [done, fired](const Result<QJsonObject> &r) {
        if (!*fired) {
            *fired = true;
            done(r);
        }
    };
    auto send = [this, state, once] {
        log(QStringLiteral("info"), QString(), QStringLiteral("asking the helper to apply network '%1'").arg(m_network));
        m_helper->apply(m_network, state, false, false, [this, once, state](const Result<QJsonObject> &r) {
            if (!r) {
                once(Error{r.error().code, QStringLiteral("failed to apply host network of '%1': %2").arg(m_name, r.error().message)});
                return;
            }
            m_appliedHost = state;
            if (!m_plan.forwards.isEmpty()) {
                QStringList pending;
                protocol::HostState resolved = m_plan.host;
                plan::resolveForwards(&resolved, m_plan.forwards, boundLeases(), &pending);
                notePending(pending);
            }
            once(r);
        });
    };
    if (m_helper && m_helper->isConnected()) {
        send();
        return;
    }
    if (!QFileInfo::exists(socket)) {
        once(Error::failed(ErrorCode::NotFound, QStringLiteral("reach helper"), socket,
                           QStringLiteral("no such socket (is netloom-helper running? --helper-socket names another one)")));
        return;
    }
    delete m_helper;
    m_helper = new HelperClient(this);
    connect(m_helper, &HelperClient::connected, this, send);
    connect(m_helper, &HelperClient::errorOccurred, this, [socket, once](const Error &e) {
        once(Error{e.code, QStringLiteral("failed to reach helper '%1': %2").arg(socket, e.message)});
    });
    connect(m_helper, &HelperClient::disconnected, this, [this] {
        if (m_state == RunState::Running)
            log(QStringLiteral("error"), QString(), QStringLiteral("the helper closed the connection; host network is gone"));
    });
    m_helper->connectToHelper(socket);
}

Status Runtime::startSwitch(const plan::SwitchPlan &sp)
{
    setNode(sp.node, NodeState::Starting);
    sw::SwitchConfig cfg;
    cfg.forwarder.macTable.capacity = std::uint32_t(sp.macTableSize);
    cfg.forwarder.hub = sp.hub;
    auto rt = std::make_unique<SwitchRt>();
    rt->plan = sp;
    rt->engine = std::make_unique<sw::SwitchEngine>(cfg);
    sw::SwitchEngine *engine = rt->engine.get();
    const QString verb = QStringLiteral("start switch");
    if (Status s = engine->start(); !s)
        return s.error().context(QStringLiteral("failed to start switch '%1'").arg(sp.name));
    if (sp.hub)
        engine->setHub(true);
    sw::VdeServerOptions vo;
    vo.dir = sp.socketDir;
    vo.maxPort = std::uint32_t(std::max(sp.numPorts, 32));
    if (Status s = engine->listenVde(vo); !s)
        return Error{s.error().code, QStringLiteral("failed to start switch '%1': %2").arg(sp.name, s.error().message)};
    for (const plan::VdePort &p : sp.ports) {
        if (p.kind == plan::VdePort::Kind::Guest) {
            QString guestName = p.guest;
            for (const plan::GuestPlan &g : m_plan.runtime.guests)
                if (g.node == p.guest)
                    guestName = g.name;
            rt->owners.insert(quint32(p.number), guestName + u'/' + p.nic);
            // The guest's QEMU connects asking for this number: its VLAN is set before.
            sw::PortOptions po;
            po.name = guestName + u'/' + p.nic;
            po.vlan = toPortVlan(p.vlan);
            if (Status s = engine->presetPort(sw::PortId(p.number), po); !s)
                return Error{s.error().code, QStringLiteral("failed to start switch '%1': %2").arg(sp.name, s.error().message)};
            // A vhost-user NIC: its QEMU connects to this socket (reconnect=1) instead of VDE.
            if (!p.vhostSocket.isEmpty())
                if (Status s = engine->listenVhostUser(p.vhostSocket, sw::PortId(p.number)); !s)
                    return Error{s.error().code, QStringLiteral("failed to start switch '%1': %2").arg(sp.name, s.error().message)};
            continue;
        }
        Result<sw::Transport *> t = Error{};
        QString owner;
        if (p.kind == plan::VdePort::Kind::Tap) {
            t = sw::TapTransport::open(p.tap);
            owner = QStringLiteral("tap %1").arg(p.tap);
        } else if (p.kind == plan::VdePort::Kind::Remote) {
            t = sw::VdePlugTransport::open(p.url, QStringLiteral("netloom %1").arg(sp.name));
            owner = QStringLiteral("remote %1").arg(p.url);
        } else {
            continue;  // cables: after every switch listens
        }
        if (!t)
            return Error{t.error().code, QStringLiteral("failed to start switch '%1': %2").arg(sp.name, t.error().message)};
        sw::PortOptions po;
        po.name = owner;
        po.vlan = toPortVlan(p.vlan);
        Result<sw::PortId> id = engine->addPort(std::unique_ptr<sw::Transport>(*t), po);
        if (!id)
            return Error{id.error().code, QStringLiteral("failed to %1 '%2': %3").arg(verb, sp.name, id.error().message)};
        rt->owners.insert(*id, owner);
    }
    if (Status s = applySwitchEmulation(*rt, sp, true); !s)
        return s;
    // Lease tracker fed by the snooper.
    leases::LeaseTableConfig lc;
    lc.network = sp.name;
    for (const plan::VdePort &p : sp.ports) {
        if (p.kind != plan::VdePort::Kind::Guest)
            continue;
        Result<protocol::Mac> mac = protocol::Mac::parse(p.mac);
        if (mac)
            lc.owners[*mac] = leases::MacOwner{rt->owners.value(quint32(p.number)).section(u'/', 0, 0), p.nic};
    }
    const QStringList taps = tapsOfSwitch(sp);
    for (const protocol::DnsmasqSpec &d : m_plan.host.dnsmasq)
        if (taps.contains(d.ifname))
            if (Result<protocol::Ipv4> ip = protocol::Ipv4::parse(d.address))
                lc.expectedServers.append(*ip);
    // The host ports' own IPv4 addresses on this switch: listed as the gateway, not a lease.
    for (const plan::VdePort &p : sp.ports) {
        if (p.kind != plan::VdePort::Kind::Tap || p.hostPort.isEmpty())
            continue;
        for (const protocol::AddressSpec &a : m_plan.host.addresses) {
            if (a.ifname != p.tap || lc.gateways.size() >= leases::LeaseTableConfig::kMaxGateways)
                continue;
            if (Result<protocol::Ipv4> ip = protocol::Ipv4::parse(a.cidr.section(u'/', 0, 0)))
                lc.gateways.append(leases::GatewayAddress{*ip, p.hostPort});
        }
    }
    rt->tracker = new leases::LeaseTracker(lc, this);
    SwitchRt *raw = rt.get();
    const QString net = sp.name;
    connect(engine, &sw::SwitchEngine::addressEvent, this, [raw](const sw::AddressEvent &e) {
        const QString port = raw->owners.value(e.port, e.port ? QString::number(e.port) : QString());
        if (std::optional<leases::LeaseEvent> le = toLeaseEvent(e, port))
            raw->tracker->apply(*le);
    });
    connect(raw->tracker, &leases::LeaseTracker::tableChanged, this, [this, net](const leases::LeaseTable &t) {
        m_leaseModel->setTable(net, t);
        emit leasesChanged(net, t);
        followLeases();
    });
    connect(raw->tracker, &leases::LeaseTracker::noted, this, [this, net, raw](const leases::LeaseNote &n) {
        const QString guest = raw->tracker->table().find(n.mac) ? raw->tracker->table().find(n.mac)->guest : QString();
        const bool bad = n.kind == leases::NoteKind::IpConflict || n.kind == leases::NoteKind::RogueServer;
        log(bad ? QStringLiteral("warning") : QStringLiteral("info"), guest.isEmpty() ? net : guest,
            QStringLiteral("%1: %2").arg(QString::fromLatin1(leases::noteKindName(n.kind)), n.message));
        emit leaseNoted(net, n);
    });
    connect(engine, &sw::SwitchEngine::warning, this, [this, net](const QString &m) { log(QStringLiteral("warning"), net, m); });
    connect(engine, &sw::SwitchEngine::portAdded, this, [this, net, raw](quint32 port, const QString &, const QString &descr) {
        log(QStringLiteral("info"), net, QStringLiteral("port %1 up: %2").arg(port).arg(raw->owners.value(port, descr)));
    });
    connect(engine, &sw::SwitchEngine::portRemoved, this, [this, net, raw](quint32 port, const QString &why) {
        log(QStringLiteral("info"), net, QStringLiteral("port %1 down (%2): %3").arg(port).arg(raw->owners.value(port), why));
    });
    m_leaseModel->setTable(net, raw->tracker->table());
    log(QStringLiteral("info"), sp.name, QStringLiteral("switch listening on %1").arg(sp.socketDir));
    m_switches.push_back(std::move(rt));
    return ok();
}

void Runtime::startLeaseWatchers(const QJsonObject &applyReply)
{
    const QJsonArray dns = applyReply.value(QStringLiteral("dnsmasq")).toArray();
    for (const QJsonValue &v : dns) {
        const QString ifname = v.toObject().value(QStringLiteral("ifname")).toString();
        const QString file = v.toObject().value(QStringLiteral("leaseFile")).toString();
        if (file.isEmpty())
            continue;
        for (auto &s : m_switches) {
            if (!tapsOfSwitch(s->plan).contains(ifname) || s->watcher)
                continue;
            s->watcher = new leases::LeaseFileWatcher(file, this);
            connect(s->watcher, &leases::LeaseFileWatcher::snapshot, s->tracker, &leases::LeaseTracker::apply);
            const QString net = s->plan.name;
            connect(s->watcher, &leases::LeaseFileWatcher::readFailed, this,
                    [this, net](const QString &m) { log(QStringLiteral("warning"), net, m); });
            s->watcher->start();
            log(QStringLiteral("info"), net, QStringLiteral("watching dnsmasq leases in %1").arg(file));
        }
    }
}

Status Runtime::launchGuest(const plan::GuestPlan &gp)
{
    qemu::GuestLaunch launch;
    launch.name = gp.name;
    launch.argv = supervisorArgv(gp.argv, m_accel == QLatin1String("tcg"));
    launch.qmpSocket = gp.qmpSocket;
    launch.serialSocket = gp.serialSocket;  // the argv's chardev; logged to gp.serialLog
    qemu::SupervisorTimeouts to;
    to.qmpConnectMs = m_options.guestStartMs;
    to.powerdownMs = m_options.guestPowerdownMs;
    GuestRt *g = findGuest(gp.node);
    if (!g) {
        m_guests.push_back(std::make_unique<GuestRt>());
        g = m_guests.back().get();
        g->plan = gp;
        // The serial log appends across restarts within this run (the console replays it),
        // never onto the log of an earlier run that died without cleaning up.
        QFile::remove(gp.serialLog);
    }
    if (g->sup)
        g->sup->deleteLater();
    g->sup = new QemuSupervisor(launch, to, this);
    const QString node = gp.node;
    connect(g->sup, &QemuSupervisor::stateChanged, this,
            [this, node](QemuSupervisor::State s, const QString &reason) { onGuestState(node, int(s), reason); });
    connect(g->sup, &QemuSupervisor::qmpEvent, this, [this, gp](const QString &name, const QJsonObject &data) {
        // Paused and resumed CPUs show on the node; a guest that shuts itself down is logged
        // here and ends as Stopped (not Failed) when QEMU exits.
        const NodeState s = nodeState(gp.node);
        if (name == QLatin1String("STOP") && s == NodeState::Up)
            setNode(gp.node, NodeState::Paused, QStringLiteral("paused"));
        else if (name == QLatin1String("RESUME") && s == NodeState::Paused)
            setNode(gp.node, NodeState::Up, m_accel);
        if (name == QLatin1String("SHUTDOWN") && data.value(QStringLiteral("guest")).toBool())
            log(QStringLiteral("info"), gp.name, QStringLiteral("the guest shut itself down"));
        else if (name == QLatin1String("STOP") || name == QLatin1String("RESUME"))
            log(QStringLiteral("info"), gp.name, name == QLatin1String("STOP") ? QStringLiteral("paused") : QStringLiteral("resumed"));
        else
            log(QStringLiteral("info"), gp.name, QStringLiteral("QMP event %1").arg(name));
    });
    setNode(node, NodeState::Starting);
    if (gp.seed) {
        if (Status s = qemu::writeSeedIso(gp.name, *gp.seed, gp.seedIso); !s) {
            setNode(node, NodeState::Failed, s.error().message);
            return s;
        }
        log(QStringLiteral("info"), gp.name, QStringLiteral("cloud-init seed written to %1").arg(gp.seedIso));
    }
    if (!gp.uefiVars.isEmpty()) {
        const Result<QString> made = prepareUefiVars(gp);
        if (!made) {
            setNode(node, NodeState::Failed, made.error().message);
            return made.error();
        }
        if (!made->isEmpty())
            log(QStringLiteral("info"), gp.name, QStringLiteral("UEFI variable store %1 created from %2").arg(gp.uefiVars, *made));
    }
    log(QStringLiteral("info"), gp.name, QStringLiteral("starting guest (%1, serial log %2)").arg(m_accel, gp.serialLog));
    if (Status s = g->sup->start(); !s) {
        setNode(node, NodeState::Failed, s.error().message);
        return s;
    }
    return ok();
}

void Runtime::onGuestState(const QString &node, int state, const QString &reason)
{
    GuestRt *g = findGuest(node);
    if (g) {
        const auto s = QemuSupervisor::State(state);
        const QString name = g->plan.name;
        switch (s) {
        case QemuSupervisor::State::Starting: setNode(node, NodeState::Starting); break;
        case QemuSupervisor::State::Running:
            setNode(node, NodeState::Up, g->sup->accelerator());
            log(QStringLiteral("info"), name, QStringLiteral("running (pid %1, %2)").arg(g->sup->pid()).arg(g->sup->accelerator()));
            applyNicLinks(*g, {});  // NICs whose link is down lose their carrier now
            break;
        case QemuSupervisor::State::Stopping: setNode(node, NodeState::Stopping); break;
        case QemuSupervisor::State::Stopped:
            setNode(node, NodeState::Down, reason);
            log(QStringLiteral("info"), name, QStringLiteral("stopped: %1").arg(reason));
            afterGuestDown(node);
            return;
        case QemuSupervisor::State::Failed:
            setNode(node, NodeState::Failed, reason);
            log(QStringLiteral("error"), name, reason);
            if (m_state == RunState::Starting) {
                startFailed(reason);
                return;
            }
            afterGuestDown(node);
            return;
        case QemuSupervisor::State::Idle: break;
        }
    }
    if (m_state == RunState::Starting) {
        for (const auto &x : m_guests)
            if (!x->sup || x->sup->state() != QemuSupervisor::State::Running)
                return;
        if (m_guests.size() != std::size_t(m_plan.runtime.guests.size())) {
            // Second wave: every listener runs, so the connecting guests can start.
            for (const plan::GuestPlan &gp : m_plan.runtime.guests) {
                if (!connectsToPeer(gp.argv))
                    continue;
                if (Status st = launchGuest(gp); !st) {
                    startFailed(st.error().message);
                    return;
                }
            }
            return;
        }
        setState(RunState::Running);
        log(QStringLiteral("info"), QString(), QStringLiteral("topology '%1' is running").arg(m_name));
        emit started();
    } else if (m_state == RunState::Stopping) {
        continueStop();
    }
}

void Runtime::startFailed(const QString &message)
{
    if (m_failing)
        return;
    m_failing = true;
    m_error = message;
    log(QStringLiteral("error"), QString(), message);
    stop();
}

void Runtime::stop()
{
    if (m_state == RunState::Idle || m_state == RunState::Stopped || m_state == RunState::Failed) {
        if (m_state == RunState::Idle)
            setState(RunState::Stopped);
        emit stopped();
        return;
    }
    if (m_state == RunState::Stopping)
        return;
    setState(RunState::Stopping);
    log(QStringLiteral("info"), QString(), QStringLiteral("stopping topology '%1'").arg(m_name));
    m_sampleTimer.stop();
    m_stopGuard.start(m_options.guestPowerdownMs + kStopGuardExtraMs);
    // Guests first, in reverse start order.
    for (auto it = m_guests.rbegin(); it != m_guests.rend(); ++it)
        if ((*it)->sup)
            (*it)->sup->stop();
    continueStop();
}

void Runtime::continueStop()
{
    if (m_state != RunState::Stopping)
        return;
    const bool guard = !m_stopGuard.isActive();
    for (const auto &g : m_guests) {
        if (!g->sup || guard)
            continue;
        const auto s = g->sup->state();
        if (s == QemuSupervisor::State::Starting || s == QemuSupervisor::State::Running || s == QemuSupervisor::State::Stopping)
            return;  // onGuestState calls again
    }
    m_stopGuard.stop();
    // Lease watchers, then switches (reverse order).
    for (auto it = m_switches.rbegin(); it != m_switches.rend(); ++it) {
        SwitchRt &s = **it;
        if (s.watcher) {
            s.watcher->stop();
            s.watcher->deleteLater();
            s.watcher = nullptr;
        }
        if (s.engine)
            s.engine->stop();
        setNode(s.plan.node, NodeState::Down);
    }
    for (auto &s : m_switches) {
        // Keep the last table visible; the tracker goes with the runtime.
        s->engine.reset();
        if (s->tracker)
            s->tracker->disconnect(this);
    }
    m_switches.clear();
    for (const plan::SwitchPlan &sp : m_plan.runtime.switches)
        removeSocketDir(sp.socketDir);
    if (m_helperApplied && m_helper && m_helper->isConnected()) {
        log(QStringLiteral("info"), QString(), QStringLiteral("asking the helper to tear down network '%1'").arg(m_network));
        m_helper->teardown(m_network, [this](const Result<QJsonObject> &r) {
            if (!r)
                log(QStringLiteral("error"), QString(), r.error().message);
            m_helperApplied = false;
            m_appliedHost = {};
            finishStop();
        });
        return;
    }
    finishStop();
}

void Runtime::finishStop()
{
    if (m_helper) {
        m_helper->disconnect(this);
        m_helper->disconnectFromHelper();
        m_helper->deleteLater();
        m_helper = nullptr;
    }
    QList<plan::GuestPlan> ran = m_plan.runtime.guests;  // plus guests an edit was removing
    for (auto &g : m_guests) {
        ran.append(g->plan);
        if (g->sup) {
            g->sup->disconnect(this);
            g->sup->deleteLater();
            g->sup = nullptr;
        }
    }
    m_guests.clear();
    m_dropWhenDown.clear();
    m_restartWhenDown.clear();
    if (m_options.removeRuntimeDir) {
        // Only what the plan put there: the directory may be one the user named.
        for (const plan::GuestPlan &g : ran) {
            QFile::remove(g.qmpSocket);
            QFile::remove(g.serialLog);
            QFile::remove(g.serialSocket);  // the supervisor removes it once QMP answers; a guest stopped before has it
            if (!g.seedIso.isEmpty())
                qemu::removeSeedIso(g.seedIso);
        }
        for (const plan::SwitchPlan &sp : m_plan.runtime.switches)
            QFile::remove(sp.mgmtSocket);
        QFile::remove(runKnownHostsPath(m_plan.runtime.runtimeDir));  // netloomctl ssh's, per run
        QDir().rmdir(m_plan.runtime.runtimeDir);  // only when empty
    }
    if (m_failing) {
        setState(RunState::Failed);
        emit failed(m_error);
    } else {
        setState(RunState::Stopped);
        log(QStringLiteral("info"), QString(), QStringLiteral("topology '%1' stopped").arg(m_name));
    }
    emit stopped();
}

void Runtime::sample()
{
    QList<PortRateRow> rows;
    const std::int64_t now = sw::SwitchEngine::monotonicNs();
    for (auto &s : m_switches) {
        const std::vector<sw::PortSnapshot> snap = s->engine->counters();
        const std::vector<sw::PortRate> rates = s->sampler.sample(snap, now);
        const std::vector<sw::PortInfo> infos = s->engine->ports();
        for (const sw::PortSnapshot &p : snap) {
            PortRateRow row;
            row.network = s->plan.name;
            row.port = p.port;
            row.totals = p.values;
            row.owner = s->owners.value(p.port);
            for (const sw::PortInfo &i : infos)
                if (i.id == p.port)
                    row.description = i.description;
            for (const sw::PortRate &r : rates)
                if (r.port == p.port)
                    row.rate = r;
            rows.append(row);
        }
    }
    m_rates = rows;
    m_portModel->setRows(rows);
    emit ratesUpdated();
}

}  // namespace netloom::runtime
