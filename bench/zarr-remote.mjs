// The remote Zarr benchmark (issue 21): the 2,000-object NWB file of bench/remote-open.mjs (written by pynwb,
// bench/remote_file_pynwb.py), exported to Zarr by hdmf-zarr's NWBZarrIO, served by a local server that holds every
// answer 50 ms (test/servers/folder-server.mjs), and opened by URL, every NWB object read, in Node (HttpStore over
// undici's fetch) and in headless Chromium inside a Web Worker (over HTTP/1.1, and with --http2 over HTTP/2 too); the
// HDF5 original the same way beside it (bench/remote-read-node.mjs, bench/remote-worker.mjs, range-server.mjs).
//
// Round trips are counted so that pipelining cannot hide them: "chain" is the server's count of the longest chain
// of requests each arriving after an answer was sent (test/servers/delayed-answers.mjs; an upper bound on the
// client's sequential waits: a client keeping 16 requests in flight and sending the 17th when the first is answered
// has waited once more). "client" is the HttpStore's own count of the same (Node and Chromium; for HDF5 the range
// reader's). "bursts" is the servers' older count (a request arriving while none is in flight starts one), which a
// pipeline always in flight fools: shown for comparison only. Over a 50 ms link the network part of an opening
// takes about chain × 50 ms; the rest of "seconds" is the reading's own work (JSON, decoding, construction).
//
//   npx tsc -p . && node bench/zarr-remote.mjs [--delay 50] [--runs 3] [--env node,chromium] [--http2] [--only NAME,...]
//     [--no-hdf5] [--parallel N (HttpStore maxParallel; default the store's own, per environment)]
//
// The Node ways of opening are the functions of OPENERS: each takes the store's URL and HttpStore options and
// returns { objects, store } (the HttpStore it read through, for its own counts). Chromium opens the store as
// NWBZarrIO.open does (bench/zarr-remote-worker.mjs). Prints a row per run, then the medians.
//
// Files are made once in --out (default /tmp/tsnwb-zarr-bench): pynwb.nwb (a link to bench/remote-open.mjs's when
// it exists) and pynwb.nwb.zarr (hdmf-zarr's export, test/py/zarr_consolidation.py).
//
// Figures (2026-12-03, 2 cores shared with other work, load average 8-11: seconds are noisy, round trips steady;
// medians of 3; 622 NWB objects constructed each time):
//   env                way                        chain  client  bursts  requests  MB    seconds
//   node               zarr: NWBZarrIO open+read      3       2       2       420  1.26     0.92
//   chromium HTTP/1.1  zarr: NWBZarrIO open+read     73       3       6       420  1.26     4.81
//   chromium HTTP/2    zarr: NWBZarrIO open+read      6       3       4       420  1.26     2.46
//   node               hdf5: NWBHDF5IO open+read      7       7       7        36  7.23     2.79
//   chromium HTTP/1.1  hdf5: NWBHDF5IO open+read      7       7       7        36  7.23     1.46
//   node, --parallel 16 (the old bound)             29      28       3       420  1.26     2.21
// The ~420 requests are the chunks of the small arrays construction reads (245 TimeSeries' starting_time, 160
// SpatialSeries' reference_frame, the file's and subject's text), each its own object in Zarr. Node sends them all
// at once; Chromium sends 256 at once over HTTP/2 but 6 at a time over HTTP/1.1 (73 round trips, which no client
// can avoid: serve Zarr to browsers over HTTP/2). In Chromium each request also costs about 2 ms of the worker's CPU
// (fetch, its answer, decoding), which is why Zarr over HTTP/2 takes fewer round trips than HDF5 but more time.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { ConsolidatedStore, HttpStore, NWBZarrIO, isMetadataKey } from "../dist/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const oracle = path.join(root, "..", "shared", "tools", "oracle");

/** Every one of `keys` read at once (the HttpStore bounds how many are in flight). */
async function readAll(store, keys) {
  return Promise.all(keys.map((k) => store.get(k)));
}

/** Objects (groups and arrays) among metadata keys: those ending in .zgroup or .zarray. */
const countObjects = (keys) => keys.filter((k) => k.endsWith("/.zgroup") || k.endsWith("/.zarray")).length;

/**
 * The ways of opening measured. Each: (url, httpOptions, context) => { objects, store }. `context.metadataKeys`
 * lists the store's metadata keys (from the folder), for a reader that knows them without .zmetadata.
 */
export const OPENERS = {
  /** .zmetadata, then every metadata key answered from it. */
  "metadata via .zmetadata": async (url, options) => {
    const http = new HttpStore(url, options);
    const store = await ConsolidatedStore.open(http);
    const keys = store.metadataKeys();
    await readAll(store, keys);
    return { objects: countObjects(keys), store: http };
  },
  /**
   * Every metadata key asked for, as a reader without .zmetadata must (HTTP cannot list, so the keys are given), level
   * by level from the root: a group's children are known only once it is read. The cost consolidation saves.
   */
  "metadata key by key": async (url, options, { metadataKeys }) => {
    const http = new HttpStore(url, options);
    const byDepth = new Map();
    for (const key of metadataKeys) {
      const depth = key.split("/").length;
      byDepth.set(depth, [...(byDepth.get(depth) ?? []), key]);
    }
    for (const depth of [...byDepth.keys()].sort((a, b) => a - b)) await readAll(http, byDepth.get(depth));
    return { objects: countObjects(metadataKeys), store: http };
  },
};

/** As a user opens it: NWBZarrIO.open(url) and read() (objects: NWB objects constructed, as the HDF5 rows count them). */
OPENERS["NWBZarrIO open+read"] = async (url, options) => {
  const http = new HttpStore(url, options);
  // The store made here only to read its counts: NWBZarrIO.open(url) makes the same.
  const io = await NWBZarrIO.open(http, "r", { name: url });
  const nwbfile = await io.read();
  return { objects: nwbfile.objects.size, store: http };
};

/**
 * readZarrTree (zread's reader), when it is built: the tree of NWB builders through HttpStore. It reads /.zmetadata
 * itself (and the root's .zattrs and cached spec, which hdmf-zarr leaves out of it), so it gets the HttpStore as it
 * is: through a ConsolidatedStore it would see the stale root attributes. If it comes to take a ConsolidatedStore
 * instead, wrap it here (with { unlisted: "inner" } for the spec).
 */
async function addTreeOpener(module = path.join(root, "dist", "io", "zarr", "zarr-read.js")) {
  if (!existsSync(module)) return;
  const { readZarrTree, readZarrFile } = await import(pathToFileURL(module).href);
  if (typeof readZarrTree === "function") {
    OPENERS["tree (readZarrTree)"] = async (url, options) => {
      const http = new HttpStore(url, options);
      const tree = await readZarrTree(http);
      return { objects: countBuilders(tree), store: http };
    };
  }
  // The whole file as typed objects, as the HDF5 row opens it (objects: NWB objects constructed, as there).
  if (typeof readZarrFile === "function") {
    OPENERS["file (readZarrFile)"] = async (url, options) => {
      const http = new HttpStore(url, options);
      const nwbfile = await readZarrFile(http);
      return { objects: nwbfile.objects?.size, store: http };
    };
  }
}

/** Groups and datasets under a builder, as far as its shape tells (undefined when it does not). */
function countBuilders(builder) {
  if (!builder || typeof builder !== "object") return undefined;
  let n = 1;
  for (const field of ["groups", "datasets", "links"]) {
    const children = builder[field];
    if (!children) continue;
    for (const child of children instanceof Map ? children.values() : Object.values(children)) n += countBuilders(child) ?? 1;
  }
  return n;
}

/** The files, made when missing. */
async function benchFiles(dir) {
  mkdirSync(dir, { recursive: true });
  const hdf5 = path.join(dir, "pynwb.nwb");
  if (!existsSync(hdf5)) {
    const shared = "/tmp/tsnwb-remote-bench/pynwb.nwb";
    if (existsSync(shared)) symlinkSync(shared, hdf5);
    else execFileSync(oracle, ["python", path.join(root, "bench", "remote_file_pynwb.py"), hdf5], { stdio: "inherit" });
  }
  const zarr = path.join(dir, "pynwb.nwb.zarr");
  if (!existsSync(path.join(zarr, ".zmetadata"))) {
    console.error(`exporting ${hdf5} to ${zarr} with hdmf-zarr (a minute or two)...`);
    execFileSync(oracle, ["python", path.join(root, "test", "py", "zarr_consolidation.py"), "export", hdf5, zarr], { stdio: "inherit" });
  }
  return { hdf5, zarr };
}

/** Starts a server process printing its port; resolves to its origin. */
async function start(script, args, { staticDir, https = false } = {}) {
  const child = spawn(process.execPath, [path.join(root, "test", "servers", script), ...args], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, STATIC_DIR: staticDir ?? "" } });
  const port = await new Promise((resolve) => child.stdout.once("data", (d) => resolve(String(d).trim())));
  return { child, origin: `${https ? "https" : "http"}://127.0.0.1:${port}` };
}

/** One measurement of `opener` in Node: the server's counts and the client's, the time. */
export async function measure(opener, origin, url, options, context) {
  await fetch(`${origin}/reset`);
  const t0 = performance.now();
  const { objects, store } = await opener(url, options, context);
  const seconds = (performance.now() - t0) / 1000;
  const server = await (await fetch(`${origin}/stats`)).json();
  return {
    objects, seconds: +seconds.toFixed(2), chain: server.chain, bursts: server.roundTrips, requests: server.requests, MB: +(server.bytes / 1e6).toFixed(2),
    maxInFlight: server.maxInFlight, client: store?.stats.roundTrips, clientRequests: store?.stats.requests,
  };
}

/** The Chromium page and its two workers (Zarr and HDF5), in `dir`. */
export async function buildPage(dir) {
  const { build } = await import("esbuild");
  mkdirSync(dir, { recursive: true });
  for (const [entry, out] of [["zarr-remote-worker.mjs", "zarr-worker.js"], ["remote-worker.mjs", "hdf5-worker.js"]]) {
    await build({ entryPoints: [path.join(root, "bench", entry)], bundle: true, platform: "browser", format: "esm", outfile: path.join(dir, out), logLevel: "warning", external: ["apache-arrow"] });
  }
  writeFileSync(path.join(dir, "index.html"), `<!doctype html><meta charset="utf-8"><title>remote zarr</title><script type="module">
window.inWorker = (script, message) => new Promise((resolve) => {
  const worker = new Worker("/page/" + script, { type: "module" });
  worker.onmessage = ({ data }) => { worker.terminate(); resolve(data); };
  worker.postMessage(message);
});
</script>`);
}

let browser;
/** Runs `script` (a worker of the page) in a fresh Chromium page of `origin` with `message`; resolves to its answer. */
export async function inChromium(origin, script, message) {
  const { chromium } = await import("playwright-core");
  browser ??= await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--ignore-certificate-errors"] });
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  await page.goto(`${origin}/page/index.html`);
  const result = await page.evaluate(([s, m]) => window.inWorker(s, m), [script, message]);
  await context.close();
  if (result.error) throw new Error(result.error);
  return result;
}

function median(values) {
  const v = values.filter((x) => typeof x === "number").sort((a, b) => a - b);
  return v.length === 0 ? undefined : v.length % 2 ? v[(v.length - 1) / 2] : +((v[v.length / 2 - 1] + v[v.length / 2]) / 2).toFixed(2);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: {
    delay: { type: "string", default: "50" }, runs: { type: "string", default: "3" }, only: { type: "string" }, env: { type: "string", default: "node,chromium" },
    http2: { type: "boolean", default: false }, "no-hdf5": { type: "boolean", default: false }, parallel: { type: "string" }, reader: { type: "string" },
    out: { type: "string", default: "/tmp/tsnwb-zarr-bench" },
  } });
  const { hdf5, zarr } = await benchFiles(values.out);
  await addTreeOpener(values.reader);
  const metadataKeys = [];
  const { FolderStore } = await import("../dist/index.js");
  for await (const key of new FolderStore(zarr).list("/")) if (isMetadataKey(key)) metadataKeys.push(key);
  metadataKeys.sort();
  const options = values.parallel ? { maxParallel: Number(values.parallel) } : {};
  const envs = values.env.split(",");
  const runs = Number(values.runs);
  const page = path.join(values.out, "page");
  if (envs.includes("chromium")) await buildPage(page);
  const rows = [];
  const add = (row) => {
    rows.push(row);
    console.log(JSON.stringify(row));
  };
  try {
    if (envs.includes("node")) {
      const server = await start("folder-server.mjs", [path.dirname(zarr), values.delay]);
      const url = `${server.origin}/store/${path.basename(zarr)}`;
      try {
        for (const name of values.only ? values.only.split(",") : Object.keys(OPENERS)) {
          if (!OPENERS[name]) throw new Error(`no opener ${JSON.stringify(name)}: ${Object.keys(OPENERS).join(", ")}`);
          for (let run = 0; run < runs; run++) add({ env: "node", way: `zarr: ${name}`, ...(await measure(OPENERS[name], server.origin, url, options, { metadataKeys })) });
        }
      } finally {
        server.child.kill();
      }
    }
    if (envs.includes("chromium")) {
      for (const protocol of values.http2 ? ["http1", "http2"] : ["http1"]) {
        const server = await start("folder-server.mjs", [path.dirname(zarr), values.delay, protocol], { staticDir: page, https: protocol === "http2" });
        try {
          for (let run = 0; run < runs; run++) {
            await control(`${server.origin}/reset`);
            const r = await inChromium(server.origin, "zarr-worker.js", { url: `${server.origin}/store/${path.basename(zarr)}`, maxParallel: options.maxParallel });
            const s = await control(`${server.origin}/stats`);
            add({ env: `chromium ${protocol === "http2" ? "HTTP/2" : "HTTP/1.1"}`, way: "zarr: NWBZarrIO open+read", objects: r.tree.length, seconds: +r.seconds.toFixed(2), chain: s.chain, bursts: s.roundTrips, requests: s.requests, MB: +(s.bytes / 1e6).toFixed(2), maxInFlight: s.maxInFlight, client: r.client.roundTrips, clientRequests: r.client.requests, chains: s.chains?.join(" ") });
          }
        } finally {
          server.child.kill();
        }
      }
    }
    if (!values["no-hdf5"]) {
      // The HDF5 original by URL, every NWB object constructed, metadata fetched ahead: bench/remote-open.mjs's "now".
      const ranges = await start("range-server.mjs", [hdf5, "ranges", values.delay], { staticDir: page });
      try {
        for (const env of envs) {
          for (let run = 0; run < runs; run++) {
            await fetch(`${ranges.origin}/reset`);
            const r = env === "node"
              ? JSON.parse(String(execFileSync(process.execPath, [path.join(root, "bench", "remote-read-node.mjs"), `${ranges.origin}/file.nwb`, "1"], { maxBuffer: 64 << 20 })))
              : await inChromium(ranges.origin, "hdf5-worker.js", { url: `${ranges.origin}/file.nwb`, prefetch: true });
            add({
              env: env === "node" ? "node" : "chromium HTTP/1.1", way: "hdf5: NWBHDF5IO open+read", objects: r.tree.length, seconds: +(r.treeTime / 1000).toFixed(2), chain: r.atTree.chain, bursts: r.atTree.roundTrips,
              requests: r.atTree.requests, MB: +(r.atTree.bytes / 1e6).toFixed(2), maxInFlight: r.atTree.maxInFlight, client: r.client?.atTree?.roundTrips, clientRequests: r.client?.atTree?.requests,
            });
          }
        }
      } finally {
        ranges.child.kill();
      }
    }
  } finally {
    await browser?.close();
  }
  console.log(`\n${values.delay} ms per answer; HttpStore maxParallel ${values.parallel ?? "default (512 in Node, 256 in a browser)"}; ${runs} run(s), medians; the store: ${metadataKeys.length} metadata keys (${countObjects(metadataKeys)} groups and arrays).`);
  console.log("objects: NWB objects constructed (for the metadata-only ways, Zarr groups and arrays). chain: the server's count of sequential round trips");
  console.log("(requests each sent after an answer; pipelining cannot hide them); client: the reader's own count; bursts: the servers' older count, fooled by pipelining.");
  console.log("env                way                              objects |  chain  client  bursts  requests  MB      seconds");
  const groups = new Map();
  for (const r of rows) {
    const key = `${r.env}\t${r.way}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const [key, rs] of groups) {
    const [env, way] = key.split("\t");
    const m = (f) => String(median(rs.map((r) => r[f])) ?? "?");
    console.log(`${env.padEnd(18)} ${way.padEnd(32)} ${m("objects").padStart(7)} | ${m("chain").padStart(6)}  ${m("client").padStart(6)}  ${m("bursts").padStart(6)}  ${m("requests").padStart(8)}  ${m("MB").padStart(6)}  ${m("seconds").padStart(7)}`);
  }
}

/** GET of a server's /stats or /reset as JSON, over HTTPS too (the HTTP/2 server's certificate is self-signed). */
async function control(url) {
  const { get } = await import(url.startsWith("https:") ? "node:https" : "node:http");
  return new Promise((resolve, reject) => {
    get(url, { rejectUnauthorized: false }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve(JSON.parse(text)));
    }).on("error", reject);
  });
}
