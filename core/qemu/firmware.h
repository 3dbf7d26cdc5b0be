// SPDX-License-Identifier: GPL-3.0-or-later
// UEFI firmware for guests: Debian's OVMF (package `ovmf`) and each guest's own variable store.
//
// Design note. OVMF comes as two flash images: a read-only code image shared by every guest
// and a variable store (boot entries, settings) that each guest must own, made as a copy of
// the template that belongs to the code image. Which template belongs to which code image is
// what QEMU's firmware descriptors (docs/interop/firmware.json in QEMU; Debian's ovmf ships
// them in /usr/share/qemu/firmware) say, so they are read first; Debian's file names are the
// fallback (OVMF_CODE_4M.fd -> OVMF_VARS_4M.fd). Parsing and the naming rule are pure; the
// file system is touched only by findFirmware, varsTemplateFor and createVarsCopy, whose
// folders come from a FirmwareSearch so tests can point them at temporary directories.
//
// Only firmware that runs without SMM is offered: the Secure Boot builds (descriptor feature
// "requires-smm", Debian's OVMF_CODE_4M.secboot.fd / .ms.fd) need q35 with smm=on and a
// secure pflash, which the planner does not set up.
#pragma once

#include "base/result.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace netloom::qemu {

// Bounds.
inline constexpr qint64 kMaxFirmwareDescriptorBytes = 64 * 1024;   // one descriptor file
inline constexpr int kMaxFirmwareDescriptors = 256;                  // files read per search
inline constexpr qint64 kMaxVarsTemplateBytes = 64 * 1024 * 1024;    // a variable store template

// Debian's default pair (package ovmf), used when no descriptor offers one.
inline constexpr const char *kDefaultOvmfCode = "/usr/share/OVMF/OVMF_CODE_4M.fd";
inline constexpr const char *kDefaultOvmfVarsTemplate = "/usr/share/OVMF/OVMF_VARS_4M.fd";

// A code image and the variable store template that goes with it.
struct FirmwarePair {
    QString code;          // absolute path, mapped read-only (pflash unit 0)
    QString varsTemplate;  // absolute path, copied once per guest
    QString description;   // one line from the descriptor, e.g. "UEFI firmware for x86_64, ..."
    bool secureBoot = false;
    bool operator==(const FirmwarePair &) const = default;
};

// One QEMU firmware descriptor that describes x86_64 UEFI firmware on flash.
struct FirmwareDescriptor {
    FirmwarePair pair;
    QStringList features;  // "requires-smm", "secure-boot", "enrolled-keys", ...
    bool requiresSmm() const { return features.contains(QStringLiteral("requires-smm")); }
    bool operator==(const FirmwareDescriptor &) const = default;
};

// Where firmware is looked for.
struct FirmwareSearch {
    // Descriptor folders, lowest priority first: a file in a later folder replaces the file of
    // the same name in an earlier one, and an empty file hides it (QEMU's rule). Files are
    // then taken in name order ("50-..." before "60-...").
    QStringList descriptorDirs;
    QString defaultCode = QString::fromLatin1(kDefaultOvmfCode);
    QString defaultVarsTemplate = QString::fromLatin1(kDefaultOvmfVarsTemplate);
    // /usr/share/qemu/firmware, /etc/qemu/firmware, $XDG_CONFIG_HOME (or ~/.config)/qemu/firmware.
    static FirmwareSearch system();
};

// Parses one descriptor. Returns it when it describes UEFI firmware on flash for x86_64
// with raw images (an absent format means raw); Unsupported for a well-formed descriptor of
// something else (BIOS, another architecture, a memory-mapped image); Parse or
// InvalidArgument for a malformed one. Errors read "failed to read firmware descriptor
// '<source>': <reason>". Pure.
Result<FirmwareDescriptor> parseFirmwareDescriptor(const QByteArray &json, const QString &source);

// The variable store templates Debian's naming gives for a code image, most likely first:
// the same folder with CODE replaced by VARS in the file name, then the same without a
// ".secboot" variant (OVMF_CODE_4M.secboot.fd pairs with OVMF_VARS_4M.fd). Empty when the
// file name has no "CODE". Pure.
QStringList varsTemplateCandidates(const QString &code);

// The installed firmware a guest can use: every descriptor (in search order) that does not
// need SMM and whose code image and template both exist, each code image once; when none
// qualifies, the default pair if both files exist; else an empty list. Touches: reads the
// descriptor folders and tests files.
QList<FirmwarePair> findFirmware(const FirmwareSearch &search = FirmwareSearch::system());

// The template that matches `code` (an absolute path): the template of the first
// descriptor (any, SMM or not) whose code image is `code`, else the first existing
// varsTemplateCandidates(code). NotFound "failed to find the UEFI variable store template for
// '<code>': ..." otherwise. Touches: reads the descriptor folders and tests files.
Result<QString> varsTemplateFor(const QString &code, const FirmwareSearch &search = FirmwareSearch::system());

// Copies `templatePath` to `destination`, mode 0644, never replacing an existing file (not
// even a dangling symlink): the copy is written to a temporary file in the destination's
// folder and then linked (or renamed without replacing) to its name; on any failure the
// temporary file is removed and nothing is left behind. The template must be a regular file
// of at most kMaxVarsTemplateBytes; the destination's folder must exist. Errors read
// "failed to create UEFI variable store '<destination>': <reason>" (Conflict when it
// exists). Touches: the destination's folder.
Status createVarsCopy(const QString &templatePath, const QString &destination);

}  // namespace netloom::qemu
