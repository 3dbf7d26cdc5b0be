// SPDX-License-Identifier: GPL-3.0-or-later
#include "leasemerge.h"

#include <algorithm>
#include <map>
#include <set>

namespace netloom::leases {
namespace {

class Merger {
public:
    Merger(const LeaseTable &t, const LeaseEvent &e, qint64 now)
        : m_t(t), m_e(e), m_now(now), m_time(e.timeMs > 0 ? e.timeMs : now)
    {
    }

    MergeResult run(const LeaseTable &existing)
    {
        applyExpiry();
        switch (m_e.kind) {
        case LeaseEventKind::DhcpDiscover:
        case LeaseEventKind::DhcpRequest: clientMessage(); break;
        case LeaseEventKind::DhcpOffer: offer(); break;
        case LeaseEventKind::DhcpAck: ack(); break;
        case LeaseEventKind::DhcpNak: nak(); break;
        case LeaseEventKind::DhcpRelease: release(); break;
        case LeaseEventKind::DhcpDecline: decline(); break;
        case LeaseEventKind::DhcpInform:
        case LeaseEventKind::Arp: neighbor4(); break;
        case LeaseEventKind::Nd: neighbor6(); break;
        case LeaseEventKind::FileSnapshot: fileSnapshot(); break;
        case LeaseEventKind::Tick: break;
        }
        recomputeConflicts(existing);
        MergeResult r;
        r.changed = m_t.entries != existing.entries || m_t.servers != existing.servers;
        r.table = std::move(m_t);
        r.notes = std::move(m_notes);
        return r;
    }

private:
    LeaseTable m_t;
    const LeaseEvent &m_e;
    QList<LeaseNote> m_notes;
    qint64 m_now;
    qint64 m_time;

    QString net() const { return m_t.config.network; }

    void note(NoteKind kind, const Mac &mac, Ipv4 ip, const QString &message)
    {
        m_notes.append(LeaseNote{kind, mac, ip, message});
    }

    LeaseEntry *find(const Mac &mac)
    {
        auto it = std::lower_bound(m_t.entries.begin(), m_t.entries.end(), mac,
                                   [](const LeaseEntry &e, const Mac &m) { return e.mac < m; });
        return (it != m_t.entries.end() && it->mac == mac) ? &*it : nullptr;
    }

    // The entry for mac, created (with its owner) if absent and room allows; nullptr if full.
    // A MAC of no guest is noted (UnknownMac) unless `quiet` (the gateway's own MAC).
    LeaseEntry *upsert(const Mac &mac, bool quiet = false)
    {
        if (LeaseEntry *e = find(mac))
            return e;
        if (m_t.entries.size() >= m_t.config.maxEntries) {
            // Evict the dead entry that changed longest ago.
            qsizetype victim = -1;
            for (qsizetype i = 0; i < m_t.entries.size(); ++i) {
                const LeaseEntry &c = m_t.entries[i];
                if (!c.isLive() && (victim < 0 || c.updatedAtMs < m_t.entries[victim].updatedAtMs))
                    victim = i;
            }
            if (victim < 0) {
                note(NoteKind::TableFull, mac, m_e.ip,
                     QStringLiteral("failed to track '%1' on network '%2': the lease table is full (%3 live entries)")
                         .arg(mac.toString(), net())
                         .arg(m_t.config.maxEntries));
                return nullptr;
            }
            m_t.entries.removeAt(victim);
        }
        LeaseEntry e;
        e.mac = mac;
        e.updatedAtMs = m_time;
        e.lastSeenMs = m_time;
        const auto owner = m_t.config.owners.find(mac);
        if (owner != m_t.config.owners.end()) {
            e.guest = owner->second.guest;
            e.nic = owner->second.nic;
        } else if (!quiet) {
            note(NoteKind::UnknownMac, mac, m_e.ip,
                 QStringLiteral("%1 on network '%2' belongs to no guest of the topology")
                     .arg(mac.toString(), net()));
        }
        auto it = std::lower_bound(m_t.entries.begin(), m_t.entries.end(), mac,
                                   [](const LeaseEntry &x, const Mac &m) { return x.mac < m; });
        it = m_t.entries.insert(it, e);
        return &*it;
    }

    // Port, last-seen time and (valid) hostname from the event.
    void touch(LeaseEntry &e)
    {
        e.lastSeenMs = std::max(e.lastSeenMs, m_time);
        if (!m_e.port.isEmpty())
            e.port = m_e.port;
        if (!m_e.hostname.isEmpty()) {
            if (isValidHostname(m_e.hostname))
                e.hostname = m_e.hostname;
            else
                note(NoteKind::BadHostname, e.mac, m_e.ip,
                     QStringLiteral("ignored hostname from %1 on network '%2': not a valid host name")
                         .arg(e.mac.toString(), net()));
        }
    }

    void setState(LeaseEntry &e, LeaseState s, LeaseSource src, Ipv4 ip, qint64 expires)
    {
        if (e.state != s || e.source != src || !(e.ip == ip))
            e.updatedAtMs = m_time;
        e.state = s;
        e.source = src;
        e.ip = ip;
        e.expiresAtMs = expires;
    }

    qint64 leaseExpiry() const
    {
        if (m_e.leaseSeconds == 0 || m_e.leaseSeconds == kInfiniteLease)
            return 0;
        return m_time + qint64(m_e.leaseSeconds) * 1000;
    }

    // Records a DHCP server sighting; returns true when the server is an expected one.
    bool sawServer(Ipv4 server)
    {
        if (server.value == 0)
            return true;  // cannot tell: give it the benefit of the doubt
        for (DhcpServerSighting &s : m_t.servers) {
            if (s.server == server) {
                s.lastSeenMs = std::max(s.lastSeenMs, m_time);
                return s.expected;
            }
        }
        bool expected;
        if (!m_t.config.expectedServers.isEmpty())
            expected = m_t.config.expectedServers.contains(server);
        else
            expected = std::none_of(m_t.servers.cbegin(), m_t.servers.cend(),
                                    [](const DhcpServerSighting &s) { return s.expected; });
        if (!expected)
            note(NoteKind::RogueServer, m_e.mac, server,
                 QStringLiteral("a second DHCP server %1 answers on network '%2'").arg(server.toString(), net()));
        if (m_t.servers.size() >= m_t.config.maxServers) {
            // Forget the server heard from longest ago (expected ones last).
            auto victim = std::min_element(m_t.servers.begin(), m_t.servers.end(),
                                           [](const DhcpServerSighting &a, const DhcpServerSighting &b) {
                                               if (a.expected != b.expected)
                                                   return !a.expected;
                                               return a.lastSeenMs < b.lastSeenMs;
                                           });
            m_t.servers.erase(victim);
        }
        m_t.servers.append(DhcpServerSighting{server, m_time, m_time, expected});
        return expected;
    }

    void applyExpiry()
    {
        for (LeaseEntry &e : m_t.entries) {
            if (e.isLive() && e.expiresAtMs > 0 && e.expiresAtMs <= m_now) {
                const bool offer = e.state == LeaseState::Offered;
                e.state = LeaseState::Expired;
                e.updatedAtMs = e.expiresAtMs;
                note(NoteKind::Expired, e.mac, e.ip,
                     offer ? QStringLiteral("offer of %1 to %2 on network '%3' lapsed")
                                 .arg(e.ip.toString(), e.mac.toString(), net())
                           : QStringLiteral("lease of %1 by %2 on network '%3' expired")
                                 .arg(e.ip.toString(), e.mac.toString(), net()));
            }
        }
        m_t.entries.removeIf([this](const LeaseEntry &e) {
            return !e.isLive() && m_now - e.updatedAtMs > m_t.config.retentionMs;
        });
    }

    void clientMessage()
    {
        if (LeaseEntry *e = find(m_e.mac))
            touch(*e);
    }

    void offer()
    {
        if (m_e.ip.value == 0) {
            note(NoteKind::Ignored, m_e.mac, m_e.ip, QStringLiteral("ignored a DHCP offer without an address"));
            return;
        }
        const bool expected = sawServer(m_e.serverId);
        LeaseEntry *e = find(m_e.mac);
        if (e && e->state == LeaseState::Bound && e->source != LeaseSource::Neighbor) {
            touch(*e);  // never downgrade a binding to an offer
            return;
        }
        e = upsert(m_e.mac);
        if (!e)
            return;
        setState(*e, LeaseState::Offered, LeaseSource::DhcpSnoop, m_e.ip, m_time + m_t.config.offerHoldMs);
        e->server = m_e.serverId;
        e->fromRogueServer = !expected;
        touch(*e);
    }

    void ack()
    {
        if (m_e.ip.value == 0)
            return;  // ACK to an INFORM: no address is granted
        const bool expected = sawServer(m_e.serverId);
        LeaseEntry *e = upsert(m_e.mac);
        if (!e)
            return;
        const bool wasBound = e->state == LeaseState::Bound && e->ip.value != 0;
        if (!wasBound)
            note(NoteKind::NewLease, e->mac, m_e.ip,
                 QStringLiteral("%1 bound %2 on network '%3'").arg(e->mac.toString(), m_e.ip.toString(), net()));
        else if (!(e->ip == m_e.ip))
            note(NoteKind::AddressChanged, e->mac, m_e.ip,
                 QStringLiteral("%1 moved from %2 to %3 on network '%4'")
                     .arg(e->mac.toString(), e->ip.toString(), m_e.ip.toString(), net()));
        setState(*e, LeaseState::Bound, LeaseSource::DhcpSnoop, m_e.ip, leaseExpiry());
        e->server = m_e.serverId;
        e->fromRogueServer = !expected;
        touch(*e);
    }

    void nak()
    {
        sawServer(m_e.serverId);
        LeaseEntry *e = find(m_e.mac);
        if (!e || !e->isLive() || e->source == LeaseSource::Neighbor) {
            note(NoteKind::Nak, m_e.mac, m_e.ip,
                 QStringLiteral("DHCP server %1 refused %2 on network '%3'")
                     .arg(m_e.serverId.toString(), m_e.mac.toString(), net()));
            return;
        }
        if (e->server.value != 0 && m_e.serverId.value != 0 && !(e->server == m_e.serverId)) {
            note(NoteKind::Nak, e->mac, e->ip,
                 QStringLiteral("ignored a NAK for %1 from %2: its lease of %3 comes from %4")
                     .arg(e->mac.toString(), m_e.serverId.toString(), e->ip.toString(), e->server.toString()));
            touch(*e);
            return;
        }
        note(NoteKind::Nak, e->mac, e->ip,
             QStringLiteral("DHCP server %1 refused %2 for %3 on network '%4'")
                 .arg(m_e.serverId.toString(), e->ip.toString(), e->mac.toString(), net()));
        setState(*e, LeaseState::Expired, e->source, e->ip, e->expiresAtMs);
        touch(*e);
    }

    void release()
    {
        LeaseEntry *e = find(m_e.mac);
        if (!e || !e->isLive() || (m_e.ip.value != 0 && !(e->ip == m_e.ip))) {
            note(NoteKind::Ignored, m_e.mac, m_e.ip,
                 QStringLiteral("ignored a release of %1 by %2: no such live lease")
                     .arg(m_e.ip.toString(), m_e.mac.toString()));
            return;
        }
        note(NoteKind::Released, e->mac, e->ip,
             QStringLiteral("%1 released %2 on network '%3'").arg(e->mac.toString(), e->ip.toString(), net()));
        setState(*e, LeaseState::Released, e->source, e->ip, e->expiresAtMs);
        touch(*e);
    }

    void decline()
    {
        note(NoteKind::Declined, m_e.mac, m_e.ip,
             QStringLiteral("%1 declined %2 on network '%3': the address is already in use")
                 .arg(m_e.mac.toString(), m_e.ip.toString(), net()));
        LeaseEntry *e = find(m_e.mac);
        if (e && e->isLive() && e->ip == m_e.ip) {
            setState(*e, LeaseState::Expired, e->source, e->ip, e->expiresAtMs);
            touch(*e);
        }
    }

    // The gateway whose address is `ip` (among the first kMaxGateways), or nullptr.
    const GatewayAddress *gatewayAt(Ipv4 ip) const
    {
        const auto &gws = m_t.config.gateways;
        for (qsizetype i = 0; i < std::min<qsizetype>(gws.size(), LeaseTableConfig::kMaxGateways); ++i)
            if (gws[i].ip == ip)
                return &gws[i];
        return nullptr;
    }

    // A MAC that belongs to no guest uses a gateway address: it is the gateway (the host's
    // side of a host port). Listed as LeaseState::Gateway with no expiry, named after the
    // host port, without a "new lease" or "unknown MAC" note. A guest's MAC using the
    // gateway's address is handled as any neighbor (and flagged as a conflict).
    bool gatewayNeighbor()
    {
        const GatewayAddress *gw = gatewayAt(m_e.ip);
        if (!gw || m_t.config.owners.count(m_e.mac))
            return false;
        LeaseEntry *e = upsert(m_e.mac, true);
        if (!e)
            return true;
        setState(*e, LeaseState::Gateway, LeaseSource::Neighbor, m_e.ip, 0);
        e->guest = gw->name;
        e->nic.clear();
        e->server = Ipv4{};
        e->fromRogueServer = false;
        touch(*e);
        return true;
    }

    void neighbor4()
    {
        if (m_e.ip.value == 0)
            return;  // ARP probe: the sender has no address yet
        if (gatewayNeighbor())
            return;
        LeaseEntry *e = find(m_e.mac);
        if (e && e->isLive() && e->source != LeaseSource::Neighbor && e->ip.value != 0) {
            if (!(e->ip == m_e.ip))
                note(NoteKind::AddressMismatch, e->mac, m_e.ip,
                     QStringLiteral("%1 uses %2 on network '%3' but its lease is for %4")
                         .arg(e->mac.toString(), m_e.ip.toString(), net(), e->ip.toString()));
            touch(*e);
            return;
        }
        const bool isNew = !e || !e->isLive() || e->ip.value == 0;
        if (e && !isNew && !(e->ip == m_e.ip))
            note(NoteKind::AddressChanged, e->mac, m_e.ip,
                 QStringLiteral("%1 moved from %2 to %3 on network '%4'")
                     .arg(e->mac.toString(), e->ip.toString(), m_e.ip.toString(), net()));
        e = upsert(m_e.mac);
        if (!e)
            return;
        if (isNew)
            note(NoteKind::NewLease, e->mac, m_e.ip,
                 QStringLiteral("%1 uses %2 on network '%3' (seen on the wire)")
                     .arg(e->mac.toString(), m_e.ip.toString(), net()));
        setState(*e, LeaseState::Bound, LeaseSource::Neighbor, m_e.ip, m_time + m_t.config.neighborTtlMs);
        e->server = Ipv4{};
        e->fromRogueServer = false;
        touch(*e);
    }

    void neighbor6()
    {
        if (m_e.ipv6.protocol() != QAbstractSocket::IPv6Protocol || m_e.ipv6.isNull() ||
            m_e.ipv6 == QHostAddress(QHostAddress::AnyIPv6)) {
            return;  // DAD probe (unspecified source) or not IPv6
        }
        LeaseEntry *e = find(m_e.mac);
        const bool isNew = !e || !e->isLive();
        e = upsert(m_e.mac);
        if (!e)
            return;
        if (isNew) {
            note(NoteKind::NewLease, e->mac, Ipv4{},
                 QStringLiteral("%1 uses %2 on network '%3' (seen on the wire)")
                     .arg(e->mac.toString(), m_e.ipv6.toString(), net()));
            e->ip = Ipv4{};
            e->ipv6.clear();
            setState(*e, LeaseState::Bound, LeaseSource::Neighbor, Ipv4{}, 0);
        }
        if (e->source == LeaseSource::Neighbor && e->state != LeaseState::Gateway)
            e->expiresAtMs = m_time + m_t.config.neighborTtlMs;
        e->ipv6.removeAll(m_e.ipv6);
        e->ipv6.append(m_e.ipv6);
        while (e->ipv6.size() > m_t.config.maxIpv6PerEntry)
            e->ipv6.removeFirst();
        touch(*e);
    }

    void fileSnapshot()
    {
        std::map<Mac, const FileLease *> present;
        for (const FileLease &fl : m_e.fileLeases)
            present[fl.mac] = &fl;  // a repeated MAC: the last line wins
        for (const auto &[mac, fl] : present) {
            const qint64 expires = fl->expiresAtSec > 0 ? fl->expiresAtSec * 1000 : 0;
            LeaseEntry *e = find(mac);
            if (expires > 0 && expires <= m_now) {
                // Stale line (dnsmasq has not rewritten the file yet): it only confirms expiry.
                if (e && e->isLive() && e->source == LeaseSource::LeaseFile && e->ip == fl->ip)
                    setState(*e, LeaseState::Expired, e->source, e->ip, expires);
                continue;
            }
            if (e && e->state == LeaseState::Bound && e->source == LeaseSource::DhcpSnoop &&
                e->updatedAtMs > m_time)
                continue;  // an ACK seen after the file was read is newer
            const bool wasBound = e && e->state == LeaseState::Bound && e->ip.value != 0;
            const Ipv4 oldIp = e ? e->ip : Ipv4{};
            e = upsert(mac);
            if (!e)
                continue;
            if (!wasBound)
                note(NoteKind::NewLease, mac, fl->ip,
                     QStringLiteral("%1 bound %2 on network '%3'").arg(mac.toString(), fl->ip.toString(), net()));
            else if (!(oldIp == fl->ip))
                note(NoteKind::AddressChanged, mac, fl->ip,
                     QStringLiteral("%1 moved from %2 to %3 on network '%4'")
                         .arg(mac.toString(), oldIp.toString(), fl->ip.toString(), net()));
            if (!(oldIp == fl->ip) || e->source != LeaseSource::DhcpSnoop) {
                e->server = m_t.config.expectedServers.value(0);
                e->fromRogueServer = false;
            }
            setState(*e, LeaseState::Bound, LeaseSource::LeaseFile, fl->ip, expires);
            if (!fl->hostname.isEmpty() && isValidHostname(fl->hostname))
                e->hostname = fl->hostname;
            e->lastSeenMs = std::max(e->lastSeenMs, m_time);
        }
        const std::set<Mac> present6 = fileSnapshot6();
        for (LeaseEntry &e : m_t.entries) {
            if (e.isLive() && e.source == LeaseSource::LeaseFile && !present.count(e.mac) && !present6.count(e.mac)) {
                note(NoteKind::Released, e.mac, e.ip,
                     QStringLiteral("%1 no longer holds %2 on network '%3' (gone from the lease file)")
                         .arg(e.mac.toString(), e.ip.toString(), net()));
                setState(e, LeaseState::Released, e.source, e.ip, e.expiresAtMs);
            }
        }
    }

    // The DHCPv6 lines of a snapshot: each live lease whose DUID names a MAC adds its address
    // to that MAC's entry (an entry known only by DHCPv6 becomes bound from the lease file,
    // with the lease's expiry). Returns the MACs holding a live DHCPv6 lease.
    std::set<Mac> fileSnapshot6()
    {
        std::set<Mac> present;
        for (const FileLease6 &fl : m_e.fileLeases6) {
            if (!fl.mac || fl.mac->isMulticast() || fl.mac->isZero())
                continue;
            const qint64 expires = fl.expiresAtSec > 0 ? fl.expiresAtSec * 1000 : 0;
            if (expires > 0 && expires <= m_now)
                continue;  // stale line
            const Mac mac = *fl.mac;
            LeaseEntry *e = find(mac);
            const bool isNew = !e || !e->isLive();
            e = upsert(mac);
            if (!e)
                continue;
            present.insert(mac);
            if (isNew) {
                note(NoteKind::NewLease, mac, Ipv4{},
                     QStringLiteral("%1 bound %2 on network '%3'").arg(mac.toString(), fl.ip.toString(), net()));
                e->ip = Ipv4{};
                e->ipv6.clear();
                e->server = Ipv4{};
                e->fromRogueServer = false;
                setState(*e, LeaseState::Bound, LeaseSource::LeaseFile, Ipv4{}, expires);
            } else if (e->source == LeaseSource::Neighbor && e->ip.value == 0) {
                setState(*e, LeaseState::Bound, LeaseSource::LeaseFile, Ipv4{}, expires);
            }
            if (!e->ipv6.contains(fl.ip)) {
                e->ipv6.append(fl.ip);
                while (e->ipv6.size() > m_t.config.maxIpv6PerEntry)
                    e->ipv6.removeFirst();
            }
            if (e->hostname.isEmpty() && !fl.hostname.isEmpty() && isValidHostname(fl.hostname))
                e->hostname = fl.hostname;
            e->lastSeenMs = std::max(e->lastSeenMs, m_time);
        }
        return present;
    }

    void recomputeConflicts(const LeaseTable &existing)
    {
        std::map<std::uint32_t, QList<qsizetype>> byIp;
        for (qsizetype i = 0; i < m_t.entries.size(); ++i) {
            const LeaseEntry &e = m_t.entries[i];
            if (e.isLive() && e.ip.value != 0)
                byIp[e.ip.value].append(i);
        }
        for (LeaseEntry &e : m_t.entries)
            e.conflict = false;
        for (const auto &[ip, idx] : byIp) {
            if (idx.size() < 2)
                continue;
            QStringList macs;
            bool fresh = false;
            for (qsizetype i : idx) {
                LeaseEntry &e = m_t.entries[i];
                e.conflict = true;
                macs.append(e.mac.toString());
                const LeaseEntry *old = existing.find(e.mac);
                if (!old || !old->conflict || !(old->ip == e.ip))
                    fresh = true;
            }
            if (fresh)
                note(NoteKind::IpConflict, m_t.entries[idx.first()].mac, Ipv4{ip},
                     QStringLiteral("%1 is claimed by %2 on network '%3'")
                         .arg(Ipv4{ip}.toString(), macs.join(QStringLiteral(" and ")), net()));
        }
    }
};

}  // namespace

MergeResult mergeLeaseEvent(const LeaseTable &existing, const LeaseEvent &event, qint64 nowMs)
{
    return Merger(existing, event, nowMs).run(existing);
}

}  // namespace netloom::leases
