// SPDX-License-Identifier: GPL-3.0-or-later
// The JSON of network emulation (topologyjsonemulation.h).
#include "topologyjsonemulation.h"

#include "protocol/impairment.h"

#include <QJsonArray>
#include <QSet>

namespace netloom::model::detail {

namespace {

JsonProblem problem(const QString &path, const QString &reason, ErrorCode code = ErrorCode::InvalidArgument)
{
    return JsonProblem{code, path, reason};
}

// An unknown key of `o` (first in key order), or "".
QString unknownKey(const QJsonObject &o, const QSet<QString> &known)
{
    for (auto it = o.begin(); it != o.end(); ++it)
        if (!known.contains(it.key()))
            return it.key().left(limits::kMaxIdChars);
    return QString();
}

// One impairment at `path` through protocol::impairmentFromJson, its error turned back into
// a path and a reason (see the two message forms in protocol/impairment.cpp).
std::optional<JsonProblem> decodeImpairment(const QJsonValue &v, const QString &path, protocol::Impairment *out)
{
    if (!v.isObject())
        return problem(path, QStringLiteral("expected an impairment object, got %1").arg(describeJsonType(v)));
    Result<protocol::Impairment> imp = protocol::impairmentFromJson(v.toObject(), path);
    if (imp) {
        *out = *imp;
        return std::nullopt;
    }
    QString msg = imp.error().message;
    const QString readPrefix = QStringLiteral("failed to read impairment '") + path;
    const QString checkPrefix = path + QStringLiteral(": ");
    if (msg.startsWith(readPrefix)) {
        msg = msg.mid(readPrefix.size());  // ".member': reason"
        const qsizetype cut = msg.indexOf(QStringLiteral("': "));
        if (cut >= 0)
            return problem(path + msg.left(cut), msg.mid(cut + 3), imp.error().code);
    } else if (msg.startsWith(checkPrefix)) {
        msg = msg.mid(checkPrefix.size());  // "failed to check impairment 'field': reason"
    }
    return problem(path, msg, imp.error().code);
}

}  // namespace

std::optional<JsonProblem> decodeLinkEmulation(const QJsonValue &value, const QString &path, LinkEmulation *out)
{
    if (!value.isObject())
        return problem(path, QStringLiteral("expected an object, got %1").arg(describeJsonType(value)));
    const QJsonObject o = value.toObject();
    static const QSet<QString> known{QStringLiteral("ab"), QStringLiteral("ba"), QStringLiteral("both"), QStringLiteral("up")};
    if (const QString k = unknownKey(o, known); !k.isEmpty())
        return problem(path + u'.' + k, QStringLiteral("unknown key (known keys here: ab, ba, both, up)"));
    LinkEmulation e;
    if (o.contains(QStringLiteral("both"))) {
        for (const char *k : {"ab", "ba"})
            if (o.contains(QLatin1String(k)))
                return problem(path + u'.' + QLatin1String(k),
                               QStringLiteral("'both' already sets both directions; give 'both' or 'ab'/'ba', not both"));
        if (auto p = decodeImpairment(o.value(QStringLiteral("both")), path + QStringLiteral(".both"), &e.ab))
            return p;
        e.ba = e.ab;
    }
    for (const auto &[key, imp] : {std::pair{"ab", &e.ab}, std::pair{"ba", &e.ba}}) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (!v.isUndefined())
            if (auto p = decodeImpairment(v, path + u'.' + QLatin1String(key), imp))
                return p;
    }
    if (const QJsonValue up = o.value(QStringLiteral("up")); !up.isUndefined()) {
        if (!up.isBool())
            return problem(path + QStringLiteral(".up"), QStringLiteral("expected true or false, got %1").arg(describeJsonType(up)));
        e.up = up.toBool();
    }
    *out = e;
    return std::nullopt;
}

std::optional<JsonProblem> decodeMirrors(const QJsonValue &value, const QString &path, QList<MirrorConfig> *out)
{
    if (!value.isArray())
        return problem(path, QStringLiteral("expected an array, got %1").arg(describeJsonType(value)));
    const QJsonArray a = value.toArray();
    if (a.size() > limits::kMaxMirrors)
        return problem(path, QStringLiteral("more than %1 items").arg(limits::kMaxMirrors), ErrorCode::LimitExceeded);
    QList<MirrorConfig> mirrors;
    for (qsizetype i = 0; i < a.size(); ++i) {
        const QString p = QStringLiteral("%1[%2]").arg(path).arg(i);
        if (!a.at(i).isObject())
            return problem(p, QStringLiteral("expected an object, got %1").arg(describeJsonType(a.at(i))));
        const QJsonObject o = a.at(i).toObject();
        static const QSet<QString> known{QStringLiteral("source"), QStringLiteral("target"), QStringLiteral("direction")};
        if (const QString k = unknownKey(o, known); !k.isEmpty())
            return problem(p + u'.' + k, QStringLiteral("unknown key (known keys here: source, target, direction)"));
        MirrorConfig m;
        for (const auto &[key, field] : {std::pair{"source", &m.source}, std::pair{"target", &m.target}}) {
            const QJsonValue v = o.value(QLatin1String(key));
            const QString kp = p + u'.' + QLatin1String(key);
            if (v.isUndefined())
                return problem(kp, QStringLiteral("missing (required)"));
            if (!v.isString())
                return problem(kp, QStringLiteral("expected a link id (a string), got %1").arg(describeJsonType(v)));
            if (v.toString().size() > limits::kMaxIdChars)
                return problem(kp, QStringLiteral("longer than %1 characters").arg(limits::kMaxIdChars), ErrorCode::LimitExceeded);
            *field = v.toString();
        }
        if (const QJsonValue d = o.value(QStringLiteral("direction")); !d.isUndefined()) {
            bool found = false;
            for (auto dir : {MirrorConfig::Direction::Rx, MirrorConfig::Direction::Tx, MirrorConfig::Direction::Both})
                if (d.isString() && d.toString() == protocol::mirrorDirectionName(dir)) {
                    m.direction = dir;
                    found = true;
                }
            if (!found)
                return problem(p + QStringLiteral(".direction"), QStringLiteral("expected one of 'rx', 'tx', 'both'"));
        }
        mirrors.append(m);
    }
    *out = mirrors;
    return std::nullopt;
}

QJsonObject encodeLinkEmulation(const LinkEmulation &e)
{
    QJsonObject o;
    if (e.ab == e.ba && !e.ab.isNone()) {
        o.insert(QStringLiteral("both"), protocol::toJson(e.ab));
    } else {
        if (!e.ab.isNone())
            o.insert(QStringLiteral("ab"), protocol::toJson(e.ab));
        if (!e.ba.isNone())
            o.insert(QStringLiteral("ba"), protocol::toJson(e.ba));
    }
    if (!e.up)
        o.insert(QStringLiteral("up"), false);
    return o;
}

QJsonObject encodeMirror(const MirrorConfig &m)
{
    QJsonObject o{{QStringLiteral("source"), m.source}, {QStringLiteral("target"), m.target}};
    if (m.direction != MirrorConfig::Direction::Both)
        o.insert(QStringLiteral("direction"), protocol::mirrorDirectionName(m.direction));
    return o;
}

const QStringList &impairmentKeyOrder()
{
    static const QStringList order{
        QStringLiteral("delayMs"),          QStringLiteral("jitterMs"),       QStringLiteral("distribution"),
        QStringLiteral("reorder"),          QStringLiteral("lossPercent"),    QStringLiteral("gilbertElliott"),
        QStringLiteral("p"),                QStringLiteral("r"),              QStringLiteral("lossBad"),
        QStringLiteral("lossGood"),         QStringLiteral("duplicatePercent"), QStringLiteral("corruptPercent"),
        QStringLiteral("rateBitsPerSecond"), QStringLiteral("queueBytes"),    QStringLiteral("queueMs")};
    return order;
}

int requiredFormatVersion(const Topology &t)
{
    for (const Node &n : t.nodes)
        if (n.type == NodeType::HostPort && !n.hostPort.nat.forwards.isEmpty())
            return 3;
    for (const Link &l : t.links)
        if (!l.emulation.isDefault())
            return 2;
    for (const Node &n : t.nodes)
        if (n.type == NodeType::Switch && !n.sw.mirrors.isEmpty())
            return 2;
    return 1;
}

QString describeJsonType(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return QStringLiteral("a boolean");
    case QJsonValue::Double: return QStringLiteral("a number");
    case QJsonValue::String: return QStringLiteral("a string");
    case QJsonValue::Array: return QStringLiteral("an array");
    case QJsonValue::Object: return QStringLiteral("an object");
    case QJsonValue::Undefined: break;
    }
    return QStringLiteral("nothing");
}

}  // namespace netloom::model::detail
