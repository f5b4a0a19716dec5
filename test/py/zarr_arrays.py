"""Plain Zarr arrays in forms hdmf-zarr does not write by default but zarr-python does, for tsnwb's chunk reader.

usage: zarr_arrays.py OUTDIR

Writes OUTDIR/arrays.zarr (a group of arrays) and prints, per array, its values as JSON (flat, C order).
"""
import json
import sys

import numcodecs
import numpy as np
import zarr

out = sys.argv[1]
root = zarr.open_group(f"{out}/arrays.zarr", mode="w")
rng = np.random.default_rng(3)
expected = {}


def add(name, data, **kw):
    a = root.create_dataset(name, shape=data.shape, dtype=data.dtype, **kw)
    a[...] = data
    values = data.ravel().tolist()
    expected[name] = {"shape": list(data.shape), "values": values}


add("nested", rng.integers(-1000, 1000, size=(7, 5, 3)).astype(np.int32), chunks=(2, 2, 2), dimension_separator="/")
add("bigendian", np.arange(-20, 20, dtype=">i4").reshape(8, 5), chunks=(3, 2))
add("float_be", (np.arange(12, dtype=">f8") / 7), chunks=(5,))
add("zlib", rng.standard_normal((30, 4)), chunks=(7, 3), compressor=numcodecs.Zlib(level=6))
add("lz4", rng.integers(0, 255, size=(33,)).astype(np.uint8), chunks=(10,), compressor=numcodecs.LZ4())
add("raw", np.arange(10, dtype=np.int64) * (2 ** 40), chunks=(4,), compressor=None)
add("bools", np.array([True, False, True, True, False]), chunks=(2,))
add("fixed_text", np.array(["a", "bc", "déf", ""], dtype="<U3"), chunks=(3,))
add("struct", np.array([(1, 2.5), (3, -1.0), (5, 0.25)], dtype=[("n", "<i2"), ("x", "<f8")]), chunks=(2,))
add("texts", np.array(["one", "two", "three", "four", "five"], dtype=object), chunks=(2,), object_codec=numcodecs.VLenUTF8())
add("json_objects", np.array(["x", "y", "z"], dtype=object), chunks=(2,), object_codec=numcodecs.JSON())
# hdmf-zarr's arrays converted from HDF5 (ZarrDataIO.from_h5py_dataset): HDF5's shuffle and deflate as filters.
add("shuffled", rng.integers(0, 10 ** 6, size=(20, 3)).astype("<u4"), chunks=(6, 3), compressor=None,
    filters=[numcodecs.Shuffle(elementsize=4), numcodecs.Zlib(level=4)])
delta = root.create_dataset("delta", shape=(5,), chunks=(5,), dtype="i4", filters=[numcodecs.Delta(dtype="i4")])
delta[...] = np.arange(5)
# Chunks never written read as the fill value.
sparse = root.create_dataset("sparse", shape=(6, 6), chunks=(3, 3), dtype="f4", fill_value=np.nan)
sparse[0:3, 3:6] = np.arange(9, dtype="f4").reshape(3, 3)
full = np.full((6, 6), np.nan, dtype="f4")
full[0:3, 3:6] = np.arange(9, dtype="f4").reshape(3, 3)
expected["sparse"] = {"shape": [6, 6], "values": [None if np.isnan(v) else float(v) for v in full.ravel()]}
fortran = root.create_dataset("fortran", shape=(3, 4), chunks=(3, 4), dtype="i4", order="F")
fortran[...] = np.arange(12).reshape(3, 4)
expected["fortran"] = {"shape": [3, 4], "values": list(range(12))}
print(json.dumps(expected))
