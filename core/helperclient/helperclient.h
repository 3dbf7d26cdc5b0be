// SPDX-License-Identifier: GPL-3.0-or-later
// HelperClient: the unprivileged side of the helper protocol (docs/helper-protocol.md).
//
// Design note. One QLocalSocket, asynchronous: every request gets a fresh id and a
// callback; responses are matched by id, each request has its own timeout, and when the
// connection drops every pending request fails with ErrorCode::Io. The helper answers a
// connection's requests in order, but the client does not rely on it. A response with id
// -1 is the helper's last word about a broken connection and fails every pending request.
// Networks applied without `persistent` live as long as this connection: destroying the
// client (or the process dying) tears them down in the helper.
#pragma once

#include "base/result.h"
#include "protocol/frame.h"
#include "protocol/hoststate.h"
#include "protocol/message.h"

#include <QHash>
#include <QJsonObject>
#include <QLocalSocket>
#include <QObject>

#include <functional>

class QTimer;

namespace netloom {

class HelperClient : public QObject {
    Q_OBJECT
public:
    using Callback = std::function<void(const Result<QJsonObject> &)>;
    static constexpr int kDefaultTimeoutMs = 30000;
    static constexpr int kMaxPendingRequests = 64;
    // Default socket of a systemd-activated helper.
    static QString defaultSocketPath() { return QStringLiteral("/run/netloom/helper.sock"); }

    explicit HelperClient(QObject *parent = nullptr);
    ~HelperClient() override;

    // Starts connecting; connected() or errorOccurred() follows.
    void connectToHelper(const QString &socketPath);
    // Blocking variant for command-line use and tests (bounded by timeoutMs).
    Status connectAndWait(const QString &socketPath, int timeoutMs = 5000);
    void disconnectFromHelper();
    bool isConnected() const;

    // Sends a request (its id is assigned here) and returns the id; `done` runs exactly
    // once: with the helper's result, its error, a timeout or the connection's loss.
    qint64 send(protocol::Request request, Callback done, int timeoutMs = kDefaultTimeoutMs);
    qint64 hello(Callback done);
    qint64 apply(const QString &network, const protocol::HostState &state, bool persistent, bool allowPhysical,
                 Callback done);
    qint64 teardown(const QString &network, Callback done);
    qint64 status(const QString &network, Callback done);
    qint64 list(Callback done);

    // Sends `request` once connected to `socketPath`: at once when connected, else after
    // connecting (requests made meanwhile wait with it, at most kMaxPendingRequests). When the
    // connection cannot be made, every waiting `done` gets that error and the next call
    // connects again. `done` runs exactly once, never inside this call.
    void sendWhenConnected(const QString &socketPath, protocol::Request request, Callback done,
                           int timeoutMs = kDefaultTimeoutMs);

    // Sends and waits (local event loop) — for the CLI and tests, never for the GUI thread.
    Result<QJsonObject> call(protocol::Request request, int timeoutMs = kDefaultTimeoutMs);

Q_SIGNALS:
    void connected();
    void disconnected();
    void errorOccurred(const netloom::Error &error);

private:
    struct Pending {
        Callback done;
        QTimer *timer = nullptr;
    };
    void onReadyRead();
    void complete(qint64 id, const Result<QJsonObject> &result);
    void failAll(const Error &error);

    QLocalSocket m_socket;
    protocol::FrameDecoder m_decoder;
    QHash<qint64, Pending> m_pending;
    struct Waiting {
        protocol::Request request;
        Callback done;
        int timeoutMs = kDefaultTimeoutMs;
    };
    QList<Waiting> m_waiting;  // sendWhenConnected() while connecting
    bool m_connectScheduled = false;
    void failWaiting(const Error &error);
    qint64 m_nextId = 1;
};

}  // namespace netloom
