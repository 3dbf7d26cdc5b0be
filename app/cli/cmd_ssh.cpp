// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl ssh: ssh into a guest of a running topology as its cloud-init user, at the
// address it leased (or through its user-mode host forward to port 22): asks the running
// topology over its control socket, then execs ssh. --print prints the command instead.
#include "commands.h"

#include "controlquery.h"
#include "runtime/controlserver.h"
#include "runtime/runtime.h"

#include <QFileInfo>
#include <QJsonObject>

#include <cerrno>
#include <cstring>
#include <unistd.h>
#include <vector>

namespace netloom::cli {


int runSsh(const QStringList &args)
{
    // Everything after "--" is the remote command, for ssh alone.
    const qsizetype dashes = args.indexOf(QStringLiteral("--"));
    const QStringList ours = dashes < 0 ? args : args.mid(0, dashes);
    const QStringList remote = dashes < 0 ? QStringList() : args.mid(dashes + 1);
    bool print = false;
    QString identity;
    QStringList options;
    QStringList rest;
    for (qsizetype i = 0; i < ours.size(); ++i) {
        const QString &a = ours[i];
        const bool identityOption = a == QLatin1String("-i") || a == QLatin1String("--identity");
        if (a == QLatin1String("--print")) {
            print = true;
        } else if (identityOption || a == QLatin1String("-o")) {
            if (i + 1 >= ours.size() || ours[i + 1].isEmpty()) {
                printError(QStringLiteral("ssh"), QStringLiteral("%1 needs a value (see 'netloomctl ssh --help')").arg(a));
                return int(ExitUsage);
            }
            const QString value = ours[++i];
            // ssh only warns about a missing key file and goes on with others: refuse it here.
            if (identityOption && !QFileInfo(value).isFile()) {
                printError(QStringLiteral("ssh"), QStringLiteral("failed to use identity '%1': no such file").arg(value));
                return int(ExitUsage);
            }
            if (identityOption)
                identity = value;
            else
                options << value;
        } else {
            rest.append(a);
        }
    }

    ControlCommand c;
    c.op = QStringLiteral("ssh-target");
    c.name = QStringLiteral("ssh");
    c.what = QStringLiteral("Runs ssh into GUEST (its node id or name) as its cloud-init user, at the address\n"
                            "it leased (or through a user-mode host forward to its port 22), trusting the\n"
                            "guest's host key on first use within this run. Arguments after -- go to ssh as\n"
                            "the remote command. --print prints the ssh command instead of running it");
    c.positionals = {QStringLiteral("node")};
    c.positionalLabels = {QStringLiteral("GUEST")};
    c.run = [print, remote, identity, options](const QString &socket, const QJsonObject &request) {
        Result<QJsonObject> r = runtime::queryControl(socket, request);
        if (!r) {
            printError(QStringLiteral("ssh"), r.error().message);
            return int(ExitFailure);
        }
        runtime::SshTarget t;
        t.user = r->value(QStringLiteral("user")).toString();
        t.host = r->value(QStringLiteral("host")).toString();
        t.port = r->value(QStringLiteral("port")).toInt(22);
        t.knownHosts = r->value(QStringLiteral("knownHosts")).toString();
        t.identity = identity;
        t.options = options;
        if (print) {
            printOut(runtime::sshCommandText(t, remote) + u'\n');
            return int(ExitOk);
        }
        const QStringList cmd = runtime::sshCommand(t, remote);
        std::vector<QByteArray> bytes;
        for (const QString &w : cmd)
            bytes.push_back(w.toLocal8Bit());
        std::vector<char *> argv;
        for (QByteArray &b : bytes)
            argv.push_back(b.data());
        argv.push_back(nullptr);
        ::execvp(argv[0], argv.data());
        printError(QStringLiteral("ssh"), QStringLiteral("failed to run ssh: %1 (install openssh-client)").arg(QString::fromLocal8Bit(std::strerror(errno))));
        return int(ExitFailure);
    };
    c.usage = QStringLiteral("[-i FILE] [-o OPTION]... [--print]");
    c.help = QStringLiteral("  -i, --identity FILE  log in with this private key only (ssh -i FILE -o IdentitiesOnly=yes;\n"
                            "                       ssh finds ~/.ssh through your passwd entry, not $HOME)\n"
                            "  -o OPTION            an ssh option (ssh -o OPTION), e.g. -o BatchMode=yes; repeatable\n"
                            "  --print              print the ssh command line instead of running it\n"
                            "  -- ARGS...           the remote command (ssh's own arguments after the host)\n");
    return runControlQuery(c, rest);
}

}  // namespace netloom::cli
