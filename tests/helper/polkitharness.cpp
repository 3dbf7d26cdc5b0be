// SPDX-License-Identifier: GPL-3.0-or-later
#include "polkitharness.h"

#include "common/testutil.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QThread>

#include <pwd.h>
#include <sys/stat.h>

namespace netloom::helper::test {

using netloom::test::run;

namespace {
bool writeText(const QString &path, const QByteArray &text)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    f.write(text);
    f.close();
    return QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup
                                           | QFileDevice::ReadOther);
}
}  // namespace

PolkitHarness::PolkitHarness() { ::chmod(QFile::encodeName(m_dir.path()).constData(), 0755); }

PolkitHarness::~PolkitHarness()
{
    stopPolkitd();
    if (m_dbus.state() != QProcess::NotRunning) {
        m_dbus.kill();
        m_dbus.waitForFinished(3000);
    }
    for (const QString &u : m_users)
        run({QStringLiteral("userdel"), u});
    for (const QString &g : m_groups)
        run({QStringLiteral("groupdel"), g});
}

QString PolkitHarness::start(const QString &policyFile, const QString &rules)
{
    const QString d = m_dir.path();
    const QString config = QStringLiteral(R"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <user>messagebus</user>
  <listen>unix:path=%1/system_bus_socket</listen>
  <pidfile>%1/dbus.pid</pidfile>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Peer"/>
  </policy>
  <include>/usr/share/dbus-1/system.d/org.freedesktop.PolicyKit1.conf</include>
</busconfig>
)").arg(d);
    QDir().mkpath(d + QStringLiteral("/actions"));
    QDir().mkpath(d + QStringLiteral("/rules"));
    QDir().mkpath(d + QStringLiteral("/empty"));
    for (const char *sub : {"/actions", "/rules", "/empty"})
        ::chmod(QFile::encodeName(d + QLatin1String(sub)).constData(), 0755);
    if (!writeText(d + QStringLiteral("/bus.conf"), config.toUtf8())
        || !QFile::copy(policyFile, d + QStringLiteral("/actions/org.netloom.policy"))
        || !writeText(d + QStringLiteral("/rules/50-test.rules"), rules.toUtf8()))
        return QStringLiteral("cannot write the polkit test files");
    ::chmod(QFile::encodeName(d + QStringLiteral("/actions/org.netloom.policy")).constData(), 0644);

    m_dbus.start(netloom::test::requireTool(QStringLiteral("dbus-daemon")),
                 {QStringLiteral("--config-file=") + d + QStringLiteral("/bus.conf"), QStringLiteral("--nofork"),
                  QStringLiteral("--nopidfile")});
    if (!m_dbus.waitForStarted(5000))
        return QStringLiteral("dbus-daemon did not start");
    QDeadlineTimer deadline(5000);
    while (!QFile::exists(d + QStringLiteral("/system_bus_socket")) && !deadline.hasExpired())
        QThread::msleep(10);

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DBUS_SYSTEM_BUS_ADDRESS"), busAddress());
    m_polkitd.setProcessEnvironment(env);
    m_polkitd.setProcessChannelMode(QProcess::MergedChannels);
    const QString script = QStringLiteral("mount --bind %1/actions /usr/share/polkit-1/actions && "
                                          "mount --bind %1/rules /etc/polkit-1/rules.d && "
                                          "mount --bind %1/empty /usr/share/polkit-1/rules.d && "
                                          "exec /usr/lib/polkit-1/polkitd --no-debug")
                               .arg(d);
    m_polkitd.start(netloom::test::requireTool(QStringLiteral("unshare")),
                    {QStringLiteral("--mount"), QStringLiteral("--propagation"), QStringLiteral("private"), QStringLiteral("--"),
                     QStringLiteral("/bin/sh"), QStringLiteral("-c"), script});
    if (!m_polkitd.waitForStarted(5000))
        return QStringLiteral("polkitd did not start");
    QDBusConnection bus = QDBusConnection::connectToBus(busAddress(), QStringLiteral("netloom-test-probe"));
    bool owned = false;
    QDeadlineTimer ready(10000);
    while (!owned && !ready.hasExpired()) {
        owned = bus.isConnected() && bus.interface()->isServiceRegistered(QStringLiteral("org.freedesktop.PolicyKit1"));
        if (!owned)
            QThread::msleep(20);
    }
    QDBusConnection::disconnectFromBus(QStringLiteral("netloom-test-probe"));
    if (!owned)
        return QStringLiteral("polkitd did not take its bus name: %1").arg(polkitLog());
    return {};
}

void PolkitHarness::stopPolkitd()
{
    if (m_polkitd.state() != QProcess::NotRunning) {
        m_polkitd.terminate();
        if (!m_polkitd.waitForFinished(3000)) {
            m_polkitd.kill();
            m_polkitd.waitForFinished(3000);
        }
    }
    m_polkitLog += m_polkitd.readAll();
}

QString PolkitHarness::addGroup(const QString &name)
{
    if (run({QStringLiteral("groupadd"), name}).exitCode == 0)
        m_groups << name;
    return name;
}

QString PolkitHarness::addUser(const QString &name, const QStringList &groups)
{
    QStringList argv{QStringLiteral("useradd"), QStringLiteral("-M"), QStringLiteral("-N"), QStringLiteral("-s"),
                     QStringLiteral("/usr/sbin/nologin")};
    if (!groups.isEmpty())
        argv << QStringLiteral("-G") << groups.join(u',');
    argv << name;
    if (run(argv).exitCode == 0)
        m_users << name;
    return name;
}

uint PolkitHarness::uidOf(const QString &user) const
{
    const passwd *pw = ::getpwnam(user.toLatin1().constData());
    return pw ? pw->pw_uid : 0;
}

QString PolkitHarness::polkitLog()
{
    m_polkitLog += m_polkitd.readAll();
    return QString::fromUtf8(m_polkitLog);
}

}  // namespace netloom::helper::test
