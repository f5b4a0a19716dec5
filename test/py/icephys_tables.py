"""The icephys tables of a file as pynwb reads them: per table, ids and each column's values (references by name)."""
import json
import sys

import numpy as np
from pynwb import NWBHDF5IO


def cell(v):
    if hasattr(v, "idx_start"):
        return None if v.idx_start is None or v.idx_start < 0 else [int(v.idx_start), int(v.count), v.timeseries.name]
    if hasattr(v, "neurodata_type"):
        return v.name
    if isinstance(v, (list, tuple, np.ndarray)):
        return [cell(x) for x in v]
    if isinstance(v, np.generic):
        return v.item()
    return v


def table(t):
    # index=True: region cells as the row indices they hold, not the rows' frames.
    df = t.to_dataframe(index=True) if not hasattr(t, "category_tables") else None
    if df is None:
        return {"id": t.id[:].tolist(), **{c: [cell(t[c][i]) for i in range(len(t))] for c in t.colnames}}
    return {"id": t.id[:].tolist(), **{c: [cell(v) for v in df[c]] for c in t.colnames}}


with NWBHDF5IO(sys.argv[1], "r") as io:
    f = io.read()
    ir = f.intracellular_recordings
    out = {"intracellular_recordings": {name: table(ir.category_tables[name]) for name in ir.categories}}
    out["intracellular_recordings"]["recordings"] = table(ir)
    for name in ["icephys_simultaneous_recordings", "icephys_sequential_recordings", "icephys_repetitions", "icephys_experimental_conditions"]:
        out[name] = table(getattr(f, name))
    out["meta_parent"] = f.get_icephys_meta_parent_table().name
    print(json.dumps(out))
