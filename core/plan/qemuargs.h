// SPDX-License-Identifier: GPL-3.0-or-later
// Pure builders of QEMU command-line pieces, used by the planner for GuestPlan::argv.
//
// Every value that QEMU parses as an option list ("key=value,...") has its commas doubled
// (qemuOptValue in planner.h), so paths and names with commas stay one value. Values are
// checked here, where their QEMU syntax is known; a returned Error carries only the reason
// (the planner prefixes it with the guest it belongs to).
#pragma once

#include "base/result.h"
#include "model/topology.h"

#include <QString>
#include <QStringList>

namespace netloom::plan {

// The chardev id of a guest's first serial port: the serial console attaches to it with QMP
// add_client (protocol = this id).
inline constexpr const char *kSerialChardev = "serial0";

// Where a guest's monitor and serial port live (all in the run directory).
struct GuestPaths {
    QString qmpSocket;     // QMP, unix socket
    QString serialSocket;  // the serial chardev's socket (the runtime unlinks it once QEMU runs)
    QString serialLog;     // everything the serial port wrote, attached or not
};

// The machine part of a guest's argv, argv[0] included: -name, -nodefaults,
// -no-user-config, -machine, -accel (auto = kvm then tcg), -cpu, -m, -smp, -display none;
// unless the display is none: the display device (-device VGA or virtio-vga), -vnc none (a
// VNC server that listens nowhere: consoles are attached with QMP add_client) and a USB
// tablet on an xHCI controller (absolute pointer); -qmp unix:QMP,server=on,wait=off; the
// first serial port on a socket chardev (kSerialChardev, server=on,wait=off) with
// logfile=LOG,logappend=on; for a UEFI guest the firmware as two pflash drives (unit 0 the
// code image, readonly=on; unit 1 the guest's variable store), then drives, cdrom, kernel,
// initrd, append, -boot. Relative paths are resolved against topologyDir. Pure.
Result<QStringList> qemuMachineArgs(const model::Node &guest, const GuestPaths &paths, const QString &topologyDir);

// -netdev values. Pure.
QString qemuVdeNetdev(const model::NicConfig &nic, const QString &socketDir, int port);
QString qemuTapNetdev(const model::NicConfig &nic, const QString &ifname);
Result<QString> qemuUserNetdev(const model::NicConfig &nic);
Result<QString> qemuSocketNetdev(const model::NicConfig &nic);

// Makes the guest's RAM one shared memfd backend, which vhost-user needs (the switch maps
// it): adds `-object memory-backend-memfd,id=netloom-mem,size=<memoryMiB>M,share=on` and
// `memory-backend=netloom-mem` to the -machine option (adding -machine when there is none).
// Pure.
void addSharedGuestMemory(QStringList *argv, int memoryMiB);

// Checks a NIC's id and device model for use in -netdev/-device. Pure.
Status checkQemuNic(const model::NicConfig &nic);

}  // namespace netloom::plan
