// SPDX-License-Identifier: GPL-3.0-or-later
// One dnsmasq per (network, interface): generated config (pure) and a supervisor.
//
// Design note. The helper writes the whole configuration into its own state directory and
// starts `dnsmasq --keep-in-foreground --conf-file=<ours>` (so /etc/dnsmasq.conf and
// /etc/dnsmasq.d are never read) under QProcess with a clean environment and a parent-death
// signal. dnsmasq binds only to our interface (bind-interfaces, except-interface=lo), drops
// to an unprivileged user, serves no /etc/hosts, no DHCPv6/RA and no DNSSEC. Start is
// confirmed when dnsmasq wrote its pid file (it does so after binding its sockets), bounded
// by kStartTimeoutMs. If it dies later it is restarted, at most kMaxRestarts times per
// kRestartWindowMs. Files live at <dir>/<network>-<ifname>.{conf,pid,leases}; network ids
// and interface names are validated to [A-Za-z0-9._-], so these are always plain names.
#pragma once

#include "base/result.h"
#include "dnsmasqconfig.h"
#include "protocol/hoststate.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QProcess>

namespace netloom::helper {


class DnsmasqSupervisor : public QObject {
    Q_OBJECT
public:
    static constexpr int kStartTimeoutMs = 5000;
    static constexpr int kStopTimeoutMs = 3000;
    static constexpr int kMaxRestarts = 5;
    static constexpr int kRestartWindowMs = 60000;
    static constexpr int kRestartDelayMs = 500;

    // dir: helper-owned directory for configs, pid and lease files (created 0755).
    explicit DnsmasqSupervisor(const QString &dir, QObject *parent = nullptr);
    ~DnsmasqSupervisor() override;

    DnsmasqPaths paths(const QString &network, const QString &ifname) const;
    // Writes the config and starts dnsmasq; returns when it runs or failed (bounded).
    Status start(const QString &network, const protocol::DnsmasqSpec &spec);
    // Stops the instance (TERM, then KILL) and removes its files. Success if not running.
    Status stop(const QString &network, const QString &ifname);
    // Crash recovery: kills a dnsmasq left by a previous helper (pid file + /proc check that
    // its command line names our config) and removes the files.
    void cleanupStale(const QString &network, const QString &ifname);
    qint64 pid(const QString &network, const QString &ifname) const;
    // Stops every instance (helper shutdown).
    void stopAll();

Q_SIGNALS:
    void restarted(const QString &network, const QString &ifname);

private:
    struct Instance {
        QPointer<QProcess> process;
        protocol::DnsmasqSpec spec;
        QString network;
        QList<qint64> restartTimes;  // ms since epoch
        bool stopping = false;
    };
    static QString key(const QString &network, const QString &ifname) { return network + u'/' + ifname; }
    Status launch(Instance &instance);
    void onFinished(const QString &key);
    void removeFiles(const DnsmasqPaths &paths);

    QString m_dir;
    QString m_binary;
    QString m_user, m_group;
    QHash<QString, Instance> m_instances;
};

}  // namespace netloom::helper
