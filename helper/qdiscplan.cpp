// SPDX-License-Identifier: GPL-3.0-or-later
#include "qdiscplan.h"

#include <QList>

#include <algorithm>
#include <cmath>
#include <limits>

namespace netloom::helper {

using protocol::Impairment;

std::uint32_t netemProbability(double percent)
{
    const double p = std::clamp(percent, 0.0, 100.0) / 100.0;
    return std::uint32_t(std::llround(p * double(std::numeric_limits<std::uint32_t>::max())));
}

QdiscPlan planQdiscs(const Impairment &imp, std::uint32_t frameBytes)
{
    QdiscPlan plan;
    if (imp.delayUs || imp.jitterUs || imp.hasLoss() || imp.duplicatePercent > 0 || imp.corruptPercent > 0) {
        NetemParams n;
        n.latencyNs = std::int64_t(imp.delayUs) * 1000;
        n.jitterNs = std::int64_t(imp.jitterUs) * 1000;
        if (imp.burst) {
            n.gilbertElliott = GeProbabilities{netemProbability(imp.burst->p), netemProbability(imp.burst->r),
                                               netemProbability(100.0 - imp.burst->lossBad),
                                               netemProbability(imp.burst->lossGood)};
        } else {
            n.loss = netemProbability(imp.lossPercent);
        }
        n.duplicate = netemProbability(imp.duplicatePercent);
        n.corrupt = netemProbability(imp.corruptPercent);
        if (imp.jitterUs > 0) {
            n.distribution = imp.distribution;
            if (!imp.reorder)
                n.rateBytes = qdisc::kInOrderRateBytes;
        }
        plan.netem = n;
    }
    if (imp.rateBitsPerSecond > 0) {
        TbfParams t;
        t.rateBytes = std::max<std::uint64_t>(imp.rateBitsPerSecond / 8, 1);
        const std::uint64_t burst = std::max<std::uint64_t>(t.rateBytes / 1000, 2ull * frameBytes);
        t.burstBytes = std::uint32_t(std::min<std::uint64_t>(burst, qdisc::kMaxBurstBytes));
        t.limitBytes = imp.effectiveQueueBytes();
        plan.tbf = t;
    }
    return plan;
}

QString QdiscPlan::describe() const
{
    QStringList parts;
    if (netem) {
        QString s = QStringLiteral("netem delay=%1ns jitter=%2ns limit=%3").arg(netem->latencyNs).arg(netem->jitterNs).arg(netem->limitPackets);
        if (netem->gilbertElliott)
            s += QStringLiteral(" ge=%1/%2/%3/%4")
                     .arg(netem->gilbertElliott->p)
                     .arg(netem->gilbertElliott->r)
                     .arg(netem->gilbertElliott->h)
                     .arg(netem->gilbertElliott->k1);
        else
            s += QStringLiteral(" loss=%1").arg(netem->loss);
        s += QStringLiteral(" duplicate=%1 corrupt=%2 rate=%3").arg(netem->duplicate).arg(netem->corrupt).arg(netem->rateBytes);
        if (netem->distribution)
            s += QStringLiteral(" dist=%1").arg(protocol::distributionName(*netem->distribution));
        parts << s;
    }
    if (tbf)
        parts << QStringLiteral("tbf rate=%1B/s burst=%2 limit=%3").arg(tbf->rateBytes).arg(tbf->burstBytes).arg(tbf->limitBytes);
    return parts.isEmpty() ? QStringLiteral("none") : parts.join(QStringLiteral(" | "));
}

QString distributionFile(Impairment::Distribution d)
{
    switch (d) {
    case Impairment::Distribution::Uniform: return {};
    case Impairment::Distribution::Normal: return QStringLiteral("normal.dist");
    case Impairment::Distribution::Pareto: return QStringLiteral("pareto.dist");
    case Impairment::Distribution::ParetoNormal: return QStringLiteral("paretonormal.dist");
    }
    return {};
}

std::vector<std::int16_t> uniformTable()
{
    // Entry i is the centre of the i-th of kUniformEntries equal slices of [-1, 1) sigma.
    std::vector<std::int16_t> t(qdisc::kUniformEntries);
    for (int i = 0; i < qdisc::kUniformEntries; ++i) {
        const double x = -1.0 + (2.0 * i + 1.0) / qdisc::kUniformEntries;
        t[size_t(i)] = std::int16_t(std::lround(x * qdisc::kDistScale));
    }
    return t;
}

Result<std::vector<std::int16_t>> parseDistributionTable(const QByteArray &text, const QString &name)
{
    const auto bad = [&](const QString &why) {
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("read distribution table"), name, why);
    };
    if (text.size() > qdisc::kMaxDistFileBytes)
        return bad(QStringLiteral("the file is larger than %1 bytes").arg(qdisc::kMaxDistFileBytes));
    std::vector<std::int16_t> out;
    for (const QByteArray &line : text.split('\n')) {
        const QByteArray t = line.trimmed();
        if (t.isEmpty() || t.startsWith('#'))
            continue;
        for (const QByteArray &word : t.simplified().split(' ')) {
            bool ok = false;
            const int v = word.toInt(&ok);
            if (!ok || v < std::numeric_limits<std::int16_t>::min() || v > std::numeric_limits<std::int16_t>::max())
                return bad(QStringLiteral("'%1' is not a 16-bit integer").arg(QString::fromLatin1(word.left(16))));
            if (int(out.size()) == qdisc::kDistMaxEntries)
                return bad(QStringLiteral("more than %1 values").arg(qdisc::kDistMaxEntries));
            out.push_back(std::int16_t(v));
        }
    }
    if (out.empty())
        return bad(QStringLiteral("no values"));
    return out;
}

}  // namespace netloom::helper
