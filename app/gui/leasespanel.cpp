// SPDX-License-Identifier: GPL-3.0-or-later
#include "leasespanel.h"

#include "editcommands.h"
#include "forwardaction.h"
#include "runcontroller.h"
#include "topologydocument.h"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTimer>
#include <QUndoStack>
#include <QVBoxLayout>

namespace netloom::gui {

QString formatExpiresIn(qint64 expiresAtMs, qint64 nowMs)
{
    if (expiresAtMs == 0)
        return LeaseListModel::tr("never");
    const qint64 s = (expiresAtMs - nowMs) / 1000;
    if (s <= 0)
        return LeaseListModel::tr("expired");
    if (s < 3600)
        return QStringLiteral("%1m %2s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    if (s < 86400)
        return QStringLiteral("%1h %2m").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1d %2h").arg(s / 86400).arg((s % 86400) / 3600);
}

QString dhcpHostPortFor(const model::Topology &topology, const QString &network)
{
    const model::Node *sw = nullptr;
    for (const model::Node &n : topology.nodes)
        if (n.type == model::NodeType::Switch && n.name == network)
            sw = &n;
    if (!sw)
        return {};
    for (const model::Link &l : topology.links) {
        QString other;
        if (l.a.node == sw->id)
            other = l.b.node;
        else if (l.b.node == sw->id)
            other = l.a.node;
        const model::Node *n = other.isEmpty() ? nullptr : topology.node(other);
        if (n && n->type == model::NodeType::HostPort && n->hostPort.dhcp.enabled)
            return n->id;
    }
    return {};
}

// --- LeaseListModel ----------------------------------------------------------------------

void LeaseListModel::setTables(const QList<leases::LeaseTable> &tables)
{
    beginResetModel();
    m_rows.clear();
    for (const leases::LeaseTable &t : tables)
        for (const leases::LeaseEntry &e : t.entries)
            if (m_rows.size() < kMaxRows)
                m_rows.append(Row{t.config.network, e});
    endResetModel();
}

void LeaseListModel::setNow(qint64 nowMs)
{
    m_now = nowMs;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, ExpiresIn), index(int(m_rows.size()) - 1, ExpiresIn));
}

QVariant LeaseListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &r = m_rows[index.row()];
    const leases::LeaseEntry &e = r.entry;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Mac: return e.mac.toString();
        case Ip: return e.ip.value ? e.ip.toString() : QString();
        case Ipv6: {
            QStringList v6;
            for (const QHostAddress &a : e.ipv6)
                v6.append(a.toString());
            return v6.join(QStringLiteral(", "));
        }
        case Hostname: return e.hostname;
        case Guest: return e.nic.isEmpty() || e.guest.isEmpty() ? e.guest : QStringLiteral("%1/%2").arg(e.guest, e.nic);
        case NetworkPort: return e.port.isEmpty() ? r.network : QStringLiteral("%1 / %2").arg(r.network, e.port);
        case State: {
            QString s = QString::fromLatin1(leases::leaseStateName(e.state));
            if (e.conflict)
                s += tr(" (conflict)");
            if (e.fromRogueServer)
                s += tr(" (foreign server)");
            return s;
        }
        // The gateway holds no lease: nothing expires.
        case ExpiresIn: return e.isLive() && e.state != leases::LeaseState::Gateway ? formatExpiresIn(e.expiresAtMs, m_now) : QString();
        case Source: return QString::fromLatin1(leases::leaseSourceName(e.source));
        }
    }
    if (role == Qt::UserRole) {  // sort keys
        switch (index.column()) {
        case Ip: return qulonglong(e.ip.value);
        case ExpiresIn: return e.expiresAtMs ? e.expiresAtMs : std::numeric_limits<qint64>::max();
        default: return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::ToolTipRole && index.column() == Ipv6 && !e.ipv6.isEmpty())
        return tr("IPv6 addresses from neighbor discovery and DHCPv6 leases, newest last");
    if (role == Qt::ToolTipRole && (e.conflict || e.fromRogueServer))
        return tr("Another client or DHCP server claims this address");
    if (role == Qt::ToolTipRole && e.state == leases::LeaseState::Gateway)
        return tr("The network's gateway: the host's own address on this network, not a lease");
    return {};
}

QVariant LeaseListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Mac: return tr("MAC");
    case Ip: return tr("IP");
    case Ipv6: return tr("IPv6");
    case Hostname: return tr("Hostname");
    case Guest: return tr("Guest");
    case NetworkPort: return tr("Network / port");
    case State: return tr("State");
    case ExpiresIn: return tr("Expires in");
    case Source: return tr("Source");
    }
    return {};
}

// --- LeasesPanel -------------------------------------------------------------------------

LeasesPanel::LeasesPanel(RunController *run, TopologyDocument *doc, QUndoStack *undo, QWidget *parent)
    : QWidget(parent), m_run(run), m_doc(doc), m_undo(undo)
{
    m_model = new LeaseListModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(Qt::UserRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("leaseFilter"));
    m_filter->setPlaceholderText(tr("Filter by MAC, IP, hostname, guest\u2026"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("leaseTable"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(LeaseListModel::Ip, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, &LeasesPanel::showMenu);
    auto *lay = new QVBoxLayout(this);
    lay->setContentsMargins(2, 2, 2, 2);
    lay->addWidget(m_filter);
    lay->addWidget(m_view);

    connect(m_run, &RunController::leasesChanged, this, &LeasesPanel::refresh);
    connect(m_run, &RunController::runStateChanged, this, &LeasesPanel::refresh);
    auto *tick = new QTimer(this);
    tick->setInterval(1000);
    connect(tick, &QTimer::timeout, this, [this] { m_model->setNow(QDateTime::currentMSecsSinceEpoch()); });
    tick->start();
}

void LeasesPanel::refresh()
{
    m_model->setNow(QDateTime::currentMSecsSinceEpoch());
    m_model->setTables(m_run->runtime() ? m_run->runtime()->leaseTables() : QList<leases::LeaseTable>());
    m_view->resizeColumnsToContents();
}

int LeasesPanel::currentRow() const
{
    const QModelIndex i = m_view->currentIndex();
    return i.isValid() ? m_proxy->mapToSource(i).row() : -1;
}

void LeasesPanel::copyIp(int row)
{
    const LeaseListModel::Row *r = m_model->row(row);
    if (!r || !r->entry.ip.value)
        return;
    QApplication::clipboard()->setText(r->entry.ip.toString());
    emit message(tr("Copied %1").arg(r->entry.ip.toString()));
}

void LeasesPanel::copySsh(int row)
{
    const LeaseListModel::Row *r = m_model->row(row);
    if (!r || !r->entry.ip.value)
        return;
    // A guest of the run: as its cloud-init user (the same command as its node's menu, for
    // this lease's address); anything else: as root, the usual account of an appliance.
    QString cmd = QStringLiteral("ssh root@%1").arg(r->entry.ip.toString());
    const QString guest = r->entry.guest;  // its name; sshTarget takes names too
    if (const Result<runtime::SshTarget> t = guest.isEmpty() ? Result<runtime::SshTarget>(Error{ErrorCode::NotFound, {}})
                                                             : m_run->sshTarget(guest);
        t && !t->user.isEmpty()) {
        runtime::SshTarget here = *t;
        here.host = r->entry.ip.toString();
        here.port = 22;
        cmd = runtime::sshCommandText(here, {});
    }
    QApplication::clipboard()->setText(cmd);
    emit message(tr("Copied \u201c%1\u201d").arg(cmd));
}

bool LeasesPanel::pinAsReservation(int row)
{
    const LeaseListModel::Row *r = m_model->row(row);
    if (!r)
        return false;
    const QString mac = r->entry.mac.toString();
    const QString fail = tr("failed to pin '%1' as a reservation: %2");
    if (!r->entry.ip.value) {
        emit message(fail.arg(mac, tr("the lease has no IPv4 address")));
        return false;
    }
    if (r->entry.state == leases::LeaseState::Gateway) {
        emit message(fail.arg(mac, tr("it is the gateway's own address, not a lease")));
        return false;
    }
    const QString hp = dhcpHostPortFor(m_doc->topology(), r->network);
    const model::Node *node = hp.isEmpty() ? nullptr : m_doc->topology().node(hp);
    if (!node) {
        emit message(fail.arg(mac, tr("no host port serves DHCP on network '%1'").arg(r->network)));
        return false;
    }
    const model::Node before = *node;
    const QString nodeName = node->name;
    model::Node after = before;
    QList<model::DhcpReservation> &res = after.hostPort.dhcp.reservations;
    for (const model::DhcpReservation &d : std::as_const(res)) {
        if (d.mac.compare(mac, Qt::CaseInsensitive) == 0 || d.ip == r->entry.ip.toString()) {
            emit message(fail.arg(mac, tr("'%1' already has a reservation for %2 / %3").arg(node->name, d.mac, d.ip)));
            return false;
        }
    }
    if (res.size() >= model::limits::kMaxListItems) {
        emit message(fail.arg(mac, tr("'%1' already has %2 reservations").arg(node->name).arg(model::limits::kMaxListItems)));
        return false;
    }
    res.append(model::DhcpReservation{mac, r->entry.ip.toString(), r->entry.hostname});
    auto *cmd = new SetNodeCommand(m_doc, before, after);
    cmd->setText(tr("pin %1 as a reservation").arg(r->entry.ip.toString()));
    m_undo->push(cmd);
    emit message(tr("Pinned %1 \u2192 %2 on %3 (applies at the next start)").arg(mac, after.hostPort.dhcp.reservations.last().ip, nodeName));
    return true;
}

void LeasesPanel::showMenu(const QPoint &pos)
{
    const QModelIndex i = m_view->indexAt(pos);
    if (!i.isValid())
        return;
    const int row = m_proxy->mapToSource(i).row();
    QMenu menu(this);
    menu.addAction(tr("Copy &IP"), this, [this, row] { copyIp(row); });
    menu.addAction(tr("Copy &ssh Command"), this, [this, row] { copySsh(row); });
    menu.addSeparator();
    QAction *pin = menu.addAction(tr("&Pin as Reservation"), this, [this, row] { pinAsReservation(row); });
    QAction *fwd = menu.addAction(tr("Forward a Port to This Guest\u2026"), this, [this, row] { forwardPort(row); });
    const LeaseListModel::Row *r = m_model->row(row);
    pin->setEnabled(r && r->entry.state != leases::LeaseState::Gateway);
    fwd->setEnabled(r && !ForwardAction::nicOfMac(m_doc, r->entry.mac.toString()).first.isEmpty());
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

bool LeasesPanel::forwardPort(int row)
{
    const LeaseListModel::Row *r = m_model->row(row);
    if (!r)
        return false;
    const auto [guest, nic] = ForwardAction::nicOfMac(m_doc, r->entry.mac.toString());
    if (guest.isEmpty()) {
        emit message(tr("failed to forward a port to '%1': the MAC belongs to no guest of this topology").arg(r->entry.mac.toString()));
        return false;
    }
    emit forwardRequested(guest, nic);
    return true;
}

}  // namespace netloom::gui
