/**
 * Records every NWB file tsnwb writes during the tests, so that pynwb itself can judge it (test/oracle/setup.ts).
 *
 * `recordWrites(NWBIOBase)` wraps the close() of tsnwb's file handles: once a write is closed, a copy of the file
 * (a hard link when it is large) goes to $TSNWB_ORACLE_DIR with a note of the test that wrote it. Loaded with
 * `node --import` (NODE_OPTIONS, set by the setup file), it does the same in the tests' child processes (the CLI),
 * on the built library in dist/.
 */
import { copyFileSync, existsSync, linkSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";

const COPY_LIMIT = 64 << 20;
let written = 0;

/** Keeps a copy of `file`, just written (or of `bytes`, a file written in memory under that name), for the oracle. */
export function recordWrite(file, bytes) {
  const dir = process.env.TSNWB_ORACLE_DIR;
  if (!dir || !existsSync(dir)) return;
  const copy = path.join(dir, `${process.pid}-${++written}-${path.basename(file)}`);
  if (bytes !== undefined) writeFileSync(copy, bytes);
  else if (!existsSync(file) || !statSync(file).isFile()) return;
  else if (statSync(file).size > COPY_LIMIT) {
    try {
      linkSync(file, copy);
    } catch {
      copyFileSync(file, copy);
    }
  } else copyFileSync(file, copy);
  writeFileSync(`${copy}.json`, JSON.stringify({ file: path.resolve(file), test: process.env.TSNWB_ORACLE_TEST ?? "" }));
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
    if (record && this.written) recordWrite(this.path, typeof this.bytes === "function" ? this.bytes() : undefined);
  };
  wrapped.recordsWrites = true;
  NWBIOBase.prototype.close = wrapped;
}

if (process.env.TSNWB_ORACLE_CHILD === "1") {
  const { NWBIOBase } = await import(new URL("../../dist/io/io-base.js", import.meta.url).href);
  recordWrites(NWBIOBase);
}
