// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl plan FILE [--json] [--runtime-dir DIR]: show what starting a topology would
// create, without creating anything.
#include "commands.h"
#include "plan/rundir.h"

#include "export/shellexporter.h"
#include "plan/planner.h"
#include "plan/topologyloader.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QStandardPaths>

namespace netloom::cli {

namespace {

const QString kCmd = QStringLiteral("plan");

void printHelp()
{
    printOut(QStringLiteral(
        "usage: netloomctl plan FILE [--json] [--runtime-dir DIR]\n"
        "\n"
        "Loads a topology, fills in MAC addresses and interface names, validates it and prints\n"
        "the plan: what the privileged helper would create (taps, bridges, addresses, NAT,\n"
        "dnsmasq) and which switches and guests would run, with every guest's QEMU command line.\n"
        "Nothing is created.\n"
        "\n"
        "options:\n"
        "  --json             print the plan as JSON ({\"host\": ..., \"runtime\": ...})\n"
        "  --runtime-dir DIR  where sockets and logs would live\n"
        "                     (default $XDG_RUNTIME_DIR/netloom/<name>, else /tmp/netloom-<uid>/<name>)\n"
        "  -h, --help         show this help\n"
        "\n"
        "exit codes: 0 planned, 2 bad command line, 3 the topology is unreadable, malformed,\n"
        "            invalid or cannot be realized\n"));
}

QString quoteArg(const QString &a)
{
    static const QString safe = QStringLiteral("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.,/:=+@%");
    for (QChar c : a)
        if (!safe.contains(c))
            return exporter::shellQuote(a);
    return a.isEmpty() ? QStringLiteral("''") : a;
}

QString summary(const QString &name, const plan::Plan &p)
{
    const protocol::HostState &h = p.host;
    QString s = QStringLiteral("topology %1\nruntime directory %2\n\nhost (privileged helper):\n").arg(name, p.runtime.runtimeDir);
    if (h.isEmpty())
        s += QStringLiteral("  nothing\n");
    for (const auto &t : h.taps)
        s += QStringLiteral("  tap %1%2\n").arg(t.ifname, t.mtu ? QStringLiteral(" mtu %1").arg(t.mtu) : QString());
    for (const auto &b : h.bridges)
        s += QStringLiteral("  bridge %1%2 ports: %3\n").arg(b.ifname, b.stp ? QStringLiteral(" stp") : QString(),
                                                              b.ports.isEmpty() ? QStringLiteral("none") : b.ports.join(QStringLiteral(", ")));
    for (const auto &v : h.veths)
        s += QStringLiteral("  veth %1 <-> %2\n").arg(v.ifname, v.peer);
    for (const auto &v : h.vxlans)
        s += QStringLiteral("  vxlan %1 vni %2 %3 port %4\n").arg(v.ifname).arg(v.vni)
                 .arg(v.remote.isEmpty() ? QStringLiteral("group ") + v.group : QStringLiteral("remote ") + v.remote).arg(v.dstPort);
    for (const auto &u : h.uplinks)
        s += QStringLiteral("  uplink %1 enslaved to %2\n").arg(u.ifname, u.bridge);
    for (const auto &a : h.addresses)
        s += QStringLiteral("  address %1 on %2\n").arg(a.cidr, a.ifname);
    if (h.ipv4Forwarding)
        s += QStringLiteral("  net.ipv4.ip_forward = 1\n");
    for (const auto &n : h.nat)
        s += QStringLiteral("  %1 %2 from %3 to %4\n").arg(protocol::natModeName(n.mode), n.subnet, n.ifname, n.uplinks.join(QStringLiteral(", ")));
    if (h.ipv6Forwarding)
        s += QStringLiteral("  net.ipv6.conf.all.forwarding = 1\n");
    for (const auto &n : h.nat6)
        s += QStringLiteral("  %1 %2 from %3 to %4\n").arg(n.mode == protocol::NatSpec::Mode::Masquerade ? QStringLiteral("nat66") : QStringLiteral("route"),
                                                             n.subnet, n.ifname, n.uplinks.join(QStringLiteral(", ")));
    for (const auto &d : h.dnsmasq) {
        s += QStringLiteral("  dnsmasq on %1 (%2)").arg(d.ifname, d.address);
        if (d.dhcp)
            s += QStringLiteral(": DHCP %1-%2, lease %3 s, %4 reservation(s)").arg(d.rangeStart, d.rangeEnd).arg(d.leaseSeconds).arg(d.hosts.size());
        s += d.dns ? QStringLiteral(", DNS") : QStringLiteral(", no DNS");
        if (!d.domain.isEmpty())
            s += QStringLiteral(", domain ") + d.domain;
        if (!d.address6.isEmpty()) {
            s += QStringLiteral("; IPv6 %1/%2").arg(d.address6).arg(d.prefixLength6);
            if (d.ra)
                s += QStringLiteral(", RA");
            if (d.dhcp6)
                s += QStringLiteral(", DHCPv6 %1-%2").arg(d.rangeStart6, d.rangeEnd6);
        }
        s += QLatin1Char('\n');
    }
    s += QStringLiteral("\nswitches:\n");
    if (p.runtime.switches.isEmpty())
        s += QStringLiteral("  none\n");
    for (const plan::SwitchPlan &sw : p.runtime.switches) {
        s += QStringLiteral("  %1 (%2)%3 socket %4\n").arg(sw.name, sw.node, sw.hub ? QStringLiteral(" hub") : QString(), sw.socketDir);
        for (const plan::VdePort &port : sw.ports) {
            QString what;
            switch (port.kind) {
            case plan::VdePort::Kind::Guest: what = QStringLiteral("guest %1 %2 %3").arg(port.guest, port.nic, port.mac); break;
            case plan::VdePort::Kind::Tap: what = QStringLiteral("tap %1").arg(port.tap); break;
            case plan::VdePort::Kind::Cable: what = QStringLiteral("cable to %1 port %2").arg(port.peerSwitch).arg(port.peerPort); break;
            case plan::VdePort::Kind::Remote: what = QStringLiteral("remote %1").arg(port.url); break;
            }
            QString vlan;
            if (port.vlan.mode == model::VlanConfig::Mode::Trunk) {
                QStringList ids;
                for (int v : port.vlan.allowed)
                    ids << QString::number(v);
                vlan = QStringLiteral(" trunk native %1 tagged %2").arg(port.vlan.vlan).arg(ids.join(QLatin1Char(',')));
            } else if (port.vlan.vlan != 1) {
                vlan = QStringLiteral(" vlan %1").arg(port.vlan.vlan);
            }
            s += QStringLiteral("    port %1: %2%3\n").arg(port.number).arg(what, vlan);
        }
    }
    s += QStringLiteral("\nguests:\n");
    if (p.runtime.guests.isEmpty())
        s += QStringLiteral("  none\n");
    for (const plan::GuestPlan &g : p.runtime.guests) {
        QStringList argv;
        for (const QString &a : g.argv)
            argv << quoteArg(a);
        s += QStringLiteral("  %1 (%2)\n    %3\n").arg(g.name, g.node, argv.join(QLatin1Char(' ')));
    }
    return s;
}

// Default runtime directory for a topology: $XDG_RUNTIME_DIR/netloom/<id>, or
// /tmp/netloom-<uid>/<id> without XDG_RUNTIME_DIR.
}  // namespace

int runPlan(const QStringList &args)
{
    bool json = false;
    QString runtimeDir;
    QString file;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == QLatin1String("-h") || a == QLatin1String("--help")) {
            printHelp();
            return ExitOk;
        }
        if (a == QLatin1String("--json")) {
            json = true;
        } else if (a == QLatin1String("--runtime-dir")) {
            if (i + 1 >= args.size()) {
                printError(kCmd, QStringLiteral("--runtime-dir needs a directory"));
                return ExitUsage;
            }
            runtimeDir = args[++i];
            if (!QDir::isAbsolutePath(runtimeDir)) {
                printError(kCmd, QStringLiteral("failed to use runtime directory '%1': not an absolute path").arg(runtimeDir));
                return ExitUsage;
            }
        } else if (a.startsWith(QLatin1Char('-'))) {
            printError(kCmd, QStringLiteral("unknown option '%1' (see 'netloomctl plan --help')").arg(a));
            return ExitUsage;
        } else if (file.isEmpty()) {
            file = a;
        } else {
            printError(kCmd, QStringLiteral("more than one topology file given"));
            return ExitUsage;
        }
    }
    if (file.isEmpty()) {
        printError(kCmd, QStringLiteral("no topology file given (usage: netloomctl plan FILE [--json] [--runtime-dir DIR])"));
        return ExitUsage;
    }
    Result<plan::LoadedPlan> loaded = plan::loadAndPlan(file, runtimeDir);
    if (!loaded) {
        printError(kCmd, loaded.error().message);
        return ExitInvalid;
    }
    runtimeDir = loaded->runtimeDir;
    const model::Topology *t = &loaded->topology;
    const plan::Plan *p = &loaded->plan;
    if (json)
        printOut(QString::fromUtf8(QJsonDocument(plan::toJson(*p)).toJson(QJsonDocument::Indented)));
    else
        printOut(summary(t->name, *p));
    return ExitOk;
}

}  // namespace netloom::cli
