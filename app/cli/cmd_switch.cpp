// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl switch: run one netloom switch in the foreground, like vde_switch.
//
//   netloomctl switch --sock DIR [--tap NAME] [--port URL]... [--json] [--mode OCTAL]
//                     [--group NAME] [--hub] [--stats SECONDS] [--capture PORT=FILE]...
//                     [--vlan PORT=access:VLAN | PORT=trunk:VLAN,...[:NATIVE]]...
//                     [--impair PORT=SPEC[,dir=in|out|both]]... [--link-down PORT]...
//                     [--mirror SRC=DST[:rx|tx|both]]...
//
// Prints one line per address event and per port change (JSON lines with --json), counters
// every --stats seconds, on SIGUSR1, and once at exit. Runs as an ordinary user; SIGINT or
// SIGTERM stop it cleanly (exit 130).
#include "cliparser.h"
#include "commands.h"

#include "switch/dgramtransport.h"
#include "switch/streamtransport.h"
#include "switch/switchengine.h"
#include "switch/taptransport.h"
#include "switch/vdeplugtransport.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>
#include <QTimer>

#include <csignal>
#include <fcntl.h>
#include <map>
#include <unistd.h>

namespace netloom::cli {

using namespace netloom::sw;

namespace {

int g_signalPipe[2] = {-1, -1};

void onSignal(int sig)
{
    const char c = char(sig);
    (void)!::write(g_signalPipe[1], &c, 1);
}

struct Options {
    QString sock;
    mode_t mode = 0600;
    QString group;
    QStringList taps;
    QStringList urls;
    QStringList vhostUser;
    bool hub = false;
    bool json = false;
    int statsSeconds = 0;
    QList<QPair<PortId, QString>> captures;
    std::map<PortId, VlanPortConfig> vlans;
    std::map<PortId, PortEmulation> emulations;
    struct Mirror {
        PortId target = kNoPort;
        MirrorDirection direction = MirrorDirection::Both;
    };
    std::map<PortId, Mirror> mirrors;
};

// "N" with 1 <= N <= the switch's port limit, or 0.
PortId parsePortNumber(const QString &s)
{
    bool ok = false;
    const uint port = s.toUInt(&ok);
    return ok && port >= 1 && port <= SwitchConfig{}.maxPorts ? PortId(port) : kNoPort;
}

// --impair PORT=SPEC[,dir=in|out|both] into o->emulations (each direction set at most once).
Status parseImpair(const QString &v, std::map<PortId, PortEmulation> *emulations)
{
    const QString what = QStringLiteral("--impair %1").arg(v.left(protocol::impair::kMaxSpecChars + 16));
    auto bad = [&](const QString &reason) {
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("parse option"), what, reason);
    };
    if (v.size() > protocol::impair::kMaxSpecChars + 16)
        return bad(QStringLiteral("longer than %1 characters").arg(protocol::impair::kMaxSpecChars + 16));
    const qsizetype eq = v.indexOf(u'=');
    const PortId port = eq > 0 ? parsePortNumber(v.left(eq)) : kNoPort;
    if (port == kNoPort)
        return bad(QStringLiteral("expected PORT=SPEC with a port number from 1 to %1").arg(SwitchConfig{}.maxPorts));
    QStringList parts = v.mid(eq + 1).split(u',');
    QString dir = QStringLiteral("both");
    int dirs = 0;
    for (qsizetype i = parts.size() - 1; i >= 0; --i) {
        if (!parts[i].startsWith(QLatin1String("dir=")))
            continue;
        dir = parts[i].mid(4);
        parts.removeAt(i);
        ++dirs;
    }
    if (dirs > 1)
        return bad(QStringLiteral("dir is given twice"));
    if (dir != QLatin1String("in") && dir != QLatin1String("out") && dir != QLatin1String("both"))
        return bad(QStringLiteral("dir must be in, out or both, not '%1'").arg(dir));
    const QString spec = parts.join(u',');
    if (spec.isEmpty())
        return bad(QStringLiteral("expected an impairment such as delay=20ms,loss=1%"));
    auto imp = protocol::parseImpairmentSpec(spec);
    if (!imp)
        return bad(imp.error().message);
    PortEmulation &e = (*emulations)[port];
    const bool in = dir != QLatin1String("out"), out = dir != QLatin1String("in");
    if ((in && !e.fromPort.isNone()) || (out && !e.toPort.isNone()))
        return bad(QStringLiteral("port %1 already has an impairment in that direction").arg(port));
    if (in)
        e.fromPort = *imp;
    if (out)
        e.toPort = *imp;
    return ok();
}

Result<Options> parseArgs(const CliParser &p)
{
    Options o;
    auto bad = [](const QString &what, const QString &reason) {
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("parse option"), what, reason);
    };
    const auto values = [&p](const char *name) { return p.values(QLatin1String(name)); };
    o.json = p.isSet(QStringLiteral("json"));
    o.hub = p.isSet(QStringLiteral("hub"));
    if (p.isSet(QStringLiteral("sock"))) {
        o.sock = p.value(QStringLiteral("sock"));
        if (o.sock.isEmpty())
            return bad(QStringLiteral("--sock"), QStringLiteral("needs a directory"));
    }
    if (p.isSet(QStringLiteral("mode"))) {
        bool ok = false;
        o.mode = mode_t(p.value(QStringLiteral("mode")).toUInt(&ok, 8));
        if (!ok || o.mode > 0777)
            return bad(QStringLiteral("--mode"), QStringLiteral("needs an octal mode such as 0660"));
    }
    o.group = p.value(QStringLiteral("group"));
    o.taps = values("tap");
    o.urls = values("port");
    for (const QString &v : values("vhost-user")) {
        if (v.isEmpty())
            return bad(QStringLiteral("--vhost-user"), QStringLiteral("needs a socket path"));
        o.vhostUser << v;
    }
    if (p.isSet(QStringLiteral("stats"))) {
        bool ok = false;
        o.statsSeconds = p.value(QStringLiteral("stats")).toInt(&ok);
        if (!ok || o.statsSeconds < 0 || o.statsSeconds > 86400)
            return bad(QStringLiteral("--stats"), QStringLiteral("needs a number of seconds (0..86400)"));
    }
    for (const QString &v : values("capture")) {
        const qsizetype eq = v.indexOf(u'=');
        bool ok = false;
        const uint port = eq > 0 ? v.left(eq).toUInt(&ok) : 0;
        if (!ok || port == 0 || eq + 1 >= v.size())
            return bad(v, QStringLiteral("expected PORT=FILE with a port number from 1"));
        o.captures.append({PortId(port), v.mid(eq + 1)});
    }
    for (const QString &v : values("vlan")) {
        const qsizetype eq = v.indexOf(u'=');
        bool ok = false;
        const uint port = eq > 0 ? v.left(eq).toUInt(&ok) : 0;
        if (!ok || port == 0 || port > SwitchConfig{}.maxPorts)
            return bad(v, QStringLiteral("expected PORT=SETTING with a port number from 1 to %1").arg(SwitchConfig{}.maxPorts));
        auto vlan = parseVlanSetting(v.mid(eq + 1));
        if (!vlan)
            return vlan.error();
        if (o.vlans.count(PortId(port)))
            return bad(v, QStringLiteral("port %1 has two --vlan settings").arg(port));
        o.vlans[PortId(port)] = *vlan;
    }
    for (const QString &v : values("impair"))
        if (Status s = parseImpair(v, &o.emulations); !s)
            return s.error();
    for (const QString &v : values("link-down")) {
        const PortId port = parsePortNumber(v);
        if (port == kNoPort)
            return bad(QStringLiteral("--link-down %1").arg(v), QStringLiteral("expected a port number from 1 to %1").arg(SwitchConfig{}.maxPorts));
        o.emulations[port].up = false;
    }
    for (const QString &v : values("mirror")) {
        const QString what = QStringLiteral("--mirror %1").arg(v.left(64));
        const qsizetype eq = v.indexOf(u'=');
        const qsizetype colon = v.indexOf(u':', eq + 1);
        const PortId src = eq > 0 ? parsePortNumber(v.left(eq)) : kNoPort;
        const PortId dst = eq > 0 ? parsePortNumber(v.mid(eq + 1, colon < 0 ? -1 : colon - eq - 1)) : kNoPort;
        Options::Mirror m;
        m.target = dst;
        if (src == kNoPort || dst == kNoPort
            || (colon >= 0 && !protocol::mirrorDirectionFromName(v.mid(colon + 1), &m.direction)))
            return bad(what, QStringLiteral("expected SRC=DST[:rx|tx|both] with port numbers from 1 to %1").arg(SwitchConfig{}.maxPorts));
        if (src == dst)
            return bad(what, QStringLiteral("a port cannot be mirrored onto itself"));
        if (o.mirrors.count(src))
            return bad(what, QStringLiteral("port %1 is mirrored twice").arg(src));
        o.mirrors[src] = m;
    }
    if (!p.positionals().isEmpty())
        return bad(p.positionals().first(), QStringLiteral("unexpected argument (see 'netloomctl switch --help')"));
    if (o.sock.isEmpty() && o.taps.isEmpty() && o.urls.isEmpty() && o.vhostUser.isEmpty())
        return bad(QStringLiteral("--sock"), QStringLiteral("give --sock DIR and/or ports to attach"));
    return o;
}

Result<Transport *> openPort(const QString &url)
{
    if (url.startsWith(QLatin1String("tap:")))
        return TapTransport::open(url.mid(4));
    if (url.startsWith(QLatin1String("dgram:")))
        return DgramTransport::bindUnix(url.mid(6));
    if (url.startsWith(QLatin1String("stream-connect:")))
        return StreamTransport::connectUnix(url.mid(15));
    if (url.contains(QLatin1String("://")))
        return VdePlugTransport::open(url, QStringLiteral("netloom switch"));
    return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("open port"), url,
                         QStringLiteral("unknown port kind (expected stream:, stream-connect:, dgram:, tap: or a libvdeplug URL)"));
}

class Printer {
public:
    explicit Printer(bool json) : m_json(json) {}

    void line(const QJsonObject &o, const QString &text) const
    {
        if (m_json)
            printOut(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)) + u'\n');
        else
            printOut(text + u'\n');
    }

    void event(const AddressEvent &e) const
    {
        QJsonObject o{{QStringLiteral("type"), QStringLiteral("address")},
                      {QStringLiteral("kind"), QString::fromLatin1(addressEventKindName(e.kind))},
                      {QStringLiteral("mac"), e.mac.toString()},
                      {QStringLiteral("port"), qint64(e.port)},
                      {QStringLiteral("vlan"), e.vlan},
                      {QStringLiteral("time"), QDateTime::fromMSecsSinceEpoch(e.wallMs).toUTC().toString(Qt::ISODateWithMs)},
                      // CLOCK_MONOTONIC when the frame crossed the switch and when this line was printed.
                      {QStringLiteral("seen_ns"), qint64(e.monotonicNs)},
                      {QStringLiteral("printed_ns"), qint64(SwitchEngine::monotonicNs())}};
        QString text = QStringLiteral("%1 port %2 mac %3").arg(QString::fromLatin1(addressEventKindName(e.kind))).arg(e.port).arg(e.mac.toString());
        if (!e.ip.isNull()) {
            o[QStringLiteral("ip")] = e.ip.toString();
            text += QStringLiteral(" ip %1").arg(e.ip.toString());
        }
        if (!e.hostname.isEmpty()) {
            o[QStringLiteral("hostname")] = e.hostname;
            text += QStringLiteral(" hostname %1").arg(e.hostname);
        }
        if (e.leaseSeconds) {
            o[QStringLiteral("lease_seconds")] = qint64(e.leaseSeconds);
            text += QStringLiteral(" lease %1s").arg(e.leaseSeconds);
        }
        if (e.serverId.value) {
            o[QStringLiteral("server_id")] = e.serverId.toString();
            text += QStringLiteral(" server %1").arg(e.serverId.toString());
        }
        if (e.requestedIp.value)
            o[QStringLiteral("requested_ip")] = e.requestedIp.toString();
        if (e.kind <= AddressEventKind::DhcpInform)
            o[QStringLiteral("xid")] = qint64(e.xid);
        if (e.isConflict()) {
            o[QStringLiteral("other_mac")] = e.otherMac.toString();
            text += QStringLiteral(" conflicts with mac %1").arg(e.otherMac.toString());
            if (!e.otherIp.isNull()) {
                o[QStringLiteral("other_ip")] = e.otherIp.toString();
                text += QStringLiteral(" (server %1)").arg(e.otherIp.toString());
            }
        }
        line(o, text);
    }

    void counters(const SwitchEngine &engine) const
    {
        QJsonArray ports;
        QString text;
        for (const PortSnapshot &s : engine.counters()) {
            const PortCounterValues &v = s.values;
            ports.append(QJsonObject{{QStringLiteral("port"), qint64(s.port)},
                                     {QStringLiteral("name"), s.name},
                                     {QStringLiteral("rx_frames"), qint64(v.rxFrames)},
                                     {QStringLiteral("rx_bytes"), qint64(v.rxBytes)},
                                     {QStringLiteral("tx_frames"), qint64(v.txFrames)},
                                     {QStringLiteral("tx_bytes"), qint64(v.txBytes)},
                                     {QStringLiteral("rx_drops"), qint64(v.rxDrops)},
                                     {QStringLiteral("tx_drops"), qint64(v.txDrops)},
                                     {QStringLiteral("rx_broadcast"), qint64(v.rxBroadcast)},
                                     {QStringLiteral("rx_multicast"), qint64(v.rxMulticast)},
                                     {QStringLiteral("tx_broadcast"), qint64(v.txBroadcast)},
                                     {QStringLiteral("tx_multicast"), qint64(v.txMulticast)},
                                     {QStringLiteral("runts_padded"), qint64(v.runtsPadded)},
                                     {QStringLiteral("oversize"), qint64(v.oversize)},
                                     {QStringLiteral("impair_loss"), qint64(v.impairLoss)},
                                     {QStringLiteral("impair_queue_drops"), qint64(v.impairQueueDrops)},
                                     {QStringLiteral("link_down_drops"), qint64(v.linkDownDrops)},
                                     {QStringLiteral("impair_duplicated"), qint64(v.impairDuplicated)},
                                     {QStringLiteral("impair_corrupted"), qint64(v.impairCorrupted)},
                                     {QStringLiteral("impair_delayed"), qint64(v.impairDelayed)},
                                     {QStringLiteral("mirror_drops"), qint64(v.mirrorDrops)}});
            text += QStringLiteral("  port %1 %2: rx %3 frames %4 bytes, tx %5 frames %6 bytes, drops rx %7 tx %8, bcast rx %9 tx %10")
                        .arg(s.port).arg(s.name).arg(v.rxFrames).arg(v.rxBytes).arg(v.txFrames).arg(v.txBytes)
                        .arg(v.rxDrops).arg(v.txDrops).arg(v.rxBroadcast).arg(v.txBroadcast);
            if (v.impairDrops() || v.impairDuplicated || v.impairCorrupted || v.impairDelayed)
                text += QStringLiteral(", emulation: lost %1 queue-dropped %2 down-dropped %3 duplicated %4 corrupted %5 held %6")
                            .arg(v.impairLoss).arg(v.impairQueueDrops).arg(v.linkDownDrops).arg(v.impairDuplicated)
                            .arg(v.impairCorrupted).arg(v.impairDelayed);
            if (v.mirrorDrops)
                text += QStringLiteral(", mirror copies dropped %1").arg(v.mirrorDrops);
            text += u'\n';
        }
        const EngineStats st = engine.stats();
        line(QJsonObject{{QStringLiteral("type"), QStringLiteral("counters")},
                         {QStringLiteral("ports"), ports},
                         {QStringLiteral("mac_entries"), qint64(st.macEntries)},
                         {QStringLiteral("mac_evicted"), qint64(st.macEvicted)},
                         {QStringLiteral("mac_flap_refused"), qint64(st.macFlapRefused)},
                         {QStringLiteral("events_dropped"), qint64(st.eventsDropped)}},
             QStringLiteral("counters (mac entries %1, evicted %2):\n%3").arg(st.macEntries).arg(st.macEvicted).arg(text).trimmed());
    }

private:
    bool m_json;
};

}  // namespace

CliSpec specSwitch()
{
    CliSpec s;
    s.command = QStringLiteral("switch");
    s.synopsis = QStringLiteral("--sock DIR [options]");
    s.description = QStringLiteral(
        "Runs one netloom switch in the foreground. VDE clients (qemu -nic vde,sock=DIR,\n"
        "vde_plug DIR) connect to DIR/ctl. Prints one line per address event and per port\n"
        "change, counters every --stats seconds, on SIGUSR1 and at exit. SIGINT or SIGTERM\n"
        "stop it cleanly (exit 130). The options marked repeatable may be given many times.");
    const QString portNumbers = QStringLiteral("N");
    s.options = {
        valueOption({QStringLiteral("s"), QStringLiteral("sock")}, QStringLiteral("DIR"),
                    QStringLiteral("Directory of the VDE control socket (created if missing)."), Complete::Directory),
        valueOption({QStringLiteral("mode")}, QStringLiteral("OCTAL"), QStringLiteral("Mode of the control and data sockets (default 0600).")),
        valueOption({QStringLiteral("group")}, QStringLiteral("NAME"), QStringLiteral("Group of the control and data sockets.")),
        valueOption({QStringLiteral("tap")}, QStringLiteral("NAME"), QStringLiteral("Attach a user-owned persistent tap as a port (repeatable).")),
        valueOption({QStringLiteral("port")}, QStringLiteral("URL"),
                    QStringLiteral("Attach a port (repeatable): stream:PATH (listen for qemu -netdev stream), stream-connect:PATH, "
                                   "dgram:PATH (qemu -netdev dgram remote), tap:NAME, or any libvdeplug URL (vde://, vxvde://, "
                                   "udp://, cmd://).")),
        valueOption({QStringLiteral("vhost-user")}, QStringLiteral("PATH"),
                    QStringLiteral("A vhost-user port (repeatable); PATH or PATH,client. Served on the unix socket PATH: QEMU connects with -chardev "
                                   "socket,path=PATH,reconnect=1 -netdev vhost-user and shared guest memory (-object "
                                   "memory-backend-memfd,share=on). With ,client QEMU listens (-chardev socket,path=PATH,"
                                   "server=on,wait=off) and the switch connects, and connects again whenever QEMU restarts. Each "
                                   "gets the lowest port number not taken by --vlan or an earlier --vhost-user, printed at start; it "
                                   "keeps it across reconnects."),
                    Complete::File),
        flagOption({QStringLiteral("hub")}, QStringLiteral("Flood every frame (hub mode).")),
        valueOption({QStringLiteral("vlan")}, QStringLiteral("N=SETTING"),
                    QStringLiteral("802.1Q settings of port N: SETTING is access:V or trunk:V,V...[:NATIVE]; set before a "
                                   "client plugs in (repeatable; like vde_switch "
                                   "port/setvlan): the VDE client asking for port N (qemu -nic vde,sock=DIR,port=N; vde_plug "
                                   "vde://DIR[N]) gets them; clients asking for no port get other numbers. Access: untagged frames "
                                   "in VLAN V. Trunk: VLANs V tagged, NATIVE (if given) untagged. Ports without --vlan are access "
                                   "ports of VLAN 1.")),
        valueOption({QStringLiteral("capture")}, QStringLiteral("N=FILE"),
                    QStringLiteral("Capture port N into a pcap file (repeatable; a port that takes the number later, e.g. a VDE "
                                   "client, is captured from its first frame, and so are later holders of the number).")),
        valueOption({QStringLiteral("impair")}, QStringLiteral("N=SPEC"),
                    QStringLiteral("Impair port N (repeatable): SPEC is delay=20ms,jitter=5ms,dist=normal|uniform|pareto|"
                                   "paretonormal,reorder,loss=1%,gemodel=P%/R%[/BAD%[/GOOD%]],duplicate=0.5%,corrupt=0.1%,"
                                   "rate=10mbit,queue=64kb|50ms (netem's meaning), optionally with ,dir=in|out|both: "
                                   "dir=out: frames sent to the port, dir=in: frames received from it, both (the default): "
                                   "each direction gets SPEC.")),
        valueOption({QStringLiteral("link-down")}, portNumbers,
                    QStringLiteral("Port N is down: every frame to and from it is dropped (repeatable).")),
        valueOption({QStringLiteral("mirror")}, QStringLiteral("S=T[:DIR]"),
                    QStringLiteral("Copy the frames received from port S (DIR rx), sent to it (tx) or both (default) to port T "
                                   "(repeatable; several S may share a T).")),
        valueOption({QStringLiteral("stats")}, QStringLiteral("SECONDS"),
                    QStringLiteral("Print counters periodically (0 = only on SIGUSR1 and at exit).")),
        flagOption({QStringLiteral("json")}, QStringLiteral("Print JSON lines instead of text.")),
    };
    s.footer = QStringLiteral("exit codes: 0 stopped, 1 a port or socket failed, 2 bad command line, 130 stopped by a signal");
    return s;
}

int runSwitch(const QStringList &args)
{
    const QString cmd = QStringLiteral("switch");
    CliParser parser(specSwitch());
    if (const std::optional<int> done = parser.parse(args))
        return *done;
    const auto parsed = parseArgs(parser);
    if (!parsed) {
        printError(cmd, parsed.error().message);
        return ExitUsage;
    }
    const Options &o = *parsed;
    const Printer printer(o.json);

    SwitchConfig config;
    config.forwarder.hub = o.hub;
    SwitchEngine engine(config);
    QObject::connect(&engine, &SwitchEngine::addressEvent, [&](const AddressEvent &e) { printer.event(e); });
    QObject::connect(&engine, &SwitchEngine::portAdded, [&](quint32 port, const QString &kind, const QString &descr) {
        printer.line(QJsonObject{{QStringLiteral("type"), QStringLiteral("port-added")}, {QStringLiteral("port"), qint64(port)},
                                 {QStringLiteral("kind"), kind}, {QStringLiteral("description"), descr}},
                     QStringLiteral("port %1 added: %2 %3").arg(port).arg(kind, descr));
    });
    QObject::connect(&engine, &SwitchEngine::portRemoved, [&](quint32 port, const QString &reason) {
        printer.line(QJsonObject{{QStringLiteral("type"), QStringLiteral("port-removed")}, {QStringLiteral("port"), qint64(port)},
                                 {QStringLiteral("reason"), reason}},
                     QStringLiteral("port %1 removed: %2").arg(port).arg(reason));
    });
    QObject::connect(&engine, &SwitchEngine::warning, [&](const QString &message) {
        printErr(QStringLiteral("netloomctl switch: %1\n").arg(message));
    });

    // Before any port is attached, so that --tap and --port ports take other numbers.
    for (const auto &[port, vlan] : o.vlans) {
        PortOptions po;
        po.vlan = vlan;
        if (const Status s = engine.presetPort(port, po); !s) {
            printError(cmd, s.error().message);
            return ExitUsage;
        }
    }
    // Emulation and mirrors belong to port numbers too (set before any port can send).
    for (const auto &[port, emulation] : o.emulations) {
        if (const Status s = engine.setPortEmulation(port, emulation); !s) {
            printError(cmd, s.error().message);
            return ExitUsage;
        }
    }
    for (const auto &[source, m] : o.mirrors) {
        if (const Status s = engine.setMirror(source, m.target, m.direction); !s) {
            printError(cmd, s.error().message);
            return ExitUsage;
        }
    }
    // Captures belong to port numbers: a port taking the number later (a VDE client) is
    // captured from its first frame, and so are the --tap/--port ports attached below.
    for (const auto &[port, file] : o.captures) {
        if (const Status s = engine.setCapture(port, file); !s) {
            printError(cmd, s.error().message);
            return ExitFailure;
        }
    }
    // vhost-user ports keep their number across reconnects: it is preset, so VDE clients and
    // --tap/--port ports asking for no number take others.
    PortId next = 1;
    for (const QString &path : o.vhostUser) {
        while (o.vlans.count(next))
            ++next;
        const bool client = path.endsWith(QLatin1String(",client"));
        const QString sock = client ? path.chopped(7) : path;
        PortOptions po;
        po.name = QStringLiteral("vhost-user %1").arg(sock);
        if (const Status s = engine.presetPort(next, po); !s) {
            printError(cmd, s.error().message);
            return ExitUsage;
        }
        if (const Status s = client ? engine.connectVhostUser(sock, next) : engine.listenVhostUser(sock, next); !s) {
            printError(cmd, s.error().message);
            return ExitFailure;
        }
        printer.line(QJsonObject{{QStringLiteral("type"), QStringLiteral("vhost-user")}, {QStringLiteral("port"), qint64(next)},
                                 {QStringLiteral("path"), sock}, {QStringLiteral("mode"), client ? QStringLiteral("client") : QStringLiteral("server")}},
                     client ? QStringLiteral("vhost-user port %1 connecting to %2").arg(next).arg(sock)
                            : QStringLiteral("vhost-user port %1 on %2").arg(next).arg(sock));
        ++next;
    }
    if (!o.sock.isEmpty()) {
        VdeServerOptions vo;
        vo.dir = o.sock;
        vo.mode = o.mode;
        vo.group = o.group;
        if (const Status s = engine.listenVde(vo); !s) {
            printError(cmd, s.error().message);
            return ExitFailure;
        }
    }
    QStringList urls;
    for (const QString &t : o.taps)
        urls << QStringLiteral("tap:") + t;
    urls += o.urls;
    for (const QString &url : urls) {
        if (url.startsWith(QLatin1String("stream:"))) {
            if (const Status s = engine.listenStream(url.mid(7)); !s) {
                printError(cmd, s.error().message);
                return ExitFailure;
            }
            continue;
        }
        auto t = openPort(url);
        if (!t) {
            printError(cmd, t.error().message);
            return ExitFailure;
        }
        const auto id = engine.addPort(std::unique_ptr<Transport>(t.value()));
        if (!id) {
            printError(cmd, id.error().message);
            return ExitFailure;
        }
    }
    if (const Status s = engine.start(); !s) {
        printError(cmd, s.error().message);
        return ExitFailure;
    }

    if (::pipe2(g_signalPipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        printError(cmd, QStringLiteral("failed to create signal pipe"));
        return ExitFailure;
    }
    struct sigaction sa {};
    sa.sa_handler = onSignal;
    ::sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (int sig : {SIGINT, SIGTERM, SIGUSR1})
        ::sigaction(sig, &sa, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
    int exitCode = ExitOk;
    QSocketNotifier notifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, [&] {
        char c;
        while (::read(g_signalPipe[0], &c, 1) == 1) {
            if (c == SIGUSR1) {
                printer.counters(engine);
            } else {
                exitCode = ExitInterrupted;
                QCoreApplication::quit();
            }
        }
    });
    QTimer stats;
    if (o.statsSeconds > 0) {
        QObject::connect(&stats, &QTimer::timeout, [&] { printer.counters(engine); });
        stats.start(o.statsSeconds * 1000);
    }
    printer.line(QJsonObject{{QStringLiteral("type"), QStringLiteral("ready")}, {QStringLiteral("sock"), o.sock}},
                 QStringLiteral("switch ready%1").arg(o.sock.isEmpty() ? QString() : QStringLiteral(" on %1").arg(o.sock)));
    QCoreApplication::exec();
    engine.stop();
    QCoreApplication::processEvents();  // deliver the last events
    printer.counters(engine);
    return exitCode;
}

}  // namespace netloom::cli
