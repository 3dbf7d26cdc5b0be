// SPDX-License-Identifier: GPL-3.0-or-later
#include "executor.h"

#include <QLoggingCategory>

#include <csignal>

Q_LOGGING_CATEGORY(lcExec, "netloom.helper.executor")

namespace netloom::helper {

Status Executor::perform(const Action &a)
{
    using K = Action::Kind;
    switch (a.kind) {
    case K::None: return ok();
    case K::CreateTap: return m_ops.createTap(a.tap, a.uid);
    case K::CreateBridge: return m_ops.createBridge(a.bridge);
    case K::CreateVeth: return m_ops.createVeth(a.veth);
    case K::CreateVxlan: return m_ops.createVxlan(a.vxlan);
    case K::DeleteLink: return m_ops.deleteLink(a.ifname);
    case K::Enslave: return m_ops.enslave(a.ifname, a.master);
    case K::Release: return m_ops.release(a.ifname, a.master);
    case K::AddAddress: return m_ops.addAddress(a.ifname, a.cidr);
    case K::DeleteAddress: return m_ops.deleteAddress(a.ifname, a.cidr);
    case K::SetLink: return m_ops.setLink(a.link);
    case K::EnableForwarding: return m_ops.enableForwarding();
    case K::RestoreForwarding: return m_ops.restoreForwarding();
    case K::LoadNft: return m_ops.loadNft(a.text);
    case K::StartDnsmasq: return m_ops.startDnsmasq(a.network, a.dnsmasq);
    case K::StopDnsmasq: return m_ops.stopDnsmasq(a.network, a.ifname);
    case K::CreateIfb: return m_ops.createIfb(a.ifname);
    case K::SetQdiscs: return m_ops.setQdiscs(a.ifname, a.impairment, a.frameBytes);
    case K::ClearQdiscs: return m_ops.clearQdiscs(a.ifname);
    case K::RedirectIngress: return m_ops.redirectIngress(a.ifname, a.master);
    case K::ClearIngress: return m_ops.clearIngress(a.ifname);
    case K::EnableForwarding6: return m_ops.enableForwarding6(a.text.split(u' ', Qt::SkipEmptyParts));
    case K::RestoreForwarding6: return m_ops.restoreForwarding6();
    case K::InsertAccepts: return m_ops.insertAccepts(a.network, a.filterAccept);
    case K::RemoveAccepts: return m_ops.removeAccepts(a.network, a.filterAccept);
    case K::SetRouteLocalnet: return m_ops.setRouteLocalnet(a.ifname, true);
    case K::ClearRouteLocalnet: return m_ops.setRouteLocalnet(a.ifname, false);
    case K::SetBridgeVlans: return m_ops.setBridgeVlans(a.ifname, a.master, a.vlans);
    }
    return Error{ErrorCode::Internal, QStringLiteral("unknown action kind")};
}

Result<int> Executor::run(const QList<Step> &steps)
{
    for (qsizetype i = 0; i <= steps.size(); ++i) {
        if (i == m_crashAt && !steps.isEmpty())
            ::raise(SIGKILL);
        if (i == steps.size())
            break;
        Status s = ok();
        if (i == m_failAt)
            s = Error::failed(ErrorCode::Internal, QStringLiteral("apply step"), steps[i].apply.describe(),
                              QStringLiteral("failure injected at step %1 (test mode)").arg(i));
        else
            s = perform(steps[i].apply);
        if (s)
            continue;
        qCWarning(lcExec).noquote() << "step" << i << steps[i].apply.describe() << "failed:" << s.error().message
                                    << "- rolling back" << i << "steps";
        int undoFailures = 0;
        for (qsizetype j = i - 1; j >= 0; --j) {
            if (auto u = perform(steps[j].undo); !u) {
                ++undoFailures;
                qCWarning(lcExec).noquote() << "undo of step" << j << steps[j].undo.describe()
                                            << "failed:" << u.error().message;
            }
        }
        QString note = QStringLiteral("; %1 earlier steps were rolled back").arg(i);
        if (undoFailures)
            note += QStringLiteral(" (%1 undo actions failed, see the helper's log)").arg(undoFailures);
        return Error{s.error().code, s.error().message + note};
    }
    return int(steps.size());
}

int Executor::runBestEffort(const QList<Step> &steps)
{
    int failures = 0;
    for (const Step &step : steps) {
        if (auto s = perform(step.apply); !s) {
            ++failures;
            qCWarning(lcExec).noquote() << "recovery step" << step.apply.describe() << "failed:" << s.error().message;
        }
    }
    return failures;
}

}  // namespace netloom::helper
