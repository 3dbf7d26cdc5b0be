// SPDX-License-Identifier: GPL-3.0-or-later
// e2e (issue #10 acceptance, runtime and CLI side): the demo under `netloomctl up --json` in a
// test namespace, with alpha's screen and serial port reached only through QMP add_client:
// `netloomctl screenshot` saves a non-black PNG; `netloomctl console` (driven through a pty)
// replays the boot lines written before it attached, carries typed commands both ways and
// detaches on Ctrl+]; a second console is refused while one is attached; while consoles are
// open QEMU listens on no VNC socket (ss); another user's netloomctl cannot attach; pause,
// resume and a guest that powers itself off show as node states (down, not failed); console
// requests for unknown, stopped and screenless guests, and a QEMU killed under an open
// console, each give one clear message while the topology keeps running.
#include "common/netns.h"
#include "common/testutil.h"
#include "helper/helperfixture.h"
#include "runtime/controlserver.h"
#include "runtimefixture.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonDocument>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace netloom;
using namespace netloom::runtime::test;

namespace {

// A child whose stdin, stdout and stderr are a fresh pseudo-terminal (its controlling tty),
// as when a person runs it in a terminal.
class PtyChild {
public:
    explicit PtyChild(const QStringList &argv)
    {
        m_master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (m_master < 0 || ::grantpt(m_master) != 0 || ::unlockpt(m_master) != 0)
            return;
        const QByteArray slave = ::ptsname(m_master);
        QList<QByteArray> args;
        for (const QString &a : argv)
            args << a.toLocal8Bit();
        std::vector<char *> cargv;
        for (QByteArray &a : args)
            cargv.push_back(a.data());
        cargv.push_back(nullptr);
        m_pid = ::fork();
        if (m_pid == 0) {
            ::setsid();
            const int s = ::open(slave.constData(), O_RDWR);
            ::ioctl(s, TIOCSCTTY, 0);
            ::dup2(s, 0);
            ::dup2(s, 1);
            ::dup2(s, 2);
            ::execv(cargv[0], cargv.data());
            ::_exit(127);
        }
    }
    ~PtyChild()
    {
        if (m_pid > 0 && !m_exited) {
            ::kill(m_pid, SIGKILL);
            ::waitpid(m_pid, nullptr, 0);
        }
        if (m_master >= 0)
            ::close(m_master);
    }
    bool ok() const { return m_pid > 0; }
    void write(const QByteArray &b) { (void)!::write(m_master, b.constData(), std::size_t(b.size())); }
    // Reads until `needle` was seen (in everything read so far) or timeoutMs passed.
    bool waitFor(const QByteArray &needle, int timeoutMs)
    {
        QElapsedTimer t;
        t.start();
        while (!m_out.contains(needle) && t.elapsed() < timeoutMs) {
            pollfd p{m_master, POLLIN, 0};
            if (::poll(&p, 1, 100) > 0) {
                char buf[4096];
                const ssize_t n = ::read(m_master, buf, sizeof buf);
                if (n <= 0)
                    QTest::qWait(20);  // EIO once the child closed its end
                else
                    m_out.append(buf, n);
            }
        }
        return m_out.contains(needle);
    }
    // Waits for the exit; returns its status or -1 on timeout.
    int waitExit(int timeoutMs)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < timeoutMs) {
            waitFor("\x01\x02never", 50);  // keep draining the terminal
            int status = 0;
            if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
                m_exited = true;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
        }
        return -1;
    }
    const QByteArray &output() const { return m_out; }

private:
    int m_master = -1;
    pid_t m_pid = -1;
    bool m_exited = false;
    QByteArray m_out;
};

}  // namespace

class TestRuntimeConsole : public QObject {
    Q_OBJECT
private slots:
    void consolesScreenshotsPower()
    {
        const QString guestDir = requireDemoGuest();
        if (netloom::test::findTool(QStringLiteral("ss")).isEmpty()) {
            qWarning("SKIP: ss (iproute2) is not installed");
            ::exit(77);
        }
        netloom::test::ScopedNetns ns(QStringLiteral("rtcons"));
        QVERIFY2(ns.ok(), qPrintable(ns.error()));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QDir(dir.path()).mkdir(QStringLiteral("helper"));
        QDir(dir.path()).mkdir(QStringLiteral("xdg"));
        const QString xdg = dir.filePath(QStringLiteral("xdg"));
        helper::test::HelperProcess helper(ns, dir.filePath(QStringLiteral("helper")));
        QVERIFY2(helper.start(), qPrintable(helper.log()));
        TempUser other;
        QVERIFY(other.ok());

        // The demo; beta without a screen (display none), alpha with a cloud-init user.
        QJsonObject topo = demoTopology(guestDir);
        QJsonArray nodes = topo.value(QStringLiteral("nodes")).toArray();
        for (qsizetype i = 0; i < nodes.size(); ++i) {
            QJsonObject n = nodes[i].toObject();
            QJsonObject g = n.value(QStringLiteral("guest")).toObject();
            if (n.value(QStringLiteral("id")).toString() == QLatin1String("beta"))
                g.insert(QStringLiteral("display"), QStringLiteral("none"));
            else if (n.value(QStringLiteral("id")).toString() == QLatin1String("alpha"))
                g.insert(QStringLiteral("cloudInit"),
                         QJsonObject{{QStringLiteral("user"), QStringLiteral("dev")},
                                     {QStringLiteral("sshKeys"), QJsonArray{QStringLiteral("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGP2pZX8k5KAtf0Y2sbPSqD82OwOfBXsD+hAfF5P1A1P dev@example")}}});
            else
                continue;
            n.insert(QStringLiteral("guest"), g);
            nodes[i] = n;
        }
        topo.insert(QStringLiteral("nodes"), nodes);
        const QString file = writeTopology(dir.path(), QStringLiteral("demo"), topo);
        UpProcess up(ns, xdg);
        up.start({file, QStringLiteral("--helper-socket"), helper.socketPath(), QStringLiteral("--json"), QStringLiteral("--tcg")});
        const QJsonObject started = up.waitStarted(30000);
        QVERIFY2(started.value(QStringLiteral("event")).toString() == QLatin1String("started"), qPrintable(up.describe()));
        const QString control = started.value(QStringLiteral("control")).toString();
        const QString runDir = xdg + QStringLiteral("/netloom/demo");
        const QString alphaLog = runDir + QStringLiteral("/guest-alpha.serial.log");
        QTRY_VERIFY_WITH_TIMEOUT(netloom::test::readFile(alphaLog).contains("netloom-demo: ready"), 30000);
        // The serial chardev's socket file is gone once QEMU runs: only add_client reaches it.
        QVERIFY(!QFile::exists(runDir + QStringLiteral("/guest-alpha.serial")));

        const QString ctl = netloom::test::binaryPath(QStringLiteral("app/cli/netloomctl"));
        auto cli = [&](const QStringList &args, int timeoutMs = 15000, const QByteArray &input = {}) {
            return netloom::test::run(QStringList{ctl} + args + QStringList{QStringLiteral("--socket"), control}, timeoutMs, input);
        };
        qsizetype mark = 0;
        auto nodeEvent = [&](const QString &node, const QString &state, int timeoutMs) { return up.waitNode(node, state, timeoutMs, mark); };

        // ssh: alpha's cloud-init user at the address it leased, host key trusted per run.
        QString alphaIp;
        QTRY_VERIFY_WITH_TIMEOUT(!(alphaIp = [&] {
            const Result<QJsonObject> l = runtime::queryControl(control, QStringLiteral("leases"));
            for (const QJsonValue &v : l ? l->value(QStringLiteral("leases")).toArray() : QJsonArray())
                if (v.toObject().value(QStringLiteral("guest")).toString() == QLatin1String("alpha") &&
                    v.toObject().value(QStringLiteral("state")).toString() == QLatin1String("bound"))
                    return v.toObject().value(QStringLiteral("ip")).toString();
            return QString();
        }()).isEmpty(), 20000);
        const auto ssh = netloom::test::run({ctl, QStringLiteral("ssh"), QStringLiteral("alpha"), QStringLiteral("--socket"), control,
                                             QStringLiteral("--print"), QStringLiteral("--"), QStringLiteral("hostname")});
        QVERIFY2(ssh.exitCode == 0, qPrintable(ssh.describe()));
        QCOMPARE(QString::fromUtf8(ssh.out).trimmed(),
                 QStringLiteral("ssh -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=%1/known_hosts dev@%2 -- hostname").arg(runDir, alphaIp));
        const auto sshNobody = cli({QStringLiteral("ssh"), QStringLiteral("nosuch"), QStringLiteral("--print")});
        QVERIFY2(sshNobody.exitCode == 1 && sshNobody.err.contains("'nosuch': no such guest"), qPrintable(sshNobody.describe()));
        // The cloud-init seed was written and attached read-only.
        QVERIFY(QFileInfo(runDir + QStringLiteral("/guest-alpha.cidata.iso")).size() > 0);

        // Screenshot: a PNG of alpha's screen that is not all black (tty1 shows its banner).
        const QString shot = dir.filePath(QStringLiteral("alpha.png"));
        const auto saved = cli({QStringLiteral("screenshot"), QStringLiteral("alpha"), shot});
        QVERIFY2(saved.exitCode == 0 && saved.out.contains("saved the screen of 'alpha'"), qPrintable(saved.describe()));
        const QImage image(shot);
        QVERIFY2(!image.isNull() && image.width() >= 640, qPrintable(shot));
        int lit = 0;
        for (int y = 0; y < image.height(); y += 2)
            for (int x = 0; x < image.width(); x += 2)
                lit += qGray(image.pixel(x, y)) > 40;
        QVERIFY2(lit > 200, qPrintable(QStringLiteral("only %1 lit pixels").arg(lit)));
        const auto noScreen = cli({QStringLiteral("screenshot"), QStringLiteral("beta"), shot});
        QVERIFY2(noScreen.exitCode == 1 && noScreen.err.contains("'beta': the guest has no screen"), qPrintable(noScreen.describe()));

        // The serial console in a terminal: first the boot lines written long before (replay),
        // then a command typed into the guest's shell and its answer.
        PtyChild console({ctl, QStringLiteral("console"), QStringLiteral("alpha"), QStringLiteral("--socket"), control});
        QVERIFY(console.ok());
        QVERIFY2(console.waitFor("netloom-demo: booting", 10000), console.output().constData());
        QVERIFY2(console.waitFor("Ctrl+] detaches", 5000), console.output().constData());
        console.write("echo nl-$((6*7))\r");
        QVERIFY2(console.waitFor("nl-42", 10000), console.output().right(2000).constData());

        // One serial client at a time: a second console is refused with QEMU's reason.
        const auto second = cli({QStringLiteral("console"), QStringLiteral("alpha")});
        QVERIFY2(second.exitCode == 1 && second.err.contains("failed to attach console 'serial0'"), qPrintable(second.describe()));

        // A graphical console too (the VNC greeting arrives on the descriptor); then QEMU listens
        // only on its QMP socket and the (unlinked) serial chardev, on no TCP port.
        Result<runtime::ControlFdReply> vnc = runtime::queryControlFd(
            control, QJsonObject{{QStringLiteral("op"), QStringLiteral("console")}, {QStringLiteral("node"), QStringLiteral("alpha")},
                                 {QStringLiteral("kind"), QStringLiteral("graphical")}});
        QVERIFY2(vnc && vnc->fd >= 0, qPrintable(vnc ? QStringLiteral("no fd") : vnc.error().message));
        const auto closeVnc = qScopeGuard([fd = vnc->fd] { ::close(fd); });
        char greeting[12] = {};
        QCOMPARE(::read(vnc->fd, greeting, sizeof greeting), ssize_t(12));
        QCOMPARE(QByteArray(greeting, 12), QByteArray("RFB 003.008\n"));
        const auto pgrep = ns.exec({QStringLiteral("pgrep"), QStringLiteral("-f"), QStringLiteral("guest=alpha")});
        const QString qemuPid = QString::fromLatin1(pgrep.out).trimmed().section(u'\n', 0, 0);
        QVERIFY2(!qemuPid.isEmpty(), qPrintable(pgrep.describe()));
        const auto unixListen = ns.exec({QStringLiteral("ss"), QStringLiteral("-xlpn")});
        QStringList qemuListeners;
        for (const QString &l : QString::fromLatin1(unixListen.out).split(u'\n'))
            if (l.contains(QStringLiteral("pid=%1,").arg(qemuPid)))
                qemuListeners << l.simplified().section(u' ', 4, 4);
        QVERIFY2(qemuListeners.size() == 2, qPrintable(QString::fromLatin1(unixListen.out)));
        for (const QString &path : qemuListeners)
            QVERIFY2(path.endsWith(QLatin1String(".qmp")) || (path.endsWith(QLatin1String(".serial")) && !QFile::exists(path)),
                     qPrintable(qemuListeners.join(u' ')));
        const auto tcpListen = ns.exec({QStringLiteral("ss"), QStringLiteral("-tlpn")});
        QVERIFY2(!tcpListen.out.contains(QStringLiteral("pid=%1,").arg(qemuPid).toLatin1()), tcpListen.out.constData());

        // Another user cannot reach the console (the control socket is the owner's alone).
        const auto stranger = netloom::test::run({QStringLiteral("setpriv"), QStringLiteral("--reuid=%1").arg(other.uid()),
                                                  QStringLiteral("--regid=%1").arg(other.gid()), QStringLiteral("--clear-groups"), QStringLiteral("--"),
                                                  ctl, QStringLiteral("console"), QStringLiteral("alpha"), QStringLiteral("--socket"), control},
                                                 15000);
        QVERIFY2(stranger.exitCode == 1 && stranger.err.contains("Permission denied") && stranger.out.isEmpty(),
                 qPrintable(stranger.describe()));

        // Ctrl+] detaches; the guest runs on.
        console.write("\x1d");
        QCOMPARE(console.waitExit(5000), 0);
        QVERIFY(console.output().contains("detached from 'alpha'"));

        // Pause and resume show as node states.
        auto power = [&](const QString &node, const QString &action) {
            mark = up.events().size();
            return runtime::queryControl(control, QJsonObject{{QStringLiteral("op"), QStringLiteral("power")},
                                                              {QStringLiteral("node"), node}, {QStringLiteral("action"), action}}, 5000);
        };
        QVERIFY(power(QStringLiteral("alpha"), QStringLiteral("pause")));
        QVERIFY2(nodeEvent(QStringLiteral("alpha"), QStringLiteral("paused"), 5000), qPrintable(up.describe()));
        QVERIFY(power(QStringLiteral("alpha"), QStringLiteral("resume")));
        QVERIFY2(nodeEvent(QStringLiteral("alpha"), QStringLiteral("up"), 5000), qPrintable(up.describe()));
        const auto badAction = cli({QStringLiteral("power"), QStringLiteral("alpha"), QStringLiteral("explode")});
        QVERIFY2(badAction.exitCode == 2 && badAction.err.contains("ACTION must be"), qPrintable(badAction.describe()));

        // A guest that powers itself off (typed into its console, no terminal) is down, not failed.
        mark = up.events().size();
        const auto poweroff = cli({QStringLiteral("console"), QStringLiteral("alpha")}, 15000, "poweroff -f\n");
        QVERIFY2(!poweroff.timedOut, qPrintable(poweroff.describe()));
        QVERIFY2(nodeEvent(QStringLiteral("alpha"), QStringLiteral("down"), 20000), qPrintable(up.describe()));
        QVERIFY(up.waitEvent([](const QJsonObject &e) { return e.value(QStringLiteral("event")).toString() == QLatin1String("node") &&
                                                             e.value(QStringLiteral("node")).toString() == QLatin1String("alpha") &&
                                                             e.value(QStringLiteral("state")).toString() == QLatin1String("failed"); }, 0, mark).isEmpty());

        // Bad requests: one clear message each.
        const auto stopped = cli({QStringLiteral("console"), QStringLiteral("alpha")});
        QVERIFY2(stopped.exitCode == 1 && stopped.err.contains("'alpha': the guest is not running (it is down)"), qPrintable(stopped.describe()));
        const auto unknown = cli({QStringLiteral("console"), QStringLiteral("nosuch")});
        QVERIFY2(unknown.exitCode == 1 && unknown.err.contains("'nosuch': no such guest in this topology"), qPrintable(unknown.describe()));
        Result<runtime::ControlFdReply> screenless = runtime::queryControlFd(
            control, QJsonObject{{QStringLiteral("op"), QStringLiteral("console")}, {QStringLiteral("node"), QStringLiteral("beta")},
                                 {QStringLiteral("kind"), QStringLiteral("graphical")}});
        QVERIFY(!screenless);
        QVERIFY2(screenless.error().message.contains("'beta': the guest has no screen (display: none)"), qPrintable(screenless.error().message));

        // QEMU killed under an open console: the console says so, the guest is failed, the
        // topology keeps running.
        PtyChild betaConsole({ctl, QStringLiteral("console"), QStringLiteral("beta"), QStringLiteral("--socket"), control});
        QVERIFY(betaConsole.waitFor("Ctrl+] detaches", 10000));
        mark = up.events().size();
        QVERIFY(ns.exec({QStringLiteral("pkill"), QStringLiteral("-KILL"), QStringLiteral("-f"), QStringLiteral("guest=beta")}).exitCode == 0);
        QCOMPARE(betaConsole.waitExit(10000), 1);
        QVERIFY2(betaConsole.output().contains("the console of 'beta' closed"), betaConsole.output().right(500).constData());
        QVERIFY2(nodeEvent(QStringLiteral("beta"), QStringLiteral("failed"), 10000), qPrintable(up.describe()));
        const auto status = cli({QStringLiteral("leases")});
        QVERIFY2(status.exitCode == 0, qPrintable(status.describe()));

        const int code = up.signalAndWait(SIGINT, 40000);
        QVERIFY2(code == 130, qPrintable(QStringLiteral("exit %1\n%2").arg(code).arg(up.describe())));
    }
};

QTEST_GUILESS_MAIN(TestRuntimeConsole)
#include "test_runtime_console.moc"
