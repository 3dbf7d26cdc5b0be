// SPDX-License-Identifier: GPL-3.0-or-later
#include "import/assembler.h"

#include "protocol/netaddr.h"

#include <QHash>
#include <QRegularExpression>
#include <QSet>

namespace netloom::importer {

QString idFrom(const QString &text, const QString &fallback)
{
    QString id;
    for (QChar c : text) {
        if (id.size() >= 48)
            break;
        if ((c.unicode() < 128 && c.isLetterOrNumber()) || c == QLatin1Char('_') || c == QLatin1Char('.') || c == QLatin1Char('-'))
            id += c;
        else if (!id.isEmpty() && !id.endsWith(QLatin1Char('-')))
            id += QLatin1Char('-');
    }
    while (id.endsWith(QLatin1Char('-')))
        id.chop(1);
    return id.isEmpty() ? fallback : id;
}

QString switchNameFromSocket(const QString &sock)
{
    QStringList parts = sock.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    while (!parts.isEmpty() && parts.last() == QLatin1String("ctl"))
        parts.removeLast();
    QString n = parts.isEmpty() ? QStringLiteral("switch") : parts.last();
    if (n.endsWith(QLatin1String(".ctl")))
        n.chop(4);
    return n.isEmpty() ? QStringLiteral("switch") : n;
}

namespace {

class Assembler {
public:
    explicit Assembler(ImportState &st) : m_st(st) {}
    model::Topology run();

private:
    QString uniqueId(const QString &wanted, const QString &fallback)
    {
        const QString b = idFrom(wanted, fallback);
        QString id = b;
        for (int k = 2; m_ids.contains(id); ++k)
            id = QStringLiteral("%1-%2").arg(b).arg(k);
        m_ids.insert(id);
        return id;
    }
    QString uniqueName(const QString &wanted)
    {
        QString n = wanted.left(model::limits::kMaxStringChars - 8);
        for (int k = 2; m_names.contains(n); ++k)
            n = QStringLiteral("%1-%2").arg(wanted.left(model::limits::kMaxStringChars - 8)).arg(k);
        m_names.insert(n);
        return n;
    }
    model::Node &addNode(model::NodeType type, const QString &name, const QString &fallbackId)
    {
        model::Node n;
        n.type = type;
        n.id = uniqueId(name, fallbackId);
        n.name = uniqueName(name);
        m_t.nodes.append(n);
        return m_t.nodes.last();
    }
    void link(const QString &a, const QString &aNic, const QString &b)
    {
        model::Link l;
        l.id = uniqueId(a + QLatin1Char('-') + b, QStringLiteral("link"));
        l.a.node = a;
        l.a.nic = aNic;
        l.b.node = b;
        m_t.links.append(l);
    }
    void note(int line, const QString &text, ReportLine::Kind kind, const QString &detail) { m_st.add(line, text, kind, detail); }

    QString switchNode(const QString &sock, int line);
    QString bridgeNode(const QString &name, int line);
    QString hostPort(const QString &iface, const QString &attachTo, int line);
    // Connects node `from` (NIC `nic` of a guest, or a hub) to what `a` names.
    void attach(const QString &from, const QString &nic, const Attachment &a, int line, model::NicConfig *nicCfg);
    void applyDhcp();
    void applyNat();
    void layout();

    ImportState &m_st;
    model::Topology m_t;
    QSet<QString> m_ids;
    QSet<QString> m_names;
    QHash<QString, QString> m_switchBySock;
    QHash<QString, QString> m_bridgeByName;
    QHash<QString, QString> m_hostPortByIface;   // original interface name -> host port id
    QHash<QString, QString> m_switchTaps;        // tap -> switch socket
    QHash<QString, QString> m_bridgeOfMember;    // member -> bridge name
    QHash<QString, AddressFact> m_addr;          // interface -> address
    QSet<QString> m_tapsUsed;
    QHash<QString, QString> m_alias;             // socket behind a wirefilter -> the switch's socket
};

QString Assembler::switchNode(const QString &sockIn, int line)
{
    const QString sock = m_alias.value(sockIn, sockIn);
    if (m_switchBySock.contains(sock))
        return m_switchBySock.value(sock);
    model::Node &n = addNode(model::NodeType::Switch, switchNameFromSocket(sock), QStringLiteral("switch"));
    n.notes = QStringLiteral("imported: vde_switch on %1").arg(sock);
    m_switchBySock.insert(sock, n.id);
    note(line, sock, ReportLine::Kind::Mapped,
         QStringLiteral("no vde_switch for %1 is started in the input: netloom switch '%2' added for it").arg(sock, n.name));
    return n.id;
}

QString Assembler::bridgeNode(const QString &name, int line)
{
    if (m_bridgeByName.contains(name))
        return m_bridgeByName.value(name);
    model::Node &n = addNode(model::NodeType::Switch, name, QStringLiteral("bridge"));
    n.sw.engine = model::SwitchConfig::Engine::Bridge;
    n.notes = QStringLiteral("imported: bridge %1").arg(name);
    m_bridgeByName.insert(name, n.id);
    note(line, name, ReportLine::Kind::Mapped,
         QStringLiteral("bridge %1 is not created in the input: kernel bridge '%2' added for it").arg(name, n.name));
    return n.id;
}

// A host port for interface `iface` (with its address, if any), linked to `attachTo` ("" =
// unlinked, or a NIC links to it later).
QString Assembler::hostPort(const QString &iface, const QString &attachTo, int line)
{
    if (m_hostPortByIface.contains(iface))
        return m_hostPortByIface.value(iface);
    model::Node &n = addNode(model::NodeType::HostPort, iface, QStringLiteral("hostport"));
    n.notes = QStringLiteral("imported: %1 (Netloom names the interface itself)").arg(iface);
    n.hostPort.dhcp.enabled = false;
    n.hostPort.dns = false;  // dnsmasq only when the input runs one for it
    if (m_addr.contains(iface))
        n.hostPort.address = m_addr.value(iface).cidr;
    const QString id = n.id;
    m_hostPortByIface.insert(iface, id);
    if (!attachTo.isEmpty())
        link(id, QString(), attachTo);
    (void)line;
    return id;
}

void Assembler::attach(const QString &from, const QString &nic, const Attachment &a, int line, model::NicConfig *nicCfg)
{
    using Kind = Attachment::Kind;
    switch (a.kind) {
    case Kind::None:
        return;
    case Kind::VdeSocket:
        link(from, nic, switchNode(a.target, line));
        return;
    case Kind::Bridge:
        if (nicCfg)
            nicCfg->mode = model::NicConfig::Mode::Switch;
        link(from, nic, bridgeNode(a.target, line));
        return;
    case Kind::Hub:
        link(from, nic, m_switchBySock.value(QStringLiteral("hub:") + a.target));
        return;
    case Kind::Tap:
        break;
    }
    const QString &tap = a.target;
    if (tap.isEmpty()) {
        note(line, QStringLiteral("tap"), ReportLine::Kind::Mapped,
             QStringLiteral("a tap QEMU creates itself (its ifup script is not read): a tap-mode NIC without a link, Netloom names the tap"));
        return;
    }
    if (m_tapsUsed.contains(tap)) {
        note(line, tap, ReportLine::Kind::NotUnderstood, QStringLiteral("tap %1 is opened by more than one NIC; this one is left unconnected").arg(tap));
        return;
    }
    m_tapsUsed.insert(tap);
    if (m_bridgeOfMember.contains(tap)) {
        if (nicCfg)
            nicCfg->mode = model::NicConfig::Mode::Switch;
        link(from, nic, bridgeNode(m_bridgeOfMember.value(tap), line));
        return;
    }
    if (m_switchTaps.contains(tap)) {
        note(line, tap, ReportLine::Kind::NotUnderstood, QStringLiteral("tap %1 is already the host tap of a vde_switch; not connected").arg(tap));
        return;
    }
    if (m_addr.contains(tap)) {
        if (nicCfg) {
            nicCfg->mode = model::NicConfig::Mode::Tap;
            link(from, nic, hostPort(tap, QString(), line));  // an own-tap host port
        } else {
            link(hostPort(tap, QString(), line), QString(), from);  // a host port on a hub
        }
        return;
    }
    note(line, tap, ReportLine::Kind::Mapped,
         QStringLiteral("tap %1 has no address and joins no bridge in the input: a tap-mode NIC without a link (Netloom names the tap)").arg(tap));
}

void Assembler::applyDhcp()
{
    struct Port {
        model::Node *node;
        std::optional<protocol::Cidr> cidr;
        QString iface;
    };
    QList<Port> ports;
    for (auto it = m_hostPortByIface.cbegin(); it != m_hostPortByIface.cend(); ++it) {
        model::Node *n = m_t.node(it.value());
        std::optional<protocol::Cidr> c;
        if (const Result<protocol::Cidr> r = protocol::Cidr::parse(n->hostPort.address); r)
            c = *r;
        ports.append(Port{n, c, it.key()});
    }
    std::sort(ports.begin(), ports.end(), [](const Port &a, const Port &b) { return a.node->id < b.node->id; });
    for (const DhcpFact &f : m_st.dhcps) {
        auto contains = [](const Port &p, const QString &ip) {
            const Result<protocol::Ipv4> a = protocol::Ipv4::parse(ip);
            return p.cidr && a && p.cidr->contains(*a);
        };
        QList<Port *> served;
        for (Port &p : ports) {
            bool hit = f.interfaces.contains(p.iface);
            for (const QString &l : f.listenAddresses)
                hit = hit || (p.cidr && p.cidr->address.toString() == l);
            if (f.interfaces.isEmpty() && f.listenAddresses.isEmpty())
                for (const DhcpRangeFact &r : f.ranges)
                    hit = hit || contains(p, r.start);
            if (hit)
                served.append(&p);
        }
        if (served.isEmpty()) {
            for (int r : f.reports)
                if (m_st.report[r].kind == ReportLine::Kind::Mapped) {
                    m_st.report[r].kind = ReportLine::Kind::Ignored;
                    m_st.report[r].detail += QStringLiteral(" — but no host port of the input matches this dnsmasq (interface, listen address or range), so it is not used");
                }
            continue;
        }
        for (Port *p : served) {
            model::HostPortConfig &hp = p->node->hostPort;
            hp.dns = f.dns;
            if (!f.domain.isEmpty())
                hp.dhcp.domain = f.domain;
            for (const DhcpRangeFact &r : f.ranges) {
                if (!(r.iface.isEmpty() || r.iface == p->iface) || !(contains(*p, r.start) || served.size() == 1))
                    continue;
                if (hp.dhcp.enabled) {
                    note(f.line, QStringLiteral("dhcp-range=%1,%2").arg(r.start, r.end), ReportLine::Kind::Ignored,
                         QStringLiteral("a second range for host port '%1': Netloom has one range per host port").arg(p->node->name));
                    continue;
                }
                hp.dhcp.enabled = true;
                hp.dhcp.rangeStart = r.start;
                hp.dhcp.rangeEnd = r.end;
                if (r.leaseSeconds)
                    hp.dhcp.leaseSeconds = std::max(*r.leaseSeconds, model::limits::kMinLeaseSeconds);
            }
            for (const model::DhcpReservation &h : f.hosts)
                if (contains(*p, h.ip) || served.size() == 1)
                    hp.dhcp.reservations.append(h);
        }
    }
}

void Assembler::applyNat()
{
    // Masquerade rules first; forwarding (accept) rules make a port routed only when no
    // masquerade applies to it (a NAT setup has such rules too).
    for (const bool route : {false, true}) {
        for (const NatFact &f : m_st.nats) {
            if (f.route != route)
                continue;
            std::optional<protocol::Cidr> src;
            if (const Result<protocol::Cidr> s = protocol::Cidr::parse(f.source, true); s)
                src = *s;
            QStringList names;
            bool covered = false;
            for (model::Node &n : m_t.nodes) {
                if (n.type != model::NodeType::HostPort)
                    continue;
                const Result<protocol::Cidr> c = protocol::Cidr::parse(n.hostPort.address);
                if (!c || (src && !src->overlaps(*c)))
                    continue;
                model::NatConfig &nat = n.hostPort.nat;
                if (route && nat.mode == model::NatConfig::Mode::Masquerade) {
                    covered = true;
                    continue;
                }
                nat.mode = route ? model::NatConfig::Mode::Route : model::NatConfig::Mode::Masquerade;
                const QStringList uplinks = f.out.isEmpty() ? QStringList{QStringLiteral("eth+"), QStringLiteral("en+"), QStringLiteral("wl+")}
                                                            : QStringList{f.out};
                for (const QString &u : uplinks)
                    if (!nat.uplinks.contains(u))
                        nat.uplinks.append(u);
                names.append(n.name);
            }
            ReportLine &r = m_st.report[f.report];
            if (names.isEmpty() && covered) {
                r.kind = ReportLine::Kind::Ignored;
                r.detail += QStringLiteral(" — part of the masquerade setup already imported for this subnet");
            } else if (names.isEmpty()) {
                r.kind = ReportLine::Kind::Ignored;
                r.detail += QStringLiteral(" — but no host port with an address matches it, so it is not used");
            } else {
                r.detail += QStringLiteral(": host port%1 %2 nat = %3").arg(names.size() > 1 ? QStringLiteral("s") : QString(),
                                                                          names.join(QStringLiteral(", ")),
                                                                          route ? QStringLiteral("route") : QStringLiteral("masquerade"));
                if (f.out.isEmpty())
                    r.detail += QStringLiteral(" (no -o/oifname: every interface; Netloom needs named uplinks, so eth+, en+ and wl+ are used — check them)");
            }
        }
    }
}

void Assembler::layout()
{
    int col[3] = {0, 0, 0};
    for (model::Node &n : m_t.nodes) {
        const int c = n.type == model::NodeType::Guest ? 2 : n.type == model::NodeType::Switch ? 1 : 0;
        n.position = QPointF(120 + 300 * c, 80 + 140 * col[c]++);
    }
}

model::Topology Assembler::run()
{
    m_t.name = idFrom(m_st.options.name, QStringLiteral("imported"));
    m_t.description = QStringLiteral("Imported by netloomctl import");
    for (const AddressFact &a : m_st.addresses) {
        if (m_addr.contains(a.iface)) {
            ReportLine &old = m_st.report[m_addr.value(a.iface).report];
            old.kind = ReportLine::Kind::Ignored;
            old.detail = QStringLiteral("a later address on %1 replaces this one (one address per host port)").arg(a.iface);
        }
        m_addr.insert(a.iface, a);
    }
    for (const BridgeFact &b : m_st.bridges)
        for (const QString &m : b.members)
            m_bridgeOfMember.insert(m, b.name);
    // A switch that only joins one NIC to a wirefilter ("wirefilter -v A[port=N]:B", B with
    // no taps, no other cable and one NIC) is that NIC's impaired port on A: merged into A.
    QHash<QString, int> uses;
    for (const GuestFact &g : m_st.guests) {
        for (const NicFact &n : g.nics)
            if (n.attach.kind == Attachment::Kind::VdeSocket)
                ++uses[n.attach.target];
        for (const HubFact &h : g.hubs)
            for (const Attachment &a : h.backends)
                if (a.kind == Attachment::Kind::VdeSocket)
                    ++uses[a.target];
    }
    for (const CableFact &c : m_st.cables) {
        uses[c.a] += 2;
        uses[c.b] += 2;
    }
    for (const WireFact &w : m_st.wires) {
        ++uses[w.a];
        ++uses[w.b];
    }
    QSet<QString> merged;
    for (const WireFact &w : m_st.wires) {
        const auto sw = std::find_if(m_st.switches.cbegin(), m_st.switches.cend(), [&](const SwitchFact &f) { return f.sock == w.b; });
        if (w.bPort || sw == m_st.switches.cend() || !sw->taps.isEmpty() || uses.value(w.b) != 2)
            continue;
        merged.insert(w.b);
        m_alias.insert(w.b, w.a);
        m_st.report[sw->report].detail += QStringLiteral(" — it only joins one NIC to the wirefilter on line %1, so that NIC is cabled to %2 directly")
                                              .arg(w.line).arg(switchNameFromSocket(w.a));
    }
    // Switches and their taps.
    for (const SwitchFact &s : m_st.switches) {
        if (merged.contains(s.sock))
            continue;
        model::Node &n = addNode(model::NodeType::Switch, switchNameFromSocket(s.sock), QStringLiteral("switch"));
        n.sw.hub = s.hub;
        n.notes = QStringLiteral("imported: vde_switch on %1").arg(s.sock);
        m_switchBySock.insert(s.sock, n.id);
        for (const QString &t : s.taps)
            m_switchTaps.insert(t, s.sock);
    }
    for (const BridgeFact &b : m_st.bridges) {
        model::Node &n = addNode(model::NodeType::Switch, b.name, QStringLiteral("bridge"));
        n.sw.engine = model::SwitchConfig::Engine::Bridge;
        n.sw.stp = b.stp;
        n.notes = QStringLiteral("imported: bridge %1 (Netloom names the interface itself)").arg(b.name);
        m_bridgeByName.insert(b.name, n.id);
    }
    for (const SwitchFact &s : m_st.switches)
        for (const QString &t : s.taps) {
            m_tapsUsed.insert(t);
            if (m_bridgeOfMember.contains(t)) {
                link(m_switchBySock.value(s.sock), QString(), m_bridgeByName.value(m_bridgeOfMember.value(t)));
                note(s.line, t, ReportLine::Kind::Mapped, QStringLiteral("tap %1 joins the switch to bridge %2: a cable between them").arg(t, m_bridgeOfMember.value(t)));
            } else {
                hostPort(t, m_switchBySock.value(s.sock), s.line);
            }
        }
    // wirefilter -v A:B: a cable when B is a switch, else B is A seen through a filter.
    for (const WireFact &w : m_st.wires) {
        if (merged.contains(w.b))
            continue;
        if (m_switchBySock.contains(w.b) && m_switchBySock.contains(w.a))
            m_st.cables.append(CableFact{w.a, w.b, QString(), w.line, w.report});
        else
            m_alias.insert(w.b, w.a);
    }
    // Hubs of legacy -net vlans.
    for (const GuestFact &g : m_st.guests)
        for (const HubFact &h : g.hubs) {
            model::Node &n = addNode(model::NodeType::Switch, h.key, QStringLiteral("hub"));
            n.sw.hub = true;
            n.notes = QStringLiteral("imported: QEMU's vlan hub of one guest");
            const QString id = n.id;
            m_switchBySock.insert(QStringLiteral("hub:") + h.key, id);
            for (const Attachment &a : h.backends)
                attach(id, QString(), a, h.line, nullptr);
        }
    // Guests.
    QHash<QString, QString> macOwner;
    for (const GuestFact &g : m_st.guests) {
        model::Node &n = addNode(model::NodeType::Guest, g.name, QStringLiteral("guest"));
        if (n.name != g.name)
            note(g.line, g.name, ReportLine::Kind::Mapped, QStringLiteral("a second guest named '%1' is called '%2'").arg(g.name, n.name));
        n.guest = g.cfg;
        const QString gid = n.id;
        QList<model::NicConfig> nics;
        for (const NicFact &f : g.nics) {
            model::NicConfig nic = f.nic;
            if (!nic.mac.isEmpty()) {
                if (macOwner.contains(nic.mac)) {
                    note(f.line, nic.mac, ReportLine::Kind::Ignored,
                         QStringLiteral("MAC %1 is already %2's: guest '%3' NIC %4 gets a new one from Netloom").arg(nic.mac, macOwner.value(nic.mac), n.name, nic.id));
                    nic.mac.clear();
                } else {
                    macOwner.insert(nic.mac, QStringLiteral("guest '%1' NIC %2").arg(n.name, nic.id));
                }
            }
            nics.append(nic);
        }
        n.guest.nics = nics;
        for (qsizetype k = 0; k < g.nics.size(); ++k) {
            model::NicConfig nic = m_t.node(gid)->guest.nics[k];
            attach(gid, nic.id, g.nics[k].attach, g.nics[k].line, &nic);
            m_t.node(gid)->guest.nics[k] = nic;
        }
    }
    // Bridge members nobody else uses are uplinks; addresses on bridges are host ports.
    for (const BridgeFact &b : m_st.bridges) {
        for (const QString &m : b.members) {
            if (m_tapsUsed.contains(m))
                continue;
            if (m_st.tapLines.contains(m)) {
                note(b.line, m, ReportLine::Kind::Ignored, QStringLiteral("tap %1 joins bridge %2 but no guest or switch uses it").arg(m, b.name));
                continue;
            }
            model::Node &u = addNode(model::NodeType::Uplink, m, QStringLiteral("uplink"));
            u.uplink.ifname = m;
            const QString uid = u.id;
            link(uid, QString(), m_bridgeByName.value(b.name));
            note(b.line, m, ReportLine::Kind::Mapped, QStringLiteral("%1 is not created by the input: an uplink (physical interface) on bridge %2").arg(m, b.name));
        }
        if (m_addr.contains(b.name)) {
            const QString hp = hostPort(b.name, m_bridgeByName.value(b.name), b.line);
            m_t.node(hp)->name = uniqueName(b.name + QStringLiteral(" host"));
        }
    }
    // Addresses on taps nobody uses, and on interfaces the input does not create.
    for (const AddressFact &a : m_addr) {
        if (m_hostPortByIface.contains(a.iface))
            continue;
        ReportLine &r = m_st.report[a.report];
        if (m_st.tapLines.contains(a.iface)) {
            hostPort(a.iface, QString(), a.line);
            r.detail += QStringLiteral(" (no guest or switch uses this tap: a host port without a link)");
        } else {
            r.kind = ReportLine::Kind::Ignored;
            r.detail = QStringLiteral("%1 is not an interface the input creates: the host's own addresses are not part of a topology").arg(a.iface);
        }
    }
    for (const CableFact &c : m_st.cables) {
        const QString a = switchNode(c.a, c.line);
        if (!c.remote.isEmpty()) {
            model::Node &r = addNode(model::NodeType::Remote, QStringLiteral("remote"), QStringLiteral("remote"));
            r.remote.url = c.remote;
            link(r.id, QString(), a);
        } else {
            link(a, QString(), switchNode(c.b, c.line));
        }
    }
    applyDhcp();
    applyNat();
    layout();
    return m_t;
}

}  // namespace

model::Topology assemble(ImportState &state)
{
    Assembler a(state);
    return a.run();
}

}  // namespace netloom::importer
