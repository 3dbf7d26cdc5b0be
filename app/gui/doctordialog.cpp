// SPDX-License-Identifier: GPL-3.0-or-later
#include "doctordialog.h"

#include "doctor/factssource.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace netloom::gui {

using doctor::Severity;

DoctorDialog::DoctorDialog(doctor::FactsSource *source, const protocol::DiagnoseRequest &request, const QString &network,
                           QWidget *parent)
    : QDialog(parent), m_source(source), m_request(request), m_network(network)
{
    setObjectName(QStringLiteral("doctorDialog"));
    setWindowTitle(tr("Network Doctor"));
    setModal(false);
    auto *layout = new QVBoxLayout(this);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("doctorSummary"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("doctorFindings"));
    m_list->setHeaderLabels({tr("Check"), tr("Finding")});
    m_list->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_list->setWordWrap(true);
    layout->addWidget(m_list, 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_check = buttons->addButton(tr("Check Again"), QDialogButtonBox::ActionRole);
    m_check->setObjectName(QStringLiteral("doctorCheck"));
    m_repair = buttons->addButton(tr("Repair"), QDialogButtonBox::ActionRole);
    m_repair->setObjectName(QStringLiteral("doctorRepair"));
    m_repair->setToolTip(tr("Add accept rules for Netloom's own interfaces to the firewall chains that drop them "
                            "(removed when the network stops); never changes a policy or another rule"));
    m_repair->setEnabled(false);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
    connect(m_check, &QPushButton::clicked, this, &DoctorDialog::refresh);
    connect(m_repair, &QPushButton::clicked, this, &DoctorDialog::repair);
    layout->addWidget(buttons);
    resize(760, 480);
}

void DoctorDialog::setBusy(bool busy)
{
    m_busy = busy;
    m_check->setEnabled(!busy);
    m_repair->setEnabled(!busy && m_report.repairable());
}

void DoctorDialog::refresh()
{
    if (m_busy)
        return;
    setBusy(true);
    m_summary->setText(tr("Checking the host…"));
    QPointer<DoctorDialog> self(this);
    m_source->diagnose(m_request, [self](const Result<protocol::DiagnoseFacts> &facts) {
        if (!self)
            return;
        if (!facts) {
            self->m_report = {};
            self->m_list->clear();
            self->m_summary->setText(tr("The check failed: %1").arg(facts.error().message));
            self->setBusy(false);
            emit self->checked(false);
            return;
        }
        self->showReport(doctor::analyze(self->m_request, *facts));
        self->setBusy(false);
        emit self->checked(self->m_report.blocking());
    });
}

void DoctorDialog::showReport(const doctor::Report &report)
{
    m_report = report;
    m_list->clear();
    int blocking = 0, warnings = 0;
    for (const doctor::Finding &f : report.findings) {
        auto *item = new QTreeWidgetItem(m_list);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        item->setCheckState(0, f.severity == Severity::Ok ? Qt::Checked : Qt::Unchecked);
        item->setText(0, f.severity == Severity::Ok ? tr("OK") : f.severity == Severity::Warning ? tr("Warning") : tr("Blocking"));
        item->setText(1, f.cause);
        item->setData(0, Qt::UserRole, f.id);
        item->setToolTip(1, f.id);
        if (f.severity == Severity::Blocking) {
            ++blocking;
            item->setForeground(0, QColor(0xc0, 0x1c, 0x28));
        } else if (f.severity == Severity::Warning) {
            ++warnings;
            item->setForeground(0, QColor(0xa0, 0x60, 0x00));
        }
        if (!f.evidence.isEmpty())
            (new QTreeWidgetItem(item, {QString(), tr("Evidence: %1").arg(f.evidence)}))->setFlags(Qt::ItemIsEnabled);
        if (f.severity != Severity::Ok && !f.fix.isEmpty())
            (new QTreeWidgetItem(item, {QString(), f.repairable ? tr("Fix (Repair does it): %1").arg(f.fix)
                                                                  : tr("Fix: %1").arg(f.fix)}))
                ->setFlags(Qt::ItemIsEnabled);
        item->setExpanded(f.severity != Severity::Ok);
    }
    if (blocking > 0)
        m_summary->setText(tr("%n problem(s) keep the guests from reaching the outside.", nullptr, blocking));
    else if (warnings > 0)
        m_summary->setText(tr("Nothing blocks; %n warning(s).", nullptr, warnings));
    else
        m_summary->setText(tr("Nothing blocks the guests' way out."));
}

void DoctorDialog::repair()
{
    if (m_busy || !m_report.repairable())
        return;
    setBusy(true);
    m_summary->setText(tr("Repairing…"));
    QPointer<DoctorDialog> self(this);
    m_source->repair(m_network, doctor::repairsOf(m_report), doctor::forwardingRepairOf(m_report), [self](const Status &s) {
        if (!self)
            return;
        self->setBusy(false);
        const QString message = s ? tr("Repaired; checking again.") : tr("The repair failed: %1").arg(s.error().message);
        emit self->repaired(message);
        if (!s) {
            self->m_summary->setText(message);
            return;
        }
        self->refresh();
    });
}

}  // namespace netloom::gui
