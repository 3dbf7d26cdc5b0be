// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/linkedit.h"

namespace netloom::model {

Result<LinkChange> parseLinkChange(const QString &action, const QString &direction)
{
    LinkChange c;
    if (action == QStringLiteral("up")) {
        c.action = LinkChange::Action::Up;
    } else if (action == QStringLiteral("down")) {
        c.action = LinkChange::Action::Down;
    } else {
        Result<protocol::Impairment> imp = protocol::parseImpairmentSpec(action);
        if (!imp)
            return imp.error();
        c.action = LinkChange::Action::Impair;
        c.impairment = *imp;
    }
    const QString d = direction.isEmpty() ? QStringLiteral("both") : direction;
    if (d == QStringLiteral("both"))
        c.direction = LinkChange::Direction::Both;
    else if (d == QStringLiteral("ab"))
        c.direction = LinkChange::Direction::Ab;
    else if (d == QStringLiteral("ba"))
        c.direction = LinkChange::Direction::Ba;
    else if (d == QStringLiteral("to-guest"))
        c.direction = LinkChange::Direction::ToGuest;
    else if (d == QStringLiteral("from-guest"))
        c.direction = LinkChange::Direction::FromGuest;
    else
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("read direction"), d,
                             QStringLiteral("must be both, ab, ba, to-guest or from-guest"));
    if (c.action != LinkChange::Action::Impair && !direction.isEmpty() && d != QStringLiteral("both"))
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("read direction"), d,
                             QStringLiteral("a link is up or down in both directions"));
    return c;
}

Result<QString> resolveLinkRef(const Topology &t, const QString &ref)
{
    if (const Link *l = t.link(ref))
        return l->id;
    const qsizetype slash = ref.indexOf(QLatin1Char('/'));
    const QString guestRef = slash < 0 ? ref : ref.left(slash);
    const QString nicRef = slash < 0 ? QString() : ref.mid(slash + 1);
    const Node *guest = nullptr;
    for (const Node &n : t.nodes)
        if (n.type == NodeType::Guest && (n.id == guestRef || n.name == guestRef))
            guest = &n;
    if (!guest)
        return Error::failed(ErrorCode::NotFound, QStringLiteral("find link"), ref,
                             QStringLiteral("no link has this id and no guest this name"));
    QStringList linked;
    QString found;
    for (const NicConfig &nic : guest->guest.nics) {
        const Link *l = t.linkOfNic(guest->id, nic.id);
        if (!l)
            continue;
        linked << nic.id;
        if (nicRef.isEmpty() || nic.id == nicRef)
            found = found.isEmpty() ? l->id : found;
    }
    if (!nicRef.isEmpty()) {
        if (!linked.contains(nicRef))
            return Error::failed(ErrorCode::NotFound, QStringLiteral("find link"), ref,
                                 QStringLiteral("guest '%1' has no linked NIC '%2' (linked: %3)")
                                     .arg(guest->name, nicRef, linked.isEmpty() ? QStringLiteral("none") : linked.join(QStringLiteral(", "))));
        return found;
    }
    if (linked.isEmpty())
        return Error::failed(ErrorCode::NotFound, QStringLiteral("find link"), ref,
                             QStringLiteral("guest '%1' has no linked NIC").arg(guest->name));
    if (linked.size() > 1)
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("find link"), ref,
                             QStringLiteral("guest '%1' has %2 linked NICs; name one as %1/NIC (%3)")
                                 .arg(guest->name)
                                 .arg(linked.size())
                                 .arg(linked.join(QStringLiteral(", "))));
    return found;
}

Result<Topology> applyLinkChange(const Topology &t, const QString &ref, const LinkChange &change, QString *linkId)
{
    Result<QString> id = resolveLinkRef(t, ref);
    if (!id)
        return id.error();
    Topology next = t;
    Link *l = nullptr;
    for (Link &x : next.links)
        if (x.id == *id)
            l = &x;
    if (!l)
        return Error::failed(ErrorCode::Internal, QStringLiteral("find link"), *id, QStringLiteral("vanished"));
    if (linkId)
        *linkId = l->id;
    switch (change.action) {
    case LinkChange::Action::Up: l->emulation.up = true; return next;
    case LinkChange::Action::Down: l->emulation.up = false; return next;
    case LinkChange::Action::Impair: break;
    }
    auto isGuest = [&next](const Endpoint &e) {
        const Node *n = next.node(e.node);
        return n && n->type == NodeType::Guest;
    };
    bool ab = true, ba = true;
    switch (change.direction) {
    case LinkChange::Direction::Both: break;
    case LinkChange::Direction::Ab: ba = false; break;
    case LinkChange::Direction::Ba: ab = false; break;
    case LinkChange::Direction::ToGuest:
    case LinkChange::Direction::FromGuest: {
        const bool aGuest = isGuest(l->a), bGuest = isGuest(l->b);
        if (aGuest == bGuest)
            return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("impair link"), l->id,
                                 aGuest ? QStringLiteral("both ends are guests; use ab or ba")
                                        : QStringLiteral("no end is a guest; use ab or ba"));
        const bool toGuest = change.direction == LinkChange::Direction::ToGuest;
        // a->b goes towards the guest when b is the guest.
        ab = toGuest == bGuest;
        ba = !ab;
        break;
    }
    }
    if (ab)
        l->emulation.ab = change.impairment;
    if (ba)
        l->emulation.ba = change.impairment;
    return next;
}

}  // namespace netloom::model
