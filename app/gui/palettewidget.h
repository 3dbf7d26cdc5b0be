// SPDX-License-Identifier: GPL-3.0-or-later
// The palette: one entry per node kind. Entries are dragged onto the canvas or activated
// (double-click / Enter), which adds the node at the centre of the visible canvas.
#pragma once

#include <QListWidget>

namespace netloom::gui {

class PaletteWidget : public QListWidget {
    Q_OBJECT
public:
    explicit PaletteWidget(QWidget *parent = nullptr);
    // The entry for kind name `kind` (nodekinds.h), or nullptr.
    QListWidgetItem *entry(const QString &kind) const;

signals:
    void kindActivated(const QString &kindName);

protected:
    QMimeData *mimeData(const QList<QListWidgetItem *> &items) const override;
    QStringList mimeTypes() const override;
    // Copy only: a drop must never remove the entry from the palette.
    Qt::DropActions supportedDropActions() const override { return Qt::CopyAction; }
};

}  // namespace netloom::gui
