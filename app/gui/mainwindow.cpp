// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "autosave.h"
#include "canvasview.h"
#include "consolearea.h"
#include "guestmenu.h"
#include "linkmenu.h"
#include "editcommands.h"
#include "exportdialog.h"
#include "helperstatuswidget.h"
#include "helperprobe.h"
#include "importdialog.h"
#include "leasespanel.h"
#include "runcontroller.h"
#include "trafficpanel.h"
#include "model/portforward.h"
#include "runtime/bootenabler.h"
#include "runtime/forwardstatus.h"
#include "model/topologyjson.h"
#include "nodekinds.h"
#include "palettewidget.h"
#include "propertiespanel.h"
#include "topologydocument.h"
#include "topologyscene.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMenuBar>
#include <memory>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QUndoStack>

namespace netloom::gui {

namespace {
QIcon icon(const char *name)
{
    return QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(name)));
}
}  // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(icon("netloom"));
    resize(1280, 800);
    m_doc = new TopologyDocument(this);
    m_undo = new QUndoStack(this);
    m_undo->setUndoLimit(1000);
    m_scene = new TopologyScene(m_doc, this);
    m_view = new CanvasView(m_scene, this);
    m_view->setObjectName(QStringLiteral("canvas"));
    m_autosave = new Autosave(this);
    m_run = new RunController(this);
    m_consoles = new ConsoleArea(m_run, m_view, this);
    setCentralWidget(m_consoles);
    connect(m_consoles, &ConsoleArea::message, this, &MainWindow::log);
    connect(m_scene, &TopologyScene::nodeActivated, this, [this](const QString &id) {
        if (m_run->isGuest(id) && m_run->isActive())
            openConsole(id, false);
    });
    m_ask = [this](const QString &title, const QString &text, QMessageBox::StandardButtons buttons) {
        return QMessageBox::question(this, title, text, buttons);
    };

    buildDocks();
    buildActions();

    m_validateTimer = new QTimer(this);
    m_validateTimer->setSingleShot(true);
    m_validateTimer->setInterval(kValidateDelayMs);
    connect(m_validateTimer, &QTimer::timeout, this, &MainWindow::validateNow);
    connect(m_doc, &TopologyDocument::contentChanged, m_validateTimer, qOverload<>(&QTimer::start));
    connect(m_doc, &TopologyDocument::contentChanged, this, [this] { m_autosaveDirty = true; });
    // Network emulation (impairments, link up/down, mirrors) and port forwards take effect at
    // once while running, undo included; other edits wait for Run > Apply Changes.
    // Edits made while it was still starting apply once it runs.
    const auto applyEmulation = [this] {
        if (Status s = m_run->applyEmulation(m_doc->topology(), m_doc->baseDir()); !s) {
            log(s.error().message);
            statusBar()->showMessage(s.error().message, 8000);
        }
    };
    connect(m_doc, &TopologyDocument::contentChanged, this, applyEmulation);
    connect(m_run, &RunController::runStateChanged, this, [applyEmulation](runtime::RunState s) {
        if (s == runtime::RunState::Running)
            applyEmulation();
    });
    connect(m_doc, &TopologyDocument::filePathChanged, this, &MainWindow::updateTitle);
    connect(m_doc, &TopologyDocument::filePathChanged, this, &MainWindow::refreshStartAtBoot);
    connect(m_doc, &TopologyDocument::topologyChanged, this, &MainWindow::updateTitle);
    connect(m_undo, &QUndoStack::cleanChanged, this, &MainWindow::updateTitle);

    connect(m_scene, &TopologyScene::nodesMoved, this, [this](const QList<MoveNodesCommand::Move> &moves, int gesture) {
        m_undo->push(new MoveNodesCommand(m_doc, moves, gesture));
    });
    connect(m_scene, &TopologyScene::connectRequested, this, &MainWindow::connectNodes);
    connect(m_scene, &TopologyScene::kindDropped, this, &MainWindow::addKind);
    connect(m_scene, &QGraphicsScene::selectionChanged, this, &MainWindow::updateSelection);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, &MainWindow::showCanvasMenu);
    connect(m_run, &RunController::nodeColoursChanged, this, &MainWindow::updateRunView);
    connect(m_run, &RunController::ratesUpdated, this, &MainWindow::updateRunView);
    connect(m_run, &RunController::runStateChanged, this, &MainWindow::updateRunActions);
    connect(m_run, &RunController::logLine, this, [this](const QString &level, const QString &node, const QString &message) {
        const QString who = node.isEmpty() ? tr("runtime") : node;
        log(level == QLatin1String("info") ? QStringLiteral("[%1] %2").arg(who, message)
                                           : QStringLiteral("[%1] %2: %3").arg(who, level, message));
    });
    connect(m_run, &RunController::stopped, this, [this] {
        m_props->refreshForwardStates();
        updateRunActions();
        updateRunView();
        if (m_closeAfterStop)
            QTimer::singleShot(0, this, &QWidget::close);
    });
    connect(m_palette, &PaletteWidget::kindActivated, this, [this](const QString &kind) {
        // Activated entries go to the visible centre, or the nearest free spot to its right
        // and below, so nodes added in a row do not hide each other.
        QPointF pos = m_scene->snapped(m_view->visibleCenter());
        for (int i = 0; i < 64; ++i) {
            bool taken = false;
            for (const model::Node &n : m_doc->topology().nodes)
                taken = taken || QLineF(n.position, pos).length() < NodeItem::kSize * 1.5;
            if (!taken)
                break;
            pos += QPointF(NodeItem::kSize * 2, (i % 2) ? NodeItem::kSize : 0);
        }
        addKind(kind, pos);
    });

    const QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());

    connect(m_autosave, &Autosave::wanted, this, &MainWindow::doAutosave);
    m_autosave->start();
    updateTitle();
    validateNow();
}

MainWindow::~MainWindow()
{
    // A clean close leaves no autosave behind (a crash does).
    if (m_undo->isClean())
        m_autosave->discard(m_doc->filePath());
    // Children die in creation order: the stack must not report to a half-destroyed window.
    m_undo->blockSignals(true);
    m_scene->blockSignals(true);
}

void MainWindow::buildDocks()
{
    m_palette = new PaletteWidget(this);
    auto *paletteDock = new QDockWidget(tr("Palette"), this);
    paletteDock->setObjectName(QStringLiteral("paletteDock"));
    paletteDock->setWidget(m_palette);
    addDockWidget(Qt::LeftDockWidgetArea, paletteDock);

    m_props = new PropertiesPanel(m_doc, m_undo, this);
    // The forwards table's State column follows the runtime (applied / pending / refused):
    // refreshed on lease changes, log lines (applies, refusals) and run state changes.
    m_props->setForwardStatusSource([this](const model::Node &gw) {
        QList<ForwardTable::RowState> out;
        const runtime::Runtime *rt = m_run->runtime();
        if (!rt || rt->state() != runtime::RunState::Running)
            return out;
        for (qsizetype k = 0; k < gw.hostPort.nat.forwards.size(); ++k) {
            const runtime::ForwardStatus s = runtime::forwardStatus(gw.id, int(k), gw.hostPort.nat.forwards[k], rt->pendingForwards(),
                                                                    rt->appliedHost(), rt->hostRefusal());
            switch (s.state) {
            case runtime::ForwardStatus::State::Applied:
                out.append({tr("applied \u2192 %1").arg(s.guestAddress), tr("Connections reach %1").arg(s.guestAddress), false});
                break;
            case runtime::ForwardStatus::State::Pending:
                out.append({tr("pending"), s.reason, true});
                break;
            case runtime::ForwardStatus::State::Refused:
                out.append({tr("refused"), s.reason, true});
                break;
            case runtime::ForwardStatus::State::NotApplied:
                out.append({tr("not applied"), tr("The change has not reached the host yet"), true});
                break;
            }
        }
        return out;
    });
    connect(m_run, &RunController::leasesChanged, m_props, &PropertiesPanel::refreshForwardStates);
    connect(m_run, &RunController::logLine, m_props, &PropertiesPanel::refreshForwardStates);
    connect(m_run, &RunController::runStateChanged, m_props, &PropertiesPanel::refreshForwardStates);
    connect(m_props, &PropertiesPanel::createDisksRequested, this, [this] {
        offerMissingDisks([this] { m_props->showItem(m_props->currentId()); });
    });
    auto *propsDock = new QDockWidget(tr("Properties"), this);
    propsDock->setObjectName(QStringLiteral("propertiesDock"));
    propsDock->setWidget(m_props);
    propsDock->setMinimumWidth(300);
    addDockWidget(Qt::RightDockWidgetArea, propsDock);

    m_log = new QPlainTextEdit(this);
    m_log->setObjectName(QStringLiteral("log"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(kMaxLogLines);
    auto *logDock = new QDockWidget(tr("Log"), this);
    logDock->setObjectName(QStringLiteral("logDock"));
    logDock->setWidget(m_log);
    addDockWidget(Qt::BottomDockWidgetArea, logDock);
    resizeDocks({paletteDock, propsDock}, {200, 340}, Qt::Horizontal);

    m_leases = new LeasesPanel(m_run, m_doc, m_undo, this);
    m_leases->setObjectName(QStringLiteral("leasesPanel"));
    connect(m_leases, &LeasesPanel::message, this, &MainWindow::log);
    connect(m_leases, &LeasesPanel::forwardRequested, this, &MainWindow::forwardPortTo);
    auto *leasesDock = new QDockWidget(tr("Leases"), this);
    leasesDock->setObjectName(QStringLiteral("leasesDock"));
    leasesDock->setWidget(m_leases);

    m_traffic = new TrafficPanel(m_run, this);
    m_traffic->setObjectName(QStringLiteral("trafficPanel"));
    auto *trafficDock = new QDockWidget(tr("Traffic"), this);
    trafficDock->setObjectName(QStringLiteral("trafficDock"));
    trafficDock->setWidget(m_traffic);
    // Traffic beside the log; Leases shares the log's tab and comes forward when a run starts.
    splitDockWidget(logDock, trafficDock, Qt::Horizontal);
    tabifyDockWidget(logDock, leasesDock);
    logDock->raise();
    resizeDocks({logDock, trafficDock}, {600, 600}, Qt::Horizontal);
    resizeDocks({logDock}, {300}, Qt::Vertical);
    connect(m_run, &RunController::runStateChanged, leasesDock, [leasesDock](runtime::RunState s) {
        if (s == runtime::RunState::Starting)
            leasesDock->raise();
    });

    m_helper = new HelperStatusWidget(this);
    statusBar()->addPermanentWidget(m_helper);
    connect(m_helper, &HelperStatusWidget::message, this, &MainWindow::log);
}

void MainWindow::buildActions()
{
    auto make = [this](const QString &name, const QString &text, const QIcon &ic, const QKeySequence &key,
                       auto slot) {
        auto *a = new QAction(ic, text, this);
        a->setObjectName(name);
        if (!key.isEmpty())
            a->setShortcut(key);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };

    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *actNew = make(QStringLiteral("actionNew"), tr("&New"), QIcon::fromTheme(QStringLiteral("document-new"), icon("new")),
                           QKeySequence::New, [this] {
                               if (maybeSave())
                                   newDocument();
                           });
    QAction *actOpen = make(QStringLiteral("actionOpen"), tr("&Open\u2026"),
                            QIcon::fromTheme(QStringLiteral("document-open"), icon("open")), QKeySequence::Open,
                            [this] { open(); });
    QAction *actSave = make(QStringLiteral("actionSave"), tr("&Save"),
                            QIcon::fromTheme(QStringLiteral("document-save"), icon("save")), QKeySequence::Save,
                            [this] { save(); });
    QAction *actSaveAs = make(QStringLiteral("actionSaveAs"), tr("Save &As\u2026"), QIcon(), QKeySequence::SaveAs,
                              [this] { saveAs(); });
    file->addActions({actNew, actOpen});
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
    QAction *actImport = make(QStringLiteral("actionImport"), tr("&Import\u2026"), QIcon(), QKeySequence(),
                              [this] { showImportDialog(); });
    actImport->setToolTip(tr("Turn a hand-made QEMU/VDE/dnsmasq setup script into a topology"));
    file->addAction(actImport);
    QAction *actImportRunning = make(QStringLiteral("actionImportRunning"), tr("Import R&unning QEMU Guests\u2026"), QIcon(),
                                     QKeySequence(), [this] { showImportDialog(true, true); });
    actImportRunning->setToolTip(tr("Turn your running qemu-system-* processes into a new topology (they keep running)"));
    file->addAction(actImportRunning);
    file->addActions({actSave, actSaveAs});
    file->addSeparator();
    QAction *actExport = make(QStringLiteral("actionExport"), tr("&Export as Shell Script\u2026"), icon("export"),
                              QKeySequence(tr("Ctrl+E")), [this] { showExportDialog(); });
    file->addAction(actExport);
    file->addSeparator();
    file->addAction(make(QStringLiteral("actionQuit"), tr("&Quit"), QIcon(), QKeySequence::Quit, [this] { close(); }));
    rebuildRecentMenu();

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *undo = m_undo->createUndoAction(this, tr("&Undo"));
    undo->setObjectName(QStringLiteral("actionUndo"));
    undo->setIcon(QIcon::fromTheme(QStringLiteral("edit-undo"), icon("undo")));
    undo->setShortcut(QKeySequence::Undo);
    QAction *redo = m_undo->createRedoAction(this, tr("&Redo"));
    redo->setObjectName(QStringLiteral("actionRedo"));
    redo->setIcon(QIcon::fromTheme(QStringLiteral("edit-redo"), icon("redo")));
    redo->setShortcut(QKeySequence::Redo);
    QAction *del = make(QStringLiteral("actionDelete"), tr("&Delete"), icon("delete"), QKeySequence::Delete,
                        [this] { deleteSelection(); });
    QAction *connectMode = make(QStringLiteral("actionConnect"), tr("&Connect Mode"), icon("connect"),
                                QKeySequence(tr("Ctrl+L")), [] {});
    connectMode->setCheckable(true);
    connectMode->setToolTip(tr("Draw cables: drag from one node to another"));
    // Escape leaves connect mode (window-wide, so it works wherever the focus is).
    auto *leaveConnect = new QAction(this);
    leaveConnect->setShortcut(QKeySequence(Qt::Key_Escape));
    connect(leaveConnect, &QAction::triggered, connectMode, [connectMode] { connectMode->setChecked(false); });
    addAction(leaveConnect);
    connect(connectMode, &QAction::toggled, this, [this](bool on) {
        m_scene->setMode(on ? TopologyScene::Mode::Connect : TopologyScene::Mode::Select);
        m_view->setDragMode(on ? QGraphicsView::NoDrag : QGraphicsView::RubberBandDrag);
    });
    QAction *selectAll = make(QStringLiteral("actionSelectAll"), tr("Select &All"), QIcon(), QKeySequence::SelectAll,
                              [this] {
                                  for (QGraphicsItem *item : m_scene->items())
                                      item->setSelected(true);
                              });
    edit->addActions({undo, redo});
    edit->addSeparator();
    edit->addActions({connectMode, del, selectAll});

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *zoomIn = make(QStringLiteral("actionZoomIn"), tr("Zoom &In"), icon("zoom-in"), QKeySequence::ZoomIn,
                           [this] { m_view->zoomBy(1.25); });
    QAction *zoomOut = make(QStringLiteral("actionZoomOut"), tr("Zoom &Out"), icon("zoom-out"), QKeySequence::ZoomOut,
                            [this] { m_view->zoomBy(0.8); });
    QAction *fit = make(QStringLiteral("actionFit"), tr("&Fit to Window"), icon("zoom-fit"), QKeySequence(tr("Ctrl+0")),
                        [this] { m_view->fitAll(); });
    QAction *snap = make(QStringLiteral("actionSnap"), tr("&Snap to Grid"), QIcon(), QKeySequence(), [] {});
    snap->setCheckable(true);
    snap->setChecked(m_scene->snapToGrid());
    connect(snap, &QAction::toggled, this, [this](bool on) {
        m_scene->setSnapToGrid(on);
        m_scene->update();
    });
    view->addActions({zoomIn, zoomOut, fit});
    view->addSeparator();
    view->addAction(snap);

    QMenu *topo = menuBar()->addMenu(tr("&Topology"));
    topo->addAction(make(QStringLiteral("actionValidate"), tr("&Validate Now"), QIcon(), QKeySequence(tr("F7")), [this] {
        validateNow();
        const int errors = int(std::count_if(m_issues.cbegin(), m_issues.cend(), [](const model::Issue &i) {
            return i.severity == model::Issue::Severity::Error;
        }));
        log(tr("Validation: %1 error(s), %2 warning(s)").arg(errors).arg(m_issues.size() - errors));
        for (const model::Issue &i : std::as_const(m_issues))
            log(QStringLiteral("  %1: %2: %3").arg(model::severityName(i.severity), i.path, i.message));
    }));
    topo->addAction(make(QStringLiteral("actionAddGuest"), tr("Add &Guest…"), icon("guest"), QKeySequence(tr("Ctrl+Shift+G")),
                         [this] { newGuest(m_scene->snapped(m_view->visibleCenter()), false); }));
    topo->addAction(make(QStringLiteral("actionGuestFromImage"), tr("Guest from &Image…"), QIcon(), QKeySequence(),
                         [this] { newGuest(m_scene->snapped(m_view->visibleCenter()), true); }));
    topo->addSeparator();
    topo->addAction(actExport);
    topo->addAction(make(QStringLiteral("actionCheckHelper"), tr("Check &Helper"), QIcon(), QKeySequence(),
                         [this] { m_helper->check(); }));

    QMenu *run = menuBar()->addMenu(tr("&Run"));
    QAction *start = make(QStringLiteral("actionStart"), tr("&Start"), icon("start"), QKeySequence(tr("F5")),
                          [this] { startRun(); });
    QAction *stop = make(QStringLiteral("actionStop"), tr("S&top"), icon("stop"), QKeySequence(tr("Shift+F5")),
                         [this] { stopRun(); });
    start->setToolTip(tr("Start the topology: helper, switches, guests"));
    stop->setToolTip(tr("Stop everything the run started, in reverse order"));
    QAction *apply = make(QStringLiteral("actionApplyChanges"), tr("&Apply Changes"), QIcon(), QKeySequence(tr("Ctrl+F5")),
                          [this] { applyRunEdits(); });
    apply->setToolTip(tr("Apply the edits made since Start to the running topology (guests and host settings)"));
    m_start = start;
    m_stop = stop;
    m_apply = apply;
    run->setToolTipsVisible(true);
    run->addActions({start, stop, apply});
    QAction *doctorAction = make(QStringLiteral("actionNetworkDoctor"), tr("Network &Doctor…"), QIcon(), QKeySequence(),
                                 [this] { openDoctor(); });
    doctorAction->setToolTip(tr("Check why the guests of a NAT network cannot reach the outside, and repair it"));
    run->addAction(doctorAction);
    m_startAtBoot = make(QStringLiteral("actionStartAtBoot"), tr("Start at &Boot"), QIcon(), QKeySequence(),
                         [this] { setStartAtBoot(m_startAtBoot->isChecked()); });
    m_startAtBoot->setCheckable(true);
    m_startAtBoot->setEnabled(false);  // until the document has a file (refreshStartAtBoot)
    m_startAtBoot->setToolTip(tr("Start this topology when the computer starts: the helper re-creates its host side, "
                                 "your session runs its switches and guests (netloomctl enable)"));
    run->addAction(m_startAtBoot);
    // The selected guest's consoles and power, rebuilt each time (its state decides).
    run->addSeparator();
    QMenu *guest = run->addMenu(icon("guest"), tr("&Guest"));
    guest->setObjectName(QStringLiteral("menuGuest"));
    connect(guest, &QMenu::aboutToShow, this, [this, guest] {
        guest->clear();
        const QString id = selectedGuest();
        if (id.isEmpty()) {
            guest->addAction(tr("Select a running guest on the canvas"))->setEnabled(false);
            return;
        }
        GuestMenu::addActions(guest, m_run, m_consoles, id, nodeName(id), [this](const QString &l) { log(l); });
    });
    QAction *console = make(QStringLiteral("actionConsole"), tr("Open &Console"), icon("console"), QKeySequence(tr("Ctrl+Shift+O")),
                            [this] {
                                const QString id = selectedGuest();
                                if (id.isEmpty())
                                    log(tr("Select a running guest on the canvas to open its console"));
                                else
                                    openConsole(id, false);
                            });
    console->setToolTip(tr("Open the selected guest's screen (double-click a running guest does the same)"));
    run->addAction(console);
    updateRunActions();

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(make(QStringLiteral("actionAbout"), tr("&About Netloom"), icon("netloom"), QKeySequence(), [this] {
        QMessageBox::about(this, tr("About Netloom"), aboutText());
    }));

    QToolBar *tb = addToolBar(tr("Main"));
    tb->setObjectName(QStringLiteral("mainToolBar"));
    tb->addActions({actNew, actOpen, actSave});
    tb->addSeparator();
    tb->addActions({undo, redo, del, connectMode});
    tb->addSeparator();
    tb->addActions({zoomIn, zoomOut, fit});
    tb->addSeparator();
    tb->addActions({actExport, start, stop});
}

QString MainWindow::aboutText()
{
    return tr("<b>Netloom %1</b><p>Draw a virtual network of QEMU guests, export it as a shell "
              "script.</p>").arg(QApplication::applicationVersion()) +
           tr("<p>Copyright 2026 The Netloom developers.</p><p>Netloom is free software: you can "
              "redistribute it and/or modify it under the terms of the GNU General Public License, "
              "version 3 or (at your option) any later version (GPL-3.0-or-later). It comes with "
              "ABSOLUTELY NO WARRANTY. It uses QCustomPlot (GPL-3.0) and Qt.</p>");
}

QString MainWindow::logText() const
{
    return m_log->toPlainText();
}

void MainWindow::log(const QString &line)
{
    m_log->appendPlainText(QStringLiteral("%1  %2").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), line));
}

bool MainWindow::isModified() const
{
    return !m_undo->isClean();
}

void MainWindow::updateTitle()
{
    const QString path = m_doc->filePath();
    const QString shown = path.isEmpty() ? tr("untitled") : QFileInfo(path).fileName();
    setWindowTitle(QStringLiteral("%1[*] \u2014 %2").arg(shown, tr("Netloom")));
    setWindowModified(isModified());
}

void MainWindow::updateSelection()
{
    const QStringList nodes = m_scene->selectedNodeIds();
    const QStringList links = m_scene->selectedLinkIds();
    if (nodes.size() + links.size() == 1)
        m_props->showItem(nodes.isEmpty() ? links.first() : nodes.first());
    else
        m_props->showItem(QString());
}

QString MainWindow::addNode(const QString &kindName, QPointF pos)
{
    const std::optional<NodeKind> kind = kindFromName(kindName);
    if (!kind) {
        log(tr("failed to add node '%1': unknown kind").arg(kindName.left(64)));
        return {};
    }
    if (m_doc->topology().nodes.size() >= model::limits::kMaxNodes) {
        log(tr("failed to add node '%1': the topology already has %2 nodes").arg(kindLabel(*kind)).arg(model::limits::kMaxNodes));
        return {};
    }
    model::Node node = withAllocatedMacs(m_doc->topology(), makeNode(*kind, *m_doc, m_scene->snapped(pos)));
    if (node.type == model::NodeType::HostPort) {
        // A new gateway gets a subnet that collides with nothing the host uses (running
        // networks' bridges carry their addresses on the host, so they are covered too).
        const Result<model::HostNetwork> host = m_hostNet->read();
        if (!host)
            log(tr("The host's addresses and routes are unknown (%1); the new gateway's subnet is only checked against this topology")
                    .arg(host.error().message));
        // ... and neither the gateways of the other topologies enabled at boot (their user
        // units, and the helper's records as last listed).
        QStringList enabled = runtime::enabledUpUnits(runtime::userUnitDir());
        for (const runtime::EnabledTopology &e : std::as_const(m_enabledAtBoot))
            enabled << e.topology;
        const QList<model::TakenPrefix> extraTaken = runtime::takenByEnabledTopologies(enabled, m_doc->filePath());
        if (Result<model::Node> suggested = withSuggestedSubnet(m_doc->topology(), node, host ? *host : model::HostNetwork{}, extraTaken)) {
            node = *suggested;
            log(tr("New gateway %1: address %2, in a subnet free on this host").arg(node.name, node.hostPort.address));
        } else {
            log(suggested.error().message);
        }
    }
    m_undo->push(new AddNodeCommand(m_doc, node));
    m_scene->selectOnly(node.id);
    return node.id;
}

QString MainWindow::connectNodes(const QString &fromId, const QString &toId)
{
    if (m_doc->topology().links.size() >= model::limits::kMaxLinks) {
        log(tr("failed to connect '%1': the topology already has %2 cables").arg(fromId).arg(model::limits::kMaxLinks));
        return {};
    }
    const Result<ConnectionPlan> plan = planConnection(*m_doc, fromId, toId);
    if (!plan) {
        log(plan.error().message);
        statusBar()->showMessage(plan.error().message, 5000);
        return {};
    }
    auto *cmd = new QUndoCommand(tr("connect %1").arg(plan->link.id));
    if (plan->guestA)
        new SetNodeCommand(m_doc, plan->guestA->first, plan->guestA->second, cmd);
    if (plan->guestB)
        new SetNodeCommand(m_doc, plan->guestB->first, plan->guestB->second, cmd);
    new AddLinkCommand(m_doc, plan->link, cmd);
    m_undo->push(cmd);
    return plan->link.id;
}

void MainWindow::deleteSelection()
{
    const QStringList nodes = m_scene->selectedNodeIds();
    const QStringList links = m_scene->selectedLinkIds();
    if (nodes.isEmpty() && links.isEmpty())
        return;
    m_undo->push(new RemoveItemsCommand(m_doc, nodes, links));
}

void MainWindow::validateNow()
{
    m_validateTimer->stop();
    // Gateways are also checked against the host's routes (a read failure only loses that check).
    model::ValidationContext context;
    if (const Result<model::HostNetwork> host = m_hostNet->read())
        context.hostRoutes = host->routes;
    m_issues = model::validate(m_doc->topology(), context);
    m_scene->setIssues(m_issues);
    m_props->setIssues(m_issues);
}

bool MainWindow::maybeSave()
{
    if (!isModified())
        return true;
    const auto answer = m_ask(tr("Unsaved changes"),
                              tr("The topology '%1' has unsaved changes. Save them?").arg(m_doc->topology().name),
                              QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    if (answer == QMessageBox::Save)
        return save();
    return answer == QMessageBox::Discard;
}

void MainWindow::newDocument(bool atStartup)
{
    m_autosave->discard(m_doc->filePath());
    model::Topology t;
    t.name = QStringLiteral("untitled");
    m_doc->reset(t, QString());
    m_undo->clear();
    m_autosaveDirty = false;
    if (atStartup)
        offerRecovery(QString());
    m_view->fitAll();
}

bool MainWindow::openFile(const QString &path, bool force)
{
    if (!force && !maybeSave())
        return false;
    const Result<model::Topology> t = model::loadTopologyFile(path);
    if (!t) {
        log(t.error().message);
        m_ask(tr("Open topology"), t.error().message, QMessageBox::Ok);
        return false;
    }
    // The current document was saved or its changes discarded: its autosave goes too.
    m_autosave->discard(m_doc->filePath());
    const QString abs = QFileInfo(path).absoluteFilePath();
    m_doc->reset(*t, abs);
    m_undo->clear();
    m_autosaveDirty = false;
    addRecent(abs);
    log(tr("Opened %1 (%2 nodes, %3 cables)").arg(abs).arg(t->nodes.size()).arg(t->links.size()));
    validateNow();
    m_view->fitAll();
    offerRecovery(abs);
    return true;
}

void MainWindow::offerRecovery(const QString &sourcePath)
{
    const QList<RecoveryCandidate> found = m_autosave->candidates(sourcePath);
    if (found.isEmpty())
        return;
    const RecoveryCandidate &c = found.first();
    const QString what = sourcePath.isEmpty() ? tr("an unsaved topology") : QFileInfo(sourcePath).fileName();
    const auto answer = m_ask(tr("Recover unsaved work"),
                              tr("Netloom found unsaved changes to %1 from %2, newer than the file. Recover them?")
                                  .arg(what, QLocale().toString(c.saved, QLocale::ShortFormat)),
                              QMessageBox::Yes | QMessageBox::No);
    if (answer == QMessageBox::Yes) {
        const Result<model::Topology> t = model::loadTopologyFile(c.autosavePath);
        if (!t) {
            log(t.error().message);
            return;
        }
        // Recovered content is an unsaved change on top of the file: one undoable step.
        auto *cmd = new QUndoCommand(tr("recover unsaved work"));
        QStringList nodeIds, linkIds;
        for (const model::Node &n : m_doc->topology().nodes)
            nodeIds.append(n.id);
        for (const model::Link &l : m_doc->topology().links)
            linkIds.append(l.id);
        new RemoveItemsCommand(m_doc, nodeIds, linkIds, cmd);
        new SetTopologyInfoCommand(m_doc, t->name, t->description, cmd);
        for (const model::Node &n : t->nodes)
            new AddNodeCommand(m_doc, n, cmd);
        for (const model::Link &l : t->links)
            new AddLinkCommand(m_doc, l, cmd);
        m_undo->push(cmd);
        log(tr("Recovered unsaved work from %1").arg(c.autosavePath));
    }
    // Either recovered into this session (which autosaves under its own key) or declined.
    QFile::remove(c.autosavePath);
    QString meta = c.autosavePath;
    meta.replace(meta.size() - 5, 5, QStringLiteral(".meta"));
    QFile::remove(meta);
}

bool MainWindow::saveTo(const QString &path)
{
    const QString abs = QFileInfo(path).absoluteFilePath();
    if (Status s = model::saveTopologyFile(m_doc->topology(), abs); !s) {
        log(s.error().message);
        m_ask(tr("Save topology"), s.error().message, QMessageBox::Ok);
        return false;
    }
    m_autosave->discard(m_doc->filePath());
    m_autosave->discard(abs);
    m_doc->setFilePath(abs);
    m_undo->setClean();
    m_autosaveDirty = false;
    addRecent(abs);
    log(tr("Saved %1").arg(abs));
    updateTitle();
    return true;
}

bool MainWindow::save()
{
    if (m_doc->filePath().isEmpty())
        return saveAs();
    return saveTo(m_doc->filePath());
}

bool MainWindow::saveAs()
{
    const QString suggested = m_doc->filePath().isEmpty() ? m_doc->topology().name + QStringLiteral(".json")
                                                           : m_doc->filePath();
    const QString path = QFileDialog::getSaveFileName(this, tr("Save topology"), suggested,
                                                      tr("Netloom topologies (*.json);;All files (*)"));
    return !path.isEmpty() && saveTo(path);
}

void MainWindow::open()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open topology"), QString(),
                                                      tr("Netloom topologies (*.json);;All files (*)"));
    if (!path.isEmpty())
        openFile(path);
}

QStringList MainWindow::recentFiles() const
{
    return QSettings().value(QStringLiteral("recentFiles")).toStringList().mid(0, kMaxRecentFiles);
}

void MainWindow::addRecent(const QString &path)
{
    QStringList files = recentFiles();
    files.removeAll(path);
    files.prepend(path);
    QSettings().setValue(QStringLiteral("recentFiles"), files.mid(0, kMaxRecentFiles));
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList files = recentFiles();
    for (const QString &f : files) {
        QAction *a = m_recentMenu->addAction(QFileInfo(f).fileName());
        a->setToolTip(f);
        connect(a, &QAction::triggered, this, [this, f] { openFile(f); });
    }
    m_recentMenu->setEnabled(!files.isEmpty());
}

void MainWindow::doAutosave()
{
    if (!isModified()) {
        // Undone back to the saved state: an older autosave must not be offered later.
        if (m_autosaveDirty)
            m_autosave->discard(m_doc->filePath());
        m_autosaveDirty = false;
        return;
    }
    if (!m_autosaveDirty)
        return;
    if (Status s = m_autosave->save(m_doc->topology(), m_doc->filePath()); !s)
        log(s.error().message);
    else
        m_autosaveDirty = false;
}

QDialog *MainWindow::showExportDialog(bool modal)
{
    validateNow();
    const QString dir = m_doc->baseDir();
    auto *dlg = new ExportDialog(m_doc->topology(), dir, this);
    dlg->setAttribute(Qt::WA_DeleteOnClose);
    if (!dlg->hasScript())
        log(dlg->errorText());
    if (modal) {
        dlg->exec();
        return nullptr;
    }
    dlg->show();
    return dlg;
}

bool MainWindow::startRun()
{
    validateNow();
    const QString dir = m_doc->baseDir();
    // A demo guest that was never built is offered to be built first (demo.json).
    if (offerDemoGuest([this] { startRun(); })) {
        log(tr("Not started yet: building the demo guest first"));
        return false;
    }
    // Missing disks are offered to be made first; Start goes on once they are.
    if (offerMissingDisks([this] { startRun(); })) {
        log(tr("Not started yet: some guest disks do not exist (create them, or cancel)"));
        return false;
    }
    m_run->setHelperSocket(m_helper->probe()->socketPath());
    log(tr("Starting %1").arg(m_doc->topology().name));
    if (Status s = m_run->start(m_doc->topology(), dir); !s) {
        log(s.error().message);
        statusBar()->showMessage(s.error().message, 8000);
        return false;
    }
    // Once it runs, the doctor checks NAT gateways quietly and speaks up only if one blocks.
    connect(m_run, &RunController::runStateChanged, this, [this](runtime::RunState state) {
        if (state == runtime::RunState::Running)
            openDoctor(true);
    }, Qt::SingleShotConnection);
    updateRunActions();
    return true;
}

bool MainWindow::applyRunEdits()
{
    validateNow();
    const QString dir = m_doc->baseDir();
    if (Status s = m_run->applyEdits(m_doc->topology(), dir); !s) {
        log(s.error().message);
        statusBar()->showMessage(s.error().message, 8000);
        return false;
    }
    log(tr("Applying changes to %1").arg(m_doc->topology().name));
    return true;
}

void MainWindow::stopRun()
{
    if (!m_run->isActive())
        return;
    log(tr("Stopping %1").arg(m_doc->topology().name));
    m_run->stop();
}

bool MainWindow::startNode(const QString &nodeId)
{
    if (Status s = m_run->startNode(nodeId); !s) {
        log(s.error().message);
        return false;
    }
    return true;
}

QString MainWindow::nodeName(const QString &nodeId) const
{
    const model::Node *n = m_doc->topology().node(nodeId);
    return n && !n->name.isEmpty() ? n->name : nodeId;
}

QString MainWindow::selectedGuest() const
{
    for (QGraphicsItem *item : m_scene->selectedItems())
        if (item->type() == NodeItem::kType) {
            const QString id = static_cast<NodeItem *>(item)->nodeId();
            if (m_run->isGuest(id))
                return id;
        }
    return {};
}

GuestConsole *MainWindow::openConsole(const QString &nodeId, bool serial)
{
    return m_consoles->open(nodeId, nodeName(nodeId), serial ? GuestConsole::Page::Serial : GuestConsole::Page::Screen);
}

bool MainWindow::stopNode(const QString &nodeId)
{
    if (Status s = m_run->stopNode(nodeId); !s) {
        log(s.error().message);
        return false;
    }
    return true;
}

void MainWindow::updateRunActions()
{
    if (!m_start)
        return;
    const bool active = m_run->isActive();
    m_start->setEnabled(!active);
    m_stop->setEnabled(active);
    m_apply->setEnabled(m_run->runtime() && m_run->runtime()->state() == runtime::RunState::Running);
}

void MainWindow::updateRunView()
{
    for (const model::Node &n : m_doc->topology().nodes)
        if (NodeItem *item = m_scene->nodeItem(n.id))
            item->setRunColour(m_run->nodeColour(n.id));
    for (const model::Link &l : m_doc->topology().links) {
        LinkItem *item = m_scene->linkItem(l.id);
        if (!item)
            continue;
        const RunColour a = m_run->nodeColour(l.a.node);
        const RunColour b = m_run->nodeColour(l.b.node);
        RunColour c = RunColour::None;
        if (a != RunColour::None || b != RunColour::None) {
            if (a == RunColour::Error || b == RunColour::Error)
                c = RunColour::Error;
            else if (a == RunColour::Starting || b == RunColour::Starting)
                c = RunColour::Starting;
            else if (a == RunColour::Running && b == RunColour::Running)
                c = RunColour::Running;
            else
                c = RunColour::Stopped;
        }
        item->setRun(c, c == RunColour::None ? -1 : m_run->linkBitsPerSec(l.id));
    }
}

void MainWindow::showCanvasMenu(const QPoint &pos)
{
    const std::unique_ptr<QMenu> menu(createCanvasMenu(pos));
    menu->exec(m_view->viewport()->mapToGlobal(pos));
}

QMenu *MainWindow::createCanvasMenu(const QPoint &pos)
{
    QString nodeId, linkId;
    for (QGraphicsItem *item : m_view->items(pos)) {
        if (item->type() == NodeItem::kType) {
            nodeId = static_cast<NodeItem *>(item)->nodeId();
            break;
        }
        if (item->type() == LinkItem::kType && linkId.isEmpty())
            linkId = static_cast<LinkItem *>(item)->linkId();
    }
    auto *menu = new QMenu(this);
    if (!nodeId.isEmpty() && m_run->isGuest(nodeId)) {
        GuestMenu::addActions(menu, m_run, m_consoles, nodeId, nodeName(nodeId), [this](const QString &l) { log(l); });
        menu->addSeparator();
    }
    if (const model::Node *n = m_doc->topology().node(nodeId); n && n->type == model::NodeType::Guest) {
        QAction *fwd = menu->addAction(tr("Forward a Port to This Guest\u2026"), this, [this, nodeId] { forwardPortTo(nodeId, QString()); });
        fwd->setEnabled(!model::natGatewaysOfGuest(m_doc->topology(), nodeId).isEmpty());
        fwd->setObjectName(QStringLiteral("forwardPortAction"));
        menu->addSeparator();
    }
    if (!nodeId.isEmpty()) {
        const bool can = m_run->canControl(nodeId);
        const RunColour c = m_run->nodeColour(nodeId);
        QAction *s = menu->addAction(icon("start"), tr("Start %1").arg(nodeId), this, [this, nodeId] { startNode(nodeId); });
        s->setEnabled(can && c != RunColour::Running && c != RunColour::Starting);
        QAction *t = menu->addAction(icon("stop"), tr("Stop %1").arg(nodeId), this, [this, nodeId] { stopNode(nodeId); });
        t->setEnabled(can && c == RunColour::Running);
        menu->addSeparator();
    } else if (!linkId.isEmpty()) {
        LinkMenu::addActions(menu, m_doc, m_undo, linkId, [this, linkId] { showImpairment(linkId); });
        menu->addSeparator();
    }
    menu->addAction(m_start);
    menu->addAction(m_stop);
    return menu;
}

bool MainWindow::showImpairment(const QString &linkId)
{
    if (!m_doc->topology().link(linkId))
        return false;
    m_scene->selectOnly(linkId);  // the panel follows the selection
    if (m_props->currentId() != linkId)
        m_props->showItem(linkId);
    if (auto *dock = qobject_cast<QDockWidget *>(m_props->parentWidget())) {
        dock->show();
        dock->raise();
    }
    return m_props->focusField(QStringLiteral("emulation"));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_run->isActive()) {
        // Stop in order first (bounded by the runtime's own stop timeouts), then close.
        m_closeAfterStop = true;
        stopRun();
        event->ignore();
        return;
    }
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    m_autosave->discard(m_doc->filePath());  // saved, or the user chose to discard
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    event->accept();
}

}  // namespace netloom::gui
