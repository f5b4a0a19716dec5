/**
 * Makes the command line's bundle, which `main.ts` runs: `dist/cli/tsnwb-cli.cjs` (the command line) and
 * `dist/cli/tsnwb-reader.cjs` (its reading worker's thread), bundled by esbuild from tsc's output, and their V8 code
 * caches (`code-cache.ts`). Node then reads two scripts instead of the some hundred modules a command loads, in each
 * of its two threads, and compiles little of them: most of a short command's start.
 *
 * CommonJS scripts, not ES modules: Node 20 caches no compilation of ES modules, while a `vm.Script` takes the code
 * V8 made for it in an earlier run. The caches are made here by running commands on a file written for the purpose
 * (the tutorial's), `inspect` under its own V8 flags and `info --json` under V8's (`command-flags.ts`).
 *
 * The scripts sit in `dist/cli/`, as deep in `dist/` as the modules they hold, so that the paths those modules find
 * beside themselves (the viewer's page, the demo's logo) are the same from the bundle.
 *
 * HDF5's WebAssembly module is not read from h5wasm's script, where it is a 3.5 MB string to decode at every start
 * (a twentieth of a second): it is written once here to `dist/cli/hdf5.wasm`, and the bundle's h5wasm compiles it
 * from there (see {@link H5WASM_SHIM}).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "esbuild";
import { splitH5wasmScript } from "../io/hdf5/h5wasm-script.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const out = path.join(root, "dist", "cli");

/** The bundle's entry points (tsc's output) by the name of their script in `dist/cli/`. */
const ENTRIES = { "tsnwb-cli": path.join(out, "cli.js"), "tsnwb-reader": path.join(out, "file-worker-thread.js") };

/**
 * Packages left out of the bundle, imported from `node_modules` when a command needs them: native code (sharp), what
 * only some commands load, large (apache-arrow; numcodecs' codecs, 1.4 MB of WebAssembly as text, half of each
 * script otherwise, read at every start in each thread) and h5wasm's browser build ("h5wasm", for files by URL or
 * in memory; its Node build, "h5wasm/node", is bundled: {@link h5wasmFromFile}).
 */
const EXTERNAL = ["sharp", "apache-arrow", "mp4box", "numcodecs"];

/**
 * The external packages' `import(...)`s, left as such by esbuild, are made calls of `__tsnwbImport`, which
 * `code-cache.ts` gives each script: Node's own `import()` (from its ES module, beside the scripts), since a script
 * run as a `vm.Script` has none (without `--experimental-vm-modules`), and these packages' ES modules are what the
 * library imports (some have no CommonJS build); and Node's own modules (`module`, as h5wasm's script imports it). Any other
 * `import(` left in a script fails the build.
 */
function importsOfExternals(text: string, script: string): string {
  const replaced = text.replace(/\bimport\(("(?:sharp|apache-arrow|mp4box|h5wasm|numcodecs(?:\/[a-z0-9]+)?|module|node:[a-z_\/]+)")\)/g, "__tsnwbImport($1)");
  const left = /\bimport\([^)]{0,60}/.exec(replaced);
  if (left) throw new Error(`${script} has an import() the command line's scripts cannot make: ${left[0]}`);
  return replaced;
}

/**
 * h5wasm's Node build in the bundle, its module compiled from `hdf5.wasm`: h5wasm's script without the string of
 * the module, and given to h5wasm's start a compiled module through Emscripten's `instantiateWasm`. Only the Node
 * build of h5wasm ("h5wasm/node") is bundled; its browser build ("h5wasm", for files in memory) stays outside.
 */
const H5WASM_SHIM = `
import { readFileSync } from "node:fs";
import startModule from "tsnwb-h5wasm:script";
export default async function startWithoutString(options) {
  const compiled = await WebAssembly.compile(readFileSync(new URL("./hdf5.wasm", import.meta.url)));
  return startModule({ ...options, instantiateWasm(imports, receiveInstance) {
    const instance = new WebAssembly.Instance(compiled, imports);
    receiveInstance(instance, compiled);
    return instance.exports;
  } });
}
`;

function h5wasmFromFile(): Plugin {
  const script = path.join(path.dirname(fileURLToPath(import.meta.resolve("h5wasm/node"))), "hdf5_util.js");
  return {
    name: "tsnwb-h5wasm-from-file",
    setup(build) {
      build.onResolve({ filter: /^h5wasm$/ }, () => ({ path: "h5wasm", external: true }));
      build.onResolve({ filter: /^\.\/hdf5_util\.js$/ }, (args) => (path.join(args.resolveDir, "hdf5_util.js") === script ? { path: "shim", namespace: "tsnwb-h5wasm" } : undefined));
      build.onResolve({ filter: /^tsnwb-h5wasm:script$/ }, () => ({ path: "script", namespace: "tsnwb-h5wasm" }));
      build.onLoad({ filter: /.*/, namespace: "tsnwb-h5wasm" }, (args) => {
        if (args.path === "shim") return { contents: H5WASM_SHIM, loader: "js", resolveDir: out };
        const { module: bytes, withoutModule: contents } = splitH5wasmScript(script);
        writeFileSync(path.join(out, "hdf5.wasm"), bytes);
        return { contents, loader: "js", resolveDir: path.dirname(script) };
      });
    },
  };
}

export async function bundleCli(): Promise<string> {
  const { build } = await import("esbuild");
  // What an earlier build made (the ES module chunks of builds before the scripts, the scripts and their caches).
  for (const name of readdirSync(out)) if (/^tsnwb-(chunk-.*|cli|reader|codec-.*)\.(js|cjs)(\.map|\..*\.cache)?$/.test(name)) rmSync(path.join(out, name));
  const built = await build({
    entryPoints: ENTRIES, bundle: true, format: "cjs", platform: "node", target: "node20",
    outdir: out, outExtension: { ".js": ".cjs" }, external: EXTERNAL, logLevel: "warning", write: false,
    // The package's "sideEffects" speaks for the library's modules as a user's bundler takes them; the command line's own
    // (early-start.js) run on import.
    ignoreAnnotations: true,
    // Functions and classes keep their names (two modules' same names are renamed in one bundle): messages name classes.
    keepNames: true,
    // Whitespace and comments out, syntax shortened (names kept): a third less text to read at each start, in each
    // thread, and for V8 to parse where no cache serves. Messages do not quote the code.
    minifyWhitespace: true, minifySyntax: true,
    define: {
      // file-worker.ts starts the bundle's thread (through its cache, `cached-reader-thread.ts`), not tsc's.
      TSNWB_BUNDLED_THREAD: JSON.stringify("cached-reader-thread.js"),
      // The script's own URL, which `code-cache.ts` gives it: what modules find beside themselves is found there.
      "import.meta.url": "__tsnwbImportMetaUrl",
    },
    plugins: [h5wasmFromFile()],
  });
  // The modules bundled that ES modules imported on demand are evaluated on first use as before (esbuild's lazy
  // module wrappers); the packages left out are imported through `__tsnwbImport` (see importsOfExternals).
  for (const file of built.outputFiles) writeFileSync(file.path, importsOfExternals(file.text, path.basename(file.path)));
  makeCodeCaches();
  return out;
}

/**
 * The scripts' code caches (`code-cache.ts`): `inspect` and `info --json` run on the tutorial's file with
 * `TSNWB_WRITE_CODE_CACHE` set, each command's threads writing the cache of their flags with what they compiled.
 */
function makeCodeCaches(): void {
  const folder = mkdtempSync(path.join(tmpdir(), "tsnwb-code-cache-"));
  try {
    const file = path.join(folder, "tutorial.nwb");
    const main = path.join(out, "main.js");
    const run = (args: string[], env: Record<string, string> = {}) => {
      const r = spawnSync(process.execPath, [main, ...args], { env: { ...process.env, ...env }, encoding: "utf8" });
      // `inspect` exits 1 when it has findings; anything else is a failure of the bundle.
      if (r.status !== 0 && r.status !== 1) throw new Error(`tsnwb ${args.join(" ")} failed while making the code caches (${r.status ?? r.signal}): ${r.stderr}`);
    };
    run(["demo", "--out", file]);
    run(["inspect", "--json", file], { TSNWB_WRITE_CODE_CACHE: "1" });
    run(["info", "--json", file], { TSNWB_WRITE_CODE_CACHE: "1" });
    for (const flavour of ["inspect", "default"]) {
      for (const script of ["tsnwb-cli", "tsnwb-reader"]) {
        if (!existsSync(path.join(out, `${script}.cjs.${flavour}.cache`))) throw new Error(`no ${flavour} code cache of ${script} was made`);
      }
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  bundleCli().then((dir) => console.log(`command line bundled in ${path.relative(root, dir)}`), (e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
