// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl forward: the editing shared by the command (on a topology file) and by
// `netloomctl up`'s control handler (on the running topology).
#pragma once

#include "base/result.h"
#include "model/topology.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace netloom::runtime {
class Runtime;
}

namespace netloom::cli {

// Applies `action` ("add" SPEC [to `gateway`], "remove" SPEC (its host side), "list") to *t:
// the edited topology must pass validation (errors name the gateway, forward and field), else
// *t is unchanged. Returns {"action", "gateway", "forward": spec text} for add/remove and
// {"forwards": listForwards(...)} for list. Touches only *t.
Result<QJsonObject> editForwards(model::Topology *t, const QString &action, const QString &spec, const QString &gateway,
                                 const runtime::Runtime *running = nullptr);

// Every gateway's forwards: {"gateway", "index", "forward": spec text, "description", and with
// a running runtime "state": "applied" with "guestAddress", or "pending", "refused" or "not
// applied" with "reason" (runtime/forwardstatus.h)}.
QJsonArray listForwards(const model::Topology &t, const runtime::Runtime *running);

}  // namespace netloom::cli
