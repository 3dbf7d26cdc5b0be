// SPDX-License-Identifier: GPL-3.0-or-later
// HelperServer: the helper's request loop.
//
// Design note. One QLocalServer, one event loop, no threads. Each connection has its own
// frame decoder, a bounded queue of requests (kMaxQueuedRequests; beyond it the helper
// stops reading, so the kernel applies back-pressure), a bounded read buffer, a deadline
// for a started frame (kFrameTimeoutMs) and a bound on unsent output (kMaxPendingOutput):
// a slow or malicious client is cut off without stalling anyone else. Requests of one
// connection run in order; polkit checks are asynchronous, so other connections are
// served meanwhile. The peer's identity is SO_PEERCRED, pinned (peer.h); root is allowed
// without polkit, everyone else needs org.netloom.manage (and org.netloom.bridge-physical
// plus the request's allowPhysical flag for physical uplinks), with the network id as
// polkit detail "network".
//
// A network is owned by the uid that first applied it; only that uid or root may change,
// inspect or tear it down. Non-persistent networks belong to the connection that applied
// them last and are torn down when it closes. Every change is journaled before it is made
// (journal.h); recover() at start-up removes what a crashed helper left, re-adopts
// persistent networks and then rebuilds the networks enabled at boot (bootstore.h) that do
// not exist yet — each through the same checked, journaled apply as a client's, so a record
// that no longer fits the host (a foreign interface took its name, its owner is gone, a quota)
// is skipped and logged with nothing half-made.
#pragma once

#include "authorizer.h"
#include "bootstore.h"
#include "executor.h"
#include "journal.h"
#include "peer.h"

#include "protocol/frame.h"
#include "protocol/message.h"

#include <QHash>
#include <QLocalServer>
#include <QMap>
#include <QObject>
#include <QPointer>

class QLocalSocket;
class QTimer;

namespace netloom::helper {

class DnsmasqSupervisor;

struct HelperLimits {
    int maxNetworksPerUid = 16;
    int maxTapsPerUid = 64;
    int maxAddressesPerUid = 64;
    int maxConnections = 64;
    int maxConnectionsPerUid = 8;
};

class HelperServer : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxQueuedRequests = 8;
    static constexpr qint64 kReadChunk = 64 * 1024;
    static constexpr int kFrameTimeoutMs = 10000;
    static constexpr qint64 kMaxPendingOutput = 4 << 20;

    HelperServer(Journal &journal, BootStore &boot, HostOps &ops, DnsmasqSupervisor &dnsmasq, Authorizer &authorizer,
                 HelperLimits limits, QObject *parent = nullptr);
    ~HelperServer() override;

    void setFailAtStep(int step) { m_executor.setFailAt(step); }
    void setCrashAtStep(int step) { m_executor.setCrashAt(step); }
    // Removes leftovers of a previous run, re-adopts persistent networks and — with
    // `freshBoot` (the first start since the machine booted) — rebuilds the enabled ones that
    // are missing (before listen).
    Status recover(bool freshBoot = true);
    // Listens on `path` (replacing a stale socket file) or on an inherited listening fd.
    Status listen(const QString &path);
    Status listenOnDescriptor(int fd);
    // Tears down every non-persistent network and stops all dnsmasq (shutdown).
    void shutdown();

private:
    struct Network {
        QString id;
        uid_t uid = 0;
        bool persistent = false;
        protocol::HostState state;
        quint64 connection = 0;  // 0: not bound to a connection
    };
    struct Connection {
        quint64 id = 0;
        QPointer<QLocalSocket> socket;
        PeerInfo peer;
        protocol::FrameDecoder decoder;
        QList<QByteArray> queue;
        bool busy = false;
        quint64 authHandle = 0;
        QTimer *frameTimer = nullptr;
        bool closing = false;
    };

    void onNewConnection();
    void onReadyRead(quint64 conn);
    void onDisconnected(quint64 conn);
    void processNext(quint64 conn);
    void handle(Connection &c, const protocol::Request &r);
    void authorizeThen(Connection &c, const protocol::Request &r, const QStringList &actions);
    void checkNext(quint64 conn, const protocol::Request &r, const QStringList &actions, int index);
    void runAuthorized(quint64 conn, const protocol::Request &r);
    void send(Connection &c, const protocol::Response &response);
    void fail(Connection &c, qint64 id, const Error &error);
    void finish(quint64 conn);
    void closeConnection(Connection &c, const Error &why);

    // The journal part of recover().
    Status recoverJournal();
    // Applies every boot record whose network does not exist, as a persistent network of
    // the record's uid; failures are logged and remembered (m_bootOutcome), never fatal.
    void rebuildEnabled();
    // enable/disable (authorized) and enabled (read-only): serverboot.cpp.
    Status precheckEnable(uid_t uid, const protocol::Request &r) const;
    Result<QJsonObject> enable(uid_t uid, const protocol::Request &r);
    // NotFound unless the caller may remove the boot record of r.network.
    Status checkDisable(const Connection &c, const protocol::Request &r) const;
    Result<QJsonObject> enabled(const Connection &c) const;

    QJsonObject hello(const Connection &c) const;
    Result<QJsonObject> list(const Connection &c) const;
    Result<QJsonObject> status(const Connection &c, const QString &network) const;
    Status precheckApply(uid_t uid, const protocol::Request &r) const;
    // Conflict when a port forward of `r` takes a host port that network `other` forwards.
    static Status forwardCollision(const Network &other, const protocol::Request &r);
    // Conflict naming the owner when a port forward of `r` that `current` does not have yet
    // takes a host port in use (HostOps::portUser). Reads /proc only.
    Status checkPortsFree(const protocol::HostState &current, const protocol::Request &r);
    Result<QJsonObject> apply(quint64 conn, uid_t uid, const protocol::Request &r);
    Status teardown(const QString &network);
    // The doctor's repair: the network's committed state with `r.repairs` as its filterAccepts.
    Result<QJsonObject> repair(const protocol::Request &r);
    // Journals, runs the steps from n.state to `target` and commits (used by repair).
    Result<int> converge(Network n, const protocol::HostState &target, bool persistent, quint64 connection);
    GlobalContext globalContext(const QString &except) const;
    // The part of a committed state whose interfaces still exist (re-adoption).
    protocol::HostState presentPart(const protocol::HostState &committed);
    bool mayAccess(const Connection &c, const Network &n) const { return mayAccess(c.peer.uid(), n.uid); }
    static bool mayAccess(uid_t caller, uid_t owner) { return caller == 0 || caller == owner; }

    Journal &m_journal;
    BootStore &m_boot;
    QHash<QString, QString> m_bootOutcome;  // network -> what the start-up rebuild did
    HostOps &m_ops;
    DnsmasqSupervisor &m_dnsmasq;
    Authorizer &m_auth;
    Executor m_executor;
    HelperLimits m_limits;
    QLocalServer m_server;
    QMap<QString, Network> m_networks;
    QHash<quint64, Connection *> m_connections;
    quint64 m_nextConnection = 1;
};

}  // namespace netloom::helper
