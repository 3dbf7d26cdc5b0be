// SPDX-License-Identifier: GPL-3.0-or-later
// Frames for the offload tests (virtionet, the engine's software completion): UDP and TCP
// GSO frames built byte by byte, and the reference Internet checksums to verify them. No Qt.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace netloom::test {

// The Internet checksum of a UDP/IPv4 frame computed from scratch (reference).
inline std::uint16_t referenceUdpChecksum(const std::vector<std::uint8_t> &f)
{
    std::uint32_t sum = 0;
    const auto add16 = [&](std::size_t i) { sum += std::uint32_t(f[i] << 8 | f[i + 1]); };
    for (std::size_t i = 26; i < 34; i += 2)
        add16(i);  // src, dst
    sum += 17;
    const std::size_t udpLen = f.size() - 34;
    sum += std::uint32_t(udpLen);
    for (std::size_t i = 34; i + 1 < f.size(); i += 2)
        if (i != 40)
            add16(i);
    if (udpLen % 2)
        sum += std::uint32_t(f.back() << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    const std::uint16_t c = std::uint16_t(~sum);
    return c == 0 ? 0xffff : c;
}

inline std::vector<std::uint8_t> udpFrame(std::size_t payload)
{
    std::vector<std::uint8_t> f(42 + payload, 0);
    for (int i = 0; i < 12; ++i)
        f[std::size_t(i)] = std::uint8_t(0x52 + i);
    f[12] = 0x08;
    f[14] = 0x45;
    f[23] = 17;
    const std::uint8_t ips[8] = {10, 0, 0, 1, 10, 0, 0, 2};
    std::memcpy(&f[26], ips, 8);
    f[34] = 0x30; f[35] = 0x39; f[36] = 0x00; f[37] = 0x35;
    f[38] = std::uint8_t((8 + payload) >> 8);
    f[39] = std::uint8_t(8 + payload);
    for (std::size_t i = 0; i < payload; ++i)
        f[42 + i] = std::uint8_t(i * 13 + 1);
    return f;
}

// A TCP GSO super-frame: Ethernet (optionally tagged), IPv4 or IPv6, TCP with 12 bytes of
// options and flags PSH|FIN|CWR|ACK, `payload` bytes of data.
inline std::vector<std::uint8_t> tcpGsoFrame(bool v6, bool tagged, std::size_t payload)
{
    std::vector<std::uint8_t> f(12, 0x02);
    if (tagged) {
        f.push_back(0x81); f.push_back(0x00); f.push_back(0x00); f.push_back(0x05);
    }
    f.push_back(v6 ? 0x86 : 0x08);
    f.push_back(v6 ? 0xdd : 0x00);
    const std::size_t tcpLen = 32 + payload;
    if (!v6) {
        const std::uint8_t ip[20] = {0x45, 0, std::uint8_t((20 + tcpLen) >> 8), std::uint8_t(20 + tcpLen), 0x12, 0x34, 0x40, 0,
                                     64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
        f.insert(f.end(), ip, ip + 20);
    } else {
        const std::uint8_t ip[8] = {0x60, 0, 0, 0, std::uint8_t(tcpLen >> 8), std::uint8_t(tcpLen), 6, 64};
        f.insert(f.end(), ip, ip + 8);
        for (int i = 0; i < 32; ++i)
            f.push_back(std::uint8_t(0xfd + (i == 15 ? 1 : 0) + (i == 31 ? 2 : 0)));
    }
    const std::uint8_t tcp[32] = {0x30, 0x39, 0x00, 0x50, 0xff, 0xff, 0xfc, 0x00, 0, 0, 0, 1, 0x80, 0x80 | 0x10 | 0x08 | 0x01,
                                  0xff, 0xff, 0x12, 0x34, 0, 0, 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2};
    f.insert(f.end(), tcp, tcp + 32);
    for (std::size_t i = 0; i < payload; ++i)
        f.push_back(std::uint8_t(i * 31 + 7));
    return f;
}

inline std::uint16_t foldSum(const std::uint8_t *p, std::size_t n, std::uint32_t sum)
{
    for (std::size_t i = 0; i + 1 < n; i += 2)
        sum += std::uint32_t(p[i] << 8 | p[i + 1]);
    if (n % 2)
        sum += std::uint32_t(p[n - 1] << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return std::uint16_t(sum);
}

}  // namespace netloom::test
