// SPDX-License-Identifier: GPL-3.0-or-later
// MainWindow: making guests (issue #11) — the New Guest dialog from the palette and the
// Topology menu, and "Create…" for guest disks that are missing when Start is pressed — and
// forwarding a port to a guest (issue #14, forwardaction.h), and building the demo guest
// at Start when it was never built (issue #16, demoguest.h).
#include "mainwindow.h"

#include "canvasview.h"
#include "demoguest.h"
#include "editcommands.h"
#include "forwardaction.h"
#include "missingdisksdialog.h"
#include "model/allocator.h"
#include "newguestdialog.h"
#include "nodekinds.h"
#include "propertiespanel.h"
#include "qemu/qemuhost.h"
#include "topologydocument.h"
#include "topologyscene.h"

#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QStandardPaths>
#include <QStatusBar>
#include <QUndoStack>

namespace netloom::gui {

QString MainWindow::topologyDir() const
{
    return m_doc->filePath().isEmpty() ? QString() : QFileInfo(m_doc->filePath()).absolutePath();
}

void MainWindow::addKind(const QString &kind, QPointF pos)
{
    if (kindFromName(kind) == NodeKind::Guest)
        newGuest(pos, false);
    else
        addNode(kind, pos);
}

NewGuestDialog *MainWindow::newGuest(QPointF pos, bool fromImage)
{
    if (m_doc->topology().nodes.size() >= model::limits::kMaxNodes) {
        log(tr("failed to add a guest: the topology already has %1 nodes").arg(model::limits::kMaxNodes));
        return nullptr;
    }
    if (auto *open = findChild<NewGuestDialog *>(); open && open->isVisible()) {
        open->raise();
        return open;
    }
    NewGuestDialog::Options o;
    o.fromImage = fromImage;
    o.position = m_scene->snapped(pos);
    const QStringList selected = m_scene->selectedNodeIds();
    if (selected.size() == 1)
        if (const model::Node *n = m_doc->topology().node(selected.first()); n && n->type == model::NodeType::Switch)
            o.network = n->id;
    // New guests use QEMU's default binary; whether it has vhost-user is asked once.
    static const bool vhostUser = qemu::qemuHasVhostUser(QStringLiteral("qemu-system-x86_64"));
    o.vhostUser = vhostUser;
    o.freshId = m_doc->freshNodeId(QStringLiteral("guest"));
    o.freshName = m_doc->freshNodeName(QStringLiteral("guest"));
    // An unsaved topology has no folder: its new files go to the app's data folder.
    QString dir = topologyDir();
    QString filesDir = dir;
    if (filesDir.isEmpty()) {
        filesDir = QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(QStringLiteral("guests"));
        QDir().mkpath(filesDir);
    }
    auto *dialog = new NewGuestDialog(m_doc->topology(), dir, filesDir, o, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const NewGuestPlan &plan = dialog->plan();
        const model::Node node = withAllocatedMacs(m_doc->topology(), plan.node);
        auto *cmd = new QUndoCommand(tr("add guest %1").arg(node.name));
        new AddNodeCommand(m_doc, node, cmd);
        if (plan.link) {
            model::Link link = *plan.link;
            link.id = m_doc->freshLinkId(node.id + u'-' + link.b.node);
            new AddLinkCommand(m_doc, link, cmd);
        }
        m_undo->push(cmd);
        m_scene->selectOnly(node.id);
        if (plan.disk)
            log(tr("Made disk %1").arg(plan.disk->path));
        if (!plan.vars.isEmpty())
            log(tr("Made UEFI variable store %1").arg(plan.vars));
    });
    dialog->open();
    return dialog;
}

MissingDisksDialog *MainWindow::offerMissingDisks(std::function<void()> then)
{
    const QString dir = m_doc->baseDir();
    const QList<MissingDisk> missing = missingDisks(m_doc->topology(), dir);
    if (missing.isEmpty())
        return nullptr;
    QMap<QString, QString> names;
    for (const model::Node &n : m_doc->topology().nodes)
        names.insert(n.id, n.name);
    auto *dialog = new MissingDisksDialog(missing, names, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, then = std::move(then)] {
        for (const QString &p : dialog->made())
            log(tr("Made disk %1").arg(p));
        if (then)
            then();
    });
    dialog->open();
    return dialog;
}

bool MainWindow::offerDemoGuest(std::function<void()> then)
{
    const QString dir = m_doc->baseDir();
    const QList<MissingDemoGuest> missing = missingDemoGuests(m_doc->topology(), dir);
    if (missing.isEmpty())
        return false;
    const MissingDemoGuest &m = missing.first();  // one at a time; Start asks again for the next
    const QString script = demoGuestScript(dir);
    if (script.isEmpty()) {
        log(tr("The demo guest in %1 (for %2) has not been built: run scripts/build-demo-guest %1 from "
               "Netloom's source tree, or point the guests at another kernel")
                .arg(m.dir, m.guests.join(QStringLiteral(", "))));
        return false;
    }
    const auto answer = m_ask(tr("Build the demo guest"),
                              tr("%1 boot the demo guest, which has not been built yet (%2). Build it now? "
                                 "It is made from this machine's kernel, busybox and dropbear, without network "
                                 "access, by %3.")
                                  .arg(m.guests.join(QStringLiteral(", ")), m.missing.join(QStringLiteral(", ")), script),
                              QMessageBox::Yes | QMessageBox::No);
    if (answer != QMessageBox::Yes)
        return false;
    auto *build = new DemoGuestBuild(this);
    connect(build, &DemoGuestBuild::finished, this, [this, build, dir = m.dir, then = std::move(then)](bool ok, const QString &error) {
        build->deleteLater();
        if (!ok) {
            log(error);
            statusBar()->showMessage(error.section(u'\n', 0, 0), 8000);
            return;
        }
        log(tr("Built the demo guest in %1").arg(dir));
        if (then)
            then();
    });
    if (!build->start(script, m.dir)) {
        delete build;
        return false;
    }
    log(tr("Building the demo guest in %1 (%2)").arg(m.dir, script));
    return true;
}

bool MainWindow::forwardPortTo(const QString &guestId, const QString &nic)
{
    const Result<QString> gateway = ForwardAction::addForwardToGuest(m_doc, m_undo, guestId, nic);
    if (!gateway) {
        log(gateway.error().message);
        statusBar()->showMessage(gateway.error().message, 8000);
        return false;
    }
    m_scene->selectOnly(*gateway);  // the panel follows the selection
    if (m_props->currentId() != *gateway)
        m_props->showItem(*gateway);
    if (auto *dock = qobject_cast<QDockWidget *>(m_props->parentWidget())) {
        dock->show();
        dock->raise();
    }
    m_props->focusField(QStringLiteral("hostPort.nat.forwards"));
    return true;
}

}  // namespace netloom::gui
