// SPDX-License-Identifier: GPL-3.0-or-later
#include "helperprobe.h"

#include "helperclient/helperclient.h"
#include "protocol/message.h"

#include <QCoreApplication>
#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusMetaType>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

#include <unistd.h>

namespace netloom::gui {

QStringList helperStartCommand(const QString &socketPath, bool unitInstalled, const QString &helperPath)
{
    if (unitInstalled && socketPath == QLatin1String(kDefaultHelperSocket))
        return {QStringLiteral("systemctl"), QStringLiteral("start"), QStringLiteral("netloom-helper.socket")};
    return {QStringLiteral("pkexec"), helperPath, QStringLiteral("--socket"), socketPath};
}

bool helperUnitInstalled()
{
    for (const char *dir : {"/etc/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"})
        if (QFileInfo::exists(QString::fromLatin1(dir) + QStringLiteral("/netloom-helper.socket")))
            return true;
    return false;
}

QString defaultHelperPath()
{
    const QString inBuildTree =
        QDir(QCoreApplication::applicationDirPath()).absoluteFilePath(QStringLiteral("../../helper/netloom-helper"));
    if (QFileInfo(inBuildTree).isExecutable())
        return QDir::cleanPath(inBuildTree);
    return QStringLiteral(NETLOOM_LIBEXECDIR "/netloom/netloom-helper");
}

HelperProbe::HelperProbe(QObject *parent) : QObject(parent)
{
    m_timeout.setSingleShot(true);
    m_timeout.setInterval(kTimeoutMs);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        if (m_client)
            socketDone(HelperStatus::Reach::Broken, tr("the helper did not answer within %1 s").arg(kTimeoutMs / 1000));
    });
}

void HelperProbe::probe()
{
    if (busy())
        return;
    m_status = HelperStatus{};
    m_pending = 2;
    probeSocket();
    probeAuthorization();
}

void HelperProbe::probeSocket()
{
    m_socketPending = true;
    if (!QFileInfo::exists(m_socketPath)) {
        socketDone(HelperStatus::Reach::NotRunning, tr("no helper socket at %1").arg(m_socketPath));
        return;
    }
    m_client = new HelperClient(this);
    connect(m_client, &HelperClient::connected, this, [this] {
        m_connected = true;
        protocol::Request hello;
        hello.op = protocol::Op::Hello;
        m_client->send(hello,
                       [this](const Result<QJsonObject> &r) {
                           if (!r)
                               socketDone(HelperStatus::Reach::Broken, r.error().message);
                           else
                               socketDone(HelperStatus::Reach::Reachable, QString(),
                                          r->value(QStringLiteral("version")).toInt());
                       },
                       kTimeoutMs);
    });
    connect(m_client, &HelperClient::errorOccurred, this, [this](const Error &e) {
        // Refused before a connection existed: a stale socket, nobody listens. A failure
        // after connecting is answered through the hello callback.
        if (!m_connected)
            socketDone(HelperStatus::Reach::NotRunning, e.message);
    });
    m_timeout.start();
    m_client->connectToHelper(m_socketPath);
}

void HelperProbe::socketDone(HelperStatus::Reach reach, const QString &detail, int version)
{
    if (!m_socketPending)
        return;  // already answered (e.g. the timeout fired before a late callback)
    m_socketPending = false;
    m_timeout.stop();
    if (m_client) {
        m_client->disconnect(this);
        m_client->deleteLater();
        m_client = nullptr;
    }
    m_connected = false;
    m_status.reach = reach;
    m_status.protocolVersion = version;
    if (!detail.isEmpty())
        m_status.detail = detail;
    partDone();
}

// polkit's subject: (sa{sv}) with kind "unix-process" and pid + start-time.
namespace {
// Field 22 of /proc/self/stat (start time in clock ticks), which polkit compares to tell
// a process from a later one with the same pid. 0 if unreadable (polkit then looks it up).
quint64 processStartTime()
{
    QFile f(QStringLiteral("/proc/self/stat"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray stat = f.read(4096);
    // The command name (field 2) may contain spaces and ')': fields restart after the last ')'.
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0)
        return 0;
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    // After ')' come fields 3, 4, ...: field 22 is index 19.
    return fields.size() > 19 ? fields[19].toULongLong() : 0;
}

struct PolkitSubject {
    QString kind;
    QVariantMap details;
};
QDBusArgument &operator<<(QDBusArgument &arg, const PolkitSubject &s)
{
    arg.beginStructure();
    arg << s.kind << s.details;
    arg.endStructure();
    return arg;
}
const QDBusArgument &operator>>(const QDBusArgument &arg, PolkitSubject &s)
{
    arg.beginStructure();
    arg >> s.kind >> s.details;
    arg.endStructure();
    return arg;
}
// (bba{ss}): is_authorized, is_challenge, details
struct PolkitResult {
    bool authorized = false;
    bool challenge = false;
    QMap<QString, QString> details;
};
QDBusArgument &operator<<(QDBusArgument &arg, const PolkitResult &r)
{
    arg.beginStructure();
    arg << r.authorized << r.challenge << r.details;
    arg.endStructure();
    return arg;
}
const QDBusArgument &operator>>(const QDBusArgument &arg, PolkitResult &r)
{
    arg.beginStructure();
    arg >> r.authorized >> r.challenge >> r.details;
    arg.endStructure();
    return arg;
}
}  // namespace
}  // namespace netloom::gui

Q_DECLARE_METATYPE(netloom::gui::PolkitSubject)
Q_DECLARE_METATYPE(netloom::gui::PolkitResult)

namespace netloom::gui {

void HelperProbe::probeAuthorization()
{
    QDBusConnection bus = QDBusConnection::systemBus();
    if (!bus.isConnected()) {
        m_status.auth = HelperStatus::Auth::Unknown;
        partDone();
        return;
    }
    qDBusRegisterMetaType<PolkitSubject>();
    qDBusRegisterMetaType<PolkitResult>();
    qDBusRegisterMetaType<QMap<QString, QString>>();
    PolkitSubject subject;
    subject.kind = QStringLiteral("unix-process");
    subject.details.insert(QStringLiteral("pid"), QVariant::fromValue(quint32(::getpid())));
    subject.details.insert(QStringLiteral("start-time"), QVariant::fromValue(processStartTime()));
    subject.details.insert(QStringLiteral("uid"), QVariant::fromValue(qint32(::getuid())));
    QDBusMessage call = QDBusMessage::createMethodCall(
        QStringLiteral("org.freedesktop.PolicyKit1"), QStringLiteral("/org/freedesktop/PolicyKit1/Authority"),
        QStringLiteral("org.freedesktop.PolicyKit1.Authority"), QStringLiteral("CheckAuthorization"));
    call << QVariant::fromValue(subject) << QString::fromLatin1(kManageAction)
         << QVariant::fromValue(QMap<QString, QString>()) << quint32(0) << QString();
    auto *watcher = new QDBusPendingCallWatcher(bus.asyncCall(call, kTimeoutMs), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher *w) {
        w->deleteLater();
        QDBusPendingReply<PolkitResult> reply = *w;
        if (reply.isError()) {
            m_status.auth = HelperStatus::Auth::Unknown;
            if (m_status.detail.isEmpty())
                m_status.detail = tr("polkit could not be asked: %1").arg(reply.error().message());
        } else {
            const PolkitResult r = reply.value();
            m_status.auth = r.authorized ? HelperStatus::Auth::Yes
                            : r.challenge ? HelperStatus::Auth::AfterAuthentication
                                          : HelperStatus::Auth::No;
        }
        partDone();
    });
}

void HelperProbe::partDone()
{
    // Always asynchronous, even when both answers were known at once (no socket, no bus).
    if (--m_pending == 0)
        QMetaObject::invokeMethod(this, [this] { emit finished(m_status); }, Qt::QueuedConnection);
}

}  // namespace netloom::gui
