// Makes the viewer's screenshots (docs/viewer.md shows them; README the first, in assets/) from the shared fixtures
// written by pynwb, in headless Chromium: `npx tsc -p . && node dist/viewer/bundle.js && node docs/screenshots/make.mjs`.
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serveViewer } from "../../dist/viewer/server.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const fixtures = path.resolve(root, "..", "shared", "fixtures");
const shots = [
  { out: "../../assets/viewer-demo.png", file: "pynwb/tutorial.nwb", path: "/stimulus/presentation/StimulusPresentation" },
  { out: "overview.png", file: "domains/ecephys.nwb" },
  { out: "electricalseries.png", file: "domains/ecephys.nwb", path: "/acquisition/ElectricalSeries", t: 0.12 },
  { out: "timeseries.png", file: "domains/behavior.nwb", path: "/processing/behavior/speed", t: 0.4 },
  { out: "table.png", file: "domains/ecephys.nwb", path: "/general/extracellular_ephys/electrodes" },
];

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
try {
  for (const shot of shots) {
    const server = await serveViewer(path.join(fixtures, shot.file));
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const query = `${shot.path ? `&path=${encodeURIComponent(shot.path)}` : ""}${shot.t !== undefined ? `&t=${shot.t}` : ""}`;
    await page.goto(server.url + query);
    await page.waitForSelector("body[data-loaded=true]", { timeout: 30_000 });
    await page.waitForSelector('#view[data-ready="true"]');
    await page.waitForSelector("#findings[data-done=true]");
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(here, shot.out) });
    console.log(shot.out);
    await page.close();
    await server.close();
  }
} finally {
  await browser.close();
}
