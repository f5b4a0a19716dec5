"""What pynwb reads from each file given (../shared/fixtures/backcompat): per object, its type, name, path and
fields as plain JSON (text and numbers as they are, arrays as {shape, dtype, values}, objects as their paths,
date-times as ISO strings), the file's nwb_version as pynwb reads it, and the warnings pynwb gives as it reads. Prints one JSON object by file path."""
import datetime
import json
import sys
import warnings

warnings.simplefilter("ignore")
import numpy as np  # noqa: E402
from hdmf.container import AbstractContainer  # noqa: E402
from pynwb import NWBHDF5IO  # noqa: E402


def plain(v, paths):
    if isinstance(v, AbstractContainer):
        return {"object": paths.get(v.object_id, v.name)}
    if isinstance(v, (datetime.datetime, datetime.date)):
        return v.isoformat()
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, (np.generic,)):
        return v.item()
    if hasattr(v, "shape") and hasattr(v, "dtype"):
        a = np.asarray(v[()])
        values = [x.decode() if isinstance(x, bytes) else x for x in a.ravel().tolist()]
        return {"shape": list(a.shape), "dtype": "text" if a.dtype.kind in "OSU" else a.dtype.name, "values": values}
    if isinstance(v, (list, tuple)):
        return [plain(x, paths) for x in v]
    if isinstance(v, dict):
        return {k: plain(x, paths) for k, x in v.items()}
    return v


def path_of(io, o):
    """The object's path in the file, from the builder pynwb read it from ("root/acquisition/x" -> "/acquisition/x")."""
    b = io.manager.get_builder(o)
    return "/" + b.path.split("/", 1)[1] if "/" in b.path else "/"


out = {}
for file in sys.argv[1:]:
    with NWBHDF5IO(file, "r") as io, warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        nwbfile = io.read()
        # What pynwb says of the objects it reads (not of the file's cached namespaces).
        said = [str(w.message) for w in said if "cached namespace" not in str(w.message)]
        objects = list(nwbfile.objects.values())
        paths = {o.object_id: path_of(io, o) for o in objects}
        entry = {}
        for o in objects:
            fields = {k: plain(v, paths) for k, v in o.fields.items() if not isinstance(v, (dict,)) or not v}
            # Containers of children (acquisition, ...) are listed by their children's paths.
            for k, v in o.fields.items():
                if isinstance(v, dict) and v:
                    fields[k] = sorted(paths.get(c.object_id, c.name) for c in v.values())
            entry[paths[o.object_id]] = {"type": type(o).__name__, "neurodata_type": o.neurodata_type, "name": o.name, "fields": fields}
        out[file] = {"nwb_version": io.nwb_version[0], "objects": entry, "warnings": said}
print(json.dumps(out, default=str))
