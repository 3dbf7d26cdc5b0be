// SPDX-License-Identifier: GPL-3.0-or-later
// Framing of the helper protocol: a 4-byte big-endian length, then that many bytes of one
// compact JSON object. Design note: the length is checked against kMaxMessageBytes BEFORE
// the body is buffered, so a peer can never make the reader hold more than one maximal
// message in progress plus at most 2 * kMaxMessageBytes of complete, not yet taken messages
// (callers drain with takeFrame after every feed and feed bounded chunks); a zero length
// is a protocol error (no empty messages). The decoder is pure (bytes in, payloads out)
// and is fuzzed.
#pragma once

#include "base/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>

namespace netloom::protocol {

constexpr qsizetype kFrameHeaderBytes = 4;
constexpr qsizetype kMaxMessageBytes = 1 << 20;  // 1 MiB of JSON per message, both directions

// Encodes obj as one frame. Returns an error if the JSON is larger than kMaxMessageBytes.
Result<QByteArray> encodeFrame(const QJsonObject &obj);

// Incremental decoder. feed() appends bytes; takeFrame() yields complete payloads in order.
// After an error (oversized or zero length) the decoder stays failed: the connection must
// be closed, since the byte stream can no longer be trusted.
class FrameDecoder {
public:
    // Appends bytes. Returns the sticky error once the stream is invalid.
    Status feed(const char *data, qsizetype size);
    Status feed(const QByteArray &bytes) { return feed(bytes.constData(), bytes.size()); }
    // Moves the next complete payload to *payload and returns true; false if none yet.
    bool takeFrame(QByteArray *payload);
    // True while a frame has been started but not completed (used for read timeouts).
    bool hasPartialFrame() const { return m_expected >= 0 || !m_buffer.isEmpty(); }
    bool failed() const { return m_failed; }

private:
    Status fail(ErrorCode code, const QString &reason);
    QByteArray m_buffer;          // the frame being received (header + part of its body)
    qsizetype m_expected = -1;    // body length once the header is complete
    QList<QByteArray> m_ready;    // complete payloads not yet taken
    qsizetype m_readyBytes = 0;   // bounded by kMaxMessageBytes: callers must drain
    bool m_failed = false;
    Error m_error;
};

}  // namespace netloom::protocol
