// SPDX-License-Identifier: GPL-3.0-or-later
// The bash completion of netloomctl (app/cli/completion/netloomctl.bash) in a real bash: the
// test sources the script, sets COMP_WORDS/COMP_CWORD as bash does on <TAB>, calls
// _netloomctl and reads COMPREPLY. Commands, options, option values, topology files, running
// topologies and their guests (a fake control socket answers "status"), and silence when
// nothing runs.
#include "common/testutil.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

using namespace netloom;

namespace {

QString ctl() { return test::binaryPath(QStringLiteral("app/cli/netloomctl")); }
QString script() { return test::sourcePath(QStringLiteral("app/cli/completion/netloomctl.bash")); }

struct Completion {
    QStringList words;  // COMPREPLY, sorted
    QByteArray err;
    int exitCode = -1;
    qint64 ms = 0;
};

// Runs bash, sources the completion and completes `words` (the last one is the word under
// the cursor) in `cwd`, with XDG_RUNTIME_DIR=`xdg`. netloomctl is found through PATH.
Completion complete(const QStringList &words, const QString &cwd, const QString &xdg)
{
    QProcess bash;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PATH"), QFileInfo(ctl()).absolutePath() + u':' + env.value(QStringLiteral("PATH")));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), xdg);
    bash.setProcessEnvironment(env);
    bash.setWorkingDirectory(cwd);
    const QString code = QStringLiteral(
        "source \"$0\" || exit 9\n"
        "COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE}\n"
        "_netloomctl || exit 8\n"
        "printf '%s\\n' \"${COMPREPLY[@]}\"\n");
    QElapsedTimer clock;
    clock.start();
    bash.start(QStringLiteral("bash"), QStringList{QStringLiteral("--norc"), QStringLiteral("--noprofile"), QStringLiteral("-c"), code, script()} + words);
    Completion c;
    if (!bash.waitForFinished(20000)) {
        bash.kill();
        bash.waitForFinished();
        return c;
    }
    c.ms = clock.elapsed();
    c.exitCode = bash.exitCode();
    c.err = bash.readAllStandardError();
    c.words = QString::fromUtf8(bash.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
    c.words.sort();
    return c;
}

// A running topology's control socket, answering every request with a status whose nodes
// are alpha and beta (what runtime::ControlServer answers to op "status").
class FakeControl {
public:
    explicit FakeControl(const QString &path)
    {
        m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        const QByteArray p = QFile::encodeName(path);
        std::memcpy(addr.sun_path, p.constData(), std::size_t(std::min<qsizetype>(p.size(), sizeof addr.sun_path - 1)));
        m_ok = m_fd >= 0 && ::bind(m_fd, reinterpret_cast<const sockaddr *>(&addr), sizeof addr) == 0 && ::listen(m_fd, 4) == 0;
        if (m_ok)
            m_thread = std::thread([this] { serve(); });
    }
    ~FakeControl()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
        if (m_fd >= 0)
            ::close(m_fd);
    }
    bool ok() const { return m_ok; }
    int requests() const { return m_requests; }

private:
    void serve()
    {
        while (!m_stop) {
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0)
                continue;
            const int c = ::accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0)
                continue;
            char buf[4096];
            QByteArray got;
            while (!got.contains('\n')) {
                pollfd q{c, POLLIN, 0};
                if (::poll(&q, 1, 2000) <= 0)
                    break;
                const ssize_t n = ::read(c, buf, sizeof buf);
                if (n <= 0)
                    break;
                got.append(buf, n);
            }
            if (got.contains("\"status\""))
                ++m_requests;
            const QByteArray reply = "{\"ok\":true,\"result\":{\"topology\":\"demo\",\"state\":\"running\",\"nodes\":"
                                     "{\"alpha\":\"up\",\"beta\":\"up\"}}}\n";
            (void)!::write(c, reply.constData(), std::size_t(reply.size()));
            ::close(c);
        }
    }

    int m_fd = -1;
    bool m_ok = false;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_requests{0};
    std::thread m_thread;
};

}  // namespace

class TestCliCompletion : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (!QFileInfo(ctl()).isExecutable())
            test::skipTest(QStringLiteral("netloomctl is not built at %1").arg(ctl()));
        if (test::findTool(QStringLiteral("bash")).isEmpty())
            test::skipTest(QStringLiteral("bash is not installed"));
        QVERIFY(m_dir.isValid());
        // A working directory with a topology, another file and a directory; an empty
        // runtime directory (nothing running).
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("work/sub")));
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("idle")));
        for (const char *name : {"work/net.json", "work/notes.txt"}) {
            QFile f(m_dir.filePath(QLatin1String(name)));
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        m_work = m_dir.filePath(QStringLiteral("work"));
        m_idle = m_dir.filePath(QStringLiteral("idle"));
    }

    void commandNames()
    {
        Completion c = complete({QStringLiteral("netloomctl"), QStringLiteral("st")}, m_work, m_idle);
        QVERIFY2(c.exitCode == 0, c.err.constData());
        QCOMPARE(c.words, QStringList{QStringLiteral("stats")});
        c = complete({QStringLiteral("netloomctl"), QStringLiteral("s")}, m_work, m_idle);
        QCOMPARE(c.words, (QStringList{QStringLiteral("screenshot"), QStringLiteral("ssh"), QStringLiteral("stats"), QStringLiteral("switch")}));
        c = complete({QStringLiteral("netloomctl"), QString()}, m_work, m_idle);
        QVERIFY2(c.words.size() == 21 && c.words.contains(QStringLiteral("list-enabled")) && c.words.contains(QStringLiteral("doctor")) && c.words.contains(QStringLiteral("import")) && c.words.contains(QStringLiteral("--help")),
                 qPrintable(c.words.join(u' ')));
        QVERIFY(c.err.isEmpty());
    }

    void options()
    {
        Completion c = complete({QStringLiteral("netloomctl"), QStringLiteral("up"), QStringLiteral("--ke")}, m_work, m_idle);
        QCOMPARE(c.words, QStringList{QStringLiteral("--keep-logs")});
        c = complete({QStringLiteral("netloomctl"), QStringLiteral("switch"), QStringLiteral("--vh")}, m_work, m_idle);
        QCOMPARE(c.words, QStringList{QStringLiteral("--vhost-user")});
        c = complete({QStringLiteral("netloomctl"), QStringLiteral("ssh"), QStringLiteral("-")}, m_work, m_idle);
        for (const char *o : {"-i", "--identity", "-o", "--print", "--socket", "--json", "--help", "--version"})
            QVERIFY2(c.words.contains(QLatin1String(o)), qPrintable(c.words.join(u' ')));
        // Option values: a fixed list, and directories only.
        c = complete({QStringLiteral("netloomctl"), QStringLiteral("link"), QStringLiteral("l1"), QStringLiteral("delay=5ms"),
                      QStringLiteral("--dir"), QStringLiteral("to")},
                     m_work, m_idle);
        QCOMPARE(c.words, QStringList{QStringLiteral("to-guest")});
        c = complete({QStringLiteral("netloomctl"), QStringLiteral("up"), QStringLiteral("--runtime-dir"), QString()}, m_work, m_idle);
        QCOMPARE(c.words, QStringList{QStringLiteral("sub")});
        // "--runtime-dir=s": bash makes it three words.
        c = complete({QStringLiteral("netloomctl"), QStringLiteral("up"), QStringLiteral("--runtime-dir"), QStringLiteral("="), QStringLiteral("s")},
                     m_work, m_idle);
        QCOMPARE(c.words, QStringList{QStringLiteral("sub")});
        c = complete({QStringLiteral("netloomctl"), QStringLiteral("power"), QStringLiteral("alpha"), QStringLiteral("p")}, m_work, m_idle);
        QCOMPARE(c.words, (QStringList{QStringLiteral("pause"), QStringLiteral("powerdown")}));
    }

    void topologyFiles()
    {
        // *.json and directories; not other files.
        Completion c = complete({QStringLiteral("netloomctl"), QStringLiteral("validate"), QString()}, m_work, m_idle);
        QCOMPARE(c.words, (QStringList{QStringLiteral("net.json"), QStringLiteral("sub")}));
        // After an option with its value, still the topology file.
        c = complete({QStringLiteral("netloomctl"), QStringLiteral("up"), QStringLiteral("--helper-socket"), QStringLiteral("/run/x.sock"),
                      QStringLiteral("n")},
                     m_work, m_idle);
        QCOMPARE(c.words, QStringList{QStringLiteral("net.json")});
        // validate takes any number of files.
        c = complete({QStringLiteral("netloomctl"), QStringLiteral("validate"), QStringLiteral("a.json"), QStringLiteral("n")}, m_work, m_idle);
        QCOMPARE(c.words, QStringList{QStringLiteral("net.json")});
        // export -o: any file.
        c = complete({QStringLiteral("netloomctl"), QStringLiteral("export"), QStringLiteral("net.json"), QStringLiteral("-o"), QStringLiteral("no")},
                     m_work, m_idle);
        QCOMPARE(c.words, QStringList{QStringLiteral("notes.txt")});
    }

    void nothingRunningIsSilentAndFast()
    {
        for (const QString &cmd : {QStringLiteral("leases"), QStringLiteral("console")}) {
            const Completion c = complete({QStringLiteral("netloomctl"), cmd, QString()}, m_work, m_idle);
            QVERIFY2(c.exitCode == 0, c.err.constData());
            QVERIFY2(c.words.isEmpty(), qPrintable(c.words.join(u' ')));
            QVERIFY2(c.err.isEmpty(), c.err.constData());
            QVERIFY2(c.ms < 5000, qPrintable(QString::number(c.ms)));
        }
    }

    void runningTopologyAndGuests()
    {
        const QString xdg = m_dir.filePath(QStringLiteral("xdg"));
        QVERIFY(QDir().mkpath(xdg + QStringLiteral("/netloom")));
        FakeControl control(xdg + QStringLiteral("/netloom/demo.ctl"));
        QVERIFY(control.ok());
        Completion c = complete({QStringLiteral("netloomctl"), QStringLiteral("leases"), QString()}, m_work, xdg);
        QCOMPARE(c.words, QStringList{QStringLiteral("demo")});
        // forward's last argument: a running topology or a topology file.
        c = complete({QStringLiteral("netloomctl"), QStringLiteral("forward"), QStringLiteral("add"), QStringLiteral("tcp:80=alpha:80"),
                      QString()},
                     m_work, xdg);
        QCOMPARE(c.words, (QStringList{QStringLiteral("demo"), QStringLiteral("net.json"), QStringLiteral("sub")}));
        // Guests: asked of the only running topology.
        c = complete({QStringLiteral("netloomctl"), QStringLiteral("console"), QString()}, m_work, xdg);
        QCOMPARE(c.words, (QStringList{QStringLiteral("alpha"), QStringLiteral("beta")}));
        c = complete({QStringLiteral("netloomctl"), QStringLiteral("ssh"), QStringLiteral("b")}, m_work, xdg);
        QCOMPARE(c.words, QStringList{QStringLiteral("beta")});
        QVERIFY(control.requests() >= 2);
        // The guest comes first, then the topology name.
        c = complete({QStringLiteral("netloomctl"), QStringLiteral("power"), QStringLiteral("alpha"), QStringLiteral("reset"), QString()},
                     m_work, xdg);
        QCOMPARE(c.words, QStringList{QStringLiteral("demo")});
    }

private:
    QTemporaryDir m_dir;
    QString m_work, m_idle;
};

QTEST_GUILESS_MAIN(TestCliCompletion)
#include "test_cli_completion.moc"
