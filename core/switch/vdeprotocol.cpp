// SPDX-License-Identifier: GPL-3.0-or-later
#include "vdeprotocol.h"

#include "bytecursor.h"

#include <algorithm>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>

namespace netloom::sw {

static_assert(sizeof(sockaddr_un) == kVdeSockaddrLen, "VDE requests carry a Linux sockaddr_un");

namespace {
constexpr std::uint32_t kReqNewControl = 0;
constexpr std::uint32_t kReqNewPort0 = 1;

std::uint32_t hostU32(ByteCursor &c)
{
    std::uint32_t v = 0;
    c.copy(&v, 4);
    return v;
}

Error bad(ErrorCode code, const QString &reason)
{
    return Error::failed(code, QStringLiteral("accept VDE client"), QStringLiteral("request"), reason);
}
}  // namespace

Result<VdeRequest> parseVdeRequest(const std::uint8_t *data, std::size_t len, std::uint32_t maxPort)
{
    ByteCursor c(data, len);
    const std::uint32_t magic = hostU32(c);
    const std::uint32_t version = hostU32(c);
    const std::uint32_t type = hostU32(c);
    const std::uint8_t *sa = c.take(kVdeSockaddrLen);
    if (!c.ok())
        return bad(ErrorCode::Parse, QStringLiteral("%1 bytes is shorter than a version 3 request (%2 bytes)").arg(len).arg(kVdeRequestHeaderLen));
    if (magic != kVdeMagic)
        return bad(ErrorCode::Protocol, QStringLiteral("bad magic 0x%1 (only version 3 clients are supported)").arg(magic, 8, 16, QLatin1Char('0')));
    if (version != kVdeVersion)
        return bad(ErrorCode::Protocol, QStringLiteral("unsupported protocol version %1").arg(version));
    VdeRequest req;
    const std::uint32_t kind = type & 0xff;
    if (kind == kReqNewControl)
        req.requestedPort = type >> 8;
    else if (kind == kReqNewPort0)
        req.requestedPort = 0;
    else
        return bad(ErrorCode::Protocol, QStringLiteral("unknown request type %1").arg(kind));
    if (req.requestedPort > maxPort)
        return bad(ErrorCode::LimitExceeded, QStringLiteral("port %1 is above the limit %2").arg(req.requestedPort).arg(maxPort));

    sa_family_t family;
    std::memcpy(&family, sa, sizeof family);
    if (family != AF_UNIX)
        return bad(ErrorCode::Protocol, QStringLiteral("data socket address family %1 is not AF_UNIX").arg(family));
    const char *path = reinterpret_cast<const char *>(sa + sizeof family);
    const std::size_t maxPath = kVdeSockaddrLen - sizeof family;
    if (path[0] == '\0')
        return bad(ErrorCode::Protocol, QStringLiteral("unnamed or abstract data sockets are not accepted"));
    const void *nul = std::memchr(path, '\0', maxPath);
    if (!nul)
        return bad(ErrorCode::Protocol, QStringLiteral("data socket path is not NUL-terminated"));
    req.clientPath = QByteArray(path, int(static_cast<const char *>(nul) - path));
    if (req.clientPath[0] != '/')
        return bad(ErrorCode::Protocol, QStringLiteral("data socket path is not absolute"));

    const std::size_t descLen = std::min(c.remaining(), kVdeMaxDescription);
    const std::uint8_t *desc = c.take(descLen);
    for (std::size_t i = 0; i < descLen; ++i) {
        if (desc[i] == 0)
            break;
        req.description += (desc[i] >= 0x20 && desc[i] < 0x7f) ? QChar(desc[i]) : QChar(u'?');
    }
    return req;
}

QByteArray buildVdeRequest(const QByteArray &clientPath, const QByteArray &description, std::uint32_t port)
{
    QByteArray out(int(kVdeRequestHeaderLen), '\0');
    const std::uint32_t words[3] = {kVdeMagic, kVdeVersion, port << 8};
    std::memcpy(out.data(), words, sizeof words);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::memcpy(sa.sun_path, clientPath.constData(), std::min<std::size_t>(std::size_t(clientPath.size()), sizeof sa.sun_path - 1));
    std::memcpy(out.data() + 12, &sa, sizeof sa);
    out += description.left(int(kVdeMaxDescription));
    return out;
}

QByteArray buildVdeReply(const QByteArray &path)
{
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::memcpy(sa.sun_path, path.constData(), std::min<std::size_t>(std::size_t(path.size()), sizeof sa.sun_path - 1));
    return QByteArray(reinterpret_cast<const char *>(&sa), int(sizeof sa));
}

}  // namespace netloom::sw
