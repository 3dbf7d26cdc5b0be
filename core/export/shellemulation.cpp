// SPDX-License-Identifier: GPL-3.0-or-later
// Network emulation in exported scripts (shellemulation.h).
#include "shellemulation.h"

#include <algorithm>
#include <cmath>

namespace netloom::exporter {

namespace {

using protocol::Impairment;

// Corrupted frames are one flipped bit each; wirefilter's noise is damaged bits per MiB.
constexpr double kAssumedFrameBytes = 1500;

void addNote(QStringList *notes, const QString &note)
{
    if (notes && !notes->contains(note))
        notes->append(note);
}

// One direction's options, with `dir` = "LR" or "RL".
void directionOptions(const Impairment &imp, const char *dir, bool down, QStringList *out, QStringList *notes)
{
    const QString d = QLatin1String(dir);
    if (imp.delayUs) {
        QString v = d + toolNumber(imp.delayUs / 1000.0);
        if (imp.jitterUs) {
            const bool uniform = imp.distribution == Impairment::Distribution::Uniform;
            v += u'+' + toolNumber(imp.jitterUs / 1000.0) + (uniform ? u'U' : u'N');
            if (imp.distribution == Impairment::Distribution::Pareto || imp.distribution == Impairment::Distribution::ParetoNormal)
                addNote(notes, QStringLiteral("wirefilter has no pareto jitter; a normal distribution stands in for it"));
        }
        *out << QStringLiteral("-d") << v;
    }
    if (down) {
        *out << QStringLiteral("-l") << d + QStringLiteral("100");
    } else if (imp.burst) {
        const protocol::GilbertElliott &g = *imp.burst;
        *out << QStringLiteral("-l") << d + toolNumber(100.0 * g.p / (g.p + g.r))
             << QStringLiteral("-L") << d + toolNumber(100.0 / g.r);
        if (g.lossBad != 100 || g.lossGood != 0)
            addNote(notes, QStringLiteral("wirefilter's burst model knows a mean loss and burst length only; "
                                          "the Gilbert-Elliott state losses are approximated"));
    } else if (imp.lossPercent > 0) {
        *out << QStringLiteral("-l") << d + toolNumber(imp.lossPercent);
    }
    if (imp.duplicatePercent > 0)
        *out << QStringLiteral("-D") << d + toolNumber(imp.duplicatePercent);
    if (imp.corruptPercent > 0) {
        const double bitsPerMiB = imp.corruptPercent / 100.0 * (1024.0 * 1024.0 / kAssumedFrameBytes);
        *out << QStringLiteral("-n") << d + toolNumber(std::max(0.001, bitsPerMiB));
        addNote(notes, QStringLiteral("wirefilter corrupts bits per megabyte; the corruption percentage is converted assuming 1500-byte frames"));
    }
    if (imp.rateBitsPerSecond) {
        *out << QStringLiteral("-b") << d + QString::number(std::max<std::uint64_t>(1, imp.rateBitsPerSecond / 8))
             << QStringLiteral("-c") << d + QString::number(imp.effectiveQueueBytes());
    }
}

QString us(std::uint32_t v) { return QString::number(v) + QStringLiteral("us"); }
QString pct(double v) { return toolNumber(v) + u'%'; }

QStringList netemOptions(const Impairment &imp)
{
    QStringList o;
    if (imp.delayUs) {
        o << QStringLiteral("delay") << us(imp.delayUs);
        if (imp.jitterUs) {
            o << us(imp.jitterUs);
            if (imp.distribution != Impairment::Distribution::Uniform)  // netem's jitter without a table is uniform
                o << QStringLiteral("distribution") << protocol::distributionName(imp.distribution);
        }
    }
    if (imp.burst)
        o << QStringLiteral("loss") << QStringLiteral("gemodel") << pct(imp.burst->p) << pct(imp.burst->r)
          << pct(imp.burst->lossBad) << pct(imp.burst->lossGood);
    else if (imp.lossPercent > 0)
        o << QStringLiteral("loss") << QStringLiteral("random") << pct(imp.lossPercent);
    if (imp.duplicatePercent > 0)
        o << QStringLiteral("duplicate") << pct(imp.duplicatePercent);
    if (imp.corruptPercent > 0)
        o << QStringLiteral("corrupt") << pct(imp.corruptPercent);
    return o;
}

}  // namespace

QString toolNumber(double v)
{
    QString s = QString::number(v, 'f', 3);
    while (s.contains(u'.') && (s.endsWith(u'0') || s.endsWith(u'.')))
        s.chop(1);
    return s;
}

QStringList wirefilterOptions(const Impairment &lr, const Impairment &rl, bool down, QStringList *notes)
{
    QStringList out;
    directionOptions(lr, "LR", down, &out, notes);
    directionOptions(rl, "RL", down, &out, notes);
    if ((lr.reorder && lr.jitterUs) || (rl.reorder && rl.jitterUs)) {
        out << QStringLiteral("-N");
        if (lr.reorder != rl.reorder)
            addNote(notes, QStringLiteral("wirefilter reorders both directions or neither; both may reorder here"));
    }
    return out;
}

QList<QStringList> tcRootCommands(const QString &ifname, const Impairment &imp)
{
    if (imp.isNone())
        return {};
    QList<QStringList> cmds;
    cmds << (QStringList{QStringLiteral("qdisc"), QStringLiteral("replace"), QStringLiteral("dev"), ifname, QStringLiteral("root"),
                         QStringLiteral("handle"), QStringLiteral("1:"), QStringLiteral("netem")}
             << netemOptions(imp));
    const QStringList child{QStringLiteral("qdisc"), QStringLiteral("replace"), QStringLiteral("dev"), ifname,
                            QStringLiteral("parent"), QStringLiteral("1:1"), QStringLiteral("handle"), QStringLiteral("2:")};
    if (imp.rateBitsPerSecond) {
        // Burst: 10 ms at the rate, at least two full frames; limit: the queue bound.
        const std::uint64_t burst = std::max<std::uint64_t>(3200, imp.rateBitsPerSecond / 8 / 100);
        cmds << (QStringList(child) << QStringLiteral("tbf") << QStringLiteral("rate")
                                    << QString::number(imp.rateBitsPerSecond) + QStringLiteral("bit") << QStringLiteral("burst")
                                    << QString::number(burst) << QStringLiteral("limit") << QString::number(imp.effectiveQueueBytes()));
    } else if (imp.jitterUs && !imp.reorder) {
        // netem's own queue sorts by send time, so jitter would reorder; a FIFO child keeps order.
        cmds << (QStringList(child) << QStringLiteral("pfifo") << QStringLiteral("limit") << QStringLiteral("1000"));
    }
    return cmds;
}

QList<QStringList> tcIngressRedirect(const protocol::ImpairmentSpec &spec)
{
    return {{QStringLiteral("qdisc"), QStringLiteral("replace"), QStringLiteral("dev"), spec.ifname, QStringLiteral("handle"),
             QStringLiteral("ffff:"), QStringLiteral("ingress")},
            // A u32 filter matching every frame, as the helper installs it (cls_matchall is
            // missing from some kernels; u32 is everywhere).
            {QStringLiteral("filter"), QStringLiteral("replace"), QStringLiteral("dev"), spec.ifname, QStringLiteral("parent"),
             QStringLiteral("ffff:"), QStringLiteral("protocol"), QStringLiteral("all"), QStringLiteral("pref"), QStringLiteral("1"),
             QStringLiteral("u32"), QStringLiteral("match"), QStringLiteral("u32"), QStringLiteral("0"), QStringLiteral("0"),
             QStringLiteral("action"), QStringLiteral("mirred"), QStringLiteral("egress"), QStringLiteral("redirect"),
             QStringLiteral("dev"), spec.ifbIfname}};
}

}  // namespace netloom::exporter
