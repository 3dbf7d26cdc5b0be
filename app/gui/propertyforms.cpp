// SPDX-License-Identifier: GPL-3.0-or-later
// The per-type forms of PropertiesPanel (see propertiespanel.h for how fields work).
#include "emulationeditor.h"
#include "forwardtable.h"
#include "listsyntax.h"
#include "mirrortable.h"
#include "model/portforward.h"
#include "nodekinds.h"
#include "propertiespanel.h"
#include "topologydocument.h"
#include "topologyscene.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>

namespace netloom::gui {

namespace lim = model::limits;
using model::NatConfig;
using model::NicConfig;
using model::NodeType;
using model::VlanConfig;

void PropertiesPanel::buildNodeFields()
{
    const model::Node *n = m_doc->topology().node(m_id);
    addText(tr("Name"), QStringLiteral("name"), [this]() -> QString & { return m_editNode.name; });
    switch (kindOf(*n)) {
    case NodeKind::NetloomSwitch:
        addCheck(tr("Hub mode"), QStringLiteral("switch.hub"), [this]() -> bool & { return m_editNode.sw.hub; });
        addInt(tr("MAC table size"), QStringLiteral("switch.macTableSize"), lim::kMinMacTableSize,
               lim::kMaxMacTableSize, [this]() -> int & { return m_editNode.sw.macTableSize; });
        addInt(tr("MAC aging (s)"), QStringLiteral("switch.macAgingSeconds"), lim::kMinMacAgingSeconds,
               lim::kMaxMacAgingSeconds, [this]() -> int & { return m_editNode.sw.macAgingSeconds; });
        addInt(tr("MTU (0 = default)"), QStringLiteral("switch.mtu"), 0, lim::kMaxMtu,
               [this]() -> int & { return m_editNode.sw.mtu; });
        addMirrors();
        break;
    case NodeKind::Bridge:
        addText(tr("Interface name"), QStringLiteral("switch.ifname"), [this]() -> QString & { return m_editNode.sw.ifname; });
        addCheck(tr("Spanning tree (STP)"), QStringLiteral("switch.stp"), [this]() -> bool & { return m_editNode.sw.stp; });
        addInt(tr("MTU (0 = default)"), QStringLiteral("switch.mtu"), 0, lim::kMaxMtu,
               [this]() -> int & { return m_editNode.sw.mtu; });
        break;
    case NodeKind::HostPort: {
        auto hp = [this]() -> model::HostPortConfig & { return m_editNode.hostPort; };
        addText(tr("Interface name"), QStringLiteral("hostPort.ifname"), [hp]() -> QString & { return hp().ifname; });
        addText(tr("Address (CIDR)"), QStringLiteral("hostPort.address"), [hp]() -> QString & { return hp().address; });
        addCheck(tr("DHCP server"), QStringLiteral("hostPort.dhcp.enabled"), [hp]() -> bool & { return hp().dhcp.enabled; });
        addText(tr("DHCP range start"), QStringLiteral("hostPort.dhcp.rangeStart"), [hp]() -> QString & { return hp().dhcp.rangeStart; });
        addText(tr("DHCP range end"), QStringLiteral("hostPort.dhcp.rangeEnd"), [hp]() -> QString & { return hp().dhcp.rangeEnd; });
        addSpin(tr("Lease time (s)"), QStringLiteral("hostPort.dhcp.leaseSeconds"), int(lim::kMinLeaseSeconds),
                int(lim::kMaxLeaseSeconds), [hp] { return int(hp().dhcp.leaseSeconds); },
                [hp](int v) { hp().dhcp.leaseSeconds = std::uint32_t(v); });
        addText(tr("Domain"), QStringLiteral("hostPort.dhcp.domain"), [hp]() -> QString & { return hp().dhcp.domain; });
        addCheck(tr("DNS server"), QStringLiteral("hostPort.dns"), [hp]() -> bool & { return hp().dns; });
        addChoice(tr("NAT"), QStringLiteral("hostPort.nat.mode"),
                  {model::natModeName(NatConfig::Mode::None), model::natModeName(NatConfig::Mode::Masquerade),
                   model::natModeName(NatConfig::Mode::Route)},
                  {tr("none"), tr("masquerade"), tr("route")},
                  [hp] { return model::natModeName(hp().nat.mode); },
                  [hp](const QString &v) {
                      for (auto m : {NatConfig::Mode::None, NatConfig::Mode::Masquerade, NatConfig::Mode::Route})
                          if (model::natModeName(m) == v)
                              hp().nat.mode = m;
                  });
        addList(tr("NAT uplinks"), QStringLiteral("hostPort.nat.uplinks"),
                [hp]() -> QStringList & { return hp().nat.uplinks; });
        setPlaceholder(QStringLiteral("eth+, wlan0"));
        addInt(tr("MTU (0 = default)"), QStringLiteral("hostPort.mtu"), 0, lim::kMaxMtu,
               [hp]() -> int & { return hp().mtu; });
        addText(tr("IPv6 address (prefix)"), QStringLiteral("hostPort.ipv6.address"), [hp]() -> QString & { return hp().ipv6.address; });
        setPlaceholder(QStringLiteral("fd42:1::1/64"));
        addCheck(tr("IPv6 router advertisements"), QStringLiteral("hostPort.ipv6.ra"), [hp]() -> bool & { return hp().ipv6.ra; });
        addCheck(tr("DHCPv6 server"), QStringLiteral("hostPort.ipv6.dhcp"), [hp]() -> bool & { return hp().ipv6.dhcp; });
        addText(tr("DHCPv6 range start"), QStringLiteral("hostPort.ipv6.rangeStart"), [hp]() -> QString & { return hp().ipv6.rangeStart; });
        addText(tr("DHCPv6 range end"), QStringLiteral("hostPort.ipv6.rangeEnd"), [hp]() -> QString & { return hp().ipv6.rangeEnd; });
        addLine(tr("DHCP reservations"), QStringLiteral("hostPort.dhcp.reservations"),
                [hp] { return formatReservations(hp().dhcp.reservations); },
                [hp](const QString &v) {
                    auto parsed = parseReservations(v);
                    if (!parsed)
                        return parsed.error().message;
                    hp().dhcp.reservations = *parsed;
                    return QString();
                });
        setPlaceholder(tr("MAC IP [name]; \u2026"));
        addForwards();
        break;
    }
    case NodeKind::Uplink:
        addText(tr("Physical interface"), QStringLiteral("uplink.ifname"), [this]() -> QString & { return m_editNode.uplink.ifname; });
        break;
    case NodeKind::Guest: {
        auto g = [this]() -> model::GuestConfig & { return m_editNode.guest; };
        const QString anyFile = tr("All files (*)");
        addPathText(tr("QEMU binary"), QStringLiteral("guest.qemu"), anyFile, [g]() -> QString & { return g().qemu; });
        const QString images = tr("Disk images (*.qcow2 *.img *.raw *.vmdk *.vdi);;All files (*)");
        addText(tr("Machine"), QStringLiteral("guest.machine"), [g]() -> QString & { return g().machine; });
        addChoice(tr("Accelerator"), QStringLiteral("guest.accel"),
                  {QStringLiteral("auto"), QStringLiteral("kvm"), QStringLiteral("tcg")},
                  {tr("automatic"), QStringLiteral("KVM"), QStringLiteral("TCG")},
                  [g] { return g().accel; }, [g](const QString &v) { g().accel = v; });
        addInt(tr("Memory (MiB)"), QStringLiteral("guest.memoryMiB"), lim::kMinMemoryMiB, lim::kMaxMemoryMiB,
               [g]() -> int & { return g().memoryMiB; });
        addInt(tr("CPUs"), QStringLiteral("guest.cpus"), lim::kMinCpus, lim::kMaxCpus, [g]() -> int & { return g().cpus; });
        addPathText(tr("Kernel"), QStringLiteral("guest.kernel"), anyFile, [g]() -> QString & { return g().kernel; });
        addPathText(tr("Initrd"), QStringLiteral("guest.initrd"), anyFile, [g]() -> QString & { return g().initrd; });
        addText(tr("Kernel command line"), QStringLiteral("guest.append"), [g]() -> QString & { return g().append; });
        addPathText(tr("CD-ROM image"), QStringLiteral("guest.cdrom"), tr("ISO images (*.iso);;All files (*)"),
                    [g]() -> QString & { return g().cdrom; });
        addText(tr("Boot order"), QStringLiteral("guest.boot"), [g]() -> QString & { return g().boot; });
        if (n->guest.uefi) {
            addPath(tr("UEFI firmware"), QStringLiteral("guest.uefi.code"), anyFile,
                    [g] { return g().uefi ? g().uefi->code : QString(); },
                    [g](const QString &v) {
                        if (g().uefi)
                            g().uefi->code = v.trimmed();
                        return QString();
                    });
            addPath(tr("UEFI variable store"), QStringLiteral("guest.uefi.vars"), anyFile,
                    [g] { return g().uefi ? g().uefi->vars : QString(); },
                    [g](const QString &v) {
                        if (g().uefi)
                            g().uefi->vars = v.trimmed();
                        return QString();
                    });
        }
        if (n->guest.disks.size() <= 1) {
            // One disk is edited here (empty path = no disk); more are kept as in the file.
            addPath(tr("Disk image"), QStringLiteral("guest.disks[0].path"), images,
                    [g] { return g().disks.isEmpty() ? QString() : g().disks.first().path; },
                    [g](const QString &v) {
                        const QString path = v.trimmed();
                        if (path.isEmpty())
                            g().disks.clear();
                        else if (g().disks.isEmpty())
                            g().disks.append(model::DiskConfig{path});
                        else
                            g().disks.first().path = path;
                        return QString();
                    },
                    true);
            addChoice(tr("Disk format"), QStringLiteral("guest.disks[0].format"),
                      {QStringLiteral("raw"), QStringLiteral("qcow2")}, {QStringLiteral("raw"), QStringLiteral("qcow2")},
                      [g] { return g().disks.isEmpty() ? QStringLiteral("raw") : g().disks.first().format; },
                      [g](const QString &v) {
                          if (!g().disks.isEmpty())
                              g().disks.first().format = v;
                      });
        } else {
            addNote(tr("%n disk(s) are kept as they are in the file.", nullptr, int(n->guest.disks.size())));
        }
        const QStringList modes = {model::nicModeName(NicConfig::Mode::Switch), model::nicModeName(NicConfig::Mode::Tap),
                                   model::nicModeName(NicConfig::Mode::User), model::nicModeName(NicConfig::Mode::Socket)};
        const QStringList modeLabels = {tr("switch port"), tr("own tap"), tr("user mode"), tr("socket")};
        for (int i = 0; i < n->guest.nics.size(); ++i) {
            auto nic = [this, i]() -> NicConfig & { return m_editNode.guest.nics[i]; };
            const QString p = QStringLiteral("guest.nics[%1]").arg(i);
            const QString id = n->guest.nics[i].id;
            addText(tr("NIC %1 model").arg(id), p + QStringLiteral(".model"), [nic]() -> QString & { return nic().model; });
            addText(tr("NIC %1 MAC").arg(id), p + QStringLiteral(".mac"), [nic]() -> QString & { return nic().mac; });
            addChoice(tr("NIC %1 mode").arg(id), p + QStringLiteral(".mode"), modes, modeLabels,
                      [nic] { return model::nicModeName(nic().mode); },
                      [nic](const QString &v) {
                          for (auto m : {NicConfig::Mode::Switch, NicConfig::Mode::Tap, NicConfig::Mode::User,
                                         NicConfig::Mode::Socket})
                              if (model::nicModeName(m) == v)
                                  nic().mode = m;
                      });
            switch (n->guest.nics[i].mode) {
            case NicConfig::Mode::Switch:
                addChoice(tr("NIC %1 transport").arg(id), p + QStringLiteral(".transport"),
                          {model::nicTransportName(NicConfig::Transport::Vde), model::nicTransportName(NicConfig::Transport::VhostUser)},
                          {tr("VDE"), tr("vhost-user (shared memory, virtio only)")},
                          [nic] { return model::nicTransportName(nic().transport); },
                          [nic](const QString &v) {
                              nic().transport = v == model::nicTransportName(NicConfig::Transport::VhostUser)
                                                    ? NicConfig::Transport::VhostUser
                                                    : NicConfig::Transport::Vde;
                          });
                [[fallthrough]];
            case NicConfig::Mode::Tap:
                addText(tr("NIC %1 tap").arg(id), p + QStringLiteral(".tapIfname"),
                        [nic]() -> QString & { return nic().tapIfname; });
                break;
            case NicConfig::Mode::User:
                addText(tr("NIC %1 network (CIDR)").arg(id), p + QStringLiteral(".user.network"),
                        [nic]() -> QString & { return nic().user.network; });
                addCheck(tr("NIC %1 restricted").arg(id), p + QStringLiteral(".user.restrict"),
                         [nic]() -> bool & { return nic().user.restrict; });
                addLine(tr("NIC %1 port forwards").arg(id), p + QStringLiteral(".user.forwards"),
                        [nic] { return formatForwards(nic().user.forwards); },
                        [nic](const QString &v) {
                            auto parsed = parseForwards(v);
                            if (!parsed)
                                return parsed.error().message;
                            nic().user.forwards = *parsed;
                            return QString();
                        });
                m_fields.last().hint = tr("QEMU hostfwd rules, e.g. tcp:127.0.0.1:2222-:22");
                setPlaceholder(QStringLiteral("tcp:127.0.0.1:2222-:22"));
                break;
            case NicConfig::Mode::Socket: {
                using model::SocketConfig;
                addChoice(tr("NIC %1 socket").arg(id), p + QStringLiteral(".socket.kind"),
                          {model::socketKindName(SocketConfig::Kind::Listen), model::socketKindName(SocketConfig::Kind::Connect),
                           model::socketKindName(SocketConfig::Kind::Mcast)},
                          {tr("listen"), tr("connect"), tr("multicast")},
                          [nic] { return model::socketKindName(nic().socket.kind); },
                          [nic](const QString &v) {
                              for (auto k : {SocketConfig::Kind::Listen, SocketConfig::Kind::Connect, SocketConfig::Kind::Mcast})
                                  if (model::socketKindName(k) == v)
                                      nic().socket.kind = k;
                          });
                addText(tr("NIC %1 socket address").arg(id), p + QStringLiteral(".socket.address"),
                        [nic]() -> QString & { return nic().socket.address; });
                break;
            }
            }
        }
        break;
    }
    case NodeKind::Remote:
        addText(tr("URL (netloom switch)"), QStringLiteral("remote.url"), [this]() -> QString & { return m_editNode.remote.url; });
        addCheck(tr("VXLAN (kernel bridge)"), QStringLiteral("remote.vxlan"), [this]() -> bool & {
            // The check box edits presence: read into a scratch flag, applied below.
            m_vxlanScratch = m_editNode.remote.vxlan.has_value();
            return m_vxlanScratch;
        });
        m_fields.last().read = [this, box = m_fields.last().widget] {
            const bool on = static_cast<QCheckBox *>(box)->isChecked();
            if (on && !m_editNode.remote.vxlan)
                m_editNode.remote.vxlan = model::VxlanConfig{};
            else if (!on)
                m_editNode.remote.vxlan.reset();
            return QString();
        };
        if (n->remote.vxlan) {
            auto vx = [this]() -> model::VxlanConfig & { return *m_editNode.remote.vxlan; };
            auto guard = [this] { return m_editNode.remote.vxlan.has_value(); };
            addSpin(tr("VNI"), QStringLiteral("remote.vxlan.vni"), 0, int(lim::kMaxVni),
                    [vx, guard] { return guard() ? int(vx().vni) : 0; },
                    [vx, guard](int v) { if (guard()) vx().vni = std::uint32_t(v); });
            addLine(tr("Remote address"), QStringLiteral("remote.vxlan.remote"),
                    [vx, guard] { return guard() ? vx().remote : QString(); },
                    [vx, guard](const QString &v) { if (guard()) vx().remote = v.trimmed(); return QString(); });
            addLine(tr("Multicast group"), QStringLiteral("remote.vxlan.group"),
                    [vx, guard] { return guard() ? vx().group : QString(); },
                    [vx, guard](const QString &v) { if (guard()) vx().group = v.trimmed(); return QString(); });
            addLine(tr("Underlay device"), QStringLiteral("remote.vxlan.device"),
                    [vx, guard] { return guard() ? vx().device : QString(); },
                    [vx, guard](const QString &v) { if (guard()) vx().device = v.trimmed(); return QString(); });
            addSpin(tr("UDP port"), QStringLiteral("remote.vxlan.dstPort"), 1, 65535,
                    [vx, guard] { return guard() ? vx().dstPort : 4789; },
                    [vx, guard](int v) { if (guard()) vx().dstPort = v; });
        }
        break;
    }
    addText(tr("Notes"), QStringLiteral("notes"), [this]() -> QString & { return m_editNode.notes; });
}

void PropertiesPanel::buildEndpointVlan(const QString &side, bool sideA)
{
    auto ep = [this, sideA]() -> model::Endpoint & { return sideA ? m_editLink.a : m_editLink.b; };
    const QString p = (sideA ? QStringLiteral("a") : QStringLiteral("b")) + QStringLiteral(".vlan");
    addChoice(tr("VLAN at %1").arg(side), p + QStringLiteral(".mode"),
              {QStringLiteral("none"), model::vlanModeName(VlanConfig::Mode::Access), model::vlanModeName(VlanConfig::Mode::Trunk)},
              {tr("default (access, VLAN 1)"), tr("access"), tr("trunk")},
              [ep] { return ep().vlan ? model::vlanModeName(ep().vlan->mode) : QStringLiteral("none"); },
              [ep](const QString &v) {
                  if (v == QStringLiteral("none")) {
                      ep().vlan.reset();
                      return;
                  }
                  if (!ep().vlan)
                      ep().vlan = VlanConfig{};
                  ep().vlan->mode = v == model::vlanModeName(VlanConfig::Mode::Trunk) ? VlanConfig::Mode::Trunk
                                                                                      : VlanConfig::Mode::Access;
              });
    addSpin(tr("VLAN id at %1 (trunk: native, 0 = none)").arg(side), p + QStringLiteral(".vlan"), 0, lim::kMaxVlan,
            [ep] { return ep().vlan ? ep().vlan->vlan : 1; },
            [ep](int v) { if (ep().vlan) ep().vlan->vlan = v; });
    addLine(tr("Tagged VLANs at %1 (trunk)").arg(side), p + QStringLiteral(".allowed"),
            [ep] {
                QStringList s;
                if (ep().vlan)
                    for (int v : ep().vlan->allowed)
                        s.append(QString::number(v));
                return s.join(QStringLiteral(", "));
            },
            [ep, side](const QString &text) {
                QList<int> vlans;
                for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                    bool ok = false;
                    const int v = part.trimmed().toInt(&ok);
                    if (!ok || v < lim::kMinVlan || v > lim::kMaxVlan)
                        return tr("failed to set 'tagged VLANs at %1': '%2' is not a VLAN id 1..4094")
                            .arg(side, part.trimmed());
                    vlans.append(v);
                }
                if (vlans.size() > lim::kMaxListItems)
                    return tr("failed to set 'tagged VLANs at %1': too many VLANs").arg(side);
                if (!vlans.isEmpty() && !ep().vlan)
                    return tr("failed to set 'tagged VLANs at %1': choose the trunk mode first").arg(side);
                if (ep().vlan)
                    ep().vlan->allowed = vlans;
                return QString();
            });
}

void PropertiesPanel::buildLinkFields()
{
    const model::Topology &t = m_doc->topology();
    const model::Link *l = t.link(m_id);
    auto endName = [&t](const model::Endpoint &e) {
        const model::Node *n = t.node(e.node);
        const QString name = n ? n->name : e.node;
        return e.nic.isEmpty() ? name : QStringLiteral("%1 (%2)").arg(name, e.nic);
    };
    addNote(tr("From %1 to %2").arg(endName(l->a), endName(l->b)));
    addText(tr("Joining tap / veth name"), QStringLiteral("tapIfname"), [this]() -> QString & { return m_editLink.tapIfname; });
    const model::Node *a = t.node(l->a.node);
    const model::Node *b = t.node(l->b.node);
    if (a && a->type == NodeType::Switch)
        buildEndpointVlan(a->name, true);
    if (b && b->type == NodeType::Switch)
        buildEndpointVlan(b->name, false);
    addEmulation(a ? a->name : l->a.node, b ? b->name : l->b.node);
}

void PropertiesPanel::addEmulation(const QString &nameA, const QString &nameB)
{
    auto *editor = new EmulationEditor(m_form);
    editor->setEndNames(nameA, nameB);
    m_layout->addRow(editor);
    connect(editor, &EmulationEditor::edited, this, &PropertiesPanel::commit);
    m_fields.append({editor, QStringLiteral("emulation"), [this, editor] { editor->setEmulation(m_editLink.emulation); },
                     [this, editor] {
                         const Result<model::LinkEmulation> e = editor->readInto(m_editLink.emulation);
                         if (!e)
                             return e.error().message;
                         m_editLink.emulation = *e;
                         return QString();
                     },
                     {}});
}

void PropertiesPanel::addMirrors()
{
    auto *heading = new QLabel(tr("Port mirroring"), m_form);
    QFont f = heading->font();
    f.setBold(true);
    heading->setFont(f);
    m_layout->addRow(heading);
    auto *table = new MirrorTable(m_form);
    m_layout->addRow(table);
    connect(table, &MirrorTable::edited, this, &PropertiesPanel::commit);
    auto write = [this, table] {
        // The cables on offer: those touching the switch, as the canvas names them.
        const model::Topology &t = m_doc->topology();
        QList<MirrorTable::Cable> cables;
        for (const model::Link *l : t.linksOf(m_editNode.id))
            cables.append({l->id, linkDisplayText(t, *l)});
        table->setCables(cables);
        table->setMirrors(m_editNode.sw.mirrors);
    };
    auto read = [this, table] {
        const QList<model::MirrorConfig> mirrors = table->mirrors();
        for (const model::MirrorConfig &m : mirrors)
            if (m.source == m.target)
                return tr("failed to set 'port mirroring': cable %1 cannot be mirrored onto itself").arg(m.source);
        m_editNode.sw.mirrors = mirrors;
        return QString();
    };
    m_fields.append({table, QStringLiteral("switch.mirrors"), write, read, {}});
}

void PropertiesPanel::refreshForwardStates()
{
    if (!m_forwardTable)
        return;
    const model::Node *gw = m_doc->topology().node(m_id);
    m_forwardTable->setStates(gw && m_forwardStatus ? m_forwardStatus(*gw) : QList<ForwardTable::RowState>{});
}

void PropertiesPanel::addForwards()
{
    auto *heading = new QLabel(tr("Port forwards"), m_form);
    QFont f = heading->font();
    f.setBold(true);
    heading->setFont(f);
    m_layout->addRow(heading);
    auto *table = new ForwardTable(m_form);
    m_forwardTable = table;
    m_layout->addRow(table);
    connect(table, &ForwardTable::edited, this, &PropertiesPanel::commit);
    auto write = [this, table] {
        // The guests on offer: the guest NICs on this gateway's network.
        const model::Topology &t = m_doc->topology();
        const QList<model::GuestNicRef> nics = model::guestNicsOnNetwork(t, m_editNode.id);
        QList<ForwardTable::GuestChoice> guests;
        for (const model::GuestNicRef &r : nics) {
            int sameGuest = 0;
            for (const model::GuestNicRef &o : nics)
                sameGuest += o.guest == r.guest ? 1 : 0;
            const model::Node *g = t.node(r.guest);
            const QString name = g && !g->name.isEmpty() ? g->name : r.guest;
            guests.append(sameGuest > 1 ? ForwardTable::GuestChoice{r.guest, r.nic, QStringLiteral("%1 (%2)").arg(name, r.nic)}
                                        : ForwardTable::GuestChoice{r.guest, QString(), name});
        }
        table->setGuests(guests);
        table->setForwards(m_editNode.hostPort.nat.forwards);
        refreshForwardStates();
    };
    auto read = [this, table] {
        m_editNode.hostPort.nat.forwards = table->forwards();
        return QString();
    };
    m_fields.append({table, QStringLiteral("hostPort.nat.forwards"), write, read,
                     tr("Connections to a port of this host reach a guest on this network (needs NAT masquerade or route)")});
}

}  // namespace netloom::gui
