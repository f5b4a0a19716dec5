"""Reads series of NWB Zarr stores with hdmf-zarr, for test/zarr-appender.test.ts (stores grown by ZarrSeriesAppender).

usage: zarr_series.py STORE [STORE ...]

Prints one JSON object per store: per acquisition series, as hdmf_zarr's NWBZarrIO reads it, the dtype, shape and
sha256 of `data` (C order, little-endian) and its timestamps; the shape and chunks zarr-python's consolidated
metadata (`zarr.open_consolidated`) gives each array; and pynwb's validator's findings (test/zarr/check_zarr.py).
"""
import hashlib
import json
import os
import sys
import traceback

import numpy as np
import zarr

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "zarr"))
from check_zarr import open_store, validate_store  # noqa: E402


def series_of(store):
    out = {}
    consolidated = zarr.open_consolidated(store, mode="r")
    with open_store(store) as io:
        nwbfile = io.read()
        for name, s in nwbfile.acquisition.items():
            data = np.ascontiguousarray(np.asarray(s.data[:]))
            entry = {
                "type": type(s).__name__,
                "dtype": str(data.dtype),
                "shape": list(data.shape),
                "sha256": hashlib.sha256(data.astype(data.dtype.newbyteorder("<")).tobytes()).hexdigest(),
                "timestamps": None if s.timestamps is None else np.asarray(s.timestamps[:]).tolist(),
                "consolidated": {},
            }
            for field in ("data", "timestamps"):
                key = f"acquisition/{name}/{field}"
                if key in consolidated:
                    a = consolidated[key]
                    entry["consolidated"][field] = {"shape": list(a.shape), "chunks": list(a.chunks)}
            out[name] = entry
    return out


for store in sys.argv[1:]:
    result = {"store": store, "series": None, "validation": None, "error": None}
    try:
        result["series"] = series_of(store)
        result["validation"] = validate_store(store)
    except Exception:
        result["error"] = traceback.format_exc()
    print(json.dumps(result), flush=True)
