/**
 * Makes the viewer's static page in `dist/viewer/`: `index.html`; `viewer.js`, the page's code (the app and the
 * views' render halves) without the HDF5 library; `reader.js`, the reading worker (tsnwb's browser entry, h5wasm
 * and the views' extract halves), the only code that opens the file; and `tsnwb.js`, the library alone, which sets
 * `globalThis.tsnwb` (for a browser's console, or a page of one's own). Run by `npm run build` after tsc; the page
 * then works from any static host, and `tsnwb view` serves it.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BuildOptions, Plugin } from "esbuild";
import { READER_CHUNK, READER_WASM } from "./server.js";
import { PAGE_COMPILES_HDF5 } from "./hdf5-wasm.js";
import { splitH5wasmScript } from "../io/hdf5/h5wasm-script.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");

/**
 * On the page, imports of the library's entries (`browser.js`, `core.js`, `index.js`: a view module needs them in
 * `extract`, which runs in the worker) are replaced by stand-ins that throw when called: the page's bundle then
 * holds no HDF5 library, and a render that reached for the file by mistake says so instead of reading on the page's
 * thread. A module imported by its own path (`data/numbers.js`) is bundled as it is: a test checks the page's bundle
 * holds no HDF5 all the same.
 */
function libraryStandIns(viewerDir: string): Plugin {
  const entries = new Set(["browser.js", "core.js", "index.js"].map((f) => path.join(root, "dist", f)));
  return {
    name: "library-stand-ins",
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        if (!args.importer.startsWith(viewerDir)) return undefined;
        const target = path.resolve(path.dirname(args.importer), args.path);
        return entries.has(target) ? { path: target, namespace: "library-stand-in" } : undefined;
      });
      build.onLoad({ filter: /.*/, namespace: "library-stand-in" }, async (args) => {
        const names = Object.keys(await import(pathToFileURL(args.path).href));
        const lines = names.map((n) => (n === "default" ? `export default standIn("default");` : `export const ${n} = standIn(${JSON.stringify(n)});`));
        return {
          contents: [
            `function standIn(name) { return function () { throw new Error("tsnwb's " + name + " is not loaded on the page: a view reads the file in its extract (the reading worker)"); }; }`,
            ...lines,
          ].join("\n"),
          loader: "js",
        };
      });
    },
  };
}

/** h5wasm's browser script (`hdf5_util.js`) split in two: the WebAssembly module it holds, and the script without it. */
function splitH5wasm(): { script: string; withoutModule: string; module: Uint8Array } {
  const script = path.join(path.dirname(fileURLToPath(import.meta.resolve("h5wasm"))), "hdf5_util.js");
  return { script, ...splitH5wasmScript(script) };
}

/**
 * h5wasm's start in the worker's bundle, given the module `hdf5-wasm.ts` compiles (from the worker's first moment)
 * through Emscripten's `instantiateWasm`, instead of decoding and compiling the string in its script.
 */
const H5WASM_SHIM = `
import startModule from "tsnwb-h5wasm:script";
export default async function startCompiled(options) {
  const compiling = globalThis[Symbol.for("tsnwb.viewer.hdf5-wasm")];
  if (compiling === undefined) throw new Error("tsnwb's reading worker did not start compiling HDF5's WebAssembly (hdf5-wasm.ts)");
  const compiled = await compiling;
  return startModule({ ...options, instantiateWasm(imports, receiveInstance) {
    const instance = new WebAssembly.Instance(compiled, imports);
    receiveInstance(instance, compiled);
    return instance.exports;
  } });
}
`;

/** Bundles h5wasm's browser build with {@link H5WASM_SHIM} for its script, and the script without its module. */
function h5wasmCompiled(split: ReturnType<typeof splitH5wasm>): Plugin {
  return {
    name: "tsnwb-h5wasm-compiled",
    setup(build) {
      build.onResolve({ filter: /^\.\/hdf5_util\.js$/ }, (args) => (path.join(args.resolveDir, "hdf5_util.js") === split.script ? { path: "shim", namespace: "tsnwb-h5wasm" } : undefined));
      build.onResolve({ filter: /^tsnwb-h5wasm:script$/ }, () => ({ path: "script", namespace: "tsnwb-h5wasm" }));
      build.onLoad({ filter: /.*/, namespace: "tsnwb-h5wasm" }, (args) => (args.path === "shim"
        ? { contents: H5WASM_SHIM, loader: "js", resolveDir: path.dirname(split.script) }
        : { contents: split.withoutModule, loader: "js", resolveDir: path.dirname(split.script) }));
    },
  };
}

export async function bundleViewer(): Promise<string> {
  const { build } = await import("esbuild");
  const out = path.join(root, "dist", "viewer");
  mkdirSync(out, { recursive: true });
  // The page never calls DynamicTable.toArrow, whose dynamic import would otherwise put apache-arrow (~0.5 MB) in it.
  const common: BuildOptions = { bundle: true, platform: "browser", format: "esm", logLevel: "warning", external: ["apache-arrow"] };
  // The page's and the worker's code without comments and spaces (names kept, for messages): a third less for the
  // browser to read before the worker starts (0.83 -> 0.54 MB; about 150 -> 120 ms from new Worker to its code running,
  // measured on the loaded 2-core VM).
  const compact: BuildOptions = { minifyWhitespace: true, minifySyntax: true };
  await build({ ...common, ...compact, entryPoints: [path.join(out, "app.js")], outfile: path.join(out, "viewer.js"), plugins: [libraryStandIns(out)] });
  // The worker in two files: its code, and HDF5 (h5wasm, most of its size) in a chunk it imports when a file is
  // opened, so that a URL's metadata is fetched while HDF5 loads (see remote-file.ts), not after. Chunks of an
  // earlier build go first: the server gives every `reader-<hash>.js` it finds (`server.ts`).
  // HDF5's WebAssembly module in a file of its own (`hdf5-wasm.ts`), named by its contents as the chunks are.
  for (const old of readdirSync(out)) if (READER_CHUNK.test(old) || READER_WASM.test(old)) rmSync(path.join(out, old));
  const split = splitH5wasm();
  const wasm = `reader-${createHash("sha256").update(split.module).digest("hex").slice(0, 10).toUpperCase()}.wasm`;
  writeFileSync(path.join(out, wasm), split.module);
  await build({
    ...common, ...compact, entryPoints: { reader: path.join(out, "reader-worker.js") }, outdir: out, splitting: true, chunkNames: "reader-[hash]",
    define: { TSNWB_HDF5_WASM: JSON.stringify(wasm) }, plugins: [h5wasmCompiled(split)],
  });
  await build({
    ...common, outfile: path.join(out, "tsnwb.js"),
    stdin: { contents: `import * as tsnwb from "./browser.js";\nglobalThis.tsnwb = tsnwb;\n`, resolveDir: path.join(root, "dist"), loader: "js" },
  });
  // The page's first script fetches and compiles HDF5's module (see hdf5-wasm.ts): it is told the module's file here.
  const page = readFileSync(path.join(root, "src", "viewer", "index.html"), "utf8");
  if (!page.includes(`<script data-hdf5-wasm="">`)) throw new Error("src/viewer/index.html has no <script data-hdf5-wasm=\"\"> to name HDF5's module in");
  // The worker waits for the page's module only when the page names it so.
  if (!page.includes(`"${PAGE_COMPILES_HDF5}"`)) throw new Error(`src/viewer/index.html does not name its worker "${PAGE_COMPILES_HDF5}" (hdf5-wasm.ts)`);
  writeFileSync(path.join(out, "index.html"), page.replace(`<script data-hdf5-wasm="">`, `<script data-hdf5-wasm="${wasm}">`));
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  bundleViewer().then((out) => console.log(`viewer in ${path.relative(root, out)}`), (e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
