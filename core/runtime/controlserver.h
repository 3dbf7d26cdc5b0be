// SPDX-License-Identifier: GPL-3.0-or-later
// ControlServer: the per-user control socket of a running topology, which `netloomctl leases`
// and `netloomctl stats` query.
//
// Design note. A QLocalServer at $XDG_RUNTIME_DIR/netloom/<topology>.ctl (socketPathFor),
// mode 0600, and every connection's peer uid (SO_PEERCRED) must equal ours. Protocol: JSON
// lines. A request is one object of at most kMaxRequestBytes: {"op":"status"|"leases"|"stats"}
// (read-only) or {"op":"stop-guest"|"start-guest"|"stop-network"|"start-network","node":ID}
// (the Runtime's per-node control; only the user who runs the topology can connect),
// {"op":"power","node":ID,"action":...}, "link" and "forward" (handled by the owner, see
// setLinkHandler/setForwardHandler), and two whose answer comes later and ends the
// connection: {"op":"screenshot","node":ID,"file":PATH} and {"op":"console","node":ID,
// "kind":"serial"|"graphical"}, whose answer carries the console's descriptor as SCM_RIGHTS
// (the client reads it with queryControlFd) and the serial log's tail (base64 "replay");
// the answer is one line {"ok":true,"result":{...}} or {"ok":false,"error":"..."}. Bounds:
// kMaxClients connections, kMaxRequestBytes per line (longer closes the connection), and an
// idle connection is closed after kIdleMs.
#pragma once

#include "base/result.h"

#include <QJsonObject>
#include <QLocalServer>
#include <QObject>

#include <functional>

namespace netloom::runtime {

class Runtime;

// Control socket path for a topology: $XDG_RUNTIME_DIR/netloom/<id>.ctl, or
// /tmp/netloom-<uid>/<id>.ctl without XDG_RUNTIME_DIR. Pure apart from reading the environment.
QString controlSocketPathFor(const QString &topologyName);

// The answers, also used for `netloomctl up --json`. Pure over the runtime's state.
QJsonObject statusJson(const Runtime &runtime);
QJsonObject leasesJson(const Runtime &runtime);
QJsonObject statsJson(const Runtime &runtime);

class ControlServer : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxClients = 16;
    static constexpr qint64 kMaxRequestBytes = 4096;
    static constexpr int kIdleMs = 10000;
    static constexpr int kMaxNodeIdChars = 64;

    ControlServer(Runtime *runtime, QObject *parent = nullptr);
    ~ControlServer() override;  // closes and removes the socket file

    // Listens at `path` (a stale socket is replaced; a live one — another instance of this
    // topology — is an error). Touches: creates the directory (0700) and the socket (0600).
    Status listen(const QString &path);
    QString path() const { return m_path; }

    // Op "link" ({"op":"link","link":REF,"action":ACTION,"dir":DIR}, see model/linkedit.h)
    // changes a link's emulation; only the owner of the topology can re-plan it, so it
    // supplies the handler (netloomctl up). Without one the op answers "not supported".
    // The handler returns the reply's "result" object or the refusal.
    using LinkHandler = std::function<Result<QJsonObject>(const QString &ref, const QString &action, const QString &dir)>;
    void setLinkHandler(LinkHandler handler) { m_linkHandler = std::move(handler); }
    // Op "forward" ({"op":"forward","action":"add"|"remove"|"list","spec":TEXT,"gateway":ID},
    // see model/portforward.h) adds, removes or lists the NAT gateways' port forwards of the
    // running topology; like "link", the owner supplies the handler (netloomctl up). The
    // handler answers through `reply` (exactly once, possibly later: an add or remove waits for
    // the helper's answer to its apply, so a refusal reaches the caller); the server answers
    // "timed out" itself after kForwardReplyMs and ignores a later reply.
    using ForwardReply = std::function<void(const Result<QJsonObject> &)>;
    using ForwardHandler = std::function<void(const QString &action, const QString &spec, const QString &gateway, ForwardReply reply)>;
    static constexpr int kForwardReplyMs = 10000;
    void setForwardHandler(ForwardHandler handler) { m_forwardHandler = std::move(handler); }

private:
    void onNewConnection();
    QByteArray answer(const QByteArray &line) const;
    // Starts answering `line` when its op answers later (console, screenshot): returns true
    // and the connection reads no further request. False: a synchronous op for answer().
    bool answerAsync(QLocalSocket *s, const QByteArray &line);

    Runtime *m_runtime;
    LinkHandler m_linkHandler;
    ForwardHandler m_forwardHandler;
    QLocalServer m_server;
    QString m_path;
    int m_clients = 0;
};

// Client side: sends one request to `path` and returns the "result" object, or an error
// ("failed to query '<path>': ..."). Bounded by timeoutMs.
Result<QJsonObject> queryControl(const QString &path, const QString &op, int timeoutMs = 3000);
// The same with a whole request object ({"op":..., "node":...}).
Result<QJsonObject> queryControl(const QString &path, const QJsonObject &request, int timeoutMs = 3000);

// A reply that may carry a descriptor (op "console").
struct ControlFdReply {
    QJsonObject result;
    int fd = -1;  // the caller owns it; -1 when none came
};
// Sends `request` over a raw unix socket (QLocalSocket would drop a passed descriptor) and
// returns the result and the descriptor that came with it. A refused connect to another
// user's socket is PermissionDenied. Bounded by timeoutMs.
Result<ControlFdReply> queryControlFd(const QString &path, const QJsonObject &request, int timeoutMs = 10000);

}  // namespace netloom::runtime
