// SPDX-License-Identifier: GPL-3.0-or-later
// The traffic panel (issue #6, point 4): live QCustomPlot charts of rx/tx bits/s and
// packets/s per switch port over the last five minutes, with the ports to compare chosen
// from a checkable list.
//
// Design note. Samples are binned per port into kBinMs slots (several samples in one slot
// are averaged: the chart's resolution, not the feed's, sets the cost), kept in one
// fixed-capacity ring per port (kMaxSamples bins = five minutes), and only set a dirty
// flag; a kReplotMs timer copies the rings of the chosen ports into their graphs and
// replots once, and only when something changed. So the cost is bounded by the replot rate
// and the bin count, not by the sample rate, and memory is bounded by kMaxPorts x
// kMaxSamples however long the run lasts. (Measured: plotting every raw 10 Hz sample of
// 64 ports took ~50% of a core; binned to 1 s it is a few percent.) Ports seen first are chosen
// automatically until kAutoChosen are shown; the user's choice is never overridden.
// The port list's context menu captures a port into a pcap file (and stops it): guest-to-guest
// frames on a netloom switch cross no host interface, so this is where they can be recorded.
// Beside each port the list shows how many frames network emulation has dropped on it
// (PortCounterValues::impairDrops(): loss, a link set down, a full rate queue) since the run began.
#pragma once

#include "base/result.h"

#include <QHash>
#include <QWidget>

#include <vector>

class QCustomPlot;
class QTreeWidget;
class QTreeWidgetItem;
class QTimer;

namespace netloom::runtime { struct PortRateRow; }

namespace netloom::gui {

class RunController;

struct TrafficSample {
    double t = 0;  // seconds since the epoch
    double rxBits = 0, txBits = 0, rxPackets = 0, txPackets = 0;
};

// A fixed-capacity ring of samples, oldest first. Never allocates after construction.
class SampleRing {
public:
    explicit SampleRing(int capacity);
    void push(const TrafficSample &s);
    int size() const { return m_size; }
    int capacity() const { return int(m_buf.size()); }
    const TrafficSample &at(int i) const;  // 0 = oldest
    const TrafficSample &last() const { return at(m_size - 1); }
    TrafficSample &last() { return m_buf[size_t((m_head + m_size - 1) % capacity())]; }

private:
    std::vector<TrafficSample> m_buf;
    int m_head = 0;  // index of the oldest
    int m_size = 0;
};

class TrafficPanel : public QWidget {
    Q_OBJECT
public:
    static constexpr int kHistorySeconds = 300;
    static constexpr int kBinMs = 1000;
    static constexpr int kMaxSamples = kHistorySeconds * 1000 / kBinMs;  // five minutes of bins
    static constexpr int kMaxPorts = 1024;
    static constexpr int kAutoChosen = 8;
    static constexpr int kReplotMs = 500;

    explicit TrafficPanel(RunController *run, QWidget *parent = nullptr);
    ~TrafficPanel() override;

    // Adds one sample for port `key` (shown as `label`); creates the port's ring on first
    // sight (ignored beyond kMaxPorts). A sample in the same kBinMs slot as the port's last
    // one is averaged into it. Marks the charts dirty; does not replot.
    void addSample(const QString &key, const QString &label, const TrafficSample &s);
    // Feeds a runtime rate snapshot taken at `t` (seconds since the epoch), and each port's
    // emulation drops.
    void addRates(const QList<runtime::PortRateRow> &rows, double t);
    // Shows `frames` as port `key`'s count of frames dropped by emulation (a port not seen
    // yet is ignored). Touches: the port's list entry.
    void setEmulationDrops(const QString &key, quint64 frames);
    // The last count shown for port `key` (0 if unknown).
    quint64 emulationDrops(const QString &key) const;
    // Chooses (or un-chooses) port `key` for the charts.
    void setChosen(const QString &key, bool chosen);
    QStringList chosenPorts() const;
    QStringList ports() const { return m_order; }
    const SampleRing *ring(const QString &key) const;
    // Forgets every port (a new run).
    void clear();
    // Captures port `key` ("network:port", as in ports()) into the pcap file `file` through
    // the run controller, or stops when `file` is empty, and marks the port's list entry
    // (icon, tooltip). Returns the refusal (nothing running, unknown port, file not
    // creatable), which leaves the entry as it was.
    Status setCapture(const QString &key, const QString &file);
    // The file port `key` is being captured into, or "".
    QString captureFile(const QString &key) const;

    QCustomPlot *bitsPlot() const { return m_bits; }
    QCustomPlot *packetsPlot() const { return m_packets; }
    // The port list: column 0 the port (checkable: chosen for the charts), column
    // kDropsColumn the frames dropped by emulation.
    static constexpr int kDropsColumn = 1;
    QTreeWidget *portList() const { return m_list; }
    // Copies the chosen rings into the graphs and replots, if anything changed. Returns
    // whether it replotted (the timer calls this).
    bool replotIfDirty();
    int replotCount() const { return m_replots; }

private:
    struct Port {
        QString label;
        SampleRing ring{kMaxSamples};
        qint64 lastBin = -1;
        int inBin = 0;  // samples averaged into the newest bin
        QTreeWidgetItem *item = nullptr;
        bool chosen = false;
        QString captureFile;
        quint64 emulationDrops = 0;
    };
    void rebuildGraphs();
    void showPortMenu(const QPoint &pos);

    RunController *m_run;
    QCustomPlot *m_bits;
    QCustomPlot *m_packets;
    QTreeWidget *m_list;
    QTimer *m_timer;
    QHash<QString, Port *> m_ports;
    QStringList m_order;
    bool m_dirty = false;
    bool m_graphsStale = true;
    bool m_userChose = false;
    int m_replots = 0;
};

}  // namespace netloom::gui
