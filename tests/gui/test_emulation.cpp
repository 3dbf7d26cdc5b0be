// SPDX-License-Identifier: GPL-3.0-or-later
// Network emulation in the editor (issue #13), driven as a user would on the offscreen
// platform: a cable's Impairment section edits the model (one undo step per change, both
// directions at once or each separately), the cable's badge and dashed "down" style follow
// the model, the cable's context menu sets it down/up and opens the section, invalid values
// are refused with the validator's message, a netloom switch's port-mirroring table edits
// and undoes, the traffic panel shows emulation drops. The save/load round trip is checked
// on the model through the document only: the topology JSON does not carry emulation on
// this branch yet (a parallel change adds it).
#include "emulationeditor.h"
#include "impairmentform.h"
#include "mainwindow.h"
#include "mirrortable.h"
#include "propertiespanel.h"
#include "topologydocument.h"
#include "topologyscene.h"
#include "trafficpanel.h"
#include "canvasview.h"

#include "protocol/impairment.h"
#include "runtime/runtime.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QMenu>
#include <QPainter>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTabWidget>
#include <QTest>
#include <QTreeWidget>
#include <QUndoStack>

#include <memory>

using namespace netloom;
using namespace netloom::gui;
using protocol::Impairment;

namespace {

// sw1 (netloom switch) at the centre, guest alpha to its left (cable l1: alpha.net0 -> sw1),
// host port gw below it (cable l2: gw -> sw1).
model::Topology lab()
{
    model::Topology t;
    t.name = QStringLiteral("emu");
    model::Node sw;
    sw.id = QStringLiteral("sw1");
    sw.name = QStringLiteral("sw1");
    sw.type = model::NodeType::Switch;
    model::Node alpha;
    alpha.id = QStringLiteral("alpha");
    alpha.name = QStringLiteral("alpha");
    alpha.type = model::NodeType::Guest;
    alpha.position = QPointF(-400, 0);
    model::NicConfig nic;
    nic.id = QStringLiteral("net0");
    alpha.guest.nics.append(nic);
    model::Node gw;
    gw.id = QStringLiteral("gw");
    gw.name = QStringLiteral("gw");
    gw.type = model::NodeType::HostPort;
    gw.position = QPointF(0, 300);
    t.nodes = {sw, alpha, gw};
    model::Link l1;
    l1.id = QStringLiteral("l1");
    l1.a = {QStringLiteral("alpha"), QStringLiteral("net0"), {}};
    l1.b = {QStringLiteral("sw1"), {}, {}};
    model::Link l2;
    l2.id = QStringLiteral("l2");
    l2.a = {QStringLiteral("gw"), {}, {}};
    l2.b = {QStringLiteral("sw1"), {}, {}};
    t.links = {l1, l2};
    return t;
}

Impairment spec(const char *text)
{
    const Result<Impairment> r = protocol::parseImpairmentSpec(QString::fromLatin1(text));
    if (!r)
        qFatal("bad spec %s: %s", text, qPrintable(r.error().message));
    return *r;
}

// Types `text` into the spin box and commits it with Enter, as a user would.
void typeNumber(QAbstractSpinBox *spin, const QString &text)
{
    QVERIFY(spin);
    spin->setFocus();
    spin->selectAll();
    QTest::keyClick(spin, Qt::Key_Backspace);
    QTest::keyClicks(spin, text);
    QTest::keyClick(spin, Qt::Key_Return);
}

template <typename T>
T *child(QObject *parent, const char *name)
{
    T *w = parent->findChild<T *>(QLatin1String(name));
    if (!w)
        qFatal("no child %s", name);
    return w;
}

// The view point on the middle of cable `linkId` (between its end nodes).
QPoint cableMiddle(MainWindow &w, const QString &linkId)
{
    const model::Link *l = w.document()->topology().link(linkId);
    const QPointF a = w.document()->topology().node(l->a.node)->position;
    const QPointF b = w.document()->topology().node(l->b.node)->position;
    return w.view()->mapFromScene((a + b) / 2);
}

// The share of the columns of the horizontal segment of cable l1 (from x = -350 to -50 on
// y = 0) that the scene leaves unpainted: ~0 for a solid line, well above for a dashed one.
double gapShare(TopologyScene *scene)
{
    QImage img(300, 11, QImage::Format_RGB32);
    img.fill(Qt::white);
    QPainter p(&img);
    scene->render(&p, QRectF(0, 0, 300, 11), QRectF(-350, -5, 300, 11));
    p.end();
    int gaps = 0;
    for (int x = 0; x < img.width(); ++x) {
        bool ink = false;
        for (int y = 3; y <= 7; ++y)
            ink = ink || qGray(img.pixel(x, y)) < 160;
        gaps += ink ? 0 : 1;
    }
    return double(gaps) / img.width();
}

}  // namespace

class TestEmulation : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(QStringLiteral("netloom-test"));
        QApplication::setApplicationName(QStringLiteral("netloom-test"));
    }

    void impairmentSectionEditsModelBadgeFollowsUndoRestores()
    {
        MainWindow w;
        w.setAsker([](auto &&...) { return QMessageBox::Discard; });
        w.document()->reset(lab(), QString());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const model::Topology &t = w.document()->topology();
        QUndoStack *undo = w.undoStack();
        LinkItem *cable = w.scene()->linkItem(QStringLiteral("l1"));
        QVERIFY(cable);
        QCOMPARE(cable->badgeText(), QString());

        w.scene()->selectOnly(QStringLiteral("l1"));
        QCOMPARE(w.properties()->currentId(), QStringLiteral("l1"));
        auto *editor = child<EmulationEditor>(w.properties(), "field.emulation");
        QVERIFY(editor->sameBothWays());  // both directions equal: one set of fields
        auto *tabs = child<QTabWidget>(editor, "emulationDirections");
        QVERIFY(!tabs->isTabVisible(1));
        QWidget *ab = editor->form(true);
        QWidget *ba = editor->form(false);

        // Delay, jitter, loss and rate: one undo step each, applied to both directions.
        typeNumber(child<QDoubleSpinBox>(ab, "delay"), QStringLiteral("20"));
        QCOMPARE(t.link(QStringLiteral("l1"))->emulation.ab.delayUs, 20000u);
        QCOMPARE(t.link(QStringLiteral("l1"))->emulation.ba.delayUs, 20000u);
        QCOMPARE(undo->count(), 1);
        QCOMPARE(cable->badgeText(), QStringLiteral("20 ms"));
        typeNumber(child<QDoubleSpinBox>(ab, "jitter"), QStringLiteral("5"));
        typeNumber(child<QDoubleSpinBox>(ab, "loss"), QStringLiteral("1"));
        typeNumber(child<QDoubleSpinBox>(ab, "rate"), QStringLiteral("10"));  // Mbit/s is the default unit
        QCOMPARE(undo->count(), 4);
        // Read afresh each time: the document may reallocate its lists.
        auto em = [&t] { return t.link(QStringLiteral("l1"))->emulation; };
        QCOMPARE(em().ab, spec("delay=20ms,jitter=5ms,loss=1%,rate=10mbit"));
        QCOMPARE(em().ba, em().ab);
        QCOMPARE(cable->badgeText(), QStringLiteral("20 ms \u00b1 5, 1% loss, 10 Mbit/s"));
        QCOMPARE(w.scene()->linkItem(QStringLiteral("l2"))->badgeText(), QString());  // only this cable

        // The unit is part of the value: kbit/s makes it 10 kbit/s.
        auto *unit = child<QComboBox>(ab, "rateUnit");
        unit->setFocus();
        QTest::keyClick(unit, Qt::Key_Up);
        QCOMPARE(em().ab.rateBitsPerSecond, std::uint64_t(10'000));
        QVERIFY(cable->badgeText().endsWith(QStringLiteral("10 kbit/s")));
        QCOMPARE(undo->count(), 5);

        // Each direction separately: b -> a gets its own delay; the badge names both.
        auto *same = child<QCheckBox>(editor, "emulationSame");
        same->click();
        QVERIFY(!editor->sameBothWays());
        QVERIFY(tabs->isTabVisible(1));
        QCOMPARE(tabs->tabText(0), QStringLiteral("alpha \u2192 sw1"));
        QCOMPARE(tabs->tabText(1), QStringLiteral("sw1 \u2192 alpha"));
        QCOMPARE(undo->count(), 5);  // a view choice, not an edit
        tabs->setCurrentIndex(1);
        typeNumber(child<QDoubleSpinBox>(ba, "delay"), QStringLiteral("50"));
        QCOMPARE(em().ab.delayUs, 20000u);
        QCOMPARE(em().ba.delayUs, 50000u);
        QCOMPARE(undo->count(), 6);
        QCOMPARE(cable->badgeText(), QStringLiteral("a\u2192b: 20 ms \u00b1 5, 1% loss, 10 kbit/s / b\u2192a: 50 ms \u00b1 5, 1% loss, 10 kbit/s"));
        QVERIFY(cable->toolTip().contains(QStringLiteral("sw1 \u2192 alpha: 50 ms")));

        // Checking "same" again over two different directions is one edit: b -> a takes a -> b.
        same->click();
        QCOMPARE(em().ba, em().ab);
        QCOMPARE(undo->count(), 7);
        undo->undo();
        QCOMPARE(em().ba.delayUs, 50000u);
        QVERIFY(!editor->sameBothWays());  // the model's directions differ: forced off
        undo->undo();
        QCOMPARE(em().ba, em().ab);
        QCOMPARE(cable->badgeText(), QStringLiteral("20 ms \u00b1 5, 1% loss, 10 kbit/s"));
        // The form follows the model on undo.
        QCOMPARE(child<QDoubleSpinBox>(ba, "delay")->value(), 20.0);

        // Bursts instead of random loss.
        auto *lossModel = child<QComboBox>(ab, "lossModel");
        lossModel->setFocus();
        QTest::keyClick(lossModel, Qt::Key_Down);
        QVERIFY(em().ab.burst.has_value());
        QCOMPARE(em().ab.lossPercent, 0.0);
        QCOMPARE(em().ab.burst->r, 25.0);
        QVERIFY(cable->badgeText().contains(QStringLiteral("burst loss (mean 4 frames)")));

        // Link up box: down, dashed.
        auto *up = child<QCheckBox>(editor, "emulationUp");
        QVERIFY(up->isChecked());
        up->click();
        QVERIFY(!em().up);
        QVERIFY(cable->isDown());

        // Undo everything: no impairment, up, no badge.
        while (undo->canUndo())
            undo->undo();
        QVERIFY(t.link(QStringLiteral("l1"))->emulation.isDefault());
        QCOMPARE(cable->badgeText(), QString());
        QVERIFY(!cable->isDown());
        QCOMPARE(child<QDoubleSpinBox>(ab, "delay")->value(), 0.0);
        QVERIFY(up->isChecked());
        // Redo brings the last state back, the scene with it.
        while (undo->canRedo())
            undo->redo();
        QVERIFY(!t.link(QStringLiteral("l1"))->emulation.up);
        QVERIFY(cable->isDown());
        QVERIFY(cable->badgeText().contains(QStringLiteral("burst loss")));
    }

    void invalidValuesAreRefusedWithTheMessage()
    {
        MainWindow w;
        w.setAsker([](auto &&...) { return QMessageBox::Discard; });
        w.document()->reset(lab(), QString());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.scene()->selectOnly(QStringLiteral("l1"));
        auto *editor = child<EmulationEditor>(w.properties(), "field.emulation");
        QWidget *ab = editor->form(true);
        const model::Link before = *w.document()->topology().link(QStringLiteral("l1"));

        typeNumber(child<QDoubleSpinBox>(ab, "delay"), QStringLiteral("20000"));  // 20 s: above 10 s
        QCOMPARE(w.undoStack()->count(), 0);
        QCOMPARE(*w.document()->topology().link(QStringLiteral("l1")), before);
        QVERIFY2(w.properties()->messagesText().contains(QStringLiteral("failed to check impairment 'delay'")),
                 qPrintable(w.properties()->messagesText()));
        QVERIFY(w.properties()->messagesText().contains(QStringLiteral("above the limit")));
        QCOMPARE(w.scene()->linkItem(QStringLiteral("l1"))->badgeText(), QString());

        // Back to a valid delay: applied; then jitter without... a rate below 8 kbit/s.
        typeNumber(child<QDoubleSpinBox>(ab, "delay"), QStringLiteral("10"));
        QCOMPARE(w.undoStack()->count(), 1);
        auto *unit = child<QComboBox>(ab, "rateUnit");
        unit->setFocus();
        QTest::keyClick(unit, Qt::Key_Up);  // kbit/s
        typeNumber(child<QDoubleSpinBox>(ab, "rate"), QStringLiteral("1"));
        QCOMPARE(w.undoStack()->count(), 1);
        QCOMPARE(w.document()->topology().link(QStringLiteral("l1"))->emulation.ab.rateBitsPerSecond, std::uint64_t(0));
        QVERIFY2(w.properties()->messagesText().contains(QStringLiteral("failed to check impairment 'rate'")),
                 qPrintable(w.properties()->messagesText()));

        // Each direction separately: the message names the direction.
        typeNumber(child<QDoubleSpinBox>(ab, "rate"), QStringLiteral("0"));
        child<QCheckBox>(editor, "emulationSame")->click();
        QWidget *ba = editor->form(false);
        typeNumber(child<QDoubleSpinBox>(ba, "jitter"), QStringLiteral("99999"));
        QVERIFY2(w.properties()->messagesText().contains(QStringLiteral("sw1 \u2192 alpha: failed to check impairment 'jitter'")),
                 qPrintable(w.properties()->messagesText()));
        QCOMPARE(w.document()->topology().link(QStringLiteral("l1"))->emulation.ba.jitterUs, 0u);
    }

    void rightClickSetsCableDownDashedAndUndoes()
    {
        MainWindow w;
        w.setAsker([](auto &&...) { return QMessageBox::Discard; });
        w.document()->reset(lab(), QString());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.view()->fitAll();
        LinkItem *cable = w.scene()->linkItem(QStringLiteral("l1"));
        const QPoint at = cableMiddle(w, QStringLiteral("l1"));

        QVERIFY2(gapShare(w.scene()) < 0.02, qPrintable(QString::number(gapShare(w.scene()))));  // solid
        std::unique_ptr<QMenu> menu(w.createCanvasMenu(at));
        auto *toggle = child<QAction>(menu.get(), "actionLinkUpDown");
        QCOMPARE(toggle->text(), QStringLiteral("Set Link &Down"));
        toggle->trigger();
        QVERIFY(!w.document()->topology().link(QStringLiteral("l1"))->emulation.up);
        QVERIFY(cable->isDown());
        QVERIFY2(gapShare(w.scene()) > 0.1, qPrintable(QString::number(gapShare(w.scene()))));  // dashed
        QVERIFY(!w.scene()->linkItem(QStringLiteral("l2"))->isDown());
        QCOMPARE(w.undoStack()->count(), 1);
        QCOMPARE(w.undoStack()->text(0), QStringLiteral("set cable l1 down"));

        menu.reset(w.createCanvasMenu(at));
        toggle = child<QAction>(menu.get(), "actionLinkUpDown");
        QCOMPARE(toggle->text(), QStringLiteral("Set Link &Up"));
        w.undoStack()->undo();
        QVERIFY(w.document()->topology().link(QStringLiteral("l1"))->emulation.up);
        QVERIFY(!cable->isDown());
        QVERIFY(gapShare(w.scene()) < 0.02);
        toggle->trigger();  // a stale "Set link up" on a cable that is up: nothing
        QCOMPARE(w.undoStack()->index(), 0);
        w.undoStack()->redo();
        QVERIFY(cable->isDown());
        toggle->trigger();  // now it is down: up again, one more step
        QVERIFY(!cable->isDown());
        QCOMPARE(w.undoStack()->count(), 2);

        // Impairment…: selects the cable and focuses its section in the panel.
        w.scene()->clearSelection();
        menu.reset(w.createCanvasMenu(at));
        child<QAction>(menu.get(), "actionLinkImpairment")->trigger();
        QCOMPARE(w.scene()->selectedLinkIds(), QStringList{QStringLiteral("l1")});
        QCOMPARE(w.properties()->currentId(), QStringLiteral("l1"));
        QVERIFY(w.properties()->findChild<EmulationEditor *>(QStringLiteral("field.emulation")));
        auto *dock = child<QDockWidget>(&w, "propertiesDock");
        dock->hide();
        QVERIFY(w.showImpairment(QStringLiteral("l1")));
        QVERIFY(dock->isVisible());
        QVERIFY(!w.showImpairment(QStringLiteral("nope")));

        // A right-click on a node offers no cable actions.
        menu.reset(w.createCanvasMenu(w.view()->mapFromScene(QPointF(0, 0))));
        QVERIFY(!menu->findChild<QAction *>(QStringLiteral("actionLinkUpDown")));
    }

    void mirrorTableEditsAndUndoes()
    {
        MainWindow w;
        w.setAsker([](auto &&...) { return QMessageBox::Discard; });
        w.document()->reset(lab(), QString());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const model::Topology &t = w.document()->topology();
        w.scene()->selectOnly(QStringLiteral("sw1"));
        auto *mirrors = child<MirrorTable>(w.properties(), "field.switch.mirrors");
        QTableWidget *table = mirrors->table();
        QCOMPARE(table->rowCount(), 0);
        auto *add = child<QPushButton>(mirrors, "mirrorAdd");
        QVERIFY(add->isEnabled());

        QTest::mouseClick(add, Qt::LeftButton);
        QCOMPARE(t.node(QStringLiteral("sw1"))->sw.mirrors.size(), 1);
        const model::MirrorConfig first = t.node(QStringLiteral("sw1"))->sw.mirrors[0];
        QCOMPARE(first.source, QStringLiteral("l1"));
        QCOMPARE(first.target, QStringLiteral("l2"));
        QCOMPARE(first.direction, model::MirrorConfig::Direction::Both);
        QCOMPARE(w.undoStack()->count(), 1);
        QCOMPARE(table->rowCount(), 1);
        // Cables are offered as the canvas names them.
        auto *source = static_cast<QComboBox *>(table->cellWidget(0, MirrorTable::Source));
        QCOMPARE(source->currentText(), linkDisplayText(t, *t.link(QStringLiteral("l1"))));
        QCOMPARE(source->currentText(), QStringLiteral("l1: alpha.net0 \u2194 sw1"));

        // Direction both -> tx.
        auto *dir = static_cast<QComboBox *>(table->cellWidget(0, MirrorTable::Direction));
        dir->setFocus();
        QTest::keyClick(dir, Qt::Key_Up);
        QCOMPARE(t.node(QStringLiteral("sw1"))->sw.mirrors[0].direction, model::MirrorConfig::Direction::Tx);
        QCOMPARE(w.undoStack()->count(), 2);

        // A cable mirrored onto itself is refused, with the message.
        auto *target = static_cast<QComboBox *>(table->cellWidget(0, MirrorTable::Target));
        target->setFocus();
        QTest::keyClick(target, Qt::Key_Up);  // l2 -> l1, the source
        QCOMPARE(w.undoStack()->count(), 2);
        QCOMPARE(t.node(QStringLiteral("sw1"))->sw.mirrors[0].target, QStringLiteral("l2"));
        QVERIFY2(w.properties()->messagesText().contains(QStringLiteral("cannot be mirrored onto itself")),
                 qPrintable(w.properties()->messagesText()));

        // Undo: tx -> both (the table follows), then no mirror.
        w.undoStack()->undo();
        QCOMPARE(t.node(QStringLiteral("sw1"))->sw.mirrors[0].direction, model::MirrorConfig::Direction::Both);
        dir = static_cast<QComboBox *>(table->cellWidget(0, MirrorTable::Direction));
        QCOMPARE(dir->currentIndex(), 2);
        QCOMPARE(static_cast<QComboBox *>(table->cellWidget(0, MirrorTable::Target))->currentData().toString(),
                 QStringLiteral("l2"));
        w.undoStack()->undo();
        QVERIFY(t.node(QStringLiteral("sw1"))->sw.mirrors.isEmpty());
        QCOMPARE(table->rowCount(), 0);

        // Remove: one step, undoable.
        w.undoStack()->redo();
        QCOMPARE(table->rowCount(), 1);
        table->setCurrentCell(0, MirrorTable::Source);
        auto *remove = child<QPushButton>(mirrors, "mirrorRemove");
        QVERIFY(remove->isEnabled());
        QTest::mouseClick(remove, Qt::LeftButton);
        QVERIFY(t.node(QStringLiteral("sw1"))->sw.mirrors.isEmpty());
        w.undoStack()->undo();
        QCOMPARE(t.node(QStringLiteral("sw1"))->sw.mirrors.size(), 1);
        QCOMPARE(table->rowCount(), 1);

        // A switch with one cable cannot mirror: Add is disabled.
        w.undoStack()->push(new RemoveItemsCommand(w.document(), {}, {QStringLiteral("l2")}));
        QVERIFY(!add->isEnabled());
    }

    void impairedTopologyRoundTripsThroughTheDocument()
    {
        // Model only (see the file comment): an impaired, mirrored topology set into the
        // document comes back equal, the scene shows it from the start, and showing and
        // committing the form changes nothing — a value the form cannot show exactly (a loss
        // of 0.00012%) is not rounded by an edit of another field.
        model::Topology t = lab();
        t.links[0].emulation.ab = spec("delay=20ms,jitter=5ms,loss=1%,rate=10mbit,queue=50ms");
        t.links[0].emulation.ba = spec("gemodel=1%/25%,duplicate=0.5%");
        t.links[0].emulation.up = false;
        t.links[1].emulation.ab.lossPercent = 0.00012;
        t.links[1].emulation.ab.rateBitsPerSecond = 1'234'567;
        t.links[1].emulation.ab.queueBytes = 1601;
        t.links[1].emulation.ba = t.links[1].emulation.ab;
        t.nodes[0].sw.mirrors = {{QStringLiteral("l1"), QStringLiteral("l2"), model::MirrorConfig::Direction::Rx}};

        MainWindow w;
        w.setAsker([](auto &&...) { return QMessageBox::Discard; });
        w.document()->reset(t, QString());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QCOMPARE(w.document()->topology(), t);
        LinkItem *l1 = w.scene()->linkItem(QStringLiteral("l1"));
        QVERIFY(l1->isDown());
        QCOMPARE(l1->badgeText(), QStringLiteral("a\u2192b: 20 ms \u00b1 5, 1% loss, 10 Mbit/s / b\u2192a: burst loss (mean 4 frames), 0.5% dup"));
        QCOMPARE(w.scene()->linkItem(QStringLiteral("l2"))->badgeText(), QStringLiteral("0.0001% loss, 1.2346 Mbit/s"));

        w.scene()->selectOnly(QStringLiteral("l1"));
        auto *editor = child<EmulationEditor>(w.properties(), "field.emulation");
        QVERIFY(!editor->sameBothWays());
        QCOMPARE(child<QDoubleSpinBox>(editor->form(true), "delay")->value(), 20.0);
        QCOMPARE(child<QComboBox>(editor->form(false), "lossModel")->currentIndex(), 1);
        QCOMPARE(child<QComboBox>(editor->form(true), "queueUnit")->currentText(), QStringLiteral("ms"));
        QVERIFY(!child<QCheckBox>(editor, "emulationUp")->isChecked());
        // Every form's read of what it shows is the model's value again.
        for (bool ab : {true, false}) {
            const Impairment &imp = ab ? t.links[0].emulation.ab : t.links[0].emulation.ba;
            const Result<Impairment> r = editor->form(ab)->readInto(imp);
            QVERIFY(r);
            QCOMPARE(*r, imp);
        }

        w.scene()->selectOnly(QStringLiteral("l2"));
        editor = child<EmulationEditor>(w.properties(), "field.emulation");
        QVERIFY(editor->sameBothWays());
        QCOMPARE(child<QComboBox>(editor->form(true), "rateUnit")->currentText(), QStringLiteral("kbit/s"));
        QCOMPARE(child<QComboBox>(editor->form(true), "queueUnit")->currentText(), QStringLiteral("bytes"));
        typeNumber(child<QDoubleSpinBox>(editor->form(true), "delay"), QStringLiteral("7"));
        QCOMPARE(w.undoStack()->count(), 1);
        const model::Link l2 = *w.document()->topology().link(QStringLiteral("l2"));
        QCOMPARE(l2.emulation.ab.delayUs, 7000u);
        QCOMPARE(l2.emulation.ab.lossPercent, 0.00012);      // not rounded to 0.000
        QCOMPARE(l2.emulation.ab.rateBitsPerSecond, std::uint64_t(1'234'567));
        QCOMPARE(l2.emulation.ab.queueBytes, 1601u);
        QCOMPARE(l2.emulation.ba, l2.emulation.ab);
        w.undoStack()->undo();
        QCOMPARE(w.document()->topology(), t);

        w.scene()->selectOnly(QStringLiteral("sw1"));
        auto *mirrors = child<MirrorTable>(w.properties(), "field.switch.mirrors");
        QCOMPARE(mirrors->mirrors(), t.nodes[0].sw.mirrors);
    }

    void trafficPanelShowsEmulationDrops()
    {
        TrafficPanel panel(nullptr);
        runtime::PortRateRow row;
        row.network = QStringLiteral("lan");
        row.port = 3;
        row.owner = QStringLiteral("alpha");
        panel.addRates({row}, 1000);
        QTreeWidget *list = panel.portList();
        QCOMPARE(list->topLevelItemCount(), 1);
        QCOMPARE(list->headerItem()->text(TrafficPanel::kDropsColumn), QStringLiteral("Emulation drops"));
        QCOMPARE(list->topLevelItem(0)->text(TrafficPanel::kDropsColumn), QStringLiteral("0"));
        row.totals.impairLoss = 4000;
        row.totals.linkDownDrops = 242;
        panel.addRates({row}, 1001);
        QCOMPARE(panel.emulationDrops(QStringLiteral("lan:3")), quint64(4242));
        QCOMPARE(list->topLevelItem(0)->text(TrafficPanel::kDropsColumn), QStringLiteral("4242"));
        QVERIFY(panel.chosenPorts().contains(QStringLiteral("lan:3")));  // the drops column is not the choice
        panel.setChosen(QStringLiteral("lan:3"), false);
        QVERIFY(!panel.chosenPorts().contains(QStringLiteral("lan:3")));
        panel.setEmulationDrops(QStringLiteral("nope:1"), 5);  // unknown port: ignored
        QCOMPARE(panel.emulationDrops(QStringLiteral("nope:1")), quint64(0));
    }
};

QTEST_MAIN(TestEmulation)
#include "test_emulation.moc"
