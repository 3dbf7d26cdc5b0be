#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# run-fuzzer.sh BINARY SEED_DIR REGRESSION_DIR SECONDS LIBFUZZER(ON|OFF)
# Replays regressions, then fuzzes for SECONDS on a scratch copy of the seed corpus
# (the source tree is never written). A crash fails the test and leaves its input in
# the scratch directory, named in the output.
set -eu
bin=$1 seeds=$2 regress=$3 seconds=$4 libfuzzer=$5
[ -d "$seeds" ] || { echo "SKIP: no seed corpus at $seeds"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/netloom-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/artifacts"
cp -R "$seeds"/. "$work/corpus/"
if [ -d "$regress" ]; then
  # Replay only (-runs=0): never fuzz into, or write to, the source tree.
  if [ "$libfuzzer" = ON ]; then
    "$bin" -runs=0 "$regress"
  else
    "$bin" "$regress"
  fi
fi
if [ "$libfuzzer" = ON ]; then
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$work/corpus" || {
      echo "fuzzer failed; crashing inputs:"; ls -l "$work/artifacts"
      for f in "$work"/artifacts/*; do [ -f "$f" ] && od -A x -t x1z "$f" | head -20; done
      exit 1
    }
else
  "$bin" "$work/corpus"
fi
