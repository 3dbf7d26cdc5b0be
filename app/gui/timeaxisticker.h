// SPDX-License-Identifier: GPL-3.0-or-later
// Time-axis ticks whose labels never overlap (issue #16, part 6).
//
// Design note. QCustomPlot's date-time ticker aims at a tick *count* and knows neither the
// axis's width in pixels nor how wide its labels are, so a narrow chart drew
// "00:00:0000:00:01…". TimeAxisTicker picks the step from pixels instead: the smallest
// clock step (1, 2, 5, 10, 15, 20, 30 s, 1, 2, 3, 5, 10, 15, 20, 30 min, 1 h, then whole
// hours) at which neighbouring labels — each as wide as the widest label the format can
// produce in the axis's tick-label font — stay kLabelGapPx apart. Ticks lie on multiples of the step,
// so they do not wander as the range scrolls. A range too short for two labels gets one (or
// none). QCustomPlot derives ticks *before* it lays the plot out, i.e. on the previous
// width; fitTimeAxis() therefore derives them again once the layout is done, so the
// first frame at a new width is already right.
#pragma once

#include <qcustomplot.h>

#include <QString>

namespace netloom::gui {

class TimeAxisTicker : public QCPAxisTickerDateTime {
public:
    // Pixels kept free between two neighbouring labels.
    static constexpr int kLabelGapPx = 12;

    // `axis`: the axis this ticker is installed on (it owns the ticker, so it outlives it).
    explicit TimeAxisTicker(QCPAxis *axis);

    // The tick step in seconds for a range of `rangeSeconds` shown over `axisPx` pixels with
    // labels `labelPx` wide: neighbouring ticks are at least labelPx + kLabelGapPx apart. With
    // no width (not laid out yet) or no range, a step no shorter than the range (at most two
    // ticks, which the next layout corrects). Pure.
    static double stepFor(double rangeSeconds, int axisPx, int labelPx);

    // Width in pixels of the widest label of dateTimeFormat() in the axis's tick-label font
    // (every digit replaced by the widest digit), as QCustomPlot measures a label.
    int labelWidth() const;

protected:
    double getTickStep(const QCPRange &range) override;

private:
    QCPAxis *m_axis;
};

// Installs a TimeAxisTicker showing `format` (a QDateTime format, e.g. "HH:mm:ss") on
// `plot`'s bottom axis, and re-derives that axis's ticks after every layout of the plot.
// Touches: plot->xAxis's ticker, a connection to plot's afterLayout signal.
void fitTimeAxis(QCustomPlot *plot, const QString &format);

}  // namespace netloom::gui
