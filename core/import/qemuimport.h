// SPDX-License-Identifier: GPL-3.0-or-later
// The QEMU command-line importer (issue #15, part 1).
//
// Design note. One qemu-system-* (or kvm, qemu-kvm, vdeq, vdeqemu) argv becomes one
// GuestFact: machine, memory, CPUs, disks, kernel, boot order, display and NICs. All three
// generations of network options are read:
//   - legacy pairs "-net nic,vlan=N,macaddr=…,model=…" + "-net tap|user|vde|socket|bridge,
//     vlan=N,…": QEMU joins everything with the same vlan (default 0) on a hub. One NIC and
//     one backend on a vlan become one NIC; anything larger becomes a HubFact (the assembler
//     makes it a netloom switch in hub mode) and the report says so;
//   - "-netdev TYPE,id=X,…" + "-device MODEL,netdev=X,mac=…" (also stream and dgram);
//   - "-nic TYPE,model=…,mac=…,…".
// Every option gets its own report line: mapped (to which field), ignored (kept as an extra
// QEMU argument, or dropped because Netloom provides it itself: monitor, serial console,
// display, daemonize) or not understood (unknown, or a form the model cannot hold, like an
// inherited tap fd=). Option values are split like QEMU does (",," is a literal comma).
#pragma once

#include "import/importstate.h"

#include <QString>
#include <QStringList>

namespace netloom::importer {

// True when `program` (a path or name) is a QEMU system emulator or one of the wrappers
// this importer understands. Pure.
bool isQemuProgram(const QString &program);

// Reads one QEMU argv (argv[0] the program) written on `line` and appends a GuestFact and
// the report lines to `state`. Pure apart from `state`.
void importQemu(const QStringList &argv, int line, ImportState &state);

// Splits a QEMU option value "a,b=c,,d" into its pieces [("", "a"), ("b", "c,d")]: a piece
// without '=' has an empty key. At most 256 pieces (the rest is dropped). Pure.
QList<std::pair<QString, QString>> splitQemuOpts(const QString &value);

}  // namespace netloom::importer
