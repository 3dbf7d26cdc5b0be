// SPDX-License-Identifier: GPL-3.0-or-later
// PortPresets: settings for switch port numbers that nobody holds yet, in the vde_switch
// model (`port/setvlan N` before a client plugs into port N).
//
// Design note.
// - A VDE client learns its port only when it connects, and may ask for one by number
//   (QEMU `-netdev vde,port=N`, `vde_plug vde://DIR[N]`). The planner gives every guest NIC a
//   number and the 802.1Q settings of that number; the switch keeps them here, and the
//   connection that asks for N gets them. A preset outlives its client, so a guest that
//   restarts on port N gets the same VLAN again.
// - Port numbers: a client asking for N gets N if nobody holds it and is refused otherwise
//   (never moved to another number, as vde_switch does); a client or local port asking for
//   no number gets the lowest free number that has no preset, so it never takes a planned
//   guest's port with the wrong VLAN. choosePortId() is the whole rule; it is pure.
// - Bounds: presets are numbered 1..maxPort of the switch, so there are at most maxPort.
#pragma once

#include "base/result.h"
#include "forwarder.h"

#include <QString>

#include <functional>
#include <map>

namespace netloom::sw {

struct PortOptions {
    VlanPortConfig vlan = VlanPortConfig::access(1);
    QString name;  // optional label
};

// Parses a VLAN setting as written on the command line: "access:VLAN" or
// "trunk:VLAN[,VLAN...][:NATIVE]" (VLANs 1..4094, at most 4094 listed; NATIVE 1..4094 is
// the VLAN of untagged frames, absent = untagged frames are dropped). Returns
// InvalidArgument "failed to parse VLAN setting '<text>': <reason>". Pure.
Result<VlanPortConfig> parseVlanSetting(const QString &text);

// The same setting written back in that syntax ("access:10", "trunk:10,20:1"). Pure.
QString vlanSettingText(const VlanPortConfig &vlan);

// Picks the port number for a new port. `requested` 0 = any: the lowest number in
// 1..maxPort that is neither used nor preset; otherwise `requested` itself if it is in
// 1..maxPort and not used. Returns kNoPort when there is none. Pure.
PortId choosePortId(std::uint32_t requested, std::uint32_t maxPort, const std::function<bool(PortId)> &used,
                    const std::function<bool(PortId)> &preset);

class PortPresets {
public:
    explicit PortPresets(std::uint32_t maxPort) : m_maxPort(maxPort) {}

    // Records `options` for port `port` (replacing an earlier preset). Fails with
    // InvalidArgument when the number is outside 1..maxPort or the VLAN setting is invalid
    // (access VLAN or trunk native VLAN outside 1..4094, a trunk carrying nothing).
    Status set(PortId port, const PortOptions &options);
    // Forgets the preset of `port`; returns whether there was one.
    bool clear(PortId port);
    // The preset of `port`, or nullptr.
    const PortOptions *find(PortId port) const;
    bool contains(PortId port) const { return m_presets.count(port) != 0; }
    std::size_t size() const { return m_presets.size(); }

private:
    std::uint32_t m_maxPort;
    std::map<PortId, PortOptions> m_presets;
};

}  // namespace netloom::sw
