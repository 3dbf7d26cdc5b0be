#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# A minimal stateful DHCPv6 client for the IPv6 netns test (busybox here has no udhcpc6):
# SOLICIT -> ADVERTISE -> REQUEST -> REPLY for one IA_NA on one interface, with a DUID-LL
# built from the interface's MAC and a client FQDN option carrying a host name. Prints the
# leased address on success (exit 0); exit 1 with a reason otherwise. Test scaffolding only.
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import socket
import struct
import sys

SOLICIT, ADVERTISE, REQUEST, REPLY = 1, 2, 3, 7
OPT_CLIENTID, OPT_SERVERID, OPT_IA_NA, OPT_IAADDR, OPT_ELAPSED, OPT_STATUS, OPT_FQDN = 1, 2, 3, 5, 8, 13, 39


def opt(code, data):
    return struct.pack("!HH", code, len(data)) + data


def options(data):
    out, i = [], 0
    while i + 4 <= len(data):
        code, length = struct.unpack("!HH", data[i:i + 4])
        out.append((code, data[i + 4:i + 4 + length]))
        i += 4 + length
    return out


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: dhcp6client.py IFNAME HOSTNAME TIMEOUT_SECONDS")
    ifname, hostname, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
    with open("/sys/class/net/%s/address" % ifname) as f:
        mac = bytes.fromhex(f.read().strip().replace(":", ""))
    duid = struct.pack("!HH", 3, 1) + mac  # DUID-LL, Ethernet
    iaid = struct.pack("!I", 1)
    fqdn = bytes([0]) + bytes([len(hostname)]) + hostname.encode() + b"\0"
    ifindex = socket.if_nametoindex(ifname)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ifname.encode())
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::", 546))
    s.settimeout(1.0)
    server = ("ff02::1:2", 547, 0, ifindex)
    tries = max(1, int(timeout))

    def exchange(msg_type, opts, want):
        xid = os.urandom(3)
        packet = bytes([msg_type]) + xid + opts
        for _ in range(tries):
            s.sendto(packet, server)
            try:
                while True:
                    data, _ = s.recvfrom(4096)
                    if len(data) >= 4 and data[0] == want and data[1:4] == xid:
                        return options(data[4:])
            except socket.timeout:
                continue
        sys.exit("no %d answer to message %d on %s" % (want, msg_type, ifname))

    base = opt(OPT_CLIENTID, duid) + opt(OPT_ELAPSED, b"\0\0") + opt(OPT_FQDN, fqdn)
    adv = exchange(SOLICIT, base + opt(OPT_IA_NA, iaid + b"\0" * 8), ADVERTISE)
    server_id = next((d for c, d in adv if c == OPT_SERVERID), None)
    ia = next((d for c, d in adv if c == OPT_IA_NA), None)
    if server_id is None or ia is None:
        sys.exit("ADVERTISE without server id or IA_NA: %r" % adv)
    reply = exchange(REQUEST, base + opt(OPT_SERVERID, server_id) + opt(OPT_IA_NA, ia), REPLY)
    for code, data in reply:
        if code == OPT_IA_NA:
            for sub, sd in options(data[12:]):
                if sub == OPT_IAADDR:
                    print(socket.inet_ntop(socket.AF_INET6, sd[:16]))
                    return
                if sub == OPT_STATUS:
                    sys.exit("server refused: %r" % sd)
    sys.exit("REPLY without an address: %r" % reply)


main()
