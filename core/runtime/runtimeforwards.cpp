// SPDX-License-Identifier: GPL-3.0-or-later
// Port forwards that follow their guests' leases (runtime.h, design note).
#include "runtimeparts.h"

namespace netloom::runtime {

plan::GuestLeases Runtime::boundLeases() const
{
    plan::GuestLeases out;
    for (const auto &rt : m_switches) {
        if (!rt->tracker)
            continue;
        for (const leases::LeaseEntry &e : rt->tracker->table().entries) {
            if (e.state != leases::LeaseState::Bound)
                continue;
            if (e.ip.value != 0)
                out.ipv4.insert(e.mac.toString(), e.ip.toString());
            for (const QHostAddress &a : e.ipv6) {
                QStringList &v6 = out.ipv6[e.mac.toString()];
                if (!v6.contains(a.toString()))
                    v6.append(a.toString());
            }
        }
    }
    return out;
}

void Runtime::notePending(const QStringList &pending)
{
    for (const QString &p : pending)
        if (!m_pendingForwards.contains(p))
            log(QStringLiteral("warning"), QString(), p);
    for (const QString &p : std::as_const(m_pendingForwards))
        if (!pending.contains(p))
            log(QStringLiteral("info"), QString(), p.section(QStringLiteral(" is pending"), 0, 0) + QStringLiteral(" is applied"));
    m_pendingForwards = pending;
}

void Runtime::followLeases()
{
    if (m_plan.forwards.isEmpty() || m_state != RunState::Running || !m_helperApplied)
        return;
    if (m_followBusy)
        return;  // the running apply's completion looks again
    const protocol::HostState want = desiredHost();
    if (want == m_appliedHost)
        return;
    m_followBusy = true;
    log(QStringLiteral("info"), QString(), QStringLiteral("a forwarded guest's address changed: re-applying the port forwards"));
    applyHost(want, [this](const Result<QJsonObject> &r) {
        m_followBusy = false;
        if (!r) {
            // Not retried in a loop: the next lease change tries again.
            log(QStringLiteral("error"), QString(), r.error().message);
            return;
        }
        followLeases();  // leases that changed meanwhile (no-op when nothing differs)
    });
}

}  // namespace netloom::runtime
