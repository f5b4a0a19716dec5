/**
 * Direct reads (`io/hdf5/direct-read.ts`): a file opened read-only on disk has its contiguous and B-tree-chunked
 * datasets (deflate, shuffle, both) read by tsnwb itself; every value equals what h5py reads, for whole datasets and
 * slices across chunk edges, and what tsnwb does not read itself (other filters, big-endian data, chunks never
 * written) is read by h5wasm as before.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type LazyArray, NWBHDF5IO, type TypedArray } from "../src/index.js";
import { HDF5Reader } from "../src/io/hdf5/read.js";
import { DirectDataset, directFileOf } from "../src/io/hdf5/direct-read.js";
import { objectHeaderAddress } from "../src/io/hdf5/h5.js";
import type { DatasetBuilder, GroupBuilder } from "../src/mapping/builders.js";
import { tempFolder } from "./helpers.js";

const tmp = tempFolder();
afterAll(() => tmp.cleanup());
const file = path.join(tmp.dir, "layouts.h5");

/** Each dataset: how h5py makes it, whether tsnwb reads it itself, and the slices compared. */
const CASES: Record<string, { make: string; direct: boolean; slices: [number, number][][] }> = {
  contiguous: { make: `f.create_dataset(n, data=rng.random((6, 5, 4)))`, direct: true, slices: [[[1, 4], [0, 5], [0, 4]], [[0, 6], [2, 3], [1, 3]]] },
  gzip_shuffle: { make: `f.create_dataset(n, data=rng.integers(-3000, 3000, (7, 5, 6)).astype("int16"), chunks=(2, 2, 4), compression="gzip", shuffle=True)`, direct: true, slices: [[[1, 6], [1, 4], [3, 6]], [[6, 7], [0, 5], [0, 6]]] },
  shuffle: { make: `f.create_dataset(n, data=rng.random((9, 4)).astype("float32"), chunks=(4, 3), shuffle=True)`, direct: true, slices: [[[3, 9], [2, 4]]] },
  gzip_many_chunks: { make: `f.create_dataset(n, data=np.arange(15000, dtype="uint16").reshape(5000, 3), chunks=(1, 3), compression="gzip")`, direct: true, slices: [[[4321, 4330], [0, 3]], [[0, 1], [0, 3]]] },
  uint8_frames: { make: `f.create_dataset(n, data=rng.integers(0, 255, (10, 16, 18, 3)).astype("uint8"), chunks=(1, 16, 18, 3), compression="gzip", compression_opts=4)`, direct: true, slices: [[[9, 10], [0, 16], [0, 18], [0, 3]]] },
  scalar: { make: `f.create_dataset(n, data=3.5)`, direct: true, slices: [] },
  fletcher32: { make: `f.create_dataset(n, data=rng.random((9, 4)), chunks=(4, 3), fletcher32=True)`, direct: false, slices: [[[2, 7], [1, 3]]] },
  big_endian: { make: `f.create_dataset(n, data=np.arange(12, dtype=">i4").reshape(3, 4))`, direct: false, slices: [] },
  unwritten_chunks: { make: `d = f.create_dataset(n, shape=(10, 4), dtype="uint8", chunks=(2, 4)); d[0:2] = 7`, direct: true, slices: [[[0, 4], [0, 4]]] },
};

/**
 * HDF5 1.10's chunk indexes (h5py's libver="latest"; tsnwb's live files): single chunk, fixed array (paged past
 * 1024 chunks), extensible array (index block, data blocks, super blocks, paged data blocks; filtered; chunks and
 * pages never written).
 */
const LATEST: typeof CASES = {
  extensible: { make: `d = f.create_dataset(n, shape=(0, 4, 5), maxshape=(None, 4, 5), chunks=(1, 4, 5), dtype="u1"); d.resize(600, axis=0); d[...] = (np.arange(12000).reshape(600, 4, 5) % 251).astype("u1")`, direct: true, slices: [[[3, 5], [0, 4], [0, 5]], [[250, 520], [1, 3], [2, 5]], [[599, 600], [0, 4], [0, 5]]] },
  extensible_gzip_shuffle: { make: `d = f.create_dataset(n, shape=(0, 8), maxshape=(None, 8), chunks=(2, 8), dtype="f8", compression="gzip", shuffle=True); d.resize(333, axis=0); d[...] = rng.random((333, 8))`, direct: true, slices: [[[100, 301], [3, 8]]] },
  extensible_holes: { make: `d = f.create_dataset(n, shape=(50, 6), maxshape=(None, 6), chunks=(5, 6), dtype="i8"); d[0:5] = 1; d[40:45] = 7`, direct: true, slices: [[[38, 46], [0, 6]]] },
  // 140,000 chunks reach the extensible array's paged data blocks (over 1024 entries each, from 131,056 on).
  extensible_paged: { make: `d = f.create_dataset(n, shape=(0,), maxshape=(None,), chunks=(1,), dtype="i4"); d.resize(140000, axis=0); d[...] = np.arange(140000, dtype="i4") * 3`, direct: true, slices: [[[134120, 134140]], [[139990, 140000]]] },
  extensible_paged_holes: { make: `d = f.create_dataset(n, shape=(0,), maxshape=(None,), chunks=(1,), dtype="i4"); d.resize(140000, axis=0); d[0:10] = 5; d[135000:135010] = 9`, direct: true, slices: [[[134995, 135015]], [[100000, 100010]]] },
  fixed_paged_holes: { make: `d = f.create_dataset(n, shape=(5000,), chunks=(1,), dtype="i2"); d[10:20] = 4; d[4000:4003] = 8`, direct: true, slices: [[[3995, 4005]]] },
  fixed_gzip: { make: `f.create_dataset(n, data=np.arange(1000, dtype="i2").reshape(100, 10), chunks=(7, 3), compression="gzip")`, direct: true, slices: [[[13, 57], [2, 9]]] },
  fixed_paged: { make: `f.create_dataset(n, data=rng.integers(0, 1000, (2100, 3)).astype("i4"), chunks=(1, 3))`, direct: true, slices: [[[1020, 1030], [0, 3]], [[2099, 2100], [1, 2]]] },
  fixed_larger_maximum: { make: `d = f.create_dataset(n, shape=(10, 6), maxshape=(10, 12), chunks=(2, 4), dtype="u2"); d[...] = np.arange(60).reshape(10, 6)`, direct: false, slices: [[[3, 7], [1, 5]]] },
  single: { make: `f.create_dataset(n, data=np.arange(50, dtype="f4").reshape(5, 10), chunks=(5, 10))`, direct: true, slices: [[[1, 3], [2, 9]]] },
  single_gzip: { make: `f.create_dataset(n, data=np.arange(50, dtype="f4").reshape(5, 10), chunks=(5, 10), compression="gzip")`, direct: true, slices: [[[0, 5], [0, 10]]] },
};

/** sha256 of what h5py reads for each case and slice (whole first), computed by h5py. */
function h5pyHashes(file: string, cases: typeof CASES, libver = "earliest"): Record<string, string[]> {
  const script = `import h5py, numpy as np, hashlib, json, sys
rng = np.random.default_rng(7)
cases = json.loads(sys.argv[2])
with h5py.File(sys.argv[1], "w", libver=sys.argv[3]) as f:
    for n, c in cases.items():
        exec(c["make"])
out = {}
with h5py.File(sys.argv[1], "r") as f:
    for n, c in cases.items():
        d = f[n]
        sels = [()] + [tuple(slice(a, b) for a, b in s) for s in c["slices"]]
        out[n] = [hashlib.sha256(np.ascontiguousarray(d[s]).astype(d.dtype.newbyteorder("<")).tobytes()).hexdigest() for s in sels]
print(json.dumps(out))`;
  return JSON.parse(execFileSync("/usr/bin/python3", ["-c", script, file, JSON.stringify(cases), libver], { encoding: "utf8" })) as Record<string, string[]>;
}

const sha = (a: TypedArray) => createHash("sha256").update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest("hex");

describe("direct reads", () => {
  it("read every layout to the values h5py reads, tsnwb itself where it can, h5wasm elsewhere", async () => {
    const expected = h5pyHashes(file, CASES);
    const io = await NWBHDF5IO.open(file, "r");
    try {
      const direct = directFileOf(io._h5.file)!;
      expect(direct).toBeDefined();
      const tree: GroupBuilder = new HDF5Reader(io._h5.m, io._h5.file, file).readTree();
      for (const [name, c] of Object.entries(CASES)) {
        const ds = tree.datasets.get(name) as DatasetBuilder;
        const lazy = ds.value as LazyArray;
        const plan = DirectDataset.plan(direct, objectHeaderAddress(io._h5.file, `/${name}`), lazy.shape, (lazy.dtype.match(/\d+/) ? Number(lazy.dtype.match(/\d+/)![0]) : 8) / 8);
        expect(plan !== undefined, name).toBe(c.direct);
        const hashes = [sha((await lazy.read()) as TypedArray), ...(await Promise.all(c.slices.map(async (s) => sha((await lazy.read(s)) as TypedArray))))];
        expect(hashes, name).toEqual(expected[name]);
        // readInto (h5py's read_direct) fills one reused array with the same values, slice after slice.
        const whole = (await lazy.read()) as TypedArray;
        for (const [i, s] of [undefined, ...c.slices].entries()) {
          const count = s ? s.map(([a, b]) => b - a).reduce((x, y) => x * y, 1) : whole.length;
          const out = new (whole.constructor as new (n: number) => TypedArray)(count).fill(99 as never);
          await lazy.readInto!(s, out);
          expect(sha(out), `${name} readInto ${i}`).toBe(expected[name]![i]);
        }
      }
      // The array must be of the dataset's dtype and of the selection's size.
      const contiguous = (tree.datasets.get("contiguous") as DatasetBuilder).value as LazyArray;
      await expect(contiguous.readInto!([[0, 1]], new Float32Array(20))).rejects.toThrow(/\/contiguous: field 'out': expected a Float64Array of 20 elements, got Float32Array of 20/);
      await expect(contiguous.readInto!([[0, 1]], new Float64Array(19))).rejects.toThrow(/expected a Float64Array of 20 elements, got Float64Array of 19/);
    } finally {
      await io.close();
    }
  });

  it("read HDF5 1.10's chunk indexes (single chunk, fixed array, extensible array, paged too) themselves, to h5py's values", async () => {
    const latest = path.join(tmp.dir, "latest.h5");
    const expected = h5pyHashes(latest, LATEST, "latest");
    const io = await NWBHDF5IO.open(latest, "r");
    try {
      const direct = directFileOf(io._h5.file)!;
      const tree: GroupBuilder = new HDF5Reader(io._h5.m, io._h5.file, latest).readTree();
      for (const [name, c] of Object.entries(LATEST)) {
        const lazy = (tree.datasets.get(name) as DatasetBuilder).value as LazyArray;
        const e = Number(lazy.dtype.match(/\d+/)![0]) / 8;
        const plan = DirectDataset.plan(direct, objectHeaderAddress(io._h5.file, `/${name}`), lazy.shape, e);
        expect(plan !== undefined, name).toBe(c.direct);
        const hashes = [sha((await lazy.read()) as TypedArray), ...(await Promise.all(c.slices.map(async (s) => sha((await lazy.read(s)) as TypedArray))))];
        expect(hashes, name).toEqual(expected[name]);
        // Read by tsnwb itself, not by the fallback: every chunk was found, and chunks never written (holes) are
        // the fill value, as h5py reads them.
        if (plan) {
          const out = new Uint8Array(lazy.shape.reduce((a, b) => a * b, e));
          expect(plan.readInto(lazy.shape.map((n) => [0, n]), out), name).toBe(true);
          expect(sha(out), name).toBe(expected[name]![0]);
          // The chunks written, as h5py lists them (in C order of the chunk grid): what an export copies.
          const listed = execFileSync("/usr/bin/python3", ["-c", `import h5py, json, sys
d = h5py.File(sys.argv[1], "r")[sys.argv[2]]
n = d.id.get_num_chunks()
# get_chunk_info(i) walks the index from its start: listed only when the chunks are few.
print(json.dumps(sorted(list(d.id.get_chunk_info(i).chunk_offset) for i in range(n)) if n <= 2000 else n))`, latest, name], { encoding: "utf8", maxBuffer: 64 << 20 });
          const origins = lazy.writtenChunks?.()?.origins;
          const h5 = JSON.parse(listed) as number[][] | number;
          expect(typeof h5 === "number" ? origins?.length : origins, name).toEqual(h5);
        }
      }
    } finally {
      await io.close();
    }
  });

  it("a file open for writing is read by h5wasm only (its bytes on disk may be behind HDF5's cache)", async () => {
    const io = await NWBHDF5IO.open(file, "a");
    expect(directFileOf(io._h5.file)).toBeUndefined();
    await io.abort();
  });
});
