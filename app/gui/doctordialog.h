// SPDX-License-Identifier: GPL-3.0-or-later
// DoctorDialog: the NAT doctor's checklist (issue #14; docs/doctor.md).
//
// Design note. A non-modal dialog over a FactsSource (core/doctor/factssource.h; the helper,
// or a fake in tests): it asks for the facts of the network's gateways, shows the findings
// of doctor::analyze() as a checklist (checked = ok; warning and blocking unchecked, each
// with its evidence and fix below), and offers Repair when a finding is repairable — which
// asks the source to apply the repairs (scoped accept rules, IPv4 forwarding) and checks
// again. The findings' texts come from the core in English; the dialog's own strings go
// through tr(). No logic beyond showing and forwarding.
#pragma once

#include "doctor/doctor.h"

#include <QDialog>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace netloom::doctor {
class FactsSource;
}

namespace netloom::gui {

class DoctorDialog : public QDialog {
    Q_OBJECT
public:
    // `network`: the helper's id of the running network (repairs need it running).
    DoctorDialog(doctor::FactsSource *source, const protocol::DiagnoseRequest &request, const QString &network,
                 QWidget *parent = nullptr);

    // Asks the source again (the buttons are disabled meanwhile).
    void refresh();
    const doctor::Report &report() const { return m_report; }
    bool busy() const { return m_busy; }

Q_SIGNALS:
    // After each check: the new report is shown.
    void checked(bool blocking);
    // After a repair (ok or not: the message says).
    void repaired(const QString &message);

private:
    void repair();
    void showReport(const doctor::Report &report);
    void setBusy(bool busy);

    doctor::FactsSource *m_source;
    protocol::DiagnoseRequest m_request;
    QString m_network;
    doctor::Report m_report;
    bool m_busy = false;
    QLabel *m_summary = nullptr;
    QTreeWidget *m_list = nullptr;
    QPushButton *m_check = nullptr;
    QPushButton *m_repair = nullptr;
};

}  // namespace netloom::gui
