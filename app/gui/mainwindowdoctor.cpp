// SPDX-License-Identifier: GPL-3.0-or-later
// MainWindow: the NAT doctor (Run > Network Doctor…, and the quiet check after Start).
#include "mainwindow.h"

#include "doctordialog.h"
#include "helperprobe.h"
#include "helperstatuswidget.h"
#include "runcontroller.h"
#include "topologydocument.h"
#include "doctor/factssource.h"
#include "runtime/runtime.h"

#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>

namespace netloom::gui {

void MainWindow::openDoctor(bool quietUnlessBlocking)
{
    Result<protocol::HostState> host = m_run->planHost(m_doc->topology(), m_doc->baseDir());
    if (!host) {
        log(host.error().message);
        if (!quietUnlessBlocking)
            statusBar()->showMessage(host.error().message, 8000);
        return;
    }
    const protocol::DiagnoseRequest request = doctor::diagnoseRequestFor(*host);
    if (request.gateways.isEmpty()) {
        if (!quietUnlessBlocking)
            QMessageBox::information(this, tr("Network Doctor"), tr("This topology has no NAT or routed gateway: nothing to check."));
        return;
    }
    auto *source = new doctor::HelperFactsSource(m_helper->probe()->socketPath());
    auto *dlg = new DoctorDialog(source, request, runtime::helperNetworkId(m_doc->topology().name), this);
    source->setParent(dlg);
    dlg->setAttribute(Qt::WA_DeleteOnClose);
    connect(dlg, &DoctorDialog::repaired, this, [this](const QString &message) { log(message); });
    if (!quietUnlessBlocking) {
        dlg->show();
        dlg->refresh();
        return;
    }
    connect(dlg, &DoctorDialog::checked, this, [this, dlg](bool blocking) {
        if (!blocking) {
            dlg->deleteLater();
            return;
        }
        QString cause;
        for (const doctor::Finding &f : dlg->report().findings)
            if (f.severity == doctor::Severity::Blocking && cause.isEmpty())
                cause = f.cause;
        log(tr("Network doctor: %1").arg(cause));
        auto *box = new QMessageBox(QMessageBox::Warning, tr("Network Doctor"),
                                    tr("The guests may not reach the outside: %1").arg(cause), QMessageBox::Close, this);
        box->setObjectName(QStringLiteral("doctorNotice"));
        QPushButton *openIt = box->addButton(tr("Open Network Doctor"), QMessageBox::AcceptRole);
        box->setModal(false);
        box->setAttribute(Qt::WA_DeleteOnClose);
        connect(box, &QMessageBox::finished, dlg, [box, openIt, dlg] {
            if (box->clickedButton() == openIt)
                dlg->show();
            else
                dlg->deleteLater();
        });
        box->show();
    }, Qt::SingleShotConnection);
    dlg->refresh();
}

}  // namespace netloom::gui
