// SPDX-License-Identifier: GPL-3.0-or-later
// Golden cases for the pure lease merge: each case is a sequence of events (with the time
// the merge runs at) and the table and notes it must produce.
#include "leases/leasemerge.h"

#include <QTest>

#include <functional>

using namespace netloom::leases;
using netloom::protocol::Ipv4;
using netloom::protocol::Mac;

namespace {

constexpr const char *kMac1 = "52:54:00:00:00:01";
constexpr const char *kMac2 = "52:54:00:00:00:02";
constexpr const char *kMac3 = "52:54:00:00:00:03";
constexpr const char *kStranger = "02:00:00:00:00:99";

Mac mac(const char *s) { return Mac::parse(QString::fromLatin1(s)).value(); }
Ipv4 ip(const char *s) { return s && *s ? Ipv4::parse(QString::fromLatin1(s)).value() : Ipv4{}; }

struct Step {
    LeaseEvent event;
    qint64 nowMs;
};

// A DHCP event at second t (the merge runs at the same time).
Step dhcp(LeaseEventKind kind, qint64 t, const char *m, const char *addr, const char *server = "",
          std::uint32_t leaseSec = 0, const char *host = "", const char *port = "")
{
    LeaseEvent e;
    e.kind = kind;
    e.timeMs = t * 1000;
    e.mac = mac(m);
    e.ip = ip(addr);
    e.serverId = ip(server);
    e.leaseSeconds = leaseSec;
    e.hostname = QString::fromUtf8(host);
    e.port = QString::fromUtf8(port);
    return {e, t * 1000};
}

Step arp(qint64 t, const char *m, const char *addr, const char *port = "")
{
    return dhcp(LeaseEventKind::Arp, t, m, addr, "", 0, "", port);
}

Step nd(qint64 t, const char *m, const char *addr6)
{
    Step s = dhcp(LeaseEventKind::Nd, t, m, "");
    s.event.ipv6 = QHostAddress(QString::fromLatin1(addr6));
    return s;
}

Step tick(qint64 t)
{
    LeaseEvent e;
    return {e, t * 1000};
}

// A lease-file snapshot read at second `readAt`, merged at second `now`.
Step file(qint64 readAt, qint64 now, QList<FileLease> leases)
{
    LeaseEvent e;
    e.kind = LeaseEventKind::FileSnapshot;
    e.timeMs = readAt * 1000;
    e.fileLeases = std::move(leases);
    return {e, now * 1000};
}

// A DHCPv6 lease-file line whose DUID names MAC `m` (nullptr: a DUID without a MAC).
FileLease6 fl6(qint64 expiresSec, const char *m, const char *addr6, const char *host = "")
{
    FileLease6 f;
    f.expiresAtSec = expiresSec;
    if (m)
        f.mac = mac(m);
    f.ip = QHostAddress(QString::fromLatin1(addr6));
    f.hostname = QString::fromUtf8(host);
    return f;
}

Step file6(qint64 readAt, qint64 now, QList<FileLease> leases, QList<FileLease6> leases6)
{
    Step st = file(readAt, now, std::move(leases));
    st.event.fileLeases6 = std::move(leases6);
    return st;
}

FileLease fl(qint64 expiresSec, const char *m, const char *addr, const char *host = "")
{
    FileLease f;
    f.expiresAtSec = expiresSec;
    f.mac = mac(m);
    f.ip = ip(addr);
    f.hostname = QString::fromUtf8(host);
    return f;
}

LeaseTableConfig baseConfig()
{
    LeaseTableConfig c;
    c.network = QStringLiteral("lan");
    c.owners[mac(kMac1)] = MacOwner{QStringLiteral("vm1"), QStringLiteral("nic0")};
    c.owners[mac(kMac2)] = MacOwner{QStringLiteral("vm2"), QStringLiteral("nic0")};
    c.owners[mac(kMac3)] = MacOwner{QStringLiteral("vm3"), QStringLiteral("nic1")};
    return c;
}

struct Case {
    const char *name;
    std::function<void(LeaseTableConfig &)> tweak;
    QList<Step> steps;
    QStringList expectedEntries;  // describeEntry() of each entry, in MAC order
    QStringList expectedNotes;    // noteKindName() of every note, in order
    QStringList expectedServers = {};  // "ip expected|rogue"
};

using K = LeaseEventKind;

QList<Case> cases()
{
    return {
        {"full DORA binds with hostname, owner, port and expiry", {},
         {dhcp(K::DhcpDiscover, 10, kMac1, "", "", 0, "alpha", "p1"),
          dhcp(K::DhcpOffer, 10, kMac1, "10.0.0.10", "10.0.0.1", 3600, "", "p1"),
          dhcp(K::DhcpRequest, 10, kMac1, "10.0.0.10", "10.0.0.1", 0, "alpha", "p1"),
          dhcp(K::DhcpAck, 11, kMac1, "10.0.0.10", "10.0.0.1", 3600, "", "p1")},
         {"52:54:00:00:00:01 10.0.0.10 bound dhcp host=alpha guest=vm1/nic0 port=p1 exp=3611000 server=10.0.0.1"},
         {"new-lease"},
         {"10.0.0.1 expected"}},
        {"an offer alone is offered and lapses after offerHoldMs", {},
         {dhcp(K::DhcpOffer, 0, kMac1, "10.0.0.10", "10.0.0.1", 3600), tick(59), tick(60)},
         {"52:54:00:00:00:01 10.0.0.10 expired dhcp guest=vm1/nic0 exp=60000 server=10.0.0.1"},
         {"expired"},
         {"10.0.0.1 expected"}},
        {"a lease expires at its lease time and is forgotten after the retention", {},
         {dhcp(K::DhcpAck, 0, kMac1, "10.0.0.10", "10.0.0.1", 60), tick(61)},
         {"52:54:00:00:00:01 10.0.0.10 expired dhcp guest=vm1/nic0 exp=60000 server=10.0.0.1"},
         {"new-lease", "expired"},
         {"10.0.0.1 expected"}},
        {"retention drops dead entries", {},
         {dhcp(K::DhcpAck, 0, kMac1, "10.0.0.10", "10.0.0.1", 60), tick(61), tick(60 + 3601)},
         {},
         {"new-lease", "expired"},
         {"10.0.0.1 expected"}},
        {"infinite lease never expires", {},
         {dhcp(K::DhcpAck, 0, kMac1, "10.0.0.10", "10.0.0.1", kInfiniteLease), tick(1'000'000)},
         {"52:54:00:00:00:01 10.0.0.10 bound dhcp guest=vm1/nic0 exp=0 server=10.0.0.1"},
         {"new-lease"},
         {"10.0.0.1 expected"}},
        {"release ends the lease", {},
         {dhcp(K::DhcpAck, 0, kMac1, "10.0.0.10", "10.0.0.1", 600),
          dhcp(K::DhcpRelease, 5, kMac1, "10.0.0.10", "10.0.0.1")},
         {"52:54:00:00:00:01 10.0.0.10 released dhcp guest=vm1/nic0 exp=600000 server=10.0.0.1"},
         {"new-lease", "released"},
         {"10.0.0.1 expected"}},
        {"release of another address is ignored", {},
         {dhcp(K::DhcpAck, 0, kMac1, "10.0.0.10", "10.0.0.1", 600),
          dhcp(K::DhcpRelease, 5, kMac1, "10.0.0.11", "10.0.0.1")},
         {"52:54:00:00:00:01 10.0.0.10 bound dhcp guest=vm1/nic0 exp=600000 server=10.0.0.1"},
         {"new-lease", "ignored"},
         {"10.0.0.1 expected"}},
        {"NAK from the granting server ends the lease", {},
         {dhcp(K::DhcpAck, 0, kMac1, "10.0.0.10", "10.0.0.1", 600),
          dhcp(K::DhcpNak, 5, kMac1, "", "10.0.0.1")},
         {"52:54:00:00:00:01 10.0.0.10 expired dhcp guest=vm1/nic0 exp=600000 server=10.0.0.1"},
         {"new-lease", "nak"},
         {"10.0.0.1 expected"}},
        {"NAK from another server is flagged and ignored",
         [](LeaseTableConfig &c) { c.expectedServers = {ip("10.0.0.1")}; },
         {dhcp(K::DhcpAck, 0, kMac1, "10.0.0.10", "10.0.0.1", 600),
          dhcp(K::DhcpNak, 5, kMac1, "", "10.0.0.66")},
         {"52:54:00:00:00:01 10.0.0.10 bound dhcp guest=vm1/nic0 exp=600000 server=10.0.0.1"},
         {"new-lease", "rogue-server", "nak"},
         {"10.0.0.1 expected", "10.0.0.66 rogue"}},
        {"DECLINE ends the offer and is noted", {},
         {dhcp(K::DhcpOffer, 0, kMac1, "10.0.0.10", "10.0.0.1", 600),
          dhcp(K::DhcpDecline, 1, kMac1, "10.0.0.10", "10.0.0.1")},
         {"52:54:00:00:00:01 10.0.0.10 expired dhcp guest=vm1/nic0 exp=60000 server=10.0.0.1"},
         {"declined"},
         {"10.0.0.1 expected"}},
        {"ARP shows a static guest, refreshed, then aged out", {},
         {arp(0, kMac2, "10.0.0.50", "p2"), arp(200, kMac2, "10.0.0.50", "p2"), tick(499), tick(500)},
         {"52:54:00:00:00:02 10.0.0.50 expired neighbor guest=vm2/nic0 port=p2 exp=500000"},
         {"new-lease", "expired"}},
        {"ARP probe (sender 0.0.0.0) is not an address", {},
         {arp(0, kMac2, "0.0.0.0")},
         {},
         {}},
        {"ARP never overrides a DHCP lease; a different address is flagged", {},
         {dhcp(K::DhcpAck, 0, kMac1, "10.0.0.10", "10.0.0.1", 600, "", "p1"), arp(5, kMac1, "10.0.0.99", "p3")},
         {"52:54:00:00:00:01 10.0.0.10 bound dhcp guest=vm1/nic0 port=p3 exp=600000 server=10.0.0.1"},
         {"new-lease", "address-mismatch"},
         {"10.0.0.1 expected"}},
        {"ARP-only entry moves when the guest changes address", {},
         {arp(0, kMac2, "10.0.0.50"), arp(10, kMac2, "10.0.0.51")},
         {"52:54:00:00:00:02 10.0.0.51 bound neighbor guest=vm2/nic0 exp=310000"},
         {"new-lease", "address-changed"}},
        {"DHCP takes over from ARP evidence", {},
         {arp(0, kMac2, "10.0.0.50"), dhcp(K::DhcpAck, 10, kMac2, "10.0.0.20", "10.0.0.1", 600)},
         {"52:54:00:00:00:02 10.0.0.20 bound dhcp guest=vm2/nic0 exp=610000 server=10.0.0.1"},
         {"new-lease", "address-changed"},
         {"10.0.0.1 expected"}},
        {"two MACs claiming one IP are both flagged, noted once", {},
         {dhcp(K::DhcpAck, 0, kMac1, "10.0.0.10", "10.0.0.1", 600), arp(1, kMac2, "10.0.0.10"),
          arp(2, kMac2, "10.0.0.10")},
         {"52:54:00:00:00:01 10.0.0.10 bound dhcp guest=vm1/nic0 exp=600000 server=10.0.0.1 conflict",
          "52:54:00:00:00:02 10.0.0.10 bound neighbor guest=vm2/nic0 exp=302000 conflict"},
         {"new-lease", "new-lease", "ip-conflict"},
         {"10.0.0.1 expected"}},
        {"conflict clears when one side expires", {},
         {dhcp(K::DhcpAck, 0, kMac1, "10.0.0.10", "10.0.0.1", 600), arp(1, kMac2, "10.0.0.10"), tick(302)},
         {"52:54:00:00:00:01 10.0.0.10 bound dhcp guest=vm1/nic0 exp=600000 server=10.0.0.1",
          "52:54:00:00:00:02 10.0.0.10 expired neighbor guest=vm2/nic0 exp=301000"},
         {"new-lease", "new-lease", "ip-conflict", "expired"},
         {"10.0.0.1 expected"}},
        {"a rogue server's offer and ack are tracked and flagged",
         [](LeaseTableConfig &c) { c.expectedServers = {ip("10.0.0.1")}; },
         {dhcp(K::DhcpOffer, 0, kMac1, "192.168.1.77", "192.168.1.1", 600),
          dhcp(K::DhcpAck, 1, kMac1, "192.168.1.77", "192.168.1.1", 600)},
         {"52:54:00:00:00:01 192.168.1.77 bound dhcp guest=vm1/nic0 exp=601000 server=192.168.1.1 rogue"},
         {"rogue-server", "new-lease"},
         {"192.168.1.1 rogue"}},
        {"without configured servers the second one seen is flagged", {},
         {dhcp(K::DhcpOffer, 0, kMac1, "10.0.0.10", "10.0.0.1", 600),
          dhcp(K::DhcpOffer, 0, kMac1, "10.9.9.9", "10.9.9.1", 600)},
         {"52:54:00:00:00:01 10.9.9.9 offered dhcp guest=vm1/nic0 exp=60000 server=10.9.9.1 rogue"},
         {"rogue-server"},
         {"10.0.0.1 expected", "10.9.9.1 rogue"}},
        {"an OFFER never downgrades a binding", {},
         {dhcp(K::DhcpAck, 0, kMac1, "10.0.0.10", "10.0.0.1", 600),
          dhcp(K::DhcpOffer, 5, kMac1, "10.0.0.11", "10.0.0.1", 600)},
         {"52:54:00:00:00:01 10.0.0.10 bound dhcp guest=vm1/nic0 exp=600000 server=10.0.0.1"},
         {"new-lease"},
         {"10.0.0.1 expected"}},
        {"a new ACK for another address moves the lease", {},
         {dhcp(K::DhcpAck, 0, kMac1, "10.0.0.10", "10.0.0.1", 600),
          dhcp(K::DhcpAck, 5, kMac1, "10.0.0.12", "10.0.0.1", 600)},
         {"52:54:00:00:00:01 10.0.0.12 bound dhcp guest=vm1/nic0 exp=605000 server=10.0.0.1"},
         {"new-lease", "address-changed"},
         {"10.0.0.1 expected"}},
        {"lease file binds, then a vanished line is released",
         [](LeaseTableConfig &c) { c.expectedServers = {ip("10.0.0.1")}; },
         {file(100, 100, {fl(4000, kMac1, "10.0.0.10", "alpha"), fl(0, kMac2, "10.0.0.11")}),
          file(200, 200, {fl(0, kMac2, "10.0.0.11")})},
         {"52:54:00:00:00:01 10.0.0.10 released file host=alpha guest=vm1/nic0 exp=4000000 server=10.0.0.1",
          "52:54:00:00:00:02 10.0.0.11 bound file guest=vm2/nic0 exp=0 server=10.0.0.1"},
         {"new-lease", "new-lease", "released"}},
        {"an ACK seen after the file was read beats the snapshot; a later snapshot wins", {},
         {dhcp(K::DhcpAck, 10, kMac1, "10.0.0.10", "10.0.0.1", 600),
          file(5, 11, {fl(4000, kMac1, "10.0.0.20")}),
          file(20, 20, {fl(4000, kMac1, "10.0.0.20")})},
         {"52:54:00:00:00:01 10.0.0.20 bound file guest=vm1/nic0 exp=4000000"},
         {"new-lease", "address-changed"},
         {"10.0.0.1 expected"}},
        {"a stale lease-file line only confirms expiry", {},
         {file(100, 100, {fl(50, kMac1, "10.0.0.10")})},
         {},
         {}},
        {"a hostile hostname is dropped and noted", {},
         {dhcp(K::DhcpOffer, 0, kMac1, "10.0.0.10", "10.0.0.1", 600),
          dhcp(K::DhcpRequest, 1, kMac1, "10.0.0.10", "10.0.0.1", 0, "evil\x1b[2Jname")},
         {"52:54:00:00:00:01 10.0.0.10 offered dhcp guest=vm1/nic0 exp=60000 server=10.0.0.1"},
         {"bad-hostname"},
         {"10.0.0.1 expected"}},
        {"a MAC outside the topology is tracked and noted", {},
         {arp(0, kStranger, "10.0.0.200")},
         {"02:00:00:00:00:99 10.0.0.200 bound neighbor exp=300000"},
         {"unknown-mac", "new-lease"}},
        {"a full table evicts the oldest dead entry, else refuses",
         [](LeaseTableConfig &c) { c.maxEntries = 2; },
         {arp(0, kMac1, "10.0.0.1"), arp(100, kMac2, "10.0.0.2"), tick(301), arp(302, kMac3, "10.0.0.3"),
          arp(303, kStranger, "10.0.0.4")},
         {"52:54:00:00:00:02 10.0.0.2 bound neighbor guest=vm2/nic0 exp=400000",
          "52:54:00:00:00:03 10.0.0.3 bound neighbor guest=vm3/nic1 exp=602000"},
         {"new-lease", "new-lease", "expired", "new-lease", "table-full"}},
        {"ND adds IPv6 addresses (bounded, newest kept); DHCP keeps them", [](LeaseTableConfig &c) { c.maxIpv6PerEntry = 2; },
         {nd(0, kMac3, "fe80::1"), nd(1, kMac3, "2001:db8::1"), nd(2, kMac3, "2001:db8::2"), nd(3, kMac3, "::"),
          dhcp(K::DhcpAck, 4, kMac3, "10.0.0.30", "10.0.0.1", 600)},
         {"52:54:00:00:00:03 10.0.0.30 bound dhcp ipv6=2001:db8::1 ipv6=2001:db8::2 guest=vm3/nic1 exp=604000 "
          "server=10.0.0.1"},
         {"new-lease", "new-lease"},
         {"10.0.0.1 expected"}},
        {"DHCPv6 leases join the MAC's IPv4 entry; a v6-only client is bound from the file",
         nullptr,
         {file6(10, 10, {fl(1000, kMac1, "10.0.0.10", "alpha")},
                {fl6(1000, kMac1, "fd42::10", "alpha"), fl6(2000, kMac2, "fd42::20", "beta"),
                 fl6(1000, nullptr, "fd42::99", "nomac")})},
         {"52:54:00:00:00:01 10.0.0.10 bound file ipv6=fd42::10 host=alpha guest=vm1/nic0 exp=1000000",
          "52:54:00:00:00:02 0.0.0.0 bound file ipv6=fd42::20 host=beta guest=vm2/nic0 exp=2000000"},
         {"new-lease", "new-lease"}},
        {"the gateway's own address is the gateway: no expiry, no lease or unknown-MAC note",
         [](LeaseTableConfig &c) { c.gateways = {GatewayAddress{ip("10.0.0.1"), QStringLiteral("gw")}}; },
         {arp(0, kStranger, "10.0.0.1", "tap loom0"), arp(200, kStranger, "10.0.0.1"),
          nd(250, kStranger, "fe80::99"), tick(10'000), tick(100'000)},
         {"02:00:00:00:00:99 10.0.0.1 gateway neighbor ipv6=fe80::99 guest=gw port=tap loom0 exp=0"},
         {}},
        {"a guest using the gateway's address is not the gateway: both are flagged",
         [](LeaseTableConfig &c) { c.gateways = {GatewayAddress{ip("10.0.0.1"), QStringLiteral("gw")}}; },
         {arp(0, kStranger, "10.0.0.1"), arp(1, kMac2, "10.0.0.1")},
         {"02:00:00:00:00:99 10.0.0.1 gateway neighbor guest=gw exp=0 conflict",
          "52:54:00:00:00:02 10.0.0.1 bound neighbor guest=vm2/nic0 exp=301000 conflict"},
         {"new-lease", "ip-conflict"}},
        {"another address of the gateway's MAC is an ordinary neighbor",
         [](LeaseTableConfig &c) { c.gateways = {GatewayAddress{ip("10.0.0.1"), QStringLiteral("gw")}}; },
         {arp(0, kStranger, "10.0.0.77")},
         {"02:00:00:00:00:99 10.0.0.77 bound neighbor exp=300000"},
         {"unknown-mac", "new-lease"}},
        {"a v6-only lease gone from the file is released; a stale v6 line is ignored",
         nullptr,
         {file6(10, 10, {}, {fl6(2000, kMac2, "fd42::20", "beta")}), file6(20, 20, {}, {}),
          file6(30, 30, {}, {fl6(25, kMac3, "fd42::30")})},
         {"52:54:00:00:00:02 0.0.0.0 released file ipv6=fd42::20 host=beta guest=vm2/nic0 exp=2000000"},
         {"new-lease", "released"}},
    };
}

}  // namespace

class TestLeaseMerge : public QObject {
    Q_OBJECT
private slots:
    void golden_data()
    {
        QTest::addColumn<int>("index");
        const auto all = cases();
        for (int i = 0; i < all.size(); ++i)
            QTest::newRow(all[i].name) << i;
    }

    void golden()
    {
        QFETCH(int, index);
        const Case c = cases().at(index);
        LeaseTable t;
        t.config = baseConfig();
        if (c.tweak)
            c.tweak(t.config);
        QStringList notes;
        for (const Step &s : c.steps) {
            MergeResult r = mergeLeaseEvent(t, s.event, s.nowMs);
            for (const LeaseNote &n : r.notes) {
                notes.append(QString::fromLatin1(noteKindName(n.kind)));
                QVERIFY2(!n.message.isEmpty(), noteKindName(n.kind));
            }
            QCOMPARE(r.changed, r.table.entries != t.entries || r.table.servers != t.servers);
            t = std::move(r.table);
        }
        QStringList entries;
        for (const LeaseEntry &e : t.entries)
            entries.append(describeEntry(e));
        QCOMPARE(entries, c.expectedEntries);
        QCOMPARE(notes, c.expectedNotes);
        QStringList servers;
        for (const DhcpServerSighting &s : t.servers)
            servers.append(s.server.toString() + (s.expected ? QStringLiteral(" expected") : QStringLiteral(" rogue")));
        QCOMPARE(servers, c.expectedServers);
        QCOMPARE(t.hasRogueServer(), servers.join(u' ').contains(QStringLiteral("rogue")));
    }

    void tickOnQuietTableChangesNothing()
    {
        LeaseTable t;
        t.config = baseConfig();
        t = mergeLeaseEvent(t, dhcp(K::DhcpAck, 0, kMac1, "10.0.0.10", "10.0.0.1", 600).event, 0).table;
        const MergeResult r = mergeLeaseEvent(t, LeaseEvent{}, 10'000);
        QVERIFY(!r.changed);
        QVERIFY(r.notes.isEmpty());
    }

    void entriesStaySortedAndUnique()
    {
        LeaseTable t;
        t.config = baseConfig();
        const char *order[] = {kMac3, kMac1, kStranger, kMac2, kMac1, kMac3};
        int n = 0;
        for (const char *m : order)
            t = mergeLeaseEvent(t, arp(n, m, "10.0.1.1").event, n * 1000).table;
        QCOMPARE(t.entries.size(), 4);
        for (qsizetype i = 1; i < t.entries.size(); ++i)
            QVERIFY(t.entries[i - 1].mac < t.entries[i].mac);
        QVERIFY(t.find(mac(kStranger)));
        QVERIFY(!t.find(mac("52:54:00:00:00:77")));
    }

    void hostnameRules()
    {
        QVERIFY(isValidHostname(QStringLiteral("alpha")));
        QVERIFY(isValidHostname(QStringLiteral("web-1.example_lab")));
        QVERIFY(!isValidHostname(QString()));
        QVERIFY(!isValidHostname(QStringLiteral("a b")));
        QVERIFY(!isValidHostname(QStringLiteral("a..b")));
        QVERIFY(!isValidHostname(QStringLiteral(".a")));
        QVERIFY(!isValidHostname(QStringLiteral("a.")));
        QVERIFY(!isValidHostname(QStringLiteral("caf\u00e9")));
        QVERIFY(!isValidHostname(QString(64, u'a')));
        QVERIFY(isValidHostname(QString(63, u'a')));
        QVERIFY(!isValidHostname((QString(63, u'a') + u'.').repeated(4) + QStringLiteral("a")));
    }
};

QTEST_GUILESS_MAIN(TestLeaseMerge)
#include "test_leasemerge.moc"
