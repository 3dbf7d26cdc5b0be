// SPDX-License-Identifier: GPL-3.0-or-later
// HelperServer: networks enabled at boot (issue #16 part 2) — the `enable`, `disable` and
// `enabled` ops and the start-up rebuild (design note in server.h and bootstore.h).
#include "server.h"

#include "protocol/hoststatedecode.h"

#include <QJsonArray>
#include <QLoggingCategory>

#include <pwd.h>
#include <unistd.h>

Q_DECLARE_LOGGING_CATEGORY(lcServer)

namespace netloom::helper {

using namespace protocol;

namespace {

Error enableError(ErrorCode code, const QString &network, const QString &reason)
{
    return Error::failed(code, QStringLiteral("enable network"), network, reason);
}

// Whether `uid` names an account of this system (getpwuid_r; bounded buffer).
bool accountExists(uid_t uid)
{
    struct passwd pw{};
    struct passwd *found = nullptr;
    char buf[4096];
    return ::getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found;
}

}  // namespace

Status HelperServer::precheckEnable(uid_t uid, const Request &r) const
{
    if (!r.state.uplinks.isEmpty() && !r.allowPhysical)
        return enableError(ErrorCode::PermissionDenied, r.network,
                           QStringLiteral("enslaving physical interfaces needs the explicit 'allowPhysical' flag"));
    int mine = 1;
    const QStringList wanted = createdIfnames(r.state);
    for (const BootRecord &b : m_boot.records()) {
        if (b.network == r.network) {
            if (!mayAccess(uid, b.uid))
                return enableError(ErrorCode::PermissionDenied, r.network, QStringLiteral("the network is enabled by another user"));
            continue;
        }
        if (b.uid == uid)
            ++mine;
        for (const QString &name : createdIfnames(b.state))
            if (wanted.contains(name))
                return enableError(ErrorCode::Conflict, r.network,
                                   QStringLiteral("interface '%1' belongs to enabled network '%2'").arg(name, b.network));
    }
    if (mine > m_limits.maxNetworksPerUid)
        return enableError(ErrorCode::LimitExceeded, r.network,
                           QStringLiteral("uid %1 would have %2 networks enabled at boot, more than the quota of %3")
                               .arg(uid).arg(mine).arg(m_limits.maxNetworksPerUid));
    // What an apply would refuse now (another user's network, a foreign interface name in
    // another network, quotas) is refused now too, not only at the next boot.
    if (const auto it = m_networks.constFind(r.network); it != m_networks.cend() && !mayAccess(uid, it->uid))
        return enableError(ErrorCode::PermissionDenied, r.network, QStringLiteral("the network belongs to another user"));
    return precheckApply(uid, r);
}

Result<QJsonObject> HelperServer::enable(uid_t uid, const Request &r)
{
    // Re-check: the world may have changed while polkit was thinking.
    if (auto s = precheckEnable(uid, r); !s)
        return s.error();
    BootRecord record{r.network, uid, r.topology, r.state};
    if (auto s = m_boot.save(record); !s)
        return s.error();
    qCInfo(lcServer).noquote() << "enabled network" << r.network << "of uid" << uid << "at boot (" << r.topology << ")";
    return QJsonObject{{QStringLiteral("network"), r.network}, {QStringLiteral("enabled"), true},
                       {QStringLiteral("owner"), double(uid)}};
}

Status HelperServer::checkDisable(const Connection &c, const Request &r) const
{
    for (const BootRecord &b : m_boot.records())
        if (b.network == r.network && mayAccess(c.peer.uid(), b.uid))
            return ok();
    // A record that no longer decodes can still be removed by root.
    if (c.peer.uid() == 0 && m_boot.contains(r.network))
        return ok();
    return Error::failed(ErrorCode::NotFound, QStringLiteral("disable network"), r.network,
                         QStringLiteral("no network of yours is enabled at boot under that name"));
}

Result<QJsonObject> HelperServer::enabled(const Connection &c) const
{
    QJsonArray out;
    for (const BootRecord &b : m_boot.records()) {
        if (!mayAccess(c.peer.uid(), b.uid))
            continue;
        const auto it = m_networks.constFind(b.network);
        out.append(QJsonObject{{QStringLiteral("network"), b.network},
                               {QStringLiteral("uid"), double(b.uid)},
                               {QStringLiteral("topology"), b.topology},
                               {QStringLiteral("active"), it != m_networks.cend()},
                               {QStringLiteral("boot"), m_bootOutcome.value(b.network)}});
    }
    QJsonObject result{{QStringLiteral("networks"), out}};
    if (c.peer.uid() == 0 && !m_boot.errors().isEmpty())
        result.insert(QStringLiteral("errors"), QJsonArray::fromStringList(m_boot.errors()));
    return result;
}

void HelperServer::rebuildEnabled()
{
    for (const QString &e : m_boot.errors())
        qCWarning(lcServer).noquote() << e << "- skipped, left in place";
    for (const BootRecord &b : m_boot.records()) {
        if (m_networks.contains(b.network)) {
            m_bootOutcome.insert(b.network, QStringLiteral("already present at helper start"));
            continue;
        }
        Result<QJsonObject> done = QJsonObject{};
        if (!accountExists(b.uid)) {
            done = Error::failed(ErrorCode::NotFound, QStringLiteral("rebuild network"), b.network,
                                 QStringLiteral("its owner uid %1 no longer exists").arg(b.uid));
        } else {
            Request r;
            r.op = Op::Apply;
            r.network = b.network;
            r.state = b.state;
            r.persistent = true;
            r.allowPhysical = true;  // consented to (and authorized) when it was enabled
            done = apply(0, b.uid, r);
        }
        if (done) {
            m_bootOutcome.insert(b.network, QStringLiteral("rebuilt at helper start"));
            qCInfo(lcServer).noquote() << "rebuilt network" << b.network << "of uid" << b.uid << "enabled at boot";
        } else {
            m_bootOutcome.insert(b.network, QStringLiteral("skipped at helper start: %1").arg(done.error().message));
            qCWarning(lcServer).noquote() << "skipped network" << b.network << "enabled at boot:" << done.error().message;
        }
    }
}

}  // namespace netloom::helper
