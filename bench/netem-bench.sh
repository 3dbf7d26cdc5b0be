#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Network emulation bench (issue #13): the same impairments through three paths between two
# namespaces A (10.88.0.1) and B (10.88.0.2), in ONE run:
#   netloom     `netloomctl switch --tap loomba --tap loombb --impair 2=SPEC,dir=out`
#   tc netem    a kernel bridge with two veths; netem/tbf on the veth towards B
#   wirefilter  two vde_switch instances (one tap each) joined by `wirefilter -v` (LR = A->B)
# Each impairment applies to the A->B direction only. Measured:
#   - delay: ping RTT p50 with the delay minus p50 without, for 1, 10, 50 and 200 ms
#     (target: within 50 us or 2% of the configured value, whichever is larger);
#   - throughput: one TCP flow (iperf3) with a 1 ms delay against none (target: >= 80%),
#     and through a 10 Mbit/s limit (target: 9-10 Mbit/s);
#   - loss: 1% and 10% over 100 000 numbered UDP datagrams (bench/udpcount; target: within
#     +-0.5% absolute), and a Gilbert-Elliott chain p=1% r=25% (mean burst 4 frames; target:
#     within 10%; wirefilter gets the same mean loss, 3.85%, with -L 4).
# Prints a table and the target verdicts for netloom, and writes them to FILE.
#
#   sudo NETLOOMCTL=build/app/cli/netloomctl bench/netem-bench.sh [--quick] [--out FILE]
# --quick: 50 pings per delay, 1 s TCP, 20 000 datagrams (tolerances are for the full run).
# EMU_PATHS: a subset of "netloom netem wirefilter" (default all three).
# Everything runs inside namespaces named nlt-emu-*, removed at exit.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
quick=0
out=""
usage() { echo "usage: $0 [--quick] [--out FILE]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --out) [ $# -ge 2 ] || usage; out=$2; shift ;;
    *) usage ;;
  esac
  shift
done
pings=200 secs=4 frames=100000 pps=${EMU_PPS:-5000}
[ "$quick" = 1 ] && { pings=50; secs=1; frames=20000; }
netloomctl=${NETLOOMCTL:-$root/build/app/cli/netloomctl}

[ "$(id -u)" = 0 ] || { echo "SKIP: the bench needs root (network namespaces)" >&2; exit 77; }
for t in ip tc wirefilter vde_switch iperf3 jq c++ busybox setpriv; do
  command -v "$t" >/dev/null || { echo "SKIP: $t is not installed" >&2; exit 77; }
done
[ -x "$netloomctl" ] || { echo "SKIP: $netloomctl not built (set NETLOOMCTL)" >&2; exit 77; }

work=$(mktemp -d /tmp/netloom-emu.XXXXXX)
chmod 755 "$work"
tag="$$"
S=nlt-emu-s-$tag A=nlt-emu-a-$tag B=nlt-emu-b-$tag
pids=()

stop_path() {
  local p n
  for p in "${pids[@]:-}"; do if [ -n "$p" ]; then kill "$p" 2>/dev/null || true; fi; done
  pids=()
  sleep 0.2
  for n in "$S" "$A" "$B"; do
    if ip netns list | grep -q "^$n\b"; then
      for p in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
      ip netns del "$n" 2>/dev/null || true
    fi
  done
}
cleanup() { stop_path; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

c++ -O2 -o "$work/udpcount" "$here/udpcount.cpp"
asnobody=(ip netns exec "$S" setpriv --reuid=65534 --regid=65534 --clear-groups --)

# Kernels built without sch_netem (CONFIG_NET_SCH_NETEM) cannot run the tc netem path's
# delay and loss rows; tbf (the rate row) is probed too. The rows say so instead of failing.
probe_qdisc() {  # $1: qdisc arguments; 0 if the kernel takes them
  local ns=nlt-emu-p-$tag ok=1
  ip netns add "$ns"
  ip -n "$ns" link add d0 type veth peer name d1
  # shellcheck disable=SC2086
  ip netns exec "$ns" tc qdisc add dev d0 root $1 2>/dev/null && ok=0
  ip netns del "$ns"
  return $ok
}
has_netem=1 has_tbf=1
probe_qdisc "netem delay 1ms" || has_netem=0
probe_qdisc "tbf rate 10mbit burst 32kb latency 100ms" || has_tbf=0
[ "$has_netem" = 1 ] || echo "bench: this kernel has no sch_netem: the tc netem path's delay and loss rows are not measured" >&2

fresh_namespaces() {
  local n
  stop_path
  for n in "$S" "$A" "$B"; do
    ip netns add "$n"
    ip -n "$n" link set lo up
    ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  done
}

endpoints_up() {  # moves $1 ($S) to A and $2 to B, addresses them, waits for reachability
  ip -n "$S" link set "$1" netns "$A"
  ip -n "$S" link set "$2" netns "$B"
  ip -n "$A" addr add 10.88.0.1/24 dev "$1"; ip -n "$A" link set "$1" up
  ip -n "$B" addr add 10.88.0.2/24 dev "$2"; ip -n "$B" link set "$2" up
  for _ in $(seq 1 100); do
    ip netns exec "$A" busybox ping -c 1 -W 1 10.88.0.2 >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "bench: endpoints cannot reach each other" >&2
  return 1
}

wait_sock() { for _ in $(seq 1 100); do [ -S "$1/ctl" ] && return 0; sleep 0.05; done; echo "bench: no switch at $1" >&2; return 1; }

# path_up PATH SPEC: builds the path with the impairment (netloom spec syntax; "none" = none)
# translated for the path's tool.
path_up() {
  local path=$1 spec=$2
  fresh_namespaces
  case "$path" in
    netloom)
      for t in loomba loombb; do ip netns exec "$S" ip tuntap add dev $t mode tap user 65534; done
      mkdir -p "$work/nl"; chown 65534:65534 "$work/nl"; rm -rf "$work/nl/sw"
      local imp=()
      [ "$spec" = none ] || imp=(--impair "2=$spec,dir=out")
      "${asnobody[@]}" "$netloomctl" switch --sock "$work/nl/sw" --tap loomba --tap loombb "${imp[@]}" \
        > "$work/netloom.log" 2>&1 &
      pids+=("$!")
      wait_sock "$work/nl/sw"
      endpoints_up loomba loombb ;;
    netem)
      ip -n "$S" link add br0 type bridge
      ip -n "$S" link set br0 up
      ip -n "$S" link add va type veth peer name va0
      ip -n "$S" link add vb type veth peer name vb0
      for v in va vb; do ip -n "$S" link set $v master br0; ip -n "$S" link set $v up; done
      if [ "$spec" != none ]; then
        # shellcheck disable=SC2046
        ip netns exec "$S" tc qdisc add dev vb root $(tc_args "$spec")
      fi
      endpoints_up va0 vb0 ;;
    wirefilter)
      for t in loomba loombb; do ip netns exec "$S" ip tuntap add dev $t mode tap; done
      rm -rf "$work/w1" "$work/w2"
      ip netns exec "$S" vde_switch --sock "$work/w1" --tap loomba --daemon --pidfile "$work/w1.pid" >/dev/null 2>&1
      ip netns exec "$S" vde_switch --sock "$work/w2" --tap loombb --daemon --pidfile "$work/w2.pid" >/dev/null 2>&1
      wait_sock "$work/w1"; wait_sock "$work/w2"
      pids+=("$(cat "$work/w1.pid")" "$(cat "$work/w2.pid")")
      # shellcheck disable=SC2046
      ip netns exec "$S" wirefilter -v "$work/w1:$work/w2" $(wf_args "$spec") --daemon --pidfile "$work/wf.pid" >/dev/null 2>&1
      sleep 0.2
      pids+=("$(cat "$work/wf.pid")")
      endpoints_up loomba loombb ;;
  esac
}

# The netloom spec of this bench, for tc (qdisc arguments) and wirefilter (options).
tc_args() {
  case "$1" in
    delay=*) echo "netem delay ${1#delay=}" ;;
    loss=*) echo "netem loss ${1#loss=}" ;;
    gemodel=1%/25%) echo "netem loss gemodel 1% 25%" ;;
    rate=10mbit) echo "tbf rate 10mbit burst 32kb latency 100ms" ;;
    *) echo "bench: no tc form for $1" >&2; exit 1 ;;
  esac
}
wf_args() {
  case "$1" in
    none) echo "" ;;
    delay=*) local d=${1#delay=}; echo "-d LR${d%ms}" ;;
    loss=*) local l=${1#loss=}; echo "-l LR${l%\%}" ;;
    gemodel=1%/25%) echo "-l LR3.846 -L LR4" ;;
    rate=10mbit) echo "-b LR1250000" ;;
    *) echo "bench: no wirefilter form for $1" >&2; exit 1 ;;
  esac
}

rtt_p50() {  # prints the median RTT (ms) of $pings pings 10 ms apart, A -> B
  ip netns exec "$A" busybox ping -i 0.01 -c "$pings" -W 2 10.88.0.2 2>/dev/null |
    sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' | sort -g | awk '{v[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print v[(NR+1)/2]; else printf "%.3f\n", (v[NR/2]+v[NR/2+1])/2}'
}

tcp_mbps() {  # one TCP flow A -> B for $secs s; prints Mbit/s received
  ip netns exec "$B" iperf3 -s -1 -D -I "$work/iperf.pid" >/dev/null 2>&1
  sleep 0.3
  ip netns exec "$A" iperf3 -c 10.88.0.2 -t "$secs" -J > "$work/iperf.json" 2>/dev/null || true
  jq -r '(.end.sum_received.bits_per_second // 0) / 1e6 * 10 | round / 10' "$work/iperf.json"
}

udp_count() {  # prints udpcount's JSON for $frames datagrams at $pps
  ip netns exec "$B" "$work/udpcount" recv 9999 "$frames" 2 > "$work/udp.json" &
  local r=$!
  sleep 0.3
  ip netns exec "$A" "$work/udpcount" send 10.88.0.2 9999 "$frames" "$pps"
  wait "$r"
  cat "$work/udp.json"
}

read -ra paths <<< "${EMU_PATHS:-netloom netem wirefilter}"  # a subset for trying the bench
declare -A base delay tcp0 tcp1 rate loss1 loss10 ge geburst
delays=(1 10 50 200)
for p in "${paths[@]}"; do
  echo "== $p" >&2
  path_up "$p" none
  base[$p]=$(rtt_p50)
  tcp0[$p]=$(tcp_mbps)
  for d in "${delays[@]}"; do
    if [ "$p" = netem ] && [ "$has_netem" = 0 ]; then delay[$p,$d]="n/a (no sch_netem)"; tcp1[$p]="n/a"; continue; fi
    path_up "$p" "delay=${d}ms"
    delay[$p,$d]=$(awk -v a="$(rtt_p50)" -v b="${base[$p]}" 'BEGIN {printf "%.3f", a - b}')
    if [ "$d" = 1 ]; then tcp1[$p]=$(tcp_mbps); fi
    echo "   delay ${d} ms: measured ${delay[$p,$d]} ms" >&2
  done
  if [ "$p" != netem ] || [ "$has_tbf" = 1 ]; then
    path_up "$p" rate=10mbit
    rate[$p]=$(tcp_mbps)
  fi
  if [ "$p" = netem ] && [ "$has_netem" = 0 ]; then
    loss1[$p]="n/a"; loss10[$p]="n/a"; ge[$p]="n/a"; geburst[$p]="n/a"
    stop_path
    continue
  fi
  path_up "$p" loss=1%
  loss1[$p]=$(udp_count | jq -r .loss)
  path_up "$p" loss=10%
  loss10[$p]=$(udp_count | jq -r .loss)
  path_up "$p" gemodel=1%/25%
  j=$(udp_count)
  ge[$p]=$(echo "$j" | jq -r .loss)
  geburst[$p]=$(echo "$j" | jq -r .meanBurst)
  stop_path
done

{
  echo "netem bench $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, $pings pings per delay, ${secs} s TCP, $frames datagrams at $pps/s"
  echo
  echo "| measure (A->B impaired) | netloom | tc netem | wirefilter |"
  echo "|---|---|---|---|"
  echo "| RTT p50 without impairment, ms | ${base[netloom]:-n/a} | ${base[netem]:-n/a} | ${base[wirefilter]:-n/a} |"
  for d in "${delays[@]:-n/a}"; do
    echo "| delay ${d} ms: measured, ms | ${delay[netloom,$d]:-n/a} | ${delay[netem,$d]:-n/a} | ${delay[wirefilter,$d]:-n/a} |"
  done
  echo "| TCP, no delay, Mbit/s | ${tcp0[netloom]:-n/a} | ${tcp0[netem]:-n/a} | ${tcp0[wirefilter]:-n/a} |"
  echo "| TCP, 1 ms delay, Mbit/s | ${tcp1[netloom]:-n/a} | ${tcp1[netem]:-n/a} | ${tcp1[wirefilter]:-n/a} |"
  echo "| TCP through 10 Mbit/s, Mbit/s | ${rate[netloom]:-n/a} | ${rate[netem]:-n/a} | ${rate[wirefilter]:-n/a} |"
  echo "| loss 1%: measured % | ${loss1[netloom]:-n/a} | ${loss1[netem]:-n/a} | ${loss1[wirefilter]:-n/a} |"
  echo "| loss 10%: measured % | ${loss10[netloom]:-n/a} | ${loss10[netem]:-n/a} | ${loss10[wirefilter]:-n/a} |"
  echo "| Gilbert-Elliott p=1% r=25%: loss % (expected 3.85) | ${ge[netloom]:-n/a} | ${ge[netem]:-n/a} | ${ge[wirefilter]:-n/a} |"
  echo "| Gilbert-Elliott: mean burst, frames (expected 4) | ${geburst[netloom]:-n/a} | ${geburst[netem]:-n/a} | ${geburst[wirefilter]:-n/a} |"
  echo
  # "met"/"NOT met", or "not measured" when a value of the netloom column is missing.
  verdict() {
    case "$1" in *n/a*) echo "not measured"; return ;; esac
    if awk "BEGIN {exit !($1)}"; then echo "met"; else echo "NOT met"; fi
  }
  for d in "${delays[@]:-n/a}"; do
    tol=$(awk -v d="$d" 'BEGIN {t = d * 0.02; if (t < 0.05) t = 0.05; printf "%.3f", t}')
    echo "netloom delay ${d} ms: measured ${delay[netloom,$d]:-n/a} ms, tolerance ${tol} ms: $(verdict "${delay[netloom,$d]:-n/a} - $d <= $tol && $d - ${delay[netloom,$d]:-n/a} <= $tol")"
  done
  echo "netloom TCP through 1 ms: $(awk -v a="${tcp1[netloom]:-0}" -v b="${tcp0[netloom]:-0}" 'BEGIN {if (b > 0) printf "%.0f%%", 100 * a / b; else print "n/a"}') of no delay (target >= 80%): $(verdict "${tcp1[netloom]:-n/a} >= 0.8 * ${tcp0[netloom]:-n/a}")"
  echo "netloom TCP through 10 Mbit/s: ${rate[netloom]:-n/a} Mbit/s (target 9-10): $(verdict "${rate[netloom]:-n/a} >= 9 && ${rate[netloom]:-n/a} <= 10")"
  echo "netloom loss 1%: ${loss1[netloom]:-n/a}% (target 0.5-1.5): $(verdict "${loss1[netloom]:-n/a} >= 0.5 && ${loss1[netloom]:-n/a} <= 1.5")"
  echo "netloom loss 10%: ${loss10[netloom]:-n/a}% (target 9.5-10.5): $(verdict "${loss10[netloom]:-n/a} >= 9.5 && ${loss10[netloom]:-n/a} <= 10.5")"
  echo "netloom Gilbert-Elliott mean burst: ${geburst[netloom]:-n/a} (target 3.6-4.4): $(verdict "${geburst[netloom]:-n/a} >= 3.6 && ${geburst[netloom]:-n/a} <= 4.4")"
} | tee "${out:-/dev/null}"
