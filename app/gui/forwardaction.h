// SPDX-License-Identifier: GPL-3.0-or-later
// "Forward a port to this guest…": adds a port forward to a guest on its NAT gateway as one
// undo step (the guest's canvas menu and the leases panel's rows use it).
//
// Design note. The forward is made complete and valid at once — tcp, the first host port from
// 8080 that no forward of the topology uses, the guest (with its NIC only when it has several
// on the gateway's network), guest port 80; on a gateway with an IPv6 prefix the same forward
// over IPv6 as well (when no IPv6 forward holds that port) — and pushed as one SetNodeCommand
// on the gateway;
// the caller then shows the gateway's forwards table so the user adjusts the ports there. The
// gateway is the first NAT gateway (model/portforward.h) whose network holds the guest's NIC
// (`nic`, or any NIC when ""). Pure apart from the undo stack.
#pragma once

#include "base/result.h"

#include <QCoreApplication>
#include <QString>

class QUndoStack;

namespace netloom::gui {

class TopologyDocument;

class ForwardAction {
    Q_DECLARE_TR_FUNCTIONS(ForwardAction)
public:
    // Adds the forward to guest `guestId` (NIC `nic`, "" = any) and returns the gateway's id,
    // or an Error whose message says why not (no such guest, on no NAT network, the gateway's
    // forwards full). Touches: pushes one command on `undo`.
    static Result<QString> addForwardToGuest(TopologyDocument *doc, QUndoStack *undo, const QString &guestId,
                                             const QString &nic);
    // The guest NIC whose MAC is `mac` (case-insensitive): {guest id, NIC id}, or {} when none.
    static QPair<QString, QString> nicOfMac(const TopologyDocument *doc, const QString &mac);
};

}  // namespace netloom::gui
