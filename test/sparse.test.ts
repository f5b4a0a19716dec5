/**
 * Sparse chunked datasets ("Files in the wild"): pynwb's iterative write tutorial writes a large matrix of which only
 * some chunks hold values (an AbstractDataChunkIterator of chunks at places; test/py/write_sparse.py), the rest never
 * written, reading as the dataset's fill value; h5py makes such datasets too, writing blocks across chunks. tsnwb reads them (its direct chunk reader, and h5wasm's HDF5 for
 * files in memory) with the fill value the file stores, and its export copies the chunks the source holds only,
 * keeping the chunk layout and the fill value: the export is about the size of its source, not of its shape. Every
 * value is held to h5py's; each export is read by pynwb and passes its validator.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { H5DataIO, NWBFile, NWBHDF5IO, NWBMemoryIO, type LazyArray, type TypedArray, TimeSeries } from "../src/index.js";
import { h5, h5wasm } from "../src/io/hdf5/h5-node.js";
import { HDF5Writer } from "../src/io/hdf5/write.js";
import { DatasetBuilder, GroupBuilder } from "../src/mapping/builders.js";
import { ORACLE, ROOT, TSNWB, h5py, sha256, tempFolder } from "./helpers.js";

const tmp = tempFolder();
afterAll(() => tmp.cleanup());

const DATA = "acquisition/synthetic_timeseries/data";

interface Case {
  name: string;
  /** write_sparse.py's arguments after the output path. */
  args: string[];
  dtype: string;
  /** The fill value h5py gives, as text (NaN as "nan"). */
  fill: string;
  /** Export with the command line (else the library). */
  cli?: boolean;
}

const CASES: Case[] = [
  // HDF5 1.8's version 1 B-tree (pynwb's default), gzip, NaN where nothing was written.
  { name: "btree-nan-gzip", args: ["1000", "1000", "6", "100", "100", "--fill", "nan", "--gzip"], dtype: "float64", fill: "nan", cli: true },
  // The default fill value (0), edge chunks (the matrix is not a whole number of chunks).
  { name: "btree-default", args: ["1050", "530", "5", "100", "100"], dtype: "float64", fill: "0.0" },
  // HDF5 1.10's fixed array index (libver="latest"), integers with a negative fill value.
  { name: "fixed-int16", args: ["1050", "530", "6", "100", "100", "--dtype", "int16", "--fill", "-7", "--libver", "latest"], dtype: "int16", fill: "-7", cli: true },
  // HDF5 1.10's extensible array (a first axis without limit), float32, gzip.
  { name: "earray-float32", args: ["1000", "500", "6", "100", "100", "--dtype", "float32", "--fill", "2.5", "--libver", "latest", "--unlimited", "--gzip"], dtype: "float32", fill: "2.5" },
  // h5py's own sparse dataset: blocks written across chunks, none whole (the rest of each chunk is the fill value).
  { name: "h5py-straddling", args: ["1000", "700", "5", "100", "100", "--fill", "3.5", "--gzip", "--h5py"], dtype: "float64", fill: "3.5", cli: true },
  // A uint64 fill value beyond 2^53 (exact only as a bigint).
  { name: "btree-uint64", args: ["600", "300", "4", "50", "100", "--dtype", "uint64", "--fill", String(2n ** 60n + 1n)], dtype: "uint64", fill: String(2n ** 60n + 1n) },
];

interface Made {
  source: string;
  exported: string;
  /** The first element of each chunk written, as the writer placed them. */
  places: [number, number][];
  shape: [number, number];
  chunk: [number, number];
}

const made = new Map<string, Made>();

/** What h5py sees of the dataset: its layout, fill value, chunks allocated, and the sha256 of its values. */
function h5pyFacts(file: string): Record<string, unknown> {
  return JSON.parse(h5py(file, `import hashlib
d = f["${DATA}"]
offsets = sorted(list(d.id.get_chunk_info(i).chunk_offset) for i in range(d.id.get_num_chunks()))
print(json.dumps({"dtype": d.dtype.str, "shape": list(d.shape), "chunks": list(d.chunks), "maxshape": [m if m is not None else -1 for m in d.maxshape],
  "compression": d.compression, "fill": str(d.fillvalue.item() if hasattr(d.fillvalue, "item") else d.fillvalue), "num_chunks": d.id.get_num_chunks(),
  "offsets": offsets, "sha256": hashlib.sha256(np.ascontiguousarray(d[()]).tobytes()).hexdigest()}))`)) as Record<string, unknown>;
}

/** The sha256 of h5py's values of each selection (rows, columns as [start, stop)). */
function h5pySlices(file: string, selections: [number, number][][]): string[] {
  return JSON.parse(h5py(file, `import hashlib
d = f["${DATA}"]
print(json.dumps([hashlib.sha256(np.ascontiguousarray(d[a:b, c:e]).tobytes()).hexdigest() for (a, b), (c, e) in ${JSON.stringify(selections)}]))`)) as string[];
}

/**
 * Selections that cross written and unwritten chunks: around each chunk written (30 elements beyond its edges),
 * a chunk never written exactly, one written chunk exactly, and single elements in and out of chunks written.
 */
function selections(m: Made): [number, number][][] {
  const [rows, cols] = m.shape;
  const [cr, cc] = m.chunk;
  const clip = (a: number, b: number, n: number): [number, number] => [Math.max(0, a), Math.min(n, b)];
  const out: [number, number][][] = m.places.map(([r, c]) => [clip(r - 30, r + cr + 30, rows), clip(c - 30, c + cc + 30, cols)]);
  const written = new Set(m.places.map(([r, c]) => `${r},${c}`));
  let empty: [number, number] | undefined;
  for (let r = 0; r + cr <= rows && !empty; r += cr) for (let c = 0; c + cc <= cols && !empty; c += cc) if (!written.has(`${r},${c}`)) empty = [r, c];
  out.push([[empty![0], empty![0] + cr], [empty![1], empty![1] + cc]]);
  const [r0, c0] = m.places[0]!;
  out.push([[r0, r0 + cr], [c0, c0 + cc]], [[r0 + 1, r0 + 2], [c0 + 3, c0 + 4]], [[empty![0] + 5, empty![0] + 6], [empty![1] + 7, empty![1] + 8]]);
  // The whole matrix, and rows across every chunk of a column of chunks.
  out.push([[0, rows], [0, cols]], [[0, rows], [c0 + 10, c0 + 11]]);
  return out;
}

async function tsnwbSlices(data: LazyArray, sels: [number, number][][]): Promise<string[]> {
  const out: string[] = [];
  for (const s of sels) out.push(sha256((await data.read(s)) as TypedArray));
  return out;
}

beforeAll(async () => {
  for (const c of CASES) {
    const source = path.join(tmp.dir, `${c.name}.nwb`);
    const printed = execFileSync(ORACLE, ["python", path.join(ROOT, "test", "py", "write_sparse.py"), source, ...c.args], { encoding: "utf8" });
    const { places } = JSON.parse(printed.trim().split("\n").pop()!) as { places: [number, number][] };
    const exported = path.join(tmp.dir, `${c.name}-export.nwb`);
    if (c.cli) {
      const r = spawnSync(process.execPath, [TSNWB, "export", source, exported], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
    } else {
      const src = await NWBHDF5IO.open(source, "r");
      const out = await NWBHDF5IO.open(exported, "w");
      await out.write(await src.read());
      await out.close();
      await src.close();
    }
    made.set(c.name, { source, exported, places, shape: [Number(c.args[0]), Number(c.args[1])], chunk: [Number(c.args[3]), Number(c.args[4])] });
  }
}, 240_000);

describe.each(CASES)("a sparse dataset: $name", (c) => {
  it("export never writes more than the source holds, and keeps the chunk layout, the fill value and the chunks unwritten", () => {
    const m = made.get(c.name)!;
    const before = statSync(m.source).size;
    const after = statSync(m.exported).size;
    // Before: every chunk of the shape was written (8 MB and more for a 1 MB source).
    expect(after).toBeLessThanOrEqual(before + 64 * 1024);
    const src = h5pyFacts(m.source);
    const out = h5pyFacts(m.exported);
    expect(src.num_chunks).toBe(m.places.length);
    expect(src.fill).toBe(c.fill);
    expect(out).toEqual(src);
  });

  it("reads the values h5py reads, the fill value where nothing was written (direct reader)", async () => {
    const m = made.get(c.name)!;
    const sels = selections(m);
    const expected = h5pySlices(m.source, sels);
    for (const file of [m.source, m.exported]) {
      const io = await NWBHDF5IO.open(file, "r");
      const series = (await io.read()).getAcquisition("synthetic_timeseries", TimeSeries);
      const data = series.data as LazyArray;
      expect(data.dtype).toBe(c.dtype);
      // The chunks written, listed from the file's chunk index.
      expect(data.writtenChunks?.()?.origins.map((o) => o.join(",")).sort()).toEqual(m.places.map((p) => p.join(",")).sort());
      expect(data.storage?.fillvalue).toEqual(c.fill === "0.0" ? undefined : c.dtype === "uint64" ? BigInt(c.fill) : Number(c.fill));
      expect(await tsnwbSlices(data, sels)).toEqual(expected);
      // One element of a chunk never written, as a number: the fill value.
      const [[r], [col]] = sels[m.places.length]!;
      const one = (await data.read([[r!, r! + 1], [col!, col! + 1]])) as TypedArray;
      expect(String(one[0])).toBe(c.fill === "nan" ? "NaN" : c.fill === "0.0" ? "0" : c.fill);
      await io.close();
    }
  });

  it("reads the same values through h5wasm's HDF5 (a file in memory)", async () => {
    const m = made.get(c.name)!;
    const sels = selections(m);
    const io = await NWBHDF5IO.open(readFileSync(m.exported));
    const data = (await io.read()).getAcquisition("synthetic_timeseries", TimeSeries).data as LazyArray;
    // No file's bytes at hand: the direct reader is not used.
    expect(data.writtenChunks?.()).toBeUndefined();
    expect(await tsnwbSlices(data, sels)).toEqual(h5pySlices(m.source, sels));
    await io.close();
  });
});

describe("an export written in memory (h5wasm writes the chunks, as in a browser)", () => {
  it("writes only the chunks the source holds, with its fill value", async () => {
    const m = made.get("fixed-int16")!;
    const src = await NWBHDF5IO.open(m.source, "r");
    const out = await NWBMemoryIO.open(undefined, "w");
    await out.write(await src.read());
    await out.close();
    await src.close();
    const file = path.join(tmp.dir, "fixed-int16-memory.nwb");
    writeFileSync(file, out.bytes());
    expect(statSync(file).size).toBeLessThanOrEqual(statSync(m.source).size + 64 * 1024);
    const facts = h5pyFacts(file);
    expect([facts.num_chunks, facts.fill, facts.offsets, facts.sha256]).toEqual([m.places.length, "-7", h5pyFacts(m.source).offsets, h5pyFacts(m.source).sha256]);
  });
});

describe("a fill value set by the caller (H5DataIO's fillvalue)", () => {
  it("is written in the dataset's header, read back, and refused when the dtype cannot hold it", async () => {
    const nwbfile = new NWBFile({ session_description: "fill", identifier: "fill-value", session_start_time: "2024-05-06T07:08:09+02:00" });
    const values = Float32Array.from({ length: 40 * 6 }, (_, i) => i / 2);
    nwbfile.addAcquisition(new TimeSeries({ name: "nan", data: new H5DataIO({ data: { data: values, shape: [40, 6] }, chunks: [8, 6], fillvalue: NaN }), unit: "m", rate: 10 }));
    nwbfile.addAcquisition(new TimeSeries({ name: "growing", data: H5DataIO.growable([], "int16", { fillvalue: -1 }), unit: "m", rate: 10 }));
    const file = path.join(tmp.dir, "fill-values.nwb");
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    await io.close();
    expect(JSON.parse(h5py(file, `a = f["acquisition/nan/data"]; b = f["acquisition/growing/data"]
print(json.dumps([str(a.fillvalue), a.chunks, float(a[39, 5]), sorted(a.attrs), int(b.fillvalue), b.shape, sorted(b.attrs)]))`))).toEqual(
      ["nan", [8, 6], 119.5, ["conversion", "offset", "resolution", "unit"], -1, [0], ["conversion", "offset", "resolution", "unit"]],
    );
    const back = await NWBHDF5IO.open(file, "r");
    const read = await back.read();
    expect(Number.isNaN((read.getAcquisition("nan", TimeSeries).data as LazyArray).storage?.fillvalue)).toBe(true);
    expect((read.getAcquisition("growing", TimeSeries).data as LazyArray).storage?.fillvalue).toBe(-1);
    await back.close();

    const bad = new NWBFile({ session_description: "fill", identifier: "bad-fill", session_start_time: "2024-05-06T07:08:09+02:00" });
    bad.addAcquisition(new TimeSeries({ name: "bad", data: new H5DataIO({ data: { data: new Uint8Array(4), shape: [4] }, fillvalue: 300 }), unit: "m", rate: 10 }));
    const badIO = await NWBHDF5IO.open(path.join(tmp.dir, "bad-fill.nwb"), "w");
    await expect(badIO.write(bad)).rejects.toThrow(/storage\.fillvalue.*uint8.*300/);
    await badIO.close();
  });
});

describe("a fill value on a dataset of many attributes", () => {
  it("is refused when written, naming the dataset and the field (HDF5 would move the room for it out of the header)", async () => {
    const m = await h5();
    const file = new (h5wasm().File)(path.join(tmp.dir, "many-attributes.h5"), "w");
    try {
      const root = new GroupBuilder("root");
      const ds = new DatasetBuilder("data", { data: new Float64Array(8), shape: [8], dtype: "float64" }, false, { chunks: [4], fillvalue: 1.5 });
      for (let i = 0; i < 8; i++) ds.attributes.set(`a${i}`, { value: { data: Float64Array.of(i), shape: [], dtype: "float64" }, scalar: true });
      root.add(ds);
      await expect(new HDF5Writer(m, file as never).write(root)).rejects.toThrow("/data: field 'storage.fillvalue': expected a dataset of at most 7 attributes (tsnwb keeps room for the fill value among them), got 8 attributes");
    } finally {
      file.close();
    }
  });
});

describe("the exports, judged by pynwb", () => {
  it("are read by `oracle read` and pass `oracle validate`", () => {
    for (const m of made.values()) {
      const read = spawnSync(ORACLE, ["read", m.exported], { encoding: "utf8" });
      expect(read.status, read.stdout + read.stderr).toBe(0);
      const valid = spawnSync(ORACLE, ["validate", m.exported], { encoding: "utf8" });
      expect(valid.status, valid.stdout + valid.stderr).toBe(0);
    }
  }, 120_000);
});
