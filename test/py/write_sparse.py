"""Sparse chunked NWB files, written by pynwb as its iterative data write tutorial writes them
(docs/gallery/advanced_io/plot_iterative_write.py, "Optimizing Sparse Data Array I/O and Storage"): a TimeSeries
whose data is an AbstractDataChunkIterator of fully occupied chunks at random, non-overlapping places of a large
matrix (the last chunk, at its corner, among them), so that most chunks of the dataset are never written. Usage:

    write_sparse.py OUT.nwb ROWS COLS CHUNKS_WRITTEN CHUNK_ROWS CHUNK_COLS [--gzip] [--chunks R,C] [--fill nan|VALUE]
        [--dtype float64|int16|...] [--seed N] [--libver latest] [--unlimited] [--h5py]

--h5py then replaces the data with a dataset h5py makes, writing blocks that straddle chunks (no chunk whole); the places
printed are then the chunks h5py allocated.
--libver latest writes the file as h5py's libver="latest" does, so the dataset's chunks are indexed by HDF5 1.10's
fixed array (or, with --unlimited, a first axis without limit, its extensible array) instead of a version 1 B-tree.

Prints a JSON object: the selections written (row and column starts), in the order written.
"""
import argparse, json
from datetime import datetime, timezone
import numpy as np
from hdmf.backends.hdf5.h5_utils import H5DataIO
from hdmf.data_utils import AbstractDataChunkIterator, DataChunk
from pynwb import NWBFile, NWBHDF5IO, TimeSeries


class SparseMatrixIterator(AbstractDataChunkIterator):
    """The tutorial's iterator, seeded, its chunks distinct (the tutorial's may repeat a place)."""

    def __init__(self, shape, num_chunks, chunk_shape, dtype, rng):
        self.shape, self.num_chunks, self.chunk_shape, self._dtype = shape, num_chunks, chunk_shape, np.dtype(dtype)
        # Over the whole chunk grid, edge chunks (partly past the matrix's end) included; the last chunk always.
        grid = (-(-shape[0] // chunk_shape[0]), -(-shape[1] // chunk_shape[1]))
        picks = rng.choice(grid[0] * grid[1] - 1, size=num_chunks - 1, replace=False).tolist() + [grid[0] * grid[1] - 1]
        self.places = [(int(p // grid[1]) * chunk_shape[0], int(p % grid[1]) * chunk_shape[1]) for p in picks]
        self.rng = rng
        self.created = 0

    def __iter__(self):
        return self

    def __next__(self):
        if self.created >= self.num_chunks:
            raise StopIteration
        x, y = self.places[self.created]
        self.created += 1
        part = (min(self.chunk_shape[0], self.shape[0] - x), min(self.chunk_shape[1], self.shape[1] - y))
        if self._dtype.kind == "f":
            data = self.rng.random(part).astype(self._dtype)
        else:
            data = self.rng.integers(1, 1000, part).astype(self._dtype)
        return DataChunk(data=data, selection=np.s_[x:x + part[0], y:y + part[1]])

    next = __next__

    def recommended_chunk_shape(self):
        return self.chunk_shape

    def recommended_data_shape(self):
        return self.shape

    @property
    def dtype(self):
        return self._dtype

    @property
    def maxshape(self):
        return self.shape


p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("rows", type=int)
p.add_argument("cols", type=int)
p.add_argument("written", type=int)
p.add_argument("chunk_rows", type=int)
p.add_argument("chunk_cols", type=int)
p.add_argument("--gzip", action="store_true")
p.add_argument("--chunks")
p.add_argument("--fill")
p.add_argument("--dtype", default="float64")
p.add_argument("--seed", type=int, default=1)
p.add_argument("--libver")
p.add_argument("--unlimited", action="store_true")
p.add_argument("--h5py", action="store_true")
a = p.parse_args()

matrix = SparseMatrixIterator((a.rows, a.cols), a.written, (a.chunk_rows, a.chunk_cols), a.dtype, np.random.default_rng(a.seed))
options = {}
if a.gzip:
    options.update(compression="gzip", compression_opts=4)
if a.chunks:
    options["chunks"] = tuple(int(c) for c in a.chunks.split(","))
if a.fill is not None:
    options["fillvalue"] = np.nan if a.fill == "nan" else np.dtype(a.dtype).type(a.fill)
if a.unlimited:
    options["maxshape"] = (None, a.cols)
data = H5DataIO(data=matrix, **options) if options else matrix

nwbfile = NWBFile(session_description="demonstrate iterative write", identifier="sparse-" + str(a.seed),
                  session_start_time=datetime(2017, 4, 3, 11, tzinfo=timezone.utc))
nwbfile.add_acquisition(TimeSeries(name="synthetic_timeseries", data=data, unit="n/a", rate=1.0))
if a.libver:
    import h5py
    with NWBHDF5IO(a.out, "w", file=h5py.File(a.out, "w", libver=a.libver)) as io:
        io.write(nwbfile)
else:
    with NWBHDF5IO(a.out, "w") as io:
        io.write(nwbfile)
places = matrix.places
if a.h5py:
    # h5py's own way: the data made anew as a large chunked dataset of which a few blocks are written, each across up
    # to four chunks and filling none (the rest of each chunk allocated holds the fill value).
    import h5py
    with h5py.File(a.out, "r+") as f:
        series = f["acquisition/synthetic_timeseries"]
        attrs = dict(series["data"].attrs)
        del series["data"]
        d = series.create_dataset("data", shape=(a.rows, a.cols), dtype=a.dtype, chunks=(a.chunk_rows, a.chunk_cols),
                                  fillvalue=options.get("fillvalue"), compression=options.get("compression"))
        for k, v in attrs.items():
            d.attrs[k] = v
        rng = np.random.default_rng(a.seed + 1)
        for x, y in matrix.places[:-1]:
            x, y = x + a.chunk_rows // 2, y + a.chunk_cols // 3
            part = (min(a.chunk_rows, a.rows - x), min(a.chunk_cols, a.cols - y))
            if part[0] > 0 and part[1] > 0:
                d[x:x + part[0], y:y + part[1]] = rng.integers(1, 1000, part).astype(a.dtype)
        places = sorted(list(d.id.get_chunk_info(i).chunk_offset) for i in range(d.id.get_num_chunks()))
print(json.dumps({"places": places}))
