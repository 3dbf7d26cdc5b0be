// SPDX-License-Identifier: GPL-3.0-or-later
#include "hoststate.h"

#include "bridgevlan.h"

#include <QJsonArray>

namespace netloom::protocol {

namespace {

QJsonArray strings(const QStringList &list)
{
    QJsonArray a;
    for (const QString &s : list)
        a.append(s);
    return a;
}

template <typename T, typename F>
QJsonArray array(const QList<T> &list, F &&encode)
{
    QJsonArray a;
    for (const T &item : list)
        a.append(encode(item));
    return a;
}

}  // namespace

bool HostState::isEmpty() const
{
    return taps.isEmpty() && bridges.isEmpty() && veths.isEmpty() && vxlans.isEmpty()
        && addresses.isEmpty() && links.isEmpty() && !ipv4Forwarding && nat.isEmpty() && !ipv6Forwarding && nat6.isEmpty()
        && dnsmasq.isEmpty() && uplinks.isEmpty() && impairments.isEmpty() && filterAccepts.isEmpty();
}

QString natModeName(NatSpec::Mode mode)
{
    return mode == NatSpec::Mode::Masquerade ? QStringLiteral("masquerade") : QStringLiteral("route");
}

QString forwardProtocolName(ForwardSpec::Protocol protocol)
{
    return protocol == ForwardSpec::Protocol::Udp ? QStringLiteral("udp") : QStringLiteral("tcp");
}

QString forwardFamilyName(ForwardSpec::Family family)
{
    return family == ForwardSpec::Family::Ipv6 ? QStringLiteral("ipv6") : QStringLiteral("ipv4");
}

QString describeForward(const ForwardSpec &f)
{
    const bool v6 = f.family == ForwardSpec::Family::Ipv6;
    const auto addr = [v6](const QString &a) { return v6 ? u'[' + a + u']' : a; };
    const QString host = f.hostAddress.isEmpty() ? QString::number(f.hostPort)
                                                  : QStringLiteral("%1:%2").arg(addr(f.hostAddress)).arg(f.hostPort);
    return QStringLiteral("%1%2 %3 -> %4:%5")
        .arg(forwardProtocolName(f.protocol), v6 ? QStringLiteral("6") : QString(), host, addr(f.guestAddress))
        .arg(f.guestPort);
}

namespace {
// One entry of `nat` or `nat6`.
QJsonObject natJson(const NatSpec &n)
{
    QJsonObject j{{QStringLiteral("ifname"), n.ifname}, {QStringLiteral("subnet"), n.subnet},
                  {QStringLiteral("mode"), natModeName(n.mode)},
                  {QStringLiteral("uplinks"), strings(n.uplinks)}};
    // Only when present, so states without forwards keep their form.
    if (!n.forwards.isEmpty())
        j[QStringLiteral("forwards")] = array(n.forwards, [](const ForwardSpec &f) {
            return QJsonObject{{QStringLiteral("family"), forwardFamilyName(f.family)},
                               {QStringLiteral("protocol"), forwardProtocolName(f.protocol)},
                               {QStringLiteral("hostAddress"), f.hostAddress},
                               {QStringLiteral("hostPort"), int(f.hostPort)},
                               {QStringLiteral("guestAddress"), f.guestAddress},
                               {QStringLiteral("guestPort"), int(f.guestPort)}};
        });
    return j;
}
}  // namespace

QJsonObject toJson(const HostState &s)
{
    QJsonObject o;
    o[QStringLiteral("taps")] = array(s.taps, [](const TapSpec &t) {
        return QJsonObject{{QStringLiteral("ifname"), t.ifname}, {QStringLiteral("mtu"), t.mtu},
                           {QStringLiteral("mac"), t.mac}, {QStringLiteral("vnetHdr"), t.vnetHdr}};
    });
    o[QStringLiteral("bridges")] = array(s.bridges, [](const BridgeSpec &b) {
        QJsonObject bo{{QStringLiteral("ifname"), b.ifname}, {QStringLiteral("mtu"), b.mtu},
                       {QStringLiteral("stp"), b.stp}, {QStringLiteral("vlanFiltering"), b.vlanFiltering},
                       {QStringLiteral("ports"), strings(b.ports)}};
        if (!b.vlans.isEmpty())
            bo[QStringLiteral("vlans")] = portVlansToJson(b.vlans);
        return bo;
    });
    o[QStringLiteral("veths")] = array(s.veths, [](const VethSpec &v) {
        return QJsonObject{{QStringLiteral("ifname"), v.ifname}, {QStringLiteral("peer"), v.peer}};
    });
    o[QStringLiteral("vxlans")] = array(s.vxlans, [](const VxlanSpec &v) {
        return QJsonObject{{QStringLiteral("ifname"), v.ifname}, {QStringLiteral("vni"), qint64(v.vni)},
                           {QStringLiteral("remote"), v.remote}, {QStringLiteral("group"), v.group},
                           {QStringLiteral("local"), v.local}, {QStringLiteral("device"), v.device},
                           {QStringLiteral("dstPort"), int(v.dstPort)}, {QStringLiteral("ttl"), v.ttl}};
    });
    o[QStringLiteral("addresses")] = array(s.addresses, [](const AddressSpec &a) {
        return QJsonObject{{QStringLiteral("ifname"), a.ifname}, {QStringLiteral("cidr"), a.cidr}};
    });
    o[QStringLiteral("links")] = array(s.links, [](const LinkSpec &l) {
        return QJsonObject{{QStringLiteral("ifname"), l.ifname}, {QStringLiteral("up"), l.up},
                           {QStringLiteral("mtu"), l.mtu}, {QStringLiteral("mac"), l.mac}};
    });
    o[QStringLiteral("ipv4Forwarding")] = s.ipv4Forwarding;
    o[QStringLiteral("nat")] = array(s.nat, natJson);
    o[QStringLiteral("dnsmasq")] = array(s.dnsmasq, [](const DnsmasqSpec &d) {
        QJsonObject o6;
        if (!d.address6.isEmpty())
            o6 = QJsonObject{{QStringLiteral("address"), d.address6},
                             {QStringLiteral("prefixLength"), d.prefixLength6},
                             {QStringLiteral("ra"), d.ra},
                             {QStringLiteral("dhcp"), d.dhcp6},
                             {QStringLiteral("rangeStart"), d.rangeStart6},
                             {QStringLiteral("rangeEnd"), d.rangeEnd6},
                             {QStringLiteral("leaseSeconds"), qint64(d.leaseSeconds6)}};
        QJsonObject o = QJsonObject{
            {QStringLiteral("ifname"), d.ifname},
            {QStringLiteral("address"), d.address},
            {QStringLiteral("prefixLength"), d.prefixLength},
            {QStringLiteral("dhcp"), d.dhcp},
            {QStringLiteral("rangeStart"), d.rangeStart},
            {QStringLiteral("rangeEnd"), d.rangeEnd},
            {QStringLiteral("leaseSeconds"), qint64(d.leaseSeconds)},
            {QStringLiteral("domain"), d.domain},
            {QStringLiteral("dns"), d.dns},
            {QStringLiteral("hosts"), array(d.hosts, [](const DhcpHost &h) {
                 return QJsonObject{{QStringLiteral("mac"), h.mac}, {QStringLiteral("ip"), h.ip},
                                    {QStringLiteral("hostname"), h.hostname}};
             })},
        };
        if (!o6.isEmpty())
            o[QStringLiteral("ipv6")] = o6;
        return o;
    });
    // IPv6 keys only when used (IPv4-only plans keep their form).
    if (s.ipv6Forwarding)
        o[QStringLiteral("ipv6Forwarding")] = true;
    if (!s.nat6.isEmpty())
        o[QStringLiteral("nat6")] = array(s.nat6, natJson);
    o[QStringLiteral("uplinks")] = array(s.uplinks, [](const UplinkSpec &u) {
        return QJsonObject{{QStringLiteral("ifname"), u.ifname}, {QStringLiteral("bridge"), u.bridge}};
    });
    // Only when present, so plans without emulation keep their form (and older helpers
    // their vocabulary).
    if (!s.impairments.isEmpty())
        o[QStringLiteral("impairments")] = array(s.impairments, [](const ImpairmentSpec &i) {
            return QJsonObject{{QStringLiteral("ifname"), i.ifname},
                               {QStringLiteral("egress"), toJson(i.egress)},
                               {QStringLiteral("ingress"), toJson(i.ingress)},
                               {QStringLiteral("ifb"), i.ifbIfname}};
        });
    if (!s.filterAccepts.isEmpty())
        o[QStringLiteral("filterAccepts")] = array(s.filterAccepts, [](const FilterAcceptSpec &f) {
            return QJsonObject{{QStringLiteral("backend"), filterBackendName(f.backend)},
                               {QStringLiteral("family"), f.family},
                               {QStringLiteral("table"), f.table},
                               {QStringLiteral("chain"), f.chain},
                               {QStringLiteral("ifname"), f.ifname},
                               {QStringLiteral("established"), f.established}};
        });
    return o;
}

QString filterBackendName(FilterAcceptSpec::Backend backend)
{
    switch (backend) {
    case FilterAcceptSpec::Backend::Nft: return QStringLiteral("nft");
    case FilterAcceptSpec::Backend::IptablesNft: return QStringLiteral("iptables-nft");
    case FilterAcceptSpec::Backend::IptablesLegacy: return QStringLiteral("iptables-legacy");
    }
    return QStringLiteral("nft");
}

bool filterBackendFromName(const QString &name, FilterAcceptSpec::Backend *out)
{
    for (auto b : {FilterAcceptSpec::Backend::Nft, FilterAcceptSpec::Backend::IptablesNft,
                   FilterAcceptSpec::Backend::IptablesLegacy})
        if (filterBackendName(b) == name) {
            *out = b;
            return true;
        }
    return false;
}

}  // namespace netloom::protocol
