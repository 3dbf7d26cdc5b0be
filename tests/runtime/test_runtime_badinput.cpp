// SPDX-License-Identifier: GPL-3.0-or-later
// e2e (issue #5): each bad input makes `netloomctl up` fail with a clear message naming the
// node and leaves the namespace exactly as before: a missing disk image, an absent qemu
// binary, a host port already in use, an unreachable helper, a helper that says no.
#include "common/netns.h"
#include "common/testutil.h"
#include "helper/helperfixture.h"
#include "runtimefixture.h"

#include <QDir>
#include <QDirIterator>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace netloom;
using namespace netloom::runtime::test;

namespace {

// Applies `edit` to the guest node `id` of `topo`.
QJsonObject editGuest(QJsonObject topo, const QString &id, const std::function<void(QJsonObject &)> &edit)
{
    QJsonArray nodes = topo.value(QStringLiteral("nodes")).toArray();
    for (qsizetype i = 0; i < nodes.size(); ++i) {
        QJsonObject n = nodes[i].toObject();
        if (n.value(QStringLiteral("id")).toString() != id)
            continue;
        QJsonObject g = n.value(QStringLiteral("guest")).toObject();
        edit(g);
        n.insert(QStringLiteral("guest"), g);
        nodes[i] = n;
    }
    topo.insert(QStringLiteral("nodes"), nodes);
    return topo;
}

}  // namespace

class TestRuntimeBadInput : public QObject {
    Q_OBJECT
    QString m_guestDir;
    std::unique_ptr<netloom::test::ScopedNetns> m_ns;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<helper::test::HelperProcess> m_helper;
    QString m_before;

    // Runs `netloomctl up FILE --json --tcg <extra>` in the namespace; expects exit 1 and every
    // `needles` in stderr, then the namespace as before and no files left.
    void expectFailure(const QString &file, const QStringList &extra, const QStringList &needles)
    {
        const QString xdg = m_dir->filePath(QStringLiteral("xdg"));
        QStringList argv = m_ns->prefix();
        argv << QStringLiteral("env") << QStringLiteral("XDG_RUNTIME_DIR=") + xdg << netloom::test::binaryPath(QStringLiteral("app/cli/netloomctl"))
             << QStringLiteral("up") << file << QStringLiteral("--tcg") << extra;
        const auto r = netloom::test::run(argv, 40000);
        QVERIFY2(r.exitCode == 1, qPrintable(r.describe()));
        const QString err = QString::fromUtf8(r.err);
        qInfo("%s", qPrintable(err.trimmed()));
        for (const QString &n : needles)
            QVERIFY2(err.contains(n), qPrintable(QStringLiteral("'%1' not in: %2").arg(n, err)));
        const QString after = helper::test::snapshot(*m_ns, m_helper->stateDir(), m_helper->pid());
        QVERIFY2(after == m_before, qPrintable(QStringLiteral("before:\n%1\nafter:\n%2").arg(m_before, after)));
        QVERIFY2(filesUnder(xdg).isEmpty(), qPrintable(filesUnder(xdg).join(u'\n')));
    }

    QStringList helperArgs() const { return {QStringLiteral("--helper-socket"), m_helper->socketPath()}; }

private slots:
    void initTestCase()
    {
        m_guestDir = requireDemoGuest();
        m_ns = std::make_unique<netloom::test::ScopedNetns>(QStringLiteral("rtbad"));
        QVERIFY2(m_ns->ok(), qPrintable(m_ns->error()));
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        QDir(m_dir->path()).mkdir(QStringLiteral("helper"));
        QDir(m_dir->path()).mkdir(QStringLiteral("xdg"));
        m_helper = std::make_unique<helper::test::HelperProcess>(*m_ns, m_dir->filePath(QStringLiteral("helper")));
        QVERIFY2(m_helper->start(), qPrintable(m_helper->log()));
        m_before = helper::test::snapshot(*m_ns, m_helper->stateDir(), m_helper->pid());
    }

    void cleanupTestCase()
    {
        m_helper.reset();
        m_ns.reset();
    }

    void missingDiskImage()
    {
        const QJsonObject t = editGuest(demoTopology(m_guestDir), QStringLiteral("beta"), [](QJsonObject &g) {
            g.insert(QStringLiteral("disks"), QJsonArray{QJsonObject{{QStringLiteral("path"), QStringLiteral("/nonexistent/beta-disk.qcow2")},
                                                                    {QStringLiteral("format"), QStringLiteral("qcow2")}}});
        });
        expectFailure(writeTopology(m_dir->path(), QStringLiteral("disk"), t), helperArgs(),
                      {QStringLiteral("netloomctl up: failed to start guest 'beta'"), QStringLiteral("/nonexistent/beta-disk.qcow2")});
    }

    void absentQemuBinary()
    {
        const QJsonObject t = editGuest(demoTopology(m_guestDir), QStringLiteral("alpha"), [](QJsonObject &g) {
            g.insert(QStringLiteral("qemu"), QStringLiteral("qemu-system-nonexistent"));
        });
        expectFailure(writeTopology(m_dir->path(), QStringLiteral("qemu"), t), helperArgs(),
                      {QStringLiteral("'alpha'"), QStringLiteral("qemu-system-nonexistent")});
    }

    void hostPortInUse()
    {
        // Something else holds 127.0.0.1:18081 inside the namespace.
        QProcess holder;
        QStringList argv = m_ns->prefix().mid(1);
        argv << QStringLiteral("python3") << QStringLiteral("-c")
             << QStringLiteral("import socket,sys,time\ns=socket.socket()\ns.bind(('127.0.0.1',18081))\ns.listen()\nprint('bound',flush=True)\ntime.sleep(60)");
        holder.start(m_ns->prefix().first(), argv);
        QVERIFY(holder.waitForReadyRead(10000));
        QVERIFY(holder.readAllStandardOutput().contains("bound"));
        const QJsonObject t = editGuest(demoTopology(m_guestDir), QStringLiteral("alpha"), [](QJsonObject &g) {
            QJsonArray nics = g.value(QStringLiteral("nics")).toArray();
            nics.append(QJsonObject{{QStringLiteral("id"), QStringLiteral("net1")},
                                    {QStringLiteral("mode"), QStringLiteral("user")},
                                    {QStringLiteral("user"), QJsonObject{{QStringLiteral("forwards"),
                                                                          QJsonArray{QJsonObject{{QStringLiteral("protocol"), QStringLiteral("tcp")},
                                                                                                 {QStringLiteral("hostAddress"), QStringLiteral("127.0.0.1")},
                                                                                                 {QStringLiteral("hostPort"), 18081},
                                                                                                 {QStringLiteral("guestPort"), 22}}}}}}});
            g.insert(QStringLiteral("nics"), nics);
        });
        const QString file = writeTopology(m_dir->path(), QStringLiteral("port"), t);
        const QString xdg = m_dir->filePath(QStringLiteral("xdg"));
        QStringList up = m_ns->prefix();
        up << QStringLiteral("env") << QStringLiteral("XDG_RUNTIME_DIR=") + xdg << netloom::test::binaryPath(QStringLiteral("app/cli/netloomctl"))
           << QStringLiteral("up") << file << QStringLiteral("--tcg") << helperArgs();
        const auto r = netloom::test::run(up, 40000);
        holder.kill();
        holder.waitForFinished(5000);
        QVERIFY2(r.exitCode == 1, qPrintable(r.describe()));
        qInfo("%s", r.err.trimmed().constData());
        QVERIFY2(r.err.contains("failed to start guest 'alpha': host forward port 18081/tcp is not available"), qPrintable(r.describe()));
        const QString after = helper::test::snapshot(*m_ns, m_helper->stateDir(), m_helper->pid());
        QVERIFY2(after == m_before, qPrintable(QStringLiteral("before:\n%1\nafter:\n%2").arg(m_before, after)));
        QVERIFY(filesUnder(xdg).isEmpty());
    }

    void guestDiesWhileStarting()
    {
        // Everything before the guests is up (helper state, switch, lease watcher) when QEMU
        // refuses its command line: all of it is taken down again.
        const QJsonObject t = editGuest(demoTopology(m_guestDir), QStringLiteral("beta"), [](QJsonObject &g) {
            g.insert(QStringLiteral("extraArgs"), QJsonArray{QStringLiteral("-no-such-qemu-option")});
        });
        expectFailure(writeTopology(m_dir->path(), QStringLiteral("late"), t), helperArgs(),
                      {QStringLiteral("netloomctl up: "), QStringLiteral("'beta'"), QStringLiteral("-no-such-qemu-option")});
    }

    void helperUnreachable()
    {
        const QString sock = m_dir->filePath(QStringLiteral("nobody-listens.sock"));
        expectFailure(writeTopology(m_dir->path(), QStringLiteral("demo"), demoTopology(m_guestDir)),
                      {QStringLiteral("--helper-socket"), sock}, {QStringLiteral("failed to reach helper '%1'").arg(sock)});
    }

    void helperSaysNo()
    {
        // A second helper whose tap quota is zero refuses the demo's tap.
        QDir(m_dir->path()).mkdir(QStringLiteral("strict"));
        helper::test::HelperProcess strict(*m_ns, m_dir->filePath(QStringLiteral("strict")));
        QVERIFY2(strict.start({QStringLiteral("--max-taps"), QStringLiteral("0")}), qPrintable(strict.log()));
        const QString xdg = m_dir->filePath(QStringLiteral("xdg"));
        QStringList argv = m_ns->prefix();
        argv << QStringLiteral("env") << QStringLiteral("XDG_RUNTIME_DIR=") + xdg << netloom::test::binaryPath(QStringLiteral("app/cli/netloomctl"))
             << QStringLiteral("up") << writeTopology(m_dir->path(), QStringLiteral("demo"), demoTopology(m_guestDir)) << QStringLiteral("--tcg")
             << QStringLiteral("--helper-socket") << strict.socketPath();
        const auto r = netloom::test::run(argv, 40000);
        QVERIFY2(r.exitCode == 1, qPrintable(r.describe()));
        qInfo("%s", r.err.trimmed().constData());
        QVERIFY2(r.err.contains("failed to apply host network of 'demo'"), qPrintable(r.describe()));
        QVERIFY2(r.err.contains("limit-exceeded") || r.err.contains("tap"), qPrintable(r.describe()));
        const QString stateBefore = helper::test::snapshot(*m_ns, strict.stateDir(), strict.pid());
        strict.stop();
        const QString after = helper::test::snapshot(*m_ns, m_helper->stateDir(), m_helper->pid());
        QVERIFY2(after == m_before, qPrintable(QStringLiteral("before:\n%1\nafter:\n%2\n(strict helper: %3)").arg(m_before, after, stateBefore)));
        QVERIFY(filesUnder(xdg).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestRuntimeBadInput)
#include "test_runtime_badinput.moc"
