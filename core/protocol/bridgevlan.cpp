// SPDX-License-Identifier: GPL-3.0-or-later
#include "bridgevlan.h"

#include "hoststatedecode.h"

#include <QJsonObject>
#include <QSet>

#include <cmath>

namespace netloom::protocol {

namespace {

Error bad(const QString &path, const QString &reason)
{
    return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("decode"), QStringLiteral("state.") + path, reason);
}

Error invalid(const QString &what, const QString &reason)
{
    return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("validate"), what, reason);
}

bool onlyKeys(const QJsonObject &o, std::initializer_list<const char *> allowed, QString *unknown)
{
    for (auto it = o.begin(); it != o.end(); ++it) {
        bool known = false;
        for (const char *k : allowed)
            known = known || it.key() == QLatin1String(k);
        if (!known) {
            *unknown = it.key().left(32);
            return false;
        }
    }
    return true;
}

Result<bool> optionalFlag(const QJsonObject &o, const char *key, const QString &path)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        return false;
    if (!v.isBool())
        return bad(path + u'.' + QLatin1String(key), QStringLiteral("must be a boolean"));
    return v.toBool();
}

}  // namespace

QJsonArray portVlansToJson(const QList<PortVlanSpec> &ports)
{
    QJsonArray out;
    for (const PortVlanSpec &p : ports) {
        QJsonArray vlans;
        for (const BridgeVlan &v : p.vlans) {
            QJsonObject o{{QStringLiteral("vid"), int(v.vid)}};
            if (v.pvid)
                o[QStringLiteral("pvid")] = true;
            if (v.untagged)
                o[QStringLiteral("untagged")] = true;
            vlans.append(o);
        }
        out.append(QJsonObject{{QStringLiteral("ifname"), p.ifname}, {QStringLiteral("vlans"), vlans}});
    }
    return out;
}

Result<QList<PortVlanSpec>> portVlansFromJson(const QJsonValue &value, const QString &path)
{
    QList<PortVlanSpec> out;
    if (value.isUndefined())
        return out;
    const QString base = path + QStringLiteral(".vlans");
    if (!value.isArray())
        return bad(base, QStringLiteral("must be a list"));
    const QJsonArray ports = value.toArray();
    const int maxPorts = HostStateLimits::kMaxBridgePorts + 1;  // the ports and the bridge itself
    if (ports.size() > maxPorts)
        return bad(base, QStringLiteral("has %1 items, more than the limit of %2").arg(ports.size()).arg(maxPorts));
    for (qsizetype i = 0; i < ports.size(); ++i) {
        const QString pp = QStringLiteral("%1[%2]").arg(base).arg(i);
        if (!ports[i].isObject())
            return bad(pp, QStringLiteral("must be an object"));
        const QJsonObject po = ports[i].toObject();
        QString unknown;
        if (!onlyKeys(po, {"ifname", "vlans"}, &unknown))
            return bad(pp + u'.' + unknown, QStringLiteral("unknown field"));
        PortVlanSpec spec;
        const QJsonValue name = po.value(QStringLiteral("ifname"));
        if (!name.isString() || name.toString().toUtf8().size() > HostStateLimits::kMaxStringBytes)
            return bad(pp + QStringLiteral(".ifname"), QStringLiteral("must be a short string"));
        spec.ifname = name.toString();
        const QJsonValue list = po.value(QStringLiteral("vlans"));
        if (!list.isArray())
            return bad(pp + QStringLiteral(".vlans"), QStringLiteral("must be a list"));
        const QJsonArray entries = list.toArray();
        if (entries.size() > kMaxBridgeVid)
            return bad(pp + QStringLiteral(".vlans"),
                       QStringLiteral("has %1 items, more than the limit of %2").arg(entries.size()).arg(kMaxBridgeVid));
        for (qsizetype j = 0; j < entries.size(); ++j) {
            const QString ep = QStringLiteral("%1.vlans[%2]").arg(pp).arg(j);
            if (!entries[j].isObject())
                return bad(ep, QStringLiteral("must be an object"));
            const QJsonObject eo = entries[j].toObject();
            if (!onlyKeys(eo, {"vid", "pvid", "untagged"}, &unknown))
                return bad(ep + u'.' + unknown, QStringLiteral("unknown field"));
            const QJsonValue vid = eo.value(QStringLiteral("vid"));
            const double d = vid.toDouble(std::nan(""));
            if (!vid.isDouble() || !std::isfinite(d) || std::floor(d) != d || d < kMinBridgeVid || d > kMaxBridgeVid)
                return bad(ep + QStringLiteral(".vid"), QStringLiteral("must be an integer %1..%2").arg(kMinBridgeVid).arg(kMaxBridgeVid));
            BridgeVlan v;
            v.vid = std::uint16_t(d);
            auto pvid = optionalFlag(eo, "pvid", ep);
            if (!pvid)
                return pvid.error();
            auto untagged = optionalFlag(eo, "untagged", ep);
            if (!untagged)
                return untagged.error();
            v.pvid = *pvid;
            v.untagged = *untagged;
            spec.vlans.append(v);
        }
        out.append(spec);
    }
    return out;
}

Status validateBridgeVlans(const BridgeSpec &b, const QStringList &uplinks, int *total)
{
    if (!b.vlans.isEmpty() && !b.vlanFiltering)
        return invalid(b.ifname, QStringLiteral("VLAN entries need vlanFiltering"));
    QSet<QString> seen;
    for (const PortVlanSpec &p : b.vlans) {
        const QString what = QStringLiteral("the VLANs of '%1' on bridge '%2'").arg(p.ifname.left(32), b.ifname);
        if (p.ifname != b.ifname && !b.ports.contains(p.ifname) && !uplinks.contains(p.ifname))
            return invalid(what, QStringLiteral("the interface is not a port of the bridge"));
        if (seen.contains(p.ifname))
            return invalid(what, QStringLiteral("the port is listed twice"));
        seen.insert(p.ifname);
        if (p.vlans.isEmpty())
            return invalid(what, QStringLiteral("the list is empty"));
        int previous = 0, pvids = 0;
        for (const BridgeVlan &v : p.vlans) {
            if (v.vid < kMinBridgeVid || v.vid > kMaxBridgeVid)
                return invalid(what, QStringLiteral("VLAN %1 is outside %2..%3").arg(v.vid).arg(kMinBridgeVid).arg(kMaxBridgeVid));
            if (v.vid <= previous)
                return invalid(what, QStringLiteral("VLAN %1 is out of order or listed twice").arg(v.vid));
            previous = v.vid;
            pvids += v.pvid ? 1 : 0;
        }
        if (pvids > 1)
            return invalid(what, QStringLiteral("more than one PVID"));
        *total += int(p.vlans.size());
        if (*total > kMaxVlanEntries)
            return invalid(what, QStringLiteral("more than %1 VLAN entries in one network").arg(kMaxVlanEntries));
    }
    return ok();
}

QList<VlanRun> vlanRuns(const QList<BridgeVlan> &vlans)
{
    QList<VlanRun> out;
    for (const BridgeVlan &v : vlans) {
        if (!out.isEmpty() && !v.pvid && !out.last().pvid && out.last().untagged == v.untagged && out.last().last + 1 == v.vid) {
            out.last().last = v.vid;
            continue;
        }
        out.append(VlanRun{v.vid, v.vid, v.pvid, v.untagged});
    }
    return out;
}

QList<VlanRun> vlanGaps(const QList<BridgeVlan> &vlans)
{
    QList<VlanRun> out;
    int next = kMinBridgeVid;
    const auto gapTo = [&](int end) {  // next..end-1
        if (end > next)
            out.append(VlanRun{std::uint16_t(next), std::uint16_t(end - 1), false, false});
    };
    for (const BridgeVlan &v : vlans) {
        gapTo(v.vid);
        next = std::max(next, v.vid + 1);
    }
    gapTo(kMaxBridgeVid + 1);
    return out;
}

QString describeVlans(const QList<BridgeVlan> &vlans)
{
    QStringList parts;
    for (const VlanRun &r : vlanRuns(vlans)) {
        QString s = r.first == r.last ? QString::number(r.first) : QStringLiteral("%1-%2").arg(r.first).arg(r.last);
        if (r.pvid)
            s += u'p';
        if (r.untagged)
            s += u'u';
        parts << s;
    }
    return parts.isEmpty() ? QStringLiteral("-") : parts.join(u' ');
}

}  // namespace netloom::protocol
