/**
 * The domain views drawn in real headless Chromium, on pynwb-written files: a harness page (test/viewer-domain-
 * harness.ts, bundled with esbuild as the viewer is) opens a file with tsnwb's browser entry, runs a view's extract
 * and render. The drawings are checked against the values h5py reads: the raster's ticks at the spike times, the
 * interval bars' ends at the table's times, the trajectory's points at the positions, the ROI layer's pixels at the
 * masks' pixels over the reference image's grey levels, the sweeps' traces at the series' values; and the
 * interactions: sorting and selecting units, zooming, choosing lanes and planes, clicking a ROI for its trace,
 * selecting and overlaying sweeps, the shared time cursor set and followed.
 */
import { createReadStream, existsSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { type Browser, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, tempFolder } from "./helpers.js";
import { DOMAINS, type Expected, type ExpectedSeries, makeDomainFiles } from "./viewer-domain-files.js";
import { CATEGORY_COLOURS } from "../src/viewer/views/draw.js";
import { FILL_ALPHA, REFERENCE_FRAMES } from "../src/viewer/views/roi.js";

let dir: string;
let expected: Expected;
let cleanup: () => void;
let bundleDir: { dir: string; cleanup: () => void };
let server: Server;
let base: string;
let browser: Browser;
let page: Page;

const PAGE = `<!doctype html><meta charset="utf-8"><body><div id="view"></div><script type="module" src="/harness.js"></script></body>`;

beforeAll(async () => {
  ({ dir, expected, cleanup } = makeDomainFiles());
  bundleDir = tempFolder("tsnwb-views-page-");
  const { build } = await import("esbuild");
  await build({
    entryPoints: [path.join(ROOT, "test", "viewer-domain-harness.ts")], bundle: true, platform: "browser", format: "esm",
    outfile: path.join(bundleDir.dir, "harness.js"), external: ["apache-arrow"], logLevel: "warning",
  });
  // The page, its script, the test's files under /files/ and the shared fixtures under /domains/: nothing else.
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const name = path.basename(url.pathname);
    const file = url.pathname === "/harness.js" ? path.join(bundleDir.dir, "harness.js")
      : url.pathname.startsWith("/files/") ? path.join(dir, name)
      : url.pathname.startsWith("/domains/") ? path.join(DOMAINS, name) : undefined;
    if (url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html" }).end(PAGE);
    } else if (file && existsSync(file)) {
      res.writeHead(200, { "content-type": file.endsWith(".js") ? "text/javascript" : "application/octet-stream" });
      createReadStream(file).pipe(res);
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on("pageerror", (e) => console.error("page error:", e));
  await page.goto(base);
  await page.waitForSelector("body[data-ready=true]", { state: "attached", timeout: 30_000 });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  bundleDir?.cleanup();
  cleanup?.();
});

/** Shows object `where` of a file (`files/x.nwb` or `domains/x.nwb`) with its view; returns the view's name. */
async function show(file: string, where: string, request: Record<string, unknown> = {}): Promise<string> {
  return page.evaluate(([url, p, r]) => (window as never as { harness: { show(u: string, p: string, r: unknown): Promise<string> } }).harness.show(url, p, r), [`${base}/${file}`, where, request] as const);
}

async function requestsMade(): Promise<number> {
  return page.evaluate(() => (window as never as { harness: { state: { requests: unknown[] } } }).harness.state.requests.length);
}

/** Runs `action` and waits for the view's request (context.request) it makes to be answered and drawn. */
async function afterRequest(action: () => Promise<void>): Promise<void> {
  const before = await requestsMade();
  await action();
  await page.waitForFunction((n) => Number(document.body.dataset.requests ?? 0) > n, before);
  await page.waitForTimeout(50);
}

async function timesSet(): Promise<number[]> {
  return page.evaluate(() => (window as never as { harness: { state: { times: number[] } } }).harness.state.times);
}

async function setTime(t: number): Promise<void> {
  await page.evaluate((v) => (window as never as { harness: { setTime(t: number): void } }).harness.setTime(v), t);
}

/** A scale `d0,d1,r0,r1` as the views write it on their SVGs. */
function scaleOf(attr: string): (v: number) => number {
  const [d0, d1, r0, r1] = attr.split(",").map(Number) as [number, number, number, number];
  return (v) => (d1 === d0 ? (r0 + r1) / 2 : r0 + ((v - d0) / (d1 - d0)) * (r1 - r0));
}

/** A polyline's points. */
function pointsOf(points: string): [number, number][] {
  return points.trim().split(/\s+/).map((p) => p.split(",").map(Number) as [number, number]);
}

/** Pixel positions drawn to 2 decimals: within 0.006 of the exact position. */
function expectPixels(drawn: number[], exact: number[]): void {
  expect(drawn.length).toBe(exact.length);
  for (const [i, v] of drawn.entries()) expect(Math.abs(v - exact[i]!)).toBeLessThan(0.006);
}

describe("units: the raster and the table", () => {
  interface Row { id: number; row: number; xs: number[] }
  async function raster(): Promise<{ t0: number; t1: number; x0: number; x1: number; rows: Row[] }> {
    return page.$eval("#view svg.raster", (svg) => {
      const s = svg as SVGSVGElement;
      return {
        t0: Number(s.dataset.t0), t1: Number(s.dataset.t1), x0: Number(s.dataset.x0), x1: Number(s.dataset.x1),
        rows: [...s.querySelectorAll<SVGGElement>("g.unit-row")].map((g) => ({
          id: Number(g.dataset.id), row: Number(g.dataset.row),
          xs: [...(g.querySelector("path.spikes")!.getAttribute("d") ?? "").matchAll(/M([-\d.]+) /g)].map((m) => Number(m[1])),
        })),
      };
    });
  }
  /** Where a row's ticks are: at each spike in the window; more spikes than the row's pixels, one per pixel column that has any. */
  const ticksAt = (r: Awaited<ReturnType<typeof raster>>, times: number[]) => {
    const xs = times.filter((t) => t >= r.t0 && t <= r.t1).map((t) => r.x0 + ((t - r.t0) / (r.t1 - r.t0)) * (r.x1 - r.x0));
    return xs.length > 2 * (r.x1 - r.x0) ? xs.map(Math.round).filter((x, i, all) => i === 0 || x !== all[i - 1]) : xs;
  };

  it("draws a tick per spike at its time, a row per unit, and the table beside it", async () => {
    expect(await show("files/units.nwb", "/units")).toBe("units");
    const r = await raster();
    const e = expected.units;
    expect(r.rows.map((row) => row.id)).toEqual(e.ids);
    for (const [i, row] of r.rows.entries()) expectPixels(row.xs, ticksAt(r, e.spike_times[i]!));
    const dense = r.rows.at(-1)!;
    expect(e.spike_times.at(-1)!.length).toBe(5000);
    expect(dense.xs.length).toBeLessThanOrEqual(r.x1 - r.x0 + 1);
    const table = await page.$$eval("#view table.units-table tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
    expect(table.map((cells) => Number(cells[0]))).toEqual(e.ids);
    expect(table.map((cells) => cells[1])).toEqual(e.quality);
    expect(await page.$$eval("#view table.units-table th", (ths) => ths.map((th) => (th as HTMLElement).dataset.column))).toEqual(["id", "quality", "labels", "depth", "obs_intervals"]);
  });

  it("selecting a unit in the table highlights its raster row; a click on the raster sets the time, which the cursor follows", async () => {
    await page.click("#view table.units-table tbody tr[data-row='4']");
    expect(await page.$eval("#view g.unit-row[data-row='4'] > rect", (r) => r.getAttribute("fill"))).toBe("#ffe9a8");
    expect(await page.$$eval("#view g.unit-row > rect", (rs) => rs.filter((r) => r.getAttribute("fill") !== "transparent").length)).toBe(1);
    expect(await page.$eval("#view tbody tr[data-row='4']", (tr) => tr.classList.contains("selected"))).toBe(true);
    const r = await raster();
    const box = (await page.$("#view svg.raster"))!;
    const at = await box.boundingBox();
    await page.mouse.click(at!.x + 300, at!.y + 6 + 2 * 14 + 7);
    const t = (await timesSet()).at(-1)!;
    expect(t).toBeCloseTo(r.t0 + ((300 - r.x0) / (r.x1 - r.x0)) * (r.t1 - r.t0), 6);
    expect(await page.$eval("#view g.unit-row[data-row='2'] > rect", (rect) => rect.getAttribute("fill"))).toBe("#ffe9a8");
    const cursor = await page.$eval("#view svg.raster line.time-cursor", (l) => [Number(l.getAttribute("x1")), l.getAttribute("visibility")] as const);
    expect(cursor[0]).toBeCloseTo(300, 6);
    expect(cursor[1]).toBe("visible");
  });

  it("sorts by a column (asking the reading side again), and zooms the window: ticks within it only", async () => {
    await afterRequest(() => page.click("#view th[data-column='depth']"));
    const e = expected.units;
    const order = e.depth.map((d, i) => [d, i] as const).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
    let r = await raster();
    expect(r.rows.map((row) => row.row)).toEqual(order);
    expect(await page.$$eval("#view tbody tr", (trs) => trs.map((tr) => Number((tr as HTMLElement).dataset.id)))).toEqual(order.map((i) => e.ids[i]));
    const [t0, t1] = [r.t0, r.t1];
    await afterRequest(() => page.click("#view button[data-action='zoom in']"));
    r = await raster();
    expect(r.t0).toBeCloseTo(t0 + (t1 - t0) / 4, 9);
    expect(r.t1).toBeCloseTo(t1 - (t1 - t0) / 4, 9);
    for (const row of r.rows) expectPixels(row.xs, ticksAt(r, e.spike_times[row.row]!));
    await afterRequest(() => page.click("#view button[data-action='▶']"));
    r = await raster();
    for (const row of r.rows) expectPixels(row.xs, ticksAt(r, e.spike_times[row.row]!));
    // The wheel zooms about the time under the pointer; a drag pans by the distance dragged.
    const box = (await (await page.$("#view svg.raster"))!.boundingBox())!;
    const under = r.t0 + ((200 - r.x0) / (r.x1 - r.x0)) * (r.t1 - r.t0);
    await page.mouse.move(box.x + 200, box.y + 20);
    await afterRequest(() => page.mouse.wheel(0, -100));
    const zoomed = await raster();
    expect(zoomed.t1 - zoomed.t0).toBeCloseTo((r.t1 - r.t0) * 0.8, 9);
    expect(zoomed.t0 + ((200 - zoomed.x0) / (zoomed.x1 - zoomed.x0)) * (zoomed.t1 - zoomed.t0)).toBeCloseTo(under, 9);
    await afterRequest(async () => {
      await page.mouse.move(box.x + 300, box.y + 20);
      await page.mouse.down();
      await page.mouse.move(box.x + 200, box.y + 20, { steps: 4 });
      await page.mouse.up();
    });
    const panned = await raster();
    expect(panned.t0 - zoomed.t0).toBeCloseTo((100 / (zoomed.x1 - zoomed.x0)) * (zoomed.t1 - zoomed.t0), 9);
    for (const row of panned.rows) expectPixels(row.xs, ticksAt(panned, e.spike_times[row.row]!));
  });
});

describe("intervals: the timeline", () => {
  it("a bar per trial from its start to its stop, lanes by the stimulus, the row's values in its tooltip; a click sets the time to its start", async () => {
    expect(await show("files/units.nwb", "/intervals/trials")).toBe("intervals");
    const e = expected.trials;
    const svg = await page.$eval("#view svg.timeline", (s) => ({ ...(s as SVGSVGElement).dataset }));
    const x = scaleOf([svg.t0, svg.t1, svg.x0, svg.x1].join(","));
    const bars = await page.$$eval("#view rect.interval", (rs) => rs.map((r) => ({
      start: Number(r.getAttribute("data-start")), stop: Number(r.getAttribute("data-stop")), lane: Number(r.getAttribute("data-lane")),
      x: Number(r.getAttribute("x")), width: Number(r.getAttribute("width")), title: r.querySelector("title")!.textContent,
    })));
    expect(bars.map((b) => b.start)).toEqual(e.start);
    expect(bars.map((b) => b.stop)).toEqual(e.stop);
    for (const [i, b] of bars.entries()) {
      expect(b.x).toBeCloseTo(x(e.start[i]!), 6);
      expect(b.x + b.width).toBeCloseTo(x(e.stop[i]!), 6);
      expect(b.title).toContain(`stimulus: ${e.stimulus[i]}`);
    }
    const lanes = await page.$$eval("#view text.lane", (ts) => ts.map((t) => t.textContent));
    expect(bars.map((b) => lanes[b.lane])).toEqual(e.stimulus);
    await page.click("#view rect.interval[data-row='3']");
    expect((await timesSet()).at(-1)).toBe(e.start[3]);
    expect(await page.$$eval("#view rect.interval.current", (rs) => rs.map((r) => Number((r as SVGElement).dataset.row)))).toEqual([3]);
    expect(await page.$eval("#view svg.timeline line.time-cursor", (l) => Number(l.getAttribute("x1")))).toBeCloseTo(x(e.start[3]!), 6);
  });

  it("lanes by another column, chosen on the page", async () => {
    await afterRequest(() => page.selectOption("#view select.intervals-group", "correct").then(() => undefined));
    const lanes = await page.$$eval("#view text.lane", (ts) => ts.map((t) => t.textContent));
    expect(lanes.sort()).toEqual(["false", "true"]);
    const sleep = expected.sleep;
    await show("files/units.nwb", "/intervals/sleep");
    const drawn = await page.$$eval("#view rect.interval", (rs) => rs.map((r) => [Number(r.getAttribute("data-start")), Number(r.getAttribute("data-stop")), Number(r.getAttribute("data-lane"))]));
    const names = await page.$$eval("#view text.lane", (ts) => ts.map((t) => t.textContent));
    expect(drawn.map(([a, b, k]) => [a, b, names[k!]])).toEqual(sleep.start.map((a, i) => [a, sleep.stop[i], sleep.stage[i]]));
  });
});

describe("intervals: a large table", () => {
  it("more bars than an SVG draws well: on a canvas, each bar's pixel columns in its lane's colour; a click on one sets the time to its start", async () => {
    await show("files/units.nwb", "/intervals/many");
    const e = expected.many;
    const svg = await page.$eval("#view svg.timeline", (s) => ({ ...(s as SVGSVGElement).dataset }) as Record<string, string>);
    expect(svg.bars).toBe("canvas");
    expect(await page.$$("#view rect.interval")).toHaveLength(0);
    const x = scaleOf([svg.t0, svg.t1, svg.x0, svg.x1].join(","));
    const x0 = Number(svg.x0);
    const lanes = await page.$$eval("#view text.lane", (ts) => ts.map((t) => t.textContent!));
    const drawn = await page.$eval("#view canvas.bars-canvas", (c) => {
      const canvas = c as HTMLCanvasElement;
      return { width: canvas.width, height: canvas.height, rgba: Array.from(canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data) };
    });
    for (const [k, lane] of lanes.entries()) {
      // The pixel columns the lane's intervals cover, from the table's times; each in the lane's colour.
      const covered = new Set<number>();
      for (let i = 0; i < e.start.length; i++) {
        if (e.kind[i] !== lane) continue;
        const left = Math.floor(x(e.start[i]!)) - x0;
        const right = Math.floor(x(e.stop[i]!)) - x0;
        for (let c = left; c < left + Math.max(1, right - left); c++) covered.add(c);
      }
      const row = k * 20 + 10;
      const coloured = new Set<number>();
      for (let c = 0; c < drawn.width; c++) {
        const [r, g, b, a] = drawn.rgba.slice((row * drawn.width + c) * 4, (row * drawn.width + c) * 4 + 4);
        if (a === 0) continue;
        coloured.add(c);
        expect([r, g, b, a], `lane ${lane}, column ${c}`).toEqual([...CATEGORY_COLOURS[k]!, 255]);
      }
      expect([...coloured].sort((p, q) => p - q)).toEqual([...covered].filter((c) => c >= 0 && c < drawn.width).sort((p, q) => p - q));
    }
    const i = 4321;
    const lane = lanes.indexOf(e.kind[i]!);
    const box = (await (await page.$("#view canvas.bars-canvas"))!.boundingBox())!;
    await page.mouse.click(box.x + (x(e.start[i]!) + x(e.stop[i]!)) / 2 - x0, box.y + lane * 20 + 10);
    const t = (await timesSet()).at(-1)!;
    // At this zoom a pixel holds several intervals: the one found is in that lane and under the pointer.
    const found = e.start.findIndex((s) => s === t);
    expect(e.kind[found]).toBe(e.kind[i]);
    expect(Math.abs(x(e.start[found]!) - x(e.start[i]!))).toBeLessThan(2);
  });
});

describe("spatial: trajectories", () => {
  it("x/y at the positions (a 3-D series projected, said so), the sample at the cursor marked, a click sets the time", async () => {
    expect(await show("files/units.nwb", "/processing/behavior/Position")).toBe("spatial");
    const e = expected.head;
    const fig = await page.$eval("#view figure.trajectory svg", (s) => ({ ...(s as SVGSVGElement).dataset, points: s.querySelector("polyline")!.getAttribute("points")! }) as Record<string, string>);
    const [sx, sy] = [scaleOf(fig.scaleX!), scaleOf(fig.scaleY!)];
    const pts = pointsOf(fig.points);
    expectPixels(pts.map((p) => p[0]), e.data.map((r) => sx(r[0]!)));
    expectPixels(pts.map((p) => p[1]), e.data.map((r) => sy(r[1]!)));
    expect(await page.textContent("#view figure.trajectory p.note")).toContain("projected on x/y");
    await setTime(-1); // before the first sample: none marked
    expect(await page.$eval("#view circle.marker", (c) => c.getAttribute("visibility"))).toBe("hidden");
    await setTime(1.05);
    const i = e.t.filter((t) => t <= 1.05).length - 1;
    const marker = await page.$eval("#view circle.marker", (c) => [Number(c.getAttribute("cx")), Number(c.getAttribute("cy")), Number((c as SVGElement).dataset.index)]);
    expect(marker[2]).toBe(i);
    expect(marker[0]).toBeCloseTo(sx(e.data[i]![0]!), 1);
    expect(marker[1]).toBeCloseTo(sy(e.data[i]![1]!), 1);
    const box = (await (await page.$("#view figure.trajectory svg"))!.boundingBox())!;
    await page.mouse.click(box.x + sx(e.data[25]![0]!), box.y + sy(e.data[25]![1]!));
    expect((await timesSet()).at(-1)).toBe(e.t[25]);
  });

  it("a 1-D series as a line over time", async () => {
    await show("files/units.nwb", "/processing/behavior/CompassDirection/heading");
    const e = expected.heading;
    const fig = await page.$eval("#view figure.trajectory svg", (s) => ({ ...(s as SVGSVGElement).dataset, points: s.querySelector("polyline")!.getAttribute("points")! }) as Record<string, string>);
    const pts = pointsOf(fig.points);
    expectPixels(pts.map((p) => p[0]), e.data.map((_, i) => scaleOf(fig.scaleX!)(e.start + i / e.rate)));
    expectPixels(pts.map((p) => p[1]), e.data.map((v) => scaleOf(fig.scaleY!)(v)));
  });

  it("the shared fixture's Position", async () => {
    await show("domains/behavior.nwb", "/processing/behavior/Position/position");
    expect(pointsOf(await page.$eval("#view polyline.path", (p) => p.getAttribute("points")!))).toHaveLength(55);
  });
});

describe("roi: masks over the imaging plane", () => {
  interface Window { t0: number; t1: number; pixels: number; samples: number; min: number[]; max: number[] }
  /** The last request of another object's view (a ROI's trace: the TimeSeries view's extract), with its answer. */
  async function lastOther(): Promise<{ path: string; request: Record<string, unknown>; result: Window }> {
    return page.evaluate(() => {
      const other = (window as never as { harness: { state: { others: { path: string; request: Record<string, unknown>; result: Record<string, unknown> }[] } } }).harness.state.others.at(-1)!;
      const r = other.result;
      return { path: other.path, request: other.request, result: { ...r, min: Array.from(r.min as Float32Array), max: Array.from(r.max as Float32Array) } as never };
    });
  }
  /** Each sample of a trace in its pixel column of the window (few samples: one per column), as float32. */
  function expectColumns(w: Window, values: number[], start: number, rate: number): void {
    const want = new Array<number>(w.pixels).fill(NaN);
    for (const [i, v] of values.entries()) {
      const t = start + i / rate;
      if (t < w.t0 || t > w.t1) continue;
      want[Math.min(w.pixels - 1, Math.floor(((t - w.t0) / (w.t1 - w.t0)) * w.pixels))] = Math.fround(v);
    }
    expect(w.min.map((v) => (v === null ? NaN : v))).toEqual(want);
    expect(w.max.map((v) => (v === null ? NaN : v))).toEqual(want);
  }
  async function canvas(selector: string): Promise<{ width: number; height: number; rgba: number[] }> {
    return page.$eval(selector, (c) => {
      const canvas = c as HTMLCanvasElement;
      return { width: canvas.width, height: canvas.height, rgba: Array.from(canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data) };
    });
  }
  /** Grey levels as the view scales them: the reference's min black, its max white. */
  function grey(values: number[]): number[] {
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    return values.map((v) => Math.round((255 * (v - lo)) / (hi - lo)));
  }
  /** Checks the overlay: each mask pixel in the colour of the last ROI that has it (filled or, at an edge, opaque), nothing elsewhere. */
  function expectOverlay(rgba: number[], masks: number[][], size: number): void {
    const owner = new Array<number>(size).fill(-1);
    for (const [k, pixels] of masks.entries()) for (const p of pixels) owner[p] = k;
    for (let p = 0; p < size; p++) {
      const [r, g, b, a] = rgba.slice(p * 4, p * 4 + 4);
      if (owner[p] === -1) expect(a, `pixel ${p}`).toBe(0);
      else {
        expect([FILL_ALPHA, 255]).toContain(a);
        // A canvas keeps colours premultiplied by alpha: a filled pixel reads back within a level or two.
        const colour = CATEGORY_COLOURS[owner[p]! % 10]!;
        for (let c = 0; c < 3; c++) expect(Math.abs([r, g, b][c]! - colour[c]!), `pixel ${p}`).toBeLessThanOrEqual(a === 255 ? 0 : 2);
      }
    }
  }

  it("image masks at their pixels over the mean of the plane's first frames; a click on a ROI shows its trace", async () => {
    expect(await show("domains/ophys.nwb", "/processing/ophys/ImageSegmentation/PlaneSegmentation")).toBe("roi");
    const e = expected.fixture_ophys;
    expect(await page.textContent("#view .roi-summary")).toContain(`mean of frames 0–${REFERENCE_FRAMES - 1} of /acquisition/TwoPhotonSeries`);
    const reference = await canvas("#view canvas.roi-reference");
    expect([reference.height, reference.width]).toEqual([32, 24]);
    const levels = grey(e.reference.flat());
    for (let p = 0; p < levels.length; p++) {
      expect(Math.abs(reference.rgba[p * 4]! - levels[p]!), `pixel ${p}`).toBeLessThanOrEqual(1);
      expect(reference.rgba[p * 4 + 3]).toBe(255);
    }
    const masks = e.image_mask.map((m) => m.flat().flatMap((v, p) => (v > 0 ? [p] : [])));
    expectOverlay((await canvas("#view canvas.roi-overlay")).rgba, masks, 32 * 24);
    // A pixel only ROI 1 has (none drawn over it): click it.
    const p = masks[1]!.find((q) => !masks[2]!.includes(q))!;
    const [row, col] = [Math.floor(p / 24), p % 24];
    const box = (await (await page.$("#view canvas.roi-overlay"))!.boundingBox())!;
    await afterRequest(() => page.mouse.click(box.x + ((col + 0.5) * box.width) / 24, box.y + ((row + 0.5) * box.height) / 32));
    await page.waitForSelector("#view figure.roi-trace canvas.trace");
    const trace = await page.$eval("#view figure.roi-trace", (f) => ({ series: (f as HTMLElement).dataset.series, column: (f as HTMLElement).dataset.column, width: (f.querySelector("canvas.trace") as HTMLCanvasElement).width }));
    expect([trace.series, trace.column]).toEqual(["/processing/ophys/Fluorescence/RoiResponseSeries", "1"]);
    // The trace is the TimeSeries view's: its extract asked for the ROI's column only, min/max per pixel column.
    const asked = await lastOther();
    expect(asked.path).toBe("/processing/ophys/Fluorescence/RoiResponseSeries");
    expect([asked.request.start, asked.request.end]).toEqual([1, 2]);
    expect(trace.width).toBe(asked.result.pixels);
    expectColumns(asked.result, e.trace.map((r) => r[1]!), e.start, e.rate);
    // The trace zooms as any trace does: a narrower window of the same column; one that fails is said, the drawing kept.
    await afterRequest(() => page.click("#view figure.roi-trace button[data-action='zoom-in']"));
    const zoomed = await lastOther();
    expect([zoomed.request.start, zoomed.request.end]).toEqual([1, 2]);
    expect(zoomed.result.t1 - zoomed.result.t0).toBeCloseTo((asked.result.t1 - asked.result.t0) / 2, 9);
    expectColumns(zoomed.result, e.trace.map((r) => r[1]!), e.start, e.rate);
    await page.evaluate(() => {
      (window as never as { harness: { state: { failNext?: string } } }).harness.state.failNext = "the file went away";
    });
    await page.click("#view figure.roi-trace button[data-action='zoom-in']");
    await page.waitForSelector("#view .roi-trace-plot > .view-error");
    expect(await page.textContent("#view .roi-trace-plot > .view-error")).toBe("the file went away");
    expect(await page.$eval("#view .roi-trace-plot", (el) => [(el as HTMLElement).dataset.loading, Number((el as HTMLElement).dataset.t1) - Number((el as HTMLElement).dataset.t0)])).toEqual([undefined, zoomed.result.t1 - zoomed.result.t0]);
    expect(await page.$eval("#view .roi-list li.selected", (li) => (li as HTMLElement).dataset.row)).toBe("1");
    await page.click("#view a.roi-open-series");
    expect(await page.evaluate(() => (window as never as { harness: { state: { selected: string[] } } }).harness.state.selected.at(-1))).toBe("/processing/ophys/Fluorescence/RoiResponseSeries");
    // The selected ROI is drawn in white.
    const overlay = await canvas("#view canvas.roi-overlay");
    expect(overlay.rgba.slice(p * 4, p * 4 + 3)).toEqual([255, 255, 255]);
  });

  it("the movie's frame at the time cursor, when asked to follow it", async () => {
    await setTime(0);
    await show("domains/ophys.nwb", "/processing/ophys/ImageSegmentation/PlaneSegmentation");
    const m = expected.fixture_movie;
    expect(await page.$eval("#view canvas.roi-reference", (c) => (c as HTMLElement).dataset.source)).toBe("reference");
    await afterRequest(() => page.check("#view input.roi-follow"));
    for (const index of [0, 5, 12]) {
      if (index > 0) await afterRequest(() => setTime(m.start + (index + 0.5) / m.rate));
      expect(await page.$eval("#view canvas.roi-reference", (c) => (c as HTMLElement).dataset.source)).toBe(`frame ${index}`);
      const levels = grey(m.frames[index]!.flat());
      const drawn = await canvas("#view canvas.roi-reference");
      for (let p = 0; p < levels.length; p++) expect(Math.abs(drawn.rgba[p * 4]! - levels[p]!), `frame ${index}, pixel ${p}`).toBeLessThanOrEqual(1);
    }
    await afterRequest(() => page.uncheck("#view input.roi-follow"));
    expect(await page.$eval("#view canvas.roi-reference", (c) => (c as HTMLElement).dataset.source)).toBe("reference");
  });

  it("pixel masks over the module's summary image", async () => {
    await show("files/ophys-masks.nwb", "/processing/ophys/ImageSegmentation/pix");
    const e = expected.pix;
    expect(await page.textContent("#view .roi-summary")).toContain("/processing/ophys/SummaryImages/mean");
    const reference = await canvas("#view canvas.roi-reference");
    expect([reference.height, reference.width]).toEqual([20, 16]);
    const levels = grey(e.reference.flat());
    for (let p = 0; p < levels.length; p++) expect(Math.abs(reference.rgba[p * 4]! - levels[p]!)).toBeLessThanOrEqual(1);
    expectOverlay((await canvas("#view canvas.roi-overlay")).rgba, e.masks.map((m) => m.map(([x, y]) => x! * 16 + y!)), 20 * 16);
    await afterRequest(() => page.click("#view .roi-list li[data-row='3']"));
    await page.waitForSelector("#view figure.roi-trace[data-series='/processing/ophys/DfOverF/dff'] canvas.trace");
    const asked = await lastOther();
    expect([asked.path, asked.request.start, asked.request.end]).toEqual(["/processing/ophys/DfOverF/dff", 3, 4]);
    expect(asked.result.samples).toBe(expected.dff.data.length);
    expectColumns(asked.result, expected.dff.data.map((r) => r[3]!), 0, expected.dff.rate);
  });

  it("voxel masks, the plane chosen on the page; on black without a reference", async () => {
    await show("files/ophys-masks.nwb", "/processing/ophys/ImageSegmentation/vox");
    const e = expected.vox.masks;
    const width = Math.max(...e.flat().map((v) => v[1]!)) + 1;
    const height = Math.max(...e.flat().map((v) => v[0]!)) + 1;
    for (const plane of [0, 1, 2]) {
      if (plane > 0) await afterRequest(() => page.selectOption("#view select.roi-plane", String(plane)).then(() => undefined));
      const overlay = await canvas("#view canvas.roi-overlay");
      expect([overlay.height, overlay.width]).toEqual([height, width]);
      expectOverlay(overlay.rgba, e.map((m) => m.filter((v) => v[2] === plane).map(([x, y]) => x! * width + y!)), height * width);
      const reference = await canvas("#view canvas.roi-reference");
      expect(reference.rgba.filter((v, i) => i % 4 !== 3 && v !== 0)).toEqual([]);
    }
  });
});

describe("icephys: sweeps", () => {
  const series = (name: string) => expected[name] as ExpectedSeries;
  async function traces(): Promise<{ role: string; series: string; sweep: number; x: (v: number) => number; y: (v: number) => number; pts: [number, number][] }[]> {
    const raw = await page.$$eval("#view polyline.sweep-trace", (ls) => ls.map((l) => {
      const svg = (l as SVGPolylineElement).ownerSVGElement!;
      return { ...(l as SVGElement).dataset, scaleX: svg.dataset.scaleX!, scaleY: svg.dataset.scaleY!, points: l.getAttribute("points")! } as Record<string, string>;
    }));
    return raw.map((r) => ({ role: r.role!, series: r.series!, sweep: Number(r.sweep), x: scaleOf(r.scaleX), y: scaleOf(r.scaleY), pts: pointsOf(r.points) }));
  }
  function expectTrace(t: Awaited<ReturnType<typeof traces>>[number]): void {
    const s = series(path.basename(t.series));
    expectPixels(t.pts.map((p) => p[0]), s.data.map((_, i) => t.x(i / s.rate)));
    expectPixels(t.pts.map((p) => p[1]), s.data.map((v) => t.y(v)));
  }

  it("the recordings table: the first recording's response over its stimulus; another selected; two overlaid", async () => {
    expect(await show("files/icephys.nwb", "/general/intracellular_ephys/intracellular_recordings")).toBe("icephys");
    expect(await page.$$eval("#view .sweep-list li", (lis) => lis.map((li) => li.querySelector(".sweep-label")!.textContent!.split(" (")[0]))).toEqual(["recording 10", "recording 11", "recording 12"]);
    let drawn = await traces();
    expect(drawn.map((t) => [t.role, t.series])).toEqual([["response", "/acquisition/ccs0"], ["stimulus", "/stimulus/presentation/ccss0"]]);
    drawn.forEach(expectTrace);
    await afterRequest(() => page.click("#view .sweep-list li[data-sweep='2'] .sweep-label"));
    drawn = await traces();
    expect(drawn.map((t) => t.series)).toEqual(["/acquisition/ccs2", "/stimulus/presentation/ccss2"]);
    drawn.forEach(expectTrace);
    await afterRequest(() => page.click("#view .sweep-list li[data-sweep='0'] input"));
    drawn = await traces();
    expect(drawn.map((t) => [t.role, t.sweep]).sort()).toEqual([["response", 0], ["response", 2], ["stimulus", 0], ["stimulus", 2]]);
    drawn.forEach(expectTrace);
    // The cursor in the first selected sweep's time (sweep 2 starts at 2 s).
    await setTime(2.05);
    expect(await page.$eval("#view figure.sweep-response line.time-cursor", (l) => Number(l.getAttribute("x1")))).toBeCloseTo(drawn[0]!.x(0.05), 6);
  });

  it("a request that fails is shown in the view, which stays as it was", async () => {
    await show("files/icephys.nwb", "/general/intracellular_ephys/intracellular_recordings");
    await page.evaluate(() => {
      (window as never as { harness: { state: { failNext?: string } } }).harness.state.failNext = "the file went away";
    });
    await page.click("#view .sweep-list li[data-sweep='1'] .sweep-label");
    await page.waitForSelector("#view .view-error");
    expect(await page.textContent("#view .view-error")).toBe("the file went away");
    expect((await traces()).map((t) => t.series)).toEqual(["/acquisition/ccs0", "/stimulus/presentation/ccss0"]);
    await page.click("#view .sweep-list li[data-sweep='1'] .sweep-label");
    await page.waitForFunction(() => !document.querySelector("#view .view-error"));
    expect((await traces()).map((t) => t.series)).toEqual(["/acquisition/ccs1", "/stimulus/presentation/ccss1"]);
  });

  it("the sweep table: a sweep number's series", async () => {
    await show("files/sweeps.nwb", "/general/intracellular_ephys/sweep_table", { sweeps: [1] });
    const drawn = await traces();
    expect(drawn.map((t) => t.series).sort()).toEqual(["/acquisition/vcs1", "/stimulus/presentation/vcss1"]);
    drawn.forEach(expectTrace);
  });
});
