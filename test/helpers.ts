/**
 * Shared test helpers: temporary folders, the independent validator, and h5py as an independent reader.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";
import { type Exemption, type Verdict, judge } from "./oracle/judge.js";
import { type AbstractContainer, type LazyArray, type NWBFile, NWBHDF5IO, type TypedArray } from "../src/index.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const SHARED = path.resolve(ROOT, "..", "shared");
export const FIXTURES = path.join(SHARED, "fixtures", "pynwb");
const PYTHON = "/usr/bin/python3";

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempFolder(prefix = "tsnwb-test-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** tsnwb's command line, built in dist/. */
export const TSNWB = path.join(ROOT, "dist", "cli", "main.js");

/**
 * Runs ../shared/tools/nwb_validate.py, and tsnwb's own validator (`tsnwb validate`, built in dist/) on the same
 * file, so every file a test checks passes both; returns the worse exit code and both outputs.
 */
export function validate(file: string, cached = false): { code: number; output: string } {
  const args = [path.join(SHARED, "tools", "nwb_validate.py"), ...(cached ? ["--cached"] : []), file];
  const r = spawnSync(PYTHON, args, { encoding: "utf8" });
  const own = spawnSync(process.execPath, [TSNWB, "validate", file], { encoding: "utf8" });
  return { code: Math.max(r.status ?? -1, own.status ?? -1), output: `${r.stdout}${r.stderr}${own.stdout}${own.stderr}` };
}

export interface H5Attr { dtype: string; encoding?: string; vlen?: boolean; shape: number[]; value: unknown }
export interface H5Entry {
  kind: "group" | "dataset" | "softlink";
  target?: string;
  attrs?: Record<string, H5Attr>;
  dtype?: string;
  encoding?: string;
  vlen?: boolean;
  shape?: number[];
  chunks?: number[] | null;
  compression?: string | null;
  compression_opts?: number | null;
  shuffle?: boolean;
  maxshape?: number[] | null;
  value?: unknown;
}

/** The file's layout as h5py sees it (test/py/layout.py). */
export function h5pyLayout(file: string): Record<string, H5Entry> {
  const out = execFileSync(PYTHON, [path.join(ROOT, "test", "py", "layout.py"), file], { encoding: "utf8", maxBuffer: 64 << 20 });
  return JSON.parse(out) as Record<string, H5Entry>;
}

/** Runs a Python snippet with `f` bound to the h5py File; returns what it prints. */
export function h5py(file: string, code: string): string {
  const script = `import h5py, numpy as np, json, sys\nf = h5py.File(sys.argv[1], "r")\n${code}\n`;
  return execFileSync(PYTHON, ["-c", script, file], { encoding: "utf8" }).trim();
}

/** sha256 of an array's little-endian C-order bytes, as manifest.json computes it. */
export function sha256(a: TypedArray): string {
  return createHash("sha256").update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest("hex");
}

/** Files left in a folder (to check that failed writes leave nothing behind). */
export function filesIn(dir: string): string[] {
  return readdirSync(dir).sort();
}

export const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * Runs the validator once over many files (asynchronously, so that two runs can share the machine's cores);
 * returns, per file, whether it passed and what it printed about it.
 */
export async function validateAll(files: string[], cached = false): Promise<Map<string, { ok: boolean; output: string }>> {
  const args = [path.join(SHARED, "tools", "nwb_validate.py"), ...(cached ? ["--cached"] : []), ...files];
  const text = await new Promise<string>((resolve, reject) => {
    const child = spawn(PYTHON, args);
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", () => resolve(out));
  });
  // tsnwb's own validator on the same files, in one run.
  const own = JSON.parse(spawnSync(process.execPath, [TSNWB, "validate", "--json", ...files], { encoding: "utf8", maxBuffer: 64 << 20 }).stdout) as
    { file: string; valid: boolean; issues: unknown[]; error?: string }[];
  const results = new Map<string, { ok: boolean; output: string }>();
  for (const [i, file] of files.entries()) {
    const lines = text.split("\n").filter((l) => l.includes(file));
    const mine = own[i]!;
    results.set(file, {
      ok: lines.some((l) => l.endsWith(`${file}: 0 error(s)`)) && mine.valid,
      output: [...lines, `tsnwb validate: ${mine.valid ? "valid" : JSON.stringify(mine.error ?? mine.issues)}`].join("\n"),
    });
  }
  return results;
}

/** The objects of a file read, by their path in it. */
export function byPath(nwbfile: NWBFile): Map<string, AbstractContainer> {
  return new Map([...nwbfile.objects.values()].map((c) => [c.container_source!.path, c]));
}

/** Array data read as plain JS values (bigints as numbers); other values as they are. */
export async function plainValues(v: unknown): Promise<unknown> {
  if (v && typeof v === "object" && "read" in v) return Array.from((await (v as LazyArray).read()) as ArrayLike<unknown>, (x) => (typeof x === "bigint" ? Number(x) : x));
  return v;
}

/** Opens `file` before the tests of the enclosing describe block and closes it after; gives what was read. */
export function readForTests(file: string): { nwbfile: () => NWBFile; objects: () => Map<string, AbstractContainer> } {
  let io: NWBHDF5IO | undefined;
  let nwbfile: NWBFile | undefined;
  let objects: Map<string, AbstractContainer> | undefined;
  beforeAll(async () => {
    io = await NWBHDF5IO.open(file, "r");
    nwbfile = await io.read();
    objects = byPath(nwbfile);
  });
  afterAll(async () => io?.close());
  return { nwbfile: () => nwbfile!, objects: () => objects! };
}

/** ../shared/tools/oracle: pynwb 2.8.2 and hdmf 3.14.5 themselves, on Debian's python3. */
export const ORACLE = path.join(SHARED, "tools", "oracle");

/**
 * pynwb reads each file (every object made through its constructor), validates it and inspects it
 * (test/oracle/judge.ts), in one Python process; verdicts by file.
 */
export async function pynwbCheck(files: string[], exempt?: Exemption): Promise<Map<string, Verdict>> {
  const verdicts = await judge(files.map((f) => ({ path: f, ...(exempt ? { exempt } : {}) })));
  return new Map(verdicts.map((v) => [v.path, v]));
}

/**
 * What `tsnwb view` (the child) says: the address it prints once it serves (rejected with its standard error if it
 * ends first), and its standard error so far (a test checks it stayed empty).
 */
export function viewServer(child: ChildProcess): { url: Promise<string>; stderr: () => string } {
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const url = new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/\S+/.exec(out);
      if (m) resolve(m[0]);
    });
    child.on("exit", (code) => reject(new Error(`tsnwb view ended (${code}): ${stderr}`)));
  });
  return { url, stderr: () => stderr };
}
