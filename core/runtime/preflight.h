// SPDX-License-Identifier: GPL-3.0-or-later
// Checks the runtime makes before it asks the helper for anything, so that a bad input
// (a missing disk or kernel, an absent qemu binary, a host port already taken) is refused
// with an error naming the guest while nothing has been started yet.
#pragma once

#include "base/result.h"
#include "plan/runtimeplan.h"
#include "qemu/firmware.h"

#include <QList>
#include <QString>

namespace netloom::runtime {

// A host port a guest's argv will bind: user-mode host forwards and socket listen NICs.
struct HostPortUse {
    bool udp = false;
    QString address;   // "" = any
    quint16 port = 0;
    QString what;      // "host forward" | "socket listen"
};

// Host ports named in `argv` (-netdev/-nic values). Pure.
QList<HostPortUse> hostPortsOf(const QStringList &argv);

// Binds `use` for a moment to see that it is free. Returns Conflict
// "failed to start guest '<guest>': host forward port 2222/tcp is not available: <why>".
// Touches: one socket, closed again.
Status checkHostPortFree(const QString &guest, const HostPortUse &use);

// The binary (on PATH or as given), every file the argv reads (a UEFI variable store that
// prepareUefiVars will make counts as present), preflightUefi, and every host port.
// Returns the first problem as "failed to start guest '<name>': ...". Touches: file
// tests and the host-port probes above.
Status preflightGuest(const plan::GuestPlan &guest);

// A UEFI guest's firmware files (guestfirmware.cpp), nothing for a BIOS guest: the code
// image must be a readable file; the variable store a regular file this user can read and
// write, or absent (then its folder must exist and a template must match the code image:
// prepareUefiVars makes it at launch). Errors name the guest and the field, e.g. "failed to
// start guest 'web': its UEFI code image '/usr/share/OVMF/OVMF_CODE_4M.fd' (uefi.code) does not
// exist (Debian package ovmf)". Touches: file tests, reads firmware descriptors.
Status preflightUefi(const plan::GuestPlan &guest, const qemu::FirmwareSearch &search = qemu::FirmwareSearch::system());

// Makes a UEFI guest's missing variable store from the template that matches its code image
// (qemu::varsTemplateFor, qemu::createVarsCopy). Returns the template copied, or "" when the
// store was there already (or the guest boots BIOS). Errors as preflightUefi's. Touches:
// creates guest.uefiVars.
Result<QString> prepareUefiVars(const plan::GuestPlan &guest, const qemu::FirmwareSearch &search = qemu::FirmwareSearch::system());

// The VDE port numbers and 802.1Q settings of a netloom switch's guest ports, which the
// runtime presets on the switch before the guests connect: every number in
// 1..max(numPorts, 32) (what the switch's VDE server accepts) and used once, access VLANs
// in 1..4094, trunks carrying VLANs in 1..4094 with a native VLAN in 0..4094 and at least
// one VLAN. Returns the first problem as "failed to start switch '<name>': port N (guest
// '<guest>') ...". Pure.
Status preflightSwitchPorts(const plan::SwitchPlan &sw);

}  // namespace netloom::runtime
