// SPDX-License-Identifier: GPL-3.0-or-later
#include "forwardplan.h"

#include "model/portforward.h"

#include <optional>

namespace netloom::plan {

using protocol::Cidr;
using protocol::Cidr6;
using protocol::Ipv4;
using protocol::Ipv6;
using protocol::Mac;

namespace {
// The modified EUI-64 SLAAC address of `mac` in /64 prefix `prefix`.
Ipv6 eui64(const Cidr6 &prefix, const Mac &mac)
{
    Ipv6 a = prefix.network();
    a.bytes[8] = mac.bytes[0] ^ 0x02;
    a.bytes[9] = mac.bytes[1];
    a.bytes[10] = mac.bytes[2];
    a.bytes[11] = 0xff;
    a.bytes[12] = 0xfe;
    a.bytes[13] = mac.bytes[3];
    a.bytes[14] = mac.bytes[4];
    a.bytes[15] = mac.bytes[5];
    return a;
}
}  // namespace

QString forwardNamePrefix(const QString &gateway, int index)
{
    return QStringLiteral("gateway '%1', forward %2 (").arg(gateway).arg(index);
}

QString forwardName(const QString &gateway, int index, const model::PortForward &forward)
{
    return forwardNamePrefix(gateway, index) + model::describeForward(forward) + QLatin1Char(')');
}

Result<QList<PlannedForward>> planForwards(const model::Topology &t, const model::Node &gateway,
                                           const QString &natIfname, const Cidr &subnet)
{
    QList<PlannedForward> out;
    const model::NatConfig &nat = gateway.hostPort.nat;
    const model::Ipv6Config &v6 = gateway.hostPort.ipv6;
    std::optional<Cidr6> prefix6;
    if (!v6.address.isEmpty())
        if (Result<Cidr6> c = Cidr6::parse(v6.address))
            prefix6 = Cidr6{c->network(), c->prefix};
    if (nat.forwards.size() > model::limits::kMaxPortForwards)
        return Error::failed(ErrorCode::LimitExceeded, QStringLiteral("plan"), QStringLiteral("hostport %1").arg(gateway.id),
                             QStringLiteral("more than %1 port forwards").arg(model::limits::kMaxPortForwards));
    for (qsizetype k = 0; k < nat.forwards.size(); ++k) {
        const model::PortForward &f = nat.forwards[k];
        PlannedForward pf;
        pf.gateway = gateway.id;
        pf.index = int(k);
        pf.natIfname = natIfname;
        pf.subnet = subnet.networkString();
        pf.guest = f.guest;
        pf.what = forwardName(gateway.id, int(k), f);
        const auto fail = [&](const QString &reason) {
            return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("plan"), pf.what, reason);
        };
        if (f.hostPort < 1 || f.hostPort > 65535 || f.guestPort < 1 || f.guestPort > 65535)
            return fail(QStringLiteral("ports must be 1..65535"));
        protocol::ForwardSpec &spec = pf.spec;
        const bool isV6 = f.family == model::PortForward::Family::Ipv6;
        spec.family = isV6 ? protocol::ForwardSpec::Family::Ipv6 : protocol::ForwardSpec::Family::Ipv4;
        spec.protocol = f.protocol == model::PortForward::Protocol::Udp ? protocol::ForwardSpec::Protocol::Udp
                                                                         : protocol::ForwardSpec::Protocol::Tcp;
        if (isV6) {
            if (!prefix6)
                return fail(QStringLiteral("an IPv6 forward needs an IPv6 prefix on the gateway"));
            pf.subnet = prefix6->networkString();
            if (v6.dhcp) {
                pf.dhcp6Start = v6.rangeStart;
                pf.dhcp6End = v6.rangeEnd;
            }
            if (!f.hostAddress.isEmpty()) {
                Result<Ipv6> host = Ipv6::parse(f.hostAddress);
                if (!host)
                    return fail(host.error().message);
                if (host->isLoopback())
                    return fail(QStringLiteral("::1 cannot be forwarded (a loopback source never leaves the host)"));
                spec.hostAddress = host->toString();
            }
        } else if (!f.hostAddress.isEmpty()) {
            Result<Ipv4> host = Ipv4::parse(f.hostAddress);
            if (!host)
                return fail(host.error().message);
            spec.hostAddress = host->toString();
        }
        spec.hostPort = std::uint16_t(f.hostPort);
        spec.guestPort = std::uint16_t(f.guestPort);
        QString reason;
        pf.nic = model::forwardNic(t, gateway.id, f, &reason);
        if (pf.nic.isEmpty())
            return fail(reason);
        QString macText;
        for (const model::NicConfig &nic : t.node(f.guest)->guest.nics)
            if (nic.id == pf.nic)
                macText = nic.mac;
        Result<Mac> mac = Mac::parse(macText);
        if (!mac)
            return fail(QStringLiteral("NIC '%1' of guest '%2' has no valid MAC address").arg(pf.nic, f.guest));
        pf.mac = mac->toString();
        if (gateway.hostPort.dhcp.enabled && !isV6) {
            for (const model::DhcpReservation &r : gateway.hostPort.dhcp.reservations) {
                Result<Mac> rm = Mac::parse(r.mac);
                if (rm && *rm == *mac)
                    pf.reservedAddress = r.ip;
            }
        }
        if (!pf.reservedAddress.isEmpty()) {
            Result<Ipv4> ip = Ipv4::parse(pf.reservedAddress);
            if (!ip || !subnet.contains(*ip) || Cidr{*ip, subnet.prefix}.isNetworkOrBroadcast())
                return fail(QStringLiteral("the reserved address %1 is not a host of %2").arg(pf.reservedAddress, pf.subnet));
            pf.reservedAddress = ip->toString();
        }
        out.append(pf);
    }
    return out;
}

QString pickForwardIpv6(const PlannedForward &pf, const QStringList &seen)
{
    Result<Cidr6> prefix = Cidr6::parse(pf.subnet);
    if (!prefix)
        return QString();
    const Result<Ipv6> start = Ipv6::parse(pf.dhcp6Start);
    const Result<Ipv6> end = Ipv6::parse(pf.dhcp6End);
    const Result<Mac> mac = Mac::parse(pf.mac);
    const std::optional<Ipv6> slaac = mac && prefix->prefix == 64 ? std::optional(eui64(*prefix, *mac)) : std::nullopt;
    QString inRange, eui, recent;
    for (const QString &text : seen) {
        Result<Ipv6> a = Ipv6::parse(text);
        if (!a || a->isLinkLocal() || a->isMulticast() || !prefix->contains(*a) || *a == prefix->network())
            continue;
        recent = a->toString();
        if (start && end && !(*a < *start) && !(*end < *a))
            inRange = recent;
        if (slaac && *a == *slaac)
            eui = recent;
    }
    return !inRange.isEmpty() ? inRange : !eui.isEmpty() ? eui : recent;
}

void resolveForwards(protocol::HostState *host, const QList<PlannedForward> &forwards, const GuestLeases &leases,
                     QStringList *pending)
{
    for (protocol::NatSpec &nat : host->nat6) {
        bool named = false;
        QList<protocol::ForwardSpec> resolved;
        for (const PlannedForward &pf : forwards) {
            if (pf.natIfname != nat.ifname || pf.spec.family != protocol::ForwardSpec::Family::Ipv6)
                continue;
            named = true;
            const QString address = pickForwardIpv6(pf, leases.ipv6.value(pf.mac));
            if (address.isEmpty()) {
                pending->append(QStringLiteral("%1 is pending: guest '%2' has not been seen using an IPv6 address in %3 yet")
                                    .arg(pf.what, pf.guest, pf.subnet));
                continue;
            }
            protocol::ForwardSpec spec = pf.spec;
            spec.guestAddress = address;
            resolved.append(spec);
        }
        if (named)
            nat.forwards = resolved;
    }
    for (protocol::NatSpec &nat : host->nat) {
        bool named = false;
        QList<protocol::ForwardSpec> resolved;
        for (const PlannedForward &pf : forwards) {
            if (pf.natIfname != nat.ifname || pf.spec.family != protocol::ForwardSpec::Family::Ipv4)
                continue;
            named = true;
            protocol::ForwardSpec spec = pf.spec;
            if (!pf.reservedAddress.isEmpty()) {
                spec.guestAddress = pf.reservedAddress;
                resolved.append(spec);
                continue;
            }
            const QString lease = leases.ipv4.value(pf.mac);
            if (lease.isEmpty()) {
                pending->append(QStringLiteral("%1 is pending: guest '%2' has no DHCP reservation and no lease yet")
                                    .arg(pf.what, pf.guest));
                continue;
            }
            Result<Cidr> subnet = Cidr::parse(pf.subnet);
            Result<Ipv4> ip = Ipv4::parse(lease);
            if (!subnet || !ip || !subnet->contains(*ip) || Cidr{*ip, subnet->prefix}.isNetworkOrBroadcast()) {
                pending->append(QStringLiteral("%1 is pending: guest '%2' leased %3, which is not a host of %4")
                                    .arg(pf.what, pf.guest, lease, pf.subnet));
                continue;
            }
            spec.guestAddress = ip->toString();
            resolved.append(spec);
        }
        if (named)
            nat.forwards = resolved;
    }
}

}  // namespace netloom::plan
