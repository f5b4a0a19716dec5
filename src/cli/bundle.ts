/**
 * Makes the command line's bundle, which `main.ts` runs: `dist/cli/tsnwb-cli.js` (the command line) and
 * `dist/cli/tsnwb-reader.js` (its reading worker's thread), with the chunks they share and load on demand
 * (`tsnwb-chunk-*.js`), bundled by esbuild from tsc's output. Node then reads and compiles a few files instead of
 * the some hundred modules a command loads, in each of its two threads: most of a short command's start.
 *
 * The chunks sit in `dist/cli/`, as deep in `dist/` as the modules they hold, so that the paths those modules find
 * beside themselves (the viewer's page, the demo's logo) are the same from the bundle.
 *
 * HDF5's WebAssembly module is not read from h5wasm's script, where it is a 3.5 MB string to decode at every start
 * (a twentieth of a second): it is written once here to `dist/cli/hdf5.wasm`, and the bundle's h5wasm compiles it
 * from there (see {@link H5WASM_SHIM}).
 */
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "esbuild";
import { splitH5wasmScript } from "../io/hdf5/h5wasm-script.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const out = path.join(root, "dist", "cli");

/** The bundle's entry points (tsc's output) by the name of their file in `dist/cli/`. */
const ENTRIES = { "tsnwb-cli": path.join(out, "cli.js"), "tsnwb-reader": path.join(out, "file-worker-thread.js") };

/** Packages left out of the bundle: native code (sharp) and what only some commands load, large (apache-arrow). */
const EXTERNAL = ["sharp", "apache-arrow", "mp4box"];

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
  // The chunks of an earlier build (their names carry a hash of their contents).
  for (const name of readdirSync(out)) if (/^tsnwb-(chunk-.*|cli|reader)\.js(\.map)?$/.test(name)) rmSync(path.join(out, name));
  await build({
    entryPoints: ENTRIES, bundle: true, splitting: true, format: "esm", platform: "node", target: "node20",
    outdir: out, chunkNames: "tsnwb-chunk-[hash]", external: EXTERNAL, logLevel: "warning",
    // The package's "sideEffects" speaks for the library's modules as a user's bundler takes them; the command line's own
    // (early-start.js) run on import.
    ignoreAnnotations: true,
    // Functions and classes keep their names (two modules' same names are renamed in one bundle): messages name classes.
    keepNames: true,
    // Whitespace and comments out, syntax shortened (names kept): a third less text for V8 to parse at each start,
    // in each thread (`tsnwb inspect` of one file: about 0.03 s of CPU less). Messages do not quote the code.
    minifyWhitespace: true, minifySyntax: true,
    // file-worker.ts starts the bundle's thread, not tsc's.
    define: { TSNWB_BUNDLED_THREAD: JSON.stringify("tsnwb-reader.js") },
    // The CommonJS packages bundled (commander) require Node's modules.
    banner: { js: 'import { createRequire as __tsnwbCreateRequire } from "node:module"; const require = __tsnwbCreateRequire(import.meta.url);' },
    plugins: [h5wasmFromFile()],
  });
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  bundleCli().then((dir) => console.log(`command line bundled in ${path.relative(root, dir)}`), (e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
