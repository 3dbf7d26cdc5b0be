#include "forwardplan.h"

#include "model/portforward.h"

namespace netloom::plan {

using protocol::Cidr;
using protocol::Ipv4;
using protocol::Mac;

Result<QList<protocol::ForwardSpec>> planForwards(const model::Topology &t, const model::Node &gateway,
                                                  const Cidr &subnet, const Ipv4Leases &leases, QStringList *pending)
{
    QList<protocol::ForwardSpec> out;
    const model::NatConfig &nat = gateway.hostPort.nat;
    if (nat.forwards.size() > model::limits::kMaxPortForwards)
        return Error::failed(ErrorCode::LimitExceeded, QStringLiteral("plan"), QStringLiteral("hostport %1").arg(gateway.id),
                             QStringLiteral("more than %1 port forwards").arg(model::limits::kMaxPortForwards));
    for (qsizetype k = 0; k < nat.forwards.size(); ++k) {
        const model::PortForward &f = nat.forwards[k];
        const QString what = QStringLiteral("gateway '%1', forward %2 (%3)").arg(gateway.id).arg(k).arg(model::describeForward(f));
        const auto fail = [&](const QString &reason) {
            return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("plan"), what, reason);
        };
        if (f.hostPort < 1 || f.hostPort > 65535 || f.guestPort < 1 || f.guestPort > 65535)
            return fail(QStringLiteral("ports must be 1..65535"));
        protocol::ForwardSpec spec;
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
        const QString nicId = model::forwardNic(t, gateway.id, f, &reason);
        if (nicId.isEmpty())
            return fail(reason);
        const model::Node *guest = t.node(f.guest);
        QString macText;
        for (const model::NicConfig &nic : guest->guest.nics)
            if (nic.id == nicId)
                macText = nic.mac;
        Result<Mac> mac = Mac::parse(macText);
        if (!mac)
            return fail(QStringLiteral("NIC '%1' of guest '%2' has no valid MAC address").arg(nicId, f.guest));
        QString address;
        for (const model::DhcpReservation &r : gateway.hostPort.dhcp.reservations) {
            Result<Mac> rm = Mac::parse(r.mac);
            if (rm && *rm == *mac)
                address = r.ip;
        }
        const bool reserved = !address.isEmpty() && gateway.hostPort.dhcp.enabled;
        if (!reserved)
            address = leases.value(mac->toString());
        if (address.isEmpty()) {
            pending->append(QStringLiteral("%1 is pending: guest '%2' has no DHCP reservation and no lease yet")
                                .arg(what, f.guest));
            continue;
        }
        Result<Ipv4> ip = Ipv4::parse(address);
        if (!ip || !subnet.contains(*ip) || Cidr{*ip, subnet.prefix}.isNetworkOrBroadcast()) {
            if (reserved)
                return fail(QStringLiteral("the reserved address %1 is not a host of %2").arg(address, subnet.networkString()));
            pending->append(QStringLiteral("%1 is pending: guest '%2' leased %3, which is not a host of %4")
                                .arg(what, f.guest, address, subnet.networkString()));
            continue;
        }
        spec.guestAddress = ip->toString();
        out.append(spec);
    }
    return out;
}

}  // namespace netloom::plan
