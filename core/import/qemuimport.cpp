// SPDX-License-Identifier: GPL-3.0-or-later
#include "import/qemuimport.h"

#include "import/qemuoptions.h"

#include "protocol/netaddr.h"

#include <QFileInfo>
#include <QHash>
#include <QMap>
#include <QRegularExpression>
#include <QSet>

namespace netloom::importer {

using namespace qemuopts;

namespace {

struct Backend {
    QString type;
    Opts opts;
    QString text;   // the option as written, for reports
    int report = -1;
    bool used = false;
};

class QemuReader {
public:
    QemuReader(ImportState &st, int line) : m_st(st), m_line(line) {}
    void run(const QStringList &argv);

private:
    void mapped(const QString &text, const QString &detail) { m_st.mapped(m_line, text, detail); }
    void ignored(const QString &text, const QString &why) { m_st.ignored(m_line, text, why); }
    void unknown(const QString &text, const QString &why) { m_st.unknown(m_line, text, why); }
    void keep(const QString &text, const QStringList &args)
    {
        m_g.cfg.extraArgs += args;
        ignored(text, QStringLiteral("kept as an extra QEMU argument (not part of the network graph)"));
    }

    void option(const QString &name, const QString &value, bool hasValue, const QString &text);
    void addDisk(const QString &path, const QString &iface, const QString &text, const Opts &drive);
    // Fills nic/attach from a backend; returns "" or why it cannot be mapped.
    QString applyBackend(const QString &type, const Opts &o, NicFact &nf, QStringList *notes);
    int addNic(NicFact nf, const QString &text, const QStringList &notes);
    QString nicDetail(const NicFact &nf, const QStringList &notes) const;
    void setMac(NicFact &nf, const QString &mac, QStringList *notes);
    void finishLegacy();
    void finish();

    ImportState &m_st;
    int m_line;
    GuestFact m_g;
    bool m_snapshot = false;
    QString m_vdeSock;    // vdeq -vdesock
    QList<Backend> m_netdevs;
    QHash<QString, qsizetype> m_netdevById;
    // Legacy -net: per vlan, the NICs and the backends in order.
    QMap<int, QList<NicFact>> m_vlanNics;
    QMap<int, QList<Backend>> m_vlanBackends;
    QStringList m_redirs;  // -redir (pre-2.0 user-network port forwards)
    bool m_nicNone = false;
    bool m_accelGiven = false;
    QHash<int, QStringList> m_legacyNotes;  // report index of a -net nic -> its notes
};

namespace {

// A TCP/UDP port of a QEMU port forward, 1..65535; 0 for anything else.
int forwardPort(const QString &digits)
{
    bool ok = false;
    const int p = digits.toInt(&ok);
    return ok && p >= 1 && p <= 65535 ? p : 0;
}

}  // namespace

void QemuReader::setMac(NicFact &nf, const QString &mac, QStringList *notes)
{
    if (mac.isEmpty())
        return;
    const Result<protocol::Mac> m = protocol::Mac::parse(mac);
    if (!m || m->isMulticast()) {
        notes->append(QStringLiteral("MAC %1 is not a unicast MAC address; Netloom assigns one").arg(mac));
        return;
    }
    nf.nic.mac = m->toString();
    notes->append(QStringLiteral("mac = %1").arg(nf.nic.mac));
}

QString QemuReader::applyBackend(const QString &type, const Opts &o, NicFact &nf, QStringList *notes)
{
    using Mode = model::NicConfig::Mode;
    using Kind = Attachment::Kind;
    if (type == QLatin1String("user") || type == QLatin1String("slirp")) {
        nf.nic.mode = Mode::User;
        for (const auto &[k, v] : o) {
            if (k == QLatin1String("net")) {
                nf.nic.user.network = v;
                notes->append(QStringLiteral("user network %1").arg(v));
            } else if (k == QLatin1String("restrict")) {
                nf.nic.user.restrict = isOn(v);
                notes->append(QStringLiteral("restrict = %1").arg(nf.nic.user.restrict ? QStringLiteral("on") : QStringLiteral("off")));
            } else if (k == QLatin1String("hostfwd")) {
                // [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport
                static const QRegularExpression re(QStringLiteral("^(tcp|udp)?:([^:]*):(\\d+)-([^:]*):(\\d+)$"));
                const QRegularExpressionMatch m = re.match(v);
                if (!m.hasMatch()) {
                    notes->append(QStringLiteral("hostfwd %1 not understood (dropped)").arg(v));
                    continue;
                }
                model::HostForward f;
                f.protocol = m.captured(1).isEmpty() ? QStringLiteral("tcp") : m.captured(1);
                f.hostAddress = m.captured(2);
                f.hostPort = forwardPort(m.captured(3));
                f.guestAddress = m.captured(4);
                f.guestPort = forwardPort(m.captured(5));
                if (!f.hostPort || !f.guestPort) {
                    notes->append(QStringLiteral("hostfwd %1 has a port outside 1..65535 (dropped)").arg(v));
                    continue;
                }
                nf.nic.user.forwards.append(f);
                notes->append(QStringLiteral("port forward %1").arg(v));
            } else if (!k.isEmpty() && k != QLatin1String("vlan") && k != QLatin1String("id") && k != QLatin1String("name")) {
                notes->append(QStringLiteral("%1=%2 dropped (not in the model)").arg(k, v));
            }
        }
        return {};
    }
    if (type == QLatin1String("tap")) {
        if (has(o, "fd") || has(o, "fds"))
            return QStringLiteral("a tap passed in as an open file descriptor (fd=) cannot be imported");
        nf.nic.mode = Mode::Tap;
        nf.attach = Attachment{Kind::Tap, opt(o, "ifname")};
        const QString script = opt(o, "script");
        if (!script.isEmpty() && script != QLatin1String("no"))
            notes->append(QStringLiteral("script=%1 is not read (Netloom configures the tap itself)").arg(script));
        if (has(o, "helper"))
            nf.attach = Attachment{Kind::Bridge, QStringLiteral("br0")};
        return {};
    }
    if (type == QLatin1String("bridge")) {
        nf.nic.mode = Mode::Switch;
        const QString br = opt(o, "br");
        nf.attach = Attachment{Kind::Bridge, br.isEmpty() ? QStringLiteral("br0") : br};
        return {};
    }
    if (type == QLatin1String("vde")) {
        nf.nic.mode = Mode::Switch;
        QString sock = opt(o, "sock");
        if (sock.isEmpty())
            sock = m_vdeSock.isEmpty() ? QStringLiteral("/tmp/vde.ctl") : m_vdeSock;
        nf.attach = Attachment{Kind::VdeSocket, sock};
        for (const char *k : {"port", "group", "mode"})
            if (has(o, k))
                notes->append(QStringLiteral("%1= dropped (Netloom picks the switch port)").arg(QLatin1String(k)));
        return {};
    }
    if (type == QLatin1String("socket") || type == QLatin1String("stream") || type == QLatin1String("dgram")) {
        nf.nic.mode = Mode::Socket;
        using SK = model::SocketConfig::Kind;
        auto hostPort = [](const QString &v) {
            return v.startsWith(QLatin1Char(':')) ? QStringLiteral("0.0.0.0") + v : v;
        };
        if (type == QLatin1String("socket")) {
            if (has(o, "fd"))
                return QStringLiteral("a socket passed in as an open file descriptor (fd=) cannot be imported");
            if (has(o, "udp"))
                return QStringLiteral("unicast UDP sockets (udp=) are not in the model (listen, connect, mcast are)");
            if (has(o, "listen"))
                nf.nic.socket = model::SocketConfig{SK::Listen, hostPort(opt(o, "listen"))};
            else if (has(o, "connect"))
                nf.nic.socket = model::SocketConfig{SK::Connect, opt(o, "connect")};
            else if (has(o, "mcast"))
                nf.nic.socket = model::SocketConfig{SK::Mcast, opt(o, "mcast")};
            else
                return QStringLiteral("a socket backend needs listen=, connect= or mcast=");
            if (has(o, "localaddr"))
                notes->append(QStringLiteral("localaddr= dropped"));
            return {};
        }
        const QString prefix = type == QLatin1String("stream") ? QStringLiteral("addr.") : QStringLiteral("remote.");
        const QString addrType = opt(o, (prefix + QStringLiteral("type")).toLatin1().constData());
        const QString host = opt(o, (prefix + QStringLiteral("host")).toLatin1().constData());
        const QString port = opt(o, (prefix + QStringLiteral("port")).toLatin1().constData());
        if (addrType != QLatin1String("inet") || port.isEmpty())
            return QStringLiteral("only inet addresses (%1type=inet) are in the model").arg(prefix);
        const QString address = (host.isEmpty() ? QStringLiteral("0.0.0.0") : host) + QLatin1Char(':') + port;
        if (type == QLatin1String("stream")) {
            nf.nic.socket = model::SocketConfig{isOn(opt(o, "server")) && has(o, "server") ? SK::Listen : SK::Connect, address};
            return {};
        }
        const Result<protocol::Ipv4> ip = protocol::Ipv4::parse(host);
        if (!ip || (ip->value >> 28) != 0xe || has(o, "local.type"))
            return QStringLiteral("only multicast dgram sockets are in the model");
        nf.nic.socket = model::SocketConfig{SK::Mcast, address};
        return {};
    }
    if (type == QLatin1String("dump"))
        return QStringLiteral("packet dumps are not part of a topology (use netloomctl capture)");
    return QStringLiteral("network backend '%1' is not in the model (user, tap, bridge, vde, socket, stream, dgram are)").arg(type);
}

QString QemuReader::nicDetail(const NicFact &nf, const QStringList &notes) const
{
    QString where;
    switch (nf.attach.kind) {
    case Attachment::Kind::VdeSocket: where = QStringLiteral(", cabled to the switch on %1").arg(nf.attach.target); break;
    case Attachment::Kind::Tap:
        where = nf.attach.target.isEmpty() ? QStringLiteral(", its own tap") : QStringLiteral(", on tap %1").arg(nf.attach.target);
        break;
    case Attachment::Kind::Bridge: where = QStringLiteral(", cabled to bridge %1").arg(nf.attach.target); break;
    case Attachment::Kind::Hub: where = QStringLiteral(", on hub %1").arg(nf.attach.target); break;
    case Attachment::Kind::None: break;
    }
    QString detail = QStringLiteral("guest '%1' NIC %2 (%3, %4%5)")
                         .arg(m_g.name, nf.nic.id, model::nicModeName(nf.nic.mode), nf.nic.model, where);
    if (!notes.isEmpty())
        detail += QStringLiteral(": ") + notes.join(QStringLiteral("; "));
    return detail;
}

int QemuReader::addNic(NicFact nf, const QString &text, const QStringList &notes)
{
    if (m_g.nics.size() >= model::limits::kMaxNicsPerGuest) {
        unknown(text, QStringLiteral("more than %1 NICs in one guest").arg(model::limits::kMaxNicsPerGuest));
        return -1;
    }
    nf.nic.id = QStringLiteral("net%1").arg(m_g.nics.size());
    nf.line = m_line;
    nf.report = m_st.mapped(m_line, text, nicDetail(nf, notes));
    m_g.nics.append(nf);
    return nf.report;
}

void QemuReader::addDisk(const QString &path, const QString &iface, const QString &text, const Opts &drive)
{
    if (m_g.cfg.disks.size() >= model::limits::kMaxDisksPerGuest) {
        unknown(text, QStringLiteral("more than %1 disks in one guest").arg(model::limits::kMaxDisksPerGuest));
        return;
    }
    model::DiskConfig d;
    d.path = path;
    const QString fmt = opt(drive, "format");
    d.format = fmt.isEmpty() ? diskFormat(path) : fmt;
    d.interface = iface;
    d.readOnly = has(drive, "readonly") && isOn(opt(drive, "readonly"));
    d.snapshot = has(drive, "snapshot") && isOn(opt(drive, "snapshot"));
    m_g.cfg.disks.append(d);
    mapped(text, QStringLiteral("guest '%1' disks[%2] = %3 (%4, %5%6)")
                     .arg(m_g.name).arg(m_g.cfg.disks.size() - 1).arg(path, d.format, iface,
                                                                       fmt.isEmpty() ? QStringLiteral(", format guessed from the file name") : QString()));
}

void QemuReader::option(const QString &name, const QString &value, bool hasValue, const QString &text)
{
    using Display = model::GuestConfig::Display;
    if (!hasValue && !flagOptions().contains(name)) {
        unknown(text, QStringLiteral("the option needs a value"));
        return;
    }
    if (name == QLatin1String("m")) {
        const int mib = parseMemory(value);
        if (mib < model::limits::kMinMemoryMiB) {
            unknown(text, QStringLiteral("memory size %1 is not understood or out of range").arg(value));
            return;
        }
        m_g.cfg.memoryMiB = mib;
        mapped(text, QStringLiteral("guest '%1' memoryMiB = %2").arg(m_g.name).arg(mib));
    } else if (name == QLatin1String("smp")) {
        const Opts o = splitQemuOpts(value);
        int cpus = opt(o, "cpus").toInt();
        if (!o.isEmpty() && o[0].first.isEmpty())
            cpus = o[0].second.toInt();
        if (cpus <= 0) {
            cpus = 1;
            for (const char *k : {"sockets", "cores", "threads"})
                if (has(o, k))
                    cpus *= qBound(1, opt(o, k).toInt(), model::limits::kMaxCpus);
        }
        if (cpus < model::limits::kMinCpus || cpus > model::limits::kMaxCpus) {
            unknown(text, QStringLiteral("CPU count out of range 1..%1").arg(model::limits::kMaxCpus));
            return;
        }
        m_g.cfg.cpus = cpus;
        mapped(text, QStringLiteral("guest '%1' cpus = %2").arg(m_g.name).arg(cpus));
    } else if (name == QLatin1String("M") || name == QLatin1String("machine")) {
        const Opts o = splitQemuOpts(value);
        QStringList dropped;
        for (const auto &[k, v] : o) {
            if (k.isEmpty() || k == QLatin1String("type"))
                m_g.cfg.machine = v;
            else if (k == QLatin1String("accel"))
                m_g.cfg.accel = v.section(QLatin1Char(':'), 0, 0) == QLatin1String("kvm") ? QStringLiteral("kvm") : QStringLiteral("tcg");
            else
                dropped.append(k + QLatin1Char('=') + v);
        }
        mapped(text, QStringLiteral("guest '%1' machine = %2%3").arg(m_g.name, m_g.cfg.machine,
                                                                  dropped.isEmpty() ? QString() : QStringLiteral(" (dropped: %1)").arg(dropped.join(QLatin1Char(',')))));
    } else if (name == QLatin1String("cpu")) {
        m_g.cfg.cpuModel = value;
        mapped(text, QStringLiteral("guest '%1' cpuModel = %2").arg(m_g.name, value));
    } else if (name == QLatin1String("enable-kvm") || name == QLatin1String("no-kvm") || name == QLatin1String("accel")) {
        const QString a = name == QLatin1String("enable-kvm") ? QStringLiteral("kvm")
                          : name == QLatin1String("no-kvm")   ? QStringLiteral("tcg")
                                                              : splitQemuOpts(value).value(0).second;
        if (a != QLatin1String("kvm") && a != QLatin1String("tcg")) {
            unknown(text, QStringLiteral("accelerator %1 is not kvm or tcg").arg(a));
            return;
        }
        // "-accel kvm -accel tcg" is QEMU's "try KVM, else TCG": Netloom's auto.
        m_g.cfg.accel = name == QLatin1String("accel") && m_accelGiven && m_g.cfg.accel != a ? QStringLiteral("auto") : a;
        m_accelGiven = m_accelGiven || name == QLatin1String("accel");
        mapped(text, QStringLiteral("guest '%1' accel = %2").arg(m_g.name, m_g.cfg.accel));
    } else if (name.size() == 3 && name.startsWith(QLatin1String("hd")) && name[2] >= QLatin1Char('a') && name[2] <= QLatin1Char('d')) {
        addDisk(value, QStringLiteral("ide"), text, {});
    } else if (name == QLatin1String("drive")) {
        const Opts o = splitQemuOpts(value);
        const QString file = opt(o, "file");
        const QString iface = opt(o, "if");
        if (opt(o, "media") == QLatin1String("cdrom")) {
            m_g.cfg.cdrom = file;
            mapped(text, QStringLiteral("guest '%1' cdrom = %2").arg(m_g.name, file));
        } else if (file.isEmpty()) {
            unknown(text, QStringLiteral("a drive without file= is not in the model"));
        } else if (iface == QLatin1String("pflash") || iface == QLatin1String("floppy") || iface == QLatin1String("mtd")) {
            keep(text, {QStringLiteral("-drive"), value});
        } else {
            addDisk(file, iface.isEmpty() ? QStringLiteral("ide") : iface, text, o);
        }
    } else if (name == QLatin1String("cdrom")) {
        m_g.cfg.cdrom = value;
        mapped(text, QStringLiteral("guest '%1' cdrom = %2").arg(m_g.name, value));
    } else if (name == QLatin1String("snapshot")) {
        m_snapshot = true;
        mapped(text, QStringLiteral("guest '%1' disks: snapshot on every disk").arg(m_g.name));
    } else if (name == QLatin1String("kernel") || name == QLatin1String("initrd") || name == QLatin1String("append")) {
        (name == QLatin1String("kernel") ? m_g.cfg.kernel : name == QLatin1String("initrd") ? m_g.cfg.initrd : m_g.cfg.append) = value;
        mapped(text, QStringLiteral("guest '%1' %2").arg(m_g.name, name));
    } else if (name == QLatin1String("boot")) {
        const Opts o = splitQemuOpts(value);
        QString order = opt(o, "order");
        if (order.isEmpty() && !o.isEmpty() && o[0].first.isEmpty())
            order = o[0].second;
        if (order.isEmpty())
            order = opt(o, "once");
        if (order.isEmpty()) {
            ignored(text, QStringLiteral("boot menu settings are not in the model (dropped)"));
            return;
        }
        m_g.cfg.boot = order;
        mapped(text, QStringLiteral("guest '%1' boot = %2").arg(m_g.name, order));
    } else if (name == QLatin1String("name")) {
        mapped(text, QStringLiteral("guest name '%1'").arg(m_g.name));
    } else if (name == QLatin1String("nographic")) {
        m_g.cfg.display = Display::None;
        mapped(text, QStringLiteral("guest '%1' display = none (serial console only)").arg(m_g.name));
    } else if (name == QLatin1String("vga") || name == QLatin1String("std-vga")) {
        const QString v = name == QLatin1String("std-vga") ? QStringLiteral("std") : value;
        if (v == QLatin1String("std") || v == QLatin1String("virtio") || v == QLatin1String("none")) {
            m_g.cfg.display = v == QLatin1String("std") ? Display::Vga : v == QLatin1String("virtio") ? Display::Virtio : Display::None;
            mapped(text, QStringLiteral("guest '%1' display = %2").arg(m_g.name, model::displayName(m_g.cfg.display)));
        } else {
            ignored(text, QStringLiteral("display card '%1' dropped: Netloom offers std VGA, virtio-vga or none (std is used)").arg(v));
        }
    } else if (name == QLatin1String("display") && value.section(QLatin1Char(','), 0, 0) == QLatin1String("none")) {
        m_g.cfg.display = Display::None;
        mapped(text, QStringLiteral("guest '%1' display = none (serial console only)").arg(m_g.name));
    } else if (name == QLatin1String("localtime")) {
        m_g.cfg.extraArgs += {QStringLiteral("-rtc"), QStringLiteral("base=localtime")};
        ignored(text, QStringLiteral("kept as the extra QEMU arguments '-rtc base=localtime' (-localtime was removed from QEMU)"));
    } else if (name == QLatin1String("redir")) {
        m_redirs.append(value);
        mapped(text, QStringLiteral("guest '%1': a port forward on its user-mode NIC").arg(m_g.name));
    } else if (name == QLatin1String("vdesock")) {
        m_vdeSock = value;
        mapped(text, QStringLiteral("the VDE switch socket of this guest's vde NICs"));
    } else if (name == QLatin1String("net") || name == QLatin1String("netdev") || name == QLatin1String("nic")) {
        const Opts o = splitQemuOpts(value);
        const QString type = o.isEmpty() ? QString() : (o[0].first.isEmpty() ? o[0].second : opt(o, "type"));
        if (name == QLatin1String("netdev")) {
            const QString id = opt(o, "id");
            if (id.isEmpty()) {
                unknown(text, QStringLiteral("a -netdev needs id="));
                return;
            }
            m_netdevById.insert(id, m_netdevs.size());
            m_netdevs.append(Backend{type, o, text, -1, false});
            return;  // reported with the -device that uses it (or as unused at the end)
        }
        if (type == QLatin1String("none")) {
            m_nicNone = true;
            mapped(text, QStringLiteral("guest '%1' has no default NIC").arg(m_g.name));
            return;
        }
        if (name == QLatin1String("nic")) {
            NicFact nf;
            nf.nic.model = nicModel(opt(o, "model"));
            QStringList notes;
            setMac(nf, opt(o, "mac"), &notes);
            const QString why = applyBackend(type, o, nf, &notes);
            if (!why.isEmpty())
                unknown(text, why);
            else
                addNic(nf, text, notes);
            return;
        }
        // Legacy -net: grouped by vlan, resolved in finishLegacy().
        const int vlan = opt(o, "vlan").isEmpty() ? 0 : opt(o, "vlan").toInt();
        if (type == QLatin1String("nic")) {
            NicFact nf;
            nf.nic.model = nicModel(opt(o, "model"));
            nf.line = m_line;
            QStringList notes;
            setMac(nf, opt(o, "macaddr"), &notes);
            nf.report = m_st.mapped(m_line, text, QString());  // detail filled in finishLegacy()
            m_legacyNotes.insert(nf.report, notes);
            m_vlanNics[vlan].append(nf);
        } else {
            Backend b{type, o, text, m_st.mapped(m_line, text, QString()), false};
            m_vlanBackends[vlan].append(b);
        }
    } else if (name == QLatin1String("device")) {
        const Opts o = splitQemuOpts(value);
        const QString driver = o.isEmpty() ? QString() : o[0].second;
        if (!has(o, "netdev") && !nicModels().contains(driver)) {
            keep(text, {QStringLiteral("-device"), value});
            return;
        }
        const QString id = opt(o, "netdev");
        if (!m_netdevById.contains(id)) {
            unknown(text, id.isEmpty() ? QStringLiteral("a NIC without netdev= (no backend)")
                                       : QStringLiteral("no -netdev with id=%1 before it").arg(id));
            return;
        }
        Backend &b = m_netdevs[m_netdevById.value(id)];
        if (b.used) {
            unknown(text, QStringLiteral("netdev %1 is already used by another NIC").arg(id));
            return;
        }
        b.used = true;
        NicFact nf;
        nf.nic.model = nicModel(driver);
        QStringList notes;
        setMac(nf, opt(o, "mac"), &notes);
        const QString why = applyBackend(b.type, b.opts, nf, &notes);
        if (!why.isEmpty()) {
            unknown(text, why);
            unknown(b.text, why);
            return;
        }
        const int r = addNic(nf, text, notes);
        m_st.mapped(m_line, b.text, QStringLiteral("the backend of guest '%1' NIC %2 (see the -device)").arg(m_g.name).arg(r >= 0 ? m_g.nics.last().nic.id : QString()));
    } else if (flagOptions().contains(name)) {
        if (name == QLatin1String("daemonize") || name == QLatin1String("nodefaults") || name == QLatin1String("no-user-config")
            || name == QLatin1String("S") || name == QLatin1String("s") || name == QLatin1String("sdl") || name == QLatin1String("curses")
            || name == QLatin1String("full-screen") || name == QLatin1String("no-quit") || name == QLatin1String("no-frame")
            || name == QLatin1String("alt-grab") || name == QLatin1String("ctrl-grab") || name == QLatin1String("preconfig")
            || name == QLatin1String("win2k-hack") || name == QLatin1String("rtc-td-hack") || name == QLatin1String("tdf")
            || name == QLatin1String("no-kqemu") || name == QLatin1String("kernel-kqemu") || name == QLatin1String("no-fd-bootchk"))
            ignored(text, QStringLiteral("dropped: Netloom starts, displays and supervises the guest itself, or the option is obsolete"));
        else
            keep(text, {QLatin1Char('-') + name});
    } else if (keptWithValue().contains(name)) {
        keep(text, {QLatin1Char('-') + name, value});
    } else if (droppedWithValue().contains(name)) {
        ignored(text, QStringLiteral("dropped: %1").arg(droppedWithValue().value(name)));
    } else {
        unknown(text, QStringLiteral("not a QEMU option Netloom knows (dropped)"));
    }
}

void QemuReader::finishLegacy()
{
    const QList<int> vlans = [&] {
        QSet<int> s;
        for (auto it = m_vlanNics.cbegin(); it != m_vlanNics.cend(); ++it)
            s.insert(it.key());
        for (auto it = m_vlanBackends.cbegin(); it != m_vlanBackends.cend(); ++it)
            s.insert(it.key());
        QList<int> l(s.begin(), s.end());
        std::sort(l.begin(), l.end());
        return l;
    }();
    for (int vlan : vlans) {
        QList<NicFact> nics = m_vlanNics.value(vlan);
        QList<Backend> backends = m_vlanBackends.value(vlan);
        auto fill = [&](int report, ReportLine::Kind kind, const QString &detail) {
            m_st.report[report].kind = kind;
            m_st.report[report].detail = detail;
        };
        if (nics.isEmpty()) {
            for (const Backend &b : backends)
                fill(b.report, ReportLine::Kind::Ignored, QStringLiteral("no NIC on vlan %1 uses this backend (QEMU warns and ignores it)").arg(vlan));
            continue;
        }
        if (backends.isEmpty() && nics.size() == 1) {
            fill(nics[0].report, ReportLine::Kind::Ignored,
                 QStringLiteral("NIC without a backend on vlan %1 (QEMU: not connected to the host network); dropped").arg(vlan));
            continue;
        }
        if (nics.size() == 1 && backends.size() == 1) {
            NicFact nf = nics[0];
            QStringList notes;
            notes += m_legacyNotes.value(nf.report);
            const QString why = applyBackend(backends[0].type, backends[0].opts, nf, &notes);
            if (!why.isEmpty()) {
                fill(nf.report, ReportLine::Kind::NotUnderstood, why);
                fill(backends[0].report, ReportLine::Kind::NotUnderstood, why);
                continue;
            }
            if (m_g.nics.size() >= model::limits::kMaxNicsPerGuest) {
                fill(nf.report, ReportLine::Kind::NotUnderstood, QStringLiteral("more than %1 NICs in one guest").arg(model::limits::kMaxNicsPerGuest));
                continue;
            }
            nf.nic.id = QStringLiteral("net%1").arg(m_g.nics.size());
            fill(nf.report, ReportLine::Kind::Mapped, nicDetail(nf, notes));
            m_g.nics.append(nf);
            fill(backends[0].report, ReportLine::Kind::Mapped,
                 QStringLiteral("the backend of guest '%1' NIC %2 (vlan %3)").arg(m_g.name, nf.nic.id).arg(vlan));
            continue;
        }
        // A hub: several NICs and/or several backends on one vlan.
        HubFact hub;
        hub.key = QStringLiteral("%1-vlan%2").arg(m_g.name).arg(vlan);
        hub.line = m_line;
        for (const Backend &b : backends) {
            NicFact probe;
            QStringList notes;
            const QString why = applyBackend(b.type, b.opts, probe, &notes);
            if (!why.isEmpty()) {
                fill(b.report, ReportLine::Kind::NotUnderstood, why);
            } else if (probe.attach.kind == Attachment::Kind::None || (probe.attach.kind == Attachment::Kind::Tap && probe.attach.target.isEmpty())) {
                fill(b.report, ReportLine::Kind::NotUnderstood,
                     QStringLiteral("a %1 backend shared by several NICs on vlan %2 cannot be expressed (only switch, bridge and named tap backends can join a hub)").arg(b.type).arg(vlan));
            } else {
                hub.backends.append(probe.attach);
                fill(b.report, ReportLine::Kind::Mapped, QStringLiteral("cabled to hub '%1' (vlan %2 joins %3 NICs and %4 backends)")
                                                              .arg(hub.key).arg(vlan).arg(nics.size()).arg(backends.size()));
            }
        }
        for (NicFact nf : nics) {
            const QString notes = m_legacyNotes.value(nf.report).join(QStringLiteral("; "));
            nf.attach = Attachment{Attachment::Kind::Hub, hub.key};
            nf.nic.mode = model::NicConfig::Mode::Switch;
            if (m_g.nics.size() >= model::limits::kMaxNicsPerGuest) {
                fill(nf.report, ReportLine::Kind::NotUnderstood, QStringLiteral("more than %1 NICs in one guest").arg(model::limits::kMaxNicsPerGuest));
                continue;
            }
            nf.nic.id = QStringLiteral("net%1").arg(m_g.nics.size());
            fill(nf.report, ReportLine::Kind::Mapped,
                 QStringLiteral("guest '%1' NIC %2 (%3) on hub '%4': QEMU's vlan %5 joins several NICs/backends, so it becomes a netloom switch in hub mode%6")
                     .arg(m_g.name, nf.nic.id, nf.nic.model, hub.key).arg(vlan).arg(notes.isEmpty() ? QString() : QStringLiteral("; ") + notes));
            m_g.nics.append(nf);
        }
        m_g.hubs.append(hub);
    }
}

void QemuReader::finish()
{
    finishLegacy();
    for (const Backend &b : m_netdevs)
        if (!b.used)
            ignored(b.text, QStringLiteral("no NIC (-device …,netdev=) uses this backend"));
    if (!m_redirs.isEmpty()) {
        NicFact *user = nullptr;
        for (NicFact &nf : m_g.nics)
            if (nf.nic.mode == model::NicConfig::Mode::User && !user)
                user = &nf;
        for (const QString &r : m_redirs) {
            static const QRegularExpression re(QStringLiteral("^(tcp|udp)?:?(\\d+):([^:]*):(\\d+)$"));
            const QRegularExpressionMatch m = re.match(r);
            if (!user || !m.hasMatch()) {
                unknown(QStringLiteral("-redir ") + r, user ? QStringLiteral("not understood") : QStringLiteral("no user-mode NIC to forward to"));
                continue;
            }
            if (!forwardPort(m.captured(2)) || !forwardPort(m.captured(4))) {
                unknown(QStringLiteral("-redir ") + r, QStringLiteral("a port outside 1..65535"));
                continue;
            }
            model::HostForward f;
            f.protocol = m.captured(1).isEmpty() ? QStringLiteral("tcp") : m.captured(1);
            f.hostPort = forwardPort(m.captured(2));
            f.guestAddress = m.captured(3);
            f.guestPort = forwardPort(m.captured(4));
            user->nic.user.forwards.append(f);
        }
    }
    if (m_snapshot)
        for (model::DiskConfig &d : m_g.cfg.disks)
            d.snapshot = true;
    // QEMU's default NIC: without any network option a pc guest gets e1000 + user networking.
    if (!m_nicNone && m_g.nics.isEmpty() && m_vlanNics.isEmpty() && m_vlanBackends.isEmpty() && m_netdevs.isEmpty()) {
        NicFact nf;
        nf.nic.mode = model::NicConfig::Mode::User;
        nf.nic.model = QStringLiteral("e1000");
        addNic(nf, QStringLiteral("(no network option)"), {QStringLiteral("QEMU's default: one e1000 NIC with user-mode networking")});
    }
}

void QemuReader::run(const QStringList &argvIn)
{
    QStringList argv = argvIn;
    QString program = baseName(argv.value(0));
    QString note;
    if (program == QLatin1String("vdeq") || program == QLatin1String("vdeqemu") || program == QLatin1String("vdekvm")) {
        if (program == QLatin1String("vdeq") && argv.size() > 1 && !argv[1].startsWith(QLatin1Char('-'))) {
            argv.removeFirst();
            program = baseName(argv.value(0));
        } else {
            program = program == QLatin1String("vdekvm") ? QStringLiteral("kvm") : QStringLiteral("qemu");
        }
        note = QStringLiteral(" (through the VDE wrapper %1)").arg(baseName(argvIn.value(0)));
    }
    if (program == QLatin1String("kvm") || program == QLatin1String("qemu-kvm")) {
        m_g.cfg.qemu = QStringLiteral("qemu-system-x86_64");
        m_g.cfg.accel = QStringLiteral("kvm");
    } else if (program == QLatin1String("qemu")) {
        m_g.cfg.qemu = QStringLiteral("qemu-system-x86_64");
    } else {
        m_g.cfg.qemu = program;
    }
    m_g.cfg.memoryMiB = 128;  // QEMU's default
    m_g.line = m_line;
    // The guest's name: -name, else the first disk's base name.
    for (qsizetype i = 1; i + 1 < argv.size() && m_g.name.isEmpty(); ++i) {
        const QString a = argv[i].startsWith(QLatin1String("--")) ? argv[i].mid(1) : argv[i];
        if (a == QLatin1String("-name")) {
            const Opts o = splitQemuOpts(argv[i + 1]);
            m_g.name = opt(o, "guest");
            if (m_g.name.isEmpty() && !o.isEmpty())
                m_g.name = o[0].second;
        }
    }
    for (qsizetype i = 1; i + 1 < argv.size() && m_g.name.isEmpty(); ++i) {
        const QString a = argv[i];
        QString path;
        if (a == QLatin1String("-hda") || a == QLatin1String("-cdrom"))
            path = argv[i + 1];
        else if (a == QLatin1String("-drive"))
            path = opt(splitQemuOpts(argv[i + 1]), "file");
        if (!path.isEmpty())
            m_g.name = QFileInfo(path).completeBaseName().section(QLatin1Char('.'), 0, 0);
    }
    if (m_g.name.isEmpty())
        m_g.name = QStringLiteral("guest%1").arg(m_st.guests.size() + 1);
    m_st.mapped(m_line, program + note, QStringLiteral("guest '%1' (qemu = %2)").arg(m_g.name, m_g.cfg.qemu));

    bool positionalDisk = false;
    for (qsizetype i = 1; i < argv.size(); ++i) {
        const QString &a = argv[i];
        if (!a.startsWith(QLatin1Char('-')) || a == QLatin1String("-")) {
            if (!positionalDisk) {
                positionalDisk = true;
                addDisk(a, QStringLiteral("ide"), a, {});
            } else {
                unknown(a, QStringLiteral("a second file name without an option"));
            }
            continue;
        }
        QString name = a.mid(a.startsWith(QLatin1String("--")) ? 2 : 1);
        const bool flag = flagOptions().contains(name);
        bool hasValue = false;
        QString value;
        if (!flag) {
            const bool known = name == QLatin1String("m") || keptWithValue().contains(name) || droppedWithValue().contains(name)
                               || QStringList{QStringLiteral("smp"), QStringLiteral("M"), QStringLiteral("machine"), QStringLiteral("cpu"),
                                              QStringLiteral("accel"), QStringLiteral("hda"), QStringLiteral("hdb"), QStringLiteral("hdc"),
                                              QStringLiteral("hdd"), QStringLiteral("drive"), QStringLiteral("cdrom"), QStringLiteral("kernel"),
                                              QStringLiteral("initrd"), QStringLiteral("append"), QStringLiteral("boot"), QStringLiteral("vga"),
                                              QStringLiteral("redir"), QStringLiteral("vdesock"), QStringLiteral("net"), QStringLiteral("netdev"),
                                              QStringLiteral("nic")}.contains(name);
            // An unknown option takes the next word as its value unless that is an option.
            if (i + 1 < argv.size() && (known || !argv[i + 1].startsWith(QLatin1Char('-')))) {
                value = argv[++i];
                hasValue = true;
            }
        }
        option(name, value, hasValue, hasValue ? a + QLatin1Char(' ') + value : a);
    }
    finish();
    m_st.guests.append(m_g);
}

}  // namespace

bool isQemuProgram(const QString &program)
{
    const QString b = baseName(program);
    return b.startsWith(QLatin1String("qemu-system-")) || b == QLatin1String("qemu") || b == QLatin1String("kvm")
           || b == QLatin1String("qemu-kvm") || b == QLatin1String("vdeq") || b == QLatin1String("vdeqemu")
           || b == QLatin1String("vdekvm");
}

void importQemu(const QStringList &argv, int line, ImportState &state)
{
    for (qsizetype i = 1; i < argv.size(); ++i) {
        const QString &a = argv[i];
        if (a == QLatin1String("-h") || a == QLatin1String("-help") || a == QLatin1String("--help") || a == QLatin1String("-version")
            || a == QLatin1String("--version") || a == QLatin1String("help") || a == QLatin1String("?") || a.endsWith(QLatin1String(",help"))) {
            state.ignored(line, argv.join(QLatin1Char(' ')).left(300), QStringLiteral("asks QEMU for help or its version: starts no guest"));
            return;
        }
    }
    QemuReader r(state, line);
    r.run(argv);
}

}  // namespace netloom::importer
