// SPDX-License-Identifier: GPL-3.0-or-later
// Opening a large topology in the editor: generates an N-node topology (default 500:
// netloom switches in a chain, guests cabled to them, one gateway), saves it, then times
// MainWindow::openFile (load + validate + scene build + fit) and the first full paint of
// the canvas, over several runs. Usage: netloom-gui-bench [--nodes N] [--runs R] [--keep FILE]
// Prints one line per run and a summary: "open median X ms, max Y ms".
#include "autosave.h"
#include "canvasview.h"
#include "mainwindow.h"
#include "model/topologyjson.h"
#include "topologydocument.h"
#include "topologyscene.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <cstdio>

using namespace netloom;

static model::Topology generate(int nodes)
{
    model::Topology t;
    t.name = QStringLiteral("bench");
    const int switches = std::max(1, nodes / 20);
    for (int s = 0; s < switches; ++s) {
        model::Node n;
        n.id = QStringLiteral("sw%1").arg(s);
        n.name = n.id;
        n.type = model::NodeType::Switch;
        n.position = QPointF(400.0 * (s % 10), 600.0 * (s / 10));
        t.nodes.append(n);
        if (s > 0)
            t.links.append({QStringLiteral("sw%1-sw%2").arg(s - 1).arg(s), {QStringLiteral("sw%1").arg(s - 1), {}, {}},
                            {n.id, {}, {}}, {}, {}});
    }
    model::Node gw;
    gw.id = QStringLiteral("gw");
    gw.name = gw.id;
    gw.type = model::NodeType::HostPort;
    gw.hostPort.address = QStringLiteral("10.20.0.1/16");
    gw.position = QPointF(-200, -200);
    t.nodes.append(gw);
    t.links.append({QStringLiteral("gw-sw0"), {gw.id, {}, {}}, {QStringLiteral("sw0"), {}, {}}, {}, {}});
    for (int g = 0; t.nodes.size() < nodes; ++g) {
        const int s = g % switches;
        model::Node n;
        n.id = QStringLiteral("vm%1").arg(g);
        n.name = n.id;
        n.type = model::NodeType::Guest;
        n.position = QPointF(400.0 * (s % 10) - 150 + 20.0 * (g / switches), 600.0 * (s / 10) + 150 + 40.0 * ((g / switches) % 5));
        model::NicConfig nic;
        nic.id = QStringLiteral("net0");
        nic.mac = QStringLiteral("52:54:00:%1:%2:%3").arg((g >> 16) & 0xff, 2, 16, QLatin1Char('0'))
                      .arg((g >> 8) & 0xff, 2, 16, QLatin1Char('0')).arg(g & 0xff, 2, 16, QLatin1Char('0'));
        n.guest.nics.append(nic);
        t.nodes.append(n);
        t.links.append({QStringLiteral("vm%1-sw%2").arg(g).arg(s), {n.id, nic.id, {}}, {QStringLiteral("sw%1").arg(s), {}, {}}, {}, {}});
    }
    return t;
}

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("netloom-bench"));
    QStandardPaths::setTestModeEnabled(true);  // recent files and window state stay out of ~/.config
    QCommandLineParser parser;
    parser.addHelpOption();
    QCommandLineOption nodesOpt(QStringLiteral("nodes"), QStringLiteral("Number of nodes."), QStringLiteral("N"), QStringLiteral("500"));
    QCommandLineOption runsOpt(QStringLiteral("runs"), QStringLiteral("Number of runs."), QStringLiteral("R"), QStringLiteral("5"));
    QCommandLineOption keepOpt(QStringLiteral("keep"), QStringLiteral("Also write the topology here."), QStringLiteral("FILE"));
    QCommandLineOption openOpt(QStringLiteral("open"), QStringLiteral("Time this file instead."), QStringLiteral("FILE"));
    QCommandLineOption shotOpt(QStringLiteral("screenshot"), QStringLiteral("Save the window as PNG."), QStringLiteral("PNG"));
    QCommandLineOption selectOpt(QStringLiteral("select"), QStringLiteral("Select this node or cable for the screenshot."), QStringLiteral("ID"));
    parser.addOptions({nodesOpt, runsOpt, keepOpt, openOpt, shotOpt, selectOpt});
    parser.process(app);
    int nodes = std::clamp(parser.value(nodesOpt).toInt(), 1, model::limits::kMaxNodes);
    const int runs = std::clamp(parser.value(runsOpt).toInt(), 1, 100);

    QTemporaryDir dir;
    QString path = dir.filePath(QStringLiteral("bench.json"));
    model::Topology t;
    if (parser.isSet(openOpt)) {
        path = parser.value(openOpt);
        auto loaded = model::loadTopologyFile(path);
        if (!loaded) {
            std::fprintf(stderr, "%s\n", qPrintable(loaded.error().message));
            return 1;
        }
        t = *loaded;
        nodes = int(t.nodes.size());
    } else {
        t = generate(nodes);
        if (Status s = model::saveTopologyFile(t, path); !s) {
            std::fprintf(stderr, "%s\n", qPrintable(s.error().message));
            return 1;
        }
    }
    if (parser.isSet(keepOpt))
        (void)model::saveTopologyFile(t, parser.value(keepOpt));

    QList<double> openMs, paintMs;
    for (int r = 0; r < runs; ++r) {
        gui::MainWindow window;
        window.autosave()->setDirectory(dir.filePath(QStringLiteral("autosave")));
        window.show();
        QApplication::processEvents();
        QElapsedTimer timer;
        timer.start();
        if (!window.openFile(path, true)) {
            std::fprintf(stderr, "failed to open '%s'\n", qPrintable(path));
            return 1;
        }
        const double open = double(timer.nsecsElapsed()) / 1e6;
        QApplication::processEvents();
        const QPixmap shot = window.view()->viewport()->grab();
        const double painted = double(timer.nsecsElapsed()) / 1e6;
        if (window.document()->topology().nodes.size() != nodes || shot.isNull()) {
            std::fprintf(stderr, "opened topology does not match\n");
            return 1;
        }
        if (r == runs - 1 && parser.isSet(shotOpt)) {
            window.resize(1280, 800);
            QApplication::processEvents();
            window.view()->fitAll();
            if (parser.isSet(selectOpt))
                window.scene()->selectOnly(parser.value(selectOpt));
            QApplication::processEvents();
            if (!window.grab().save(parser.value(shotOpt)))
                std::fprintf(stderr, "failed to save '%s'\n", qPrintable(parser.value(shotOpt)));
        }
        openMs.append(open);
        paintMs.append(painted);
        std::printf("run %d: %d nodes, %lld links: open %.1f ms, open+first paint %.1f ms\n", r + 1, nodes,
                    qint64(t.links.size()), open, painted);
    }
    std::sort(openMs.begin(), openMs.end());
    std::sort(paintMs.begin(), paintMs.end());
    std::printf("open median %.1f ms, max %.1f ms; open+paint median %.1f ms, max %.1f ms\n", openMs[runs / 2],
                openMs.last(), paintMs[runs / 2], paintMs.last());
    return 0;
}
