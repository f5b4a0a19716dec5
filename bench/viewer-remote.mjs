// The viewer over a slow link (issue 20, "remote speed"), measured in the app itself: the files of
// bench/remote-open.mjs (2,000 objects, written by pynwb and by tsnwb) served by test/servers/range-server.mjs, which
// holds every answer DELAY ms, and the viewer's page (dist/viewer) served by the same server under /page/. Headless
// Chromium opens `index.html?file=/file.nwb&path=/acquisition/ElectricalSeries` in a fresh context (no cache) and
// times, from the navigation (the page's own clock, whose zero is the navigation's start): the tree on the page (its
// first item in the document, then the frame that paints it), and the first trace drawn (the series' view ready,
// then its frame). A script the page runs first watches the document for both, so the times are not those of
// Playwright's polling (which, on a loaded machine, saw them up to a few tenths of a second late; printed too, as
// "seen"). Prints those times and the server's counts per run, then medians: the chain of sequential round trips
// (test/servers/delayed-answers.mjs; the page's own files are served undelayed and not counted; CHAIN_LOG=1 prints
// each request's place in it), bursts, requests, bytes.
//
// --files also takes the pynwb file as Zarr stores (issue 21): `hdmf-zarr` (hdmf-zarr's NWBZarrIO export) and
// `tsnwb-zarr` (`tsnwb convert`), made beside the files on first use and served by test/servers/folder-server.mjs
// (the same delay, over HTTP/1.1: six requests at a time from a browser, S3's case); the page opens `/store/`.
//
// --pages A,B (folders of built pages, default dist/viewer): each run opens each page in turn, so that two builds are
// compared under the same load (the machine's other work comes and goes), and medians are given per page.
//
//   npm run build && node bench/viewer-remote.mjs [--delay 50] [--runs 3] [--files pynwb,tsnwb,hdmf-zarr,tsnwb-zarr] [--pages DIR,DIR]
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({ options: {
  delay: { type: "string", default: "50" }, runs: { type: "string", default: "3" }, files: { type: "string", default: "pynwb,tsnwb" },
  pages: { type: "string", default: path.join(root, "dist", "viewer") },
} });
const pages = values.pages.split(",").map((p) => path.resolve(p));

/**
 * The range server on `file` (the folder server on a Zarr store), with the viewer's page (the folder `page`) under
 * /page/; resolves to its port once it listens.
 */
function startServer(file, delay, page) {
  const args = file.endsWith(".zarr") ? [path.join(root, "test", "servers", "folder-server.mjs"), file, String(delay)] : [path.join(root, "test", "servers", "range-server.mjs"), file, "ranges", String(delay)];
  const child = spawn(process.execPath, args, { env: { ...process.env, STATIC_DIR: page }, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout.once("data", (d) => resolve({ child, port: Number(String(d).trim()) }));
    child.once("error", reject);
  });
}

/**
 * Run in the page before its own code: records in `window.benchTimes`, on the page's clock (ms from the navigation's
 * start), when the tree's first item and the series' drawn view enter the document, and the next frame after each.
 */
function watchPage() {
  const times = (window.benchTimes = {});
  const seen = (name, selector) => {
    if (times[`${name}InDocument`] !== undefined || !document.querySelector(selector)) return;
    times[`${name}InDocument`] = performance.now();
    requestAnimationFrame(() => (times[name] = performance.now()));
  };
  new MutationObserver(() => {
    seen("tree", "#tree li");
    seen("trace", "#view[data-ready=true][data-view=electricalseries]");
  }).observe(document, { subtree: true, childList: true, attributes: true });
}

/** One opening of the viewer served at `port`, in a fresh context: its times (ms) and the server's counts. */
async function measure(port, fileURL) {
  await fetch(`http://127.0.0.1:${port}/reset`);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.addInitScript(watchPage);
    const started = performance.now();
    await page.goto(`http://127.0.0.1:${port}/page/index.html?file=${fileURL}&path=/acquisition/ElectricalSeries`);
    await page.waitForSelector("#tree li", { timeout: 60_000 });
    const treeSeen = performance.now() - started;
    await page.waitForSelector("#view[data-ready=true][data-view=electricalseries]", { timeout: 60_000 });
    const traceSeen = performance.now() - started;
    await page.waitForFunction(() => window.benchTimes.trace !== undefined && window.benchTimes.tree !== undefined);
    const { tree, trace } = await page.evaluate(() => window.benchTimes);
    const error = await page.$eval("#view", (v) => v.querySelector(".error, .view-error")?.textContent ?? null);
    if (error) throw new Error(`the view failed: ${error}`);
    const stats = await (await fetch(`http://127.0.0.1:${port}/stats`)).json();
    return { tree, trace, treeSeen, traceSeen, ...stats };
  } finally {
    await context.close();
  }
}

/** The files of bench/remote-open.mjs (written there when missing): that script reads its own options when imported, not ours. */
async function benchFiles() {
  const argv = process.argv;
  process.argv = argv.slice(0, 2);
  try {
    return await (await import("./remote-open.mjs")).benchFiles();
  } finally {
    process.argv = argv;
  }
}

const files = await benchFiles();
/** The pynwb file as a Zarr store, made once beside it: `way` is hdmf-zarr's export or `tsnwb convert`. */
function zarrStore(way) {
  const store = files.pynwb.replace(/\.nwb$/, `.${way}.nwb.zarr`);
  if (!existsSync(store)) {
    if (way === "hdmf-zarr") execFileSync(path.join(root, "..", "shared", "tools", "oracle"), ["python", path.join(root, "test", "py", "zarr_consolidation.py"), "export", files.pynwb, store], { stdio: "inherit" });
    else execFileSync(process.execPath, [path.join(root, "dist", "cli", "main.js"), "convert", files.pynwb, store], { stdio: "inherit" });
  }
  return store;
}
for (const way of ["hdmf-zarr", "tsnwb-zarr"]) if (values.files.split(",").includes(way)) files[way] = zarrStore(way);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
try {
  for (const which of values.files.split(",")) {
    const servers = [];
    try {
      for (const page of pages) servers.push({ page, rows: [], ...(await startServer(files[which], Number(values.delay), page)) });
      for (let run = 1; run <= Number(values.runs); run++) {
        for (const server of servers) {
          const row = await measure(server.port, files[which].endsWith(".zarr") ? "/store/" : "/file.nwb");
          server.rows.push(row);
          console.log(`${which}${pages.length > 1 ? ` [${server.page}]` : ""} (delay ${values.delay} ms), run ${run}: tree ${(row.tree / 1000).toFixed(2)} s, `
            + `first trace ${(row.trace / 1000).toFixed(2)} s (seen ${(row.treeSeen / 1000).toFixed(2)} s, ${(row.traceSeen / 1000).toFixed(2)} s); `
            + `chain ${row.chain} (${row.roundTrips} bursts), ${row.requests} requests, ${(row.bytes / 1e6).toFixed(1)} MB`);
        }
      }
      for (const { page, rows } of servers) {
        const median = (k) => {
          const sorted = rows.map((r) => r[k]).sort((a, b) => a - b);
          return sorted[Math.floor((sorted.length - 1) / 2)];
        };
        console.log(`${which}${pages.length > 1 ? ` [${page}]` : ""}: median tree ${(median("tree") / 1000).toFixed(2)} s, first trace ${(median("trace") / 1000).toFixed(2)} s, `
          + `chain ${median("chain")} (${median("roundTrips")} bursts)`);
      }
    } finally {
      for (const { child } of servers) child.kill();
    }
  }
} finally {
  await browser.close();
}
