// SPDX-License-Identifier: GPL-3.0-or-later
// ByteCursor: a read-only, bounds-checked walk over untrusted bytes (guest frames, VDE
// requests). Every read either succeeds or leaves the cursor "failed" and returns zeros, so a
// parser can read a whole header and check ok() once. Nothing here allocates or throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace netloom::sw {

class ByteCursor {
public:
    ByteCursor() = default;
    ByteCursor(const std::uint8_t *data, std::size_t size) : m_data(data), m_size(size) {}

    bool ok() const { return m_ok; }
    std::size_t offset() const { return m_pos; }
    std::size_t remaining() const { return m_ok ? m_size - m_pos : 0; }
    const std::uint8_t *here() const { return m_data + m_pos; }

    // True and advances when n bytes are available; otherwise marks the cursor failed.
    bool skip(std::size_t n)
    {
        if (!m_ok || n > m_size - m_pos) {
            m_ok = false;
            return false;
        }
        m_pos += n;
        return true;
    }
    std::uint8_t u8()
    {
        const std::uint8_t *p = take(1);
        return p ? p[0] : 0;
    }
    std::uint16_t be16()
    {
        const std::uint8_t *p = take(2);
        return p ? std::uint16_t(p[0] << 8 | p[1]) : 0;
    }
    std::uint32_t be32()
    {
        const std::uint8_t *p = take(4);
        return p ? (std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3]) : 0;
    }
    // Copies n bytes into out (zero-filled on failure).
    bool copy(void *out, std::size_t n)
    {
        const std::uint8_t *p = take(n);
        if (!p) {
            std::memset(out, 0, n);
            return false;
        }
        std::memcpy(out, p, n);
        return true;
    }
    // Returns a pointer to the next n bytes and advances, or nullptr (cursor failed).
    const std::uint8_t *take(std::size_t n)
    {
        if (!m_ok || n > m_size - m_pos) {
            m_ok = false;
            return nullptr;
        }
        const std::uint8_t *p = m_data + m_pos;
        m_pos += n;
        return p;
    }
    // A sub-cursor over the next n bytes (advances this one past them).
    ByteCursor sub(std::size_t n)
    {
        const std::uint8_t *p = take(n);
        if (!p) {
            ByteCursor bad;
            bad.m_ok = false;
            return bad;
        }
        return ByteCursor(p, n);
    }

private:
    const std::uint8_t *m_data = nullptr;
    std::size_t m_size = 0;
    std::size_t m_pos = 0;
    bool m_ok = true;
};

}  // namespace netloom::sw
