#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Removes network namespaces that a crashed test left behind, after killing whatever still
# runs inside them. Only names made by tests/common/netns.h count ("nlt-<tag>-<pid>-<n>"),
# and only when the test process <pid> that made them is gone — so concurrent test runs
# (another build directory, another engineer) keep their namespaces. Touches nothing else.
command -v ip >/dev/null 2>&1 || exit 0
[ "$(id -u)" = 0 ] || exit 0
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^nlt-'); do
  owner=$(printf '%s\n' "$ns" | awk -F- 'NF >= 4 { print $(NF-1) }')
  case "$owner" in
    ''|*[!0-9]*) continue ;;
  esac
  [ -d "/proc/$owner" ] && continue
  pids=$(ip netns pids "$ns" 2>/dev/null)
  # shellcheck disable=SC2086 # one pid per word
  [ -n "$pids" ] && kill -9 $pids 2>/dev/null
  ip netns delete "$ns" 2>/dev/null && echo "removed leftover namespace $ns"
done
exit 0
