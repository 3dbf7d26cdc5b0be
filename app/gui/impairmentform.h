// SPDX-License-Identifier: GPL-3.0-or-later
// The form for one direction of a cable's impairment (protocol/impairment.h): delay, jitter
// with its distribution and reordering, random or Gilbert–Elliott loss, duplication,
// corruption, and a rate limit with its queue bound.
//
// Design note. The form is a plain editor of one protocol::Impairment value and knows
// nothing of documents or undo: the owner writes a value in (setImpairment) and, on each
// commit gesture the form reports (edited()), reads the edited value back (readInto) and
// turns it into one undo command. Numbers are shown in the user's units (ms, %, kbit/s,
// Mbit/s, Gbit/s, bytes, KiB) with a bounded number of decimals, so a value from a file may
// not be representable exactly; readInto therefore starts from the model's value and
// overrides only the fields whose widgets the user changed since the last setImpairment —
// an edit of one field never rounds another. The spin boxes' ranges are wider than the
// impairment's bounds on purpose: protocol::validateImpairment is the one authority, and its
// message (naming the field) is what the user sees for an out-of-bounds value.
#pragma once

#include "base/result.h"
#include "protocol/impairment.h"

#include <QHash>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;

namespace netloom::gui {

class ImpairmentForm : public QWidget {
    Q_OBJECT
public:
    // Spin box upper bounds (10x the impairment's own limits, so validation can say why).
    static constexpr double kMaxMs = 100'000;      // delay, jitter, queue time
    static constexpr double kMaxRateUnits = 1e6;   // in the chosen rate unit
    static constexpr double kMaxQueueUnits = 1e7;  // in the chosen queue unit

    explicit ImpairmentForm(QWidget *parent = nullptr);

    // Shows `imp` in every widget; it becomes the reference readInto compares against.
    // Emits nothing.
    void setImpairment(const protocol::Impairment &imp);
    // Returns `base` with the fields the user changed since setImpairment replaced by the
    // widgets' values, validated with protocol::validateImpairment (its error otherwise).
    // Touches nothing.
    Result<protocol::Impairment> readInto(const protocol::Impairment &base) const;

signals:
    // A commit gesture: Enter or focus loss in a number, a choice picked, a box toggled.
    void edited();

private:
    QDoubleSpinBox *addNumber(const QString &name, const QString &label, double max, int decimals,
                              const QString &suffix, const QString &zeroText = {});
    QComboBox *addCombo(const QString &name, const QStringList &labels);
    bool changed(const QDoubleSpinBox *spin) const;
    bool changed(const QComboBox *combo) const;
    void updateLossRows();

    QFormLayout *m_layout;
    QDoubleSpinBox *m_delay, *m_jitter;
    QComboBox *m_distribution;
    QCheckBox *m_reorder;
    QComboBox *m_lossModel;
    QDoubleSpinBox *m_loss, *m_geP, *m_geR, *m_geBad, *m_geGood;
    QDoubleSpinBox *m_duplicate, *m_corrupt;
    QDoubleSpinBox *m_rate;
    QComboBox *m_rateUnit;
    QDoubleSpinBox *m_queue;
    QComboBox *m_queueUnit;
    // What setImpairment put in each widget (spin values after rounding, combo indices).
    QHash<const QWidget *, double> m_written;
    bool m_writtenReorder = false;
};

}  // namespace netloom::gui
