#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Cost of live charting in the Netloom GUI (issue #6): 64 ports, synthetic samples at 10 Hz,
# ~20 s of charting with five minutes of history already in every graph, offscreen. Fails if
# the process uses more than 5% of one core.
# Usage: bench/gui-charts.sh [BUILD_DIR] [PORTS] [HZ] [SECONDS]
set -eu
here=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
build=${1:-$here/build}
bench="$build/app/gui/netloom-gui-charts-bench"
[ -x "$bench" ] || { echo "gui-charts: build the netloom-gui-charts-bench target first ($bench)" >&2; exit 2; }
out=$(QT_QPA_PLATFORM=offscreen "$bench" --ports "${2:-64}" --hz "${3:-10}" --seconds "${4:-20}")
echo "$out"
pct=$(echo "$out" | sed -n 's/.*= \([0-9.]*\)% of one core.*/\1/p')
awk -v p="$pct" 'BEGIN { if (p == "" || p + 0 > 5) { print "gui-charts: over budget (" p "% > 5%)"; exit 1 } }'
