// SPDX-License-Identifier: GPL-3.0-or-later
#include "newguest.h"

#include "model/validator.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <crypt.h>

namespace netloom::gui {

namespace lim = model::limits;

PresetDefaults presetDefaults(OsPreset preset)
{
    using D = model::GuestConfig::Display;
    switch (preset) {
    case OsPreset::Linux:
        // virtio everywhere: every current distribution has the drivers in its installer.
        return {QStringLiteral("q35"), QStringLiteral("virtio-net-pci"), QStringLiteral("virtio"), D::Virtio, 2048, 2};
    case OsPreset::Windows:
        // Windows installs on AHCI and e1000e without extra drivers; VGA works from boot.
        return {QStringLiteral("q35"), QStringLiteral("e1000e"), QStringLiteral("ide"), D::Vga, 4096, 2};
    case OsPreset::Other:
        // The BSDs and older systems: the most widely supported devices.
        return {QStringLiteral("q35"), QStringLiteral("e1000"), QStringLiteral("ide"), D::Vga, 1024, 1};
    }
    return {};
}

QString presetName(OsPreset preset)
{
    switch (preset) {
    case OsPreset::Linux:
        return QStringLiteral("linux");
    case OsPreset::Windows:
        return QStringLiteral("windows");
    case OsPreset::Other:
        return QStringLiteral("other");
    }
    return {};
}

namespace {

QString fileSafe(const QString &name)
{
    QString s = name;
    static const QRegularExpression bad(QStringLiteral("[^A-Za-z0-9._-]"));
    s.replace(bad, QStringLiteral("_"));
    if (s.isEmpty() || s.startsWith(u'.'))
        s.prepend(QStringLiteral("guest"));
    return s.left(64);
}

Error fieldError(const QString &field, const QString &why)
{
    return Error{ErrorCode::InvalidArgument, QStringLiteral("%1: %2").arg(field, why)};
}

}  // namespace

QString defaultDiskPath(const QString &topologyDir, const QString &guestName)
{
    return QDir(topologyDir).filePath(fileSafe(guestName) + QStringLiteral(".qcow2"));
}

QString defaultVarsPath(const QString &topologyDir, const QString &guestName)
{
    return QDir(topologyDir).filePath(fileSafe(guestName) + QStringLiteral("_VARS.fd"));
}

Result<NewGuestPlan> planNewGuest(const NewGuestSpec &spec, const model::Topology &topology,
                                  const QString &topologyDir, const QString &freshId)
{
    const QString name = spec.name.trimmed();
    if (name.isEmpty())
        return fieldError(QStringLiteral("name"), QStringLiteral("is empty"));
    for (const model::Node &n : topology.nodes)
        if (n.name == name)
            return fieldError(QStringLiteral("name"), QStringLiteral("'%1' is taken by another node").arg(name));
    if (spec.memoryMiB < lim::kMinMemoryMiB || spec.memoryMiB > lim::kMaxMemoryMiB)
        return fieldError(QStringLiteral("memory"), QStringLiteral("%1 MiB is not in %2..%3").arg(spec.memoryMiB).arg(lim::kMinMemoryMiB).arg(lim::kMaxMemoryMiB));
    if (spec.cpus < lim::kMinCpus || spec.cpus > lim::kMaxCpus)
        return fieldError(QStringLiteral("CPUs"), QStringLiteral("%1 is not in %2..%3").arg(spec.cpus).arg(lim::kMinCpus).arg(lim::kMaxCpus));
    auto stored = [&topologyDir](const QString &p) { return qemu::topologyRelativePath(p, topologyDir); };
    auto absolute = [](const QString &field, const QString &p) -> Status {
        if (!QDir::isAbsolutePath(p))
            return fieldError(field, p.isEmpty() ? QStringLiteral("is empty") : QStringLiteral("'%1' is not an absolute path").arg(p));
        return ok();
    };

    const PresetDefaults d = presetDefaults(spec.preset);
    NewGuestPlan plan;
    model::Node &n = plan.node;
    n.id = freshId;
    n.type = model::NodeType::Guest;
    n.name = name;
    n.position = spec.position;
    model::GuestConfig &g = n.guest;
    g.machine = d.machine;
    g.memoryMiB = spec.memoryMiB;
    g.cpus = spec.cpus;
    g.display = d.display;
    if (!spec.iso.isEmpty()) {
        if (Status s = absolute(QStringLiteral("install medium"), spec.iso); !s)
            return s.error();
        g.cdrom = stored(spec.iso);
    }

    switch (spec.disk) {
    case DiskChoice::None:
        break;
    case DiskChoice::Create:
    case DiskChoice::Overlay:
    case DiskChoice::Copy: {
        if (Status s = absolute(QStringLiteral("disk path"), spec.diskPath); !s)
            return s.error();
        qemu::DiskRequest r;
        r.action = spec.disk == DiskChoice::Create    ? qemu::DiskAction::Create
                   : spec.disk == DiskChoice::Overlay ? qemu::DiskAction::Overlay
                                                      : qemu::DiskAction::Copy;
        r.path = spec.diskPath;
        r.format = QStringLiteral("qcow2");
        r.sizeBytes = spec.diskSizeBytes;
        r.replace = spec.replaceDisk;
        if (r.action != qemu::DiskAction::Create) {
            if (Status s = absolute(QStringLiteral("base image"), spec.baseImage); !s)
                return s.error();
            r.base = spec.baseImage;
            if (r.action == qemu::DiskAction::Copy)
                r.sizeBytes = 0;
        } else if (spec.diskSizeBytes <= 0) {
            return fieldError(QStringLiteral("disk size"), QStringLiteral("must be more than 0"));
        }
        plan.disk = r;
        model::DiskConfig disk;
        disk.path = stored(spec.diskPath);
        disk.format = QStringLiteral("qcow2");
        disk.interface = d.diskBus;
        g.disks.append(disk);
        break;
    }
    case DiskChoice::Existing: {
        if (Status s = absolute(QStringLiteral("disk image"), spec.diskPath); !s)
            return s.error();
        model::DiskConfig disk;
        disk.path = stored(spec.diskPath);
        disk.format = QStringLiteral("raw");  // checkNewGuestFiles puts what qemu-img reads

        disk.interface = d.diskBus;
        g.disks.append(disk);
        break;
    }
    }
    // Boot the installer first while the disk is blank; the disk afterwards.
    if (!g.cdrom.isEmpty())
        g.boot = QStringLiteral("dc");

    if (spec.uefi) {
        if (Status s = absolute(QStringLiteral("UEFI firmware"), spec.uefiCode); !s)
            return s.error();
        if (Status s = absolute(QStringLiteral("UEFI variable store template"), spec.uefiVarsTemplate); !s)
            return s.error();
        if (Status s = absolute(QStringLiteral("UEFI variable store"), spec.uefiVars); !s)
            return s.error();
        g.uefi = model::UefiConfig{spec.uefiCode, stored(spec.uefiVars)};
        plan.varsTemplate = spec.uefiVarsTemplate;
        plan.vars = spec.uefiVars;
    }

    if (spec.cloudInit) {
        model::CloudInitConfig ci = *spec.cloudInit;
        if (const QString why = model::checkUserName(ci.user); !why.isEmpty())
            return fieldError(QStringLiteral("cloud-init user"), why);
        for (const QString &k : std::as_const(ci.sshKeys))
            if (const QString why = model::checkSshPublicKey(k); !why.isEmpty())
                return fieldError(QStringLiteral("SSH key"), why);
        if (!ci.hostname.isEmpty())
            if (const QString why = model::checkHostName(ci.hostname); !why.isEmpty())
                return fieldError(QStringLiteral("host name"), why);
        if (ci.hostname == name)
            ci.hostname.clear();  // the default: follows a renamed node
        g.cloudInit = ci;
    }

    model::NicConfig nic;
    nic.id = QStringLiteral("net0");
    nic.model = d.nicModel;
    g.nics.append(nic);
    if (!spec.network.isEmpty()) {
        const model::Node *net = topology.node(spec.network);
        if (!net || net->type != model::NodeType::Switch)
            return fieldError(QStringLiteral("network"), QStringLiteral("'%1' is not a switch or bridge of this topology").arg(spec.network));
        // A virtio NIC on a netloom switch takes the fast path: its rings shared with the switch.
        if (spec.vhostUser && net->sw.engine == model::SwitchConfig::Engine::Netloom
            && g.nics.last().model == QLatin1String("virtio-net-pci"))
            g.nics.last().transport = model::NicConfig::Transport::VhostUser;
        model::Link l;
        l.a.node = n.id;
        l.a.nic = nic.id;
        l.b.node = net->id;
        plan.link = l;
    }
    return plan;
}

Status checkNewGuestFiles(const NewGuestSpec &spec, NewGuestPlan *p)
{
    const NewGuestPlan &plan = *p;
    if (!spec.iso.isEmpty())
        if (Status s = qemu::checkIsoImage(spec.iso); !s)
            return s;
    if (spec.disk == DiskChoice::Existing) {
        Result<qemu::ImageInfo> info = qemu::checkBaseImage(spec.diskPath);
        if (!info)
            return Error{info.error().code, QString(info.error().message).replace(QLatin1String("base image"), QLatin1String("disk image"))};
        if (!p->node.guest.disks.isEmpty())
            p->node.guest.disks.first().format = info->format;
    }
    if (plan.disk)
        if (Status s = qemu::checkDiskRequest(*plan.disk); !s)
            return s;
    if (!plan.vars.isEmpty()) {
        if (!QFileInfo(spec.uefiCode).isFile())
            return Error{ErrorCode::NotFound, QStringLiteral("UEFI firmware '%1': no such file (install the ovmf package)").arg(spec.uefiCode)};
        if (!QFileInfo(plan.varsTemplate).isFile())
            return Error{ErrorCode::NotFound, QStringLiteral("UEFI variable store template '%1': no such file").arg(plan.varsTemplate)};
        const QFileInfo vars(plan.vars);
        if (vars.exists() || vars.isSymLink())
            return Error{ErrorCode::Conflict, QStringLiteral("UEFI variable store '%1': a file already exists there").arg(plan.vars)};
        if (!QFileInfo(vars.absolutePath()).isDir())
            return Error{ErrorCode::NotFound, QStringLiteral("UEFI variable store '%1': its folder does not exist").arg(plan.vars)};
        if (plan.disk && QFileInfo(plan.disk->path).absoluteFilePath() == vars.absoluteFilePath())
            return Error{ErrorCode::Conflict, QStringLiteral("UEFI variable store '%1': the same file as the disk").arg(plan.vars)};
    }
    return ok();
}

Status makeNewGuestVars(const NewGuestPlan &plan)
{
    if (plan.vars.isEmpty())
        return ok();
    return qemu::createVarsCopy(plan.varsTemplate, plan.vars);
}

QString hashPassword(const QString &password)
{
    const QByteArray pw = password.toUtf8();
    char *salt = ::crypt_gensalt_ra("$y$", 0, nullptr, 0);
    if (!salt)
        return {};
    struct crypt_data data {};
    const char *hash = ::crypt_r(pw.constData(), salt, &data);
    ::free(salt);
    if (!hash || hash[0] != '$')
        return {};
    return QString::fromLatin1(hash);
}

QList<MissingDisk> missingDisks(const model::Topology &topology, const QString &topologyDir)
{
    QList<MissingDisk> out;
    for (const model::Node &n : topology.nodes) {
        if (n.type != model::NodeType::Guest)
            continue;
        for (int i = 0; i < n.guest.disks.size(); ++i) {
            const model::DiskConfig &d = n.guest.disks[i];
            const QString path = qemu::resolveTopologyPath(d.path, topologyDir);
            if (!path.isEmpty() && !QFileInfo::exists(path))
                out.append({n.id, i, path, d.format});
        }
    }
    return out;
}

}  // namespace netloom::gui
