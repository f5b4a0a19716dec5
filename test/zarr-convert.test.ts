/**
 * `tsnwb convert` between HDF5 and NWB Zarr, and the commands that read files (info, validate, inspect) on Zarr
 * folders. Every fixture of ../shared/fixtures/pynwb and ../shared/fixtures/domains is converted HDF5 -> Zarr by the
 * command line, and the store back Zarr -> HDF5:
 * - hdmf-zarr (`hdmf_zarr.nwb.NWBZarrIO`) reads each store with the original's values, object for object, and
 *   pynwb's validator accepts it (test/zarr/check_zarr.py);
 * - the HDF5 file back is the original, as h5py reads both (test/py/h5_compare.py: every group, dataset, link and
 *   attribute, values, dtypes, shapes, chunks, compression, the cached specification), and pynwb reads it, validates
 *   it and inspects it;
 * - `tsnwb info`, `validate` and `inspect` on the store say what they say on the original.
 * Stores hdmf-zarr itself exported (Blosc-compressed) are converted to HDF5 too: same values; their arrays gzip.
 * NWBZarrIO opens stores by URL (read-only) and refuses mode "a".
 */
import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryStore, NWBFile, NWBHDF5IO, NWBZarrIO, TimeSeries } from "../src/index.js";
import { fileInfo } from "../src/cli/info.js";
import { ModeError } from "../src/errors.js";
import { ORACLE, ROOT, SHARED, TSNWB, pynwbCheck, tempFolder } from "./helpers.js";
import { serveFolder } from "./servers/folder-server.mjs";

const run = promisify(execFile);
const tmp = tempFolder("tsnwb-zarr-convert-");
afterAll(() => tmp.cleanup());

const FIXTURES = ["pynwb", "domains"].flatMap((d) =>
  readdirSync(path.join(SHARED, "fixtures", d)).filter((f) => f.endsWith(".nwb")).sort().map((f) => path.join(SHARED, "fixtures", d, f)));
const name = (f: string) => path.basename(f, ".nwb");
const storeOf = (f: string) => path.join(tmp.dir, `${name(f)}.nwb.zarr`);
const backOf = (f: string) => path.join(tmp.dir, `${name(f)}.back.nwb`);

const COMPARE = path.join(ROOT, "test", "py", "h5_compare.py");
const CHECK_ZARR = path.join(ROOT, "test", "zarr", "check_zarr.py");
/** As in zarr-write.test.ts: JSON keeps no float width, so hdmf's validator calls a float attribute "float" (float32). */
const JSON_FLOAT_ATTRIBUTE = /incorrect type - expected 'float64', got 'float'$/;

async function tsnwb(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [TSNWB, ...args], { maxBuffer: 64 << 20, timeout: 300_000 });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const x = e as { stdout?: string; stderr?: string; code?: number };
    return { stdout: x.stdout ?? "", stderr: x.stderr ?? "", code: typeof x.code === "number" ? x.code : -1 };
  }
}

/** h5py's differences between two HDF5 files (test/py/h5_compare.py), one per line. */
async function h5Differences(a: string, b: string): Promise<string[]> {
  const { stdout } = await run(ORACLE, ["python", COMPARE, a, b], { maxBuffer: 64 << 20, timeout: 300_000 });
  const lines = stdout.trim().split("\n");
  expect(lines[lines.length - 1]).toMatch(/^differences: \d+$/);
  return lines.slice(0, -1);
}

const converted = new Map<string, { toZarr: string; toHDF5: string }>();

beforeAll(async () => {
  for (const f of FIXTURES) {
    const toZarr = await tsnwb("convert", f, storeOf(f));
    if (toZarr.code !== 0) throw new Error(`tsnwb convert ${f}: ${toZarr.stderr}`);
    const toHDF5 = await tsnwb("convert", storeOf(f), backOf(f));
    if (toHDF5.code !== 0) throw new Error(`tsnwb convert ${storeOf(f)}: ${toHDF5.stderr}`);
    converted.set(f, { toZarr: toZarr.stdout, toHDF5: toHDF5.stdout });
  }
}, 900_000);

describe("tsnwb convert HDF5 -> Zarr -> HDF5, every fixture", () => {
  it("writes a store and a file, and says where", () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(8);
    for (const f of FIXTURES) {
      expect(converted.get(f)!.toZarr.trim()).toBe(`wrote ${storeOf(f)}`);
      expect(converted.get(f)!.toHDF5.trim()).toBe(`wrote ${backOf(f)}`);
    }
  });

  it("hdmf-zarr reads each store with the original's values, object for object, and pynwb's validator accepts it", async () => {
    const { stdout } = await run(ORACLE, ["python", CHECK_ZARR, ...FIXTURES.flatMap((f) => [storeOf(f), f])], { maxBuffer: 64 << 20, timeout: 900_000 });
    const verdicts = stdout.trim().split("\n").map((l) => JSON.parse(l) as { store: string; objects: number; differences: string[]; validation: string[]; error: string | null });
    expect(verdicts.length).toBe(FIXTURES.length);
    for (const v of verdicts) {
      expect([...(v.error ? [v.error] : []), ...v.differences, ...v.validation.filter((m) => !JSON_FLOAT_ATTRIBUTE.test(m))], v.store).toEqual([]);
      expect(v.objects, v.store).toBeGreaterThan(1);
    }
  }, 900_000);

  it("the HDF5 file back is the original, as h5py reads both (values, dtypes, chunks, compression, cached spec)", async () => {
    for (const f of FIXTURES) expect(await h5Differences(f, backOf(f)), name(f)).toEqual([]);
  }, 600_000);

  it("pynwb reads, validates and inspects the file back as it does the original", async () => {
    const verdicts = await pynwbCheck([...FIXTURES, ...FIXTURES.map(backOf)]);
    for (const f of FIXTURES) {
      const { read, validate, inspect } = verdicts.get(backOf(f))!;
      const original = verdicts.get(f)!;
      expect({ read, validate, inspect }, name(f)).toEqual({ read: original.read, validate: original.validate, inspect: original.inspect });
      expect(read, name(f)).toBeNull();
    }
  }, 600_000);
});

describe("tsnwb info, validate and inspect on a Zarr folder", () => {
  /** A command's output on the store with the store's name put back to the original's. */
  const asOriginal = (text: string, f: string) => text.split(storeOf(f)).join(f).split(path.relative(process.cwd(), storeOf(f))).join(f);
  /** The time of the report (`inspect --json`'s header) is no part of what a file holds. */
  const untimed = (text: string) => text.replace(/"Timestamp":"[^"]*"/g, '"Timestamp":""');

  it("info lists the same objects, arrays and chunks (Zarr's zlib named as such where HDF5 says gzip)", async () => {
    for (const f of FIXTURES) {
      const [h5, zarr] = await Promise.all([tsnwb("info", f), tsnwb("info", storeOf(f))]);
      expect(zarr.code, zarr.stderr).toBe(0);
      expect(asOriginal(zarr.stdout, f).replace(/ zlib\b/g, " gzip"), name(f)).toBe(h5.stdout);
    }
  }, 300_000);

  it("info --json gives the same data", async () => {
    for (const f of FIXTURES) {
      const [h5, zarr] = await Promise.all([tsnwb("info", "--json", f), tsnwb("info", "--json", storeOf(f))]);
      expect(zarr.code, zarr.stderr).toBe(0);
      const z = JSON.parse(zarr.stdout) as { file: string };
      const h = JSON.parse(h5.stdout) as { file: string };
      expect(z.file).toBe(storeOf(f));
      expect(JSON.parse(JSON.stringify({ ...z, file: h.file }).replace(/"zlib"/g, '"gzip"')), name(f)).toEqual(h);
    }
  }, 300_000);

  it("validate and inspect say the same, with the same exit status", async () => {
    for (const f of FIXTURES) {
      for (const command of [["validate"], ["validate", "--json"], ["inspect"], ["inspect", "--json"]]) {
        const [h5, zarr] = await Promise.all([tsnwb(...command, f), tsnwb(...command, storeOf(f))]);
        expect(zarr.code, `${command.join(" ")} ${name(f)}: ${zarr.stderr}`).toBe(h5.code);
        expect(untimed(asOriginal(zarr.stdout, f)), `${command.join(" ")} ${name(f)}`).toBe(untimed(h5.stdout));
      }
    }
  }, 600_000);
});

describe("stores hdmf-zarr exported, converted to HDF5", () => {
  it("have the original's values; Blosc-compressed arrays become gzip (chunked), and pynwb accepts the files", async () => {
    const dir = path.join(tmp.dir, "hdmf-zarr");
    await run(ORACLE, ["python", path.join(ROOT, "test", "py", "zarr_stores.py"), dir, ...FIXTURES], { maxBuffer: 64 << 20, timeout: 600_000 });
    const backs: string[] = [];
    for (const f of FIXTURES) {
      const back = path.join(dir, `${name(f)}.back.nwb`);
      const r = await tsnwb("convert", path.join(dir, `${name(f)}.nwb.zarr`), back);
      expect(r.code, r.stderr).toBe(0);
      backs.push(back);
      // Layout is hdmf-zarr's (its export chunks and compresses as zarr-python does), values are the original's;
      // hdmf-zarr also rewrote the extension's cached specification from its type map.
      const differences = (await h5Differences(f, back)).filter((d) => !/: (chunks|shuffle|compression) /.test(d) && !d.startsWith("/specifications/"));
      expect(differences, name(f)).toEqual([]);
    }
    // hdmf-zarr's arrays are Blosc (zarr-python's default): gzip in HDF5.
    const ecephys = backs.find((b) => path.basename(b) === "ecephys.back.nwb")!;
    const { stdout } = await run(ORACLE, ["python", "-c", `import h5py; d = h5py.File(${JSON.stringify(ecephys)})["/acquisition/ElectricalSeries/data"]; print(d.compression, d.compression_opts)`]);
    expect(stdout.trim()).toBe("gzip 4");
    const verdicts = await pynwbCheck(backs);
    for (const b of backs) expect(verdicts.get(b)!.read, b).toBeNull();
  }, 900_000);
});

describe("NWBZarrIO.open", () => {
  it("reads a store by URL (read-only, through HttpStore) as it reads the folder", async () => {
    const f = FIXTURES.find((x) => name(x) === "ecephys")!;
    const server = await serveFolder(storeOf(f));
    try {
      const byURL = await NWBZarrIO.open(server.url, "r");
      const byFolder = await NWBZarrIO.open(storeOf(f), "r");
      const [a, b] = [fileInfo(await byURL.read(), "x"), fileInfo(await byFolder.read(), "x")];
      expect(a).toEqual(b);
      expect(a.objects.length).toBeGreaterThan(5);
      await expect(NWBZarrIO.open(server.url, "w")).rejects.toThrow(ModeError);
      await byURL.close();
      await byFolder.close();
    } finally {
      await server.close();
    }
  });

  it("reads a store by URL in a browser page (the browser bundle), as Node reads it", async () => {
    const f = FIXTURES.find((x) => name(x) === "ophys")!;
    const pageDir = path.join(tmp.dir, "page");
    mkdirSync(pageDir, { recursive: true });
    writeFileSync(path.join(pageDir, "index.html"), '<!doctype html><meta charset="utf-8"><title>NWB Zarr</title>');
    const server = await serveFolder(storeOf(f), { staticDir: pageDir });
    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
    try {
      const page = await browser.newPage();
      await page.goto(`${server.origin}/page/index.html`);
      await page.addScriptTag({ path: path.join(ROOT, "dist", "viewer", "tsnwb.js"), type: "module" });
      await page.waitForFunction(() => "tsnwb" in globalThis);
      const inPage = await page.evaluate(async (url) => {
        const { NWBZarrIO } = (globalThis as unknown as { tsnwb: typeof import("../src/browser.js") }).tsnwb;
        const io = await NWBZarrIO.open(url, "r");
        const nwbfile = await io.read();
        const series = [...nwbfile.acquisition.values()][0] as unknown as { name: string; data: { read(): Promise<ArrayLike<number>>; shape: number[] } };
        const data = Array.from(await series.data.read());
        const refused = await NWBZarrIO.open("some/folder.nwb.zarr", "r").then(() => "opened", (e: Error) => e.message);
        await io.close();
        return { identifier: nwbfile.identifier, objects: nwbfile.objects.size, name: series.name, shape: series.data.shape, sum: data.reduce((a, b) => a + Number(b), 0), refused };
      }, server.url);
      const io = await NWBZarrIO.open(storeOf(f), "r");
      const nwbfile = await io.read();
      const series = [...nwbfile.acquisition.values()][0] as unknown as { name: string; data: { read(): Promise<ArrayLike<number>>; shape: number[] } };
      const data = Array.from(await series.data.read());
      expect(inPage).toEqual({
        identifier: nwbfile.identifier, objects: nwbfile.objects.size, name: series.name, shape: series.data.shape,
        sum: data.reduce((a, b) => a + Number(b), 0), refused: expect.stringMatching(/only Node opens/),
      });
      await io.close();
    } finally {
      await browser.close();
      await server.close();
    }
  }, 120_000);

  it('mode "a" on a folder: the file read, changed and written, put in place at close; hdmf-zarr reads it', async () => {
    const f = FIXTURES.find((x) => name(x) === "ecephys")!;
    const store = path.join(tmp.dir, "appended.nwb.zarr");
    expect((await tsnwb("convert", f, store)).code).toBe(0);
    const io = await NWBZarrIO.open(store, "a");
    const nwbfile = await io.read();
    nwbfile.addAcquisition(new TimeSeries({ name: "added", data: Float64Array.from([1, 2, 3, 4]), unit: "V", rate: 10 }));
    await expect(io.write(new NWBFile({ session_description: "x", identifier: "y", session_start_time: new Date() }))).rejects.toThrow(/not read from it/);
    await io.write(nwbfile);
    await io.close();
    const { stdout } = await run(ORACLE, ["python", "-c", [
      "from hdmf_zarr.nwb import NWBZarrIO",
      `io = NWBZarrIO(${JSON.stringify(store)}, "r")`,
      "f = io.read()",
      "print(sorted(f.acquisition), list(f.acquisition['added'].data[:]), int(f.acquisition['ElectricalSeries'].data[:].sum()))",
    ].join("\n")]);
    const h5 = await NWBHDF5IO.open(f, "r");
    const sum = Array.from((await ((await h5.read()).acquisition.get("ElectricalSeries") as unknown as { data: { read(): Promise<unknown> } }).data.read()) as ArrayLike<number>).reduce((a, b) => a + b, 0);
    await h5.close();
    expect(stdout.trim()).toBe(`['ElectricalSeries', 'added'] [1.0, 2.0, 3.0, 4.0] ${sum}`);
    expect((await tsnwb("validate", store)).stdout.trim()).toBe(`${store}: valid`);
    expect(readdirSync(tmp.dir).filter((n) => n.includes("tsnwb-tmp"))).toEqual([]);
    // A store object or a URL is not rewritten beside itself: refused.
    await expect(NWBZarrIO.open(new MemoryStore(), "a")).rejects.toThrow(/mode "a" opens NWB Zarr stores in folders/);
  }, 300_000);

  it("convert refuses to write over its input, and an HDF5 reader refuses a Zarr folder as HDF5", async () => {
    const r = await tsnwb("convert", storeOf(FIXTURES[0]!), storeOf(FIXTURES[0]!));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/output/);
    await expect(NWBHDF5IO.open(storeOf(FIXTURES[0]!), "r")).rejects.toThrow();
  });
});
