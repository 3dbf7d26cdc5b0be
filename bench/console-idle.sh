#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Cost of an open guest console in the Netloom GUI (issue #10): the real `netloom` binary
# (offscreen) runs a topology of one console test guest (tests/guests, TCG, no network), once
# without a console and once with its screen open (--console), and reports the GUI process's
# CPU over the same window of SECONDS (default 20) after the guest is up, idle and while 20
# keys a second are typed into the guest over QMP (each redraws part of its screen and
# echoes on serial). QEMU's own CPU is not counted. Fails if the open console costs more
# than 3% of one core while the guest is idle.
# Usage: bench/console-idle.sh [BUILD_DIR] [SECONDS]
set -eu
here=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
build=$(CDPATH='' cd -- "${1:-$here/build}" && pwd)
secs=${2:-20}
gui="$build/app/gui/netloom"
img="$build/tests/guests/consoleguest.img"
[ -x "$gui" ] || { echo "console-idle: build the netloom target first ($gui)" >&2; exit 2; }
[ -f "$img" ] || { echo "console-idle: build the consoleguest target first ($img)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cat >"$tmp/bench.json" <<JSON
{"format": "netloom-topology", "version": 1, "name": "consolebench",
 "nodes": [{"id": "cg", "type": "guest", "guest": {"accel": "tcg", "machine": "pc", "memoryMiB": 32,
   "disks": [{"path": "$img", "interface": "ide", "snapshot": true}],
   "extraArgs": ["-chardev", "socket,id=benchmon,path=$tmp/bench.qmp,server=on,wait=off", "-mon", "chardev=benchmon,mode=control"]}}]}
JSON
hz=$(getconf CLK_TCK)
# Types 20 keys a second into the guest for $secs (each one redraws the guest's bottom row
# and echoes on serial), so the console has screen updates to show. QEMU serves one client
# per monitor and the runtime holds the QMP one: the bench guest has a second monitor.
typer() {
  python3 - "$tmp/bench.qmp" "$secs" <<'PY'
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile('rw')
f.readline(); f.write('{"execute":"qmp_capabilities"}\n'); f.flush(); f.readline()
end = time.time() + float(sys.argv[2]); n = 0
while time.time() < end:
    key = 'ret' if n % 60 == 59 else 'x'
    f.write(json.dumps({"execute": "send-key", "arguments": {"keys": [{"type": "qcode", "data": key}]}}) + '\n'); f.flush()
    while True:
        line = f.readline()
        if not line: sys.exit('console-idle: the bench monitor closed')
        if '"return"' in line: break
    n += 1; time.sleep(0.05)
PY
}
# measure MODE ARGS...: prints the GUI's CPU in % of one core over $secs, from 8 s after
# start; MODE busy types into the guest meanwhile.
measure() {
  mode=$1
  shift
  XDG_RUNTIME_DIR="$tmp/xdg" QT_QPA_PLATFORM=offscreen "$gui" --tcg --start "$@" "$tmp/bench.json" >"$tmp/gui.log" 2>&1 &
  pid=$!
  sleep 8
  a=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  if ! [ -S "$tmp/xdg/netloom/consolebench/guest-cg.qmp" ]; then
    kill -KILL "$pid"
    echo "console-idle: the guest did not start; the GUI said:" >&2
    cat "$tmp/gui.log" >&2
    exit 1
  fi
  if [ "$mode" = busy ]; then typer; else sleep "$secs"; fi
  b=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  # The test guest ignores ACPI: a second signal makes the GUI quit at once (QEMU goes with it).
  kill -TERM "$pid"
  sleep 1
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  awk -v a="$a" -v b="$b" -v hz="$hz" -v s="$secs" 'BEGIN { printf "%.2f", (b - a) / hz / s * 100 }'
}
mkdir -p "$tmp/xdg"
chmod 0700 "$tmp/xdg"
base=$(measure idle)
open=$(measure idle --console cg)
serial=$(measure idle --console cg:serial)
echo "GUI CPU over ${secs} s, guest idle: no console ${base}%, screen open ${open}%, serial console open ${serial}% of one core"
busyBase=$(measure busy)
busyOpen=$(measure busy --console cg)
busySerial=$(measure busy --console cg:serial)
echo "GUI CPU over ${secs} s, 20 keys/s typed into the guest: no console ${busyBase}%, screen open ${busyOpen}%, serial console open ${busySerial}% of one core"
awk -v b="$base" -v o="$open" 'BEGIN { d = o - b; if (d > 3) { print "console-idle: over budget (" d "% > 3%)"; exit 1 } }'
