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

namespace {

// `remote`: the words after "--", the remote command.
ControlCommand sshCommand(const QStringList &remote)
{
    ControlCommand c;
    c.op = QStringLiteral("ssh-target");
    c.name = QStringLiteral("ssh");
    c.what = QStringLiteral("Runs ssh into GUEST (its node id or name) as its cloud-init user, at the address\n"
                            "it leased (or through a user-mode host forward to its port 22), trusting the\n"
                            "guest's host key on first use within this run. Arguments after -- go to ssh as\n"
                            "the remote command (ssh's own arguments after the host). --print prints the ssh\n"
                            "command instead of running it");
    c.positionals = {QStringLiteral("node")};
    c.positionalLabels = {QStringLiteral("GUEST")};
    c.usage = QStringLiteral("[-i FILE] [-o OPTION]... [--print] [-- ARGS...]");
    c.options = {valueOption({QStringLiteral("i"), QStringLiteral("identity")}, QStringLiteral("FILE"),
                             QStringLiteral("Log in with this private key only (ssh -i FILE -o IdentitiesOnly=yes; ssh finds ~/.ssh "
                                            "through your passwd entry, not $HOME)."),
                             Complete::File),
                 valueOption({QStringLiteral("o")}, QStringLiteral("OPTION"),
                             QStringLiteral("An ssh option (ssh -o OPTION), e.g. -o BatchMode=yes; repeatable.")),
                 flagOption({QStringLiteral("print")}, QStringLiteral("Print the ssh command line instead of running it."))};
    c.readOptions = [](const CliParser &p, QJsonObject *) -> QString {
        for (const char *name : {"identity", "o"})
            for (const QString &v : p.values(QLatin1String(name)))
                if (v.isEmpty())
                    return QStringLiteral("%1 needs a value (see 'netloomctl ssh --help')")
                        .arg(QLatin1String(name) == QLatin1String("o") ? QStringLiteral("-o") : QStringLiteral("--identity"));
        // ssh only warns about a missing key file and goes on with others: refuse it here.
        const QString identity = p.value(QStringLiteral("identity"));
        if (p.isSet(QStringLiteral("identity")) && !QFileInfo(identity).isFile())
            return QStringLiteral("failed to use identity '%1': no such file").arg(identity);
        return QString();
    };
    c.run = [remote](const QString &socket, const QJsonObject &request, const CliParser &p) {
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
        t.identity = p.value(QStringLiteral("identity"));
        t.options = p.values(QStringLiteral("o"));
        if (p.isSet(QStringLiteral("print"))) {
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
    return c;
}

}  // namespace

CliSpec specSsh() { return controlQuerySpec(sshCommand({})); }

int runSsh(const QStringList &args)
{
    // Everything after the first "--" is the remote command, for ssh alone; the parser sees
    // only what comes before it.
    const qsizetype dashes = args.indexOf(QStringLiteral("--"));
    const QStringList ours = dashes < 0 ? args : args.mid(0, dashes);
    const QStringList remote = dashes < 0 ? QStringList() : args.mid(dashes + 1);
    return runControlQuery(sshCommand(remote), ours);
}

}  // namespace netloom::cli
