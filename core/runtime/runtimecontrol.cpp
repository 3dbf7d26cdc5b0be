// SPDX-License-Identifier: GPL-3.0-or-later
// Runtime: control of single nodes while the rest runs, and edits applied while running
// (see the design note in runtime.h). Split from runtime.cpp to keep each file readable.
#include "runtime.h"

#include "helperclient/helperclient.h"
#include "preflight.h"
#include "runtimemodels.h"
#include "runtimeparts.h"

#include <QDir>
#include <QFile>

namespace netloom::runtime {

using qemu::QemuSupervisor;

Status Runtime::stopGuest(const QString &node)
{
    for (auto &g : m_guests) {
        if (g->plan.node != node)
            continue;
        if (m_state != RunState::Running || !g->sup)
            return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("stop guest"), g->plan.name, QStringLiteral("not running"));
        g->sup->stop();
        return ok();
    }
    return Error::failed(ErrorCode::NotFound, QStringLiteral("stop guest"), node, QStringLiteral("no such guest in this topology"));
}

Status Runtime::startGuest(const QString &node)
{
    if (m_state != RunState::Running)
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("start guest"), node, QStringLiteral("the topology is not running"));
    for (const plan::GuestPlan &gp : m_plan.runtime.guests) {
        if (gp.node != node)
            continue;
        const NodeState s = nodeState(node);
        if (s != NodeState::Down && s != NodeState::Failed)
            return Error::failed(ErrorCode::Conflict, QStringLiteral("start guest"), gp.name, QStringLiteral("already running"));
        if (Status p = preflightGuest(gp); !p)
            return p;
        return launchGuest(gp);
    }
    return Error::failed(ErrorCode::NotFound, QStringLiteral("start guest"), node, QStringLiteral("no such guest in this topology"));
}

Status Runtime::setCapture(const QString &network, quint32 port, const QString &path)
{
    const QString verb = path.isEmpty() ? QStringLiteral("stop capture") : QStringLiteral("capture");
    if (m_state != RunState::Running)
        return Error::failed(ErrorCode::InvalidArgument, verb, network, QStringLiteral("the topology is not running"));
    if (!path.isEmpty() && !QDir::isAbsolutePath(path))
        return Error::failed(ErrorCode::InvalidArgument, verb, path, QStringLiteral("the file must be given as an absolute path"));
    for (auto &s : m_switches) {
        if (s->plan.name != network && s->plan.node != network)
            continue;
        if (Status st = s->engine->setCapture(port, path); !st)
            return st;
        const QString owner = s->owners.value(port);
        log(QStringLiteral("info"), s->plan.node,
            path.isEmpty() ? QStringLiteral("capture of port %1%2 stopped").arg(port).arg(owner.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(owner))
                           : QStringLiteral("capturing port %1%2 into %3").arg(port).arg(owner.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(owner), path));
        return ok();
    }
    return Error::failed(ErrorCode::NotFound, verb, network, QStringLiteral("no running netloom switch of that name in this topology"));
}

Status Runtime::stopNetwork(const QString &switchNode)
{
    if (m_state != RunState::Running)
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("stop network"), switchNode, QStringLiteral("the topology is not running"));
    for (auto it = m_switches.begin(); it != m_switches.end(); ++it) {
        SwitchRt &s = **it;
        if (s.plan.node != switchNode)
            continue;
        // Its guests go first: they lose their network anyway.
        for (const plan::VdePort &p : s.plan.ports)
            if (p.kind == plan::VdePort::Kind::Guest && (nodeState(p.guest) == NodeState::Up || nodeState(p.guest) == NodeState::Starting))
                (void)stopGuest(p.guest);
        if (s.watcher) {
            s.watcher->stop();
            s.watcher->deleteLater();
        }
        s.engine->stop();
        if (s.tracker) {
            s.tracker->disconnect(this);
            s.tracker->deleteLater();
            m_leaseModel->setTable(s.plan.name, leases::LeaseTable{});
        }
        const QString dir = s.plan.socketDir;
        const QString name = s.plan.name;
        m_switches.erase(it);
        removeSocketDir(dir);
        m_downSwitches << switchNode;
        setNode(switchNode, NodeState::Down);
        log(QStringLiteral("info"), name, QStringLiteral("switch stopped"));
        if (m_helperApplied)
            applyHost(desiredHost(), [this, name](const Result<QJsonObject> &r) {
                if (!r)
                    log(QStringLiteral("error"), name, r.error().message);
            });
        return ok();
    }
    return Error::failed(ErrorCode::NotFound, QStringLiteral("stop network"), switchNode, QStringLiteral("no running switch of that id"));
}

Status Runtime::startNetwork(const QString &switchNode)
{
    if (m_state != RunState::Running)
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("start network"), switchNode, QStringLiteral("the topology is not running"));
    if (!m_downSwitches.contains(switchNode))
        return Error::failed(ErrorCode::Conflict, QStringLiteral("start network"), switchNode, QStringLiteral("not stopped"));
    m_downSwitches.removeAll(switchNode);
    auto afterHost = [this, switchNode](const Result<QJsonObject> &r) {
        for (const plan::SwitchPlan &sp : m_plan.runtime.switches) {
            if (sp.node != switchNode)
                continue;
            if (!r) {
                setNode(sp.node, NodeState::Failed, r.error().message);
                log(QStringLiteral("error"), sp.name, r.error().message);
                return;
            }
            if (Status s = startSwitch(sp); !s) {
                setNode(sp.node, NodeState::Failed, s.error().message);
                log(QStringLiteral("error"), sp.name, s.error().message);
                return;
            }
            startLeaseWatchers(*r);
            setNode(sp.node, NodeState::Up);
        }
    };
    if (m_helperApplied)
        applyHost(desiredHost(), afterHost);
    else
        afterHost(QJsonObject{});
    return ok();
}

void Runtime::afterGuestDown(const QString &node)
{
    if (m_state == RunState::Stopping) {
        continueStop();
        return;
    }
    if (m_state != RunState::Running)
        return;
    if (m_dropWhenDown.removeAll(node) > 0) {
        for (auto it = m_guests.begin(); it != m_guests.end(); ++it) {
            if ((*it)->plan.node != node)
                continue;
            if ((*it)->sup) {
                (*it)->sup->disconnect(this);
                (*it)->sup->deleteLater();
            }
            log(QStringLiteral("info"), (*it)->plan.name, QStringLiteral("removed from the topology"));
            QFile::remove((*it)->plan.qmpSocket);
            if (m_options.removeRuntimeDir)
                QFile::remove((*it)->plan.serialLog);
            m_guests.erase(it);
            break;
        }
        m_nodeStates.remove(node);
        emit nodeStateChanged(node, NodeState::Down, QStringLiteral("removed"));
        return;
    }
    if (m_restartWhenDown.contains(node)) {
        const plan::GuestPlan gp = m_restartWhenDown.take(node);
        for (auto &g : m_guests)
            if (g->plan.node == node)
                g->plan = gp;
        if (Status s = preflightGuest(gp); !s) {
            setNode(node, NodeState::Failed, s.error().message);
            log(QStringLiteral("error"), gp.name, s.error().message);
            return;
        }
        if (Status s = launchGuest(gp); !s)
            log(QStringLiteral("error"), gp.name, s.error().message);
    }
}

Status Runtime::applyEdit(const plan::Plan &next, std::function<void(Status)> hostDone)
{
    const QString verb = QStringLiteral("apply edit of");
    if (m_state != RunState::Running)
        return Error::failed(ErrorCode::InvalidArgument, verb, m_name, QStringLiteral("the topology is not running"));
    // Switches may differ in their ports' emulation and mirrors only (applied live below).
    bool switchesSame = next.runtime.switches.size() == m_plan.runtime.switches.size();
    for (qsizetype i = 0; switchesSame && i < next.runtime.switches.size(); ++i)
        switchesSame = withoutEmulation(next.runtime.switches[i]) == withoutEmulation(m_plan.runtime.switches[i]);
    if (!switchesSame || next.runtime.cables != m_plan.runtime.cables ||
        next.runtime.runtimeDir != m_plan.runtime.runtimeDir)
        return Error::failed(ErrorCode::Unsupported, verb, m_name,
                             QStringLiteral("switches, cables or the runtime directory changed; stop and start the topology to apply that"));
    for (const plan::SwitchPlan &sp : next.runtime.switches) {
        for (auto &rt : m_switches) {
            if (rt->plan.node != sp.node || !rt->engine)
                continue;
            if (Status s = applySwitchEmulation(*rt, sp, false); !s)
                return s;
        }
    }
    QHash<QString, plan::GuestPlan> nextGuests;
    for (const plan::GuestPlan &g : next.runtime.guests)
        nextGuests.insert(g.node, g);
    QList<plan::GuestPlan> added;
    for (const plan::GuestPlan &g : next.runtime.guests) {
        bool known = false;
        for (const plan::GuestPlan &old : m_plan.runtime.guests)
            known = known || old.node == g.node;
        if (!known) {
            if (Status s = preflightGuest(g); !s)
                return s;
            added.append(g);
        }
    }
    const bool hostChanged = next.host != m_plan.host || next.forwards != m_plan.forwards;
    for (const plan::GuestPlan &old : m_plan.runtime.guests) {
        const NodeState st = nodeState(old.node);
        const bool running = st == NodeState::Up || st == NodeState::Starting;
        if (!nextGuests.contains(old.node)) {
            if (running) {
                m_dropWhenDown << old.node;
                (void)stopGuest(old.node);
            } else {
                m_dropWhenDown << old.node;
                afterGuestDown(old.node);
            }
        } else if (withoutLinkState(nextGuests.value(old.node)) == withoutLinkState(old) &&
                   nextGuests.value(old.node).nicsDown != old.nicsDown) {
            // Only link states changed: QMP set_link, no restart.
            for (auto &g : m_guests) {
                if (g->plan.node != old.node)
                    continue;
                g->plan = nextGuests.value(old.node);
                applyNicLinks(*g, old.nicsDown);
            }
        } else if (nextGuests.value(old.node) != old) {
            log(QStringLiteral("info"), old.name, QStringLiteral("changed: restarting"));
            m_restartWhenDown.insert(old.node, nextGuests.value(old.node));
            if (running)
                (void)stopGuest(old.node);
            else
                afterGuestDown(old.node);
        }
    }
    const protocol::HostState oldHost = m_plan.host;
    const QList<plan::PlannedForward> oldForwards = m_plan.forwards;
    m_plan = next;
    auto startAdded = [this, added, hostDone, oldHost, oldForwards, next](const Result<QJsonObject> &r) {
        if (!r) {
            log(QStringLiteral("error"), QString(), r.error().message);
            m_hostRefusal = r.error().message;
            // The helper changed nothing: the refused host state is not running.
            if (m_plan.host == next.host && m_plan.forwards == next.forwards) {
                m_plan.host = oldHost;
                m_plan.forwards = oldForwards;
            }
            if (hostDone)
                hostDone(r.error());
            return;
        }
        m_hostRefusal.clear();
        if (hostDone)
            hostDone(ok());
        for (const plan::GuestPlan &g : added) {
            m_nodeStates.insert(g.node, NodeState::Down);
            log(QStringLiteral("info"), g.name, QStringLiteral("added to the topology"));
            if (Status s = launchGuest(g); !s)
                log(QStringLiteral("error"), g.name, s.error().message);
        }
    };
    if (hostChanged && m_plan.host.isEmpty() && m_helperApplied && m_helper) {
        log(QStringLiteral("info"), QString(), QStringLiteral("no host state left: tearing down network '%1'").arg(m_network));
        m_helper->teardown(m_network, [this, startAdded](const Result<QJsonObject> &r) {
            m_helperApplied = !r;
            startAdded(r);
        });
    } else if (hostChanged && !m_plan.host.isEmpty()) {
        log(QStringLiteral("info"), QString(), QStringLiteral("host state changed: re-applying"));
        applyHost(desiredHost(), [this, startAdded](const Result<QJsonObject> &r) {
            if (r)
                m_helperApplied = true;
            startAdded(r);
        });
    } else {
        startAdded(QJsonObject{});
    }
    return ok();
}

}  // namespace netloom::runtime
