// SPDX-License-Identifier: GPL-3.0-or-later
// MainWindow: Run > Start at Boot (issue #16 part 2) over runtime::BootEnabler, the executor
// `netloomctl enable/disable/list-enabled` use too.
#include "mainwindow.h"

#include "helperprobe.h"
#include "helperstatuswidget.h"
#include "topologydocument.h"

#include "runtime/bootenabler.h"

#include <QAction>
#include <QFileInfo>
#include <QStatusBar>
#include <QUndoStack>

namespace netloom::gui {

runtime::BootEnabler *MainWindow::bootEnabler()
{
    const QString socket = m_helper->probe()->socketPath();
    if (!m_boot) {
        m_boot = new runtime::BootEnabler(socket, this);
        connect(m_boot, &runtime::BootEnabler::finished, this, [this](const Status &s, const runtime::BootOutcome &o) {
            m_startAtBoot->setEnabled(true);
            QString line;
            if (!s)
                line = s.error().message;
            else if (o.unitChanged || o.hostSide)
                line = o.name.isEmpty() ? tr("%1 no longer starts at boot").arg(QFileInfo(o.topologyPath).fileName())
                                        : tr("%1 starts at boot (host side by the helper, switches and guests by %2)")
                                              .arg(o.name, o.unit);
            if (!line.isEmpty()) {
                log(line);
                statusBar()->showMessage(line, 8000);
            }
            refreshStartAtBoot();
        });
        connect(m_boot, &runtime::BootEnabler::listed, this,
                [this](const QList<runtime::EnabledTopology> &rows, const QString &helperError) {
                    m_enabledAtBoot = rows;
                    if (m_boot->busy())
                        return;  // an enable/disable is running: its end refreshes again
                    const QString path = QFileInfo(m_doc->filePath()).canonicalFilePath();
                    bool on = false;
                    QString detail;
                    for (const runtime::EnabledTopology &r : rows) {
                        if (path.isEmpty() || r.topology != path)
                            continue;
                        on = r.hostSide || r.unitEnabled;
                        if (!r.boot.isEmpty())
                            detail = r.boot;
                    }
                    const QSignalBlocker block(m_startAtBoot);
                    m_startAtBoot->setChecked(on);
                    m_startAtBoot->setStatusTip(!helperError.isEmpty() ? tr("The helper cannot be asked: %1").arg(helperError)
                                                                       : detail);
                });
    }
    m_boot->setHelperSocket(socket);
    return m_boot;
}

void MainWindow::refreshStartAtBoot()
{
    if (!m_startAtBoot)
        return;
    m_startAtBoot->setEnabled(!m_doc->filePath().isEmpty());
    runtime::BootEnabler *b = bootEnabler();
    if (m_doc->filePath().isEmpty()) {
        const QSignalBlocker block(m_startAtBoot);
        m_startAtBoot->setChecked(false);
        return;
    }
    if (!b->busy())
        b->list();
}

void MainWindow::setStartAtBoot(bool on)
{
    const auto revert = [this, on] {
        const QSignalBlocker block(m_startAtBoot);
        m_startAtBoot->setChecked(!on);
    };
    if (m_doc->filePath().isEmpty()) {
        log(tr("Save the topology first: Start at Boot starts its file"));
        revert();
        return;
    }
    // Boot starts the file: what is on the canvas must be in it.
    if (on && !m_undo->isClean() && !save()) {
        revert();
        return;
    }
    runtime::BootEnabler *b = bootEnabler();
    if (b->busy()) {
        revert();
        return;
    }
    m_startAtBoot->setEnabled(false);
    if (on)
        b->enable(m_doc->filePath());
    else
        b->disable(m_doc->filePath());
}

}  // namespace netloom::gui
