// SPDX-License-Identifier: GPL-3.0-or-later
#include "qemuargs.h"

#include "plan/planner.h"
#include "protocol/netaddr.h"

#include <QDir>
#include <QRegularExpression>

#include <algorithm>

namespace netloom::plan {

namespace {

using protocol::Cidr;
using protocol::Ipv4;

Error reason(const QString &text) { return Error{ErrorCode::InvalidArgument, text}; }

bool hasControlChars(const QString &s)
{
    return std::any_of(s.cbegin(), s.cend(), [](QChar c) { return c.unicode() < 0x20 || c.unicode() == 0x7f; });
}

// A machine type, CPU model, boot order or device model: one plain word.
const QRegularExpression &wordRe()
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.,=:+-]{0,127}$"));
    return re;
}

}  // namespace

Result<QStringList> qemuMachineArgs(const model::Node &n, const GuestPaths &paths, const QString &topologyDir)
{
    const model::GuestConfig &g = n.guest;
    auto resolve = [&topologyDir](const QString &p) { return QDir::cleanPath(QDir(topologyDir).absoluteFilePath(p)); };
    if (g.qemu.isEmpty() || hasControlChars(g.qemu) || g.qemu.startsWith(QLatin1Char('-')))
        return reason(QStringLiteral("'%1' is not a usable QEMU binary").arg(g.qemu));
    if (g.memoryMiB < model::limits::kMinMemoryMiB || g.memoryMiB > model::limits::kMaxMemoryMiB)
        return reason(QStringLiteral("memory %1 MiB is outside %2..%3").arg(g.memoryMiB).arg(model::limits::kMinMemoryMiB).arg(model::limits::kMaxMemoryMiB));
    if (g.cpus < model::limits::kMinCpus || g.cpus > model::limits::kMaxCpus)
        return reason(QStringLiteral("%1 CPUs is outside %2..%3").arg(g.cpus).arg(model::limits::kMinCpus).arg(model::limits::kMaxCpus));
    for (const QString *word : {&g.machine, &g.cpuModel, &g.boot})
        if (!word->isEmpty() && !wordRe().match(*word).hasMatch())
            return reason(QStringLiteral("'%1' is not a valid machine, CPU model or boot order").arg(*word));

    QStringList a;
    a << g.qemu << QStringLiteral("-name") << QStringLiteral("guest=%1").arg(qemuOptValue(n.name.isEmpty() ? n.id : n.name))
      << QStringLiteral("-nodefaults") << QStringLiteral("-no-user-config");
    if (!g.machine.isEmpty())
        a << QStringLiteral("-machine") << g.machine;
    if (g.accel == QLatin1String("auto"))
        a << QStringLiteral("-accel") << QStringLiteral("kvm") << QStringLiteral("-accel") << QStringLiteral("tcg");
    else if (g.accel == QLatin1String("kvm") || g.accel == QLatin1String("tcg"))
        a << QStringLiteral("-accel") << g.accel;
    else
        return reason(QStringLiteral("accelerator '%1' is not one of auto, kvm, tcg").arg(g.accel));
    if (!g.cpuModel.isEmpty())
        a << QStringLiteral("-cpu") << g.cpuModel;
    a << QStringLiteral("-m") << QString::number(g.memoryMiB) << QStringLiteral("-smp") << QString::number(g.cpus)
      << QStringLiteral("-display") << QStringLiteral("none");
    if (g.display != model::GuestConfig::Display::None)
        a << QStringLiteral("-device")
          << (g.display == model::GuestConfig::Display::Virtio ? QStringLiteral("virtio-vga") : QStringLiteral("VGA"))
          << QStringLiteral("-vnc") << QStringLiteral("none") << QStringLiteral("-device")
          << QStringLiteral("qemu-xhci,id=xhci") << QStringLiteral("-device")
          << QStringLiteral("usb-tablet,bus=xhci.0");
    a << QStringLiteral("-qmp") << QStringLiteral("unix:%1,server=on,wait=off").arg(qemuOptValue(paths.qmpSocket))
      << QStringLiteral("-chardev")
      << QStringLiteral("socket,id=%1,path=%2,server=on,wait=off,logfile=%3,logappend=on")
             .arg(QLatin1String(kSerialChardev), qemuOptValue(paths.serialSocket), qemuOptValue(paths.serialLog))
      << QStringLiteral("-serial") << QStringLiteral("chardev:%1").arg(QLatin1String(kSerialChardev));

    if (g.uefi) {
        for (const QString *path : {&g.uefi->code, &g.uefi->vars})
            if (path->isEmpty() || hasControlChars(*path))
                return reason(QStringLiteral("the UEFI code image or variable store has an empty or unprintable path"));
        a << QStringLiteral("-drive")
          << QStringLiteral("if=pflash,format=raw,unit=0,readonly=on,file=%1").arg(qemuOptValue(resolve(g.uefi->code)))
          << QStringLiteral("-drive") << QStringLiteral("if=pflash,format=raw,unit=1,file=%1").arg(qemuOptValue(resolve(g.uefi->vars)));
    }
    static const QStringList formats{QStringLiteral("raw"), QStringLiteral("qcow2"), QStringLiteral("vmdk"),
                                     QStringLiteral("vdi"), QStringLiteral("vhdx"), QStringLiteral("qed")};
    static const QStringList ifaces{QStringLiteral("virtio"), QStringLiteral("ide"), QStringLiteral("scsi")};
    for (const model::DiskConfig &d : g.disks) {
        if (d.path.isEmpty() || hasControlChars(d.path))
            return reason(QStringLiteral("a disk has an empty or unprintable path"));
        if (!formats.contains(d.format))
            return reason(QStringLiteral("disk format '%1' is not one of %2").arg(d.format, formats.join(QStringLiteral(", "))));
        if (!ifaces.contains(d.interface))
            return reason(QStringLiteral("disk interface '%1' is not one of %2").arg(d.interface, ifaces.join(QStringLiteral(", "))));
        QString spec = QStringLiteral("file=%1,format=%2,if=%3").arg(qemuOptValue(resolve(d.path)), d.format, d.interface);
        if (d.readOnly)
            spec += QStringLiteral(",readonly=on");
        if (d.snapshot)
            spec += QStringLiteral(",snapshot=on");
        a << QStringLiteral("-drive") << spec;
    }
    for (const QString *path : {&g.cdrom, &g.kernel, &g.initrd})
        if (hasControlChars(*path))
            return reason(QStringLiteral("a cdrom, kernel or initrd path has control characters"));
    if (!g.cdrom.isEmpty())
        a << QStringLiteral("-drive") << QStringLiteral("file=%1,media=cdrom,readonly=on").arg(qemuOptValue(resolve(g.cdrom)));
    if ((!g.initrd.isEmpty() || !g.append.isEmpty()) && g.kernel.isEmpty())
        return reason(QStringLiteral("an initrd or kernel command line needs a kernel"));
    if (!g.kernel.isEmpty())
        a << QStringLiteral("-kernel") << resolve(g.kernel);
    if (!g.initrd.isEmpty())
        a << QStringLiteral("-initrd") << resolve(g.initrd);
    if (!g.append.isEmpty())
        a << QStringLiteral("-append") << g.append;
    if (!g.boot.isEmpty())
        a << QStringLiteral("-boot") << QStringLiteral("order=%1").arg(g.boot);
    return a;
}

Status checkQemuNic(const model::NicConfig &nic)
{
    static const QRegularExpression idRe(QStringLiteral("^[A-Za-z][A-Za-z0-9_.-]{0,31}$"));
    if (!idRe.match(nic.id).hasMatch())
        return reason(QStringLiteral("NIC id '%1' must start with a letter and use [A-Za-z0-9_.-], at most 32").arg(nic.id));
    if (nic.model.isEmpty() || !wordRe().match(nic.model).hasMatch() || nic.model.contains(QLatin1Char(',')))
        return reason(QStringLiteral("NIC model '%1' is not a valid device name").arg(nic.model));
    return ok();
}

void addSharedGuestMemory(QStringList *argv, int memoryMiB)
{
    const QString backend = QStringLiteral("netloom-mem");
    const qsizetype machine = argv->indexOf(QStringLiteral("-machine"));
    if (machine >= 0 && machine + 1 < argv->size()) {
        (*argv)[machine + 1] += QStringLiteral(",memory-backend=") + backend;
    } else {
        // After -no-user-config (or argv[0]): where -machine would be.
        const qsizetype at = std::max<qsizetype>(argv->indexOf(QStringLiteral("-no-user-config")) + 1, 1);
        argv->insert(at, QStringLiteral("memory-backend=") + backend);
        argv->insert(at, QStringLiteral("-machine"));
    }
    *argv << QStringLiteral("-object")
          << QStringLiteral("memory-backend-memfd,id=%1,size=%2M,share=on").arg(backend).arg(memoryMiB);
}

QString qemuVdeNetdev(const model::NicConfig &nic, const QString &socketDir, int port)
{
    return QStringLiteral("vde,id=%1,sock=%2,port=%3").arg(nic.id, qemuOptValue(socketDir), QString::number(port));
}

QString qemuTapNetdev(const model::NicConfig &nic, const QString &ifname)
{
    return QStringLiteral("tap,id=%1,ifname=%2,script=no,downscript=no").arg(nic.id, ifname);
}

Result<QString> qemuUserNetdev(const model::NicConfig &nic)
{
    QString netdev = QStringLiteral("user,id=%1").arg(nic.id);
    if (!nic.user.network.isEmpty()) {
        Result<Cidr> net = Cidr::parse(nic.user.network);
        if (!net)
            return net.error();
        netdev += QStringLiteral(",net=%1").arg(net->networkString());
    }
    if (nic.user.restrict)
        netdev += QStringLiteral(",restrict=on");
    for (const model::HostForward &f : nic.user.forwards) {
        if (f.protocol != QLatin1String("tcp") && f.protocol != QLatin1String("udp"))
            return reason(QStringLiteral("forward protocol '%1' is not tcp or udp").arg(f.protocol));
        if (f.hostPort < 1 || f.hostPort > 65535 || f.guestPort < 1 || f.guestPort > 65535)
            return reason(QStringLiteral("forward ports %1 -> %2 must be within 1..65535").arg(f.hostPort).arg(f.guestPort));
        for (const QString *addr : {&f.hostAddress, &f.guestAddress})
            if (!addr->isEmpty())
                if (Result<Ipv4> ip = Ipv4::parse(*addr); !ip)
                    return ip.error();
        netdev += QStringLiteral(",hostfwd=%1:%2:%3-%4:%5")
                      .arg(f.protocol, f.hostAddress, QString::number(f.hostPort), f.guestAddress, QString::number(f.guestPort));
    }
    return netdev;
}

Result<QString> qemuSocketNetdev(const model::NicConfig &nic)
{
    const QString &addr = nic.socket.address;
    const qsizetype colon = addr.lastIndexOf(QLatin1Char(':'));
    const QString host = colon < 0 ? QString() : addr.left(colon);
    if (colon < 0 || (!host.isEmpty() && !Ipv4::parse(host)) || !protocol::parsePort(addr.mid(colon + 1)))
        return reason(QStringLiteral("socket address '%1' of NIC '%2' is not ADDRESS:PORT").arg(addr, nic.id));
    if (nic.socket.kind == model::SocketConfig::Kind::Mcast) {
        Result<Ipv4> group = Ipv4::parse(host);
        if (!group || (group->value >> 28) != 0xe)
            return reason(QStringLiteral("socket address '%1' of NIC '%2' is not a multicast group").arg(addr, nic.id));
    } else if (nic.socket.kind == model::SocketConfig::Kind::Connect && host.isEmpty()) {
        return reason(QStringLiteral("socket address '%1' of NIC '%2' needs a host to connect to").arg(addr, nic.id));
    }
    return QStringLiteral("socket,id=%1,%2=%3").arg(nic.id, model::socketKindName(nic.socket.kind), addr);
}

}  // namespace netloom::plan
