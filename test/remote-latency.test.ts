/**
 * Reading by URL over a slow link (issue 20, "remote speed"): files of 2,000 HDF5 objects with their metadata
 * between megabytes of data (one written by pynwb, bench/remote_file_pynwb.py; one by tsnwb,
 * bench/remote_file_tsnwb.mjs), served by a loopback server that holds every answer 50 ms and counts the
 * sequential round trips. Opened by URL in Node (WorkerTransport) and in headless Chromium inside a Web Worker
 * (XHRTransport): the tree (every typed object's path and type) is h5py's, the first second of the first series
 * (64 channels at 30 kHz) is h5py's, and both take a bounded number of round trips, far below the ~700 of HDF5's own
 * sequential reads (the metadata is fetched ahead: src/io/remote/metadata-prefetch.ts). Counts, not times: the
 * times are bench/remote-open.mjs's.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NWBHDF5IO, TimeSeries } from "../src/index.js";
import { mergeRanges, multipartParts } from "../src/io/remote/parallel-ranges.js";
import { ROOT, SHARED, h5py, tempFolder } from "./helpers.js";

const tmp = tempFolder();
const files = { pynwb: path.join(tmp.dir, "pynwb.nwb"), tsnwb: path.join(tmp.dir, "tsnwb.nwb") };
const page = path.join(tmp.dir, "page");
const servers: ChildProcess[] = [];
let browser: Browser;

/** What a reading gave: the tree, the trace's digest, and the server's counts after each. */
interface Reading {
  /** The reader's own count of round trips (rounds fetched ahead, then each synchronous request) at the tree and trace. */
  client: { atTree: number; atTrace: number };
  tree: Record<string, string>;
  series: string;
  traceSha: string;
  traceLength: number;
  atTree: Stats;
  atTrace: Stats;
}
interface Stats { requests: number; bytes: number; roundTrips: number }

/** h5py's view of a file: every object with a neurodata_type, and the first second of the first acquisition series. */
const expected: Record<string, { tree: Record<string, string>; series: string; traceSha: string }> = {};

/**
 * Sequential round trips as counted by the reader (deterministic for a file: rounds of the walk, then each
 * synchronous request), on these smaller files: pynwb's 8 to the tree, 9 to the first trace; tsnwb's (whose groups
 * of more than 8 links keep them in fractal heaps, 3 to 4 structures deep) 7 and 8, since the walk looks through
 * the bytes each round fetched for heap blocks and headers it would reach only rounds later, and a read's chunks
 * are fetched together. Without fetching ahead they are ~700 and ~400.
 */
const BOUNDS = { pynwb: { tree: 8, trace: 9 }, tsnwb: { tree: 7, trace: 8 } };

async function serve(file: string, mode: "ranges" | "single-range" = "ranges"): Promise<{ url: string; stats: () => Promise<Stats> }> {
  const server = spawn(process.execPath, [path.join(ROOT, "test", "servers", "range-server.mjs"), file, mode, "50"], { env: { ...process.env, STATIC_DIR: page } });
  servers.push(server);
  const port = await new Promise<string>((resolve) => server.stdout!.once("data", (d: Buffer) => resolve(String(d).trim())));
  const base = `http://127.0.0.1:${port}`;
  return { url: `${base}/file.nwb`, stats: async () => (await fetch(`${base}/stats`)).json() as Promise<Stats> };
}

function digest(values: ArrayLike<number>): string {
  // As float64 little-endian bytes, as h5py's side hashes them.
  const f64 = Float64Array.from(values);
  return createHash("sha256").update(new Uint8Array(f64.buffer)).digest("hex");
}

beforeAll(async () => {
  execFileSync(path.join(SHARED, "tools", "oracle"), ["python", path.join(ROOT, "bench", "remote_file_pynwb.py"), files.pynwb, "0.25"]);
  execFileSync(process.execPath, [path.join(ROOT, "bench", "remote_file_tsnwb.mjs"), files.tsnwb, "0.1"]);
  for (const [name, file] of Object.entries(files)) {
    const out = h5py(file, `
import hashlib
tree = {"/": f.attrs["neurodata_type"]}
def visit(name, obj):
    t = obj.attrs.get("neurodata_type")
    if t is not None: tree["/" + name] = t if isinstance(t, str) else t.decode()
f.visititems(visit)
first = sorted(f["acquisition"].keys())[0]
series = f["acquisition"][first]
rate = series["starting_time"].attrs["rate"]
trace = series["data"][: int(round(rate))].astype(np.float64).ravel()
print(json.dumps({"tree": tree, "series": first, "traceSha": hashlib.sha256(trace.astype("<f8").tobytes()).hexdigest()}))`);
    expected[name] = JSON.parse(out) as { tree: Record<string, string>; series: string; traceSha: string };
  }
  const { build } = await import("esbuild");
  await build({ entryPoints: [path.join(ROOT, "bench", "remote-worker.mjs")], bundle: true, platform: "browser", format: "esm", outfile: path.join(page, "worker.js"), logLevel: "warning", external: ["apache-arrow"] });
  writeFileSync(path.join(page, "index.html"), `<!doctype html><meta charset="utf-8"><script type="module">
window.readInWorker = (url, prefetch) => new Promise((resolve) => {
  const worker = new Worker("/page/worker.js", { type: "module" });
  worker.onmessage = ({ data }) => { worker.terminate(); resolve(data); };
  worker.postMessage({ url, prefetch });
});
</script>`);
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  for (const s of servers) s.kill();
  tmp.cleanup();
});

/** Node: NWBHDF5IO.open(url) then read(), the tree, and the first second of the first acquisition series. */
async function readInNode(url: string, stats: () => Promise<Stats>): Promise<Reading> {
  const io = await NWBHDF5IO.open(url, "r");
  // The reader's counts, a private field's (looked at by this test only).
  const reader = () => (io as unknown as { remote: { reader: { stats: Stats } } }).remote.reader.stats.roundTrips;
  const nwbfile = await io.read();
  const tree = Object.fromEntries([...nwbfile.objects.values()].map((o) => [o.container_source?.path ?? o.name, o.neurodata_type]));
  const atTree = await stats();
  const client = { atTree: reader(), atTrace: 0 };
  const series = [...nwbfile.acquisition.values()][0] as TimeSeries;
  const trace = await series.data.read([[0, Math.round(series.rate!)]]);
  const atTrace = await stats();
  client.atTrace = reader();
  await io.close();
  return { client, tree, series: series.name, traceSha: digest(trace as ArrayLike<number>), traceLength: (trace as ArrayLike<number>).length, atTree, atTrace };
}

/** Chromium: the same in a Web Worker (bench/remote-read.mjs through bench/remote-worker.mjs). */
async function readInChromium(url: string): Promise<Reading> {
  const tab = await browser.newPage();
  await tab.goto(new URL("/page/index.html", url).href);
  const r = await tab.evaluate(([u]) => (window as unknown as { readInWorker(u: string, p: boolean): Promise<unknown> }).readInWorker(u!, true), [url]) as {
    error?: string; tree: [string, string][]; series: string; traceSha: string; traceLength: number; atTree: Stats; atTrace: Stats;
    client: { atTree: Stats; atTrace: Stats };
  };
  await tab.close();
  if (r.error) throw new Error(r.error);
  return { client: { atTree: r.client.atTree.roundTrips, atTrace: r.client.atTrace.roundTrips }, tree: Object.fromEntries(r.tree), series: r.series, traceSha: r.traceSha, traceLength: r.traceLength, atTree: r.atTree, atTrace: r.atTrace };
}

describe.each(["pynwb", "tsnwb"] as const)("a file of 2,000 objects written by %s, read by URL with 50 ms round trips", (name) => {
  it.each(["Node", "Chromium"] as const)("in %s: its tree and first trace are h5py's, in a bounded number of round trips", async (env) => {
    const { url, stats } = await serve(files[name]);
    const r = env === "Node" ? await readInNode(url, stats) : await readInChromium(url);
    const want = expected[name]!;
    expect(Object.keys(r.tree).length).toBeGreaterThan(600);
    expect(r.tree).toEqual(want.tree);
    expect(r.series).toBe(want.series);
    expect(r.traceLength).toBe(30000 * 64);
    expect(r.traceSha).toBe(want.traceSha);
    expect(r.client.atTree).toBeLessThanOrEqual(BOUNDS[name].tree);
    expect(r.client.atTrace).toBeLessThanOrEqual(BOUNDS[name].trace);
    // The server sees as many (it counts a request that arrives while none is answered); a loaded machine may
    // dispatch a round's requests far enough apart to count one twice, hence the room.
    expect(r.atTree.roundTrips).toBeLessThanOrEqual(BOUNDS[name].tree + 4);
    expect(r.atTrace.roundTrips).toBeLessThanOrEqual(BOUNDS[name].trace + 4);
  }, 120_000);
});

describe("a server that answers a request for several ranges with the whole file (as S3 does)", () => {
  it("is asked one range per request instead, 64 at once: the same tree and trace, in a bounded number of round trips", async () => {
    const { url, stats } = await serve(files.pynwb, "single-range");
    const r = await readInNode(url, stats);
    expect(r.tree).toEqual(expected.pynwb!.tree);
    expect(r.traceSha).toBe(expected.pynwb!.traceSha);
    // More than with several ranges per request: the refused request, and rounds of hundreds of single ranges go out
    // 64 at once, the rest waiting their turn.
    expect(r.client.atTree).toBeLessThanOrEqual(19);
  }, 120_000);
});

describe("parallel range requests", () => {
  it("split a multipart/byteranges answer by its parts' Content-Range, even when a part's bytes hold the boundary", () => {
    const boundary = "b0undary";
    const data = new TextEncoder().encode(`xx\r\n--${boundary}\r\nContent-Range: bytes 0-1/9\r\n\r\nyy`);
    const body = new TextEncoder().encode(`\r\n--${boundary}\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes 100-${99 + data.length}/5000\r\n\r\n`);
    const tail = new TextEncoder().encode(`\r\n--${boundary}\r\ncontent-range: bytes 4000-4002/5000\r\n\r\nabc\r\n--${boundary}--\r\n`);
    const parts = multipartParts(Uint8Array.from([...body, ...data, ...tail]), boundary);
    expect(parts.map((p) => [p.start, new TextDecoder().decode(p.bytes)])).toEqual([[100, new TextDecoder().decode(data)], [4000, "abc"]]);
  });

  it("merge overlapping and close ranges (gaps under 16 KiB), in order", () => {
    expect(mergeRanges([{ start: 50000, end: 50100 }, { start: 0, end: 4096 }, { start: 4000, end: 8192 }, { start: 20000, end: 20001 }])).toEqual([
      { start: 0, end: 20001 }, { start: 50000, end: 50100 },
    ]);
  });
});
