"""Compares two NWB HDF5 files object by object, as h5py reads them: every group, dataset, link and attribute of
the first must be in the second with the same values, dtype and shape; object references compare by their target's
path. Contiguous datasets must stay contiguous, chunked ones chunked with the same compression and shuffle, and with
the same chunks when the first splits the dataset in more than one. Prints one line per difference, then "differences: N" (usage: h5_compare.py A.nwb B.nwb)."""
import sys

import h5py
import numpy as np

a_path, b_path = sys.argv[1], sys.argv[2]
problems = []


def norm(f, v):
    """A value as comparable data: references by target path, bytes as str, arrays as lists."""
    if isinstance(v, h5py.Reference):
        return ("ref", f[v].name if v else None)
    if isinstance(v, bytes):
        return v.decode("utf-8")
    if isinstance(v, np.ndarray):
        if v.dtype.names:
            return [tuple(norm(f, x) for x in row) for row in v.tolist()] if v.ndim else tuple(norm(f, x) for x in v.tolist())
        if v.dtype.kind == "O" or v.dtype.kind in "SU":
            return [norm(f, x) for x in v.ravel().tolist()], v.shape
        return v
    if isinstance(v, (list, tuple)):
        return [norm(f, x) for x in v]
    if isinstance(v, np.void):
        return tuple(norm(f, x) for x in v.tolist())
    return v


def same(x, y):
    if isinstance(x, np.ndarray) and isinstance(y, np.ndarray):
        return x.shape == y.shape and np.array_equal(x, y, equal_nan=x.dtype.kind == "f")
    if isinstance(x, float) and isinstance(y, float) and np.isnan(x) and np.isnan(y):
        return True
    try:
        return bool(x == y)
    except Exception:
        return repr(x) == repr(y)


def dtype_name(d):
    if h5py.check_string_dtype(d):
        return "text"
    if h5py.check_ref_dtype(d):
        return "ref"
    if d.names:
        return tuple((n, dtype_name(d.fields[n][0])) for n in d.names)
    return d.str.replace(">", "<")


def compare_attrs(fa, fb, oa, ob, where):
    for name in oa.attrs:
        if name not in ob.attrs:
            problems.append(f"{where}: attribute {name} missing")
            continue
        va, vb = norm(fa, oa.attrs[name]), norm(fb, ob.attrs[name])
        if not same(va, vb) and not (isinstance(va, tuple) and same(list(va), vb)):
            problems.append(f"{where}: attribute {name}: {va!r} != {vb!r}")
        ta, tb = np.asarray(oa.attrs[name]).dtype, np.asarray(ob.attrs[name]).dtype
        if ta.kind in "iuf" and (ta.kind, ta.itemsize) != (tb.kind, tb.itemsize):
            problems.append(f"{where}: attribute {name} dtype {ta} != {tb}")
    for name in ob.attrs:
        if name not in oa.attrs:
            problems.append(f"{where}: extra attribute {name}")


with h5py.File(a_path, "r") as fa, h5py.File(b_path, "r") as fb:
    def visit(ga, gb):
        compare_attrs(fa, fb, ga, gb, ga.name)
        for name in ga:
            where = f"{ga.name.rstrip('/')}/{name}"
            la, lb = ga.get(name, getlink=True), gb.get(name, getlink=True)
            if lb is None:
                problems.append(f"{where}: missing")
                continue
            if isinstance(la, h5py.SoftLink):
                if not isinstance(lb, h5py.SoftLink) or la.path != lb.path:
                    problems.append(f"{where}: link to {la.path} became {lb!r}")
                continue
            if type(la) is not type(lb):
                problems.append(f"{where}: {type(la).__name__} became {type(lb).__name__}")
                continue
            oa, ob = ga[name], gb[name]
            if isinstance(oa, h5py.Group):
                if not isinstance(ob, h5py.Group):
                    problems.append(f"{where}: group became {type(ob).__name__}")
                    continue
                visit(oa, ob)
                continue
            if not isinstance(ob, h5py.Dataset):
                problems.append(f"{where}: dataset became a group")
                continue
            if oa.shape != ob.shape:
                problems.append(f"{where}: shape {oa.shape} != {ob.shape}")
                continue
            if dtype_name(oa.dtype) != dtype_name(ob.dtype):
                problems.append(f"{where}: dtype {dtype_name(oa.dtype)} != {dtype_name(ob.dtype)}")
            va, vb = norm(fa, oa[()]), norm(fb, ob[()])
            if not same(va, vb):
                problems.append(f"{where}: values differ")
            if (oa.chunks is None) != (ob.chunks is None):
                problems.append(f"{where}: chunks {oa.chunks} != {ob.chunks}")
            if oa.chunks is not None:
                if oa.compression != ob.compression or oa.compression_opts != ob.compression_opts:
                    problems.append(f"{where}: compression {oa.compression} {oa.compression_opts} != {ob.compression} {ob.compression_opts}")
                if oa.shuffle != ob.shuffle:
                    problems.append(f"{where}: shuffle {oa.shuffle} != {ob.shuffle}")
                if any(c < n for c, n in zip(oa.chunks, oa.shape)) and oa.chunks != ob.chunks:
                    problems.append(f"{where}: chunks {oa.chunks} != {ob.chunks}")
            compare_attrs(fa, fb, oa, ob, where)
        for name in gb:
            if name not in ga:
                problems.append(f"{ga.name.rstrip('/')}/{name}: extra")

    visit(fa, fb)

for p in problems:
    print(p)
print(f"differences: {len(problems)}")
