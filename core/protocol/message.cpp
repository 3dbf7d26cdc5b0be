// SPDX-License-Identifier: GPL-3.0-or-later
#include "message.h"

#include "hoststatedecode.h"
#include "names.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <cmath>

namespace netloom::protocol {

namespace {

constexpr struct {
    Op op;
    const char *name;
} kOps[] = {{Op::Hello, "hello"}, {Op::Apply, "apply"}, {Op::Teardown, "teardown"}, {Op::Status, "status"},
            {Op::List, "list"},   {Op::Diagnose, "diagnose"}, {Op::Repair, "repair"},
            {Op::Enable, "enable"}, {Op::Disable, "disable"}, {Op::Enabled, "enabled"}};

Error reqError(ErrorCode code, const QString &reason)
{
    return Error::failed(code, QStringLiteral("decode"), QStringLiteral("request"), reason);
}

// An integral JSON number in [0, max]; JSON numbers are doubles, so check exactness.
bool integral(const QJsonValue &v, qint64 max, qint64 *out)
{
    if (!v.isDouble())
        return false;
    const double d = v.toDouble();
    if (!std::isfinite(d) || d < 0 || d > double(max) || std::floor(d) != d)
        return false;
    *out = qint64(d);
    return true;
}

Result<QJsonObject> parseObject(const QByteArray &payload, const QString &what)
{
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(payload, &pe);
    if (pe.error != QJsonParseError::NoError)
        return Error::failed(ErrorCode::Parse, QStringLiteral("decode"), what,
                             QStringLiteral("invalid JSON at offset %1: %2").arg(pe.offset).arg(pe.errorString()));
    if (!doc.isObject())
        return Error::failed(ErrorCode::Parse, QStringLiteral("decode"), what,
                             QStringLiteral("the message must be a JSON object"));
    return doc.object();
}

Result<bool> optionalBool(const QJsonObject &o, const char *key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        return false;
    if (!v.isBool())
        return reqError(ErrorCode::InvalidArgument, QStringLiteral("'%1' must be a boolean").arg(QLatin1String(key)));
    return v.toBool();
}

// The shape of a repair list; what it may name is checked by the helper against the
// network's state (validateHostState of the state with these repairs).
Result<QList<FilterAcceptSpec>> decodeRepairs(const QJsonValue &v)
{
    if (!v.isArray())
        return reqError(ErrorCode::InvalidArgument, QStringLiteral("'repairs' must be a list"));
    const QJsonArray a = v.toArray();
    if (a.size() > 64)
        return reqError(ErrorCode::LimitExceeded, QStringLiteral("'repairs' has more than 64 items"));
    QList<FilterAcceptSpec> out;
    for (qsizetype i = 0; i < a.size(); ++i) {
        const QJsonObject f = a[i].toObject();
        const auto bad = [&](const QString &why) {
            return reqError(ErrorCode::InvalidArgument, QStringLiteral("repairs[%1]: %2").arg(i).arg(why));
        };
        if (!a[i].isObject())
            return bad(QStringLiteral("must be an object"));
        for (auto it = f.begin(); it != f.end(); ++it)
            if (!QStringList{QStringLiteral("backend"), QStringLiteral("family"), QStringLiteral("table"),
                             QStringLiteral("chain"), QStringLiteral("ifname"), QStringLiteral("established")}
                     .contains(it.key()))
                return bad(QStringLiteral("unknown key '%1'").arg(it.key().left(32)));
        FilterAcceptSpec spec;
        for (const char *key : {"backend", "family", "table", "chain", "ifname"})
            if (!f.value(QLatin1String(key)).isString() || f.value(QLatin1String(key)).toString().size() > 256)
                return bad(QStringLiteral("'%1' must be a string of at most 256 characters").arg(QLatin1String(key)));
        if (!filterBackendFromName(f.value(QLatin1String("backend")).toString(), &spec.backend))
            return bad(QStringLiteral("'backend' must be 'nft', 'iptables-nft' or 'iptables-legacy'"));
        spec.family = f.value(QLatin1String("family")).toString();
        spec.table = f.value(QLatin1String("table")).toString();
        spec.chain = f.value(QLatin1String("chain")).toString();
        spec.ifname = f.value(QLatin1String("ifname")).toString();
        const QJsonValue est = f.value(QLatin1String("established"));
        if (!est.isUndefined() && !est.isBool())
            return bad(QStringLiteral("'established' must be a boolean"));
        spec.established = est.toBool(true);
        out.append(spec);
    }
    return out;
}

}  // namespace

QString opName(Op op)
{
    for (const auto &o : kOps)
        if (o.op == op)
            return QString::fromLatin1(o.name);
    return QStringLiteral("?");
}

Result<Request> decodeRequest(const QByteArray &payload, qint64 *idOut)
{
    *idOut = -1;
    auto obj = parseObject(payload, QStringLiteral("request"));
    if (!obj)
        return obj.error();
    const QJsonObject &o = *obj;
    Request r;
    if (!integral(o.value(QLatin1String("id")), kMaxRequestId, &r.id))
        return reqError(ErrorCode::InvalidArgument, QStringLiteral("'id' must be an integer 0..2^53"));
    *idOut = r.id;
    qint64 version = 0;
    if (!integral(o.value(QLatin1String("v")), 1000, &version))
        return reqError(ErrorCode::InvalidArgument, QStringLiteral("'v' (protocol version) must be an integer"));
    if (version != kProtocolVersion)
        return reqError(ErrorCode::Unsupported,
                        QStringLiteral("protocol version %1 is not supported (this helper speaks %2)")
                            .arg(version)
                            .arg(kProtocolVersion));
    const QJsonValue opv = o.value(QLatin1String("op"));
    if (!opv.isString())
        return reqError(ErrorCode::InvalidArgument, QStringLiteral("'op' must be a string"));
    bool found = false;
    for (const auto &k : kOps) {
        if (opv.toString() == QLatin1String(k.name)) {
            r.op = k.op;
            found = true;
        }
    }
    if (!found)
        return reqError(ErrorCode::Unsupported, QStringLiteral("unknown op '%1'").arg(opv.toString().left(32)));

    if (r.op == Op::Apply || r.op == Op::Teardown || r.op == Op::Status || r.op == Op::Repair || r.op == Op::Enable ||
        r.op == Op::Disable) {
        const QJsonValue nv = o.value(QLatin1String("network"));
        if (!nv.isString())
            return reqError(ErrorCode::InvalidArgument, QStringLiteral("'network' must be a string"));
        r.network = nv.toString();
        if (auto s = validateNetworkId(r.network); !s)
            return s.error();
    }
    if (r.op == Op::Enable) {
        const QJsonValue tv = o.value(QLatin1String("topology"));
        if (!tv.isString() || tv.toString().size() > Request::kMaxTopologyChars || !tv.toString().startsWith(u'/'))
            return reqError(ErrorCode::InvalidArgument,
                            QStringLiteral("'topology' must be an absolute path of at most %1 characters").arg(Request::kMaxTopologyChars));
        r.topology = tv.toString();
    }
    if (r.op == Op::Apply || r.op == Op::Enable) {
        const QJsonValue sv = o.value(QLatin1String("state"));
        if (!sv.isObject())
            return reqError(ErrorCode::InvalidArgument, QStringLiteral("'state' must be an object"));
        auto state = hostStateFromJson(sv.toObject());
        if (!state)
            return state.error();
        r.state = std::move(state).value();
        auto physical = optionalBool(o, "allowPhysical");
        if (!physical)
            return physical.error();
        r.allowPhysical = *physical;
    }
    if (r.op == Op::Apply) {
        auto persistent = optionalBool(o, "persistent");
        if (!persistent)
            return persistent.error();
        r.persistent = *persistent;
    }
    if (r.op == Op::Diagnose) {
        const QJsonValue dv = o.value(QLatin1String("diagnose"));
        if (!dv.isObject())
            return reqError(ErrorCode::InvalidArgument, QStringLiteral("'diagnose' must be an object"));
        auto d = diagnoseRequestFromJson(dv.toObject());
        if (!d)
            return d.error();
        r.diagnose = *d;
    }
    if (r.op == Op::Repair) {
        auto repairs = decodeRepairs(o.value(QLatin1String("repairs")));
        if (!repairs)
            return repairs.error();
        r.repairs = *repairs;
        auto fwd = optionalBool(o, "forwarding");
        if (!fwd)
            return fwd.error();
        r.repairForwarding = *fwd;
    }
    return r;
}

QJsonObject encodeRequest(const Request &r)
{
    QJsonObject o{{QStringLiteral("v"), kProtocolVersion}, {QStringLiteral("id"), double(r.id)},
                  {QStringLiteral("op"), opName(r.op)}};
    if (r.op == Op::Apply || r.op == Op::Teardown || r.op == Op::Status || r.op == Op::Repair || r.op == Op::Enable ||
        r.op == Op::Disable)
        o[QStringLiteral("network")] = r.network;
    if (r.op == Op::Enable) {
        o[QStringLiteral("topology")] = r.topology;
        o[QStringLiteral("state")] = toJson(r.state);
        o[QStringLiteral("allowPhysical")] = r.allowPhysical;
    }
    if (r.op == Op::Diagnose)
        o[QStringLiteral("diagnose")] = toJson(r.diagnose);
    if (r.op == Op::Repair) {
        HostState only;
        only.filterAccepts = r.repairs;
        o[QStringLiteral("repairs")] = toJson(only).value(QStringLiteral("filterAccepts")).toArray();
        o[QStringLiteral("forwarding")] = r.repairForwarding;
    }
    if (r.op == Op::Apply) {
        o[QStringLiteral("state")] = toJson(r.state);
        o[QStringLiteral("persistent")] = r.persistent;
        o[QStringLiteral("allowPhysical")] = r.allowPhysical;
    }
    return o;
}

QJsonObject encodeResponse(const Response &r)
{
    QJsonObject o{{QStringLiteral("v"), kProtocolVersion}, {QStringLiteral("id"), double(r.id)},
                  {QStringLiteral("ok"), r.ok}};
    if (r.ok)
        o[QStringLiteral("result")] = r.result;
    else
        o[QStringLiteral("error")] = QJsonObject{{QStringLiteral("code"), errorCodeName(r.error.code)},
                                                 {QStringLiteral("message"), r.error.message}};
    return o;
}

Result<Response> decodeResponse(const QByteArray &payload)
{
    auto obj = parseObject(payload, QStringLiteral("response"));
    if (!obj)
        return obj.error();
    const QJsonObject &o = *obj;
    const auto bad = [](const QString &reason) {
        return Error::failed(ErrorCode::Protocol, QStringLiteral("decode"), QStringLiteral("response"), reason);
    };
    Response r;
    qint64 version = 0;
    if (!integral(o.value(QLatin1String("v")), 1000, &version) || version != kProtocolVersion)
        return bad(QStringLiteral("unsupported or missing protocol version"));
    // id -1 is used for errors about requests whose id could not be read.
    const QJsonValue idv = o.value(QLatin1String("id"));
    if (idv.isDouble() && idv.toDouble() == -1)
        r.id = -1;
    else if (!integral(idv, kMaxRequestId, &r.id))
        return bad(QStringLiteral("'id' must be an integer"));
    const QJsonValue okv = o.value(QLatin1String("ok"));
    if (!okv.isBool())
        return bad(QStringLiteral("'ok' must be a boolean"));
    r.ok = okv.toBool();
    if (r.ok) {
        const QJsonValue res = o.value(QLatin1String("result"));
        if (!res.isObject())
            return bad(QStringLiteral("'result' must be an object"));
        r.result = res.toObject();
    } else {
        const QJsonObject e = o.value(QLatin1String("error")).toObject();
        const QJsonValue code = e.value(QLatin1String("code"));
        const QJsonValue msg = e.value(QLatin1String("message"));
        if (!code.isString() || !msg.isString() || !errorCodeFromName(code.toString(), &r.error.code))
            return bad(QStringLiteral("'error' must carry a known 'code' and a 'message'"));
        r.error.message = msg.toString();
    }
    return r;
}

}  // namespace netloom::protocol
