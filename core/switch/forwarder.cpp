// SPDX-License-Identifier: GPL-3.0-or-later
#include "forwarder.h"

#include "hotpath.h"

#include <algorithm>

namespace netloom::sw {

VlanPortConfig VlanPortConfig::access(std::uint16_t vlan)
{
    VlanPortConfig c;
    c.mode = Mode::Access;
    c.accessVlan = vlan;
    return c;
}

VlanPortConfig VlanPortConfig::trunk(const std::vector<std::uint16_t> &vlans, std::uint16_t native)
{
    VlanPortConfig c;
    c.mode = Mode::Trunk;
    c.nativeVlan = native;
    for (std::uint16_t v : vlans)
        if (v >= 1 && v <= kMaxVlan)
            c.allowed.set(v);
    return c;
}

NETLOOM_HOT
bool VlanPortConfig::carries(std::uint16_t vlan) const
{
    if (mode == Mode::Access)
        return vlan == accessVlan;
    return (vlan < 4096 && allowed.test(vlan)) || (nativeVlan != 0 && vlan == nativeVlan);
}

NETLOOM_HOT
bool VlanPortConfig::tagsOnEgress(std::uint16_t vlan) const
{
    return mode == Mode::Trunk && vlan != nativeVlan;
}

const char *dropReasonName(DropReason r)
{
    switch (r) {
    case DropReason::None: return "none";
    case DropReason::Malformed: return "malformed";
    case DropReason::Oversize: return "oversize";
    case DropReason::VlanMismatch: return "vlan-mismatch";
    case DropReason::UnknownPort: return "unknown-port";
    case DropReason::Filtered: return "filtered";
    case DropReason::NoEgress: return "no-egress";
    }
    return "unknown";
}

Forwarder::Forwarder(const ForwarderConfig &config) : m_config(config), m_macs(config.macTable)
{
    m_config.maxFrameLen = std::clamp<std::size_t>(m_config.maxFrameLen, kMinFrameLen + kVlanTagLen, kAbsoluteMaxFrameLen);
}

void Forwarder::setPort(PortId port, const VlanPortConfig &vlan)
{
    if (const int i = find(port); i >= 0) {
        m_portVlans[std::size_t(i)] = vlan;
        m_macs.flushPort(port);
        return;
    }
    m_portIds.push_back(port);
    m_portVlans.push_back(vlan);
}

void Forwarder::removePort(PortId port)
{
    if (const int i = find(port); i >= 0) {
        m_portIds.erase(m_portIds.begin() + i);
        m_portVlans.erase(m_portVlans.begin() + i);
    }
    m_macs.flushPort(port);
}

bool Forwarder::hasPort(PortId port) const { return find(port) >= 0; }

NETLOOM_HOT
int Forwarder::find(PortId port) const
{
    for (std::size_t i = 0; i < m_portIds.size(); ++i)
        if (m_portIds[i] == port)
            return int(i);
    return -1;
}

NETLOOM_HOT
ForwardDecision Forwarder::decide(const std::uint8_t *frame, std::size_t len, PortId ingress, std::int64_t nowNs)
{
    ForwardDecision d;
    m_egress.clear();
    d.egress = &m_egress;
    const auto eth = parseEthernet(frame, len);
    if (!eth) {
        d.drop = DropReason::Malformed;
        return d;
    }
    d.ingressTagged = eth->tagged;
    d.untaggedLen = len - (eth->tagged ? kVlanTagLen : 0);
    d.cast = macIsBroadcast(eth->dst) ? Cast::Broadcast : macIsMulticast(eth->dst) ? Cast::Multicast : Cast::Unicast;
    if (d.untaggedLen + kVlanTagLen > m_config.maxFrameLen) {
        d.drop = DropReason::Oversize;
        return d;
    }
    d.pad = d.untaggedLen < kMinFrameLen;

    const int inIndex = find(ingress);
    if (inIndex < 0) {
        d.drop = DropReason::UnknownPort;
        return d;
    }
    const VlanPortConfig &inVlan = m_portVlans[std::size_t(inIndex)];
    // Ingress VLAN classification (a VID 0 tag is a priority tag: the frame is untagged).
    const bool realTag = eth->tagged && eth->vid != 0;
    if (inVlan.mode == VlanPortConfig::Mode::Access) {
        if (realTag && eth->vid != inVlan.accessVlan) {
            d.drop = DropReason::VlanMismatch;
            return d;
        }
        d.vlan = inVlan.accessVlan;
    } else if (realTag) {
        if (eth->vid > kMaxVlan || !inVlan.allowed.test(eth->vid)) {
            d.drop = DropReason::VlanMismatch;
            return d;
        }
        d.vlan = eth->vid;
    } else {
        if (inVlan.nativeVlan == 0) {
            d.drop = DropReason::VlanMismatch;
            return d;
        }
        d.vlan = inVlan.nativeVlan;
    }

    if (!m_config.hub)
        m_macs.learn(d.vlan, eth->src, ingress, nowNs);

    if (!m_config.hub && d.cast == Cast::Unicast) {
        const PortId out = m_macs.lookup(d.vlan, eth->dst, nowNs);
        if (out == ingress) {
            d.drop = DropReason::Filtered;
            return d;
        }
        if (out != kNoPort) {
            const int o = find(out);
            if (o >= 0 && m_portVlans[std::size_t(o)].carries(d.vlan)) {
                m_egress.push_back({out, m_portVlans[std::size_t(o)].tagsOnEgress(d.vlan)});
                return d;
            }
        }
    }
    d.flooded = true;
    for (std::size_t i = 0; i < m_portIds.size(); ++i)
        if (m_portIds[i] != ingress && m_portVlans[i].carries(d.vlan))
            m_egress.push_back({m_portIds[i], m_portVlans[i].tagsOnEgress(d.vlan)});
    if (m_egress.empty())
        d.drop = DropReason::NoEgress;
    return d;
}

}  // namespace netloom::sw
