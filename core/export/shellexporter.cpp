// SPDX-License-Identifier: GPL-3.0-or-later
#include "shellexporter.h"

#include "shellexporter6.h"
#include "protocol/bridgevlan.h"
#include "protocol/dnsmasq6.h"

#include "export/shellemulation.h"
#include "export/shellforwards.h"
#include "plan/rundir.h"
#include "qemu/firmware.h"

#include <QCryptographicHash>

#include <algorithm>

namespace netloom::exporter {

namespace {

using plan::Plan;
using plan::SwitchPlan;
using plan::VdePort;
using protocol::HostState;

const QString kToken = QString::fromLatin1(kStateDirToken);

// Longest relative name the script puts under $STATE_DIR for a unix socket; the script
// refuses a state directory that would push any of them past sun_path.
constexpr int kSunPathBytes = 107;
// Stands in for '%' inside rendered words until the script is complete (see word()).
constexpr QChar kPercent(0xE000);

QString joinLines(const QStringList &lines) { return lines.join(QLatin1Char('\n')) + QLatin1Char('\n'); }

// Builds the script. Every string from the topology goes through word()/key(), which
// refuse control characters (a newline would break the one-record-per-line state file and
// nothing legitimate needs one).
class Renderer {
public:
    Renderer(const QString &name, const Plan &plan) : m_name(name), m_plan(plan) {}

    Result<QString> run()
    {
        m_id = plan::safeId(m_name);
        m_table = QStringLiteral("vnet_") + m_id;
        renderNet();
        renderGuests();
        if (!m_error.isEmpty())
            return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("export"), m_name, m_error);
        return assemble();
    }

private:
    // One sh word: single-quoted, with the state-dir placeholder turned into "$STATE_DIR".
    // A '%' in the result is held as kPercent until assemble(), so that the QString::arg()
    // calls the script is built with never see a placeholder inside topology data.
    QString word(const QString &s)
    {
        if (std::any_of(s.cbegin(), s.cend(), [](QChar c) { return c.unicode() < 0x20 || c.unicode() == 0x7f || c == kPercent; }))
            m_error = QStringLiteral("'%1' contains a control character").arg(QString(s).replace(QLatin1Char('\n'), QStringLiteral("\\n")));
        QString out;
        if (!s.contains(kToken)) {
            out = shellQuote(s);
        } else {
            const QStringList parts = s.split(kToken);
            for (qsizetype i = 0; i < parts.size(); ++i) {
                if (i > 0)
                    out += QStringLiteral("\"$STATE_DIR\"");
                if (!parts[i].isEmpty())
                    out += shellQuote(parts[i]);
            }
        }
        return out.replace(QLatin1Char('%'), kPercent);
    }
    QString words(const QStringList &list, const QString &separator = QStringLiteral(" "))
    {
        QStringList out;
        for (const QString &s : list)
            out << word(s);
        return out.join(separator);
    }
    // A path under the state directory.
    QString state(const QString &rel) { return word(kToken + QLatin1Char('/') + rel); }
    void noteSocket(const QString &rel) { m_longestSocket = std::max(m_longestSocket, int(rel.toUtf8().size()) + 1); }

    // Registers what stop must do if start recorded `key`.
    void undo(const QString &key, const QString &code)
    {
        m_undo << QStringLiteral("  if created %1; then\n%2\n    forget %1\n  fi").arg(word(key), code);
    }
    void stateFile(const QString &rel)
    {
        undo(QStringLiteral("file ") + rel, QStringLiteral("    rm -f %1").arg(state(rel)));
    }

    void ensureLink(const QString &ifname, const QString &create, const QString &what)
    {
        m_start << QStringLiteral("  if ! link_exists %1; then\n    %2 || die %3\n    record %4\n  fi")
                       .arg(word(ifname), create, word(QStringLiteral("failed to create %1 '%2'").arg(what, ifname)),
                            word(QStringLiteral("link ") + ifname));
        undo(QStringLiteral("link ") + ifname, QStringLiteral("    ip link del dev %1 2>/dev/null || true").arg(word(ifname)));
        m_statusLinks << ifname;
    }

    void renderNet()
    {
        const HostState &h = m_plan.host;
        for (const protocol::TapSpec &t : h.taps)
            ensureLink(t.ifname, QStringLiteral("ip tuntap add dev %1 mode tap").arg(word(t.ifname)), QStringLiteral("tap"));
        // VLAN filtering without the kernel's implicit VLAN 1 (vlan_default_pvid 0): every
        // port gets exactly the entries of the plan (bridge vlan add below).
        for (const protocol::BridgeSpec &b : h.bridges)
            ensureLink(b.ifname,
                       QStringLiteral("ip link add name %1 type bridge stp_state %2%3")
                           .arg(word(b.ifname))
                           .arg(b.stp ? 1 : 0)
                           .arg(b.vlanFiltering ? QStringLiteral(" vlan_filtering 1 vlan_default_pvid 0") : QString()),
                       QStringLiteral("bridge"));
        for (const protocol::VethSpec &v : h.veths)
            ensureLink(v.ifname, QStringLiteral("ip link add name %1 type veth peer name %2").arg(word(v.ifname), word(v.peer)),
                       QStringLiteral("veth pair"));
        for (const protocol::VxlanSpec &v : h.vxlans) {
            QString cmd = QStringLiteral("ip link add name %1 type vxlan id %2").arg(word(v.ifname)).arg(v.vni);
            if (!v.remote.isEmpty())
                cmd += QStringLiteral(" remote ") + word(v.remote);
            if (!v.group.isEmpty())
                cmd += QStringLiteral(" group ") + word(v.group);
            if (!v.local.isEmpty())
                cmd += QStringLiteral(" local ") + word(v.local);
            if (!v.device.isEmpty())
                cmd += QStringLiteral(" dev ") + word(v.device);
            cmd += QStringLiteral(" dstport %1").arg(v.dstPort);
            if (v.ttl > 0)
                cmd += QStringLiteral(" ttl %1").arg(v.ttl);
            ensureLink(v.ifname, cmd, QStringLiteral("vxlan"));
        }
        for (const protocol::TapSpec &t : h.taps)
            if (t.mtu > 0)
                m_start << QStringLiteral("  ip link set dev %1 mtu %2 || die %3").arg(word(t.ifname)).arg(t.mtu)
                               .arg(word(QStringLiteral("failed to set the MTU of '%1'").arg(t.ifname)));
        for (const protocol::BridgeSpec &b : h.bridges) {
            if (b.mtu > 0)
                m_start << QStringLiteral("  ip link set dev %1 mtu %2 || die %3").arg(word(b.ifname)).arg(b.mtu)
                               .arg(word(QStringLiteral("failed to set the MTU of '%1'").arg(b.ifname)));
            for (const QString &p : b.ports)
                m_start << QStringLiteral("  ip link set dev %1 master %2 || die %3")
                               .arg(word(p), word(b.ifname), word(QStringLiteral("failed to add '%1' to bridge '%2'").arg(p, b.ifname)));
        }
        for (const protocol::UplinkSpec &u : h.uplinks) {
            m_start << QStringLiteral("  if [ \"$(master_of %1)\" != %2 ]; then\n"
                                      "    ip link set dev %1 master %2 || die %3\n    record %4\n  fi")
                           .arg(word(u.ifname), word(u.bridge),
                                word(QStringLiteral("failed to enslave uplink '%1' to '%2'").arg(u.ifname, u.bridge)),
                                word(QStringLiteral("uplink ") + u.ifname));
            undo(QStringLiteral("uplink ") + u.ifname, QStringLiteral("    ip link set dev %1 nomaster 2>/dev/null || true").arg(word(u.ifname)));
        }
        // 802.1Q entries (they go with the port's release or its bridge: no undo of their own).
        for (const protocol::BridgeSpec &b : h.bridges)
            for (const protocol::PortVlanSpec &pv : b.vlans)
                for (const protocol::VlanRun &r : protocol::vlanRuns(pv.vlans)) {
                    const QString vid = r.first == r.last ? QString::number(r.first) : QStringLiteral("%1-%2").arg(r.first).arg(r.last);
                    m_start << QStringLiteral("  bridge vlan add dev %1 vid %2%3%4%5 || die %6")
                                   .arg(word(pv.ifname), vid, r.pvid ? QStringLiteral(" pvid") : QString(),
                                        r.untagged ? QStringLiteral(" untagged") : QString(),
                                        pv.ifname == b.ifname ? QStringLiteral(" self") : QString(),
                                        word(QStringLiteral("failed to add VLAN %1 to '%2'").arg(vid, pv.ifname)));
                }
        for (const protocol::LinkSpec &l : h.links) {
            QString cmd = QStringLiteral("  ip link set dev %1").arg(word(l.ifname));
            if (l.mtu > 0)
                cmd += QStringLiteral(" mtu %1").arg(l.mtu);
            if (!l.mac.isEmpty())
                cmd += QStringLiteral(" address ") + word(l.mac);
            cmd += l.up ? QStringLiteral(" up") : QStringLiteral(" down");
            m_start << cmd + QStringLiteral(" || die ") + word(QStringLiteral("failed to set up '%1'").arg(l.ifname));
        }
        for (const protocol::AddressSpec &a : h.addresses) {
            const QString key = QStringLiteral("addr %1 %2").arg(a.ifname, a.cidr);
            // IPv6: no duplicate address detection on our own interface (dnsmasq binds it at once).
            if (a.cidr.contains(QLatin1Char(':')))  // not its own dnsmasq's RAs (a SLAAC address on itself)
                m_start << QStringLiteral("  echo 0 >%1 || die %2")
                               .arg(word(QStringLiteral("/proc/sys/net/ipv6/conf/%1/accept_ra").arg(a.ifname)),
                                    word(QStringLiteral("failed to turn off router advertisements on '%1'").arg(a.ifname)));
            m_start << QStringLiteral("  if ! has_addr %1 %2; then\n    ip addr add %2 dev %1%5 || die %3\n    record %4\n  fi")
                           .arg(word(a.ifname), word(a.cidr), word(QStringLiteral("failed to add address '%1' to '%2'").arg(a.cidr, a.ifname)),
                                word(key), a.cidr.contains(QLatin1Char(':')) ? QStringLiteral(" nodad") : QString());
            undo(key, QStringLiteral("    ip addr del %1 dev %2 2>/dev/null || true").arg(word(a.cidr), word(a.ifname)));
        }
        for (const protocol::ImpairmentSpec &i : h.impairments)
            renderKernelImpairment(i);
        for (const SwitchPlan &s : m_plan.runtime.switches)
            renderSwitch(s);
        for (const plan::CablePlan &c : m_plan.runtime.cables) {
            const SwitchPlan *a = findSwitch(c.switchA);
            const SwitchPlan *b = findSwitch(c.switchB);
            const VdePort *pa = a ? findPort(*a, c.portA) : nullptr;
            const VdePort *pb = b ? findPort(*b, c.portB) : nullptr;
            if (!pa || !pb)
                continue;
            if (impaired(*pa) || impaired(*pb)) {
                // Each side's egress is its port's toPort: a's is left to right.
                startWirefilter(QStringLiteral("cable-") + c.link, QStringLiteral("%1[port=%2]").arg(a->socketDir).arg(c.portA),
                                QStringLiteral("%1[port=%2]").arg(b->socketDir).arg(c.portB), pa->toPort, pb->toPort,
                                !pa->up || !pb->up, QStringLiteral("cable '%1'").arg(c.link));
                continue;
            }
            startPlug(QStringLiteral("cable-") + c.link, QStringLiteral("vde://%1[port=%2]").arg(a->socketDir).arg(c.portA),
                      QStringLiteral("vde://%1[port=%2]").arg(b->socketDir).arg(c.portB), QStringLiteral("cable '%1'").arg(c.link));
        }
        for (const SwitchPlan &s : m_plan.runtime.switches)
            for (const VdePort &p : s.ports)
                if (p.kind == VdePort::Kind::Remote && impaired(p))
                    startWirefilter(QStringLiteral("remote-%1-%2").arg(s.node).arg(p.number),
                                    QStringLiteral("%1[port=%2]").arg(s.socketDir).arg(p.number), p.url, p.toPort, p.fromPort, !p.up,
                                    QStringLiteral("remote cable '%1'").arg(p.link));
                else if (p.kind == VdePort::Kind::Remote)
                    startPlug(QStringLiteral("remote-%1-%2").arg(s.node).arg(p.number),
                              QStringLiteral("vde://%1[port=%2]").arg(s.socketDir).arg(p.number), p.url,
                              QStringLiteral("remote cable '%1'").arg(p.link));
        if (h.ipv4Forwarding) {
            m_start << QStringLiteral("  if [ \"$(cat /proc/sys/net/ipv4/ip_forward)\" != 1 ]; then\n"
                                      "    cat /proc/sys/net/ipv4/ip_forward >%1 || die 'failed to save net.ipv4.ip_forward'\n"
                                      "    record 'file ip_forward.prev'\n"
                                      "    echo 1 >/proc/sys/net/ipv4/ip_forward || die 'failed to enable net.ipv4.ip_forward'\n"
                                      "    record 'sysctl ip_forward'\n  fi")
                           .arg(state(QStringLiteral("ip_forward.prev")));
            stateFile(QStringLiteral("ip_forward.prev"));
            undo(QStringLiteral("sysctl ip_forward"),
                 QStringLiteral("    if [ -s %1 ]; then cat %1 >/proc/sys/net/ipv4/ip_forward || true; fi")
                     .arg(state(QStringLiteral("ip_forward.prev"))));
        }
        // Loopback forwards: 127/8 sources may leave through the gateway (the setting goes
        // away with the interface, which this script created).
        for (const QString &ifname : exportLoopbackGateways(m_plan))
            m_start << QStringLiteral("  echo 1 >%1 || die %2")
                           .arg(word(protocol::routeLocalnetPath(ifname)),
                                word(QStringLiteral("failed to set net.ipv4.conf.%1.route_localnet").arg(ifname)));
        if (!h.nat.isEmpty())
            renderNat();
        if (h.ipv6Forwarding)
            renderForwarding6();
        if (!h.nat6.isEmpty())
            renderNat6();
        for (const protocol::DnsmasqSpec &d : h.dnsmasq)
            renderDnsmasq(d);
    }

    const SwitchPlan *findSwitch(const QString &id) const
    {
        for (const SwitchPlan &s : m_plan.runtime.switches)
            if (s.node == id)
                return &s;
        return nullptr;
    }

    static bool impaired(const VdePort &p) { return !p.toPort.isNone() || !p.fromPort.isNone() || !p.up; }
    static const VdePort *findPort(const SwitchPlan &s, int number)
    {
        for (const VdePort &p : s.ports)
            if (p.number == number)
                return &p;
        return nullptr;
    }

    // A comment line in start_net (control characters refused like in word()).
    void comment(const QString &text)
    {
        (void)word(text);
        m_start << QStringLiteral("  # ") + QString(text).replace(QLatin1Char('%'), kPercent);
    }

    // Starts a wirefilter between `left` and `right` (libvdeplug URLs; left must hold no ':'),
    // `lr` applied to frames from left to right, `rl` the other way.
    void startWirefilter(const QString &rel, const QString &left, const QString &right, const protocol::Impairment &lr,
                         const protocol::Impairment &rl, bool down, const QString &what)
    {
        QStringList notes;
        const QStringList options = wirefilterOptions(lr, rl, down, &notes);
        comment(QStringLiteral("%1: emulated by wirefilter (left %2, right %3)").arg(what, protocol::summary(lr), protocol::summary(rl)));
        if (down)
            comment(QStringLiteral("%1 is down: 100% loss both ways").arg(what));
        for (const QString &n : notes)
            comment(n);
        const QString pid = rel + QStringLiteral(".pid");
        m_start << QStringLiteral("  if ! pid_alive %1; then\n    record %2\n    wirefilter -v %3 %4 --daemon --pidfile %1 || die %5\n"
                                  "    wait_for %1 || die %6\n  fi")
                       .arg(state(pid), word(QStringLiteral("proc ") + rel), word(left + QLatin1Char(':') + right),
                            words(options), word(QStringLiteral("failed to start the wirefilter of %1").arg(what)),
                            word(QStringLiteral("failed to start the wirefilter of %1: no pid file").arg(what)));
        undo(QStringLiteral("proc ") + rel, QStringLiteral("    stop_pid %1").arg(state(pid)));
        m_statusProcs << qMakePair(QStringLiteral("wirefilter of %1").arg(what), pid);
        m_wirefilter = true;
    }

    // netem/tbf qdiscs (and an IFB for ingress) on one of our kernel interfaces.
    void renderKernelImpairment(const protocol::ImpairmentSpec &i)
    {
        auto tc = [this](const QList<QStringList> &cmds, const QString &ifname) {
            for (const QStringList &c : cmds)
                m_start << QStringLiteral("  tc %1 || die %2").arg(words(c), word(QStringLiteral("failed to set the impairment of '%1'").arg(ifname)));
        };
        if (!i.egress.isNone()) {
            comment(QStringLiteral("'%1' egress: %2").arg(i.ifname, protocol::summary(i.egress)));
            tc(tcRootCommands(i.ifname, i.egress), i.ifname);
            m_start << QStringLiteral("  record %1").arg(word(QStringLiteral("qdisc root ") + i.ifname));
            undo(QStringLiteral("qdisc root ") + i.ifname, QStringLiteral("    tc qdisc del dev %1 root 2>/dev/null || true").arg(word(i.ifname)));
        }
        if (!i.ingress.isNone() && !i.ifbIfname.isEmpty()) {
            comment(QStringLiteral("'%1' ingress (through '%2'): %3").arg(i.ifname, i.ifbIfname, protocol::summary(i.ingress)));
            ensureLink(i.ifbIfname, QStringLiteral("ip link add name %1 type ifb").arg(word(i.ifbIfname)), QStringLiteral("ifb device"));
            m_start << QStringLiteral("  ip link set dev %1 up || die %2")
                           .arg(word(i.ifbIfname), word(QStringLiteral("failed to set up '%1'").arg(i.ifbIfname)));
            tc(tcRootCommands(i.ifbIfname, i.ingress), i.ifbIfname);
            tc(tcIngressRedirect(i), i.ifname);
            m_start << QStringLiteral("  record %1").arg(word(QStringLiteral("qdisc ingress ") + i.ifname));
            undo(QStringLiteral("qdisc ingress ") + i.ifname, QStringLiteral("    tc qdisc del dev %1 ingress 2>/dev/null || true").arg(word(i.ifname)));
        }
        m_tc = true;
    }

    // The machinery of a switch's impaired ports, after the switch: a guest port gets its own
    // small vde_switch (QEMU connects there) and a wirefilter to the main switch's port; a tap
    // port a wirefilter to the tap itself (tap://). `tapsPerPort`: every tap of this switch is
    // attached to its planned port here (vde_plug when not impaired), because the switch
    // numbers the taps it opens itself from 1 and an impaired tap must not shift the others.
    void renderImpairedPorts(const SwitchPlan &s, bool tapsPerPort)
    {
        for (const VdePort &p : s.ports) {
            const QString left = QStringLiteral("%1[port=%2]").arg(s.socketDir).arg(p.number);
            const QString what = QStringLiteral("port %1 of switch '%2' (link '%3')").arg(p.number).arg(s.name, p.link);
            const QString rel = QStringLiteral("switch-%1-p%2").arg(s.node).arg(p.number);
            if (p.kind == VdePort::Kind::Tap && impaired(p)) {
                startWirefilter(rel + QStringLiteral("-wf"), left, QStringLiteral("tap://") + p.tap, p.toPort, p.fromPort, !p.up, what);
            } else if (p.kind == VdePort::Kind::Tap && tapsPerPort) {
                startPlug(rel + QStringLiteral("-tap"), QStringLiteral("vde://") + left, QStringLiteral("tap://") + p.tap, what);
            } else if (p.kind == VdePort::Kind::Guest && impaired(p)) {
                const QString dir = m_plan.runtime.runtimeDir + QLatin1Char('/') + rel;
                const QString pid = rel + QStringLiteral(".pid");
                noteSocket(rel + QStringLiteral("/ctl"));
                m_start << QStringLiteral("  if ! pid_alive %1; then\n    record %2\n    vde_switch -sock %3 -pidfile %1 -daemon || die %4\n"
                                          "    wait_for %5 || die %6\n  fi")
                               .arg(state(pid), word(QStringLiteral("proc ") + rel), word(dir),
                                    word(QStringLiteral("failed to start the switch of %1").arg(what)), word(dir + QStringLiteral("/ctl")),
                                    word(QStringLiteral("failed to start the switch of %1: no control socket").arg(what)));
                undo(QStringLiteral("proc ") + rel, QStringLiteral("    stop_pid %1\n    rm -rf %2").arg(state(pid), word(dir)));
                m_statusProcs << qMakePair(QStringLiteral("switch of %1").arg(what), pid);
                startWirefilter(rel + QStringLiteral("-wf"), left, dir, p.toPort, p.fromPort, !p.up, what);
                m_portRedirect.insert(QStringLiteral("sock=%1,port=%2").arg(plan::qemuOptValue(s.socketDir)).arg(p.number),
                                      QStringLiteral("sock=") + plan::qemuOptValue(dir));
            }
        }
        for (const plan::MirrorPlan &m : s.mirrors)
            comment(QStringLiteral("switch '%1': the mirror of port %2 (%3) to port %4 is not reproduced: vde_switch has no port mirroring")
                        .arg(s.name).arg(m.source).arg(protocol::mirrorDirectionName(m.direction)).arg(m.target));
    }

    // Starts a vde_plug joining two VDE URLs, daemonized with a pid file.
    void startPlug(const QString &rel, const QString &urlA, const QString &urlB, const QString &what)
    {
        const QString pid = rel + QStringLiteral(".pid");
        m_start << QStringLiteral("  if ! pid_alive %1; then\n    record %5\n    vde_plug -d -p %1 %2 %3 || die %4\n    wait_for %1 || die %6\n  fi")
                       .arg(state(pid), word(urlA), word(urlB), word(QStringLiteral("failed to start %1").arg(what)),
                            word(QStringLiteral("proc ") + rel), word(QStringLiteral("failed to start %1: no pid file").arg(what)));
        undo(QStringLiteral("proc ") + rel, QStringLiteral("    stop_pid %1").arg(state(pid)));
        m_statusProcs << qMakePair(what, pid);
    }

    void renderSwitch(const SwitchPlan &s)
    {
        const QString base = QStringLiteral("switch-") + s.node;
        const QString rc = base + QStringLiteral(".rc");
        const QString pid = base + QStringLiteral(".pid");
        noteSocket(base + QStringLiteral("/ctl"));
        noteSocket(base + QStringLiteral(".mgmt"));
        const bool tapsPerPort = std::any_of(s.ports.cbegin(), s.ports.cend(),
                                             [](const VdePort &p) { return p.kind == VdePort::Kind::Tap && impaired(p); });
        QStringList rcLines{QStringLiteral("hash/setexpire %1").arg(s.macAgingSeconds)};
        if (s.vlans) {
            QList<int> vlans;
            for (const VdePort &p : s.ports) {
                if (p.vlan.vlan > 0)
                    vlans << p.vlan.vlan;
                if (p.vlan.mode == model::VlanConfig::Mode::Trunk)
                    vlans << p.vlan.allowed;
            }
            std::sort(vlans.begin(), vlans.end());
            vlans.erase(std::unique(vlans.begin(), vlans.end()), vlans.end());
            for (int v : vlans)
                rcLines << QStringLiteral("vlan/create %1").arg(v);
            for (const VdePort &p : s.ports) {
                if (p.kind != VdePort::Kind::Tap || tapsPerPort)  // -tap taps are attached before the rc file runs
                    rcLines << QStringLiteral("port/create %1").arg(p.number);
                if (p.vlan.vlan > 0)
                    rcLines << QStringLiteral("port/setvlan %1 %2").arg(p.number).arg(p.vlan.vlan);
                if (p.vlan.mode == model::VlanConfig::Mode::Trunk)
                    for (int v : p.vlan.allowed)
                        if (v != p.vlan.vlan)
                            rcLines << QStringLiteral("vlan/addport %1 %2").arg(v).arg(p.number);
            }
        }
        QStringList rcWords;
        for (const QString &l : rcLines)
            rcWords << word(l);
        QString cmd = QStringLiteral("vde_switch -sock %1 -mgmt %2 -rcfile %3 -pidfile %4 -daemon -numports %5 --hashsize %6")
                          .arg(word(s.socketDir), word(s.mgmtSocket), state(rc), state(pid))
                          .arg(s.numPorts)
                          .arg(s.macTableSize);
        if (s.hub)
            cmd += QStringLiteral(" -x");
        for (const VdePort &p : s.ports)
            if (p.kind == VdePort::Kind::Tap && !tapsPerPort)
                cmd += QStringLiteral(" -tap ") + word(p.tap);
        m_start << QStringLiteral("  if ! pid_alive %1; then\n"
                                  "    printf '%s\\n' %2 >%3 || die %4\n    record %5\n"
                                  "    record %8\n    %6 || die %7\n"
                                  "    wait_for %9 || die %10\n  fi")
                       .arg(state(pid), rcWords.join(QLatin1Char(' ')), state(rc),
                            word(QStringLiteral("failed to write '%1'").arg(rc)), word(QStringLiteral("file ") + rc), cmd,
                            word(QStringLiteral("failed to start switch '%1'").arg(s.name)), word(QStringLiteral("proc ") + base),
                            word(s.socketDir + QStringLiteral("/ctl")))
                       .arg(word(QStringLiteral("failed to start switch '%1': no control socket").arg(s.name)));
        stateFile(rc);
        undo(QStringLiteral("proc ") + base, QStringLiteral("    stop_pid %1\n    rm -rf %2\n    rm -f %3")
                                                 .arg(state(pid), word(s.socketDir), word(s.mgmtSocket)));
        m_statusProcs << qMakePair(QStringLiteral("switch '%1'").arg(s.name), pid);
        renderImpairedPorts(s, tapsPerPort);
    }

    void renderNat()
    {
        // One table of our own; deleting it on stop removes every rule we added.
        QStringList nft{QStringLiteral("table ip %1 {").arg(m_table)};
        const protocol::ForwardRules fw = exportForwardRules(m_plan, protocol::ForwardSpec::Family::Ipv4);
        if (exportHasForwards(m_plan, protocol::ForwardSpec::Family::Ipv4))
            nft << forwardChainLines(fw);
        nft << QStringLiteral("  chain postrouting {")
            << QStringLiteral("    type nat hook postrouting priority srcnat; policy accept;") << indentRules(fw.postrouting);
        for (const protocol::NatSpec &n : m_plan.host.nat)
            if (n.mode == protocol::NatSpec::Mode::Masquerade)
                nft << QStringLiteral("    ip saddr %1 ip daddr != %1 oifname %2 masquerade").arg(n.subnet, nftUplinkSet(n.uplinks));
        nft << QStringLiteral("  }") << QStringLiteral("  chain forward {")
            << QStringLiteral("    type filter hook forward priority filter; policy accept;") << indentRules(fw.forward);
        for (const protocol::NatSpec &n : m_plan.host.nat) {
            nft << QStringLiteral("    iifname \"%1\" ip saddr %2 oifname %3 accept").arg(n.ifname, n.subnet, nftUplinkSet(n.uplinks));
            nft << QStringLiteral("    iifname %1 oifname \"%2\" ip daddr %3%4 accept")
                       .arg(nftUplinkSet(n.uplinks), n.ifname, n.subnet,
                            n.mode == protocol::NatSpec::Mode::Masquerade ? QStringLiteral(" ct state established,related") : QString());
        }
        nft << QStringLiteral("  }") << QStringLiteral("}");
        QStringList nftWords;
        for (const QString &l : nft)
            nftWords << word(l);
        const QString file = QStringLiteral("nat.nft");
        m_start << QStringLiteral("  if ! nft list table ip %1 >/dev/null 2>&1; then\n"
                                  "    printf '%s\\n' \\\n      %2 >%3 || die %4\n    record %5\n"
                                  "    nft -f %3 || die %6\n    record %7\n  fi")
                       .arg(word(m_table), nftWords.join(QStringLiteral(" \\\n      ")), state(file),
                            word(QStringLiteral("failed to write '%1'").arg(file)), word(QStringLiteral("file ") + file),
                            word(QStringLiteral("failed to load nftables table '%1'").arg(m_table)), word(QStringLiteral("nft ") + m_table));
        stateFile(file);
        undo(QStringLiteral("nft ") + m_table, QStringLiteral("    nft delete table ip %1 2>/dev/null || true").arg(word(m_table)));
        m_statusNft = true;
    }

    void renderForwarding6()
    {
        const QString path = QStringLiteral("/proc/sys/net/ipv6/conf/all/forwarding");
        m_start << QStringLiteral("  if [ \"$(cat %1)\" != 1 ]; then\n%2\n"
                                  "    cat %1 >%3 || die 'failed to save net.ipv6.conf.all.forwarding'\n"
                                  "    record 'file ip6_forward.prev'\n"
                                  "    echo 1 >%1 || die 'failed to enable net.ipv6.conf.all.forwarding'\n"
                                  "    record 'sysctl ip6_forward'\n  fi")
                       .arg(path, detail::raUplinkCheck(m_plan.host.nat6, [this](const QString &s) { return word(s); }),
                            state(QStringLiteral("ip6_forward.prev")));
        stateFile(QStringLiteral("ip6_forward.prev"));
        undo(QStringLiteral("sysctl ip6_forward"),
             QStringLiteral("    if [ -s %1 ]; then cat %1 >%2 || true; fi").arg(state(QStringLiteral("ip6_forward.prev")), path));
    }

    void renderNat6()
    {
        const QString file = QStringLiteral("nat6.nft");
        m_start << QStringLiteral("  if ! nft list table ip6 %1 >/dev/null 2>&1; then\n"
                                  "    printf '%s\\n' \\\n      %2 >%3 || die %4\n    record %5\n"
                                  "    nft -f %3 || die %6\n    record %7\n  fi")
                       .arg(word(m_table), words(detail::nat6TableLines(m_table, m_plan.host.nat6, exportForwardRules(m_plan, protocol::ForwardSpec::Family::Ipv6),
                                                             exportHasForwards(m_plan, protocol::ForwardSpec::Family::Ipv6)), QStringLiteral(" \\\n      ")), state(file),
                            word(QStringLiteral("failed to write '%1'").arg(file)), word(QStringLiteral("file ") + file),
                            word(QStringLiteral("failed to load nftables table ip6 '%1'").arg(m_table)), word(QStringLiteral("nft6 ") + m_table));
        stateFile(file);
        undo(QStringLiteral("nft6 ") + m_table, QStringLiteral("    nft delete table ip6 %1 2>/dev/null || true").arg(word(m_table)));
        m_statusNft6 = true;
    }

    void renderDnsmasq(const protocol::DnsmasqSpec &d)
    {
        const QString base = QStringLiteral("dnsmasq-") + d.ifname;
        const QString conf = base + QStringLiteral(".conf");
        const QString pid = base + QStringLiteral(".pid");
        const QString leases = base + QStringLiteral(".leases");
        const quint32 mask = d.prefixLength == 0 ? 0 : ~quint32(0) << (32 - d.prefixLength);
        const QString netmask = QStringLiteral("%1.%2.%3.%4").arg(mask >> 24).arg((mask >> 16) & 0xff).arg((mask >> 8) & 0xff).arg(mask & 0xff);
        QStringList lines{QStringLiteral("interface=") + d.ifname, QStringLiteral("bind-interfaces"),
                          QStringLiteral("except-interface=lo"), QStringLiteral("listen-address=") + d.address,
                          QStringLiteral("no-hosts"), QStringLiteral("pid-file=") + kToken + QLatin1Char('/') + pid};
        if (!d.dns)
            lines << QStringLiteral("port=0");
        if (!d.domain.isEmpty())
            lines << QStringLiteral("domain=") + d.domain << QStringLiteral("local=/%1/").arg(d.domain);
        if (d.dhcp) {
            lines << QStringLiteral("dhcp-leasefile=") + kToken + QLatin1Char('/') + leases
                  << QStringLiteral("dhcp-authoritative")
                  << QStringLiteral("dhcp-range=%1,%2,%3,%4").arg(d.rangeStart, d.rangeEnd, netmask).arg(d.leaseSeconds);
            bool routed = std::any_of(m_plan.host.nat.cbegin(), m_plan.host.nat.cend(),
                                      [&d](const protocol::NatSpec &n) { return n.ifname == d.ifname; });
            lines << (routed ? QStringLiteral("dhcp-option=option:router,") + d.address : QStringLiteral("dhcp-option=option:router"));
            lines << (d.dns ? QStringLiteral("dhcp-option=option:dns-server,") + d.address : QStringLiteral("dhcp-option=option:dns-server"));
            for (const protocol::DhcpHost &host : d.hosts)
                lines << QStringLiteral("dhcp-host=%1,%2%3").arg(host.mac, host.ip,
                                                                host.hostname.isEmpty() ? QString() : QLatin1Char(',') + host.hostname);
        }
        if (!d.address6.isEmpty()) {
            lines << QStringLiteral("listen-address=") + d.address6;
            if (d.dhcp6 && !d.dhcp)
                lines << QStringLiteral("dhcp-leasefile=") + kToken + QLatin1Char('/') + leases;
            lines << protocol::dnsmasqIpv6Lines(d);
        }
        m_start << QStringLiteral("  if ! pid_alive %1; then\n"
                                  "    printf '%s\\n' \\\n      %2 >%3 || die %4\n    record %5\n"
                                  "    record %7\n    dnsmasq --conf-file=%3 || die %6\n"
                                  "    wait_for %1 || die %8\n  fi")
                       .arg(state(pid), words(lines, QStringLiteral(" \\\n      ")), state(conf),
                            word(QStringLiteral("failed to write '%1'").arg(conf)), word(QStringLiteral("file ") + conf),
                            word(QStringLiteral("failed to start dnsmasq on '%1'").arg(d.ifname)), word(QStringLiteral("proc ") + base),
                            word(QStringLiteral("failed to start dnsmasq on '%1': no pid file").arg(d.ifname)));
        stateFile(conf);
        undo(QStringLiteral("proc ") + base, QStringLiteral("    stop_pid %1\n    rm -f %2").arg(state(pid), state(leases)));
        m_statusProcs << qMakePair(QStringLiteral("dnsmasq on '%1'").arg(d.ifname), pid);
    }

    void renderGuests()
    {
        for (const plan::GuestPlan &g : m_plan.runtime.guests) {
            const QString base = QStringLiteral("guest-") + g.node;
            const QString pid = base + QStringLiteral(".pid");
            noteSocket(base + QStringLiteral(".qmp"));
            noteSocket(base + QStringLiteral(".vnc"));
            QStringList argv = g.argv;
            for (QString &a : argv)  // impaired ports: QEMU joins the port's own small switch
                for (auto it = m_portRedirect.cbegin(); it != m_portRedirect.cend(); ++it)
                    if (a.startsWith(QLatin1String("vde,")) && a.endsWith(u',' + it.key()))
                        a = a.left(a.size() - it.key().size()) + it.value();
            for (const QString &nic : g.nicsDown)
                m_guestStart << QStringLiteral("  # guest '%1': the link of NIC '%2' is down; its frames are dropped, but QEMU has no option to "
                                               "start a NIC without carrier (Netloom uses QMP set_link)")
                                    .arg(QString(g.name).replace(QLatin1Char('\n'), u' '), QString(nic).replace(QLatin1Char('\n'), u' '))
                                    .replace(QLatin1Char('%'), kPercent);
            argv << QStringLiteral("-daemonize") << QStringLiteral("-pidfile") << kToken + QLatin1Char('/') + pid;
            const QString failed = word(QStringLiteral("failed to start guest '%1'").arg(g.name));
            // A guest with a screen gets a window when the script runs on a desktop whose QEMU
            // has the GTK display; otherwise its screen is a VNC server on a unix socket in the
            // state directory (vncviewer, remote-viewer). Netloom's own -vnc none listens nowhere.
            // The choice is made at run time into the positional parameters ("$@" stands where
            // the plan's -display none was; its -vnc none goes).
            const qsizetype vnc = argv.indexOf(QStringLiteral("-vnc"));
            const qsizetype display = argv.indexOf(QStringLiteral("-display"));
            QString launch = QStringLiteral("    %1 || die %2\n").arg(words(argv), failed);
            if (vnc > display && display > 0 && vnc + 1 < argv.size()) {
                QStringList after = argv.mid(display + 2);
                after.remove(vnc - display - 2, 2);
                launch = QStringLiteral("    if guest_window %1; then\n      set -- -display gtk\n    else\n"
                                        "      set -- -display none -vnc %2\n    fi\n    %3 \"$@\" %4 || die %5\n")
                             .arg(word(g.binary), word(QStringLiteral("unix:") + kToken + QLatin1Char('/') + base + QStringLiteral(".vnc")),
                                  words(argv.mid(0, display)), words(after), failed);
                m_guestWindows = true;
            }
            // UEFI: the code image must be there; a missing variable store is copied from the
            // template Debian's naming pairs with the code image (never over an existing file).
            QString uefi;
            if (!g.uefiVars.isEmpty()) {
                const QString vars = word(g.uefiVars);
                const QString made = word(QStringLiteral("failed to create the UEFI variable store '%1' of guest '%2'").arg(g.uefiVars, g.name));
                const QStringList templates = qemu::varsTemplateCandidates(g.uefiCode);
                uefi = QStringLiteral("    [ -f %1 ] || die %2\n    if [ ! -e %3 ] && [ ! -L %3 ]; then\n")
                           .arg(word(g.uefiCode),
                                word(QStringLiteral("failed to start guest '%1': its UEFI code image '%2' (uefi.code) does not exist (Debian package ovmf)")
                                         .arg(g.name, g.uefiCode)),
                                vars);
                if (templates.isEmpty()) {
                    uefi += QStringLiteral("      die %1\n").arg(word(QStringLiteral("failed to create the UEFI variable store '%1' of guest '%2': no template is known for '%3'; copy one there")
                                                                      .arg(g.uefiVars, g.name, g.uefiCode)));
                } else {
                    for (qsizetype i = 0; i < templates.size(); ++i)
                        uefi += QStringLiteral("      %1 [ -f %2 ]; then\n        tpl=%2\n")
                                    .arg(i == 0 ? QStringLiteral("if") : QStringLiteral("elif"), word(templates[i]));
                    uefi += QStringLiteral("      else\n        die %1\n      fi\n      cp -n \"$tpl\" %2 || die %3\n      say %4 \"$tpl\"\n")
                                .arg(word(QStringLiteral("failed to create the UEFI variable store '%1' of guest '%2': no template (%3) exists (Debian package ovmf)")
                                              .arg(g.uefiVars, g.name, templates.join(QStringLiteral(" or ")))),
                                     vars, made,
                                     word(QStringLiteral("guest '%1': created its UEFI variable store '%2' from").arg(g.name, g.uefiVars)));
                }
                uefi += QStringLiteral("    fi\n    [ -f %1 ] || die %2\n")
                            .arg(vars, word(QStringLiteral("failed to start guest '%1': its UEFI variable store '%2' (uefi.vars) is not a regular file")
                                                .arg(g.name, g.uefiVars)));
            }
            // cloud-init: the same seed files as the runtime writes (carried as base64: they are
            // multi-line, and the script holds one command per line), made into the same ISO.
            QString seed;
            if (g.seed) {
                const QString dir = base + QStringLiteral(".cidata");
                const QString iso = base + QStringLiteral(".cidata.iso");
                const QString seedFailed = word(QStringLiteral("failed to write the cloud-init seed of '%1'").arg(g.name));
                seed = QStringLiteral("    mkdir -p %1 || die %2\n    chmod 0700 %1\n").arg(state(dir), seedFailed);
                const QList<std::pair<QString, QByteArray>> files{{QStringLiteral("meta-data"), g.seed->metaData},
                                                                  {QStringLiteral("user-data"), g.seed->userData},
                                                                  {QStringLiteral("network-config"), g.seed->networkConfig}};
                QStringList paths;
                for (const auto &[name, bytes] : files) {
                    const QString path = state(dir + u'/' + name);
                    seed += QStringLiteral("    printf '%s' %1 | base64 -d >%2 || die %3\n")
                                .arg(word(QString::fromLatin1(bytes.toBase64())), path, seedFailed);
                    paths << path;
                }
                seed += QStringLiteral("    xorriso -as mkisofs -quiet -output %1 -volid cidata -joliet -rock %2 || die %3\n")
                            .arg(state(iso), paths.join(u' '), seedFailed);
                m_guestSeedFiles.insert(g.node, state(dir) + u' ' + state(iso));
                if (!m_tools.contains(QStringLiteral("xorriso")))
                    m_tools << QStringLiteral("xorriso");
            }
            m_guestStart << QStringLiteral("  if ! pid_alive %1; then\n%5    record %3\n%4%2  fi")
                                .arg(state(pid), launch, word(QStringLiteral("proc ") + base), seed, uefi);
            const QString seedFiles = m_guestSeedFiles.value(g.node);
            m_guestStop << QStringLiteral("  if created %1; then\n    stop_pid %2\n    rm -f %3 %4 %5 %6\n%7    forget %1\n  fi")
                               .arg(word(QStringLiteral("proc ") + base), state(pid), word(g.qmpSocket), word(g.serialLog),
                                    word(g.serialSocket), state(base + QStringLiteral(".vnc")),
                                    seedFiles.isEmpty() ? QString() : QStringLiteral("    rm -rf %1\n").arg(seedFiles));
            m_guestStatus << qMakePair(QStringLiteral("guest '%1'").arg(g.name), pid);
            if (!m_tools.contains(g.binary))
                m_tools << g.binary;
        }
    }

    // Status lines of processes; only network processes make status fail (guests are optional).
    QString statusBlock(const QList<QPair<QString, QString>> &procs, bool counts)
    {
        QStringList out;
        for (const auto &[what, pid] : procs)
            out << QStringLiteral("  if pid_alive %1; then say %2; else say %3%4; fi")
                       .arg(state(pid), word(what + QStringLiteral(": running")), word(what + QStringLiteral(": stopped")),
                            counts ? QStringLiteral("; rc=3") : QString());
        return out.isEmpty() ? QStringLiteral("  :") : out.join(QLatin1Char('\n'));
    }

    QString assemble()
    {
        QStringList tools{QStringLiteral("ip")};
        if (!m_plan.runtime.switches.isEmpty())
            tools << QStringLiteral("vde_switch");
        if (!m_plan.runtime.cables.isEmpty() || m_start.join(QString()).contains(QLatin1String("vde_plug ")))
            tools << QStringLiteral("vde_plug");
        if (m_wirefilter)
            tools << QStringLiteral("wirefilter");
        if (m_tc)
            tools << QStringLiteral("tc");
        if (std::any_of(m_plan.host.bridges.cbegin(), m_plan.host.bridges.cend(), [](const auto &b) { return !b.vlans.isEmpty(); }))
            tools << QStringLiteral("bridge");
        if (!m_plan.host.nat.isEmpty() || !m_plan.host.nat6.isEmpty())
            tools << QStringLiteral("nft");
        if (!m_plan.host.dnsmasq.isEmpty())
            tools << QStringLiteral("dnsmasq");

        QStringList linkStatus;
        for (const QString &l : m_statusLinks)
            linkStatus << QStringLiteral("  if link_exists %1; then say %2; else say %3; rc=3; fi")
                              .arg(word(l), word(QStringLiteral("link '%1': present").arg(l)), word(QStringLiteral("link '%1': missing").arg(l)));
        if (m_statusNft)
            linkStatus << QStringLiteral("  if nft list table ip %1 >/dev/null 2>&1; then say %2; else say %3; rc=3; fi")
                              .arg(word(m_table), word(QStringLiteral("nft table '%1': loaded").arg(m_table)),
                                   word(QStringLiteral("nft table '%1': missing").arg(m_table)));
        if (m_statusNft6)
            linkStatus << QStringLiteral("  if nft list table ip6 %1 >/dev/null 2>&1; then say %2; else say %3; rc=3; fi")
                              .arg(word(m_table), word(QStringLiteral("nft table ip6 '%1': loaded").arg(m_table)),
                                   word(QStringLiteral("nft table ip6 '%1': missing").arg(m_table)));
        QStringList stopNet = m_undo;
        std::reverse(stopNet.begin(), stopNet.end());
        QStringList guestTools;
        for (const QString &t : m_tools)
            guestTools << word(t);

        QString s;
        s += QStringLiteral(
            "#!/bin/sh\n"
            "# shellcheck disable=SC2016  # names, paths and arguments are single-quoted on purpose\n"
            "# Virtual network %1: start | start-net | stop | restart | status\n"
            "#\n"
            "# Stock tools only: %2 (and the QEMU binaries of the guests).\n"
            "# State directory: $VNET_STATE_DIR, default %3. It holds the generated\n"
            "# configuration files, pid files, sockets and 'created', the record of what start made;\n"
            "# stop removes exactly what that record lists, in reverse order, then the directory.\n"
            "# VNET_NO_GUESTS=1 (or the start-net command) brings up the network without the guests.\n"
            "set -u\n"
            "\n")
                 .arg(word(m_name), tools.join(QStringLiteral(", ")), QStringLiteral("/run/vnet-") + m_id);
        s += QStringLiteral("STATE_DIR=${VNET_STATE_DIR:-%1}\n").arg(word(QStringLiteral("/run/vnet-") + m_id));
        s += QStringLiteral(
            "REC=\"$STATE_DIR/created\"\n"
            "\n"
            "die() { printf '%s: %s\\n' \"$0\" \"$*\" >&2; exit 1; }\n"
            "say() { printf '%s\\n' \"$*\"; }\n"
            "created() { grep -qxF -- \"$1\" \"$REC\" 2>/dev/null; }\n"
            "record() { created \"$1\" || printf '%s\\n' \"$1\" >>\"$REC\" || die \"failed to write '$REC'\"; }\n"
            "forget() {\n"
            "  if [ -f \"$REC\" ]; then\n"
            "    grep -vxF -- \"$1\" \"$REC\" >\"$REC.tmp\"\n"
            "    mv -f \"$REC.tmp\" \"$REC\"\n"
            "  fi\n"
            "}\n"
            "link_exists() { ip link show dev \"$1\" >/dev/null 2>&1; }\n"
            "master_of() { ip -o link show dev \"$1\" 2>/dev/null | sed -n 's/.* master \\([^ ]*\\) .*/\\1/p'; }\n"
            "has_addr() { ip -o addr show dev \"$1\" 2>/dev/null | grep -qF \" $2 \"; }\n"
            "pid_alive() { [ -s \"$1\" ] && kill -0 \"$(cat \"$1\")\" 2>/dev/null; }\n"
            "# Waits up to 5 s for a file or socket to appear.\n"
            "wait_for() {\n"
            "  n=0\n"
            "  while [ ! -e \"$1\" ]; do\n"
            "    [ \"$n\" -ge 50 ] && return 1\n"
            "    sleep 0.1\n"
            "    n=$((n + 1))\n"
            "  done\n"
            "}\n"
            "# Stops the process in pid file $1: TERM, up to 5 s, then KILL.\n"
            "stop_pid() {\n"
            "  if pid_alive \"$1\"; then\n"
            "    pid=$(cat \"$1\")\n"
            "    kill \"$pid\" 2>/dev/null\n"
            "    n=0\n"
            "    while kill -0 \"$pid\" 2>/dev/null && [ \"$n\" -lt 50 ]; do\n"
            "      sleep 0.1\n"
            "      n=$((n + 1))\n"
            "    done\n"
            "    kill -0 \"$pid\" 2>/dev/null && kill -9 \"$pid\" 2>/dev/null\n"
            "  fi\n"
            "  rm -f \"$1\"\n"
            "}\n"
            "need_root() { [ \"$(id -u)\" = 0 ] || die \"$1 needs root\"; }\n"
            "%GUEST_WINDOW%"
            "need_tool() { command -v \"$1\" >/dev/null 2>&1 || die \"failed to find '$1' in PATH\"; }\n"
            "check_state_dir() {\n"
            "  case $STATE_DIR in\n"
            "    /*) ;;\n"
            "    *) die \"failed to use state directory '$STATE_DIR': not an absolute path\" ;;\n"
            "  esac\n"
            "  case $STATE_DIR in\n"
            "    *[!A-Za-z0-9_./-]*) die \"failed to use state directory '$STATE_DIR': only A-Z a-z 0-9 _ . / - are allowed\" ;;\n"
            "  esac\n");
        s.replace(QStringLiteral("%GUEST_WINDOW%"),
                  m_guestWindows ? QStringLiteral("# True when a guest's screen can be a window: a display to show it on, and QEMU's GTK\n"
                                                  "# display (Debian: qemu-system-gui). Otherwise its screen is a VNC unix socket.\n"
                                                  "guest_window() { [ -n \"${DISPLAY:-}${WAYLAND_DISPLAY:-}\" ] && \"$1\" -display help 2>/dev/null | grep -qx gtk; }\n")
                                 : QString());
        s += QStringLiteral(
                 "  [ \"${#STATE_DIR}\" -le %1 ] || die \"failed to use state directory '$STATE_DIR': longer than %1 bytes (unix socket paths)\"\n"
                 "}\n\n")
                 .arg(std::max(1, kSunPathBytes - m_longestSocket));
        s += QStringLiteral("start_net() {\n  need_root start\n  check_state_dir\n");
        for (const QString &t : tools)
            s += QStringLiteral("  need_tool %1\n").arg(word(t));
        s += QStringLiteral(
            "  if [ ! -d \"$STATE_DIR\" ]; then\n"
            "    mkdir -p \"$STATE_DIR\" || die \"failed to create '$STATE_DIR'\"\n"
            "    chmod 0755 \"$STATE_DIR\"\n"
            "    record statedir\n"
            "  fi\n"
            "  [ -f \"$REC\" ] || : >\"$REC\" || die \"failed to write '$REC'\"\n");
        s += joinLines(m_start);
        s += QStringLiteral("}\n\nstart_guests() {\n  :\n");
        for (const QString &t : guestTools)
            s += QStringLiteral("  need_tool %1\n").arg(t);
        s += joinLines(m_guestStart);
        s += QStringLiteral("}\n\nstop_all() {\n  need_root stop\n  check_state_dir\n  [ -f \"$REC\" ] || return 0\n");
        s += joinLines(m_guestStop);
        s += joinLines(stopNet);
        s += QStringLiteral(
            "  if created statedir; then\n"
            "    rm -f \"$REC\" \"$REC.tmp\"\n"
            "    rmdir \"$STATE_DIR\" 2>/dev/null || say \"left '$STATE_DIR' in place: it holds files not made by this script\"\n"
            "  else\n"
            "    rm -f \"$REC\" \"$REC.tmp\"\n"
            "  fi\n"
            "}\n\n"
            "status() {\n"
            "  rc=0\n");
        s += joinLines(linkStatus);
        s += statusBlock(m_statusProcs, true) + QLatin1Char('\n');
        s += statusBlock(m_guestStatus, false) + QLatin1Char('\n');
        s += QStringLiteral(
            "  return \"$rc\"\n"
            "}\n\n"
            "case ${1:-} in\n"
            "  start)\n"
            "    start_net\n"
            "    [ \"${VNET_NO_GUESTS:-0}\" = 1 ] || start_guests\n"
            "    ;;\n"
            "  start-net) start_net ;;\n"
            "  stop) stop_all ;;\n"
            "  restart)\n"
            "    stop_all\n"
            "    start_net\n"
            "    [ \"${VNET_NO_GUESTS:-0}\" = 1 ] || start_guests\n"
            "    ;;\n"
            "  status) status ;;\n"
            "  *)\n"
            "    echo \"usage: $0 start|start-net|stop|restart|status\" >&2\n"
            "    exit 2\n"
            "    ;;\n"
            "esac\n");
        return s.replace(kPercent, QLatin1Char('%'));
    }

    QString m_name;
    const Plan &m_plan;
    QString m_id;
    QString m_table;
    QString m_error;
    QStringList m_start;        // start_net body, in order
    QStringList m_undo;         // stop actions, in start order (emitted reversed)
    QStringList m_guestStart;
    QStringList m_guestStop;
    QStringList m_statusLinks;
    QStringList m_tools;
    bool m_guestWindows = false;  // some guest has a screen: emit guest_window()
    QHash<QString, QString> m_guestSeedFiles;  // guest node -> its seed directory and ISO (quoted)
    QList<QPair<QString, QString>> m_statusProcs;   // (what, pid file relative to the state dir)
    QList<QPair<QString, QString>> m_guestStatus;
    bool m_statusNft = false;
    bool m_statusNft6 = false;
    bool m_wirefilter = false;  // some port or cable is emulated by wirefilter
    bool m_tc = false;          // some kernel interface gets qdiscs
    QHash<QString, QString> m_portRedirect;  // "sock=DIR,port=N" of an impaired guest port -> "sock=SMALL"
    int m_longestSocket = 0;
};

}  // namespace

QString shellQuote(const QString &s)
{
    QString q = s;
    q.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + q + QLatin1Char('\'');
}

Result<QString> renderShell(const QString &name, const plan::Plan &plan)
{
    if (plan.runtime.runtimeDir != kToken)
        return Error::failed(ErrorCode::Internal, QStringLiteral("export"), name,
                             QStringLiteral("the plan was not made with the state-directory placeholder"));
    return Renderer(name, plan).run();
}

Result<QString> exportShell(const model::Topology &topology, const QString &topologyDir, const QStringList &userKeys)
{
    // The script keeps to stock tools: vde_switch has no vhost-user ports, so such NICs join
    // over VDE there (the guest's network is the same, only the transport differs).
    model::Topology t = topology;
    QStringList vhost;
    for (model::Node &n : t.nodes)
        for (model::NicConfig &nic : n.guest.nics)
            if (nic.transport == model::NicConfig::Transport::VhostUser) {
                nic.transport = model::NicConfig::Transport::Vde;
                vhost << n.id + u'/' + nic.id;  // ids: [A-Za-z0-9_.-], safe in a comment
            }
    Result<plan::Plan> p = plan::plan(t, plan::PlanContext{kToken, topologyDir, userKeys});
    if (!p)
        return p.error();
    Result<QString> script = renderShell(topology.name, *p);
    if (!script || vhost.isEmpty())
        return script;
    const QString note = QStringLiteral("# vhost-user NICs (%1) join their switch over VDE in this script: it uses stock\n"
                                        "# tools, and vde_switch has no vhost-user ports.\n")
                             .arg(vhost.join(QStringLiteral(", ")));
    QString out = *script;
    const qsizetype at = out.indexOf(QLatin1String("\n# Virtual network "));
    const qsizetype eol = at < 0 ? -1 : out.indexOf(u'\n', at + 1);
    out.insert(eol < 0 ? 0 : eol + 1, note);
    return out;
}

}  // namespace netloom::exporter
