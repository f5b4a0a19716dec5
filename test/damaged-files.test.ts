/**
 * Damaged files (issue 16, "Trust"). Each finding first, with a file that shows it: HDF5's abort text printed by the
 * WebAssembly module, HDF5 looping forever on a damaged global heap (h5py's HDF5 too), the commands' time limit for
 * whatever else may loop, a table without `id`, a damaged cached specification, output closed early (`| head -1`).
 * Then a seeded fuzz: damaged copies of the shared fixtures and of files tsnwb writes (byte flips, truncations,
 * zeroed blocks, damaged object headers, B-trees and heaps, damaged specification text), each command run once over
 * all of them (`info --json`, `validate`, `inspect`) and a library read of each (open, read, every object printed,
 * every table's rows, every array): exit 0, 1 or 2, never a signal, a stack trace or the module's text, one line per
 * file that fails, no file near the time limit. It replaces validation.test.ts's smaller fuzz (same seed).
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  H5DataIO, ImageSeries, Images, GrayscaleImage, IndexSeries, NWBFile, NWBHDF5IO, RGBImage, SeriesAppender, isTsnwbError,
} from "../src/index.js";
import { mulberry32 } from "../src/demo/tutorial.js";
import { FIXTURES, ROOT, SHARED, TSNWB, tempFolder } from "./helpers.js";

const DOMAINS = path.join(SHARED, "fixtures", "domains");
const fixtures = [
  ...readdirSync(FIXTURES).filter((f) => f.endsWith(".nwb")).map((f) => path.join(FIXTURES, f)),
  ...readdirSync(DOMAINS).filter((f) => f.endsWith(".nwb")).map((f) => path.join(DOMAINS, f)),
];
const tmp = tempFolder("tsnwb-damaged-");
afterAll(() => tmp.cleanup());

/** The seed of the fuzz (validation.test.ts's before): a failing case is made again from it. */
const SEED = 20261127;
/** How many damaged copies the fuzz makes. */
const COPIES = 1000;
/**
 * The time limit per file in these tests (TSNWB_TIME_LIMIT, and the library read's): files here read in well under a
 * second, and no damage the fuzz makes should come near it (a file that did would be a new way for HDF5 to loop).
 */
const LIMIT_S = 10;
/** No file may take longer than this anywhere (the issue's bound). */
const BOUND_MS = 20_000;

/** No stack trace, no WebAssembly module text, no raw WebAssembly error: what the issue saw and must not be. */
function expectClean(text: string, where: string): void {
  expect(text, where).not.toMatch(/\n\s+at |^\s+at /m);
  expect(text, where).not.toContain("Aborted(");
  expect(text, where).not.toContain("RuntimeError");
  expect(text, where).not.toMatch(/^warning: /m);
}

interface Run { code: number | null; signal: NodeJS.Signals | null; out: string; err: string; ms: number; longestSilenceMs: number }

/**
 * Runs tsnwb with `args`; `longestSilenceMs` is the longest time without output, which for commands that print each
 * file's result as it is done bounds the time any one file took. A run silent past `BOUND_MS` is stopped.
 */
function tsnwb(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const started = performance.now();
    let last = started;
    let longest = 0;
    const child = spawn(process.execPath, [TSNWB, ...args], { env: { ...process.env, TSNWB_TIME_LIMIT: String(LIMIT_S), ...env } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const heard = () => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    };
    child.stdout.on("data", (d: Buffer) => (out.push(d), heard()));
    child.stderr.on("data", (d: Buffer) => (err.push(d), heard()));
    const watchdog = setInterval(() => {
      if (performance.now() - last > BOUND_MS) child.kill("SIGKILL");
    }, 500);
    child.on("close", (code, signal) => {
      clearInterval(watchdog);
      heard();
      resolve({ code, signal, out: Buffer.concat(out).toString("utf8"), err: Buffer.concat(err).toString("utf8"), ms: performance.now() - started, longestSilenceMs: longest });
    });
  });
}

/** `file` with `edit` applied to a copy of its bytes, written as `name` in the temporary folder. */
function damagedCopy(file: string, name: string, edit: (bytes: Buffer) => Buffer | void): string {
  const bytes = Buffer.from(readFileSync(file));
  const out = path.join(tmp.dir, name);
  writeFileSync(out, edit(bytes) ?? bytes);
  return out;
}

/** Offsets of every occurrence of `text` in `bytes`. */
function occurrences(bytes: Buffer, text: string): number[] {
  const out: number[] = [];
  for (let at = bytes.indexOf(text); at >= 0; at = bytes.indexOf(text, at + 1)) out.push(at);
  return out;
}

/** The offset of `text`'s first occurrence in `bytes` (which must hold it). */
function firstOf(bytes: Buffer, text: string): number {
  const at = bytes.indexOf(text);
  if (at < 0) throw new Error(`the fixture no longer holds ${JSON.stringify(text)}`);
  return at;
}

/** An h5py-made variant of a fixture (test/py/break_file.py). */
function broken(from: string, name: string): string {
  const out = path.join(tmp.dir, `${name}.nwb`);
  execFileSync("/usr/bin/python3", [path.join(ROOT, "test", "py", "break_file.py"), from, out, name]);
  return out;
}

/** Stderr's lines. */
const linesOf = (text: string) => text.split("\n").filter((l) => l.length > 0);

// The findings' files, made from the fixtures by exact edits the fuzz found.
const ECEPHYS = path.join(DOMAINS, "ecephys.nwb");
/** One byte of a symbol table's local heap address changed: HDF5 calls abort(), and Emscripten printed "Aborted(...)". */
const abortFile = () => damagedCopy(ECEPHYS, "abort.nwb", (b) => void (b[38948] = 45));
/**
 * The first object of the first global heap collection zeroed: a free-space object of size 0, over which HDF5 (h5py's
 * 1.10 too) steps by 0 bytes forever while reading the root's text attributes.
 */
const loopFile = () => damagedCopy(ECEPHYS, "loop.nwb", (b) => void b.fill(0, firstOf(b, "GCOL") + 16, firstOf(b, "GCOL") + 32));
/** The extension's cached schema (JSON text in the file) made invalid JSON, at the same length. */
const specFile = () => damagedCopy(path.join(DOMAINS, "extension.nwb"), "damaged-spec.nwb", (b) => void (b[firstOf(b, '"neurodata_type_def":"CameraSeries"')] = 0x23));

describe("findings", () => {
  it("HDF5's abort on a damaged file prints nothing of the WebAssembly module: one line, exit 2, and a FormatError in the library", async () => {
    const file = abortFile();
    const runs = await Promise.all([["info"], ["info", "--json"], ["validate"], ["inspect"]].map((args) => tsnwb([...args, file])));
    for (const r of runs) {
      expect([r.code, r.signal], r.err).toEqual([2, null]);
      expect(linesOf(r.err)).toEqual([`tsnwb: ${file}: cannot read the file's layout: HDF5 failed on damaged data (native code called abort())`]);
      expectClean(r.out + r.err, "after an abort");
    }
    // The reader whose module aborted is replaced: the next file reads as ever.
    const good = path.join(DOMAINS, "behavior.nwb");
    const next = await tsnwb(["validate", file, good]);
    expect([next.code, linesOf(next.out), linesOf(next.err).length]).toEqual([2, [`${good}: valid`], 1]);
    const io = await NWBHDF5IO.open(file, "r");
    const error = await io.read().then(() => undefined, (e: unknown) => e);
    await io.close();
    expect(isTsnwbError(error, "FormatError"), String(error)).toBe(true);
    expect((error as Error).message).toBe(`${file}: cannot read the file's layout: HDF5 failed on damaged data (native code called abort())`);
  });

  it("a global heap HDF5 loops on (h5py's HDF5 too) is refused before HDF5 reads it: one line from every command, a FormatError in the library", async () => {
    const file = loopFile();
    const good = path.join(DOMAINS, "behavior.nwb");
    const says = `${file}: cannot read the file's layout: the global heap collection at byte ${firstOf(readFileSync(ECEPHYS), "GCOL")} is damaged (HDF5 would loop on it forever)`;
    const frames = path.join(tmp.dir, "loop-frames");
    const runs = await Promise.all([
      tsnwb(["validate", file, good]),
      tsnwb(["info", "--json", file, good]),
      tsnwb(["inspect", "--threshold", "CRITICAL", file, good]),
      tsnwb(["export", file, path.join(tmp.dir, "loop-export.nwb")]),
      tsnwb(["frames", file, "/acquisition/ElectricalSeries", "-o", frames]),
    ]);
    for (const r of runs) {
      expect([r.code, r.signal], r.err).toEqual([2, null]);
      expect(linesOf(r.err)).toEqual([`tsnwb: ${says}`]);
    }
    expect(linesOf(runs[0]!.out)).toEqual([`${good}: valid`]);
    expect((JSON.parse(runs[1]!.out) as { file: string }).file).toBe(good);
    expect(linesOf(runs[2]!.out)).toEqual([`${good}: no messages at CRITICAL or above`]);
    expect(readdirSync(tmp.dir).filter((f) => f.includes("loop-export") || f === "loop-frames")).toEqual([]);
    const io = await NWBHDF5IO.open(file, "r");
    await expect(io.read()).rejects.toThrow(says);
    await io.close();
    // HDF5 itself does not get out of it: h5py, reading every object's attributes, is still at it after 5 s.
    const visit = "import h5py, sys\nf = h5py.File(sys.argv[1], 'r')\ndef attrs(name, obj):\n    for k in obj.attrs: obj.attrs[k]\nf.visititems(attrs)\n";
    const py = spawnSync("/usr/bin/python3", ["-c", visit, file], { timeout: 5000 });
    expect(py.signal).toBe("SIGTERM");
  });

  it("a file that gives no result within the time limit is reported damaged, its reader replaced, the other files still done", async () => {
    // Nothing known loops past the guard above any more: a limit no read can meet stands in for such a file.
    const files = [path.join(FIXTURES, "tutorial.nwb"), path.join(DOMAINS, "ecephys.nwb")];
    const r = await tsnwb(["validate", ...files], { TSNWB_TIME_LIMIT: "0.001" });
    expect([r.code, r.signal, r.out]).toEqual([2, null, ""]);
    expect(linesOf(r.err)).toEqual(files.map((f) => `tsnwb: ${f}: damaged file (no result after 0.001 s: HDF5 may be looping on damaged data)`));
    expect(r.ms).toBeLessThan(BOUND_MS);
    const bad = await tsnwb(["info", path.join(FIXTURES, "tutorial.nwb")], { TSNWB_TIME_LIMIT: "soon" });
    expect([bad.code, linesOf(bad.err)]).toEqual([1, [`tsnwb: environment: field 'TSNWB_TIME_LIMIT': expected a number of seconds above 0, got "soon"`]]);
  });

  it("a table without its `id` (made with h5py) is the file's FormatError naming the table, not a TypeError", async () => {
    const file = broken(ECEPHYS, "table_without_id");
    const says = `${file}: TimeIntervals 'trials' has no 'id' dataset (its row ids, which every table needs)`;
    for (const args of [["info"], ["inspect"]]) {
      const r = await tsnwb([...args, file]);
      expect([r.code, r.signal, linesOf(r.err)], args[0]).toEqual([2, null, [`tsnwb: ${says}`]]);
    }
    // The validator says what is missing, as for any invalid file.
    const v = await tsnwb(["validate", file]);
    expect([v.code, linesOf(v.out)]).toEqual([1, [`${file}: 1 issue(s)`, "  /intervals/trials  missing: required dataset 'id' is missing"]]);
    const io = await NWBHDF5IO.open(file, "r");
    const trials = (await io.read()).trials!;
    expect(() => trials.length).toThrow(says);
    await expect(trials.toRecords()).rejects.toThrow(says);
    await io.close();
  });

  it("a damaged cached specification is the file's FormatError naming the dataset, not a SyntaxError", async () => {
    const file = specFile();
    const says = `${file}: /specifications/ndx-test-camera/0.1.0/ndx-test-camera.extensions is not a JSON schema document (`;
    const io = await NWBHDF5IO.open(file, "r");
    const error = await io.read().then(() => undefined, (e: unknown) => e);
    await io.close();
    expect(isTsnwbError(error, "FormatError"), String(error)).toBe(true);
    expect((error as Error).message.startsWith(says), (error as Error).message).toBe(true);
    for (const args of [["info"], ["validate"], ["inspect"]]) {
      const r = await tsnwb([...args, file]);
      expect([r.code, r.signal], r.err).toEqual([2, null]);
      expect(linesOf(r.err)).toHaveLength(1);
      expect(linesOf(r.err)[0]!.startsWith(`tsnwb: ${says}`), r.err).toBe(true);
    }
  });
});

describe("output closed early (`tsnwb info ... | head -1`)", () => {
  /** Runs tsnwb with its stdout closed by the reader after `keep` bytes (0: before anything is written). */
  function closedEarly(args: string[], keep: number): Promise<Run> {
    return new Promise((resolve) => {
      const started = performance.now();
      const child = spawn(process.execPath, [TSNWB, ...args]);
      let err = "";
      let out = "";
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      if (keep === 0) child.stdout.destroy();
      else child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.length >= keep) child.stdout.destroy();
      });
      child.on("close", (code, signal) => resolve({ code, signal, out, err, ms: performance.now() - started, longestSilenceMs: 0 }));
    });
  }

  it("a file: the command ends quietly, exit 0, in a shell pipeline and with the pipe closed before any output", async () => {
    const file = path.join(FIXTURES, "tutorial.nwb");
    const before = await closedEarly(["info", file], 0);
    expect([before.code, before.signal, before.err]).toEqual([0, null, ""]);
    // Several files: the reader has gone after the first line, the others' listings have nowhere to go.
    const piped = spawnSync("/bin/sh", ["-c", `"${process.execPath}" "${TSNWB}" info ${fixtures.map((f) => `"${f}"`).join(" ")} | head -1`], { encoding: "utf8" });
    expect([piped.stdout, piped.stderr]).toEqual([`${fixtures[0]}:\n`, ""]);
    const after = await closedEarly(["info", file, ...fixtures], 1);
    expect([after.code, after.signal, after.err]).toEqual([0, null, ""]);
  });

  it("a URL: the same", async () => {
    const server: ChildProcess = spawn(process.execPath, [path.join(ROOT, "test", "servers", "range-server.mjs"), path.join(FIXTURES, "tutorial.nwb"), "ranges"]);
    try {
      const port = await new Promise<string>((resolve) => server.stdout!.once("data", (d: Buffer) => resolve(String(d).trim())));
      const url = `http://127.0.0.1:${port}/file.nwb`;
      for (const keep of [0, 1]) {
        const r = await closedEarly(["info", url], keep);
        expect([r.code, r.signal, r.err], `keep ${keep}`).toEqual([0, null, ""]);
      }
    } finally {
      server.kill();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The fuzz.

/** Small files tsnwb writes, as fuzz sources beside pynwb's: its own layouts (chunked, live HDF5 1.10) damaged too. */
async function tsnwbFiles(): Promise<string[]> {
  const session = (id: string) => new NWBFile({ session_description: "fuzz source", identifier: id, session_start_time: "2024-01-01T00:00:00+00:00" });
  const files: string[] = [];
  const write = async (name: string, nwbfile: NWBFile, options = {}) => {
    const file = path.join(tmp.dir, name);
    const io = await NWBHDF5IO.open(file, "w", options);
    await io.write(nwbfile);
    await io.close();
    files.push(file);
  };

  const images = session("fuzz-images");
  const rgb = new RGBImage({ name: "rgb", data: { data: new Uint8Array(8 * 6 * 3).map((_, i) => i), shape: [8, 6, 3] } });
  const gray = new GrayscaleImage({ name: "gray", data: { data: new Uint8Array(8 * 6).map((_, i) => i), shape: [8, 6] } });
  const album = new Images({ name: "album", images: [rgb, gray], description: "two images" });
  images.addStimulusTemplate(album);
  images.addStimulus(new IndexSeries({ name: "shown", data: [0, 1, 0], indexed_images: album, timestamps: [0, 1, 2] }));
  const movie = new Uint16Array(12 * 16 * 16).map((_, i) => i % 4000);
  images.addAcquisition(new ImageSeries({ name: "movie", rate: 30, unit: "n.a.", data: new H5DataIO({ data: { data: movie, shape: [12, 16, 16] }, compression: "gzip", shuffle: true, chunks: [2, 16, 16] }) }));
  await write("tsnwb-images.nwb", images);

  const tables = session("fuzz-tables");
  tables.addTrialColumn({ name: "correct", description: "whether the answer was right" });
  for (let i = 0; i < 5; i++) tables.addTrial({ start_time: i, stop_time: i + 0.5, correct: i % 2 === 0 });
  tables.addUnit({ spike_times: [0.1, 0.2, 0.3] });
  tables.addUnit({ spike_times: [1.5] });
  await write("tsnwb-tables.nwb", tables);

  const live = session("fuzz-live");
  const camera = new ImageSeries({ name: "camera", unit: "n.a.", data: H5DataIO.growable([4, 6], "uint8"), timestamps: H5DataIO.growable([], "float64") });
  live.addAcquisition(camera);
  const file = path.join(tmp.dir, "tsnwb-live.nwb");
  const io = await NWBHDF5IO.open(file, "w", { live: true });
  await io.write(live);
  const appender = SeriesAppender.open(io, camera);
  for (let i = 0; i < 6; i++) appender.append({ data: new Uint8Array(24).fill(i), shape: [4, 6] }, i * 0.1);
  appender.close();
  await io.close();
  files.push(file);
  return files;
}

/** HDF5's structures that carry a signature: object headers (v2), B-trees, local and global heaps, fractal heaps, 1.10's chunk indexes. */
const SIGNATURES = ["OHDR", "OCHK", "TREE", "HEAP", "GCOL", "SNOD", "BTHD", "BTIN", "BTLF", "FRHP", "FHDB", "FHIB", "FSHD", "FSSE", "FAHD", "FADB", "EAHD", "EAIB", "EASB", "EADB"];

/** The ways a copy is damaged; each takes the bytes and the generator, and damages or cuts them. */
const DAMAGES: Record<string, (b: Buffer, next: () => number) => Buffer> = {
  /** Random bytes changed, mostly in the first 8 KiB (superblock, root group, first headers). */
  flip: (b, next) => {
    const hits = 1 + Math.floor(next() * 16);
    for (let h = 0; h < hits; h++) b[Math.floor(next() < 0.6 ? next() * Math.min(b.length, 8192) : next() * b.length)] = Math.floor(next() * 256);
    return b;
  },
  /** Cut at a random offset (a copy that stopped, a download cut short). */
  truncate: (b, next) => b.subarray(0, Math.floor(next() * b.length)),
  /** A block of zeros (a lost disk sector, a sparse hole). */
  zero: (b, next) => {
    const at = Math.floor(next() * b.length);
    return b.fill(0, at, Math.min(b.length, at + 1 + Math.floor(next() * 512)));
  },
  /** Bytes changed just after the signature of an object header, a B-tree node or a heap. */
  structure: (b, next) => {
    const found = SIGNATURES.flatMap((s) => occurrences(b, s));
    const at = found[Math.floor(next() * found.length)] ?? 0;
    const hits = 1 + Math.floor(next() * 4);
    for (let h = 0; h < hits; h++) b[Math.min(b.length - 1, at + 4 + Math.floor(next() * 60))] = Math.floor(next() * 256);
    return b;
  },
  /** A block of zeros just after a signature: an object header, a B-tree node or a heap's entries lost. */
  zeroStructure: (b, next) => {
    const found = SIGNATURES.flatMap((s) => occurrences(b, s));
    const at = (found[Math.floor(next() * found.length)] ?? 0) + 8 + Math.floor(next() * 256);
    return b.fill(0, Math.min(b.length, at), Math.min(b.length, at + 8 + Math.floor(next() * 56)));
  },
  /** The cached specification's JSON text damaged where it names types or members (same length: HDF5 reads it). */
  spec: (b, next) => {
    const found = ['"neurodata_type_def"', '"namespaces"', '"groups"', '"datasets"', '"attributes"', '"dtype"', '"schema"'].flatMap((s) => occurrences(b, s));
    const at = found[Math.floor(next() * found.length)] ?? 0;
    const junk = '{}[]",:#x0';
    const hits = 1 + Math.floor(next() * 3);
    for (let h = 0; h < hits; h++) b[at + Math.floor(next() * 24)] = junk.charCodeAt(Math.floor(next() * junk.length));
    return b;
  },
};

interface Case { file: string; source: string; damage: string }

/** The damaged copies, made from `sources` by the seeded generator (the same files on every run). */
function damagedCopies(sources: string[]): Case[] {
  const next = mulberry32(SEED);
  const kinds = Object.keys(DAMAGES);
  const cases: Case[] = [];
  for (let c = 0; c < COPIES; c++) {
    const source = sources[Math.floor(next() * sources.length)]!;
    const damage = kinds[Math.floor(next() * kinds.length)]!;
    const file = path.join(tmp.dir, `fuzz-${String(c).padStart(4, "0")}.nwb`);
    writeFileSync(file, DAMAGES[damage]!(Buffer.from(readFileSync(source)), next));
    cases.push({ file, source: path.basename(source), damage });
  }
  return cases;
}

interface LibraryResult { ok?: true; error?: { name: string; tag?: string; message: string }; stopped?: string }

/**
 * The library read of every file (test/readers/read-files.mjs, in a child process), bounded: a file that gives no
 * result within `limitMs` stops the child, which starts again after it; a child that dies is recorded the same way.
 */
async function libraryReads(files: string[], limitMs: number): Promise<{ results: LibraryResult[]; stderr: string; longestMs: number }> {
  const list = path.join(tmp.dir, "library-read-list.txt");
  writeFileSync(list, files.join("\n"));
  const results: LibraryResult[] = new Array(files.length);
  let stderr = "";
  let longest = 0;
  for (let first = 0; first < files.length;) {
    first = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, "test", "readers", "read-files.mjs"), list, String(first)]);
      let current = first;
      let startedAt = performance.now();
      let pending = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.stdout.on("data", (d: Buffer) => {
        pending += d.toString();
        const lines = pending.split("\n");
        pending = lines.pop()!;
        for (const line of lines) {
          const [what, index, json] = line.split("\t");
          if (what === "start") {
            current = Number(index);
            startedAt = performance.now();
          } else if (what === "done") {
            results[Number(index)] = JSON.parse(json!) as LibraryResult;
            longest = Math.max(longest, performance.now() - startedAt);
          }
        }
      });
      const watchdog = setInterval(() => {
        if (performance.now() - startedAt > limitMs) child.kill("SIGKILL");
      }, 200);
      child.on("close", (code, signal) => {
        clearInterval(watchdog);
        if (results[current] === undefined && current < files.length) {
          results[current] = { stopped: signal === "SIGKILL" ? `no result within ${limitMs} ms` : `the process ended (${signal ?? code})` };
          longest = Math.max(longest, performance.now() - startedAt);
          resolve(current + 1);
        } else resolve(files.length);
      });
    });
  }
  return { results, stderr, longestMs: longest };
}

describe(`damaged files (a seeded fuzz: ${COPIES} copies, seed ${SEED})`, () => {
  let cases: Case[] = [];
  let files: string[] = [];
  let runs: { info: Run; validate: Run; inspect: Run };
  let library: Awaited<ReturnType<typeof libraryReads>>;
  const started = performance.now();

  beforeAll(async () => {
    const sources = [...fixtures, ...(await tsnwbFiles())];
    cases = damagedCopies(sources);
    files = cases.map((c) => c.file);
    // Each command once over every file, and the library read, side by side (two cores).
    const [info, validate, inspect, lib] = await Promise.all([
      tsnwb(["info", "--json", ...files]),
      tsnwb(["validate", ...files]),
      tsnwb(["inspect", ...files]),
      libraryReads(files, LIMIT_S * 1000),
    ]);
    runs = { info, validate, inspect };
    library = lib;
    const failed = (r: Run) => linesOf(r.err).length;
    const libraryFailed = library.results.filter((r) => r.ok !== true).length;
    console.log(`fuzz: ${COPIES} damaged files made and read in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
      `${Object.entries(runs).map(([k, r]) => `${k} ${(r.ms / 1000).toFixed(1)} s, ${failed(r)} unreadable`).join("; ")}; library read ${libraryFailed} failed; ` +
      `info: ${occurrences(Buffer.from(info.err), "HDF5 failed on damaged data").length} HDF5 failures in WebAssembly, ` +
      `${occurrences(Buffer.from(info.err), "global heap collection").length} global heaps HDF5 would loop on`);
  }, 600_000);

  it("damages every way, from every source", () => {
    const by = (key: keyof Case) => new Set(cases.map((c) => c[key]));
    expect([...by("damage")].sort()).toEqual(Object.keys(DAMAGES).sort());
    expect(by("source").size).toBe(fixtures.length + 3);
  });

  /** Per file: the one line on stderr that names it, if any (each failing file has exactly one). */
  function failures(r: Run): Map<string, string> {
    const named = new Map<string, string>();
    for (const line of linesOf(r.err)) {
      const file = /^tsnwb: (\/\S+?\.nwb): /.exec(line)?.[1];
      expect(file, `a line naming no file: ${line}`).toBeDefined();
      expect(named.has(file!), `two lines for ${file}`).toBe(false);
      named.set(file!, line);
    }
    return named;
  }

  /** Checks a run: status, no crash text, every file either done on stdout or failed on one stderr line, never both. */
  function checkRun(r: Run, name: string, doneOnStdout: (out: string) => string[]): void {
    expect(r.signal, name).toBeNull();
    expect([0, 1, 2], `${name}: exit ${r.code}`).toContain(r.code);
    expectClean(r.out, name);
    expectClean(r.err, name);
    expect(r.longestSilenceMs, name).toBeLessThan(BOUND_MS);
    const failed = failures(r);
    const done = doneOnStdout(r.out);
    expect(done.filter((f) => failed.has(f)), name).toEqual([]);
    expect([...done, ...failed.keys()].sort(), name).toEqual([...files].sort());
    // Exit 2 exactly when a file could not be read.
    if (failed.size > 0) expect(r.code, name).toBe(2);
  }

  it("tsnwb info --json: a JSON line per file read, one line on stderr per file that is not", () => {
    checkRun(runs.info, "info --json", (out) => linesOf(out).map((l) => (JSON.parse(l) as { file: string }).file));
  });

  it("tsnwb validate: each file's verdict, or its one line on stderr", () => {
    checkRun(runs.validate, "validate", (out) => linesOf(out).filter((l) => !l.startsWith("  ")).map((l) => /^(\S+\.nwb): (valid|\d+ issue\(s\))$/.exec(l)![1]!));
  });

  it("tsnwb inspect: each file's messages, or its one line on stderr", () => {
    // (The copies of a source share its identifier: the files together, last, have a line of their own.)
    checkRun(runs.inspect, "inspect", (out) => linesOf(out).filter((l) => !l.startsWith("  ") && !/^\d+ files together: /.test(l)).map((l) => /^(\S+\.nwb): (no messages|\d+ messages?) at BEST_PRACTICE_SUGGESTION or above$/.exec(l)![1]!));
  });

  it("the library read: a result or a tsnwb error naming the file, nothing printed, within the time limit", () => {
    expectClean(library.stderr, "library read");
    expect(library.stderr).toBe("");
    const stopped = files.filter((_, i) => library.results[i]!.stopped !== undefined);
    expect(stopped.map((f) => `${f}: ${library.results[files.indexOf(f)]!.stopped}`)).toEqual([]);
    for (const [i, r] of library.results.entries()) {
      if (r.ok) continue;
      const where = `${files[i]} (${cases[i]!.damage} of ${cases[i]!.source})`;
      expect(r.error?.tag, `${where}: ${r.error?.name}: ${r.error?.message}`).toBeDefined();
      expect(r.error!.message, where).toContain(files[i]);
    }
    expect(library.longestMs).toBeLessThan(BOUND_MS);
  });

  it("a file info cannot read, the library cannot read either (one verdict)", () => {
    const libraryFailed = new Set(files.filter((_, i) => library.results[i]!.ok !== true));
    expect([...failures(runs.info).keys()].filter((f) => !libraryFailed.has(f))).toEqual([]);
  });
});
