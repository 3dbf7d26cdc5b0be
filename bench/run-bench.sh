#!/bin/bash
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
# Prints a table with ratios to vde_switch and writes it to $BENCH_OUT (default: stdout only).
#
#   sudo bench/run-bench.sh [--quick] [--rtt-only] [--out FILE]
# --rtt-only: only the paired RTT probe (RTT_ROUNDS rounds, default 500; 50 with --quick).
# Environment: NETLOOMCTL (default build/app/cli/netloomctl), BENCH_SECONDS (default 4);
# NETLOOMCTL_BASELINE: a second netloomctl (e.g. the build before a change) added to the
# paired RTT probe as "netloom baseline", so before and after are measured in the same run.
# RTT_TRACE=1 (with --rtt-only): records the switch threads' system calls and wake-ups with
# perf during the probe and prints where each round trip's time goes (bench/rtt-phases.py).
# Everything runs inside namespaces named nlt-bench-*, which are removed at exit.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
quick=0
rtt_only=0
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --rtt-only) rtt_only=1 ;;
    --out) out=$2; shift ;;
    *) echo "usage: $0 [--quick] [--rtt-only] [--out FILE]" >&2; exit 2 ;;
  esac
  shift
done
secs=${BENCH_SECONDS:-4}
flood_ports=64
if [ "$quick" = 1 ]; then secs=1; flood_ports=8; fi
netloomctl=${NETLOOMCTL:-$root/build/app/cli/netloomctl}

[ "$(id -u)" = 0 ] || { echo "SKIP: the bench needs root (network namespaces)" >&2; exit 77; }
for t in vde_switch vde_plug iperf3 busybox jq setpriv c++ ip; do
  command -v "$t" >/dev/null || { echo "SKIP: $t is not installed" >&2; exit 77; }
done
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
trap cleanup EXIT INT TERM

c++ -O2 -o "$work/pktgen" "$here/pktgen.cpp" -lvdeplug -pthread
c++ -O2 -o "$work/rttprobe" "$here/rttprobe.cpp"
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

run_rtt_paired
if [ "$rtt_only" = 1 ]; then
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

{
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
  echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(awk '/model name/ {sub(/.*: /, ""); print; exit}' /proc/cpuinfo), kernel $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ); ${secs}s per measurement"
} | tee "${out:-/dev/null}"
