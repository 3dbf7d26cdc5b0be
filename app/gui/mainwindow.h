// SPDX-License-Identifier: GPL-3.0-or-later
// The Netloom main window: palette (left), canvas (centre), properties (right), log
// (bottom), helper status in the status bar; File/Edit/View/Topology/Run/Help menus.
//
// Design note. The window owns the document, the undo stack and the scene, and is the one
// place where user gestures become undo commands (addNode, connectNodes, deleteSelection,
// scene moves, and the properties panel's edits). The document's "modified" state is the
// undo stack's clean state. Validation runs kValidateDelayMs after the last change and
// feeds the scene's badges and the properties panel. Questions to the user (save changes?
// recover?) go through an overridable asker, so tests can answer them without a modal
// dialog. Run > Start/Stop (and per node, the canvas context menu) go through the
// RunController, which owns the core Runtime; its live state colours nodes and cables and
// feeds the Leases and Traffic docks, and its log lines (each naming its node) go to the log.
// The centre is a ConsoleArea: the canvas as its first tab, then the guests' consoles
// (double-click a running guest, its context menu, or Run > Guest / Open Console).
#pragma once

#include "model/netlinkhostnet.h"
#include "model/validator.h"

#include <QMainWindow>
#include <QMessageBox>

#include <functional>
#include <memory>

class QUndoStack;
class QPlainTextEdit;
class QMenu;

namespace netloom::runtime {
class BootEnabler;
struct EnabledTopology;
}

namespace netloom::gui {

class Autosave;
class CanvasView;
class ConsoleArea;
class GuestConsole;
class HelperStatusWidget;
class PaletteWidget;
class PropertiesPanel;
class LeasesPanel;
class RunController;
class TrafficPanel;
class TopologyDocument;
class TopologyScene;
class NewGuestDialog;
class MissingDisksDialog;
class ImportDialog;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    static constexpr int kValidateDelayMs = 250;
    static constexpr int kMaxRecentFiles = 8;
    static constexpr int kMaxLogLines = 2000;

    using Asker = std::function<QMessageBox::StandardButton(const QString &title, const QString &text,
                                                            QMessageBox::StandardButtons buttons)>;

    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    TopologyDocument *document() const { return m_doc; }
    QUndoStack *undoStack() const { return m_undo; }
    TopologyScene *scene() const { return m_scene; }
    CanvasView *view() const { return m_view; }
    PaletteWidget *palette() const { return m_palette; }
    PropertiesPanel *properties() const { return m_props; }
    HelperStatusWidget *helperStatus() const { return m_helper; }
    Autosave *autosave() const { return m_autosave; }
    RunController *runController() const { return m_run; }
    LeasesPanel *leasesPanel() const { return m_leases; }
    TrafficPanel *trafficPanel() const { return m_traffic; }

    // Starts the document's topology (Run > Start). Returns false after logging why not.
    bool startRun();
    // Run > Network Doctor: plans the document, checks its NAT/routed gateways through the
    // helper and shows the checklist (doctordialog.h). With `quietUnlessBlocking` (after
    // Start) nothing is shown unless something blocks; then a non-modal notice offers it.
    void openDoctor(bool quietUnlessBlocking = false);
    // Stops the run (Run > Stop); asynchronous.
    void stopRun();
    // Applies the document's edits to the running topology (Run > Apply Changes). Returns
    // false after logging why not.
    bool applyRunEdits();
    // Starts / stops one guest or netloom switch of the run (canvas context menu).
    bool startNode(const QString &nodeId);
    bool stopNode(const QString &nodeId);
    // Opens (or brings forward) the console of running guest `nodeId`: its screen, or its
    // serial console. Returns it, or null after logging why not (unknown, not running).
    GuestConsole *openConsole(const QString &nodeId, bool serial);
    ConsoleArea *consoleArea() const { return m_consoles; }
    const QList<model::Issue> &issues() const { return m_issues; }
    QString logText() const;
    // The About box's rich text: name, version, what it does, and the licence
    // (GPL-3.0-or-later, no warranty, QCustomPlot's GPL-3.0). Pure; translated.
    static QString aboutText();
    bool isModified() const;
    QStringList recentFiles() const;

    // Replaces where the host's IPv4 addresses and routes come from: subnet suggestions for
    // new gateways and the validator's host-route warnings (tests pass a FixedHostNetReader).
    // The default reads this process's network namespace over netlink.
    void setHostNetReader(std::unique_ptr<model::HostNetReader> reader) { m_hostNet = std::move(reader); }

    // Replaces the modal questions (tests). The default shows a QMessageBox.
    void setAsker(Asker asker) { m_ask = std::move(asker); }

    // Adds a node of kind `kindName` (nodekinds.h) at `pos` (snapped). Returns its id or "".
    QString addNode(const QString &kindName, QPointF pos);
    // Cables node `fromId` to node `toId` (adding a guest NIC if needed) as one undo step.
    // Returns the link id, or "" after logging why not.
    QString connectNodes(const QString &fromId, const QString &toId);
    // Deletes the selected nodes and cables as one undo step.
    void deleteSelection();
    // Opens the New Guest dialog (window-modal, not blocking) for a guest at `pos` ("Guest from
    // image…" when `fromImage`: an overlay over a base image, with cloud-init). Its Create adds
    // the guest and its cable as one undo step (undo removes them, never files). Returns it.
    NewGuestDialog *newGuest(QPointF pos, bool fromImage);
    // Offers to create the guest disks of the document that do not exist (a non-blocking
    // dialog); `then` runs once they are made. Returns the dialog, or null when none is missing.
    MissingDisksDialog *offerMissingDisks(std::function<void()> then);
    // When guests boot a demo-guest/ kernel or initrd that was never built (demo.json), asks
    // (m_ask) to build it with scripts/build-demo-guest, in the background, and runs `then`
    // once it is built (logging the outcome). Returns true when the build was started: the
    // caller waits for `then`; false when nothing is missing, the user declined, or no script
    // is at hand (the log then says what to run).
    bool offerDemoGuest(std::function<void()> then);
    // Where relative paths of the document are resolved and new guest files go: the topology
    // file's folder; for an unsaved document "" (new files then go to the app's data folder
    // and are stored absolute).
    QString topologyDir() const;

    // Loads `path` into the window (after asking about unsaved changes unless `force`),
    // then offers recovery of a newer autosave. Returns false (and reports) on failure.
    bool openFile(const QString &path, bool force = false);
    // Saves to `path`; on success the document is clean and its autosave removed.
    bool saveTo(const QString &path);
    // Starts a new empty document (offers recovery of an abandoned unsaved one if `atStartup`).
    void newDocument(bool atStartup = false);
    // Runs the validator now (normally on a timer after edits).
    void validateNow();
    // Opens the export dialog (modal unless `modal` is false; returns it when non-modal).
    QDialog *showExportDialog(bool modal = true);
    // File > Import… (importdialog.h): opens the import dialog (modal unless `modal` is
    // false; returns it when non-modal). Its Import calls openImported() and closes it.
    // With `runningGuests` (File > Import Running QEMU Guests…) it opens on the user's own
    // running qemu-system-* processes, read from `procRoot`.
    ImportDialog *showImportDialog(bool modal = true, bool runningGuests = false,
                                   const QString &procRoot = QStringLiteral("/proc"));
    // Replaces the document by the imported `topology` as a new, unsaved document (no file
    // path, modified), after asking about unsaved changes like Open. Returns false when the
    // user cancelled. Touches: the document, the undo stack, the autosave of the old one.
    bool openImported(const model::Topology &topology);
    // The canvas's context menu for a right-click at `pos` (view coordinates): a node's
    // run and guest actions, a cable's up/down and Impairment… (linkmenu.h), Start/Stop.
    // The caller owns (and execs) it.
    QMenu *createCanvasMenu(const QPoint &pos);
    // Selects cable `linkId` and puts the keyboard focus on its Impairment section in the
    // properties panel (raising the panel). Returns false for an unknown cable.
    bool showImpairment(const QString &linkId);
    // "Forward a Port to This Guest…": adds a forward to guest `guestId` (NIC `nic`, "" = any)
    // on its NAT gateway (one undo step) and shows the gateway's forwards table. False (and
    // logged) when the guest is on no NAT network.
    bool forwardPortTo(const QString &guestId, const QString &nic);

    // Run > Start at Boot (issue #16 part 2; mainwindowboot.cpp): enables or disables the
    // saved document's topology at boot through runtime::BootEnabler (saving it first when
    // modified; an unsaved document cannot be enabled). Asynchronous: the action is disabled
    // until it is done, the outcome is logged and the check mark follows what is enabled.
    void setStartAtBoot(bool on);
    // Re-reads whether the document's file is enabled at boot (the check mark).
    void refreshStartAtBoot();
    runtime::BootEnabler *bootEnabler();
    QAction *startAtBootAction() const { return m_startAtBoot; }

public slots:
    void log(const QString &line);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildActions();
    void buildDocks();
    void updateTitle();
    void updateSelection();
    bool maybeSave();
    bool save();
    bool saveAs();
    void open();
    void addRecent(const QString &path);
    void rebuildRecentMenu();
    void offerRecovery(const QString &sourcePath);
    void doAutosave();
    void updateRunView();
    void updateRunActions();
    void showCanvasMenu(const QPoint &pos);
    QString nodeName(const QString &nodeId) const;
    QString selectedGuest() const;  // the selected node when it is a guest of the run
    void addKind(const QString &kind, QPointF pos);  // palette: guests through the dialog

    TopologyDocument *m_doc = nullptr;
    QUndoStack *m_undo = nullptr;
    TopologyScene *m_scene = nullptr;
    CanvasView *m_view = nullptr;
    PaletteWidget *m_palette = nullptr;
    PropertiesPanel *m_props = nullptr;
    QPlainTextEdit *m_log = nullptr;
    HelperStatusWidget *m_helper = nullptr;
    Autosave *m_autosave = nullptr;
    RunController *m_run = nullptr;
    LeasesPanel *m_leases = nullptr;
    TrafficPanel *m_traffic = nullptr;
    ConsoleArea *m_consoles = nullptr;
    QAction *m_start = nullptr;
    QAction *m_stop = nullptr;
    QAction *m_apply = nullptr;
    QAction *m_startAtBoot = nullptr;
    runtime::BootEnabler *m_boot = nullptr;
    QList<runtime::EnabledTopology> m_enabledAtBoot;  // as last listed (subnet suggestions)
    bool m_closeAfterStop = false;
    QTimer *m_validateTimer = nullptr;
    QMenu *m_recentMenu = nullptr;
    QList<model::Issue> m_issues;
    Asker m_ask;
    bool m_autosaveDirty = false;
    std::unique_ptr<model::HostNetReader> m_hostNet = std::make_unique<model::NetlinkHostNetReader>();
};

}  // namespace netloom::gui
