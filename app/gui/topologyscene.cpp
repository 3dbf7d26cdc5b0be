// SPDX-License-Identifier: GPL-3.0-or-later
#include "topologyscene.h"

#include "nodekinds.h"
#include "topologydocument.h"

#include <QCoreApplication>
#include <QGraphicsSceneDragDropEvent>
#include <QGraphicsSceneMouseEvent>
#include <QMimeData>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <cmath>

namespace netloom::gui {

// --- NodeItem ----------------------------------------------------------------------------

NodeItem::NodeItem(const QString &id) : m_id(id)
{
    setFlags(ItemIsMovable | ItemIsSelectable | ItemSendsGeometryChanges);
    setZValue(1);
    setCacheMode(DeviceCoordinateCache);
}

void NodeItem::update(const model::Node &node)
{
    prepareGeometryChange();
    m_label = node.name;
    // One rendering per kind and size: 500 nodes must not mean 500 SVG rasterizations.
    static QHash<int, QPair<QPixmap, QPixmap>> cache;
    const int key = int(kindOf(node));
    auto it = cache.find(key);
    if (it == cache.end()) {
        const QIcon icon = kindIcon(kindOf(node));
        it = cache.insert(key, {icon.pixmap(QSize(int(kSize), int(kSize))),
                                icon.pixmap(QSize(int(kSize) * 2, int(kSize) * 2))});
    }
    m_icon = it->first;
    m_iconLarge = it->second;
    setToolTip(QStringLiteral("%1 (%2)").arg(node.name, kindLabel(kindOf(node))));
    QGraphicsObject::update();
}

void NodeItem::setModelPos(QPointF pos)
{
    m_fromModel = true;
    setPos(pos);
    m_fromModel = false;
}

void NodeItem::setIssueCounts(int errors, int warnings)
{
    if (errors == m_errors && warnings == m_warnings)
        return;
    m_errors = errors;
    m_warnings = warnings;
    QGraphicsObject::update();
}

QRectF NodeItem::boundingRect() const
{
    return QRectF(-60, -kSize / 2 - 10, 120, kSize + 34);
}

QPainterPath NodeItem::shape() const
{
    QPainterPath p;
    p.addRect(QRectF(-kSize / 2 - 4, -kSize / 2 - 4, kSize + 8, kSize + 24));
    return p;
}

void NodeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    const QRectF iconRect(-kSize / 2, -kSize / 2, kSize, kSize);
    if (option->state & QStyle::State_Selected) {
        painter->setPen(QPen(QColor(0x1e, 0x66, 0xd0), 2));
        painter->setBrush(QColor(0x1e, 0x66, 0xd0, 40));
        painter->drawRoundedRect(iconRect.adjusted(-4, -4, 4, 4), 6, 6);
    }
    // 1:1 at zoom <= 1 (cheap); zoomed in, the 2x rendering scaled smoothly stays sharp.
    if (option->levelOfDetailFromTransform(painter->worldTransform()) <= 1.0) {
        painter->drawPixmap(iconRect.topLeft(), m_icon);
    } else {
        painter->setRenderHint(QPainter::SmoothPixmapTransform);
        painter->drawPixmap(iconRect, m_iconLarge, QRectF(m_iconLarge.rect()));
    }
    painter->setPen(Qt::black);
    const QRectF textRect(-60, kSize / 2 + 2, 120, 20);
    painter->drawText(textRect, Qt::AlignHCenter | Qt::AlignTop,
                      painter->fontMetrics().elidedText(m_label, Qt::ElideRight, 118));
    if (m_run != RunColour::None) {
        painter->setPen(QPen(netloom::gui::runColour(m_run), 3));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(iconRect.adjusted(-6, -6, 6, 6), 8, 8);
    }
    if (m_errors + m_warnings > 0) {
        const QRectF badge(kSize / 2 - 10, -kSize / 2 - 8, 18, 18);
        painter->setPen(Qt::NoPen);
        painter->setBrush(m_errors ? QColor(0xd0, 0x30, 0x30) : QColor(0xe0, 0xa0, 0x10));
        painter->drawEllipse(badge);
        painter->setPen(Qt::white);
        painter->drawText(badge, Qt::AlignCenter, QString::number(m_errors ? m_errors : m_warnings));
    }
}

void NodeItem::setRunColour(RunColour c)
{
    if (c == m_run)
        return;
    m_run = c;
    QGraphicsObject::update();
}

QVariant NodeItem::itemChange(GraphicsItemChange change, const QVariant &value)
{
    auto *s = qobject_cast<TopologyScene *>(scene());
    if (change == ItemPositionChange && s && !m_fromModel) {
        QPointF p = s->snapped(value.toPointF());
        const qreal lim = model::limits::kMaxCoordinate;
        p.setX(std::clamp(p.x(), -lim, lim));
        p.setY(std::clamp(p.y(), -lim, lim));
        return p;
    }
    if (change == ItemPositionHasChanged && s && !m_fromModel)
        s->adjustLinksOf(m_id);  // model moves re-route their cables in the scene's handler
    return QGraphicsObject::itemChange(change, value);
}

// --- LinkItem ----------------------------------------------------------------------------

LinkItem::LinkItem(const QString &id, NodeItem *a, NodeItem *b) : m_id(id)
{
    setFlags(ItemIsSelectable);
    setZValue(0);
    setEnds(a, b);
}

void LinkItem::setEnds(NodeItem *a, NodeItem *b)
{
    m_a = a;
    m_b = b;
    adjust();
}

void LinkItem::setLabel(const QString &label)
{
    m_label = label;
    updateToolTip();
}

void LinkItem::updateToolTip()
{
    setToolTip(m_emulationTip.isEmpty() ? m_label : m_label + QLatin1Char('\n') + m_emulationTip);
}

QString LinkItem::emulationBadge(const model::LinkEmulation &e)
{
    const QString ab = protocol::summary(e.ab);
    if (e.ab == e.ba)
        return ab;
    const QString ba = protocol::summary(e.ba);
    QStringList parts;
    if (!ab.isEmpty())
        parts << QCoreApplication::translate("LinkItem", "a→b: %1").arg(ab);
    if (!ba.isEmpty())
        parts << QCoreApplication::translate("LinkItem", "b→a: %1").arg(ba);
    return parts.join(QStringLiteral(" / "));
}

void LinkItem::setEmulation(const model::LinkEmulation &e, const QString &nameA, const QString &nameB)
{
    const QString badge = emulationBadge(e);
    QStringList tip;
    if (!e.up)
        tip << QCoreApplication::translate("LinkItem", "Link down");
    if (!e.ab.isNone() || !e.ba.isNone()) {
        auto line = [](const QString &from, const QString &to, const protocol::Impairment &imp) {
            return QStringLiteral("%1 \u2192 %2: %3")
                .arg(from, to, imp.isNone() ? QCoreApplication::translate("LinkItem", "no impairment") : protocol::summary(imp));
        };
        tip << line(nameA, nameB, e.ab) << line(nameB, nameA, e.ba);
    }
    m_emulationTip = tip.join(QLatin1Char('\n'));
    updateToolTip();
    if (badge == m_badge && m_down == !e.up)
        return;
    prepareGeometryChange();
    m_badge = badge;
    m_down = !e.up;
    update();
}

QRectF LinkItem::badgeRect() const
{
    if (m_badge.isEmpty())
        return {};
    QFont f;
    f.setPointSizeF(f.pointSizeF() * 0.8);
    const QFontMetricsF fm(f);
    const QSizeF size(std::min<qreal>(fm.horizontalAdvance(m_badge), kMaxBadgeWidth) + 8, fm.height() + 2);
    // Just below the middle of the cable, clear of the live rate badge on the middle.
    const QPointF at = m_line.center() + QPointF(0, fm.height() + 4);
    return QRectF(at - QPointF(size.width() / 2, size.height() / 2), size);
}

void LinkItem::setHasErrors(bool errors)
{
    if (m_errors == errors)
        return;
    m_errors = errors;
    update();
}

void LinkItem::adjust()
{
    if (!m_a || !m_b)
        return;
    const QLineF line(m_a->pos(), m_b->pos());
    if (line == m_line)
        return;
    prepareGeometryChange();
    m_line = line;
}

QRectF LinkItem::boundingRect() const
{
    const qreal m = m_bps >= 0 ? 48 : 6;  // room for the rate badge
    const QRectF r = QRectF(m_line.p1(), m_line.p2()).normalized().adjusted(-m, -m, m, m);
    return m_badge.isEmpty() ? r : r.united(badgeRect().adjusted(-1, -1, 1, 1));
}

qreal LinkItem::trafficWidth(double bitsPerSec)
{
    if (bitsPerSec < 1000)
        return 2;
    return std::min<qreal>(9, 2 + 1.2 * (std::log10(bitsPerSec) - 3));
}

void LinkItem::setRun(RunColour c, double bitsPerSec)
{
    if (c == m_run && qFuzzyCompare(bitsPerSec + 2, m_bps + 2))
        return;
    if ((bitsPerSec >= 0) != (m_bps >= 0))
        prepareGeometryChange();
    m_run = c;
    m_bps = bitsPerSec;
    update();
}

QPainterPath LinkItem::shape() const
{
    QPainterPath path(m_line.p1());
    path.lineTo(m_line.p2());
    QPainterPathStroker stroker;
    stroker.setWidth(10);
    QPainterPath stroke = stroker.createStroke(path);
    if (!m_badge.isEmpty())
        stroke.addRect(badgeRect());  // the badge is part of the cable: click it, right-click it
    return stroke;
}

void LinkItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    QColor color = m_errors ? QColor(0xd0, 0x30, 0x30) : QColor(0x40, 0x48, 0x50);
    if (m_run != RunColour::None)
        color = netloom::gui::runColour(m_run);
    qreal width = m_run == RunColour::None ? 2 : trafficWidth(m_bps);
    if (option->state & QStyle::State_Selected) {
        color = QColor(0x1e, 0x66, 0xd0);
        width = std::max<qreal>(width, 3.5);
    }
    painter->setPen(QPen(color, width, m_down ? Qt::DashLine : Qt::SolidLine, Qt::RoundCap));
    painter->drawLine(m_line);
    if (!m_badge.isEmpty()) {
        const QRectF r = badgeRect();
        painter->save();
        QFont f = painter->font();
        f.setPointSizeF(QFont().pointSizeF() * 0.8);
        painter->setFont(f);
        painter->setPen(QPen(QColor(0xa0, 0x60, 0x00), 1));
        painter->setBrush(QColor(0xff, 0xf4, 0xd8));
        painter->drawRoundedRect(r, 4, 4);
        painter->setPen(Qt::black);
        painter->drawText(r, Qt::AlignCenter, painter->fontMetrics().elidedText(m_badge, Qt::ElideRight, int(kMaxBadgeWidth)));
        painter->restore();
    }
    if (m_run != RunColour::None && m_bps >= 1) {
        const QString text = m_bps >= 1e6   ? QStringLiteral("%1 Mbit/s").arg(m_bps / 1e6, 0, 'f', 1)
                             : m_bps >= 1e3 ? QStringLiteral("%1 kbit/s").arg(m_bps / 1e3, 0, 'f', 1)
                                            : QStringLiteral("%1 bit/s").arg(qRound(m_bps));
        QFont f = painter->font();
        f.setPointSizeF(f.pointSizeF() * 0.8);
        painter->setFont(f);
        const QRectF box = QRectF(0, 0, painter->fontMetrics().horizontalAdvance(text) + 8, painter->fontMetrics().height() + 2)
                               .translated(m_line.center() - QPointF(0, 0));
        const QRectF r = box.translated(-box.width() / 2, -box.height() / 2);
        painter->setPen(QPen(color, 1));
        painter->setBrush(Qt::white);
        painter->drawRoundedRect(r, 4, 4);
        painter->setPen(Qt::black);
        painter->drawText(r, Qt::AlignCenter, text);
    }
}

// --- TopologyScene -----------------------------------------------------------------------

TopologyScene::TopologyScene(TopologyDocument *doc, QObject *parent) : QGraphicsScene(parent), m_doc(doc)
{
    setItemIndexMethod(QGraphicsScene::NoIndex);
    connect(doc, &TopologyDocument::documentReset, this, &TopologyScene::rebuild);
    connect(doc, &TopologyDocument::nodeAdded, this, &TopologyScene::addNodeItem);
    connect(doc, &TopologyDocument::nodeRemoved, this, [this](const QString &id) {
        delete m_nodes.take(id);
    });
    connect(doc, &TopologyDocument::nodeChanged, this, &TopologyScene::refreshNode);
    connect(doc, &TopologyDocument::nodeMoved, this, [this](const QString &id) {
        if (NodeItem *item = m_nodes.value(id)) {
            if (const model::Node *n = m_doc->topology().node(id))
                item->setModelPos(n->position);
        }
        adjustLinksOf(id);
    });
    connect(doc, &TopologyDocument::linkAdded, this, &TopologyScene::addLinkItem);
    connect(doc, &TopologyDocument::linkRemoved, this, &TopologyScene::removeLinkItem);
    connect(doc, &TopologyDocument::linkChanged, this, &TopologyScene::refreshLink);
    rebuild();
}

void TopologyScene::setMode(Mode mode)
{
    m_mode = mode;
    for (NodeItem *item : std::as_const(m_nodes))
        item->setFlag(QGraphicsItem::ItemIsMovable, mode == Mode::Select);
}

QPointF TopologyScene::snapped(QPointF p) const
{
    if (!m_snap)
        return p;
    return QPointF(std::round(p.x() / kGrid) * kGrid, std::round(p.y() / kGrid) * kGrid);
}

QStringList TopologyScene::selectedNodeIds() const
{
    QStringList ids;
    for (QGraphicsItem *item : selectedItems())
        if (item->type() == NodeItem::kType)
            ids.append(static_cast<NodeItem *>(item)->nodeId());
    return ids;
}

QStringList TopologyScene::selectedLinkIds() const
{
    QStringList ids;
    for (QGraphicsItem *item : selectedItems())
        if (item->type() == LinkItem::kType)
            ids.append(static_cast<LinkItem *>(item)->linkId());
    return ids;
}

void TopologyScene::selectOnly(const QString &id)
{
    clearSelection();
    if (NodeItem *n = m_nodes.value(id))
        n->setSelected(true);
    else if (LinkItem *l = m_links.value(id))
        l->setSelected(true);
}

void TopologyScene::setIssues(const QList<model::Issue> &issues)
{
    QHash<QString, QPair<int, int>> counts;
    QSet<QString> badLinks;
    for (const model::Issue &issue : issues) {
        const bool error = issue.severity == model::Issue::Severity::Error;
        if (!issue.nodeId.isEmpty()) {
            auto &c = counts[issue.nodeId];
            (error ? c.first : c.second)++;
        }
        if (!issue.linkId.isEmpty() && error)
            badLinks.insert(issue.linkId);
    }
    for (auto it = m_nodes.cbegin(); it != m_nodes.cend(); ++it) {
        const auto c = counts.value(it.key());
        it.value()->setIssueCounts(c.first, c.second);
    }
    for (auto it = m_links.cbegin(); it != m_links.cend(); ++it)
        it.value()->setHasErrors(badLinks.contains(it.key()));
}

void TopologyScene::rebuild()
{
    clearSelection();
    for (LinkItem *item : std::as_const(m_links))
        delete item;
    for (NodeItem *item : std::as_const(m_nodes))
        delete item;
    m_links.clear();
    m_nodes.clear();
    // Straight from the lists, no lookups by id: opening 500 nodes stays linear.
    const model::Topology &t = m_doc->topology();
    m_nodes.reserve(t.nodes.size());
    m_links.reserve(t.links.size());
    for (const model::Node &n : t.nodes)
        createNodeItem(n);
    QHash<QString, const model::Node *> byId;
    byId.reserve(t.nodes.size());
    for (const model::Node &n : t.nodes)
        byId.insert(n.id, &n);
    auto end = [&byId](const model::Endpoint &e) {
        const model::Node *n = byId.value(e.node);
        const QString name = n ? n->name : e.node;
        return e.nic.isEmpty() ? name : name + QLatin1Char('.') + e.nic;
    };
    for (const model::Link &l : t.links) {
        if (m_links.contains(l.id))
            continue;
        auto *item = new LinkItem(l.id, m_nodes.value(l.a.node), m_nodes.value(l.b.node));
        item->setLabel(QStringLiteral("%1: %2 \u2194 %3").arg(l.id, end(l.a), end(l.b)));
        if (!l.emulation.isDefault()) {
            const model::Node *a = byId.value(l.a.node), *b = byId.value(l.b.node);
            item->setEmulation(l.emulation, a ? a->name : l.a.node, b ? b->name : l.b.node);
        }
        addItem(item);
        m_links.insert(l.id, item);
    }
}

void TopologyScene::addNodeItem(const QString &id)
{
    if (const model::Node *n = m_doc->topology().node(id))
        createNodeItem(*n);
}

void TopologyScene::createNodeItem(const model::Node &n)
{
    if (m_nodes.contains(n.id))
        return;
    auto *item = new NodeItem(n.id);
    item->update(n);
    item->setFlag(QGraphicsItem::ItemIsMovable, m_mode == Mode::Select);
    addItem(item);
    item->setModelPos(n.position);
    m_nodes.insert(n.id, item);
}

void TopologyScene::refreshNode(const QString &id)
{
    const model::Node *n = m_doc->topology().node(id);
    NodeItem *item = m_nodes.value(id);
    if (n && item)
        item->update(*n);
}

QString linkDisplayText(const model::Topology &t, const model::Link &l)
{
    auto end = [&t](const model::Endpoint &e) {
        const model::Node *n = t.node(e.node);
        const QString name = n ? n->name : e.node;
        return e.nic.isEmpty() ? name : name + QLatin1Char('.') + e.nic;
    };
    return QStringLiteral("%1: %2 \u2194 %3").arg(l.id, end(l.a), end(l.b));
}

void TopologyScene::addLinkItem(const QString &id)
{
    const model::Link *l = m_doc->topology().link(id);
    if (!l || m_links.contains(id))
        return;
    auto *item = new LinkItem(id, m_nodes.value(l->a.node), m_nodes.value(l->b.node));
    item->setLabel(linkDisplayText(m_doc->topology(), *l));
    showEmulation(item, *l);
    addItem(item);
    m_links.insert(id, item);
}

void TopologyScene::removeLinkItem(const QString &id)
{
    delete m_links.take(id);
}

void TopologyScene::refreshLink(const QString &id)
{
    const model::Link *l = m_doc->topology().link(id);
    LinkItem *item = m_links.value(id);
    if (!l || !item)
        return;
    item->setEnds(m_nodes.value(l->a.node), m_nodes.value(l->b.node));
    item->setLabel(linkDisplayText(m_doc->topology(), *l));
    showEmulation(item, *l);
}

void TopologyScene::showEmulation(LinkItem *item, const model::Link &l)
{
    const model::Node *a = m_doc->topology().node(l.a.node);
    const model::Node *b = m_doc->topology().node(l.b.node);
    item->setEmulation(l.emulation, a ? a->name : l.a.node, b ? b->name : l.b.node);
}

void TopologyScene::adjustLinksOf(const QString &nodeId)
{
    for (const model::Link *l : m_doc->topology().linksOf(nodeId))
        if (LinkItem *item = m_links.value(l->id))
            item->adjust();
}

NodeItem *TopologyScene::nodeAt(QPointF pos) const
{
    for (QGraphicsItem *item : items(pos))
        if (item->type() == NodeItem::kType)
            return static_cast<NodeItem *>(item);
    return nullptr;
}

void TopologyScene::mousePressEvent(QGraphicsSceneMouseEvent *event)
{
    ++m_gesture;  // every press starts a new gesture: moves merge only within one drag
    if (m_mode == Mode::Connect && event->button() == Qt::LeftButton) {
        if (NodeItem *from = nodeAt(event->scenePos())) {
            m_cableFrom = from->nodeId();
            m_rubberCable = addLine(QLineF(from->pos(), event->scenePos()),
                                    QPen(QColor(0x1e, 0x66, 0xd0), 2, Qt::DashLine));
            event->accept();
            return;
        }
    }
    QGraphicsScene::mousePressEvent(event);
}

void TopologyScene::mouseDoubleClickEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_mode != Mode::Connect && event->button() == Qt::LeftButton)
        if (NodeItem *node = nodeAt(event->scenePos())) {
            emit nodeActivated(node->nodeId());
            event->accept();
            return;
        }
    QGraphicsScene::mouseDoubleClickEvent(event);
}

void TopologyScene::mouseMoveEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_rubberCable) {
        m_rubberCable->setLine(QLineF(m_rubberCable->line().p1(), event->scenePos()));
        event->accept();
        return;
    }
    QGraphicsScene::mouseMoveEvent(event);
    if (m_mode == Mode::Select && (event->buttons() & Qt::LeftButton))
        reportMoves();  // the document follows the drag live (one merged undo step)
}

void TopologyScene::mouseReleaseEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_rubberCable) {
        delete m_rubberCable;
        m_rubberCable = nullptr;
        const QString from = std::exchange(m_cableFrom, QString());
        NodeItem *to = nodeAt(event->scenePos());
        if (to && to->nodeId() != from)
            emit connectRequested(from, to->nodeId());
        event->accept();
        return;
    }
    QGraphicsScene::mouseReleaseEvent(event);
    reportMoves();
}

void TopologyScene::reportMoves()
{
    // Only selected nodes move with the mouse; sorted so a gesture's commands line up.
    QList<MoveNodesCommand::Move> moves;
    for (const QString &id : selectedNodeIds()) {
        const model::Node *n = m_doc->topology().node(id);
        NodeItem *item = m_nodes.value(id);
        if (n && item && item->pos() != n->position)
            moves.append({id, n->position, item->pos()});
    }
    std::sort(moves.begin(), moves.end(), [](const auto &a, const auto &b) { return a.id < b.id; });
    if (!moves.isEmpty())
        emit nodesMoved(moves, m_gesture);
}

void TopologyScene::dragEnterEvent(QGraphicsSceneDragDropEvent *event)
{
    event->setDropAction(Qt::CopyAction);
    event->setAccepted(event->mimeData()->hasFormat(QString::fromLatin1(kKindMimeType)));
}

void TopologyScene::dragMoveEvent(QGraphicsSceneDragDropEvent *event)
{
    event->setDropAction(Qt::CopyAction);
    event->setAccepted(event->mimeData()->hasFormat(QString::fromLatin1(kKindMimeType)));
}

void TopologyScene::dropEvent(QGraphicsSceneDragDropEvent *event)
{
    const QByteArray payload = event->mimeData()->data(QString::fromLatin1(kKindMimeType));
    if (payload.isEmpty() || payload.size() > 64) {
        event->ignore();
        return;
    }
    event->setDropAction(Qt::CopyAction);  // never Move: the palette keeps its entry
    event->accept();
    emit kindDropped(QString::fromLatin1(payload), snapped(event->scenePos()));
}

void TopologyScene::drawBackground(QPainter *painter, const QRectF &rect)
{
    painter->fillRect(rect, QColor(0xfa, 0xfa, 0xf7));
    if (!m_snap)
        return;
    const qreal step = kGrid * 2;
    if (rect.width() / step > 400 || rect.height() / step > 400)
        return;  // zoomed far out: the dots would be noise and cost time
    painter->setPen(QPen(QColor(0xd8, 0xd8, 0xd0), 0));
    QList<QPointF> dots;
    for (qreal x = std::floor(rect.left() / step) * step; x < rect.right(); x += step)
        for (qreal y = std::floor(rect.top() / step) * step; y < rect.bottom(); y += step)
            dots.append(QPointF(x, y));
    painter->drawPoints(dots.constData(), int(dots.size()));
}

}  // namespace netloom::gui
