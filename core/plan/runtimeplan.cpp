// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtimeplan.h"

#include <QJsonArray>

namespace netloom::plan {

namespace {

QJsonArray ints(const QList<int> &list)
{
    QJsonArray a;
    for (int v : list)
        a.append(v);
    return a;
}

QJsonObject vlanJson(const model::VlanConfig &v)
{
    return QJsonObject{{QStringLiteral("mode"), model::vlanModeName(v.mode)},
                       {QStringLiteral("vlan"), v.vlan},
                       {QStringLiteral("allowed"), ints(v.allowed)}};
}

QJsonObject portJson(const VdePort &p)
{
    QJsonObject o{{QStringLiteral("number"), p.number},
                  {QStringLiteral("kind"), vdePortKindName(p.kind)},
                  {QStringLiteral("link"), p.link},
                  {QStringLiteral("vlan"), vlanJson(p.vlan)}};
    switch (p.kind) {
    case VdePort::Kind::Guest:
        o[QStringLiteral("guest")] = p.guest;
        o[QStringLiteral("nic")] = p.nic;
        o[QStringLiteral("mac")] = p.mac;
        if (!p.vhostSocket.isEmpty())
            o[QStringLiteral("vhostSocket")] = p.vhostSocket;
        break;
    case VdePort::Kind::Tap:
        o[QStringLiteral("tap")] = p.tap;
        break;
    case VdePort::Kind::Cable:
        o[QStringLiteral("peerSwitch")] = p.peerSwitch;
        o[QStringLiteral("peerPort")] = p.peerPort;
        break;
    case VdePort::Kind::Remote:
        o[QStringLiteral("url")] = p.url;
        break;
    }
    // Emulation keys only when set, so plans without emulation keep their form.
    if (!p.toPort.isNone())
        o[QStringLiteral("toPort")] = protocol::toJson(p.toPort);
    if (!p.fromPort.isNone())
        o[QStringLiteral("fromPort")] = protocol::toJson(p.fromPort);
    if (!p.up)
        o[QStringLiteral("up")] = false;
    return o;
}

}  // namespace

QString vhostSocketPath(const QString &socketDir, int number)
{
    return QStringLiteral("%1/vhost-%2.sock").arg(socketDir).arg(number);
}

QString vdePortKindName(VdePort::Kind kind)
{
    switch (kind) {
    case VdePort::Kind::Guest: return QStringLiteral("guest");
    case VdePort::Kind::Tap: return QStringLiteral("tap");
    case VdePort::Kind::Cable: return QStringLiteral("cable");
    case VdePort::Kind::Remote: return QStringLiteral("remote");
    }
    return QStringLiteral("unknown");
}

QJsonObject toJson(const RuntimePlan &plan)
{
    QJsonArray switches;
    for (const SwitchPlan &s : plan.switches) {
        QJsonArray ports;
        for (const VdePort &p : s.ports)
            ports.append(portJson(p));
        QJsonObject sj{{QStringLiteral("node"), s.node},
                                    {QStringLiteral("name"), s.name},
                                    {QStringLiteral("socketDir"), s.socketDir},
                                    {QStringLiteral("mgmtSocket"), s.mgmtSocket},
                                    {QStringLiteral("hub"), s.hub},
                                    {QStringLiteral("macTableSize"), s.macTableSize},
                                    {QStringLiteral("macAgingSeconds"), s.macAgingSeconds},
                                    {QStringLiteral("numPorts"), s.numPorts},
                                    {QStringLiteral("vlans"), s.vlans},
                                    {QStringLiteral("ports"), ports}};
        if (!s.mirrors.isEmpty()) {
            QJsonArray mirrors;
            for (const MirrorPlan &m : s.mirrors)
                mirrors.append(QJsonObject{{QStringLiteral("source"), m.source},
                                           {QStringLiteral("target"), m.target},
                                           {QStringLiteral("direction"), protocol::mirrorDirectionName(m.direction)}});
            sj.insert(QStringLiteral("mirrors"), mirrors);
        }
        switches.append(sj);
    }
    QJsonArray cables;
    for (const CablePlan &c : plan.cables)
        cables.append(QJsonObject{{QStringLiteral("link"), c.link},
                                  {QStringLiteral("switchA"), c.switchA},
                                  {QStringLiteral("portA"), c.portA},
                                  {QStringLiteral("switchB"), c.switchB},
                                  {QStringLiteral("portB"), c.portB}});
    QJsonArray guests;
    for (const GuestPlan &g : plan.guests) {
        QJsonObject o{{QStringLiteral("node"), g.node},
                                  {QStringLiteral("name"), g.name},
                                  {QStringLiteral("binary"), g.binary},
                                  {QStringLiteral("argv"), QJsonArray::fromStringList(g.argv)},
                                  {QStringLiteral("qmpSocket"), g.qmpSocket},
                                  {QStringLiteral("serialLog"), g.serialLog},
                                  {QStringLiteral("serialSocket"), g.serialSocket},
                                  {QStringLiteral("display"), g.display},
                                  {QStringLiteral("seedIso"), g.seedIso},
                                  {QStringLiteral("sshUser"), g.sshUser},
                                  {QStringLiteral("sshForward"), g.sshForward},
                                  {QStringLiteral("taps"), QJsonArray::fromStringList(g.taps)}};
        if (!g.nicsDown.isEmpty())
            o.insert(QStringLiteral("nicsDown"), QJsonArray::fromStringList(g.nicsDown));
        if (!g.uefiCode.isEmpty()) {  // only UEFI guests carry these keys
            o.insert(QStringLiteral("uefiCode"), g.uefiCode);
            o.insert(QStringLiteral("uefiVars"), g.uefiVars);
        }
        guests.append(o);
    }
    return QJsonObject{{QStringLiteral("runtimeDir"), plan.runtimeDir},
                       {QStringLiteral("switches"), switches},
                       {QStringLiteral("cables"), cables},
                       {QStringLiteral("guests"), guests}};
}

}  // namespace netloom::plan
