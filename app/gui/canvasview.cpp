// SPDX-License-Identifier: GPL-3.0-or-later
#include "canvasview.h"

#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace netloom::gui {

CanvasView::CanvasView(QGraphicsScene *scene, QWidget *parent) : QGraphicsView(scene, parent)
{
    setRenderHint(QPainter::Antialiasing);
    setDragMode(QGraphicsView::RubberBandDrag);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
    setAcceptDrops(true);
}

qreal CanvasView::zoom() const
{
    return transform().m11();
}

void CanvasView::zoomBy(qreal factor)
{
    const qreal target = std::clamp(zoom() * factor, kMinZoom, kMaxZoom);
    const qreal f = target / zoom();
    scale(f, f);
}

void CanvasView::fitAll()
{
    QRectF r = scene()->itemsBoundingRect();
    if (r.isEmpty())
        r = QRectF(-200, -150, 400, 300);
    fitInView(r.adjusted(-40, -40, 40, 40), Qt::KeepAspectRatio);
    if (zoom() > 1.0)
        zoomBy(1.0 / zoom());
    else if (zoom() < kMinZoom)
        zoomBy(kMinZoom / zoom());
    centerOn(r.center());
}

QPointF CanvasView::visibleCenter() const
{
    return mapToScene(viewport()->rect().center());
}

void CanvasView::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        const int steps = event->angleDelta().y() / 120;
        if (steps != 0)
            zoomBy(std::pow(1.2, std::clamp(steps, -5, 5)));
        event->accept();
        return;
    }
    QGraphicsView::wheelEvent(event);
}

}  // namespace netloom::gui
