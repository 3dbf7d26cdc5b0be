// SPDX-License-Identifier: GPL-3.0-or-later
// What became of one port forward of a running topology (pure): applied (with the guest
// address it reaches), pending (its guest's address is not known yet), refused (the helper
// refused the host state that held it, e.g. its port is in use) or not applied. Shared by
// `netloomctl forward list` and the GUI's forwards table.
//
// Design note. The runtime keeps no per-forward record; the status is read off what it does
// keep: the host state the helper last applied (a forward is applied when a spec of its
// family, protocol, host address and port is in nat/nat6 — the guest address is then that
// spec's), the pending sentences of the last resolution ("gateway 'gw', forward K (...) is
// pending: ...", known by plan::forwardNamePrefix, the planner's own name for the forward),
// and the helper's last refusal (Runtime::hostRefusal(), cleared by the next
// successful apply). A forward that is none of these is "not applied" (an edit on its way).
#pragma once

#include "model/topology.h"
#include "protocol/hoststate.h"

#include <QString>
#include <QStringList>

namespace netloom::runtime {

struct ForwardStatus {
    enum class State { Applied, Pending, Refused, NotApplied };
    State state = State::NotApplied;
    QString guestAddress;  // Applied: the address connections go to
    QString reason;        // Pending/Refused: the runtime's or helper's sentence
    bool operator==(const ForwardStatus &) const = default;
};

// The status of forward `index` (`forward`) of gateway `gateway`, given the runtime's
// `pending` sentences, the host state it last applied and its last refusal ("" = none). Pure.
ForwardStatus forwardStatus(const QString &gateway, int index, const model::PortForward &forward,
                            const QStringList &pending, const protocol::HostState &applied, const QString &refusal);

// "applied", "pending", "refused", "not applied". Pure.
QString forwardStateName(ForwardStatus::State state);

}  // namespace netloom::runtime
