/**
 * gzip datasets written by tsnwb's own chunk writer (`io/hdf5/chunk-injection.ts`): chunks compressed with Node's
 * zlib on several threads, shuffled when asked, put in the file with a version 1 B-tree once it closes. h5py reads
 * every value and reports the filters as written; the files validate; HDF5 (h5wasm) can still add to them; what
 * the chunk writer does not take (a stream with gzip and shuffle) is refused at write, leaving nothing.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Device, H5DataIO, ImageSeries, type LazyArray, NWBFile, NWBHDF5IO, TimeSeries, type TypedArray } from "../src/index.js";
import { filesIn, h5py, tempFolder, validate } from "./helpers.js";

const tmp = tempFolder();
afterAll(() => tmp.cleanup());

const session = (id: string) => new NWBFile({ session_description: "chunk writes", identifier: id, session_start_time: "2024-01-01T00:00:00+00:00" });
const sha = (a: TypedArray) => createHash("sha256").update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest("hex");

/** Deterministic values of a dtype: smooth with noise, so gzip and shuffle have something to do. */
function values<T extends TypedArray>(make: new (n: number) => T, n: number, scale: number): T {
  const out = new make(n);
  let s = 7;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = ((i % 97) * scale + (s >>> 28)) as never;
  }
  return out;
}

const CASES = [
  { name: "frames_level1", data: values(Uint8Array, 10 * 16 * 18, 1), shape: [10, 16, 18], storage: { compression: "gzip" as const, compression_opts: 1 }, expect: "gzip 1 False (10, 16, 18)" },
  { name: "frames_level9", data: values(Uint8Array, 10 * 16 * 18, 1), shape: [10, 16, 18], storage: { compression: "gzip" as const, compression_opts: 9 }, expect: "gzip 9 False (10, 16, 18)" },
  { name: "int16_shuffle_edges", data: values(Int16Array, 7 * 5 * 6, 31), shape: [7, 5, 6], storage: { compression: "gzip" as const, shuffle: true, chunks: [2, 2, 4] }, expect: "gzip 4 True (2, 2, 4)" },
  { name: "float32_shuffle", data: values(Float32Array, 9 * 4, 0.25), shape: [9, 4], storage: { compression: "gzip" as const, shuffle: true, chunks: [4, 3] }, expect: "gzip 4 True (4, 3)" },
  { name: "float64_auto_chunks", data: values(Float64Array, 300 * 7, 0.5), shape: [300, 7], storage: { compression: "gzip" as const, chunks: true }, expect: "gzip 4 False" },
];

describe("gzip written by tsnwb's chunk writer", () => {
  it("h5py reads every value and reports the filters as written; the file validates; tsnwb reads the same", async () => {
    const file = path.join(tmp.dir, "chunks.nwb");
    const nwbfile = session("chunk-writes-1");
    for (const c of CASES) {
      nwbfile.addAcquisition(new TimeSeries({ name: c.name, data: new H5DataIO({ data: { data: c.data, shape: c.shape }, ...c.storage }), unit: "n.a.", rate: 1 }));
    }
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    await io.close();
    expect(filesIn(tmp.dir).filter((f) => f.endsWith(".tsnwb-tmp"))).toEqual([]);
    const checked = validate(file);
    expect(checked.code, checked.output).toBe(0);
    for (const c of CASES) {
      const seen = h5py(file, `import hashlib
d = f["acquisition/${c.name}/data"]
print(d.compression, d.compression_opts, d.shuffle, d.chunks)
print(hashlib.sha256(d[()].tobytes()).hexdigest())`).split("\n");
      expect(seen[0], c.name).toContain(c.expect);
      expect(seen[1], c.name).toBe(sha(c.data));
    }
    const back = await NWBHDF5IO.open(file, "r");
    const read = await back.read();
    for (const c of CASES) expect(sha((await (read.getAcquisition(c.name, TimeSeries).data as LazyArray).read()) as TypedArray), c.name).toBe(sha(c.data));
    await back.close();

    // HDF5 (h5wasm) adds to such a file as to any other, and its chunks stay readable.
    const more = await NWBHDF5IO.open(file, "a");
    const again = await more.read();
    again.addDevice(new Device({ name: "added_later" }));
    await more.write(again);
    await more.close();
    expect(validate(file).code).toBe(0);
    expect(h5py(file, `import hashlib; print(hashlib.sha256(f["acquisition/int16_shuffle_edges/data"][()].tobytes()).hexdigest(), list(f["general/devices"]))`))
      .toBe(`${sha(CASES[2]!.data)} ['added_later']`);
  });

  it("refuses gzip with shuffle where h5wasm writes the chunks (a stream), naming the dataset, and leaves nothing", async () => {
    const dir = tempFolder();
    try {
      const nwbfile = session("chunk-writes-2");
      const frames = (function* () {
        for (let i = 0; i < 2; i++) yield { data: new Uint8Array(16).fill(i), shape: [4, 4] };
      })();
      nwbfile.addAcquisition(new ImageSeries({ name: "camera", data: new H5DataIO({ data: frames, compression: "gzip", shuffle: true }), unit: "n.a.", rate: 1 }));
      const io = await NWBHDF5IO.open(path.join(dir.dir, "stream.nwb"), "w");
      await expect(io.write(nwbfile)).rejects.toThrow(/\/acquisition\/camera\/data: field 'storage': expected gzip or shuffle, not both, here: tsnwb writes gzip with shuffle itself for numbers given in memory to a new file in Node/);
      expect(filesIn(dir.dir)).toEqual([]);
    } finally {
      dir.cleanup();
    }
  });
});

