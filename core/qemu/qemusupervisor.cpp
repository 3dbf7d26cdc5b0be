// SPDX-License-Identifier: GPL-3.0-or-later
#include "qemusupervisor.h"

#include "qemuhost.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QPointer>
#include <QProcessEnvironment>

#include <csignal>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace netloom::qemu {

namespace {

constexpr qsizetype kMaxSunPath = 107;  // sizeof(sockaddr_un::sun_path) - 1
constexpr int kExitGraceMs = 1000;      // QMP gone while starting: wait this long for QEMU's exit

bool argvHas(const QStringList &argv, const QString &option)
{
    for (qsizetype i = 1; i < argv.size(); ++i)
        if (argv[i] == option || argv[i] == u'-' + option)
            return true;
    return false;
}

}  // namespace

const char *QemuSupervisor::stateName(State s)
{
    switch (s) {
    case State::Idle: return "idle";
    case State::Starting: return "starting";
    case State::Running: return "running";
    case State::Stopping: return "stopping";
    case State::Stopped: return "stopped";
    case State::Failed: return "failed";
    }
    return "?";
}

QemuSupervisor::QemuSupervisor(const GuestLaunch &launch, const SupervisorTimeouts &timeouts, QObject *parent)
    : QObject(parent), m_launch(launch), m_timeouts(timeouts)
{
    m_stepTimer.setSingleShot(true);
    connect(&m_stepTimer, &QTimer::timeout, this, &QemuSupervisor::nextStopStep);
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    connect(&m_process, &QProcess::readyReadStandardOutput, this, [this] {
        m_output += m_process.readAllStandardOutput();
        if (m_output.size() > kOutputTailBytes)
            m_output.remove(0, m_output.size() - kOutputTailBytes);
    });
    connect(&m_process, &QProcess::finished, this, &QemuSupervisor::onFinished);
    connect(&m_process, &QProcess::errorOccurred, this, &QemuSupervisor::onProcessError);
    connect(&m_qmp, &QmpClient::ready, this, &QemuSupervisor::onQmpReady);
    connect(&m_qmp, &QmpClient::qmpEvent, this, [this](const QString &name, const QJsonObject &data) {
        if (name == QStringLiteral("SHUTDOWN"))
            m_guestShutdown = data.value(QStringLiteral("guest")).toBool();
        emit qmpEvent(name, data);
    });
    connect(&m_qmp, &QmpClient::disconnected, this, [this](const QString &why) {
        // QEMU closes QMP as it exits: the process's end decides (and reports QEMU's own
        // output), so give it kExitGraceMs. Before Running, a monitor that is gone while
        // QEMU lives on is fatal.
        if (m_state != State::Starting)
            return;
        QPointer<QemuSupervisor> self(this);
        QTimer::singleShot(kExitGraceMs, this, [this, self, why] {
            if (self && m_state == State::Starting && m_process.state() != QProcess::NotRunning) {
                fail(Error::failed(ErrorCode::Timeout, QStringLiteral("start guest"), m_launch.name, why).message);
                signalGroup(SIGKILL);
            }
        });
    });
}

QemuSupervisor::~QemuSupervisor()
{
    m_stepTimer.stop();
    m_qmp.disconnect(this);
    m_process.disconnect(this);
    if (m_process.state() != QProcess::NotRunning) {
        signalGroup(SIGKILL);
        m_process.waitForFinished(m_timeouts.killMs);
    }
}

qint64 QemuSupervisor::pid() const
{
    return m_process.processId();
}

void QemuSupervisor::setState(State s, const QString &reason)
{
    m_state = s;
    if (!reason.isEmpty() || s == State::Failed || s == State::Stopped)
        m_reason = reason;
    emit stateChanged(s, reason);
}

void QemuSupervisor::fail(const QString &message)
{
    m_stepTimer.stop();
    setState(State::Failed, message);
}

Status QemuSupervisor::start()
{
    if (m_state == State::Starting || m_state == State::Running || m_state == State::Stopping)
        return Error::failed(ErrorCode::Conflict, QStringLiteral("start guest"), m_launch.name,
                             QStringLiteral("it is already %1").arg(QLatin1String(stateName(m_state))));
    const QString verb = QStringLiteral("start guest");
    auto refuse = [&](ErrorCode code, const QString &reason) -> Status {
        const Error e = Error::failed(code, verb, m_launch.name, reason);
        fail(e.message);
        return e;
    };
    m_stopRequested = false;
    m_guestShutdown = false;
    m_stoppedBy = StopStep::None;
    m_step = StopStep::None;
    m_output.clear();
    m_runStatus.clear();
    m_pgid = 0;

    const QStringList &argv = m_launch.argv;
    auto binary = resolveQemuBinary(m_launch.name, argv.value(0), processPathDirs());
    if (!binary) {
        fail(binary.error().message);
        return binary.error();
    }
    if (argvHas(argv, QStringLiteral("-qmp")) || argvHas(argv, QStringLiteral("-daemonize")) ||
        (!m_launch.serialLog.isEmpty() && argvHas(argv, QStringLiteral("-serial"))))
        return refuse(ErrorCode::InvalidArgument,
                      QStringLiteral("the command line must not set -qmp, -daemonize or (with a serial log) -serial"));
    if (m_launch.qmpSocket.isEmpty() || QFile::encodeName(m_launch.qmpSocket).size() > kMaxSunPath)
        return refuse(ErrorCode::InvalidArgument,
                      QStringLiteral("QMP socket path '%1' is empty or longer than %2 bytes").arg(m_launch.qmpSocket).arg(kMaxSunPath));
    if (Status files = checkLaunchFiles(m_launch.name, argv, m_launch.requiredFiles); !files) {
        fail(files.error().message);
        return files;
    }
    m_accel = requestedAccel(argv);
    if (m_accel.section(u':', 0, 0) == QStringLiteral("kvm") && !m_accel.contains(QStringLiteral("tcg"))) {
        const KvmStatus kvm = probeKvm();
        if (!kvm.usable)
            return refuse(ErrorCode::Unsupported, QStringLiteral("the command line asks for KVM, which is unusable: %1").arg(kvm.reason));
    }
    if (m_accel.isEmpty())
        m_accel = QStringLiteral("tcg");

    // A socket left behind by an earlier run makes QEMU's bind fail: remove it (only a socket).
    for (const QString &path : {m_launch.qmpSocket, m_launch.serialSocket}) {
        struct stat st {};
        const QByteArray sockPath = QFile::encodeName(path);
        if (path.isEmpty() || ::lstat(sockPath.constData(), &st) != 0)
            continue;
        if (!S_ISSOCK(st.st_mode))
            return refuse(ErrorCode::Conflict, QStringLiteral("socket path '%1' exists and is not a socket").arg(path));
        ::unlink(sockPath.constData());
    }

    QStringList args = argv.mid(1);
    if (!argvHas(argv, QStringLiteral("-name")))
        args << QStringLiteral("-name") << m_launch.name;
    args << QStringLiteral("-qmp") << QStringLiteral("unix:%1,server=on,wait=off").arg(m_launch.qmpSocket);
    if (!m_launch.serialLog.isEmpty()) {
        QString log = m_launch.serialLog;
        log.replace(u',', QStringLiteral(",,"));
        args << QStringLiteral("-serial") << QStringLiteral("file:") + log;
    }
    m_effectiveArgv = QStringList{*binary} + args;

    QProcessEnvironment env;
    env.insert(QStringLiteral("PATH"), QStringLiteral("/usr/local/bin:/usr/bin:/bin"));
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C"));
    m_process.setProcessEnvironment(env);
    m_process.setProgram(*binary);
    m_process.setArguments(args);
    m_process.setStandardInputFile(QProcess::nullDevice());
    if (!m_launch.workingDirectory.isEmpty())
        m_process.setWorkingDirectory(m_launch.workingDirectory);
    const pid_t parent = ::getpid();
    m_process.setChildProcessModifier([parent] {
        // Async-signal-safe calls only: we are between fork and exec.
        ::setsid();
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent)
            ::_exit(127);  // the parent died before prctl took effect
    });
    setState(State::Starting);
    m_process.start();
    if (!m_process.waitForStarted(5000)) {
        if (m_state != State::Failed)
            fail(Error::failed(ErrorCode::System, verb, m_launch.name, m_process.errorString()).message);
        return Error{ErrorCode::System, m_reason};
    }
    m_pgid = m_process.processId();
    m_qmp.connectToSocket(m_launch.qmpSocket, m_timeouts.qmpConnectMs);
    return ok();
}

void QemuSupervisor::onQmpReady()
{
    if (m_state != State::Starting && m_state != State::Stopping)
        return;
    // QEMU listens on the serial socket by now (it binds before the monitor answers): from
    // here on only QMP add_client reaches the serial port.
    if (!m_launch.serialSocket.isEmpty())
        QFile::remove(m_launch.serialSocket);
    QPointer<QemuSupervisor> self(this);
    m_qmp.execute(QStringLiteral("query-status"), [this, self](const Result<QJsonValue> &st) {
        if (!self)
            return;
        if (st)
            m_runStatus = st->toObject().value(QStringLiteral("status")).toString();
        m_qmp.execute(QStringLiteral("query-kvm"), [this, self](const Result<QJsonValue> &kvm) {
            if (!self)
                return;
            if (kvm)
                m_accel = kvm->toObject().value(QStringLiteral("enabled")).toBool() ? QStringLiteral("kvm")
                                                                                    : QStringLiteral("tcg");
            if (m_state == State::Starting)
                setState(State::Running, QStringLiteral("%1, accel %2").arg(m_runStatus, m_accel));
        });
    });
}

void QemuSupervisor::stop()
{
    if (m_state != State::Starting && m_state != State::Running)
        return;
    m_stopRequested = true;
    setState(State::Stopping);
    m_step = StopStep::None;
    nextStopStep();
}

void QemuSupervisor::kill()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_stopRequested = true;
    m_step = StopStep::Kill;
    if (m_state != State::Stopping)
        setState(State::Stopping);
    signalGroup(SIGKILL);
    m_stepTimer.start(m_timeouts.killMs);
}

void QemuSupervisor::nextStopStep()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    const bool qmpUp = m_qmp.state() == QmpClient::State::Ready;
    QPointer<QemuSupervisor> self(this);
    switch (m_step) {
    case StopStep::None:
    case StopStep::GuestShutdown:
        if (qmpUp) {
            m_step = StopStep::Powerdown;
            m_qmp.execute(QStringLiteral("system_powerdown"), [this, self](const Result<QJsonValue> &r) {
                if (self && !r && m_step == StopStep::Powerdown)
                    nextStopStep();  // refused: escalate at once
            });
            m_stepTimer.start(m_timeouts.powerdownMs);
            return;
        }
        [[fallthrough]];
    case StopStep::Powerdown:
        if (qmpUp) {
            m_step = StopStep::Quit;
            m_qmp.execute(QStringLiteral("quit"), [](const Result<QJsonValue> &) {});
            m_stepTimer.start(m_timeouts.quitMs);
            return;
        }
        [[fallthrough]];
    case StopStep::Quit:
        m_step = StopStep::Terminate;
        signalGroup(SIGTERM);
        m_stepTimer.start(m_timeouts.termMs);
        return;
    case StopStep::Terminate:
        m_step = StopStep::Kill;
        signalGroup(SIGKILL);
        m_stepTimer.start(m_timeouts.killMs);
        return;
    case StopStep::Kill:
        fail(Error::failed(ErrorCode::Timeout, QStringLiteral("stop guest"), m_launch.name,
                           QStringLiteral("QEMU (pid %1) survived SIGKILL for %2 ms").arg(m_pgid).arg(m_timeouts.killMs))
                 .message);
        return;
    }
}

void QemuSupervisor::signalGroup(int sig)
{
    if (m_pgid > 1)
        ::kill(pid_t(-m_pgid), sig);
}

QString QemuSupervisor::tailForMessage() const
{
    QString tail = QString::fromUtf8(m_output.right(1024)).trimmed();
    tail.replace(u'\n', QStringLiteral(" | "));
    return tail.isEmpty() ? QStringLiteral("(no output)") : tail;
}

void QemuSupervisor::onFinished(int exitCode, QProcess::ExitStatus status)
{
    m_stepTimer.stop();
    m_output += m_process.readAllStandardOutput();
    if (m_output.size() > kOutputTailBytes)
        m_output.remove(0, m_output.size() - kOutputTailBytes);
    signalGroup(SIGKILL);  // anything QEMU left in its group
    m_qmp.drain();         // events QEMU sent just before exiting (SHUTDOWN)
    m_qmp.close();
    const QString how = status == QProcess::CrashExit ? QStringLiteral("was killed by a signal")
                                                      : QStringLiteral("exited with status %1").arg(exitCode);
    if (m_state == State::Failed)
        return;
    if (m_stopRequested) {
        m_stoppedBy = m_guestShutdown && m_step == StopStep::Powerdown ? StopStep::Powerdown : m_step;
        static const char *const steps[] = {"", "the guest", "ACPI power-down", "QMP quit", "SIGTERM", "SIGKILL"};
        setState(State::Stopped, QStringLiteral("stopped by %1; QEMU %2").arg(QLatin1String(steps[int(m_stoppedBy)]), how));
        return;
    }
    if (m_state == State::Starting) {
        fail(Error::failed(ErrorCode::System, QStringLiteral("start guest"), m_launch.name,
                           QStringLiteral("QEMU %1 before it was ready: %2").arg(how, tailForMessage()))
                 .message);
        return;
    }
    if (m_guestShutdown && status == QProcess::NormalExit && exitCode == 0) {
        m_stoppedBy = StopStep::GuestShutdown;
        setState(State::Stopped, QStringLiteral("the guest powered off"));
        return;
    }
    fail(Error::failed(ErrorCode::System, QStringLiteral("run guest"), m_launch.name,
                       QStringLiteral("QEMU %1 unexpectedly: %2").arg(how, tailForMessage()))
             .message);
}

void QemuSupervisor::onProcessError(QProcess::ProcessError error)
{
    if (error == QProcess::FailedToStart && m_state == State::Starting)
        fail(Error::failed(ErrorCode::System, QStringLiteral("start guest"), m_launch.name,
                           QStringLiteral("cannot execute '%1': %2").arg(m_process.program(), m_process.errorString()))
                 .message);
}

}  // namespace netloom::qemu
