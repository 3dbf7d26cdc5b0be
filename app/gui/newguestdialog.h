// SPDX-License-Identifier: GPL-3.0-or-later
// The New Guest dialog (issue #11): name, OS preset, memory and CPUs against the host's,
// install ISO, disk (new, existing, or a copy-on-write overlay over a base image), BIOS or
// UEFI, cloud-init with the user's SSH key, and the network to join.
//
// Design note. The widgets only fill a NewGuestSpec (newguest.h); OK plans it, checks every
// file first, then makes the UEFI variable store and the disk (a qemu::DiskJob, its progress
// shown in the dialog, cancellable), and only then accepts. An error is shown in the dialog
// naming the field, which keeps its contents; anything made before the failure is removed.
// The caller reads plan() after accepted() and pushes it as one undoable edit.
#pragma once

#include "newguest.h"
#include "runtime/userkeys.h"

#include <QDialog>
#include <QPointer>

#include <functional>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace netloom::gui {

class NewGuestDialog : public QDialog {
    Q_OBJECT
public:
    struct Options {
        bool fromImage = false;      // "Guest from image…": overlay over a base + cloud-init
        QPointF position;
        QString network;             // preselected switch/bridge id ("" = the first one)
        QString freshId;             // the node id and name to use
        QString freshName;
        QString homeDir;             // whose ~/.ssh/*.pub are offered ("" = QDir::homePath())
        bool vhostUser = true;       // QEMU offers -netdev vhost-user (see NewGuestSpec::vhostUser)
    };
    // `topologyDir`: the folder relative paths are stored against ("" = store absolute);
    // `filesDir`: where new files go by default.
    NewGuestDialog(const model::Topology &topology, const QString &topologyDir, const QString &filesDir,
                   const Options &options, QWidget *parent = nullptr);
    ~NewGuestDialog() override;

    // The user's choices as they stand.
    NewGuestSpec spec() const;
    // After accepted(): what was made, ready to be added to the document.
    const NewGuestPlan &plan() const { return m_plan; }
    // The last error shown ("" = none).
    QString errorText() const;

    // Asks whether to replace an existing disk file (tests replace the message box).
    using ReplaceAsker = std::function<bool(const QString &path)>;
    void setReplaceAsker(ReplaceAsker asker) { m_askReplace = std::move(asker); }

    void accept() override;
    void reject() override;

private:
    void applyPreset();
    void updateVisibility();
    void showError(const QString &message);
    void setBusy(bool busy);
    void onDiskFinished(bool succeeded, const QString &error);
    QWidget *withBrowse(QLineEdit *edit, const QString &title, const QString &filter, bool save);

    model::Topology m_topology;
    QString m_dir;
    QString m_filesDir;
    Options m_options;
    NewGuestPlan m_plan;
    QList<qemu::FirmwarePair> m_firmware;
    runtime::UserKeys m_keys;
    ReplaceAsker m_askReplace;
    QPointer<qemu::DiskJob> m_job;
    bool m_madeVars = false;

    QLineEdit *m_name = nullptr;
    QComboBox *m_preset = nullptr;
    QSpinBox *m_memory = nullptr;
    QSpinBox *m_cpus = nullptr;
    QLineEdit *m_iso = nullptr;
    QComboBox *m_disk = nullptr;
    QSpinBox *m_diskSize = nullptr;
    QLineEdit *m_diskPath = nullptr;
    QLineEdit *m_base = nullptr;
    QComboBox *m_firmwareBox = nullptr;
    QGroupBox *m_cloud = nullptr;
    QLineEdit *m_ciUser = nullptr;
    QComboBox *m_ciKey = nullptr;
    QLineEdit *m_ciKeyFile = nullptr;
    QLineEdit *m_ciHostname = nullptr;
    QLineEdit *m_ciPassword = nullptr;
    QComboBox *m_network = nullptr;
    QLabel *m_error = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_ok = nullptr;
    QList<QWidget *> m_diskSizeRow, m_diskPathRow, m_baseRow;
    bool m_diskPathEdited = false;
};

}  // namespace netloom::gui
