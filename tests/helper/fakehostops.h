// SPDX-License-Identifier: GPL-3.0-or-later
// A recording HostOps for unit tests of pure logic: it models the host as a set of
// objects ("link loomtap0", "addr loomtap0 10.0.2.1/24", "port loomtap0 loombr0",
// "dnsmasq net/loomtap0", "nft <script>", "forwarding 1", "qdisc loomtap0 delay=20ms",
// "ingress loomtap0 ->loomifb0") and fails like the kernel would (creating what exists,
// enslaving what does not exist, qdiscs on a missing link). Like the kernel, deleting an IFB
// leaves a redirect into it in place (a dangling redirect drops every frame), so a plan that
// forgets to remove it shows in the snapshot.
#pragma once

#include "hostops.h"

#include "protocol/bridgevlan.h"

#include <QHash>
#include <QSet>
#include <QStringList>

namespace netloom::helper::test {

class FakeHostOps : public HostOps {
public:
    QSet<QString> objects;
    QStringList log;
    bool forwarding = false;
    std::optional<bool> forwardingOriginal;
    QString nft;  // current table script ("" = no table)
    QString nft6; // current ip6 table script ("" = no table)
    bool forwarding6 = false;
    std::optional<bool> forwarding6Original;
    QStringList forwarding6Checked;  // uplinks the last enableForwarding6 checked
    QString refuseForwarding6;       // "" = allow; else enableForwarding6 fails with this
    QHash<QString, QString> peers;  // veth ends

    bool linkExists(const QString &ifname) override { return has(ifname); }
    Status createTap(const protocol::TapSpec &t, uid_t owner) override
    {
        log << QStringLiteral("create-tap %1 %2").arg(t.ifname).arg(owner);
        return create(t.ifname);
    }
    Status createBridge(const protocol::BridgeSpec &b) override { return create(b.ifname); }
    Status createVeth(const protocol::VethSpec &v) override
    {
        if (has(v.peer))
            return Error{ErrorCode::Conflict, QStringLiteral("exists")};
        if (auto s = create(v.ifname); !s)
            return s;
        peers.insert(v.ifname, v.peer);
        peers.insert(v.peer, v.ifname);
        return create(v.peer);
    }
    Status createVxlan(const protocol::VxlanSpec &v) override { return create(v.ifname); }
    Status deleteLink(const QString &ifname) override
    {
        log << QStringLiteral("delete %1").arg(ifname);
        if (peers.contains(ifname)) {
            const QString peer = peers.take(ifname);
            peers.remove(peer);
            (void)deleteLink(peer);
        }
        objects.remove(QStringLiteral("link ") + ifname);
        for (const QString &o : QSet<QString>(objects))
            if (o.startsWith(QStringLiteral("addr %1 ").arg(ifname)) || o.startsWith(QStringLiteral("port %1 ").arg(ifname))
                || o.startsWith(QStringLiteral("qdisc %1 ").arg(ifname)) || o.startsWith(QStringLiteral("ingress %1 ").arg(ifname))
                || o.endsWith(QStringLiteral(" ") + ifname) || o.startsWith(QStringLiteral("up ") + ifname)
                || o.startsWith(QStringLiteral("vlans %1 ").arg(ifname)))
                objects.remove(o);
        return ok();
    }
    Status enslave(const QString &ifname, const QString &master) override
    {
        if (!has(ifname) || !has(master))
            return Error{ErrorCode::NotFound, QStringLiteral("enslave: missing link")};
        objects.insert(QStringLiteral("port %1 %2").arg(ifname, master));
        return ok();
    }
    Status release(const QString &ifname, const QString &master) override
    {
        objects.remove(QStringLiteral("port %1 %2").arg(ifname, master));
        dropVlans(ifname);
        return ok();
    }
    // "vlans <ifname> <entries> <bridge>": gone with the port's release or either link.
    Status setBridgeVlans(const QString &ifname, const QString &bridge, const QList<protocol::BridgeVlan> &vlans) override
    {
        if (!has(bridge) || (ifname != bridge && !objects.contains(QStringLiteral("port %1 %2").arg(ifname, bridge))))
            return Error{ErrorCode::NotFound, QStringLiteral("set vlans: not a port")};
        dropVlans(ifname);
        if (!vlans.isEmpty())
            objects.insert(QStringLiteral("vlans %1 %2 %3").arg(ifname, protocol::describeVlans(vlans), bridge));
        return ok();
    }
    void dropVlans(const QString &ifname)
    {
        for (const QString &o : QSet<QString>(objects))
            if (o.startsWith(QStringLiteral("vlans %1 ").arg(ifname)))
                objects.remove(o);
    }
    Status addAddress(const QString &ifname, const QString &cidr) override
    {
        const QString key = QStringLiteral("addr %1 %2").arg(ifname, cidr);
        if (!has(ifname) || objects.contains(key))
            return Error{ErrorCode::Conflict, QStringLiteral("add address")};
        objects.insert(key);
        return ok();
    }
    Status deleteAddress(const QString &ifname, const QString &cidr) override
    {
        objects.remove(QStringLiteral("addr %1 %2").arg(ifname, cidr));
        return ok();
    }
    Status setLink(const protocol::LinkSpec &l) override
    {
        if (!has(l.ifname))
            return Error{ErrorCode::NotFound, QStringLiteral("set link")};
        if (l.up)
            objects.insert(QStringLiteral("up ") + l.ifname);
        else
            objects.remove(QStringLiteral("up ") + l.ifname);
        return ok();
    }
    Status enableForwarding() override
    {
        if (!forwardingOriginal)
            forwardingOriginal = forwarding;
        forwarding = true;
        return ok();
    }
    Status restoreForwarding() override
    {
        if (forwardingOriginal)
            forwarding = *forwardingOriginal;
        forwardingOriginal.reset();
        return ok();
    }
    // "tcp/8080" -> the owner portUser() reports (every address).
    QHash<QString, QString> portUsers;
    Result<QString> portUser(const protocol::ForwardSpec &f) override
    {
        return portUsers.value(QStringLiteral("%1/%2").arg(protocol::forwardProtocolName(f.protocol)).arg(f.hostPort));
    }
    // "localnet <ifname>" while route_localnet is 1 (goes with the link).
    Status setRouteLocalnet(const QString &ifname, bool on) override
    {
        if (on && !has(ifname))
            return Error{ErrorCode::NotFound, QStringLiteral("no link %1").arg(ifname)};
        if (on)
            objects.insert(QStringLiteral("localnet ") + ifname);
        else
            objects.remove(QStringLiteral("localnet ") + ifname);
        return ok();
    }
    Status loadNft(const QString &script) override
    {
        const qsizetype brace = script.indexOf(u'{');
        (script.startsWith(QLatin1String("table ip6 ")) ? nft6 : nft) = brace < 0 ? QString() : script.mid(brace);
        return ok();
    }
    Status enableForwarding6(const QStringList &uplinks) override
    {
        forwarding6Checked = uplinks;
        if (!refuseForwarding6.isEmpty())
            return Error{ErrorCode::Conflict, refuseForwarding6};
        if (!forwarding6Original)
            forwarding6Original = forwarding6;
        forwarding6 = true;
        return ok();
    }
    Status restoreForwarding6() override
    {
        if (forwarding6Original)
            forwarding6 = *forwarding6Original;
        forwarding6Original.reset();
        return ok();
    }
    Status startDnsmasq(const QString &network, const protocol::DnsmasqSpec &d) override
    {
        const QString key = QStringLiteral("dnsmasq %1/%2").arg(network, d.ifname);
        if (objects.contains(key) || !has(d.ifname))
            return Error{ErrorCode::Conflict, QStringLiteral("dnsmasq")};
        objects.insert(key);
        return ok();
    }
    Status stopDnsmasq(const QString &network, const QString &ifname) override
    {
        objects.remove(QStringLiteral("dnsmasq %1/%2").arg(network, ifname));
        return ok();
    }

    Status createIfb(const QString &ifname) override
    {
        log << QStringLiteral("create-ifb %1").arg(ifname);
        if (auto s = create(ifname); !s)
            return s;
        objects.insert(QStringLiteral("up ") + ifname);
        return ok();
    }
    Status setQdiscs(const QString &ifname, const protocol::Impairment &egress, std::uint32_t frameBytes) override
    {
        log << QStringLiteral("set-qdiscs %1 %2").arg(ifname, protocol::toSpec(egress));
        if (!has(ifname))
            return Error{ErrorCode::NotFound, QStringLiteral("set qdiscs: missing link")};
        (void)clearQdiscs(ifname);
        objects.insert(QStringLiteral("qdisc %1 %2 frame=%3").arg(ifname, protocol::toSpec(egress)).arg(frameBytes));
        return ok();
    }
    Status clearQdiscs(const QString &ifname) override
    {
        for (const QString &o : QSet<QString>(objects))
            if (o.startsWith(QStringLiteral("qdisc %1 ").arg(ifname)))
                objects.remove(o);
        return ok();
    }
    Status redirectIngress(const QString &ifname, const QString &ifb) override
    {
        log << QStringLiteral("redirect-ingress %1 %2").arg(ifname, ifb);
        if (!has(ifname) || !has(ifb))
            return Error{ErrorCode::NotFound, QStringLiteral("redirect: missing link")};
        (void)clearIngress(ifname);
        objects.insert(QStringLiteral("ingress %1 ->%2").arg(ifname, ifb));
        return ok();
    }
    Status clearIngress(const QString &ifname) override
    {
        for (const QString &o : QSet<QString>(objects))
            if (o.startsWith(QStringLiteral("ingress %1 ").arg(ifname)))
                objects.remove(o);
        return ok();
    }

    // The doctor's repairs: one object per spec; inserting needs the chain (`chains`).
    QSet<QString> chains;  // "family table chain" of foreign chains that exist
    Status insertAccepts(const QString &network, const protocol::FilterAcceptSpec &f) override
    {
        log << QStringLiteral("insert-accepts %1 %2").arg(network, f.ifname);
        if (!chains.contains(QStringList{f.family, f.table, f.chain}.join(u' ')))
            return Error{ErrorCode::NotFound, QStringLiteral("no such chain")};
        const QString key = QStringLiteral("accept %1 %2 %3 %4 %5").arg(network, f.family, f.table, f.chain, f.ifname);
        if (objects.contains(key))
            return Error{ErrorCode::Conflict, QStringLiteral("accept rules exist")};
        objects.insert(key);
        return ok();
    }
    Status removeAccepts(const QString &network, const protocol::FilterAcceptSpec &f) override
    {
        objects.remove(QStringLiteral("accept %1 %2 %3 %4 %5").arg(network, f.family, f.table, f.chain, f.ifname));
        return ok();
    }

    QString snapshot() const
    {
        QStringList all(objects.begin(), objects.end());
        all.sort();
        return all.join(u'\n') + QStringLiteral("\nforwarding=%1\nnft=%2").arg(forwarding).arg(nft)
            + QStringLiteral("\nforwarding6=%1\nnft6=%2").arg(forwarding6).arg(nft6);
    }

private:
    bool has(const QString &ifname) const { return objects.contains(QStringLiteral("link ") + ifname); }
    Status create(const QString &ifname)
    {
        if (has(ifname))
            return Error{ErrorCode::Conflict, QStringLiteral("exists")};
        objects.insert(QStringLiteral("link ") + ifname);
        return ok();
    }
};

}  // namespace netloom::helper::test
