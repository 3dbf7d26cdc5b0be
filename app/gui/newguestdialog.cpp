// SPDX-License-Identifier: GPL-3.0-or-later
#include "newguestdialog.h"

#include "model/validator.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QThread>

#include <unistd.h>

namespace netloom::gui {

namespace lim = model::limits;

namespace {

int hostMemoryMiB()
{
    const long pages = ::sysconf(_SC_PHYS_PAGES), size = ::sysconf(_SC_PAGESIZE);
    if (pages <= 0 || size <= 0)
        return lim::kMaxMemoryMiB;
    return int(std::min<qint64>(qint64(pages) * size / qemu::kMiB, lim::kMaxMemoryMiB));
}

QString defaultUser()
{
    const QString user = QString::fromLocal8Bit(qgetenv("USER"));
    return model::checkUserName(user).isEmpty() && user != QLatin1String("root") ? user : QStringLiteral("user");
}

}  // namespace

NewGuestDialog::NewGuestDialog(const model::Topology &topology, const QString &topologyDir, const QString &filesDir,
                               const Options &options, QWidget *parent)
    : QDialog(parent), m_topology(topology), m_dir(topologyDir), m_filesDir(filesDir), m_options(options)
{
    setObjectName(QStringLiteral("newGuestDialog"));
    setWindowTitle(options.fromImage ? tr("New Guest from Image") : tr("New Guest"));
    m_firmware = qemu::findFirmware();
    m_keys = runtime::readUserKeys(options.homeDir.isEmpty() ? QDir::homePath() : options.homeDir);

    auto *form = new QFormLayout;
    auto named = [](auto *w, const char *name) {
        w->setObjectName(QLatin1String(name));
        return w;
    };
    m_name = named(new QLineEdit(options.freshName, this), "name");
    m_name->setMaxLength(lim::kMaxStringChars);
    form->addRow(tr("&Name"), m_name);

    m_preset = named(new QComboBox(this), "preset");
    m_preset->addItem(tr("Linux"), int(OsPreset::Linux));
    m_preset->addItem(tr("Windows"), int(OsPreset::Windows));
    m_preset->addItem(tr("BSD / other"), int(OsPreset::Other));
    m_preset->setToolTip(tr("Sets the machine type (q35), network card, disk bus, display and memory"));
    form->addRow(tr("&Operating system"), m_preset);

    const int hostMiB = hostMemoryMiB(), hostCpus = std::max(1, QThread::idealThreadCount());
    m_memory = named(new QSpinBox(this), "memory");
    m_memory->setRange(lim::kMinMemoryMiB, std::max(lim::kMinMemoryMiB, hostMiB));
    m_memory->setSingleStep(256);
    m_memory->setSuffix(tr(" MiB"));
    auto *memRow = new QWidget(this);
    auto *memLayout = new QHBoxLayout(memRow);
    memLayout->setContentsMargins(0, 0, 0, 0);
    memLayout->addWidget(m_memory, 1);
    memLayout->addWidget(new QLabel(tr("of %1 MiB on this host").arg(hostMiB), memRow));
    form->addRow(tr("&Memory"), memRow);
    qobject_cast<QLabel *>(form->labelForField(memRow))->setBuddy(m_memory);
    m_cpus = named(new QSpinBox(this), "cpus");
    m_cpus->setRange(lim::kMinCpus, std::min(lim::kMaxCpus, hostCpus));
    auto *cpuRow = new QWidget(this);
    auto *cpuLayout = new QHBoxLayout(cpuRow);
    cpuLayout->setContentsMargins(0, 0, 0, 0);
    cpuLayout->addWidget(m_cpus, 1);
    cpuLayout->addWidget(new QLabel(tr("of %1 on this host").arg(hostCpus), cpuRow));
    form->addRow(tr("&CPUs"), cpuRow);
    qobject_cast<QLabel *>(form->labelForField(cpuRow))->setBuddy(m_cpus);

    m_iso = named(new QLineEdit(this), "iso");
    m_iso->setPlaceholderText(tr("none"));
    QWidget *isoRow = withBrowse(m_iso, tr("Choose an installer ISO"), tr("ISO images (*.iso);;All files (*)"), false);
    form->addRow(tr("&Install medium (ISO)"), isoRow);

    m_disk = named(new QComboBox(this), "disk");
    m_disk->addItem(tr("No disk"), int(DiskChoice::None));
    m_disk->addItem(tr("New disk (qcow2)"), int(DiskChoice::Create));
    m_disk->addItem(tr("Existing image"), int(DiskChoice::Existing));
    m_disk->addItem(tr("Overlay on an image (base stays untouched)"), int(DiskChoice::Overlay));
    m_disk->addItem(tr("Copy of an image (as qcow2)"), int(DiskChoice::Copy));
    form->addRow(tr("&Disk"), m_disk);
    m_diskSize = named(new QSpinBox(this), "diskSize");
    m_diskSize->setRange(0, int(qemu::kMaxDiskBytes / qemu::kGiB));
    m_diskSize->setValue(20);
    m_diskSize->setSuffix(tr(" GiB"));
    m_diskSize->setSpecialValueText(tr("as the base"));
    form->addRow(tr("Disk si&ze"), m_diskSize);
    m_diskSizeRow = {m_diskSize, form->labelForField(m_diskSize)};
    m_diskPath = named(new QLineEdit(this), "diskPath");
    QWidget *diskPathRow = withBrowse(m_diskPath, tr("Disk image"), tr("Disk images (*.qcow2 *.img *.raw);;All files (*)"), true);
    form->addRow(tr("Disk &file"), diskPathRow);
    m_diskPathRow = {diskPathRow, form->labelForField(diskPathRow)};
    connect(m_diskPath, &QLineEdit::textEdited, this, [this] { m_diskPathEdited = true; });
    m_base = named(new QLineEdit(this), "baseImage");
    m_base->setPlaceholderText(tr("a cloud image, e.g. debian-12-genericcloud-amd64.qcow2"));
    QWidget *baseRow = withBrowse(m_base, tr("Base image"), tr("Disk images (*.qcow2 *.img *.raw);;All files (*)"), false);
    form->addRow(tr("&Base image"), baseRow);
    m_baseRow = {baseRow, form->labelForField(baseRow)};

    m_firmwareBox = named(new QComboBox(this), "firmware");
    m_firmwareBox->addItem(tr("BIOS (SeaBIOS)"), -1);
    for (int i = 0; i < m_firmware.size(); ++i)
        m_firmwareBox->addItem(tr("UEFI (%1)").arg(m_firmware[i].description), i);
    if (m_firmware.isEmpty())
        m_firmwareBox->setToolTip(tr("UEFI needs Debian's ovmf package"));
    form->addRow(tr("Fi&rmware"), m_firmwareBox);

    m_network = named(new QComboBox(this), "network");
    m_network->addItem(tr("Not connected"), QString());
    for (const model::Node &n : topology.nodes)
        if (n.type == model::NodeType::Switch)
            m_network->addItem(n.name, n.id);
    const int wanted = options.network.isEmpty() ? (m_network->count() > 1 ? 1 : 0) : m_network->findData(options.network);
    m_network->setCurrentIndex(std::max(0, wanted));
    form->addRow(tr("Ne&twork"), m_network);

    m_cloud = named(new QGroupBox(tr("cloud-init (for cloud images)"), this), "cloudInit");
    m_cloud->setCheckable(true);
    m_cloud->setChecked(options.fromImage);
    m_cloud->setToolTip(tr("At start the guest gets a NoCloud seed: this user, your SSH key, its host name"));
    auto *cloud = new QFormLayout(m_cloud);
    m_ciUser = named(new QLineEdit(defaultUser(), m_cloud), "ciUser");
    cloud->addRow(tr("&User"), m_ciUser);
    m_ciKey = named(new QComboBox(m_cloud), "ciKey");
    for (const QString &file : std::as_const(m_keys.files))
        m_ciKey->addItem(QFileInfo(file).fileName(), file);
    m_ciKey->addItem(tr("Key file…"), QString());
    m_ciKey->addItem(tr("No key"), QStringLiteral("-"));
    cloud->addRow(tr("SSH &key"), m_ciKey);
    m_ciKeyFile = named(new QLineEdit(m_cloud), "ciKeyFile");
    QWidget *keyRow = withBrowse(m_ciKeyFile, tr("Public key"), tr("Public keys (*.pub);;All files (*)"), false);
    cloud->addRow(tr("Key f&ile"), keyRow);
    qobject_cast<QLabel *>(cloud->labelForField(keyRow))->setBuddy(m_ciKeyFile);
    m_ciHostname = named(new QLineEdit(m_cloud), "ciHostname");
    m_ciHostname->setPlaceholderText(tr("the node's name"));
    cloud->addRow(tr("&Host name"), m_ciHostname);
    m_ciPassword = named(new QLineEdit(m_cloud), "ciPassword");
    m_ciPassword->setEchoMode(QLineEdit::Password);
    m_ciPassword->setPlaceholderText(tr("none: key login only"));
    cloud->addRow(tr("&Password"), m_ciPassword);

    // Row labels' mnemonics go to the line edit, not its row.
    for (auto [row, edit] : {std::pair<QWidget *, QWidget *>{isoRow, m_iso}, {diskPathRow, m_diskPath}, {baseRow, m_base}})
        qobject_cast<QLabel *>(form->labelForField(row))->setBuddy(edit);

    m_error = named(new QLabel(this), "error");
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b00020"));
    m_error->hide();
    m_progress = named(new QProgressBar(this), "progress");
    m_progress->setRange(0, 1000);
    m_progress->hide();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("C&reate"));
    connect(buttons, &QDialogButtonBox::accepted, this, &NewGuestDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &NewGuestDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_cloud);
    layout->addWidget(m_error);
    layout->addWidget(m_progress);
    layout->addWidget(buttons);

    m_disk->setCurrentIndex(m_disk->findData(int(options.fromImage ? DiskChoice::Overlay : DiskChoice::Create)));
    if (options.fromImage)
        m_diskSize->setValue(0);
    connect(m_preset, &QComboBox::currentIndexChanged, this, &NewGuestDialog::applyPreset);
    connect(m_disk, &QComboBox::currentIndexChanged, this, &NewGuestDialog::updateVisibility);
    connect(m_ciKey, &QComboBox::currentIndexChanged, this, &NewGuestDialog::updateVisibility);
    connect(m_name, &QLineEdit::textChanged, this, [this](const QString &name) {
        if (!m_diskPathEdited)
            m_diskPath->setText(defaultDiskPath(m_filesDir, name.trimmed()));
    });
    m_diskPath->setText(defaultDiskPath(m_filesDir, options.freshName));
    applyPreset();
    updateVisibility();
    // Typing replaces the suggested name.
    m_name->setFocus();
    m_name->selectAll();
}

NewGuestDialog::~NewGuestDialog() = default;

QWidget *NewGuestDialog::withBrowse(QLineEdit *edit, const QString &title, const QString &filter, bool save)
{
    auto *row = new QWidget(this);
    auto *h = new QHBoxLayout(row);
    h->setContentsMargins(0, 0, 0, 0);
    h->addWidget(edit, 1);
    auto *browse = new QPushButton(tr("Browse…"), row);
    browse->setObjectName(edit->objectName() + QStringLiteral(".browse"));
    h->addWidget(browse);
    connect(browse, &QPushButton::clicked, this, [this, edit, title, filter, save] {
        const QString start = edit->text().isEmpty() ? m_filesDir : edit->text();
        // A save dialog would ask "replace?" itself; the dialog asks once, at Create.
        const QString path = save ? QFileDialog::getSaveFileName(this, title, start, filter, nullptr, QFileDialog::DontConfirmOverwrite)
                                  : QFileDialog::getOpenFileName(this, title, start, filter);
        if (!path.isEmpty()) {
            edit->setText(path);
            emit edit->textEdited(path);
        }
    });
    return row;
}

void NewGuestDialog::applyPreset()
{
    const PresetDefaults d = presetDefaults(OsPreset(m_preset->currentData().toInt()));
    m_memory->setValue(std::min(d.memoryMiB, m_memory->maximum()));
    m_cpus->setValue(std::min(d.cpus, m_cpus->maximum()));
}

void NewGuestDialog::updateVisibility()
{
    const auto choice = DiskChoice(m_disk->currentData().toInt());
    for (QWidget *w : std::as_const(m_diskSizeRow))
        if (w)
            w->setVisible(choice == DiskChoice::Create || choice == DiskChoice::Overlay);
    for (QWidget *w : std::as_const(m_diskPathRow))
        if (w)
            w->setVisible(choice != DiskChoice::None);
    for (QWidget *w : std::as_const(m_baseRow))
        if (w)
            w->setVisible(choice == DiskChoice::Overlay || choice == DiskChoice::Copy);
    m_diskSize->setMinimum(choice == DiskChoice::Overlay ? 0 : 1);
    m_ciKeyFile->setEnabled(m_ciKey->currentData().toString().isEmpty());
}

NewGuestSpec NewGuestDialog::spec() const
{
    NewGuestSpec s;
    s.name = m_name->text().trimmed();
    s.preset = OsPreset(m_preset->currentData().toInt());
    s.memoryMiB = m_memory->value();
    s.cpus = m_cpus->value();
    auto abs = [this](const QString &p) { return p.trimmed().isEmpty() ? QString() : qemu::resolveTopologyPath(p.trimmed(), m_dir.isEmpty() ? m_filesDir : m_dir); };
    s.iso = abs(m_iso->text());
    s.disk = DiskChoice(m_disk->currentData().toInt());
    s.diskPath = abs(m_diskPath->text());
    s.diskSizeBytes = qint64(m_diskSize->value()) * qemu::kGiB;
    s.baseImage = abs(m_base->text());
    const int fw = m_firmwareBox->currentData().toInt();
    if (fw >= 0 && fw < m_firmware.size()) {
        s.uefi = true;
        s.uefiCode = m_firmware[fw].code;
        s.uefiVarsTemplate = m_firmware[fw].varsTemplate;
        s.uefiVars = defaultVarsPath(m_filesDir, s.name);
    }
    s.network = m_network->currentData().toString();
    s.vhostUser = m_options.vhostUser;
    s.position = m_options.position;
    return s;
}

QString NewGuestDialog::errorText() const
{
    return m_error->isVisible() || !m_error->text().isEmpty() ? m_error->text() : QString();
}

void NewGuestDialog::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void NewGuestDialog::setBusy(bool busy)
{
    for (QWidget *w : findChildren<QWidget *>())
        if (w != m_progress && qobject_cast<QDialogButtonBox *>(w) == nullptr && w->parent() == this)
            w->setEnabled(!busy);
    m_ok->setEnabled(!busy);
    m_progress->setVisible(busy);
    m_progress->setValue(0);
}

void NewGuestDialog::accept()
{
    if (m_job)
        return;
    showError({});
    NewGuestSpec s = spec();
    if (m_cloud->isChecked()) {
        model::CloudInitConfig ci;
        ci.user = m_ciUser->text().trimmed();
        ci.hostname = m_ciHostname->text().trimmed();
        const QString keyChoice = m_ciKey->currentData().toString();
        if (keyChoice != QLatin1String("-")) {
            const QString file = keyChoice.isEmpty() ? m_ciKeyFile->text().trimmed() : keyChoice;
            if (file.isEmpty()) {
                showError(tr("SSH key file: choose a public key file, or \"No key\""));
                return;
            }
            Result<QString> key = runtime::readPublicKeyFile(file);
            if (!key) {
                showError(key.error().message);
                return;
            }
            ci.sshKeys.append(*key);
        }
        if (!m_ciPassword->text().isEmpty()) {
            ci.passwordHash = hashPassword(m_ciPassword->text());
            if (ci.passwordHash.isEmpty()) {
                showError(tr("password: the system cannot hash it (libcrypt)"));
                return;
            }
        }
        s.cloudInit = ci;
    }
    Result<NewGuestPlan> plan = planNewGuest(s, m_topology, m_dir, m_options.freshId);
    if (!plan) {
        showError(plan.error().message);
        return;
    }
    // An existing disk file is replaced only when the user says so.
    if (plan->disk && QFileInfo(plan->disk->path).isFile() && !plan->disk->replace) {
        const bool replace = m_askReplace ? m_askReplace(plan->disk->path)
                                          : QMessageBox::question(this, tr("Replace disk?"),
                                                                  tr("'%1' already exists. Replace it with a new, empty disk? Its contents will be lost.")
                                                                      .arg(plan->disk->path),
                                                                  QMessageBox::Yes | QMessageBox::No, QMessageBox::No) == QMessageBox::Yes;
        if (!replace) {
            showError(tr("disk file: '%1' already exists; choose another name").arg(plan->disk->path));
            return;
        }
        plan->disk->replace = true;
    }
    if (Status st = checkNewGuestFiles(s, &*plan); !st) {
        showError(st.error().message);
        return;
    }
    m_plan = *plan;
    if (Status st = makeNewGuestVars(m_plan); !st) {
        showError(st.error().message);
        return;
    }
    m_madeVars = !m_plan.vars.isEmpty();
    if (!m_plan.disk) {
        QDialog::accept();
        return;
    }
    m_job = new qemu::DiskJob(this);
    connect(m_job, &qemu::DiskJob::progress, m_progress, &QProgressBar::setValue);
    connect(m_job, &qemu::DiskJob::finished, this, &NewGuestDialog::onDiskFinished);
    setBusy(true);
    if (Status st = m_job->start(*m_plan.disk); !st) {
        delete m_job;
        onDiskFinished(false, st.error().message);
    }
}

void NewGuestDialog::onDiskFinished(bool succeeded, const QString &error)
{
    if (m_job)
        m_job->deleteLater();
    m_job = nullptr;
    setBusy(false);
    if (succeeded) {
        QDialog::accept();
        return;
    }
    if (m_madeVars)
        QFile::remove(m_plan.vars);
    m_madeVars = false;
    showError(error);
}

void NewGuestDialog::reject()
{
    if (m_job) {
        m_job->cancel();  // onDiskFinished removes what was made
        return;
    }
    QDialog::reject();
}

}  // namespace netloom::gui
