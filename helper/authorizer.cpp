// SPDX-License-Identifier: GPL-3.0-or-later
#include "authorizer.h"

#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusMetaType>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QTimer>

namespace {

struct PolkitSubject {
    QString kind;
    QVariantMap details;
};
using StringMap = QMap<QString, QString>;

QDBusArgument &operator<<(QDBusArgument &a, const PolkitSubject &s)
{
    a.beginStructure();
    a << s.kind << s.details;
    a.endStructure();
    return a;
}

const QDBusArgument &operator>>(const QDBusArgument &a, PolkitSubject &s)
{
    a.beginStructure();
    a >> s.kind >> s.details;
    a.endStructure();
    return a;
}

}  // namespace

Q_DECLARE_METATYPE(PolkitSubject)

namespace netloom::helper {

namespace {
const QString kService = QStringLiteral("org.freedesktop.PolicyKit1");
const QString kPath = QStringLiteral("/org/freedesktop/PolicyKit1/Authority");
const QString kInterface = QStringLiteral("org.freedesktop.PolicyKit1.Authority");

Error denied(const QString &action, const QString &reason)
{
    return Error::failed(ErrorCode::PermissionDenied, QStringLiteral("authorize"), action, reason);
}
}  // namespace

PolkitAuthorizer::PolkitAuthorizer(QObject *parent) : Authorizer(parent)
{
    qDBusRegisterMetaType<PolkitSubject>();
    qDBusRegisterMetaType<StringMap>();
}

quint64 PolkitAuthorizer::check(const AuthSubject &subject, const QString &action,
                                const QMap<QString, QString> &details, Callback done)
{
    const quint64 handle = m_next++;
    QDBusConnection bus = QDBusConnection::systemBus();
    if (!bus.isConnected()) {
        const QString why = bus.lastError().message();
        m_pending.insert(handle, Pending{nullptr, done, action});
        QTimer::singleShot(0, this, [this, handle, action, why] {
            const auto p = m_pending.take(handle);
            if (p.done)
                p.done(denied(action, QStringLiteral("polkit is not available (no system bus: %1)")
                                          .arg(why.isEmpty() ? QStringLiteral("not connected") : why)));
        });
        return handle;
    }
    PolkitSubject s;
    s.kind = QStringLiteral("unix-process");
    s.details.insert(QStringLiteral("pid"), QVariant::fromValue(quint32(subject.pid)));
    s.details.insert(QStringLiteral("start-time"), QVariant::fromValue(quint64(subject.startTime)));
    s.details.insert(QStringLiteral("uid"), QVariant::fromValue(qint32(subject.uid)));
    QDBusMessage msg = QDBusMessage::createMethodCall(kService, kPath, kInterface, QStringLiteral("CheckAuthorization"));
    const quint32 allowUserInteraction = 1;
    msg << QVariant::fromValue(s) << action << QVariant::fromValue(StringMap(details))
        << QVariant::fromValue(allowUserInteraction) << QStringLiteral("netloom-%1").arg(handle);
    auto *watcher = new QDBusPendingCallWatcher(bus.asyncCall(msg, kTimeoutMs), this);
    m_pending.insert(handle, Pending{watcher, done, action});
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this, handle, action](QDBusPendingCallWatcher *w) {
        w->deleteLater();
        const auto p = m_pending.take(handle);
        if (!p.done)
            return;
        const QDBusMessage reply = w->reply();
        if (reply.type() == QDBusMessage::ErrorMessage) {
            const QString name = reply.errorName();
            const QString why = name == QLatin1String("org.freedesktop.DBus.Error.ServiceUnknown")
                                    ? QStringLiteral("polkit is not available (%1)").arg(reply.errorMessage())
                                    : QStringLiteral("polkit reported an error: %1: %2").arg(name, reply.errorMessage());
            p.done(denied(action, why));
            return;
        }
        if (reply.arguments().isEmpty() || !reply.arguments().first().canConvert<QDBusArgument>()) {
            p.done(denied(action, QStringLiteral("polkit sent an unexpected reply")));
            return;
        }
        const QDBusArgument arg = reply.arguments().first().value<QDBusArgument>();
        bool authorized = false, challenge = false;
        StringMap resultDetails;
        arg.beginStructure();
        arg >> authorized >> challenge >> resultDetails;
        arg.endStructure();
        if (authorized)
            p.done(ok());
        else if (challenge)
            p.done(denied(action, QStringLiteral("authentication is required but no agent could ask for it")));
        else
            p.done(denied(action, QStringLiteral("not authorized by polkit policy")));
    });
    return handle;
}

void PolkitAuthorizer::cancel(quint64 handle)
{
    auto p = m_pending.take(handle);
    if (p.watcher) {
        p.watcher->disconnect(this);
        p.watcher->deleteLater();
        QDBusMessage msg = QDBusMessage::createMethodCall(kService, kPath, kInterface,
                                                          QStringLiteral("CancelCheckAuthorization"));
        msg << QStringLiteral("netloom-%1").arg(handle);
        QDBusConnection::systemBus().asyncCall(msg, 5000);
    }
}

}  // namespace netloom::helper
