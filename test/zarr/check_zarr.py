"""
Judges NWB Zarr stores tsnwb wrote, with hdmf-zarr and pynwb: for each pair (store, HDF5 original),
hdmf_zarr's NWBZarrIO reads the store (every object constructed), every object's fields are compared value for
value with pynwb's read of the original (objects matched by object_id), and pynwb's validator judges the store.
Usage: check_zarr.py [--by-name] STORE ORIGINAL [STORE ORIGINAL ...]; prints one JSON object per pair:
{"store", "objects", "differences": [...], "validation": [...], "error"}. With --by-name, objects are matched
by type and name instead (a store and an original written from two NWBFile objects of the same content).
"""
import json
import sys
import traceback
import warnings

import numpy as np
from hdmf.container import AbstractContainer
from hdmf.data_utils import DataIO
import zarr
from hdmf.validate import ValidatorMap
from hdmf.build import BuildManager
from hdmf_zarr.utils import ZarrSpecReader
from pynwb import NWBHDF5IO, get_type_map
from hdmf_zarr.nwb import NWBZarrIO

warnings.simplefilter("ignore")

BY_NAME = False


def key_of(o):
    return (o.neurodata_type, o.name) if BY_NAME else o.object_id


# Fields whose values differ by design between two reads (where the object was read from).
SKIP_FIELDS = {"container_source"}


def plain(v):
    """A value as plain Python/numpy data, comparable whichever backend it was read from."""
    if isinstance(v, DataIO):
        v = v.data
    if isinstance(v, AbstractContainer):
        return ("object", key_of(v))
    if isinstance(v, (str, bytes, np.bytes_, np.str_)):
        return v.decode("utf-8") if isinstance(v, (bytes, np.bytes_)) else str(v)
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if hasattr(v, "shape") and hasattr(v, "dtype") and not isinstance(v, np.generic):
        a = np.asarray(v[()] if v.shape == () else v[:])
        if a.dtype.kind in "OSUV":
            return [plain(x) for x in a.tolist()] if a.ndim > 0 else plain(a.item())
        return a
    if hasattr(v, "__len__") and hasattr(v, "__getitem__") and not isinstance(v, np.generic):
        # hdmf-zarr's lazy reference datasets and the like: element by element.
        return [plain(v[i]) for i in range(len(v))]
    if isinstance(v, np.generic):
        return v.item()
    return v


def same(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape:
            return False
        if a.dtype.kind in "fc" or b.dtype.kind in "fc":
            return bool(np.array_equal(a, b, equal_nan=True))
        return bool(np.array_equal(a, b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b):
        return True
    return a == b


def short(v):
    s = repr(v)
    return s if len(s) < 200 else s[:200] + "..."


def store_manager(store):
    """
    A build manager with every namespace the store caches. hdmf-zarr's own `load_namespaces=True` loads only the
    first: each namespace's reader has the same source and path ("./namespace"), which hdmf's catalog takes for the
    same document and skips; so each is loaded here with a reader of its own source.
    """
    tm = get_type_map()
    root = zarr.open(store, "r")
    specs = root[root.attrs[".specloc"]]
    for ns in specs.keys():
        version = list(specs[ns].keys())[-1]
        tm.load_namespaces("namespace", reader=ZarrSpecReader(specs[ns][version], source=f"{store}/{ns}/{version}"))
    return BuildManager(tm)


def open_store(store):
    return NWBZarrIO(store, "r", manager=store_manager(store))


def materialise_text(builder):
    """
    Text arrays as numpy strings: hdmf's validator types a dataset by its dtype's `vlen` metadata, which h5py's
    string datasets carry and zarr's object arrays do not (it fails the same way on stores hdmf-zarr writes
    itself), so the text datasets of the builder tree are read into memory before it is validated.
    """
    for g in builder.groups.values():
        materialise_text(g)
    for d in builder.datasets.values():
        data = d.data
        if isinstance(data, zarr.Array) and data.dtype == object and d.dtype not in ("object", "region") and not isinstance(d.dtype, list):
            dict.__setitem__(d, "data", np.array([x.decode("utf-8") if isinstance(x, bytes) else x for x in data[:].tolist()]))


def validate_store(store):
    """pynwb's validation (`pynwb.validate(io=...)`'s steps), on the store's builder tree with its text in memory."""
    with open_store(store) as zio:
        builder = zio.read_builder()
        materialise_text(builder)
        errors = []
        for ns in sorted({"core", *[n for n in zio.manager.namespace_catalog.namespaces if n not in ("hdmf-common", "hdmf-experimental", "core")]}):
            validator = ValidatorMap(zio.manager.namespace_catalog.get_namespace(name=ns))
            errors.extend(str(e) for e in validator.validate(builder))
        return errors


def compare(store, original):
    out = {"store": store, "objects": 0, "differences": [], "validation": [], "error": None}
    try:
        with NWBHDF5IO(original, "r") as hio:
            h = hio.read()
            expected = {key_of(o): o for o in h.objects.values()}
            with open_store(store) as zio:
                z = zio.read()
                got = {key_of(o): o for o in z.objects.values()}
                out["objects"] = len(got)
                for oid, ho in expected.items():
                    zo = got.get(oid)
                    if zo is None:
                        out["differences"].append(f"{ho.neurodata_type} {ho.name} ({oid}) missing from the store")
                        continue
                    if type(zo).__name__ != type(ho).__name__:
                        out["differences"].append(f"{ho.name}: type {type(zo).__name__} != {type(ho).__name__}")
                    for key in sorted(set(ho.fields) | set(zo.fields)):
                        if key in SKIP_FIELDS:
                            continue
                        a, b = plain(ho.fields.get(key)), plain(zo.fields.get(key))
                        if not same(a, b):
                            out["differences"].append(f"{ho.neurodata_type} {ho.name}.{key}: store {short(b)} != original {short(a)}")
                for oid in got.keys() - expected.keys():
                    out["differences"].append(f"{got[oid].neurodata_type} {got[oid].name} ({oid}) only in the store")
        out["validation"] = validate_store(store)
    except Exception:
        out["error"] = traceback.format_exc()
    return out


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--by-name":
        BY_NAME = True
        args = args[1:]
    for i in range(0, len(args), 2):
        print(json.dumps(compare(args[i], args[i + 1])), flush=True)
