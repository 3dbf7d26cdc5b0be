// SPDX-License-Identifier: GPL-3.0-or-later
// Runtime: one call takes a topology to a running network (issue #5).
//
// Design note.
// - Input: a planned topology (plan::Plan). The runtime never builds kernel objects or
//   argv itself: the HostState goes to the privileged helper as one `apply`, the
//   RuntimePlan's switches become SwitchEngines and its guests QemuSupervisors.
// - Start order: preflight (every guest's binary and files, the runtime directory) ->
//   helper apply -> switch engines (VDE listener, then tap ports, then cables) -> lease
//   watchers and trackers -> guests. Stop is the exact reverse. A failure at any step
//   stops what was started so far (reverse order) and reports one error naming the node;
//   nothing half-started is left behind.
// - Per-node control while running: stopGuest/startGuest run one supervisor;
//   stopNetwork/startNetwork take one netloom switch (and its guests) down or up and
//   re-apply a HostState without (or with) that switch's host-side pieces — the helper
//   converges. applyEdit takes an edited plan: host-state changes are re-applied, guests
//   added/removed/changed are started/stopped/restarted; switch or cable edits need a restart.
// - Leases: one LeaseTracker per netloom switch, fed by the switch's AddressEvents (mapped
//   by toLeaseEvent) and by the dnsmasq lease file of the switch's host port, whose path
//   the helper returns in its `apply` reply (the file is world-readable; the runtime opens
//   it with its own rights, the helper never opens a client-named file).
// - Port forwards (runtimeforwards.cpp): the host state sent to the helper has every NAT
//   gateway's forwards resolved against the lease trackers' bound leases (plan/forwardplan.h;
//   a DHCP reservation wins). Whenever a lease table changes while running, the runtime
//   resolves again and, when the result differs from what the helper last applied, re-applies
//   it — so a forward follows its guest's new address, and a pending forward is applied once
//   its guest has a lease. One such apply runs at a time; a change meanwhile is picked up
//   when it finishes.
// - Rates: every second each engine's counters go through a sw::CounterSampler.
// - Everything here lives on the owner's thread; the switch threads talk to it through
//   queued signals only.
#pragma once

#include "base/result.h"
#include "leases/lease.h"
#include "plan/planner.h"
#include "runtime/userkeys.h"
#include "switch/addressevent.h"
#include "switch/forwarder.h"
#include "switch/portcounters.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <memory>
#include <optional>

namespace netloom {
class HelperClient;
namespace sw { class SwitchEngine; }
namespace qemu { class QemuSupervisor; }
namespace leases { class LeaseTracker; class LeaseFileWatcher; }
}

namespace netloom::runtime {

class LogModel;
class LeaseTableModel;
class PortTableModel;

struct RuntimeOptions {
    QString helperSocket;           // "" = HelperClient::defaultSocketPath()
    bool forceTcg = false;          // drop "-accel kvm" even when /dev/kvm is usable
    int helperTimeoutMs = 30000;    // per helper request
    int guestPowerdownMs = 15000;   // ACPI power-down before QMP quit, SIGTERM, SIGKILL
    int guestStartMs = 20000;       // launch -> QMP answering
    int sampleMs = 1000;            // counter sampling period (rates)
    bool removeRuntimeDir = true;   // remove the runtime directory after a stop
    // What reading the user's keys for the plan's cloudInit userKeys said (userKeysFor):
    // start() logs each as a warning.
    QList<UserKeyWarning> userKeyWarnings = {};
};

enum class RunState { Idle, Starting, Running, Stopping, Stopped, Failed };
const char *runStateName(RunState s);

// Paused: a guest whose CPUs are stopped (QMP "stop", or QEMU's own STOP event).
enum class NodeState { Down, Starting, Up, Stopping, Failed, Paused };
const char *nodeStateName(NodeState s);

struct PortRateRow {
    QString network;       // switch name
    quint32 port = 0;
    QString description;   // "tap loomta019e1", "vde port 2 (alpha)", ...
    QString owner;         // guest name / tap / cable, from the plan ("" = unknown)
    sw::PortCounterValues totals;
    sw::PortRate rate;
};

// What a guest's power menu can ask for. Powerdown is the graceful ladder (ACPI power-down,
// then QMP quit, SIGTERM, SIGKILL — the same as stopGuest); ForceOff kills QEMU at once.
enum class PowerAction { Pause, Resume, Reset, Powerdown, ForceOff };
const char *powerActionName(PowerAction a);                       // "pause", "resume", ...
std::optional<PowerAction> powerActionFromName(const QString &name);

enum class ConsoleKind { Graphical, Serial };

// A console attached to a running guest (Runtime::openConsole).
struct ConsoleAttachment {
    static constexpr qsizetype kMaxReplayBytes = 64 * 1024;
    int fd = -1;            // connected to QEMU's VNC server or serial chardev; the caller owns it
    QByteArray replay;      // serial: the tail (at most kMaxReplayBytes) of what the port wrote
                            // before this attachment, from the serial log; then fd goes on
    QString display;        // the guest's display device: "vga", "virtio" ("none" never attaches)
};

// Where `ssh` reaches a guest (Runtime::sshTarget).
struct SshTarget {
    QString user;         // the cloud-init user, "" = ssh's default
    QString host;         // the guest's leased IPv4 address, or 127.0.0.1 for a host forward
    int port = 22;
    QString knownHosts;   // the run's own known_hosts file (trust on first use, per run)
    // The client's side (netloomctl ssh -i / -o): a key file to use alone ("-i FILE -o
    // IdentitiesOnly=yes"; "" = ssh's own choice) and more ssh options ("-o OPTION" each).
    QString identity;
    QStringList options;
};

// The run's own known_hosts in `runtimeDir` (SshTarget::knownHosts; removed at stop). Pure.
QString runKnownHostsPath(const QString &runtimeDir);
// The ssh command line for `t` with `args` for the remote side (argv[0] = "ssh"). Pure.
QStringList sshCommand(const SshTarget &t, const QStringList &args);
// The same as one line for a shell (words quoted only where they need it). Pure.
QString sshCommandText(const SshTarget &t, const QStringList &args);

// The topology's network id for the helper (1..32 bytes of [a-z0-9_-]).
QString helperNetworkId(const QString &topologyName);

// Maps a switch AddressEvent onto the tracker's LeaseEvent (docs/runtime-parts.md): DHCP
// kinds one to one, ARP request/reply/announce -> Arp, ND solicit/advert/DAD -> Nd (a DAD
// probe names the address its sender is about to use; link-local ones are dropped). ARP probes and the switch's own
// conflict events carry nothing the merge needs: std::nullopt. Pure.
std::optional<leases::LeaseEvent> toLeaseEvent(const sw::AddressEvent &event, const QString &portName);

// The guest argv the supervisor runs: the planner's argv without -qmp (the supervisor adds
// its own from the plan's path; the serial chardev stays as planned) and, with `tcg`,
// without "-accel kvm" (and its -enable-kvm / accel=kvm forms). Pure.
QStringList supervisorArgv(const QStringList &planArgv, bool tcg);

// The switch engine's port VLAN settings for a planned port's. Pure.
sw::VlanPortConfig toPortVlan(const model::VlanConfig &vlan);

// `host` without everything that belongs to interfaces in `ifnames` (taps, addresses, link
// settings, NAT, dnsmasq, bridge ports). Pure.
protocol::HostState withoutInterfaces(const protocol::HostState &host, const QStringList &ifnames);

class Runtime : public QObject {
    Q_OBJECT
public:
    Runtime(const QString &topologyName, const plan::Plan &plan, const RuntimeOptions &options,
            QObject *parent = nullptr);
    ~Runtime() override;  // kills what still runs (no graceful stop); call stop() first

    // Starts everything (asynchronous). started() or failed() follows exactly once.
    void start();
    // Stops everything in reverse order (asynchronous); stopped() follows. Safe in any state.
    void stop();

    // One guest / one netloom switch while the rest runs. Return an error naming the node
    // when it is unknown or in the wrong state; the change itself completes asynchronously.
    Status stopGuest(const QString &node);
    Status startGuest(const QString &node);
    Status stopNetwork(const QString &switchNode);
    Status startNetwork(const QString &switchNode);
    // Captures every frame received and sent on port `port` of the running netloom switch
    // `network` (its name as in the stats, or its node id) into a pcap file at `path`
    // (absolute; created mode 0600, truncated), or stops when path is empty. The capture
    // belongs to the port number (a guest restarted onto the same port goes on into the same
    // file; see SwitchEngine::setCapture). Errors name the network, port or file. Touches:
    // creates the file.
    Status setCapture(const QString &network, quint32 port, const QString &path);

    // Attaches a console to the running guest `node` (id or name) without any listening
    // socket (qemu/consoleattach.h): the graphical console (VNC) or the first serial port.
    // `done` gets the attachment or one error naming the guest: unknown, not running, no
    // screen (display none), or QEMU refusing (a serial port takes one client at a time).
    // Called exactly once, possibly before this returns. Touches: a socketpair, QMP.
    void openConsole(const QString &node, ConsoleKind kind, std::function<void(Result<ConsoleAttachment>)> done);
    // Power actions on the running guest `node` (id or name); the state change follows as
    // nodeStateChanged (Paused, Up, Stopping/Down) and a log line. Errors name the guest.
    Status guestPower(const QString &node, PowerAction action);
    // Saves the guest's screen as PNG at `path` (absolute; QEMU writes it, as this user),
    // through QMP screendump. `done` is called exactly once.
    void screenshot(const QString &node, const QString &path, std::function<void(Status)> done);
    // Where ssh reaches guest `node` (id or name): its first bound lease's address (else a
    // user-mode host forward to its port 22) and its cloud-init user. Errors name the guest
    // (unknown, or no address known yet). Pure over the run's state.
    Result<SshTarget> sshTarget(const QString &node) const;
    // The serial log of guest `node` (id or name), "" when unknown.
    QString serialLogPath(const QString &node) const;

    // Applies an edited topology's plan while running, where that makes sense: changed host
    // state is re-applied (the helper converges), removed guests are stopped, added guests
    // started, changed guests restarted; the rest keeps running. Switches, cables and the
    // runtime directory must be unchanged (otherwise Unsupported: restart to apply). Returns
    // the refusal; the changes complete asynchronously. `hostDone` (optional) is called once
    // with the helper's answer to the edit's host apply (ok() at once when the host state did
    // not change). When the helper refuses (e.g. a forward's port is in use), nothing was
    // applied on the host, so the plan's host state and forwards go back to what they were
    // (unless a newer edit replaced them meanwhile): the refused change is not running.
    Status applyEdit(const plan::Plan &next, std::function<void(Status)> hostDone = {});

    RunState state() const { return m_state; }
    QString topologyName() const { return m_name; }
    const plan::Plan &plan() const { return m_plan; }
    QString accelerator() const { return m_accel; }   // "kvm" or "tcg", decided at start
    QString accelReason() const { return m_accelReason; }
    NodeState nodeState(const QString &node) const { return m_nodeStates.value(node, NodeState::Down); }
    QHash<QString, NodeState> nodeStates() const { return m_nodeStates; }
    QList<leases::LeaseTable> leaseTables() const;
    // Guest NIC MAC -> bound IPv4 lease and IPv6 addresses seen, from every lease tracker.
    plan::GuestLeases boundLeases() const;
    // The forwards left out of the host state last applied (or to be applied): one sentence
    // each, "gateway 'gw', forward 0 (...) is pending: ...".
    QStringList pendingForwards() const { return m_pendingForwards; }
    // The host state the helper last applied successfully (empty before the first apply).
    const protocol::HostState &appliedHost() const { return m_appliedHost; }
    // The helper's message when it last refused an edit's host state ("" once a later apply
    // succeeded): the refused forwards' reason (runtime/forwardstatus.h).
    QString hostRefusal() const { return m_hostRefusal; }
    QList<PortRateRow> portRates() const { return m_rates; }
    QString errorMessage() const { return m_error; }

    LogModel *logModel() const { return m_logModel; }
    LeaseTableModel *leaseModel() const { return m_leaseModel; }
    PortTableModel *portModel() const { return m_portModel; }

signals:
    void stateChanged(netloom::runtime::RunState state);
    void started();
    void failed(const QString &message);
    void stopped();
    void nodeStateChanged(const QString &node, netloom::runtime::NodeState state, const QString &detail);
    // One log line: level "info" | "warning" | "error", the node it is about ("" = the runtime).
    void logged(const QDateTime &time, const QString &level, const QString &node, const QString &message);
    void leasesChanged(const QString &network, const netloom::leases::LeaseTable &table);
    void leaseNoted(const QString &network, const netloom::leases::LeaseNote &note);
    void ratesUpdated();

private:
    struct SwitchRt;
    struct GuestRt;
    void setState(RunState s);
    void setNode(const QString &node, NodeState s, const QString &detail = QString());
    void log(const QString &level, const QString &node, const QString &message);
    Status preflight();
    void applyHost(const protocol::HostState &state, std::function<void(const Result<QJsonObject> &)> done);
    Status startSwitch(const plan::SwitchPlan &sp);
    // Network emulation (runtimeemulation.cpp). Sends the ports' impairments/link states and
    // the mirrors of `next` to rt's engine — all of them when `initial`, else only what differs
    // from rt.plan — and makes rt.plan = next. Returns the engine's refusal.
    Status applySwitchEmulation(SwitchRt &rt, const plan::SwitchPlan &next, bool initial);
    // Sends QMP set_link for every NIC of g whose down state differs from `wasDown` (all of
    // g.plan.nicsDown when wasDown is empty); nothing until the guest runs. Logs the outcome.
    void applyNicLinks(GuestRt &g, const QStringList &wasDown);
    // The plans with emulation/link state reset: what must match for a live edit.
    static plan::SwitchPlan withoutEmulation(plan::SwitchPlan sp);
    static plan::GuestPlan withoutLinkState(plan::GuestPlan gp);
    void startLeaseWatchers(const QJsonObject &applyReply);
    Status launchGuest(const plan::GuestPlan &gp);
    void startFailed(const QString &message);
    void continueStop();
    void finishStop();
    void sample();
    void onGuestState(const QString &node, int state, const QString &reason);
    void afterGuestDown(const QString &node);
    GuestRt *findGuest(const QString &nodeOrName) const;
    // The running guest `node` for `verb`, or an error naming it (unknown, not running).
    Result<GuestRt *> runningGuest(const QString &node, const QString &verb) const;
    static void removeSocketDir(const QString &dir);
    QStringList tapsOfSwitch(const plan::SwitchPlan &sp) const;
    protocol::HostState desiredHost() const;
    // Port forwards (runtimeforwards.cpp): re-applies the host state when the resolved forwards
    // differ from what the helper last applied (called when a lease table changes).
    void followLeases();
    // Logs which forwards became pending or resolved compared with m_pendingForwards.
    void notePending(const QStringList &pending);

    QString m_name;
    QString m_network;
    plan::Plan m_plan;
    RuntimeOptions m_options;
    RunState m_state = RunState::Idle;
    QString m_error;
    QString m_accel;
    QString m_accelReason;
    bool m_failing = false;          // a start failed: stopping, then failed() instead of stopped()
    bool m_helperApplied = false;
    QStringList m_downSwitches;      // switch nodes stopped by stopNetwork
    QHash<QString, plan::GuestPlan> m_restartWhenDown;  // applyEdit: changed guests
    QStringList m_dropWhenDown;                          // applyEdit: removed guests
    HelperClient *m_helper = nullptr;
    std::vector<std::unique_ptr<SwitchRt>> m_switches;
    std::vector<std::unique_ptr<GuestRt>> m_guests;
    QHash<QString, NodeState> m_nodeStates;
    protocol::HostState m_appliedHost;   // last state the helper applied for us
    QStringList m_pendingForwards;
    QString m_hostRefusal;
    bool m_followBusy = false;           // a followLeases() apply is under way
    QList<PortRateRow> m_rates;
    QTimer m_sampleTimer;
    QTimer m_stopGuard;
    LogModel *m_logModel = nullptr;
    LeaseTableModel *m_leaseModel = nullptr;
    PortTableModel *m_portModel = nullptr;
};

}  // namespace netloom::runtime
