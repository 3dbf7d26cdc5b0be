// SPDX-License-Identifier: GPL-3.0-or-later
// The GUI's side of running a topology (issue #6, point 2): plans the document, owns the
// core Runtime while it runs, and turns its live state into what the canvas shows.
//
// Design note. The controller plans the document as it is when Start is pressed; edits made
// while running are applied by Run > Apply Changes (the runtime's applyEdit: host state and
// guests follow, switch or cable edits are refused until a restart, and the log says why). It never touches widgets: the window listens to its signals. Node colours come
// from the runtime's node states; nodes the runtime does not track (host ports, uplinks)
// follow the whole run's state. Cable traffic maps each planned switch port to the link it
// realizes, so a cable's load is the rate of its port (bits/s, rx + tx).
#pragma once

#include "plan/planner.h"
#include "runcolour.h"
#include "runtime/runtime.h"

#include <QHash>
#include <QObject>
#include <QPointer>

namespace netloom::gui {

// Where a link's traffic is counted: switch display name and port number.
struct PortRef {
    QString network;
    quint32 port = 0;
    bool operator==(const PortRef &) const = default;
};

// link id -> the switch port realizing it, for every netloom switch of `plan`. Pure.
QHash<QString, PortRef> linkPorts(const plan::Plan &plan);

class RunController : public QObject {
    Q_OBJECT
public:
    explicit RunController(QObject *parent = nullptr);
    ~RunController() override;

    void setHelperSocket(const QString &path) { m_helperSocket = path; }
    QString helperSocket() const { return m_helperSocket; }
    void setForceTcg(bool tcg) { m_tcg = tcg; }

    // Allocates (interface names, MACs), validates and plans `topology` (relative guest
    // paths resolved from `topologyDir`) and starts it. Returns the first validation or
    // planning error (nothing started), or ok: the runtime's signals follow.
    Status start(const model::Topology &topology, const QString &topologyDir);
    // Plans the edited `topology` the same way and hands it to the running runtime
    // (Runtime::applyEdit). Returns the planning error or the runtime's refusal.
    Status applyEdits(const model::Topology &topology, const QString &topologyDir);
    // Network emulation takes effect at once while running (issue #13): applies the links'
    // emulation (impairments, up/down), the switches' mirrors and the NAT gateways' port
    // forwards (issue #14) of `current` to the topology last started or applied — nothing
    // else of `current` (other edits wait for Apply Changes). A no-op when they are unchanged or nothing runs. Returns the
    // validation error (naming the link or switch) or the runtime's refusal.
    Status applyEmulation(const model::Topology &current, const QString &topologyDir);
    // The host state starting `topology` would apply (the NAT doctor's gateways come from
    // it), planned like start(). Returns the validation or planning error.
    Result<protocol::HostState> planHost(const model::Topology &topology, const QString &topologyDir) const;
    // Stops the whole run (asynchronous; stopped() follows). No-op when nothing runs.
    void stop();
    // Per node: a guest or a netloom switch. Error names the node when it cannot be done.
    Status startNode(const QString &nodeId);
    Status stopNode(const QString &nodeId);
    // Captures port `port` of the running netloom switch `network` into the pcap file `file`
    // (absolute), or stops with an empty file (Runtime::setCapture). Fails when nothing runs.
    Status setCapture(const QString &network, quint32 port, const QString &file);
    // True when `nodeId` is something startNode/stopNode can act on in the current run.
    bool canControl(const QString &nodeId) const;

    bool isActive() const;  // starting, running or stopping
    // Guests of the current run: whether `nodeId` is one, its display ("vga", "virtio",
    // "none"; "" when not a guest) and its state (Down when nothing runs).
    bool isGuest(const QString &nodeId) const;
    QString guestDisplay(const QString &nodeId) const;
    runtime::NodeState nodeState(const QString &nodeId) const;
    // Runtime::openConsole while the run is active (else an error at once); the guest's own
    // state decides the rest.
    void openConsole(const QString &nodeId, runtime::ConsoleKind kind, std::function<void(Result<runtime::ConsoleAttachment>)> done);
    // Runtime::sshTarget while the run is active. Errors name the guest.
    Result<runtime::SshTarget> sshTarget(const QString &nodeId) const;
    // Opens a terminal running ssh into guest `nodeId` ($TERMINAL, else the Debian
    // alternative x-terminal-emulator, each given "-e ssh ..."). Returns the command line
    // started, or an error naming the guest or the missing terminal. Touches: starts a
    // detached process.
    Result<QString> openSshTerminal(const QString &nodeId) const;
    // Runtime::guestPower while the run is active. Errors name the guest.
    Status power(const QString &nodeId, runtime::PowerAction action);
    runtime::Runtime *runtime() const { return m_rt; }
    RunColour nodeColour(const QString &nodeId) const;
    // Bits/s (rx + tx) of the port realizing `linkId`; -1 when unknown.
    double linkBitsPerSec(const QString &linkId) const;

signals:
    void runStateChanged(netloom::runtime::RunState state);
    void nodeColoursChanged();
    void nodeStateChanged(const QString &node, netloom::runtime::NodeState state, const QString &detail);
    void ratesUpdated();
    void leasesChanged();
    // A log line naming its node ("" = the runtime itself).
    void logLine(const QString &level, const QString &node, const QString &message);
    void stopped();

private:
    void teardown();
    // Allocates, validates and plans `topology` (cloudInit userKeys: this user's keys, their
    // warnings to *keyWarnings when given); a validation error is reported as `failure` with
    // %1 = topology name, %2 = path, %3 = message. Touches: reads ~/.ssh/*.pub when wanted.
    Result<plan::Plan> prepare(const model::Topology &topology, const QString &topologyDir, const QString &failure,
                               QList<runtime::UserKeyWarning> *keyWarnings = nullptr) const;

    QString m_helperSocket;
    bool m_tcg = false;
    runtime::Runtime *m_rt = nullptr;
    model::Topology m_applied;  // what the runtime runs: the topology started or last applied
    QHash<QString, PortRef> m_linkPorts;
    QHash<QString, QString> m_switchNames;  // node id -> display name (netloom switches)
};

}  // namespace netloom::gui
