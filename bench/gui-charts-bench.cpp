// SPDX-License-Identifier: GPL-3.0-or-later
// Cost of live charting: a TrafficPanel (the GUI's own widget, shown) with P ports all chosen
// for comparison, fed synthetic rx/tx samples for every port at R Hz for S seconds; the rings
// are first filled with five minutes of history, so every replot draws full-length graphs
// (the steady state of a long run). Measures the process CPU time (getrusage: user + system)
// over the charting period and prints it as a share of one core.
// Usage: netloom-gui-charts-bench [--ports P] [--hz R] [--seconds S]
#include "trafficpanel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QElapsedTimer>
#include <QTimer>

#include <cmath>
#include <cstdio>

#include <sys/resource.h>

using namespace netloom::gui;

static double cpuSeconds()
{
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption portsOpt(QStringLiteral("ports"), QStringLiteral("ports charted"), QStringLiteral("P"), QStringLiteral("64"));
    const QCommandLineOption hzOpt(QStringLiteral("hz"), QStringLiteral("samples per second per port"), QStringLiteral("R"), QStringLiteral("10"));
    const QCommandLineOption secsOpt(QStringLiteral("seconds"), QStringLiteral("charting time"), QStringLiteral("S"), QStringLiteral("20"));
    parser.addOptions({portsOpt, hzOpt, secsOpt});
    parser.process(app);
    const int ports = std::clamp(parser.value(portsOpt).toInt(), 1, TrafficPanel::kMaxPorts);
    const int hz = std::clamp(parser.value(hzOpt).toInt(), 1, 100);
    const int seconds = std::clamp(parser.value(secsOpt).toInt(), 1, 3600);

    TrafficPanel panel(nullptr);
    panel.resize(1200, 700);
    panel.show();
    auto key = [](int p) { return QStringLiteral("lan:%1").arg(p + 1); };
    auto sample = [](int p, double t) {
        const double w = 1e6 * (1 + p % 7) * (1.2 + std::sin(t / 5 + p));
        return TrafficSample{t, w, w / 2, w / 8000, w / 16000};
    };
    // Five minutes of history at `hz`, then every port chosen.
    const double t0 = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0 - TrafficPanel::kHistorySeconds;
    for (int i = 0; i < TrafficPanel::kHistorySeconds * hz; ++i)
        for (int p = 0; p < ports; ++p)
            panel.addSample(key(p), QStringLiteral("lan %1").arg(p + 1), sample(p, t0 + double(i) / hz));
    for (int p = 0; p < ports; ++p)
        panel.setChosen(key(p), true);
    panel.replotIfDirty();
    QCoreApplication::processEvents();

    QTimer feed;
    feed.setTimerType(Qt::PreciseTimer);
    feed.setInterval(1000 / hz);
    long samples = 0;
    QObject::connect(&feed, &QTimer::timeout, [&] {
        const double t = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
        for (int p = 0; p < ports; ++p)
            panel.addSample(key(p), QString(), sample(p, t));
        samples += ports;
    });
    const int replotsBefore = panel.replotCount();
    const double cpu0 = cpuSeconds();
    QElapsedTimer wall;
    wall.start();
    feed.start();
    QTimer::singleShot(seconds * 1000, &app, &QCoreApplication::quit);
    app.exec();
    const double cpu = cpuSeconds() - cpu0;
    const double elapsed = double(wall.elapsed()) / 1000.0;
    std::printf("gui-charts: %d ports x %d Hz for %.1f s: %ld samples, %d replots (every %d ms), "
                "%.1f points per graph, CPU %.2f s = %.2f%% of one core\n",
                ports, hz, elapsed, samples, panel.replotCount() - replotsBefore, TrafficPanel::kReplotMs,
                double(panel.ring(key(0))->size()), cpu, 100.0 * cpu / elapsed);
    return 0;
}
