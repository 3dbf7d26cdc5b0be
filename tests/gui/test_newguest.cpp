// SPDX-License-Identifier: GPL-3.0-or-later
// The New Guest dialog and disk "Create…" (issue #11), driven as a user would on the
// offscreen platform, with real qemu-img, qemu-io and Debian's OVMF: a qcow2 of the asked
// size, an overlay whose base stays unchanged, a UEFI guest with its own variable store,
// undo removing the node but not the files, bad input refused naming the field with nothing
// made, and an example whose guests' disks are missing made startable.
#include "common/testutil.h"
#include "mainwindow.h"
#include "missingdisksdialog.h"
#include "model/validator.h"
#include "newguestdialog.h"
#include "plan/topologyloader.h"
#include "propertiespanel.h"
#include "qemu/diskimage.h"
#include "qemu/firmware.h"
#include "runtime/preflight.h"
#include "topologydocument.h"
#include "topologyscene.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDir>
#include <QGroupBox>
#include <QLineEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

using namespace netloom;
using namespace netloom::gui;

namespace {

template <typename T>
T *child(QObject *parent, const char *name)
{
    auto *w = parent->findChild<T *>(QLatin1String(name));
    if (!w)
        qFatal("no child %s", name);
    return w;
}

void choose(QComboBox *box, const QVariant &data)
{
    const int i = box->findData(data);
    if (i < 0)
        qFatal("no item with that data in %s", qPrintable(box->objectName()));
    box->setCurrentIndex(i);
}

// Presses Create and waits until the dialog closes (true) or shows an error (false).
bool pressCreate(NewGuestDialog *dialog)
{
    QPointer<NewGuestDialog> d = dialog;  // deleted on close (WA_DeleteOnClose)
    QPushButton *create = nullptr;
    for (QPushButton *b : d->findChildren<QPushButton *>())
        if (b->text() == NewGuestDialog::tr("C&reate"))
            create = b;
    if (!create)
        qFatal("no Create button");
    QSignalSpy finished(dialog, &QDialog::finished);
    QTest::mouseClick(create, Qt::LeftButton);
    for (int i = 0; i < 300 && finished.isEmpty() && d && d->errorText().isEmpty(); ++i)
        QTest::qWait(50);
    const bool accepted = !finished.isEmpty() && finished.first().at(0).toInt() == QDialog::Accepted;
    if (!accepted)
        qWarning("Create did not succeed: %s", d ? qPrintable(d->errorText()) : "(dialog closed)");
    return accepted;
}

}  // namespace

class TestNewGuest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void newQcow2GuestUndoKeepsTheFile();
    void overlayFromImageWithCloudInit();
    void copyOfAnImageShowsProgress();
    void uefiGuestHasItsOwnVariableStore();
    void badInputIsRefusedNamingTheField();
    void missingDiskCreateMakesExampleStartable();

private:
    MainWindow *window(const QString &name);
    QTemporaryDir m_home;
    QString m_key;
};

void TestNewGuest::initTestCase()
{
    test::requireTool(QStringLiteral("qemu-img"));
    test::requireTool(QStringLiteral("ssh-keygen"));
    QVERIFY(m_home.isValid());
    // The user's keys come from ~/.ssh: a fresh home with one key.
    qputenv("HOME", m_home.path().toLocal8Bit());
    qputenv("USER", "tester");
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(QDir(m_home.path()).mkpath(QStringLiteral(".ssh")));
    const test::CommandResult r = test::makeSshKey(m_home.filePath(QStringLiteral(".ssh/id_ed25519")), QStringLiteral("tester@lab"));
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    m_key = QString::fromUtf8(test::readFile(m_home.filePath(QStringLiteral(".ssh/id_ed25519.pub")))).trimmed();
    QVERIFY(m_key.startsWith(QLatin1String("ssh-ed25519 ")));
}

// A window on a saved topology "NAME/lab.json" in the fresh home, with one switch "lan".
MainWindow *TestNewGuest::window(const QString &name)
{
    const QString dir = m_home.filePath(name);
    QDir().mkpath(dir);
    auto *w = new MainWindow;
    w->setAttribute(Qt::WA_DeleteOnClose);
    w->setAsker([](auto &&...) { return QMessageBox::Discard; });
    w->addNode(QStringLiteral("switch"), QPointF(0, 0));
    if (!w->saveTo(QDir(dir).filePath(QStringLiteral("lab.json"))))
        qFatal("cannot save");
    w->show();
    return w;
}

void TestNewGuest::newQcow2GuestUndoKeepsTheFile()
{
    MainWindow *w = window(QStringLiteral("qcow2"));
    const QString dir = w->topologyDir();
    const int undoBefore = w->undoStack()->count();
    w->findChild<QAction *>(QStringLiteral("actionAddGuest"))->trigger();
    auto *d = w->findChild<NewGuestDialog *>();
    QVERIFY(d && d->isVisible());
    auto *name = child<QLineEdit>(d, "name");
    name->setText(QStringLiteral("web"));
    choose(child<QComboBox>(d, "preset"), int(OsPreset::Linux));
    choose(child<QComboBox>(d, "disk"), int(DiskChoice::Create));
    QCOMPARE(child<QLineEdit>(d, "diskPath")->text(), QDir(dir).filePath(QStringLiteral("web.qcow2")));  // follows the name
    child<QSpinBox>(d, "diskSize")->setValue(3);
    QVERIFY(child<QComboBox>(d, "network")->currentText() == QLatin1String("switch1")
            || child<QComboBox>(d, "network")->currentIndex() == 1);
    QVERIFY(pressCreate(d));

    const model::Topology &t = w->document()->topology();
    const model::Node *g = nullptr;
    for (const model::Node &n : t.nodes)
        if (n.name == QLatin1String("web"))
            g = &n;
    QVERIFY(g);
    QCOMPARE(g->guest.machine, QStringLiteral("q35"));
    QCOMPARE(g->guest.disks.size(), 1);
    QCOMPARE(g->guest.disks[0].path, QStringLiteral("web.qcow2"));  // relative to the topology
    QCOMPARE(g->guest.disks[0].format, QStringLiteral("qcow2"));
    QCOMPARE(g->guest.disks[0].interface, QStringLiteral("virtio"));
    QCOMPARE(g->guest.nics.value(0).model, QStringLiteral("virtio-net-pci"));
    QCOMPARE(g->guest.nics.value(0).transport, model::NicConfig::Transport::VhostUser);  // virtio on a netloom switch
    QVERIFY(g->guest.nics.value(0).mac.startsWith(QLatin1String("52:54:00:")));
    QCOMPARE(t.links.size(), 1);
    QCOMPARE(t.links[0].a.node, g->id);
    const QString id = g->id;
    for (const model::Issue &i : model::validate(t))
        QVERIFY2(i.severity != model::Issue::Severity::Error, qPrintable(i.path + u' ' + i.message));
    Result<qemu::ImageInfo> info = qemu::readImageInfo(QDir(dir).filePath(QStringLiteral("web.qcow2")));
    QVERIFY2(info, qPrintable(info ? QString() : info.error().message));
    QCOMPARE(info->format, QStringLiteral("qcow2"));
    QCOMPARE(info->virtualSize, 3 * qemu::kGiB);

    // One undo step; undo removes the node and its cable, never the disk.
    QCOMPARE(w->undoStack()->count(), undoBefore + 1);
    w->undoStack()->undo();
    QVERIFY(!t.node(id));
    QVERIFY(t.links.isEmpty());
    QVERIFY(QFileInfo::exists(QDir(dir).filePath(QStringLiteral("web.qcow2"))));
    w->undoStack()->redo();
    QVERIFY(t.node(id));
    QCOMPARE(t.links.size(), 1);
    w->close();
}

void TestNewGuest::overlayFromImageWithCloudInit()
{
    const QString qemuIo = test::requireTool(QStringLiteral("qemu-io"));
    MainWindow *w = window(QStringLiteral("overlay"));
    const QString dir = w->topologyDir();
    QDir(dir).mkpath(QStringLiteral("images"));
    const QString base = QDir(dir).filePath(QStringLiteral("images/cloud.img"));
    QFile f(base);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(8 * 1024 * 1024, '\x5a'));
    f.close();
    const QByteArray baseSum = test::fileSha256(base);

    w->findChild<QAction *>(QStringLiteral("actionGuestFromImage"))->trigger();
    auto *d = w->findChild<NewGuestDialog *>();
    QVERIFY(d);
    QCOMPARE(child<QComboBox>(d, "disk")->currentData().toInt(), int(DiskChoice::Overlay));  // the default here
    QVERIFY(child<QGroupBox>(d, "cloudInit")->isChecked());
    QCOMPARE(child<QComboBox>(d, "ciKey")->currentText(), QStringLiteral("id_ed25519.pub"));  // the user's first key
    QCOMPARE(child<QLineEdit>(d, "ciUser")->text(), QStringLiteral("tester"));
    child<QLineEdit>(d, "name")->setText(QStringLiteral("cloud1"));
    child<QLineEdit>(d, "baseImage")->setText(base);
    QVERIFY(pressCreate(d));

    const model::Node *g = nullptr;
    for (const model::Node &n : w->document()->topology().nodes)
        if (n.name == QLatin1String("cloud1"))
            g = &n;
    QVERIFY(g);
    QVERIFY(g->guest.cloudInit);
    QCOMPARE(g->guest.cloudInit->user, QStringLiteral("tester"));
    QCOMPARE(g->guest.cloudInit->sshKeys, QStringList{m_key});
    QCOMPARE(g->guest.disks.value(0).path, QStringLiteral("cloud1.qcow2"));
    const QString overlay = QDir(dir).filePath(QStringLiteral("cloud1.qcow2"));
    Result<qemu::ImageInfo> info = qemu::readImageInfo(overlay);
    QVERIFY(info);
    QCOMPARE(info->backingFile, QStringLiteral("images/cloud.img"));
    QCOMPARE(info->virtualSize, qint64(8 * 1024 * 1024));
    // The guest's writes go to the overlay; the base is unchanged.
    const test::CommandResult wr = test::run({qemuIo, QStringLiteral("-f"), QStringLiteral("qcow2"), QStringLiteral("-c"),
                                              QStringLiteral("write -P 0x33 1M 256k"), overlay});
    QVERIFY2(wr.exitCode == 0, qPrintable(wr.describe()));
    QCOMPARE(test::fileSha256(base), baseSum);
    w->close();
}

void TestNewGuest::copyOfAnImageShowsProgress()
{
    MainWindow *w = window(QStringLiteral("copy"));
    const QString dir = w->topologyDir();
    const QString src = m_home.filePath(QStringLiteral("downloaded.img"));
    QFile f(src);
    QVERIFY(f.open(QIODevice::WriteOnly));
    for (int i = 0; i < 64; ++i)
        f.write(QByteArray(1024 * 1024, char('A' + i % 26)));
    f.close();
    w->findChild<QAction *>(QStringLiteral("actionAddGuest"))->trigger();
    auto *d = w->findChild<NewGuestDialog *>();
    QVERIFY(d);
    child<QLineEdit>(d, "name")->setText(QStringLiteral("copied"));
    choose(child<QComboBox>(d, "disk"), int(DiskChoice::Copy));
    QVERIFY(!child<QSpinBox>(d, "diskSize")->isVisibleTo(d));
    QVERIFY(child<QLineEdit>(d, "baseImage")->isVisibleTo(d));
    child<QLineEdit>(d, "baseImage")->setText(src);
    QList<int> seen;
    connect(child<QProgressBar>(d, "progress"), &QProgressBar::valueChanged, this, [&seen](int v) { seen.append(v); });
    QVERIFY(pressCreate(d));
    QVERIFY(!seen.isEmpty());
    QCOMPARE(*std::max_element(seen.cbegin(), seen.cend()), 1000);
    Result<qemu::ImageInfo> info = qemu::readImageInfo(QDir(dir).filePath(QStringLiteral("copied.qcow2")));
    QVERIFY(info);
    QCOMPARE(info->format, QStringLiteral("qcow2"));
    QCOMPARE(info->virtualSize, qint64(64 * 1024 * 1024));
    QVERIFY(info->backingFile.isEmpty());  // a copy, not an overlay
    w->close();
}

void TestNewGuest::uefiGuestHasItsOwnVariableStore()
{
    const QList<qemu::FirmwarePair> fw = qemu::findFirmware();
    if (fw.isEmpty())
        test::skipTest(QStringLiteral("no UEFI firmware installed (Debian package ovmf)"));
    MainWindow *w = window(QStringLiteral("uefi"));
    const QString dir = w->topologyDir();
    w->findChild<QAction *>(QStringLiteral("actionAddGuest"))->trigger();
    auto *d = w->findChild<NewGuestDialog *>();
    QVERIFY(d);
    child<QLineEdit>(d, "name")->setText(QStringLiteral("efi"));
    choose(child<QComboBox>(d, "disk"), int(DiskChoice::None));
    choose(child<QComboBox>(d, "firmware"), 0);  // the first UEFI pair
    QVERIFY(pressCreate(d));
    const model::Node *g = nullptr;
    for (const model::Node &n : w->document()->topology().nodes)
        if (n.name == QLatin1String("efi"))
            g = &n;
    QVERIFY(g);
    QVERIFY(g->guest.uefi);
    QCOMPARE(g->guest.uefi->code, fw.first().code);
    QCOMPARE(g->guest.uefi->vars, QStringLiteral("efi_VARS.fd"));
    const QString vars = QDir(dir).filePath(QStringLiteral("efi_VARS.fd"));
    QCOMPARE(test::fileSha256(vars), test::fileSha256(fw.first().varsTemplate));
    QVERIFY(g->guest.disks.isEmpty());
    w->undoStack()->undo();
    QVERIFY(QFileInfo::exists(vars));  // undo never deletes files
    w->close();
}

void TestNewGuest::badInputIsRefusedNamingTheField()
{
    MainWindow *w = window(QStringLiteral("bad"));
    const QString dir = w->topologyDir();
    QDir(dir).mkpath(QStringLiteral("adir"));
    QFile notIso(QDir(dir).filePath(QStringLiteral("notes.iso")));
    QVERIFY(notIso.open(QIODevice::WriteOnly));
    notIso.write(QByteArray(50000, 'n'));
    notIso.close();
    QFile notKey(QDir(dir).filePath(QStringLiteral("notakey.pub")));
    QVERIFY(notKey.open(QIODevice::WriteOnly));
    notKey.write("hello, I am not a key\n");
    notKey.close();
    const QStringList before = test::dirEntries(dir);
    const model::Topology topoBefore = w->document()->topology();

    w->findChild<QAction *>(QStringLiteral("actionAddGuest"))->trigger();
    auto *d = w->findChild<NewGuestDialog *>();
    QVERIFY(d);
    child<QLineEdit>(d, "name")->setText(QStringLiteral("bad1"));
    struct Case {
        const char *what;
        std::function<void()> set;
        std::function<void()> reset;
        QString needle;
    };
    auto *diskPath = child<QLineEdit>(d, "diskPath");
    auto *size = child<QSpinBox>(d, "diskSize");
    auto *iso = child<QLineEdit>(d, "iso");
    auto *cloud = child<QGroupBox>(d, "cloudInit");
    const QList<Case> cases{
        {"directory", [&] { diskPath->setText(QDir(dir).filePath(QStringLiteral("adir"))); },
         [&] { diskPath->setText(QDir(dir).filePath(QStringLiteral("bad1.qcow2"))); }, QStringLiteral("disk path '%1': is a directory").arg(QDir(dir).filePath(QStringLiteral("adir")))},
        {"not an iso", [&] { iso->setText(QDir(dir).filePath(QStringLiteral("notes.iso"))); }, [&] { iso->clear(); },
         QStringLiteral("install medium '%1': not an ISO image").arg(QDir(dir).filePath(QStringLiteral("notes.iso")))},
        {"beyond free space", [&] { size->setValue(size->maximum() - 1); }, [&] { size->setValue(2); }, QStringLiteral("disk size")},
        {"not a key", [&] {
             cloud->setChecked(true);
             choose(child<QComboBox>(d, "ciKey"), QString());
             child<QLineEdit>(d, "ciKeyFile")->setText(notKey.fileName());
         },
         [&] { cloud->setChecked(false); }, QStringLiteral("SSH key file '%1': not an OpenSSH public key").arg(notKey.fileName())},
        {"bad user", [&] {
             cloud->setChecked(true);
             choose(child<QComboBox>(d, "ciKey"), QStringLiteral("-"));
             child<QLineEdit>(d, "ciUser")->setText(QStringLiteral("Bad User"));
         },
         [&] { cloud->setChecked(false); }, QStringLiteral("cloud-init user: ")},
    };
    for (const Case &c : cases) {
        c.set();
        QVERIFY2(!pressCreate(d), c.what);
        QVERIFY2(d->isVisible(), c.what);
        QVERIFY2(d->errorText().contains(c.needle), qPrintable(QStringLiteral("%1: '%2' lacks '%3'").arg(QLatin1String(c.what), d->errorText(), c.needle)));
        QCOMPARE(test::dirEntries(dir), before);  // nothing made
        QVERIFY(w->document()->topology() == topoBefore);
        c.reset();
    }
    // Disk size 0 cannot even be entered for a new disk.
    QCOMPARE(size->minimum(), 1);
    // An existing file is not replaced when the user says no.
    QFile existing(QDir(dir).filePath(QStringLiteral("bad1.qcow2")));
    QVERIFY(existing.open(QIODevice::WriteOnly));
    existing.write("precious");
    existing.close();
    bool asked = false;
    d->setReplaceAsker([&asked](const QString &) { asked = true; return false; });
    QVERIFY(!pressCreate(d));
    QVERIFY(asked);
    QCOMPARE(test::readFile(existing.fileName()), QByteArray("precious"));
    d->reject();
    w->close();
}

void TestNewGuest::missingDiskCreateMakesExampleStartable()
{
    const QString dir = m_home.filePath(QStringLiteral("example"));
    QDir().mkpath(dir);
    const QString file = QDir(dir).filePath(QStringLiteral("a-vde-nat.json"));
    QVERIFY(QFile::copy(test::sourcePath(QStringLiteral("examples/a-vde-nat.json")), file));
    // Before: the runtime's preflight refuses the guests (their disks do not exist).
    auto preflightAll = [this, &file]() -> Status {
        Result<plan::LoadedPlan> p = plan::loadAndPlan(file, QDir(m_home.path()).filePath(QStringLiteral("run")));
        if (!p)
            return p.error();
        for (const plan::GuestPlan &g : p->plan.runtime.guests)
            if (Status s = runtime::preflightGuest(g); !s)
                return s;
        return ok();
    };
    Status before = preflightAll();
    QVERIFY(!before);
    QVERIFY2(before.error().message.contains(QLatin1String("vm1.qcow2")), qPrintable(before.error().message));

    auto *w = new MainWindow;
    w->setAttribute(Qt::WA_DeleteOnClose);
    w->setAsker([](auto &&...) { return QMessageBox::Discard; });
    QVERIFY(w->openFile(file, true));
    w->show();
    // Start offers Create… instead of failing; cancelling makes nothing.
    QVERIFY(!w->startRun());
    auto *offered = w->findChild<MissingDisksDialog *>();
    QVERIFY(offered && offered->isVisible());
    offered->reject();
    QApplication::processEvents();
    QVERIFY(!QFileInfo::exists(QDir(dir).filePath(QStringLiteral("vm1.qcow2"))));
    QVERIFY(w->logText().contains(QLatin1String("Not started yet")));

    // The properties panel shows Create… beside the missing disk; it makes every missing one.
    w->scene()->selectOnly(QStringLiteral("vm1"));
    QApplication::processEvents();
    // Every path field has its Browse… button.
    for (const char *field : {"guest.qemu", "guest.kernel", "guest.initrd", "guest.cdrom", "guest.disks[0].path"})
        QVERIFY2(w->properties()->findChild<QPushButton *>(QStringLiteral("browse.") + QLatin1String(field)), field);
    auto *create = w->properties()->findChild<QPushButton *>(QStringLiteral("create.guest.disks[0].path"));
    QVERIFY(create);
    QVERIFY(create->isVisible());
    QTest::mouseClick(create, Qt::LeftButton);
    QPointer<MissingDisksDialog> dialog = w->findChild<MissingDisksDialog *>();
    QVERIFY(dialog);
    dialog->findChild<QSpinBox *>(QStringLiteral("size.vm1.0"))->setValue(2);
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("create")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(dialog.isNull() || !dialog->isVisible(), 20000);
    for (const char *disk : {"vm1.qcow2", "vm2.qcow2"}) {
        Result<qemu::ImageInfo> info = qemu::readImageInfo(QDir(dir).filePath(QLatin1String(disk)));
        QVERIFY2(info, disk);
        QCOMPARE(info->format, QStringLiteral("qcow2"));
    }
    QCOMPARE(qemu::readImageInfo(QDir(dir).filePath(QStringLiteral("vm1.qcow2")))->virtualSize, 2 * qemu::kGiB);
    QApplication::processEvents();
    auto *again = w->properties()->findChild<QPushButton *>(QStringLiteral("create.guest.disks[0].path"));
    QVERIFY(again);
    QVERIFY(!again->isVisible());
    // After: the same preflight passes — the example's guests can start.
    Status after = preflightAll();
    QVERIFY2(after, qPrintable(after ? QString() : after.error().message));
    w->close();
}

QTEST_MAIN(TestNewGuest)
#include "test_newguest.moc"
