// SPDX-License-Identifier: GPL-3.0-or-later
// MainWindow: File > Import… and File > Import Running QEMU Guests… (issue #15 parts 4 and 5):
// the import dialog and opening its result.
#include "mainwindow.h"

#include "autosave.h"
#include "canvasview.h"
#include "importdialog.h"
#include "topologydocument.h"

#include <QUndoStack>

namespace netloom::gui {

ImportDialog *MainWindow::showImportDialog(bool modal, bool runningGuests, const QString &procRoot)
{
    auto *dlg = new ImportDialog(this);
    dlg->setAttribute(Qt::WA_DeleteOnClose);
    connect(dlg, &ImportDialog::importRequested, this, [this, dlg](const model::Topology &t) {
        if (openImported(t))
            dlg->accept();
    });
    if (runningGuests)
        (void)dlg->loadRunningGuests(procRoot);  // an error is shown in the dialog
    if (modal) {
        dlg->exec();
        return nullptr;
    }
    dlg->show();
    return dlg;
}

bool MainWindow::openImported(const model::Topology &topology)
{
    if (!maybeSave())
        return false;
    // The current document was saved or its changes discarded: its autosave goes too.
    m_autosave->discard(m_doc->filePath());
    m_doc->reset(topology, QString());
    m_undo->clear();
    // New and never saved: closing or opening another file asks first.
    m_undo->resetClean();
    m_autosaveDirty = true;
    log(tr("Imported %1 (%2 nodes, %3 cables), not saved yet")
            .arg(topology.name)
            .arg(topology.nodes.size())
            .arg(topology.links.size()));
    validateNow();
    m_view->fitAll();
    return true;
}

}  // namespace netloom::gui
