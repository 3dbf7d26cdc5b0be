// SPDX-License-Identifier: GPL-3.0-or-later
#include "forwardplan.h"

#include "model/portforward.h"

namespace netloom::plan {

using protocol::Cidr;
using protocol::Ipv4;
using protocol::Mac;

Result<QList<PlannedForward>> planForwards(const model::Topology &t, const model::Node &gateway,
                                           const QString &natIfname, const Cidr &subnet)
{
    QList<PlannedForward> out;
    const model::NatConfig &nat = gateway.hostPort.nat;
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
        pf.what = QStringLiteral("gateway '%1', forward %2 (%3)").arg(gateway.id).arg(k).arg(model::describeForward(f));
        const auto fail = [&](const QString &reason) {
            return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("plan"), pf.what, reason);
        };
        if (f.hostPort < 1 || f.hostPort > 65535 || f.guestPort < 1 || f.guestPort > 65535)
            return fail(QStringLiteral("ports must be 1..65535"));
        protocol::ForwardSpec &spec = pf.spec;
        spec.family = protocol::ForwardSpec::Family::Ipv4;
        spec.protocol = f.protocol == model::PortForward::Protocol::Udp ? protocol::ForwardSpec::Protocol::Udp
                                                                         : protocol::ForwardSpec::Protocol::Tcp;
        if (!f.hostAddress.isEmpty()) {
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
        if (gateway.hostPort.dhcp.enabled) {
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

void resolveForwards(protocol::HostState *host, const QList<PlannedForward> &forwards, const Ipv4Leases &leases,
                     QStringList *pending)
{
    for (protocol::NatSpec &nat : host->nat) {
        bool named = false;
        QList<protocol::ForwardSpec> resolved;
        for (const PlannedForward &pf : forwards) {
            if (pf.natIfname != nat.ifname)
                continue;
            named = true;
            protocol::ForwardSpec spec = pf.spec;
            if (!pf.reservedAddress.isEmpty()) {
                spec.guestAddress = pf.reservedAddress;
                resolved.append(spec);
                continue;
            }
            const QString lease = leases.value(pf.mac);
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
