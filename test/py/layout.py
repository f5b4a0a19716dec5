"""Describe an HDF5 file's layout as JSON, read with h5py: an independent reader for tsnwb's interop tests.

For each object path: kind (group/dataset/softlink), attributes with dtype, shape and value, and for datasets
dtype, shape, chunks, compression, string encoding, and values when small (references become target paths).
"""
import json, sys
import h5py
import numpy as np


def dtype_info(dt):
    s = h5py.check_string_dtype(dt)
    if s is not None:
        return {"dtype": "str", "encoding": s.encoding, "vlen": s.length is None}
    if h5py.check_ref_dtype(dt) is not None:
        return {"dtype": "ref"}
    return {"dtype": dt.name}


def value(f, v):
    if isinstance(v, h5py.Reference):
        return f[v].name if v else None
    if isinstance(v, bytes):
        return v.decode("utf-8")
    if isinstance(v, np.ndarray):
        return [value(f, x) for x in v.tolist()] if v.dtype == object else v.tolist()
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    return v


def attrs(f, obj):
    out = {}
    for k in obj.attrs:
        a = obj.attrs.get_id(k)
        out[k] = {**dtype_info(a.dtype), "shape": list(a.shape), "value": value(f, obj.attrs[k])}
    return out


def main(path):
    f = h5py.File(path, "r")
    out = {"/": {"kind": "group", "attrs": attrs(f, f)}}

    def walk(g):
        for k in g:
            p = g.name.rstrip("/") + "/" + k
            link = g.get(k, getlink=True)
            if isinstance(link, h5py.SoftLink):
                out[p] = {"kind": "softlink", "target": link.path}
                continue
            obj = g[k]
            if isinstance(obj, h5py.Group):
                out[p] = {"kind": "group", "attrs": attrs(f, obj)}
                walk(obj)
            else:
                d = {"kind": "dataset", **dtype_info(obj.dtype), "shape": list(obj.shape), "chunks": list(obj.chunks) if obj.chunks else None,
                     "compression": obj.compression, "compression_opts": obj.compression_opts, "shuffle": obj.shuffle,
                     "maxshape": [m if m is not None else -1 for m in obj.maxshape] if obj.maxshape else None, "attrs": attrs(f, obj)}
                if obj.size <= 64:
                    d["value"] = value(f, obj[()])
                out[p] = d
    walk(f)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
