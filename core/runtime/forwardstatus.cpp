// SPDX-License-Identifier: GPL-3.0-or-later
#include "forwardstatus.h"

#include "plan/forwardplan.h"

namespace netloom::runtime {

ForwardStatus forwardStatus(const QString &gateway, int index, const model::PortForward &f, const QStringList &pending,
                            const protocol::HostState &applied, const QString &refusal)
{
    ForwardStatus out;
    const bool v6 = f.family == model::PortForward::Family::Ipv6;
    const auto family = v6 ? protocol::ForwardSpec::Family::Ipv6 : protocol::ForwardSpec::Family::Ipv4;
    const auto proto = f.protocol == model::PortForward::Protocol::Udp ? protocol::ForwardSpec::Protocol::Udp
                                                                        : protocol::ForwardSpec::Protocol::Tcp;
    for (const protocol::NatSpec &nat : v6 ? applied.nat6 : applied.nat)
        for (const protocol::ForwardSpec &s : nat.forwards)
            if (s.family == family && s.protocol == proto && s.hostPort == f.hostPort && s.hostAddress == f.hostAddress) {
                out.state = ForwardStatus::State::Applied;
                out.guestAddress = s.guestAddress;
                return out;
            }
    const QString prefix = plan::forwardNamePrefix(gateway, index);
    for (const QString &p : pending)
        if (p.startsWith(prefix)) {
            out.state = ForwardStatus::State::Pending;
            out.reason = p;
            return out;
        }
    if (!refusal.isEmpty()) {
        out.state = ForwardStatus::State::Refused;
        out.reason = refusal;
    }
    return out;
}

QString forwardStateName(ForwardStatus::State state)
{
    switch (state) {
    case ForwardStatus::State::Applied: return QStringLiteral("applied");
    case ForwardStatus::State::Pending: return QStringLiteral("pending");
    case ForwardStatus::State::Refused: return QStringLiteral("refused");
    case ForwardStatus::State::NotApplied: break;
    }
    return QStringLiteral("not applied");
}

}  // namespace netloom::runtime
