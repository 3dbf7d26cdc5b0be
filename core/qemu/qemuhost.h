// SPDX-License-Identifier: GPL-3.0-or-later
// What the QEMU supervisor needs to know about the host before launching a guest: which
// qemu-system-* binaries exist, whether KVM is usable, which accelerator an argv asks for,
// and which files an argv needs. The decisions are pure functions; the two OS touches
// (file tests, /dev/kvm) sit behind FileProbe and probeKvm() so unit tests can fake them.
#pragma once

#include "base/result.h"

#include <QString>
#include <QStringList>

#include <functional>

namespace netloom::qemu {

// File tests, injectable for unit tests. The default uses the real file system.
struct FileProbe {
    std::function<bool(const QString &)> isFile;        // exists and is a regular file
    std::function<bool(const QString &)> isExecutable;  // regular file with an execute bit
    static FileProbe real();
};

// Directories of a PATH string ("a:b:c"); empty entries are skipped.
QStringList pathDirs(const QString &pathVariable);
// The PATH of this process as directories.
QStringList processPathDirs();

// Every "qemu-system-<arch>" executable in `dirs`, first occurrence of each name wins,
// sorted by name. Returns absolute paths.
QStringList findQemuBinaries(const QStringList &dirs, const FileProbe &probe = FileProbe::real());

// argv[0] as given: an absolute/relative path must be executable; a bare name is looked up
// in `dirs`. Returns the absolute path, or NotFound naming `guest` and the binary.
Result<QString> resolveQemuBinary(const QString &guest, const QString &program, const QStringList &dirs,
                                  const FileProbe &probe = FileProbe::real());

// Whether a `qemu -netdev help` output lists the vhost-user backend. Pure.
bool netdevHelpListsVhostUser(const QByteArray &helpOutput);
// Whether `binary` (a qemu-system-* name or path) offers `-netdev vhost-user`: runs
// `binary -netdev help` (at most 5 s). False when it cannot be run. Touches: starts it.
bool qemuHasVhostUser(const QString &binary);

struct KvmStatus {
    bool usable = false;
    int apiVersion = -1;
    QString reason;  // why not usable ("" when usable)
};
// Opens `device` read-write and asks KVM_GET_API_VERSION (must be 12). Touches /dev/kvm only.
KvmStatus probeKvm(const QString &device = QStringLiteral("/dev/kvm"));

// The arguments that pick the best usable accelerator: {"-accel","kvm"} when `kvm` is
// usable, {"-accel","tcg"} otherwise. Pure.
QStringList accelArgs(const KvmStatus &kvm);

// The accelerator an argv selects: "kvm", "tcg", "kvm:tcg" (a fallback list), ... from
// "-accel X", "-enable-kvm" or "-machine ...,accel=X"; "" when it does not say (QEMU's
// default is tcg). The last option wins, as in QEMU.
QString requestedAccel(const QStringList &argv);

// Files an argv reads that must exist before launch: -kernel, -initrd, -dtb, -bios,
// -cdrom, -hda..-hdd, -fda/-fdb, -drive file=..., -blockdev ...,filename=... (only the
// local "file" driver). Commas doubled as ",," are unescaped, as QEMU does.
struct LaunchFile {
    QString option;  // "-kernel", "-drive", ... or "required" for extra files
    QString path;
    bool operator==(const LaunchFile &) const = default;
};
QList<LaunchFile> filesInArgv(const QStringList &argv);

// Checks filesInArgv(argv) + `extra`: returns NotFound "failed to start guest '<guest>':
// file '<path>' (<option>) does not exist" for the first missing one.
Status checkLaunchFiles(const QString &guest, const QStringList &argv, const QStringList &extra,
                        const FileProbe &probe = FileProbe::real());

}  // namespace netloom::qemu
