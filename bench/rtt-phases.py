#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# rtt-phases.py: where a paired-RTT round trip goes inside each switch, from a perf trace.
#
#   rtt-phases.py PERF_SCRIPT_OUTPUT NAME=TID[,TID...] ...
#
# Input: `perf script --ns -F comm,tid,cpu,time,event,trace` of a recording with
# raw_syscalls:sys_enter/sys_exit of the switch threads, sched:sched_waking of them and
# sched:sched_switch (bench/run-bench.sh --rtt-only with RTT_TRACE=1 records exactly that).
# A ping through a user-space switch between two taps is one wake-up of the switch thread:
# it sleeps in epoll_wait/poll, the request makes it runnable, it reads the request, writes it
# to the other tap (the kernel delivers it and the reply comes back into that tap within the
# write), waits (returns at once), reads the reply and writes it back; the reply's receive
# timestamp is taken inside that last write. Each such wake-up is cut into phases (us):
#   wake->run        sched_waking until the thread is switched in
#   run->waitret     switched in until epoll_wait/poll returns (kernel)
#   A user->read     wait returned until read/readv entered (user space, cold)
#   read1 sys        the read of the request
#   B user decide1   read returned until write entered: the forwarding decision, cold
#   write1 sys       the write of the request (includes the far side's ICMP reply)
#   C..E, read2/write2: the same for the reply, now warm
# and the p50/mean of each phase is printed per switch. Wake-ups that do not follow the
# pattern (ticks, ARP, preemption in the middle) are skipped and counted.
import re
import sys
from collections import defaultdict

WAIT = {7, 232, 271, 281}  # poll, epoll_wait, ppoll, epoll_pwait
READ = {0, 19}             # read, readv
WRITE = {1, 20}            # write, writev

line_re = re.compile(r'^\s*(.*?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s*(.*)$')


def main():
    if len(sys.argv) < 3:
        sys.exit('usage: rtt-phases.py PERF_SCRIPT_OUTPUT NAME=TID[,TID...] ...')
    name_of = {}
    order = []
    for arg in sys.argv[2:]:
        name, tids = arg.split('=', 1)
        order.append(name)
        for t in tids.split(','):
            if t:
                name_of[int(t)] = name
    running = {}   # tid -> current burst (events since it was switched in after a wake-up)
    waking = {}    # tid -> time of the pending sched_waking
    bursts = defaultdict(list)
    with open(sys.argv[1], errors='replace') as f:
        for line in f:
            m = line_re.match(line)
            if not m:
                continue
            _, tid, _, ts, ev, rest = m.groups()
            tid = int(tid)
            ts = float(ts) * 1e6
            if ev == 'sched:sched_waking':
                p = int(re.search(r' pid=(\d+)', rest).group(1))
                if p in name_of and p not in waking:
                    waking[p] = ts
            elif ev == 'sched:sched_switch':
                prev = int(re.search(r'prev_pid=(\d+)', rest).group(1))
                nxt = int(re.search(r'next_pid=(\d+)', rest).group(1))
                if prev in running:
                    if ' prev_state=S' in rest or ' prev_state=I' in rest:
                        bursts[prev].append(running.pop(prev))
                    # preempted: the burst goes on when the thread runs again
                if nxt in name_of and nxt not in running:
                    running[nxt] = {'wake': waking.pop(nxt, None), 'in': ts, 'calls': []}
            elif tid in running and ev.startswith('raw_syscalls:'):
                nr = int(re.search(r'NR (-?\d+)', rest).group(1))
                calls = running[tid]['calls']
                if ev.endswith('sys_enter'):
                    calls.append([nr, ts, None, None])
                else:
                    ret = int(re.search(r'= (-?\d+)', rest).group(1))
                    if calls and calls[-1][0] == nr and calls[-1][2] is None:
                        calls[-1][2], calls[-1][3] = ts, ret
                    else:
                        calls.append([nr, None, ts, ret])  # the wait the thread slept in
    phases = ['wake->run', 'run->waitret', 'A user->read', 'read1 sys', 'B user decide1', 'write1 sys',
              'C user->wait', 'wait2 sys', 'D user->read2', 'read2 sys', 'E user decide2', 'write2 sys',
              'user A..E', 'TOTAL wake->write2']
    table = {}
    for name in order:
        rows = defaultdict(list)
        skipped = 0
        for tid, blist in bursts.items():
            if name_of[tid] != name:
                continue
            for b in blist:
                c = b['calls']
                kinds = ''.join('W' if x[0] in WAIT else 'R' if x[0] in READ else 'S' if x[0] in WRITE else '?' for x in c)
                if (b['wake'] is None or not kinds.startswith('WRSWRS') or any(x[1] is None for x in c[1:6])
                        or c[1][3] is None or c[1][3] < 60 or c[4][3] is None or c[4][3] < 60):
                    skipped += 1
                    continue
                v = [b['in'] - b['wake'], c[0][2] - b['in'], c[1][1] - c[0][2], c[1][2] - c[1][1],
                     c[2][1] - c[1][2], c[2][2] - c[2][1], c[3][1] - c[2][2], c[3][2] - c[3][1],
                     c[4][1] - c[3][2], c[4][2] - c[4][1], c[5][1] - c[4][2], c[5][2] - c[5][1]]
                v.append(v[2] + v[4] + v[6] + v[8] + v[10])
                v.append(c[5][2] - b['wake'])
                for k, x in zip(phases, v):
                    rows[k].append(x)
        table[name] = (rows, skipped)
    print('phase, us p50/mean'.ljust(22) + ''.join(n[:16].rjust(17) for n in order))
    print('round trips'.ljust(22) + ''.join(
        f"{len(table[n][0]['TOTAL wake->write2'])} (+{table[n][1]})".rjust(17) for n in order))
    for k in phases:
        cells = []
        for n in order:
            xs = sorted(table[n][0][k])
            cells.append(f'{xs[len(xs) // 2]:.2f}/{sum(xs) / len(xs):.1f}' if xs else '-')
        print(k.ljust(22) + ''.join(c.rjust(17) for c in cells))


if __name__ == '__main__':
    main()
