// SPDX-License-Identifier: GPL-3.0-or-later
#include "bridgevlanplan.h"

#include <algorithm>

namespace netloom::plan {

using model::VlanConfig;
using protocol::BridgeVlan;

QList<BridgeVlan> bridgeVlansFor(const VlanConfig &v)
{
    QList<BridgeVlan> out;
    if (v.mode == VlanConfig::Mode::Access) {
        out.append(BridgeVlan{std::uint16_t(v.vlan), true, true});
        return out;
    }
    QList<int> ids = v.allowed;
    if (v.vlan != 0)
        ids.append(v.vlan);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (int id : ids) {
        const bool native = id == v.vlan;
        out.append(BridgeVlan{std::uint16_t(id), native, native});
    }
    return out;
}

void planBridgeVlans(protocol::BridgeSpec *bridge, const QList<std::pair<QString, VlanConfig>> &ports)
{
    bridge->vlanFiltering = std::any_of(ports.cbegin(), ports.cend(), [](const auto &p) { return !(p.second == VlanConfig{}); });
    bridge->vlans.clear();
    if (!bridge->vlanFiltering)
        return;
    for (const auto &[ifname, vlan] : ports) {
        const QList<BridgeVlan> entries = bridgeVlansFor(vlan);
        if (!entries.isEmpty())
            bridge->vlans.append(protocol::PortVlanSpec{ifname, entries});
    }
}

}  // namespace netloom::plan
