/**
 * Records every NWB file tsnwb writes during the tests, so that pynwb itself can judge it (test/oracle/setup.ts).
 *
 * `recordWrites(NWBIOBase)` wraps the close() of tsnwb's file handles: once a write is closed, a copy of the file
 * (a hard link when it is large) goes to $TSNWB_ORACLE_DIR with a note of the test that wrote it. Loaded with
 * `node --import` (NODE_OPTIONS, set by the setup file), it does the same in the tests' child processes (the CLI),
 * on the built library in dist/.
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";

const COPY_LIMIT = 64 << 20;
let written = 0;

/** Copies `from` to `to` (a hard link when it is large). */
function copy(from, to) {
  if (statSync(from).size > COPY_LIMIT) {
    try {
      linkSync(from, to);
      return;
    } catch {
      // Another file system: copied.
    }
  }
  copyFileSync(from, to);
}

/**
 * Keeps a copy of `file`, just written (or of `bytes`, a file written in memory under that name), for the oracle.
 * `linked` are the files its external links name, as stored: relative ones are copied too, where the link finds
 * them from the copy's folder (the copy is put deep enough in a folder of its own for their `..`), so that pynwb
 * follows the links of the copy as it would the file's, whatever happens to the originals after the test.
 */
export function recordWrite(file, bytes, linked = []) {
  const dir = process.env.TSNWB_ORACLE_DIR;
  if (!dir || !existsSync(dir)) return;
  const id = `${process.pid}-${++written}-${path.basename(file)}`;
  const relative = linked.filter((l) => !path.isAbsolute(l));
  let target = path.join(dir, id);
  if (relative.length > 0) {
    const ups = Math.max(0, ...relative.map((l) => path.normalize(l).split(/[\\/]/).filter((p) => p === "..").length));
    target = path.join(dir, `${id}.linked`, ...Array.from({ length: ups }, (_, i) => `up${i}`), path.basename(file));
    mkdirSync(path.dirname(target), { recursive: true });
    for (const l of relative) {
      const from = path.resolve(path.dirname(file), l);
      if (!existsSync(from)) continue;
      const to = path.resolve(path.dirname(target), l);
      mkdirSync(path.dirname(to), { recursive: true });
      if (!existsSync(to)) copy(from, to);
    }
  }
  if (bytes !== undefined) writeFileSync(target, bytes);
  else if (!existsSync(file) || !statSync(file).isFile()) return;
  else copy(file, target);
  writeFileSync(path.join(dir, `${id}.json`), JSON.stringify({ file: path.resolve(file), copy: target, test: process.env.TSNWB_ORACLE_TEST ?? "" }));
}

let exempted = 0;

/**
 * Declares that `file` is meant to be one pynwb refuses (a test's file that holds what pynwb cannot read, on
 * purpose): its findings that match `expected` (regular expressions per kind: read, validate, inspect) are not
 * failures. Every use says why, beside it.
 */
export function exemptFromOracle(file, expected) {
  const dir = process.env.TSNWB_ORACLE_DIR;
  if (!dir || !existsSync(dir)) return;
  writeFileSync(path.join(dir, `exempt-${process.pid}-${++exempted}.json`), JSON.stringify({ file: path.resolve(file), expected }));
}

/** Wraps `NWBIOBase.prototype.close` so that every file a handle wrote is recorded once closed. */
export function recordWrites(NWBIOBase) {
  const close = NWBIOBase.prototype.close;
  if (close.recordsWrites) return;
  const wrapped = async function () {
    const record = this.mode !== "r" && !this.closed;
    await close.call(this);
    // A handle on bytes in memory (NWBMemoryIO) gives them once closed; one on disk left its file at its path.
    if (record && this.written) recordWrite(this.path, typeof this.bytes === "function" ? this.bytes() : undefined, this._linkedFiles ?? []);
  };
  wrapped.recordsWrites = true;
  NWBIOBase.prototype.close = wrapped;
}

if (process.env.TSNWB_ORACLE_CHILD === "1") {
  const { NWBIOBase } = await import(new URL("../../dist/io/io-base.js", import.meta.url).href);
  recordWrites(NWBIOBase);
}
