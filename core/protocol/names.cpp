// SPDX-License-Identifier: GPL-3.0-or-later
#include "names.h"

#include "netaddr.h"

namespace netloom::protocol {

namespace {

bool safeChar(char16_t u)
{
    return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9') || u == u'.'
        || u == u'_' || u == u'-';
}

Error bad(const QString &verb, const QString &what, const QString &reason)
{
    return Error::failed(ErrorCode::InvalidArgument, verb, what.left(64), reason);
}

Status safeChars(const QString &verb, const QString &name)
{
    for (QChar c : name)
        if (!safeChar(c.unicode()))
            return bad(verb, name, QStringLiteral("only letters, digits, '.', '_' and '-' are allowed"));
    return ok();
}

}  // namespace

Status validateOwnIfname(const QString &name)
{
    if (auto s = validateLoomIfname(name); !s)
        return s;
    return safeChars(QStringLiteral("use interface name"), name);
}

Status validateForeignIfname(const QString &name)
{
    if (auto s = validateIfname(name); !s)
        return s;
    return safeChars(QStringLiteral("use interface name"), name);
}

Status validateUplinkMatch(const QString &pattern)
{
    if (auto s = validateUplinkPattern(pattern); !s)
        return s;
    QString base = pattern;
    if (base.endsWith(u'+'))
        base.chop(1);
    if (auto s = safeChars(QStringLiteral("use uplink pattern"), base); !s)
        return Error::failed(ErrorCode::InvalidArgument, QStringLiteral("use uplink pattern"), pattern.left(64),
                             QStringLiteral("only letters, digits, '.', '_', '-' and a trailing '+' are allowed"));
    return ok();
}

Status validateNetworkId(const QString &id)
{
    const QString verb = QStringLiteral("use network id");
    if (id.isEmpty())
        return bad(verb, id, QStringLiteral("it is empty"));
    if (id.size() > kMaxNetworkIdBytes)
        return bad(verb, id, QStringLiteral("it is longer than %1 bytes").arg(kMaxNetworkIdBytes));
    for (qsizetype i = 0; i < id.size(); ++i) {
        const char16_t u = id[i].unicode();
        const bool alnum = (u >= u'a' && u <= u'z') || (u >= u'0' && u <= u'9');
        if (!alnum && (i == 0 || (u != u'-' && u != u'_')))
            return bad(verb, id,
                       QStringLiteral("only lowercase letters, digits, '-' and '_' are allowed, starting with a letter or digit"));
    }
    return ok();
}

Status validateHostname(const QString &name)
{
    const QString verb = QStringLiteral("use host name");
    if (name.isEmpty() || name.size() > kMaxHostnameBytes)
        return bad(verb, name, QStringLiteral("it must be 1-%1 bytes long").arg(kMaxHostnameBytes));
    for (QChar c : name) {
        const char16_t u = c.unicode();
        const bool ok = (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9') || u == u'-';
        if (!ok)
            return bad(verb, name, QStringLiteral("only letters, digits and '-' are allowed"));
    }
    if (name.startsWith(u'-') || name.endsWith(u'-'))
        return bad(verb, name, QStringLiteral("it must not start or end with '-'"));
    return ok();
}

Status validateDomain(const QString &domain)
{
    if (domain.isEmpty() || domain.size() > kMaxDomainBytes)
        return bad(QStringLiteral("use domain"), domain, QStringLiteral("it must be 1-%1 bytes long").arg(kMaxDomainBytes));
    for (const QString &label : domain.split(u'.')) {
        if (auto s = validateHostname(label); !s)
            return bad(QStringLiteral("use domain"), domain,
                       QStringLiteral("each dot-separated label must be 1-63 letters, digits or '-'"));
    }
    return ok();
}

}  // namespace netloom::protocol
