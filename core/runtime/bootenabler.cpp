// SPDX-License-Identifier: GPL-3.0-or-later
#include "bootenabler.h"

#include "helperclient/helperclient.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QMap>
#include <QProcess>
#include <QTimer>

namespace netloom::runtime {

QJsonObject EnabledTopology::toJson() const
{
    return QJsonObject{{QStringLiteral("topology"), topology}, {QStringLiteral("network"), network},
                       {QStringLiteral("hostSide"), hostSide},  {QStringLiteral("active"), active},
                       {QStringLiteral("boot"), boot},          {QStringLiteral("unit"), unit},
                       {QStringLiteral("unitEnabled"), unitEnabled}};
}

BootEnabler::BootEnabler(const QString &helperSocket, QObject *parent)
    : QObject(parent), m_socket(helperSocket.isEmpty() ? HelperClient::defaultSocketPath() : helperSocket), m_unitDir(userUnitDir())
{
}

BootEnabler::~BootEnabler()
{
    // The client fails its pending requests when it goes: their callbacks must not reach a
    // half-destroyed owner (they see m_dying and return).
    m_dying = true;
    delete m_client;
    if (m_process) {
        m_process->kill();
        m_process->waitForFinished(1000);
    }
}

void BootEnabler::setHelperSocket(const QString &path)
{
    const QString socket = path.isEmpty() ? HelperClient::defaultSocketPath() : path;
    if (socket == m_socket)
        return;
    m_socket = socket;
    if (m_client && !m_busy) {
        m_client->deleteLater();
        m_client = nullptr;
    }
}

void BootEnabler::finish(const Status &status)
{
    m_busy = false;
    const BootOutcome outcome = m_outcome;
    emit finished(status, outcome);
}

void BootEnabler::helperCall(const protocol::Request &r, std::function<void(const Result<QJsonObject> &)> done)
{
    if (!m_client)
        m_client = new HelperClient(this);
    m_client->sendWhenConnected(m_socket, r, [this, done = std::move(done)](const Result<QJsonObject> &res) {
        if (!m_dying)
            done(res);
    }, kHelperTimeoutMs);
}

void BootEnabler::systemctl(const QString &unit, bool enabled, std::function<void(const Status &)> done)
{
    const QString verb = enabled ? QStringLiteral("enable") : QStringLiteral("disable");
    auto *p = new QProcess(this);
    m_process = p;
    p->setProcessChannelMode(QProcess::SeparateChannels);
    auto fired = std::make_shared<bool>(false);
    auto once = [this, p, fired, done](const Status &s) {
        if (*fired)
            return;
        *fired = true;
        p->deleteLater();
        if (!m_dying)
            done(s);
    };
    auto *timer = new QTimer(p);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, p, [p, once, verb, unit] {
        p->kill();
        once(Error::failed(ErrorCode::Timeout, QStringLiteral("%1 user unit").arg(verb), unit, QStringLiteral("systemctl took longer than 30 s")));
    });
    connect(p, &QProcess::errorOccurred, p, [p, once, verb, unit](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            once(Error::failed(ErrorCode::NotFound, QStringLiteral("%1 user unit").arg(verb), unit,
                               QStringLiteral("systemctl could not be started (%1)").arg(p->errorString())));
    });
    connect(p, &QProcess::finished, p, [p, once, verb, unit](int code, QProcess::ExitStatus st) {
        if (st == QProcess::NormalExit && code == 0)
            return once(ok());
        QString err = QString::fromUtf8(p->readAllStandardError()).trimmed();
        if (err.size() > 400)
            err = err.left(400) + QStringLiteral("…");
        once(Error::failed(ErrorCode::System, QStringLiteral("%1 user unit").arg(verb), unit,
                           err.isEmpty() ? QStringLiteral("systemctl exited with %1").arg(code) : err));
    });
    timer->start(kSystemctlTimeoutMs);
    p->start(QStringLiteral("systemctl"), {QStringLiteral("--user"), verb, QStringLiteral("--"), unit});
}

void BootEnabler::enable(const QString &path)
{
    if (m_busy) {
        QTimer::singleShot(0, this, [this] {
            emit finished(Error{ErrorCode::Conflict, QStringLiteral("failed to enable: another operation is running")}, BootOutcome{});
        });
        return;
    }
    m_busy = true;
    m_outcome = BootOutcome{};
    Result<BootRequest> b = bootRequestFor(path);
    if (!b) {
        m_outcome.invalidInput = true;
        m_outcome.topologyPath = path;
        QTimer::singleShot(0, this, [this, e = b.error()] { finish(e); });
        return;
    }
    m_outcome.topologyPath = b->topologyPath;
    m_outcome.name = b->name;
    m_outcome.unit = upUnitName(b->topologyPath);
    const BootRequest req = *b;
    auto unitStep = [this, req] {
        if (!m_manageUnit)
            return finish(ok());
        systemctl(m_outcome.unit, true, [this, req](const Status &s) {
            if (s) {
                m_outcome.unitChanged = true;
                return finish(ok());
            }
            if (!m_outcome.hostSide)
                return finish(s);
            // All or nothing: the boot record goes again.
            protocol::Request undo;
            undo.op = protocol::Op::Disable;
            undo.network = req.network;
            helperCall(undo, [this, s](const Result<QJsonObject> &u) {
                if (u)
                    m_outcome.hostSide = false;
                finish(u ? s : Error{s.error().code, s.error().message + QStringLiteral("; and the boot record could not be removed: ") + u.error().message});
            });
        });
    };
    if (!req.hasHostSide) {
        QTimer::singleShot(0, this, unitStep);
        return;
    }
    helperCall(req.request, [this, req, unitStep](const Result<QJsonObject> &r) {
        if (!r)
            return finish(r.error());
        m_outcome.network = req.network;
        m_outcome.hostSide = true;
        unitStep();
    });
}

void BootEnabler::disable(const QString &path)
{
    if (m_busy) {
        QTimer::singleShot(0, this, [this] {
            emit finished(Error{ErrorCode::Conflict, QStringLiteral("failed to disable: another operation is running")}, BootOutcome{});
        });
        return;
    }
    m_busy = true;
    m_outcome = BootOutcome{};
    const QFileInfo fi(path);
    m_outcome.topologyPath = fi.exists() ? fi.canonicalFilePath() : fi.absoluteFilePath();
    m_outcome.unit = upUnitName(m_outcome.topologyPath);
    protocol::Request list;
    list.op = protocol::Op::Enabled;
    helperCall(list, [this](const Result<QJsonObject> &r) {
        if (!r)
            return finish(r.error());
        for (const QJsonValue &v : r->value(QStringLiteral("networks")).toArray())
            if (v.toObject().value(QStringLiteral("topology")).toString() == m_outcome.topologyPath)
                m_outcome.network = v.toObject().value(QStringLiteral("network")).toString();
        const bool unitOn = m_manageUnit && enabledUpUnits(m_unitDir).contains(m_outcome.topologyPath);
        if (m_outcome.network.isEmpty() && !unitOn)
            return finish(Error::failed(ErrorCode::NotFound, QStringLiteral("disable"), m_outcome.topologyPath, QStringLiteral("it is not enabled")));
        auto unitStep = [this, unitOn] {
            if (!unitOn)
                return finish(ok());
            systemctl(m_outcome.unit, false, [this](const Status &s) {
                m_outcome.unitChanged = bool(s);
                finish(s);
            });
        };
        if (m_outcome.network.isEmpty())
            return unitStep();
        protocol::Request d;
        d.op = protocol::Op::Disable;
        d.network = m_outcome.network;
        helperCall(d, [this, unitStep](const Result<QJsonObject> &dr) {
            if (!dr)
                return finish(dr.error());
            m_outcome.hostSide = true;
            unitStep();
        });
    });
}

QList<EnabledTopology> BootEnabler::merge(const Result<QJsonObject> &helperAnswer) const
{
    QMap<QString, EnabledTopology> rows;
    if (helperAnswer) {
        for (const QJsonValue &v : helperAnswer->value(QStringLiteral("networks")).toArray()) {
            const QJsonObject e = v.toObject();
            EnabledTopology t;
            t.topology = e.value(QStringLiteral("topology")).toString();
            t.network = e.value(QStringLiteral("network")).toString();
            t.hostSide = true;
            t.active = e.value(QStringLiteral("active")).toBool();
            t.boot = e.value(QStringLiteral("boot")).toString();
            t.unit = upUnitName(t.topology);
            rows.insert(t.topology, t);
        }
    }
    for (const QString &path : enabledUpUnits(m_unitDir)) {
        EnabledTopology t = rows.value(path);
        t.topology = path;
        t.unit = upUnitName(path);
        t.unitEnabled = true;
        rows.insert(path, t);
    }
    return rows.values();
}

void BootEnabler::list()
{
    protocol::Request r;
    r.op = protocol::Op::Enabled;
    helperCall(r, [this](const Result<QJsonObject> &answer) {
        emit listed(merge(answer), answer ? QString() : answer.error().message);
    });
}

}  // namespace netloom::runtime
