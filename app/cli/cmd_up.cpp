// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl up FILE: runs a topology in the foreground (DESIGN.md §1: the runtime lives in
// the process that runs a topology). Plans the file, starts core::Runtime (helper apply,
// switches, lease tracking, guests), serves the per-user control socket for `leases` and
// `stats`, and shows a live text view or a JSON-lines event stream. SIGINT/SIGTERM stop
// everything in reverse order; the exit code is 130 after a clean stop.
#include "cmd_forward.h"
#include "cliparser.h"
#include "commands.h"

#include "model/linkedit.h"
#include "model/validator.h"
#include "plan/rundir.h"

#include "plan/planner.h"
#include "plan/topologyloader.h"
#include "runtime/controlserver.h"
#include "runtime/runtime.h"
#include "runtime/userkeys.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSocketNotifier>
#include <QTimer>

#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace netloom::cli {

namespace {

const QString kCmd = QStringLiteral("up");
int g_upSignalPipe[2] = {-1, -1};

void onUpSignal(int sig)
{
    const char c = char(sig);
    (void)!::write(g_upSignalPipe[1], &c, 1);
}

void emitJson(const QJsonObject &o)
{
    printOut(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)) + u'\n');
}

QString rate(double bps)
{
    if (bps >= 1e6)
        return QStringLiteral("%1 Mbit/s").arg(bps / 1e6, 0, 'f', 1);
    if (bps >= 1e3)
        return QStringLiteral("%1 kbit/s").arg(bps / 1e3, 0, 'f', 1);
    return QStringLiteral("%1 bit/s").arg(bps, 0, 'f', 0);
}

QString textView(const runtime::Runtime &rt)
{
    QString s = QStringLiteral("== %1: %2 (%3) ==\n")
                    .arg(rt.topologyName(), QString::fromLatin1(runtime::runStateName(rt.state())), rt.accelerator());
    s += QStringLiteral("guests:\n");
    for (const plan::GuestPlan &g : rt.plan().runtime.guests)
        s += QStringLiteral("  %1 %2\n").arg(g.name.leftJustified(16), QString::fromLatin1(runtime::nodeStateName(rt.nodeState(g.node))));
    s += QStringLiteral("leases:\n");
    for (const leases::LeaseTable &t : rt.leaseTables())
        for (const leases::LeaseEntry &e : t.entries)
            s += QStringLiteral("  %1 %2 %3 %4 %5 %6\n")
                     .arg(t.config.network.leftJustified(10), e.mac.toString(), (e.ip.value ? e.ip.toString() : QStringLiteral("-")).leftJustified(15),
                          (e.hostname.isEmpty() ? QStringLiteral("-") : e.hostname).leftJustified(16),
                          QString::fromLatin1(leases::leaseStateName(e.state)),
                          e.conflict ? QStringLiteral("CONFLICT") : QString());
    s += QStringLiteral("ports:\n");
    for (const runtime::PortRateRow &r : rt.portRates())
        s += QStringLiteral("  %1 %2 %3 rx %4 tx %5\n")
                 .arg(r.network.leftJustified(10), QString::number(r.port).rightJustified(3),
                      (r.owner.isEmpty() ? r.description : r.owner).leftJustified(22), rate(r.rate.rxBitsPerSec).leftJustified(14),
                      rate(r.rate.txBitsPerSec));
    return s;
}

// plan::plan() of the loaded topology `t` for this user's run: cloudInit sections with
// userKeys get the keys of ~/.ssh (runtime::userKeysFor), whose warnings go to *warnings.
Result<plan::Plan> planForRun(const model::Topology &t, const QString &file, const QString &runtimeDir,
                              QList<runtime::UserKeyWarning> *warnings)
{
    runtime::UserKeys keys = runtime::userKeysFor(t, QDir::homePath());
    *warnings = keys.warnings;
    return plan::plan(t, plan::PlanContext{runtimeDir, QFileInfo(file).absolutePath(), keys.keys});
}

}  // namespace

CliSpec specUp()
{
    CliSpec s;
    s.command = kCmd;
    s.synopsis = QStringLiteral("FILE [options]");
    s.description = QStringLiteral(
        "Starts the topology in FILE and runs it in the foreground: the privileged helper creates\n"
        "the host side (taps, addresses, NAT, dnsmasq), netloom switches and QEMU guests run in\n"
        "this process. Ctrl-C (SIGINT) or SIGTERM stops everything in reverse order; SIGHUP\n"
        "re-reads FILE and applies guest and host edits without stopping the rest.\n"
        "While it runs, 'netloomctl leases', 'stats' and the other commands of a running\n"
        "topology query it.");
    s.options = {
        helperSocketOption(),
        flagOption({QStringLiteral("json")}, QStringLiteral("A JSON-lines event stream on stdout instead of the text view.")),
        valueOption({QStringLiteral("runtime-dir")}, QStringLiteral("DIR"),
                    QStringLiteral("Sockets and logs (an absolute path; default $XDG_RUNTIME_DIR/netloom/<name>)."), Complete::Directory),
        valueOption({QStringLiteral("control-socket")}, QStringLiteral("PATH"),
                    QStringLiteral("The control socket the other commands query (default $XDG_RUNTIME_DIR/netloom/<name>.ctl)."),
                    Complete::File),
        flagOption({QStringLiteral("tcg")}, QStringLiteral("Never use KVM, even when /dev/kvm is usable.")),
        valueOption({QStringLiteral("interval")}, QStringLiteral("SECONDS"), QStringLiteral("Text view refresh, 1..3600 (default 2).")),
        flagOption({QStringLiteral("quiet")},
                   QStringLiteral("No live view, only the log (what starts, stops or fails): for services such as netloom-up@.service.")),
        flagOption({QStringLiteral("keep-logs")}, QStringLiteral("Keep the runtime directory (serial logs) after the stop.")),
    };
    s.positionals = {positionalArg(QStringLiteral("FILE"), QStringLiteral("The topology file."), Complete::TopologyFile)};
    s.footer = QStringLiteral("exit codes: 0 stopped on its own, 1 failed, 2 bad command line, 3 the topology is\n"
                              "            unreadable, malformed or invalid, 130 stopped by a signal");
    return s;
}

int runUp(const QStringList &args)
{
    CliParser parser(specUp());
    if (const std::optional<int> done = parser.parse(args))
        return *done;
    const QString helperSocket = parser.value(QStringLiteral("helper-socket"));
    QString runtimeDir = parser.value(QStringLiteral("runtime-dir"));
    QString controlPath = parser.value(QStringLiteral("control-socket"));
    const bool json = parser.isSet(QStringLiteral("json"));
    const bool tcg = parser.isSet(QStringLiteral("tcg"));
    const bool keepLogs = parser.isSet(QStringLiteral("keep-logs"));
    if (parser.isSet(QStringLiteral("runtime-dir")) && !QDir::isAbsolutePath(runtimeDir))
        return parser.usageError(QStringLiteral("failed to use runtime directory '%1': not an absolute path").arg(runtimeDir));
    int interval = 2;
    if (parser.isSet(QStringLiteral("interval"))) {
        const QString v = parser.value(QStringLiteral("interval"));
        bool okNum = false;
        interval = v.toInt(&okNum);
        if (!okNum || interval < 1 || interval > 3600)
            return parser.usageError(QStringLiteral("failed to use interval '%1': not a number of seconds in 1..3600").arg(v));
    }
    const QStringList positionals = parser.positionals();
    if (positionals.size() > 1)
        return parser.usageError(QStringLiteral("more than one topology file given"));
    const QString file = positionals.value(0);
    if (file.isEmpty()) {
        printError(kCmd, QStringLiteral("no topology file given (usage: netloomctl up FILE [--json] [--helper-socket PATH])"));
        return ExitUsage;
    }
    Result<model::Topology> loaded = plan::loadTopologyForPlan(file);
    if (!loaded) {
        printError(kCmd, loaded.error().message);
        return ExitInvalid;
    }
    if (runtimeDir.isEmpty())
        runtimeDir = plan::defaultRuntimeDir(loaded->name);
    const model::Topology *t = &*loaded;
    QList<runtime::UserKeyWarning> keyWarnings;
    const Result<plan::Plan> planned = planForRun(*t, file, runtimeDir, &keyWarnings);
    if (!planned) {
        printError(kCmd, planned.error().message);
        return ExitInvalid;
    }
    const plan::Plan *p = &*planned;

    runtime::RuntimeOptions options;
    options.userKeyWarnings = keyWarnings;
    options.helperSocket = helperSocket;
    options.forceTcg = tcg;
    options.removeRuntimeDir = !keepLogs;
    runtime::Runtime rt(t->name, *p, options);
    runtime::ControlServer control(&rt);
    // `netloomctl link`: the running topology's links change in memory (not in the file; a
    // SIGHUP re-reads the file and so undoes them) and apply as a live edit.
    model::Topology current = *loaded;
    control.setLinkHandler([&](const QString &ref, const QString &action, const QString &dir) -> Result<QJsonObject> {
        Result<model::LinkChange> change = model::parseLinkChange(action, dir);
        if (!change)
            return change.error();
        QString id;
        Result<model::Topology> nt = model::applyLinkChange(current, ref, *change, &id);
        if (!nt)
            return nt.error();
        for (const model::Issue &issue : model::validate(*nt))
            if (issue.severity == model::Issue::Severity::Error)
                return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("change link"), ref,
                                     QStringLiteral("%1: %2").arg(issue.path, issue.message));
        QList<runtime::UserKeyWarning> ignored;
        Result<plan::Plan> np = planForRun(*nt, file, runtimeDir, &ignored);
        if (!np)
            return np.error();
        if (Status st = rt.applyEdit(*np); !st)
            return st.error();
        current = *nt;
        const model::Link *l = current.link(id);
        return QJsonObject{{QStringLiteral("link"), id},
                           {QStringLiteral("up"), l->emulation.up},
                           {QStringLiteral("ab"), protocol::toSpec(l->emulation.ab)},
                           {QStringLiteral("ba"), protocol::toSpec(l->emulation.ba)}};
    });
    // `netloomctl forward`: the same, for the NAT gateways' port forwards; an add or remove
    // answers once the helper has answered its apply, so a refusal ("port 9090/tcp is in use
    // by sshd (pid 123)") reaches the caller and the change is not kept.
    control.setForwardHandler([&](const QString &action, const QString &spec, const QString &gateway,
                                  runtime::ControlServer::ForwardReply reply) {
        model::Topology edited = current;
        Result<QJsonObject> r = editForwards(&edited, action, spec, gateway, &rt);
        if (!r || action == QLatin1String("list"))
            return reply(r);
        QList<runtime::UserKeyWarning> ignored;
        Result<plan::Plan> np = planForRun(edited, file, runtimeDir, &ignored);
        if (!np)
            return reply(np.error());
        const QJsonObject result = *r;
        const Status st = rt.applyEdit(*np, [&current, edited, result, reply](Status applied) {
            if (!applied)
                return reply(applied.error());
            current = edited;
            reply(result);
        });
        if (!st)
            reply(st.error());
    });
    // Signals are caught before the control socket appears: whoever sees the socket may stop
    // this process, and a SIGTERM must then still stop it cleanly (and remove the socket).
    if (::pipe2(g_upSignalPipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        printError(kCmd, QStringLiteral("failed to create signal pipe"));
        return ExitFailure;
    }
    struct sigaction sa {};
    sa.sa_handler = onUpSignal;
    ::sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (int sig : {SIGINT, SIGTERM, SIGHUP})
        ::sigaction(sig, &sa, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
    if (controlPath.isEmpty())
        controlPath = runtime::controlSocketPathFor(t->name);
    if (Status s = control.listen(controlPath); !s) {
        printError(kCmd, s.error().message);
        return ExitFailure;
    }

    int exitCode = ExitOk;
    bool interrupted = false;
    QSocketNotifier notifier(g_upSignalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, [&] {
        char c;
        while (::read(g_upSignalPipe[0], &c, 1) == 1) {
            if (c == SIGHUP) {
                // Re-read the file and apply the edit where that makes sense.
                Result<model::Topology> nt = plan::loadTopologyForPlan(file);
                QList<runtime::UserKeyWarning> ignored;  // said at the start already
                Result<plan::Plan> np = nt ? planForRun(*nt, file, runtimeDir, &ignored) : Result<plan::Plan>(nt.error());
                const Status st = np ? rt.applyEdit(*np) : Status(np.error());
                if (st)
                    current = *nt;
                if (json)
                    emitJson({{QStringLiteral("event"), QStringLiteral("edit")}, {QStringLiteral("ok"), bool(st)},
                              {QStringLiteral("message"), st ? QString() : st.error().message}});
                else if (!st)
                    printError(kCmd, st.error().message);
                continue;
            }
            if (!interrupted) {
                interrupted = true;
                if (json)
                    emitJson({{QStringLiteral("event"), QStringLiteral("signal")}, {QStringLiteral("signal"), int(c)}});
                else
                    printErr(QStringLiteral("netloomctl up: stopping (signal %1)\n").arg(int(c)));
                rt.stop();
            }
        }
    });

    using runtime::Runtime;
    QObject::connect(&rt, &Runtime::logged, [&](const QDateTime &time, const QString &level, const QString &node, const QString &message) {
        if (json)
            emitJson({{QStringLiteral("event"), QStringLiteral("log")}, {QStringLiteral("time"), time.toString(Qt::ISODateWithMs)},
                      {QStringLiteral("level"), level}, {QStringLiteral("node"), node}, {QStringLiteral("message"), message}});
        else
            printErr(QStringLiteral("%1 %2 %3%4\n").arg(time.toString(QStringLiteral("HH:mm:ss")), level,
                                                       node.isEmpty() ? QString() : QStringLiteral("[%1] ").arg(node), message));
    });
    QObject::connect(&rt, &Runtime::nodeStateChanged, [&](const QString &node, runtime::NodeState s, const QString &detail) {
        if (json)
            emitJson({{QStringLiteral("event"), QStringLiteral("node")}, {QStringLiteral("node"), node},
                      {QStringLiteral("state"), QString::fromLatin1(runtime::nodeStateName(s))}, {QStringLiteral("detail"), detail}});
    });
    QObject::connect(&rt, &Runtime::leasesChanged, [&](const QString &network, const leases::LeaseTable &) {
        if (!json)
            return;
        QJsonArray rows;
        for (const QJsonValue &v : runtime::leasesJson(rt).value(QStringLiteral("leases")).toArray())
            if (v.toObject().value(QStringLiteral("network")).toString() == network)
                rows.append(v);
        emitJson({{QStringLiteral("event"), QStringLiteral("leases")}, {QStringLiteral("network"), network}, {QStringLiteral("leases"), rows}});
    });
    QObject::connect(&rt, &Runtime::ratesUpdated, [&] {
        if (json)
            emitJson({{QStringLiteral("event"), QStringLiteral("rates")},
                      {QStringLiteral("ports"), runtime::statsJson(rt).value(QStringLiteral("ports"))}});
    });
    QObject::connect(&rt, &Runtime::started, [&] {
        if (json)
            emitJson({{QStringLiteral("event"), QStringLiteral("started")}, {QStringLiteral("status"), runtime::statusJson(rt)},
                      {QStringLiteral("control"), control.path()}});
    });
    QObject::connect(&rt, &Runtime::failed, [&](const QString &message) {
        if (json)
            emitJson({{QStringLiteral("event"), QStringLiteral("failed")}, {QStringLiteral("message"), message}});
        printError(kCmd, message);
        exitCode = ExitFailure;
    });
    QObject::connect(&rt, &Runtime::stopped, [&] {
        if (json)
            emitJson({{QStringLiteral("event"), QStringLiteral("stopped")}, {QStringLiteral("state"), QString::fromLatin1(runtime::runStateName(rt.state()))}});
        if (exitCode == ExitOk)
            exitCode = interrupted ? ExitInterrupted : ExitOk;
        QCoreApplication::quit();
    });
    QTimer view;
    if (!json && !parser.isSet(QStringLiteral("quiet"))) {
        const bool tty = ::isatty(STDOUT_FILENO);
        QObject::connect(&view, &QTimer::timeout, [&] {
            if (rt.state() == runtime::RunState::Running)
                printOut((tty ? QStringLiteral("\x1b[H\x1b[2J") : QString()) + textView(rt));
        });
        view.start(interval * 1000);
    }
    QTimer::singleShot(0, &rt, &Runtime::start);
    QCoreApplication::exec();
    ::close(g_upSignalPipe[0]);
    ::close(g_upSignalPipe[1]);
    return exitCode;
}

}  // namespace netloom::cli
