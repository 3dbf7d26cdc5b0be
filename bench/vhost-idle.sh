#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Idle cost of vhost-user ports (issue #12 target: <= 1% of a core with 8 connected idle
# guests): `netloomctl switch` serves 8 vhost-user sockets, 8 demo guests (TCG, 64 MiB, shared
# memfd RAM, static addresses, no traffic of their own) connect and start their rings, and the
# switch process's CPU is read from /proc over SECONDS (default 30) once all 8 ports are up
# and the guests have booted. QEMU's own CPU is not counted. Fails if the switch uses more
# than 1% of one core.
# Usage: bench/vhost-idle.sh [BUILD_DIR] [SECONDS]
set -eu
here=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
build=$(CDPATH='' cd -- "${1:-$here/build}" && pwd)
secs=${2:-30}
ctl="$build/app/cli/netloomctl"
[ -x "$ctl" ] || { echo "vhost-idle: build the netloomctl target first ($ctl)" >&2; exit 2; }
command -v qemu-system-x86_64 >/dev/null || { echo "vhost-idle: qemu-system-x86_64 is missing" >&2; exit 2; }
tmp=$(mktemp -d)
guest="$tmp/guest"
"$here/scripts/build-demo-guest" "$guest" >/dev/null
pids=""
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
n=8
args=""
i=1
while [ "$i" -le "$n" ]; do
  args="$args --vhost-user $tmp/v$i.sock"
  i=$((i + 1))
done
# shellcheck disable=SC2086  # $args is a list of options
"$ctl" switch $args >"$tmp/switch.log" 2>&1 &
sw=$!
pids="$sw"
sleep 1
i=1
while [ "$i" -le "$n" ]; do
  qemu-system-x86_64 -accel tcg -m 64 -object memory-backend-memfd,id=mem,size=64M,share=on \
    -machine memory-backend=mem -chardev "socket,id=c0,path=$tmp/v$i.sock,reconnect=1" \
    -netdev vhost-user,id=n0,chardev=c0 -device "virtio-net-pci,netdev=n0,vectors=0,mac=52:54:00:00:01:0$i" \
    -kernel "$guest/vmlinuz" -initrd "$guest/initrd.img" \
    -append "console=ttyS0 quiet netloom.ip=10.77.0.$i/24" -display none -serial null >/dev/null 2>&1 &
  pids="$pids $!"
  i=$((i + 1))
done
# All ports up, then time for the guests to finish booting (TCG, 8 of them on this machine).
t=0
while [ "$(grep -c 'added: vhost-user' "$tmp/switch.log" || true)" -lt "$n" ] && [ "$t" -lt 120 ]; do
  sleep 1
  t=$((t + 1))
done
up=$(grep -c 'added: vhost-user' "$tmp/switch.log" || true)
[ "$up" -ge "$n" ] || { echo "vhost-idle: only $up of $n ports came up" >&2; cat "$tmp/switch.log" >&2; exit 1; }
sleep 30
hz=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$sw/stat"; }
a=$(cpu)
sleep "$secs"
b=$(cpu)
removed=$(grep -c 'removed' "$tmp/switch.log" || true)
pct=$(awk -v d="$((b - a))" -v hz="$hz" -v s="$secs" 'BEGIN { printf "%.2f", 100 * d / hz / s }')
echo "vhost-idle: $n guests connected ($removed port removals), switch CPU over ${secs}s: ${pct}% of one core"
awk -v p="$pct" 'BEGIN { exit !(p <= 1.0) }' || { echo "vhost-idle: above the 1% target" >&2; exit 1; }
