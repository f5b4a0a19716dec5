"""
Makes an NWB file that breaks a best practice (or a rule tsnwb refuses at construction): copies SRC to DST and
applies EDITS, a JSON list of changes, with h5py. Used by test/inspector.test.ts.

Each edit is one of:
  {"op": "attr", "path": P, "name": N, "value": V, "dtype": D?}  set attribute N of the object at P
  {"op": "dataset", "path": P, "value": V, "dtype": D?}          replace the dataset at P, keeping its attributes
  {"op": "delete", "path": P}                                     remove the object at P
D is a numpy dtype name ("float64", "int64", ...) or "text" (variable-length UTF-8); by default numbers are
float64 or int64 and strings text. "NaN" in a list of numbers is a NaN.
"""
import json
import shutil
import sys

import h5py
import numpy as np


def as_array(value, dtype):
    if dtype == "text" or (dtype is None and (isinstance(value, str) or (isinstance(value, list) and value and isinstance(value[0], str) and value[0] != "NaN"))):
        return np.array(value, dtype=h5py.string_dtype())
    if isinstance(value, list):
        value = [float("nan") if v == "NaN" else v for v in value]
    return np.array(value, dtype=dtype) if dtype else np.array(value)


def main(src, dst, edits):
    shutil.copyfile(src, dst)
    with h5py.File(dst, "r+") as f:
        for edit in edits:
            path = edit["path"]
            if edit["op"] == "attr":
                f[path].attrs[edit["name"]] = as_array(edit["value"], edit.get("dtype"))
            elif edit["op"] == "dataset":
                attrs = {k: v for k, v in f[path].attrs.items()}
                del f[path]
                ds = f.create_dataset(path, data=as_array(edit["value"], edit.get("dtype")))
                for k, v in attrs.items():
                    ds.attrs[k] = v
            elif edit["op"] == "delete":
                del f[path]
            else:
                raise ValueError(f"unknown edit {edit['op']}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]))
