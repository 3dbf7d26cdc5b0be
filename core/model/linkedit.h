// SPDX-License-Identifier: GPL-3.0-or-later
// Changing one link's emulation by name: what `netloomctl link REF ACTION` does to the
// topology of a running `netloomctl up` (the runtime then applies the re-planned topology as
// a live edit, like the GUI's). Pure functions over the model.
#pragma once

#include "base/result.h"
#include "model/topology.h"

#include <QString>

namespace netloom::model {

struct LinkChange {
    enum class Action { Up, Down, Impair };
    // Which way an impairment applies: both, a->b, b->a, or — for a link that ends at a guest
    // NIC — towards the guest or from it.
    enum class Direction { Both, Ab, Ba, ToGuest, FromGuest };
    Action action = Action::Impair;
    protocol::Impairment impairment;  // Impair: the new value ("none" clears)
    Direction direction = Direction::Both;
};

// Parses ACTION ("up", "down", "none", or an impairment spec) and DIR ("both", "ab", "ba",
// "to-guest", "from-guest"; "" = both). Errors name the bad word.
Result<LinkChange> parseLinkChange(const QString &action, const QString &direction);

// The id of the link `ref` names: a link id; a guest (node id or name) with exactly one
// linked NIC; or "GUEST/NIC". NotFound or InvalidArgument (ambiguous) naming the reference.
Result<QString> resolveLinkRef(const Topology &t, const QString &ref);

// `t` with the change applied to link `ref` (resolveLinkRef). ToGuest/FromGuest need a link
// with a guest end. Returns the link id changed in *linkId when given.
Result<Topology> applyLinkChange(const Topology &t, const QString &ref, const LinkChange &change,
                                 QString *linkId = nullptr);

}  // namespace netloom::model
