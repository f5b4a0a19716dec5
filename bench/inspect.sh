#!/usr/bin/env bash
# `tsnwb inspect` against the NWB Inspector (nwbinspector 0.5.2) on a 4.2 GB file (bench/big_file.sh's movie, made
# unless FILE exists) and on a folder of 50 small files (copies of the shared fixtures). The NWB Inspector twice:
# its command line (`../shared/tools/oracle inspect --skip-validate`), which validates each file with pynwb all the
# same (0.5.2 drops --skip-validate for a local path) and on the folder stops part way (pynwb's validator recurses
# without end on one fixture); and its checks only, each file (bench/inspect_nwbinspector.py), as tsnwb's inspect.
# The folder also with the NWB Inspector's command line on two cores, --n-jobs 2 (it then honours --skip-validate:
# checks only); tsnwb reads 50 files with one reading worker (64 files or more: a worker a core).
# Prints wall time and CPU time (user + sys, child processes included) of each run: on a shared VM the CPU time is
# the steadier figure; the wall time is what a user waits.
# Usage: bench/inspect.sh [FILE]   (run `npm run build` first)
set -euo pipefail
cd "$(dirname "$0")/.."
FILE="${1:-/tmp/tsnwb-info-4gb.nwb}"
ORACLE=../shared/tools/oracle
if [ ! -f "$FILE" ]; then
  node dist/bench/bench.js --frames 16000 --height 512 --width 512 --mode stream --skip-read --keep --out "$FILE" >/dev/null
fi
FOLDER=$(mktemp -d /tmp/tsnwb-inspect-bench.XXXXXX)
trap 'rm -rf "$FOLDER"' EXIT
mapfile -t fixtures < <(find ../shared/fixtures -name '*.nwb' | sort)
for i in $(seq 0 49); do
  f=${fixtures[$((i % ${#fixtures[@]}))]}
  cp "$f" "$FOLDER/$(printf %02d "$i")_$(basename "$f")"
done
measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "$label: %e s wall, %U+%S s CPU" "$@" > /dev/null 2> >(tail -1 >&2) || true
  wait
}
echo "file: $FILE ($(du -h "$FILE" | cut -f1)); folder: 50 files ($(du -sh "$FOLDER" | cut -f1))"
for run in 1 2 3; do
  measure "tsnwb inspect, big file" node dist/cli/main.js inspect --json "$FILE"
  measure "nwbinspector CLI, big file" "$ORACLE" inspect "$FILE" --skip-validate --progress-bar False
  measure "nwbinspector checks, big file" "$ORACLE" python bench/inspect_nwbinspector.py "$FILE"
  measure "tsnwb inspect, 50 files" node dist/cli/main.js inspect --json "$FOLDER"/*.nwb
  measure "nwbinspector CLI, 50 files" "$ORACLE" inspect "$FOLDER" --skip-validate --progress-bar False
  measure "nwbinspector CLI --n-jobs 2, 50 files" "$ORACLE" inspect "$FOLDER" --skip-validate --n-jobs 2 --progress-bar False
  measure "nwbinspector checks, 50 files" "$ORACLE" python bench/inspect_nwbinspector.py "$FOLDER"/*.nwb
done
