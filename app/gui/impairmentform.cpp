// SPDX-License-Identifier: GPL-3.0-or-later
#include "impairmentform.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QSignalBlocker>

#include <algorithm>
#include <cmath>
#include <limits>

namespace netloom::gui {

using protocol::GilbertElliott;
using protocol::Impairment;

namespace {

constexpr Impairment::Distribution kDistributions[] = {Impairment::Distribution::Uniform, Impairment::Distribution::Normal,
                                                       Impairment::Distribution::Pareto,
                                                       Impairment::Distribution::ParetoNormal};
constexpr double kRateFactor[] = {1e3, 1e6, 1e9};  // kbit/s, Mbit/s, Gbit/s
enum QueueUnit { QueueBytes, QueueKiB, QueueMs };
// Shown for a new Gilbert–Elliott model: a 1% chance to enter bursts of 4 frames on average.
constexpr GilbertElliott kDefaultBurst{1, 25, 100, 0};

// A non-negative number rounded to an unsigned 32-bit value (saturating: validation then
// names the field as above its limit).
std::uint32_t toU32(double v)
{
    const double r = std::round(std::max(0.0, v));
    return r >= double(std::numeric_limits<std::uint32_t>::max()) ? std::numeric_limits<std::uint32_t>::max()
                                                                    : std::uint32_t(r);
}

}  // namespace

ImpairmentForm::ImpairmentForm(QWidget *parent) : QWidget(parent)
{
    m_layout = new QFormLayout(this);
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_layout->setRowWrapPolicy(QFormLayout::WrapLongRows);
    const QString ms = QStringLiteral(" ms");
    const QString pc = QStringLiteral(" %");
    m_delay = addNumber(QStringLiteral("delay"), tr("Delay"), kMaxMs, 3, ms);
    m_jitter = addNumber(QStringLiteral("jitter"), tr("Jitter"), kMaxMs, 3, ms);
    m_distribution = addCombo(QStringLiteral("distribution"), {tr("uniform"), tr("normal"), tr("Pareto"), tr("Pareto-normal")});
    m_layout->addRow(tr("Jitter distribution"), m_distribution);
    m_reorder = new QCheckBox(this);
    m_reorder->setObjectName(QStringLiteral("reorder"));
    m_reorder->setToolTip(tr("Jitter may reorder frames; off, frames leave in the order they came"));
    m_layout->addRow(tr("Reorder frames"), m_reorder);
    connect(m_reorder, &QCheckBox::toggled, this, &ImpairmentForm::edited);
    m_lossModel = addCombo(QStringLiteral("lossModel"), {tr("random"), tr("bursts (Gilbert–Elliott)")});
    m_layout->addRow(tr("Loss model"), m_lossModel);
    m_loss = addNumber(QStringLiteral("loss"), tr("Loss"), 100, 3, pc);
    m_geP = addNumber(QStringLiteral("geP"), tr("Good \u2192 bad (p)"), 100, 3, pc);
    m_geR = addNumber(QStringLiteral("geR"), tr("Bad \u2192 good (r)"), 100, 3, pc);
    m_geBad = addNumber(QStringLiteral("geBad"), tr("Loss in the bad state"), 100, 3, pc);
    m_geGood = addNumber(QStringLiteral("geGood"), tr("Loss in the good state"), 100, 3, pc);
    m_duplicate = addNumber(QStringLiteral("duplicate"), tr("Duplicate"), 100, 3, pc);
    m_corrupt = addNumber(QStringLiteral("corrupt"), tr("Corrupt"), 100, 3, pc);

    // Rate and queue: a number and its unit on one row.
    auto pair = [this](const QString &label, QDoubleSpinBox *spin, QComboBox *unit) {
        auto *row = new QWidget(this);
        auto *h = new QHBoxLayout(row);
        h->setContentsMargins(0, 0, 0, 0);
        h->addWidget(spin, 1);
        h->addWidget(unit);
        m_layout->addRow(label, row);
    };
    m_rate = addNumber(QStringLiteral("rate"), QString(), kMaxRateUnits, 3, QString(), tr("unlimited"));
    m_rateUnit = addCombo(QStringLiteral("rateUnit"), {QStringLiteral("kbit/s"), QStringLiteral("Mbit/s"), QStringLiteral("Gbit/s")});
    m_rateUnit->setCurrentIndex(1);
    pair(tr("Rate limit"), m_rate, m_rateUnit);
    m_queue = addNumber(QStringLiteral("queue"), QString(), kMaxQueueUnits, 3, QString(), tr("default"));
    m_queue->setToolTip(tr("The rate limit's queue; frames beyond it are dropped (default: 100 ms at the rate, at least 64 KiB)"));
    m_queueUnit = addCombo(QStringLiteral("queueUnit"), {tr("bytes"), QStringLiteral("KiB"), QStringLiteral("ms")});
    m_queueUnit->setCurrentIndex(QueueKiB);
    pair(tr("Queue limit"), m_queue, m_queueUnit);

    connect(m_lossModel, &QComboBox::currentIndexChanged, this, &ImpairmentForm::updateLossRows);
    setFocusProxy(m_delay);
    setImpairment(Impairment{});
}

QDoubleSpinBox *ImpairmentForm::addNumber(const QString &name, const QString &label, double max, int decimals,
                                          const QString &suffix, const QString &zeroText)
{
    auto *spin = new QDoubleSpinBox(this);
    spin->setObjectName(name);
    spin->setRange(0, max);
    spin->setDecimals(decimals);
    spin->setSuffix(suffix);
    spin->setKeyboardTracking(false);
    spin->setSpecialValueText(zeroText);
    connect(spin, &QDoubleSpinBox::editingFinished, this, &ImpairmentForm::edited);
    if (!label.isEmpty())
        m_layout->addRow(label, spin);
    return spin;
}

QComboBox *ImpairmentForm::addCombo(const QString &name, const QStringList &labels)
{
    auto *combo = new QComboBox(this);
    combo->setObjectName(name);
    combo->addItems(labels);
    connect(combo, &QComboBox::activated, this, &ImpairmentForm::edited);
    return combo;
}

void ImpairmentForm::updateLossRows()
{
    const bool burst = m_lossModel->currentIndex() == 1;
    m_layout->setRowVisible(m_loss, !burst);
    for (QDoubleSpinBox *s : {m_geP, m_geR, m_geBad, m_geGood})
        m_layout->setRowVisible(s, burst);
}

void ImpairmentForm::setImpairment(const Impairment &imp)
{
    const QSignalBlocker block(m_reorder);
    m_delay->setValue(imp.delayUs / 1000.0);
    m_jitter->setValue(imp.jitterUs / 1000.0);
    for (int i = 0; i < 4; ++i)
        if (kDistributions[i] == imp.distribution)
            m_distribution->setCurrentIndex(i);
    m_reorder->setChecked(imp.reorder);
    m_writtenReorder = imp.reorder;
    m_lossModel->setCurrentIndex(imp.burst ? 1 : 0);
    m_loss->setValue(imp.lossPercent);
    const GilbertElliott ge = imp.burst.value_or(kDefaultBurst);
    m_geP->setValue(ge.p);
    m_geR->setValue(ge.r);
    m_geBad->setValue(ge.lossBad);
    m_geGood->setValue(ge.lossGood);
    m_duplicate->setValue(imp.duplicatePercent);
    m_corrupt->setValue(imp.corruptPercent);
    // The largest unit that shows the rate exactly with three decimals (a rate of 0 keeps
    // the unit last chosen).
    const std::uint64_t bps = imp.rateBitsPerSecond;
    if (bps) {
        const int unit = bps >= 1'000'000'000 && bps % 1'000'000 == 0 ? 2 : bps >= 1'000'000 && bps % 1'000 == 0 ? 1 : 0;
        m_rateUnit->setCurrentIndex(unit);
        m_rate->setValue(double(bps) / kRateFactor[unit]);
    } else {
        m_rate->setValue(0);
    }
    if (imp.queueUs) {
        m_queueUnit->setCurrentIndex(QueueMs);
        m_queue->setValue(imp.queueUs / 1000.0);
    } else if (imp.queueBytes) {
        const bool kib = imp.queueBytes % 1024 == 0;
        m_queueUnit->setCurrentIndex(kib ? QueueKiB : QueueBytes);
        m_queue->setValue(kib ? imp.queueBytes / 1024.0 : double(imp.queueBytes));
    } else {
        m_queue->setValue(0);
    }
    m_written.clear();
    for (QDoubleSpinBox *s : {m_delay, m_jitter, m_loss, m_geP, m_geR, m_geBad, m_geGood, m_duplicate, m_corrupt, m_rate, m_queue})
        m_written.insert(s, s->value());
    for (QComboBox *c : {m_distribution, m_lossModel, m_rateUnit, m_queueUnit})
        m_written.insert(c, c->currentIndex());
    updateLossRows();
}

bool ImpairmentForm::changed(const QDoubleSpinBox *spin) const
{
    return spin->value() != m_written.value(spin, -1);
}

bool ImpairmentForm::changed(const QComboBox *combo) const
{
    return combo->currentIndex() != int(m_written.value(combo, -1));
}

Result<Impairment> ImpairmentForm::readInto(const Impairment &base) const
{
    Impairment imp = base;
    if (changed(m_delay))
        imp.delayUs = toU32(m_delay->value() * 1000);
    if (changed(m_jitter))
        imp.jitterUs = toU32(m_jitter->value() * 1000);
    if (changed(m_distribution))
        imp.distribution = kDistributions[std::clamp(m_distribution->currentIndex(), 0, 3)];
    if (m_reorder->isChecked() != m_writtenReorder)
        imp.reorder = m_reorder->isChecked();
    if (m_lossModel->currentIndex() == 1) {
        // A new model takes all four numbers shown; an existing one only the edited ones.
        const bool fresh = !imp.burst || changed(m_lossModel);
        GilbertElliott ge = imp.burst.value_or(kDefaultBurst);
        if (fresh || changed(m_geP))
            ge.p = m_geP->value();
        if (fresh || changed(m_geR))
            ge.r = m_geR->value();
        if (fresh || changed(m_geBad))
            ge.lossBad = m_geBad->value();
        if (fresh || changed(m_geGood))
            ge.lossGood = m_geGood->value();
        imp.burst = ge;
        if (fresh)
            imp.lossPercent = 0;  // random loss and bursts exclude each other
    } else {
        if (changed(m_lossModel))
            imp.burst.reset();
        if (changed(m_lossModel) || changed(m_loss))
            imp.lossPercent = m_loss->value();
    }
    if (changed(m_duplicate))
        imp.duplicatePercent = m_duplicate->value();
    if (changed(m_corrupt))
        imp.corruptPercent = m_corrupt->value();
    if (changed(m_rate) || changed(m_rateUnit)) {
        const double bps = std::round(m_rate->value() * kRateFactor[std::clamp(m_rateUnit->currentIndex(), 0, 2)]);
        imp.rateBitsPerSecond = std::uint64_t(std::max(0.0, bps));  // at most 1e15: fits
    }
    if (changed(m_queue) || changed(m_queueUnit)) {
        const double v = m_queue->value();
        imp.queueBytes = 0;
        imp.queueUs = 0;
        switch (m_queueUnit->currentIndex()) {
        case QueueBytes: imp.queueBytes = toU32(v); break;
        case QueueKiB: imp.queueBytes = toU32(v * 1024); break;
        default: imp.queueUs = toU32(v * 1000); break;
        }
    }
    if (Status s = protocol::validateImpairment(imp); !s)
        return s.error();
    return imp;
}

}  // namespace netloom::gui
