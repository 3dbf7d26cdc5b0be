// SPDX-License-Identifier: GPL-3.0-or-later
#include "missingdisksdialog.h"

#include <QDialogButtonBox>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace netloom::gui {

MissingDisksDialog::MissingDisksDialog(const QList<MissingDisk> &disks, const QMap<QString, QString> &nodeNames,
                                       QWidget *parent)
    : QDialog(parent), m_disks(disks)
{
    setObjectName(QStringLiteral("missingDisksDialog"));
    setWindowTitle(tr("Missing Disks"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("These guests' disks do not exist yet. Create them as new, empty disks? "
                                "(A guest then boots from its install medium or network.)"),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *grid = new QGridLayout;
    for (int i = 0; i < disks.size(); ++i) {
        const MissingDisk &d = disks[i];
        grid->addWidget(new QLabel(nodeNames.value(d.node, d.node), this), i, 0);
        auto *path = new QLabel(QStringLiteral("%1 (%2)").arg(d.path, d.format), this);
        path->setTextInteractionFlags(Qt::TextSelectableByMouse);
        grid->addWidget(path, i, 1);
        auto *size = new QSpinBox(this);
        size->setObjectName(QStringLiteral("size.%1.%2").arg(d.node).arg(d.index));
        size->setRange(1, int(qemu::kMaxDiskBytes / qemu::kGiB));
        size->setValue(20);
        size->setSuffix(tr(" GiB"));
        grid->addWidget(size, i, 2);
        m_sizes.append(size);
    }
    layout->addLayout(grid);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("error"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b00020"));
    m_error->hide();
    layout->addWidget(m_error);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->hide();
    layout->addWidget(m_progress);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_create = buttons->button(QDialogButtonBox::Ok);
    m_create->setText(tr("C&reate"));
    m_create->setObjectName(QStringLiteral("create"));
    connect(buttons, &QDialogButtonBox::accepted, this, &MissingDisksDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &MissingDisksDialog::reject);
    layout->addWidget(buttons);
}

QString MissingDisksDialog::errorText() const
{
    return m_error->text();
}

void MissingDisksDialog::accept()
{
    if (m_job)
        return;
    m_error->hide();
    m_current = -1;
    m_create->setEnabled(false);
    m_progress->show();
    next();
}

void MissingDisksDialog::next()
{
    while (++m_current < m_disks.size()) {
        const MissingDisk &d = m_disks[m_current];
        if (m_made.contains(d.path) || QFileInfo::exists(d.path))
            continue;  // made by an earlier row (two guests naming one file) or meanwhile
        qemu::DiskRequest r;
        r.action = qemu::DiskAction::Create;
        r.path = d.path;
        r.format = qemu::creatableDiskFormats().contains(d.format) ? d.format : QStringLiteral("qcow2");
        r.sizeBytes = qint64(m_sizes[m_current]->value()) * qemu::kGiB;
        m_job = new qemu::DiskJob(this);
        connect(m_job, &qemu::DiskJob::progress, m_progress, &QProgressBar::setValue);
        connect(m_job, &qemu::DiskJob::finished, this, &MissingDisksDialog::onFinished);
        m_progress->setValue(0);
        if (Status s = m_job->start(r); !s) {
            delete m_job;
            onFinished(false, s.error().message);
        }
        return;
    }
    m_progress->hide();
    QDialog::accept();
}

void MissingDisksDialog::onFinished(bool succeeded, const QString &error)
{
    if (m_job)
        m_job->deleteLater();
    m_job = nullptr;
    if (!succeeded) {
        m_error->setText(error);
        m_error->show();
        m_progress->hide();
        m_create->setEnabled(true);
        return;
    }
    m_made.append(m_disks[m_current].path);
    next();
}

void MissingDisksDialog::reject()
{
    if (m_job) {
        m_job->cancel();
        return;
    }
    QDialog::reject();
}

}  // namespace netloom::gui
