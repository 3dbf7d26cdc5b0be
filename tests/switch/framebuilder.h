// SPDX-License-Identifier: GPL-3.0-or-later
// Test-only builders for Ethernet frames: ARP, DHCP (every message type), IPv6 ND, VLAN tags.
// Values are in host order unless noted; the output is wire format.
#pragma once

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <initializer_list>

namespace netloom::test {

inline QByteArray mac(const char *text)  // "52:54:00:00:00:01"
{
    return QByteArray::fromHex(QByteArray(text).replace(':', ""));
}

inline void put16(QByteArray &b, std::uint16_t v)
{
    b.append(char(v >> 8));
    b.append(char(v));
}
inline void put32(QByteArray &b, std::uint32_t v)
{
    put16(b, std::uint16_t(v >> 16));
    put16(b, std::uint16_t(v));
}
inline std::uint32_t ip4(int a, int b, int c, int d) { return std::uint32_t(a) << 24 | std::uint32_t(b) << 16 | std::uint32_t(c) << 8 | std::uint32_t(d); }

inline QByteArray ether(const QByteArray &dst, const QByteArray &src, std::uint16_t type, const QByteArray &payload, int vlan = -1)
{
    QByteArray f = dst + src;
    if (vlan >= 0) {
        put16(f, 0x8100);
        put16(f, std::uint16_t(vlan));
    }
    put16(f, type);
    return f + payload;
}

inline QByteArray arp(int op, const QByteArray &sha, std::uint32_t spa, const QByteArray &tha, std::uint32_t tpa)
{
    QByteArray p;
    put16(p, 1);
    put16(p, 0x0800);
    p.append(char(6));
    p.append(char(4));
    put16(p, std::uint16_t(op));
    p += sha;
    put32(p, spa);
    p += tha;
    put32(p, tpa);
    return p;
}

inline QByteArray ipv4Udp(std::uint32_t src, std::uint32_t dst, std::uint16_t sport, std::uint16_t dport, const QByteArray &data)
{
    QByteArray ip;
    ip.append(char(0x45));
    ip.append(char(0));
    put16(ip, std::uint16_t(20 + 8 + data.size()));
    put32(ip, 0);  // id, flags/frag
    ip.append(char(64));
    ip.append(char(17));
    put16(ip, 0);
    put32(ip, src);
    put32(ip, dst);
    put16(ip, sport);
    put16(ip, dport);
    put16(ip, std::uint16_t(8 + data.size()));
    put16(ip, 0);
    return ip + data;
}

struct DhcpFields {
    int type = 1;
    QByteArray chaddr;
    std::uint32_t xid = 0x1234;
    std::uint32_t ciaddr = 0, yiaddr = 0;
    QByteArray hostname;
    std::uint32_t requested = 0, serverId = 0, lease = 0;
};

inline QByteArray dhcp(const DhcpFields &f)
{
    QByteArray b;
    const bool reply = f.type == 2 || f.type == 5 || f.type == 6;
    b.append(char(reply ? 2 : 1));
    b.append(char(1));
    b.append(char(6));
    b.append(char(0));
    put32(b, f.xid);
    put32(b, 0);
    put32(b, f.ciaddr);
    put32(b, f.yiaddr);
    put32(b, 0);
    put32(b, 0);
    b += f.chaddr + QByteArray(10, '\0');
    b += QByteArray(64 + 128, '\0');
    put32(b, 0x63825363);
    b += QByteArray::fromHex("3501");
    b.append(char(f.type));
    if (!f.hostname.isEmpty()) {
        b.append(char(12));
        b.append(char(f.hostname.size()));
        b += f.hostname;
    }
    if (f.requested) {
        b += QByteArray::fromHex("3204");
        put32(b, f.requested);
    }
    if (f.serverId) {
        b += QByteArray::fromHex("3604");
        put32(b, f.serverId);
    }
    if (f.lease) {
        b += QByteArray::fromHex("3304");
        put32(b, f.lease);
    }
    b.append(char(255));
    return b;
}

// A full DHCP frame: clients send from 0.0.0.0:68 to broadcast:67, servers from serverIp:67.
inline QByteArray dhcpFrame(const DhcpFields &f, const QByteArray &srcMac, std::uint32_t serverIp = 0)
{
    const bool reply = f.type == 2 || f.type == 5 || f.type == 6;
    const QByteArray payload = reply ? ipv4Udp(serverIp, 0xffffffff, 67, 68, dhcp(f)) : ipv4Udp(0, 0xffffffff, 68, 67, dhcp(f));
    return ether(mac("ff:ff:ff:ff:ff:ff"), srcMac, 0x0800, payload);
}

// ICMPv6 neighbour solicitation (135) or advertisement (136) with a link-layer option.
inline QByteArray ndFrame(int type, const QByteArray &srcMac, const QByteArray &srcIp, const QByteArray &target)
{
    QByteArray icmp;
    icmp.append(char(type));
    icmp.append(char(0));
    put16(icmp, 0);
    put32(icmp, type == 136 ? 0x60000000 : 0);
    icmp += target;
    icmp.append(char(type == 136 ? 2 : 1));
    icmp.append(char(1));
    icmp += srcMac;
    QByteArray ip;
    put32(ip, 0x60000000);
    put16(ip, std::uint16_t(icmp.size()));
    ip.append(char(58));
    ip.append(char(255));
    ip += srcIp;
    ip += QByteArray::fromHex("ff0200000000000000000001ff000001");
    return ether(mac("33:33:ff:00:00:01"), srcMac, 0x86dd, ip + icmp);
}

}  // namespace netloom::test
