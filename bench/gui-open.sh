#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Times opening a generated 500-node topology in the Netloom editor (offscreen) and fails
# if the median open+first-paint exceeds the 1 s budget of issue #6.
# Usage: bench/gui-open.sh [BUILD_DIR] [NODES]
set -eu
here=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
build=${1:-$here/build}
nodes=${2:-500}
bench="$build/app/gui/netloom-gui-bench"
[ -x "$bench" ] || { echo "gui-open: build the netloom-gui-bench target first ($bench)" >&2; exit 2; }
out=$(QT_QPA_PLATFORM=offscreen "$bench" --nodes "$nodes" --runs 5)
echo "$out"
median=$(echo "$out" | sed -n 's/.*open+paint median \([0-9.]*\) ms.*/\1/p')
awk -v m="$median" 'BEGIN { if (m + 0 > 1000) { print "gui-open: over budget (" m " ms > 1000 ms)"; exit 1 } }'
