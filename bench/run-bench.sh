#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Netloom switch bench: the netloom switch, vde_switch (vde2), vdeplug4's switch:// and the
# kernel bridge, measured in ONE run on a namespace testbed, each with two endpoints attached
# the same way:
#   - TCP throughput (iperf3) between two namespaces whose interfaces are taps opened by the
#     switch (netloom --tap, vde_switch -t, vde_plug tap:// for vdeplug4) or veths on the
#     bridge (the kernel bridge cannot own taps);
#   - round-trip latency, paired: all four switches run at once between the same two
#     namespaces (one subnet each) and bench/rttprobe pings the four paths in turn, so every
#     path is measured under the same machine conditions (on a shared 2-core VM, averages of
#     separate runs move by tens of percent from one minute to the next);
#   - small-frame packets per second with loss: bench/pktgen blasts 60-byte frames into one
#     VDE port (a tap for the bridge) and counts what arrives on another, plus the switch
#     process's CPU time per frame;
#   - the cost of flooding with 64 ports: 62 extra ports drain, broadcast frames are sent.
# Then the vhost-user section (issue #12): dpdk-testpmd with two net_virtio_user frontends
# against (a) netloom's vhost-user ports (`netloomctl switch --vhost-user A --vhost-user B`,
# forwarding by MAC learning) and (b) DPDK's own vhost backend (testpmd net_vhost, io
# forwarding: the ceiling): 64- and 1518-byte Mpps per busy switch core, loss at 1 Mpps
# offered (bench/vhostpace, a paced DPDK source), the switch's CPU while idle. dpdk-testpmd
# (Debian dpdk-dev) is a bench-only prerequisite: without it that section prints
# "not measured: dpdk-testpmd missing" and the rest runs.
# Prints the tables with ratios (to vde_switch, to DPDK vhost) and writes them to FILE.
#
#   sudo bench/run-bench.sh [--quick] [--only vde|vhost] [--rtt-only] [--vhost-ab] [--vhost-ab-loss] [--out FILE]
# --rtt-only: only the paired RTT probe (RTT_ROUNDS rounds, default 500; 50 with --quick).
# --vhost-ab: only the vhost-user section's 64-byte loop, as an A/B: netloom (NETLOOMCTL),
# "netloom baseline" (NETLOOMCTL_BASELINE, when set) and DPDK's vhost backend take turns,
# BENCH_VHOST_ROUNDS times; every round's Mpps per busy backend core and the medians. Single
# rounds on a shared VM spread by x1.5 and more, so changes are told apart this way.
# --vhost-ab-loss: the same turns with the section's loss run instead (1 Mpps offered by
# bench/vhostpace, rings of BENCH_AB_RINGS entries, default "4096"; e.g. "1024 4096"): every
# round's loss, the backend's run-queue wait and how many times its threads were scheduled,
# and when in the interval the refused frames fell (clusters: where the backend stalled).
# Environment: NETLOOMCTL (default build/app/cli/netloomctl), BENCH_SECONDS (default 4),
# BENCH_VHOST_ROUNDS (default 5; 1 with --quick), DPDK_TESTPMD (default dpdk-testpmd);
# NETLOOMCTL_BASELINE: a second netloomctl (e.g. the build before a change) added to the
# paired RTT probe (and to --vhost-ab) as "netloom baseline", so before and after are
# measured in the same run.
# RTT_TRACE=1 (with --rtt-only): records the switch threads' system calls and wake-ups with
# perf during the probe and prints where each round trip's time goes (bench/rtt-phases.py).
# Everything runs inside namespaces named nlt-bench-*, which are removed at exit; the
# vhost-user sockets and DPDK's runtime files live in the run's temporary directory.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
quick=0
rtt_only=0
vhost_ab=0
out=""
only=""
usage() { echo "usage: $0 [--quick] [--only vde|vhost] [--rtt-only] [--vhost-ab] [--vhost-ab-loss] [--out FILE]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --rtt-only) rtt_only=1 ;;
    --vhost-ab) vhost_ab=1 ;;
    --vhost-ab-loss) vhost_ab=loss ;;
    --out) [ $# -ge 2 ] || usage; out=$2; shift ;;
    --only) [ $# -ge 2 ] || usage; only=$2; shift
            case "$only" in vde|vhost) ;; *) usage ;; esac ;;
    *) usage ;;
  esac
  shift
done
run_vde=1 run_vhost=1
[ "$only" = vde ] && run_vhost=0
[ "$only" = vhost ] && run_vde=0
[ "$vhost_ab" != 0 ] && run_vde=0
secs=${BENCH_SECONDS:-4}
flood_ports=64
if [ "$quick" = 1 ]; then secs=1; flood_ports=8; fi
netloomctl=${NETLOOMCTL:-$root/build/app/cli/netloomctl}

[ "$(id -u)" = 0 ] || { echo "SKIP: the bench needs root (network namespaces)" >&2; exit 77; }
needed="jq setpriv c++ ip"
[ "$run_vde" = 1 ] && needed="vde_switch vde_plug iperf3 busybox $needed"
for t in $needed; do
  command -v "$t" >/dev/null || { echo "SKIP: $t is not installed" >&2; exit 77; }
done
# The vhost-user section's own prerequisite: missing, only that section is skipped.
vhost_skip=""
testpmd=${DPDK_TESTPMD:-dpdk-testpmd}
if [ "$run_vhost" = 1 ]; then
  if ! command -v "$testpmd" >/dev/null; then
    vhost_skip="not measured: dpdk-testpmd missing (bench prerequisite: apt-get install dpdk-dev)"
  elif [ "$(nproc)" -lt 2 ]; then
    vhost_skip="not measured: needs 2 CPUs (the frontend and the backend each take one)"
  fi
fi
[ -x "$netloomctl" ] || { echo "SKIP: $netloomctl not built (set NETLOOMCTL)" >&2; exit 77; }

work=$(mktemp -d /tmp/netloom-bench.XXXXXX)
chmod 755 "$work"
tag="$$"
S=nlt-bench-s-$tag A=nlt-bench-a-$tag B=nlt-bench-b-$tag
pids=()

cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  sleep 0.2
  for n in "$S" "$A" "$B"; do
    if ip netns list | grep -q "^$n\b"; then
      for p in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
      ip netns del "$n" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
}
trap cleanup EXIT
# A signal ends the run (the EXIT trap cleans up); a bare cleanup would let it go on.
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$run_vde" = 1 ]; then
  c++ -O2 -o "$work/pktgen" "$here/pktgen.cpp" -lvdeplug -pthread
  c++ -O2 -o "$work/rttprobe" "$here/rttprobe.cpp"
fi
rtt_rounds=${RTT_ROUNDS:-500}
[ "$quick" = 1 ] && rtt_rounds=${RTT_ROUNDS:-50}
baseline=${NETLOOMCTL_BASELINE:-}
[ -z "$baseline" ] || [ -x "$baseline" ] || { echo "bench: NETLOOMCTL_BASELINE=$baseline is not executable" >&2; exit 2; }
if [ "${RTT_TRACE:-0}" = 1 ]; then
  command -v perf >/dev/null && command -v python3 >/dev/null || { echo "bench: RTT_TRACE=1 needs perf and python3" >&2; exit 2; }
fi

# Runs a command as nobody inside S. Used as "${asnobody[@]}" cmd & so that $! is the command
# itself (ip netns exec and setpriv exec it), never a subshell.
asnobody=(ip netns exec "$S" setpriv --reuid=65534 --regid=65534 --clear-groups --)
nobody() { "${asnobody[@]}" "$@"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

fresh_namespaces() {
  for n in "$S" "$A" "$B"; do
    ip netns del "$n" 2>/dev/null || true
    ip netns add "$n"
    ip -n "$n" link set lo up
  done
  for n in "$A" "$B"; do
    ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  done
  ip netns exec "$S" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  # max_dgram_qlen is per namespace; all switches get the same.
  ip netns exec "$S" sysctl -qw net.unix.max_dgram_qlen=512
}

taps_for_endpoints() {  # creates loomba/loombb in S owned by nobody
  for t in loomba loombb; do ip netns exec "$S" ip tuntap add dev $t mode tap user 65534; done
}

endpoints_up() {  # moves $1/$2 into A/B and addresses them
  ip -n "$S" link set "$1" netns "$A"
  ip -n "$S" link set "$2" netns "$B"
  ip -n "$A" addr add 10.88.0.1/24 dev "$1"; ip -n "$A" link set "$1" up
  ip -n "$B" addr add 10.88.0.2/24 dev "$2"; ip -n "$B" link set "$2" up
  for i in $(seq 1 50); do
    ip netns exec "$A" busybox ping -c 1 -W 1 10.88.0.2 >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "bench: endpoints cannot reach each other" >&2
  return 1
}

measure_ip() {  # prints "gbps retransmits"
  ip netns exec "$B" iperf3 -s -1 -D -I "$work/iperf.pid" >/dev/null 2>&1
  sleep 0.3
  ip netns exec "$A" iperf3 -c 10.88.0.2 -t "$secs" -J > "$work/iperf.json" 2>/dev/null || true
  local gbps rtx
  gbps=$(jq -r '(.end.sum_received.bits_per_second // 0) / 1e9' "$work/iperf.json")
  rtx=$(jq -r '.end.sum_sent.retransmits // 0' "$work/iperf.json")
  echo "$gbps $rtx"
}

measure_pps() {  # $1 tx url, $2 rx url, $3 switch pid (or ""), rest: extra pktgen args
  # prints "rx_pps loss cpu_us_per_input_frame tx_pps delivered_fraction"
  local tx=$1 rx=$2 pid=$3; shift 3
  local c0=0 c1=0 nsinks=0 a
  for a in "$@"; do [ "$a" = --sink ] && nsinks=$((nsinks + 1)); done
  [ -n "$pid" ] && c0=$(cpu_ticks "$pid")
  nobody "$work/pktgen" --tx "$tx" --rx "$rx" --seconds "$secs" "$@" > "$work/pg.json"
  [ -n "$pid" ] && c1=$(cpu_ticks "$pid")
  local sent rx_pps loss tx_pps delivered
  sent=$(jq -r .sent "$work/pg.json"); rx_pps=$(jq -r .rx_pps "$work/pg.json"); loss=$(jq -r .loss "$work/pg.json")
  tx_pps=$(jq -r .tx_pps "$work/pg.json")
  delivered=$(jq -r --argjson k "$nsinks" 'if .sent > 0 then (.received + .sink_received) / (.sent * ($k + 1)) else 0 end' "$work/pg.json")
  local us="n/a"
  if [ -n "$pid" ] && [ "$sent" -gt 0 ]; then
    us=$(awk -v t=$((c1 - c0)) -v hz="$hz" -v n="$sent" 'BEGIN {printf "%.2f", t / hz * 1e6 / n}')
  fi
  echo "$rx_pps $loss $us $tx_pps $delivered"
}

endpoint_cpu_of() {  # sender/receiver CPU us per frame of the last pktgen run
  jq -r '"\(.tx_cpu_us_per_frame)/\(.rx_cpu_us_per_frame)"' "$work/pg.json"
}

sinks() {  # $1: url prefix, $2: count
  local i
  for i in $(seq 1 "$2"); do echo "--sink"; echo "$1"; done
}

results=()
endpoint_cpu=()
record() { results+=("$1|$2|$3|$4|$5|$6|$7|$8|$9|${10}"); }

run_vde_like() {  # $1 name; switch started by $2 function; tap/VDE URLs
  local name=$1 start=$2
  fresh_namespaces
  taps_for_endpoints
  local dir=$work/${name// /_}
  mkdir -p "$dir"; chown 65534:65534 "$dir"
  $start "$dir/sw"
  endpoints_up loomba loombb
  read -r gbps rtx < <(measure_ip)
  read -r pps loss us _ _ < <(measure_pps "vde://$dir/sw" "vde://$dir/sw" "$swpid")
  endpoint_cpu+=("$name $(endpoint_cpu_of)")
  # shellcheck disable=SC2046
  read -r _ _ fus fin fdel < <(measure_pps "vde://$dir/sw" "vde://$dir/sw" "$swpid" --broadcast $(sinks "vde://$dir/sw" $((flood_ports - 2))))
  record "$name" "$gbps" "$rtx" "$(rtt_of "$name")" "$pps" "$loss" "$us" "$fin" "$fdel" "$fus"
  if [ "$name" = netloom ]; then
    # Address-event latency: DHCP ACKs sent into a VDE port vs. the event lines printed.
    nobody "$work/pktgen" --tx "vde://$dir/sw" --dhcp-acks 50 > "$work/acks.json"
    sleep 0.3
    event_latency=$(grep '^{' "$work/netloom.log" | jq -s -r --slurpfile sent "$work/acks.json" '
      [ .[] | select(.type? == "address" and .kind == "dhcp-ack") ] as $ev
      | [ $sent[] as $s | ($ev[] | select(.xid == $s.xid)) | (.printed_ns - $s.sent_ns) / 1e6 ] | sort
      | if length == 0 then "no events" else
          "\(length)/50 DHCP ACKs reported; sent -> event printed: median \(.[length / 2 | floor] * 1000 | round / 1000) ms, max \(.[-1] * 1000 | round / 1000) ms (target <= 10 ms)"
        end' 2>/dev/null || echo "n/a")
  fi
  kill "$swpid" 2>/dev/null || true
  for p in "${extra_pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  sleep 0.3
}

wait_sock() { for i in $(seq 1 50); do [ -S "$1/ctl" ] && return 0; sleep 0.1; done; echo "bench: no switch at $1" >&2; return 1; }

start_netloom() {
  "${asnobody[@]}" "$netloomctl" switch --json --sock "$1" --tap loomba --tap loombb > "$work/netloom.log" 2>&1 &
  swpid=$!; pids+=("$swpid"); extra_pids=()
  wait_sock "$1"  # $! is netloomctl itself: ip netns exec and setpriv exec it
}

start_vde_switch() {
  nobody vde_switch --sock "$1" --tap loomba --tap loombb --numports $((flood_ports + 8)) --daemon --pidfile "$1.pid" >/dev/null 2>&1
  wait_sock "$1"
  swpid=$(cat "$1.pid"); pids+=("$swpid"); extra_pids=()
}

start_vdeplug4() {
  "${asnobody[@]}" vde_plug null:// "switch://$1" >/dev/null 2>&1 &
  swpid=$!; pids+=("$swpid")
  wait_sock "$1"
  "${asnobody[@]}" vde_plug tap://loomba "vde://$1" >/dev/null 2>&1 & extra_pids=($!); pids+=($!)
  "${asnobody[@]}" vde_plug tap://loombb "vde://$1" >/dev/null 2>&1 & extra_pids+=($!); pids+=($!)
  sleep 0.3
}

run_bridge() {
  fresh_namespaces
  ip -n "$S" link add loombr type bridge
  ip -n "$S" link set loombr up
  ip -n "$S" link add loomva type veth peer name loomba netns "$A"
  ip -n "$S" link add loomvb type veth peer name loombb netns "$B"
  for v in loomva loomvb; do ip -n "$S" link set $v master loombr up; done
  ip -n "$A" addr add 10.88.0.1/24 dev loomba; ip -n "$A" link set loomba up
  ip -n "$B" addr add 10.88.0.2/24 dev loombb; ip -n "$B" link set loombb up
  sleep 1
  read -r gbps rtx < <(measure_ip)
  # Small frames and flooding through taps enslaved to the bridge (pktgen opens them).
  local i
  for i in $(seq 1 "$flood_ports"); do
    ip netns exec "$S" ip tuntap add dev loomp$i mode tap user 65534
    ip -n "$S" link set loomp$i master loombr up
  done
  read -r pps loss us _ _ < <(measure_pps "tap://loomp1" "tap://loomp2" "")
  endpoint_cpu+=("kernel bridge $(endpoint_cpu_of)")
  local s=()
  for i in $(seq 3 "$flood_ports"); do s+=(--sink "tap://loomp$i"); done
  read -r _ _ fus fin fdel < <(measure_pps "tap://loomp1" "tap://loomp2" "" --broadcast "${s[@]}")
  record "kernel bridge" "$gbps" "$rtx" "$(rtt_of "kernel bridge")" "$pps" "$loss" "n/a" "$fin" "$fdel" "n/a"
}

# Paired round-trip latency: the four switches side by side between A and B, path i on
# 10.88.i.0/24; rttprobe (in A) pings the four in turn, $rtt_rounds rounds 10 ms apart.
run_rtt_paired() {
  fresh_namespaces
  local t
  local paths="n v p k" targets=()
  [ -n "$baseline" ] && paths="n v p k x"
  for t in loomna loomnb loomva loomvb loompa loompb; do ip netns exec "$S" ip tuntap add dev $t mode tap user 65534; done
  local dir=$work/rtt
  mkdir -p "$dir"; chown 65534:65534 "$dir"
  "${asnobody[@]}" "$netloomctl" switch --sock "$dir/nl" --tap loomna --tap loomnb > "$work/rtt-netloom.log" 2>&1 &
  pids+=($!)
  local nlpid=$! blpid=""
  if [ -n "$baseline" ]; then  # path 5: the baseline build, attached like path 1
    for t in loomxa loomxb; do ip netns exec "$S" ip tuntap add dev $t mode tap user 65534; done
    "${asnobody[@]}" "$baseline" switch --sock "$dir/nx" --tap loomxa --tap loomxb > "$work/rtt-baseline.log" 2>&1 &
    pids+=($!)
    blpid=$!
    wait_sock "$dir/nx"
  fi
  nobody vde_switch --sock "$dir/vde" --tap loomva --tap loomvb --daemon --pidfile "$dir/vde.pid" >/dev/null 2>&1
  "${asnobody[@]}" vde_plug null:// "switch://$dir/v4" >/dev/null 2>&1 &
  pids+=($!)
  wait_sock "$dir/nl"; wait_sock "$dir/vde"; wait_sock "$dir/v4"
  pids+=("$(cat "$dir/vde.pid")")
  "${asnobody[@]}" vde_plug tap://loompa "vde://$dir/v4" >/dev/null 2>&1 & pids+=($!)
  "${asnobody[@]}" vde_plug tap://loompb "vde://$dir/v4" >/dev/null 2>&1 & pids+=($!)
  ip -n "$S" link add loombr type bridge
  ip -n "$S" link set loombr up
  ip -n "$S" link add loomka type veth peer name loomka netns "$A"
  ip -n "$S" link add loomkb type veth peer name loomkb netns "$B"
  for t in loomka loomkb; do ip -n "$S" link set $t master loombr up; done
  local i=1 p
  for p in $paths; do
    if [ $p != k ]; then ip -n "$S" link set loom${p}a netns "$A"; ip -n "$S" link set loom${p}b netns "$B"; fi
    ip -n "$A" addr add 10.88.$i.1/24 dev loom${p}a; ip -n "$A" link set loom${p}a up
    ip -n "$B" addr add 10.88.$i.2/24 dev loom${p}b; ip -n "$B" link set loom${p}b up
    i=$((i + 1))
  done
  for i in $(seq 1 $((i - 1))); do
    local ok=0
    for _ in $(seq 1 50); do
      if ip netns exec "$A" busybox ping -c 1 -W 1 10.88.$i.2 >/dev/null 2>&1; then ok=1; break; fi
      sleep 0.1
    done
    [ $ok = 1 ] || { echo "bench: paired RTT path $i does not answer" >&2; return 1; }
  done
  targets=(--target "netloom=10.88.1.2" --target "vde_switch=10.88.2.2" --target "vdeplug4 switch=10.88.3.2"
           --target "kernel bridge=10.88.4.2")
  [ -n "$baseline" ] && targets+=(--target "netloom baseline=10.88.5.2")
  local perfpid="" threads=()
  if [ "${RTT_TRACE:-0}" = 1 ]; then
    # Threads of netloom (the switch thread is one of them), the baseline and vde_switch.
    threads=("netloom=$(ls /proc/$nlpid/task | paste -sd,)" "vde_switch=$(cat "$dir/vde.pid")")
    [ -n "$blpid" ] && threads+=("netloom baseline=$(ls /proc/$blpid/task | paste -sd,)")
    local all cf wf
    all=$(printf '%s\n' "${threads[@]}" | sed 's/.*=//' | tr ',' '\n')
    cf=$(for t in $all; do printf 'common_pid == %s || ' "$t"; done); cf=${cf% || }
    wf=$(for t in $all; do printf 'pid == %s || ' "$t"; done); wf=${wf% || }
    perf record -q -a -o "$work/rtt.perf" -e raw_syscalls:sys_enter --filter "$cf" -e raw_syscalls:sys_exit --filter "$cf" \
      -e sched:sched_waking --filter "$wf" -e sched:sched_switch >/dev/null 2>&1 &
    perfpid=$!
    pids+=("$perfpid")
    sleep 1
  fi
  ip netns exec "$A" "$work/rttprobe" "${targets[@]}" --count "$rtt_rounds" --interval-ms 10 > "$work/rtt.json"
  if [ -n "$perfpid" ]; then
    kill -INT "$perfpid"; wait "$perfpid" || true
    perf script -i "$work/rtt.perf" --ns -F comm,tid,cpu,time,event,trace > "$work/rtt.trace" 2>/dev/null
    python3 "$here/rtt-phases.py" "$work/rtt.trace" "${threads[@]}" > "$work/rtt-phases.txt"
  fi
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  pids=()
  sleep 0.3
}
rtt_of() {  # "p50/mean" in ms of the paired probe for switch $1
  jq -r --arg n "$1" 'select(.name == $n) | "\(.p50_ms * 1000 | round / 1000)/\(.mean_ms * 1000 | round / 1000)"' "$work/rtt.json"
}

# ------------------------------------------------------------------------------------------
# vhost-user section (issue #12). One dpdk-testpmd process is the frontend: two
# net_virtio_user ports (no hugepages), forward mode mac, port i sending to the other port's
# MAC, so what leaves port 0 must come back on port 1 through the backend and vice versa;
# `start tx_first N` puts N bursts of 32 frames in flight on each port and the loop runs as
# fast as the backend and the frontend allow. The backend is (a) netloom
# (`netloomctl switch --vhost-user A --vhost-user B`, MAC learning) or (b) a second testpmd
# with DPDK's vhost PMD (`net_vhost0/1`, forward mode io): the ceiling. "Mpps" is what the
# frontend received on both ports per second (testpmd's Rx-pps between two `show port stats`),
# i.e. frames forwarded by the backend; "cores" is the backend process's user+system CPU
# (/proc/PID/stat) over the same interval; per busy core = Mpps / cores. The loss figure comes
# from bench/vhostpace (testpmd 22.11 cannot pace a virtio port): 1 Mpps offered from port 0
# to port 1 after a 0.5 s warm-up at that rate, loss = 1 - received/offered.
# Ring sizes are set with the virtio-user `queue_size` devarg (testpmd's --rxd/--txd cannot
# make a virtio-user ring larger than it): 256 entries for the throughput runs (what QEMU
# gives a virtio-net NIC by default), 1024 for the loss runs (the most QEMU allows a
# vhost-user NIC: 1 ms of frames at 1 Mpps) and again 4096 (4 ms), which tells the switch's
# own loss apart from the few-ms stalls this VM's kernel threads cause on a busy CPU.
vq_tput=256
vq_loss=(1024 4096)
# Placement on the shared cores, per process (nothing system-wide is changed): EAL pins its
# lcores, taskset pins the netloom switch. Frontend forwarding lcore on $vc0, its main lcore
# (the command line, asleep) on $vc1; DPDK backend forwarding lcore on $vc1, main lcore on
# $vc0; vhostpace on $vc0; the netloom switch on $vc1 like the DPDK backend's forwarding lcore.
vhost_rounds=${BENCH_VHOST_ROUNDS:-5}
[ "$quick" = 1 ] && vhost_rounds=${BENCH_VHOST_ROUNDS:-1}
vhost_inflight=16                            # bursts of 32 per frontend port
vmac0=02:00:00:00:00:01 vmac1=02:00:00:00:00:02
vdir=$work/vhost
declare -A tp_fd tp_pid vres                 # testpmd stdin fds and pids; figures per round
vhost_errors=()
vhost_counters=""
pace_built=0

# The first two CPUs this process may run on.
mapfile -t vcpus < <(awk '/Cpus_allowed_list/ {print $2}' /proc/self/status | tr ',' '\n' \
                     | awk -F- '{ if (NF == 2) for (i = $1; i <= $2; i++) print i; else print $1 }')
vc0=${vcpus[0]:-0} vc1=${vcpus[1]:-1}
# DPDK processes run as nobody in S; their runtime files (sockets, lock files) go to $work.
asdpdk=("${asnobody[@]}" env "XDG_RUNTIME_DIR=$work/dpdk-run")

prompts_of() { { grep -ao 'testpmd> ' "$work/$1.log" 2>/dev/null || true; } | wc -l; }
vb_ticks() { cpu_ticks "$vb_pid" 2>/dev/null || echo 0; }  # the backend's CPU ticks (0 once gone)

# Starts testpmd $1 (interactive, stdin a fifo this shell keeps open) with arguments $2...,
# waits for its first prompt (ports configured, links checked). Returns 1 if it died.
tpmd_start() {
  local name=$1 fd i; shift
  rm -f "$work/$name.in"; mkfifo "$work/$name.in"
  exec {fd}<>"$work/$name.in"
  tp_fd[$name]=$fd
  # Line-buffered: the statistics must be in the log when the next prompt is.
  "${asdpdk[@]}" stdbuf -oL "$testpmd" "$@" <&"$fd" > "$work/$name.log" 2>&1 &
  tp_pid[$name]=$!; pids+=($!)
  for i in $(seq 1 200); do
    [ "$(prompts_of "$name")" -ge 1 ] && return 0
    kill -0 "${tp_pid[$name]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench: testpmd $name did not start:" >&2; tail -5 "$work/$name.log" >&2
  return 1
}

# Sends command $2 to testpmd $1 and waits (<= 10 s) for the prompt after its output.
tpmd_cmd() {
  local name=$1 before i
  before=$(prompts_of "$name")
  echo "$2" 1>&"${tp_fd[$name]}"
  for i in $(seq 1 1000); do
    [ "$(prompts_of "$name")" -gt "$before" ] && return 0
    kill -0 "${tp_pid[$name]}" 2>/dev/null || break
    sleep 0.01
  done
  echo "bench: testpmd $name did not answer '$2'" >&2
  return 1
}

# Quits testpmd $1 (SIGTERM after 10 s) and closes its fifo.
tpmd_quit() {
  local name=$1 pid=${tp_pid[$1]} fd=${tp_fd[$1]} i
  echo quit 1>&"$fd" 2>/dev/null || true
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill "$pid" 2>/dev/null || true
  exec {fd}>&-
  rm -f "$work/$name.in"
}

# Sum of the Rx-pps testpmd $1 printed for its two ports in the last `show port stats all`.
rx_pps_of() { { grep -a 'Rx-pps:' "$work/$1.log" || true; } | tail -2 | awk '{s += $2} END {print s + 0}'; }

# Starts backend $1 (netloom|dpdk) serving $vdir/A and $vdir/B; sets vb_pid.
start_vhost_backend() {
  rm -rf "$vdir"; mkdir -p "$vdir" "$work/dpdk-run"; chown 65534:65534 "$vdir" "$work/dpdk-run"
  if [ "$1" = netloom ]; then
    # Pinned to the core the DPDK backend's forwarding lcore gets, so both backends meet the
    # frontends on the same terms (taskset execs the switch: $! stays its pid).
    "${asnobody[@]}" taskset -c "$vc1" "$netloomctl" switch --json --sock "$vdir/vde" --vhost-user "$vdir/A" --vhost-user "$vdir/B" \
      > "$work/vhost-netloom.log" 2>&1 &
    vb_pid=$!; pids+=($!)
  else
    tpmd_start be --lcores "0@$vc0,1@$vc1" --main-lcore 0 --no-huge --no-pci -m 256 --file-prefix "nlb-be-$tag" \
      --vdev "net_vhost0,iface=$vdir/A,queues=1" --vdev "net_vhost1,iface=$vdir/B,queues=1" \
      -- -i -a --forward-mode=io --nb-cores=1 --total-num-mbufs=16384 --rxd=1024 --txd=1024 || return 1
    vb_pid=${tp_pid[be]}
  fi
  local i
  for i in $(seq 1 100); do [ -S "$vdir/A" ] && [ -S "$vdir/B" ] && return 0; sleep 0.1; done
  echo "bench: the $1 vhost-user backend did not create its sockets" >&2
  return 1
}

stop_vhost_backend() {  # $1 netloom|dpdk
  if [ "$1" = netloom ]; then kill "$vb_pid" 2>/dev/null || true; else tpmd_quit be; fi
  sleep 0.3
}

# netloom must still be running, with no port lost for a reason other than a frontend
# leaving. Records an error (with the switch's log) otherwise.
check_netloom() {  # $1: what was running
  local bad
  bad=$(grep '"port-removed"' "$work/vhost-netloom.log" | grep -v 'the frontend closed the connection' || true)
  if ! kill -0 "$vb_pid" 2>/dev/null || [ -n "$bad" ]; then
    vhost_errors+=("netloom vhost-user: after $1 the switch $(kill -0 "$vb_pid" 2>/dev/null && echo 'lost a port' || echo 'exited'); its log: $(grep -v '"type":"address"' "$work/vhost-netloom.log" | tail -5 | tr '\n' ' ')")
    return 1
  fi
}

# Throughput of backend $1 for $2-byte frames (no FCS); with $3 = idle also the backend's CPU
# while the frontends stay connected and stop sending. Appends to vres[$1,...].
vhost_throughput() {
  local b=$1 size=$2 c0 c1 t0 t1 pps cores
  kill -0 "$vb_pid" 2>/dev/null || return 0  # the backend is gone (reported already)
  tpmd_start fe --lcores "0@$vc1,1@$vc0" --main-lcore 0 --no-huge --no-pci -m 256 --file-prefix "nlb-fe-$tag" \
    --vdev "net_virtio_user0,path=$vdir/A,queues=1,queue_size=$vq_tput,mac=$vmac0" \
    --vdev "net_virtio_user1,path=$vdir/B,queues=1,queue_size=$vq_tput,mac=$vmac1" \
    -- -i --forward-mode=mac --eth-peer=0,$vmac1 --eth-peer=1,$vmac0 --nb-cores=1 --total-num-mbufs=16384 \
    --rxd=1024 --txd=1024 --txpkts="$size" || { vhost_errors+=("$b: the frontend did not start ($size bytes)"); return 0; }
  tpmd_cmd fe "start tx_first $vhost_inflight" && sleep 1 && tpmd_cmd fe "show port stats all" || true
  c0=$(vb_ticks); t0=$(date +%s.%N)
  sleep "$secs"
  tpmd_cmd fe "show port stats all" || true
  c1=$(vb_ticks); t1=$(date +%s.%N)
  pps=$(rx_pps_of fe)
  cores=$(awk -v d=$((c1 - c0)) -v hz="$hz" -v t0="$t0" -v t1="$t1" 'BEGIN {printf "%.3f", d / hz / (t1 - t0)}')
  if kill -0 "$vb_pid" 2>/dev/null; then  # figures of a backend that died meanwhile mean nothing
    vres[$b,mpps$size]+="$(awk -v p="$pps" 'BEGIN {printf "%.3f", p / 1e6}') "
    vres[$b,cores$size]+="$cores "
    vres[$b,percore$size]+="$(awk -v p="$pps" -v c="$cores" 'BEGIN {if (c > 0.005) printf "%.3f", p / 1e6 / c; else print "n/a"}') "
  fi
  if [ "$b" = netloom ] && [ -z "$vhost_counters" ]; then
    kill -USR1 "$vb_pid" 2>/dev/null || true; sleep 0.3
    vhost_counters=$(grep '"type":"counters"' "$work/vhost-netloom.log" | tail -1 | jq -r '"mac entries \(.mac_entries); " +
      ([.ports[] | "port \(.port): rx \(.rx_frames) tx \(.tx_frames) frames, drops rx \(.rx_drops) tx \(.tx_drops), broadcast tx \(.tx_broadcast)"] | join("; "))' 2>/dev/null || echo n/a)
  fi
  tpmd_cmd fe stop || true
  if [ "${3:-}" = idle ]; then
    sleep 1
    c0=$(vb_ticks); t0=$(date +%s.%N)
    sleep "$secs"
    c1=$(vb_ticks); t1=$(date +%s.%N)
    if kill -0 "$vb_pid" 2>/dev/null; then
      vres[$b,idle]+="$(awk -v d=$((c1 - c0)) -v hz="$hz" -v t0="$t0" -v t1="$t1" 'BEGIN {printf "%.2f", 100 * d / hz / (t1 - t0)}') "
    fi
  fi
  tpmd_quit fe
  if [ "$b" = netloom ]; then check_netloom "the ${size}-byte throughput run" || true; fi
  return 0
}

# Loss of backend $1 at 1 Mpps of 60-byte frames offered by vhostpace (port 0 -> port 1), with
# rings of $2 entries. Appends to vres[$1,loss$2] and the details beside it.
vhost_loss() {
  local b=$1 q=$2
  [ "$pace_built" = 1 ] || return 0
  kill -0 "$vb_pid" 2>/dev/null || return 0  # the backend is gone (reported already)
  if ! "${asdpdk[@]}" "$work/vhostpace" --lcores "0@$vc0" --no-huge --no-pci -m 128 --file-prefix "nlb-pace-$tag" \
      --vdev "net_virtio_user0,path=$vdir/A,queues=1,queue_size=$q,mac=$vmac0" \
      --vdev "net_virtio_user1,path=$vdir/B,queues=1,queue_size=$q,mac=$vmac1" \
      -- --pps 1e6 --seconds "$secs" --size 60 --ring "$q" --cpu-of "$vb_pid" > "$work/pace.json" 2> "$work/pace.log"; then
    vhost_errors+=("$b: vhostpace failed (rings of $q): $(tail -2 "$work/pace.log" | tr '\n' ' ')")
    return 0
  fi
  # One reading of vhostpace's line: the loss, its details and the backend's figures.
  local loss late detail slices bursts cpu
  IFS='|' read -r loss late detail slices bursts cpu < <(jq -r '[(.loss * 100),
      .late_max_us, "\(.offered)/\(.skipped)/\(.ring_full)/\(.sent - .received)/\(.warmup_refused)/\(.backend_wait_ms)",
      .backend_slices, (.refusal_bursts | map("\(.[0])-\(.[1]) ms: \(.[2])") | join(", ")),
      (if .backend_cpu < 0 then "n/a" else (.backend_cpu * 1000 | round / 10) end)] | map(tostring) | join("|")' "$work/pace.json")
  vres[$b,loss$q]+="$(awk -v l="$loss" 'BEGIN {printf "%.3f", l}') "
  vres[$b,late$q]+="$late "
  vres[$b,pacedetail$q]+="$detail "
  vres[$b,slices$q]+="$slices "
  vres[$b,bursts$q]+="[$bursts] "
  vres[$b,pacecpu$q]+="$cpu "
  if [ "$b" = netloom ]; then check_netloom "the 1 Mpps loss run (rings of $q)" || true; fi
  return 0
}

# This VM's own stalls, once per round: bench/stallprobe on both CPUs at once (both busy, as in
# the loss runs), each counting the gaps in its own execution. Appends to vres[stall,CPU].
vhost_stalls() {
  [ -x "$work/stallprobe" ] || return 0
  taskset -c "$vc0" "$work/stallprobe" "$secs" > "$work/stall0.json" &
  local p0=$!
  taskset -c "$vc1" "$work/stallprobe" "$secs" > "$work/stall1.json" || true
  wait "$p0" || true
  local c
  for c in 0 1; do
    vres[stall,$c]+="$(jq -r '"\(.gaps_over_1ms)/\(.gaps_over_4ms)/\(.max_gap_us / 1000 * 10 | round / 10)/\(.lost_ms)"' "$work/stall$c.json" 2>/dev/null || echo n/a) "
  done
}

# The section's own probes: bench/stallprobe, and bench/vhostpace when DPDK's headers are there.
build_vhost_probes() {
  c++ -O2 -o "$work/stallprobe" "$here/stallprobe.cpp" || true
  if pkg-config --exists libdpdk; then
    # shellcheck disable=SC2046  # pkg-config prints several words
    c++ -O2 $(pkg-config --cflags libdpdk) -o "$work/vhostpace" "$here/vhostpace.cpp" $(pkg-config --libs libdpdk) && pace_built=1
  fi
}

run_vhost_section() {
  fresh_namespaces
  build_vhost_probes
  local r b order q
  for r in $(seq 1 "$vhost_rounds"); do
    # Alternate which backend goes first, so neither always meets the same machine state.
    order="netloom dpdk"; [ $((r % 2)) = 0 ] && order="dpdk netloom"
    vhost_stalls
    for b in $order; do
      start_vhost_backend "$b" || { vhost_errors+=("$b: the backend did not start (round $r)"); continue; }
      vhost_throughput "$b" 60 "$([ "$r" = 1 ] && [ "$b" = netloom ] && echo idle)"
      vhost_throughput "$b" 1514
      for q in "${vq_loss[@]}"; do vhost_loss "$b" "$q"; done
      stop_vhost_backend "$b"
    done
  done
}

median() { tr ' ' '\n' | { grep -E '^[0-9.]+$' || true; } | sort -g | awk '{a[NR] = $1} END {if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
vmed() { echo "${vres[$1]:-}" | median; }
vmed_pct() { local m; m=$(vmed "$1"); if [ "$m" = n/a ]; then echo n/a; else awk -v l="$m" 'BEGIN {printf "%.3f%%", l}'; fi; }

print_vhost_section() {
  echo "### vhost-user ports (issue #12)"
  echo
  if [ -n "$vhost_skip" ]; then
    echo "vhost-user section: $vhost_skip"
    echo
    return 0
  fi
  local b name
  echo "| vhost-user backend | 64-byte Mpps | backend CPU, cores | 64-byte Mpps per busy core | 1518-byte Mpps | 1518-byte Gbit/s | 1518-byte Mpps per busy core | loss at 1 Mpps offered, ${vq_loss[0]}-entry rings | the same, ${vq_loss[1]}-entry rings | backend CPU at 1 Mpps | CPU idle, frontends connected |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for b in netloom dpdk; do
    name="netloom vhost-user"; [ $b = dpdk ] && name="DPDK vhost (testpmd net_vhost, io)"
    local loss loss2 pacecpu idle
    loss=$(vmed_pct "$b,loss${vq_loss[0]}"); loss2=$(vmed_pct "$b,loss${vq_loss[1]}")
    [ "$pace_built" = 1 ] || loss="not measured: libdpdk (dpdk-dev) missing" loss2=$loss
    pacecpu=$(vmed "$b,pacecpu${vq_loss[0]}"); [ "$pacecpu" != n/a ] && pacecpu="$pacecpu%"
    idle=$(vmed "$b,idle"); [ "$idle" != n/a ] && idle="$idle%"
    [ $b = dpdk ] && idle="n/a (polls: 100%)"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$(vmed "$b,mpps60")" "$(vmed "$b,cores60")" \
      "$(vmed "$b,percore60")" "$(vmed "$b,mpps1514")" \
      "$(awk -v m="$(vmed "$b,mpps1514")" 'BEGIN {if (m + 0 > 0) printf "%.2f", m * 1514 * 8 / 1000; else print "n/a"}')" \
      "$(vmed "$b,percore1514")" "$loss" "$loss2" "$pacecpu" "$idle"
  done
  echo
  local npc dpc nm dm
  npc=$(vmed netloom,percore60); dpc=$(vmed dpdk,percore60); nm=$(vmed netloom,mpps60); dm=$(vmed dpdk,mpps60)
  awk -v npc="$npc" -v dpc="$dpc" -v nm="$nm" -v dm="$dm" 'BEGIN {
    printf "netloom vhost-user: %s Mpps of 64-byte frames per busy switch core (target >= 5); / DPDK vhost per busy core x%.2f (target >= 0.5); forwarded Mpps x%.2f\n",
      npc, (dpc > 0 ? npc / dpc : 0), (dm > 0 ? nm / dm : 0) }'
  if [ "$run_vde" = 1 ]; then
    local np nu vp vu
    IFS='|' read -r _ _ _ _ np _ nu _ _ _ <<<"${results[0]}"
    IFS='|' read -r _ _ _ _ vp _ vu _ _ _ <<<"${results[1]}"
    awk -v npc="$npc" -v nm="$nm" -v np="$np" -v nu="$nu" -v vp="$vp" -v vu="$vu" 'BEGIN {
      printf "netloom vhost-user vs the VDE section (60-byte = 64-byte frames), per busy switch core (VDE: 1 / CPU us per frame = %.2f and %.2f Mpps): / netloom VDE x%.1f (target >= 6), / vde_switch x%.1f (target >= 10); forwarded frames/s: / netloom VDE x%.1f, / vde_switch x%.1f\n",
        (nu > 0 ? 1 / nu : 0), (vu > 0 ? 1 / vu : 0), npc * nu, npc * vu, (np > 0 ? nm * 1e6 / np : 0), (vp > 0 ? nm * 1e6 / vp : 0) }'
  else
    echo "netloom vhost-user vs the VDE path and vde_switch: not measured in this run (--only vhost)"
  fi
  echo "rounds ($vhost_rounds, ${secs}s each, medians above; 64-byte Mpps @ cores, 1518-byte Mpps @ cores, loss % at 1 Mpps with ${vq_loss[0]}/${vq_loss[1]}-entry rings):"
  for b in netloom dpdk; do
    local -a m64 c64 m15 c15 ls ls2
    read -r -a m64 <<<"${vres[$b,mpps60]:-}"; read -r -a c64 <<<"${vres[$b,cores60]:-}"
    read -r -a m15 <<<"${vres[$b,mpps1514]:-}"; read -r -a c15 <<<"${vres[$b,cores1514]:-}"
    read -r -a ls <<<"${vres[$b,loss${vq_loss[0]}]:-}"; read -r -a ls2 <<<"${vres[$b,loss${vq_loss[1]}]:-}"
    local i line="  $b:"
    for i in "${!m64[@]}"; do
      line+=" ${m64[$i]}@${c64[$i]:-?}, ${m15[$i]:-?}@${c15[$i]:-?}, ${ls[$i]:-n/a}%/${ls2[$i]:-n/a}%;"
    done
    echo "$line"
  done
  for q in "${vq_loss[@]}"; do
    echo "vhostpace at 1 Mpps, $q-entry rings, per round offered/skipped (the pacer was late by more than a ring)/refused by the full TX ring/lost after it/refused in the 0.5 s warm-up (not counted)/ms the backend waited for its CPU (runnable, other tasks running): netloom ${vres[netloom,pacedetail$q]:-n/a}; dpdk ${vres[dpdk,pacedetail$q]:-n/a}; the sender's worst lateness behind its clock, us (large = the pacer itself was descheduled): netloom ${vres[netloom,late$q]:-n/a}; dpdk ${vres[dpdk,late$q]:-n/a}"
  done
  echo "this machine's stalls, both CPUs busy (bench/stallprobe, ${secs}s per round, no backend running): per round gaps over 1 ms/over 4 ms/longest ms/ms lost in gaps over 0.1 ms: CPU $vc1 (the backends' CPU) ${vres[stall,1]:-n/a}; CPU $vc0 (the frontend's and vhostpace's) ${vres[stall,0]:-n/a}"
  local busy
  busy=$(echo "${vres[dpdk,cores60]:-}" | tr ' ' '\n' | awk '$1 != "" && $1 < 0.9 {n++} END {print n + 0}')
  if [ "$busy" -gt 0 ]; then
    echo "WARNING: in $busy of $vhost_rounds rounds the DPDK backend's polling lcore got less than 0.9 of a core: other processes took the CPUs, and those rounds measure the machine's load more than the backends"
  fi
  echo "netloom counters after the first 64-byte run (MAC learning): ${vhost_counters:-n/a}"
  echo "placement: frontend testpmd forwarding lcore on CPU $vc0 (main lcore on $vc1), DPDK backend forwarding lcore on CPU $vc1 (main on $vc0), vhostpace on CPU $vc0, netloom switch pinned to CPU $vc1 (taskset); frontend and backend share the machine's $(nproc) cores with everything else"
  echo "idle: netloom's CPU with both frontends connected and not sending, over ${secs}s after the 64-byte run (8 connected idle QEMU guests: bench/vhost-idle.sh, target <= 1%)"
  if [ "${#vhost_errors[@]}" -gt 0 ]; then
    echo
    printf 'ERROR: %s\n' "${vhost_errors[@]}"
  fi
  echo
}

run_vde_section() {
  run_rtt_paired
  run_vde_like "netloom" start_netloom
  run_vde_like "vde_switch" start_vde_switch
  run_vde_like "vdeplug4 switch" start_vdeplug4
  run_bridge

  # Every figure must be there: a missing one (a tool that printed nothing) fails the run
  # rather than printing a table with holes.
  missing=0
  for r in "${results[@]}"; do
    IFS='|' read -r n g _ t p _ _ _ _ _ <<<"$r"
    for v in "$g" "$p" "${t%/*}" "${t#*/}"; do
      if ! [[ "$v" =~ ^[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?$ ]]; then
        echo "bench: $n: missing or non-numeric figure in '$r'" >&2
        missing=1
      fi
    done
  done
  [ "$missing" = 0 ] || exit 1
}

print_vde_section() {
  echo "| switch | TCP Gbit/s | TCP retransmits | RTT ms p50/mean (paired) | 60-byte pps | loss | CPU us/frame | flood: frames in/s ($flood_ports ports) | flood: delivered | flood: CPU us/frame in |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for r in "${results[@]}"; do
    IFS='|' read -r n g x t p l u f fd fu <<<"$r"
    printf '| %s | %.2f | %s | %s | %.0f | %.1f%% | %s | %.0f | %.0f%% | %s |\n' "$n" "$g" "$x" "$t" "$p" \
      "$(awk -v l="$l" 'BEGIN{print l*100}')" "$u" "$f" "$(awk -v d="$fd" 'BEGIN{print d*100}')" "$fu"
  done
  echo
  IFS='|' read -r _ ng _ nt np _ nu nf nd _ <<<"${results[0]}"
  IFS='|' read -r _ vg _ vt vp _ vu vf vd _ <<<"${results[1]}"
  awk -v ng="$ng" -v vg="$vg" -v nt="$nt" -v vt="$vt" -v np="$np" -v vp="$vp" -v nf="$nf" -v vf="$vf" -v nd="$nd" -v vd="$vd" \
      -v nu="$nu" -v vu="$vu" 'BEGIN {
    split(nt, a, "/"); split(vt, b, "/")
    printf "netloom / vde_switch: TCP throughput x%.2f (target >= 1.5), 60-byte pps x%.2f (target >= 2; switch CPU per frame x%.2f less), RTT p50 x%.2f, mean x%.2f (target <= 1), flood deliveries/s x%.2f\n",
      (vg > 0 ? ng / vg : 0), (vp > 0 ? np / vp : 0), (nu > 0 ? vu / nu : 0), (b[1] > 0 ? a[1] / b[1] : 0), (b[2] > 0 ? a[2] / b[2] : 0),
      (vf * vd > 0 ? nf * nd / (vf * vd) : 0) }'
  echo "paired RTT, $rtt_rounds rounds (ms): $(jq -r -s 'map("\(.name) min \(.min_ms) p50 \(.p50_ms) p90 \(.p90_ms) p99 \(.p99_ms) mean \(.mean_ms) (\(.received)/\(.sent))") | join("; ")' "$work/rtt.json")"
  echo "pktgen endpoints, us of CPU per frame sender/receiver in the 60-byte run: $(printf '%s; ' "${endpoint_cpu[@]}")"
  echo "netloom address events: ${event_latency:-n/a}"
  echo
}

if [ "$rtt_only" = 1 ]; then
  run_rtt_paired
  {
    rtt_ratio() {  # $1 name: "p50 xA, mean xB" against vde_switch
      jq -r -s --arg n "$1" '(map(select(.name == "vde_switch"))[0]) as $v | map(select(.name == $n))[0]
        | "\($n) / vde_switch: RTT p50 x\(.p50_ms / $v.p50_ms * 100 | round / 100), mean x\(.mean_ms / $v.mean_ms * 100 | round / 100)"' "$work/rtt.json"
    }
    rtt_ratio netloom
    [ -n "$baseline" ] && rtt_ratio "netloom baseline"
    echo "paired RTT, $rtt_rounds rounds (ms): $(jq -r -s 'map("\(.name) min \(.min_ms) p50 \(.p50_ms) p90 \(.p90_ms) p99 \(.p99_ms) mean \(.mean_ms) (\(.received)/\(.sent))") | join("; ")' "$work/rtt.json")"
    [ -f "$work/rtt-phases.txt" ] && cat "$work/rtt-phases.txt"
    echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), kernel $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ)"
  } | tee "${out:-/dev/null}"
  exit 0
fi
if [ "$vhost_ab" != 0 ]; then
  [ -z "$vhost_skip" ] || { echo "SKIP: vhost-user A/B $vhost_skip" >&2; exit 77; }
  fresh_namespaces
  read -r -a ab_rings <<<"${BENCH_AB_RINGS:-4096}"
  if [ "$vhost_ab" = loss ]; then
    build_vhost_probes
    [ "$pace_built" = 1 ] || { echo "SKIP: vhost-user loss A/B: bench/vhostpace did not build (DPDK headers?)" >&2; exit 77; }
  fi
  ab=(netloom); [ -n "$baseline" ] && ab+=(baseline); ab+=(dpdk)
  for r in $(seq 1 "$vhost_rounds"); do
    for b in "${ab[@]}"; do
      kind=netloom bin=$netloomctl
      [ "$b" = dpdk ] && kind=dpdk
      [ "$b" = baseline ] && bin=$baseline
      netloomctl=$bin start_vhost_backend "$kind" || { vhost_errors+=("$b: the backend did not start (round $r)"); continue; }
      if [ "$vhost_ab" = loss ]; then
        for q in "${ab_rings[@]}"; do vhost_loss "$b" "$q"; done
      else
        vhost_throughput "$b" 60
      fi
      stop_vhost_backend "$kind"
    done
  done
  {
    if [ "$vhost_ab" = loss ]; then
      echo "vhost-user loss A/B, 1 Mpps of 60-byte frames offered (bench/vhostpace), $vhost_rounds rounds of ${secs}s taken in turn; per ring size: loss % every round and the median; offered/skipped/refused by the full TX ring/lost after it/refused in the warm-up/ms the backend waited for its CPU; times its threads were scheduled:"
    else
      echo "vhost-user A/B, 64-byte frames, $vhost_rounds rounds of ${secs}s taken in turn; Mpps per busy backend core, every round and the median:"
    fi
    for b in "${ab[@]}"; do
      case $b in
        netloom) name="netloom ($netloomctl)" ;;
        baseline) name="netloom baseline ($baseline)" ;;
        *) name="DPDK vhost (testpmd net_vhost, io)" ;;
      esac
      if [ "$vhost_ab" = loss ]; then
        for q in "${ab_rings[@]}"; do
          echo "  $name, rings of $q: ${vres[$b,loss$q]:-n/a}-> median $(vmed "$b,loss$q"); ${vres[$b,pacedetail$q]:-n/a}; ${vres[$b,slices$q]:-n/a}"
          echo "    refused frames per round, clustered (ms into the counted interval: frames): ${vres[$b,bursts$q]:-n/a}"
        done
      else
        echo "  $name: ${vres[$b,percore60]:-n/a}-> median $(vmed "$b,percore60")"
      fi
    done
    [ "${#vhost_errors[@]}" = 0 ] || printf 'ERROR: %s\n' "${vhost_errors[@]}"
    echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), kernel $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ)"
  } | tee "${out:-/dev/null}"
  [ "${#vhost_errors[@]}" = 0 ] || exit 1
  exit 0
fi
if [ "$run_vde" = 1 ]; then run_vde_section; fi
if [ "$run_vhost" = 1 ] && [ -z "$vhost_skip" ]; then run_vhost_section; fi

{
  if [ "$run_vde" = 1 ]; then print_vde_section; fi
  if [ "$run_vhost" = 1 ]; then print_vhost_section; fi
  echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(awk '/model name/ {sub(/.*: /, ""); print; exit}' /proc/cpuinfo), kernel $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ); ${secs}s per measurement"
} | tee "${out:-/dev/null}"
[ "${#vhost_errors[@]}" = 0 ] || exit 1
