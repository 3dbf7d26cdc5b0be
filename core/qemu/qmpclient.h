// SPDX-License-Identifier: GPL-3.0-or-later
// QmpClient: a QEMU Machine Protocol client over a unix socket (QLocalSocket).
//
// Design note. QMP is line-delimited JSON: on connect QEMU sends a greeting
// {"QMP": {...}}; the client must send qmp_capabilities before any other command; then
// each command {"execute": ..., "arguments": ..., "id": N} gets exactly one reply
// {"return": ..., "id": N} or {"error": {"class", "desc"}, "id": N}, and asynchronous
// {"event": ..., "data": ..., "timestamp": ...} messages may arrive at any time. Every
// command here carries an id, so replies are matched by id, never by order.
// QEMU creates its socket a moment after it starts, so connecting retries every 50 ms up
// to a deadline. Bounds: one message at most maxMessageBytes (the connection is dropped
// otherwise), at most maxPending commands in flight, a timeout per command. Each command's
// callback is called exactly once: with the result, a QMP error, a timeout, or the
// connection's end.
#pragma once

#include "base/result.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QJsonValue>
#include <QLocalSocket>
#include <QObject>
#include <QTimer>

#include <functional>
#include <map>

namespace netloom::qemu {

class QmpClient : public QObject {
    Q_OBJECT
public:
    enum class State { Disconnected, Connecting, Negotiating, Ready };
    using Callback = std::function<void(const Result<QJsonValue> &)>;

    struct Limits {
        qsizetype maxMessageBytes = 1 << 20;
        int maxPending = 64;
        int retryMs = 50;  // between connection attempts
    };

    explicit QmpClient(QObject *parent = nullptr);
    QmpClient(const Limits &limits, QObject *parent);
    ~QmpClient() override;

    State state() const { return m_state; }
    // The "QMP" member of QEMU's greeting (version, capabilities); empty before it came.
    const QJsonObject &greeting() const { return m_greeting; }

    // Connects to the QMP socket at `path`, retrying until `timeoutMs` has passed, then
    // negotiates capabilities. Emits ready() or disconnected(reason).
    void connectToSocket(const QString &path, int timeoutMs);
    // Processes whatever QEMU already wrote to the socket (events sent just before it
    // exited, e.g. SHUTDOWN) without waiting for more.
    void drain();
    // Closes the connection; pending commands fail with Cancelled. Emits disconnected().
    void close();

    // Sends a command (only in state Ready; otherwise `done` gets an error at once).
    // `done` receives the "return" value or an Error naming the command.
    void execute(const QString &command, const QJsonObject &arguments, Callback done, int timeoutMs = 5000);
    void execute(const QString &command, Callback done, int timeoutMs = 5000)
    {
        execute(command, QJsonObject(), std::move(done), timeoutMs);
    }
    // The same, passing the descriptor `fd` to QEMU as SCM_RIGHTS ancillary data of the
    // command's bytes (for "getfd"/"add-fd"). The caller keeps its own `fd` (the kernel
    // duplicates it into QEMU) and closes it when it likes.
    void executeWithFd(const QString &command, const QJsonObject &arguments, int fd, Callback done, int timeoutMs = 5000);

signals:
    void ready();
    // An asynchronous QMP event, e.g. "SHUTDOWN" with data {"guest": true, "reason": ...}.
    void qmpEvent(const QString &name, const QJsonObject &data);
    void disconnected(const QString &reason);

private:
    struct Pending {
        QString command;
        Callback done;
        QTimer *timer = nullptr;
    };

    void attempt();
    void onReadyRead();
    void onSocketError(QLocalSocket::LocalSocketError error);
    void onSocketDisconnected();
    void handleMessage(const QJsonObject &msg);
    void send(const QString &command, const QJsonObject &arguments, Callback done, int timeoutMs, int fd = -1);
    void finish(qint64 id, const Result<QJsonValue> &result);
    void drop(ErrorCode code, const QString &reason);

    Limits m_limits;
    QLocalSocket *m_socket = nullptr;
    State m_state = State::Disconnected;
    QString m_path;
    int m_timeoutMs = 0;
    QElapsedTimer m_connectClock;
    QTimer m_retry;
    QByteArray m_buffer;
    QJsonObject m_greeting;
    qint64 m_nextId = 1;
    std::map<qint64, Pending> m_pending;
};

}  // namespace netloom::qemu
