#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the seed corpora of the switch fuzz targets (run once; the output is committed)."""
import os, struct

here = os.path.dirname(os.path.abspath(__file__))

def mac(s): return bytes.fromhex(s.replace(':', ''))
BC = mac('ff:ff:ff:ff:ff:ff')
A, B, S = mac('52:54:00:00:00:0a'), mac('52:54:00:00:00:0b'), mac('52:54:00:00:00:01')

def ether(dst, src, etype, payload, vlan=None):
    tag = struct.pack('>HH', 0x8100, vlan) if vlan is not None else b''
    return dst + src + tag + struct.pack('>H', etype) + payload

def ipv4_udp(src, dst, sport, dport, data):
    ip = struct.pack('>BBHHHBBHII', 0x45, 0, 28 + len(data), 0, 0, 64, 17, 0, src, dst)
    return ip + struct.pack('>HHHH', sport, dport, 8 + len(data), 0) + data

def dhcp(mtype, chaddr, yiaddr=0, ciaddr=0, opts=b''):
    op = 2 if mtype in (2, 5, 6) else 1
    b = struct.pack('>BBBBIHHIIII', op, 1, 6, 0, 0x1234, 0, 0, ciaddr, yiaddr, 0, 0)
    b += chaddr + bytes(10) + bytes(192) + struct.pack('>I', 0x63825363)
    b += bytes([53, 1, mtype]) + opts + b'\xff'
    return b

def arp(op, sha, spa, tha, tpa):
    return struct.pack('>HHBBH', 1, 0x0800, 6, 4, op) + sha + struct.pack('>I', spa) + tha + struct.pack('>I', tpa)

def nd(typ, src, srcip, target):
    icmp = struct.pack('>BBHI', typ, 0, 0, 0) + target + bytes([2 if typ == 136 else 1, 1]) + src
    ip = struct.pack('>IHBB', 0x60000000, len(icmp), 58, 255) + srcip + bytes.fromhex('ff0200000000000000000001ff000001')
    return ether(mac('33:33:ff:00:00:01'), src, 0x86dd, ip + icmp)

SEP = b'\xfe\xed'
opts = bytes([12, 5]) + b'guest' + bytes([50, 4]) + bytes([10, 0, 0, 5]) + bytes([51, 4, 0, 0, 14, 16]) + bytes([54, 4, 10, 0, 0, 1])
frames = {}
for t in range(1, 9):
    srcmac = S if t in (2, 5, 6) else A
    frames['dhcp%d' % t] = ether(BC, srcmac, 0x0800, ipv4_udp(0, 0xffffffff, 67 if t in (2, 5, 6) else 68, 68 if t in (2, 5, 6) else 67,
                                                               dhcp(t, A, yiaddr=0x0a000005 if t in (2, 5) else 0, opts=opts)))
frames['arp-request'] = ether(BC, A, 0x0806, arp(1, A, 0x0a00000a, bytes(6), 0x0a000001))
frames['arp-reply'] = ether(A, B, 0x0806, arp(2, B, 0x0a00000a, A, 0x0a000001))
frames['arp-probe'] = ether(BC, A, 0x0806, arp(1, A, 0, bytes(6), 0x0a00000a))
frames['nd-na'] = nd(136, A, bytes.fromhex('fe80000000000000505400fffe00000a'), bytes.fromhex('fe80000000000000505400fffe00000a'))
frames['nd-ns'] = nd(135, A, bytes(16), bytes.fromhex('fe80000000000000505400fffe00000a'))
frames['vlan'] = ether(BC, A, 0x0800, bytes(46), vlan=(5 << 13) | 100)
frames['runt'] = ether(B, A, 0x0800, b'x')

d = os.path.join(here, 'corpus', 'fuzz_switch_frame')
os.makedirs(d, exist_ok=True)
for name, f in frames.items():
    # The first byte picks the ingress port; prefix a selector so each seed lands on a port.
    open(os.path.join(d, name), 'wb').write(f)
open(os.path.join(d, 'sequence'), 'wb').write(SEP.join([frames['arp-request'], frames['arp-reply'], frames['dhcp5'], frames['dhcp2']]))
open(os.path.join(d, 'conflict'), 'wb').write(SEP.join([frames['arp-request'], bytes([1]) + frames['arp-reply'][1:], frames['dhcp2']]))

def vde_request(path, descr, port=0):
    sa = struct.pack('=H', 1) + path.encode() + bytes(108 - len(path))
    return struct.pack('=III', 0xfeedface, 3, port << 8) + sa + descr.encode()

d = os.path.join(here, 'corpus', 'fuzz_switch_vde')
os.makedirs(d, exist_ok=True)
open(os.path.join(d, 'request'), 'wb').write(b'\x01' + vde_request('/tmp/sw/.01234-00000', 'QEMU user=me'))
open(os.path.join(d, 'request-port'), 'wb').write(b'\x01' + vde_request('/run/user/1000/sw/.4-1', 'vde_plug', 7))
open(os.path.join(d, 'stream'), 'wb').write(b'\x00' + b''.join(struct.pack('>I', len(f)) + f for f in list(frames.values())[:5]))
open(os.path.join(d, 'stream-partial'), 'wb').write(b'\x00' + struct.pack('>I', 60) + bytes(30))

# fuzz_vhost_msg: chunks of [attach][u16 len][bytes] (see fuzz_vhost_msg.cpp), replaying
# QEMU 7.2's sequence against a 64 KiB memfd.
def vu(req, payload=b'', flags=1):
    return struct.pack('<III', req, flags, len(payload)) + payload
def chunk(msg, nfds=0, mem=False):
    return bytes([nfds | (4 if mem else 0)]) + struct.pack('<H', len(msg)) + msg
u64 = lambda v: struct.pack('<Q', v)
state = lambda i, n: struct.pack('<II', i, n)
UVA = 0x7f0000000000
def addr(i):
    d = UVA + 0x1000 + i * 0x4000
    return struct.pack('<IIQQQQ', i, 0, d, d + 0x2000, d + 0x1000, 0)
features = (1 << 32) | (1 << 30) | (1 << 29) | (1 << 28) | (1 << 15) | (1 << 11) | (1 << 7) | 3
connect = [chunk(vu(1)), chunk(vu(15)), chunk(vu(16, u64(9))), chunk(vu(17)), chunk(vu(3)), chunk(vu(1))]
for i in range(2):
    connect += [chunk(vu(13, u64(i)), 1), chunk(vu(14, u64(i)), 1), chunk(vu(18, state(i, 1)))]
table = struct.pack('<II', 2, 0) + struct.pack('<QQQQ', 0, 0x8000, UVA, 0) + struct.pack('<QQQQ', 0x100000, 0x8000, UVA + 0x8000, 0x8000)
start = [chunk(vu(2, u64(features), 9)), chunk(vu(5, table, 9), 2, True)]
for i in range(2):
    start += [chunk(vu(8, state(i, 256))), chunk(vu(10, state(i, 0))), chunk(vu(9, addr(i))), chunk(vu(12, u64(i)), 1), chunk(vu(13, u64(i)), 1)]
reset = [chunk(vu(11, state(0, 0))), chunk(vu(11, state(1, 0))), chunk(vu(18, state(0, 0)))]
d = os.path.join(here, 'corpus', 'fuzz_vhost_msg')
os.makedirs(d, exist_ok=True)
open(os.path.join(d, 'qemu-sequence'), 'wb').write(b''.join(connect + start + reset + start[1:2]))
open(os.path.join(d, 'connect'), 'wb').write(b''.join(connect))
open(os.path.join(d, 'split-header'), 'wb').write(b''.join(connect[:2]) + chunk(vu(5, table)[:5], 2, True)[:] + chunk(vu(5, table)[5:]))
open(os.path.join(d, 'addr-before-table'), 'wb').write(chunk(vu(8, state(0, 64))) + chunk(vu(9, addr(0))) + chunk(vu(5, table), 2, True) + chunk(vu(12, u64(0x100))))
