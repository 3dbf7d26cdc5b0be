// SPDX-License-Identifier: GPL-3.0-or-later
// Validation of NAT gateways' port forwards (validatorimpl.h).
#include "model/portforward.h"
#include "validatorimpl.h"

namespace netloom::model::detail {

// Host (family, protocol, port) keys collide when their addresses are equal or one of them is
// "" (every address), across all gateways — as in checkForwards(), hashed by port.
void Validator::checkPortForwards()
{
    QHash<QString, QHash<QString, QString>> used;  // "ipv4/tcp/8080" -> host address -> first path
    for (qsizetype i = 0; i < m_t.nodes.size(); ++i) {
        const Node &n = m_t.nodes[i];
        if (n.type != NodeType::HostPort || n.hostPort.nat.forwards.isEmpty())
            continue;
        const NatConfig &nat = n.hostPort.nat;
        const QString base = cfgPath(i, "nat.forwards");
        if (nat.forwards.size() > limits::kMaxPortForwards)
            error(base, n.id, QStringLiteral("gateway %1 has %2 port forwards, more than the limit of %3")
                                  .arg(q(n.id)).arg(nat.forwards.size()).arg(limits::kMaxPortForwards));
        if (nat.mode == NatConfig::Mode::None) {
            error(cfgPath(i, "nat.mode"), n.id,
                  QStringLiteral("gateway %1 has port forwards but no NAT or routing (nat.mode is 'none')").arg(q(n.id)));
        }
        std::optional<Cidr> subnet;
        if (auto c = Cidr::parse(n.hostPort.address))
            subnet = *c;
        const bool hasPrefix6 = bool(protocol::Cidr6::parse(n.hostPort.ipv6.address));
        const qsizetype count = std::min<qsizetype>(nat.forwards.size(), limits::kMaxPortForwards);
        for (qsizetype k = 0; k < count; ++k) {
            const PortForward &f = nat.forwards[k];
            const QString p = QStringLiteral("%1[%2]").arg(base).arg(k);
            const auto fail = [&](const char *field, const QString &msg) {
                error(p + u'.' + QLatin1String(field), n.id,
                      QStringLiteral("gateway %1, forward %2: %3").arg(q(n.id)).arg(k).arg(msg));
            };
            if (f.hostPort < 1 || f.hostPort > 65535)
                fail("hostPort", QStringLiteral("host port %1 is outside 1..65535").arg(f.hostPort));
            if (f.guestPort < 1 || f.guestPort > 65535)
                fail("guestPort", QStringLiteral("guest port %1 is outside 1..65535").arg(f.guestPort));
            if (f.description.size() > limits::kMaxDescriptionChars)
                fail("description", QStringLiteral("the description is longer than %1 characters").arg(limits::kMaxDescriptionChars));
            const bool v6 = f.family == PortForward::Family::Ipv6;
            bool addressOk = true;
            if (v6 && !f.hostAddress.isEmpty()) {
                auto ip = protocol::Ipv6::parse(f.hostAddress);
                addressOk = ip && !ip->isUnspecified() && !ip->isLoopback() && !ip->isMulticast() && !ip->isLinkLocal()
                    && !ip->isV4Mapped();
                if (!ip)
                    fail("hostAddress", QStringLiteral("host address %1 is not an IPv6 address").arg(q(f.hostAddress)));
                else if (ip->isLoopback())
                    fail("hostAddress", QStringLiteral("::1 cannot be forwarded (the kernel never lets a loopback source "
                                                       "leave the host); use another address of the host or leave it empty"));
                else if (!addressOk)
                    fail("hostAddress", QStringLiteral("host address %1 must be a global or unique-local unicast address of "
                                                       "this host (or empty for all addresses)").arg(ip->toString()));
                else if (ip->toString() != f.hostAddress) {
                    fail("hostAddress", QStringLiteral("host address %1 must be written canonically (%2)").arg(q(f.hostAddress), ip->toString()));
                    addressOk = false;
                }
            } else if (!f.hostAddress.isEmpty()) {
                auto ip = Ipv4::parse(f.hostAddress);
                addressOk = bool(ip);
                if (!ip)
                    fail("hostAddress", QStringLiteral("host address %1 is not an IPv4 address").arg(q(f.hostAddress)));
                else if (isMulticast(*ip) || ip->value == 0 || ip->value == 0xffffffffu) {
                    fail("hostAddress", QStringLiteral("host address %1 must be a unicast address of this host, 127.x "
                                                       "for loopback only (or empty for all addresses)").arg(ip->toString()));
                    addressOk = false;
                }
            }
            QString reason;
            const Node *g = findNode(f.guest);
            if (!g || g->type != NodeType::Guest)
                fail("guest", QStringLiteral("'%1' is not a guest of this topology").arg(f.guest.left(limits::kMaxIdChars)));
            else if (forwardNic(m_t, n.id, f, &reason).isEmpty())
                fail(f.nic.isEmpty() ? "guest" : "nic", reason);
            else if (!v6 && !subnet)
                fail("guest", QStringLiteral("the gateway has no IPv4 subnet to reach the guest in"));
            else if (v6 && !hasPrefix6)
                fail("family", QStringLiteral("an IPv6 forward needs an IPv6 prefix on the gateway (ipv6.address)"));
            if (!addressOk || f.hostPort < 1 || f.hostPort > 65535)
                continue;
            const QString key = QStringLiteral("%1/%2/%3").arg(addressFamilyName(f.family), forwardProtocolName(f.protocol))
                                    .arg(f.hostPort);
            QHash<QString, QString> &onPort = used[key];
            QString other = onPort.value(f.hostAddress);
            if (other.isEmpty())
                other = onPort.value(QString());
            if (other.isEmpty() && f.hostAddress.isEmpty() && !onPort.isEmpty())
                other = onPort.cbegin().value();
            if (!other.isEmpty())
                fail("hostPort", QStringLiteral("host port %1/%2 on %3 is already forwarded by %4")
                                     .arg(f.hostPort).arg(forwardProtocolName(f.protocol))
                                     .arg(f.hostAddress.isEmpty() ? QStringLiteral("all addresses") : f.hostAddress, other));
            else
                onPort.insert(f.hostAddress, QStringLiteral("gateway %1, forward %2").arg(q(n.id)).arg(k));
        }
    }
}

}  // namespace netloom::model::detail
