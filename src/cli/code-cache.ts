/**
 * The command line's bundle run with V8's code cache. A short command spends a tenth of its CPU time compiling its
 * JavaScript, in each of its two threads (the command line's, the reading worker's), and Node 20 caches no
 * compilation of ES modules: the bundle (`bundle.ts`) is also a CommonJS script, `dist/cli/NAME.cjs`, compiled here
 * as a `vm.Script` with the code V8 made for it in an earlier run (`NAME.cjs.FLAVOUR.cache` beside it, written by the
 * build: `bundle.ts` runs commands on a file it writes with `TSNWB_WRITE_CODE_CACHE` set). The cache holds the
 * bytecode of every function that run compiled, so that neither parsing nor those functions' compiles are done again.
 *
 * V8 refuses a cache made under other flags: `inspect` sets its own (`command-flags.ts`), so each set of flags has
 * its flavour of the cache (`inspect`, `default`). A cache older than its script, or refused (another Node), is not
 * used: the script then compiles as any.
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as nodePath from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Script } from "node:vm";

/** The bundle's scripts, in `dist/cli/`. */
export type CachedScript = "tsnwb-cli" | "tsnwb-reader";

const here = nodePath.dirname(fileURLToPath(import.meta.url));

/** The script `name`'s file. */
export function scriptPath(name: CachedScript): string {
  return nodePath.join(here, `${name}.cjs`);
}

/**
 * What this module keeps, on globalThis: the bundle holds a copy of it (the reading worker's thread asks it), and
 * each thread has its own. `flavour`: the set of V8 flags the process runs with, which names the cache that fits
 * them; `compiled`: the script this thread runs, for {@link saveCodeCache}.
 */
interface State {
  flavour: string;
  compiled?: { script: Script; cache: string };
}
const STATE = Symbol.for("tsnwb.cli.code-cache");
const state: State = ((globalThis as Record<symbol, State | undefined>)[STATE] ??= { flavour: "default" });

/** Names the flags the command set (`command-flags.ts`), before a script is compiled; the reading worker's thread is told it. */
export function setCacheFlavour(name: string): void {
  state.flavour = name;
}

/** The flavour of the cache this thread uses (given to the reading worker's thread, which runs under the same flags). */
export function cacheFlavour(): string {
  return state.flavour;
}

/**
 * Runs the script `name` (a CommonJS bundle) in this thread, with its cache when one fits. `import.meta.url` in the
 * bundle (esbuild's `define`: `__tsnwbImportMetaUrl`) is the script's own URL, so that what its modules find beside
 * themselves (`hdf5.wasm`, the viewer's page) is found as from the ES modules; `__tsnwbImport`, Node's `import()`.
 */
export function runCached(name: CachedScript): void {
  const file = scriptPath(name);
  const source = readFileSync(file, "utf8");
  const cache = `${file}.${state.flavour}.cache`;
  let cachedData: Buffer | undefined;
  try {
    if (statSync(cache).mtimeMs >= statSync(file).mtimeMs) cachedData = readFileSync(cache);
  } catch {
    // No cache for these flags: compiled as any script.
  }
  const wrapper = "(function (exports, require, module, __filename, __dirname, __tsnwbImportMetaUrl, __tsnwbImport) {" + source + "\n})";
  const script = new Script(wrapper, { filename: file, ...(cachedData ? { cachedData } : {}) });
  state.compiled = { script, cache };
  if (name === "tsnwb-cli" && process.env.TSNWB_WRITE_CODE_CACHE) process.once("exit", saveCodeCache);
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} };
  run(module.exports, createRequire(file), module, file, nodePath.dirname(file), pathToFileURL(file).href, importPackage);
}

/** Node's `import()` for the scripts, which have none of their own (`bundle.ts`: the packages they leave out). */
function importPackage(specifier: string): Promise<unknown> {
  return import(specifier);
}

/**
 * Writes the cache of the script this thread runs, with every function compiled so far, when `TSNWB_WRITE_CODE_CACHE`
 * is set (the build's runs, `bundle.ts`); else does nothing. The command line's thread writes it as the process
 * exits; the reading worker's, after each task (it is ended, not exited).
 */
export function saveCodeCache(): void {
  const compiled = state.compiled;
  if (!process.env.TSNWB_WRITE_CODE_CACHE || compiled === undefined) return;
  writeFileSync(compiled.cache, compiled.script.createCachedData());
}
