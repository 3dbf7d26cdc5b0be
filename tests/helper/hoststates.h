// SPDX-License-Identifier: GPL-3.0-or-later
// Host states used by the helper tests (built directly, as the planner would).
#pragma once

#include "protocol/hoststate.h"

namespace netloom::helper::test {

// Example (a): a user-owned tap with 10.0.2.1/24, dnsmasq 10.0.2.100-199, NAT to "eth+".
inline protocol::HostState exampleA(const QString &tap = QStringLiteral("loomtap0"))
{
    using namespace protocol;
    HostState s;
    s.taps = {TapSpec{tap, 0, {}, false}};
    s.addresses = {AddressSpec{tap, QStringLiteral("10.0.2.1/24")}};
    s.links = {LinkSpec{tap, true, 0, {}}};
    s.ipv4Forwarding = true;
    s.nat = {NatSpec{tap, QStringLiteral("10.0.2.0/24"), NatSpec::Mode::Masquerade, {QStringLiteral("eth+")}, {}}};
    DnsmasqSpec d;
    d.ifname = tap;
    d.address = QStringLiteral("10.0.2.1");
    d.prefixLength = 24;
    d.rangeStart = QStringLiteral("10.0.2.100");
    d.rangeEnd = QStringLiteral("10.0.2.199");
    d.leaseSeconds = 600;
    s.dnsmasq = {d};
    return s;
}

// Example (a) with IPv6: fd42:1::1/64 on the tap, RA + stateful DHCPv6 (SLAAC too, /64),
// NAT66 to "eth+" and a routed second prefix on another tap (stateful only, /112).
inline protocol::HostState exampleA6()
{
    using namespace protocol;
    HostState s = exampleA();
    const QString tap = QStringLiteral("loomtap0"), tap2 = QStringLiteral("loomtap1");
    s.taps.append(TapSpec{tap2, 0, {}, false});
    s.links.append(LinkSpec{tap2, true, 0, {}});
    s.addresses.append(AddressSpec{tap, QStringLiteral("fd42:1::1/64")});
    s.addresses.append(AddressSpec{tap2, QStringLiteral("10.0.3.1/24")});
    s.addresses.append(AddressSpec{tap2, QStringLiteral("2001:db8:7::1/112")});
    s.ipv6Forwarding = true;
    s.nat6 = {NatSpec{tap, QStringLiteral("fd42:1::/64"), NatSpec::Mode::Masquerade, {QStringLiteral("eth+")}, {}},
              NatSpec{tap2, QStringLiteral("2001:db8:7::/112"), NatSpec::Mode::Route, {QStringLiteral("eth0"), QStringLiteral("wlan+")}, {}}};
    DnsmasqSpec &d = s.dnsmasq[0];
    d.address6 = QStringLiteral("fd42:1::1");
    d.prefixLength6 = 64;
    d.ra = true;
    d.dhcp6 = true;
    d.rangeStart6 = QStringLiteral("fd42:1::100");
    d.rangeEnd6 = QStringLiteral("fd42:1::1ff");
    d.leaseSeconds6 = 600;
    DnsmasqSpec d2;
    d2.ifname = tap2;
    d2.address = QStringLiteral("10.0.3.1");
    d2.dhcp = false;
    d2.dns = false;
    d2.address6 = QStringLiteral("2001:db8:7::1");
    d2.prefixLength6 = 112;
    d2.ra = true;
    d2.dhcp6 = true;
    d2.rangeStart6 = QStringLiteral("2001:db8:7::10");
    d2.rangeEnd6 = QStringLiteral("2001:db8:7::20");
    s.dnsmasq.append(d2);
    return s;
}

// A large state: a bridge with three taps and a veth end, a second bridge joined by the
// veth, a vxlan, addresses, link settings, routing + NAT and dnsmasq on the first bridge.
inline protocol::HostState large()
{
    using namespace protocol;
    HostState s;
    s.taps = {TapSpec{QStringLiteral("loomt1"), 1400, QStringLiteral("52:54:00:aa:00:01"), false},
              TapSpec{QStringLiteral("loomt2"), 0, {}, true}, TapSpec{QStringLiteral("loomt3"), 0, {}, false}};
    s.bridges = {BridgeSpec{QStringLiteral("loombr0"), 0, false, false,
                            {QStringLiteral("loomt1"), QStringLiteral("loomt2"), QStringLiteral("loomv0")}},
                 BridgeSpec{QStringLiteral("loombr1"), 0, true, false, {QStringLiteral("loomv1"), QStringLiteral("loomt3"),
                                                                        QStringLiteral("loomvx0")}}};
    s.veths = {VethSpec{QStringLiteral("loomv0"), QStringLiteral("loomv1")}};
    s.vxlans = {VxlanSpec{QStringLiteral("loomvx0"), 4242, QStringLiteral("192.0.2.10"), {}, {}, {}, 4789, 0}};
    s.addresses = {AddressSpec{QStringLiteral("loombr0"), QStringLiteral("10.0.5.1/24")},
                   AddressSpec{QStringLiteral("loombr1"), QStringLiteral("10.0.6.1/24")}};
    for (const QString &n : {QStringLiteral("loomt1"), QStringLiteral("loomt2"), QStringLiteral("loomt3"),
                             QStringLiteral("loombr0"), QStringLiteral("loombr1"), QStringLiteral("loomv0"),
                             QStringLiteral("loomv1"), QStringLiteral("loomvx0")})
        s.links.append(LinkSpec{n, true, 0, {}});
    s.ipv4Forwarding = true;
    using P = ForwardSpec::Protocol;
    const auto fw = ForwardSpec::Family::Ipv4;
    s.nat = {NatSpec{QStringLiteral("loombr0"), QStringLiteral("10.0.5.0/24"), NatSpec::Mode::Masquerade,
                     {QStringLiteral("eth+"), QStringLiteral("wlan0")},
                     {ForwardSpec{fw, P::Tcp, {}, 8080, QStringLiteral("10.0.5.20"), 80},
                      ForwardSpec{fw, P::Udp, QStringLiteral("192.0.2.1"), 5353, QStringLiteral("10.0.5.20"), 53}}},
             NatSpec{QStringLiteral("loombr1"), QStringLiteral("10.0.6.0/24"), NatSpec::Mode::Route, {QStringLiteral("eth0")},
                     {ForwardSpec{fw, P::Tcp, {}, 2222, QStringLiteral("10.0.6.7"), 22}}}};
    DnsmasqSpec d;
    d.ifname = QStringLiteral("loombr0");
    d.address = QStringLiteral("10.0.5.1");
    d.prefixLength = 24;
    d.rangeStart = QStringLiteral("10.0.5.50");
    d.rangeEnd = QStringLiteral("10.0.5.60");
    d.domain = QStringLiteral("lab.test");
    d.hosts = {DhcpHost{QStringLiteral("52:54:00:AA:00:02"), QStringLiteral("10.0.5.20"), QStringLiteral("db")}};
    s.dnsmasq = {d};
    return s;
}

// A bridge with two veth cables whose far ends ("loomib0", "loomid0") a test moves into
// guest namespaces; `egress` impairs loomia0 (frames towards the first guest), `ingress`
// loomic0 (frames from the second guest, through the IFB "loomifb0").
inline protocol::HostState impairedBridge(const QString &egress, const QString &ingress)
{
    using namespace protocol;
    HostState s;
    s.bridges = {BridgeSpec{QStringLiteral("loomibr0"), 0, false, false, {QStringLiteral("loomia0"), QStringLiteral("loomic0")}}};
    s.veths = {VethSpec{QStringLiteral("loomia0"), QStringLiteral("loomib0")},
               VethSpec{QStringLiteral("loomic0"), QStringLiteral("loomid0")}};
    for (const QString &n : {QStringLiteral("loomibr0"), QStringLiteral("loomia0"), QStringLiteral("loomic0")})
        s.links.append(LinkSpec{n, true, 0, {}});
    const auto imp = [](const QString &spec) { return spec.isEmpty() ? Impairment{} : *parseImpairmentSpec(spec); };
    if (!egress.isEmpty())
        s.impairments.append(ImpairmentSpec{QStringLiteral("loomia0"), imp(egress), {}, {}});
    if (!ingress.isEmpty())
        s.impairments.append(ImpairmentSpec{QStringLiteral("loomic0"), {}, imp(ingress), QStringLiteral("loomifb0")});
    return s;
}

}  // namespace netloom::helper::test
