// SPDX-License-Identifier: GPL-3.0-or-later
// AddressEvent: what the switch learned about who uses which address, from DHCP, ARP and
// IPv6 neighbour discovery seen on its ports. Consumed by the lease tracker (core/leases).
#pragma once

#include "mactable.h"
#include "protocol/netaddr.h"

#include <QHostAddress>
#include <QMetaType>
#include <QString>

#include <cstdint>

namespace netloom::sw {

enum class AddressEventKind : std::uint8_t {
    DhcpDiscover, DhcpOffer, DhcpRequest, DhcpDecline, DhcpAck, DhcpNak, DhcpRelease, DhcpInform,
    ArpRequest, ArpReply, ArpProbe, ArpAnnounce,
    NdSolicit, NdAdvert, NdDad,
    DhcpServerConflict,  // a second DHCP server answers on the segment (otherMac/otherIp: the first)
    IpConflict,          // a second MAC claims an IP (otherMac: the MAC that held it)
};
// Stable lowercase name: "dhcp-ack", "arp-reply", "ip-conflict", ...
const char *addressEventKindName(AddressEventKind kind);

struct AddressEvent {
    AddressEventKind kind = AddressEventKind::ArpRequest;
    protocol::Mac mac;            // the client (DHCP chaddr) or the sender (ARP/ND)
    QHostAddress ip;              // the address concerned; null when the message names none
    QString hostname;             // DHCP option 12 (printable ASCII, at most 63 characters)
    protocol::Ipv4 requestedIp;   // DHCP option 50 (0 when absent)
    protocol::Ipv4 serverId;      // DHCP option 54 (0 when absent)
    std::uint32_t leaseSeconds = 0;  // DHCP option 51 (0 when absent)
    std::uint32_t xid = 0;        // DHCP transaction id
    protocol::Mac otherMac;       // conflicts: the earlier claimant / first server
    QHostAddress otherIp;         // DhcpServerConflict: the first server's id
    PortId port = kNoPort;        // ingress port
    std::uint16_t vlan = 0;
    std::int64_t monotonicNs = 0; // switch clock when the frame crossed
    qint64 wallMs = 0;            // wall clock (ms since the epoch) at the same moment

    bool isConflict() const { return kind == AddressEventKind::DhcpServerConflict || kind == AddressEventKind::IpConflict; }
};

}  // namespace netloom::sw

Q_DECLARE_METATYPE(netloom::sw::AddressEvent)
