#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the seed corpus of fuzz_virtqueue (run once; the output is committed).

Each seed: the 56-byte header described in fuzz_virtqueue.cpp, the ops, then a 16 KiB guest
memory image: region 0 (gpa 0x100000, image 0x0000, 8 KiB) holds both rings and most buffers,
region 1 (gpa 0x300000, image 0x2000, 4 KiB), region 2 (gpa 0x102000, image 0x3000, 4 KiB:
gpa-contiguous with region 0, so a buffer may cross from 0 into 2).
"""
import os, struct

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, 'corpus', 'fuzz_virtqueue')
G0, G1, G2 = 0x100000, 0x300000, 0x102000
NEXT, WRITE, INDIRECT = 1, 2, 4
TX = (0x000, 0x100, 0x200)
RX = (0x400, 0x500, 0x600)


class Seed:
    def __init__(self, num=8, feats=0b1111, txstart=0, rxstart=0):
        self.num, self.feats, self.txstart, self.rxstart = num, feats, txstart, rxstart
        self.img = bytearray(0x4000)
        self.avail = {0: txstart, 1: rxstart}

    def put(self, gpa, data):
        for g, off, size in ((G0, 0, 0x2000), (G1, 0x2000, 0x1000), (G2, 0x3000, 0x1000)):
            if g <= gpa < g + size:
                self.img[off + gpa - g:off + gpa - g + len(data)] = data
                return
        raise ValueError(hex(gpa))

    def desc_at(self, gpa, addr, ln, flags=0, nxt=0):
        self.put(gpa, struct.pack('<QIHH', addr, ln, flags, nxt))

    def desc(self, ring, i, addr, ln, flags=0, nxt=0):
        self.desc_at(G0 + (TX, RX)[ring][0] + 16 * i, addr, ln, flags, nxt)

    def post(self, ring, head):
        a = G0 + (TX, RX)[ring][1]
        self.put(a + 4 + 2 * (self.avail[ring] % self.num), struct.pack('<H', head))
        self.avail[ring] = (self.avail[ring] + 1) & 0xffff
        self.put(a + 2, struct.pack('<H', self.avail[ring]))

    def bytes(self, ops):
        log2 = self.num.bit_length() - 1
        h = struct.pack('<BBHHBB', log2, self.feats, self.txstart, self.rxstart, 2, len(ops))
        h += struct.pack('<III', G0, 0, 0x2000) + struct.pack('<III', G1, 0x2000, 0x1000) + struct.pack('<III', G2, 0x3000, 0x1000)
        h += struct.pack('<6H', *TX, *RX)
        assert len(h) == 56
        return h + bytes(ops) + bytes(self.img)


def frame(n, seed=1):
    return bytes((seed + 7 * i) & 0xff for i in range(n))


def udp_partial():
    hdr = struct.pack('<BBHHHH', 1, 0, 0, 0, 34, 6) + b'\x01\x00'
    eth = bytes(12) + b'\x08\x00'
    ip = struct.pack('>BBHHHBBHII', 0x45, 0, 48, 0, 0, 64, 17, 0, 0x0a000001, 0x0a000002)
    udp = struct.pack('>HHHH', 1234, 53, 28, 0x1234) + bytes(20)
    return hdr + eth + ip + udp


TXOPS = [0, 0, 0, 5]
RXOPS = [2 | (3 << 3), 3 | (20 << 3), 2 | (1 << 3), 5]
seeds = {}

s = Seed()  # plain: header+frame in one descriptor, header split over two, RX buffers
s.put(G0 + 0x1000, frame(12 + 60))
s.desc(0, 0, G0 + 0x1000, 72)
s.desc(0, 1, G0 + 0x1100, 5, NEXT, 2)
s.desc(0, 2, G0 + 0x1200, 67)
s.put(G0 + 0x1100, frame(5)); s.put(G0 + 0x1200, frame(67, 9))
s.post(0, 0); s.post(0, 1)
for i in range(4):
    s.desc(1, i, G0 + 0x1800 + 0x100 * i, 256, WRITE)
    s.post(1, i)
seeds['plain'] = s.bytes(TXOPS + RXOPS + [6 | 16, 6, 7])

s = Seed()  # indirect table (unaligned) with a checksum to complete
t = G0 + 0x804
s.put(G0 + 0x1000, udp_partial())
s.desc_at(t, G0 + 0x1000, 20, NEXT, 1)
s.desc_at(t + 16, G0 + 0x1014, len(udp_partial()) - 20, 0, 0)
s.desc(0, 3, t, 32, INDIRECT)
s.post(0, 3)
seeds['indirect-csum'] = s.bytes([0, 5])

s = Seed()  # MRG_RXBUF: small buffers, a big frame spans many; one crosses region 0 -> 2
for i in range(8):
    s.desc(1, i, G0 + 0x1000 + 0x80 * i, 64, WRITE)
    s.post(1, i)
s.desc(1, 7, G0 + 0x2000 - 30, 64, WRITE)
seeds['mrg'] = s.bytes([2 | (6 << 3), 5, 2 | (6 << 3), 5])

s = Seed(num=4, txstart=0xfffe, rxstart=0xfffd)  # 16-bit wraparound
for i in range(4):
    s.desc(0, i, G0 + 0x1000 + 0x100 * i, 80)
    s.desc(1, i, G0 + 0x1800 + 0x100 * i, 128, WRITE)
for i in range(4):
    s.post(0, i); s.post(1, i)
s.put(G0 + 0x1000, frame(80)); s.put(G0 + 0x1100, frame(80, 3))
seeds['wrap'] = s.bytes([0, 0, 0, 0, 5, 2, 2, 2, 2, 5])

s = Seed()  # a TCPv4 GSO frame (MSS 100, 3 segments) to segment in software
ip = struct.pack('>BBHHHBBHII', 0x45, 0, 20 + 20 + 250, 7, 0, 64, 6, 0, 0x0a000001, 0x0a000002)
tcp = struct.pack('>HHIIBBHHH', 1234, 80, 1000, 1, 0x50, 0x19, 65535, 0, 0)
gso = struct.pack('<BBHHHH', 1, 1, 54, 100, 34, 16) + b'\x01\x00' + bytes(12) + b'\x08\x00' + ip + tcp + frame(250)
s.put(G0 + 0x1000, gso)
s.desc(0, 0, G0 + 0x1000, len(gso))
s.post(0, 0)
seeds['tso'] = s.bytes([0, 5])

s = Seed()  # hostile: a loop, then the ring is dead
s.desc(0, 0, G0 + 0x1000, 64, NEXT, 0)
s.post(0, 0)
seeds['loop'] = s.bytes([0, 0, 5])

s = Seed(feats=0b1101)  # hostile: indirect without the feature; nested indirect
s.desc_at(G0 + 0x800, G0 + 0x800, 16, INDIRECT, 0)
s.desc(0, 0, G0 + 0x800, 16, INDIRECT)
s.post(0, 0)
seeds['indirect-hostile'] = s.bytes([0, 5])
s = Seed()
s.desc_at(G0 + 0x800, G0 + 0x1000, 16, NEXT, 1)
s.desc_at(G0 + 0x810, G0 + 0x800, 32, INDIRECT, 0)
s.desc(0, 0, G0 + 0x800, 32, INDIRECT)
s.post(0, 0)
seeds['indirect-nested'] = s.bytes([0, 5])

s = Seed(feats=0)  # legacy 10-byte header, no event idx, buffer in the gpa gap
s.desc(0, 0, 0x200000, 64)
s.desc(1, 0, G1, 100, WRITE)
s.post(0, 0); s.post(1, 0)
seeds['legacy-gap'] = s.bytes([2, 0, 5, 6, 7])

os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)
print('wrote %d seeds to %s' % (len(seeds), out))
