"""Zarr stores hdmf-zarr writes, for tsnwb's read of them (test/zarr-read.test.ts).

usage: zarr_stores.py OUTDIR FIXTURE.nwb...

Each fixture is exported by hdmf-zarr (NWBZarrIO.export) to OUTDIR/<name>.zarr. Then one file is made twice from the
same values, once by pynwb in HDF5 (OUTDIR/made.nwb) and once by hdmf-zarr directly (OUTDIR/made.nwb.zarr, not an
export): a movie chunked one frame a chunk (gzip), a float32 matrix whose chunks do not divide it (zstd), an
uncompressed array, links, object references (a table region, an object column, compound rows of references),
ragged columns (text, numbers, references), text, booleans and scalars. Prints a JSON object of facts to check.
"""
import json
import os
import shutil
import sys
import warnings
from datetime import datetime, timezone

import numcodecs
import numpy as np

warnings.simplefilter("ignore")

import hdmf.container  # noqa: E402
import uuid  # noqa: E402
import random  # noqa: E402
from hdmf_zarr import ZarrDataIO  # noqa: E402
from hdmf_zarr.nwb import NWBZarrIO  # noqa: E402
from pynwb import NWBHDF5IO, NWBFile, TimeSeries  # noqa: E402
from pynwb.ecephys import ElectricalSeries  # noqa: E402
from pynwb.image import ImageSeries  # noqa: E402

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

for src in sys.argv[2:]:
    dst = os.path.join(out, os.path.basename(src) + ".zarr")
    shutil.rmtree(dst, ignore_errors=True)
    with NWBHDF5IO(src, "r", load_namespaces=True) as io:
        f = io.read()
        # The reading handle's manager knows the file's extensions, so hdmf-zarr caches their specification too.
        with NWBZarrIO(dst, "w", manager=io.manager) as z:
            z.export(src_io=io, nwbfile=f, write_args={"link_data": False})

rng = np.random.default_rng(21)
movie = rng.integers(0, 4000, size=(40, 64, 48), dtype=np.uint16)
matrix = rng.standard_normal((300, 7)).astype(np.float32)
plain = np.arange(300, dtype=np.int32) * 3


def make(zarr_io: bool) -> NWBFile:
    """The same file for both backends (object ids too); `zarr_io` wraps arrays in ZarrDataIO (chunks and compressors)."""
    ids = random.Random(7)
    hdmf.container.uuid4 = lambda: uuid.UUID(int=ids.getrandbits(128), version=4)
    f = NWBFile(session_description="zarr read test", identifier="zarr-made-1",
                session_start_time=datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc),
                file_create_date=datetime(2024, 5, 7, tzinfo=timezone.utc),
                experimenter=["Ada", "Grace"], keywords=["zarr", "read"])
    wrap = (lambda data, **kw: ZarrDataIO(data=data, **kw)) if zarr_io else (lambda data, **kw: data)
    f.add_acquisition(ImageSeries(name="movie", data=wrap(movie, chunks=(1, 64, 48), compressor=numcodecs.GZip(level=4)),
                                  unit="n.a.", rate=30.0, starting_time=0.5, description="a movie"))
    ts = TimeSeries(name="matrix", data=wrap(matrix, chunks=(64, 4), compressor=numcodecs.Zstd(level=3)), unit="V",
                    timestamps=np.linspace(0, 3, 300), comments="chunks that do not divide the shape")
    f.add_acquisition(ts)
    f.add_acquisition(TimeSeries(name="plain", data=wrap(plain, chunks=(100,), compressor=None) if zarr_io else plain,
                                 unit="count", timestamps=ts, description="its timestamps are a link"))
    device = f.create_device(name="probe", description="a probe")
    group = f.create_electrode_group(name="shank0", description="shank", location="CA1", device=device)
    for i in range(4):
        f.add_electrode(location="CA1", group=group, x=float(i), y=0.0, z=1.5, imp=-1.0, filtering="none")
    region = f.create_electrode_table_region(region=[0, 2, 3], description="three")
    f.add_acquisition(ElectricalSeries(name="es", data=np.arange(30, dtype=np.int16).reshape(10, 3), electrodes=region,
                                       rate=1000.0))
    f.add_unit_column(name="quality", description="text per unit")
    f.add_unit(spike_times=[0.1, 0.2, 0.3], electrodes=[0, 1], quality="good")
    f.add_unit(spike_times=[1.5], electrodes=[2], quality="bad")
    f.add_unit(spike_times=[], electrodes=[3], quality="good")
    f.add_trial_column(name="correct", description="bool")
    f.add_trial_column(name="label", description="ragged text", index=True)
    f.add_trial(start_time=0.0, stop_time=1.0, correct=True, label=["a", "b"])
    f.add_trial(start_time=1.0, stop_time=2.0, correct=False, label=["c"])
    f.add_epoch(start_time=0.0, stop_time=1.5, tags=["x"], timeseries=[ts])
    f.add_epoch(start_time=1.5, stop_time=3.0, tags=["y", "z"], timeseries=[ts, f.acquisition["plain"]])
    return f


h5 = os.path.join(out, "made.nwb")
zs = os.path.join(out, "made.nwb.zarr")
shutil.rmtree(zs, ignore_errors=True)
with NWBHDF5IO(h5, "w") as io:
    io.write(make(False))
with NWBZarrIO(zs, "w") as io:
    io.write(make(True))
print(json.dumps({"movie_frame7_sum": int(movie[7].astype(np.int64).sum()), "movie_shape": list(movie.shape),
                  "matrix_row_201": matrix[201].astype(float).tolist()}))
