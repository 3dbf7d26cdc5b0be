// SPDX-License-Identifier: GPL-3.0-or-later
#include "trafficpanel.h"

#include "runcontroller.h"
#include "timeaxisticker.h"

#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QIcon>
#include <QHeaderView>
#include <QTreeWidget>
#include <QMenu>
#include <QMessageBox>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>

#include <qcustomplot.h>

namespace netloom::gui {

SampleRing::SampleRing(int capacity) : m_buf(size_t(std::max(capacity, 1))) {}

void SampleRing::push(const TrafficSample &s)
{
    const int cap = capacity();
    if (m_size < cap) {
        m_buf[size_t((m_head + m_size) % cap)] = s;
        ++m_size;
    } else {
        m_buf[size_t(m_head)] = s;
        m_head = (m_head + 1) % cap;
    }
}

const TrafficSample &SampleRing::at(int i) const
{
    return m_buf[size_t((m_head + i) % capacity())];
}

namespace {

QColor portColour(int i)
{
    static const QColor colours[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e), QColor(0x2c, 0xa0, 0x2c),
                                     QColor(0xd6, 0x27, 0x28), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
                                     QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f)};
    return colours[i % 8];
}

QCustomPlot *makePlot(QWidget *parent, const QString &name, const QString &yLabel)
{
    auto *p = new QCustomPlot(parent);
    p->setObjectName(name);
    p->setMinimumHeight(120);
    fitTimeAxis(p, QStringLiteral("HH:mm:ss"));  // labels never overlap, at any width
    // Until the first sample: the last minute, so an idle chart shows the clock, not 1970.
    const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    p->xAxis->setRange(now - 60, now);
    p->yAxis->setLabel(yLabel);
    // No legend: the port list beside the charts is the legend (same colours).
    p->setNoAntialiasingOnDrag(true);
    p->setNotAntialiasedElements(QCP::aeAll);
    return p;
}

}  // namespace

TrafficPanel::TrafficPanel(RunController *run, QWidget *parent) : QWidget(parent), m_run(run)
{
    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("trafficPorts"));
    m_list->setColumnCount(2);
    m_list->setHeaderLabels({tr("Port"), tr("Emulation drops")});
    m_list->headerItem()->setToolTip(kDropsColumn, tr("Frames dropped by network emulation (loss, link down, rate queue)"));
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(kDropsColumn, QHeaderView::ResizeToContents);
    m_list->setMaximumWidth(340);
    m_list->setToolTip(tr("Ports to compare. In the charts, rx is drawn in the port's colour, tx lighter."));
    m_bits = makePlot(this, QStringLiteral("trafficBits"), tr("bits/s"));
    m_bits->xAxis->setTickLabels(false);  // the packets chart below carries the time
    m_packets = makePlot(this, QStringLiteral("trafficPackets"), tr("packets/s"));
    auto *charts = new QWidget(this);
    auto *cl = new QVBoxLayout(charts);
    cl->setContentsMargins(0, 0, 0, 0);
    cl->addWidget(m_bits);
    cl->addWidget(m_packets);
    auto *split = new QSplitter(this);
    split->addWidget(m_list);
    split->addWidget(charts);
    split->setStretchFactor(1, 1);
    split->setSizes({250, 520});  // room for the port and its emulation drops
    auto *lay = new QVBoxLayout(this);
    lay->setContentsMargins(2, 2, 2, 2);
    lay->addWidget(split);

    m_list->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_list, &QTreeWidget::customContextMenuRequested, this, &TrafficPanel::showPortMenu);
    connect(m_list, &QTreeWidget::itemChanged, this, [this](QTreeWidgetItem *item, int column) {
        if (column != 0)
            return;
        const QString key = item->data(0, Qt::UserRole).toString();
        Port *p = m_ports.value(key);
        const bool on = item->checkState(0) == Qt::Checked;
        if (p && p->chosen != on) {
            m_userChose = true;
            p->chosen = on;
            m_graphsStale = true;
            m_dirty = true;
        }
    });
    m_timer = new QTimer(this);
    m_timer->setInterval(kReplotMs);
    connect(m_timer, &QTimer::timeout, this, &TrafficPanel::replotIfDirty);
    m_timer->start();

    if (m_run) {
        connect(m_run, &RunController::ratesUpdated, this, [this] {
            if (m_run->runtime())
                addRates(m_run->runtime()->portRates(), double(QDateTime::currentMSecsSinceEpoch()) / 1000.0);
        });
        connect(m_run, &RunController::runStateChanged, this, [this](runtime::RunState s) {
            if (s == runtime::RunState::Starting)
                clear();
            if (s == runtime::RunState::Stopped || s == runtime::RunState::Failed)
                for (Port *p : std::as_const(m_ports))  // the switches closed their captures
                    if (!p->captureFile.isEmpty()) {
                        p->captureFile.clear();
                        if (p->item) {
                            p->item->setIcon(0, QIcon());
                            p->item->setToolTip(0, QString());
                        }
                    }
        });
    }
}

TrafficPanel::~TrafficPanel()
{
    qDeleteAll(m_ports);
}

void TrafficPanel::clear()
{
    qDeleteAll(m_ports);
    m_ports.clear();
    m_order.clear();
    m_list->clear();
    m_userChose = false;
    m_graphsStale = true;
    m_dirty = true;
}

void TrafficPanel::addSample(const QString &key, const QString &label, const TrafficSample &s)
{
    Port *p = m_ports.value(key);
    if (!p) {
        if (m_ports.size() >= kMaxPorts)
            return;
        p = new Port;
        p->label = label;
        m_ports.insert(key, p);
        m_order.append(key);
        p->chosen = !m_userChose && int(chosenPorts().size()) < kAutoChosen;
        const QSignalBlocker block(m_list);
        p->item = new QTreeWidgetItem(m_list, {label, QStringLiteral("0")});
        p->item->setData(0, Qt::UserRole, key);
        p->item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        p->item->setCheckState(0, p->chosen ? Qt::Checked : Qt::Unchecked);
        p->item->setForeground(0, portColour(int(m_order.size()) - 1));
        p->item->setTextAlignment(kDropsColumn, Qt::AlignRight | Qt::AlignVCenter);
        m_graphsStale = m_graphsStale || p->chosen;
    }
    const qint64 bin = qint64(std::floor(s.t * 1000.0 / kBinMs));
    if (bin == p->lastBin && p->ring.size() > 0) {
        TrafficSample &b = p->ring.last();
        const double n = ++p->inBin;
        b.rxBits += (s.rxBits - b.rxBits) / n;
        b.txBits += (s.txBits - b.txBits) / n;
        b.rxPackets += (s.rxPackets - b.rxPackets) / n;
        b.txPackets += (s.txPackets - b.txPackets) / n;
    } else {
        TrafficSample b = s;
        b.t = double(bin) * kBinMs / 1000.0;
        p->ring.push(b);
        p->lastBin = bin;
        p->inBin = 1;
    }
    m_dirty = m_dirty || p->chosen;
}

void TrafficPanel::addRates(const QList<runtime::PortRateRow> &rows, double t)
{
    for (const runtime::PortRateRow &r : rows) {
        const QString key = QStringLiteral("%1:%2").arg(r.network).arg(r.port);
        const QString who = r.owner.isEmpty() ? r.description : r.owner;
        addSample(key, QStringLiteral("%1 %2 \u2014 %3").arg(r.network).arg(r.port).arg(who),
                  TrafficSample{t, r.rate.rxBitsPerSec, r.rate.txBitsPerSec, r.rate.rxFramesPerSec, r.rate.txFramesPerSec});
        setEmulationDrops(key, r.totals.impairDrops());
    }
}

void TrafficPanel::setEmulationDrops(const QString &key, quint64 frames)
{
    Port *p = m_ports.value(key);
    if (!p || p->emulationDrops == frames)
        return;
    p->emulationDrops = frames;
    if (p->item) {
        const QSignalBlocker block(m_list);  // not a choice: itemChanged is for the check box
        p->item->setText(kDropsColumn, QString::number(frames));
    }
}

quint64 TrafficPanel::emulationDrops(const QString &key) const
{
    const Port *p = m_ports.value(key);
    return p ? p->emulationDrops : 0;
}

Status TrafficPanel::setCapture(const QString &key, const QString &file)
{
    Port *p = m_ports.value(key);
    const qsizetype colon = key.lastIndexOf(u':');
    bool numeric = false;
    const uint port = colon > 0 ? key.mid(colon + 1).toUInt(&numeric) : 0;
    if (!p || !numeric || !m_run)
        return Error{ErrorCode::NotFound, tr("failed to capture '%1': no such port").arg(key)};
    if (Status s = m_run->setCapture(key.left(colon), quint32(port), file); !s)
        return s;
    p->captureFile = file;
    if (p->item) {
        p->item->setIcon(0, file.isEmpty() ? QIcon() : QIcon(QStringLiteral(":/icons/capture.svg")));
        p->item->setToolTip(0, file.isEmpty() ? QString() : tr("Capturing into %1").arg(file));
    }
    return ok();
}

QString TrafficPanel::captureFile(const QString &key) const
{
    const Port *p = m_ports.value(key);
    return p ? p->captureFile : QString();
}

void TrafficPanel::showPortMenu(const QPoint &pos)
{
    const QTreeWidgetItem *item = m_list->itemAt(pos);
    if (!item)
        return;
    const QString key = item->data(0, Qt::UserRole).toString();
    const Port *p = m_ports.value(key);
    if (!p)
        return;
    QMenu menu(this);
    if (p->captureFile.isEmpty()) {
        menu.addAction(QIcon(QStringLiteral(":/icons/capture.svg")), tr("&Capture to File\u2026"), this, [this, key, label = p->label] {
            QString name = key;
            name.replace(u':', QLatin1String("-port"));
            const QString file = QFileDialog::getSaveFileName(this, tr("Capture %1").arg(label), QDir::home().filePath(name + QStringLiteral(".pcap")),
                                                              tr("pcap files (*.pcap);;All files (*)"));
            if (file.isEmpty())
                return;
            if (Status s = setCapture(key, QFileInfo(file).absoluteFilePath()); !s)
                QMessageBox::warning(this, tr("Capture"), s.error().message);
        });
    } else {
        menu.addAction(tr("&Stop Capture (%1)").arg(QFileInfo(p->captureFile).fileName()), this, [this, key] {
            if (Status s = setCapture(key, QString()); !s)
                QMessageBox::warning(this, tr("Capture"), s.error().message);
        });
    }
    menu.exec(m_list->viewport()->mapToGlobal(pos));
}

void TrafficPanel::setChosen(const QString &key, bool chosen)
{
    if (Port *p = m_ports.value(key); p && p->item)
        p->item->setCheckState(0, chosen ? Qt::Checked : Qt::Unchecked);  // itemChanged does the rest
}

QStringList TrafficPanel::chosenPorts() const
{
    QStringList out;
    for (const QString &k : m_order)
        if (m_ports.value(k)->chosen)
            out << k;
    return out;
}

const SampleRing *TrafficPanel::ring(const QString &key) const
{
    const Port *p = m_ports.value(key);
    return p ? &p->ring : nullptr;
}

void TrafficPanel::rebuildGraphs()
{
    for (QCustomPlot *plot : {m_bits, m_packets}) {
        plot->clearGraphs();
        int i = 0;
        for (const QString &k : std::as_const(m_order)) {
            const Port *p = m_ports.value(k);
            const QColor c = portColour(i++);
            if (!p->chosen)
                continue;
            QCPGraph *rx = plot->addGraph();
            rx->setPen(QPen(c, 1));  // thin solid pens: the raster engine's fast path
            rx->setName(tr("%1 rx").arg(p->label));
            rx->setProperty("port", k);
            QCPGraph *tx = plot->addGraph();
            tx->setPen(QPen(c.lighter(160), 1));
            tx->setName(tr("%1 tx").arg(p->label));
            tx->setProperty("port", k);
        }
    }
    m_graphsStale = false;
}

bool TrafficPanel::replotIfDirty()
{
    if (!m_dirty)
        return false;
    if (m_graphsStale)
        rebuildGraphs();
    double newest = 0;
    double oldest = 0;
    QVector<QCPGraphData> rx, tx, rxp, txp;
    for (int g = 0; g + 1 < m_bits->graphCount(); g += 2) {
        const Port *p = m_ports.value(m_bits->graph(g)->property("port").toString());
        if (!p)
            continue;
        const int n = p->ring.size();
        rx.resize(n);
        tx.resize(n);
        rxp.resize(n);
        txp.resize(n);
        for (int i = 0; i < n; ++i) {
            const TrafficSample &s = p->ring.at(i);
            rx[i] = QCPGraphData(s.t, s.rxBits);
            tx[i] = QCPGraphData(s.t, s.txBits);
            rxp[i] = QCPGraphData(s.t, s.rxPackets);
            txp[i] = QCPGraphData(s.t, s.txPackets);
        }
        if (n) {
            newest = std::max(newest, p->ring.last().t);
            oldest = oldest == 0 ? p->ring.at(0).t : std::min(oldest, p->ring.at(0).t);
        }
        m_bits->graph(g)->data()->set(rx, true);
        m_bits->graph(g + 1)->data()->set(tx, true);
        m_packets->graph(g)->data()->set(rxp, true);
        m_packets->graph(g + 1)->data()->set(txp, true);
    }
    for (QCustomPlot *plot : {m_bits, m_packets}) {
        // The last five minutes; a younger run spans what it has (at least a minute).
        if (newest > 0)
            plot->xAxis->setRange(std::max(newest - kHistorySeconds, std::min(oldest, newest - 60)), newest);
        bool found = false;
        QCPRange y(0, 1);
        for (int g = 0; g < plot->graphCount(); ++g) {
            const QCPRange r = plot->graph(g)->data()->valueRange(found, QCP::sdBoth, plot->xAxis->range());
            if (found)
                y.upper = std::max(y.upper, r.upper * 1.1);
        }
        plot->yAxis->setRange(y);
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
    m_dirty = false;
    ++m_replots;
    return true;
}

}  // namespace netloom::gui
