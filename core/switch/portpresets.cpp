// SPDX-License-Identifier: GPL-3.0-or-later
#include "portpresets.h"

#include <QStringList>

namespace netloom::sw {

namespace {

Result<std::uint16_t> parseVlanNumber(const QString &text, const QString &whole)
{
    bool ok = false;
    const uint v = text.toUInt(&ok, 10);
    if (!ok || v < 1 || v > kMaxVlan || text.startsWith(u'+'))
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("parse VLAN setting"), whole,
                             QStringLiteral("'%1' is not a VLAN number (1..%2)").arg(text).arg(kMaxVlan));
    return std::uint16_t(v);
}

Status checkVlan(const VlanPortConfig &v, const QString &object)
{
    const QString verb = QStringLiteral("preset port");
    if (v.mode == VlanPortConfig::Mode::Access) {
        if (v.accessVlan < 1 || v.accessVlan > kMaxVlan)
            return Error::failed(ErrorCode::InvalidArgument, verb, object,
                                 QStringLiteral("access VLAN %1 is outside 1..%2").arg(v.accessVlan).arg(kMaxVlan));
        return ok();
    }
    if (v.nativeVlan > kMaxVlan)
        return Error::failed(ErrorCode::InvalidArgument, verb, object,
                             QStringLiteral("native VLAN %1 is outside 1..%2").arg(v.nativeVlan).arg(kMaxVlan));
    if (v.nativeVlan == 0 && v.allowed.none())
        return Error::failed(ErrorCode::InvalidArgument, verb, object, QStringLiteral("the trunk carries no VLAN"));
    return ok();
}

}  // namespace

Result<VlanPortConfig> parseVlanSetting(const QString &text)
{
    const QString verb = QStringLiteral("parse VLAN setting");
    if (text.size() > 4 * 4096 + 32)
        return Error::failed(ErrorCode::InvalidArgument, verb, text.left(32) + QStringLiteral("..."), QStringLiteral("too long"));
    const QStringList parts = text.split(u':');
    if (parts[0] == QLatin1String("access")) {
        if (parts.size() != 2)
            return Error::failed(ErrorCode::InvalidArgument, verb, text, QStringLiteral("expected access:VLAN"));
        auto v = parseVlanNumber(parts[1], text);
        if (!v)
            return v.error();
        return VlanPortConfig::access(*v);
    }
    if (parts[0] == QLatin1String("trunk")) {
        if (parts.size() < 2 || parts.size() > 3 || parts[1].isEmpty())
            return Error::failed(ErrorCode::InvalidArgument, verb, text, QStringLiteral("expected trunk:VLAN[,VLAN...][:NATIVE]"));
        std::vector<std::uint16_t> vlans;
        for (const QString &s : parts[1].split(u',')) {
            auto v = parseVlanNumber(s, text);
            if (!v)
                return v.error();
            vlans.push_back(*v);
        }
        std::uint16_t native = 0;
        if (parts.size() == 3) {
            auto v = parseVlanNumber(parts[2], text);
            if (!v)
                return v.error();
            native = *v;
        }
        return VlanPortConfig::trunk(vlans, native);
    }
    return Error::failed(ErrorCode::InvalidArgument, verb, text, QStringLiteral("expected access:VLAN or trunk:VLAN[,VLAN...][:NATIVE]"));
}

QString vlanSettingText(const VlanPortConfig &vlan)
{
    if (vlan.mode == VlanPortConfig::Mode::Access)
        return QStringLiteral("access:%1").arg(vlan.accessVlan);
    QStringList list;
    for (std::uint16_t v = 1; v <= kMaxVlan; ++v)
        if (vlan.allowed.test(v))
            list << QString::number(v);
    QString out = QStringLiteral("trunk:") + list.join(u',');
    if (vlan.nativeVlan != 0)
        out += QStringLiteral(":%1").arg(vlan.nativeVlan);
    return out;
}

PortId choosePortId(std::uint32_t requested, std::uint32_t maxPort, const std::function<bool(PortId)> &used,
                    const std::function<bool(PortId)> &preset)
{
    if (requested != 0)
        return (requested <= maxPort && !used(requested)) ? requested : kNoPort;
    for (PortId id = 1; id <= maxPort; ++id)
        if (!used(id) && !preset(id))
            return id;
    return kNoPort;
}

Status PortPresets::set(PortId port, const PortOptions &options)
{
    const QString object = QStringLiteral("port %1").arg(port);
    if (port < 1 || port > m_maxPort)
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("preset port"), object,
                             QStringLiteral("the switch has ports 1..%1").arg(m_maxPort));
    if (Status s = checkVlan(options.vlan, object); !s)
        return s;
    m_presets[port] = options;
    return ok();
}

bool PortPresets::clear(PortId port) { return m_presets.erase(port) != 0; }

const PortOptions *PortPresets::find(PortId port) const
{
    auto it = m_presets.find(port);
    return it == m_presets.end() ? nullptr : &it->second;
}

}  // namespace netloom::sw
