#!/usr/bin/env bash
# `tsnwb validate` on a large file: writes a 16,000-frame 512x512 uint8 movie (4.2 GB) with the benchmark's
# streaming mode (unless FILE exists), then times `validate` on it, cold (caches dropped when root) and warm.
# Usage: bench/validate_big.sh [FILE]   (run `npm run build` first)
set -euo pipefail
cd "$(dirname "$0")/.."
FILE="${1:-/tmp/tsnwb-info-4gb.nwb}"
if [ ! -f "$FILE" ]; then
  node dist/bench/bench.js --frames 16000 --height 512 --width 512 --mode stream --skip-read --keep --out "$FILE" >/dev/null
fi
echo "file: $FILE ($(du -h "$FILE" | cut -f1))"
for run in cold warm warm; do
  if [ "$run" = cold ] && [ "$(id -u)" = 0 ]; then sync; echo 3 > /proc/sys/vm/drop_caches || true; fi
  start=$(date +%s.%N)
  node dist/cli/main.js validate "$FILE" > /dev/null
  end=$(date +%s.%N)
  echo "validate ($run): $(echo "$end - $start" | bc) s"
done
