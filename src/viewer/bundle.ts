/**
 * Makes the viewer's static page: `dist/viewer/viewer.js` (the page's code and tsnwb's browser entry, bundled by
 * esbuild) and `dist/viewer/index.html`. Run by `npm run build` after tsc; the page then works from any static
 * host, and `tsnwb view` serves it.
 */
import { copyFileSync, mkdirSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");

export async function bundleViewer(): Promise<string> {
  const { build } = await import("esbuild");
  const out = path.join(root, "dist", "viewer");
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [path.join(root, "dist", "viewer", "app.js")], bundle: true, platform: "browser", format: "esm",
    outfile: path.join(out, "viewer.js"), logLevel: "warning",
    // The page never calls DynamicTable.toArrow, whose dynamic import would otherwise put apache-arrow (~0.5 MB) in it.
    external: ["apache-arrow"],
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
