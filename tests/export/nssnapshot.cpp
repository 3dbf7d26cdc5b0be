// SPDX-License-Identifier: GPL-3.0-or-later
#include "nssnapshot.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>

namespace netloom::test {

// Everything start may change in the namespace, as text: links, addresses, the nft ruleset,
// forwarding, processes (with their command lines) and the files under the state dir.
QString nsSnapshot(const ScopedNetns &ns, const QString &stateDir)
{
    QString s;
    for (const QStringList &argv : {QStringList{QStringLiteral("ip"), QStringLiteral("-d"), QStringLiteral("link")},
                                    QStringList{QStringLiteral("ip"), QStringLiteral("-4"), QStringLiteral("addr")},
                                    QStringList{QStringLiteral("bridge"), QStringLiteral("vlan"), QStringLiteral("show")},
                                    QStringList{QStringLiteral("nft"), QStringLiteral("list"), QStringLiteral("ruleset")},
                                    QStringList{QStringLiteral("cat"), QStringLiteral("/proc/sys/net/ipv4/ip_forward")},
                                    QStringList{QStringLiteral("ip"), QStringLiteral("-6"), QStringLiteral("addr"), QStringLiteral("show"),
                                                QStringLiteral("scope"), QStringLiteral("global")},
                                    QStringList{QStringLiteral("cat"), QStringLiteral("/proc/sys/net/ipv6/conf/all/forwarding")}}) {
        const test::CommandResult r = ns.exec(argv, 10000);
        // Bridge timers tick by themselves; they are not state anyone created.
        static const QRegularExpression timers(QStringLiteral("\\b(\\w+_timer)\\s+[0-9.]+"));
        const QString out = QString::fromUtf8(r.out).replace(timers, QStringLiteral("\\1 *"));
        s += QStringLiteral("$ %1 (exit %2)\n%3").arg(argv.join(QLatin1Char(' '))).arg(r.exitCode).arg(out);
    }
    QStringList procs;
    for (int pid : ns.pids()) {
        QByteArray cmd = test::readFile(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (!cmd.isEmpty())
            procs << QStringLiteral("%1 %2").arg(pid).arg(QString::fromUtf8(cmd.replace('\0', ' ')));
    }
    procs.sort();
    s += QStringLiteral("$ processes\n") + procs.join(QLatin1Char('\n')) + QLatin1Char('\n');
    QStringList files;
    if (QFileInfo::exists(stateDir))
        files << QStringLiteral("<state dir exists>");
    QDirIterator it(stateDir, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString f = it.next();
        const QFileInfo fi(f);
        QString line = QDir(stateDir).relativeFilePath(f);
        if (fi.isFile())
            line += QStringLiteral(" ") + QString::fromLatin1(QCryptographicHash::hash(test::readFile(f), QCryptographicHash::Sha1).toHex());
        files << line;
    }
    files.sort();
    s += QStringLiteral("$ files\n") + files.join(QLatin1Char('\n')) + QLatin1Char('\n');
    return s;
}

// A readable first difference of two snapshots.
QString snapshotDifference(const QString &a, const QString &b)
{
    const QStringList la = a.split(QLatin1Char('\n')), lb = b.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < std::max(la.size(), lb.size()); ++i)
        if (la.value(i) != lb.value(i))
            return QStringLiteral("line %1:\n  before: %2\n  after:  %3\n--- before ---\n%4\n--- after ---\n%5")
                .arg(i + 1).arg(la.value(i), lb.value(i), a, b);
    return {};
}

}  // namespace netloom::test
