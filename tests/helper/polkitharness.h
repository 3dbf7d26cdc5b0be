// SPDX-License-Identifier: GPL-3.0-or-later
// Test scaffolding: a real polkit authority on a private system bus (recipe verified in
// /work/shared/notes/polkit-in-tests.md): a private dbus-daemon, polkitd in a private
// mount namespace that sees only the test's actions and rules, temporary users and groups.
// Everything is removed by the destructor.
#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace netloom::helper::test {

class PolkitHarness {
public:
    PolkitHarness();
    ~PolkitHarness();

    // Starts dbus-daemon and polkitd with the given actions file and rules (JavaScript).
    // Returns "" on success or the reason of failure.
    QString start(const QString &policyFile, const QString &rules);
    void stopPolkitd();
    QString busAddress() const { return QStringLiteral("unix:path=") + m_dir.path() + QStringLiteral("/system_bus_socket"); }

    // Creates a group / a user (optionally in groups); removed again by the destructor.
    QString addGroup(const QString &name);
    QString addUser(const QString &name, const QStringList &groups);
    uint uidOf(const QString &user) const;
    QString polkitLog();

private:
    QTemporaryDir m_dir;
    QProcess m_dbus;
    QProcess m_polkitd;
    QStringList m_users, m_groups;
    QByteArray m_polkitLog;
};

}  // namespace netloom::helper::test
