// SPDX-License-Identifier: GPL-3.0-or-later
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

Status FrameDecoder::fail(ErrorCode code, const QString &reason)
{
    m_failed = true;
    m_error = Error::failed(code, QStringLiteral("read"), QStringLiteral("message"), reason);
    m_buffer.clear();
    m_ready.clear();
    return m_error;
}

Status FrameDecoder::feed(const char *data, qsizetype size)
{
    if (m_failed)
        return m_error;
    while (size > 0) {
        if (m_expected < 0) {
            const qsizetype take = std::min(size, kFrameHeaderBytes - m_buffer.size());
            m_buffer.append(data, take);
            data += take;
            size -= take;
            if (m_buffer.size() < kFrameHeaderBytes)
                break;
            const auto *p = reinterpret_cast<const unsigned char *>(m_buffer.constData());
            const quint32 n = quint32(p[0]) << 24 | quint32(p[1]) << 16 | quint32(p[2]) << 8 | quint32(p[3]);
            if (n == 0)
                return fail(ErrorCode::Protocol, QStringLiteral("the frame length is zero"));
            if (n > quint32(kMaxMessageBytes))
                return fail(ErrorCode::LimitExceeded, QStringLiteral("the frame length %1 exceeds the limit of %2 bytes")
                                                          .arg(n)
                                                          .arg(kMaxMessageBytes));
            m_expected = qsizetype(n);
            m_buffer.clear();
            m_buffer.reserve(m_expected);
            continue;
        }
        const qsizetype take = std::min(size, m_expected - m_buffer.size());
        m_buffer.append(data, take);
        data += take;
        size -= take;
        if (m_buffer.size() == m_expected) {
            m_readyBytes += m_buffer.size();
            m_ready.append(std::move(m_buffer));
            m_buffer = QByteArray();
            m_expected = -1;
            if (m_readyBytes > 2 * kMaxMessageBytes)
                return fail(ErrorCode::LimitExceeded,
                            QStringLiteral("more than %1 bytes of messages arrived without being processed").arg(2 * kMaxMessageBytes));
        }
    }
    return ok();
}

bool FrameDecoder::takeFrame(QByteArray *payload)
{
    if (m_failed || m_ready.isEmpty())
        return false;
    *payload = m_ready.takeFirst();
    m_readyBytes -= payload->size();
    return true;
}

}  // namespace netloom::protocol
