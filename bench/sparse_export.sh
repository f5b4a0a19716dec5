#!/usr/bin/env bash
# `tsnwb export` of a sparse file: pynwb's iterative write of a 20,000 x 1,000 float64 matrix (160 MB by its shape)
# of which 1,000 chunks of 10 x 10 are written (test/py/write_sparse.py; about 1 MB on disk), with a NaN fill value
# and without. Prints each source's and export's size, the export's time and peak memory, and the chunks h5py counts
# in both. Usage: bench/sparse_export.sh [DIR]   (run `npm run build` first)
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${1:-/tmp/tsnwb-sparse-bench}"
mkdir -p "$DIR"
for fill in default nan; do
  src="$DIR/sparse-$fill.nwb"
  out="$DIR/sparse-$fill-export.nwb"
  extra=()
  if [ "$fill" = nan ]; then extra=(--fill nan); fi
  [ -f "$src" ] || ../shared/tools/oracle python test/py/write_sparse.py "$src" 20000 1000 1000 10 10 "${extra[@]}" > /dev/null
  rm -f "$out"
  /usr/bin/time -f "export: %e s, peak %M KB" node dist/cli/main.js export "$src" "$out" > /dev/null
  /usr/bin/python3 -c "
import h5py, os, sys
for p in sys.argv[1:]:
    d = h5py.File(p, 'r')['acquisition/synthetic_timeseries/data']
    print(f'{os.path.basename(p)}: {os.path.getsize(p)} bytes, shape {d.shape}, chunks {d.chunks}, fill {d.fillvalue}, {d.id.get_num_chunks()} chunks written')
" "$src" "$out"
done
