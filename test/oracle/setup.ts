/**
 * Every NWB file the tests write is judged by pynwb itself (vitest setup file, run in each test file's process):
 * pynwb reads it (every object constructed through its __init__), pynwb validates it, and the NWB Inspector finds
 * nothing CRITICAL in it. Files are recorded as they are closed (record.mjs), here and in the CLI processes the tests
 * start; after the test file's last test, one Python process checks them all, and any finding fails the test file,
 * naming the test that wrote the file.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeEach, expect } from "vitest";
import { NWBIOBase } from "../../src/io/io-base.js";
import { recordWrites } from "./record.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const ORACLE = path.resolve(here, "..", "..", "..", "shared", "tools", "oracle");
const CHECKER = path.resolve(here, "..", "py", "oracle_check.py");

interface Verdict { path: string; read: string | null; trace?: string; validate: string[]; inspect: string[] }

const dir = mkdtempSync(path.join(tmpdir(), "tsnwb-oracle-"));
process.env.TSNWB_ORACLE_DIR = dir;
process.env.TSNWB_ORACLE_CHILD = "1";
const preload = `--import=${new URL("./record.mjs", import.meta.url).href}`;
if (!(process.env.NODE_OPTIONS ?? "").includes(preload)) process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} ${preload}`.trim();
recordWrites(NWBIOBase);

beforeEach(() => {
  process.env.TSNWB_ORACLE_TEST = expect.getState().currentTestName ?? "";
});

/** pynwb's verdicts on `files` (with the findings each test declared expected), from one Python process. */
function judge(files: { path: string; exempt?: Record<string, string> }[]): Promise<Verdict[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(ORACLE, ["python", CHECKER], { env: { ...process.env, NODE_OPTIONS: "" } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`the oracle failed (exit ${code}): ${err}`));
      else resolve(out.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Verdict));
    });
    child.stdin.end(files.map((f) => `${JSON.stringify(f)}\n`).join(""));
  });
}

afterAll(async () => {
  try {
    const files = readdirSync(dir).filter((f) => !f.endsWith(".json")).map((f) => path.join(dir, f));
    if (files.length === 0) return;
    const exemptions = new Map<string, Record<string, string>>();
    for (const f of readdirSync(dir).filter((n) => n.startsWith("exempt-"))) {
      const { file, expected } = JSON.parse(readFileSync(path.join(dir, f), "utf8")) as { file: string; expected: Record<string, string> };
      exemptions.set(file, expected);
    }
    const sourceOf = (copy: string) => (JSON.parse(readFileSync(`${copy}.json`, "utf8")) as { file: string }).file;
    const verdicts = await judge(files.map((f) => ({ path: f, exempt: exemptions.get(sourceOf(f)) })));
    expect(verdicts.map((v) => v.path).sort()).toEqual(files.sort());
    const problems = verdicts.flatMap((v) => {
      const found = [...(v.read ? [`pynwb cannot read it: ${v.read}`] : []), ...v.validate.map((e) => `pynwb validate: ${e}`), ...v.inspect.map((m) => `nwbinspector: ${m}`)];
      if (found.length === 0) return [];
      const { file, test } = JSON.parse(readFileSync(`${v.path}.json`, "utf8")) as { file: string; test: string };
      return [`${path.basename(file)} (written by "${test}"):\n    ${found.join("\n    ")}`];
    });
    expect(problems, `files this test file wrote that pynwb refuses (${problems.length} of ${files.length})`).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 900_000);
