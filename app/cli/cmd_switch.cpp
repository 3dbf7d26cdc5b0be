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

const char *kUsage =
    "usage: netloomctl switch --sock DIR [options]\n"
    "\n"
    "Runs one netloom switch in the foreground. VDE clients (qemu -nic vde,sock=DIR,\n"
    "vde_plug DIR) connect to DIR/ctl.\n"
    "\n"
    "options:\n"
    "  --sock DIR          directory of the VDE control socket (created if missing)\n"
    "  --mode OCTAL        mode of the control and data sockets (default 0600)\n"
    "  --group NAME        group of the control and data sockets\n"
    "  --tap NAME          attach a user-owned persistent tap as a port\n"
    "  --port URL          attach a port: stream:PATH (listen for qemu -netdev stream),\n"
    "                      stream-connect:PATH, dgram:PATH (qemu -netdev dgram remote),\n"
    "                      tap:NAME, or any libvdeplug URL (vde://, vxvde://, udp://, cmd://)\n"
    "  --vhost-user PATH[,client]\n"
    "                      a vhost-user port (repeatable). Served on the unix socket PATH: QEMU\n"
    "                      connects with -chardev socket,path=PATH,reconnect=1 -netdev\n"
    "                      vhost-user and shared guest memory (-object memory-backend-memfd,\n"
    "                      share=on). With ,client QEMU listens (-chardev socket,path=PATH,\n"
    "                      server=on,wait=off) and the switch connects, and connects again\n"
    "                      whenever QEMU restarts. Each gets the lowest port number not taken\n"
    "                      by --vlan or an earlier --vhost-user, printed at start; it keeps it\n"
    "                      across reconnects\n"
    "  --hub               flood every frame (hub mode)\n"
    "  --vlan N=access:V   802.1Q settings of port N, set before a client plugs in\n"
    "  --vlan N=trunk:V,V[:NATIVE]\n"
    "                      (like vde_switch port/setvlan): the VDE client asking for port N\n"
    "                      (qemu -nic vde,sock=DIR,port=N; vde_plug vde://DIR[N]) gets them;\n"
    "                      clients asking for no port get other numbers. Access: untagged\n"
    "                      frames in VLAN V. Trunk: VLANs V tagged, NATIVE (if given) untagged.\n"
    "                      Ports without --vlan are access ports of VLAN 1.\n"
    "  --capture N=FILE    capture port N into a pcap file (N: port number; a port that\n"
    "                      takes the number later, e.g. a VDE client, is captured from\n"
    "                      its first frame, and so are later holders of the number)\n"
    "  --impair N=SPEC[,dir=in|out|both]\n"
    "                      impair port N (repeatable): SPEC is delay=20ms,jitter=5ms,\n"
    "                      dist=normal|uniform|pareto|paretonormal,reorder,loss=1%,\n"
    "                      gemodel=P%/R%[/BAD%[/GOOD%]],duplicate=0.5%,corrupt=0.1%,\n"
    "                      rate=10mbit,queue=64kb|50ms (netem's meaning). dir=out: frames\n"
    "                      sent to the port, dir=in: frames received from it, both (the\n"
    "                      default): each direction gets SPEC\n"
    "  --link-down N       port N is down: every frame to and from it is dropped\n"
    "  --mirror S=T[:rx|tx|both]\n"
    "                      copy the frames received from port S (rx), sent to it (tx) or\n"
    "                      both (default) to port T (repeatable; several S may share a T)\n"
    "  --stats SECONDS     print counters periodically (0 = only on SIGUSR1 and at exit)\n"
    "  --json              print JSON lines instead of text\n";

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

Result<Options> parseArgs(const QStringList &args)
{
    Options o;
    auto bad = [](const QString &what, const QString &reason) {
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("parse option"), what, reason);
    };
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        auto value = [&](QString *out) -> bool {
            if (i + 1 >= args.size())
                return false;
            *out = args[++i];
            return true;
        };
        QString v;
        if (a == QLatin1String("--json")) {
            o.json = true;
        } else if (a == QLatin1String("--hub")) {
            o.hub = true;
        } else if (a == QLatin1String("--sock") || a == QLatin1String("-s")) {
            if (!value(&o.sock))
                return bad(a, QStringLiteral("needs a directory"));
        } else if (a == QLatin1String("--mode")) {
            bool ok = false;
            if (!value(&v) || (o.mode = mode_t(v.toUInt(&ok, 8)), !ok) || o.mode > 0777)
                return bad(a, QStringLiteral("needs an octal mode such as 0660"));
        } else if (a == QLatin1String("--group")) {
            if (!value(&o.group))
                return bad(a, QStringLiteral("needs a group name"));
        } else if (a == QLatin1String("--tap")) {
            if (!value(&v))
                return bad(a, QStringLiteral("needs an interface name"));
            o.taps << v;
        } else if (a == QLatin1String("--port")) {
            if (!value(&v))
                return bad(a, QStringLiteral("needs a URL"));
            o.urls << v;
        } else if (a == QLatin1String("--vhost-user")) {
            if (!value(&v) || v.isEmpty())
                return bad(a, QStringLiteral("needs a socket path"));
            o.vhostUser << v;
        } else if (a == QLatin1String("--stats")) {
            bool ok = false;
            if (!value(&v) || (o.statsSeconds = v.toInt(&ok), !ok) || o.statsSeconds < 0 || o.statsSeconds > 86400)
                return bad(a, QStringLiteral("needs a number of seconds (0..86400)"));
        } else if (a == QLatin1String("--capture")) {
            if (!value(&v))
                return bad(a, QStringLiteral("needs PORT=FILE"));
            const qsizetype eq = v.indexOf(u'=');
            bool ok = false;
            const uint port = eq > 0 ? v.left(eq).toUInt(&ok) : 0;
            if (!ok || port == 0 || eq + 1 >= v.size())
                return bad(v, QStringLiteral("expected PORT=FILE with a port number from 1"));
            o.captures.append({PortId(port), v.mid(eq + 1)});
        } else if (a == QLatin1String("--vlan")) {
            if (!value(&v))
                return bad(a, QStringLiteral("needs PORT=access:VLAN or PORT=trunk:VLAN[,VLAN...][:NATIVE]"));
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
        } else if (a == QLatin1String("--impair")) {
            if (!value(&v))
                return bad(a, QStringLiteral("needs PORT=SPEC[,dir=in|out|both]"));
            if (Status s = parseImpair(v, &o.emulations); !s)
                return s.error();
        } else if (a == QLatin1String("--link-down")) {
            if (!value(&v))
                return bad(a, QStringLiteral("needs a port number"));
            const PortId port = parsePortNumber(v);
            if (port == kNoPort)
                return bad(QStringLiteral("--link-down %1").arg(v), QStringLiteral("expected a port number from 1 to %1").arg(SwitchConfig{}.maxPorts));
            o.emulations[port].up = false;
        } else if (a == QLatin1String("--mirror")) {
            if (!value(&v))
                return bad(a, QStringLiteral("needs SRC=DST[:rx|tx|both]"));
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
        } else {
            return bad(a, QStringLiteral("unknown option (see 'netloomctl switch --help')"));
        }
    }
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

int runSwitch(const QStringList &args)
{
    const QString cmd = QStringLiteral("switch");
    if (args.contains(QLatin1String("--help")) || args.contains(QLatin1String("-h"))) {
        printOut(QString::fromLatin1(kUsage));
        return ExitOk;
    }
    const auto parsed = parseArgs(args);
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
