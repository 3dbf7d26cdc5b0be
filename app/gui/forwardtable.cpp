// SPDX-License-Identifier: GPL-3.0-or-later
#include "forwardtable.h"

#include <QColor>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace netloom::gui {

using model::PortForward;

namespace {
QString guestKey(const QString &guest, const QString &nic) { return guest + u'/' + nic; }
}  // namespace

ForwardTable::ForwardTable(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("field.hostPort.nat.forwards"));
    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("forwardTable"));
    m_table->setHorizontalHeaderLabels({tr("Protocol"), tr("Host address"), tr("Host port"), tr("Guest"), tr("Guest port"),
                                        tr("Description"), tr("State")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(Description, QHeaderView::Stretch);
    m_table->verticalHeader()->setVisible(false);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setMinimumHeight(110);
    m_table->setToolTip(tr("Connections to the host's port reach the guest's port (from other machines and from this host)"));
    m_add = new QPushButton(tr("Add"), this);
    m_add->setObjectName(QStringLiteral("forwardAdd"));
    m_remove = new QPushButton(tr("Remove"), this);
    m_remove->setObjectName(QStringLiteral("forwardRemove"));
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
    connect(m_table, &QTableWidget::currentCellChanged, this, &ForwardTable::updateButtons);
    updateButtons();
}

void ForwardTable::setGuests(const QList<GuestChoice> &guests)
{
    m_guests = guests;
}

void ForwardTable::appendRow(const PortForward &f)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    // Protocol and family in one choice: tcp, udp, tcp6, udp6 (index: udp bit 0, IPv6 bit 1).
    auto *proto = new QComboBox;
    proto->addItem(QStringLiteral("tcp"));
    proto->addItem(QStringLiteral("udp"));
    proto->addItem(QStringLiteral("tcp6"));
    proto->addItem(QStringLiteral("udp6"));
    proto->setItemData(2, tr("TCP over IPv6 (needs an IPv6 prefix on the gateway)"), Qt::ToolTipRole);
    proto->setItemData(3, tr("UDP over IPv6 (needs an IPv6 prefix on the gateway)"), Qt::ToolTipRole);
    proto->setCurrentIndex((f.protocol == PortForward::Protocol::Udp ? 1 : 0)
                           + (f.family == PortForward::Family::Ipv6 ? 2 : 0));
    connect(proto, &QComboBox::activated, this, &ForwardTable::edited);
    m_table->setCellWidget(row, Protocol, proto);

    const auto line = [this](const QString &text, const QString &placeholder) {
        auto *e = new QLineEdit(text);
        e->setPlaceholderText(placeholder);
        e->setFrame(false);
        connect(e, &QLineEdit::editingFinished, this, [this, e] {
            if (e->isModified()) {
                e->setModified(false);
                emit edited();
            }
        });
        return e;
    };
    const auto spin = [this](int value) {
        auto *s = new QSpinBox;
        s->setRange(1, 65535);
        s->setValue(std::clamp(value, 1, 65535));
        s->setFrame(false);
        s->setKeyboardTracking(false);  // one edited() per finished entry, not per key
        connect(s, &QSpinBox::valueChanged, this, &ForwardTable::edited);
        return s;
    };
    m_table->setCellWidget(row, HostAddress, line(f.hostAddress, tr("all")));
    m_table->setCellWidget(row, HostPort, spin(f.hostPort));

    auto *guest = new QComboBox;
    for (const GuestChoice &g : std::as_const(m_guests))
        guest->addItem(g.text, guestKey(g.guest, g.nic));
    QString key = guestKey(f.guest, f.nic);
    if (guest->findData(key) < 0 && f.nic.isEmpty()) {
        // A guest with one NIC on the network is offered without it; a forward naming that
        // NIC explicitly (or not) is the same choice.
        for (const GuestChoice &g : std::as_const(m_guests))
            if (g.guest == f.guest && g.nic.isEmpty())
                key = guestKey(g.guest, g.nic);
    }
    if (guest->findData(key) < 0)
        guest->addItem(f.nic.isEmpty() ? f.guest : f.guest + u'/' + f.nic, key);  // not on offer: kept
    guest->setCurrentIndex(guest->findData(key));
    guest->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    guest->setMinimumContentsLength(6);
    connect(guest, &QComboBox::activated, this, &ForwardTable::edited);
    m_table->setCellWidget(row, Guest, guest);
    m_table->setCellWidget(row, GuestPort, spin(f.guestPort));
    m_table->setCellWidget(row, Description, line(f.description, QString()));
    auto *state = new QTableWidgetItem;
    state->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    m_table->setItem(row, State, state);
    showState(row);
}

void ForwardTable::showState(int row)
{
    QTableWidgetItem *item = m_table->item(row, State);
    if (!item)
        return;
    const RowState s = m_states.value(row);
    item->setText(s.text);
    item->setToolTip(s.detail);
    item->setForeground(s.problem ? QBrush(QColor(0xb0, 0x40, 0x00)) : palette().brush(QPalette::Text));
}

void ForwardTable::setStates(const QList<RowState> &states)
{
    if (states == m_states)
        return;
    m_states = states;
    for (int row = 0; row < m_table->rowCount(); ++row)
        showState(row);
}

void ForwardTable::setForwards(const QList<PortForward> &forwards)
{
    if (m_rowsGuests == m_guests && forwards == this->forwards()) {
        updateButtons();
        return;
    }
    m_rowsGuests = m_guests;
    const int current = m_table->currentRow();
    m_table->setRowCount(0);
    for (const PortForward &f : forwards.mid(0, model::limits::kMaxPortForwards))
        appendRow(f);
    if (current >= 0 && current < m_table->rowCount())
        m_table->setCurrentCell(current, Protocol);
    updateButtons();
}

QList<PortForward> ForwardTable::forwards() const
{
    QList<PortForward> out;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        PortForward f;
        const auto *proto = static_cast<QComboBox *>(m_table->cellWidget(row, Protocol));
        f.protocol = (proto->currentIndex() & 1) ? PortForward::Protocol::Udp : PortForward::Protocol::Tcp;
        f.family = (proto->currentIndex() & 2) ? PortForward::Family::Ipv6 : PortForward::Family::Ipv4;
        f.hostAddress = static_cast<QLineEdit *>(m_table->cellWidget(row, HostAddress))->text().trimmed();
        f.hostPort = static_cast<QSpinBox *>(m_table->cellWidget(row, HostPort))->value();
        const QString key = static_cast<QComboBox *>(m_table->cellWidget(row, Guest))->currentData().toString();
        const qsizetype slash = key.lastIndexOf(u'/');
        f.guest = key.left(slash);
        f.nic = key.mid(slash + 1);
        f.guestPort = static_cast<QSpinBox *>(m_table->cellWidget(row, GuestPort))->value();
        f.description = static_cast<QLineEdit *>(m_table->cellWidget(row, Description))->text();
        out.append(f);
    }
    return out;
}

bool ForwardTable::addForward(const PortForward &forward)
{
    if (m_table->rowCount() >= model::limits::kMaxPortForwards)
        return false;
    appendRow(forward);
    m_table->setCurrentCell(m_table->rowCount() - 1, Protocol);
    updateButtons();
    emit edited();
    return true;
}

bool ForwardTable::addRow()
{
    if (!m_add->isEnabled())
        return false;
    PortForward f;
    f.hostPort = 8080;
    for (const PortForward &o : forwards())
        if (o.protocol == f.protocol && o.family == f.family && o.hostPort >= f.hostPort && o.hostPort < 65535)
            f.hostPort = o.hostPort + 1;
    f.guest = m_guests.first().guest;
    f.nic = m_guests.first().nic;
    f.guestPort = 80;
    return addForward(f);
}

bool ForwardTable::removeRow(int row)
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

void ForwardTable::updateButtons()
{
    m_add->setEnabled(!m_guests.isEmpty() && m_table->rowCount() < model::limits::kMaxPortForwards);
    m_remove->setEnabled(m_table->currentRow() >= 0 && m_table->rowCount() > 0);
}

}  // namespace netloom::gui
