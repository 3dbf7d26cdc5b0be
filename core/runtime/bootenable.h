// SPDX-License-Identifier: GPL-3.0-or-later
// Networks (and guests) at boot (issue #16 part 2): the pieces `netloomctl enable/disable/
// list-enabled` and the GUI's Run > Start at Boot share.
//
// Design note. Enabling a topology is two independent halves, as with the classic rc
// scripts split between root and the user:
//  - the host side (taps, bridges, addresses, NAT, dnsmasq) is stored by the helper as a
//    boot record (helper op `enable`) and rebuilt by it when it starts on a fresh boot
//    (netloom-boot.service starts it when records exist);
//  - the switches and guests run in the user's `netloomctl up FILE`, started by the systemd
//    user unit netloom-up@INSTANCE.service, INSTANCE being the topology's absolute path
//    escaped with systemd's path rules (systemd-escape --path). It starts with the user's
//    session, or at boot when lingering is on (loginctl enable-linger).
// This file holds the pure parts — the boot request for a file, the unit names, reading
// which units are enabled from the user's wants directory; BootEnabler (bootenabler.h) runs
// the sequence for the CLI and the GUI alike.
#pragma once

#include "base/result.h"
#include "model/subnetpicker.h"
#include "protocol/message.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace netloom::runtime {

// systemd's path escaping (systemd-escape --path): "/" separators become "-", a leading
// "/" and trailing "/" go, "." at the start of the result and every byte outside
// [A-Za-z0-9:_.] (and "-") become "\xNN" (lowercase hex of the UTF-8 byte); "/" alone is
// "-". Pure.
QString systemdEscapePath(const QString &absolutePath);
// The inverse for well-formed input (every "\xNN" decoded, "-" -> "/", a leading "/"
// added); "" for malformed input (a bad escape, invalid UTF-8). Pure.
QString systemdUnescapePath(const QString &escaped);

// "netloom-up@" + systemdEscapePath(path) + ".service". Pure.
QString upUnitName(const QString &absolutePath);
// The topology path of a netloom-up@ instance unit name, or "" when `unit` is not one. Pure.
QString topologyOfUpUnit(const QString &unit);

// What enabling `path` asks of the helper, and what it was computed from.
struct BootRequest {
    QString topologyPath;  // absolute, symlinks resolved
    QString name;          // the topology's name
    QString network;       // helperNetworkId(name)
    protocol::Request request;  // op enable: network, state (plan.host, forwards resolved
                                // without leases), topology
    bool hasHostSide = false;   // false: nothing for the helper (no taps, bridges, ...)
};

// Loads, validates and plans `path` (plan::loadAndPlan, runtime directory as `up` uses it)
// and builds the enable request. Errors: the load/validation/plan error, or NotFound.
// Touches: reads the file.
Result<BootRequest> bootRequestFor(const QString &path);

// The user's systemd configuration directory for units ($XDG_CONFIG_HOME/systemd/user, or
// ~/.config/systemd/user). Touches: reads the environment.
QString userUnitDir();
// Topology paths of the netloom-up@ units enabled in `unitDir` (symlinks in
// default.target.wants), sorted; at most 1024. Touches: lists the directory.
QStringList enabledUpUnits(const QString &unitDir);

// The gateway subnets of the topologies enabled at boot in `paths` (the files as they are now,
// labelled "gateway 'ID' of enabled topology 'NAME'"), except the file `except` (the one
// being edited); at most 64 files are read, unreadable ones are skipped. For the subnet
// suggestion of a new gateway (model/subnetpicker.h). Touches: reads the files.
QList<model::TakenPrefix> takenByEnabledTopologies(const QStringList &paths, const QString &except);

// Whether the user has lingering on (/var/lib/systemd/linger/USER exists): their user units
// then start at boot instead of at their first login. Touches: stats the file.
bool lingerEnabled();

}  // namespace netloom::runtime
