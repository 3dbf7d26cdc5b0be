// SPDX-License-Identifier: GPL-3.0-or-later
// Authorization of non-root callers through polkit's D-Bus API (Qt DBus, asynchronous).
//
// Design note. The subject is polkit's "unix-process" with the pid, start time and uid
// taken from the peer credentials (peer.h) — polkit 122 has no pidfd subject, so the
// server re-checks the pinned peer after the answer. Three outcomes collapse into two:
// authorized -> allow; not authorized, a challenge (no agent can answer for a daemon's
// client), a D-Bus error (polkitd absent, unknown action, vanished process) or a timeout
// -> deny, with the reason in the error message. A check can be cancelled (client
// disconnected): the reply is dropped and polkit is told via CancelCheckAuthorization.
#pragma once

#include "base/result.h"

#include <QHash>
#include <QMap>
#include <QObject>

#include <functional>
#include <sys/types.h>

class QDBusPendingCallWatcher;

namespace netloom::helper {

// Actions (resources/org.netloom.policy).
constexpr const char *kActionManage = "org.netloom.manage";
constexpr const char *kActionBridgePhysical = "org.netloom.bridge-physical";

struct AuthSubject {
    pid_t pid = 0;
    quint64 startTime = 0;
    uid_t uid = 0;
};

class Authorizer : public QObject {
    Q_OBJECT
public:
    using Callback = std::function<void(Status)>;
    using QObject::QObject;
    // Starts a check; `done` is called exactly once later (never synchronously), unless
    // cancel(handle) is called first.
    virtual quint64 check(const AuthSubject &subject, const QString &action, const QMap<QString, QString> &details,
                          Callback done) = 0;
    virtual void cancel(quint64 handle) = 0;
};

class PolkitAuthorizer : public Authorizer {
    Q_OBJECT
public:
    static constexpr int kTimeoutMs = 120000;  // an agent may be showing a password dialog
    explicit PolkitAuthorizer(QObject *parent = nullptr);

    quint64 check(const AuthSubject &subject, const QString &action, const QMap<QString, QString> &details,
                  Callback done) override;
    void cancel(quint64 handle) override;

private:
    struct Pending {
        QDBusPendingCallWatcher *watcher = nullptr;
        Callback done;
        QString action;
    };
    quint64 m_next = 1;
    QHash<quint64, Pending> m_pending;
};

}  // namespace netloom::helper
