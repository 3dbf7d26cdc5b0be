// SPDX-License-Identifier: GPL-3.0-or-later
#include "exportdialog.h"

#include "export/shellexporter.h"
#include "plan/rundir.h"
#include "model/allocator.h"
#include "runtime/userkeys.h"
#include "shellhighlighter.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QVBoxLayout>

namespace netloom::gui {

ExportDialog::ExportDialog(const model::Topology &topology, const QString &topologyDir, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("exportDialog"));
    setWindowTitle(tr("Export as shell script"));
    resize(820, 620);
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("A standalone POSIX sh script that builds this network with stock tools. "
                                "Run it as root with start, start-net, stop, restart or status."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("exportError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c02020"));
    m_error->hide();
    layout->addWidget(m_error);
    m_view = new QPlainTextEdit(this);
    m_view->setObjectName(QStringLiteral("exportScript"));
    m_view->setReadOnly(true);
    m_view->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    new ShellHighlighter(m_view->document());
    layout->addWidget(m_view, 1);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_save = buttons->addButton(tr("Save\u2026"), QDialogButtonBox::ActionRole);
    m_save->setObjectName(QStringLiteral("exportSave"));
    m_copy = buttons->addButton(tr("Copy"), QDialogButtonBox::ActionRole);
    m_copy->setObjectName(QStringLiteral("exportCopy"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_save, &QPushButton::clicked, this, &ExportDialog::saveAs);
    connect(m_copy, &QPushButton::clicked, this, &ExportDialog::copyToClipboard);
    layout->addWidget(buttons);

    m_defaultName = plan::safeId(topology.name) + QStringLiteral(".sh");
    // As `netloomctl export`: MACs and interface names left empty are allocated first.
    // cloudInit sections with userKeys: the script carries this user's ~/.ssh/*.pub.
    const model::Topology allocated = model::allocate(topology);
    const Result<QString> script =
        exporter::exportShell(allocated, topologyDir, runtime::userKeysFor(allocated, QDir::homePath()).keys);
    if (script) {
        m_script = *script;
        m_view->setPlainText(m_script);
    } else {
        m_error->setText(tr("The topology cannot be exported: %1").arg(script.error().message));
        m_error->show();
        m_view->hide();
        m_save->setEnabled(false);
        m_copy->setEnabled(false);
    }
}

QString ExportDialog::errorText() const
{
    return m_error->text();
}

QString ExportDialog::saveTo(const QString &path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return tr("failed to save '%1': %2").arg(path, file.errorString());
    const QByteArray bytes = m_script.toUtf8();
    if (file.write(bytes) != bytes.size() || !file.commit())
        return tr("failed to save '%1': %2").arg(path, file.errorString());
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup
                                    | QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther);
    return {};
}

void ExportDialog::copyToClipboard() const
{
    QApplication::clipboard()->setText(m_script);
}

void ExportDialog::saveAs()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Save script"), m_defaultName,
                                                      tr("Shell scripts (*.sh);;All files (*)"));
    if (path.isEmpty())
        return;
    if (const QString err = saveTo(path); !err.isEmpty())
        QMessageBox::warning(this, tr("Save script"), err);
}

}  // namespace netloom::gui
