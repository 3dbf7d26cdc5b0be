// SPDX-License-Identifier: GPL-3.0-or-later
#include "offloadcompleter.h"

#include "transport.h"

#include <cstring>

namespace netloom::sw {

namespace {
// The largest headers segmentTso copies into every segment: Ethernet with one tag, IPv4 with
// options, TCP with options.
constexpr std::size_t kMaxHeaders = 18 + 60 + 60;
}  // namespace

OffloadCompleter::Frames OffloadCompleter::complete(const std::uint8_t *frame, std::size_t len, const std::uint8_t *hdr)
{
    Frames out;
    if (!hdr || len > kMaxFrame) {
        ++m_failures;
        return out;
    }
    if (m_used == m_blocks.size()) {
        auto b = std::make_unique<Block>();
        b->bytes.resize(kMaxFrame + std::size_t(kMaxSegments) * kMaxHeaders);
        m_blocks.push_back(std::move(b));
    }
    Block &b = *m_blocks[m_used];
    int n = 0;
    if (vnetIsGso(hdr)) {
        n = segmentTso(frame, len, hdr, b.bytes.data(), b.bytes.size(), b.segs, kMaxSegments);
    } else {
        std::memcpy(b.bytes.data(), frame, len);
        std::uint8_t h[kVirtioNetHdrLen];
        std::memcpy(h, hdr, sizeof h);
        if (completeChecksum(b.bytes.data(), len, h) != Csum::Bad) {
            b.segs[0] = {0, std::uint32_t(len)};
            n = 1;
        }
    }
    if (n <= 0) {
        ++m_failures;
        return out;
    }
    ++m_used;
    ++m_completed;
    out.base = b.bytes.data();
    out.segs = b.segs;
    out.n = n;
    return out;
}

}  // namespace netloom::sw
