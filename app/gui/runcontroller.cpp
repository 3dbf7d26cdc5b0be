// SPDX-License-Identifier: GPL-3.0-or-later
#include "runcontroller.h"

#include <QProcess>
#include <QStandardPaths>

#include "plan/rundir.h"
#include "model/allocator.h"
#include "model/validator.h"

#include <QDir>
#include <QTimer>

namespace netloom::gui {

using runtime::NodeState;
using runtime::RunState;
using runtime::Runtime;

QHash<QString, PortRef> linkPorts(const plan::Plan &plan)
{
    QHash<QString, PortRef> out;
    for (const plan::SwitchPlan &sp : plan.runtime.switches)
        for (const plan::VdePort &p : sp.ports)
            if (!p.link.isEmpty() && !out.contains(p.link))
                out.insert(p.link, PortRef{sp.name, quint32(p.number)});
    return out;
}

RunController::RunController(QObject *parent) : QObject(parent) {}

RunController::~RunController()
{
    teardown();
}

void RunController::teardown()
{
    if (m_rt) {
        m_rt->disconnect(this);
        delete m_rt;  // kills what still runs (the window stops first when it can)
        m_rt = nullptr;
    }
}

bool RunController::isActive() const
{
    if (!m_rt)
        return false;
    const RunState s = m_rt->state();
    return s == RunState::Starting || s == RunState::Running || s == RunState::Stopping;
}

Result<plan::Plan> RunController::prepare(const model::Topology &topology, const QString &topologyDir, const QString &failure,
                                          QList<runtime::UserKeyWarning> *keyWarnings) const
{
    // The same preparation as every front end: fill in names and MACs, refuse errors.
    const model::Topology t = model::allocate(topology);
    for (const model::Issue &issue : model::validate(t))
        if (issue.severity == model::Issue::Severity::Error)
            return Error{ErrorCode::InvalidArgument, failure.arg(t.name, issue.path, issue.message)};
    // cloudInit sections with userKeys authorize this user's ~/.ssh/*.pub.
    runtime::UserKeys keys = runtime::userKeysFor(t, QDir::homePath());
    if (keyWarnings)
        *keyWarnings = keys.warnings;
    return plan::plan(t, plan::PlanContext{plan::defaultRuntimeDir(t.name), topologyDir, keys.keys});
}

Result<protocol::HostState> RunController::planHost(const model::Topology &topology, const QString &topologyDir) const
{
    Result<plan::Plan> p = prepare(topology, topologyDir, tr("failed to check '%1': %2: %3"));
    if (!p)
        return p.error();
    return p->host;
}

Status RunController::start(const model::Topology &topology, const QString &topologyDir)
{
    if (isActive())
        return Error{ErrorCode::Conflict, tr("failed to start '%1': it is already running").arg(topology.name)};
    QList<runtime::UserKeyWarning> keyWarnings;
    Result<plan::Plan> p = prepare(topology, topologyDir, tr("failed to start '%1': %2: %3"), &keyWarnings);
    if (!p)
        return p.error();
    teardown();
    m_linkPorts = linkPorts(*p);
    m_switchNames.clear();
    for (const plan::SwitchPlan &sp : p->runtime.switches)
        m_switchNames.insert(sp.node, sp.name);
    runtime::RuntimeOptions options;
    options.helperSocket = m_helperSocket;
    options.forceTcg = m_tcg;
    options.userKeyWarnings = keyWarnings;
    m_rt = new Runtime(topology.name, *p, options, this);
    m_applied = topology;
    connect(m_rt, &Runtime::stateChanged, this, [this](RunState s) {
        emit runStateChanged(s);
        emit nodeColoursChanged();
    });
    connect(m_rt, &Runtime::nodeStateChanged, this, &RunController::nodeColoursChanged);
    connect(m_rt, &Runtime::nodeStateChanged, this, &RunController::nodeStateChanged);
    connect(m_rt, &Runtime::ratesUpdated, this, &RunController::ratesUpdated);
    connect(m_rt, &Runtime::leasesChanged, this, &RunController::leasesChanged);
    connect(m_rt, &Runtime::logged, this, [this](const QDateTime &, const QString &level, const QString &node, const QString &message) {
        emit logLine(level, node, message);
    });
    connect(m_rt, &Runtime::stopped, this, &RunController::stopped);
    m_rt->start();
    return ok();
}

Status RunController::applyEdits(const model::Topology &topology, const QString &topologyDir)
{
    if (!m_rt || m_rt->state() != RunState::Running)
        return Error{ErrorCode::Conflict, tr("failed to apply changes to '%1': it is not running").arg(topology.name)};
    Result<plan::Plan> p = prepare(topology, topologyDir, tr("failed to apply changes to '%1': %2: %3"));
    if (!p)
        return p.error();
    if (Status s = m_rt->applyEdit(*p); !s)
        return s;
    m_linkPorts = linkPorts(*p);  // guest links may have been added or removed
    m_applied = topology;
    return ok();
}

Status RunController::applyEmulation(const model::Topology &current, const QString &topologyDir)
{
    if (!m_rt || m_rt->state() != RunState::Running)
        return ok();
    model::Topology next = m_applied;
    for (model::Link &l : next.links)
        if (const model::Link *c = current.link(l.id))
            l.emulation = c->emulation;
    for (model::Node &n : next.nodes) {
        const model::Node *c = current.node(n.id);
        if (c && n.type == model::NodeType::Switch)
            n.sw.mirrors = c->sw.mirrors;
        if (c && n.type == model::NodeType::HostPort && c->type == model::NodeType::HostPort)
            n.hostPort.nat.forwards = c->hostPort.nat.forwards;  // port forwards apply at once too
    }
    if (next == m_applied)
        return ok();
    Result<plan::Plan> p = prepare(next, topologyDir, tr("failed to apply the network emulation of '%1': %2: %3"));
    if (!p)
        return p.error();
    if (Status s = m_rt->applyEdit(*p); !s)
        return s;
    m_applied = next;
    return ok();
}

void RunController::stop()
{
    if (m_rt)
        m_rt->stop();
}

bool RunController::canControl(const QString &nodeId) const
{
    if (!m_rt || m_rt->state() != RunState::Running)
        return false;
    if (m_switchNames.contains(nodeId))
        return true;
    for (const plan::GuestPlan &g : m_rt->plan().runtime.guests)
        if (g.node == nodeId)
            return true;
    return false;
}

Status RunController::startNode(const QString &nodeId)
{
    if (!canControl(nodeId))
        return Error{ErrorCode::Conflict, tr("failed to start '%1': not a running guest or netloom switch").arg(nodeId)};
    return m_switchNames.contains(nodeId) ? m_rt->startNetwork(nodeId) : m_rt->startGuest(nodeId);
}

Status RunController::stopNode(const QString &nodeId)
{
    if (!canControl(nodeId))
        return Error{ErrorCode::Conflict, tr("failed to stop '%1': not a running guest or netloom switch").arg(nodeId)};
    return m_switchNames.contains(nodeId) ? m_rt->stopNetwork(nodeId) : m_rt->stopGuest(nodeId);
}

bool RunController::isGuest(const QString &nodeId) const
{
    if (!m_rt)
        return false;
    for (const plan::GuestPlan &g : m_rt->plan().runtime.guests)
        if (g.node == nodeId)
            return true;
    return false;
}

QString RunController::guestDisplay(const QString &nodeId) const
{
    if (m_rt)
        for (const plan::GuestPlan &g : m_rt->plan().runtime.guests)
            if (g.node == nodeId)
                return g.display;
    return {};
}

runtime::NodeState RunController::nodeState(const QString &nodeId) const
{
    return m_rt ? m_rt->nodeState(nodeId) : NodeState::Down;
}

void RunController::openConsole(const QString &nodeId, runtime::ConsoleKind kind,
                                std::function<void(Result<runtime::ConsoleAttachment>)> done)
{
    if (!isActive()) {
        done(Error{ErrorCode::Conflict, tr("failed to open the console of '%1': the topology is not running").arg(nodeId)});
        return;
    }
    m_rt->openConsole(nodeId, kind, std::move(done));
}

Result<runtime::SshTarget> RunController::sshTarget(const QString &nodeId) const
{
    if (!isActive())
        return Error{ErrorCode::Conflict, tr("failed to ssh to '%1': the topology is not running").arg(nodeId)};
    return m_rt->sshTarget(nodeId);
}

Result<QString> RunController::openSshTerminal(const QString &nodeId) const
{
    Result<runtime::SshTarget> t = sshTarget(nodeId);
    if (!t)
        return t.error();
    QString terminal = qEnvironmentVariable("TERMINAL");
    if (terminal.isEmpty() || QStandardPaths::findExecutable(terminal).isEmpty())
        terminal = QStandardPaths::findExecutable(QStringLiteral("x-terminal-emulator"));
    else
        terminal = QStandardPaths::findExecutable(terminal);
    if (terminal.isEmpty())
        return Error{ErrorCode::NotFound, tr("failed to ssh to '%1': no terminal to run it in (set $TERMINAL, or install one that provides "
                                             "x-terminal-emulator)").arg(nodeId)};
    const QStringList cmd = runtime::sshCommand(*t, {});
    if (!QProcess::startDetached(terminal, QStringList{QStringLiteral("-e")} + cmd))
        return Error{ErrorCode::System, tr("failed to ssh to '%1': cannot start '%2'").arg(nodeId, terminal)};
    return runtime::sshCommandText(*t, {});
}

Status RunController::power(const QString &nodeId, runtime::PowerAction action)
{
    if (!isActive())
        return Error{ErrorCode::Conflict, tr("failed to %1 '%2': the topology is not running")
                                              .arg(QLatin1String(runtime::powerActionName(action)), nodeId)};
    return m_rt->guestPower(nodeId, action);
}

Status RunController::setCapture(const QString &network, quint32 port, const QString &file)
{
    if (!m_rt || m_rt->state() != runtime::RunState::Running)
        return Error{ErrorCode::InvalidArgument, tr("failed to capture '%1 port %2': the topology is not running").arg(network).arg(port)};
    return m_rt->setCapture(network, port, file);
}

RunColour RunController::nodeColour(const QString &nodeId) const
{
    if (!m_rt || m_rt->state() == RunState::Idle)
        return RunColour::None;
    const RunState run = m_rt->state();
    const QHash<QString, NodeState> states = m_rt->nodeStates();
    if (states.contains(nodeId)) {
        switch (states.value(nodeId)) {
        case NodeState::Up: return RunColour::Running;
        case NodeState::Starting:
        case NodeState::Stopping: return RunColour::Starting;
        case NodeState::Failed: return RunColour::Error;
        case NodeState::Down: return RunColour::Stopped;
        case NodeState::Paused: return RunColour::Paused;
        }
    }
    switch (run) {
    case RunState::Running: return RunColour::Running;
    case RunState::Starting:
    case RunState::Stopping: return RunColour::Starting;
    case RunState::Failed: return RunColour::Error;
    default: return RunColour::Stopped;
    }
}

double RunController::linkBitsPerSec(const QString &linkId) const
{
    if (!m_rt || !m_linkPorts.contains(linkId))
        return -1;
    const PortRef ref = m_linkPorts.value(linkId);
    for (const runtime::PortRateRow &r : m_rt->portRates())
        if (r.network == ref.network && r.port == ref.port)
            return r.rate.rxBitsPerSec + r.rate.txBitsPerSec;
    return -1;
}

}  // namespace netloom::gui
