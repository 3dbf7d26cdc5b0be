// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl console: attaches this terminal to the serial console of a guest of a running
// topology, like `virsh console`: the tail of the serial log first (boot messages are there
// even when attaching late), then live; raw mode, Ctrl+] detaches. The console's descriptor
// comes from the runtime over the per-user control socket (SCM_RIGHTS): nothing listens.
#include "commands.h"

#include "controlquery.h"
#include "runtime/controlserver.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QScopeGuard>

#include <algorithm>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

namespace netloom::cli {

namespace {

constexpr char kDetachByte = 0x1d;  // Ctrl+]
constexpr int kDrainAfterEofMs = 1000;  // stdin closed (a script): show the guest's output this much longer

volatile std::sig_atomic_t g_stop = 0;
void onSignal(int) { g_stop = 1; }

bool writeAll(int fd, const char *data, std::size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        size -= std::size_t(n);
    }
    return true;
}

// Copies between the terminal and the console until Ctrl+], a signal, or the console's end.
// Returns the exit code.
int relay(int console, const QString &guest)
{
    const bool tty = ::isatty(STDIN_FILENO);
    termios saved{};
    if (tty && ::tcgetattr(STDIN_FILENO, &saved) == 0) {
        termios raw = saved;
        ::cfmakeraw(&raw);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    }
    bool raw = tty;
    const auto restore = [&] {
        if (raw)
            ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        raw = false;
    };
    const auto restoreOnExit = qScopeGuard(restore);
    struct sigaction sa {};
    sa.sa_handler = onSignal;
    for (int sig : {SIGTERM, SIGHUP, SIGINT})
        ::sigaction(sig, &sa, nullptr);

    bool stdinOpen = true;
    QElapsedTimer sinceEof;
    char buf[16384];
    while (!g_stop) {
        pollfd p[2] = {{console, POLLIN, 0}, {STDIN_FILENO, short(stdinOpen ? POLLIN : 0), 0}};
        const int left = stdinOpen ? -1 : int(std::max<qint64>(0, kDrainAfterEofMs - sinceEof.elapsed()));
        const int n = ::poll(p, 2, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            return ExitOk;  // stdin ended a while ago: what the guest answered is shown
        if (p[0].revents) {
            const ssize_t got = ::read(console, buf, sizeof buf);
            if (got <= 0) {
                restore();
                printErr(QStringLiteral("\r\nnetloomctl console: the console of '%1' closed (the guest stopped or another console took it)\n").arg(guest));
                return ExitFailure;
            }
            writeAll(STDOUT_FILENO, buf, std::size_t(got));
        }
        if (p[1].revents) {
            const ssize_t got = ::read(STDIN_FILENO, buf, sizeof buf);
            if (got <= 0) {
                stdinOpen = false;
                sinceEof.start();
                continue;
            }
            const char *detach = static_cast<const char *>(std::memchr(buf, kDetachByte, std::size_t(got)));
            const std::size_t len = detach ? std::size_t(detach - buf) : std::size_t(got);
            if (len > 0 && !writeAll(console, buf, len))
                return ExitFailure;
            if (detach)
                break;
        }
    }
    return ExitOk;
}

int attach(const QString &socket, const QJsonObject &request)
{
    QJsonObject req = request;
    req.insert(QStringLiteral("kind"), QStringLiteral("serial"));
    const QString guest = request.value(QStringLiteral("node")).toString();
    Result<runtime::ControlFdReply> r = runtime::queryControlFd(socket, req);
    if (!r) {
        printError(QStringLiteral("console"), r.error().message);
        return ExitFailure;
    }
    if (r->fd < 0) {
        printError(QStringLiteral("console"), QStringLiteral("the running topology answered without a console"));
        return ExitFailure;
    }
    const auto closeFd = qScopeGuard([fd = r->fd] { ::close(fd); });
    const QByteArray replay = QByteArray::fromBase64(r->result.value(QStringLiteral("replay")).toString().toLatin1());
    writeAll(STDOUT_FILENO, replay.constData(), std::size_t(replay.size()));
    if (::isatty(STDIN_FILENO))
        printErr(QStringLiteral("[connected to the serial console of '%1'; Ctrl+] detaches]\n").arg(guest));
    const int code = relay(r->fd, guest);
    if (code == ExitOk && ::isatty(STDIN_FILENO))
        printErr(QStringLiteral("\n[detached from '%1']\n").arg(guest));
    return code;
}

}  // namespace

int runConsole(const QStringList &args)
{
    ControlCommand c;
    c.op = QStringLiteral("console");
    c.what = QStringLiteral("Attaches this terminal to the serial console of GUEST (its node id or name):\n"
                            "first what the guest wrote before (up to 64 KiB of its serial log), then\n"
                            "live input and output. Ctrl+] detaches; the guest keeps running. One\n"
                            "console per guest at a time (the GUI's serial view counts)");
    c.positionals = {QStringLiteral("node")};
    c.positionalLabels = {QStringLiteral("GUEST")};
    c.run = attach;
    return runControlQuery(c, args);
}

}  // namespace netloom::cli
