#!/usr/bin/env bash
# tsnwb on a large file: writes a 16,000-frame 512x512 uint8 movie (4.2 GB) with the benchmark's streaming mode
# (unless FILE exists), then times `tsnwb info --json` and `tsnwb validate` on it, cold (caches dropped when root)
# and warm. Neither reads the movie's frames: what they take is the file's metadata, and Node's start-up.
# Usage: bench/big_file.sh [FILE]   (run `npm run build` first)
set -euo pipefail
cd "$(dirname "$0")/.."
FILE="${1:-/tmp/tsnwb-info-4gb.nwb}"
if [ ! -f "$FILE" ]; then
  node dist/bench/bench.js --frames 16000 --height 512 --width 512 --mode stream --skip-read --keep --out "$FILE" >/dev/null
fi
echo "file: $FILE ($(du -h "$FILE" | cut -f1))"
for command in "info --json" "validate"; do
  for run in cold warm warm; do
    if [ "$run" = cold ] && [ "$(id -u)" = 0 ]; then sync; echo 3 > /proc/sys/vm/drop_caches || true; fi
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    node dist/cli/main.js $command "$FILE" > /dev/null
    end=$(date +%s.%N)
    echo "$command ($run): $(echo "$end - $start" | bc) s"
  done
done
