/**
 * gzip datasets written by tsnwb's own chunk writer (`io/hdf5/chunk-injection.ts`): chunks compressed with Node's
 * zlib on several threads, shuffled when asked, put in the file with a version 1 B-tree once it closes. h5py reads
 * every value and reports the filters as written; the files validate; HDF5 (h5wasm) can still add to them; what
 * the chunk writer does not take (a stream with gzip and shuffle) is refused at write, leaving nothing.
 */
import { createHash } from "node:crypto";
import fs, { copyFileSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Device, H5DataIO, ImageSeries, type LazyArray, NWBFile, NWBHDF5IO, SeriesAppender, TimeSeries, type TypedArray } from "../src/index.js";
import { FIXTURES, filesIn, h5py, tempFolder, validate } from "./helpers.js";

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
  { name: "frames_level1", data: values(Uint8Array, 20 * 16 * 18, 1), shape: [20, 16, 18], storage: { compression: "gzip" as const, compression_opts: 1 }, expect: "gzip 1 False (20, 16, 18)" },
  { name: "frames_level9", data: values(Uint8Array, 20 * 16 * 18, 1), shape: [20, 16, 18], storage: { compression: "gzip" as const, compression_opts: 9 }, expect: "gzip 9 False (20, 16, 18)" },
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

  it("puts the chunks and their B-trees in the file, then its end in the superblock, then the layouts pointing at them: a kill between two writes leaves no address past the end", async () => {
    const file = path.join(tmp.dir, "order.nwb");
    // The writes of close()'s edit of the closed file (opened "r+" at its temporary name), in order.
    const edits: { position: number; length: number }[] = [];
    const editing = new Set<number>();
    const { openSync, writeSync } = fs;
    fs.openSync = ((p: string, flags: string, ...rest: never[]) => {
      const fd = openSync(p, flags, ...rest);
      if (flags === "r+" && path.basename(String(p)).startsWith(".order.nwb.")) editing.add(fd);
      return fd;
    }) as typeof fs.openSync;
    fs.writeSync = ((fd: number, buffer: Uint8Array, offset: number, length: number, position: number) => {
      if (editing.has(fd)) edits.push({ position, length });
      return writeSync(fd, buffer, offset, length, position);
    }) as typeof fs.writeSync;
    syncBuiltinESMExports();
    try {
      const nwbfile = session("chunk-order");
      for (const c of CASES.slice(0, 3)) nwbfile.addAcquisition(new TimeSeries({ name: c.name, data: new H5DataIO({ data: { data: c.data, shape: c.shape }, ...c.storage }), unit: "n.a.", rate: 1 }));
      const io = await NWBHDF5IO.open(file, "w");
      await io.write(nwbfile);
      await io.close();
    } finally {
      fs.openSync = openSync;
      fs.writeSync = writeSync;
      syncBuiltinESMExports();
    }
    const superblock = edits.findIndex((w) => w.position === 0);
    expect(superblock).toBeGreaterThan(0);
    expect(edits[superblock]!.length).toBe(48);
    // Before it: chunks and B-tree nodes appended, one after the other; after it: object headers, inside the old end.
    const appended = edits.slice(0, superblock);
    const oldEnd = appended[0]!.position;
    appended.forEach((w, i) => i > 0 && expect(w.position).toBe(appended[i - 1]!.position + appended[i - 1]!.length));
    const headers = edits.slice(superblock + 1);
    expect(headers.length).toBeGreaterThanOrEqual(3);
    for (const w of headers) expect(w.position + w.length).toBeLessThanOrEqual(oldEnd);
    expect(validate(file).code).toBe(0);
  });

  it("refuses gzip with shuffle where h5wasm writes the chunks (a live file), naming the dataset, and leaves nothing", async () => {
    const dir = tempFolder();
    try {
      const nwbfile = session("chunk-writes-2");
      const frames = (function* () {
        for (let i = 0; i < 2; i++) yield { data: new Uint8Array(16).fill(i), shape: [4, 4] };
      })();
      nwbfile.addAcquisition(new ImageSeries({ name: "camera", data: new H5DataIO({ data: frames, compression: "gzip", shuffle: true }), unit: "n.a.", rate: 1 }));
      const io = await NWBHDF5IO.open(path.join(dir.dir, "live.nwb"), "w", { live: true });
      await expect(io.write(nwbfile)).rejects.toThrow(/\/acquisition\/camera\/data: field 'storage': expected gzip or shuffle, not both, here: tsnwb writes gzip with shuffle itself in files written in Node/);
      expect(filesIn(dir.dir)).toEqual([]);
    } finally {
      dir.cleanup();
    }
  });
});

/** Frames of `shape` whose values depend on the frame and position, as a C-order array of `dtype`. */
function movie<T extends TypedArray>(make: new (n: number) => T, frames: number, frameShape: number[]): T {
  const perFrame = frameShape.reduce((a, b) => a * b, 1);
  const out = new make(frames * perFrame);
  for (let k = 0; k < frames; k++) for (let i = 0; i < perFrame; i++) out[k * perFrame + i] = ((k * 7 + i * 3 + (i >> 5)) % 251) as never;
  return out;
}

/**
 * Yields the movie frame by frame, or (after the first frame, which fixes the frame shape) in blocks of `perItem`
 * frames, in a buffer the generator overwrites: the writer must not keep the caller's memory.
 */
function* framesOf<T extends TypedArray>(data: T, frameShape: number[], perItem = 1): Generator<{ data: T; shape: number[] }> {
  const perFrame = frameShape.reduce((a, b) => a * b, 1);
  const reused = data.slice(0, perFrame * perItem) as T;
  for (let at = 0; at < data.length; ) {
    const frames = Math.min(at === 0 ? 1 : perItem, (data.length - at) / perFrame);
    const item = reused.subarray(0, frames * perFrame) as T;
    item.set(data.subarray(at, at + frames * perFrame) as never);
    yield { data: item, shape: at === 0 || perItem === 1 ? frameShape : [frames, ...frameShape] };
    at += frames * perFrame;
  }
}

/** Each storage option of H5DataIO on each kind of source the chunk writer takes (streams, growable data, copies). */
const STREAM_CASES = [
  { name: "stream_raw", make: Uint8Array, frames: 23, frameShape: [16, 12], storage: {}, expect: "None None False (341, 16, 12) (None, 16, 12)" },
  { name: "stream_gzip9", make: Uint8Array, frames: 23, frameShape: [16, 12], storage: { compression: "gzip" as const, compression_opts: 9 }, expect: "gzip 9 False (341, 16, 12) (None, 16, 12)" },
  // Whole-frame chunks of a frame the caller overwrites next: compressed from a copy, never from its memory.
  { name: "stream_uint8_shuffle_frames", make: Uint8Array, frames: 23, frameShape: [16, 12], storage: { compression: "gzip" as const, shuffle: true, chunks: [1, 16, 12] }, expect: "gzip 4 True (1, 16, 12) (None, 16, 12)" },
  { name: "stream_gzip_shuffle_int16", make: Int16Array, frames: 11, frameShape: [10, 6], storage: { compression: "gzip" as const, shuffle: true, chunks: [4, 5, 4] }, expect: "gzip 4 True (4, 5, 4) (None, 10, 6)" },
  { name: "stream_shuffle_float32", make: Float32Array, frames: 11, frameShape: [7], storage: { shuffle: true, chunks: [3, 7] }, expect: "None None True (3, 7) (None, 7)" },
  { name: "stream_blocks_float64", make: Float64Array, frames: 10, frameShape: [3, 4], storage: { compression: "gzip" as const, chunks: [4, 3, 4], maxshape: [null, 3, 4] as (number | null)[] }, perItem: 3, expect: "gzip 4 False (4, 3, 4) (None, 3, 4)" },
];

describe("streams and growable data written by tsnwb's chunk writer", () => {
  it("every storage option: h5py reads the values and reports the layout as asked; tsnwb reads the same; the file validates", async () => {
    const file = path.join(tmp.dir, "streams.nwb");
    const nwbfile = session("chunk-writes-3");
    const sources = new Map<string, TypedArray>();
    for (const c of STREAM_CASES) {
      const data = movie(c.make as new (n: number) => TypedArray, c.frames, c.frameShape);
      sources.set(c.name, data);
      nwbfile.addAcquisition(new TimeSeries({ name: c.name, data: new H5DataIO({ data: framesOf(data, c.frameShape, c.perItem), ...c.storage }), unit: "n.a.", rate: 1 }));
    }
    // Growable data from memory, one of whose series gets more frames from an appender before the file closes.
    const grown = movie(Uint16Array, 30, [5, 5]);
    nwbfile.addAcquisition(new TimeSeries({ name: "growable_gzip", data: new H5DataIO({ data: { data: grown.slice(0, 10 * 25), shape: [10, 5, 5] }, compression: "gzip", shuffle: true, chunks: [4, 5, 5], maxshape: [null, 5, 5] }), unit: "n.a.", rate: 1 }));
    nwbfile.addAcquisition(new TimeSeries({ name: "growable_empty", data: H5DataIO.growable([], "int32", { compression: "gzip" }), unit: "n.a.", rate: 1 }));
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    // Until the file closes, the chunks are not in it: a read says so rather than giving fill values.
    const streamed = nwbfile.getAcquisition("stream_raw", TimeSeries).data as LazyArray;
    expect(streamed.shape).toEqual([23, 16, 12]);
    await expect(streamed.read()).rejects.toThrow(/stream_raw\/data is being written: its chunks are put in the file when it closes/);
    const appender = SeriesAppender.open(io, nwbfile.getAcquisition("growable_gzip", TimeSeries));
    appender.append({ data: grown.slice(10 * 25, 13 * 25), shape: [3, 5, 5] });
    for (let k = 13; k < 30; k++) appender.append({ data: grown.slice(k * 25, (k + 1) * 25), shape: [5, 5] });
    const more = SeriesAppender.open(io, nwbfile.getAcquisition("stream_gzip9", TimeSeries));
    const extra = movie(Uint8Array, 5, [16, 12]).map((v) => 255 - v);
    more.append({ data: extra, shape: [5, 16, 12] });
    await io.close();
    sources.set("growable_gzip", grown);
    const gz = sources.get("stream_gzip9") as Uint8Array;
    const joined = new Uint8Array(gz.length + extra.length);
    joined.set(gz);
    joined.set(extra, gz.length);
    sources.set("stream_gzip9", joined);
    expect(filesIn(tmp.dir).filter((f) => f.endsWith(".tsnwb-tmp"))).toEqual([]);
    const checked = validate(file);
    expect(checked.code, checked.output).toBe(0);

    const expected = { ...Object.fromEntries(STREAM_CASES.map((c) => [c.name, c.expect])), growable_gzip: "gzip 4 True (4, 5, 5) (None, 5, 5)", growable_empty: "gzip 4 False" };
    for (const [name, layout] of Object.entries(expected)) {
      const seen = h5py(file, `import hashlib
d = f["acquisition/${name}/data"]
print(d.compression, d.compression_opts, d.shuffle, d.chunks, d.maxshape)
print(d.shape, hashlib.sha256(d[()].tobytes()).hexdigest())`).split("\n");
      expect(seen[0], name).toContain(layout);
      const source = sources.get(name);
      if (source) expect(seen[1], name).toContain(sha(source));
      else expect(seen[1], name).toContain("(0,)");
    }
    const back = await NWBHDF5IO.open(file, "r");
    const read = await back.read();
    for (const [name, source] of sources) expect(sha((await (read.getAcquisition(name, TimeSeries).data as LazyArray).read()) as TypedArray), name).toBe(sha(source));
    await back.close();

    // Reopened in mode "a", an appender grows the gzip-and-shuffle dataset: HDF5 writes those chunks through the
    // dataset's own filters, into the B-tree tsnwb wrote.
    const again = await NWBHDF5IO.open(file, "a");
    const later = SeriesAppender.open(again, (await again.read()).getAcquisition("growable_gzip", TimeSeries));
    const tail = movie(Uint16Array, 7, [5, 5]).map((v) => v + 1000);
    later.append({ data: tail, shape: [7, 5, 5] });
    await again.close();
    const all = new Uint16Array(grown.length + tail.length);
    all.set(grown);
    all.set(tail, grown.length);
    expect(h5py(file, `import hashlib
d = f["acquisition/growable_gzip/data"]
print(d.shape, d.compression, d.shuffle, hashlib.sha256(d[()].tobytes()).hexdigest())`)).toBe(`(37, 5, 5) gzip True ${sha(all)}`);
    expect(validate(file).code).toBe(0);
  });

  it("frames larger than a chunk are cut in tiles; a long stream's side file becomes the NWB file (no copy) and h5py reads it", async () => {
    const file = path.join(tmp.dir, "big-stream.nwb");
    const nwbfile = session("chunk-writes-4");
    // 1100 x 1000 frames are more than 1 MiB: chunks are tiles of half a frame.
    const tiles = movie(Uint8Array, 3, [1100, 1000]);
    nwbfile.addAcquisition(new ImageSeries({ name: "tiles", data: framesOf(tiles, [1100, 1000]), unit: "n.a.", rate: 1 }));
    // 20 MB of frames: past the size at which the side file holding the chunks becomes the file itself.
    const long = movie(Uint8Array, 80, [512, 512]);
    nwbfile.addAcquisition(new ImageSeries({ name: "long", data: framesOf(long, [512, 512]), unit: "n.a.", rate: 30 }));
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    await io.close();
    expect(filesIn(tmp.dir).filter((f) => f.endsWith(".tsnwb-tmp"))).toEqual([]);
    expect(validate(file).code).toBe(0);
    const seen = h5py(file, `import hashlib
for n in ["tiles", "long"]:
    d = f["acquisition/" + n + "/data"]
    print(n, d.chunks, d.shape, hashlib.sha256(d[()].tobytes()).hexdigest())`).split("\n");
    expect(seen[0]).toBe(`tiles (1, 550, 1000) (3, 1100, 1000) ${sha(tiles)}`);
    expect(seen[1]).toBe(`long (1, 512, 512) (80, 512, 512) ${sha(long)}`);
    // The chunks were not copied: the data sits after the 1 MiB head room where tsnwb put them.
    expect(Number(h5py(file, `print(f["acquisition/long/data"].id.get_chunk_info(0).byte_offset)`))).toBeGreaterThanOrEqual(1 << 20);
    const back = await NWBHDF5IO.open(file, "r");
    const handle = (await back.read()).getAcquisition("long", ImageSeries).data as LazyArray;
    expect(sha((await handle.read([[40, 41]])) as TypedArray)).toBe(sha(long.subarray(40 * 512 * 512, 41 * 512 * 512)));
    await back.close();
  });

  it("Fletcher-32 checksums: HDF5 verifies every chunk as h5py reads it; the pipeline is h5py's (shuffle, deflate, fletcher32)", async () => {
    const file = path.join(tmp.dir, "fletcher32.nwb");
    const nwbfile = session("chunk-writes-5");
    const a = movie(Int16Array, 12, [9, 7]);
    const b = movie(Uint8Array, 7, [5, 5]);
    nwbfile.addAcquisition(new TimeSeries({ name: "all_filters", data: new H5DataIO({ data: { data: a, shape: [12, 9, 7] }, compression: "gzip", shuffle: true, fletcher32: true, chunks: [5, 9, 7] }), unit: "n.a.", rate: 1 }));
    nwbfile.addAcquisition(new TimeSeries({ name: "checksum_only", data: new H5DataIO({ data: framesOf(b, [5, 5]), fletcher32: true }), unit: "n.a.", rate: 1 }));
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    await io.close();
    expect(validate(file).code).toBe(0);
    const seen = h5py(file, `import hashlib
for n in ["all_filters", "checksum_only"]:
    d = f["acquisition/" + n + "/data"]
    p = d.id.get_create_plist()
    print(n, d.fletcher32, [(p.get_filter(i)[0], p.get_filter(i)[1]) for i in range(p.get_nfilters())], hashlib.sha256(d[()].tobytes()).hexdigest())`).split("\n");
    expect(seen[0]).toBe(`all_filters True [(2, 1), (1, 1), (3, 0)] ${sha(a)}`);
    expect(seen[1]).toBe(`checksum_only True [(3, 0)] ${sha(b)}`);
    // An export keeps every filter of its source (the copy goes through the chunk writer too).
    const exported = path.join(tmp.dir, "fletcher32-exported.nwb");
    const reader = await NWBHDF5IO.open(file, "r");
    const source = await reader.read();
    expect((source.getAcquisition("all_filters", TimeSeries).data as LazyArray).storage).toEqual({ chunks: [5, 9, 7], compression: "gzip", compression_opts: 4, shuffle: true, fletcher32: true });
    const writer = await NWBHDF5IO.open(exported, "w");
    await writer.write(source);
    await writer.close();
    await reader.close();
    expect(h5py(exported, `import hashlib
d = f["acquisition/all_filters/data"]
p = d.id.get_create_plist()
print([(p.get_filter(i)[0], p.get_filter(i)[1]) for i in range(p.get_nfilters())], hashlib.sha256(d[()].tobytes()).hexdigest())`)).toBe(`[(2, 1), (1, 1), (3, 0)] ${sha(a)}`);
    const exportedChecked = validate(exported);
    expect(exportedChecked.code, exportedChecked.output).toBe(0);
    // A damaged chunk fails HDF5's check: the checksums are real.
    h5py(file, `import numpy as np
d = f["acquisition/checksum_only/data"]
info = d.id.get_chunk_info(0)
f.close()
with open("${file}", "r+b") as raw:
    raw.seek(info.byte_offset)
    raw.write(b"\\xff")`);
    expect(() => h5py(file, `print(f["acquisition/checksum_only/data"][()].sum())`)).toThrow(/checksum|filter|Can't/i);
  });

  it("refuses Fletcher-32 where h5wasm writes the chunks (a live file), naming the field", async () => {
    const dir = tempFolder();
    try {
      const nwbfile = session("chunk-writes-6");
      nwbfile.addAcquisition(new TimeSeries({ name: "x", data: new H5DataIO({ data: { data: new Float32Array(4), shape: [4] }, fletcher32: true }), unit: "n.a.", rate: 1 }));
      const io = await NWBHDF5IO.open(path.join(dir.dir, "live.nwb"), "w", { live: true });
      await expect(io.write(nwbfile)).rejects.toThrow(/\/acquisition\/x\/data: field 'storage.fletcher32': expected no Fletcher-32 checksum here/);
      expect(filesIn(dir.dir)).toEqual([]);
    } finally {
      dir.cleanup();
    }
  });

  it("appends to a file pynwb wrote (superblock version 0), copied or in place: gzip, shuffle, Fletcher-32 and streams through the chunk writer", async () => {
    for (const inPlace of [false, true]) {
      const file = path.join(tmp.dir, `appended-${inPlace}.nwb`);
      copyFileSync(path.join(FIXTURES, "compressed.nwb"), file);
      expect(h5py(file, "print(f.id.get_create_plist().get_version()[0])")).toBe("0");
      const io = await NWBHDF5IO.open(file, "a", { inPlace });
      const nwbfile = await io.read();
      const a = movie(Int32Array, 6, [4, 5]);
      const b = movie(Uint8Array, 70, [512, 512]);
      nwbfile.addAcquisition(new TimeSeries({ name: "added_filters", data: new H5DataIO({ data: { data: a, shape: [6, 4, 5] }, compression: "gzip", shuffle: true, fletcher32: true, chunks: [4, 4, 5] }), unit: "n.a.", rate: 1 }));
      // 18 MB streamed, and pynwb's file is under 1 MiB: the side file, which the file's bytes are copied into,
      // becomes the file (in place too: it replaces the file at close). The small gzip dataset's chunks are in it.
      nwbfile.addAcquisition(new ImageSeries({ name: "added_stream", data: framesOf(b, [512, 512]), unit: "n.a.", rate: 30 }));
      await io.write(nwbfile);
      await io.close();
      expect(filesIn(tmp.dir).filter((f) => f.endsWith(".tsnwb-tmp"))).toEqual([]);
      const checked = validate(file);
      expect(checked.code, checked.output).toBe(0);
      const seen = h5py(file, `import hashlib
for n in ["added_filters", "added_stream"]:
    d = f["acquisition/" + n + "/data"]
    print(n, d.compression, d.shuffle, d.fletcher32, d.chunks, hashlib.sha256(d[()].tobytes()).hexdigest())
print(sorted(f["acquisition"]))
print(hashlib.sha256(f["acquisition/behavior_video/data"][()].tobytes()).hexdigest())`).split("\n");
      expect(seen[0], `inPlace ${inPlace}`).toBe(`added_filters gzip True True (4, 4, 5) ${sha(a)}`);
      expect(seen[1], `inPlace ${inPlace}`).toBe(`added_stream None False False (1, 512, 512) ${sha(b)}`);
      expect(Number(h5py(file, `print(f["acquisition/added_stream/data"].id.get_chunk_info(0).byte_offset)`))).toBeGreaterThanOrEqual(1 << 20);
      // What the file held is still there.
      expect(seen[2]).toBe("['added_filters', 'added_stream', 'behavior_video']");
      expect(seen[3]).toBe(h5py(path.join(FIXTURES, "compressed.nwb"), `import hashlib; print(hashlib.sha256(f["acquisition/behavior_video/data"][()].tobytes()).hexdigest())`));
      const back = await NWBHDF5IO.open(file, "r");
      const read = await back.read();
      expect(sha((await (read.getAcquisition("added_filters", TimeSeries).data as LazyArray).read()) as TypedArray)).toBe(sha(a));
      await back.close();
    }
  });
});
