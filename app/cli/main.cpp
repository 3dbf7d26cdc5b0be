// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl: the command-line front end of libnetloom-core.
#include "cliparser.h"
#include "commands.h"

#include <QCoreApplication>

#include <array>
#include <cstdio>

namespace netloom::cli {

// Sub-command entry points (one cmd_<name>.cpp each).
int runValidate(const QStringList &args);
int runPlan(const QStringList &args);
int runExport(const QStringList &args);
int runSwitch(const QStringList &args);
int runUp(const QStringList &args);
int runLeases(const QStringList &args);
int runStats(const QStringList &args);
int runCapture(const QStringList &args);
int runConsole(const QStringList &args);
int runScreenshot(const QStringList &args);
int runPower(const QStringList &args);
int runSsh(const QStringList &args);
int runLink(const QStringList &args);
int runForward(const QStringList &args);
int runDoctor(const QStringList &args);
int runComplete(const QStringList &args);  // hidden: `__complete WORDS...` for the bash completion
// Their specs (cliparser.h).
CliSpec specValidate();
CliSpec specPlan();
CliSpec specExport();
CliSpec specSwitch();
CliSpec specUp();
CliSpec specLeases();
CliSpec specStats();
CliSpec specCapture();
CliSpec specConsole();
CliSpec specScreenshot();
CliSpec specPower();
CliSpec specSsh();
CliSpec specLink();
CliSpec specForward();
CliSpec specDoctor();
CliSpec specImport();
CliSpec specEnable();
CliSpec specDisable();
CliSpec specListEnabled();
int runImport(const QStringList &args);
int runEnable(const QStringList &args);
int runDisable(const QStringList &args);
int runListEnabled(const QStringList &args);

namespace {

constexpr std::array kCommands{
    Command{"validate", "check a topology file and report every problem", runValidate, specValidate},
    Command{"plan", "show what starting a topology would create (--json for machines)", runPlan, specPlan},
    Command{"export", "write a standalone shell script that rebuilds a topology", runExport, specExport},
    Command{"switch", "run one netloom switch in the foreground (VDE-compatible)", runSwitch, specSwitch},
    Command{"up", "run a topology in the foreground (helper, switches, guests, live view)", runUp, specUp},
    Command{"leases", "show the lease tables of a running topology", runLeases, specLeases},
    Command{"stats", "show the port counters and rates of a running topology", runStats, specStats},
    Command{"capture", "capture a switch port of a running topology into a pcap file", runCapture, specCapture},
    Command{"console", "attach the terminal to a running guest's serial console", runConsole, specConsole},
    Command{"screenshot", "save a running guest's screen as PNG", runScreenshot, specScreenshot},
    Command{"power", "pause, resume, reset, power down or force off a running guest", runPower, specPower},
    Command{"ssh", "ssh into a running guest as its cloud-init user", runSsh, specSsh},
    Command{"link", "set a link of a running topology up/down or change its impairment", runLink, specLink},
    Command{"forward", "add, remove or list port forwards into guests (running topology or file)", runForward, specForward},
    Command{"doctor", "say why a NAT network's guests cannot reach the outside (--fix repairs)", runDoctor, specDoctor},
    Command{"import", "turn a hand-made QEMU/VDE/dnsmasq script into a topology (runs nothing)", runImport, specImport},
    Command{"enable", "start a topology at boot (helper boot record + systemd user unit)", runEnable, specEnable},
    Command{"disable", "stop starting a topology at boot", runDisable, specDisable},
    Command{"list-enabled", "list the topologies started at boot", runListEnabled, specListEnabled},
};

void printUsage()
{
    QString text = QStringLiteral(
        "usage: netloomctl <command> [options]\n"
        "\n"
        "Netloom builds virtual networks of QEMU guests from a topology file.\n"
        "\n"
        "commands:\n");
    for (const Command &c : kCommands)
        text += QStringLiteral("  %1  %2\n").arg(QString::fromLatin1(c.name).leftJustified(10), QString::fromLatin1(c.summary));
    text += QStringLiteral(
        "\n"
        "Run 'netloomctl <command> --help' for a command's options, 'man netloomctl' for all.\n"
        "\n"
        "exit codes:\n"
        "  0    success\n"
        "  1    the operation failed at run time (I/O, helper, child process)\n"
        "  2    bad command line\n"
        "  3    the topology file is unreadable, malformed or invalid\n"
        "  130  interrupted (SIGINT/SIGTERM) after a clean shutdown\n");
    printOut(text);
}

}  // namespace

std::span<const Command> commands() { return kCommands; }

void printError(const QString &command, const QString &message)
{
    printErr(QStringLiteral("netloomctl %1: %2\n").arg(command, message));
}

void printOut(const QString &text)
{
    const QByteArray b = text.toUtf8();
    std::fwrite(b.constData(), 1, size_t(b.size()), stdout);
    std::fflush(stdout);
}

void printErr(const QString &text)
{
    const QByteArray b = text.toUtf8();
    std::fwrite(b.constData(), 1, size_t(b.size()), stderr);
    std::fflush(stderr);
}

}  // namespace netloom::cli

int main(int argc, char **argv)
{
    using namespace netloom::cli;
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("netloomctl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(NETLOOM_VERSION));

    QStringList args = QCoreApplication::arguments().mid(1);
    if (args.isEmpty()) {
        printUsage();
        return ExitUsage;
    }
    const QString name = args.takeFirst();
    if (name == QLatin1String("--help") || name == QLatin1String("-h") || name == QLatin1String("help")) {
        printUsage();
        return ExitOk;
    }
    if (name == QLatin1String("--version")) {
        printOut(QStringLiteral("netloomctl %1\n").arg(QStringLiteral(NETLOOM_VERSION)));
        return ExitOk;
    }
    if (name == QLatin1String("__complete"))
        return runComplete(args);
    for (const Command &c : kCommands)
        if (name == QLatin1String(c.name))
            return c.run(args);
    printError(name, QStringLiteral("unknown command (see 'netloomctl --help')"));
    return ExitUsage;
}
