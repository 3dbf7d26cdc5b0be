// SPDX-License-Identifier: GPL-3.0-or-later
#include "helperclient.h"

#include <QEventLoop>
#include <QFileInfo>
#include <QTimer>

#include <utility>

namespace netloom {

using namespace protocol;

HelperClient::HelperClient(QObject *parent) : QObject(parent)
{
    connect(&m_socket, &QLocalSocket::connected, this, [this] {
        for (Waiting &w : std::exchange(m_waiting, {}))
            send(std::move(w.request), std::move(w.done), w.timeoutMs);
        Q_EMIT connected();
    });
    connect(&m_socket, &QLocalSocket::readyRead, this, &HelperClient::onReadyRead);
    connect(&m_socket, &QLocalSocket::disconnected, this, [this] {
        failAll(Error::failed(ErrorCode::Io, QStringLiteral("talk to"), QStringLiteral("netloom-helper"),
                              QStringLiteral("the connection was closed")));
        m_decoder = FrameDecoder();
        Q_EMIT disconnected();
    });
    connect(&m_socket, &QLocalSocket::errorOccurred, this, [this](QLocalSocket::LocalSocketError) {
        // Qt calls a socket file that does not exist an "invalid name": say what it means.
        const bool absent = m_socket.state() != QLocalSocket::ConnectedState && !QFileInfo::exists(m_socket.serverName());
        const Error e = Error::failed(absent ? ErrorCode::NotFound : ErrorCode::Io, QStringLiteral("connect to"), m_socket.serverName(),
                                      absent ? QStringLiteral("no such socket (is netloom-helper running?)") : m_socket.errorString());
        if (m_socket.state() == QLocalSocket::UnconnectedState)
            failAll(e);
        // A failed connect is reported while the socket still says "connecting".
        if (m_socket.state() != QLocalSocket::ConnectedState)
            failWaiting(e);
        Q_EMIT errorOccurred(e);
    });
}

HelperClient::~HelperClient()
{
    m_socket.disconnect(this);
    const Error gone = Error::failed(ErrorCode::Cancelled, QStringLiteral("talk to"), QStringLiteral("netloom-helper"),
                                     QStringLiteral("the client was destroyed"));
    failAll(gone);
    failWaiting(gone);
}

void HelperClient::sendWhenConnected(const QString &socketPath, Request request, Callback done, int timeoutMs)
{
    if (isConnected()) {
        send(std::move(request), std::move(done), timeoutMs);
        return;
    }
    if (m_waiting.size() + m_pending.size() >= kMaxPendingRequests) {
        QTimer::singleShot(0, this, [done, op = request.op] {
            done(Error::failed(ErrorCode::LimitExceeded, QStringLiteral("send"), opName(op),
                               QStringLiteral("more than %1 requests are waiting").arg(kMaxPendingRequests)));
        });
        return;
    }
    m_waiting.append(Waiting{std::move(request), std::move(done), timeoutMs});
    // Connecting later, from the event loop: a missing socket fails at once (errorOccurred
    // inside connectToServer), and `done` must not run inside this call.
    if (m_socket.state() == QLocalSocket::UnconnectedState && !m_connectScheduled) {
        m_connectScheduled = true;
        QTimer::singleShot(0, this, [this, socketPath] {
            m_connectScheduled = false;
            if (!m_waiting.isEmpty() && m_socket.state() == QLocalSocket::UnconnectedState)
                m_socket.connectToServer(socketPath);
        });
    }
}

void HelperClient::failWaiting(const Error &error)
{
    for (const Waiting &w : std::exchange(m_waiting, {}))
        if (w.done)
            w.done(error);
}

void HelperClient::connectToHelper(const QString &socketPath) { m_socket.connectToServer(socketPath); }

Status HelperClient::connectAndWait(const QString &socketPath, int timeoutMs)
{
    m_socket.connectToServer(socketPath);
    if (!m_socket.waitForConnected(timeoutMs))
        return Error::failed(ErrorCode::Io, QStringLiteral("connect to"), socketPath, m_socket.errorString());
    return ok();
}

void HelperClient::disconnectFromHelper() { m_socket.disconnectFromServer(); }

bool HelperClient::isConnected() const { return m_socket.state() == QLocalSocket::ConnectedState; }

qint64 HelperClient::send(Request request, Callback done, int timeoutMs)
{
    const qint64 id = m_nextId++;
    request.id = id;
    const auto failLater = [this, done](const Error &e) {
        QTimer::singleShot(0, this, [done, e] { done(e); });
    };
    if (m_pending.size() >= kMaxPendingRequests) {
        failLater(Error::failed(ErrorCode::LimitExceeded, QStringLiteral("send"), opName(request.op),
                                QStringLiteral("more than %1 requests are waiting").arg(kMaxPendingRequests)));
        return id;
    }
    auto frame = encodeFrame(encodeRequest(request));
    if (!frame) {
        failLater(frame.error());
        return id;
    }
    if (!isConnected()) {
        failLater(Error::failed(ErrorCode::Io, QStringLiteral("send"), opName(request.op),
                                QStringLiteral("not connected to netloom-helper")));
        return id;
    }
    auto *timer = new QTimer(this);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [this, id, op = request.op, timeoutMs] {
        complete(id, Error::failed(ErrorCode::Timeout, QStringLiteral("get an answer to"), opName(op),
                                   QStringLiteral("netloom-helper did not answer within %1 ms").arg(timeoutMs)));
    });
    timer->start(timeoutMs);
    m_pending.insert(id, Pending{std::move(done), timer});
    m_socket.write(*frame);
    return id;
}

qint64 HelperClient::hello(Callback done)
{
    Request r;
    r.op = Op::Hello;
    return send(r, std::move(done));
}

qint64 HelperClient::apply(const QString &network, const HostState &state, bool persistent, bool allowPhysical,
                           Callback done)
{
    Request r;
    r.op = Op::Apply;
    r.network = network;
    r.state = state;
    r.persistent = persistent;
    r.allowPhysical = allowPhysical;
    return send(r, std::move(done));
}

qint64 HelperClient::teardown(const QString &network, Callback done)
{
    Request r;
    r.op = Op::Teardown;
    r.network = network;
    return send(r, std::move(done));
}

qint64 HelperClient::status(const QString &network, Callback done)
{
    Request r;
    r.op = Op::Status;
    r.network = network;
    return send(r, std::move(done));
}

qint64 HelperClient::list(Callback done)
{
    Request r;
    r.op = Op::List;
    return send(r, std::move(done));
}

Result<QJsonObject> HelperClient::call(Request request, int timeoutMs)
{
    std::optional<Result<QJsonObject>> out;
    QEventLoop loop;
    send(std::move(request),
         [&](const Result<QJsonObject> &r) {
             out = r;
             loop.quit();
         },
         timeoutMs);
    if (!out)
        loop.exec();
    return *out;
}

void HelperClient::onReadyRead()
{
    while (m_socket.bytesAvailable() > 0) {
        const QByteArray chunk = m_socket.read(64 * 1024);
        if (auto s = m_decoder.feed(chunk); !s) {
            failAll(s.error());
            m_socket.abort();
            return;
        }
        QByteArray payload;
        while (m_decoder.takeFrame(&payload)) {
            auto resp = decodeResponse(payload);
            if (!resp) {
                failAll(resp.error());
                m_socket.abort();
                return;
            }
            if (resp->id == -1) {
                failAll(resp->error);
                continue;
            }
            if (resp->ok)
                complete(resp->id, resp->result);
            else
                complete(resp->id, resp->error);
        }
    }
}

void HelperClient::complete(qint64 id, const Result<QJsonObject> &result)
{
    auto it = m_pending.find(id);
    if (it == m_pending.end())
        return;  // late answer to a request that timed out
    Pending p = std::move(*it);
    m_pending.erase(it);
    if (p.timer)
        p.timer->deleteLater();
    if (p.done)
        p.done(result);
}

void HelperClient::failAll(const Error &error)
{
    const auto ids = m_pending.keys();
    for (qint64 id : ids)
        complete(id, error);
}

}  // namespace netloom
