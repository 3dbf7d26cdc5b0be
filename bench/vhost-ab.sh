#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# vhost-ab.sh: A/B of netloom builds (or DPDK's vhost backend) on the 64-byte vhost-user loop of
# bench/run-bench.sh, in alternating short runs, so that two builds meet the same machine
# state. On the 2-vCPU VM this was written on, single rounds of the full bench move by x1.5
# and more, far more than most code changes; alternating pairs are what tells a change.
#
#   sudo bench/vhost-ab.sh [-n PAIRS] [-s SECONDS] [-z FRAME_BYTES] NETLOOMCTL|dpdk ...
#
# For each of PAIRS rounds (default 4), every backend in turn: the backend on CPU 1 (a
# `netloomctl switch --vhost-user A --vhost-user B`, pinned with taskset, or with `dpdk` a
# testpmd net_vhost backend whose forwarding lcore is on CPU 1), one dpdk-testpmd frontend
# with two net_virtio_user ports (256-entry rings, forward mode mac, 16 bursts of 32 in
# flight per port; forwarding lcore on CPU 0), 1 s of warm-up, then SECONDS (default 3)
# measured: the frontend's Rx-pps on both ports and the backend's CPU from /proc/PID/stat.
# Prints every run's Mpps per busy backend core and each backend's median.
# Needs root (it runs everything as user nobody) and dpdk-testpmd (Debian dpdk-dev; bench
# only). Nothing outside its temporary directory is touched: no namespace, no interface.
set -euo pipefail

pairs=4 secs=3 size=60
while getopts n:s:z: o; do
  case $o in
    n) pairs=$OPTARG ;;
    s) secs=$OPTARG ;;
    z) size=$OPTARG ;;
    *) echo "usage: $0 [-n PAIRS] [-s SECONDS] [-z FRAME_BYTES] NETLOOMCTL|dpdk ..." >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: $0 [-n PAIRS] [-s SECONDS] [-z FRAME_BYTES] NETLOOMCTL|dpdk ..." >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "vhost-ab: run as root (the backends run as nobody)" >&2; exit 2; }
testpmd=${DPDK_TESTPMD:-dpdk-testpmd}
command -v "$testpmd" >/dev/null || { echo "vhost-ab: $testpmd missing (Debian dpdk-dev)" >&2; exit 2; }
for b in "$@"; do
  [ "$b" = dpdk ] || [ -x "$b" ] || { echo "vhost-ab: $b is not executable" >&2; exit 2; }
done

work=$(mktemp -d /tmp/vhost-ab.XXXXXX)
chmod 755 "$work"
mkdir "$work/run"; chown 65534:65534 "$work/run"  # DPDK's runtime files (XDG_RUNTIME_DIR)
pids=()
cleanup() {
  local p
  for p in "${pids[@]:-}"; do [ -z "$p" ] || kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
asnobody=(setpriv --reuid=65534 --regid=65534 --clear-groups env "XDG_RUNTIME_DIR=$work/run")
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

# One measurement of backend $1; prints "Mpps cores".
measure() {
  local b=$1 d bp fp c0 c1 t0 t1 pps
  d=$(mktemp -d "$work/r.XXXX"); chown 65534:65534 "$d"
  if [ "$b" = dpdk ]; then
    "${asnobody[@]}" "$testpmd" --lcores "0@0,1@1" --main-lcore 0 --no-huge --no-pci -m 256 \
      --file-prefix "ab-be-$$" --vdev "net_vhost0,iface=$d/A,queues=1" --vdev "net_vhost1,iface=$d/B,queues=1" \
      -- -a --forward-mode=io --nb-cores=1 --total-num-mbufs=16384 < <(sleep $((secs + 30))) > "$d/be.log" 2>&1 &
  else
    "${asnobody[@]}" taskset -c 1 "$b" switch --json --sock "$d/vde" --vhost-user "$d/A" --vhost-user "$d/B" > "$d/be.log" 2>&1 &
  fi
  bp=$!; pids+=("$bp")
  for _ in $(seq 50); do [ -S "$d/A" ] && [ -S "$d/B" ] && break; sleep 0.1; done
  [ "$b" = dpdk ] && bp=$(pgrep -f "file-prefix ab-be-$$" | head -1)
  mkfifo "$d/in"; exec 7<>"$d/in"
  "${asnobody[@]}" stdbuf -oL "$testpmd" --lcores "0@1,1@0" --main-lcore 0 --no-huge --no-pci -m 256 --file-prefix "ab-fe-$$" \
    --vdev "net_virtio_user0,path=$d/A,queues=1,queue_size=256,mac=02:00:00:00:00:01" \
    --vdev "net_virtio_user1,path=$d/B,queues=1,queue_size=256,mac=02:00:00:00:00:02" \
    -- -i --forward-mode=mac --eth-peer=0,02:00:00:00:00:02 --eth-peer=1,02:00:00:00:00:01 --nb-cores=1 \
    --total-num-mbufs=16384 --txpkts="$size" <&7 > "$d/fe.log" 2>&1 &
  fp=$!; pids+=("$fp")
  sleep 2; echo "start tx_first 16" >&7; sleep 1; echo "show port stats all" >&7; sleep 0.3
  c0=$(ticks "$bp"); t0=$(date +%s.%N)
  sleep "$secs"
  echo "show port stats all" >&7; c1=$(ticks "$bp"); t1=$(date +%s.%N); sleep 0.3
  echo stop >&7; echo quit >&7; wait "$fp" 2>/dev/null || true
  exec 7>&-
  kill "$bp" 2>/dev/null || true; wait "$bp" 2>/dev/null || true
  pps=$({ grep "Rx-pps" "$d/fe.log" || true; } | awk '{print $2}' | tail -2 | awk '{s += $1} END {print s + 0}')
  [ "$pps" != 0 ] || { echo "vhost-ab: no traffic measured with $b; the frontend said:" >&2; tail -5 "$d/fe.log" >&2; }
  awk -v p="$pps" -v d=$((c1 - c0)) -v hz="$hz" -v t0="$t0" -v t1="$t1" 'BEGIN {printf "%.3f %.3f\n", p / 1e6, d / hz / (t1 - t0)}'
  rm -rf "$d"
}

declare -A res
for r in $(seq 1 "$pairs"); do
  for b in "$@"; do
    measure "$b" > "$work/result"  # in this shell, so the cleanup knows its processes
    read -r mpps cores < "$work/result"
    percore=$(awk -v m="$mpps" -v c="$cores" 'BEGIN {if (c > 0.005) printf "%.3f", m / c; else print "n/a"}')
    echo "round $r: $b: $mpps Mpps at $cores cores = $percore Mpps per busy core"
    res[$b]+="$percore "
  done
done
for b in "$@"; do
  echo "$b: ${res[$b]}median $(echo "${res[$b]}" | tr ' ' '\n' | grep -E '^[0-9.]+$' | sort -g \
    | awk '{a[NR] = $1} END {if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}') Mpps per busy core"
done
