/**
 * Movies larger than memory: storage options (chunks, gzip, shuffle, maxshape), streamed writes, the live
 * appender (closed half way and reopened in mode "a"), hyperslab reads across chunks, and frame iteration.
 * Every file written is checked by the validator and by h5py.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  H5DataIO, ImageSeries, type LazyArray, NWBFile, NWBHDF5IO, SeriesAppender, TimeSeries, ValidationError, autoChunks,
} from "../src/index.js";
import { filesIn, h5py, h5pyLayout, tempFolder, validate } from "./helpers.js";

const tmp = tempFolder();
afterAll(() => tmp.cleanup());

/** Frame k of a (frames, rows, cols) movie: value (k * 31 + r * 7 + c) mod 251, so any hyperslab is checkable. */
function pixel(k: number, r: number, c: number): number {
  return (k * 31 + r * 7 + c) % 251;
}
function movie(frames: number, rows: number, cols: number, first = 0): Uint8Array {
  const out = new Uint8Array(frames * rows * cols);
  for (let k = 0; k < frames; k++) for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[(k * rows + r) * cols + c] = pixel(first + k, r, c);
  return out;
}
function newFile(id: string) {
  return new NWBFile({ session_description: "storage", identifier: id, session_start_time: "2024-03-04T05:06:07-05:00" });
}
async function writeFile(name: string, nwbfile: NWBFile): Promise<string> {
  const file = path.join(tmp.dir, name);
  const io = await NWBHDF5IO.open(file, "w");
  await io.write(nwbfile);
  await io.close();
  expect(validate(file).output, `${name} validates`).toContain("0 error(s)");
  return file;
}

describe("automatic chunks", () => {
  it("are whole frames up to 1 MiB, tiles beyond, and several small frames together", () => {
    expect(autoChunks([100, 480, 640], 1)).toEqual([1, 480, 640]);
    expect(autoChunks([100, 480, 640, 3], 1)).toEqual([1, 480, 640, 3]);
    expect(autoChunks([100, 2048, 2048], 2)).toEqual([1, 512, 1024]);
    expect(autoChunks([1000, 32, 32], 1)).toEqual([64, 32, 32]);
    for (const shape of [[10, 3000, 4000], [7, 1024, 1024, 3]]) {
      const c = autoChunks(shape, 2);
      expect(c.reduce((a, b) => a * b, 2)).toBeLessThanOrEqual(1 << 20);
      expect(c[0]).toBe(1);
    }
  });
});

describe("storage options", () => {
  it("writes explicit and automatic chunks, gzip and shuffle, and reads them back", async () => {
    const nwbfile = newFile("storage-1");
    const data = movie(10, 40, 30);
    nwbfile.addAcquisition(new ImageSeries({ name: "explicit", rate: 10, data: new H5DataIO({ data: { data, shape: [10, 40, 30] }, chunks: [2, 20, 15] }) }));
    nwbfile.addAcquisition(new ImageSeries({ name: "automatic", rate: 10, data: new H5DataIO({ data: { data, shape: [10, 40, 30] }, chunks: true }) }));
    nwbfile.addAcquisition(new ImageSeries({ name: "gzip", rate: 10, data: new H5DataIO({ data: { data, shape: [10, 40, 30] }, compression: "gzip", compression_opts: 6 }) }));
    nwbfile.addAcquisition(new ImageSeries({ name: "shuffle", rate: 10, data: new H5DataIO({ data: { data: Uint16Array.from(data, (v) => v * 250), shape: [10, 40, 30] }, shuffle: true }) }));
    nwbfile.addAcquisition(new ImageSeries({ name: "growable", rate: 10, data: new H5DataIO({ data: { data, shape: [10, 40, 30] }, maxshape: [null, 40, 30] }) }));
    nwbfile.addAcquisition(new ImageSeries({ name: "contiguous", rate: 10, data: { data, shape: [10, 40, 30] } }));
    const file = await writeFile("storage.nwb", nwbfile);

    const layout = h5pyLayout(file);
    const ds = (n: string) => layout[`/acquisition/${n}/data`]!;
    expect(ds("explicit")).toMatchObject({ chunks: [2, 20, 15], compression: null, maxshape: [10, 40, 30] });
    // autoChunks asks for 54 frames of 1.2 kB (64 KiB); a fixed-size dataset of 10 frames clamps it to 10.
    expect(autoChunks([10, 40, 30], 1)).toEqual([54, 40, 30]);
    expect(ds("automatic")).toMatchObject({ chunks: [10, 40, 30], compression: null });
    expect(ds("gzip")).toMatchObject({ chunks: [10, 40, 30], compression: "gzip", compression_opts: 6 });
    expect(ds("shuffle")).toMatchObject({ dtype: "uint16", shuffle: true, compression: null });
    expect(ds("growable")).toMatchObject({ maxshape: [-1, 40, 30] });
    expect(ds("contiguous")).toMatchObject({ chunks: null, compression: null });
    expect(h5py(file, "print(int(f['/acquisition/gzip/data'][7, 39, 29]), int(f['/acquisition/shuffle/data'][3, 2, 1]))")).toBe(`${pixel(7, 39, 29)} ${pixel(3, 2, 1) * 250}`);

    const io = await NWBHDF5IO.open(file, "r");
    const back = await io.read();
    for (const name of ["explicit", "automatic", "gzip", "growable", "contiguous"]) {
      const handle = (back.acquisition.get(name) as ImageSeries).data as LazyArray;
      expect(Array.from((await handle.read()) as Uint8Array), name).toEqual(Array.from(data));
    }
    const gz = (back.acquisition.get("gzip") as ImageSeries).data as LazyArray;
    expect([gz.compression, gz.chunks]).toEqual(["gzip", [10, 40, 30]]);
    const sh = (back.acquisition.get("shuffle") as ImageSeries).data as LazyArray & { shuffle: boolean };
    expect(sh.shuffle).toBe(true);
    expect(Array.from((await sh.read()) as Uint16Array)).toEqual(Array.from(data, (v) => v * 250));
    await io.close();
  });

  it("refuses bad options, naming the field", () => {
    const data = { data: new Uint8Array(8), shape: [2, 2, 2] };
    expect(() => new ImageSeries({ name: "m", rate: 1, data: new H5DataIO({ data, chunks: [1, 2] }) })).toThrow(/'data.storage': expected chunks of 3 positive integers/);
    expect(() => new ImageSeries({ name: "m", rate: 1, data: new H5DataIO({ data, compression: "lzf" as "gzip" }) })).toThrow(ValidationError);
    expect(() => new ImageSeries({ name: "m", rate: 1, data: new H5DataIO({ data, compression: "gzip", compression_opts: 12 }) })).toThrow(/0-9/);
    // Every array field of every type is checked, and a stream's rank is not guessed before its first frame.
    expect(() => new TimeSeries({ name: "t", unit: "V", rate: 1, data: new H5DataIO({ data: [1, 2], compression_opts: 10 }) })).toThrow(/TimeSeries 't': field 'data.storage'/);
    expect(() => new TimeSeries({ name: "t", unit: "V", data: [1, 2], timestamps: new H5DataIO({ data: [0, 1], chunks: [1, 1] }) })).toThrow(/field 'timestamps.storage': expected chunks of 1 positive integers/);
    const colourStream = (function* () {
      yield { data: new Uint8Array(2 * 2 * 3), shape: [2, 2, 3] };
    })();
    expect(new ImageSeries({ name: "m", rate: 1, data: new H5DataIO({ data: colourStream, chunks: [1, 2, 2, 3] }) }).storage.data).toEqual({ chunks: [1, 2, 2, 3] });
  });
});

describe("large contiguous data", () => {
  it("is written contiguous in slabs (more than one slab) and reads back exactly", async () => {
    const nwbfile = newFile("contiguous-large");
    const data = movie(100, 300, 300); // 9 MB: more than one 8 MB slab
    nwbfile.addAcquisition(new ImageSeries({ name: "big", rate: 30, data: { data, shape: [100, 300, 300] } }));
    const file = await writeFile("contiguous-large.nwb", nwbfile);
    expect(h5pyLayout(file)["/acquisition/big/data"]).toMatchObject({ shape: [100, 300, 300], chunks: null, maxshape: [100, 300, 300] });
    expect(h5py(file, "d = f['/acquisition/big/data']; print(int(d[99, 299, 299]), int(d[31, 0, 5]))")).toBe(`${pixel(99, 299, 299)} ${pixel(31, 0, 5)}`);
    const io = await NWBHDF5IO.open(file, "r");
    const handle = ((await io.read()).acquisition.get("big") as ImageSeries).data as LazyArray;
    expect(Array.from((await handle.read()) as Uint8Array)).toEqual(Array.from(data));
    await io.close();
  });

  it("is copied in slabs by an export, contiguous stays contiguous and gzip stays gzip", async () => {
    const nwbfile = newFile("to-export");
    const data = movie(100, 300, 300);
    nwbfile.addAcquisition(new ImageSeries({ name: "plain", rate: 30, data: { data, shape: [100, 300, 300] } }));
    nwbfile.addAcquisition(new ImageSeries({ name: "packed", rate: 30, data: new H5DataIO({ data: { data, shape: [100, 300, 300] }, compression: "gzip", compression_opts: 2, chunks: true }) }));
    const source = await writeFile("to-export.nwb", nwbfile);
    const reader = await NWBHDF5IO.open(source, "r");
    const target = path.join(tmp.dir, "exported-large.nwb");
    const rows: number[] = [];
    const writer = await NWBHDF5IO.open(target, "w", { onProgress: (e) => e.path.endsWith("plain/data") && rows.push(e.rows) });
    await writer.write(await reader.read());
    await writer.close();
    await reader.close();
    expect(rows.length).toBeGreaterThan(1);
    expect(validate(target).code).toBe(0);
    const layout = h5pyLayout(target);
    expect(layout["/acquisition/plain/data"]).toMatchObject({ chunks: null, shape: [100, 300, 300] });
    expect(layout["/acquisition/packed/data"]).toMatchObject({ chunks: autoChunks([100, 300, 300], 1), compression: "gzip", compression_opts: 2 });
    const check = await NWBHDF5IO.open(target, "r");
    const back = await check.read();
    for (const name of ["plain", "packed"]) {
      expect(Array.from((await ((back.acquisition.get(name) as ImageSeries).data as LazyArray).read()) as Uint8Array), name).toEqual(Array.from(data));
    }
    await check.close();
  });
});

describe("hyperslab reads", () => {
  it("read any box across chunk boundaries, and frames() iterates in blocks", async () => {
    const nwbfile = newFile("slabs");
    const data = movie(9, 13, 11);
    nwbfile.addAcquisition(new ImageSeries({ name: "m", rate: 5, data: new H5DataIO({ data: { data, shape: [9, 13, 11] }, chunks: [2, 4, 3], compression: "gzip" }) }));
    const file = await writeFile("slabs.nwb", nwbfile);
    const io = await NWBHDF5IO.open(file, "r");
    const series = (await io.read()).acquisition.get("m") as ImageSeries;
    const handle = series.data as LazyArray;
    const box = [[1, 8], [3, 10], [2, 9]] as const;
    const got = (await handle.read(box)) as Uint8Array;
    const expected: number[] = [];
    for (let k = 1; k < 8; k++) for (let r = 3; r < 10; r++) for (let c = 2; c < 9; c++) expected.push(pixel(k, r, c));
    expect(Array.from(got)).toEqual(expected);
    expect(Array.from((await handle.read([[4, 5], [12, 13]])) as Uint8Array)).toEqual(Array.from({ length: 11 }, (_, c) => pixel(4, 12, c)));
    await expect(handle.read([[0, 1], [0, 14]])).rejects.toThrow(/a \[start, stop\) range within 0 to 13 on axis 1/);

    let k = 0;
    for await (const frame of series.frames({ blockBytes: 300 })) {
      expect(frame.length).toBe(13 * 11);
      expect((frame as Uint8Array)[5 * 11 + 4]).toBe(pixel(k, 5, 4));
      k++;
    }
    expect(k).toBe(9);
    const some: number[] = [];
    for await (const frame of series.frames({ start: 6 })) some.push((frame as Uint8Array)[0]!);
    expect(some).toEqual([pixel(6, 0, 0), pixel(7, 0, 0), pixel(8, 0, 0)]);
    await io.close();
  });
});

describe("hyperslab reads that span several slabs", () => {
  it("return exactly the box asked for, for random boxes over chunks of odd shape", async () => {
    // 40 rows of 1 MB: a read of more than 8 rows goes in several slabs, each a whole number of 3-row chunks.
    const [n, rows, cols] = [40, 1024, 1024];
    const nwbfile = newFile("random-boxes");
    nwbfile.addAcquisition(new ImageSeries({ name: "m", rate: 1, data: new H5DataIO({ data: { data: movie(n, rows, cols), shape: [n, rows, cols] }, chunks: [3, 512, 384] }) }));
    const file = await writeFile("random-boxes.nwb", nwbfile);
    const io = await NWBHDF5IO.open(file, "r");
    const handle = ((await io.read()).acquisition.get("m") as ImageSeries).data as LazyArray;
    let seed = 12345;
    const random = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % below;
    };
    for (let trial = 0; trial < 12; trial++) {
      const box = [n, rows, cols].map((len) => {
        const a = random(len);
        return [a, a + 1 + random(len - a)] as [number, number];
      });
      if (trial === 0) box[0] = [0, n];
      const got = (await handle.read(box)) as Uint8Array;
      const [[k0, k1], [r0, r1], [c0, c1]] = box as [[number, number], [number, number], [number, number]];
      expect(got.length).toBe((k1 - k0) * (r1 - r0) * (c1 - c0));
      let i = 0;
      let bad = 0;
      for (let k = k0; k < k1; k++) for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) if (got[i++] !== pixel(k, r, c)) bad++;
      expect(bad, `box ${JSON.stringify(box)}`).toBe(0);
    }
    await io.close();
  });
});

describe("streamed writes", () => {
  it("write a series from an async iterable of frames and blocks whose count is not known in advance", async () => {
    const nwbfile = newFile("stream");
    const total = 45;
    async function* camera() {
      let k = 0;
      while (k < total) {
        // Single frames, then a block of 4, at irregular times, as a camera would deliver.
        if (k % 10 === 5 && k + 4 <= total) {
          yield { data: movie(4, 24, 32, k), shape: [4, 24, 32] };
          k += 4;
        } else {
          yield { data: movie(1, 24, 32, k), shape: [24, 32] };
          k += 1;
        }
        await new Promise((r) => setImmediate(r));
      }
    }
    nwbfile.addAcquisition(new ImageSeries({ name: "live", rate: 30, data: camera() }));
    const progress: number[] = [];
    const file = path.join(tmp.dir, "stream.nwb");
    const io = await NWBHDF5IO.open(file, "w", { onProgress: (e) => progress.push(e.rows) });
    await io.write(nwbfile);
    await io.close();
    expect(validate(file).output).toContain("0 error(s)");
    expect(progress.at(-1)).toBe(total);
    const layout = h5pyLayout(file);
    expect(layout["/acquisition/live/data"]).toMatchObject({ shape: [total, 24, 32], dtype: "uint8", maxshape: [-1, 24, 32], chunks: autoChunks([total, 24, 32], 1) });
    expect(h5py(file, "d = f['/acquisition/live/data'][()]; print(int(d[44, 23, 31]), int(d[7, 1, 2]))")).toBe(`${pixel(44, 23, 31)} ${pixel(7, 1, 2)}`);
    const reader = await NWBHDF5IO.open(file, "r");
    const series = (await reader.read()).acquisition.get("live") as ImageSeries;
    expect(Array.from((await (series.data as LazyArray).read()) as Uint8Array)).toEqual(Array.from(movie(total, 24, 32)));
    await reader.close();
  });

  it("work for any TimeSeries: a stream of samples (numbers) and blocks of them", async () => {
    const nwbfile = newFile("samples");
    async function* samples() {
      for (let i = 0; i < 10; i++) yield i * 0.5;
      yield { data: Float64Array.from([5, 5.5, 6]), shape: [3] };
    }
    nwbfile.addAcquisition(new TimeSeries({ name: "voltage", unit: "V", rate: 1000, data: samples() }));
    const file = await writeFile("samples.nwb", nwbfile);
    expect(h5pyLayout(file)["/acquisition/voltage/data"]).toMatchObject({ dtype: "float64", shape: [13], maxshape: [-1] });
    const io = await NWBHDF5IO.open(file, "r");
    const series = (await io.read()).getAcquisition("voltage", TimeSeries);
    expect(Array.from((await (series.data as LazyArray).read()) as Float64Array)).toEqual(Array.from({ length: 13 }, (_, i) => i * 0.5));
    await io.close();
  });

  it("streams with gzip, and refuses an empty stream", async () => {
    const nwbfile = newFile("stream-gz");
    function* frames() {
      for (let k = 0; k < 6; k++) yield { data: movie(1, 8, 8, k), shape: [8, 8] };
    }
    nwbfile.addAcquisition(new ImageSeries({ name: "live", rate: 30, data: new H5DataIO({ data: frames(), compression: "gzip", chunks: [1, 8, 8] }) }));
    const file = await writeFile("stream-gz.nwb", nwbfile);
    expect(h5pyLayout(file)["/acquisition/live/data"]).toMatchObject({ shape: [6, 8, 8], chunks: [1, 8, 8], compression: "gzip" });

    const empty = newFile("empty");
    empty.addAcquisition(new ImageSeries({ name: "live", rate: 30, data: (function* () {})() }));
    const io = await NWBHDF5IO.open(path.join(tmp.dir, "empty.nwb"), "w");
    await expect(io.write(empty)).rejects.toThrow(/at least one frame/);
  });
});

describe("the live appender", () => {
  it("appends frames with timestamps, is closed half way, and is reopened in mode 'a' to append more", async () => {
    const file = path.join(tmp.dir, "live.nwb");
    const nwbfile = newFile("live");
    const series = new ImageSeries({
      name: "camera", unit: "n.a.",
      data: H5DataIO.growable([6, 5], "uint8"),
      timestamps: H5DataIO.growable([], "float64"),
    });
    nwbfile.addAcquisition(series);
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    const appender = SeriesAppender.open(io, series);
    for (let k = 0; k < 7; k++) appender.append({ data: movie(1, 6, 5, k), shape: [6, 5] }, k * 0.1);
    appender.append({ data: movie(3, 6, 5, 7), shape: [3, 6, 5] }, [0.7, 0.8, 0.9]);
    expect(appender.length).toBe(10);
    expect(() => appender.append({ data: movie(1, 6, 5), shape: [6, 5] })).toThrow(/'timestamps': expected 1 timestamp/);
    expect(() => appender.append({ data: new Uint8Array(12), shape: [4, 3] }, 1)).toThrow(/frames of shape \[6, 5\]/);
    appender.close();
    expect((series.data as LazyArray).shape).toEqual([10, 6, 5]);
    await io.close();
    expect(validate(file).output).toContain("0 error(s)");
    expect(h5py(file, "print(f['/acquisition/camera/data'].shape, list(f['/acquisition/camera/timestamps'][-3:]))")).toBe("(10, 6, 5) [0.7, 0.8, 0.9]");

    const again = await NWBHDF5IO.open(file, "a");
    const read = (await again.read()).acquisition.get("camera") as ImageSeries;
    const more = SeriesAppender.open(again, read);
    expect(more.length).toBe(10);
    more.append({ data: movie(5, 6, 5, 10), shape: [5, 6, 5] }, [1.0, 1.1, 1.2, 1.3, 1.4]);
    more.close();
    await again.close();

    expect(validate(file).output).toContain("0 error(s)");
    const layout = h5pyLayout(file);
    expect(layout["/acquisition/camera/data"]).toMatchObject({ shape: [15, 6, 5], maxshape: [-1, 6, 5] });
    expect(layout["/acquisition/camera/timestamps"]).toMatchObject({ shape: [15] });
    expect(layout["/acquisition/camera/timestamps"]!.attrs!.interval!.value).toBe(1);
    const reader = await NWBHDF5IO.open(file, "r");
    const back = (await reader.read()).acquisition.get("camera") as ImageSeries;
    expect(Array.from((await (back.data as LazyArray).read()) as Uint8Array)).toEqual(Array.from(movie(15, 6, 5)));
    expect(Array.from((await (back.timestamps as LazyArray).read()) as Float64Array).map((t) => Math.round(t * 10))).toEqual(Array.from({ length: 15 }, (_, i) => i));
    await reader.close();
  });

  it("appends in place (no copy) when asked, for files too large to copy", async () => {
    const file = path.join(tmp.dir, "in-place.nwb");
    const nwbfile = newFile("in-place");
    const series = new ImageSeries({ name: "camera", rate: 30, data: H5DataIO.growable([4, 4], "uint16") });
    nwbfile.addAcquisition(series);
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    SeriesAppender.open(io, series).append({ data: Uint16Array.from({ length: 3 * 16 }, (_, i) => i), shape: [3, 4, 4] });
    await io.close();
    const before = filesIn(tmp.dir);
    const again = await NWBHDF5IO.open(file, "a", { inPlace: true });
    // No copy: only the undo journal of the bytes the append changes (`io/journal.ts`), removed by close().
    expect(filesIn(tmp.dir)).toEqual([...before, ".in-place.nwb.tsnwb-journal"].sort());
    const more = SeriesAppender.open(again, (await again.read()).acquisition.get("camera") as ImageSeries);
    expect(() => more.append({ data: new Uint16Array(9), shape: [3, 3] })).toThrow(/frames of shape \[4, 4\]/);
    more.append({ data: Uint16Array.from({ length: 2 * 16 }, (_, i) => 48 + i), shape: [2, 4, 4] });
    more.close();
    await again.close();
    expect(filesIn(tmp.dir)).toEqual(before);
    expect(validate(file).output).toContain("0 error(s)");
    expect(h5py(file, "d = f['/acquisition/camera/data']; print(d.shape, int(d[4, 3, 3]))")).toBe("(5, 4, 4) 79");

    // abort() drops what an append session wrote: the file stays as it was, byte for byte, copied or in place
    // (there, HDF5 has written into it: the journal restores it).
    const bytes = readFileSync(file);
    for (const inPlace of [false, true]) {
      const dropped = await NWBHDF5IO.open(file, "a", { inPlace });
      const appender = SeriesAppender.open(dropped, (await dropped.read()).acquisition.get("camera") as ImageSeries);
      appender.append({ data: new Uint16Array(16), shape: [4, 4] });
      appender.flush();
      await dropped.abort();
      expect(readFileSync(file).equals(bytes), `inPlace ${inPlace}`).toBe(true);
      expect(filesIn(tmp.dir)).toEqual(before);
    }
  });

  it("needs a growable series that is in the open file", async () => {
    const file = path.join(tmp.dir, "fixed.nwb");
    const nwbfile = newFile("fixed");
    const fixed = new ImageSeries({ name: "fixed", rate: 1, data: { data: new Uint8Array(8), shape: [2, 2, 2] } });
    nwbfile.addAcquisition(fixed);
    const loose = new ImageSeries({ name: "loose", rate: 1, data: H5DataIO.growable([2, 2], "uint8") });
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    expect(() => SeriesAppender.open(io, fixed)).toThrow(/'data': expected a growable dataset/);
    expect(() => SeriesAppender.open(io, loose)).toThrow(/a series already written/);
    await io.close();
    expect(validate(file).code).toBe(0);
  });
});
