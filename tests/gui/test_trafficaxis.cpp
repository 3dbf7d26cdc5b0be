// SPDX-License-Identifier: GPL-3.0-or-later
// The Traffic charts' time axis (issue #16, part 6): at any width its labels never overlap.
// The panel is rendered offscreen with its charts squeezed to several narrow widths, idle
// and with five minutes of samples; the labels' boxes are computed from the axis's tick
// positions and its tick-label font, as QCustomPlot places them, and must keep apart. The
// checker itself is shown to catch the stock date-time ticker's overlap. A screenshot at a
// narrow width is written to <build>/screenshots/traffic-narrow.png (and to
// $NETLOOM_SCREENSHOT_DIR when set).
#include "timeaxisticker.h"
#include "trafficpanel.h"

#include "common/testutil.h"

#include <QDateTime>
#include <QDir>
#include <QSplitter>
#include <QTest>

#include <qcustomplot.h>

using namespace netloom::gui;

namespace {

// Chart widths tried, narrowest first (pixels of the charts' column).
constexpr int kWidths[] = {70, 90, 120, 150, 180, 220, 260, 320, 400, 520, 700, 1000};

// The horizontal extent [left, right) of each tick label of `plot`'s bottom axis.
QList<QPair<double, double>> labelBoxes(QCustomPlot *plot)
{
    QCPAxis *x = plot->xAxis;
    const QFontMetrics fm(x->tickLabelFont());
    const QVector<double> ticks = x->tickVector();
    const QVector<QString> labels = x->tickVectorLabels();
    QList<QPair<double, double>> out;
    for (int i = 0; i < ticks.size() && i < labels.size(); ++i) {
        const double px = x->coordToPixel(ticks[i]);
        const int w = fm.boundingRect(0, 0, 0, 0, Qt::TextDontClip | Qt::AlignHCenter, labels[i]).width();
        out.append({px - w / 2.0, px + w / 2.0});
    }
    return out;
}

// "" when no two labels of `plot`'s time axis touch, else which ones.
QString overlap(QCustomPlot *plot)
{
    const auto boxes = labelBoxes(plot);
    const QVector<QString> labels = plot->xAxis->tickVectorLabels();
    for (int i = 1; i < boxes.size(); ++i)
        if (boxes[i].first < boxes[i - 1].second + 1)
            return QStringLiteral("'%1' [%2..%3] touches '%4' [%5..%6] at axis width %7")
                .arg(labels[i - 1]).arg(boxes[i - 1].first).arg(boxes[i - 1].second)
                .arg(labels[i]).arg(boxes[i].first).arg(boxes[i].second)
                .arg(plot->xAxis->axisRect()->width());
    return {};
}

// Labels whose box lies in the plot's viewport (what QCustomPlot actually draws).
int drawnLabels(QCustomPlot *plot)
{
    int n = 0;
    for (const auto &b : labelBoxes(plot))
        if (b.first >= plot->viewport().left() && b.second <= plot->viewport().right())
            ++n;
    return n;
}

void squeeze(TrafficPanel &panel, int chartWidth)
{
    auto *split = panel.findChild<QSplitter *>();
    QVERIFY(split);
    panel.resize(chartWidth + 160, 360);
    split->setSizes({150, chartWidth});
    QCoreApplication::processEvents();
    panel.packetsPlot()->replot(QCustomPlot::rpImmediateRefresh);
    panel.bitsPlot()->replot(QCustomPlot::rpImmediateRefresh);
}

}  // namespace

class TestTrafficAxis : public QObject {
    Q_OBJECT
private slots:
    void stepIsChosenFromPixels()
    {
        // 60 s over 600 px with 50 px labels: >= 6.2 s apart -> 10 s.
        QCOMPARE(TimeAxisTicker::stepFor(60, 600, 50), 10.0);
        // Narrower: 60 s over 100 px -> >= 37.2 s -> 1 min.
        QCOMPARE(TimeAxisTicker::stepFor(60, 100, 50), 60.0);
        // Five minutes over 70 px -> >= 267 s -> 5 min (one label).
        QCOMPARE(TimeAxisTicker::stepFor(300, 70, 50), 300.0);
        // Wide: never below one second (the format shows seconds).
        QCOMPARE(TimeAxisTicker::stepFor(5, 4000, 50), 1.0);
        // Not laid out yet: no more than the range.
        QVERIFY(TimeAxisTicker::stepFor(60, 0, 50) >= 60.0);
        // Beyond an hour: whole hours.
        QCOMPARE(TimeAxisTicker::stepFor(36'000, 100, 50), 3600.0 * 7);
    }

    // The checker finds the overlap of QCustomPlot's own ticker (so a pass below means
    // something): the stock ticker aims at five ticks whatever the width.
    void checkerCatchesTheStockTicker()
    {
        QCustomPlot plot;
        QSharedPointer<QCPAxisTickerDateTime> stock(new QCPAxisTickerDateTime);
        stock->setDateTimeFormat(QStringLiteral("HH:mm:ss"));
        plot.xAxis->setTicker(stock);
        plot.xAxis->setRange(0, 5);  // the idle panel of before
        plot.resize(160, 150);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        plot.replot(QCustomPlot::rpImmediateRefresh);
        QVERIFY2(!overlap(&plot).isEmpty(), "the stock ticker did not overlap at 160 px: the check proves nothing");
    }

    void idlePanelLabelsNeverOverlap()
    {
        TrafficPanel panel(nullptr);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        for (int w : kWidths) {
            squeeze(panel, w);
            const QString o = overlap(panel.packetsPlot());
            QVERIFY2(o.isEmpty(), qPrintable(o));
        }
    }

    void busyPanelLabelsNeverOverlapAndStayReadable()
    {
        TrafficPanel panel(nullptr);
        const double t0 = double(QDateTime::currentSecsSinceEpoch()) - TrafficPanel::kHistorySeconds;
        for (int i = 0; i < TrafficPanel::kHistorySeconds; ++i)
            panel.addSample(QStringLiteral("lan:1"), QStringLiteral("vm1/nic0"),
                            TrafficSample{t0 + i, 1e6 + 1e4 * (i % 17), 5e5, 100, 50});
        QVERIFY(panel.replotIfDirty());
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        const TimeAxisTicker probe(panel.packetsPlot()->xAxis);
        for (int w : kWidths) {
            squeeze(panel, w);
            QCustomPlot *plot = panel.packetsPlot();
            const QString o = overlap(plot);
            QVERIFY2(o.isEmpty(), qPrintable(o));
            // Readable: as many labels as fit are drawn — two or more once the axis has room
            // for three (so a label is never dropped for nothing).
            const int axisPx = plot->xAxis->axisRect()->width();
            if (axisPx >= 3 * (probe.labelWidth() + TimeAxisTicker::kLabelGapPx))
                QVERIFY2(drawnLabels(plot) >= 2, qPrintable(QStringLiteral("%1 labels at axis width %2").arg(drawnLabels(plot)).arg(axisPx)));
        }
        // A screenshot at a narrow width, for the eye.
        squeeze(panel, 180);
        const QImage shot = panel.grab().toImage();
        QVERIFY(!shot.isNull());
        QStringList dirs{QStringLiteral(NETLOOM_BINARY_DIR "/screenshots")};
        if (!qEnvironmentVariableIsEmpty("NETLOOM_SCREENSHOT_DIR"))
            dirs.append(qEnvironmentVariable("NETLOOM_SCREENSHOT_DIR"));
        for (const QString &d : dirs) {
            QVERIFY(QDir().mkpath(d));
            QVERIFY(shot.save(d + QStringLiteral("/traffic-narrow.png")));
        }
    }
};

QTEST_MAIN(TestTrafficAxis)
#include "test_trafficaxis.moc"
