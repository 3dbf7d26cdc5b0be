// SPDX-License-Identifier: GPL-3.0-or-later
#include "timeaxisticker.h"

#include <QFontMetrics>
#include <QTime>

#include <cmath>

namespace netloom::gui {

TimeAxisTicker::TimeAxisTicker(QCPAxis *axis) : m_axis(axis) {}

double TimeAxisTicker::stepFor(double rangeSeconds, int axisPx, int labelPx)
{
    if (!(rangeSeconds > 0) || axisPx <= 0)
        return std::max(rangeSeconds, 1.0);
    const double minStep = rangeSeconds * double(std::max(labelPx, 0) + kLabelGapPx) / double(axisPx);
    static constexpr double kSteps[] = {1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 300, 600, 900, 1200, 1800, 3600};
    for (double s : kSteps)
        if (s >= minStep)
            return s;
    return std::ceil(minStep / 3600.0) * 3600.0;
}

int TimeAxisTicker::labelWidth() const
{
    const QFontMetrics fm(m_axis ? m_axis->tickLabelFont() : QFont());
    QChar widest = u'0';
    for (char16_t d = u'0'; d <= u'9'; ++d)
        if (fm.horizontalAdvance(QChar(d)) > fm.horizontalAdvance(widest))
            widest = QChar(d);
    QString sample = QTime(23, 59, 59).toString(dateTimeFormat());
    for (QChar &c : sample)
        if (c.isDigit())
            c = widest;
    return fm.boundingRect(0, 0, 0, 0, Qt::TextDontClip | Qt::AlignHCenter, sample).width();
}

double TimeAxisTicker::getTickStep(const QCPRange &range)
{
    mDateStrategy = dsNone;  // plain multiples of the step (steps are at most whole hours)
    const int px = m_axis && m_axis->axisRect() ? m_axis->axisRect()->width() : 0;
    return stepFor(range.size(), px, labelWidth());
}

void fitTimeAxis(QCustomPlot *plot, const QString &format)
{
    QSharedPointer<TimeAxisTicker> ticker(new TimeAxisTicker(plot->xAxis));
    ticker->setDateTimeFormat(format);
    plot->xAxis->setTicker(ticker);
    QObject::connect(plot, &QCustomPlot::afterLayout, plot, [plot] {
        if (QCPAxisRect *r = plot->xAxis->axisRect())
            r->update(QCPLayoutElement::upPreparation);  // ticks again, on the new width
    });
}

}  // namespace netloom::gui
