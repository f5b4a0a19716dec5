// The viewer over a slow link (issue 20, "remote speed"), measured in the app itself: the files of
// bench/remote-open.mjs (2,000 objects, written by pynwb and by tsnwb) served by test/servers/range-server.mjs, which
// holds every answer DELAY ms, and the viewer's page (dist/viewer) served by the same server under /page/. Headless
// Chromium opens `index.html?file=/file.nwb&path=/acquisition/ElectricalSeries` in a fresh context (no cache) and
// times, from the navigation: the tree on the page (its first item), and the first trace drawn (the series' view
// ready). Prints those times and the server's counts (sequential round trips, requests, bytes) per run.
//
//   npm run build && node bench/viewer-remote.mjs [--delay 50] [--runs 3] [--files pynwb,tsnwb]
import { spawn } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import { benchFiles } from "./remote-open.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({ options: {
  delay: { type: "string", default: "50" }, runs: { type: "string", default: "3" }, files: { type: "string", default: "pynwb,tsnwb" },
} });

/** The range server on `file`, with the viewer's page under /page/; resolves to its port once it listens. */
function startServer(file, delay) {
  const child = spawn(process.execPath, [path.join(root, "test", "servers", "range-server.mjs"), file, "ranges", String(delay)], {
    env: { ...process.env, STATIC_DIR: path.join(root, "dist", "viewer") }, stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.stdout.once("data", (d) => resolve({ child, port: Number(String(d).trim()) }));
    child.once("error", reject);
  });
}

const files = await benchFiles();
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
try {
  for (const which of values.files.split(",")) {
    const { child, port } = await startServer(files[which], Number(values.delay));
    try {
      for (let run = 1; run <= Number(values.runs); run++) {
        await fetch(`http://127.0.0.1:${port}/reset`);
        const context = await browser.newContext();
        const page = await context.newPage();
        const started = performance.now();
        await page.goto(`http://127.0.0.1:${port}/page/index.html?file=/file.nwb&path=/acquisition/ElectricalSeries`);
        await page.waitForSelector("#tree li", { timeout: 60_000 });
        const tree = performance.now() - started;
        await page.waitForSelector("#view[data-ready=true][data-view=electricalseries]", { timeout: 60_000 });
        const trace = performance.now() - started;
        const error = await page.$eval("#view", (v) => v.querySelector(".error, .view-error")?.textContent ?? null);
        if (error) throw new Error(`the view failed: ${error}`);
        const stats = await (await fetch(`http://127.0.0.1:${port}/stats`)).json();
        console.log(`${which} (delay ${values.delay} ms), run ${run}: tree ${(tree / 1000).toFixed(2)} s, first trace ${(trace / 1000).toFixed(2)} s; `
          + `${stats.roundTrips} round trips, ${stats.requests} requests, ${(stats.bytes / 1e6).toFixed(1)} MB`);
        await context.close();
      }
    } finally {
      child.kill();
    }
  }
} finally {
  await browser.close();
}
