// SPDX-License-Identifier: GPL-3.0-or-later
#include "pcapwriter.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace netloom::sw {

namespace {
struct FileHeader {
    std::uint32_t magic = 0xa1b2c3d4;
    std::uint16_t major = 2, minor = 4;
    std::int32_t thiszone = 0;
    std::uint32_t sigfigs = 0;
    std::uint32_t snaplen = PcapWriter::kSnapLen;
    std::uint32_t linktype = 1;  // LINKTYPE_ETHERNET
};
struct RecordHeader {
    std::uint32_t sec, usec, incl, orig;
};
static_assert(sizeof(FileHeader) == 24 && sizeof(RecordHeader) == 16);
}  // namespace

Result<std::unique_ptr<PcapWriter>> PcapWriter::create(const QString &path, std::uint64_t maxBytes)
{
    const QByteArray p = path.toLocal8Bit();
    const int fd = ::open(p.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return Error::failed(ErrorCode::Io, QStringLiteral("open capture file"), path, QString::fromLocal8Bit(std::strerror(errno)));
    std::FILE *f = ::fdopen(fd, "wb");
    if (!f) {
        ::close(fd);
        return Error::failed(ErrorCode::Io, QStringLiteral("open capture file"), path, QString::fromLocal8Bit(std::strerror(errno)));
    }
    const FileHeader h;
    std::fwrite(&h, sizeof h, 1, f);
    return std::unique_ptr<PcapWriter>(new PcapWriter(f, path, maxBytes));
}

PcapWriter::PcapWriter(std::FILE *f, QString path, std::uint64_t maxBytes) : m_file(f), m_path(std::move(path)), m_maxBytes(maxBytes) {}

PcapWriter::~PcapWriter()
{
    if (m_file)
        std::fclose(m_file);
}

bool PcapWriter::write(const OutFrame &frame, std::int64_t wallNs)
{
    if (m_full)
        return false;
    const std::uint64_t rec = sizeof(RecordHeader) + frame.len;
    if (m_bytes + rec > m_maxBytes) {
        m_full = true;
        flush();
        return false;
    }
    RecordHeader r{std::uint32_t(wallNs / 1'000'000'000), std::uint32_t(wallNs % 1'000'000'000 / 1000),
                   std::uint32_t(frame.len), std::uint32_t(frame.len)};
    std::fwrite(&r, sizeof r, 1, m_file);
    for (int i = 0; i < frame.iovcnt; ++i)
        std::fwrite(frame.iov[i].iov_base, 1, frame.iov[i].iov_len, m_file);
    m_bytes += rec;
    ++m_frames;
    return true;
}

bool PcapWriter::write(const std::uint8_t *data, std::size_t len, std::int64_t wallNs)
{
    OutFrame f;
    f.add(data, std::min<std::size_t>(len, kSnapLen));
    f.len = len;
    // Record the original length but never more than the snap length of data.
    if (len > kSnapLen)
        f.len = kSnapLen;
    return write(f, wallNs);
}

void PcapWriter::flush()
{
    if (m_file)
        std::fflush(m_file);
}

}  // namespace netloom::sw
