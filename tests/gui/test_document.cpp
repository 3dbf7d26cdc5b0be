// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests of the editor's document, undo commands and connection planning: every edit
// goes through a command, undo restores exactly the previous topology, moves merge.
#include "editcommands.h"
#include "listsyntax.h"
#include "model/topologyjson.h"
#include "nodekinds.h"
#include "common/testutil.h"
#include "topologydocument.h"

#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>

using namespace netloom;
using namespace netloom::gui;

class TestDocument : public QObject {
    Q_OBJECT
private slots:
    void addRemoveUndoRestoresExactly();
    void movesMerge();
    void connectAddsNicWhenAllUsed();
    void connectRefusesSelfAndUnknown();
    void removeNodeTakesItsLinksAndUndoRestoresOrder();
    void mutatorsRefuseBadIds();
    void reservationsRoundTripAndErrors();
    void forwardsRoundTripAndErrors();
};

void TestDocument::addRemoveUndoRestoresExactly()
{
    auto demo = model::loadTopologyFile(test::sourcePath(QStringLiteral("examples/demo.json")));
    QVERIFY2(demo, qPrintable(demo ? QString() : demo.error().message));
    TopologyDocument doc;
    doc.reset(*demo, QString());
    QUndoStack stack;
    QSignalSpy added(&doc, &TopologyDocument::nodeAdded);
    const model::Node sw = makeNode(NodeKind::Bridge, doc, QPointF(10, 20));
    QCOMPARE(sw.type, model::NodeType::Switch);
    QCOMPARE(sw.sw.engine, model::SwitchConfig::Engine::Bridge);
    stack.push(new AddNodeCommand(&doc, sw));
    QCOMPARE(added.size(), 1);
    QCOMPARE(added.first().first().toString(), sw.id);
    QCOMPARE(doc.topology().nodes.size(), demo->nodes.size() + 1);
    stack.undo();
    QCOMPARE(doc.topology(), *demo);
    stack.redo();
    QCOMPARE(*doc.topology().node(sw.id), sw);
}

void TestDocument::movesMerge()
{
    TopologyDocument doc;
    QUndoStack stack;
    const model::Node n = makeNode(NodeKind::Guest, doc, QPointF(0, 0));
    stack.push(new AddNodeCommand(&doc, n));
    for (int i = 1; i <= 5; ++i)
        stack.push(new MoveNodesCommand(&doc, {{n.id, QPointF((i - 1) * 10, 0), QPointF(i * 10, 0)}}, 7));
    QCOMPARE(stack.count(), 2);  // add + one merged move (one gesture)
    QCOMPARE(doc.topology().node(n.id)->position, QPointF(50, 0));
    stack.undo();
    QCOMPARE(doc.topology().node(n.id)->position, QPointF(0, 0));
    stack.redo();
    // The next gesture is its own step, as are moves without a gesture.
    stack.push(new MoveNodesCommand(&doc, {{n.id, QPointF(50, 0), QPointF(60, 0)}}, 8));
    stack.push(new MoveNodesCommand(&doc, {{n.id, QPointF(60, 0), QPointF(70, 0)}}));
    stack.push(new MoveNodesCommand(&doc, {{n.id, QPointF(70, 0), QPointF(80, 0)}}));
    QCOMPARE(stack.count(), 5);
    // A move of a different node in the same gesture number does not merge either.
    const model::Node m = makeNode(NodeKind::Guest, doc, QPointF(100, 0));
    stack.push(new AddNodeCommand(&doc, m));
    stack.push(new MoveNodesCommand(&doc, {{m.id, QPointF(100, 0), QPointF(120, 0)}}, 9));
    stack.push(new MoveNodesCommand(&doc, {{n.id, QPointF(80, 0), QPointF(0, 40)}}, 9));
    QCOMPARE(stack.count(), 8);
}

void TestDocument::connectAddsNicWhenAllUsed()
{
    TopologyDocument doc;
    QUndoStack stack;
    const model::Node sw = makeNode(NodeKind::NetloomSwitch, doc, {});
    stack.push(new AddNodeCommand(&doc, sw));
    const model::Node g = makeNode(NodeKind::Guest, doc, {});
    stack.push(new AddNodeCommand(&doc, g));
    QCOMPARE(g.guest.nics.size(), 1);

    auto first = planConnection(doc, g.id, sw.id);
    QVERIFY(first);
    QVERIFY(!first->guestA);  // net0 is free
    QCOMPARE(first->link.a.nic, QStringLiteral("net0"));
    stack.push(new AddLinkCommand(&doc, first->link));

    auto second = planConnection(doc, sw.id, g.id);
    QVERIFY(second);
    QVERIFY(second->guestB);
    QCOMPARE(second->link.b.nic, QStringLiteral("net1"));
    QCOMPARE(second->guestB->second.guest.nics.size(), 2);
    QVERIFY(second->link.id != first->link.id);
}

void TestDocument::connectRefusesSelfAndUnknown()
{
    TopologyDocument doc;
    QUndoStack stack;
    const model::Node sw = makeNode(NodeKind::NetloomSwitch, doc, {});
    stack.push(new AddNodeCommand(&doc, sw));
    auto self = planConnection(doc, sw.id, sw.id);
    QVERIFY(!self);
    QVERIFY2(self.error().message.startsWith(QStringLiteral("failed to connect '")), qPrintable(self.error().message));
    auto unknown = planConnection(doc, sw.id, QStringLiteral("nope"));
    QVERIFY(!unknown);
    QVERIFY(unknown.error().message.contains(QStringLiteral("'nope'")));

    model::Node full = makeNode(NodeKind::Guest, doc, {});
    full.guest.nics.clear();
    for (int i = 0; i < model::limits::kMaxNicsPerGuest; ++i) {
        model::NicConfig nic;
        nic.id = QStringLiteral("n%1").arg(i);
        full.guest.nics.append(nic);
    }
    stack.push(new AddNodeCommand(&doc, full));
    for (int i = 0; i < model::limits::kMaxNicsPerGuest; ++i) {
        auto p = planConnection(doc, full.id, sw.id);
        QVERIFY(p);
        stack.push(new AddLinkCommand(&doc, p->link));
    }
    auto over = planConnection(doc, full.id, sw.id);
    QVERIFY(!over);
    QVERIFY(over.error().message.contains(QStringLiteral("maximum")));
}

void TestDocument::removeNodeTakesItsLinksAndUndoRestoresOrder()
{
    auto demo = model::loadTopologyFile(test::sourcePath(QStringLiteral("examples/demo.json")));
    QVERIFY(demo);
    TopologyDocument doc;
    doc.reset(*demo, QString());
    QUndoStack stack;
    stack.push(new RemoveItemsCommand(&doc, {QStringLiteral("lan")}, {}));
    QVERIFY(!doc.topology().node(QStringLiteral("lan")));
    QVERIFY(doc.topology().links.isEmpty());  // every demo cable ends at lan
    stack.undo();
    QCOMPARE(doc.topology(), *demo);
}

void TestDocument::mutatorsRefuseBadIds()
{
    TopologyDocument doc;
    model::Node n;
    QVERIFY(!doc.addNode(n));  // empty id
    n.id = QStringLiteral("a");
    QVERIFY(doc.addNode(n));
    QVERIFY(!doc.addNode(n));  // duplicate
    model::Link l;
    l.id = QStringLiteral("l");
    l.a.node = QStringLiteral("a");
    l.b.node = QStringLiteral("missing");
    QVERIFY(!doc.addLink(l));
    QVERIFY(!doc.moveNode(QStringLiteral("missing"), {}));
    l.b.node = QStringLiteral("a");
    QVERIFY(doc.addLink(l));
    QCOMPARE(doc.removeNode(QStringLiteral("a")), -1);  // still cabled
    QCOMPARE(doc.removeLink(QStringLiteral("l")), 0);
    QCOMPARE(doc.removeNode(QStringLiteral("a")), 0);
}

void TestDocument::reservationsRoundTripAndErrors()
{
    auto r = parseReservations(QStringLiteral("  52:54:00:12:34:56   10.0.2.50 web ;52:54:00:12:34:57 10.0.2.51;; "));
    QVERIFY(r);
    QCOMPARE(r->size(), 2);
    QCOMPARE(r->at(0), (model::DhcpReservation{QStringLiteral("52:54:00:12:34:56"), QStringLiteral("10.0.2.50"), QStringLiteral("web")}));
    QCOMPARE(r->at(1).hostname, QString());
    QCOMPARE(formatReservations(*r), QStringLiteral("52:54:00:12:34:56 10.0.2.50 web; 52:54:00:12:34:57 10.0.2.51"));
    QCOMPARE(*parseReservations(formatReservations(*r)), *r);
    QVERIFY(parseReservations(QString())->isEmpty());

    auto bad = parseReservations(QStringLiteral("52:54:00:12:34:56 10.0.2.50; lonely"));
    QVERIFY(!bad);
    QCOMPARE(bad.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(bad.error().message.contains(QStringLiteral("entry 2 'lonely'")), qPrintable(bad.error().message));
    QVERIFY(bad.error().message.startsWith(QStringLiteral("failed to parse 'DHCP reservations'")));

    QStringList many;
    for (int i = 0; i <= model::limits::kMaxListItems; ++i)
        many.append(QStringLiteral("m %1").arg(i));
    auto tooMany = parseReservations(many.join(QLatin1Char(';')));
    QVERIFY(!tooMany);
    QCOMPARE(tooMany.error().code, ErrorCode::LimitExceeded);
}

void TestDocument::forwardsRoundTripAndErrors()
{
    auto f = parseForwards(QStringLiteral("tcp:127.0.0.1:2222-:22; udp::5353-10.0.2.15:53  :0.0.0.0:8080-:80"));
    QVERIFY2(f, qPrintable(f ? QString() : f.error().message));
    QCOMPARE(f->size(), 3);
    QCOMPARE(f->at(0).hostAddress, QStringLiteral("127.0.0.1"));
    QCOMPARE(f->at(0).hostPort, 2222);
    QCOMPARE(f->at(0).guestAddress, QString());
    QCOMPARE(f->at(0).guestPort, 22);
    QCOMPARE(f->at(1).protocol, QStringLiteral("udp"));
    QCOMPARE(f->at(1).guestAddress, QStringLiteral("10.0.2.15"));
    QCOMPARE(f->at(2).protocol, QStringLiteral("tcp"));  // QEMU's default
    QCOMPARE(formatForwards(*f), QStringLiteral("tcp:127.0.0.1:2222-:22 udp::5353-10.0.2.15:53 tcp:0.0.0.0:8080-:80"));
    QCOMPARE(*parseForwards(formatForwards(*f)), *f);

    for (const char *bad : {"tcp:127.0.0.1:2222", "sctp::1-:2", "tcp::0-:22", "tcp::70000-:22", "tcp::22-:x",
                            "tcp:a:b:22-:22", "tcp::1-2-:3"}) {
        auto r = parseForwards(QString::fromLatin1(bad));
        QVERIFY2(!r, bad);
        QVERIFY2(r.error().message.startsWith(QStringLiteral("failed to parse 'port forwards': entry 1 '")),
                 qPrintable(r.error().message));
    }
}

QTEST_MAIN(TestDocument)
#include "test_document.moc"
