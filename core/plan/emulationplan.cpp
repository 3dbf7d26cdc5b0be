// SPDX-License-Identifier: GPL-3.0-or-later
// Planning network emulation (emulationplan.h).
#include "emulationplan.h"

#include "protocol/names.h"

#include <QCryptographicHash>
#include <QHash>

namespace netloom::plan {

const protocol::Impairment &impairmentLeaving(const model::Link &l, const model::Endpoint *from)
{
    return from == &l.a ? l.emulation.ab : l.emulation.ba;
}

void applyPortEmulation(const model::Link &l, const model::Endpoint *switchEnd, bool cableBetweenSwitches, VdePort *port)
{
    const model::Endpoint *other = switchEnd == &l.a ? &l.b : &l.a;
    port->toPort = impairmentLeaving(l, switchEnd);
    port->fromPort = cableBetweenSwitches ? protocol::Impairment{} : impairmentLeaving(l, other);
    port->up = l.emulation.up;
}

QString ifbName(const QString &ifname, const QSet<QString> &taken)
{
    const QString prefix = QStringLiteral("loomi");
    if (ifname.startsWith(QLatin1String("loom"))) {
        const QString name = (prefix + ifname.mid(4)).left(15);
        if (!taken.contains(name) && protocol::validateOwnIfname(name))
            return name;
    }
    for (int attempt = 0; attempt < kMaxIfbNameAttempts; ++attempt) {
        const QByteArray d = QCryptographicHash::hash((ifname + u'#' + QString::number(attempt)).toUtf8(), QCryptographicHash::Sha1);
        const QString name = prefix + QString::fromLatin1(d.left(3).toHex());
        if (!taken.contains(name))
            return name;
    }
    return QString();
}

void addKernelImpairment(protocol::HostState *host, const QString &ifname, const protocol::Impairment &egress,
                         const protocol::Impairment &ingress)
{
    if (egress.isNone() && ingress.isNone())
        return;
    host->impairments.append(protocol::ImpairmentSpec{ifname, egress, ingress, QString()});
}

bool setInterfaceDown(protocol::HostState *host, const QString &ifname)
{
    for (protocol::LinkSpec &l : host->links)
        if (l.ifname == ifname) {
            l.up = false;
            return true;
        }
    return false;
}

Status allocateIfbNames(protocol::HostState *host, QSet<QString> *taken)
{
    for (protocol::ImpairmentSpec &spec : host->impairments) {
        if (spec.ingress.isNone())
            continue;
        spec.ifbIfname = ifbName(spec.ifname, *taken);
        if (spec.ifbIfname.isEmpty())
            return Error::failed(ErrorCode::LimitExceeded, QStringLiteral("plan"), QStringLiteral("interface %1").arg(spec.ifname),
                                 QStringLiteral("no free name for its IFB device after %1 attempts").arg(kMaxIfbNameAttempts));
        taken->insert(spec.ifbIfname);
    }
    return ok();
}

Status planMirrors(const model::Node &node, SwitchPlan *sp)
{
    auto fail = [&node](qsizetype j, const QString &why) {
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("plan"), QStringLiteral("switch %1").arg(node.id),
                             QStringLiteral("mirrors[%1]: %2").arg(j).arg(why));
    };
    if (node.sw.mirrors.size() > model::limits::kMaxMirrors)
        return Error::failed(ErrorCode::LimitExceeded, QStringLiteral("plan"), QStringLiteral("switch %1").arg(node.id),
                             QStringLiteral("more than %1 mirrors").arg(model::limits::kMaxMirrors));
    QHash<QString, int> portOfLink;
    for (const VdePort &p : sp->ports)
        portOfLink.insert(p.link, p.number);
    sp->mirrors.clear();
    for (qsizetype j = 0; j < node.sw.mirrors.size(); ++j) {
        const model::MirrorConfig &m = node.sw.mirrors[j];
        const int source = portOfLink.value(m.source);
        const int target = portOfLink.value(m.target);
        if (!source)
            return fail(j, QStringLiteral("link '%1' (source) has no port on this switch").arg(m.source));
        if (!target)
            return fail(j, QStringLiteral("link '%1' (target) has no port on this switch").arg(m.target));
        if (source == target)
            return fail(j, QStringLiteral("a port cannot be mirrored onto itself"));
        sp->mirrors.append(MirrorPlan{source, target, m.direction});
    }
    return ok();
}

}  // namespace netloom::plan
