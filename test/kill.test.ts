/**
 * Kill tests: every write path (new, stream, append on a copy, append in place, in place with a stream large enough
 * that the side file of chunks replaces the file, export, live new, live append) is run on a small case
 * (`kill/scenarios.mjs`) under `kill/kill-at.mjs`, which copies the folder aside right before each of the run's
 * file operations: what SIGKILL there would leave (the process's writes reach the kernel synchronously, and a kill
 * runs nothing more). That is checked for real too: the run is killed with SIGKILL at ten operations (at every one
 * with TSNWB_KILL_EVERY_OPERATION=1), each in a fresh copy of the files that existed before, and leaves the same
 * files, of the same sizes. Every state is cleaned by `tsnwb clean`, then judged by pynwb (`kill/check.py`): a
 * file that existed before is readable with every value it had (or, once the write is complete, the new ones); a
 * new target is absent, or valid with all its values; nothing else is left.
 *
 * Copies rather than a kill per operation by default: each kill costs a Node process loading tsnwb (about a second
 * of CPU), some 500 of them several minutes of this 2-core machine; the copies take one run per path.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lookup3 } from "../src/io/hdf5/object-header.js";
import { ROOT, SHARED, TSNWB, tempFolder } from "./helpers.js";

const tmp = tempFolder("tsnwb-kill-");
afterAll(() => tmp.cleanup());

const KILL = path.join(ROOT, "test", "kill");
const SCENARIOS = path.join(KILL, "scenarios.mjs");
const TEMPLATE = path.join(tmp.dir, "template");
const PATHS = ["new", "stream", "append-copy", "append-rewrite", "append-in-place", "append-in-place-stream", "export", "live-new", "live-append"] as const;
/** Kills run at once: the machine's two cores. */
const CONCURRENCY = 2;

type Expectations = Record<string, Record<string, unknown>>;
let expectations: Expectations;

beforeAll(() => {
  mkdirSync(TEMPLATE);
  const setup = spawnSync(process.execPath, [SCENARIOS, "setup", TEMPLATE], { encoding: "utf8" });
  expect(setup.status, setup.stderr).toBe(0);
  expectations = JSON.parse(spawnSync(process.execPath, [SCENARIOS, "expect"], { encoding: "utf8" }).stdout) as Expectations;
}, 60_000);

interface Run {
  signal: NodeJS.Signals | null;
  code: number | null;
  count?: number;
  stderr: string;
}

/**
 * Runs write path `name` in `dir`, a fresh copy of the template: killed before operation `killAt` (0: never), or
 * with every operation's folder copied aside into `snapshots`.
 */
function run(name: string, dir: string, killAt: number, snapshots?: string): Promise<Run> {
  cpSync(TEMPLATE, dir, { recursive: true });
  const countFile = `${dir}.count`;
  const env = { ...process.env, TSNWB_KILL_DIR: dir, TSNWB_KILL_AT: String(killAt), TSNWB_KILL_COUNT: countFile, TSNWB_KILL_SNAPSHOTS: snapshots ?? "" };
  const child = spawn(process.execPath, ["--import", path.join(KILL, "kill-at.mjs"), SCENARIOS, "run", name, dir], { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      let count: number | undefined;
      try {
        count = Number(readFileSync(countFile, "utf8"));
        rmSync(countFile);
      } catch {
        // Killed: no count written.
      }
      resolve({ code, signal, count, stderr });
    });
  });
}

/** A folder's files by name (a temporary file's random id left out) and size; journals by name only (a pid inside). */
function layout(files: Record<string, string>): string[] {
  return Object.entries(files).map(([name, file]) => {
    const shown = name.replace(/\.[0-9a-f]{8}\.tsnwb-tmp$/, ".ID.tsnwb-tmp");
    return name.endsWith(".tsnwb-journal") ? shown : `${shown} ${statSync(file).size}`;
  }).sort();
}

/**
 * The copy of a killed folder's files in `dir`, an undo journal among them pointed at the copy of its file when it
 * named the original (by inode number, which a copy changes), else at no file: the journal's header (of fixed
 * size, its JSON sealed by lookup3 in its last 4 bytes: see `src/io/journal.ts`) is written again.
 */
function materialize(dir: string, files: Record<string, string>, inodes: Record<string, string>): void {
  mkdirSync(dir);
  for (const [name, copy] of Object.entries(files)) cpSync(copy, path.join(dir, name));
  for (const name of Object.keys(files).filter((f) => f.endsWith(".tsnwb-journal"))) {
    const file = path.join(dir, name);
    const bytes = readFileSync(file);
    const headerBytes = 1024;
    if (bytes.length < headerBytes) continue; // cut short: left as it is
    const header = JSON.parse(bytes.subarray(12, 12 + bytes.readUInt32LE(8)).toString()) as { target: string; ino: string; dev: string };
    const original = header.ino === inodes[header.target];
    const stat = original ? statSync(path.join(dir, header.target), { bigint: true }) : undefined;
    const json = Buffer.from(JSON.stringify({ ...header, dev: stat ? String(stat.dev) : header.dev, ino: stat ? String(stat.ino) : "0" }));
    const head = Buffer.alloc(headerBytes);
    bytes.copy(head, 0, 0, 8);
    head.writeUInt32LE(json.length, 8);
    json.copy(head, 12);
    head.writeUInt32LE(lookup3(head.subarray(0, headerBytes - 4)), headerBytes - 4);
    writeFileSync(file, Buffer.concat([head, bytes.subarray(headerBytes)]));
  }
}

/** Every file of `dir`, by name. */
function filesOf(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, path.join(dir, name)]));
}

/** Runs `jobs` at most CONCURRENCY at a time. */
async function pool<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  }));
  return results;
}

/** pynwb's verdict on each folder (one Python process for all). */
function check(dirs: string[], expect: Record<string, unknown>): Map<string, string[]> {
  const spec = path.join(tmp.dir, "spec.json");
  writeFileSync(spec, JSON.stringify(dirs.map((dir) => ({ dir, expect }))));
  const r = spawnSync(path.join(SHARED, "tools", "oracle"), ["python", path.join(KILL, "check.py"), spec], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`check.py failed: ${r.stderr}`);
  const out = new Map<string, string[]>();
  for (const line of r.stdout.trim().split("\n")) {
    const { dir, problems } = JSON.parse(line) as { dir: string; problems: string[] };
    out.set(dir, problems);
  }
  return out;
}

/** The paths that write into the file itself, under an undo journal. */
const JOURNALED = new Set(["append-in-place", "append-in-place-stream", "live-new", "live-append"]);
/**
 * Operations killed for real per path, spread over the run (the first and last among them); all of them with
 * TSNWB_KILL_EVERY_OPERATION=1 (about ten minutes here).
 */
const REAL_KILLS = process.env.TSNWB_KILL_EVERY_OPERATION === "1" ? Infinity : 10;

describe("kill tests: every write path killed at every file operation", () => {
  for (const name of PATHS) {
    it(name, async () => {
      const base = path.join(tmp.dir, name);
      const snapshots = path.join(base, "snapshots");
      mkdirSync(base);
      // One run copies the folder aside before each file operation: what a kill there leaves.
      const whole = await run(name, path.join(base, "complete"), 0, snapshots);
      expect(whole.code, whole.stderr).toBe(0);
      const n = whole.count!;
      const manifest = JSON.parse(readFileSync(path.join(snapshots, "manifest.json"), "utf8")) as { op: number; what: string; files: Record<string, string>; inodes: Record<string, string> }[];
      expect(manifest.map((m) => m.op)).toEqual(Array.from({ length: n }, (_, k) => k + 1));
      // Real kills (SIGKILL) at some of the operations leave what the copies hold: the same files, of the same sizes.
      const spread = Math.min(REAL_KILLS, n);
      const killAt = [...new Set(Array.from({ length: spread }, (_, i) => 1 + Math.round((i * (n - 1)) / (spread - 1))))];
      const kills = await pool(killAt.map((k) => async () => ({ k, dir: path.join(base, `kill-${k}`), result: await run(name, path.join(base, `kill-${k}`), k) })));
      for (const { k, dir, result } of kills) {
        expect(result.signal, `kill at ${k}: ${result.code} ${result.stderr}`).toBe("SIGKILL");
        expect(layout(filesOf(dir)), `kill at operation ${k} (${manifest[k - 1]!.what})`).toEqual(layout(manifest[k - 1]!.files));
      }
      // Each distinct state copied aside becomes a folder of its own (tsnwb clean changes files).
      const states = new Map<string, string>();
      for (const { op, files, inodes } of manifest) {
        const key = JSON.stringify([Object.entries(files).sort(), Object.entries(inodes).sort()]);
        if (states.has(key)) continue;
        const dir = path.join(base, `op-${op}`);
        materialize(dir, files, inodes);
        states.set(key, dir);
      }
      const folders = [path.join(base, "complete"), ...kills.map((x) => x.dir), ...states.values()];
      const clean = spawnSync(process.execPath, [TSNWB, "clean", "--json", ...folders], { encoding: "utf8" });
      expect(clean.status, clean.stderr).toBe(0);
      // Writes into the file itself leave journals, which clean restores the file from (the others, temporary files).
      const journals = (JSON.parse(clean.stdout) as string[]).filter((f) => f.endsWith(".tsnwb-journal")).length;
      expect(journals > 0, `journals restored: ${journals}`).toBe(JOURNALED.has(name));
      const verdicts = check(folders, expectations[name]!);
      const failed = [...verdicts].filter(([, problems]) => problems.length > 0).map(([dir, problems]) => `${path.basename(dir)}: ${problems.join("; ")}`);
      expect(failed).toEqual([]);
      expect(verdicts.size).toBe(folders.length);
      console.log(`${name}: ${n} file operations, ${states.size} distinct states before them, ${kills.length} real kills, ${journals} journals cleaned (restored or dropped); all cleaned and read by pynwb`);
      rmSync(base, { recursive: true });
    }, 300_000);
  }
});
