/**
 * The domain views (units, ROIs, trajectories, intervals, icephys sweeps) in the real viewer, end to end: `tsnwb
 * view`'s server and the page in headless Chromium, on pynwb-written files (the shared fixtures and the files
 * test/py/domain_views.py writes). Each object is selected in the tree or by the address (`&path=`), shown with its
 * view (the page's `data-view`), drawn from the values h5py reads (a few of them: viewer-domain-views.test.ts checks
 * the drawings in depth), and read in the worker only: every extract goes through the page's reader, and the page
 * itself fetches nothing of the file. The one time cursor moves between a domain view and the TimeSeries view (a
 * click on an interval, the address's `&t=`), and a ROI's trace is the TimeSeries view's extract of its column.
 */
import * as path from "node:path";
import { type Browser, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ViewerServer, serveViewer } from "../src/viewer/server.js";
import { DOMAINS, type Expected, type ExpectedSeries, makeDomainFiles } from "./viewer-domain-files.js";

let dir: string;
let expected: Expected;
let cleanup: () => void;
let browser: Browser;

beforeAll(async () => {
  ({ dir, expected, cleanup } = makeDomainFiles());
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  cleanup?.();
});

interface Viewer { page: Page; server: ViewerServer; errors: string[]; close(): Promise<void> }

/** The viewer on `file` in a new page, at the address with `query` added; waits for the file to be loaded. */
async function viewerOn(file: string, query = ""): Promise<Viewer> {
  const server = await serveViewer(file);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(server.url + query);
  await page.waitForSelector("body[data-loaded=true]", { timeout: 30_000 });
  return { page, server, errors, close: async () => {
    await page.close();
    await server.close();
  } };
}

/** Waits for the main view to show `where` with view `view`, drawn. */
async function shown(page: Page, where: string, view: string): Promise<void> {
  await page.waitForSelector(`#view[data-ready="true"][data-path="${where}"]`, { timeout: 30_000 });
  expect(await page.getAttribute("#view", "data-view")).toBe(view);
  expect(await page.$$("#view .error, #view .view-error")).toHaveLength(0);
}

interface Extract { path: string; view: string; request: Record<string, unknown>; error?: string }

/** The extracts the page asked of its reading worker (requests only). */
async function extracts(page: Page): Promise<Extract[]> {
  return page.evaluate(() => (globalThis as unknown as { tsnwbViewer: { extracts: Extract[] } }).tsnwbViewer.extracts.map((e) => ({ path: e.path, view: e.view, request: e.request, error: e.error })));
}

/**
 * Nothing of the file was read on the page's thread: the page fetched no byte of it (the worker did: its requests
 * are not in the page's resource timing), no page error, and every view's data came from an extract in the worker.
 */
async function readInWorkerOnly(v: Viewer, paths: string[]): Promise<void> {
  const fetched = await v.page.evaluate(() => performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname));
  expect(fetched).toContain("/reader.js");
  expect(fetched.filter((p) => p.endsWith(".nwb"))).toEqual([]);
  expect(v.server.stats.bytes).toBeGreaterThan(0);
  expect(v.errors).toEqual([]);
  const asked = await extracts(v.page);
  for (const p of paths) expect(asked.some((e) => e.path === p && e.error === undefined), p).toBe(true);
}

const time = (page: Page) => page.evaluate(() => (globalThis as unknown as { tsnwbViewer: { time?: number } }).tsnwbViewer.time);

/** A scale `d0,d1,r0,r1` as the domain views write it on their SVGs. */
function scaleOf(attr: string): (v: number) => number {
  const [d0, d1, r0, r1] = attr.split(",").map(Number) as [number, number, number, number];
  return (v) => (d1 === d0 ? (r0 + r1) / 2 : r0 + ((v - d0) / (d1 - d0)) * (r1 - r0));
}

function pointsOf(points: string): [number, number][] {
  return points.trim().split(/\s+/).map((p) => p.split(",").map(Number) as [number, number]);
}

describe("units", () => {
  it("selected in the tree: the raster's ticks at the spike times, the table's ids, read in the worker", async () => {
    const v = await viewerOn(path.join(dir, "units.nwb"));
    try {
      await v.page.click('#tree li[data-path="/units"]');
      await shown(v.page, "/units", "units");
      expect(new URL(v.page.url()).searchParams.get("path")).toBe("/units");
      const r = await v.page.$eval("#view svg.raster", (svg) => ({
        ...(svg as SVGSVGElement).dataset,
        rows: [...svg.querySelectorAll<SVGGElement>("g.unit-row")].map((g) => ({
          id: Number(g.dataset.id), xs: [...(g.querySelector("path.spikes")!.getAttribute("d") ?? "").matchAll(/M([-\d.]+) /g)].map((m) => Number(m[1])),
        })),
      })) as Record<string, string> & { rows: { id: number; xs: number[] }[] };
      const e = expected.units;
      expect(r.rows.map((row) => row.id)).toEqual(e.ids);
      const x = scaleOf([r.t0, r.t1, r.x0, r.x1].join(","));
      for (const u of [0, 5, 11]) {
        const inWindow = e.spike_times[u]!.filter((t) => t >= Number(r.t0) && t <= Number(r.t1));
        expect(r.rows[u]!.xs.length, `unit ${e.ids[u]}`).toBe(inWindow.length);
        for (const [k, t] of inWindow.entries()) expect(Math.abs(r.rows[u]!.xs[k]! - x(t))).toBeLessThan(0.006);
      }
      const table = await v.page.$$eval("#view table.units-table tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
      expect(table.map((c) => [Number(c[0]), c[1]])).toEqual(e.ids.map((id, i) => [id, e.quality[i]]));
      // A click on the raster: the shared cursor there, in the address.
      const box = (await (await v.page.$("#view svg.raster"))!.boundingBox())!;
      await v.page.mouse.click(box.x + (Number(r.x0) + Number(r.x1)) / 2, box.y + 6 + 7);
      const t = (await time(v.page))!;
      expect(t).toBeCloseTo((Number(r.t0) + Number(r.t1)) / 2, 1);
      await v.page.waitForFunction(() => new URLSearchParams(location.search).get("t") !== null);
      expect(Number(new URL(v.page.url()).searchParams.get("t"))).toBeCloseTo(t, 9);
      await readInWorkerOnly(v, ["/units"]);
    } finally {
      await v.close();
    }
  }, 90_000);
});

describe("intervals, and the time cursor shared with the TimeSeries view", () => {
  it("by address: the trials' bars at their start and stop, in lanes by stimulus", async () => {
    const v = await viewerOn(path.join(dir, "units.nwb"), "&path=/intervals/trials");
    try {
      await shown(v.page, "/intervals/trials", "intervals");
      expect(await v.page.getAttribute("#tree li.selected", "data-path")).toBe("/intervals/trials");
      const svg = await v.page.$eval("#view svg.timeline", (s) => ({ ...(s as SVGSVGElement).dataset }) as Record<string, string>);
      const x = scaleOf([svg.t0, svg.t1, svg.x0, svg.x1].join(","));
      const bars = await v.page.$$eval("#view rect.interval", (rs) => rs.map((r) => ({ start: Number(r.getAttribute("data-start")), stop: Number(r.getAttribute("data-stop")), x: Number(r.getAttribute("x")), width: Number(r.getAttribute("width")), lane: Number(r.getAttribute("data-lane")) })));
      const e = expected.trials;
      expect(bars.map((b) => [b.start, b.stop])).toEqual(e.start.map((s, i) => [s, e.stop[i]]));
      for (const i of [0, 4, 9]) {
        expect(bars[i]!.x).toBeCloseTo(x(e.start[i]!), 6);
        expect(bars[i]!.x + bars[i]!.width).toBeCloseTo(x(e.stop[i]!), 6);
      }
      const lanes = await v.page.$$eval("#view text.lane", (ts) => ts.map((t) => t.textContent));
      expect(bars.map((b) => lanes[b.lane])).toEqual(e.stimulus);
      await readInWorkerOnly(v, ["/intervals/trials"]);
    } finally {
      await v.close();
    }
  }, 90_000);

  it("a click on an interval puts the cursor at its start, in the TimeSeries view and the address; a click on the trace moves it back in the timeline", async () => {
    const file = path.join(DOMAINS, "behavior.nwb");
    const epochs = { start: [0, 0.5], stop: [0.5, 1] };
    const v = await viewerOn(file, "&path=/intervals/epochs");
    try {
      await shown(v.page, "/intervals/epochs", "intervals");
      await v.page.click("#view rect.interval[data-row='1']");
      expect(await time(v.page)).toBe(epochs.start[1]);
      await v.page.waitForFunction(() => new URLSearchParams(location.search).get("t") === "0.5");
      // The speed (a TimeSeries) selected: its cursor where 0.5 s falls in its window.
      await v.page.click('#tree li[data-path="/processing/behavior/speed"]');
      await shown(v.page, "/processing/behavior/speed", "timeseries");
      const cursorOf = () => v.page.$eval("#view", (el) => {
        const d = (el as HTMLElement).dataset;
        return { t0: Number(d.t0), t1: Number(d.t1), x: Number(d.cursorX), width: (el.querySelector("canvas.cursor") as HTMLCanvasElement).width };
      });
      let c = await cursorOf();
      expect(c.x).toBe(Math.floor(((0.5 - c.t0) / (c.t1 - c.t0)) * c.width));
      expect(new URL(v.page.url()).searchParams.get("t")).toBe("0.5");
      // A click on the trace: a new time; the epochs selected again, their cursor line is there.
      const rect = (await (await v.page.$("#view canvas.trace"))!.boundingBox())!;
      await v.page.mouse.click(rect.x + rect.width * 0.25, rect.y + 10);
      await v.page.waitForFunction(() => new URLSearchParams(location.search).get("t") !== "0.5");
      const t = (await time(v.page))!;
      c = await cursorOf();
      expect(Math.abs(t - (c.t0 + 0.25 * (c.t1 - c.t0)))).toBeLessThan((c.t1 - c.t0) / 50);
      await v.page.click('#tree li[data-path="/intervals/epochs"]');
      await shown(v.page, "/intervals/epochs", "intervals");
      const svg = await v.page.$eval("#view svg.timeline", (s) => ({ ...(s as SVGSVGElement).dataset }) as Record<string, string>);
      const line = await v.page.$eval("#view svg.timeline line.time-cursor", (l) => ({ x: Number(l.getAttribute("x1")), visibility: l.getAttribute("visibility") }));
      expect(line.visibility).toBe("visible");
      expect(line.x).toBeCloseTo(scaleOf([svg.t0, svg.t1, svg.x0, svg.x1].join(","))(t), 6);
      // Pinned, the TimeSeries view follows a click in the timeline shown below it.
      await v.page.click('#tree li[data-path="/processing/behavior/speed"]');
      await shown(v.page, "/processing/behavior/speed", "timeseries");
      await v.page.click("#pin");
      await v.page.waitForSelector('.pinned-view[data-path="/processing/behavior/speed"] .view-body[data-ready="true"]');
      await v.page.click('#tree li[data-path="/intervals/epochs"]');
      await shown(v.page, "/intervals/epochs", "intervals");
      await v.page.click("#view rect.interval[data-row='1']");
      expect(await time(v.page)).toBe(0.5);
      const pinned = await v.page.$eval(".pinned-view .view-body", (el) => {
        const d = (el as HTMLElement).dataset;
        return { t0: Number(d.t0), t1: Number(d.t1), x: Number(d.cursorX), width: (el.querySelector("canvas.cursor") as HTMLCanvasElement).width };
      });
      expect(pinned.x).toBe(Math.floor(((0.5 - pinned.t0) / (pinned.t1 - pinned.t0)) * pinned.width));
      await readInWorkerOnly(v, ["/intervals/epochs", "/processing/behavior/speed"]);
    } finally {
      await v.close();
    }
  }, 90_000);

  it("opened at the address's time (&t=): the timeline's cursor, then the TimeSeries view's, there", async () => {
    const v = await viewerOn(path.join(DOMAINS, "behavior.nwb"), "&path=/intervals/epochs&t=0.75");
    try {
      await shown(v.page, "/intervals/epochs", "intervals");
      const svg = await v.page.$eval("#view svg.timeline", (s) => ({ ...(s as SVGSVGElement).dataset }) as Record<string, string>);
      expect(await v.page.$eval("#view svg.timeline line.time-cursor", (l) => Number(l.getAttribute("x1")))).toBeCloseTo(scaleOf([svg.t0, svg.t1, svg.x0, svg.x1].join(","))(0.75), 6);
      await v.page.click('#tree li[data-path="/processing/behavior/speed"]');
      await shown(v.page, "/processing/behavior/speed", "timeseries");
      const c = await v.page.$eval("#view", (el) => ({ t0: Number((el as HTMLElement).dataset.t0), t1: Number((el as HTMLElement).dataset.t1), x: Number((el as HTMLElement).dataset.cursorX), width: (el.querySelector("canvas.cursor") as HTMLCanvasElement).width }));
      expect(c.x).toBe(Math.floor(((0.75 - c.t0) / (c.t1 - c.t0)) * c.width));
    } finally {
      await v.close();
    }
  }, 90_000);
});

describe("spatial", () => {
  it("by address with a time: the trajectory at the positions, the sample at the cursor marked; a click on the path moves the cursor", async () => {
    const v = await viewerOn(path.join(dir, "units.nwb"), "&path=/processing/behavior/Position&t=1.05");
    try {
      await shown(v.page, "/processing/behavior/Position", "spatial");
      const e = expected.head;
      const fig = await v.page.$eval("#view figure.trajectory svg", (s) => ({ ...(s as SVGSVGElement).dataset, points: s.querySelector("polyline")!.getAttribute("points")! }) as Record<string, string>);
      const [sx, sy] = [scaleOf(fig.scaleX!), scaleOf(fig.scaleY!)];
      const pts = pointsOf(fig.points);
      expect(pts).toHaveLength(e.data.length);
      for (const i of [0, 17, 39]) {
        expect(Math.abs(pts[i]![0] - sx(e.data[i]![0]!))).toBeLessThan(0.006);
        expect(Math.abs(pts[i]![1] - sy(e.data[i]![1]!))).toBeLessThan(0.006);
      }
      const i = e.t.filter((t) => t <= 1.05).length - 1;
      expect(await v.page.$eval("#view circle.marker", (c) => [c.getAttribute("visibility"), Number((c as SVGElement).dataset.index)])).toEqual(["visible", i]);
      const box = (await (await v.page.$("#view figure.trajectory svg"))!.boundingBox())!;
      await v.page.mouse.click(box.x + sx(e.data[25]![0]!), box.y + sy(e.data[25]![1]!));
      expect(await time(v.page)).toBe(e.t[25]);
      await v.page.waitForFunction((t) => new URLSearchParams(location.search).get("t") === String(t), e.t[25]);
      await readInWorkerOnly(v, ["/processing/behavior/Position"]);
    } finally {
      await v.close();
    }
  }, 90_000);
});

describe("roi", () => {
  it("selected in the tree: ROIs over the reference image, seen through the overlay; a ROI's trace is the TimeSeries view's extract of its column", async () => {
    const file = path.join(DOMAINS, "ophys.nwb");
    const v = await viewerOn(file);
    try {
      await v.page.click('#tree li[data-path="/processing/ophys/ImageSegmentation/PlaneSegmentation"]');
      await shown(v.page, "/processing/ophys/ImageSegmentation/PlaneSegmentation", "roi");
      const e = expected.fixture_ophys;
      // The reference image (the mean of the first frames) in grey, and over it the overlay, which lets it show.
      const reference = await v.page.$eval("#view canvas.roi-reference", (c) => {
        const canvas = c as HTMLCanvasElement;
        return { width: canvas.width, height: canvas.height, red: Array.from(canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data.filter((_, i) => i % 4 === 0)) };
      });
      expect([reference.height, reference.width]).toEqual([32, 24]);
      const flat = e.reference.flat();
      const [lo, hi] = [Math.min(...flat), Math.max(...flat)];
      for (const p of [0, 100, 400, 767]) expect(Math.abs(reference.red[p]! - Math.round((255 * (flat[p]! - lo)) / (hi - lo)))).toBeLessThanOrEqual(1);
      expect(await v.page.$eval("#view canvas.roi-overlay", (c) => getComputedStyle(c).backgroundColor)).toBe("rgba(0, 0, 0, 0)");
      // What the page shows: the overlay's see-through pixels show the reference image's grey (a screenshot of the stack).
      const masks = e.image_mask.map((m) => m.flat().flatMap((w, p) => (w > 0 ? [p] : [])));
      const outside = flat.findIndex((_, p) => masks.every((m) => !m.includes(p)) && reference.red[p]! > 128);
      const stack = (await (await v.page.$("#view .roi-stack"))!.boundingBox())!;
      const shot = await v.page.screenshot({ clip: { x: stack.x + ((outside % 24) + 0.5) * (stack.width / 24), y: stack.y + (Math.floor(outside / 24) + 0.5) * (stack.height / 32), width: 1, height: 1 } });
      const seen = await v.page.evaluate(async (png) => {
        const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${png}`)).blob());
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const ctx = canvas.getContext("2d")!;
        ctx.drawImage(bitmap, 0, 0);
        return Array.from(ctx.getImageData(0, 0, 1, 1).data);
      }, shot.toString("base64"));
      expect(Math.abs(seen[0]! - reference.red[outside]!)).toBeLessThanOrEqual(2);
      // ROI 1 clicked in the list: its trace, asked of the RoiResponseSeries' view (timeseries) for column 1.
      await v.page.click("#view .roi-list li[data-row='1']");
      await v.page.waitForSelector('#view figure.roi-trace[data-column="1"] canvas.trace');
      const asked = (await extracts(v.page)).filter((x) => x.path === "/processing/ophys/Fluorescence/RoiResponseSeries");
      expect(asked.map((x) => [x.view, x.request.start, x.request.end])).toEqual([["timeseries", 1, 2]]);
      const result = await v.page.evaluate(() => {
        const log = (globalThis as unknown as { tsnwbViewer: { extracts: { path: string; result?: Record<string, unknown> }[] } }).tsnwbViewer.extracts;
        const r = log.filter((x) => x.path === "/processing/ophys/Fluorescence/RoiResponseSeries").at(-1)!.result!;
        return { t0: r.t0 as number, t1: r.t1 as number, pixels: r.pixels as number, labels: r.labels as string[], max: Array.from(r.max as Float32Array) };
      });
      // Its column named by the ROI it is the trace of, as the ROI view lists it.
      const id = await v.page.getAttribute("#view .roi-list li[data-row='1']", "data-id");
      expect(result.labels).toEqual([`ROI ${id}`]);
      for (const [i, row] of e.trace.entries()) {
        const column = Math.min(result.pixels - 1, Math.floor(((e.start + i / e.rate - result.t0) / (result.t1 - result.t0)) * result.pixels));
        expect(result.max[column], `sample ${i}`).toBe(Math.fround(row[1]!));
      }
      // The trace is a time plot like any other: a click on it moves the shared cursor, which it draws.
      const rect = (await (await v.page.$("#view figure.roi-trace canvas.trace"))!.boundingBox())!;
      await v.page.mouse.click(rect.x + rect.width / 2, rect.y + 10);
      const t = (await time(v.page))!;
      expect(t).toBeCloseTo((result.t0 + result.t1) / 2, 1);
      const plot = await v.page.$eval("#view .roi-trace-plot", (el) => ({ x: Number((el as HTMLElement).dataset.cursorX), width: (el.querySelector("canvas.cursor") as HTMLCanvasElement).width }));
      expect(plot.x).toBe(Math.min(plot.width - 1, Math.floor(((t - result.t0) / (result.t1 - result.t0)) * plot.width)));
      // "open the series": the RoiResponseSeries in its own view, the cursor kept.
      await v.page.click("#view a.roi-open-series");
      await shown(v.page, "/processing/ophys/Fluorescence/RoiResponseSeries", "timeseries");
      expect(Number(new URL(v.page.url()).searchParams.get("t"))).toBeCloseTo(t, 9);
      await readInWorkerOnly(v, ["/processing/ophys/ImageSegmentation/PlaneSegmentation", "/processing/ophys/Fluorescence/RoiResponseSeries"]);
    } finally {
      await v.close();
    }
  }, 90_000);
});

describe("icephys", () => {
  it("by address: the first recording's response over its stimulus at the series' values; another selected", async () => {
    const v = await viewerOn(path.join(dir, "icephys.nwb"), "&path=/general/intracellular_ephys/intracellular_recordings");
    try {
      await shown(v.page, "/general/intracellular_ephys/intracellular_recordings", "icephys");
      const traces = () => v.page.$$eval("#view polyline.sweep-trace", (ls) => ls.map((l) => {
        const svg = (l as SVGPolylineElement).ownerSVGElement!;
        return { ...(l as SVGElement).dataset, scaleX: svg.dataset.scaleX!, scaleY: svg.dataset.scaleY!, points: l.getAttribute("points")! } as Record<string, string>;
      }));
      const check = (t: Record<string, string>) => {
        const s = expected[path.basename(t.series!)] as ExpectedSeries;
        const pts = pointsOf(t.points!);
        expect(pts).toHaveLength(s.data.length);
        for (const i of [0, 33, s.data.length - 1]) {
          expect(Math.abs(pts[i]![0] - scaleOf(t.scaleX!)(i / s.rate))).toBeLessThan(0.006);
          expect(Math.abs(pts[i]![1] - scaleOf(t.scaleY!)(s.data[i]!))).toBeLessThan(0.006);
        }
      };
      let drawn = await traces();
      expect(drawn.map((t) => [t.role, t.series])).toEqual([["response", "/acquisition/ccs0"], ["stimulus", "/stimulus/presentation/ccss0"]]);
      drawn.forEach(check);
      await v.page.click("#view .sweep-list li[data-sweep='2'] .sweep-label");
      await v.page.waitForFunction(() => document.querySelector("#view polyline.sweep-trace")?.getAttribute("data-series") === "/acquisition/ccs2");
      drawn = await traces();
      expect(drawn.map((t) => t.series)).toEqual(["/acquisition/ccs2", "/stimulus/presentation/ccss2"]);
      drawn.forEach(check);
      // A response series selected in the tree: the recording it belongs to.
      await v.page.click('#tree li[data-path="/acquisition/ccs1"]');
      await shown(v.page, "/acquisition/ccs1", "icephys");
      drawn = await traces();
      expect(drawn.map((t) => t.series)).toEqual(["/acquisition/ccs1", "/stimulus/presentation/ccss1"]);
      drawn.forEach(check);
      await readInWorkerOnly(v, ["/general/intracellular_ephys/intracellular_recordings", "/acquisition/ccs1"]);
    } finally {
      await v.close();
    }
  }, 90_000);
});
