// SPDX-License-Identifier: GPL-3.0-or-later
#include "protocol/impairment.h"

#include <QJsonValue>
#include <QRegularExpression>
#include <QSet>
#include <QStringList>

#include <cmath>

namespace netloom::protocol {

namespace {

Error bad(const QString &field, const QString &why)
{
    return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("check impairment"), field, why);
}

QString fmtNumber(double v)
{
    // Up to 4 decimals, no trailing zeros: 1, 0.5, 0.0125.
    QString s = QString::number(v, 'f', 4);
    while (s.contains(QLatin1Char('.')) && (s.endsWith(QLatin1Char('0')) || s.endsWith(QLatin1Char('.'))))
        s.chop(1);
    return s;
}

QString fmtDuration(std::uint32_t us)
{
    if (us % 1000000 == 0 && us != 0)
        return QStringLiteral("%1s").arg(us / 1000000);
    if (us % 1000 == 0)
        return QStringLiteral("%1ms").arg(us / 1000);
    return QStringLiteral("%1us").arg(us);
}

QString humanDuration(std::uint32_t us)
{
    if (us >= 1000000 && us % 1000000 == 0)
        return QStringLiteral("%1 s").arg(us / 1000000);
    if (us % 1000 == 0)
        return QStringLiteral("%1 ms").arg(us / 1000);
    return QStringLiteral("%1 ms").arg(fmtNumber(us / 1000.0));
}

QString fmtRate(std::uint64_t bps)
{
    if (bps % 1000000000 == 0)
        return QStringLiteral("%1gbit").arg(bps / 1000000000);
    if (bps % 1000000 == 0)
        return QStringLiteral("%1mbit").arg(bps / 1000000);
    if (bps % 1000 == 0)
        return QStringLiteral("%1kbit").arg(bps / 1000);
    return QStringLiteral("%1bit").arg(bps);
}

QString humanRate(std::uint64_t bps)
{
    if (bps >= 1000000000)
        return QStringLiteral("%1 Gbit/s").arg(fmtNumber(bps / 1e9));
    if (bps >= 1000000)
        return QStringLiteral("%1 Mbit/s").arg(fmtNumber(bps / 1e6));
    if (bps >= 1000)
        return QStringLiteral("%1 kbit/s").arg(fmtNumber(bps / 1e3));
    return QStringLiteral("%1 bit/s").arg(bps);
}

// "<number><unit>" split; number is a plain decimal (no sign, no exponent).
bool splitNumber(const QString &text, double *value, QString *unit)
{
    static const QRegularExpression re(QStringLiteral("^([0-9]+(?:\\.[0-9]+)?)([a-z%]*)$"));
    const auto m = re.match(text);
    if (!m.hasMatch())
        return false;
    bool ok = false;
    *value = m.captured(1).toDouble(&ok);
    *unit = m.captured(2);
    return ok && std::isfinite(*value);
}

Result<std::uint32_t> parseDuration(const QString &key, const QString &text, std::uint32_t maxUs)
{
    double v = 0;
    QString unit;
    if (!splitNumber(text, &v, &unit))
        return bad(key, QStringLiteral("'%1' is not a duration (e.g. 20ms, 500us, 1s)").arg(text));
    double scale = 0;
    if (unit.isEmpty() || unit == QStringLiteral("ms"))
        scale = 1000;
    else if (unit == QStringLiteral("us"))
        scale = 1;
    else if (unit == QStringLiteral("s"))
        scale = 1e6;
    else
        return bad(key, QStringLiteral("unknown unit '%1' in '%2' (us, ms or s)").arg(unit, text));
    const double us = std::round(v * scale);
    if (us > maxUs)
        return bad(key, QStringLiteral("%1 is above the limit of %2").arg(text, humanDuration(maxUs)));
    return std::uint32_t(us);
}

Result<double> parsePercent(const QString &key, const QString &text)
{
    double v = 0;
    QString unit;
    if (!splitNumber(text, &v, &unit) || (!unit.isEmpty() && unit != QStringLiteral("%")))
        return bad(key, QStringLiteral("'%1' is not a percentage (e.g. 1%, 0.5%)").arg(text));
    if (v > 100)
        return bad(key, QStringLiteral("%1 is above 100%").arg(text));
    return v;
}

Result<std::uint64_t> parseRate(const QString &key, const QString &text)
{
    double v = 0;
    QString unit;
    if (!splitNumber(text, &v, &unit))
        return bad(key, QStringLiteral("'%1' is not a rate (e.g. 10mbit, 512kbit)").arg(text));
    double scale = 0;
    if (unit.isEmpty() || unit == QStringLiteral("bit"))
        scale = 1;
    else if (unit == QStringLiteral("kbit"))
        scale = 1e3;
    else if (unit == QStringLiteral("mbit"))
        scale = 1e6;
    else if (unit == QStringLiteral("gbit"))
        scale = 1e9;
    else
        return bad(key, QStringLiteral("unknown unit '%1' in '%2' (bit, kbit, mbit or gbit per second)").arg(unit, text));
    const double bps = std::round(v * scale);
    if (bps == 0)
        return bad(key, QStringLiteral("a rate of 0 carries nothing; leave the rate out for no limit, or set the link down"));
    if (bps < double(impair::kMinRateBps) || bps > double(impair::kMaxRateBps))
        return bad(key, QStringLiteral("%1 is outside %2..%3").arg(text, humanRate(impair::kMinRateBps),
                                                                    humanRate(impair::kMaxRateBps)));
    return std::uint64_t(bps);
}

bool percentOk(double v) { return std::isfinite(v) && v >= 0 && v <= 100; }

}  // namespace

bool Impairment::isNone() const
{
    return *this == Impairment{};
}

std::uint32_t Impairment::effectiveQueueBytes() const
{
    if (rateBitsPerSecond == 0)
        return 0;
    if (queueBytes)
        return queueBytes;
    const std::uint64_t us = queueUs ? queueUs : 100'000;
    const std::uint64_t bytes = rateBitsPerSecond / 8 * us / 1'000'000;
    const std::uint64_t floor = queueUs ? impair::kMinQueueBytes : 64 * 1024;
    return std::uint32_t(std::min<std::uint64_t>(std::max(bytes, floor), impair::kMaxQueueBytes));
}

QString mirrorDirectionName(MirrorDirection d)
{
    switch (d) {
    case MirrorDirection::Rx: return QStringLiteral("rx");
    case MirrorDirection::Tx: return QStringLiteral("tx");
    case MirrorDirection::Both: break;
    }
    return QStringLiteral("both");
}

bool mirrorDirectionFromName(const QString &name, MirrorDirection *out)
{
    for (MirrorDirection d : {MirrorDirection::Rx, MirrorDirection::Tx, MirrorDirection::Both}) {
        if (name == mirrorDirectionName(d)) {
            *out = d;
            return true;
        }
    }
    return false;
}

QString distributionName(Impairment::Distribution d)
{
    switch (d) {
    case Impairment::Distribution::Uniform: return QStringLiteral("uniform");
    case Impairment::Distribution::Normal: return QStringLiteral("normal");
    case Impairment::Distribution::Pareto: return QStringLiteral("pareto");
    case Impairment::Distribution::ParetoNormal: return QStringLiteral("paretonormal");
    }
    return QStringLiteral("normal");
}

bool distributionFromName(const QString &name, Impairment::Distribution *out)
{
    for (auto d : {Impairment::Distribution::Uniform, Impairment::Distribution::Normal,
                   Impairment::Distribution::Pareto, Impairment::Distribution::ParetoNormal}) {
        if (distributionName(d) == name) {
            *out = d;
            return true;
        }
    }
    return false;
}

Status validateImpairment(const Impairment &imp)
{
    if (imp.delayUs > impair::kMaxDelayUs)
        return bad(QStringLiteral("delay"), QStringLiteral("%1 is above the limit of %2")
                                                .arg(humanDuration(imp.delayUs), humanDuration(impair::kMaxDelayUs)));
    if (imp.jitterUs > impair::kMaxJitterUs)
        return bad(QStringLiteral("jitter"), QStringLiteral("%1 is above the limit of %2")
                                                 .arg(humanDuration(imp.jitterUs), humanDuration(impair::kMaxJitterUs)));
    if (imp.jitterUs > 0 && imp.delayUs == 0)
        return bad(QStringLiteral("jitter"), QStringLiteral("jitter needs a delay to vary around"));
    if (!percentOk(imp.lossPercent))
        return bad(QStringLiteral("loss"), QStringLiteral("%1% is not within 0..100%").arg(imp.lossPercent));
    if (imp.burst) {
        const GilbertElliott &g = *imp.burst;
        if (!percentOk(g.p) || g.p <= 0)
            return bad(QStringLiteral("gemodel"), QStringLiteral("p (good to bad) must be within (0..100%]"));
        if (!percentOk(g.r) || g.r <= 0)
            return bad(QStringLiteral("gemodel"), QStringLiteral("r (bad to good) must be within (0..100%]"));
        if (!percentOk(g.lossBad) || !percentOk(g.lossGood))
            return bad(QStringLiteral("gemodel"), QStringLiteral("the loss of each state must be within 0..100%"));
        if (imp.lossPercent > 0)
            return bad(QStringLiteral("loss"), QStringLiteral("random loss and a Gilbert-Elliott model exclude each other"));
    }
    if (!percentOk(imp.duplicatePercent))
        return bad(QStringLiteral("duplicate"), QStringLiteral("%1% is not within 0..100%").arg(imp.duplicatePercent));
    if (!percentOk(imp.corruptPercent))
        return bad(QStringLiteral("corrupt"), QStringLiteral("%1% is not within 0..100%").arg(imp.corruptPercent));
    if (imp.rateBitsPerSecond != 0 &&
        (imp.rateBitsPerSecond < impair::kMinRateBps || imp.rateBitsPerSecond > impair::kMaxRateBps))
        return bad(QStringLiteral("rate"), QStringLiteral("%1 is outside %2..%3")
                                               .arg(humanRate(imp.rateBitsPerSecond), humanRate(impair::kMinRateBps),
                                                    humanRate(impair::kMaxRateBps)));
    if (imp.queueBytes && imp.queueUs)
        return bad(QStringLiteral("queue"), QStringLiteral("give the queue limit in bytes or in time, not both"));
    if ((imp.queueBytes || imp.queueUs) && imp.rateBitsPerSecond == 0)
        return bad(QStringLiteral("queue"), QStringLiteral("a queue limit needs a rate limit"));
    if (imp.queueBytes && (imp.queueBytes < impair::kMinQueueBytes || imp.queueBytes > impair::kMaxQueueBytes))
        return bad(QStringLiteral("queue"), QStringLiteral("%1 bytes is outside %2..%3 bytes")
                                                .arg(imp.queueBytes)
                                                .arg(impair::kMinQueueBytes)
                                                .arg(impair::kMaxQueueBytes));
    if (imp.queueUs && (imp.queueUs < impair::kMinQueueUs || imp.queueUs > impair::kMaxQueueUs))
        return bad(QStringLiteral("queue"), QStringLiteral("%1 is outside %2..%3")
                                                .arg(humanDuration(imp.queueUs), humanDuration(impair::kMinQueueUs),
                                                     humanDuration(impair::kMaxQueueUs)));
    return ok();
}

Result<Impairment> parseImpairmentSpec(const QString &spec)
{
    if (spec.size() > impair::kMaxSpecChars)
        return bad(QStringLiteral("spec"), QStringLiteral("longer than %1 characters").arg(impair::kMaxSpecChars));
    Impairment imp;
    if (spec.trimmed() == QStringLiteral("none"))
        return imp;
    if (spec.trimmed().isEmpty())
        return bad(QStringLiteral("spec"), QStringLiteral("empty (use 'none' for no impairment)"));
    QSet<QString> seen;
    const QStringList items = spec.split(QLatin1Char(','));
    for (const QString &raw : items) {
        const QString item = raw.trimmed();
        const qsizetype eq = item.indexOf(QLatin1Char('='));
        const QString key = (eq < 0 ? item : item.left(eq)).toLower();
        const QString value = eq < 0 ? QString() : item.mid(eq + 1).trimmed().toLower();
        if (key.isEmpty())
            return bad(QStringLiteral("spec"), QStringLiteral("empty item in '%1'").arg(spec));
        if (seen.contains(key))
            return bad(key, QStringLiteral("given twice"));
        seen.insert(key);
        if (key == QStringLiteral("reorder")) {
            if (!value.isEmpty() && value != QStringLiteral("on") && value != QStringLiteral("off"))
                return bad(key, QStringLiteral("'%1' is not on or off").arg(value));
            imp.reorder = value != QStringLiteral("off");
            continue;
        }
        if (eq < 0 || value.isEmpty())
            return bad(key, QStringLiteral("needs a value (%1=...)").arg(key));
        if (key == QStringLiteral("delay")) {
            auto v = parseDuration(key, value, impair::kMaxDelayUs);
            if (!v)
                return v.error();
            imp.delayUs = *v;
        } else if (key == QStringLiteral("jitter")) {
            auto v = parseDuration(key, value, impair::kMaxJitterUs);
            if (!v)
                return v.error();
            imp.jitterUs = *v;
        } else if (key == QStringLiteral("dist")) {
            if (!distributionFromName(value, &imp.distribution))
                return bad(key, QStringLiteral("'%1' is not uniform, normal, pareto or paretonormal").arg(value));
        } else if (key == QStringLiteral("loss")) {
            auto v = parsePercent(key, value);
            if (!v)
                return v.error();
            imp.lossPercent = *v;
        } else if (key == QStringLiteral("gemodel")) {
            const QStringList parts = value.split(QLatin1Char('/'));
            if (parts.size() < 2 || parts.size() > 4)
                return bad(key, QStringLiteral("'%1' is not P%/R%[/BAD%[/GOOD%]]").arg(value));
            GilbertElliott g;
            double *fields[] = {&g.p, &g.r, &g.lossBad, &g.lossGood};
            for (int i = 0; i < parts.size(); ++i) {
                auto v = parsePercent(key, parts[i]);
                if (!v)
                    return v.error();
                *fields[i] = *v;
            }
            imp.burst = g;
        } else if (key == QStringLiteral("duplicate")) {
            auto v = parsePercent(key, value);
            if (!v)
                return v.error();
            imp.duplicatePercent = *v;
        } else if (key == QStringLiteral("corrupt")) {
            auto v = parsePercent(key, value);
            if (!v)
                return v.error();
            imp.corruptPercent = *v;
        } else if (key == QStringLiteral("rate")) {
            auto v = parseRate(key, value);
            if (!v)
                return v.error();
            imp.rateBitsPerSecond = *v;
        } else if (key == QStringLiteral("queue")) {
            double n = 0;
            QString unit;
            if (!splitNumber(value, &n, &unit))
                return bad(key, QStringLiteral("'%1' is not a size (64kb) or a duration (50ms)").arg(value));
            if (unit == QStringLiteral("ms") || unit == QStringLiteral("us") || unit == QStringLiteral("s")) {
                auto v = parseDuration(key, value, impair::kMaxQueueUs);
                if (!v)
                    return v.error();
                imp.queueUs = *v;
                if (imp.queueUs == 0)
                    return bad(key, QStringLiteral("a queue of 0 holds nothing"));
            } else {
                double scale = 0;
                if (unit.isEmpty() || unit == QStringLiteral("b"))
                    scale = 1;
                else if (unit == QStringLiteral("kb"))
                    scale = 1024;
                else if (unit == QStringLiteral("mb"))
                    scale = 1024 * 1024;
                else
                    return bad(key, QStringLiteral("unknown unit '%1' in '%2' (b, kb, mb, us, ms or s)").arg(unit, value));
                const double bytes = std::round(n * scale);
                if (bytes > double(impair::kMaxQueueBytes) || bytes < 1)
                    return bad(key, QStringLiteral("%1 is outside %2..%3 bytes")
                                        .arg(value)
                                        .arg(impair::kMinQueueBytes)
                                        .arg(impair::kMaxQueueBytes));
                imp.queueBytes = std::uint32_t(bytes);
            }
        } else {
            return bad(key, QStringLiteral("unknown key (delay, jitter, dist, reorder, loss, gemodel, duplicate, "
                                           "corrupt, rate, queue)"));
        }
    }
    if (auto s = validateImpairment(imp); !s)
        return s.error();
    return imp;
}

QString toSpec(const Impairment &imp)
{
    if (imp.isNone())
        return QStringLiteral("none");
    QStringList out;
    if (imp.delayUs)
        out << QStringLiteral("delay=%1").arg(fmtDuration(imp.delayUs));
    if (imp.jitterUs)
        out << QStringLiteral("jitter=%1").arg(fmtDuration(imp.jitterUs));
    if (imp.distribution != Impairment::Distribution::Normal)
        out << QStringLiteral("dist=%1").arg(distributionName(imp.distribution));
    if (imp.reorder)
        out << QStringLiteral("reorder");
    if (imp.lossPercent > 0)
        out << QStringLiteral("loss=%1%").arg(fmtNumber(imp.lossPercent));
    if (imp.burst)
        out << QStringLiteral("gemodel=%1%/%2%/%3%/%4%")
                   .arg(fmtNumber(imp.burst->p), fmtNumber(imp.burst->r), fmtNumber(imp.burst->lossBad),
                        fmtNumber(imp.burst->lossGood));
    if (imp.duplicatePercent > 0)
        out << QStringLiteral("duplicate=%1%").arg(fmtNumber(imp.duplicatePercent));
    if (imp.corruptPercent > 0)
        out << QStringLiteral("corrupt=%1%").arg(fmtNumber(imp.corruptPercent));
    if (imp.rateBitsPerSecond)
        out << QStringLiteral("rate=%1").arg(fmtRate(imp.rateBitsPerSecond));
    if (imp.queueBytes)
        out << QStringLiteral("queue=%1b").arg(imp.queueBytes);
    if (imp.queueUs)
        out << QStringLiteral("queue=%1").arg(fmtDuration(imp.queueUs));
    return out.join(QLatin1Char(','));
}

QString summary(const Impairment &imp)
{
    QStringList out;
    if (imp.delayUs) {
        QString d = humanDuration(imp.delayUs);
        if (imp.jitterUs)
            d += QStringLiteral(" ± %1").arg(fmtNumber(imp.jitterUs / 1000.0));
        out << d;
    }
    if (imp.burst)
        out << QStringLiteral("burst loss (mean %1 frames)").arg(fmtNumber(100.0 / imp.burst->r));
    else if (imp.lossPercent > 0)
        out << QStringLiteral("%1% loss").arg(fmtNumber(imp.lossPercent));
    if (imp.duplicatePercent > 0)
        out << QStringLiteral("%1% dup").arg(fmtNumber(imp.duplicatePercent));
    if (imp.corruptPercent > 0)
        out << QStringLiteral("%1% corrupt").arg(fmtNumber(imp.corruptPercent));
    if (imp.rateBitsPerSecond)
        out << humanRate(imp.rateBitsPerSecond);
    return out.join(QStringLiteral(", "));
}

QJsonObject toJson(const Impairment &imp)
{
    QJsonObject o;
    if (imp.delayUs)
        o.insert(QStringLiteral("delayMs"), imp.delayUs / 1000.0);
    if (imp.jitterUs)
        o.insert(QStringLiteral("jitterMs"), imp.jitterUs / 1000.0);
    if (imp.distribution != Impairment::Distribution::Normal)
        o.insert(QStringLiteral("distribution"), distributionName(imp.distribution));
    if (imp.reorder)
        o.insert(QStringLiteral("reorder"), true);
    if (imp.lossPercent > 0)
        o.insert(QStringLiteral("lossPercent"), imp.lossPercent);
    if (imp.burst)
        o.insert(QStringLiteral("gilbertElliott"), QJsonObject{{QStringLiteral("p"), imp.burst->p},
                                                               {QStringLiteral("r"), imp.burst->r},
                                                               {QStringLiteral("lossBad"), imp.burst->lossBad},
                                                               {QStringLiteral("lossGood"), imp.burst->lossGood}});
    if (imp.duplicatePercent > 0)
        o.insert(QStringLiteral("duplicatePercent"), imp.duplicatePercent);
    if (imp.corruptPercent > 0)
        o.insert(QStringLiteral("corruptPercent"), imp.corruptPercent);
    if (imp.rateBitsPerSecond)
        o.insert(QStringLiteral("rateBitsPerSecond"), double(imp.rateBitsPerSecond));
    if (imp.queueBytes)
        o.insert(QStringLiteral("queueBytes"), double(imp.queueBytes));
    if (imp.queueUs)
        o.insert(QStringLiteral("queueMs"), imp.queueUs / 1000.0);
    return o;
}

Result<Impairment> impairmentFromJson(const QJsonObject &o, const QString &where)
{
    auto fail = [&where](const QString &member, const QString &why) {
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("read impairment"),
                             QStringLiteral("%1.%2").arg(where, member), why);
    };
    static const QSet<QString> known = {
        QStringLiteral("delayMs"),          QStringLiteral("jitterMs"),       QStringLiteral("distribution"),
        QStringLiteral("reorder"),          QStringLiteral("lossPercent"),    QStringLiteral("gilbertElliott"),
        QStringLiteral("duplicatePercent"), QStringLiteral("corruptPercent"), QStringLiteral("rateBitsPerSecond"),
        QStringLiteral("queueBytes"),       QStringLiteral("queueMs")};
    for (auto it = o.begin(); it != o.end(); ++it)
        if (!known.contains(it.key()))
            return fail(it.key(), QStringLiteral("unknown member"));
    Impairment imp;
    // A number within [0, max]; absent = 0.
    auto number = [&](const QString &key, double max, double *out) -> Status {
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return ok();
        if (!v.isDouble() || !std::isfinite(v.toDouble()) || v.toDouble() < 0 || v.toDouble() > max)
            return fail(key, QStringLiteral("must be a number within 0..%1").arg(max));
        *out = v.toDouble();
        return ok();
    };
    double delayMs = 0, jitterMs = 0, rate = 0, qBytes = 0, qMs = 0;
    for (auto s : {number(QStringLiteral("delayMs"), impair::kMaxDelayUs / 1000.0, &delayMs),
                   number(QStringLiteral("jitterMs"), impair::kMaxJitterUs / 1000.0, &jitterMs),
                   number(QStringLiteral("lossPercent"), 100, &imp.lossPercent),
                   number(QStringLiteral("duplicatePercent"), 100, &imp.duplicatePercent),
                   number(QStringLiteral("corruptPercent"), 100, &imp.corruptPercent),
                   number(QStringLiteral("rateBitsPerSecond"), double(impair::kMaxRateBps), &rate),
                   number(QStringLiteral("queueBytes"), impair::kMaxQueueBytes, &qBytes),
                   number(QStringLiteral("queueMs"), impair::kMaxQueueUs / 1000.0, &qMs)}) {
        if (!s)
            return s.error();
    }
    if (rate != std::floor(rate) || qBytes != std::floor(qBytes))
        return fail(rate != std::floor(rate) ? QStringLiteral("rateBitsPerSecond") : QStringLiteral("queueBytes"),
                    QStringLiteral("must be a whole number"));
    imp.delayUs = std::uint32_t(std::llround(delayMs * 1000));
    imp.jitterUs = std::uint32_t(std::llround(jitterMs * 1000));
    imp.rateBitsPerSecond = std::uint64_t(rate);
    imp.queueBytes = std::uint32_t(qBytes);
    imp.queueUs = std::uint32_t(std::llround(qMs * 1000));
    if (const QJsonValue d = o.value(QStringLiteral("distribution")); !d.isUndefined()) {
        if (!d.isString() || !distributionFromName(d.toString(), &imp.distribution))
            return fail(QStringLiteral("distribution"), QStringLiteral("must be uniform, normal, pareto or paretonormal"));
    }
    if (const QJsonValue r = o.value(QStringLiteral("reorder")); !r.isUndefined()) {
        if (!r.isBool())
            return fail(QStringLiteral("reorder"), QStringLiteral("must be true or false"));
        imp.reorder = r.toBool();
    }
    if (const QJsonValue g = o.value(QStringLiteral("gilbertElliott")); !g.isUndefined()) {
        if (!g.isObject())
            return fail(QStringLiteral("gilbertElliott"), QStringLiteral("must be an object"));
        const QJsonObject go = g.toObject();
        GilbertElliott ge;
        static const QSet<QString> geKnown = {QStringLiteral("p"), QStringLiteral("r"), QStringLiteral("lossBad"),
                                              QStringLiteral("lossGood")};
        for (auto it = go.begin(); it != go.end(); ++it)
            if (!geKnown.contains(it.key()))
                return fail(QStringLiteral("gilbertElliott.") + it.key(), QStringLiteral("unknown member"));
        const std::pair<const char *, double *> fields[] = {
            {"p", &ge.p}, {"r", &ge.r}, {"lossBad", &ge.lossBad}, {"lossGood", &ge.lossGood}};
        for (const auto &[name, out] : fields) {
            const QJsonValue v = go.value(QLatin1String(name));
            if (v.isUndefined())
                continue;
            if (!v.isDouble() || !percentOk(v.toDouble()))
                return fail(QStringLiteral("gilbertElliott.%1").arg(QLatin1String(name)),
                            QStringLiteral("must be a percentage within 0..100"));
            *out = v.toDouble();
        }
        if (!go.contains(QStringLiteral("p")))
            return fail(QStringLiteral("gilbertElliott.p"), QStringLiteral("missing"));
        imp.burst = ge;
    }
    if (auto s = validateImpairment(imp); !s)
        return s.error().context(where);
    return imp;
}

}  // namespace netloom::protocol
