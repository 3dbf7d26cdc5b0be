// SPDX-License-Identifier: GPL-3.0-or-later
// PcapWriter: classic libpcap files (magic 0xa1b2c3d4, microsecond timestamps, LINKTYPE_ETHERNET)
// that tcpdump and Wireshark read. One writer per captured port; frames are buffered by stdio
// and flushed at least once a second by the engine. Bounded by maxBytes: when the file would
// grow past it, capture stops and full() turns true.
#pragma once

#include "base/result.h"
#include "transport.h"

#include <cstdint>
#include <cstdio>
#include <memory>

namespace netloom::sw {

class PcapWriter {
public:
    static constexpr std::uint32_t kSnapLen = 65535;
    static constexpr std::uint64_t kDefaultMaxBytes = 1ull << 30;  // 1 GiB

    // Creates (truncates) `path` with mode 0600 and writes the file header.
    static Result<std::unique_ptr<PcapWriter>> create(const QString &path, std::uint64_t maxBytes = kDefaultMaxBytes);
    ~PcapWriter();

    // Appends one frame given as pieces; returns false once the size bound is reached.
    bool write(const OutFrame &frame, std::int64_t wallNs);
    bool write(const std::uint8_t *data, std::size_t len, std::int64_t wallNs);
    void flush();
    bool full() const { return m_full; }
    std::uint64_t frames() const { return m_frames; }
    const QString &path() const { return m_path; }

private:
    PcapWriter(std::FILE *f, QString path, std::uint64_t maxBytes);
    std::FILE *m_file = nullptr;
    QString m_path;
    std::uint64_t m_maxBytes;
    std::uint64_t m_bytes = 24;
    std::uint64_t m_frames = 0;
    bool m_full = false;
};

}  // namespace netloom::sw
