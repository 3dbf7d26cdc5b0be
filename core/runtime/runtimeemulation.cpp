// SPDX-License-Identifier: GPL-3.0-or-later
// Network emulation of a running topology (issue #13): the impairments, link states and
// mirrors of netloom switch ports go to the switch engines (at start and, live, on every
// edit); a guest NIC whose link is down loses its carrier through QMP set_link. Kernel-side
// emulation is part of the host state, which the helper converges like everything else.
#include "runtime.h"

#include "qemu/qemusupervisor.h"
#include "runtimeparts.h"
#include "switch/switchengine.h"

#include <QJsonObject>
#include <QPointer>

namespace netloom::runtime {

namespace {

sw::PortEmulation emulationOf(const plan::VdePort &p)
{
    sw::PortEmulation e;
    e.toPort = p.toPort;
    e.fromPort = p.fromPort;
    e.up = p.up;
    return e;
}

}  // namespace

plan::SwitchPlan Runtime::withoutEmulation(plan::SwitchPlan sp)
{
    sp.mirrors.clear();
    for (plan::VdePort &p : sp.ports) {
        p.toPort = {};
        p.fromPort = {};
        p.up = true;
        p.hostPort.clear();  // display only (the lease table's gateway name): renaming is no restart
    }
    return sp;
}

plan::GuestPlan Runtime::withoutLinkState(plan::GuestPlan gp)
{
    gp.nicsDown.clear();
    return gp;
}

Status Runtime::applySwitchEmulation(SwitchRt &rt, const plan::SwitchPlan &next, bool initial)
{
    sw::SwitchEngine *engine = rt.engine.get();
    const plan::VdePort neutral;
    for (const plan::VdePort &p : next.ports) {
        const plan::VdePort *old = &neutral;
        if (!initial)
            for (const plan::VdePort &o : rt.plan.ports)
                if (o.number == p.number)
                    old = &o;
        if (emulationOf(*old) == emulationOf(p))
            continue;
        if (Status s = engine->setPortEmulation(sw::PortId(p.number), emulationOf(p)); !s)
            return s.error().context(QStringLiteral("failed to set the emulation of switch '%1' port %2")
                                         .arg(next.name)
                                         .arg(p.number));
        if (!initial) {
            const QString what = p.up ? QStringLiteral("up") : QStringLiteral("down");
            const QString to = protocol::summary(p.toPort), from = protocol::summary(p.fromPort);
            log(QStringLiteral("info"), next.name,
                QStringLiteral("port %1: link %2; to the port: %3; from the port: %4")
                    .arg(p.number)
                    .arg(what, to.isEmpty() ? QStringLiteral("no impairment") : to,
                         from.isEmpty() ? QStringLiteral("no impairment") : from));
        }
    }
    if (initial || next.mirrors != rt.plan.mirrors) {
        if (!initial)
            for (const plan::MirrorPlan &m : rt.plan.mirrors)
                engine->clearMirror(sw::PortId(m.source));
        for (const plan::MirrorPlan &m : next.mirrors)
            if (Status s = engine->setMirror(sw::PortId(m.source), sw::PortId(m.target), m.direction); !s)
                return s.error().context(QStringLiteral("failed to mirror on switch '%1'").arg(next.name));
    }
    rt.plan = next;
    return ok();
}

void Runtime::applyNicLinks(GuestRt &g, const QStringList &wasDown)
{
    if (!g.sup || g.sup->state() != qemu::QemuSupervisor::State::Running)
        return;  // the new state applies when the guest is up (onGuestState)
    const QString name = g.plan.name;
    QStringList changed;
    for (const QString &nic : g.plan.nicsDown)
        if (!wasDown.contains(nic))
            changed << nic;
    for (const QString &nic : wasDown)
        if (!g.plan.nicsDown.contains(nic))
            changed << nic;
    QPointer<Runtime> self(this);
    for (const QString &nic : changed) {
        const bool up = !g.plan.nicsDown.contains(nic);
        g.sup->qmp()->execute(QStringLiteral("set_link"),
                              QJsonObject{{QStringLiteral("name"), nic}, {QStringLiteral("up"), up}},
                              [this, self, name, nic, up](const Result<QJsonValue> &r) {
                                  if (!self)
                                      return;
                                  if (r)
                                      log(QStringLiteral("info"), name,
                                          QStringLiteral("%1: link %2").arg(nic, up ? QStringLiteral("up") : QStringLiteral("down")));
                                  else
                                      log(QStringLiteral("error"), name,
                                          QStringLiteral("failed to set the link of '%1/%2' %3: %4")
                                              .arg(name, nic, up ? QStringLiteral("up") : QStringLiteral("down"),
                                                   r.error().message));
                              });
    }
}

}  // namespace netloom::runtime
