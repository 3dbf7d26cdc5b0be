// SPDX-License-Identifier: GPL-3.0-or-later
#include "qmpclient.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include "base/fdpassing.h"

#include <QPointer>

namespace netloom::qemu {

QmpClient::QmpClient(QObject *parent) : QmpClient(Limits{}, parent) {}

QmpClient::QmpClient(const Limits &limits, QObject *parent) : QObject(parent), m_limits(limits)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &QmpClient::attempt);
}

QmpClient::~QmpClient()
{
    // Callbacks must not run into a half-destroyed owner: drop them silently.
    for (auto &[id, p] : m_pending)
        delete p.timer;
    m_pending.clear();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

void QmpClient::connectToSocket(const QString &path, int timeoutMs)
{
    close();
    m_path = path;
    m_timeoutMs = timeoutMs;
    m_connectClock.start();
    m_state = State::Connecting;
    attempt();
}

void QmpClient::attempt()
{
    if (m_state != State::Connecting)
        return;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->deleteLater();
    }
    m_socket = new QLocalSocket(this);
    m_buffer.clear();
    m_greeting = QJsonObject();
    connect(m_socket, &QLocalSocket::readyRead, this, &QmpClient::onReadyRead);
    connect(m_socket, &QLocalSocket::errorOccurred, this, &QmpClient::onSocketError);
    connect(m_socket, &QLocalSocket::disconnected, this, &QmpClient::onSocketDisconnected);
    connect(m_socket, &QLocalSocket::connected, this, [this] { m_state = State::Negotiating; });
    m_socket->connectToServer(m_path);
}

void QmpClient::onSocketError(QLocalSocket::LocalSocketError error)
{
    if (m_state == State::Connecting &&
        (error == QLocalSocket::ServerNotFoundError || error == QLocalSocket::ConnectionRefusedError)) {
        if (m_connectClock.elapsed() + m_limits.retryMs <= m_timeoutMs) {
            m_retry.start(m_limits.retryMs);
            return;
        }
        drop(ErrorCode::Timeout, QStringLiteral("failed to connect to QMP socket '%1': no QEMU listening after %2 ms")
                                     .arg(m_path)
                                     .arg(m_timeoutMs));
        return;
    }
    if (error == QLocalSocket::PeerClosedError)
        return;  // handled by onSocketDisconnected
    if (m_state != State::Disconnected)
        drop(ErrorCode::Io, QStringLiteral("failed to talk to QMP socket '%1': %2")
                                .arg(m_path, m_socket ? m_socket->errorString() : QStringLiteral("socket error")));
}

void QmpClient::onSocketDisconnected()
{
    if (m_state != State::Disconnected && m_state != State::Connecting)
        drop(ErrorCode::Io, QStringLiteral("QMP connection '%1' closed by QEMU").arg(m_path));
}

void QmpClient::drain()
{
    // waitForReadyRead(0) reads what the kernel holds and emits readyRead synchronously.
    for (int i = 0; i < 64 && m_socket && m_socket->state() == QLocalSocket::ConnectedState; ++i) {
        if (!m_socket->waitForReadyRead(0))
            break;
    }
}

void QmpClient::close()
{
    if (m_state == State::Disconnected && !m_socket)
        return;
    drop(ErrorCode::Cancelled, QStringLiteral("QMP connection '%1' closed").arg(m_path));
}

void QmpClient::drop(ErrorCode code, const QString &reason)
{
    const bool wasActive = m_state != State::Disconnected;
    m_state = State::Disconnected;
    m_retry.stop();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    m_buffer.clear();
    QPointer<QmpClient> self(this);
    auto pending = std::move(m_pending);
    m_pending.clear();
    for (auto &[id, p] : pending) {
        delete p.timer;
        if (p.done)
            p.done(Error{code, QStringLiteral("failed to run QMP command '%1': %2").arg(p.command, reason)});
        if (!self)
            return;
    }
    if (wasActive)
        emit disconnected(reason);
}

void QmpClient::onReadyRead()
{
    QPointer<QmpClient> self(this);
    m_buffer += m_socket->readAll();
    for (;;) {
        const qsizetype nl = m_buffer.indexOf('\n');
        if (nl < 0) {
            if (m_buffer.size() > m_limits.maxMessageBytes)
                drop(ErrorCode::LimitExceeded, QStringLiteral("failed to read QMP socket '%1': a message exceeds %2 bytes")
                                                   .arg(m_path)
                                                   .arg(m_limits.maxMessageBytes));
            return;
        }
        if (nl > m_limits.maxMessageBytes) {
            drop(ErrorCode::LimitExceeded, QStringLiteral("failed to read QMP socket '%1': a message exceeds %2 bytes")
                                               .arg(m_path)
                                               .arg(m_limits.maxMessageBytes));
            return;
        }
        const QByteArray line = m_buffer.left(nl).trimmed();
        m_buffer.remove(0, nl + 1);
        if (line.isEmpty())
            continue;
        QJsonParseError perr{};
        const QJsonDocument doc = QJsonDocument::fromJson(line, &perr);
        if (perr.error != QJsonParseError::NoError || !doc.isObject()) {
            drop(ErrorCode::Protocol, QStringLiteral("failed to read QMP socket '%1': not a JSON object: %2")
                                          .arg(m_path, QString::fromUtf8(line.left(80))));
            return;
        }
        handleMessage(doc.object());
        if (!self || !m_socket)
            return;
    }
}

void QmpClient::handleMessage(const QJsonObject &msg)
{
    if (m_state == State::Negotiating && m_greeting.isEmpty()) {
        if (!msg.value(QStringLiteral("QMP")).isObject()) {
            drop(ErrorCode::Protocol, QStringLiteral("failed to negotiate QMP on '%1': expected a greeting").arg(m_path));
            return;
        }
        m_greeting = msg.value(QStringLiteral("QMP")).toObject();
        send(QStringLiteral("qmp_capabilities"), {}, [this](const Result<QJsonValue> &r) {
            if (!r) {
                drop(ErrorCode::Protocol, r.error().message);
                return;
            }
            m_state = State::Ready;
            emit ready();
        }, int(qMax<qint64>(5000, m_timeoutMs - m_connectClock.elapsed())));  // a slow QEMU keeps its whole budget
        return;
    }
    if (msg.contains(QStringLiteral("event"))) {
        emit qmpEvent(msg.value(QStringLiteral("event")).toString(), msg.value(QStringLiteral("data")).toObject());
        return;
    }
    const QJsonValue idv = msg.value(QStringLiteral("id"));
    if (!idv.isDouble())
        return;  // a reply we did not ask for (no id): nothing waits for it
    const qint64 id = qint64(idv.toDouble());
    const auto it = m_pending.find(id);
    if (it == m_pending.end())
        return;  // late reply after a timeout
    if (msg.contains(QStringLiteral("return"))) {
        finish(id, msg.value(QStringLiteral("return")));
    } else {
        const QJsonObject err = msg.value(QStringLiteral("error")).toObject();
        finish(id, Error{ErrorCode::Protocol, QStringLiteral("failed to run QMP command '%1': %2: %3")
                                                  .arg(it->second.command,
                                                       err.value(QStringLiteral("class")).toString(),
                                                       err.value(QStringLiteral("desc")).toString())});
    }
}

void QmpClient::execute(const QString &command, const QJsonObject &arguments, Callback done, int timeoutMs)
{
    if (m_state != State::Ready) {
        done(Error{ErrorCode::Protocol,
                   QStringLiteral("failed to run QMP command '%1': not connected to QEMU").arg(command)});
        return;
    }
    send(command, arguments, std::move(done), timeoutMs);
}

void QmpClient::executeWithFd(const QString &command, const QJsonObject &arguments, int fd, Callback done, int timeoutMs)
{
    if (m_state != State::Ready) {
        done(Error{ErrorCode::Protocol,
                   QStringLiteral("failed to run QMP command '%1': not connected to QEMU").arg(command)});
        return;
    }
    if (fd < 0) {
        done(Error{ErrorCode::InvalidArgument, QStringLiteral("failed to run QMP command '%1': no descriptor to pass").arg(command)});
        return;
    }
    send(command, arguments, std::move(done), timeoutMs, fd);
}

// Writes `line` on the socket's descriptor with `fd` attached (QLocalSocket cannot pass
// descriptors). Everything QLocalSocket still buffers goes first, so commands keep their order.
static Status sendLineWithFd(QLocalSocket *socket, const QByteArray &line, int fd)
{
    socket->flush();
    if (socket->bytesToWrite() > 0 && !socket->waitForBytesWritten(1000))
        return Error{ErrorCode::Timeout, QStringLiteral("QEMU does not read its monitor")};
    Result<qsizetype> sent = sendWithFd(int(socket->socketDescriptor()), line, fd);
    if (!sent)
        return sent.error();
    if (*sent < line.size())  // the descriptor went with the first byte; the rest is plain data
        socket->write(line.mid(*sent));
    return ok();
}

void QmpClient::send(const QString &command, const QJsonObject &arguments, Callback done, int timeoutMs, int fd)
{
    if (int(m_pending.size()) >= m_limits.maxPending) {
        done(Error{ErrorCode::LimitExceeded, QStringLiteral("failed to run QMP command '%1': %2 commands in flight")
                                                 .arg(command)
                                                 .arg(m_limits.maxPending)});
        return;
    }
    const qint64 id = m_nextId++;
    QJsonObject msg{{QStringLiteral("execute"), command}, {QStringLiteral("id"), double(id)}};
    if (!arguments.isEmpty())
        msg.insert(QStringLiteral("arguments"), arguments);
    Pending p;
    p.command = command;
    p.done = std::move(done);
    p.timer = new QTimer(this);
    p.timer->setSingleShot(true);
    connect(p.timer, &QTimer::timeout, this, [this, id, command, timeoutMs] {
        finish(id, Error{ErrorCode::Timeout,
                         QStringLiteral("failed to run QMP command '%1': no reply within %2 ms").arg(command).arg(timeoutMs)});
    });
    const QByteArray line = QJsonDocument(msg).toJson(QJsonDocument::Compact) + '\n';
    if (fd >= 0) {
        if (Status s = sendLineWithFd(m_socket, line, fd); !s) {
            delete p.timer;
            p.done(Error{s.error().code, QStringLiteral("failed to run QMP command '%1': %2").arg(command, s.error().message)});
            return;
        }
    }
    p.timer->start(timeoutMs);
    m_pending.emplace(id, std::move(p));
    if (fd < 0)
        m_socket->write(line);
}

void QmpClient::finish(qint64 id, const Result<QJsonValue> &result)
{
    const auto it = m_pending.find(id);
    if (it == m_pending.end())
        return;
    Pending p = std::move(it->second);
    m_pending.erase(it);
    p.timer->deleteLater();
    if (p.done)
        p.done(result);
}

}  // namespace netloom::qemu
