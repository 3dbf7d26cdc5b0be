// SPDX-License-Identifier: GPL-3.0-or-later
// Requests and responses of the helper protocol (docs/helper-protocol.md).
//
// Design note. Every message is one JSON object in one frame (frame.h). A request carries
// the protocol version "v", a client-chosen request id "id" (integer 0..2^53) and an "op";
// a response echoes the id and carries either "result" or a typed "error" (ErrorCode name +
// one English sentence). Decoding is strict about everything the helper reads: wrong
// types, unknown ops, bad names and oversized lists are refused with a clear message.
// Envelope keys the helper does not know are ignored and never read — in particular a
// "uid" claimed by a client has no effect: the owner of everything is the peer's uid from
// SO_PEERCRED. Keys inside "state" are strict (unknown keys are refused, so typos surface).
#pragma once

#include "base/result.h"
#include "protocol/diagnose.h"
#include "protocol/hoststate.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace netloom::protocol {

constexpr int kProtocolVersion = 1;
constexpr qint64 kMaxRequestId = (qint64(1) << 53);

// Diagnose (read-only, no polkit: like status/list) gathers the NAT doctor's facts for the
// gateways named in the request; Repair (authorized like apply) sets the doctor's
// filterAccepts of one of the caller's networks (and may re-enable IPv4 forwarding for it).
// Enable (authorized like apply) stores a boot record — the network's host state, rebuilt
// by the helper when it starts on a fresh boot — without applying anything now; Disable
// removes it (nothing running is touched); Enabled lists the caller's records (read-only).
enum class Op { Hello, Apply, Teardown, Status, List, Diagnose, Repair, Enable, Disable, Enabled };
QString opName(Op op);

struct Request {
    qint64 id = 0;
    Op op = Op::Hello;
    static constexpr int kMaxTopologyChars = 4096;
    QString network;             // apply, teardown, status, repair, enable, disable
    HostState state;             // apply, enable
    QString topology;            // enable: the topology file's absolute path (shown, never read)
    bool persistent = false;     // apply: survives the client's disconnection
    bool allowPhysical = false;  // apply: explicit consent to enslave physical uplinks
    DiagnoseRequest diagnose;    // diagnose
    QList<FilterAcceptSpec> repairs;  // repair: the full list wanted (validated against the network's state)
    bool repairForwarding = false;    // repair: write net.ipv4.ip_forward=1 again if the network uses it
};

// Decodes and validates one request payload (the JSON of one frame). On failure *idOut is
// set to the request's id when that much could be read, else to -1.
Result<Request> decodeRequest(const QByteArray &payload, qint64 *idOut);
QJsonObject encodeRequest(const Request &request);

struct Response {
    qint64 id = -1;
    bool ok = false;
    QJsonObject result;  // when ok
    Error error;         // when !ok
};

QJsonObject encodeResponse(const Response &response);
// Decodes a response payload (used by the client; the helper is trusted but the bytes are
// still checked for shape).
Result<Response> decodeResponse(const QByteArray &payload);

}  // namespace netloom::protocol
