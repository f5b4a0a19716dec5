// Makes the viewer's screenshots (docs/viewer.md shows them; README the first, in assets/, and links the others) in
// headless Chromium, from files written by pynwb: the shared fixtures, and the files test/py/domain_views.py writes
// (units, intervals, icephys), made here with the oracle's pynwb.
// `npx tsc -p . && node dist/viewer/bundle.js && node docs/screenshots/make.mjs`.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serveViewer } from "../../dist/viewer/server.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const fixtures = path.resolve(root, "..", "shared", "fixtures");
const made = mkdtempSync(path.join(tmpdir(), "tsnwb-screenshots-"));
execFileSync(path.resolve(root, "..", "shared", "tools", "oracle"), ["python", path.join(root, "test", "py", "domain_views.py"), made, path.join(fixtures, "domains", "ophys.nwb")], { stdio: ["ignore", "ignore", "inherit"] });
const inMade = (name) => path.join(made, name);

/** Each picture: the file, the object and time in the address, and what is done on the page before it is taken. */
const shots = [
  { out: "../../assets/viewer-demo.png", file: "pynwb/tutorial.nwb", path: "/stimulus/presentation/StimulusPresentation" },
  { out: "overview.png", file: "domains/ecephys.nwb" },
  { out: "electricalseries.png", file: "domains/ecephys.nwb", path: "/acquisition/ElectricalSeries", t: 0.12 },
  { out: "timeseries.png", file: "domains/behavior.nwb", path: "/processing/behavior/speed", t: 0.4 },
  { out: "table.png", file: "domains/ecephys.nwb", path: "/general/extracellular_ephys/electrodes" },
  {
    out: "units.png", file: inMade("units.nwb"), path: "/units", t: 7.5,
    act: (page) => page.click("#view table.units-table tbody tr[data-row='4']"),
  },
  {
    out: "roi.png", file: "domains/ophys.nwb", path: "/processing/ophys/ImageSegmentation/PlaneSegmentation", t: 0.3, height: 900,
    act: async (page) => {
      await page.click("#view .roi-list li[data-row='1']");
      await page.waitForSelector("#view figure.roi-trace canvas.trace");
    },
  },
  { out: "spatial.png", file: inMade("units.nwb"), path: "/processing/behavior/Position", t: 2.2 },
  { out: "intervals.png", file: inMade("units.nwb"), path: "/intervals/trials", t: 4.1 },
  {
    out: "icephys.png", file: inMade("icephys.nwb"), path: "/general/intracellular_ephys/intracellular_recordings",
    act: async (page) => {
      await page.click("#view .sweep-list li[data-sweep='2'] input");
      await page.waitForFunction(() => document.querySelectorAll("#view polyline.sweep-trace").length === 4);
    },
  },
  {
    out: "imageseries.png", file: "pynwb/compressed.nwb", path: "/acquisition/behavior_video",
    act: async (page) => {
      await page.$eval("#frame", (s) => {
        s.value = "20";
        s.dispatchEvent(new Event("input"));
      });
      await page.waitForSelector('#view[data-frame="20"]');
    },
  },
];

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
try {
  for (const shot of shots) {
    const server = await serveViewer(path.isAbsolute(shot.file) ? shot.file : path.join(fixtures, shot.file));
    const page = await browser.newPage({ viewport: { width: 1280, height: shot.height ?? 720 } });
    const query = `${shot.path ? `&path=${encodeURIComponent(shot.path)}` : ""}${shot.t !== undefined ? `&t=${shot.t}` : ""}`;
    await page.goto(server.url + query);
    await page.waitForSelector("body[data-loaded=true]", { timeout: 30_000 });
    await page.waitForSelector('#view[data-ready="true"]');
    await page.waitForSelector("#findings[data-done=true]");
    if (shot.act) await shot.act(page);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(here, shot.out) });
    console.log(shot.out);
    await page.close();
    await server.close();
  }
} finally {
  await browser.close();
  rmSync(made, { recursive: true, force: true });
}
