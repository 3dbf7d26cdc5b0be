// SPDX-License-Identifier: GPL-3.0-or-later
#include "lease.h"

#include <algorithm>

namespace netloom::leases {

const char *leaseStateName(LeaseState s)
{
    switch (s) {
    case LeaseState::Offered: return "offered";
    case LeaseState::Bound: return "bound";
    case LeaseState::Expired: return "expired";
    case LeaseState::Released: return "released";
    case LeaseState::Gateway: return "gateway";
    }
    return "?";
}

const char *leaseSourceName(LeaseSource s)
{
    switch (s) {
    case LeaseSource::LeaseFile: return "file";
    case LeaseSource::DhcpSnoop: return "dhcp";
    case LeaseSource::Neighbor: return "neighbor";
    }
    return "?";
}

const char *leaseEventKindName(LeaseEventKind k)
{
    switch (k) {
    case LeaseEventKind::DhcpDiscover: return "dhcp-discover";
    case LeaseEventKind::DhcpOffer: return "dhcp-offer";
    case LeaseEventKind::DhcpRequest: return "dhcp-request";
    case LeaseEventKind::DhcpAck: return "dhcp-ack";
    case LeaseEventKind::DhcpNak: return "dhcp-nak";
    case LeaseEventKind::DhcpRelease: return "dhcp-release";
    case LeaseEventKind::DhcpDecline: return "dhcp-decline";
    case LeaseEventKind::DhcpInform: return "dhcp-inform";
    case LeaseEventKind::Arp: return "arp";
    case LeaseEventKind::Nd: return "nd";
    case LeaseEventKind::FileSnapshot: return "file-snapshot";
    case LeaseEventKind::Tick: return "tick";
    }
    return "?";
}

const char *noteKindName(NoteKind k)
{
    switch (k) {
    case NoteKind::NewLease: return "new-lease";
    case NoteKind::AddressChanged: return "address-changed";
    case NoteKind::Expired: return "expired";
    case NoteKind::Released: return "released";
    case NoteKind::Nak: return "nak";
    case NoteKind::Declined: return "declined";
    case NoteKind::IpConflict: return "ip-conflict";
    case NoteKind::RogueServer: return "rogue-server";
    case NoteKind::UnknownMac: return "unknown-mac";
    case NoteKind::AddressMismatch: return "address-mismatch";
    case NoteKind::BadHostname: return "bad-hostname";
    case NoteKind::TableFull: return "table-full";
    case NoteKind::Ignored: return "ignored";
    }
    return "?";
}

const LeaseEntry *LeaseTable::find(const Mac &mac) const
{
    const auto it = std::lower_bound(entries.cbegin(), entries.cend(), mac,
                                     [](const LeaseEntry &e, const Mac &m) { return e.mac < m; });
    return (it != entries.cend() && it->mac == mac) ? &*it : nullptr;
}

bool LeaseTable::hasRogueServer() const
{
    return std::any_of(servers.cbegin(), servers.cend(), [](const DhcpServerSighting &s) { return !s.expected; });
}

bool isValidHostname(const QString &name)
{
    if (name.isEmpty() || name.size() > 253)
        return false;
    int label = 0;
    for (const QChar c : name) {
        const char16_t u = c.unicode();
        if (u == u'.') {
            if (label == 0)
                return false;
            label = 0;
            continue;
        }
        const bool ok = (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9') ||
                        u == u'-' || u == u'_';
        if (!ok || ++label > 63)
            return false;
    }
    return label > 0;
}

QString describeEntry(const LeaseEntry &e)
{
    QString s = e.mac.toString() + u' ' + e.ip.toString() + u' ' + QLatin1String(leaseStateName(e.state)) + u' ' +
                QLatin1String(leaseSourceName(e.source));
    for (const QHostAddress &a : e.ipv6)
        s += QStringLiteral(" ipv6=") + a.toString();
    if (!e.hostname.isEmpty())
        s += QStringLiteral(" host=") + e.hostname;
    if (!e.guest.isEmpty())
        s += QStringLiteral(" guest=") + e.guest + (e.nic.isEmpty() ? QString() : u'/' + e.nic);
    if (!e.port.isEmpty())
        s += QStringLiteral(" port=") + e.port;
    s += QStringLiteral(" exp=") + QString::number(e.expiresAtMs);
    if (e.server.value)
        s += QStringLiteral(" server=") + e.server.toString();
    if (e.conflict)
        s += QStringLiteral(" conflict");
    if (e.fromRogueServer)
        s += QStringLiteral(" rogue");
    return s;
}

}  // namespace netloom::leases
