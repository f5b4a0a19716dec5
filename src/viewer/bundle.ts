/**
 * Makes the viewer's static page in `dist/viewer/`: `index.html`; `viewer.js`, the page's code (the app and the
 * views' render halves) without the HDF5 library; `reader.js`, the reading worker (tsnwb's browser entry, h5wasm
 * and the views' extract halves), the only code that opens the file; and `tsnwb.js`, the library alone, which sets
 * `globalThis.tsnwb` (for a browser's console, or a page of one's own). Run by `npm run build` after tsc; the page
 * then works from any static host, and `tsnwb view` serves it.
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BuildOptions, Plugin } from "esbuild";
import { READER_CHUNK } from "./server.js";

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

export async function bundleViewer(): Promise<string> {
  const { build } = await import("esbuild");
  const out = path.join(root, "dist", "viewer");
  mkdirSync(out, { recursive: true });
  // The page never calls DynamicTable.toArrow, whose dynamic import would otherwise put apache-arrow (~0.5 MB) in it.
  const common: BuildOptions = { bundle: true, platform: "browser", format: "esm", logLevel: "warning", external: ["apache-arrow"] };
  await build({ ...common, entryPoints: [path.join(out, "app.js")], outfile: path.join(out, "viewer.js"), plugins: [libraryStandIns(out)] });
  // The worker in two files: its code, and HDF5 (h5wasm, most of its size) in a chunk it imports when a file is
  // opened, so that a URL's metadata is fetched while HDF5 loads (see remote-file.ts), not after. Chunks of an
  // earlier build go first: the server gives every `reader-<hash>.js` it finds (`server.ts`).
  for (const old of readdirSync(out)) if (READER_CHUNK.test(old)) rmSync(path.join(out, old));
  await build({ ...common, entryPoints: { reader: path.join(out, "reader-worker.js") }, outdir: out, splitting: true, chunkNames: "reader-[hash]" });
  await build({
    ...common, outfile: path.join(out, "tsnwb.js"),
    stdin: { contents: `import * as tsnwb from "./browser.js";\nglobalThis.tsnwb = tsnwb;\n`, resolveDir: path.join(root, "dist"), loader: "js" },
  });
  copyFileSync(path.join(root, "src", "viewer", "index.html"), path.join(out, "index.html"));
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  bundleViewer().then((out) => console.log(`viewer in ${path.relative(root, out)}`), (e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
