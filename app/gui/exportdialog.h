// SPDX-License-Identifier: GPL-3.0-or-later
// The export dialog: the topology as a standalone shell script (core/export), shown with
// highlighting, with Save and Copy. If the exporter refuses the topology (e.g. validation
// errors), the dialog shows that error instead of a script and disables Save and Copy.
#pragma once

#include "model/topology.h"

#include <QDialog>

class QPlainTextEdit;
class QPushButton;
class QLabel;

namespace netloom::gui {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    // Renders the script for `topology`; relative guest paths resolve against
    // `topologyDir` (an absolute directory). Pure until the user saves or copies.
    ExportDialog(const model::Topology &topology, const QString &topologyDir, QWidget *parent = nullptr);

    bool hasScript() const { return !m_script.isEmpty(); }
    QString script() const { return m_script; }
    QString errorText() const;
    QPlainTextEdit *view() const { return m_view; }

    // Writes the script to `path` (mode 0755). Returns "" or an error sentence.
    QString saveTo(const QString &path) const;
    // Puts the script on the clipboard.
    void copyToClipboard() const;

private:
    void saveAs();

    QString m_script;
    QString m_defaultName;
    QPlainTextEdit *m_view = nullptr;
    QLabel *m_error = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_copy = nullptr;
};

}  // namespace netloom::gui
