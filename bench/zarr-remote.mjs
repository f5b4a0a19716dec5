// The remote Zarr benchmark (issue 21): the 2,000-object NWB file of bench/remote-open.mjs (written by pynwb,
// bench/remote_file_pynwb.py), exported to Zarr by hdmf-zarr's NWBZarrIO, served by a local server that holds every
// answer 50 ms (test/servers/folder-server.mjs, which counts round trips as range-server.mjs does), and opened by URL
// in Node through HttpStore. Prints per way of opening: sequential round trips (as the server counts them: requests
// arriving while none is answered), requests, bytes, seconds, objects.
//
//   npx tsc -p . && node bench/zarr-remote.mjs [--delay 50] [--runs 1] [--only NAME,...] [--no-hdf5] [--parallel 16]
//     [--reader dist/io/zarr/zarr-read.js]   (another build of the Zarr reader)
//
// The ways of opening are the functions of OPENERS: each takes the store's URL and HttpStore options and returns
// { objects, store } (the HttpStore it read through, for its own counts). To measure another (the full NWBZarrIO
// open once it is merged), add an entry. "tree (readZarrTree)" and "file (readZarrFile)" are measured when
// dist/io/zarr/zarr-read.js exports them (zread's reader, after its merge). With --hdf5 (the default), the HDF5 original's tree by URL (bench/remote-read-node.mjs, metadata
// fetched ahead) is measured beside them, on the same delay.
//
// Files are made once in --out (default /tmp/tsnwb-zarr-bench): pynwb.nwb (a link to bench/remote-open.mjs's when
// it exists) and pynwb.nwb.zarr (hdmf-zarr's export, test/py/zarr_consolidation.py).
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { ConsolidatedStore, HttpStore, isMetadataKey } from "../dist/index.js";

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
async function start(script, args) {
  const child = spawn(process.execPath, [path.join(root, "test", "servers", script), ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise((resolve) => child.stdout.once("data", (d) => resolve(String(d).trim())));
  return { child, origin: `http://127.0.0.1:${port}` };
}

/** One measurement of `opener`: the server's counts and the client's, the time. */
export async function measure(opener, origin, url, options, context) {
  await fetch(`${origin}/reset`);
  const t0 = performance.now();
  const { objects, store } = await opener(url, options, context);
  const seconds = (performance.now() - t0) / 1000;
  const server = await (await fetch(`${origin}/stats`)).json();
  return {
    objects, seconds: +seconds.toFixed(2), roundTrips: server.roundTrips, requests: server.requests, MB: +(server.bytes / 1e6).toFixed(2),
    maxInFlight: server.maxInFlight, clientRoundTrips: store?.stats.roundTrips, clientRequests: store?.stats.requests,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: {
    delay: { type: "string", default: "50" }, runs: { type: "string", default: "1" }, only: { type: "string" },
    "no-hdf5": { type: "boolean", default: false }, parallel: { type: "string", default: "16" }, reader: { type: "string" }, out: { type: "string", default: "/tmp/tsnwb-zarr-bench" },
  } });
  const { hdf5, zarr } = await benchFiles(values.out);
  await addTreeOpener(values.reader);
  const metadataKeys = [];
  const { FolderStore } = await import("../dist/index.js");
  for await (const key of new FolderStore(zarr).list("/")) if (isMetadataKey(key)) metadataKeys.push(key);
  metadataKeys.sort();
  const options = { maxParallel: Number(values.parallel) };
  const server = await start("folder-server.mjs", [path.dirname(zarr), values.delay]);
  const url = `${server.origin}/store/${path.basename(zarr)}`;
  const names = values.only ? values.only.split(",") : Object.keys(OPENERS);
  const rows = [];
  try {
    for (const name of names) {
      if (!OPENERS[name]) throw new Error(`no opener ${JSON.stringify(name)}: ${Object.keys(OPENERS).join(", ")}`);
      for (let run = 0; run < Number(values.runs); run++) {
        const row = { way: `zarr: ${name}`, ...(await measure(OPENERS[name], server.origin, url, options, { metadataKeys })) };
        rows.push(row);
        console.log(JSON.stringify(row));
      }
    }
  } finally {
    server.child.kill();
  }
  if (!values["no-hdf5"]) {
    // The HDF5 original by URL, its tree (every object constructed), metadata fetched ahead: bench/remote-open.mjs's "now".
    const ranges = await start("range-server.mjs", [hdf5, "ranges", values.delay]);
    try {
      for (let run = 0; run < Number(values.runs); run++) {
        await fetch(`${ranges.origin}/reset`);
        const r = JSON.parse(String(execFileSync(process.execPath, [path.join(root, "bench", "remote-read-node.mjs"), `${ranges.origin}/file.nwb`, "1"], { maxBuffer: 64 << 20 })));
        const row = {
          way: "hdf5: NWBHDF5IO tree", objects: r.tree.length, seconds: +(r.treeTime / 1000).toFixed(2), roundTrips: r.atTree.roundTrips, requests: r.atTree.requests,
          MB: +(r.atTree.bytes / 1e6).toFixed(2), maxInFlight: r.atTree.maxInFlight, clientRoundTrips: r.client?.atTree?.roundTrips, clientRequests: r.client?.atTree?.requests,
        };
        rows.push(row);
        console.log(JSON.stringify(row));
      }
    } finally {
      ranges.child.kill();
    }
  }
  console.log(`\n${values.delay} ms per answer, HttpStore maxParallel ${values.parallel}; the store: ${metadataKeys.length} metadata keys (${countObjects(metadataKeys)} groups and arrays).`);
  console.log("objects: Zarr groups and arrays read; for HDF5, NWB objects constructed. Round trips: as the server counts them (requests arriving while none is");
  console.log("answered), and as the client does (the longest chain of requests each sent after an answer: requests queued behind the parallel limit count).");
  console.log("way                              objects | server round trips  client round trips  requests  MB      seconds");
  for (const r of rows) {
    console.log(`${r.way.padEnd(32)} ${String(r.objects ?? "?").padStart(7)} | ${String(r.roundTrips).padStart(18)}  ${String(r.clientRoundTrips ?? "?").padStart(18)}  ${String(r.requests).padStart(8)}  ${String(r.MB).padStart(6)}  ${String(r.seconds).padStart(7)}`);
  }
}
