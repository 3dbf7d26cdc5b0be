// SPDX-License-Identifier: GPL-3.0-or-later
// Validator rules for network emulation (see validatorimpl.h): which links can carry an
// impairment or be set down, the bounds of each direction, and port mirrors.
//
// Where emulation is realized (docs/topology-format.md "Network emulation"):
//   - a link touching a netloom switch: in the switch's port (guest NIC, host-port tap, cable
//     to another netloom switch or to a kernel bridge, remote cable);
//   - a link touching only a kernel bridge: qdiscs on the kernel interface that realizes it
//     (a guest NIC's tap, the veth of a bridge-to-bridge cable, the bridge device for its host
//     port, the VXLAN of a remote cable);
//   - a host port linked to a tap-mode NIC: qdiscs on that own tap.
// Elsewhere there is nothing of ours in the path to impair: a physical uplink belongs to the
// host, and user/socket NICs never reach a switch.
#include "validatorimpl.h"

#include <QSet>

namespace netloom::model::detail {

QString Validator::emulationUnsupported(const End &a, const End &b)
{
    auto has = [&](EndKind k) { return a.kind == k || b.kind == k; };
    const End &other = a.kind == EndKind::Netloom || a.kind == EndKind::Bridge || a.kind == EndKind::HostPort ? b : a;
    if (has(EndKind::Uplink))
        return QStringLiteral("uplink %1 is a physical interface of the host, not Netloom's to impair")
            .arg(q((a.kind == EndKind::Uplink ? a : b).node->id));
    for (const End *e : {&a, &b})
        if (e->nic && (e->nic->mode == NicConfig::Mode::User || e->nic->mode == NicConfig::Mode::Socket))
            return QStringLiteral("NIC %1 of guest %2 is in %3 mode and reaches no switch or tap Netloom could impair")
                .arg(q(e->nic->id), q(e->node->id), nicModeName(e->nic->mode));
    if (has(EndKind::Netloom) || has(EndKind::Bridge)) {
        if (other.kind == EndKind::Guest || other.kind == EndKind::HostPort || other.kind == EndKind::Netloom
            || other.kind == EndKind::Bridge || other.kind == EndKind::Remote)
            return QString();
    } else if (has(EndKind::HostPort) && has(EndKind::Guest)) {
        return QString();  // the guest's own tap
    }
    return QStringLiteral("it joins %1 %2 and %3 %4; only links that touch a netloom switch or a kernel bridge, "
                          "or a guest's own tap, can be impaired or set down")
        .arg(endKindName(a.kind), q(a.node->id), endKindName(b.kind), q(b.node->id));
}

void Validator::checkEmulation(qsizetype k, const End &a, const End &b)
{
    const Link &l = m_t.links[k];
    const LinkEmulation &e = l.emulation;
    if (e.isDefault())
        return;
    if (const QString why = emulationUnsupported(a, b); !why.isEmpty()) {
        const QString field = !e.up && e.ab.isNone() && e.ba.isNone() ? QStringLiteral("emulation.up") : QStringLiteral("emulation");
        linkError(k, field, QStringLiteral("link %1 cannot carry network emulation (%2): %3").arg(q(l.id), field, why));
        return;
    }
    for (const auto &[dir, imp, from, to] : {std::tuple{"ab", &e.ab, &l.a, &l.b}, std::tuple{"ba", &e.ba, &l.b, &l.a}}) {
        Status s = protocol::validateImpairment(*imp);
        if (s)
            continue;
        // "failed to check impairment 'delay': 20 s is above the limit of 10 s"
        QString msg = s.error().message;
        const QString prefix = QStringLiteral("failed to check impairment '");
        if (msg.startsWith(prefix))
            msg = msg.mid(prefix.size()).replace(QStringLiteral("': "), QStringLiteral(": "));
        linkError(k, QStringLiteral("emulation.") + QLatin1String(dir),
                  QStringLiteral("link %1, direction %2 (from %3 to %4): %5")
                      .arg(q(l.id), QLatin1String(dir), q(from->node), q(to->node), msg));
    }
}

void Validator::checkMirrors()
{
    for (qsizetype i = 0; i < m_t.nodes.size(); ++i) {
        const Node &n = m_t.nodes[i];
        if (n.type != NodeType::Switch || n.sw.mirrors.isEmpty())
            continue;
        const QString base = cfgPath(i, "mirrors");
        if (n.sw.engine != SwitchConfig::Engine::Netloom) {
            error(base, n.id, QStringLiteral("switch %1 (mirrors): port mirroring is only available on netloom switches, "
                                             "not on kernel bridges").arg(q(n.id)));
            continue;
        }
        if (n.sw.mirrors.size() > limits::kMaxMirrors)
            error(base, n.id, QStringLiteral("switch %1 (mirrors): %2 mirrors, at most %3 are allowed")
                                  .arg(q(n.id)).arg(n.sw.mirrors.size()).arg(limits::kMaxMirrors));
        QSet<QString> sources;
        for (const MirrorConfig &m : n.sw.mirrors)
            sources.insert(m.source);
        QSet<std::pair<QString, QString>> pairs;
        for (qsizetype j = 0; j < n.sw.mirrors.size() && j < limits::kMaxMirrors; ++j) {
            const MirrorConfig &m = n.sw.mirrors[j];
            const QString p = QStringLiteral("%1[%2]").arg(base).arg(j);
            auto touches = [&](const QString &linkId, const char *field) {
                const Link *l = m_t.link(linkId);
                const QString fp = p + u'.' + QLatin1String(field);
                if (!l) {
                    error(fp, n.id, QStringLiteral("switch %1, mirrors[%2].%3: no link %4 exists").arg(q(n.id)).arg(j).arg(QLatin1String(field), q(linkId)));
                    return false;
                }
                if (l->a.node != n.id && l->b.node != n.id) {
                    error(fp, n.id, QStringLiteral("switch %1, mirrors[%2].%3: link %4 does not touch this switch")
                                        .arg(q(n.id)).arg(j).arg(QLatin1String(field), q(linkId)));
                    return false;
                }
                return true;
            };
            const bool sourceOk = touches(m.source, "source");
            const bool targetOk = touches(m.target, "target");
            if (!sourceOk || !targetOk)
                continue;
            if (m.source == m.target) {
                error(p + QStringLiteral(".target"), n.id, QStringLiteral("switch %1, mirrors[%2].target: a mirror cannot copy link %3 onto itself")
                                                               .arg(q(n.id)).arg(j).arg(q(m.target)));
                continue;
            }
            if (sources.contains(m.target)) {
                error(p + QStringLiteral(".target"), n.id, QStringLiteral("switch %1, mirrors[%2].target: link %3 is also a mirror source; "
                                                                          "a mirror target cannot be mirrored itself")
                                                               .arg(q(n.id)).arg(j).arg(q(m.target)));
                continue;
            }
            if (pairs.contains({m.source, m.target}))
                error(p, n.id, QStringLiteral("switch %1, mirrors[%2]: link %3 is already mirrored to %4")
                                   .arg(q(n.id)).arg(j).arg(q(m.source), q(m.target)));
            pairs.insert({m.source, m.target});
        }
    }
}

}  // namespace netloom::model::detail
