"""The dtype and exact value of every numeric attribute and dataset of an NWB file as h5py reads them, outside
/specifications (empty attributes aside: pynwb writes an empty list as float64, which says nothing of a width).
Prints a JSON object {path or path@attribute: [dtype, repr of the values]}: two files hold the same numbers, of the same
widths, when their objects are equal."""
import json, sys
import h5py
import numpy as np

f = h5py.File(sys.argv[1], "r")
out = {}


def visit(name, obj):
    if name.startswith("specifications"):
        return
    for k, a in obj.attrs.items():
        if isinstance(a, (np.ndarray, np.generic)) and a.dtype.kind in "iuf" and a.size > 0:
            out[name + "@" + k] = [a.dtype.str, repr(np.asarray(a).tolist())]
    if isinstance(obj, h5py.Dataset) and obj.dtype.kind in "iuf":
        out[name] = [obj.dtype.str, repr(obj[()].tolist())]


f.visititems(visit)
print(json.dumps(out))
