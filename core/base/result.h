// SPDX-License-Identifier: GPL-3.0-or-later
// Result values instead of exceptions (DESIGN.md §8).
//
// Every fallible function in Netloom returns Result<T>: either a value or an Error with a
// machine-readable code and one English sentence of the form
//   "failed to <verb> '<object>': <reason>"
// An error is reported once, where it is detected; callers either handle it or pass it up
// unchanged (optionally with context()).
#pragma once

#include <QString>
#include <QStringList>

#include <utility>
#include <variant>

namespace netloom {

// Machine-readable error codes. They travel over the helper protocol as their name
// (errorCodeName), so existing names never change meaning; add new ones at the end.
enum class ErrorCode {
    InvalidArgument,  // a value is malformed or out of range (bad CIDR, bad name, ...)
    Parse,            // bytes could not be decoded (JSON syntax, truncated frame, ...)
    Unsupported,      // well-formed but not supported (newer format version, unknown op)
    NotFound,         // a named object does not exist
    Conflict,         // the request collides with existing state (duplicate, overlap, in use)
    PermissionDenied, // authorization refused or not determinable
    LimitExceeded,    // an explicit bound (size, count, quota) was hit
    Io,               // a file or socket operation failed
    System,           // an OS call failed (errno in the message)
    Timeout,          // a bounded wait ran out
    Protocol,         // the peer broke the protocol (wrong version, out-of-order message)
    Internal,         // a bug: an invariant did not hold
    Cancelled,        // the operation was abandoned on purpose (client gone, user stop)
};

// Stable lowercase name of an error code, e.g. "invalid-argument".
QString errorCodeName(ErrorCode code);
// Inverse of errorCodeName; returns false for an unknown name.
bool errorCodeFromName(const QString &name, ErrorCode *out);

struct Error {
    ErrorCode code = ErrorCode::Internal;
    QString message;  // one English sentence, no trailing period

    // "failed to <verb> '<object>': <reason>"
    static Error failed(ErrorCode code, const QString &verb, const QString &object,
                        const QString &reason)
    {
        return Error{code, QStringLiteral("failed to %1 '%2': %3").arg(verb, object, reason)};
    }
    // Prefixes the message with outer context: "<context>: <message>".
    Error context(const QString &ctx) const { return Error{code, ctx + QStringLiteral(": ") + message}; }
};

// Tag type so that Result<void>-like results read naturally: `return ok();`
struct Ok {};
inline Ok ok() { return {}; }

template <typename T>
class [[nodiscard]] Result {
public:
    Result(const T &value) : m_v(value) {}
    Result(T &&value) : m_v(std::move(value)) {}
    Result(const Error &error) : m_v(error) {}
    Result(Error &&error) : m_v(std::move(error)) {}

    bool isOk() const { return m_v.index() == 0; }
    explicit operator bool() const { return isOk(); }

    // Precondition: isOk().
    const T &value() const & { return std::get<0>(m_v); }
    T &value() & { return std::get<0>(m_v); }
    T &&value() && { return std::get<0>(std::move(m_v)); }
    const T &operator*() const & { return value(); }
    T &operator*() & { return value(); }
    const T *operator->() const { return &value(); }
    T *operator->() { return &value(); }

    // Precondition: !isOk().
    const Error &error() const { return std::get<1>(m_v); }

    T valueOr(T fallback) const { return isOk() ? value() : std::move(fallback); }

private:
    std::variant<T, Error> m_v;
};

// A result with no value: Status s = ok(); or Status s = Error{...};
using Status = Result<Ok>;

}  // namespace netloom
