// SPDX-License-Identifier: GPL-3.0-or-later
// The topology file codec: round trips, canonical output, strict decoding, atomic saves.
#include "common/testutil.h"
#include "model/topologyjson.h"
#include "model/validator.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace netloom;
using namespace netloom::model;

namespace {

QStringList exampleFiles()
{
    const QDir dir(test::sourcePath(QStringLiteral("examples")));
    QStringList files;
    for (const QString &f : dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name))
        files.append(dir.filePath(f));
    return files;
}

QByteArray minimal(const QByteArray &nodes, const QByteArray &links = "[]")
{
    return R"({"format": "netloom-topology", "version": 1, "name": "t", "nodes": )" + nodes + R"(, "links": )" + links + "}";
}

// A topology using every field with a non-default value.
Topology everything()
{
    Topology t;
    t.name = QStringLiteral("full");
    t.description = QStringLiteral("every field \"quoted\" \u00e9");
    Node sw;
    sw.id = QStringLiteral("br");
    sw.name = QStringLiteral("bridge");
    sw.position = QPointF(12.5, -3.25);
    sw.notes = QStringLiteral("line1\nline2");
    sw.sw = SwitchConfig{SwitchConfig::Engine::Bridge, QStringLiteral("loombr7"), true, 1024, 60, true, 9000, {}};
    Node hp;
    hp.id = QStringLiteral("hp");
    hp.type = NodeType::HostPort;
    hp.name = QStringLiteral("host");
    hp.hostPort.ifname = QStringLiteral("loomhp");
    hp.hostPort.address = QStringLiteral("10.9.0.1/24");
    hp.hostPort.dhcp = DhcpConfig{true, QStringLiteral("10.9.0.10"), QStringLiteral("10.9.0.20"), 600, QStringLiteral("x.lan"),
                                  {DhcpReservation{QStringLiteral("52:54:00:00:00:01"), QStringLiteral("10.9.0.5"), QStringLiteral("h")}}};
    hp.hostPort.dns = false;
    hp.hostPort.nat = NatConfig{NatConfig::Mode::Route, {QStringLiteral("eth+"), QStringLiteral("wlan0")}, {}};
    hp.hostPort.mtu = 1400;
    hp.hostPort.ipv6 = Ipv6Config{QStringLiteral("fd42:9::1/64"), false, true, QStringLiteral("fd42:9::10"), QStringLiteral("fd42:9::20")};
    Node up;
    up.id = QStringLiteral("up");
    up.type = NodeType::Uplink;
    up.name = QStringLiteral("up");
    up.uplink.ifname = QStringLiteral("eth1");
    Node g;
    g.id = QStringLiteral("g");
    g.type = NodeType::Guest;
    g.name = QStringLiteral("g");
    GuestConfig &gc = g.guest;
    gc.qemu = QStringLiteral("qemu-system-aarch64");
    gc.machine = QStringLiteral("virt");
    gc.accel = QStringLiteral("tcg");
    gc.cpuModel = QStringLiteral("max");
    gc.memoryMiB = 1024;
    gc.cpus = 4;
    gc.disks = {DiskConfig{QStringLiteral("a.img"), QStringLiteral("qcow2"), QStringLiteral("ide"), true, true}};
    gc.cdrom = QStringLiteral("/iso/x.iso");
    gc.kernel = QStringLiteral("k");
    gc.initrd = QStringLiteral("i");
    gc.append = QStringLiteral("console=ttyS0");
    gc.boot = QStringLiteral("cd");
    gc.display = GuestConfig::Display::Virtio;
    gc.uefi = UefiConfig{QStringLiteral("/usr/share/OVMF/OVMF_CODE_4M.fd"), QStringLiteral("g_VARS.fd")};
    gc.cloudInit = CloudInitConfig{QStringLiteral("dev"), {QStringLiteral("ssh-ed25519 AAAA k")}, QStringLiteral("h1"),
                                   QStringLiteral("$6$x$y"), QStringLiteral("#cloud-config\nruncmd: [true]\n")};
    gc.extraArgs = {QStringLiteral("-rtc"), QStringLiteral("base=utc")};
    NicConfig n1;
    n1.id = QStringLiteral("n1");
    n1.model = QStringLiteral("e1000");
    n1.mac = QStringLiteral("52:54:00:00:00:02");
    n1.tapIfname = QStringLiteral("loomg1");
    NicConfig n2;
    n2.id = QStringLiteral("n2");
    n2.mode = NicConfig::Mode::User;
    n2.user = UserNetConfig{QStringLiteral("10.0.2.0/24"),
                            {HostForward{QStringLiteral("udp"), QStringLiteral("127.0.0.1"), 5353, QStringLiteral("10.0.2.15"), 53}}, true};
    NicConfig n3;
    n3.id = QStringLiteral("n3");
    n3.mode = NicConfig::Mode::Socket;
    n3.socket = SocketConfig{SocketConfig::Kind::Mcast, QStringLiteral("230.0.0.1:1234")};
    gc.nics = {n1, n2, n3};
    Node r;
    r.id = QStringLiteral("r");
    r.type = NodeType::Remote;
    r.name = QStringLiteral("r");
    r.remote.vxlan = VxlanConfig{77, QString(), QStringLiteral("239.0.0.7"), QStringLiteral("10.1.1.1"), QStringLiteral("eth0"), 8472,
                                 QStringLiteral("loomvx")};
    t.nodes = {sw, hp, up, g, r};
    Link l1{QStringLiteral("l1"), Endpoint{QStringLiteral("g"), QStringLiteral("n1"), std::nullopt},
            Endpoint{QStringLiteral("br"), QString(), VlanConfig{VlanConfig::Mode::Trunk, 0, {10, 20}}}, {}, QString()};
    Link l2{QStringLiteral("l2"), Endpoint{QStringLiteral("br"), QString(), VlanConfig{VlanConfig::Mode::Access, 30, {}}},
            Endpoint{QStringLiteral("r"), QString(), std::nullopt}, {}, QStringLiteral("loomc1")};
    t.links = {l1, l2};
    return t;
}

}  // namespace

class TestTopologyJson : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void examplesRoundTrip_data()
    {
        QTest::addColumn<QString>("file");
        const QStringList files = exampleFiles();
        QVERIFY2(files.size() >= 9, "examples/ is incomplete");
        for (const QString &f : files)
            QTest::newRow(qPrintable(QFileInfo(f).fileName())) << f;
    }
    void examplesRoundTrip()
    {
        QFETCH(QString, file);
        const Result<Topology> t = loadTopologyFile(file);
        QVERIFY2(t.isOk(), qPrintable(t.isOk() ? QString() : t.error().message));
        QVERIFY(!t->nodes.isEmpty());
        const QByteArray saved = serializeTopology(*t);
        const Result<Topology> again = parseTopology(saved, file);
        QVERIFY2(again.isOk(), qPrintable(again.isOk() ? QString() : again.error().message));
        QVERIFY(*again == *t);
        // The examples are stored in canonical form: saving changes nothing.
        QCOMPARE(QString::fromUtf8(saved), QString::fromUtf8(test::readFile(file)));
        const QList<Issue> issues = validate(*t);
        QVERIFY2(issues.isEmpty(), qPrintable(issues.isEmpty() ? QString() : issues.first().path + QStringLiteral(": ") + issues.first().message));
    }

    void everyFieldRoundTrips()
    {
        const Topology t = everything();
        const QByteArray text = serializeTopology(t);
        const Result<Topology> back = parseTopology(text, QStringLiteral("mem"));
        QVERIFY2(back.isOk(), qPrintable(back.isOk() ? QString() : back.error().message));
        QVERIFY(*back == t);
        QCOMPARE(serializeTopology(*back), text);
        // Defaults are left out; non-defaults are written.
        QVERIFY(text.contains("\"macAgingSeconds\": 60"));
        QVERIFY(!serializeTopology(Topology{QStringLiteral("x"), {}, {Node{}}, {}}).contains("macTableSize"));
        QVERIFY(text.contains(R"("uefi": {"code": "/usr/share/OVMF/OVMF_CODE_4M.fd", "vars": "g_VARS.fd"})"));
        // A BIOS guest writes no uefi key.
        Topology bios = t;
        bios.nodes[3].guest.uefi.reset();
        QVERIFY(!serializeTopology(bios).contains("uefi"));
        QVERIFY(text.contains(R"("address": "fd42:9::1/64",)"));
        QVERIFY(text.contains(R"("rangeStart": "fd42:9::10",)"));
        // IPv6 is an optional key of version 1: a host port without it writes no ipv6 key.
        Topology v4 = t;
        for (Node &n : v4.nodes)
            n.hostPort.ipv6 = {};
        QVERIFY(!serializeTopology(v4).contains("ipv6"));
    }

    // Version 2: emulation and mirrors round-trip; "both" is written for equal directions; the
    // version written is the lowest that holds the topology; a version-1 file may carry them.
    void emulationRoundTrip()
    {
        Topology t = everything();
        QVERIFY(!t.links.isEmpty());
        QVERIFY(serializeTopology(t).contains("\"version\": 1,"));
        Result<protocol::Impairment> a = protocol::parseImpairmentSpec(QStringLiteral("delay=20ms,jitter=5ms,dist=uniform,gemodel=1%/25%,rate=10mbit,queue=50ms"));
        QVERIFY(a.isOk());
        t.links[0].emulation.ab = *a;
        t.links[0].emulation.ba = *a;
        t.links[0].emulation.up = false;
        Node lan;
        lan.id = QStringLiteral("lan9");
        lan.name = lan.id;
        lan.sw.mirrors = {MirrorConfig{QStringLiteral("x"), QStringLiteral("y"), MirrorConfig::Direction::Tx},
                          MirrorConfig{QStringLiteral("y"), QStringLiteral("z"), MirrorConfig::Direction::Both}};
        t.nodes.append(lan);
        QByteArray text = serializeTopology(t);
        QVERIFY2(text.contains("\"version\": 2,"), text.constData());
        QVERIFY2(text.contains(R"("emulation": {)") && text.contains(R"("both": {)") && text.contains(R"("distribution": "uniform")"), text.constData());
        QVERIFY2(text.contains(R"("up": false)"), text.constData());
        QVERIFY2(text.contains(R"("mirrors": [)") && text.contains(R"({"source": "x", "target": "y", "direction": "tx"})")
                     && text.contains(R"({"source": "y", "target": "z"})"), text.constData());
        Result<Topology> back = parseTopology(text, QStringLiteral("mem"));
        QVERIFY2(back.isOk(), qPrintable(back.isOk() ? QString() : back.error().message));
        QVERIFY(*back == t);
        QCOMPARE(serializeTopology(*back), text);
        // Different directions: ab and ba, no both.
        t.links[0].emulation.ba = protocol::Impairment{};
        t.links[0].emulation.ba.lossPercent = 2.5;
        text = serializeTopology(t);
        QVERIFY2(text.contains(R"("ab": {)") && text.contains(R"("ba": {"lossPercent": 2.5})") && !text.contains(R"("both")"), text.constData());
        back = parseTopology(text, QStringLiteral("mem"));
        QVERIFY(back.isOk() && *back == t);
        // A version-1 file with emulation members reads the same (they are version 2's only
        // addition, with defaults that keep version 1's meaning).
        QByteArray v1 = text;
        v1.replace("\"version\": 2,", "\"version\": 1,");
        back = parseTopology(v1, QStringLiteral("v1"));
        QVERIFY(back.isOk() && *back == t);
    }

    void demoContents()
    {
        const Result<Topology> t = loadTopologyFile(test::sourcePath(QStringLiteral("examples/demo.json")));
        QVERIFY(t.isOk());
        const Node *alpha = t->node(QStringLiteral("alpha"));
        const Node *beta = t->node(QStringLiteral("beta"));
        const Node *gw = t->node(QStringLiteral("gw"));
        QVERIFY(alpha && beta && gw);
        QCOMPARE(alpha->guest.kernel, QStringLiteral("demo-guest/vmlinuz"));
        QCOMPARE(alpha->guest.initrd, QStringLiteral("demo-guest/initrd.img"));
        QCOMPARE(alpha->guest.nics.value(0).model, QStringLiteral("virtio-net-pci"));
        QVERIFY(!alpha->guest.nics.value(0).mac.isEmpty());
        QVERIFY(alpha->guest.nics.value(0).mac != beta->guest.nics.value(0).mac);
        QCOMPARE(gw->hostPort.address, QStringLiteral("10.0.2.1/24"));
        QCOMPARE(gw->hostPort.dhcp.rangeStart, QStringLiteral("10.0.2.100"));
        QCOMPARE(gw->hostPort.dhcp.rangeEnd, QStringLiteral("10.0.2.199"));
        QCOMPARE(gw->hostPort.dhcp.domain, QStringLiteral("demo.lan"));
        QCOMPARE(gw->hostPort.nat.mode, NatConfig::Mode::Masquerade);
    }

    void strictDecoding_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        const int inval = int(ErrorCode::InvalidArgument);
        QTest::newRow("newer version") << QByteArray(R"({"format": "netloom-topology", "version": 7, "name": "t", "nodes": [], "future": 1})")
                                       << int(ErrorCode::Unsupported)
                                       << "written by a newer Netloom (format version 7); this build reads version 3";
        QTest::newRow("version 4") << QByteArray(R"({"format": "netloom-topology", "version": 4, "name": "t", "nodes": []})")
                                   << int(ErrorCode::Unsupported) << "(format version 4); this build reads version 3";
        const QByteArray twoEnds = R"("a": {"node": "x"}, "b": {"node": "y"})";
        auto emu = [&](const QByteArray &e) { return minimal("[]", R"([{"id": "c1", )" + twoEnds + R"(, "emulation": )" + e + "}]"); };
        QTest::newRow("emulation unknown key") << emu(R"({"abba": {}})") << inval
                                               << "links[0] (id 'c1').emulation.abba: unknown key (known keys here: ab, ba, both, up)";
        QTest::newRow("emulation both and ab") << emu(R"({"both": {"delayMs": 1}, "ab": {"delayMs": 2}})") << inval
                                               << "links[0] (id 'c1').emulation.ab: 'both' already sets both directions";
        QTest::newRow("emulation delay") << emu(R"({"ab": {"delayMs": 20000}})") << inval
                                         << "links[0] (id 'c1').emulation.ab.delayMs: must be a number within 0..10000";
        QTest::newRow("emulation member") << emu(R"({"ba": {"delay": 5}})") << inval << "links[0] (id 'c1').emulation.ba.delay: unknown member";
        QTest::newRow("emulation jitter alone") << emu(R"({"both": {"jitterMs": 5}})") << inval
                                                << "links[0] (id 'c1').emulation.both: failed to check impairment 'jitter': jitter needs a delay";
        QTest::newRow("emulation up") << emu(R"({"up": "no"})") << inval << "links[0] (id 'c1').emulation.up: expected true or false, got a string";
        QTest::newRow("emulation not object") << emu("5") << inval << "links[0] (id 'c1').emulation: expected an object, got a number";
        QTest::newRow("mirror direction") << minimal(R"([{"id": "s", "type": "switch", "switch": {"mirrors": [{"source": "a", "target": "b", "direction": "in"}]}}])")
                                          << inval << "nodes[0] (id 's').switch.mirrors[0].direction: expected one of 'rx', 'tx', 'both'";
        QTest::newRow("mirror without target") << minimal(R"([{"id": "s", "type": "switch", "switch": {"mirrors": [{"source": "a"}]}}])")
                                               << inval << "nodes[0] (id 's').switch.mirrors[0].target: missing (required)";
        QTest::newRow("too many mirrors") << minimal(R"([{"id": "s", "type": "switch", "switch": {"mirrors": [)" +
                                                     QByteArray(R"({"source": "a", "target": "b"},)").repeated(64) + R"({"source": "a", "target": "b"}]}}])")
                                          << int(ErrorCode::LimitExceeded) << "nodes[0] (id 's').switch.mirrors: more than 64 items";
        QTest::newRow("version 0") << QByteArray(R"({"format": "netloom-topology", "version": 0, "name": "t", "nodes": []})") << inval
                                   << "version: expected a positive integer";
        QTest::newRow("fractional version") << QByteArray(R"({"format": "netloom-topology", "version": 1.5, "name": "t", "nodes": []})")
                                            << inval << "version: expected a positive integer";
        QTest::newRow("no format") << QByteArray(R"({"version": 1, "name": "t", "nodes": []})") << inval << "not a Netloom topology file";
        QTest::newRow("syntax") << QByteArray("{\n  \"format\": \"netloom-topology\",\n  \"version\": 1\n  \"name\": \"x\"\n}")
                                << int(ErrorCode::Parse) << "JSON syntax error at line 4, column";
        QTest::newRow("duplicate key") << QByteArray("{\"format\": \"netloom-topology\", \"version\": 1, \"name\": \"t\",\n \"nodes\": [{\"id\": \"s\", \"type\": \"switch\", \"id\": \"t\"}]}")
                                       << inval << "line 2, column 42: key 'id' appears twice in the same object";
        QTest::newRow("duplicate escaped key") << minimal("[{\"id\": \"s\", \"type\": \"switch\", \"\\u0069d\": \"t\"}]") << inval << "key 'id' appears twice";
        QTest::newRow("top-level array") << QByteArray("[]") << inval << "expected a JSON object at the top level";
        QTest::newRow("unknown top key") << minimal("[]").replace("\"name\"", "\"nmae\"") << inval << "nmae: unknown key (did you mean 'name'?)";
        QTest::newRow("unknown key, no suggestion") << minimal(R"([{"id": "s", "type": "switch", "zzzzzzz": 1}])") << inval
                                                    << "nodes[0] (id 's').zzzzzzz: unknown key (known keys here: id, type,";
        QTest::newRow("missing type") << minimal(R"([{"id": "s"}])") << inval << "nodes[0] (id 's').type: missing (required)";
        QTest::newRow("bad type") << minimal(R"([{"id": "s", "type": "router"}])") << inval
                                  << "nodes[0] (id 's').type: expected one of 'switch', 'hostport', 'uplink', 'guest', 'remote'";
        QTest::newRow("id not string") << minimal(R"([{"id": 5, "type": "switch"}])") << inval << "nodes[0].id: expected a string, got a number";
        QTest::newRow("lease") << minimal(R"([{"id": "gw0", "type": "hostport", "hostPort": {"dhcp": {"leaseSeconds": 31536001}}}])") << inval
                               << "nodes[0] (id 'gw0').hostPort.dhcp.leaseSeconds: expected an integer 120..31536000";
        QTest::newRow("ipv6 unknown key") << minimal(R"([{"id": "gw0", "type": "hostport", "hostPort": {"ipv6": {"prefix": "fd42::1/64"}}}])") << inval
                                          << "nodes[0] (id 'gw0').hostPort.ipv6.prefix: unknown key";
        QTest::newRow("ipv6 ra string") << minimal(R"([{"id": "gw0", "type": "hostport", "hostPort": {"ipv6": {"ra": "yes"}}}])") << inval
                                        << "nodes[0] (id 'gw0').hostPort.ipv6.ra: expected true or false, got a string";
        QTest::newRow("ipv6 not object") << minimal(R"([{"id": "gw0", "type": "hostport", "hostPort": {"ipv6": "fd42::1/64"}}])") << inval
                                         << "nodes[0] (id 'gw0').hostPort.ipv6: expected an object";
        QTest::newRow("fractional int") << minimal(R"([{"id": "g", "type": "guest", "guest": {"cpus": 1.5}}])") << inval
                                        << "nodes[0] (id 'g').guest.cpus: expected an integer 1..256";
        QTest::newRow("bool as string") << minimal(R"([{"id": "s", "type": "switch", "switch": {"hub": "yes"}}])") << inval
                                        << "nodes[0] (id 's').switch.hub: expected true or false, got a string";
        QTest::newRow("mtu") << minimal(R"([{"id": "s", "type": "switch", "switch": {"mtu": 20}}])") << inval
                             << "switch.mtu: expected 0 or an integer 68..65535";
        QTest::newRow("config of other type") << minimal(R"([{"id": "s", "type": "switch", "hostPort": {}}])") << inval
                                              << "nodes[0] (id 's').hostPort: only allowed on a node of type 'hostport'";
        QTest::newRow("nic unknown key") << minimal(R"([{"id": "g", "type": "guest", "guest": {"nics": [{"id": "n0", "mdoe": "user"}]}}])") << inval
                                         << "nodes[0] (id 'g').guest.nics[0] (id 'n0').mdoe: unknown key (did you mean 'mode'?)";
        QTest::newRow("forward port") << minimal(R"([{"id": "g", "type": "guest", "guest": {"nics": [{"id": "n0", "mode": "user", "user": {"forwards": [{"hostPort": 0, "guestPort": 22}]}}]}}])")
                                      << inval << "user.forwards[0].hostPort: expected an integer 1..65535";
        QTest::newRow("forward missing port") << minimal(R"([{"id": "g", "type": "guest", "guest": {"nics": [{"id": "n0", "mode": "user", "user": {"forwards": [{"hostPort": 22}]}}]}}])")
                                              << inval << "user.forwards[0].guestPort: missing (required)";
        QTest::newRow("link missing b") << minimal("[]", R"([{"id": "l", "a": {"node": "x"}}])") << inval << "links[0] (id 'l').b: missing (required)";
        QTest::newRow("allowed vlan") << minimal("[]", R"([{"id": "l", "a": {"node": "x", "vlan": {"mode": "trunk", "allowed": [10, 4095]}}, "b": {"node": "y"}}])")
                                      << inval << "links[0] (id 'l').a.vlan.allowed[1]: expected an integer 1..4094";
        QTest::newRow("vni") << minimal(R"([{"id": "r", "type": "remote", "remote": {"vxlan": {"vni": 16777216}}}])") << inval
                             << "remote.vxlan.vni: expected an integer 1..16777215";
        QTest::newRow("too many nics") << minimal(R"([{"id": "g", "type": "guest", "guest": {"nics": [)" + QByteArray("{},").repeated(32) + "{}]}}]")
                                       << int(ErrorCode::LimitExceeded) << "guest.nics: more than 32 items";
        QTest::newRow("long string") << minimal(QByteArray("[{\"id\": \"s\", \"type\": \"switch\", \"notes\": \"") + QByteArray(5000, 'x') + "\"}]")
                                     << int(ErrorCode::LimitExceeded) << "nodes[0] (id 's').notes: longer than 4096 characters";
        QTest::newRow("extraArgs item") << minimal(R"([{"id": "g", "type": "guest", "guest": {"extraArgs": ["-m", 5]}}])") << inval
                                        << "guest.extraArgs[1]: expected a string, got a number";
        QTest::newRow("display") << minimal(R"([{"id": "g", "type": "guest", "guest": {"display": "spice"}}])") << inval
                                 << "nodes[0] (id 'g').guest.display: expected one of 'vga', 'virtio', 'none'";
        QTest::newRow("cloudInit without user") << minimal(R"([{"id": "g", "type": "guest", "guest": {"cloudInit": {"sshKeys": []}}}])") << inval
                                                << "nodes[0] (id 'g').guest.cloudInit.user: missing (required)";
        QTest::newRow("too many keys") << minimal(QByteArray(R"([{"id": "g", "type": "guest", "guest": {"cloudInit": {"user": "u", "sshKeys": [)") +
                                                  QByteArray("\"k\",").repeated(64) + "\"k\"]}}}]")
                                       << int(ErrorCode::LimitExceeded) << "guest.cloudInit.sshKeys: more than 64 items";
        QTest::newRow("uefi without vars") << minimal(R"([{"id": "g", "type": "guest", "guest": {"uefi": {"code": "/c.fd"}}}])") << inval
                                           << "nodes[0] (id 'g').guest.uefi.vars: missing (required)";
        QTest::newRow("uefi without code") << minimal(R"([{"id": "g", "type": "guest", "guest": {"uefi": {"vars": "v.fd"}}}])") << inval
                                           << "nodes[0] (id 'g').guest.uefi.code: missing (required)";
        QTest::newRow("uefi not object") << minimal(R"([{"id": "g", "type": "guest", "guest": {"uefi": true}}])") << inval
                                         << "nodes[0] (id 'g').guest.uefi: expected an object";
        QTest::newRow("uefi unknown key") << minimal(R"([{"id": "g", "type": "guest", "guest": {"uefi": {"code": "c", "vars": "v", "secure": true}}}])")
                                          << inval << "guest.uefi.secure: unknown key";
        QTest::newRow("huge position") << minimal(R"([{"id": "s", "type": "switch", "position": {"x": 1e300, "y": 0}}])") << inval
                                       << "position.x: expected a number";
    }
    void strictDecoding()
    {
        QFETCH(QByteArray, json);
        QFETCH(int, code);
        QFETCH(QString, message);
        const Result<Topology> t = parseTopology(json, QStringLiteral("in.json"));
        QVERIFY2(!t.isOk(), "decoding should have failed");
        QVERIFY2(t.error().message.startsWith(QStringLiteral("failed to load topology 'in.json': ")), qPrintable(t.error().message));
        QVERIFY2(t.error().message.contains(message), qPrintable(t.error().message));
        QCOMPARE(int(t.error().code), code);
    }

    void sameKeyInDifferentObjectsIsFine()
    {
        const Result<Topology> t = parseTopology(minimal("[{\"id\": \"a\", \"type\": \"switch\"}, {\"id\": \"b\", \"type\": \"switch\", \"name\": \"x\\\"id\\\":\"}]"),
                                                 QStringLiteral("x"));
        QVERIFY2(t.isOk(), qPrintable(t.isOk() ? QString() : t.error().message));
        QCOMPARE(t->nodes[1].name, QStringLiteral("x\"id\":"));
    }

    void defaultsApplied()
    {
        const Result<Topology> t = parseTopology(minimal(R"([{"id": "s", "type": "switch"}, {"id": "g", "type": "guest", "guest": {"nics": [{"id": "n"}]}}])"),
                                                 QStringLiteral("x"));
        QVERIFY2(t.isOk(), qPrintable(t.isOk() ? QString() : t.error().message));
        QCOMPARE(t->nodes[0].name, QStringLiteral("s"));  // name defaults to the id
        QCOMPARE(t->nodes[0].sw.macTableSize, 8192);
        QCOMPARE(t->nodes[1].guest.memoryMiB, 256);
        QCOMPARE(t->nodes[1].guest.nics[0].model, QStringLiteral("virtio-net-pci"));
        QCOMPARE(t->nodes[1].guest.nics[0].mode, NicConfig::Mode::Switch);
        // A version-1 file from before the display setting: the guest gets a standard VGA screen.
        QCOMPARE(t->nodes[1].guest.display, GuestConfig::Display::Vga);
        // ... and from before UEFI: it boots with BIOS.
        QVERIFY(!t->nodes[1].guest.uefi.has_value());
    }

    // Cutting a valid file anywhere or flipping bytes never crashes and always gives an
    // error naming the source, or a topology.
    void hostileInputNeverCrashes()
    {
        const QByteArray text = test::readFile(test::sourcePath(QStringLiteral("examples/h-cables-remote.json")));
        QVERIFY(!text.isEmpty());
        for (qsizetype cut = 0; cut < text.size(); cut += 7) {
            const Result<Topology> t = parseTopology(text.left(cut), QStringLiteral("cut"));
            QVERIFY(!t.isOk());
            QVERIFY(t.error().message.startsWith(QStringLiteral("failed to load topology 'cut': ")));
        }
        QRandomGenerator rng(12345);
        for (int round = 0; round < 2000; ++round) {
            QByteArray m = text;
            for (int flips = 0; flips < 3; ++flips)
                m[rng.bounded(int(m.size()))] = char(rng.bounded(256));
            const Result<Topology> t = parseTopology(m, QStringLiteral("mutated"));
            if (t.isOk())
                (void)validate(*t);  // must not crash either
            else
                QVERIFY(!t.error().message.isEmpty());
        }
        // Deep nesting.
        const Result<Topology> deep = parseTopology(QByteArray(100000, '['), QStringLiteral("deep"));
        QVERIFY(!deep.isOk());
    }

    void saveIsAtomicAndLoadable()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("t.json"));
        const Topology t = everything();
        QVERIFY(saveTopologyFile(t, path).isOk());
        // Overwrite an existing file: no temporary file is left behind, content replaced.
        Topology t2 = t;
        t2.name = QStringLiteral("second");
        QVERIFY(saveTopologyFile(t2, path).isOk());
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("t.json")});
        const Result<Topology> back = loadTopologyFile(path);
        QVERIFY(back.isOk());
        QVERIFY(*back == t2);
        // A failing save leaves the old file intact.
        const Status bad = saveTopologyFile(t, dir.filePath(QStringLiteral("missing/dir/t.json")));
        QVERIFY(!bad.isOk());
        QCOMPARE(bad.error().code, ErrorCode::Io);
        QVERIFY(bad.error().message.startsWith(QStringLiteral("failed to save topology '")));
        QVERIFY(*loadTopologyFile(path) == t2);
    }

    void loadErrors()
    {
        QTemporaryDir dir;
        const Result<Topology> missing = loadTopologyFile(dir.filePath(QStringLiteral("nope.json")));
        QVERIFY(!missing.isOk());
        QCOMPARE(missing.error().code, ErrorCode::Io);
        QVERIFY(missing.error().message.contains(QStringLiteral("nope.json")));
        const Result<Topology> isDir = loadTopologyFile(dir.path());
        QVERIFY(!isDir.isOk());
        QVERIFY(isDir.error().message.contains(QStringLiteral("is a directory")));
        // Size bound: a file over 16 MiB is refused before decoding.
        const QString big = dir.filePath(QStringLiteral("big.json"));
        QFile f(big);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.resize(limits::kMaxFileBytes + 1));
        f.close();
        const Result<Topology> tooBig = loadTopologyFile(big);
        QVERIFY(!tooBig.isOk());
        QCOMPARE(tooBig.error().code, ErrorCode::LimitExceeded);
    }

    void resolvePaths()
    {
        QCOMPARE(resolvePath(QStringLiteral("/srv/lab/t.json"), QStringLiteral("disks/a.qcow2")), QStringLiteral("/srv/lab/disks/a.qcow2"));
        QCOMPARE(resolvePath(QStringLiteral("/srv/lab/t.json"), QStringLiteral("../img/k")), QStringLiteral("/srv/img/k"));
        QCOMPARE(resolvePath(QStringLiteral("/srv/lab/t.json"), QStringLiteral("/abs//x.img")), QStringLiteral("/abs/x.img"));
        QCOMPARE(resolvePath(QStringLiteral("/srv/lab/t.json"), QString()), QString());
        QCOMPARE(resolvePath(QStringLiteral("t.json"), QStringLiteral("k")), QDir::current().filePath(QStringLiteral("k")));
    }
};

QTEST_GUILESS_MAIN(TestTopologyJson)
#include "test_topologyjson.moc"
