/**
 * Every NWB file the tests write is judged by pynwb itself (vitest setup file, run in each test file's process):
 * pynwb reads it (every object constructed through its __init__), pynwb validates it, and the NWB Inspector finds
 * nothing CRITICAL in it. Files are recorded as they are closed (record.mjs), here and in the CLI processes the tests
 * start; after the test file's last test, one Python process checks them all, and any finding fails the test file,
 * naming the test that wrote the file.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeEach, expect } from "vitest";
import { NWBIOBase } from "../../src/io/io-base.js";
import { recordWrites } from "./record.mjs";
import { type Exemption, findings, judge } from "./judge.js";

const dir = mkdtempSync(path.join(tmpdir(), "tsnwb-oracle-"));
process.env.TSNWB_ORACLE_DIR = dir;
process.env.TSNWB_ORACLE_CHILD = "1";
const preload = `--import=${new URL("./record.mjs", import.meta.url).href}`;
if (!(process.env.NODE_OPTIONS ?? "").includes(preload)) process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} ${preload}`.trim();
recordWrites(NWBIOBase);

beforeEach(() => {
  process.env.TSNWB_ORACLE_TEST = expect.getState().currentTestName ?? "";
});

afterAll(async () => {
  try {
    // One note per file written (its copy, which may sit in a folder with the files its external links name).
    const notes = new Map(readdirSync(dir).filter((f) => f.endsWith(".json") && !f.startsWith("exempt-")).map((f) => {
      const note = JSON.parse(readFileSync(path.join(dir, f), "utf8")) as { file: string; copy: string; test: string };
      return [note.copy, note] as const;
    }));
    const files = [...notes.keys()];
    if (files.length === 0) return;
    const exemptions = new Map<string, Exemption>();
    for (const f of readdirSync(dir).filter((n) => n.startsWith("exempt-"))) {
      const { file, expected } = JSON.parse(readFileSync(path.join(dir, f), "utf8")) as { file: string; expected: Exemption };
      exemptions.set(file, expected);
    }
    const verdicts = await judge(files.map((f) => ({ path: f, exempt: exemptions.get(notes.get(f)!.file) })));
    expect(verdicts.map((v) => v.path).sort()).toEqual(files.sort());
    const problems = verdicts.flatMap((v) => {
      const found = findings(v);
      if (found.length === 0) return [];
      const { file, test } = notes.get(v.path)!;
      return [`${path.basename(file)} (written by "${test}"):\n    ${found.join("\n    ")}`];
    });
    expect(problems, `files this test file wrote that pynwb refuses (${problems.length} of ${files.length})`).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 900_000);
