/**
 * NWB Zarr, the write half: stores NWBZarrIO writes are read by hdmf-zarr itself (`hdmf_zarr.nwb.NWBZarrIO`, every
 * object constructed) with the same values, object for object, as pynwb's read of the HDF5 file they were written
 * from, and pynwb's validator accepts them (test/zarr/check_zarr.py). Sources: every fixture pynwb wrote (read with
 * NWBHDF5IO, written with NWBZarrIO), every type of the three namespaces (written both ways by tsnwb), a stream,
 * and storage options (chunks, gzip, shuffle, a fill value).
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import {
  cleanLeftovers, findLeftovers, ElectricalSeries, GrayscaleImage, H5DataIO, ImageReferences, ImageSeries, Images, IndexSeries, MemoryStore, NWBFile, NWBHDF5IO, NWBZarrIO, RGBImage,
  TimeSeries, typeCatalog,
} from "../src/index.js";
import { guessChunks } from "../src/io/zarr/layout.js";
import { encodeJSON2, encodeVlenUtf8 } from "../src/io/zarr/object-codecs.js";
import { ORACLE, ROOT, SHARED, tempFolder } from "./helpers.js";
import { exemptFromOracle } from "./oracle/record.mjs";
import { Maker } from "./maker.js";

const run = promisify(execFile);
const tmp = tempFolder("tsnwb-zarr-write-");
afterAll(() => tmp.cleanup());

const CHECK = path.join(ROOT, "test", "zarr", "check_zarr.py");
/** The same crash of pynwb's validator every-type.test.ts exempts, for the HDF5 originals written here. */
const PYNWB_VALIDATOR_CRASH = { validate: "^validator failed: ValueError: Unrecognized type: 'object'$" };
/**
 * Zarr keeps attributes as JSON, whose numbers carry no width: hdmf's validator names a float attribute read back
 * "float" (float32 to it) and refuses it where the schema says float64. hdmf-zarr's own stores have the same
 * finding; nothing a store can hold says float64 for an attribute.
 */
const JSON_FLOAT_ATTRIBUTE = /incorrect type - expected 'float64', got 'float'$/;

interface Verdict {
  store: string;
  objects: number;
  differences: string[];
  validation: string[];
  error: string | null;
}

/** hdmf-zarr reads each store and compares it with pynwb's read of its original; pynwb's validator judges it. */
async function check(pairs: [store: string, original: string][], byName = false): Promise<Verdict[]> {
  const { stdout } = await run(ORACLE, ["python", CHECK, ...(byName ? ["--by-name"] : []), ...pairs.flat()], { maxBuffer: 64 << 20, timeout: 900_000 });
  return stdout.trim().split("\n").map((l) => JSON.parse(l) as Verdict);
}

/** What is wrong with a verdict: an error, a difference, a validation finding other than the JSON-float one. */
function problems(v: Verdict): string[] {
  return [...(v.error ? [v.error] : []), ...v.differences, ...v.validation.filter((m) => !JSON_FLOAT_ATTRIBUTE.test(m))];
}

async function convert(source: string, target: string): Promise<void> {
  const io = await NWBHDF5IO.open(source, "r");
  const z = await NWBZarrIO.open(target, "w");
  await z.write(await io.read());
  await z.close();
  await io.close();
}

describe("NWBZarrIO writes stores hdmf-zarr reads", () => {
  const fixtures = ["pynwb", "domains"].flatMap((d) => readdirSync(path.join(SHARED, "fixtures", d)).filter((f) => f.endsWith(".nwb")).map((f) => path.join(SHARED, "fixtures", d, f)));

  it("every fixture, converted from HDF5: same values object for object, valid", async () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(8);
    const pairs: [string, string][] = [];
    for (const f of fixtures) {
      const store = path.join(tmp.dir, `${path.basename(f)}.zarr`);
      await convert(f, store);
      pairs.push([store, f]);
    }
    const verdicts = await check(pairs);
    expect(verdicts.length).toBe(pairs.length);
    for (const v of verdicts) {
      expect(problems(v), v.store).toEqual([]);
      expect(v.objects, v.store).toBeGreaterThan(1);
    }
    // The extension's one finding is the JSON float attribute (its exposure_time), nothing else.
    expect(verdicts.flatMap((v) => v.validation)).toEqual(["CameraSeries/exposure_time (acquisition/camera.exposure_time): incorrect type - expected 'float64', got 'float'"]);
  }, 900_000);

  it("every type of core, hdmf-common and hdmf-experimental: same values as tsnwb's HDF5 file of it", async () => {
    const types = typeCatalog.namespaces
      .filter((d) => ["core", "hdmf-common", "hdmf-experimental"].includes(d.namespace.name))
      .flatMap((d) => typeCatalog.typeNames(d.namespace.name).map((n) => typeCatalog.get(n, d.namespace.name)));
    const pairs: [string, string][] = [];
    const refused: string[] = [];
    for (const type of types) {
      const file = path.join(tmp.dir, `every-${type.namespace}-${type.name}.nwb`);
      const store = `${file}.zarr`;
      exemptFromOracle(file, PYNWB_VALIDATOR_CRASH);
      const maker = new Maker();
      maker.placed(maker.make(type));
      try {
        const io = await NWBHDF5IO.open(file, "w");
        await io.write(maker.nwbfile);
        await io.close();
      } catch {
        // Types tsnwb refuses to write alone (every-type.test.ts judges those): nothing to compare.
        continue;
      }
      try {
        const z = await NWBZarrIO.open(store, "w");
        await z.write(maker.nwbfile);
        await z.close();
      } catch (e) {
        refused.push(`${type.name}: ${String(e)}`);
        continue;
      }
      pairs.push([store, file]);
    }
    expect(refused).toEqual([]);
    expect(pairs.length).toBeGreaterThan(70);
    const verdicts = await check(pairs);
    const found = verdicts.flatMap((v) => problems(v).map((p) => `${path.basename(v.store)}: ${p.split("\n").slice(-3).join(" ")}`));
    expect(found).toEqual([]);
  }, 900_000);

  it("a file built here: tables with ragged and reference columns, regions, links, image references, compound rows", async () => {
    const f = new NWBFile({ session_description: "built", identifier: "built", session_start_time: "2024-05-06T07:08:09-07:00", experimenter: ["Baggins, Bilbo"], keywords: ["zarr", "écriture"] });
    const voltage = new TimeSeries({ name: "voltage", data: Float32Array.from({ length: 600 }, (_, i) => i / 3), unit: "V", starting_time: 0.5, rate: 100.0 });
    f.addAcquisition(voltage);
    const stamped = new TimeSeries({ name: "stamped", data: Int16Array.of(1, -2, 3), unit: "mV", timestamps: Float64Array.of(0.1, 0.2, 0.35) });
    f.addAcquisition(stamped);
    // The same timestamps in two series: the second's are a link to the first's dataset.
    f.addAcquisition(new TimeSeries({ name: "shared_time", data: Int16Array.of(4, 5, 6), unit: "mV", timestamps: stamped.timestamps! }));
    f.addTrialColumn({ name: "stim", description: "the stimulus" });
    f.addTrial({ start_time: 0.0, stop_time: 2.0, stim: "dog", tags: ["animal"], timeseries: [voltage] });
    f.addTrial({ start_time: 3.0, stop_time: 5.0, stim: "tree", tags: ["landscape", "plant"], timeseries: [voltage] });
    f.addTrial({ start_time: 6.0, stop_time: 8.0, stim: "", tags: [], timeseries: [voltage] });
    const device = f.createDevice({ name: "array", description: "an array", manufacturer: "Probe Company" });
    for (let shank = 0; shank < 2; shank++) {
      const group = f.createElectrodeGroup({ name: `shank${shank}`, description: `shank ${shank}`, device, location: "CA1" });
      for (let e = 0; e < 3; e++) f.addElectrode({ group, location: "CA1", x: shank, y: e, z: 0.5 });
    }
    const region = f.createElectrodeTableRegion([0, 2, 4], "three electrodes");
    f.addAcquisition(new ElectricalSeries({ name: "ephys", data: { data: Int16Array.from({ length: 50 * 3 }, (_, i) => i - 75), shape: [50, 3] }, electrodes: region, starting_time: 0, rate: 30000.0 }));
    f.addUnit({ spike_times: [0.1, 0.25, 1.5] });
    f.addUnit({ spike_times: [] });
    f.addUnit({ spike_times: [2.0] });
    const rgb = new RGBImage({ name: "rgb", data: { data: Uint8Array.from({ length: 6 * 8 * 3 }, (_, i) => i), shape: [6, 8, 3] }, resolution: 70.0 });
    const gray = new GrayscaleImage({ name: "gray", data: { data: Uint8Array.from({ length: 6 * 8 }, (_, i) => 255 - i), shape: [6, 8] } });
    const images = new Images({ name: "pictures", images: [rgb, gray], description: "two pictures" });
    images.setOrder(new ImageReferences({ name: "order_of_images", data: [gray, rgb] }));
    f.addStimulusTemplate(images);
    f.addStimulus(new IndexSeries({ name: "shown", data: Uint32Array.of(0, 1, 1, 0), indexed_images: images, timestamps: [0.1, 0.2, 0.3, 0.4] }));
    const file = path.join(tmp.dir, "built.nwb");
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(f);
    await io.close();
    const store = path.join(tmp.dir, "built.nwb.zarr");
    const z = await NWBZarrIO.open(store, "w");
    await z.write(f);
    await z.close();
    const [verdict] = await check([[store, file]]);
    expect(problems(verdict!)).toEqual([]);
    expect(verdict!.objects).toBeGreaterThan(15);
    // The trials' timeseries column: compound rows with a reference, pickled as hdmf-zarr pickles them.
    const ts = JSON.parse(readFileSync(path.join(store, "intervals/trials/timeseries/.zattrs"), "utf8"));
    expect(ts.zarr_dtype).toEqual([{ dtype: "int32", name: "idx_start" }, { dtype: "int32", name: "count" }, { dtype: "object", name: "timeseries" }]);
    const shared = JSON.parse(readFileSync(path.join(store, "acquisition/shared_time/.zattrs"), "utf8"));
    expect(shared.zarr_link).toMatchObject([{ name: "timestamps", source: ".", path: "/acquisition/stamped/timestamps" }]);
  }, 300_000);

  it("a stream, chunks, gzip with shuffle and a fill value: kept, and read back the same", async () => {
    const frames = (n: number) => (function* () {
      for (let i = 0; i < n; i++) yield { data: Uint16Array.from({ length: 12 * 10 }, (_, k) => (i * 131 + k * 7) % 65536), shape: [12, 10] };
    })();
    const make = (stream: boolean) => {
      const f = new NWBFile({ session_description: "zarr storage", identifier: "zarr-storage", session_start_time: "2024-05-06T07:08:09Z", file_create_date: ["2024-05-06T08:00:00Z"] } as never);
      const movie = stream ? frames(37) : { data: Uint16Array.from({ length: 37 * 120 }, (_, j) => (Math.floor(j / 120) * 131 + (j % 120) * 7) % 65536), shape: [37, 12, 10] };
      f.addAcquisition(new ImageSeries({ name: "movie", data: new H5DataIO({ data: movie, chunks: [8, 5, 10], fillvalue: 7 }), unit: "n.a.", rate: 30 }));
      const trace = Float64Array.from({ length: 5000 }, (_, i) => Math.sin(i / 10));
      f.addAcquisition(new TimeSeries({ name: "trace", data: new H5DataIO({ data: trace, compression: "gzip", compression_opts: 6, shuffle: true, chunks: [1000] }), unit: "V", rate: 1000 }));
      return f;
    };
    const file = path.join(tmp.dir, "storage.nwb");
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(make(false));
    await io.close();
    const store = path.join(tmp.dir, "storage.nwb.zarr");
    const progress: { path: string; rows: number }[] = [];
    const z = await NWBZarrIO.open(store, "w", { onProgress: (e) => progress.push(e) });
    await z.write(make(true));
    await z.close();
    // A progress event per row of chunks written: the stream's 5 (8 frames each, then 5), the trace's 5.
    expect(progress.filter((e) => e.path === "/acquisition/movie/data").map((e) => e.rows)).toEqual([8, 16, 24, 32, 37]);
    expect(progress.filter((e) => e.path === "/acquisition/trace/data").map((e) => e.rows)).toEqual([1000, 2000, 3000, 4000, 5000]);
    const movie = JSON.parse(readFileSync(path.join(store, "acquisition/movie/data/.zarray"), "utf8"));
    expect([movie.shape, movie.chunks, movie.dtype, movie.fill_value]).toEqual([[37, 12, 10], [8, 5, 10], "<u2", 7]);
    // 5 rows of chunks by 3 (12 rows of pixels in chunks of 5): edge chunks padded to a whole chunk, as Zarr's format wants.
    const grid = [0, 1, 2, 3, 4].flatMap((t) => [0, 1, 2].map((y) => `${t}.${y}.0`));
    expect(readdirSync(path.join(store, "acquisition/movie/data")).filter((k) => !k.startsWith(".")).sort()).toEqual(grid.sort());
    const trace = JSON.parse(readFileSync(path.join(store, "acquisition/trace/data/.zarray"), "utf8"));
    expect([trace.chunks, trace.compressor, trace.filters]).toEqual([[1000], { id: "zlib", level: 6 }, [{ elementsize: 8, id: "shuffle" }]]);
    expect(existsSync(path.join(store, ".zmetadata"))).toBe(true);
    // Two NWBFile objects of the same content (the store's from a stream): matched by type and name.
    const [verdict] = await check([[store, file]], true);
    expect(problems(verdict!)).toEqual([]);
  }, 300_000);

  it("writes into any store object (memory here), with the consolidated metadata of every node", async () => {
    const store = new MemoryStore();
    const f = new NWBFile({ session_description: "in memory", identifier: "mem", session_start_time: "2024-05-06T07:08:09Z" });
    f.addAcquisition(new TimeSeries({ name: "t", data: Float64Array.of(1, 2, 3), unit: "V", rate: 1 }));
    const z = await NWBZarrIO.open(store, "w", { name: "memory" });
    await z.write(f);
    await z.close();
    const meta = JSON.parse(new TextDecoder().decode(store.entries.get("/.zmetadata"))) as { metadata: Record<string, unknown> };
    const nodes = [...store.entries.keys()].filter((k) => /\/\.z(group|array|attrs)$/.test(k)).map((k) => k.slice(1)).sort();
    expect(Object.keys(meta.metadata).sort()).toEqual(nodes);
    expect(meta.metadata["acquisition/t/data/.zattrs"]).toEqual({ conversion: 1, offset: 0, resolution: -1, unit: "V", zarr_dtype: "float64" });
    expect(meta.metadata[".zattrs"]).toMatchObject({ ".specloc": "specifications", neurodata_type: "NWBFile" });
    // Floats stay floats in JSON (1.0, not 1), so zarr-python reads them back as floats.
    expect(new TextDecoder().decode(store.entries.get("/acquisition/t/data/.zattrs"))).toContain('"conversion": 1.0');
  });

  it("picks the chunks zarr-python picks, and writes vlen-utf8 and json2 as numcodecs decodes them", async () => {
    const cases: [number[], number][] = [[[1], 8], [[5], 8], [[100000], 8], [[3000, 64], 2], [[2000, 512, 512], 2], [[0, 0, 0], 1], [[37, 12, 10], 2], [[10, 1_000_000], 4]];
    const script = `
import json, sys, numpy as np, numcodecs
from zarr.util import guess_chunks
cases, utf8, js = json.loads(sys.argv[1]), bytes.fromhex(sys.argv[2]), bytes.fromhex(sys.argv[3])
print(json.dumps([list(guess_chunks(tuple(s), t)) for s, t in cases]))
print(json.dumps(numcodecs.VLenUTF8().decode(utf8).tolist()))
print(json.dumps(numcodecs.JSON().decode(js).tolist()))
`;
    const texts = ["", "a", "écriture ✓", "日本語", "x".repeat(300)];
    const utf8 = Buffer.from(encodeVlenUtf8(texts)).toString("hex");
    const json = Buffer.from(encodeJSON2([{ path: "/a/b", source: ".", object_id: "ü", source_object_id: null }, { path: "/c", source: ".", object_id: null, source_object_id: null }], [2])).toString("hex");
    const { stdout } = await run(ORACLE, ["python", "-c", script, JSON.stringify(cases), utf8, json]);
    const [chunks, decodedTexts, decodedRefs] = stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(cases.map(([shape, size]) => guessChunks(shape, size))).toEqual(chunks);
    expect(decodedTexts).toEqual(texts);
    expect(decodedRefs).toEqual([{ object_id: "ü", path: "/a/b", source: ".", source_object_id: null }, { object_id: null, path: "/c", source: ".", source_object_id: null }]);
  });

  it("puts a store at its path only once written and closed; a failed or unclosed write leaves what was there", async () => {
    const target = path.join(tmp.dir, "atomic.nwb.zarr");
    const make = (n: number) => {
      const f = new NWBFile({ session_description: `version ${n}`, identifier: "atomic", session_start_time: "2024-05-06T07:08:09Z" });
      f.addAcquisition(new TimeSeries({ name: "t", data: Float64Array.of(n, n + 1), unit: "V", rate: 1 }));
      return f;
    };
    let z = await NWBZarrIO.open(target, "w");
    await z.write(make(1));
    expect(existsSync(target)).toBe(false);
    await z.close();
    const first = readFileSync(path.join(target, "session_description/0"));
    // A stream that fails midway: the store at the path is the first one still, and no temporary folder is left.
    z = await NWBZarrIO.open(target, "w");
    const failing = make(2);
    failing.addAcquisition(new ImageSeries({ name: "movie", data: (function* () { yield new Uint8Array(4); throw new Error("camera unplugged"); })() as never, unit: "n.a.", rate: 1 }));
    await expect(z.write(failing)).rejects.toThrow(/camera unplugged/);
    await z.close();
    expect(readFileSync(path.join(target, "session_description/0"))).toEqual(first);
    expect(findLeftovers(tmp.dir, target)).toEqual([]);
    // Written but never closed (a killed process): a temporary folder, which tsnwb clean's cleanLeftovers removes.
    z = await NWBZarrIO.open(target, "w");
    await z.write(make(3));
    const left = findLeftovers(tmp.dir, target);
    expect(left.map((l) => l.kind)).toEqual(["temporary"]);
    expect(cleanLeftovers(tmp.dir).map((l) => l.path)).toEqual(left.map((l) => l.path));
    expect(existsSync(left[0]!.path)).toBe(false);
    // Replaced by a new store once closed.
    z = await NWBZarrIO.open(target, "w");
    await z.write(make(4));
    await z.close();
    expect(readFileSync(path.join(target, "session_description/0"))).not.toEqual(first);
    expect(readdirSync(tmp.dir).filter((n) => n.includes("atomic") && n !== "atomic.nwb.zarr")).toEqual([]);
  });

  it("refuses mode \"a\" where there is no store or on a store object, and a read-only store for writing, saying why", async () => {
    // Mode "a" rewrites a store in a folder (test/zarr-convert.test.ts): none there, or a store object, is refused.
    await expect(NWBZarrIO.open(path.join(tmp.dir, "x.nwb.zarr"), "a")).rejects.toThrow(/no NWB Zarr store at/);
    await expect(NWBZarrIO.open(new MemoryStore(), "a")).rejects.toThrow(/mode "a"/);
    await expect(NWBZarrIO.open({ get: async () => undefined } as never, "w")).rejects.toThrow(/cannot be written/);
    await expect(NWBZarrIO.open(new MemoryStore(), "w", { compressor: { id: "zstd" } })).rejects.toThrow(/field 'compressor'.*blosc, zlib, gzip/);
    // A folder that is not a store is never emptied by mode "w" (a mistyped path), nor a file replaced.
    await expect(NWBZarrIO.open(path.join(ROOT, "test"), "w")).rejects.toThrow(/not a Zarr store/);
    await expect(NWBZarrIO.open(path.join(ROOT, "package.json"), "w")).rejects.toThrow(/a file is there/);
  });
});
