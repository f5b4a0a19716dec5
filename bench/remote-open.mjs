// The remote-reading benchmark (issue 20, "remote speed"): a file of 2,000 objects served by a local server that
// holds every answer 50 ms (test/servers/range-server.mjs), opened by URL, its tree listed (every object's path and
// type), then the first second of its first series read (64 channels at 30 kHz), in Node (WorkerTransport) and in
// headless Chromium inside a Web Worker (XHRTransport), with and without metadata fetched ahead
// (src/io/remote/metadata-prefetch.ts). Prints per case: sequential round trips (as the server counts them:
// requests arriving while none is answered), requests, bytes, time to the tree and to the first trace.
//
//   npx tsc -p . && node bench/remote-open.mjs [--delay 50] [--runs 1] [--only node|chromium] [--files pynwb,tsnwb] [--no-baseline]
//     [--server-mode ranges|single-range]
//
// The files are written once into /tmp/tsnwb-remote-bench: the pynwb one by bench/remote_file_pynwb.py (through
// ../shared/tools/oracle python), the tsnwb one by bench/remote_file_tsnwb.mjs.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({ options: {
  delay: { type: "string", default: "50" }, runs: { type: "string", default: "1" }, only: { type: "string" },
  files: { type: "string", default: "pynwb,tsnwb" }, "no-baseline": { type: "boolean", default: false },
  /** single-range: a server that answers several ranges with the whole file (as S3 does). */
  "server-mode": { type: "string", default: "ranges" }, out: { type: "string", default: "/tmp/tsnwb-remote-bench" },
} });
const folder = values.out;
mkdirSync(folder, { recursive: true });

/** The test files, written when missing. */
export async function benchFiles(dir = folder) {
  const pynwb = path.join(dir, "pynwb.nwb"), tsnwb = path.join(dir, "tsnwb.nwb");
  if (!existsSync(pynwb)) execFileSync(path.join(root, "..", "shared", "tools", "oracle"), ["python", path.join(root, "bench", "remote_file_pynwb.py"), pynwb], { stdio: "inherit" });
  if (!existsSync(tsnwb)) await (await import("./remote_file_tsnwb.mjs")).writeTsnwbFile(tsnwb);
  return { pynwb, tsnwb };
}

/** Starts the delaying range server on `file`, serving `page` (a folder) under /page/. */
async function serve(file, delay, page) {
  const server = spawn(process.execPath, [path.join(root, "test", "servers", "range-server.mjs"), file, values["server-mode"], String(delay)], { env: { ...process.env, STATIC_DIR: page } });
  const port = await new Promise((resolve) => server.stdout.once("data", (d) => resolve(String(d).trim())));
  return { server, base: `http://127.0.0.1:${port}` };
}

/** The worker bundle and its page, in `dir`. */
async function buildPage(dir) {
  const { build } = await import("esbuild");
  await build({ entryPoints: [path.join(root, "bench", "remote-worker.mjs")], bundle: true, platform: "browser", format: "esm", outfile: path.join(dir, "worker.js"), logLevel: "warning", external: ["apache-arrow"] });
  writeFileSync(path.join(dir, "index.html"), `<!doctype html><meta charset="utf-8"><title>remote</title><script type="module">
window.readInWorker = (url, prefetch) => new Promise((resolve) => {
  const worker = new Worker("/page/worker.js", { type: "module" });
  worker.onmessage = ({ data }) => { worker.terminate(); resolve(data); };
  worker.postMessage({ url, prefetch });
});
</script>`);
}

async function inNode(url, prefetch) {
  const out = execFileSync(process.execPath, [path.join(root, "bench", "remote-read-node.mjs"), url, prefetch ? "1" : "0"], { maxBuffer: 64 << 20 });
  return JSON.parse(String(out));
}

let browser;
async function inChromium(base, prefetch) {
  const { chromium } = await import("playwright-core");
  browser ??= await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  const page = await browser.newPage();
  await page.goto(`${base}/page/index.html`);
  const result = await page.evaluate(([url, p]) => window.readInWorker(url, p), [`${base}/file.nwb`, prefetch]);
  await page.close();
  if (result.error) throw new Error(result.error);
  return result;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = await benchFiles();
  const page = path.join(folder, "page");
  mkdirSync(page, { recursive: true });
  await buildPage(page);
  const envs = values.only ? [values.only] : ["node", "chromium"];
  const rows = [];
  for (const name of values.files.split(",")) {
    const slow = await serve(files[name], Number(values.delay), page);
    // The same without delay: what is left is the reading itself (HDF5, tsnwb), the floor of any fetching scheme.
    const fast = await serve(files[name], 0, page);
    const cases = [[slow, false, "baseline"], [slow, true, "now"], [fast, true, "now, 0 ms"]].filter(([, , mode]) => mode !== "baseline" || !values["no-baseline"]);
    for (const env of envs) {
      for (const [{ base }, prefetch, mode] of cases) {
        for (let run = 0; run < Number(values.runs); run++) {
          await fetch(`${base}/reset`);
          const r = env === "node" ? await inNode(`${base}/file.nwb`, prefetch) : await inChromium(base, prefetch);
          const row = {
            file: name, env, mode, objects: r.tree.length, openSeconds: +(r.openTime / 1000).toFixed(2),
            treeRoundTrips: r.atTree.roundTrips, treeRequests: r.atTree.requests, treeMB: +(r.atTree.bytes / 1e6).toFixed(2), treeSeconds: +(r.treeTime / 1000).toFixed(2),
            traceRoundTrips: r.atTrace.roundTrips, traceRequests: r.atTrace.requests, traceMB: +(r.atTrace.bytes / 1e6).toFixed(2), traceSeconds: +(r.traceTime / 1000).toFixed(2),
            prefetchRounds: r.client?.prefetch?.rounds ?? 0, clientTreeRoundTrips: r.client?.atTree?.roundTrips, clientTraceRoundTrips: r.client?.atTrace?.roundTrips,
          };
          rows.push(row);
          console.log(JSON.stringify(row));
        }
      }
    }
    slow.server.kill();
    fast.server.kill();
  }
  await browser?.close();
  console.log(`\n${values.delay} ms per answer ("0 ms": none); "now" fetches metadata ahead, "baseline" does not. Counts at the tree, then cumulative at the first trace; open s: NWBHDF5IO.open alone (the fetching ahead, HDF5 loading meanwhile).`);
  console.log("file   env       mode        objects  open s | round trips  requests  MB      tree s  | round trips  requests  MB      trace s");
  for (const r of rows) {
    console.log(`${r.file.padEnd(6)} ${r.env.padEnd(9)} ${r.mode.padEnd(11)} ${String(r.objects).padStart(7)}  ${String(r.openSeconds).padStart(6)} | ${String(r.treeRoundTrips).padStart(11)}  ${String(r.treeRequests).padStart(8)}  ${String(r.treeMB).padStart(6)}  ${String(r.treeSeconds).padStart(6)}  | ${String(r.traceRoundTrips).padStart(11)}  ${String(r.traceRequests).padStart(8)}  ${String(r.traceMB).padStart(6)}  ${String(r.traceSeconds).padStart(7)}`);
  }
}
