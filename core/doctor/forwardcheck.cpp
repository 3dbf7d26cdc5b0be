// SPDX-License-Identifier: GPL-3.0-or-later
#include "forwardcheck.h"

#include "protocol/netaddr.h"

namespace netloom::doctor {

namespace {

enum class Tri { No, Yes, Maybe };

Tri negate(Tri t, bool n)
{
    if (!n || t == Tri::Maybe)
        return t;
    return t == Tri::Yes ? Tri::No : Tri::Yes;
}

// Is the packet's prefix `have` inside `net` (yes), disjoint from it (no), or partly (maybe)?
Tri inNet(const QString &have, const QString &net)
{
    auto n = protocol::Cidr::parse(net, true);
    if (!n)
        return Tri::Maybe;
    if (n->prefix == 0)
        return Tri::Yes;
    if (have.isEmpty())
        return Tri::Maybe;
    auto h = protocol::Cidr::parse(have, true);
    if (!h)
        return Tri::Maybe;
    if (h->prefix >= n->prefix && n->contains(h->address))
        return Tri::Yes;
    return h->overlaps(*n) ? Tri::Maybe : Tri::No;
}

Tri matchOne(const FwMatch &m, const FwPacket &p)
{
    switch (m.kind) {
    case FwMatch::Kind::Iifname:
    case FwMatch::Kind::Oifname: {
        const QString &name = m.kind == FwMatch::Kind::Iifname ? p.iif : p.oif;
        if (name.isEmpty())
            return Tri::Maybe;
        bool any = false;
        for (const QString &pattern : m.names)
            any = any || interfacePatternMatches(pattern, name);
        return negate(any ? Tri::Yes : Tri::No, m.negate);
    }
    case FwMatch::Kind::Saddr:
    case FwMatch::Kind::Daddr: {
        const QString &have = m.kind == FwMatch::Kind::Saddr ? p.src : p.dst;
        Tri best = Tri::No;
        for (const QString &net : m.nets) {
            const Tri t = inNet(have, net);
            if (t == Tri::Yes)
                best = Tri::Yes;
            else if (t == Tri::Maybe && best == Tri::No)
                best = Tri::Maybe;
        }
        return negate(best, m.negate);
    }
    case FwMatch::Kind::CtState:
        return negate(m.names.contains(p.ct) ? Tri::Yes : Tri::No, m.negate);
    case FwMatch::Kind::Never: return Tri::No;
    case FwMatch::Kind::Unknown: return Tri::Maybe;
    }
    return Tri::Maybe;
}

Tri matchRule(const FwRule &r, const FwPacket &p)
{
    Tri all = Tri::Yes;
    for (const FwMatch &m : r.matches) {
        const Tri t = matchOne(m, p);
        if (t == Tri::No)
            return Tri::No;
        if (t == Tri::Maybe)
            all = Tri::Maybe;
    }
    return all;
}

struct Walk {
    const FwTable &table;
    const FwPacket &packet;
    bool mayAccepted = false;   // an uncertain accept (or return) was passed
    QString mayDrop;            // the first uncertain drop passed
};

enum class Step { Accept, Drop, Continue };

QString where(const FwTable &t, const FwChain &c, const QString &what)
{
    return QStringLiteral("%1 %2: %3").arg(t.describe(), c.name, what);
}

// Walks one chain; Continue = fell off its end or returned.
Step walk(Walk &w, const FwChain &chain, int depth, QString *evidence)
{
    for (const FwRule &r : chain.rules) {
        const Tri t = matchRule(r, w.packet);
        if (t == Tri::No || r.verdict.kind == FwVerdict::Kind::None)
            continue;
        const QString here = where(w.table, chain, r.text);
        switch (r.verdict.kind) {
        case FwVerdict::Kind::None: break;
        case FwVerdict::Kind::Accept:
            if (t == Tri::Yes)
                return Step::Accept;
            w.mayAccepted = true;
            break;
        case FwVerdict::Kind::Drop:
        case FwVerdict::Kind::Reject:
        case FwVerdict::Kind::Unknown:
            if (t == Tri::Yes && r.verdict.kind != FwVerdict::Kind::Unknown) {
                *evidence = here;
                return Step::Drop;
            }
            if (w.mayDrop.isEmpty())
                w.mayDrop = here;
            break;
        case FwVerdict::Kind::Return:
            if (t == Tri::Yes)
                return Step::Continue;
            w.mayAccepted = true;  // rules below may not apply
            break;
        case FwVerdict::Kind::Jump:
        case FwVerdict::Kind::Goto: {
            const FwChain *target = w.table.chain(r.verdict.target);
            if (!target || depth >= 16) {
                if (w.mayDrop.isEmpty())
                    w.mayDrop = here + QStringLiteral(" (target not evaluated)");
                w.mayAccepted = true;
                break;
            }
            if (t == Tri::Maybe) {
                // Evaluate the target for its drops, but nothing it decides is certain.
                Walk inner{w.table, w.packet, true, {}};
                QString ev;
                const Step s = walk(inner, *target, depth + 1, &ev);
                if (s == Step::Drop && w.mayDrop.isEmpty())
                    w.mayDrop = ev;
                else if (!inner.mayDrop.isEmpty() && w.mayDrop.isEmpty())
                    w.mayDrop = inner.mayDrop;
                w.mayAccepted = true;
                break;
            }
            const Step s = walk(w, *target, depth + 1, evidence);
            if (s != Step::Continue || r.verdict.kind == FwVerdict::Kind::Goto)
                return s;
            break;
        }
        }
    }
    return Step::Continue;
}

}  // namespace

FwOutcome evaluateChain(const FwTable &table, const FwChain &chain, const FwPacket &packet)
{
    Walk w{table, packet, false, {}};
    QString evidence;
    Step s = walk(w, chain, 0, &evidence);
    if (s == Step::Continue) {
        if (chain.policy == QLatin1String("drop")) {
            s = Step::Drop;
            evidence = where(table, chain, QStringLiteral("policy drop"));
        } else {
            s = Step::Accept;
        }
    }
    if (s == Step::Drop)
        return FwOutcome{w.mayAccepted ? FwOutcome::Kind::MayDrop : FwOutcome::Kind::Drop, evidence};
    if (!w.mayDrop.isEmpty())
        return FwOutcome{FwOutcome::Kind::MayDrop, w.mayDrop};
    return FwOutcome{FwOutcome::Kind::Accept, {}};
}

}  // namespace netloom::doctor
