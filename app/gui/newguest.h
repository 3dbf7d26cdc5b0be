// SPDX-License-Identifier: GPL-3.0-or-later
// What the New Guest dialog makes (issue #11), without widgets.
//
// Design note. The dialog fills a NewGuestSpec (the user's choices); planNewGuest turns it,
// purely, into everything the app then does: the guest node (preset machine, NIC model, disk
// bus, display, memory; paths stored relative to the topology's folder when under it), the
// cable to the chosen network, and the files to make — a disk (qemu::DiskRequest) and a
// UEFI variable store copied from its template. checkNewGuestFiles then looks at the file
// system (read only) so every refusal comes before anything is made, and makeNewGuestFiles
// makes the quick files; the disk itself is made by a qemu::DiskJob (progress, cancel). A
// failure removes what this call made: nothing half-made stays behind. Undoing the node
// later never deletes files (the user's data).
#pragma once

#include "base/result.h"
#include "model/topology.h"
#include "qemu/diskimage.h"
#include "qemu/firmware.h"

#include <QList>
#include <QPointF>
#include <QString>
#include <QStringList>

#include <optional>

namespace netloom::gui {

enum class OsPreset { Linux, Windows, Other };

// The settings a preset gives a new guest.
struct PresetDefaults {
    QString machine;     // "q35"
    QString nicModel;    // virtio-net-pci | e1000e | e1000
    QString diskBus;     // virtio | ide (AHCI on q35) ...
    model::GuestConfig::Display display = model::GuestConfig::Display::Vga;
    int memoryMiB = 1024;
    int cpus = 1;
};
PresetDefaults presetDefaults(OsPreset preset);
QString presetName(OsPreset preset);  // "linux", "windows", "other"

enum class DiskChoice { None, Create, Existing, Overlay, Copy };

struct NewGuestSpec {
    QString name;
    OsPreset preset = OsPreset::Linux;
    int memoryMiB = 2048;
    int cpus = 2;
    QString iso;                 // install medium (absolute), "" = none
    DiskChoice disk = DiskChoice::Create;
    QString diskPath;            // Create/Overlay/Copy: the image to make; Existing: the image (absolute)
    qint64 diskSizeBytes = 20 * qemu::kGiB;  // Create; Overlay: 0 = the base's size
    QString baseImage;           // Overlay: the base; Copy: the image copied (absolute)
    bool replaceDisk = false;    // the user agreed to replace an existing file at diskPath
    bool uefi = false;
    QString uefiCode;            // the firmware code image (absolute)
    QString uefiVarsTemplate;    // its variable store template (absolute)
    QString uefiVars;            // this guest's copy to make (absolute)
    std::optional<model::CloudInitConfig> cloudInit;
    QString network;             // node id of the switch/bridge to cable to, "" = none
    bool vhostUser = true;       // QEMU offers -netdev vhost-user (qemu::qemuHasVhostUser): a
                                 // virtio NIC on a netloom switch then uses it
    QPointF position;
};

// The guest's file names beside the topology: NAME.qcow2 and NAME_VARS.fd, with NAME made
// file-safe. Pure.
QString defaultDiskPath(const QString &topologyDir, const QString &guestName);
QString defaultVarsPath(const QString &topologyDir, const QString &guestName);

struct NewGuestPlan {
    model::Node node;
    std::optional<model::Link> link;
    std::optional<qemu::DiskRequest> disk;  // the disk to make, if any
    QString varsTemplate;                   // copy this ...
    QString vars;                           // ... to this (absolute), if UEFI
};

// The node (id from `freshId`, NIC with a MAC still to allocate), cable (its id still to
// give) and files of `spec`
// in `topology` saved in `topologyDir`. Errors name the field: "name ...", "memory ...",
// "cloud-init user ...", "network ...". Pure.
Result<NewGuestPlan> planNewGuest(const NewGuestSpec &spec, const model::Topology &topology,
                                  const QString &topologyDir, const QString &freshId);

// Every check on the file system a plan needs before anything is made: the ISO is an ISO,
// the existing image is an image, the disk request passes qemu::checkDiskRequest, the
// UEFI code and template exist and the vars copy's place is free. Touches: stat, reads
// headers, runs qemu-img info. Sets an existing image's format in plan->node from what
// qemu-img reads.
Status checkNewGuestFiles(const NewGuestSpec &spec, NewGuestPlan *plan);

// Copies the UEFI variable store template (the quick file); the disk is left to a DiskJob.
// Touches: creates plan.vars.
Status makeNewGuestVars(const NewGuestPlan &plan);

// A crypt(3) hash of `password` (yescrypt "$y$", libcrypt), "" on failure. Touches: reads
// random bytes for the salt.
QString hashPassword(const QString &password);

// The guest disks of `topology` (paths resolved against `topologyDir`) that do not exist:
// (node id, disk index, absolute path). Touches: stat.
struct MissingDisk {
    QString node;
    int index = 0;
    QString path;
    QString format;
};
QList<MissingDisk> missingDisks(const model::Topology &topology, const QString &topologyDir);

}  // namespace netloom::gui
