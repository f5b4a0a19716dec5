/**
 * pynwb's verdict on NWB files (test/py/oracle_check.py, run by ../shared/tools/oracle): whether pynwb reads each
 * (every object made through its constructor), what its validator reports, and the NWB Inspector's CRITICAL
 * messages. One Python process for many files, run asynchronously so other work can share the machine's cores.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const ORACLE = path.resolve(here, "..", "..", "..", "shared", "tools", "oracle");
const CHECKER = path.resolve(here, "..", "py", "oracle_check.py");

/** pynwb on one file: `read` is null when it reads it, else its error. */
export interface Verdict { path: string; read: string | null; validate: string[]; inspect: string[] }

/** Findings a file is meant to have, by kind (regular expressions), which are then not reported. */
export interface Exemption { read?: string; validate?: string; inspect?: string }

/** pynwb's verdicts on `files`, in their order. */
export function judge(files: { path: string; exempt?: Exemption }[]): Promise<Verdict[]> {
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

/** What pynwb finds in a file, one line each (nothing when it reads it, validates it and inspects nothing critical). */
export function findings(v: Verdict): string[] {
  return [...(v.read ? [`pynwb cannot read it: ${v.read}`] : []), ...v.validate.map((e) => `pynwb validate: ${e}`), ...v.inspect.map((m) => `nwbinspector: ${m}`)];
}
