// SPDX-License-Identifier: GPL-3.0-or-later
// Writing a guest's cloud-init NoCloud seed as the "cidata" ISO QEMU attaches (issue #11).
//
// Design note. The seed's content is planned (plan/cloudinit.h); this is the one executor
// that puts it on disk: the three files in a directory beside the ISO, then the ISO itself
// made by xorriso (Debian `xorriso`; `-as mkisofs`, volume id "cidata", Rock Ridge and
// Joliet, as cloud-init's NoCloud expects). An existing ISO is replaced; a failure leaves
// no ISO behind. Bounded by kTimeoutMs.
#pragma once

#include "base/result.h"
#include "plan/cloudinit.h"

#include <QString>

namespace netloom::qemu {

inline constexpr int kSeedIsoTimeoutMs = 20000;

// The ISO maker's name, searched on PATH.
inline constexpr const char *kSeedIsoTool = "xorriso";

// Writes `seed` to isoPath (and its files to isoPath minus ".iso", a directory, mode 0700).
// Errors read "failed to write the cloud-init seed of '<guest>': ...". Touches: those files,
// runs xorriso.
Status writeSeedIso(const QString &guest, const plan::NoCloudSeed &seed, const QString &isoPath);

// Removes what writeSeedIso(.., isoPath) writes: the ISO, the three files and their directory
// (only when it is then empty). Missing files are fine. Touches: those files.
void removeSeedIso(const QString &isoPath);

}  // namespace netloom::qemu
