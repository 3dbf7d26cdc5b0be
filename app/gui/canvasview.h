// SPDX-License-Identifier: GPL-3.0-or-later
// The canvas: a QGraphicsView over the TopologyScene with bounded zoom and fit.
#pragma once

#include <QGraphicsView>

namespace netloom::gui {

class CanvasView : public QGraphicsView {
    Q_OBJECT
public:
    static constexpr qreal kMinZoom = 0.05;
    static constexpr qreal kMaxZoom = 4.0;

    explicit CanvasView(QGraphicsScene *scene, QWidget *parent = nullptr);

    qreal zoom() const;
    // Multiplies the zoom by `factor`, clamped to [kMinZoom, kMaxZoom].
    void zoomBy(qreal factor);
    // Shows every item (or a default area for an empty scene), zoom at most 1.
    void fitAll();
    // Scene position at the centre of the viewport (where activated palette items go).
    QPointF visibleCenter() const;

protected:
    void wheelEvent(QWheelEvent *event) override;
};

}  // namespace netloom::gui
