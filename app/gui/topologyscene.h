// SPDX-License-Identifier: GPL-3.0-or-later
// The canvas scene: one item per node and per cable, following the document.
//
// Design note. The scene never edits the document. It mirrors it through the document's
// signals (items are looked up by id) and reports user gestures as signals carrying ids:
// nodesMoved() when a drag ends, connectRequested() when a cable is drawn from one node
// to another in connect mode. The owner turns those into undo commands; the document's
// signals then update the items. Validation results arrive through setIssues() and show
// as badges on nodes and a red pen on cables. A cable's network emulation (issue #13) shows
// as a badge below its middle and a dashed line while it is down, both from the model.
#pragma once

#include "editcommands.h"
#include "model/validator.h"
#include "runcolour.h"

#include <QGraphicsObject>
#include <QGraphicsScene>
#include <QHash>
#include <QPointer>

namespace netloom::gui {

class TopologyDocument;
class LinkItem;

// One node on the canvas.
class NodeItem : public QGraphicsObject {
    Q_OBJECT
public:
    static constexpr int kType = UserType + 1;
    static constexpr qreal kSize = 48;

    explicit NodeItem(const QString &id);
    int type() const override { return kType; }
    QString nodeId() const { return m_id; }

    // Refreshes label, icon and tooltip from `node`.
    void update(const model::Node &node);
    // Places the item at the model's position exactly (no snapping).
    void setModelPos(QPointF pos);
    // Sets the badge counts (0/0 hides the badge).
    void setIssueCounts(int errors, int warnings);
    int errorCount() const { return m_errors; }
    int warningCount() const { return m_warnings; }
    // Shows the node's run state as a coloured ring (None: the editor look).
    void setRunColour(RunColour c);
    RunColour runColour() const { return m_run; }

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant &value) override;

private:
    QString m_id;
    QString m_label;
    QPixmap m_icon;       // kSize x kSize
    QPixmap m_iconLarge;  // 2 kSize, for zoom > 1
    int m_errors = 0;
    int m_warnings = 0;
    bool m_fromModel = false;
    RunColour m_run = RunColour::None;
};

// One cable between two nodes.
class LinkItem : public QGraphicsItem {
public:
    static constexpr int kType = UserType + 2;
    static constexpr qreal kMaxBadgeWidth = 260;  // longer badges are elided (the tooltip has all)
    LinkItem(const QString &id, NodeItem *a, NodeItem *b);
    int type() const override { return kType; }
    QString linkId() const { return m_id; }
    void setEnds(NodeItem *a, NodeItem *b);
    void setLabel(const QString &label);
    void setHasErrors(bool errors);
    bool hasErrors() const { return m_errors; }
    // Live state: the colour of the run (None: editor look) and the cable's traffic in
    // bits/s (< 0: unknown), shown as thickness and a rate badge.
    void setRun(RunColour c, double bitsPerSec);
    RunColour runColour() const { return m_run; }
    double bitsPerSec() const { return m_bps; }
    // Pen width for `bitsPerSec`: 2 idle, growing with log10 of the rate up to 9. Pure.
    static qreal trafficWidth(double bitsPerSec);
    // Shows the link's network emulation: a badge near the middle (emulationBadge) and a
    // dashed line while the link is down; the tooltip lists both directions.
    void setEmulation(const model::LinkEmulation &e, const QString &nameA, const QString &nameB);
    QString badgeText() const { return m_badge; }
    bool isDown() const { return m_down; }
    // The badge text of `e`: protocol::summary() when both directions are equal, else
    // "a→b: … / b→a: …" (an unimpaired direction left out); "" with no impairment. Pure.
    static QString emulationBadge(const model::LinkEmulation &e);
    // Re-reads the end positions (call after a node moved).
    void adjust();

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    void updateToolTip();
    QRectF badgeRect() const;  // item coordinates; empty without a badge

    QString m_id;
    QString m_label;
    QString m_badge;
    QString m_emulationTip;
    bool m_down = false;
    QPointer<NodeItem> m_a, m_b;
    QLineF m_line;
    bool m_errors = false;
    RunColour m_run = RunColour::None;
    double m_bps = -1;
};

// How the canvas (and the lists that name cables, e.g. the mirror table) shows a link:
// "<id>: <end a> ↔ <end b>", an end being the node's name and, for guests, ".<nic>".
QString linkDisplayText(const model::Topology &t, const model::Link &l);

class TopologyScene : public QGraphicsScene {
    Q_OBJECT
public:
    enum class Mode { Select, Connect };
    static constexpr qreal kGrid = 20;

    explicit TopologyScene(TopologyDocument *doc, QObject *parent = nullptr);

    Mode mode() const { return m_mode; }
    void setMode(Mode mode);
    bool snapToGrid() const { return m_snap; }
    void setSnapToGrid(bool snap) { m_snap = snap; }
    // `p` rounded to the grid if snapping is on.
    QPointF snapped(QPointF p) const;

    NodeItem *nodeItem(const QString &id) const { return m_nodes.value(id); }
    LinkItem *linkItem(const QString &id) const { return m_links.value(id); }
    QStringList selectedNodeIds() const;
    QStringList selectedLinkIds() const;
    // Selects exactly the node or link with `id`.
    void selectOnly(const QString &id);

    // Re-routes the cables of node `nodeId` (after its item moved).
    void adjustLinksOf(const QString &nodeId);

    // Shows validation results: badges on nodes, red cables.
    void setIssues(const QList<model::Issue> &issues);

signals:
    // Nodes were dragged to new positions (during and at the end of a drag); `gesture`
    // numbers the mouse press the drag started with.
    void nodesMoved(const QList<netloom::gui::MoveNodesCommand::Move> &moves, int gesture);
    // In connect mode, a cable was drawn from node `fromId` to node `toId`.
    void connectRequested(const QString &fromId, const QString &toId);
    // Kind name dropped from the palette at scene position `pos`.
    void kindDropped(const QString &kindName, QPointF pos);
    // A node was double-clicked (outside connect mode): e.g. open a running guest's console.
    void nodeActivated(const QString &nodeId);

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseDoubleClickEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseMoveEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent *event) override;
    void dragEnterEvent(QGraphicsSceneDragDropEvent *event) override;
    void dragMoveEvent(QGraphicsSceneDragDropEvent *event) override;
    void dropEvent(QGraphicsSceneDragDropEvent *event) override;
    void drawBackground(QPainter *painter, const QRectF &rect) override;

private:
    void rebuild();
    void addNodeItem(const QString &id);
    void createNodeItem(const model::Node &node);
    void addLinkItem(const QString &id);
    void removeLinkItem(const QString &id);
    void refreshNode(const QString &id);
    void refreshLink(const QString &id);
    void showEmulation(LinkItem *item, const model::Link &l);
    NodeItem *nodeAt(QPointF pos) const;
    void reportMoves();

    TopologyDocument *m_doc;
    QHash<QString, NodeItem *> m_nodes;
    QHash<QString, LinkItem *> m_links;
    Mode m_mode = Mode::Select;
    bool m_snap = true;
    QGraphicsLineItem *m_rubberCable = nullptr;
    QString m_cableFrom;
    int m_gesture = 0;
};

// MIME type of palette drags; the payload is the kind name (nodekinds.h).
inline constexpr const char *kKindMimeType = "application/x-netloom-node-kind";

}  // namespace netloom::gui
