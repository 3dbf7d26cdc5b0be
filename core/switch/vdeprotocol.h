// SPDX-License-Identifier: GPL-3.0-or-later
// The vde_switch control protocol (version 3), server side — parsing and building only.
//
// A client connects SOCK_STREAM to DIR/ctl and sends, packed, in host byte order:
//   u32 magic = 0xfeedface | u32 version = 3 | u32 type | sockaddr_un (110 bytes) | description
// where type is REQ_NEW_CONTROL (0) with a requested port number in bits 8.. (0 = any), or
// REQ_NEW_PORT0 (1); the sockaddr_un names the client's bound SOCK_DGRAM data socket and the
// description (up to 128 bytes, not NUL-terminated on the wire) labels the port. The switch
// answers with the sockaddr_un of the port's own data socket, already connected to the
// client's; frames then flow one per datagram, and EOF on the control stream ends the port.
// Everything here is pure and treats the bytes as hostile.
#pragma once

#include "base/result.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>

namespace netloom::sw {

constexpr std::uint32_t kVdeMagic = 0xfeedface;
constexpr std::uint32_t kVdeVersion = 3;
constexpr std::size_t kVdeSockaddrLen = 110;           // sizeof(struct sockaddr_un) on Linux
constexpr std::size_t kVdeMaxDescription = 128;
constexpr std::size_t kVdeRequestHeaderLen = 12 + kVdeSockaddrLen;
constexpr std::size_t kVdeMaxRequestLen = kVdeRequestHeaderLen + kVdeMaxDescription;

struct VdeRequest {
    std::uint32_t requestedPort = 0;  // 0 = any free port
    QByteArray clientPath;            // filesystem path of the client's data socket
    QString description;              // printable ASCII, '?' for anything else
};

// Parses one request. Errors: Protocol (wrong magic/version/type, unterminated or empty
// path, abstract socket), Parse (too short). The requested port is bounded by maxPort.
Result<VdeRequest> parseVdeRequest(const std::uint8_t *data, std::size_t len, std::uint32_t maxPort);

// Builds a request (used by tests and the fuzz seed generator).
QByteArray buildVdeRequest(const QByteArray &clientPath, const QByteArray &description, std::uint32_t port = 0);

// The 110-byte reply: AF_UNIX sockaddr naming `path` (must be < 108 bytes).
QByteArray buildVdeReply(const QByteArray &path);

}  // namespace netloom::sw
