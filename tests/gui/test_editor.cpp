// SPDX-License-Identifier: GPL-3.0-or-later
// The editor driven as a user would, on the offscreen platform: palette -> canvas, drawing
// a cable with the mouse, dragging nodes, editing in the properties panel, undo/redo, save,
// reopen and compare, export dialog, autosave recovery, German UI.
#include "canvasview.h"
#include "autosave.h"
#include "exportdialog.h"
#include "helperprobe.h"
#include "helperstatuswidget.h"
#include "runcontroller.h"
#include "mainwindow.h"
#include "newguestdialog.h"
#include "model/netlinkhostnet.h"
#include "model/subnetpicker.h"
#include "model/topologyjson.h"
#include "palettewidget.h"
#include "propertiespanel.h"
#include "common/testutil.h"
#include "topologydocument.h"
#include "topologyscene.h"
#include "translations.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCheckBox>
#include <QComboBox>
#include <QPushButton>
#include <QGraphicsSceneDragDropEvent>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProcess>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTimer>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

using namespace netloom;
using namespace netloom::gui;

namespace {

QAction *action(MainWindow &w, const char *name)
{
    auto *a = w.findChild<QAction *>(QLatin1String(name));
    if (!a)
        qFatal("no action %s", name);
    return a;
}

QPoint viewPos(MainWindow &w, const QString &nodeId)
{
    NodeItem *item = w.scene()->nodeItem(nodeId);
    return w.view()->mapFromScene(item->pos());
}

// Presses at `from`, moves in steps, releases at `to` (viewport coordinates).
void drag(QWidget *viewport, QPoint from, QPoint to)
{
    QTest::mousePress(viewport, Qt::LeftButton, {}, from);
    for (int i = 1; i <= 5; ++i) {
        const QPoint p = from + (to - from) * i / 5;
        QMouseEvent move(QEvent::MouseMove, p, viewport->mapToGlobal(p), Qt::NoButton, Qt::LeftButton, {});
        QApplication::sendEvent(viewport, &move);
    }
    QTest::mouseRelease(viewport, Qt::LeftButton, {}, to);
}

// Types `text` into the field and commits it with Enter, as a user would.
void typeInto(QLineEdit *edit, const QString &text)
{
    edit->setFocus();
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClicks(edit, text);
    QTest::keyClick(edit, Qt::Key_Return);
}

}  // namespace

class TestEditor : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void buildConnectEditUndoSaveReopen();
    void dropFromPaletteAddsNodeAtDropPoint();
    void deleteAndUndoRestoreCables();
    void guestFormFollowsNicModeAndEditsDisk();
    void gatewayIpv6FieldsAreUndoable();
    void zoomAndFit();
    void runActionsFollowTheRun();
    void exportDialogShowsScriptAndSaves();
    void exportDialogExplainsRefusal();
    void autosaveIsOfferedAfterCrash();
    void unsavedDocumentIsRecoveredAtStartup();
    void openReportsBadFiles();
    void closeAsksAboutUnsavedChangesAndRecentReopens();
    void germanTranslationIsLoaded();
    void aboutBoxNamesTheLicence();
    void newGatewaysGetFreeSubnetsAndRouteWarnings();

private:
    QTemporaryDir m_tmp;
};

void TestEditor::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName(QStringLiteral("netloom-test"));
    QApplication::setApplicationName(QStringLiteral("netloom-test"));
    QVERIFY(m_tmp.isValid());
}

void TestEditor::buildConnectEditUndoSaveReopen()
{
    MainWindow w;
    w.autosave()->setDirectory(m_tmp.filePath(QStringLiteral("autosave1")));
    w.setAsker([](auto &&...) { return QMessageBox::Discard; });
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));

    // Palette: activate "Netloom switch", then "Host port", then "Guest" (double click / Enter).
    PaletteWidget *palette = w.palette();
    auto activate = [&](const QString &kind) {
        QListWidgetItem *item = palette->entry(kind);
        QVERIFY(item);
        palette->setCurrentItem(item);
        palette->setFocus();
        QTest::keyClick(palette, Qt::Key_Return);
    };
    activate(QStringLiteral("switch"));
    activate(QStringLiteral("hostport"));
    activate(QStringLiteral("guest"));
    // A guest comes through the New Guest dialog: here without a disk and not yet cabled.
    auto *newGuest = w.findChild<NewGuestDialog *>();
    QVERIFY(newGuest && newGuest->isVisible());
    auto *diskBox = newGuest->findChild<QComboBox *>(QStringLiteral("disk"));
    diskBox->setCurrentIndex(diskBox->findData(int(DiskChoice::None)));
    auto *netBox = newGuest->findChild<QComboBox *>(QStringLiteral("network"));
    netBox->setCurrentIndex(netBox->findData(QString()));
    newGuest->accept();
    QApplication::processEvents();
    w.activateWindow();  // back from the dialog, as after a real one
    QVERIFY(QTest::qWaitForWindowActive(&w));
    const model::Topology &t = w.document()->topology();
    QCOMPARE(t.nodes.size(), 3);
    QCOMPARE(w.undoStack()->count(), 3);
    QVERIFY(w.isModified());
    const QString sw = t.nodes[0].id, gw = t.nodes[1].id, guest = t.nodes[2].id;
    QCOMPARE(t.nodes[1].type, model::NodeType::HostPort);
    QVERIFY(t.nodes[2].guest.nics.value(0).mac.startsWith(QStringLiteral("52:54:00:")));  // allocated at once
    // The new gateway got a subnet (and DHCP) that this machine uses nowhere.
    {
        const model::HostPortConfig &hp = t.nodes[1].hostPort;
        const auto subnet = protocol::Cidr::parse(hp.address);
        QVERIFY2(subnet, qPrintable(hp.address));
        QVERIFY(hp.dhcp.enabled && subnet->contains(*protocol::Ipv4::parse(hp.dhcp.rangeStart)) &&
                subnet->contains(*protocol::Ipv4::parse(hp.dhcp.rangeEnd)));
        const auto host = model::NetlinkHostNetReader().read();
        QVERIFY2(host, host ? "" : qPrintable(host.error().message));
        for (const model::TakenPrefix &p : model::takenByHost(*host))
            QVERIFY2(!p.prefix.overlaps(*subnet), qPrintable(hp.address + QStringLiteral(" overlaps ") + p.origin));
        QVERIFY2(w.logText().contains(QStringLiteral("New gateway %1: address %2").arg(t.nodes[1].name, hp.address)), qPrintable(w.logText()));
    }

    // Spread them out by dragging with the mouse (select mode): one merged undo step each.
    w.view()->fitAll();
    drag(w.view()->viewport(), viewPos(w, gw), viewPos(w, gw) + QPoint(0, -120));
    QApplication::processEvents();
    QVERIFY(t.node(gw)->position.y() < t.node(sw)->position.y() - 60);
    QCOMPARE(w.undoStack()->count(), 4);
    QCOMPARE(std::fmod(t.node(gw)->position.y(), TopologyScene::kGrid), 0.0);  // snapped
    drag(w.view()->viewport(), viewPos(w, guest), viewPos(w, guest) + QPoint(0, 120));
    QCOMPARE(w.undoStack()->count(), 5);
    // A second drag of the same node is its own undo step.
    const QPointF guestAt = t.node(guest)->position;
    drag(w.view()->viewport(), viewPos(w, guest), viewPos(w, guest) + QPoint(60, 0));
    QCOMPARE(w.undoStack()->count(), 6);
    action(w, "actionUndo")->trigger();
    QCOMPARE(t.node(guest)->position, guestAt);
    QCOMPARE(w.scene()->nodeItem(guest)->pos(), guestAt);  // the item follows the model

    // Draw two cables in connect mode.
    action(w, "actionConnect")->trigger();
    QCOMPARE(w.scene()->mode(), TopologyScene::Mode::Connect);
    drag(w.view()->viewport(), viewPos(w, gw), viewPos(w, sw));
    drag(w.view()->viewport(), viewPos(w, guest), viewPos(w, sw));
    QTest::keyClick(w.view()->viewport(), Qt::Key_Escape);  // leaves connect mode
    QVERIFY(!action(w, "actionConnect")->isChecked());
    QCOMPARE(w.scene()->mode(), TopologyScene::Mode::Select);
    QCOMPARE(t.links.size(), 2);
    QCOMPARE(t.links[0].a.node, gw);
    QCOMPARE(t.links[0].b.node, sw);
    QCOMPARE(t.links[1].a.nic, QStringLiteral("net0"));
    QVERIFY(w.scene()->linkItem(t.links[1].id));

    // Select the gateway by clicking it; edit its address and DHCP in the panel.
    QTest::mouseClick(w.view()->viewport(), Qt::LeftButton, {}, viewPos(w, gw));
    QCOMPARE(w.properties()->currentId(), gw);
    auto *address = w.properties()->findChild<QLineEdit *>(QStringLiteral("field.hostPort.address"));
    QVERIFY(address);
    typeInto(address, QStringLiteral("10.9.0.1/24"));
    QCOMPARE(t.node(gw)->hostPort.address, QStringLiteral("10.9.0.1/24"));
    auto *dhcp = w.properties()->findChild<QCheckBox *>(QStringLiteral("field.hostPort.dhcp.enabled"));
    QVERIFY(dhcp);
    QVERIFY(dhcp->isChecked());  // on from the subnet suggestion; off and on again by keyboard
    dhcp->setFocus();
    QTest::keyClick(dhcp, Qt::Key_Space);
    QVERIFY(!t.node(gw)->hostPort.dhcp.enabled);
    QTest::keyClick(dhcp, Qt::Key_Space);
    QVERIFY(t.node(gw)->hostPort.dhcp.enabled);
    typeInto(w.properties()->findChild<QLineEdit *>(QStringLiteral("field.hostPort.dhcp.rangeStart")),
             QStringLiteral("10.9.0.100"));
    typeInto(w.properties()->findChild<QLineEdit *>(QStringLiteral("field.hostPort.dhcp.rangeEnd")),
             QStringLiteral("10.9.0.150"));
    auto *nat = w.properties()->findChild<QComboBox *>(QStringLiteral("field.hostPort.nat.mode"));
    QVERIFY(nat);
    nat->setFocus();
    QTest::keyClick(nat, Qt::Key_Down);  // none -> masquerade, as the keyboard would
    QCOMPARE(t.node(gw)->hostPort.nat.mode, model::NatConfig::Mode::Masquerade);
    typeInto(w.properties()->findChild<QLineEdit *>(QStringLiteral("field.hostPort.nat.uplinks")),
             QStringLiteral("eth+, wlan0"));
    QCOMPARE(t.node(gw)->hostPort.nat.uplinks, (QStringList{QStringLiteral("eth+"), QStringLiteral("wlan0")}));
    auto *reservations = w.properties()->findChild<QLineEdit *>(QStringLiteral("field.hostPort.dhcp.reservations"));
    QVERIFY(reservations);
    typeInto(reservations, QStringLiteral("52:54:00:aa:bb:01 10.9.0.20 db"));
    QCOMPARE(t.node(gw)->hostPort.dhcp.reservations.size(), 1);
    QCOMPARE(t.node(gw)->hostPort.dhcp.reservations[0].hostname, QStringLiteral("db"));
    const int beforeBadInput = w.undoStack()->count();
    typeInto(reservations, QStringLiteral("52:54:00:aa:bb:01"));  // no address: refused, said inline
    QCOMPARE(w.undoStack()->count(), beforeBadInput);
    QVERIFY2(w.properties()->messagesText().contains(QStringLiteral("failed to parse")), qPrintable(w.properties()->messagesText()));
    typeInto(reservations, QStringLiteral("52:54:00:aa:bb:01 10.9.0.20 db"));  // back to the model's value: no step
    const int stepsAfterEdits = w.undoStack()->count();

    // An invalid address shows inline: message in the panel, red field, badge on the node.
    typeInto(address, QStringLiteral("10.9.0.300/24"));
    w.validateNow();
    QVERIFY2(w.properties()->messagesText().contains(QStringLiteral("Error")), qPrintable(w.properties()->messagesText()));
    QVERIFY(address->styleSheet().contains(QStringLiteral("#c02020")));
    QVERIFY(w.scene()->nodeItem(gw)->errorCount() > 0);
    w.scene()->clearSelection();  // the topology overview names the node with the problem
    QVERIFY2(w.properties()->messagesText().contains(t.node(gw)->name + QStringLiteral(": ")),
             qPrintable(w.properties()->messagesText()));
    w.scene()->selectOnly(gw);
    address = w.properties()->findChild<QLineEdit *>(QStringLiteral("field.hostPort.address"));
    // Undo (the action, as the menu would) fixes it again.
    action(w, "actionUndo")->trigger();
    QCOMPARE(t.node(gw)->hostPort.address, QStringLiteral("10.9.0.1/24"));
    QCOMPARE(address->text(), QStringLiteral("10.9.0.1/24"));  // the panel follows the model
    w.validateNow();
    QCOMPARE(w.scene()->nodeItem(gw)->errorCount(), 0);
    QCOMPARE(w.undoStack()->count(), stepsAfterEdits + 1);

    // The guest's memory through its spin box.
    QTest::mouseClick(w.view()->viewport(), Qt::LeftButton, {}, viewPos(w, guest));
    auto *memory = w.properties()->findChild<QSpinBox *>(QStringLiteral("field.guest.memoryMiB"));
    QVERIFY(memory);
    memory->setFocus();
    memory->selectAll();
    QTest::keyClicks(memory, QStringLiteral("512"));
    QTest::keyClick(memory, Qt::Key_Return);
    QCOMPARE(t.node(guest)->guest.memoryMiB, 512);

    // Undo everything, then redo everything: the same topology comes back.
    const model::Topology built = t;
    while (w.undoStack()->canUndo())
        action(w, "actionUndo")->trigger();
    QVERIFY(t.nodes.isEmpty());
    QVERIFY(w.scene()->items().isEmpty());
    while (w.undoStack()->canRedo())
        action(w, "actionRedo")->trigger();
    QCOMPARE(t, built);
    QCOMPARE(w.scene()->items().size(), 5);

    // Save, reopen in a fresh window, compare.
    const QString path = m_tmp.filePath(QStringLiteral("built.json"));
    QVERIFY(w.saveTo(path));
    QVERIFY(!w.isModified());
    QVERIFY(!w.windowTitle().isEmpty() && w.windowTitle().contains(QStringLiteral("built.json")));
    QCOMPARE(w.recentFiles().value(0), QFileInfo(path).absoluteFilePath());

    MainWindow again;
    again.autosave()->setDirectory(m_tmp.filePath(QStringLiteral("autosave1")));
    QVERIFY(again.openFile(path));
    QCOMPARE(again.document()->topology(), built);
    QCOMPARE(again.scene()->items().size(), 5);
    QVERIFY(!again.isModified());
    auto onDisk = model::loadTopologyFile(path);
    QVERIFY(onDisk);
    QCOMPARE(*onDisk, built);

    // Saving again through the menu action writes to the same file.
    QTest::mouseClick(w.view()->viewport(), Qt::LeftButton, {}, viewPos(w, guest));
    QCOMPARE(w.properties()->currentId(), guest);
    typeInto(w.properties()->findChild<QLineEdit *>(QStringLiteral("field.name")), QStringLiteral("vm-one"));
    QVERIFY(w.isModified());
    action(w, "actionSave")->trigger();
    QVERIFY(!w.isModified());
    QCOMPARE(model::loadTopologyFile(path)->node(guest)->name, QStringLiteral("vm-one"));
}

void TestEditor::dropFromPaletteAddsNodeAtDropPoint()
{
    MainWindow w;
    w.autosave()->setDirectory(m_tmp.filePath(QStringLiteral("autosave2")));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    // The palette's own drag payload, dropped on the scene.
    QMimeData *mime = w.palette()->model()->mimeData({w.palette()->indexFromItem(w.palette()->entry(QStringLiteral("remote")))});
    QVERIFY(mime);
    QGraphicsSceneDragDropEvent enter(QEvent::GraphicsSceneDragEnter);
    enter.setMimeData(mime);
    enter.setScenePos(QPointF(203, 98));
    enter.setProposedAction(Qt::CopyAction);
    QApplication::sendEvent(w.scene(), &enter);
    QGraphicsSceneDragDropEvent drop(QEvent::GraphicsSceneDrop);
    drop.setMimeData(mime);
    drop.setScenePos(QPointF(203, 98));
    drop.setProposedAction(Qt::CopyAction);
    drop.setPossibleActions(Qt::CopyAction);
    QApplication::sendEvent(w.scene(), &drop);
    delete mime;
    QCOMPARE(w.document()->topology().nodes.size(), 1);
    const model::Node &n = w.document()->topology().nodes.first();
    QCOMPARE(n.type, model::NodeType::Remote);
    QCOMPARE(n.position, QPointF(200, 100));  // snapped to the 20 px grid
    QCOMPARE(drop.dropAction(), Qt::CopyAction);  // a Move would take the entry out of the palette
    QCOMPARE(w.palette()->model()->supportedDragActions(), Qt::DropActions(Qt::CopyAction));
    QCOMPARE(w.palette()->count(), 6);

    // A hostile payload adds nothing.
    QMimeData junk;
    junk.setData(QString::fromLatin1(kKindMimeType), QByteArray(5000, 'x'));
    QGraphicsSceneDragDropEvent drop2(QEvent::GraphicsSceneDrop);
    drop2.setMimeData(&junk);
    QApplication::sendEvent(w.scene(), &drop2);
    QCOMPARE(w.document()->topology().nodes.size(), 1);
}

void TestEditor::deleteAndUndoRestoreCables()
{
    MainWindow w;
    w.autosave()->setDirectory(m_tmp.filePath(QStringLiteral("autosave3")));
    w.setAsker([](auto &&...) { return QMessageBox::No; });
    QVERIFY(w.openFile(test::sourcePath(QStringLiteral("examples/demo.json"))));
    const model::Topology demo = w.document()->topology();
    w.scene()->selectOnly(QStringLiteral("lan"));
    QCOMPARE(w.properties()->currentId(), QStringLiteral("lan"));
    action(w, "actionDelete")->trigger();
    QVERIFY(!w.document()->topology().node(QStringLiteral("lan")));
    QVERIFY(w.document()->topology().links.isEmpty());
    QVERIFY(!w.scene()->linkItem(QStringLiteral("alpha-lan")));
    action(w, "actionUndo")->trigger();
    QCOMPARE(w.document()->topology(), demo);
    QVERIFY(w.scene()->linkItem(QStringLiteral("alpha-lan")));
    QVERIFY(!w.isModified());

    // A cable alone, and its VLAN settings in the panel.
    w.scene()->selectOnly(QStringLiteral("alpha-lan"));
    QCOMPARE(w.properties()->currentId(), QStringLiteral("alpha-lan"));
    auto *mode = w.properties()->findChild<QComboBox *>(QStringLiteral("field.b.vlan.mode"));
    QVERIFY(mode);
    mode->setCurrentIndex(mode->findData(QStringLiteral("trunk")));
    emit mode->activated(mode->currentIndex());
    auto *allowed = w.properties()->findChild<QLineEdit *>(QStringLiteral("field.b.vlan.allowed"));
    QVERIFY(allowed);
    typeInto(allowed, QStringLiteral("10, 20"));
    const model::Link *l = w.document()->topology().link(QStringLiteral("alpha-lan"));
    QVERIFY(l->b.vlan);
    QCOMPARE(l->b.vlan->mode, model::VlanConfig::Mode::Trunk);
    QCOMPARE(l->b.vlan->allowed, (QList<int>{10, 20}));
    typeInto(allowed, QStringLiteral("10, 5000"));
    QCOMPARE(l->b.vlan->allowed, (QList<int>{10, 20}));  // refused, with a message
    QVERIFY2(w.properties()->messagesText().contains(QStringLiteral("'5000'")), qPrintable(w.properties()->messagesText()));
    action(w, "actionDelete")->trigger();
    QVERIFY(!w.document()->topology().link(QStringLiteral("alpha-lan")));
    QCOMPARE(w.document()->topology().nodes.size(), demo.nodes.size());
}

void TestEditor::guestFormFollowsNicModeAndEditsDisk()
{
    MainWindow w;
    w.autosave()->setDirectory(m_tmp.filePath(QStringLiteral("autosave8")));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QString g = w.addNode(QStringLiteral("guest"), QPointF(0, 0));
    QCOMPARE(w.properties()->currentId(), g);
    QVERIFY(!w.properties()->findChild<QLineEdit *>(QStringLiteral("field.guest.nics[0].socket.address")));
    auto *mode = w.properties()->findChild<QComboBox *>(QStringLiteral("field.guest.nics[0].mode"));
    QVERIFY(mode);
    mode->setCurrentIndex(mode->findData(QStringLiteral("socket")));
    emit mode->activated(mode->currentIndex());
    QCOMPARE(w.document()->topology().node(g)->guest.nics[0].mode, model::NicConfig::Mode::Socket);
    auto *address = w.properties()->findChild<QLineEdit *>(QStringLiteral("field.guest.nics[0].socket.address"));
    QVERIFY2(address, "the form was rebuilt for the socket mode");
    typeInto(address, QStringLiteral("127.0.0.1:10001"));
    QCOMPARE(w.document()->topology().node(g)->guest.nics[0].socket.address, QStringLiteral("127.0.0.1:10001"));
    mode = w.properties()->findChild<QComboBox *>(QStringLiteral("field.guest.nics[0].mode"));
    mode->setCurrentIndex(mode->findData(QStringLiteral("user")));
    emit mode->activated(mode->currentIndex());
    auto *forwards = w.properties()->findChild<QLineEdit *>(QStringLiteral("field.guest.nics[0].user.forwards"));
    QVERIFY2(forwards, "the form was rebuilt for user mode");
    typeInto(forwards, QStringLiteral("tcp:127.0.0.1:2222-:22"));
    QCOMPARE(w.document()->topology().node(g)->guest.nics[0].user.forwards.size(), 1);
    QCOMPARE(w.document()->topology().node(g)->guest.nics[0].user.forwards[0].hostPort, 2222);
    action(w, "actionUndo")->trigger();
    action(w, "actionUndo")->trigger();  // back to socket mode

    auto *disk = w.properties()->findChild<QLineEdit *>(QStringLiteral("field.guest.disks[0].path"));
    QVERIFY(disk);
    typeInto(disk, QStringLiteral("images/vm one.qcow2"));
    QCOMPARE(w.document()->topology().node(g)->guest.disks.size(), 1);
    QCOMPARE(w.document()->topology().node(g)->guest.disks[0].path, QStringLiteral("images/vm one.qcow2"));
    auto *format = w.properties()->findChild<QComboBox *>(QStringLiteral("field.guest.disks[0].format"));
    QVERIFY(format);
    format->setCurrentIndex(format->findData(QStringLiteral("qcow2")));
    emit format->activated(format->currentIndex());
    QCOMPARE(w.document()->topology().node(g)->guest.disks[0].format, QStringLiteral("qcow2"));
    typeInto(w.properties()->findChild<QLineEdit *>(QStringLiteral("field.guest.disks[0].path")), QString());
    QVERIFY(w.document()->topology().node(g)->guest.disks.isEmpty());
    // Each edit was one undo step; undoing them all leaves the new guest as created.
    for (int i = 0; i < 5; ++i)
        action(w, "actionUndo")->trigger();
    QCOMPARE(w.document()->topology().node(g)->guest.nics[0].mode, model::NicConfig::Mode::Switch);
    QVERIFY(w.document()->topology().node(g)->guest.disks.isEmpty());
    QCOMPARE(w.undoStack()->index(), 1);
}

// The gateway's IPv6 fields: prefix, RA, DHCPv6 and its range, each edit one undo step; a
// SLAAC prefix other than /64 shows the validator's message on the field.
void TestEditor::gatewayIpv6FieldsAreUndoable()
{
    MainWindow w;
    w.autosave()->setDirectory(m_tmp.filePath(QStringLiteral("autosave-ipv6")));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QString hp = w.addNode(QStringLiteral("hostport"), QPointF(0, 0));
    QCOMPARE(w.properties()->currentId(), hp);
    const int start = w.undoStack()->index();
    auto v6 = [&] { return w.document()->topology().node(hp)->hostPort.ipv6; };
    typeInto(w.properties()->findChild<QLineEdit *>(QStringLiteral("field.hostPort.address")), QStringLiteral("10.0.7.1/24"));
    auto *address = w.properties()->findChild<QLineEdit *>(QStringLiteral("field.hostPort.ipv6.address"));
    QVERIFY(address);
    typeInto(address, QStringLiteral("fd42:7::1/80"));
    QCOMPARE(v6().address, QStringLiteral("fd42:7::1/80"));
    QVERIFY(v6().ra);  // on by default
    w.validateNow();
    QVERIFY2(w.properties()->messagesText().contains(QStringLiteral("needs a /64 prefix")), qPrintable(w.properties()->messagesText()));
    QVERIFY(w.properties()->findChild<QLineEdit *>(QStringLiteral("field.hostPort.ipv6.address"))->styleSheet().contains(QStringLiteral("#c02020")));
    typeInto(w.properties()->findChild<QLineEdit *>(QStringLiteral("field.hostPort.ipv6.address")), QStringLiteral("fd42:7::1/64"));
    auto *dhcp = w.properties()->findChild<QCheckBox *>(QStringLiteral("field.hostPort.ipv6.dhcp"));
    QVERIFY(dhcp);
    dhcp->setFocus();
    QTest::keyClick(dhcp, Qt::Key_Space);
    QVERIFY(v6().dhcp);
    typeInto(w.properties()->findChild<QLineEdit *>(QStringLiteral("field.hostPort.ipv6.rangeStart")), QStringLiteral("fd42:7::100"));
    typeInto(w.properties()->findChild<QLineEdit *>(QStringLiteral("field.hostPort.ipv6.rangeEnd")), QStringLiteral("fd42:7::1ff"));
    auto *ra = w.properties()->findChild<QCheckBox *>(QStringLiteral("field.hostPort.ipv6.ra"));
    QVERIFY(ra);
    ra->setFocus();
    QTest::keyClick(ra, Qt::Key_Space);
    QVERIFY(!v6().ra);
    QCOMPARE(v6().rangeEnd, QStringLiteral("fd42:7::1ff"));
    QCOMPARE(w.undoStack()->index(), start + 7);
    action(w, "actionUndo")->trigger();
    QVERIFY(v6().ra);
    action(w, "actionUndo")->trigger();
    QVERIFY(v6().rangeEnd.isEmpty());
    for (int i = 0; i < 5; ++i)
        action(w, "actionUndo")->trigger();
    QCOMPARE(v6(), model::Ipv6Config{});
    action(w, "actionRedo")->trigger();
    action(w, "actionRedo")->trigger();
    QCOMPARE(v6().address, QStringLiteral("fd42:7::1/80"));
}

void TestEditor::zoomAndFit()
{
    MainWindow w;
    w.autosave()->setDirectory(m_tmp.filePath(QStringLiteral("autosave4")));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openFile(test::sourcePath(QStringLiteral("examples/demo.json"))));
    const qreal z = w.view()->zoom();
    action(w, "actionZoomIn")->trigger();
    QVERIFY(w.view()->zoom() > z);
    for (int i = 0; i < 50; ++i)
        action(w, "actionZoomOut")->trigger();
    QCOMPARE(w.view()->zoom(), CanvasView::kMinZoom);
    action(w, "actionFit")->trigger();
    const QRect visible = w.view()->mapFromScene(w.scene()->itemsBoundingRect()).boundingRect();
    QVERIFY(w.view()->viewport()->rect().contains(visible));
    action(w, "actionSnap")->trigger();
    QVERIFY(!w.scene()->snapToGrid());
}

void TestEditor::runActionsFollowTheRun()
{
    // A lone netloom switch needs no helper: it really runs (green), Stop takes it down
    // (grey). With a host port the helper is needed: absent, the run fails,
    // the log names the socket, nothing stays running and Start is offered again.
    QDir(m_tmp.path()).mkdir(QStringLiteral("xdg"));
    qputenv("XDG_RUNTIME_DIR", m_tmp.filePath(QStringLiteral("xdg")).toLocal8Bit());  // the run's sockets
    MainWindow w;
    QVERIFY(action(w, "actionStart")->isEnabled());
    QVERIFY(!action(w, "actionStop")->isEnabled());
    const QString sw = w.addNode(QStringLiteral("switch"), QPointF(0, 0));
    w.helperStatus()->probe()->setSocketPath(m_tmp.filePath(QStringLiteral("no-helper.sock")));
    QSignalSpy state(w.runController(), &RunController::runStateChanged);
    action(w, "actionStart")->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(w.runController()->runtime() &&
                                 w.runController()->runtime()->state() == runtime::RunState::Running, 10000);
    QCOMPARE(w.scene()->nodeItem(sw)->runColour(), RunColour::Running);
    QVERIFY(!action(w, "actionStart")->isEnabled());
    QVERIFY(action(w, "actionStop")->isEnabled());
    QVERIFY2(w.logText().contains(QStringLiteral("[%1] switch listening on %2").arg(sw, m_tmp.path())), qPrintable(w.logText()));
    // A switch added while running cannot be applied live: refused, the log says why, the
    // run goes on.
    QVERIFY(action(w, "actionApplyChanges")->isEnabled());
    w.addNode(QStringLiteral("switch"), QPointF(300, 0));
    action(w, "actionApplyChanges")->trigger();
    QVERIFY2(w.logText().contains(QStringLiteral("stop and start the topology")), qPrintable(w.logText()));
    QCOMPARE(w.runController()->runtime()->state(), runtime::RunState::Running);
    w.undoStack()->undo();
    QSignalSpy stopped(w.runController(), &RunController::stopped);
    action(w, "actionStop")->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 1, 15000);
    QVERIFY(!action(w, "actionApplyChanges")->isEnabled());
    QCOMPARE(w.scene()->nodeItem(sw)->runColour(), RunColour::Stopped);
    QVERIFY(action(w, "actionStart")->isEnabled());

    const QString hp = w.addNode(QStringLiteral("hostport"), QPointF(200, 0));
    QVERIFY(!w.connectNodes(hp, sw).isEmpty());
    action(w, "actionStart")->trigger();
    QTRY_VERIFY2_WITH_TIMEOUT(stopped.size() == 2, qPrintable(w.logText()), 15000);
    QVERIFY2(w.logText().contains(QStringLiteral("no-helper.sock")), qPrintable(w.logText()));
    QVERIFY(!w.runController()->isActive());
    QCOMPARE(w.scene()->nodeItem(hp)->runColour(), RunColour::Error);
    QVERIFY(action(w, "actionStart")->isEnabled());
    QVERIFY(!action(w, "actionStop")->isEnabled());
}

void TestEditor::exportDialogShowsScriptAndSaves()
{
    MainWindow w;
    w.autosave()->setDirectory(m_tmp.filePath(QStringLiteral("autosave5")));
    QVERIFY(w.openFile(test::sourcePath(QStringLiteral("examples/demo.json"))));
    QDialog *dlg = w.showExportDialog(false);
    QVERIFY(dlg);
    auto *view = dlg->findChild<QPlainTextEdit *>(QStringLiteral("exportScript"));
    QVERIFY(view);
    const QString script = view->toPlainText();
    QVERIFY2(script.startsWith(QStringLiteral("#!/bin/sh")), qPrintable(script.left(300) + qobject_cast<ExportDialog *>(dlg)->errorText()));
    QVERIFY(script.contains(QStringLiteral("52:54:00:6e:6c:01")));
    QVERIFY(script.contains(QStringLiteral("vde_switch")));
    auto *exportDlg = qobject_cast<ExportDialog *>(dlg);
    QVERIFY(exportDlg);
    QTest::mouseClick(dlg->findChild<QPushButton *>(QStringLiteral("exportCopy")), Qt::LeftButton);
    QCOMPARE(QApplication::clipboard()->text(), script);
    const QString out = m_tmp.filePath(QStringLiteral("demo.sh"));
    QCOMPARE(exportDlg->saveTo(out), QString());
    QCOMPARE(QString::fromUtf8(test::readFile(out)), script);
    QVERIFY(QFileInfo(out).isExecutable());
    QVERIFY(!exportDlg->saveTo(m_tmp.filePath(QStringLiteral("no/such/dir/x.sh"))).isEmpty());
    dlg->close();
}

void TestEditor::exportDialogExplainsRefusal()
{
    model::Topology t;
    t.name = QStringLiteral("broken");
    model::Node g;
    g.id = QStringLiteral("g");
    g.name = QStringLiteral("g");
    g.type = model::NodeType::Guest;
    g.guest.memoryMiB = 1;  // out of range: the planner refuses
    t.nodes.append(g);
    ExportDialog dlg(t, m_tmp.path());
    QVERIFY(!dlg.hasScript());
    QVERIFY2(dlg.errorText().contains(QStringLiteral("failed to")), qPrintable(dlg.errorText()));
    QVERIFY(!dlg.findChild<QPushButton *>(QStringLiteral("exportSave"))->isEnabled());
}

void TestEditor::autosaveIsOfferedAfterCrash()
{
    const QString dir = m_tmp.filePath(QStringLiteral("autosave6"));
    const QString path = m_tmp.filePath(QStringLiteral("recover.json"));
    QVERIFY(model::saveTopologyFile(*model::loadTopologyFile(test::sourcePath(QStringLiteral("examples/demo.json"))), path));
    QTest::qWait(20);  // the autosave must be strictly newer than the file
    {
        MainWindow w;
        w.autosave()->setDirectory(dir);
        QVERIFY(w.openFile(path));
        QVERIFY(w.addNode(QStringLiteral("uplink"), QPointF(0, 500)).size() > 0);
        emit w.autosave()->wanted();  // the timer's tick
        QVERIFY(QFileInfo::exists(w.autosave()->autosavePathFor(path)));
        // Undoing back to the saved state withdraws the autosave; redoing brings it back.
        action(w, "actionUndo")->trigger();
        emit w.autosave()->wanted();
        QVERIFY(!QFileInfo::exists(w.autosave()->autosavePathFor(path)));
        action(w, "actionRedo")->trigger();
        emit w.autosave()->wanted();
        QVERIFY(QFileInfo::exists(w.autosave()->autosavePathFor(path)));
        // Simulate a crash: the writer's pid is gone and the window never closes cleanly.
        QProcess dead;
        dead.start(QStringLiteral("true"));
        QVERIFY(dead.waitForStarted());
        const qint64 deadPid = dead.processId();
        QVERIFY(dead.waitForFinished());
        QString metaPath = w.autosave()->autosavePathFor(path);
        metaPath.replace(QStringLiteral(".json"), QStringLiteral(".meta"));
        QByteArray meta = test::readFile(metaPath);
        QVERIFY(meta.contains(QByteArray::number(QCoreApplication::applicationPid())));
        meta.replace(QByteArray::number(QCoreApplication::applicationPid()), QByteArray::number(deadPid));
        QFile f(metaPath);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(meta);
        f.close();
        QVERIFY(w.isModified());  // so the window keeps the autosave, as a crash would
    }
    Autosave probe;
    probe.setDirectory(dir);
    QCOMPARE(probe.candidates(path).size(), 1);
    MainWindow w2;
    w2.autosave()->setDirectory(dir);
    QString asked;
    w2.setAsker([&asked](const QString &title, const QString &, QMessageBox::StandardButtons) {
        asked = title;
        return QMessageBox::Yes;
    });
    QVERIFY(w2.openFile(path));
    QCOMPARE(asked, QStringLiteral("Recover unsaved work"));
    QCOMPARE(w2.document()->topology().nodes.size(), 5);  // demo's 4 + the uplink
    QVERIFY(w2.isModified());
    action(w2, "actionUndo")->trigger();  // back to the file's content
    QCOMPARE(w2.document()->topology().nodes.size(), 4);
    QVERIFY(!w2.isModified());
}

void TestEditor::unsavedDocumentIsRecoveredAtStartup()
{
    const QString dir = m_tmp.filePath(QStringLiteral("autosave9"));
    {
        // An editor with a never-saved topology "crashes" after an autosave.
        MainWindow w;
        w.autosave()->setDirectory(dir);
        w.newDocument(true);
        w.addNode(QStringLiteral("bridge"), QPointF(0, 0));
        w.addNode(QStringLiteral("uplink"), QPointF(100, 0));
        emit w.autosave()->wanted();
        QProcess dead;
        dead.start(QStringLiteral("true"));
        QVERIFY(dead.waitForStarted());
        const qint64 deadPid = dead.processId();
        QVERIFY(dead.waitForFinished());
        QString metaPath = w.autosave()->autosavePathFor(QString());
        metaPath.replace(QStringLiteral(".json"), QStringLiteral(".meta"));
        QByteArray meta = test::readFile(metaPath);
        QVERIFY(meta.contains("\"source\":\"\""));
        meta.replace(QByteArray::number(QCoreApplication::applicationPid()), QByteArray::number(deadPid));
        QFile f(metaPath);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(meta);
    }
    MainWindow w;
    w.autosave()->setDirectory(dir);
    int asked = 0;
    w.setAsker([&asked](auto &&...) {
        ++asked;
        return QMessageBox::Yes;
    });
    w.newDocument(true);  // what `netloom` without a file does
    QCOMPARE(asked, 1);
    QCOMPARE(w.document()->topology().nodes.size(), 2);
    QVERIFY(w.isModified());
    QVERIFY(w.document()->filePath().isEmpty());
    // The old autosave was consumed: a second start offers nothing.
    MainWindow again;
    again.autosave()->setDirectory(dir);
    again.setAsker([&asked](auto &&...) {
        ++asked;
        return QMessageBox::Yes;
    });
    again.newDocument(true);
    QCOMPARE(asked, 1);
    QVERIFY(again.document()->topology().nodes.isEmpty());
    w.undoStack()->setClean();  // leave no autosave of this test's own pid behind
}

void TestEditor::openReportsBadFiles()
{
    MainWindow w;
    QString said;
    w.setAsker([&said](const QString &, const QString &text, QMessageBox::StandardButtons) {
        said = text;
        return QMessageBox::Ok;
    });
    const QString bad = m_tmp.filePath(QStringLiteral("bad.json"));
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\"format\": \"netloom-topology\", \"version\": 1, \"name\": \"x\", \"nodes\": [{\"id\": 3}]}");
    f.close();
    QVERIFY(!w.openFile(bad));
    QVERIFY2(said.startsWith(QStringLiteral("failed to load topology")), qPrintable(said));
    QVERIFY(w.logText().contains(QStringLiteral("failed to load topology")));
    QVERIFY(!w.openFile(m_tmp.filePath(QStringLiteral("missing.json"))));
}

void TestEditor::closeAsksAboutUnsavedChangesAndRecentReopens()
{
    const QString path = m_tmp.filePath(QStringLiteral("close.json"));
    QVERIFY(model::saveTopologyFile(*model::loadTopologyFile(test::sourcePath(QStringLiteral("examples/demo.json"))), path));
    MainWindow w;
    w.autosave()->setDirectory(m_tmp.filePath(QStringLiteral("autosave7")));
    QMessageBox::StandardButton answer = QMessageBox::Cancel;
    int asked = 0;
    w.setAsker([&](const QString &, const QString &, QMessageBox::StandardButtons) {
        ++asked;
        return answer;
    });
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openFile(path));
    QVERIFY(w.close());  // clean: no question
    QCOMPARE(asked, 0);
    w.show();
    w.addNode(QStringLiteral("switch"), QPointF(0, 0));
    QVERIFY(!w.close());  // Cancel keeps the window and the change
    QCOMPARE(asked, 1);
    QVERIFY(w.isVisible());
    emit w.autosave()->wanted();
    QVERIFY(QFileInfo::exists(w.autosave()->autosavePathFor(path)));
    answer = QMessageBox::Discard;
    QVERIFY(w.close());
    QCOMPARE(asked, 2);
    QVERIFY(!QFileInfo::exists(w.autosave()->autosavePathFor(path)));  // discarded means discarded

    // File > Open Recent lists the file; choosing it opens it again.
    MainWindow w2;
    w2.autosave()->setDirectory(m_tmp.filePath(QStringLiteral("autosave7")));
    auto *recent = w2.findChild<QMenu *>(QStringLiteral("recentMenu"));
    QVERIFY(recent);
    QVERIFY(!recent->actions().isEmpty());
    QCOMPARE(recent->actions().first()->toolTip(), QFileInfo(path).absoluteFilePath());
    recent->actions().first()->trigger();
    QCOMPARE(w2.document()->filePath(), QFileInfo(path).absoluteFilePath());
    QCOMPARE(w2.document()->topology().nodes.size(), 4);
}

void TestEditor::germanTranslationIsLoaded()
{
    QVERIFY(installTranslations(QLocale(QStringLiteral("de_DE"))));
    {
        MainWindow w;
        QStringList menus;
        for (QAction *a : w.menuBar()->actions())
            menus.append(a->text());
        QCOMPARE(menus.value(0), QStringLiteral("&Datei"));
        QVERIFY2(action(w, "actionStart")->toolTip().contains(QStringLiteral("Topologie starten")), qPrintable(action(w, "actionStart")->toolTip()));
        QCOMPARE(w.palette()->entry(QStringLiteral("guest"))->text(), QStringLiteral("Gast"));
    }
    QVERIFY(!installTranslations(QLocale(QStringLiteral("en_US"))));
    MainWindow w;
    QCOMPARE(w.menuBar()->actions().value(0)->text(), QStringLiteral("&File"));
}

// Help > About shows the licence: the real box is opened, read and closed.
void TestEditor::aboutBoxNamesTheLicence()
{
    MainWindow w;
    QString shown;
    QTimer poll;
    poll.setInterval(20);
    connect(&poll, &QTimer::timeout, &w, [&] {
        if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
            shown = box->text();
            box->accept();
        }
    });
    poll.start();
    QTimer::singleShot(5000, &w, [] {  // bound: never hang the suite on a box not found
        if (QWidget *m = QApplication::activeModalWidget())
            m->close();
    });
    action(w, "actionAbout")->trigger();
    poll.stop();
    QVERIFY2(shown.contains(QStringLiteral("GPL-3.0-or-later")), qPrintable(shown));
    QVERIFY(shown.contains(QStringLiteral("GNU General Public License")));
    QVERIFY(shown.contains(QStringLiteral("NO WARRANTY")));
    QCOMPARE(shown, MainWindow::aboutText());
}

// Gateways added one after another each get a subnet free on the host (made-up facts: a
// machine in 10.0.0.0/8 with libvirt and a 172.31/16 route) and in the topology; a gateway
// moved onto a routed subnet shows the validator's warning naming route and interface.
void TestEditor::newGatewaysGetFreeSubnetsAndRouteWarnings()
{
    MainWindow w;
    w.autosave()->setDirectory(m_tmp.filePath(QStringLiteral("autosave-subnets")));
    const auto cidr = [](const char *text) { return *protocol::Cidr::parse(QString::fromLatin1(text)); };
    model::HostNetwork host;
    host.addresses = {{QStringLiteral("eth0"), cidr("10.0.0.5/8")}, {QStringLiteral("virbr0"), cidr("192.168.122.1/24")}};
    host.routes = {{cidr("10.0.0.0/8"), QStringLiteral("eth0"), 254, QStringLiteral("unicast")},
                   {cidr("192.168.122.0/24"), QStringLiteral("virbr0"), 254, QStringLiteral("unicast")},
                   {cidr("172.31.0.0/16"), QStringLiteral("wg0"), 254, QStringLiteral("unicast")}};
    w.setHostNetReader(std::make_unique<model::FixedHostNetReader>(host));
    QStringList ids;
    QList<protocol::Cidr> subnets;
    for (int k = 0; k < 3; ++k) {
        const QString id = w.addNode(QStringLiteral("hostport"), QPointF(120 * k, 0));
        QVERIFY(!id.isEmpty());
        ids.append(id);
        const model::HostPortConfig &hp = w.document()->topology().node(id)->hostPort;
        const auto c = protocol::Cidr::parse(hp.address);
        QVERIFY2(c, qPrintable(hp.address));
        for (const model::TakenPrefix &p : model::takenByHost(host))
            QVERIFY2(!p.prefix.overlaps(*c), qPrintable(hp.address + QStringLiteral(" overlaps ") + p.origin));
        for (const protocol::Cidr &other : std::as_const(subnets))
            QVERIFY2(!other.overlaps(*c), qPrintable(hp.address));
        subnets.append(*c);
    }
    QCOMPARE(w.document()->topology().node(ids.first())->hostPort.address, QStringLiteral("172.30.0.1/24"));
    QCOMPARE(w.document()->topology().node(ids.last())->hostPort.dhcp.rangeEnd, QStringLiteral("172.30.2.199"));
    w.validateNow();
    for (const model::Issue &i : w.issues())
        QVERIFY2(!i.message.contains(QStringLiteral("host's")), qPrintable(i.message));

    // One undo step per gateway, suggestion included.
    action(w, "actionUndo")->trigger();
    QCOMPARE(w.document()->topology().nodes.size(), 2);
    action(w, "actionRedo")->trigger();

    // Onto the host's 10.0.0.0/8: the issues panel names the route and the interface.
    w.scene()->selectOnly(ids.first());
    typeInto(w.properties()->findChild<QLineEdit *>(QStringLiteral("field.hostPort.address")), QStringLiteral("10.0.2.1/24"));
    w.validateNow();
    bool warned = false;
    for (const model::Issue &i : w.issues())
        warned = warned || (i.severity == model::Issue::Severity::Warning && i.nodeId == ids.first() &&
                            i.message.contains(QStringLiteral("overlaps the host's route 10.0.0.0/8 on interface 'eth0'")));
    QVERIFY(warned);
    QVERIFY2(w.properties()->messagesText().contains(QStringLiteral("route 10.0.0.0/8 on interface 'eth0'")),
             qPrintable(w.properties()->messagesText()));

    // Without any host facts the topology's own gateways are still avoided.
    w.setHostNetReader(std::make_unique<model::FixedHostNetReader>(model::HostNetwork{}));
    const QString fourth = w.addNode(QStringLiteral("hostport"), QPointF(0, 200));
    const auto c = protocol::Cidr::parse(w.document()->topology().node(fourth)->hostPort.address);
    QVERIFY(c);
    QCOMPARE(c->networkString(), QStringLiteral("10.200.0.0/24"));
}

QTEST_MAIN(TestEditor)
#include "test_editor.moc"
