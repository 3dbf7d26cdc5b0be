// SPDX-License-Identifier: GPL-3.0-or-later
// netloomctl forward: adds, removes and lists the port forwards of NAT gateways — in a
// topology file (written back after validation) or in a running topology (through its control
// socket; applied at once, the file is not changed).
#include "cmd_forward.h"
#include "commands.h"

#include "cliparser.h"
#include "controlquery.h"
#include "model/portforward.h"
#include "model/topologyjson.h"
#include "model/validator.h"
#include "runtime/controlserver.h"
#include "runtime/forwardstatus.h"
#include "runtime/runtime.h"

#include <QFileInfo>
#include <QJsonDocument>

namespace netloom::cli {

namespace {
const QString kCmd = QStringLiteral("forward");

QString formatList(const QJsonArray &list)
{
    if (list.isEmpty())
        return QStringLiteral("no port forwards\n");
    QString out;
    for (const QJsonValue &v : list) {
        const QJsonObject o = v.toObject();
        QString line = QStringLiteral("%1  %2[%3]").arg(o.value(QStringLiteral("forward")).toString(),
                                                      o.value(QStringLiteral("gateway")).toString())
                           .arg(o.value(QStringLiteral("index")).toInt());
        const QString state = o.value(QStringLiteral("state")).toString();
        if (state == QLatin1String("applied"))
            line += QStringLiteral("  applied -> %1").arg(o.value(QStringLiteral("guestAddress")).toString());
        else if (!state.isEmpty())
            line += QStringLiteral("  %1: %2").arg(state, o.value(QStringLiteral("reason")).toString());
        const QString d = o.value(QStringLiteral("description")).toString();
        if (!d.isEmpty())
            line += QStringLiteral("  (%1)").arg(d);
        out += line + u'\n';
    }
    return out;
}

QString formatReply(const QJsonObject &r)
{
    if (r.contains(QStringLiteral("forwards")))
        return formatList(r.value(QStringLiteral("forwards")).toArray());
    return QStringLiteral("%1 %2 on gateway %3\n").arg(r.value(QStringLiteral("action")).toString() == QLatin1String("add")
                                                           ? QStringLiteral("added")
                                                           : QStringLiteral("removed"),
                                                       r.value(QStringLiteral("forward")).toString(),
                                                       r.value(QStringLiteral("gateway")).toString());
}

// File mode: `forward add|remove|list ... FILE.json [--gateway GW] [--json]`.
int runOnFile(const QString &file, const QString &action, const QString &spec, const QString &gateway, bool json)
{
    Result<model::Topology> t = model::loadTopologyFile(file);
    if (!t) {
        printError(kCmd, t.error().message);
        return ExitInvalid;
    }
    Result<QJsonObject> r = editForwards(&*t, action, spec, gateway);
    if (!r) {
        printError(kCmd, r.error().message);
        return r.error().code == ErrorCode::InvalidArgument ? ExitInvalid : ExitFailure;
    }
    if (action != QLatin1String("list"))
        if (Status s = model::saveTopologyFile(*t, file); !s) {
            printError(kCmd, s.error().message);
            return ExitFailure;
        }
    printOut(json ? QString::fromUtf8(QJsonDocument(*r).toJson(QJsonDocument::Compact)) + u'\n' : formatReply(*r));
    return ExitOk;
}
}  // namespace

QJsonArray listForwards(const model::Topology &t, const runtime::Runtime *running)
{
    QJsonArray out;
    for (const model::Node &n : t.nodes) {
        if (n.type != model::NodeType::HostPort)
            continue;
        for (qsizetype k = 0; k < n.hostPort.nat.forwards.size(); ++k) {
            const model::PortForward &f = n.hostPort.nat.forwards[k];
            QJsonObject o{{QStringLiteral("gateway"), n.id},
                          {QStringLiteral("index"), int(k)},
                          {QStringLiteral("forward"), model::forwardSpecText(f)},
                          {QStringLiteral("description"), f.description}};
            if (running) {
                const runtime::ForwardStatus st = runtime::forwardStatus(n.id, int(k), f, running->pendingForwards(),
                                                                         running->appliedHost(), running->hostRefusal());
                o.insert(QStringLiteral("state"), runtime::forwardStateName(st.state));
                if (st.state == runtime::ForwardStatus::State::Applied)
                    o.insert(QStringLiteral("guestAddress"), st.guestAddress);
                else
                    o.insert(QStringLiteral("reason"), st.reason.isEmpty() ? QStringLiteral("not applied yet") : st.reason);
            }
            out.append(o);
        }
    }
    return out;
}

Result<QJsonObject> editForwards(model::Topology *t, const QString &action, const QString &spec, const QString &gateway,
                                 const runtime::Runtime *running)
{
    if (action == QLatin1String("list"))
        return QJsonObject{{QStringLiteral("forwards"), listForwards(*t, running)}};
    const bool add = action == QLatin1String("add");
    if (!add && action != QLatin1String("remove"))
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("change port forwards"), action.left(16),
                             QStringLiteral("the action must be add, remove or list"));
    Result<model::PortForward> f = model::parseForwardSpec(spec, !add);
    if (!f)
        return f.error();
    QString used;
    Result<model::Topology> next = add ? model::addPortForward(*t, gateway, *f, &used) : model::removePortForward(*t, *f);
    if (!next)
        return next.error();
    for (const model::Issue &issue : model::validate(*next))
        if (issue.severity == model::Issue::Severity::Error)
            return Error::failed(ErrorCode::InvalidArgument, add ? QStringLiteral("add port forward") : QStringLiteral("remove port forward"),
                                 spec.left(128), QStringLiteral("%1: %2").arg(issue.path, issue.message));
    if (!add)
        for (const model::Node &n : t->nodes)
            for (const model::PortForward &old : n.hostPort.nat.forwards)
                if (n.type == model::NodeType::HostPort && old.protocol == f->protocol && old.hostPort == f->hostPort
                    && old.hostAddress == f->hostAddress && used.isEmpty()) {
                    used = n.id;
                    *f = old;
                }
    *t = *next;
    return QJsonObject{{QStringLiteral("action"), action}, {QStringLiteral("gateway"), used},
                       {QStringLiteral("forward"), model::forwardSpecText(*f)}};
}

namespace {
// `list`: the action is "list" (it takes no SPEC).
ControlCommand forwardCommand(bool list)
{
    ControlCommand c;
    c.op = QStringLiteral("forward");
    c.what = QStringLiteral(
        "Adds, removes or lists the port forwards of NAT gateways. SPEC:\n"
        "[tcp:|udp:][ADDRESS:]HOSTPORT=GUEST[/NIC]:GUESTPORT, e.g. tcp:8080=alpha:80 (remove needs\n"
        "only the host side, e.g. tcp:8080). IPv6: tcp6:/udp6: in front, or a bracketed address\n"
        "(tcp:[fd00::1]:8080=alpha:80; [::] = every IPv6 address); the gateway needs an IPv6 prefix.\n"
        "The forward goes to the guest's NAT gateway (--gateway\n"
        "when it has several). On a running topology the change applies at once and the file is not\n"
        "changed; given a topology file (FILE.json) instead of NAME, the file is edited");
    c.usage = QStringLiteral("[--gateway GW]");
    c.options = {valueOption({QStringLiteral("gateway")}, QStringLiteral("GW"),
                             QStringLiteral("The host port that forwards (add; default: the guest's NAT gateway)."))};
    c.positionals = list ? QStringList{QStringLiteral("action")} : QStringList{QStringLiteral("action"), QStringLiteral("spec")};
    c.positionalLabels = list ? QStringList{QStringLiteral("add|remove|list")}
                              : QStringList{QStringLiteral("add|remove|list"), QStringLiteral("SPEC")};
    c.positionalCompletion = {Complete::Words, Complete::None};
    c.positionalWords = {{QStringLiteral("add"), QStringLiteral("remove"), QStringLiteral("list")}};
    c.readOptions = [](const CliParser &p, QJsonObject *request) -> QString {
        if (p.isSet(QStringLiteral("gateway")))
            request->insert(QStringLiteral("gateway"), p.value(QStringLiteral("gateway")));
        return QString();
    };
    c.check = [](const QJsonObject &r) {
        const QString a = r.value(QStringLiteral("action")).toString();
        if (a != QLatin1String("add") && a != QLatin1String("remove") && a != QLatin1String("list"))
            return QStringLiteral("the action must be add, remove or list");
        if (a == QLatin1String("list"))
            return QString();
        Result<model::PortForward> f = model::parseForwardSpec(r.value(QStringLiteral("spec")).toString(), a == QLatin1String("remove"));
        return f ? QString() : f.error().message;
    };
    c.formatTable = formatReply;
    return c;
}
}  // namespace

CliSpec specForward()
{
    CliSpec s = controlQuerySpec(forwardCommand(false));
    s.synopsis = QStringLiteral("add|remove|list [SPEC] [NAME|FILE.json] [--gateway GW] [--socket PATH] [--json]");
    s.positionals.last().name = QStringLiteral("[NAME|FILE.json]");
    s.positionals.last().complete = Complete::RunningOrTopologyFile;
    return s;
}

int runForward(const QStringList &args)
{
    CliParser parser(specForward());
    if (const std::optional<int> done = parser.parse(args))
        return *done;
    const QStringList positionals = parser.positionals();
    const QString action = positionals.value(0);
    const bool list = action == QLatin1String("list");
    // A topology file among the arguments: edit the file itself.
    const QString gateway = parser.value(QStringLiteral("gateway"));
    const bool json = parser.isSet(QStringLiteral("json"));
    QString file;
    for (qsizetype i = list ? 1 : 2; i < positionals.size(); ++i)
        if (positionals[i].endsWith(QLatin1String(".json")) && QFileInfo(positionals[i]).isFile())
            file = positionals[i];
    if (!file.isEmpty() && (list || positionals.size() >= 2))
        return runOnFile(file, action, list ? QString() : positionals.value(1), gateway, json);

    // An add/remove waits for the helper's answer (the runtime answers within 10 s).
    return runControlQuery(forwardCommand(list), args, runtime::ControlServer::kForwardReplyMs + 5000);
}

}  // namespace netloom::cli
