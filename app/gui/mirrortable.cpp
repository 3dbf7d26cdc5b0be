// SPDX-License-Identifier: GPL-3.0-or-later
#include "mirrortable.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace netloom::gui {

using model::MirrorConfig;

namespace {
constexpr MirrorConfig::Direction kDirections[] = {MirrorConfig::Direction::Rx, MirrorConfig::Direction::Tx,
                                                   MirrorConfig::Direction::Both};
}

MirrorTable::MirrorTable(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("field.switch.mirrors"));
    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("mirrorTable"));
    m_table->setHorizontalHeaderLabels({tr("Source cable"), tr("Target cable"), tr("Direction")});
    m_table->horizontalHeader()->setSectionResizeMode(Source, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(Target, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(Direction, QHeaderView::ResizeToContents);
    m_table->verticalHeader()->setVisible(false);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setMinimumHeight(110);
    m_table->setToolTip(tr("Copies the traffic of the source cable's port (received, sent or both) to the target cable's port"));
    m_add = new QPushButton(tr("Add"), this);
    m_add->setObjectName(QStringLiteral("mirrorAdd"));
    m_remove = new QPushButton(tr("Remove"), this);
    m_remove->setObjectName(QStringLiteral("mirrorRemove"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_add);
    buttons->addWidget(m_remove);
    buttons->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table);
    layout->addLayout(buttons);
    connect(m_add, &QPushButton::clicked, this, [this] { addRow(); });
    connect(m_remove, &QPushButton::clicked, this, [this] { removeRow(); });
    connect(m_table, &QTableWidget::currentCellChanged, this, &MirrorTable::updateButtons);
    updateButtons();
}

void MirrorTable::setCables(const QList<Cable> &cables)
{
    m_cables = cables;
}

QComboBox *MirrorTable::cableCombo(const QString &linkId)
{
    auto *combo = new QComboBox;
    for (const Cable &c : std::as_const(m_cables))
        combo->addItem(c.text, c.linkId);
    if (combo->findData(linkId) < 0)
        combo->addItem(linkId, linkId);  // not on offer: kept as it is
    combo->setCurrentIndex(combo->findData(linkId));
    combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    combo->setMinimumContentsLength(6);
    connect(combo, &QComboBox::activated, this, &MirrorTable::edited);
    return combo;
}

void MirrorTable::appendRow(const MirrorConfig &m)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    m_table->setCellWidget(row, Source, cableCombo(m.source));
    m_table->setCellWidget(row, Target, cableCombo(m.target));
    auto *dir = new QComboBox;
    dir->addItems({tr("rx"), tr("tx"), tr("both")});
    for (int i = 0; i < 3; ++i)
        if (kDirections[i] == m.direction)
            dir->setCurrentIndex(i);
    dir->setToolTip(tr("rx: frames the switch receives from the source; tx: frames it sends to it"));
    connect(dir, &QComboBox::activated, this, &MirrorTable::edited);
    m_table->setCellWidget(row, Direction, dir);
}

void MirrorTable::setMirrors(const QList<MirrorConfig> &mirrors)
{
    if (m_rowsCables == m_cables && mirrors == this->mirrors()) {
        updateButtons();
        return;
    }
    m_rowsCables = m_cables;
    const int current = m_table->currentRow();
    m_table->setRowCount(0);
    for (const MirrorConfig &m : mirrors.mid(0, model::limits::kMaxMirrors))
        appendRow(m);
    if (current >= 0 && current < m_table->rowCount())
        m_table->setCurrentCell(current, Source);
    updateButtons();
}

QList<MirrorConfig> MirrorTable::mirrors() const
{
    QList<MirrorConfig> out;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const auto *src = static_cast<QComboBox *>(m_table->cellWidget(row, Source));
        const auto *dst = static_cast<QComboBox *>(m_table->cellWidget(row, Target));
        const auto *dir = static_cast<QComboBox *>(m_table->cellWidget(row, Direction));
        MirrorConfig m;
        m.source = src->currentData().toString();
        m.target = dst->currentData().toString();
        m.direction = kDirections[std::clamp(dir->currentIndex(), 0, 2)];
        out.append(m);
    }
    return out;
}

bool MirrorTable::addRow()
{
    if (!m_add->isEnabled())
        return false;
    appendRow(MirrorConfig{m_cables[0].linkId, m_cables[1].linkId, MirrorConfig::Direction::Both});
    m_table->setCurrentCell(m_table->rowCount() - 1, Source);
    updateButtons();
    emit edited();
    return true;
}

bool MirrorTable::removeRow(int row)
{
    if (row < 0)
        row = m_table->currentRow();
    if (row < 0 || row >= m_table->rowCount())
        return false;
    m_table->removeRow(row);
    updateButtons();
    emit edited();
    return true;
}

void MirrorTable::updateButtons()
{
    m_add->setEnabled(m_cables.size() >= 2 && m_table->rowCount() < model::limits::kMaxMirrors);
    m_remove->setEnabled(m_table->currentRow() >= 0 && m_table->rowCount() > 0);
}

}  // namespace netloom::gui
