// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl: the command-line front end of libnetloom-core.
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

namespace {

constexpr std::array kCommands{
    Command{"validate", "check a topology file and report every problem", runValidate},
    Command{"plan", "show what starting a topology would create (--json for machines)", runPlan},
    Command{"export", "write a standalone shell script that rebuilds a topology", runExport},
    Command{"switch", "run one netloom switch in the foreground (VDE-compatible)", runSwitch},
    Command{"up", "run a topology in the foreground (helper, switches, guests, live view)", runUp},
    Command{"leases", "show the lease tables of a running topology", runLeases},
    Command{"stats", "show the port counters and rates of a running topology", runStats},
    Command{"capture", "capture a switch port of a running topology into a pcap file", runCapture},
    Command{"console", "attach the terminal to a running guest's serial console", runConsole},
    Command{"screenshot", "save a running guest's screen as PNG", runScreenshot},
    Command{"power", "pause, resume, reset, power down or force off a running guest", runPower},
    Command{"ssh", "ssh into a running guest as its cloud-init user", runSsh},
    Command{"link", "set a link of a running topology up/down or change its impairment", runLink},
    Command{"forward", "add, remove or list port forwards into guests (running topology or file)", runForward},
    Command{"doctor", "say why a NAT network's guests cannot reach the outside (--fix repairs)", runDoctor},
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
        "Run 'netloomctl <command> --help' for a command's options.\n"
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
    for (const Command &c : kCommands)
        if (name == QLatin1String(c.name))
            return c.run(args);
    printError(name, QStringLiteral("unknown command (see 'netloomctl --help')"));
    return ExitUsage;
}
