// SPDX-License-Identifier: GPL-3.0-or-later
#include "dnsmasq.h"

#include "safefile.h"


#include <QFile>
#include <QLoggingCategory>
#include <QStandardPaths>
#include <QThread>
#include <QTimer>

#include <csignal>
#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcDns, "netloom.helper.dnsmasq")

namespace netloom::helper {

using namespace protocol;

namespace {

QString findSystemTool(const QString &name)
{
    // Fixed system directories only: the helper never trusts PATH.
    return QStandardPaths::findExecutable(name, {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/bin"),
                                                 QStringLiteral("/sbin"), QStringLiteral("/bin")});
}

bool processMentions(qint64 pid, const QString &needle)
{
    QFile f(QStringLiteral("/proc/%1/cmdline").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return false;
    return f.read(65536).contains(needle.toUtf8());
}

}  // namespace

DnsmasqSupervisor::DnsmasqSupervisor(const QString &dir, QObject *parent) : QObject(parent), m_dir(dir)
{
    m_binary = findSystemTool(QStringLiteral("dnsmasq"));
    // Debian's dnsmasq package creates user "dnsmasq"; fall back to nobody.
    m_user = ::getpwnam("dnsmasq") ? QStringLiteral("dnsmasq") : QStringLiteral("nobody");
    m_group = ::getgrnam("nogroup") ? QStringLiteral("nogroup") : QStringLiteral("nobody");
}

DnsmasqSupervisor::~DnsmasqSupervisor() { stopAll(); }

DnsmasqPaths DnsmasqSupervisor::paths(const QString &network, const QString &ifname) const
{
    const QString base = m_dir + u'/' + network + u'-' + ifname;
    return {base + QStringLiteral(".conf"), base + QStringLiteral(".pid"), base + QStringLiteral(".leases")};
}

void DnsmasqSupervisor::removeFiles(const DnsmasqPaths &p)
{
    for (const QString &f : {p.conf, p.pid, p.leases})
        ::unlink(QFile::encodeName(f).constData());
}

Status DnsmasqSupervisor::start(const QString &network, const DnsmasqSpec &spec)
{
    const QString k = key(network, spec.ifname);
    if (m_instances.contains(k))
        return Error::failed(ErrorCode::Conflict, QStringLiteral("start dnsmasq on"), spec.ifname,
                             QStringLiteral("an instance is already running"));
    if (m_binary.isEmpty())
        return Error::failed(ErrorCode::NotFound, QStringLiteral("start dnsmasq on"), spec.ifname,
                             QStringLiteral("dnsmasq is not installed"));
    const DnsmasqPaths p = paths(network, spec.ifname);
    removeFiles(p);
    if (auto w = writeFileAtomically(p.conf, buildDnsmasqConfig(spec, p, m_user, m_group).toUtf8(), 0644); !w)
        return w;
    Instance inst;
    inst.spec = spec;
    inst.network = network;
    m_instances.insert(k, inst);
    if (auto s = launch(m_instances[k]); !s) {
        m_instances.remove(k);
        removeFiles(p);
        return s;
    }
    return ok();
}

Status DnsmasqSupervisor::launch(Instance &inst)
{
    const DnsmasqPaths p = paths(inst.network, inst.spec.ifname);
    const QString k = key(inst.network, inst.spec.ifname);
    ::unlink(QFile::encodeName(p.pid).constData());
    auto *proc = new QProcess(this);
    proc->setProgram(m_binary);
    proc->setArguments({QStringLiteral("--keep-in-foreground"), QStringLiteral("--conf-file=") + p.conf});
    QProcessEnvironment env;  // clean: nothing of the helper's environment leaks
    env.insert(QStringLiteral("PATH"), QStringLiteral("/usr/sbin:/usr/bin:/sbin:/bin"));
    proc->setProcessEnvironment(env);
    proc->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    proc->setStandardOutputFile(QProcess::nullDevice());
    proc->setStandardInputFile(QProcess::nullDevice());
    proc->setChildProcessModifier([] {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        ::signal(SIGPIPE, SIG_DFL);
    });
    proc->start();
    if (!proc->waitForStarted(kStartTimeoutMs)) {
        const QString why = proc->errorString();
        delete proc;
        return Error::failed(ErrorCode::System, QStringLiteral("start dnsmasq on"), inst.spec.ifname, why);
    }
    // Ready once the pid file holds its pid (written after the sockets are bound).
    const qint64 pid = proc->processId();
    bool ready = false;
    for (int waited = 0; waited < kStartTimeoutMs && !ready; waited += 20) {
        if (proc->waitForFinished(20))
            break;
        QFile f(p.pid);
        if (f.open(QIODevice::ReadOnly) && f.readAll().trimmed().toLongLong() == pid)
            ready = true;
    }
    if (!ready) {
        const bool exited = proc->state() == QProcess::NotRunning;
        const int code = proc->exitCode();
        proc->kill();
        proc->waitForFinished(kStopTimeoutMs);
        delete proc;
        return Error::failed(ErrorCode::System, QStringLiteral("start dnsmasq on"), inst.spec.ifname,
                             exited ? QStringLiteral("dnsmasq exited with status %1 (see the helper's log)").arg(code)
                                    : QStringLiteral("dnsmasq did not become ready within %1 ms").arg(kStartTimeoutMs));
    }
    connect(proc, &QProcess::finished, this, [this, k] { onFinished(k); });
    inst.process = proc;
    qCInfo(lcDns).noquote() << "dnsmasq for" << k << "running as pid" << pid;
    return ok();
}

void DnsmasqSupervisor::onFinished(const QString &k)
{
    auto it = m_instances.find(k);
    if (it == m_instances.end() || it->stopping)
        return;
    if (it->process) {
        it->process->deleteLater();
        it->process = nullptr;
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    it->restartTimes.removeIf([now](qint64 t) { return now - t > kRestartWindowMs; });
    if (it->restartTimes.size() >= kMaxRestarts) {
        qCWarning(lcDns).noquote() << "dnsmasq for" << k << "died" << kMaxRestarts
                                   << "times within a minute; not restarting it";
        return;
    }
    it->restartTimes.append(now);
    qCWarning(lcDns).noquote() << "dnsmasq for" << k << "died; restarting it";
    QTimer::singleShot(kRestartDelayMs, this, [this, k] {
        auto inst = m_instances.find(k);
        if (inst == m_instances.end() || inst->stopping || inst->process)
            return;
        if (auto s = launch(*inst); !s) {
            qCWarning(lcDns).noquote() << s.error().message;
            onFinished(k);
        } else {
            Q_EMIT restarted(inst->network, inst->spec.ifname);
        }
    });
}

Status DnsmasqSupervisor::stop(const QString &network, const QString &ifname)
{
    const QString k = key(network, ifname);
    auto it = m_instances.find(k);
    if (it != m_instances.end()) {
        it->stopping = true;
        if (QProcess *proc = it->process) {
            proc->disconnect(this);
            proc->terminate();
            if (!proc->waitForFinished(kStopTimeoutMs)) {
                proc->kill();
                proc->waitForFinished(kStopTimeoutMs);
            }
            delete proc;
        }
        m_instances.erase(it);
    }
    cleanupStale(network, ifname);
    return ok();
}

void DnsmasqSupervisor::cleanupStale(const QString &network, const QString &ifname)
{
    const DnsmasqPaths p = paths(network, ifname);
    QFile f(p.pid);
    if (f.open(QIODevice::ReadOnly)) {
        const qint64 pid = f.read(32).trimmed().toLongLong();
        if (pid > 1 && processMentions(pid, p.conf)) {
            ::kill(pid_t(pid), SIGKILL);
            for (int i = 0; i < 100 && QFile::exists(QStringLiteral("/proc/%1").arg(pid)); ++i)
                QThread::msleep(10);
        }
    }
    removeFiles(p);
}

qint64 DnsmasqSupervisor::pid(const QString &network, const QString &ifname) const
{
    const auto it = m_instances.find(key(network, ifname));
    return it != m_instances.end() && it->process ? it->process->processId() : 0;
}

void DnsmasqSupervisor::stopAll()
{
    const auto keys = m_instances.keys();
    for (const QString &k : keys) {
        const auto inst = m_instances.value(k);
        (void)stop(inst.network, inst.spec.ifname);
    }
}

}  // namespace netloom::helper
