#!/usr/bin/env bash
# Runs tsnwb's benchmark and the h5py baseline side by side, alternating, REPS times per mode, with `sync`
# before each run so one run's dirty pages do not slow the next; prints every JSON line, then the medians.
#   bench/compare.sh [FRAMES] [REPS]        (default 1000 frames of 512x512, 3 repetitions)
set -euo pipefail
cd "$(dirname "$0")/.."
FRAMES=${1:-1000}
REPS=${2:-3}
OUT=${TMPDIR:-/tmp}/tsnwb-bench
mkdir -p "$OUT"
npm run -s build
results=$(mktemp)
for spec in raw gzip "gzip --shuffle" stream; do
  # shellcheck disable=SC2086
  for rep in $(seq "$REPS"); do
    sync; sleep 1
    node --expose-gc dist/bench/bench.js --frames "$FRAMES" --mode $spec --out "$OUT/tsnwb.nwb" | tail -1 | tee -a "$results"
    sync; sleep 1
    /usr/bin/python3 bench/h5py_baseline.py --frames "$FRAMES" --mode $spec --out "$OUT/h5py.h5" | tee -a "$results"
  done
done
/usr/bin/python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
keys = ["write_MBps", "open_ms", "one_frame_ms", "one_frame_median_ms", "one_frame_into_median_ms", "read_all_MBps", "peak_rss_MB", "file_MB"]
print("median of runs:")
for mode in ["raw", "gzip", "gzip+shuffle", "stream"]:
    for impl in ["tsnwb", "h5py"]:
        rs = [r for r in rows if r["mode"] == mode and r["impl"] == impl]
        if rs:
            print(json.dumps({"impl": impl, "mode": mode, "runs": len(rs), **{k: round(statistics.median(r[k] for r in rs), 3) for k in keys if k in rs[0]}}))
PY
rm -f "$results"
