// SPDX-License-Identifier: GPL-3.0-or-later
#include "result.h"

#include <array>

namespace netloom {

namespace {
struct CodeName {
    ErrorCode code;
    const char *name;
};
constexpr std::array<CodeName, 13> kNames{{
    {ErrorCode::InvalidArgument, "invalid-argument"},
    {ErrorCode::Parse, "parse"},
    {ErrorCode::Unsupported, "unsupported"},
    {ErrorCode::NotFound, "not-found"},
    {ErrorCode::Conflict, "conflict"},
    {ErrorCode::PermissionDenied, "permission-denied"},
    {ErrorCode::LimitExceeded, "limit-exceeded"},
    {ErrorCode::Io, "io"},
    {ErrorCode::System, "system"},
    {ErrorCode::Timeout, "timeout"},
    {ErrorCode::Protocol, "protocol"},
    {ErrorCode::Internal, "internal"},
    {ErrorCode::Cancelled, "cancelled"},
}};
}  // namespace

QString errorCodeName(ErrorCode code)
{
    for (const auto &n : kNames)
        if (n.code == code)
            return QString::fromLatin1(n.name);
    return QStringLiteral("internal");
}

bool errorCodeFromName(const QString &name, ErrorCode *out)
{
    for (const auto &n : kNames) {
        if (name == QLatin1String(n.name)) {
            *out = n.code;
            return true;
        }
    }
    return false;
}

}  // namespace netloom
