// SPDX-License-Identifier: GPL-3.0-or-later
// moveBytes: memmove for the short copies of the per-frame path (virtio-net headers, 64-byte
// frames, the 128-byte peek of a larger one). Up to 128 bytes it is inline code with no call
// and no length loop: every byte is loaded before any is stored, in at most four 32-byte
// (or 16/8/4/2-byte) pieces that may overlap each other, so overlapping source and
// destination are safe, as with memmove (a guest sending to itself). Longer copies go to
// std::memmove. On this path a libc call per header and per frame was measurable: four per
// frame at millions of frames a second. Pure; touches only [dst, dst+n) and [src, src+n).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace netloom::sw {

namespace detail {
template <std::size_t N>
struct Bytes {
    unsigned char b[N];
};
template <std::size_t N>
inline void movePair(unsigned char *d, const unsigned char *s, std::size_t n)
{
    Bytes<N> a, z;  // n in [N, 2N]: the first and the last N bytes
    std::memcpy(&a, s, N);
    std::memcpy(&z, s + n - N, N);
    std::memcpy(d, &a, N);
    std::memcpy(d + n - N, &z, N);
}
}  // namespace detail

inline void moveBytes(void *dst, const void *src, std::size_t n)
{
    auto *d = static_cast<unsigned char *>(dst);
    const auto *s = static_cast<const unsigned char *>(src);
    if (n <= 16) {
        if (n >= 8)
            detail::movePair<8>(d, s, n);
        else if (n >= 4)
            detail::movePair<4>(d, s, n);
        else if (n >= 2)
            detail::movePair<2>(d, s, n);
        else if (n == 1)
            d[0] = s[0];
        return;
    }
    if (n <= 32)
        return detail::movePair<16>(d, s, n);
    if (n <= 64)
        return detail::movePair<32>(d, s, n);
    if (n <= 128) {  // the first 64 and the last 64 bytes
        detail::Bytes<32> a, b, y, z;
        std::memcpy(&a, s, 32);
        std::memcpy(&b, s + 32, 32);
        std::memcpy(&y, s + n - 64, 32);
        std::memcpy(&z, s + n - 32, 32);
        std::memcpy(d, &a, 32);
        std::memcpy(d + 32, &b, 32);
        std::memcpy(d + n - 64, &y, 32);
        std::memcpy(d + n - 32, &z, 32);
        return;
    }
    std::memmove(d, s, n);
}

}  // namespace netloom::sw
