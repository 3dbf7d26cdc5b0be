// SPDX-License-Identifier: GPL-3.0-or-later
// RuntimePlan: the unprivileged half of a plan — what the process that runs a topology starts
// itself (switch engines, QEMU guests), as opposed to protocol::HostState, which the privileged
// helper creates.
//
// Design note. Everything here is resolved: VDE port numbers, socket and log paths under the
// runtime directory, complete QEMU argv lists (no shell, no later substitution). The live
// runtime and the shell exporter consume the same values, so the script and the live network
// agree. Port numbering of a netloom switch is deterministic: first the taps it opens (host
// port taps, then taps towards kernel bridges, in link order) from 1 upwards, then every other
// port (guest NICs, cables, remote cables) in link order. The order of the lists below is the
// order of the topology's nodes; consumers may rely on it.
#pragma once

#include "model/topology.h"
#include "plan/cloudinit.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace netloom::plan {

// One port of a netloom switch.
struct VdePort {
    enum class Kind { Guest, Tap, Cable, Remote };
    int number = 0;            // VDE port number, 1..kMaxVdePorts
    Kind kind = Kind::Guest;
    QString link;              // id of the link this port realizes
    model::VlanConfig vlan;    // effective 802.1Q settings (default: access VLAN 1)
    // Kind::Guest
    QString guest;             // guest node id
    QString nic;               // NIC id within the guest
    QString mac;
    // Kind::Tap: the interface this switch opens (host port tap, or a tap enslaved to a bridge)
    QString tap;
    // Kind::Tap of a host port: the host port's display name (lease table); not in toJson.
    QString hostPort;
    // Kind::Cable: the netloom switch at the other end and its port
    QString peerSwitch;
    int peerPort = 0;
    // Kind::Remote: a libvdeplug URL
    QString url;
    // Kind::Guest over vhost-user: the unix socket the switch listens on for this port's QEMU
    // (vhostSocketPath); "" = the guest joins over VDE.
    QString vhostSocket;
    // Network emulation of the link this port realizes (model::LinkEmulation), seen from the
    // switch: `toPort` applies to frames the switch sends out of this port, `fromPort` to
    // frames it receives from it; a port that is down carries nothing either way. For a
    // cable between two netloom switches each side's port carries its own egress direction
    // only (toPort), so no direction is applied twice.
    protocol::Impairment toPort;
    protocol::Impairment fromPort;
    bool up = true;
    bool operator==(const VdePort &) const = default;
};

// Port mirroring on a netloom switch (model::MirrorConfig resolved to port numbers).
struct MirrorPlan {
    int source = 0;
    int target = 0;
    model::MirrorConfig::Direction direction = model::MirrorConfig::Direction::Both;
    bool operator==(const MirrorPlan &) const = default;
};

struct SwitchPlan {
    QString node;              // node id
    QString name;              // display name
    QString socketDir;         // VDE control directory (clients connect to socketDir/ctl)
    QString mgmtSocket;        // management socket path (exported vde_switch -mgmt)
    bool hub = false;
    int macTableSize = 8192;
    int macAgingSeconds = 300;
    int numPorts = 32;         // highest port number + 1, at least 32
    bool vlans = false;        // any port not in the default access VLAN 1
    QList<VdePort> ports;      // ascending port number
    QList<MirrorPlan> mirrors;
    bool operator==(const SwitchPlan &) const = default;
};

// A cable between two netloom switches (also listed as a Cable port on both).
struct CablePlan {
    QString link;
    QString switchA;
    int portA = 0;
    QString switchB;
    int portB = 0;
    bool operator==(const CablePlan &) const = default;
};

struct GuestPlan {
    QString node;
    QString name;
    QString binary;            // argv[0]
    QStringList argv;          // complete, argv[0] == binary; no shell
    QString qmpSocket;         // path of the QMP unix socket in argv
    QString serialLog;         // path of the serial log in argv (written attached or not)
    QString serialSocket;      // the serial chardev's socket in argv (plan::kSerialChardev)
    QString display;           // "vga", "virtio" or "none" (model::displayName)
    // UEFI: the code image and the guest's variable store (absolute; both "" for BIOS), as
    // the argv's pflash drives name them. The runtime creates a missing store from the
    // template that matches the code image (qemu/firmware.h) before QEMU starts.
    QString uefiCode;
    QString uefiVars;
    // cloud-init: the NoCloud seed to write as a "cidata" ISO at seedIso before QEMU starts
    // (argv attaches it read-only); no seed without a cloudInit section.
    std::optional<NoCloudSeed> seed;
    QString seedIso;
    // SSH: the cloud-init user ("" = none) and a user-mode host forward to the guest's port
    // 22 as "ADDRESS:PORT" ("" = none; ADDRESS "" = all, reach it on 127.0.0.1).
    QString sshUser;
    QString sshForward;
    QStringList taps;          // interfaces this guest opens (must exist before start)
    // NICs whose link is set down, by QEMU netdev id (= the NIC id): the runtime sends QMP
    // set_link false for each once the monitor is up (QEMU has no option to start a NIC
    // without carrier; set_link on the netdev takes the carrier of its NIC too).
    QStringList nicsDown;
    bool operator==(const GuestPlan &) const = default;
};

struct RuntimePlan {
    QString runtimeDir;
    QList<SwitchPlan> switches;
    QList<CablePlan> cables;
    QList<GuestPlan> guests;
    bool operator==(const RuntimePlan &) const = default;
};

// Hard bounds the planner enforces.
constexpr int kMaxVdePorts = 4096;       // per netloom switch
constexpr int kMaxUnixPathBytes = 107;   // sun_path minus the terminating NUL

QString vdePortKindName(VdePort::Kind kind);

// The vhost-user socket of port `number` of the switch whose VDE directory is socketDir.
QString vhostSocketPath(const QString &socketDir, int number);
// Canonical JSON (stable key order; lists in plan order). Pure.
QJsonObject toJson(const RuntimePlan &plan);

}  // namespace netloom::plan
