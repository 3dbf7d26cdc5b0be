// SPDX-License-Identifier: GPL-3.0-or-later
// Port forwards in the editor (issue #14), driven as a user would on the offscreen platform:
// the NAT gateway's forwards table adds, edits and removes forwards (one undo step each, the
// table following undo), "Forward a Port to This Guest…" on a guest's canvas menu and on a
// lease row adds a forward to the guest's NAT gateway (undoable) and shows the gateway, and the
// action is disabled for a guest on no NAT network.
#include "forwardtable.h"
#include "leasespanel.h"
#include "mainwindow.h"
#include "propertiespanel.h"
#include "topologydocument.h"
#include "topologyscene.h"
#include "canvasview.h"

#include "common/testutil.h"
#include "model/topologyjson.h"

#include <QAction>
#include <QComboBox>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>
#include <QUndoStack>

#include <memory>

using namespace netloom;
using namespace netloom::gui;

namespace {

// examples/j-port-forwards.json: gw (NAT) on lan with web (52:54:00:6a:00:01) and shell
// (...:02); forwards tcp 8080 -> web:80, tcp 2222 -> shell:22.
model::Topology example()
{
    Result<model::Topology> t = model::loadTopologyFile(test::sourcePath(QStringLiteral("examples/j-port-forwards.json")));
    if (!t)
        qFatal("cannot load j-port-forwards.json: %s", qPrintable(t.error().message));
    return *t;
}

template <typename T>
T *child(QObject *parent, const char *name)
{
    T *w = parent->findChild<T *>(QLatin1String(name));
    if (!w)
        qFatal("no child %s", name);
    return w;
}

void typeNumber(QAbstractSpinBox *spin, const QString &text)
{
    spin->setFocus();
    spin->selectAll();
    QTest::keyClick(spin, Qt::Key_Backspace);
    QTest::keyClicks(spin, text);
    QTest::keyClick(spin, Qt::Key_Return);
}

const QList<model::PortForward> &forwardsOf(MainWindow &w)
{
    return w.document()->topology().node(QStringLiteral("gw"))->hostPort.nat.forwards;
}

QAction *forwardAction(QMenu *menu)
{
    for (QAction *a : menu->actions())
        if (a->objectName() == QLatin1String("forwardPortAction"))
            return a;
    return nullptr;
}

}  // namespace

class TestForwards : public QObject {
    Q_OBJECT
private slots:
    void tableEditsAndUndoes()
    {
        MainWindow w;
        w.setAsker([](auto &&...) { return QMessageBox::Discard; });
        w.document()->reset(example(), QString());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.scene()->selectOnly(QStringLiteral("gw"));
        auto *forwards = child<ForwardTable>(w.properties(), "field.hostPort.nat.forwards");
        QTableWidget *table = forwards->table();
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(static_cast<QSpinBox *>(table->cellWidget(0, ForwardTable::HostPort))->value(), 8080);
        QCOMPARE(static_cast<QComboBox *>(table->cellWidget(1, ForwardTable::Guest))->currentText(), QStringLiteral("shell"));

        // Add: the first free host port from 8080, the first guest, port 80.
        QTest::mouseClick(child<QPushButton>(forwards, "forwardAdd"), Qt::LeftButton);
        QCOMPARE(forwardsOf(w).size(), 3);
        QCOMPARE(forwardsOf(w)[2].hostPort, 8081);
        QCOMPARE(forwardsOf(w)[2].guest, QStringLiteral("web"));
        QCOMPARE(forwardsOf(w)[2].guestPort, 80);

        // Edit: host port, then guest (each one undo step).
        table = forwards->table();
        typeNumber(static_cast<QSpinBox *>(table->cellWidget(2, ForwardTable::HostPort)), QStringLiteral("9000"));
        QCOMPARE(forwardsOf(w)[2].hostPort, 9000);
        auto *guest = static_cast<QComboBox *>(forwards->table()->cellWidget(2, ForwardTable::Guest));
        guest->setCurrentIndex(guest->findText(QStringLiteral("shell")));
        emit guest->activated(guest->currentIndex());
        QCOMPARE(forwardsOf(w)[2].guest, QStringLiteral("shell"));
        QVERIFY(w.properties()->messagesText().isEmpty() || !w.properties()->messagesText().contains(QStringLiteral("forward")));

        // A duplicate host port is refused by the validator, naming gateway, forward and field.
        typeNumber(static_cast<QSpinBox *>(forwards->table()->cellWidget(2, ForwardTable::HostPort)), QStringLiteral("8080"));
        QTRY_VERIFY2(w.properties()->messagesText().contains(QStringLiteral("gateway 'gw', forward 2: host port 8080/tcp")),
                     qPrintable(w.properties()->messagesText()));

        // Undo: the port back to 9000, the guest back to web, then no third forward; the table follows.
        w.undoStack()->undo();
        QCOMPARE(forwardsOf(w)[2].hostPort, 9000);
        w.undoStack()->undo();
        QCOMPARE(forwardsOf(w)[2].guest, QStringLiteral("web"));
        QCOMPARE(static_cast<QComboBox *>(forwards->table()->cellWidget(2, ForwardTable::Guest))->currentText(), QStringLiteral("web"));
        w.undoStack()->undo();
        w.undoStack()->undo();
        QCOMPARE(forwardsOf(w).size(), 2);
        QCOMPARE(forwards->table()->rowCount(), 2);

        // Remove the current row.
        forwards->table()->setCurrentCell(1, ForwardTable::Protocol);
        QTest::mouseClick(child<QPushButton>(forwards, "forwardRemove"), Qt::LeftButton);
        QCOMPARE(forwardsOf(w).size(), 1);
        QCOMPARE(forwardsOf(w)[0].hostPort, 8080);
        w.undoStack()->undo();
        QCOMPARE(forwardsOf(w).size(), 2);
    }

    void forwardFromGuestMenuAndLeaseRow()
    {
        MainWindow w;
        w.setAsker([](auto &&...) { return QMessageBox::Discard; });
        w.document()->reset(example(), QString());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const QPoint shellAt = w.view()->mapFromScene(w.document()->topology().node(QStringLiteral("shell"))->position);
        std::unique_ptr<QMenu> menu(w.createCanvasMenu(shellAt));
        QAction *fwd = forwardAction(menu.get());
        QVERIFY(fwd);
        QVERIFY(fwd->isEnabled());
        fwd->trigger();
        QCOMPARE(forwardsOf(w).size(), 3);
        QCOMPARE(forwardsOf(w)[2].guest, QStringLiteral("shell"));
        QCOMPARE(forwardsOf(w)[2].hostPort, 8081);
        QCOMPARE(w.properties()->currentId(), QStringLiteral("gw"));
        QCOMPARE(child<ForwardTable>(w.properties(), "field.hostPort.nat.forwards")->table()->rowCount(), 3);
        w.undoStack()->undo();
        QCOMPARE(forwardsOf(w).size(), 2);

        // A lease row of web's NIC: the same, through the leases panel.
        leases::LeaseTable table;
        leases::LeaseEntry e;
        e.mac = *protocol::Mac::parse(QStringLiteral("52:54:00:6a:00:01"));
        e.ip = *protocol::Ipv4::parse(QStringLiteral("10.0.2.10"));
        e.state = leases::LeaseState::Bound;
        e.guest = QStringLiteral("web");
        table.entries = {e};
        w.leasesPanel()->model()->setTables({table});
        QVERIFY(w.leasesPanel()->forwardPort(0));
        QCOMPARE(forwardsOf(w).size(), 3);
        QCOMPARE(forwardsOf(w)[2].guest, QStringLiteral("web"));
        QCOMPARE(forwardsOf(w)[2].hostPort, 8081);

        // A guest on no NAT network: the action is disabled, and refused with the reason.
        model::Topology noNat = example();
        model::Node *gw = noNat.node(QStringLiteral("gw"));
        gw->hostPort.nat = model::NatConfig{};
        w.document()->reset(noNat, QString());
        menu.reset(w.createCanvasMenu(shellAt));
        QVERIFY(forwardAction(menu.get()));
        QVERIFY(!forwardAction(menu.get())->isEnabled());
        QVERIFY(!w.forwardPortTo(QStringLiteral("shell"), QString()));
    }

    void ipv6Forwards()
    {
        MainWindow w;
        w.setAsker([](auto &&...) { return QMessageBox::Discard; });
        model::Topology t = example();
        t.node(QStringLiteral("gw"))->hostPort.ipv6.address = QStringLiteral("fd42:1::1/64");
        w.document()->reset(t, QString());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        // "Forward a Port to This Guest" on a dual-stack gateway: IPv4 and IPv6, one undo step.
        QVERIFY(w.forwardPortTo(QStringLiteral("shell"), QString()));
        QCOMPARE(forwardsOf(w).size(), 4);
        QCOMPARE(forwardsOf(w)[2].family, model::PortForward::Family::Ipv4);
        QCOMPARE(forwardsOf(w)[3].family, model::PortForward::Family::Ipv6);
        QCOMPARE(forwardsOf(w)[3].hostPort, forwardsOf(w)[2].hostPort);
        QCOMPARE(forwardsOf(w)[3].guest, QStringLiteral("shell"));
        auto *forwards = child<ForwardTable>(w.properties(), "field.hostPort.nat.forwards");
        auto *proto = static_cast<QComboBox *>(forwards->table()->cellWidget(3, ForwardTable::Protocol));
        QCOMPARE(proto->currentText(), QStringLiteral("tcp6"));
        QTRY_VERIFY2(!w.properties()->messagesText().contains(QStringLiteral("forward")), qPrintable(w.properties()->messagesText()));
        w.undoStack()->undo();
        QCOMPARE(forwardsOf(w).size(), 2);

        // The protocol choice sets the family: udp6 on row 0 is an IPv6 UDP forward.
        proto = static_cast<QComboBox *>(forwards->table()->cellWidget(0, ForwardTable::Protocol));
        proto->setCurrentIndex(proto->findText(QStringLiteral("udp6")));
        emit proto->activated(proto->currentIndex());
        QCOMPARE(forwardsOf(w)[0].family, model::PortForward::Family::Ipv6);
        QCOMPARE(forwardsOf(w)[0].protocol, model::PortForward::Protocol::Udp);
        // Without the prefix the validator names the problem.
        model::Node gw = *w.document()->topology().node(QStringLiteral("gw"));
        gw.hostPort.ipv6 = {};
        model::Topology noV6 = w.document()->topology();
        *noV6.node(QStringLiteral("gw")) = gw;
        w.document()->reset(noV6, QString());
        w.scene()->selectOnly(QStringLiteral("gw"));
        QTRY_VERIFY2(w.properties()->messagesText().contains(QStringLiteral("an IPv6 forward needs an IPv6 prefix on the gateway")),
                     qPrintable(w.properties()->messagesText()));
    }

    void stateColumnFollowsTheSource()
    {
        MainWindow w;
        w.setAsker([](auto &&...) { return QMessageBox::Discard; });
        w.document()->reset(example(), QString());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        // Nothing runs: the column is empty.
        w.scene()->selectOnly(QStringLiteral("gw"));
        auto *forwards = child<ForwardTable>(w.properties(), "field.hostPort.nat.forwards");
        QCOMPARE(forwards->table()->rowCount(), 2);
        QCOMPARE(forwards->table()->item(0, ForwardTable::State)->text(), QString());
        // A run's answer (what the main window's source reads off the runtime) shows per row.
        QString gatewaySeen;
        w.properties()->setForwardStatusSource([&gatewaySeen](const model::Node &gw) {
            gatewaySeen = gw.id;
            return QList<ForwardTable::RowState>{{QStringLiteral("applied \u2192 10.0.2.15"), QStringLiteral("reach"), false},
                                                 {QStringLiteral("refused"), QStringLiteral("port 8081/tcp is in use by sshd (pid 1)"), true}};
        });
        w.properties()->refreshForwardStates();
        QCOMPARE(gatewaySeen, QStringLiteral("gw"));
        QCOMPARE(forwards->table()->item(0, ForwardTable::State)->text(), QStringLiteral("applied \u2192 10.0.2.15"));
        QCOMPARE(forwards->table()->item(1, ForwardTable::State)->text(), QStringLiteral("refused"));
        QCOMPARE(forwards->table()->item(1, ForwardTable::State)->toolTip(), QStringLiteral("port 8081/tcp is in use by sshd (pid 1)"));
        QVERIFY(!(forwards->table()->item(1, ForwardTable::State)->flags() & Qt::ItemIsEditable));
        // After an edit the rows are rebuilt and ask the source again.
        QTest::mouseClick(child<QPushButton>(forwards, "forwardAdd"), Qt::LeftButton);
        forwards = child<ForwardTable>(w.properties(), "field.hostPort.nat.forwards");
        QCOMPARE(forwards->table()->rowCount(), 3);
        QCOMPARE(forwards->table()->item(1, ForwardTable::State)->text(), QStringLiteral("refused"));
        QCOMPARE(forwards->table()->item(2, ForwardTable::State)->text(), QString());
    }
};

QTEST_MAIN(TestForwards)
#include "test_forwards.moc"
