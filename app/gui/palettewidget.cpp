// SPDX-License-Identifier: GPL-3.0-or-later
#include "palettewidget.h"

#include "nodekinds.h"
#include "topologyscene.h"

#include <QMimeData>

namespace netloom::gui {

PaletteWidget::PaletteWidget(QWidget *parent) : QListWidget(parent)
{
    setObjectName(QStringLiteral("palette"));
    setDragEnabled(true);
    setDragDropMode(QAbstractItemView::DragOnly);
    setDefaultDropAction(Qt::CopyAction);
    setIconSize(QSize(32, 32));
    setSelectionMode(QAbstractItemView::SingleSelection);
    for (NodeKind kind : allNodeKinds()) {
        auto *item = new QListWidgetItem(kindIcon(kind), kindLabel(kind), this);
        item->setData(Qt::UserRole, kindName(kind));
        item->setToolTip(kindDescription(kind));
    }
    connect(this, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        emit kindActivated(item->data(Qt::UserRole).toString());
    });
}

QListWidgetItem *PaletteWidget::entry(const QString &kind) const
{
    for (int i = 0; i < count(); ++i)
        if (item(i)->data(Qt::UserRole).toString() == kind)
            return item(i);
    return nullptr;
}

QStringList PaletteWidget::mimeTypes() const
{
    return {QString::fromLatin1(kKindMimeType)};
}

QMimeData *PaletteWidget::mimeData(const QList<QListWidgetItem *> &items) const
{
    if (items.isEmpty())
        return nullptr;
    auto *data = new QMimeData;
    data->setData(QString::fromLatin1(kKindMimeType), items.first()->data(Qt::UserRole).toString().toLatin1());
    return data;
}

}  // namespace netloom::gui
