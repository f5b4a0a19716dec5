/**
 * The viewer's core, end to end in headless Chromium: the file read in a Web Worker (the page's bundle holds no HDF5
 * library), the tree in the file's sections, the overview on load, the selection and the time in the address, a
 * TimeSeries drawn from the min/max per pixel column of exactly its data, zoom asking for a narrower window and
 * reading only it, an ElectricalSeries with its electrodes, a 100,000-row table scrolled with under 200 rows in the
 * page, and the generic view.
 */
import { readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { type Browser, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AbstractContainer, AnnotationSeries, DynamicTable, ElectricalSeries, ElementIdentifiers, ImageSeries, NWBFile, NWBHDF5IO, TimeSeries, VectorData,
} from "../src/index.js";
import { toPicture } from "../src/viewer/pixels.js";
import { sectionOf } from "../src/viewer/sections.js";
import { VIEWS, viewFor, viewNamed } from "../src/viewer/views/registry.js";
import { type ViewerServer, serveViewer } from "../src/viewer/server.js";
import { READ_BUDGET, bandHeight, type TraceData, extractSeries, traceArea } from "../src/viewer/views/timeseries.js";
import { ROOT, SHARED, tempFolder } from "./helpers.js";

const DOMAINS = path.join(SHARED, "fixtures", "domains");
let browser: Browser;
const tmp = tempFolder("tsnwb-viewer-views-");

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  tmp.cleanup();
});

/** The viewer on `file` in a new page, at the address with `query` added; waits for the file to be loaded. */
async function viewerOn(file: string, query = ""): Promise<{ page: Page; server: ViewerServer; close(): Promise<void> }> {
  const server = await serveViewer(file);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(server.url + query);
  await page.waitForSelector("body[data-loaded=true]", { timeout: 30_000 }).catch((e: Error) => {
    throw new Error(`${e.message}; page errors: ${errors.join("; ")}; status: ${String(page.url())}`);
  });
  return { page, server, close: async () => {
    await page.close();
    await server.close();
  } };
}

/** What the file holds, read in Node. */
async function inNode<T>(file: string, read: (nwbfile: NWBFile) => Promise<T>): Promise<T> {
  const io = await NWBHDF5IO.open(file, "r");
  try {
    return await read(await io.read());
  } finally {
    await io.close();
  }
}

const pathOf = (o: AbstractContainer) => o.container_source?.path ?? o.name;

interface Extract { path: string; view: string; request: Record<string, unknown>; result?: Record<string, unknown> }

/** The extracts the page asked of its worker. */
async function extracts(page: Page): Promise<Extract[]> {
  return page.evaluate(() => {
    const log = (globalThis as unknown as { tsnwbViewer: { extracts: Extract[] } }).tsnwbViewer.extracts;
    // Typed arrays as plain arrays (NaN kept as null by the JSON page.evaluate uses: turned back below).
    return log.map((e) => ({ ...e, result: JSON.parse(JSON.stringify(e.result ?? null, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array, (x) => (Number.isNaN(x) ? "NaN" : x)) : v))) as Record<string, unknown> }));
  });
}

/** Waits until `n` extracts have been asked and answered. */
async function answered(page: Page, n: number): Promise<void> {
  await page.waitForFunction((count) => {
    const log = (globalThis as unknown as { tsnwbViewer: { extracts: { result?: unknown; error?: string }[] } }).tsnwbViewer.extracts;
    return log.length >= count && log.slice(0, count).every((e) => e.result !== undefined || e.error !== undefined);
  }, n);
}

const numbers = (values: unknown): number[] => (values as (number | string)[]).map((v) => (v === "NaN" ? NaN : Number(v)));

/** Per channel, per pixel column, the smallest and largest value of samples within [t0, t1], as the view must draw. */
function decimate(values: ArrayLike<number>, channels: number, times: ArrayLike<number>, scale: number[], t0: number, t1: number, pixels: number, start: number, end: number): { min: number[]; max: number[] } {
  const min = new Array<number>((end - start) * pixels).fill(NaN);
  const max = new Array<number>((end - start) * pixels).fill(NaN);
  for (let k = 0; k < times.length; k++) {
    const t = times[k]!;
    if (t < t0 || t > t1) continue;
    const p = Math.min(pixels - 1, Math.floor(((t - t0) / (t1 - t0)) * pixels));
    for (let c = start; c < end; c++) {
      const v = Math.fround(Number(values[k * channels + c]) * scale[c]!);
      const at = (c - start) * pixels + p;
      if (Number.isNaN(min[at]!) || v < min[at]!) min[at] = v;
      if (Number.isNaN(max[at]!) || v > max[at]!) max[at] = v;
    }
  }
  return { min, max };
}

describe("the page and its reading worker", () => {
  it("holds no HDF5 library in the page's bundle: the worker's bundle does, and the page loads it as a worker", async () => {
    const pageCode = readFileSync(path.join(ROOT, "dist", "viewer", "viewer.js"), "utf8");
    const workerCode = readFileSync(path.join(ROOT, "dist", "viewer", "reader.js"), "utf8");
    // HDF5 is in a chunk of its own, which the worker imports when it opens a file (and the server gives), and its
    // WebAssembly in a file of its own, which the worker compiles from its start.
    const chunk = /import\("\.\/(reader-[A-Z0-9]+\.js)"\)/.exec(workerCode)?.[1];
    expect(chunk).toBeDefined();
    const hdf5Code = readFileSync(path.join(ROOT, "dist", "viewer", chunk!), "utf8");
    const wasm = /"(reader-[A-F0-9]+\.wasm)"/.exec(workerCode)?.[1];
    expect(wasm).toBeDefined();
    const hdf5Module = readFileSync(path.join(ROOT, "dist", "viewer", wasm!));
    expect(WebAssembly.validate(hdf5Module)).toBe(true);
    expect(pageCode).not.toMatch(/h5wasm|H5Fopen|WebAssembly\.(instantiate|compile)/);
    expect(hdf5Code).toMatch(/instantiateWasm/);
    // Neither the worker's code nor HDF5's chunk holds the module (a 3.5 MB string to decode).
    expect(workerCode.length).toBeLessThan(hdf5Module.length / 4);
    expect(hdf5Code.length).toBeLessThan(hdf5Module.length / 4);
    expect(pageCode.length).toBeLessThan(500_000);
    const { page, close } = await viewerOn(path.join(DOMAINS, "behavior.nwb"));
    try {
      const loaded = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname));
      expect(loaded).toContain("/reader.js");
      // (The worker's own requests are not in the page's timing: the server gives the chunk, and the file was read.)
      expect(await page.evaluate((name) => fetch(`/${name}`).then((r) => r.status), chunk!)).toBe(200);
      // The module as streaming compilation needs it: application/wasm.
      expect(await page.evaluate((name) => fetch(`/${name}`).then((r) => [r.status, r.headers.get("content-type")]), wasm!)).toEqual([200, "application/wasm"]);
      expect(await page.evaluate(() => "tsnwb" in globalThis)).toBe(false);
    } finally {
      await close();
    }
  }, 60_000);
});

describe("a File picked", () => {
  it("goes to the worker as it is and is read lazily there: a frame of a 64 MB file shown having read little of it", async () => {
    const frames = 64, side = 1000;
    const pixels = new Uint8Array(frames * side * side);
    for (let i = 0; i < pixels.length; i += 997) pixels[i] = (i / 997) % 251;
    const nwbfile = new NWBFile({ session_description: "picked", identifier: "picked-1", session_start_time: "2024-01-01T00:00:00+00:00" });
    nwbfile.addAcquisition(new ImageSeries({ name: "movie", rate: 30, data: { data: pixels, shape: [frames, side, side] } }));
    const big = path.join(tmp.dir, "picked.nwb");
    const io = await NWBHDF5IO.open(big, "w");
    await io.write(nwbfile);
    await io.close();
    const { page, close } = await viewerOn(path.join(DOMAINS, "behavior.nwb"));
    try {
      await page.setInputFiles("#file", big);
      await page.waitForFunction(() => document.getElementById("status")!.textContent === "picked.nwb", undefined, { timeout: 30_000 });
      await page.waitForSelector("body[data-loaded=true]");
      await page.click('#tree li[data-path="/acquisition/movie"]');
      await page.waitForSelector('#view[data-frame="0"][data-path="/acquisition/movie"]', { timeout: 30_000 });
      await page.$eval("#frame", (s) => {
        (s as HTMLInputElement).value = "40";
        s.dispatchEvent(new Event("input"));
      });
      await page.waitForSelector('#view[data-frame="40"]');
      const shown = await page.$eval("#canvas", (c) => {
        const canvas = c as HTMLCanvasElement;
        const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, 4).data;
        return Array.from(data.filter((_, i) => i % 4 === 0));
      });
      expect(shown).toEqual(Array.from(pixels.subarray(40 * side * side, 40 * side * side + 4 * side)));
      // Two frames (2 MB) and the metadata were read, not the 64 MB.
      const stats = await page.evaluate(() => (globalThis as unknown as { tsnwbViewer: { stats(): Promise<{ blob?: { bytes: number } }> } }).tsnwbViewer.stats());
      expect(stats.blob!.bytes).toBeGreaterThan(2 * side * side);
      expect(stats.blob!.bytes).toBeLessThan(6 << 20);
    } finally {
      await close();
    }
  }, 120_000);
});

describe("the tree in sections, and the overview on load", () => {
  for (const name of ["ecephys.nwb", "ophys.nwb", "behavior.nwb", "extension.nwb"]) {
    it(`lists ${name}'s objects under the file's sections, and describes the file`, async () => {
      const file = path.join(DOMAINS, name);
      const expected = await inNode(file, async (f) => {
        const objects = [...f.objects.values()].filter((o) => o !== (f as AbstractContainer));
        const counts = new Map<string, number>();
        for (const o of objects) counts.set(`${sectionOf(pathOf(o))} ${o.neurodata_type}`, (counts.get(`${sectionOf(pathOf(o))} ${o.neurodata_type}`) ?? 0) + 1);
        return {
          identifier: f.identifier, paths: objects.map(pathOf), counts, devices: [...f.devices.keys()].sort(),
          subject: f.subject?.subject_id, species: f.subject?.species,
        };
      });
      const { page, close } = await viewerOn(file);
      try {
        // Each object under the heading of its section, and nothing placed under another's.
        const listed = await page.$$eval("#tree section", (ss) => ss.map((s) => ({
          section: (s as HTMLElement).dataset.section!, heading: s.querySelector("h3")!.textContent,
          paths: [...s.querySelectorAll("li")].map((l) => (l as HTMLElement).dataset.path!),
        })));
        expect(listed.flatMap((s) => s.paths).sort()).toEqual([...expected.paths].sort());
        for (const s of listed) for (const p of s.paths) expect(sectionOf(p), p).toBe(s.section);
        const order = listed.map((s) => s.section.split("/")[0]);
        const ranks = order.map((s) => ["acquisition", "stimulus", "processing", "intervals", "units", "general", "analysis", "scratch"].indexOf(s!));
        expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
        if (expected.devices.length > 0) expect(listed.find((s) => s.section === "general/devices")?.heading).toBe("general › devices");
        // The overview: shown with nothing selected, the session's identifier, the devices, and every section's types counted.
        await page.waitForSelector('#view[data-view="overview"][data-ready="true"]');
        expect(await page.textContent('#overview-session tr[data-field="identifier"]')).toContain(expected.identifier);
        if (expected.subject) expect(await page.textContent('#overview-subject tr[data-field="subject_id"]')).toContain(expected.subject);
        if (expected.species) expect(await page.textContent('#overview-subject tr[data-field="species"]')).toContain(expected.species);
        expect((await page.$$eval("#overview-devices a", (as) => as.map((a) => a.textContent!))).sort()).toEqual(expected.devices);
        const rows = await page.$$eval("#overview-sections tbody tr", (trs) => trs.map((t) => [`${(t as HTMLElement).dataset.section} ${(t as HTMLElement).dataset.type}`, Number((t as HTMLElement).dataset.count)] as const));
        expect(new Map(rows)).toEqual(expected.counts);
        // The findings, as the inspector gives them, summarised in the overview too.
        await page.waitForSelector("#findings[data-done=true]");
        const summary = (await page.textContent("#findings-summary"))!.replace("best practices: ", "");
        expect(await page.textContent("#overview-findings")).toMatch(new RegExp(`^${summary}`));
        const sidebar = await page.$$eval("#findings-list li", (lis) => lis.map((l) => (l as HTMLElement).dataset.check));
        expect(await page.$$eval("#overview-findings li", (lis) => lis.map((l) => (l as HTMLElement).dataset.check))).toEqual(sidebar);
        // Each leads to its object.
        const link = await page.$("#overview-findings li a");
        if (link) {
          const target = await link.textContent();
          await link.click();
          await page.waitForSelector(`#view[data-ready="true"][data-path="${target}"]`);
          expect(new URL(page.url()).searchParams.get("path")).toBe(target);
          // Back: the overview again.
          await page.goBack();
          await page.waitForSelector('#view[data-view="overview"][data-ready="true"]');
          expect(new URL(page.url()).searchParams.get("path")).toBe(null);
        }
      } finally {
        await close();
      }
    }, 60_000);
  }
});

describe("a TimeSeries drawn as lines", () => {
  const file = path.join(DOMAINS, "ecephys.nwb");

  it("opens the object and time an address names, and keeps the selection and the cursor in the address", async () => {
    const { page, close } = await viewerOn(file, "&path=/acquisition/ElectricalSeries&t=0.1");
    try {
      await page.waitForSelector('#view[data-ready="true"][data-path="/acquisition/ElectricalSeries"][data-view="electricalseries"]');
      expect(await page.getAttribute('#tree li.selected', "data-path")).toBe("/acquisition/ElectricalSeries");
      // The file was opened once (index.html's worker started it; the page's open took it over), and the object read
      // once: the extract the worker started ahead with the tree is the one the page asked for.
      type Done = { opened: number; openedEarly: number; extracted: number; extractedAhead: number };
      const stats = await page.evaluate(() => (globalThis as unknown as { tsnwbViewer: { stats(): Promise<Done> } }).tsnwbViewer.stats());
      expect([stats.opened, stats.openedEarly, stats.extracted, stats.extractedAhead]).toEqual([1, 1, 1, 1]);
      expect((await extracts(page)).map((e) => e.path)).toEqual(["/acquisition/ElectricalSeries"]);
      const [t0, t1, x, width] = await page.$eval("#view", (v) => {
        const d = (v as HTMLElement).dataset;
        return [Number(d.t0), Number(d.t1), Number(d.cursorX), (v.querySelector("canvas.cursor") as HTMLCanvasElement).width];
      });
      expect(x).toBe(Math.floor(((0.1 - t0) / (t1 - t0)) * width));
      // The cursor is drawn there, on its own layer over the trace.
      const column = await page.$eval("#view canvas.cursor", (c, at) => {
        const canvas = c as HTMLCanvasElement;
        return Array.from(canvas.getContext("2d")!.getImageData(at, 0, 1, canvas.height).data.filter((_, i) => i % 4 === 3));
      }, x);
      expect(column.every((a) => a === 255)).toBe(true);
      // Another object selected: the address names it (a new history entry); back: the first again.
      await page.click('#tree li[data-path="/processing/ecephys/LFP/lfp"]');
      await page.waitForSelector('#view[data-ready="true"][data-path="/processing/ecephys/LFP/lfp"]');
      await page.waitForFunction(() => new URLSearchParams(location.search).get("path") === "/processing/ecephys/LFP/lfp");
      expect(new URL(page.url()).searchParams.get("t")).toBe("0.1");
      // A click on the plot moves the cursor, and the address follows.
      const box = (await page.$("#view canvas.trace"))!;
      const rect = (await box.boundingBox())!;
      await page.mouse.click(rect.x + rect.width / 2, rect.y + 10);
      await page.waitForFunction(() => new URLSearchParams(location.search).get("t") !== "0.1");
      const [l0, l1] = await page.$eval("#view", (v) => [Number((v as HTMLElement).dataset.t0), Number((v as HTMLElement).dataset.t1)]);
      const t = Number(new URL(page.url()).searchParams.get("t"));
      expect(Math.abs(t - (l0 + l1) / 2)).toBeLessThan((l1 - l0) / 50);
      await page.goBack();
      await page.waitForSelector('#view[data-ready="true"][data-path="/acquisition/ElectricalSeries"]');
    } finally {
      await close();
    }
  }, 60_000);

  it("moves one time cursor across every open view: a view pinned follows a click in another", async () => {
    const { page, close } = await viewerOn(file, "&path=/acquisition/ElectricalSeries");
    try {
      await page.waitForSelector('#view[data-ready="true"][data-path="/acquisition/ElectricalSeries"]');
      await page.click("#pin");
      await page.waitForSelector('.pinned-view[data-path="/acquisition/ElectricalSeries"] .view-body[data-ready="true"]');
      await page.click('#tree li[data-path="/processing/ecephys/LFP/lfp"]');
      await page.waitForSelector('#view[data-ready="true"][data-path="/processing/ecephys/LFP/lfp"]');
      const rect = (await (await page.$("#view canvas.trace"))!.boundingBox())!;
      await page.mouse.click(rect.x + rect.width * 0.3, rect.y + 10);
      await page.waitForFunction(() => (globalThis as unknown as { tsnwbViewer: { time?: number } }).tsnwbViewer.time !== undefined);
      const t = await page.evaluate(() => (globalThis as unknown as { tsnwbViewer: { time: number } }).tsnwbViewer.time);
      // Each view draws the cursor where t falls in its own window.
      for (const selector of ["#view", '.pinned-view[data-path="/acquisition/ElectricalSeries"] .view-body']) {
        const [t0, t1, x, width] = await page.$eval(selector, (v) => {
          const d = (v as HTMLElement).dataset;
          return [Number(d.t0), Number(d.t1), Number(d.cursorX), (v.querySelector("canvas.cursor") as HTMLCanvasElement).width];
        });
        expect(x, selector).toBe(Math.min(width - 1, Math.floor(((t - t0) / (t1 - t0)) * width)));
      }
      // Closed, it lets go; the main view stays.
      await page.click(".pinned-view .unpin");
      expect(await page.$$(".pinned-view")).toHaveLength(0);
    } finally {
      await close();
    }
  }, 60_000);

  it("draws per pixel column the min and max of the data (conversion, channel_conversion applied), and the electrodes' rows", async () => {
    const { page, close } = await viewerOn(file, "&path=/acquisition/ElectricalSeries");
    try {
      await page.waitForSelector('#view[data-ready="true"][data-path="/acquisition/ElectricalSeries"]');
      const expected = await inNode(file, async (f) => {
        const s = f.getAcquisition("ElectricalSeries", ElectricalSeries);
        const channelConversion = Array.from((await s.channel_conversion!.read()) as Float32Array);
        const table = f.electrodes!;
        return {
          data: Array.from((await s.data.read()) as Int16Array), shape: s.data.shape, rate: s.rate!, start: s.starting_time ?? 0,
          scale: channelConversion.map((c) => c * s.conversion), locations: (await table.readColumn("location")).map(String),
        };
      });
      const log = await extracts(page);
      const first = log.find((e) => e.path === "/acquisition/ElectricalSeries")!;
      const series = first.result!.series as Record<string, unknown>;
      const { t0, t1, pixels, start, end } = series as { t0: number; t1: number; pixels: number; start: number; end: number };
      expect([start, end]).toEqual([0, 5]);
      expect([t0, t1]).toEqual([expected.start, expected.start + (expected.shape[0]! - 1) / expected.rate]);
      const times = Array.from({ length: expected.shape[0]! }, (_, i) => expected.start + i / expected.rate);
      const want = decimate(expected.data, 5, times, expected.scale, t0, t1, pixels, 0, 5);
      expect(numbers(series.min)).toEqual(want.min);
      expect(numbers(series.max)).toEqual(want.max);
      expect(series.exact).toBe(true);
      // The canvas: in each channel's band, the column of the window's largest value is drawn at the band's top, the
      // smallest at its bottom (each band scaled to its own range).
      // The canvas's RGBA bytes, brought over as base64 (a million numbers as JSON take seconds).
      const drawn = await page.$eval("#view canvas.trace", (c) => {
        const canvas = c as HTMLCanvasElement;
        const bytes = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
        let text = "";
        for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return { width: canvas.width, rgba: btoa(text) };
      });
      const shown = { width: drawn.width, rgba: Buffer.from(drawn.rgba, "base64") };
      expect(shown.width).toBe(pixels);
      // The trace's colour (#1f5f9f), give or take the rounding of the joining lines' antialiasing drawn over it.
      const ink = (x: number, y: number) => {
        const at = (y * shown.width + x) * 4;
        return Math.abs(shown.rgba[at]! - 0x1f) < 24 && Math.abs(shown.rgba[at + 1]! - 0x5f) < 24 && Math.abs(shown.rgba[at + 2]! - 0x9f) < 24;
      };
      for (let c = 0; c < 5; c++) {
        const mins = want.min.slice(c * pixels, (c + 1) * pixels);
        const maxs = want.max.slice(c * pixels, (c + 1) * pixels);
        const lo = Math.min(...mins.filter((v) => !Number.isNaN(v)));
        const hi = Math.max(...maxs.filter((v) => !Number.isNaN(v)));
        const { top, height } = traceArea(c, bandHeight(5));
        expect(ink(maxs.indexOf(hi), top), `channel ${c} max`).toBe(true);
        expect(ink(mins.indexOf(lo), top + height - 1), `channel ${c} min`).toBe(true);
      }
      // The electrodes' rows, one per channel, as the table holds them.
      const rows = await page.$$eval("#view table.electrodes tbody tr", (trs) => trs.map((t) => [...t.querySelectorAll("td")].map((td) => td.textContent)));
      const headers = await page.$$eval("#view table.electrodes th", (ths) => ths.map((t) => t.textContent));
      expect(rows.map((r) => r[headers.indexOf("location")])).toEqual(expected.locations);
    } finally {
      await close();
    }
  }, 60_000);

  it("places samples by their timestamps (a series whose timestamps are another's), and lists a series of text by time", async () => {
    const behavior = path.join(DOMAINS, "behavior.nwb");
    const expected = await inNode(behavior, async (f) => {
      const speed = f.processing.get("behavior")!.get("speed") as TimeSeries;
      return { data: Array.from((await speed.data.read()) as Float64Array), times: Array.from((await speed.timestamps!.read()) as Float64Array), conversion: speed.conversion };
    });
    const { page, close } = await viewerOn(behavior, "&path=/processing/behavior/speed");
    try {
      await page.waitForSelector('#view[data-ready="true"][data-path="/processing/behavior/speed"][data-view="timeseries"]');
      const result = (await extracts(page))[0]!.result as { t0: number; t1: number; pixels: number; min: unknown; max: unknown };
      expect([result.t0, result.t1]).toEqual([expected.times[0], expected.times[expected.times.length - 1]]);
      const want = decimate(expected.data, 1, expected.times, [expected.conversion], result.t0, result.t1, result.pixels, 0, 1);
      expect(numbers(result.min)).toEqual(want.min);
      expect(numbers(result.max)).toEqual(want.max);
    } finally {
      await close();
    }
    // Text: an AnnotationSeries' samples listed with their times.
    const nwbfile = new NWBFile({ session_description: "notes", identifier: "notes-1", session_start_time: "2024-01-01T00:00:00+00:00" });
    nwbfile.addAcquisition(new AnnotationSeries({ name: "notes", data: ["start", "reward", "stop"], timestamps: [0.5, 1.25, 3] }));
    const file = path.join(tmp.dir, "notes.nwb");
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    await io.close();
    const notes = await viewerOn(file, "&path=/acquisition/notes");
    try {
      await notes.page.waitForSelector('#view[data-ready="true"][data-path="/acquisition/notes"]');
      const rows = await notes.page.$$eval("#view table.samples tr", (trs) => trs.map((t) => [...t.querySelectorAll("td")].map((td) => td.textContent)));
      expect(rows).toEqual([["0.5 s", "start"], ["1.25 s", "reward"], ["3 s", "stop"]]);
      // A row clicked: the cursor there.
      await notes.page.click("#view table.samples tr:nth-child(2)");
      await notes.page.waitForFunction(() => new URLSearchParams(location.search).get("t") === "1.25");
    } finally {
      await notes.close();
    }
  }, 60_000);

  it("reads only the visible window of a long recording; zoom asks for a narrower one, 'Whole' stays within the read budget", async () => {
    // 32 channels × 400,000 samples at 1 kHz (25.6 MB): more than one read may take.
    const channels = 32, samples = 400_000;
    const data = new Int16Array(channels * samples);
    for (let i = 0; i < samples; i++) for (let c = 0; c < channels; c++) data[i * channels + c] = Math.round(1000 * Math.sin(i / (50 + c)) + c);
    const nwbfile = new NWBFile({ session_description: "long", identifier: "long-1", session_start_time: "2024-01-01T00:00:00+00:00" });
    nwbfile.addAcquisition(new TimeSeries({ name: "long", unit: "mV", rate: 1000, starting_time: 2, data: { data, shape: [samples, channels] } }));
    const big = path.join(tmp.dir, "long.nwb");
    const io = await NWBHDF5IO.open(big, "w");
    await io.write(nwbfile);
    await io.close();
    const { page, server, close } = await viewerOn(big, "&path=/acquisition/long");
    try {
      await page.waitForSelector('#view[data-ready="true"][data-path="/acquisition/long"][data-view="timeseries"]');
      const opened = (await extracts(page)).filter((e) => e.path === "/acquisition/long");
      expect(opened).toHaveLength(1);
      const first = opened[0]!.result as { t0: number; t1: number; pixels: number; samples: number; read: number; exact: boolean };
      // The first window: a few samples per pixel column from the start, read whole; a small part of the file fetched.
      expect(first.t0).toBe(2);
      expect(first.samples).toBeLessThanOrEqual(first.pixels * 20);
      expect(first.exact).toBe(true);
      expect(server.stats.bytes).toBeLessThan(statSync(big).size / 4);
      // Its values are the data's, decimated.
      const want = decimate(data.subarray(0, first.samples * channels), channels, Array.from({ length: first.samples }, (_, i) => 2 + i / 1000), new Array<number>(channels).fill(1), first.t0, first.t1, first.pixels, 0, 32);
      expect(numbers((opened[0]!.result as { max: unknown }).max)).toEqual(want.max);
      // The wheel over the plot zooms in around the pointer: one more extract, of a narrower window, fewer samples.
      const rect = (await (await page.$("#view canvas.trace"))!.boundingBox())!;
      await page.mouse.move(rect.x + rect.width / 2, rect.y + 30);
      await page.mouse.wheel(0, -100);
      await answered(page, 2);
      await page.waitForFunction(() => !(document.getElementById("view") as HTMLElement).dataset.loading);
      const zoomed = (await extracts(page))[1]!;
      const z = zoomed.result as typeof first;
      expect(z.t1 - z.t0).toBeCloseTo((first.t1 - first.t0) * 0.8, 6);
      expect(z.samples).toBeLessThan(first.samples);
      expect([z.t0 >= first.t0, z.t1 <= first.t1]).toEqual([true, true]);
      expect(Number(await page.getAttribute("#view", "data-t1")) - Number(await page.getAttribute("#view", "data-t0"))).toBeCloseTo(z.t1 - z.t0, 6);
      // A drag pans: the window moves later in time by the dragged width's share.
      await page.mouse.move(rect.x + rect.width / 2, rect.y + 30);
      await page.mouse.down();
      await page.mouse.move(rect.x + rect.width / 4, rect.y + 30, { steps: 4 });
      await page.mouse.up();
      await answered(page, 3);
      const panned = (await extracts(page))[2]!.result as typeof first;
      expect(panned.t0).toBeGreaterThan(z.t0);
      expect(panned.t1 - panned.t0).toBeCloseTo(z.t1 - z.t0, 6);
      // 16 channels at once: the next extract asks for them, each in a thinner band.
      await page.selectOption("#view select.channels-per-page", "16");
      await answered(page, 4);
      await page.waitForFunction(() => !(document.getElementById("view") as HTMLElement).dataset.loading);
      const sixteen = (await extracts(page))[3]!;
      expect([sixteen.request.start, sixteen.request.end]).toEqual([0, 16]);
      expect(await page.$eval("#view canvas.trace", (c) => (c as HTMLCanvasElement).height)).toBe(16 * bandHeight(16) + 22);
      await page.selectOption("#view select.channels-per-page", "32");
      await answered(page, 5);
      await page.waitForFunction(() => !(document.getElementById("view") as HTMLElement).dataset.loading);
      // The whole recording: over the budget, so read as evenly spread blocks, never more than the budget.
      await page.click('#view button[data-action="whole"]');
      await answered(page, 6);
      const whole = (await extracts(page))[5]!.result as typeof first;
      expect([whole.t0, whole.t1, whole.samples, whole.exact]).toEqual([2, 2 + (samples - 1) / 1000, samples, false]);
      expect(whole.read).toBeLessThanOrEqual(READ_BUDGET / 32);
      expect(await page.textContent("#view .readout")).toMatch(/400000 samples \(\d+ read, in blocks\)/);
    } finally {
      await close();
    }
  }, 120_000);
});

describe("the TimeSeries extract on an hour of 384 channels at 30 kHz", () => {
  it("reads only what the screen shows: the first window, a zoom, the whole hour within the read budget", async () => {
    // 108 million samples × 384 channels (83 GB as int16): a series whose data makes its values when read, counting them.
    const rate = 30_000, samples = 3600 * rate, channels = 384;
    const value = (i: number, c: number) => ((i * 7 + c * 13) % 2000) - 1000 + (i % 100_003 === 0 ? 5000 : 0);
    let read = 0;
    const data = {
      shape: [samples, channels], dtype: "int16",
      async read(selection?: readonly (readonly [number, number])[]) {
        const [[i0, i1], [c0, c1]] = selection as [[number, number], [number, number]];
        const out = new Int16Array((i1 - i0) * (c1 - c0));
        for (let i = i0; i < i1; i++) for (let c = c0; c < c1; c++) out[(i - i0) * (c1 - c0) + c - c0] = value(i, c);
        read += out.length;
        return out;
      },
    };
    const series = { neurodata_type: "ElectricalSeries", name: "hour", data, rate, starting_time: 0, conversion: 1, offset: 0, unit: "volts" } as unknown as AbstractContainer;
    const started = performance.now();
    const first = (await extractSeries(series, { pixels: 1000 })) as TraceData;
    // The first window: 20 samples per pixel column of the 32 channels shown.
    expect([first.start, first.end, first.samples, first.exact]).toEqual([0, 32, 20_000, true]);
    expect(read).toBe(20_000 * 32);
    const firstMs = performance.now() - started;
    // Opened at the half hour (an address's &t=): a window as wide, holding it.
    const later = (await extractSeries(series, { pixels: 1000, time: 1800 })) as TraceData;
    expect(later.t0 < 1800 && later.t1 > 1800).toBe(true);
    expect(later.t1 - later.t0).toBeCloseTo(first.t1 - first.t0, 9);
    // A zoom into a tenth of it reads a tenth; every value is the data's.
    read = 0;
    const zoomed = (await extractSeries(series, { pixels: 1000, t0: first.t0, t1: first.t0 + (first.t1 - first.t0) / 10, start: 100, end: 132 })) as TraceData;
    expect(read).toBe(zoomed.samples * 32);
    expect(zoomed.samples).toBeLessThanOrEqual(2001);
    for (const p of [0, 500, 999]) {
      const times = Array.from({ length: zoomed.samples }, (_, k) => Math.ceil(zoomed.t0 * rate) + k).filter((i) => Math.min(999, Math.floor(((i / rate - zoomed.t0) / (zoomed.t1 - zoomed.t0)) * 1000)) === p);
      expect(zoomed.max[p]).toBe(Math.max(...times.map((i) => value(i, 100))));
    }
    // The whole hour: a block per pixel column, within the budget; every column drawn; the spikes (every 100,003
    // samples) are where the blocks fall, not everywhere, as the readout says ("in blocks").
    read = 0;
    const t = performance.now();
    const whole = (await extractSeries(series, { pixels: 1000, t0: 0, t1: (samples - 1) / rate })) as TraceData;
    const wholeMs = performance.now() - t;
    expect([whole.samples, whole.exact]).toEqual([samples, false]);
    expect(read).toBeLessThanOrEqual(READ_BUDGET);
    expect(whole.read * 32).toBe(read);
    expect(Array.from(whole.min.subarray(0, 1000)).every((v) => !Number.isNaN(v))).toBe(true);
    console.log(`an hour of 384 channels: first window ${firstMs.toFixed(0)} ms (${20_000 * 32} values), whole hour ${wholeMs.toFixed(0)} ms (${read} values read of ${samples * channels})`);
  }, 60_000);
});

describe("a DynamicTable as a virtualised grid", () => {
  it("scrolls 100,000 rows with under 200 in the page, shows the last rows' values at the end, sorts by a column", async () => {
    const rows = 100_000;
    const values = Float64Array.from({ length: rows }, (_, i) => i * 0.5);
    const labels = Array.from({ length: rows }, (_, i) => `row ${i}`);
    const table = new DynamicTable({
      name: "big_table", description: "a table of 100,000 rows",
      id: new ElementIdentifiers({ name: "id", data: Int32Array.from({ length: rows }, (_, i) => i + 1000) }),
      columns: [new VectorData({ name: "value", description: "half the row", data: values }), new VectorData({ name: "label", description: "the row's name", data: labels })],
    });
    const nwbfile = new NWBFile({ session_description: "table", identifier: "table-1", session_start_time: "2024-01-01T00:00:00+00:00" });
    nwbfile.addAnalysis(table);
    const file = path.join(tmp.dir, "table.nwb");
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    await io.close();
    const { page, close } = await viewerOn(file, "&path=/analysis/big_table");
    try {
      await page.waitForSelector('#view[data-ready="true"][data-view="table"] .grid-row[data-row="0"]');
      const cells = (row: number) => page.$$eval(`#view .grid-row[data-row="${row}"] span`, (ss) => ss.map((s) => s.textContent));
      expect(await cells(0)).toEqual(["1000", "0", "row 0"]);
      expect(await page.$$eval("#view .grid-header span", (ss) => ss.map((s) => s.textContent))).toEqual(["id", "value", "label"]);
      expect(await page.$$eval("#view .grid-row", (rs) => rs.length)).toBeLessThan(200);
      // To the end: the last rows come, and still under 200 rows are in the page.
      await page.$eval("#view .grid-body", (b) => (b.scrollTop = b.scrollHeight));
      await page.waitForSelector(`#view .grid-row[data-row="${rows - 1}"]`, { timeout: 15_000 });
      expect(await cells(rows - 1)).toEqual([String(rows - 1 + 1000), String((rows - 1) * 0.5), `row ${rows - 1}`]);
      expect(await cells(rows - 7)).toEqual([String(rows - 7 + 1000), String((rows - 7) * 0.5), `row ${rows - 7}`]);
      expect(await page.$$eval("#view .grid-row", (rs) => rs.length)).toBeLessThan(200);
      // Scrolling through: each screenful drawn without waiting on the whole table (rows asked by block, a few blocks in all).
      for (const fraction of [0.25, 0.5, 0.75]) {
        await page.$eval("#view .grid-body", (b, f) => (b.scrollTop = b.scrollHeight * f), fraction);
        const row = Math.floor(rows * fraction) + 5;
        await page.waitForSelector(`#view .grid-row[data-row="${row}"]`, { timeout: 15_000 });
        expect(await cells(row)).toEqual([String(row + 1000), String(row * 0.5), `row ${row}`]);
      }
      const asked = (await extracts(page)).filter((e) => e.path === "/analysis/big_table");
      expect(asked.length).toBeLessThan(20);
      for (const e of asked) expect(Number(e.request.end ?? 100) - Number(e.request.start ?? 0)).toBeLessThanOrEqual(100);
      // Sorted by a column: a click on its name (ascending), again (descending); by text, as text sorts.
      await page.$eval("#view .grid-body", (b) => (b.scrollTop = 0));
      await page.click('#view .grid-header span[data-column="value"]');
      await page.click('#view .grid-header span[data-column="value"]');
      await page.waitForSelector('#view .grid[data-sort="value descending"] .grid-row[data-row="0"][data-index="99999"]');
      expect(await cells(0)).toEqual([String(rows - 1 + 1000), String((rows - 1) * 0.5), `row ${rows - 1}`]);
      expect(await cells(1)).toEqual([String(rows - 2 + 1000), String((rows - 2) * 0.5), `row ${rows - 2}`]);
      await page.click('#view .grid-header span[data-column="label"]');
      await page.waitForSelector('#view .grid[data-sort="label ascending"] .grid-row[data-row="2"][data-index="10"]');
      expect([await cells(0), await cells(1), await cells(2)].map((c) => c[2])).toEqual(["row 0", "row 1", "row 10"]);
      expect(await page.$$eval("#view .grid-row", (rs) => rs.length)).toBeLessThan(200);
    } finally {
      await close();
    }
  }, 120_000);
});

describe("the registry", () => {
  it("picks the view of an object's type, else of its nearest ancestor, else the generic one; a later view of a type replaces an earlier", () => {
    expect(viewFor(["ElectricalSeries", "TimeSeries", "NWBDataInterface", "NWBContainer", "Container"]).name).toBe("electricalseries");
    expect(viewFor(["FancySeries", "TimeSeries", "NWBDataInterface"]).name).toBe("timeseries");
    expect(viewFor(["TwoPhotonSeries", "ImageSeries", "TimeSeries"]).name).toBe("imageseries");
    expect(viewFor(["Units", "DynamicTable", "Container"]).name).toBe(VIEWS.find((v) => v.types.includes("Units"))?.name ?? "table");
    expect(viewFor(["Device", "NWBContainer", "Container"]).name).toBe("generic");
    expect(viewFor(["Unknown"]).name).toBe("generic");
    const mine = { ...viewNamed("table"), name: "mine" };
    expect(viewFor(["DynamicTable"], [...VIEWS, mine]).name).toBe("mine");
    expect(new Set(VIEWS.map((v) => v.name)).size).toBe(VIEWS.length);
  });
});

describe("the view of an extension's type", () => {
  it("is the view of its nearest ancestor that has one (a CameraSeries extending ImageSeries: its frames)", async () => {
    const file = path.join(DOMAINS, "extension.nwb");
    const frame = await inNode(file, async (f) => {
      const camera = f.acquisition.get("camera") as ImageSeries;
      return { values: Array.from((await camera.data.read([[0, 1]])) as ArrayLike<number>), shape: camera.data.shape, dtype: camera.data.dtype, type: camera.neurodata_type };
    });
    expect(frame.type).toBe("CameraSeries");
    const { page, close } = await viewerOn(file, "&path=/acquisition/camera");
    try {
      await page.waitForSelector('#view[data-ready="true"][data-view="imageseries"][data-frame="0"]');
      const shown = await page.$eval("#canvas", (c) => {
        const canvas = c as HTMLCanvasElement;
        return Array.from(canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data);
      });
      expect(shown).toEqual(Array.from(toPicture(frame.values, frame.shape.slice(1), frame.dtype).rgba));
    } finally {
      await close();
    }
  }, 60_000);
});

describe("the generic view", () => {
  it("lists an object's fields, and its links lead to the objects", async () => {
    const file = path.join(DOMAINS, "ecephys.nwb");
    const expected = await inNode(file, async (f) => ({ description: f.devices.get("probe")!.description }));
    const { page, close } = await viewerOn(file, "&path=/general/extracellular_ephys/shank0");
    try {
      await page.waitForSelector('#view[data-ready="true"][data-view="generic"]');
      await page.click('#view tr[data-field="device"] a');
      await page.waitForSelector('#view[data-ready="true"][data-path="/general/devices/probe"]');
      if (expected.description) expect(await page.textContent('#view tr[data-field="description"]')).toContain(expected.description);
      expect(new URL(page.url()).searchParams.get("path")).toBe("/general/devices/probe");
    } finally {
      await close();
    }
  }, 60_000);
});
