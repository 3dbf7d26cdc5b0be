#include "frame.h"

#include <QJsonDocument>

namespace netloom::protocol {

Result<QByteArray> encodeFrame(const QJsonObject &obj)
{
    const QByteArray json = QJsonDocument(obj).toJson(QJsonDocument::Compact);
    if (json.size() > kMaxMessageBytes)
        return Error::failed(ErrorCode::LimitExceeded, QStringLiteral("encode"), QStringLiteral("message"),
                             QStringLiteral("%1 bytes exceed the limit of %2").arg(json.size()).arg(kMaxMessageBytes));
    QByteArray out;
    out.reserve(kFrameHeaderBytes + json.size());
    const quint32 n = quint32(json.size());
    out.append(char(n >> 24)).append(char(n >> 16)).append(char(n >> 8)).append(char(n));
    out.append(json);
    return out;
}

Status FrameDecoder::checkHeader()
{
    if (m_buffer.size() < kFrameHeaderBytes)
        return ok();
    const auto *p = reinterpret_cast<const unsigned char *>(m_buffer.constData());
    const quint32 n = quint32(p[0]) << 24 | quint32(p[1]) << 16 | quint32(p[2]) << 8 | quint32(p[3]);
    if (n == 0 || n > quint32(kMaxMessageBytes)) {
        m_failed = true;
        m_error = Error::failed(n == 0 ? ErrorCode::Protocol : ErrorCode::LimitExceeded, QStringLiteral("read"),
                                QStringLiteral("message"),
                                n == 0 ? QStringLiteral("the frame length is zero")
                                       : QStringLiteral("the frame length %1 exceeds the limit of %2 bytes")
                                             .arg(n)
                                             .arg(kMaxMessageBytes));
        m_buffer.clear();
        return m_error;
    }
    return ok();
}

Status FrameDecoder::feed(const char *data, qsizetype size)
{
    if (m_failed)
        return m_error;
    // Never buffer more than one header + one maximal message beyond what takeFrame drains:
    // callers drain after every feed, and headers are checked as soon as they are complete.
    while (size > 0) {
        qsizetype take = size;
        if (m_buffer.size() < kFrameHeaderBytes)
            take = std::min(size, kFrameHeaderBytes - m_buffer.size());
        else if (m_buffer.size() >= kFrameHeaderBytes + kMaxMessageBytes)
            return Error::failed(ErrorCode::LimitExceeded, QStringLiteral("read"), QStringLiteral("message"),
                                 QStringLiteral("the peer sent more than one message without waiting"));
        else
            take = std::min(size, kFrameHeaderBytes + kMaxMessageBytes - m_buffer.size());
        m_buffer.append(data, take);
        data += take;
        size -= take;
        if (auto s = checkHeader(); !s)
            return s;
        // Complete frames stay buffered until takeFrame(); pipelined frames beyond one
        // maximal message are refused above.
    }
    return ok();
}

bool FrameDecoder::takeFrame(QByteArray *payload)
{
    if (m_failed || m_buffer.size() < kFrameHeaderBytes)
        return false;
    const auto *p = reinterpret_cast<const unsigned char *>(m_buffer.constData());
    const qsizetype n = qsizetype(quint32(p[0]) << 24 | quint32(p[1]) << 16 | quint32(p[2]) << 8 | quint32(p[3]));
    if (m_buffer.size() < kFrameHeaderBytes + n)
        return false;
    *payload = m_buffer.mid(kFrameHeaderBytes, n);
    m_buffer.remove(0, kFrameHeaderBytes + n);
    // The next header (if any) must be validated now that it is at the front.
    if (auto s = checkHeader(); !s)
        return true;  // this frame is fine; the failure is reported by the next feed()
    return true;
}

}  // namespace netloom::protocol
