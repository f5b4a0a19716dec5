/**
 * ZarrSeriesAppender: frames appended to series of an NWB Zarr store (one by one, in blocks, across rows of chunks,
 * a partial last row completed later, after a reopen in mode "a") read back value for value by hdmf-zarr
 * (test/py/zarr_series.py, through the consolidated metadata too) and by tsnwb, and pynwb's validator accepts the
 * stores; refused calls leave data and timestamps aligned; a store that fails leaves the old store in place and
 * names the series and field.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it, vi } from "vitest";
import {
  FolderStore, H5DataIO, ImageSeries, MemoryStore, ModeError, NWBFile, NWBZarrIO, SeriesAppender, type StoreKey, TimeSeries, ValidationError,
  ZarrSeriesAppender, autoChunks, encodeConsolidatedMetadata, isMetadataKey,
} from "../src/index.js";
import { ORACLE, ROOT, sha256, tempFolder } from "./helpers.js";

const run = promisify(execFile);
const tmp = tempFolder("tsnwb-zarr-appender-");
afterAll(() => tmp.cleanup());

const HEIGHT = 16, WIDTH = 20, FRAME = HEIGHT * WIDTH;
/** As in zarr-write.test.ts: JSON keeps no float width, so hdmf's validator calls a float attribute "float". */
const JSON_FLOAT_ATTRIBUTE = /incorrect type - expected 'float64', got 'float'$/;

/** Frame `i` of the camera: every pixel a function of the frame and its position. */
function frame(i: number): Uint8Array {
  return Uint8Array.from({ length: FRAME }, (_, p) => (i * 7 + p * 3) % 256);
}
function frames(start: number, count: number): { data: Uint8Array; shape: number[] } {
  const data = new Uint8Array(count * FRAME);
  for (let k = 0; k < count; k++) data.set(frame(start + k), k * FRAME);
  return { data, shape: [count, HEIGHT, WIDTH] };
}
const time = (i: number): number => 0.5 + i / 30;
/** The voltage series' sample `i`: two channels. */
const volts = (i: number): number[] => [(i * 13) % 3000 - 1500, -((i * 5) % 700)];

/** What the series hold, kept beside the store to compare with. */
class Reference {
  camera: number[] = [];
  voltage: number[] = [];
  cameraBytes(): Uint8Array {
    const out = new Uint8Array(this.camera.length * FRAME);
    this.camera.forEach((i, k) => out.set(frame(i), k * FRAME));
    return out;
  }
  voltageValues(): Int16Array {
    return Int16Array.from(this.voltage.flatMap(volts));
  }
  times(): number[] {
    return this.camera.map(time);
  }
}

function session(): { nwbfile: NWBFile; camera: ImageSeries; voltage: TimeSeries } {
  const nwbfile = new NWBFile({ session_description: "live zarr", identifier: "zarr-live-1", session_start_time: "2024-03-01T09:00:00+01:00" });
  const camera = new ImageSeries({ name: "camera", unit: "n.a.", data: H5DataIO.growable([HEIGHT, WIDTH], "uint8"), timestamps: H5DataIO.growable([], "float64") });
  const voltage = new TimeSeries({ name: "voltage", unit: "mV", rate: 100.0, data: H5DataIO.growable([2], "int16") });
  nwbfile.addAcquisition(camera);
  nwbfile.addAcquisition(voltage);
  return { nwbfile, camera, voltage };
}

async function appendCamera(appender: ZarrSeriesAppender, ref: Reference, start: number, count: number, block: number): Promise<void> {
  for (let i = start; i < start + count; i += block) {
    const n = Math.min(block, start + count - i);
    if (n === 1) await appender.append({ data: frame(i), shape: [HEIGHT, WIDTH] }, time(i));
    else await appender.append(frames(i, n), Float64Array.from({ length: n }, (_, k) => time(i + k)));
    for (let k = 0; k < n; k++) ref.camera.push(i + k);
  }
}

async function appendVoltage(appender: ZarrSeriesAppender, ref: Reference, start: number, count: number): Promise<void> {
  const data = Int16Array.from(Array.from({ length: count }, (_, k) => volts(start + k)).flat());
  await appender.append({ data, shape: [count, 2] });
  for (let k = 0; k < count; k++) ref.voltage.push(start + k);
}

/** What tsnwb reads back from a store: shapes and values of both series. */
async function tsnwbRead(target: string | MemoryStore): Promise<{ cameraShape: number[]; cameraSha: string; times: number[]; voltage: number[] }> {
  const io = await NWBZarrIO.open(target, "r");
  try {
    const f = await io.read();
    const camera = f.getAcquisition("camera", ImageSeries);
    const voltage = f.getAcquisition("voltage", TimeSeries);
    return {
      cameraShape: camera.data.shape,
      cameraSha: sha256((await camera.data.read()) as Uint8Array),
      times: Array.from(await camera.getTimestamps()),
      voltage: Array.from((await voltage.data.read()) as Int16Array),
    };
  } finally {
    await io.close();
  }
}

function expectRead(got: Awaited<ReturnType<typeof tsnwbRead>>, ref: Reference): void {
  expect(got.cameraShape).toEqual([ref.camera.length, HEIGHT, WIDTH]);
  expect(got.cameraSha).toBe(sha256(ref.cameraBytes()));
  expect(got.times).toEqual(ref.times());
  expect(got.voltage).toEqual(Array.from(ref.voltageValues()));
}

/** Every file of a folder and its bytes. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.set(path.relative(dir, path.join(e.parentPath, e.name)), readFileSync(path.join(e.parentPath, e.name)).toString("base64"));
  }
  return out;
}

/** The consolidated metadata a store should have: every metadata key it holds, gathered as zarr-python does. */
async function expectConsolidated(store: FolderStore | MemoryStore): Promise<void> {
  const keys: StoreKey[] = [];
  for await (const k of store.list("/")) if (isMetadataKey(k)) keys.push(k);
  keys.sort();
  const entries = await Promise.all(keys.map(async (k) => [k, (await store.get(k))!] as const));
  expect(new TextDecoder().decode(await store.get("/.zmetadata"))).toBe(new TextDecoder().decode(encodeConsolidatedMetadata(entries)));
}

interface SeriesVerdict {
  store: string;
  series: Record<string, { type: string; dtype: string; shape: number[]; sha256: string; timestamps: number[] | null; consolidated: Record<string, { shape: number[]; chunks: number[] }> }> | null;
  validation: string[] | null;
  error: string | null;
}

async function hdmfZarr(stores: string[]): Promise<SeriesVerdict[]> {
  const { stdout } = await run(ORACLE, ["python", path.join(ROOT, "test", "py", "zarr_series.py"), ...stores], { maxBuffer: 64 << 20, timeout: 600_000 });
  return stdout.trim().split("\n").map((l) => JSON.parse(l) as SeriesVerdict);
}

function expectVerdict(v: SeriesVerdict, ref: Reference): void {
  expect(v.error, v.store).toBeNull();
  const camera = v.series!.camera!;
  expect(camera.type).toBe("ImageSeries");
  expect(camera.dtype).toBe("uint8");
  expect(camera.shape).toEqual([ref.camera.length, HEIGHT, WIDTH]);
  expect(camera.sha256).toBe(sha256(ref.cameraBytes()));
  expect(camera.timestamps).toEqual(ref.times());
  expect(camera.consolidated.data).toEqual({ shape: [ref.camera.length, HEIGHT, WIDTH], chunks: autoChunks([1, HEIGHT, WIDTH], 1) });
  expect(camera.consolidated.timestamps).toEqual({ shape: [ref.camera.length], chunks: autoChunks([1], 8) });
  const voltage = v.series!.voltage!;
  expect(voltage.dtype).toBe("int16");
  expect(voltage.shape).toEqual([ref.voltage.length, 2]);
  expect(voltage.sha256).toBe(sha256(ref.voltageValues()));
  expect(voltage.timestamps).toBeNull();
  expect(v.validation!.filter((m) => !JSON_FLOAT_ATTRIBUTE.test(m)), v.store).toEqual([]);
}

describe("ZarrSeriesAppender on a folder store", () => {
  const first = path.join(tmp.dir, "live.nwb.zarr");
  const grown = path.join(tmp.dir, "grown.nwb.zarr");
  const ref = new Reference();
  const grownRef = new Reference();

  it("appends one by one and in blocks, across rows of chunks, a partial last row flushed and completed; tsnwb reads it back", async () => {
    const { nwbfile, camera, voltage } = session();
    const io = await NWBZarrIO.open(first, "w");
    await io.write(nwbfile);
    const cameraAppender = await ZarrSeriesAppender.open(io, camera);
    const voltageAppender = await ZarrSeriesAppender.open(io, voltage);
    const rowFrames = autoChunks([1, HEIGHT, WIDTH], 1)[0]!;
    expect(rowFrames).toBe(204);
    await appendCamera(cameraAppender, ref, 0, 150, 1);
    await cameraAppender.flush(); // a partial row of 150 frames in the store
    expect(cameraAppender.length).toBe(150);
    await appendCamera(cameraAppender, ref, 150, 100, 1); // completes row 0, starts row 1
    await appendCamera(cameraAppender, ref, 250, 300, 64); // blocks across rows
    await appendCamera(cameraAppender, ref, 550, 17, 17);
    await appendVoltage(voltageAppender, ref, 0, 5000);
    await appendVoltage(voltageAppender, ref, 5000, 1);
    expect(cameraAppender.length).toBe(567);
    expect(voltageAppender.length).toBe(5001);
    await io.close(); // closes both appenders
    expectRead(await tsnwbRead(first), ref);
    await expectConsolidated(new FolderStore(first));
    // Whole rows are one key each across the frame (16x20 fits a chunk): rows 0, 1, 2 of 204 frames.
    expect(readdirSync(path.join(first, "acquisition", "camera", "data")).filter((n) => !n.startsWith(".")).sort()).toEqual(["0.0.0", "1.0.0", "2.0.0"]);
    expect(readdirSync(tmp.dir).sort()).toEqual(["live.nwb.zarr"]);
  });

  it("goes on after a reopen in mode \"a\": the partial last row completed, tsnwb reads the whole", async () => {
    cpSync(first, grown, { recursive: true });
    grownRef.camera = [...ref.camera];
    grownRef.voltage = [...ref.voltage];
    const io = await NWBZarrIO.open(grown, "a");
    const f = await io.read();
    const camera = f.getAcquisition("camera", ImageSeries);
    const appender = await ZarrSeriesAppender.open(io, camera);
    expect(appender.length).toBe(567);
    await appendCamera(appender, grownRef, 567, 45, 1); // row 2 (159 frames) grows to 204, then row 3
    await appendCamera(appender, grownRef, 612, 30, 10);
    const voltage = await ZarrSeriesAppender.open(io, f.getAcquisition("voltage", TimeSeries));
    await appendVoltage(voltage, grownRef, 5001, 999);
    await appender.close();
    // Closed early: the series reads the frames at once, from the store being written.
    expect(camera.data.shape).toEqual([642, HEIGHT, WIDTH]);
    expect(Array.from((await camera.data.read([[641, 642]])) as Uint8Array)).toEqual(Array.from(frame(641)));
    await io.close();
    // The store was written in a work folder, moved to its path at close: the series says so when read.
    await expect(camera.data.read([[0, 1]])).rejects.toThrow(/was closed, and its store moved/);
    expectRead(await tsnwbRead(grown), grownRef);
    expectRead(await tsnwbRead(first), ref);
    await expectConsolidated(new FolderStore(grown));
  });

  it("hdmf-zarr reads both stores value for value (through the consolidated metadata too), and pynwb's validator accepts them", async () => {
    const [a, b] = await hdmfZarr([first, grown]);
    expectVerdict(a!, ref);
    expectVerdict(b!, grownRef);
  }, 600_000);
});

describe("ZarrSeriesAppender refuses what would misalign data and timestamps", () => {
  it("a wrong frame shape, missing or extra timestamps, values the dtype cannot hold: nothing taken; then appends after close and mode \"r\"", async () => {
    const store = new MemoryStore();
    const { nwbfile, camera, voltage } = session();
    const io = await NWBZarrIO.open(store, "w");
    await io.write(nwbfile);
    const appender = await ZarrSeriesAppender.open(io, camera);
    const ref = new Reference();
    await appendCamera(appender, ref, 0, 3, 1);
    const refused = async (call: Promise<void>, field: string, text: RegExp): Promise<void> => {
      const e = await call.then(() => undefined, (x: unknown) => x);
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).field).toBe(field);
      expect((e as Error).message).toMatch(text);
      expect(appender.length).toBe(ref.camera.length);
    };
    await refused(appender.append({ data: new Uint8Array(10 * 20), shape: [10, 20] }, 1), "data", /ImageSeries 'camera'.*frames of shape \[16, 20\].*frame 3 of shape \[10, 20\]/);
    await refused(appender.append(frames(3, 2)), "timestamps", /2 timestamp\(s\) for the frames appended/);
    await refused(appender.append(frames(3, 2), [1]), "timestamps", /one timestamp per frame \(2\), got 1/);
    await refused(appender.append({ data: new Uint16Array(FRAME).fill(1000), shape: [HEIGHT, WIDTH] }, 1), "data", /values that fit|frames whose values fit/);
    const volt = await ZarrSeriesAppender.open(io, voltage);
    const e = await volt.append({ data: Int16Array.of(1, 2), shape: [2] }, 0.5).catch((x: unknown) => x);
    expect((e as ValidationError).field).toBe("timestamps");
    expect((e as Error).message).toMatch(/timed by 'rate'/);
    expect(volt.length).toBe(0);
    await appendCamera(appender, ref, 3, 4, 2);
    // Calls not awaited one by one still run in order.
    const pending = [appender.append({ data: frame(7), shape: [HEIGHT, WIDTH] }, time(7)), appender.append(frames(8, 3), [time(8), time(9), time(10)])];
    ref.camera.push(7, 8, 9, 10);
    expect(appender.length).toBe(11);
    await Promise.all(pending);
    // With no call running, a frame is taken before append returns: its buffer may be reused at once.
    const reused = frame(11);
    const taken = appender.append({ data: reused, shape: [HEIGHT, WIDTH] }, time(11));
    reused.fill(0);
    await taken;
    ref.camera.push(11);
    await appender.close();
    await expect(appender.append({ data: frame(12), shape: [HEIGHT, WIDTH] }, time(12))).rejects.toThrow(ModeError);
    await expect(appender.flush()).rejects.toThrow(/the appender is closed/);
    // SeriesAppender is HDF5's: on a Zarr store it says which class appends there.
    expect(() => SeriesAppender.open(io as never, camera)).toThrow(ModeError);
    expect(() => SeriesAppender.open(io as never, camera)).toThrow(/ZarrSeriesAppender/);
    await io.close();
    const got = await tsnwbRead(store);
    expectRead(got, ref);
    await expectConsolidated(store);

    const reader = await NWBZarrIO.open(store, "r");
    const readBack = (await reader.read()).getAcquisition("camera", ImageSeries);
    await expect(ZarrSeriesAppender.open(reader, readBack)).rejects.toThrow(ModeError);
    await expect(ZarrSeriesAppender.open(reader, readBack)).rejects.toThrow(/mode "r"/);
    await reader.close();
    // A series not written to the store.
    const other = await NWBZarrIO.open(new MemoryStore(), "w");
    await expect(ZarrSeriesAppender.open(other, session().camera)).rejects.toThrow(/a series already written/);
    await other.close();
  });
});

/** A memory store whose writes fail once `failAfter` more have been made (of keys `which` picks). */
class FailingStore extends MemoryStore {
  failAfter?: number;
  which: (key: StoreKey) => boolean = () => true;
  override async set(key: StoreKey, value: Uint8Array): Promise<void> {
    if (this.failAfter !== undefined && this.which(key)) {
      if (this.failAfter <= 0) throw new Error(`disk full writing ${key}`);
      this.failAfter--;
    }
    return super.set(key, value);
  }
}

describe("ZarrSeriesAppender when the store fails", () => {
  it("a store object: the error names the series and the field, stays, and io.close() reports it", async () => {
    for (const field of ["data", "timestamps"] as const) {
      const store = new FailingStore();
      const { nwbfile, camera } = session();
      const io = await NWBZarrIO.open(store, "w");
      await io.write(nwbfile);
      const appender = await ZarrSeriesAppender.open(io, camera);
      const ref = new Reference();
      store.which = (key) => key.includes(`/camera/${field}/`) && !key.endsWith("/.zarray");
      store.failAfter = 0;
      const e = await appender.flush().then(() => undefined, (x: unknown) => x); // nothing to write yet: no failure
      expect(e).toBeUndefined();
      // 300 frames fill a row of data chunks (204 frames) but not one of timestamps (8192): those fail at flush.
      const failed = await appendCamera(appender, ref, 0, 300, 50).then(() => appender.flush()).then(() => undefined, (x: unknown) => x);
      expect(String(failed)).toMatch(new RegExp(`ImageSeries 'camera': field '${field}': appending to the store failed: disk full writing /acquisition/camera/${field}/0`));
      await expect(appender.append({ data: frame(0), shape: [HEIGHT, WIDTH] }, 0)).rejects.toBe(failed);
      await expect(io.close()).rejects.toBe(failed);
    }
  });

  it("a folder reopened in mode \"a\": a failing write leaves the old store as it was and no work folder", async () => {
    const dir = path.join(tmp.dir, "failing");
    const target = path.join(dir, "session.nwb.zarr");
    mkdirSync(dir);
    const { nwbfile, camera } = session();
    const io = await NWBZarrIO.open(target, "w");
    await io.write(nwbfile);
    const first = await ZarrSeriesAppender.open(io, camera);
    const ref = new Reference();
    await appendCamera(first, ref, 0, 20, 5);
    await io.close();
    const before = snapshot(target);

    const again = await NWBZarrIO.open(target, "a");
    const series = (await again.read()).getAcquisition("camera", ImageSeries);
    const appender = await ZarrSeriesAppender.open(again, series);
    let writes = 0;
    const original = FolderStore.prototype.set;
    const spy = vi.spyOn(FolderStore.prototype, "set").mockImplementation(async function (this: FolderStore, key: StoreKey, value: Uint8Array) {
      if (++writes > 2) throw new Error(`no space left writing ${key}`);
      return original.call(this, key, value);
    });
    try {
      const failed = await appendCamera(appender, new Reference(), 20, 600, 100).then(() => undefined, (x: unknown) => x);
      expect(String(failed)).toMatch(/ImageSeries 'camera': field '(data|timestamps)': appending to the store failed: no space left writing \/acquisition\/camera\//);
      await expect(again.close()).rejects.toBe(failed);
    } finally {
      spy.mockRestore();
    }
    expect(snapshot(target)).toEqual(before);
    expect(readdirSync(dir)).toEqual(["session.nwb.zarr"]);
    expectRead(await tsnwbRead(target), Object.assign(new Reference(), { camera: ref.camera }));
  });
});

describe("ZarrSeriesAppender with random-size appends", () => {
  it("appends of random sizes and random flushes, chunks split across every axis, match a reference array", async () => {
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const store = new MemoryStore();
    const nwbfile = new NWBFile({ session_description: "random", identifier: "zarr-random", session_start_time: "2024-03-01T09:00:00+01:00" });
    const series = new TimeSeries({ name: "grid", unit: "a.u.", data: H5DataIO.growable([3, 5], "int16", { chunks: [7, 2, 3] }), timestamps: H5DataIO.growable([], "float64") });
    nwbfile.addAcquisition(series);
    const io = await NWBZarrIO.open(store, "w", { compressor: { id: "zlib", level: 1 } });
    await io.write(nwbfile);
    const appender = await ZarrSeriesAppender.open(io, series);
    const values: number[] = [];
    const times: number[] = [];
    while (values.length < 15 * 700) {
      const n = 1 + random(40);
      const block = Int16Array.from({ length: n * 15 }, (_, k) => ((values.length + k) * 37) % 65536 - 32768);
      const ts = Array.from({ length: n }, (_, k) => (times.length + k) * 0.001);
      await appender.append(n === 1 && random(2) === 0 ? { data: block, shape: [3, 5] } : { data: block, shape: [n, 3, 5] }, n === 1 ? ts[0]! : ts);
      values.push(...block);
      times.push(...ts);
      if (random(5) === 0) {
        await appender.flush();
        const now = await NWBZarrIO.open(store, "r");
        const read = (await now.read()).getAcquisition("grid", TimeSeries);
        expect(read.data.shape).toEqual([times.length, 3, 5]);
        const last = times.length - 1;
        expect(Array.from((await read.data.read([[last, last + 1]])) as Int16Array)).toEqual(values.slice(last * 15));
        await now.close();
      }
    }
    await io.close();
    const reader = await NWBZarrIO.open(store, "r");
    const read = (await reader.read()).getAcquisition("grid", TimeSeries);
    expect(read.data.shape).toEqual([times.length, 3, 5]);
    expect(Array.from((await read.data.read()) as Int16Array)).toEqual(values);
    expect(Array.from(await read.getTimestamps())).toEqual(times);
    expect((read.data as { chunks: number[] | null }).chunks).toEqual([7, 2, 3]);
    expect((read.data as { compression: string | null }).compression).toBe("zlib");
    await reader.close();
    await expectConsolidated(store);
  });
});
