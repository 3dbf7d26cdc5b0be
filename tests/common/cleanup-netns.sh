#!/bin/sh
# Removes network namespaces named nlt-* that a crashed test left behind, after killing
# whatever still runs inside them. Touches nothing else.
command -v ip >/dev/null 2>&1 || exit 0
[ "$(id -u)" = 0 ] || exit 0
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^nlt-'); do
  pids=$(ip netns pids "$ns" 2>/dev/null)
  # shellcheck disable=SC2086 # one pid per word
  [ -n "$pids" ] && kill -9 $pids 2>/dev/null
  ip netns delete "$ns" 2>/dev/null && echo "removed leftover namespace $ns"
done
exit 0
