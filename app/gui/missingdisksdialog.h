// SPDX-License-Identifier: GPL-3.0-or-later
// "Create…" for guest disks that do not exist (issue #11): instead of failing at Start, the
// app lists the missing disks and makes them — empty images of the size the user picks, in
// the format the topology names — with qemu-img (qemu::DiskJob), one after the other, with
// progress. Nothing is replaced: a disk that appears meanwhile is left alone and reported.
#pragma once

#include "newguest.h"

#include <QDialog>
#include <QPointer>

class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace netloom::gui {

class MissingDisksDialog : public QDialog {
    Q_OBJECT
public:
    MissingDisksDialog(const QList<MissingDisk> &disks, const QMap<QString, QString> &nodeNames,
                       QWidget *parent = nullptr);

    // The disks made so far (absolute paths).
    QStringList made() const { return m_made; }
    QString errorText() const;

    void accept() override;  // makes the disks, then accepts
    void reject() override;  // cancels a running job first

private:
    void next();
    void onFinished(bool succeeded, const QString &error);

    QList<MissingDisk> m_disks;
    QList<QSpinBox *> m_sizes;
    QStringList m_made;
    int m_current = -1;
    QPointer<qemu::DiskJob> m_job;
    QLabel *m_error = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_create = nullptr;
};

}  // namespace netloom::gui
