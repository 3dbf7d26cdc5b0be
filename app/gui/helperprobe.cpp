#include "helperprobe.h"

#include "protocol/frame.h"
#include "protocol/message.h"

#include <QCoreApplication>
#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusMetaType>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLocalSocket>

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
        if (m_socket)
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
    if (!QFileInfo::exists(m_socketPath)) {
        socketDone(HelperStatus::Reach::NotRunning, tr("no helper socket at %1").arg(m_socketPath));
        return;
    }
    m_buffer.clear();
    m_socket = new QLocalSocket(this);
    connect(m_socket, &QLocalSocket::connected, this, [this] {
        protocol::Request hello;
        hello.id = 1;
        hello.op = protocol::Op::Hello;
        const Result<QByteArray> frame = protocol::encodeFrame(protocol::encodeRequest(hello));
        if (!frame) {
            socketDone(HelperStatus::Reach::Broken, frame.error().message);
            return;
        }
        m_socket->write(*frame);
    });
    connect(m_socket, &QLocalSocket::readyRead, this, &HelperProbe::onSocketData);
    connect(m_socket, &QLocalSocket::errorOccurred, this, [this](QLocalSocket::LocalSocketError e) {
        if (!m_socket)
            return;
        const bool absent = e == QLocalSocket::ConnectionRefusedError || e == QLocalSocket::ServerNotFoundError;
        socketDone(absent ? HelperStatus::Reach::NotRunning : HelperStatus::Reach::Broken,
                   tr("failed to connect to '%1': %2").arg(m_socketPath, m_socket->errorString()));
    });
    m_timeout.start();
    m_socket->connectToServer(m_socketPath);
}

void HelperProbe::onSocketData()
{
    if (!m_socket)
        return;
    protocol::FrameDecoder decoder;
    m_buffer += m_socket->read(protocol::kMaxMessageBytes + protocol::kFrameHeaderBytes);
    if (m_buffer.size() > protocol::kMaxMessageBytes + protocol::kFrameHeaderBytes) {
        socketDone(HelperStatus::Reach::Broken, tr("the helper's reply is too large"));
        return;
    }
    if (Status s = decoder.feed(m_buffer); !s) {
        socketDone(HelperStatus::Reach::Broken, s.error().message);
        return;
    }
    QByteArray payload;
    if (!decoder.takeFrame(&payload))
        return;  // wait for the rest
    const Result<protocol::Response> r = protocol::decodeResponse(payload);
    if (!r) {
        socketDone(HelperStatus::Reach::Broken, r.error().message);
        return;
    }
    if (!r->ok) {
        socketDone(HelperStatus::Reach::Broken, r->error.message);
        return;
    }
    socketDone(HelperStatus::Reach::Reachable, QString(), r->result.value(QStringLiteral("version")).toInt());
}

void HelperProbe::socketDone(HelperStatus::Reach reach, const QString &detail, int version)
{
    m_timeout.stop();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    m_status.reach = reach;
    m_status.protocolVersion = version;
    if (!detail.isEmpty())
        m_status.detail = detail;
    partDone();
}

// polkit's subject: (sa{sv}) with kind "unix-process" and pid + start-time.
namespace {
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
    subject.details.insert(QStringLiteral("start-time"), QVariant::fromValue(quint64(0)));
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
