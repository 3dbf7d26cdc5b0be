// SPDX-License-Identifier: GPL-3.0-or-later
// netloom-helper: the privileged helper (DESIGN.md §1, docs/helper-protocol.md).
//
//   netloom-helper [--socket PATH] [--state-dir DIR] [--boot-dir DIR] [--max-networks N] [--max-taps N]
//                  [--max-addresses N] [--test-mode [--fail-at-step K] [--crash-at-step K]]
//
// Without --socket it expects a listening socket from systemd (LISTEN_PID/LISTEN_FDS, fd 3).
// It acts on the network namespace it runs in.
#include "authorizer.h"
#include "bootstore.h"
#include "dnsmasq.h"
#include "journal.h"
#include "linuxhostops.h"
#include "safefile.h"
#include "server.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace netloom;
using namespace netloom::helper;

namespace {

int die(const QString &message)
{
    std::fprintf(stderr, "netloom-helper: %s\n", qPrintable(message));
    return 1;
}

// fd 3 when systemd passed exactly one socket to this very process, else -1.
int inheritedSocket()
{
    const QByteArray pid = qgetenv("LISTEN_PID");
    const QByteArray fds = qgetenv("LISTEN_FDS");
    qunsetenv("LISTEN_PID");
    qunsetenv("LISTEN_FDS");
    qunsetenv("LISTEN_FDNAMES");
    if (pid.isEmpty() || pid.toLongLong() != ::getpid() || fds.toInt() < 1)
        return -1;
    return 3;
}

}  // namespace

int main(int argc, char **argv)
{
    ::signal(SIGPIPE, SIG_IGN);
    ::umask(022);
    // SIGTERM/SIGINT are handled in the event loop (signalfd), for an orderly shutdown.
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    ::sigprocmask(SIG_BLOCK, &mask, nullptr);

    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("netloom-helper"));
    QCoreApplication::setApplicationVersion(QStringLiteral(NETLOOM_VERSION));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Netloom's privileged helper"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption socketOpt(QStringLiteral("socket"), QStringLiteral("Listen on this unix socket path."),
                                 QStringLiteral("path"));
    QCommandLineOption stateOpt(QStringLiteral("state-dir"), QStringLiteral("Journal and dnsmasq files (default /run/netloom)."),
                                QStringLiteral("dir"), QStringLiteral("/run/netloom"));
    QCommandLineOption bootOpt(QStringLiteral("boot-dir"),
                               QStringLiteral("Networks enabled at boot, kept across reboots (default /var/lib/netloom/boot; "
                                              "with another --state-dir, STATE/boot)."),
                               QStringLiteral("dir"));
    QCommandLineOption netsOpt(QStringLiteral("max-networks"), QStringLiteral("Networks per user."), QStringLiteral("n"), QStringLiteral("16"));
    QCommandLineOption tapsOpt(QStringLiteral("max-taps"), QStringLiteral("Taps per user."), QStringLiteral("n"), QStringLiteral("64"));
    QCommandLineOption addrOpt(QStringLiteral("max-addresses"), QStringLiteral("Addresses per user."), QStringLiteral("n"), QStringLiteral("64"));
    QCommandLineOption testOpt(QStringLiteral("test-mode"), QStringLiteral("Allow test-only options."));
    QCommandLineOption failOpt(QStringLiteral("fail-at-step"), QStringLiteral("Test mode: fail every apply before step K."),
                               QStringLiteral("k"));
    QCommandLineOption crashOpt(QStringLiteral("crash-at-step"),
                                QStringLiteral("Test mode: SIGKILL itself before step K of the first non-empty apply."),
                                QStringLiteral("k"));
    parser.addOptions({socketOpt, stateOpt, bootOpt, netsOpt, tapsOpt, addrOpt, testOpt, failOpt, crashOpt});
    parser.process(app);

    if (::geteuid() != 0)
        return die(QStringLiteral("failed to start: the helper must run as root"));
    HelperLimits limits;
    bool okN = false, okT = false, okA = false;
    limits.maxNetworksPerUid = parser.value(netsOpt).toInt(&okN);
    limits.maxTapsPerUid = parser.value(tapsOpt).toInt(&okT);
    limits.maxAddressesPerUid = parser.value(addrOpt).toInt(&okA);
    if (!okN || !okT || !okA || limits.maxNetworksPerUid < 0 || limits.maxTapsPerUid < 0 || limits.maxAddressesPerUid < 0)
        return die(QStringLiteral("failed to parse quotas: they must be non-negative integers"));
    const auto testStep = [&](const QCommandLineOption &opt, const QString &name, int *out) -> bool {
        if (!parser.isSet(opt))
            return true;
        if (!parser.isSet(testOpt)) {
            die(QStringLiteral("failed to parse '--%1': it is only accepted with --test-mode").arg(name));
            return false;
        }
        bool okS = false;
        *out = parser.value(opt).toInt(&okS);
        if (!okS || *out < 0) {
            die(QStringLiteral("failed to parse '--%1': expected a step number").arg(name));
            return false;
        }
        return true;
    };
    int failAt = -1, crashAt = -1;
    if (!testStep(failOpt, QStringLiteral("fail-at-step"), &failAt) || !testStep(crashOpt, QStringLiteral("crash-at-step"), &crashAt))
        return 1;

    const QString stateDir = parser.value(stateOpt);
    if (auto s = ensurePrivateDir(stateDir, 0755); !s)
        return die(s.error().message);
    if (auto s = ensurePrivateDir(stateDir + QStringLiteral("/dnsmasq"), 0755); !s)
        return die(s.error().message);
    auto journal = Journal::open(stateDir + QStringLiteral("/journal"));
    if (!journal)
        return die(journal.error().message);

    // A private helper (tests, another --state-dir) never reads the system's boot records.
    const QString bootDir = parser.isSet(bootOpt)                      ? parser.value(bootOpt)
                            : stateDir == QLatin1String("/run/netloom") ? QStringLiteral("/var/lib/netloom/boot")
                                                                        : stateDir + QStringLiteral("/boot");
    if (bootDir == QLatin1String("/var/lib/netloom/boot"))  // systemd's StateDirectory= makes it too
        if (auto s = ensurePrivateDir(QStringLiteral("/var/lib/netloom"), 0755); !s)
            return die(s.error().message);
    auto boot = BootStore::open(bootDir);
    if (!boot)
        return die(boot.error().message);

    DnsmasqSupervisor dnsmasq(stateDir + QStringLiteral("/dnsmasq"));
    LinuxHostOps ops(dnsmasq, *journal);
    if (auto s = ops.init(); !s)
        return die(s.error().message);
    PolkitAuthorizer authorizer;
    HelperServer server(*journal, *boot, ops, dnsmasq, authorizer, limits);
    server.setFailAtStep(failAt);
    // Armed after recovery (which runs steps too), so it hits the first apply.

    const int inherited = inheritedSocket();
    // The state directory is in /run: the marker is gone exactly when the machine rebooted,
    // so enabled networks are rebuilt at boot and not at every restart of the helper.
    const QString bootMarker = stateDir + QStringLiteral("/boot-done");
    const bool freshBoot = !QFileInfo::exists(bootMarker);
    if (auto s = server.recover(freshBoot); !s)
        return die(s.error().message);
    if (freshBoot)
        if (auto s = writeFileAtomically(bootMarker, QByteArray(), 0600); !s)
            return die(s.error().message);
    server.setCrashAtStep(crashAt);
    Status listening = inherited >= 0 ? server.listenOnDescriptor(inherited)
                       : parser.isSet(socketOpt) ? server.listen(parser.value(socketOpt))
                                                 : Status(Error{ErrorCode::InvalidArgument,
                                                                QStringLiteral("failed to start: give --socket PATH or start through systemd socket activation")});
    if (!listening)
        return die(listening.error().message);

    const int sfd = ::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    QSocketNotifier notifier(sfd, QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &app, [&] {
        signalfd_siginfo info{};
        while (::read(sfd, &info, sizeof info) == sizeof info) {
        }
        server.shutdown();
        app.quit();
    });
    std::fprintf(stderr, "netloom-helper: ready\n");
    std::fflush(stderr);
    return app.exec();
}
