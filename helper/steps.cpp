// SPDX-License-Identifier: GPL-3.0-or-later
#include "steps.h"

#include "nftscript.h"

#include "protocol/bridgevlan.h"
#include "protocol/forwardrules.h"

#include "protocol/hoststatedecode.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <optional>

namespace netloom::helper {

using namespace protocol;

namespace {

// A link we create, by kind, for diffing (bridge ports are diffed separately).
struct LinkObj {
    enum class Type { Tap, Bridge, Veth, Vxlan, Ifb } type;
    TapSpec tap;
    BridgeSpec bridge;
    VethSpec veth;
    VxlanSpec vxlan;

    bool sameAs(const LinkObj &o) const
    {
        if (type != o.type)
            return false;
        switch (type) {
        case Type::Tap: return tap == o.tap;
        case Type::Bridge: {
            BridgeSpec a = bridge, b = o.bridge;
            a.ports.clear();
            b.ports.clear();
            a.vlans.clear();
            b.vlans.clear();
            return a == b;
        }
        case Type::Veth: return veth == o.veth;
        case Type::Vxlan: return vxlan == o.vxlan;
        case Type::Ifb: return true;
        }
        return false;
    }
    Action create(uid_t uid, const QString &ifname) const
    {
        Action a;
        a.ifname = ifname;
        switch (type) {
        case Type::Tap: a.kind = Action::Kind::CreateTap; a.tap = tap; a.uid = uid; break;
        case Type::Bridge:
            a.kind = Action::Kind::CreateBridge;
            a.bridge = bridge;
            a.bridge.ports.clear();
            a.bridge.vlans.clear();
            break;
        case Type::Veth: a.kind = Action::Kind::CreateVeth; a.veth = veth; break;
        case Type::Vxlan: a.kind = Action::Kind::CreateVxlan; a.vxlan = vxlan; break;
        case Type::Ifb: a.kind = Action::Kind::CreateIfb; break;
        }
        return a;
    }
};

// Ordered map ifname -> object; order = taps, veths, vxlans, IFBs, bridges (creation order).
QList<std::pair<QString, LinkObj>> links(const HostState &s)
{
    QList<std::pair<QString, LinkObj>> out;
    for (const auto &t : s.taps)
        out.append({t.ifname, LinkObj{LinkObj::Type::Tap, t, {}, {}, {}}});
    for (const auto &v : s.veths)
        out.append({v.ifname, LinkObj{LinkObj::Type::Veth, {}, {}, v, {}}});
    for (const auto &v : s.vxlans)
        out.append({v.ifname, LinkObj{LinkObj::Type::Vxlan, {}, {}, {}, v}});
    for (const QString &ifb : ifbIfnames(s))
        out.append({ifb, LinkObj{LinkObj::Type::Ifb, {}, {}, {}, {}}});
    for (const auto &b : s.bridges)
        out.append({b.ifname, LinkObj{LinkObj::Type::Bridge, {}, b, {}, {}}});
    return out;
}

std::optional<LinkObj> find(const QList<std::pair<QString, LinkObj>> &list, const QString &name)
{
    for (const auto &p : list)
        if (p.first == name)
            return p.second;
    return std::nullopt;
}

QList<std::pair<QString, QString>> ports(const HostState &s)
{
    QList<std::pair<QString, QString>> out;
    for (const auto &b : s.bridges)
        for (const QString &p : b.ports)
            out.append({p, b.ifname});
    return out;
}

QList<std::pair<QString, QString>> physical(const HostState &s)
{
    QList<std::pair<QString, QString>> out;
    for (const auto &u : s.uplinks)
        out.append({u.ifname, u.bridge});
    return out;
}

std::optional<LinkSpec> linkSpec(const HostState &s, const QString &name)
{
    for (const auto &l : s.links)
        if (l.ifname == name)
            return l;
    return std::nullopt;
}

std::optional<DnsmasqSpec> dnsSpec(const HostState &s, const QString &name)
{
    for (const auto &d : s.dnsmasq)
        if (d.ifname == name)
            return d;
    return std::nullopt;
}

std::optional<ImpairmentSpec> impairmentOf(const HostState &s, const QString &name)
{
    for (const auto &i : s.impairments)
        if (i.ifname == name)
            return i;
    return std::nullopt;
}

// The impairment entry whose IFB is `ifb` (its ingress is what the IFB's qdiscs realize).
std::optional<ImpairmentSpec> impairmentByIfb(const HostState &s, const QString &ifb)
{
    for (const auto &i : s.impairments)
        if (i.ifbIfname == ifb)
            return i;
    return std::nullopt;
}

// The largest frame `ifname` carries: its MTU (link setting over tap/bridge spec, at least
// 1500) plus an Ethernet header with one VLAN tag.
std::uint32_t frameBytes(const HostState &s, const QString &ifname)
{
    int mtu = 0;
    for (const auto &t : s.taps)
        if (t.ifname == ifname)
            mtu = t.mtu;
    for (const auto &b : s.bridges)
        if (b.ifname == ifname)
            mtu = b.mtu;
    if (const auto l = linkSpec(s, ifname); l && l->mtu > 0)
        mtu = l->mtu;
    return std::uint32_t(std::max(mtu, 1500) + 18);
}

QStringList sortedNames(const QSet<QString> &names)
{
    QStringList out(names.cbegin(), names.cend());
    out.sort();
    return out;
}

Action make(Action::Kind kind, const QString &ifname = {})
{
    Action a;
    a.kind = kind;
    a.ifname = ifname;
    return a;
}

Action slave(Action::Kind kind, const QString &ifname, const QString &master)
{
    Action a = make(kind, ifname);
    a.master = master;
    return a;
}

Action address(Action::Kind kind, const QString &ifname, const QString &cidr)
{
    Action a = make(kind, ifname);
    a.cidr = cidr;
    return a;
}

Action setLink(const LinkSpec &l)
{
    Action a = make(Action::Kind::SetLink, l.ifname);
    a.link = l;
    return a;
}

Action startDns(const QString &network, const DnsmasqSpec &d)
{
    Action a = make(Action::Kind::StartDnsmasq, d.ifname);
    a.network = network;
    a.dnsmasq = d;
    return a;
}

Action stopDns(const QString &network, const QString &ifname)
{
    Action a = make(Action::Kind::StopDnsmasq, ifname);
    a.network = network;
    return a;
}

Action qdiscs(const QString &ifname, const Impairment &imp, std::uint32_t frame)
{
    Action a = make(Action::Kind::SetQdiscs, ifname);
    a.impairment = imp;
    a.frameBytes = frame;
    return a;
}

Action redirect(const QString &ifname, const QString &ifb)
{
    Action a = make(Action::Kind::RedirectIngress, ifname);
    a.master = ifb;
    return a;
}

// (port, bridge) -> the port's VLAN entries, for every bridge of `s`.
QHash<std::pair<QString, QString>, QList<BridgeVlan>> portVlans(const HostState &s)
{
    QHash<std::pair<QString, QString>, QList<BridgeVlan>> out;
    for (const auto &b : s.bridges)
        for (const auto &p : b.vlans)
            out.insert({p.ifname, b.ifname}, p.vlans);
    return out;
}

Action vlans(const QString &ifname, const QString &bridge, const QList<BridgeVlan> &entries)
{
    Action a = slave(Action::Kind::SetBridgeVlans, ifname, bridge);
    a.vlans = entries;
    return a;
}

QString flag(bool b) { return b ? QStringLiteral("1") : QStringLiteral("0"); }
QString orDash(const QString &s) { return s.isEmpty() ? QStringLiteral("-") : s; }

}  // namespace

QString Action::describe() const
{
    switch (kind) {
    case Kind::None: return QStringLiteral("none");
    case Kind::CreateTap:
        return QStringLiteral("create-tap %1 owner=%2 mtu=%3 mac=%4 vnethdr=%5")
            .arg(ifname)
            .arg(uid)
            .arg(tap.mtu)
            .arg(orDash(tap.mac), flag(tap.vnetHdr));
    case Kind::CreateBridge:
        return QStringLiteral("create-bridge %1 mtu=%2 stp=%3 vlan-filtering=%4")
            .arg(ifname)
            .arg(bridge.mtu)
            .arg(flag(bridge.stp), flag(bridge.vlanFiltering));
    case Kind::CreateVeth: return QStringLiteral("create-veth %1 peer=%2").arg(ifname, veth.peer);
    case Kind::CreateVxlan:
        return QStringLiteral("create-vxlan %1 vni=%2 remote=%3 group=%4 local=%5 device=%6 port=%7 ttl=%8")
            .arg(ifname)
            .arg(vxlan.vni)
            .arg(orDash(vxlan.remote), orDash(vxlan.group), orDash(vxlan.local), orDash(vxlan.device))
            .arg(vxlan.dstPort)
            .arg(vxlan.ttl);
    case Kind::DeleteLink: return QStringLiteral("delete-link %1").arg(ifname);
    case Kind::Enslave: return QStringLiteral("enslave %1 master=%2").arg(ifname, master);
    case Kind::Release: return QStringLiteral("release %1 master=%2").arg(ifname, master);
    case Kind::AddAddress: return QStringLiteral("add-address %1 %2").arg(ifname, cidr);
    case Kind::DeleteAddress: return QStringLiteral("delete-address %1 %2").arg(ifname, cidr);
    case Kind::SetLink:
        return QStringLiteral("set-link %1 up=%2 mtu=%3 mac=%4").arg(ifname, flag(link.up)).arg(link.mtu).arg(orDash(link.mac));
    case Kind::EnableForwarding: return QStringLiteral("enable-forwarding");
    case Kind::RestoreForwarding: return QStringLiteral("restore-forwarding");
    case Kind::EnableForwarding6: return QStringLiteral("enable-forwarding6 uplinks=%1").arg(text);
    case Kind::RestoreForwarding6: return QStringLiteral("restore-forwarding6");
    case Kind::LoadNft: {
        const bool deleteOnly = !text.contains(QLatin1String("{"));
        const QString verb = text.startsWith(QLatin1String("table ip6 ")) ? QStringLiteral("load-nft6") : QStringLiteral("load-nft");
        return deleteOnly ? verb + QStringLiteral(" delete-table")
                          : verb + QStringLiteral(" replace-table lines=%1").arg(text.count(u'\n'));
    }
    case Kind::StartDnsmasq: return QStringLiteral("start-dnsmasq %1/%2").arg(network, ifname);
    case Kind::StopDnsmasq: return QStringLiteral("stop-dnsmasq %1/%2").arg(network, ifname);
    case Kind::CreateIfb: return QStringLiteral("create-ifb %1").arg(ifname);
    case Kind::SetQdiscs: return QStringLiteral("set-qdiscs %1 %2 frame=%3").arg(ifname, toSpec(impairment)).arg(frameBytes);
    case Kind::ClearQdiscs: return QStringLiteral("clear-qdiscs %1").arg(ifname);
    case Kind::RedirectIngress: return QStringLiteral("redirect-ingress %1 ifb=%2").arg(ifname, master);
    case Kind::ClearIngress: return QStringLiteral("clear-ingress %1").arg(ifname);
    case Kind::InsertAccepts:
    case Kind::RemoveAccepts:
        return QStringLiteral("%1 %2/%3 %4 %5 %6 %7 established=%8")
            .arg(kind == Kind::InsertAccepts ? QStringLiteral("insert-accepts") : QStringLiteral("remove-accepts"),
                 network, filterAccept.ifname, protocol::filterBackendName(filterAccept.backend), filterAccept.family,
                 filterAccept.table, filterAccept.chain, flag(filterAccept.established));
    case Kind::SetRouteLocalnet: return QStringLiteral("set-route-localnet %1").arg(ifname);
    case Kind::ClearRouteLocalnet: return QStringLiteral("clear-route-localnet %1").arg(ifname);
    case Kind::SetBridgeVlans: return QStringLiteral("set-vlans %1 master=%2 %3").arg(ifname, master, describeVlans(vlans));
    }
    return QStringLiteral("?");
}

QString describeSteps(const QList<Step> &steps)
{
    QString out;
    for (qsizetype i = 0; i < steps.size(); ++i)
        out += QStringLiteral("%1: %2 | undo: %3\n").arg(i).arg(steps[i].apply.describe(), steps[i].undo.describe());
    return out;
}

QList<Step> buildSteps(const QString &network, uid_t uid, const HostState &cur, const HostState &want,
                       const GlobalContext &global)
{
    using K = Action::Kind;
    QList<Step> steps;
    const auto curLinks = links(cur);
    const auto wantLinks = links(want);

    QSet<QString> deleted;   // links removed or re-created
    QSet<QString> created;   // links new or re-created
    for (const auto &[name, obj] : curLinks) {
        const auto w = find(wantLinks, name);
        if (!w || !w->sameAs(obj))
            deleted.insert(name);
    }
    for (const auto &[name, obj] : wantLinks) {
        const auto c = find(curLinks, name);
        if (!c || !c->sameAs(obj))
            created.insert(name);
    }
    // A veth's peer goes and comes with it.
    const auto peers = [](const HostState &s, const QSet<QString> &names) {
        QSet<QString> out = names;
        for (const auto &v : s.veths)
            if (names.contains(v.ifname))
                out.insert(v.peer);
        return out;
    };
    const QSet<QString> goneNames = peers(cur, deleted);
    const QSet<QString> newNames = peers(want, created);

    // Addresses.
    QSet<QString> addrChanged;  // interfaces whose addresses change (dnsmasq restarts)
    QList<AddressSpec> delAddr, addAddr;
    for (const auto &a : cur.addresses)
        if (!want.addresses.contains(a) || goneNames.contains(a.ifname)) {
            delAddr.append(a);
            addrChanged.insert(a.ifname);
        }
    for (const auto &a : want.addresses)
        if (!cur.addresses.contains(a) || newNames.contains(a.ifname)) {
            addAddr.append(a);
            addrChanged.insert(a.ifname);
        }

    // 0. The doctor's repairs that go away (or change).
    const auto accepts = [&network](Action::Kind kind, const FilterAcceptSpec &f) {
        Action a = make(kind);
        a.network = network;
        a.filterAccept = f;
        return a;
    };
    for (const auto &f : cur.filterAccepts)
        if (!want.filterAccepts.contains(f))
            steps.append({accepts(K::RemoveAccepts, f), accepts(K::InsertAccepts, f)});

    // 1. dnsmasq instances that go away or change.
    QList<DnsmasqSpec> startDnsmasq;
    for (const auto &d : cur.dnsmasq) {
        const auto w = dnsSpec(want, d.ifname);
        if (!w || !(*w == d) || goneNames.contains(d.ifname) || addrChanged.contains(d.ifname))
            steps.append({stopDns(network, d.ifname), startDns(network, d)});
    }
    for (const auto &d : want.dnsmasq) {
        const auto c = dnsSpec(cur, d.ifname);
        if (!c || !(*c == d) || newNames.contains(d.ifname) || addrChanged.contains(d.ifname))
            startDnsmasq.append(d);
    }
    // 2./3. Physical uplinks and ports leaving their bridges.
    const auto curPhys = physical(cur), wantPhys = physical(want);
    // A port's VLAN entries go with its release; the undo re-enslaves it and then (this
    // step's undo runs after) sets them again.
    const auto curVlans = portVlans(cur), wantVlans = portVlans(want);
    const auto keepVlans = [&](const std::pair<QString, QString> &p) {
        if (const auto it = curVlans.constFind(p); it != curVlans.cend())
            steps.append({make(K::None), vlans(p.first, p.second, *it)});
    };
    for (const auto &p : curPhys)
        if (!wantPhys.contains(p) || goneNames.contains(p.second)) {
            keepVlans(p);
            steps.append({slave(K::Release, p.first, p.second), slave(K::Enslave, p.first, p.second)});
        }
    const auto curPorts = ports(cur), wantPorts = ports(want);
    for (const auto &p : curPorts)
        if (!wantPorts.contains(p) || goneNames.contains(p.first) || goneNames.contains(p.second)) {
            keepVlans(p);
            steps.append({slave(K::Release, p.first, p.second), slave(K::Enslave, p.first, p.second)});
        }
    // 4. Addresses that go.
    for (const auto &a : delAddr)
        steps.append({address(K::DeleteAddress, a.ifname, a.cidr), address(K::AddAddress, a.ifname, a.cidr)});
    // 4b. Impairments that go or move: redirects and root qdiscs on surviving links are
    //     removed; those that vanish with their link come back on undo after re-creation.
    for (const auto &c : cur.impairments) {
        const auto w = impairmentOf(want, c.ifname);
        const bool gone = goneNames.contains(c.ifname);
        const std::uint32_t frame = frameBytes(cur, c.ifname);
        if (!c.ingress.isNone()) {
            const bool keep = w && !w->ingress.isNone() && w->ifbIfname == c.ifbIfname && !gone
                && !goneNames.contains(c.ifbIfname);
            if (!keep)
                steps.append({make(K::ClearIngress, c.ifname), redirect(c.ifname, c.ifbIfname)});
            if (goneNames.contains(c.ifbIfname))
                steps.append({make(K::None), qdiscs(c.ifbIfname, c.ingress, frame)});
        }
        if (!c.egress.isNone()) {
            if (gone)
                steps.append({make(K::None), qdiscs(c.ifname, c.egress, frame)});
            else if (!w || w->egress.isNone())
                steps.append({make(K::ClearQdiscs, c.ifname), qdiscs(c.ifname, c.egress, frame)});
        }
    }
    // Gateways whose forwards take loopback (route_localnet).
    const auto localnet = [](const HostState &s) {
        QSet<QString> out;
        for (const NatSpec &n : s.nat)
            if (natTakesLoopback(n))
                out.insert(n.ifname);
        return out;
    };
    const QSet<QString> curLocalnet = localnet(cur), wantLocalnet = localnet(want);
    // 5./6. Links that go: their settings come back on undo after they are re-created.
    for (const auto &[name, obj] : curLinks) {
        if (!deleted.contains(name))
            continue;
        if (curLocalnet.contains(name))
            steps.append({make(K::None), make(K::SetRouteLocalnet, name)});
        if (const auto l = linkSpec(cur, name))
            steps.append({make(K::None), setLink(*l)});
        if (obj.type == LinkObj::Type::Veth)
            if (const auto l = linkSpec(cur, obj.veth.peer))
                steps.append({make(K::None), setLink(*l)});
        if (obj.type == LinkObj::Type::Bridge)  // the bridge's own entries, after re-creation
            keepVlans({name, name});
        steps.append({make(K::DeleteLink, name), obj.create(uid, name)});
    }
    // 7. Links that come.
    for (const auto &[name, obj] : wantLinks)
        if (created.contains(name))
            steps.append({obj.create(uid, name), make(K::DeleteLink, name)});
    // 8. Link settings (new links: undone by their deletion).
    for (const auto &l : want.links) {
        const auto old = linkSpec(cur, l.ifname);
        if (newNames.contains(l.ifname))
            steps.append({setLink(l), make(K::None)});
        else if (!old || !(*old == l)) {
            LinkSpec back = old ? *old : LinkSpec{l.ifname, false, 0, {}};
            steps.append({setLink(l), setLink(back)});
        }
    }
    // 9./10. Ports and physical uplinks joining bridges.
    for (const auto &p : wantPorts)
        if (!curPorts.contains(p) || newNames.contains(p.first) || newNames.contains(p.second))
            steps.append({slave(K::Enslave, p.first, p.second), slave(K::Release, p.first, p.second)});
    QSet<std::pair<QString, QString>> fresh;  // ports (and bridges) without entries yet
    for (const auto &p : wantPorts)
        if (!curPorts.contains(p) || newNames.contains(p.first) || newNames.contains(p.second))
            fresh.insert(p);
    for (const auto &p : wantPhys)
        if (!curPhys.contains(p) || newNames.contains(p.second)) {
            steps.append({slave(K::Enslave, p.first, p.second), slave(K::Release, p.first, p.second)});
            fresh.insert(p);
        }
    for (const auto &b : want.bridges)
        if (newNames.contains(b.ifname))
            fresh.insert({b.ifname, b.ifname});
    // 10b. VLAN entries of bridge ports: set where new or changed; entries that stop
    //      (a bridge that stays, no longer filtering, is re-created) are cleared in place.
    for (const auto &b : want.bridges)
        for (const auto &pv : b.vlans) {
            const std::pair<QString, QString> key{pv.ifname, b.ifname};
            if (fresh.contains(key)) {
                steps.append({vlans(pv.ifname, b.ifname, pv.vlans), make(K::None)});
            } else if (curVlans.value(key) != pv.vlans) {
                steps.append({vlans(pv.ifname, b.ifname, pv.vlans), vlans(pv.ifname, b.ifname, curVlans.value(key))});
            }
        }
    for (const auto &b : cur.bridges)
        for (const auto &pv : b.vlans) {
            const std::pair<QString, QString> key{pv.ifname, b.ifname};
            const bool stays = pv.ifname == b.ifname ? !deleted.contains(b.ifname) && find(wantLinks, b.ifname).has_value()
                                                     : (wantPorts.contains(key) || wantPhys.contains(key)) && !fresh.contains(key);
            if (stays && !wantVlans.contains(key))
                steps.append({vlans(pv.ifname, b.ifname, {}), vlans(pv.ifname, b.ifname, pv.vlans)});
        }
    // 11. Addresses that come.
    for (const auto &a : addAddr)
        steps.append({address(K::AddAddress, a.ifname, a.cidr), address(K::DeleteAddress, a.ifname, a.cidr)});
    // 11b. Impairments: the IFB's qdiscs (ingress), the root qdiscs (egress, changed in
    //      place when the link survives), then the redirect into the IFB.
    for (const auto &w : want.impairments) {
        const auto c = impairmentOf(cur, w.ifname);
        const bool isNew = newNames.contains(w.ifname);
        const std::uint32_t frame = frameBytes(want, w.ifname);
        const std::uint32_t oldFrame = c ? frameBytes(cur, c->ifname) : 0;
        if (!w.ingress.isNone()) {
            const bool ifbNew = newNames.contains(w.ifbIfname);
            const auto before = impairmentByIfb(cur, w.ifbIfname);
            const Impairment oldIngress = before ? before->ingress : Impairment{};
            const std::uint32_t oldIfbFrame = before ? frameBytes(cur, before->ifname) : 0;
            if (ifbNew || oldIngress != w.ingress || oldIfbFrame != frame) {
                const Action undo = ifbNew                ? make(K::None)
                                    : oldIngress.isNone() ? make(K::ClearQdiscs, w.ifbIfname)
                                                          : qdiscs(w.ifbIfname, oldIngress, oldIfbFrame);
                steps.append({qdiscs(w.ifbIfname, w.ingress, frame), undo});
            }
        }
        if (!w.egress.isNone()) {
            const bool same = c && !isNew && c->egress == w.egress && oldFrame == frame;
            if (!same) {
                const Action undo = isNew                           ? make(K::None)
                                    : (c && !c->egress.isNone()) ? qdiscs(w.ifname, c->egress, oldFrame)
                                                                 : make(K::ClearQdiscs, w.ifname);
                steps.append({qdiscs(w.ifname, w.egress, frame), undo});
            }
        }
        if (!w.ingress.isNone()) {
            const bool kept = c && !c->ingress.isNone() && c->ifbIfname == w.ifbIfname && !isNew
                && !newNames.contains(w.ifbIfname);
            if (!kept)
                steps.append({redirect(w.ifname, w.ifbIfname), make(K::ClearIngress, w.ifname)});
        }
    }
    // 12. IPv4 forwarding (host-global).
    const bool fwdBefore = cur.ipv4Forwarding || global.otherForwarding;
    const bool fwdAfter = want.ipv4Forwarding || global.otherForwarding;
    if (!fwdBefore && fwdAfter)
        steps.append({make(K::EnableForwarding), make(K::RestoreForwarding)});
    else if (fwdBefore && !fwdAfter)
        steps.append({make(K::RestoreForwarding), make(K::EnableForwarding)});
    // 12b. route_localnet on gateways that start taking loopback (before their rules).
    for (const QString &name : sortedNames(wantLocalnet))
        if (!curLocalnet.contains(name) || newNames.contains(name))
            steps.append({make(K::SetRouteLocalnet, name),
                          make(newNames.contains(name) ? K::None : K::ClearRouteLocalnet, name)});
    // 13. The nftables table (host-global).
    if (cur.nat != want.nat) {
        Action load = make(K::LoadNft), back = make(K::LoadNft);
        load.text = buildNftScript(global.otherNat + want.nat);
        back.text = buildNftScript(global.otherNat + cur.nat);
        steps.append({load, back});
    }
    // 13b. route_localnet off where no rule needs it any more (on surviving links).
    for (const QString &name : sortedNames(curLocalnet))
        if (!wantLocalnet.contains(name) && !goneNames.contains(name))
            steps.append({make(K::ClearRouteLocalnet, name), make(K::SetRouteLocalnet, name)});
    // 13c. IPv6 forwarding and the ip6 table (host-global), like 12./13.
    const bool fwd6Before = cur.ipv6Forwarding || global.otherForwarding6;
    const bool fwd6After = want.ipv6Forwarding || global.otherForwarding6;
    if (!fwd6Before && fwd6After) {
        QStringList uplinks;
        for (const auto &n : want.nat6)
            for (const QString &u : n.uplinks)
                if (!uplinks.contains(u))
                    uplinks << u;
        Action enable = make(K::EnableForwarding6);
        enable.text = uplinks.join(u' ');
        steps.append({enable, make(K::RestoreForwarding6)});
    } else if (fwd6Before && !fwd6After) {
        steps.append({make(K::RestoreForwarding6), make(K::EnableForwarding6)});
    }
    if (cur.nat6 != want.nat6) {
        Action load = make(K::LoadNft), back = make(K::LoadNft);
        load.text = buildNft6Script(global.otherNat6 + want.nat6);
        back.text = buildNft6Script(global.otherNat6 + cur.nat6);
        steps.append({load, back});
    }
    // 14. dnsmasq.
    for (const auto &d : startDnsmasq)
        steps.append({startDns(network, d), stopDns(network, d.ifname)});
    // 15. The doctor's new repairs (after our table and links).
    for (const auto &f : want.filterAccepts)
        if (!cur.filterAccepts.contains(f))
            steps.append({accepts(K::InsertAccepts, f), accepts(K::RemoveAccepts, f)});
    return steps;
}

HostState unionState(const HostState &a, const HostState &b)
{
    HostState u = a;
    const auto addBy = [](auto &into, const auto &from, auto key) {
        for (const auto &item : from) {
            bool present = false;
            for (const auto &have : into)
                present = present || key(have) == key(item);
            if (!present)
                into.append(item);
        }
    };
    const auto byName = [](const auto &x) { return x.ifname; };
    addBy(u.taps, b.taps, byName);
    addBy(u.veths, b.veths, byName);
    addBy(u.vxlans, b.vxlans, byName);
    for (const auto &br : b.bridges) {
        bool merged = false;
        for (auto &have : u.bridges) {
            if (have.ifname == br.ifname) {
                for (const QString &p : br.ports)
                    if (!have.ports.contains(p))
                        have.ports.append(p);
                for (const PortVlanSpec &v : br.vlans)
                    if (std::none_of(have.vlans.cbegin(), have.vlans.cend(), [&v](const PortVlanSpec &h) { return h.ifname == v.ifname; }))
                        have.vlans.append(v);
                merged = true;
            }
        }
        if (!merged)
            u.bridges.append(br);
    }
    addBy(u.addresses, b.addresses, [](const AddressSpec &x) { return x.ifname + u' ' + x.cidr; });
    addBy(u.links, b.links, byName);
    u.ipv4Forwarding = a.ipv4Forwarding || b.ipv4Forwarding;
    addBy(u.nat, b.nat, [](const NatSpec &x) { return x.ifname + u' ' + x.subnet; });
    addBy(u.dnsmasq, b.dnsmasq, byName);
    u.ipv6Forwarding = a.ipv6Forwarding || b.ipv6Forwarding;
    addBy(u.nat6, b.nat6, [](const NatSpec &x) { return x.ifname + u' ' + x.subnet; });
    addBy(u.uplinks, b.uplinks, byName);
    // By interface and IFB: recovery must find every IFB either state names.
    addBy(u.impairments, b.impairments, [](const ImpairmentSpec &x) { return x.ifname + u' ' + x.ifbIfname; });
    addBy(u.filterAccepts, b.filterAccepts, [](const FilterAcceptSpec &x) {
        return QStringList{filterBackendName(x.backend), x.family, x.table, x.chain, x.ifname}.join(u' ');
    });
    return u;
}

}  // namespace netloom::helper
