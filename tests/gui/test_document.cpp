// Unit tests of the editor's document, undo commands and connection planning: every edit
// goes through a command, undo restores exactly the previous topology, moves merge.
#include "editcommands.h"
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
        stack.push(new MoveNodesCommand(&doc, {{n.id, QPointF((i - 1) * 10, 0), QPointF(i * 10, 0)}}));
    QCOMPARE(stack.count(), 2);  // add + one merged move
    QCOMPARE(doc.topology().node(n.id)->position, QPointF(50, 0));
    stack.undo();
    QCOMPARE(doc.topology().node(n.id)->position, QPointF(0, 0));
    // A move of a different node does not merge.
    const model::Node m = makeNode(NodeKind::Guest, doc, QPointF(100, 0));
    stack.push(new AddNodeCommand(&doc, m));
    stack.push(new MoveNodesCommand(&doc, {{m.id, QPointF(100, 0), QPointF(120, 0)}}));
    stack.push(new MoveNodesCommand(&doc, {{n.id, QPointF(0, 0), QPointF(0, 40)}}));
    QCOMPARE(stack.count(), 4);
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

QTEST_MAIN(TestDocument)
#include "test_document.moc"
