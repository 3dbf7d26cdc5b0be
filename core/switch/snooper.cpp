// SPDX-License-Identifier: GPL-3.0-or-later
#include "snooper.h"

#include "bytecursor.h"
#include "ethernet.h"
#include "hotpath.h"

#include <cstring>

namespace netloom::sw {

const char *addressEventKindName(AddressEventKind kind)
{
    switch (kind) {
    case AddressEventKind::DhcpDiscover: return "dhcp-discover";
    case AddressEventKind::DhcpOffer: return "dhcp-offer";
    case AddressEventKind::DhcpRequest: return "dhcp-request";
    case AddressEventKind::DhcpDecline: return "dhcp-decline";
    case AddressEventKind::DhcpAck: return "dhcp-ack";
    case AddressEventKind::DhcpNak: return "dhcp-nak";
    case AddressEventKind::DhcpRelease: return "dhcp-release";
    case AddressEventKind::DhcpInform: return "dhcp-inform";
    case AddressEventKind::ArpRequest: return "arp-request";
    case AddressEventKind::ArpReply: return "arp-reply";
    case AddressEventKind::ArpProbe: return "arp-probe";
    case AddressEventKind::ArpAnnounce: return "arp-announce";
    case AddressEventKind::NdSolicit: return "nd-solicit";
    case AddressEventKind::NdAdvert: return "nd-advert";
    case AddressEventKind::NdDad: return "nd-dad";
    case AddressEventKind::DhcpServerConflict: return "dhcp-server-conflict";
    case AddressEventKind::IpConflict: return "ip-conflict";
    }
    return "unknown";
}

namespace {

constexpr std::uint32_t kDhcpMagic = 0x63825363;
constexpr std::size_t kBootpFixedLen = 236;
constexpr std::size_t kMaxHostname = 63;

protocol::Mac macFrom(const std::uint8_t *p)
{
    protocol::Mac m;
    std::memcpy(m.bytes.data(), p, 6);
    return m;
}

QHostAddress ipv4(std::uint32_t v) { return QHostAddress(quint32(v)); }

std::optional<AddressEvent> parseDhcp(ByteCursor c, const EthHeader &eth)
{
    const std::uint8_t op = c.u8();
    const std::uint8_t htype = c.u8();
    const std::uint8_t hlen = c.u8();
    c.skip(1);  // hops
    AddressEvent ev;
    ev.xid = c.be32();
    c.skip(4);  // secs, flags
    const std::uint32_t ciaddr = c.be32();
    const std::uint32_t yiaddr = c.be32();
    c.skip(8);  // siaddr, giaddr
    const std::uint8_t *chaddr = c.take(16);
    c.skip(64 + 128);  // sname, file
    const std::uint32_t magic = c.be32();
    if (!c.ok() || magic != kDhcpMagic || (op != 1 && op != 2))
        return std::nullopt;
    ev.mac = macFrom(htype == 1 && hlen == 6 ? chaddr : eth.src);

    int msgType = 0;
    while (c.remaining() > 0) {
        const std::uint8_t code = c.u8();
        if (code == 0)
            continue;
        if (code == 255)
            break;
        const std::uint8_t len = c.u8();
        ByteCursor opt = c.sub(len);
        if (!c.ok())
            return std::nullopt;  // option runs past the end
        switch (code) {
        case 53:
            if (len == 1)
                msgType = opt.u8();
            break;
        case 12: {
            QString name;
            for (std::size_t i = 0; i < len && std::size_t(name.size()) < kMaxHostname; ++i) {
                const std::uint8_t ch = opt.u8();
                if (ch == 0)
                    break;
                name += (ch > 0x20 && ch < 0x7f) ? QChar(ch) : QChar(u'?');
            }
            ev.hostname = name;
            break;
        }
        case 50:
            if (len == 4)
                ev.requestedIp.value = opt.be32();
            break;
        case 51:
            if (len == 4)
                ev.leaseSeconds = opt.be32();
            break;
        case 54:
            if (len == 4)
                ev.serverId.value = opt.be32();
            break;
        default:
            break;
        }
    }
    switch (msgType) {
    case 1: ev.kind = AddressEventKind::DhcpDiscover; break;
    case 2: ev.kind = AddressEventKind::DhcpOffer; break;
    case 3: ev.kind = AddressEventKind::DhcpRequest; break;
    case 4: ev.kind = AddressEventKind::DhcpDecline; break;
    case 5: ev.kind = AddressEventKind::DhcpAck; break;
    case 6: ev.kind = AddressEventKind::DhcpNak; break;
    case 7: ev.kind = AddressEventKind::DhcpRelease; break;
    case 8: ev.kind = AddressEventKind::DhcpInform; break;
    default: return std::nullopt;  // plain BOOTP or unknown type
    }
    std::uint32_t ip = 0;
    switch (ev.kind) {
    case AddressEventKind::DhcpOffer:
    case AddressEventKind::DhcpAck:
        ip = yiaddr ? yiaddr : ciaddr;  // an ACK to an INFORM carries no yiaddr
        break;
    case AddressEventKind::DhcpDiscover:
    case AddressEventKind::DhcpRequest:
    case AddressEventKind::DhcpDecline:
        ip = ev.requestedIp.value ? ev.requestedIp.value : ciaddr;
        break;
    case AddressEventKind::DhcpRelease:
    case AddressEventKind::DhcpInform:
        ip = ciaddr;
        break;
    default:
        break;
    }
    if (ip)
        ev.ip = ipv4(ip);
    return ev;
}

std::optional<AddressEvent> parseIpv4(ByteCursor c, const EthHeader &eth)
{
    const std::size_t start = c.offset();
    const std::uint8_t vihl = c.u8();
    c.skip(1);
    const std::uint16_t total = c.be16();
    c.skip(2);
    const std::uint16_t frag = c.be16();
    c.skip(1);
    const std::uint8_t proto = c.u8();
    if (!c.ok() || (vihl >> 4) != 4 || proto != 17 || (frag & 0x3fff) != 0)
        return std::nullopt;
    const std::size_t ihl = std::size_t(vihl & 0x0f) * 4;
    if (ihl < 20 || total < ihl)
        return std::nullopt;
    // Re-cut the cursor to the IP datagram's declared length (frames may be padded).
    c.skip(ihl - (c.offset() - start));
    ByteCursor udp = c.sub(total - ihl);
    const std::uint16_t sport = udp.be16();
    const std::uint16_t dport = udp.be16();
    const std::uint16_t ulen = udp.be16();
    udp.skip(2);
    if (!udp.ok() || ulen < 8)
        return std::nullopt;
    if (!((sport == 68 && dport == 67) || (sport == 67 && dport == 68) || (sport == 67 && dport == 67)))
        return std::nullopt;
    ByteCursor bootp = udp.sub(ulen - 8);
    if (!udp.ok() || bootp.remaining() < kBootpFixedLen + 4)
        return std::nullopt;
    return parseDhcp(bootp, eth);
}

std::optional<AddressEvent> parseArp(ByteCursor c, const EthHeader &)
{
    const std::uint16_t htype = c.be16();
    const std::uint16_t ptype = c.be16();
    const std::uint8_t hlen = c.u8();
    const std::uint8_t plen = c.u8();
    const std::uint16_t op = c.be16();
    const std::uint8_t *sha = c.take(6);
    const std::uint32_t spa = c.be32();
    c.skip(6);
    const std::uint32_t tpa = c.be32();
    if (!c.ok() || htype != 1 || ptype != kEtherTypeIpv4 || hlen != 6 || plen != 4 || (op != 1 && op != 2))
        return std::nullopt;
    if (macIsMulticast(sha) || macIsZero(sha))
        return std::nullopt;
    AddressEvent ev;
    ev.mac = macFrom(sha);
    if (spa == 0) {
        if (op != 1 || tpa == 0)
            return std::nullopt;
        ev.kind = AddressEventKind::ArpProbe;
        ev.ip = ipv4(tpa);
        return ev;
    }
    ev.kind = spa == tpa ? AddressEventKind::ArpAnnounce : op == 1 ? AddressEventKind::ArpRequest : AddressEventKind::ArpReply;
    ev.ip = ipv4(spa);
    return ev;
}

bool ipv6Unspecified(const std::uint8_t *a)
{
    for (int i = 0; i < 16; ++i)
        if (a[i])
            return false;
    return true;
}

std::optional<AddressEvent> parseIpv6Nd(ByteCursor c, const EthHeader &eth)
{
    const std::uint32_t vtf = c.be32();
    const std::uint16_t plen = c.be16();
    const std::uint8_t next = c.u8();
    const std::uint8_t hop = c.u8();
    const std::uint8_t *src = c.take(16);
    c.skip(16);
    if (!c.ok() || (vtf >> 28) != 6 || next != 58 || hop != 255)
        return std::nullopt;
    ByteCursor icmp = c.sub(plen);
    const std::uint8_t type = icmp.u8();
    const std::uint8_t code = icmp.u8();
    icmp.skip(2 + 4);  // checksum, reserved/flags
    const std::uint8_t *target = icmp.take(16);
    if (!icmp.ok() || code != 0 || (type != 135 && type != 136))
        return std::nullopt;
    const std::uint8_t *lladdr = nullptr;
    while (icmp.remaining() >= 2) {
        const std::uint8_t otype = icmp.u8();
        const std::uint8_t olen = icmp.u8();
        if (olen == 0)
            return std::nullopt;  // RFC 4861: a zero-length option is invalid
        ByteCursor opt = icmp.sub(std::size_t(olen) * 8 - 2);
        if (!icmp.ok())
            return std::nullopt;
        if ((otype == 1 || otype == 2) && olen == 1)
            lladdr = opt.take(6);
    }
    AddressEvent ev;
    ev.mac = macFrom(lladdr ? lladdr : eth.src);
    if (type == 136) {
        ev.kind = AddressEventKind::NdAdvert;
        ev.ip = QHostAddress(target);
    } else if (ipv6Unspecified(src)) {
        ev.kind = AddressEventKind::NdDad;
        ev.ip = QHostAddress(target);
    } else {
        ev.kind = AddressEventKind::NdSolicit;
        ev.ip = QHostAddress(src);
    }
    if (macIsMulticast(ev.mac.bytes.data()) || macIsZero(ev.mac.bytes.data()))
        return std::nullopt;
    return ev;
}

}  // namespace

std::optional<AddressEvent> parseAddressFrame(const std::uint8_t *frame, std::size_t len)
{
    const auto eth = parseEthernet(frame, len);
    if (!eth)
        return std::nullopt;
    ByteCursor c(frame, len);
    c.skip(eth->payloadOffset);
    switch (eth->etherType) {
    case kEtherTypeIpv4: return parseIpv4(c, *eth);
    case kEtherTypeArp: return parseArp(c, *eth);
    case kEtherTypeIpv6: return parseIpv6Nd(c, *eth);
    default: return std::nullopt;
    }
}

NETLOOM_HOT
bool Snooper::interesting(const std::uint8_t *frame, std::size_t len)
{
    if (len < kEthHeaderLen)
        return false;
    std::size_t off = 12;
    std::uint16_t et = std::uint16_t(frame[off] << 8 | frame[off + 1]);
    if (et == kEtherTypeVlan) {
        off += kVlanTagLen;
        if (len < off + 2)
            return false;
        et = std::uint16_t(frame[off] << 8 | frame[off + 1]);
    }
    off += 2;
    if (et == kEtherTypeArp)
        return true;
    if (et == kEtherTypeIpv4) {
        // UDP to or from port 67/68 only (first fragment, any IHL).
        if (len < off + 20 || frame[off + 9] != 17)
            return false;
        const std::size_t l4 = off + std::size_t(frame[off] & 0x0f) * 4;
        if (len < l4 + 4)
            return false;
        const std::uint16_t sport = std::uint16_t(frame[l4] << 8 | frame[l4 + 1]);
        const std::uint16_t dport = std::uint16_t(frame[l4 + 2] << 8 | frame[l4 + 3]);
        return (sport == 67 || sport == 68) && (dport == 67 || dport == 68);
    }
    if (et == kEtherTypeIpv6)
        return len > off + 40 && frame[off + 6] == 58 && (frame[off + 40] == 135 || frame[off + 40] == 136);
    return false;
}

template <typename Map>
void Snooper::evictOldest(Map &m)
{
    auto oldest = m.begin();
    for (auto it = m.begin(); it != m.end(); ++it)
        if (it->second.lastSeen < oldest->second.lastSeen)
            oldest = it;
    if (oldest != m.end())
        m.erase(oldest);
}

bool Snooper::recentlyReported(const AddressEvent &ev, std::int64_t nowNs)
{
    const auto key = std::make_pair(ev.mac.toString(), ev.ip.toString());
    const auto it = m_recent.find(key);
    if (it != m_recent.end() && nowNs - it->second < kRepeatNs)
        return true;
    if (m_recent.size() >= kMaxRecent) {
        // Forget everything older than the repeat window; if that frees nothing, start over.
        for (auto i = m_recent.begin(); i != m_recent.end();)
            i = nowNs - i->second >= kRepeatNs ? m_recent.erase(i) : std::next(i);
        if (m_recent.size() >= kMaxRecent)
            m_recent.clear();
    }
    m_recent[key] = nowNs;
    return false;
}

void Snooper::claim(std::uint16_t vlan, const QHostAddress &ip, const AddressEvent &ev, std::int64_t nowNs,
                    std::vector<AddressEvent> *out)
{
    if (ip.isNull())
        return;
    const auto key = std::make_pair(vlan, ip.toString());
    auto it = m_claims.find(key);
    if (it == m_claims.end()) {
        if (m_claims.size() >= kMaxClaims)
            evictOldest(m_claims);
        m_claims[key] = Claim{ev.mac, nowNs, 0, {}};
        return;
    }
    Claim &c = it->second;
    if (c.mac == ev.mac) {
        c.lastSeen = nowNs;
        return;
    }
    if (nowNs - c.lastSeen > kRepeatNs * 30) {
        // The old holder has been silent for 5 minutes: the address moved on.
        c = Claim{ev.mac, nowNs, 0, {}};
        return;
    }
    if (c.reportedMac == ev.mac && nowNs - c.reportedAt < kRepeatNs)
        return;
    c.reportedMac = ev.mac;
    c.reportedAt = nowNs;
    AddressEvent conflict = ev;
    conflict.kind = AddressEventKind::IpConflict;
    conflict.ip = ip;
    conflict.otherMac = c.mac;
    out->push_back(conflict);
}

void Snooper::server(const AddressEvent &ev, std::int64_t nowNs, std::vector<AddressEvent> *out)
{
    const std::uint32_t id = ev.serverId.value;
    if (!id)
        return;
    const auto key = std::make_pair(ev.vlan, id);
    auto &s = m_servers[key];
    const bool fresh = s.lastSeen == 0;
    s.lastSeen = nowNs;
    s.mac = ev.mac;  // for server entries, mac holds the server's Ethernet source (set by caller)
    if (!fresh)
        return;
    if (m_servers.size() > kMaxServers)
        evictOldest(m_servers);
    for (const auto &[k, other] : m_servers) {
        if (k.first != ev.vlan || k.second == id || nowNs - other.lastSeen > kRepeatNs * 60)
            continue;
        const auto pair = std::make_pair(std::min(id, k.second), std::max(id, k.second));
        const auto rep = m_serverConflicts.find(pair);
        if (rep != m_serverConflicts.end() && nowNs - rep->second < kRepeatNs)
            continue;
        if (m_serverConflicts.size() >= kMaxServers)
            m_serverConflicts.clear();
        m_serverConflicts[pair] = nowNs;
        AddressEvent conflict = ev;
        conflict.kind = AddressEventKind::DhcpServerConflict;
        conflict.ip = QHostAddress(quint32(id));
        conflict.otherIp = QHostAddress(quint32(k.second));
        conflict.otherMac = other.mac;
        out->push_back(conflict);
    }
}

void Snooper::inspect(const std::uint8_t *frame, std::size_t len, PortId port, std::uint16_t vlan, std::int64_t nowNs,
                      qint64 wallMs, std::vector<AddressEvent> *out)
{
    if (!interesting(frame, len))
        return;
    auto ev = parseAddressFrame(frame, len);
    if (!ev)
        return;
    ev->port = port;
    ev->vlan = vlan;
    ev->monotonicNs = nowNs;
    ev->wallMs = wallMs;
    const bool dhcp = ev->kind <= AddressEventKind::DhcpInform;
    if (!dhcp && recentlyReported(*ev, nowNs)) {
        // Still refresh the claim so a quiet holder is not mistaken for a gone one.
        claim(vlan, ev->ip, *ev, nowNs, out);
        return;
    }
    out->push_back(*ev);
    switch (ev->kind) {
    case AddressEventKind::DhcpOffer:
    case AddressEventKind::DhcpAck: {
        AddressEvent s = *ev;
        s.mac = macFrom(frame + 6);  // the server's own MAC
        server(s, nowNs, out);
        if (ev->kind == AddressEventKind::DhcpAck && !ev->ip.isNull())
            claim(vlan, ev->ip, *ev, nowNs, out);
        break;
    }
    case AddressEventKind::DhcpRelease:
        m_claims.erase(std::make_pair(vlan, ev->ip.toString()));
        break;
    case AddressEventKind::ArpRequest:
    case AddressEventKind::ArpReply:
    case AddressEventKind::ArpAnnounce:
    case AddressEventKind::NdAdvert:
    case AddressEventKind::NdSolicit:
        claim(vlan, ev->ip, *ev, nowNs, out);
        break;
    default:
        break;
    }
}

}  // namespace netloom::sw
