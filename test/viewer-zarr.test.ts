/**
 * The viewer on NWB Zarr stores, end to end in headless Chromium: stores converted by `tsnwb convert` from the
 * pynwb-written fixtures (images, ecephys, ophys, behavior) and one hdmf-zarr wrote (its NWBZarrIO exporting
 * tutorial.nwb), each shown side by side with its HDF5 original. The tree, the overview, the best-practice findings,
 * and for an image series, still images, an ElectricalSeries' traces, Units, a table's grid, ROIs, a trajectory and
 * intervals: what each view's extract answered, the pixels of every canvas it drew and the text and SVG it shows are
 * the same on the store as on the HDF5 file. A store opens by URL (with or without a trailing slash, and by probing
 * `.zgroup` when its name says nothing), its external files resolve beside the store folder, a folder picked in the
 * page opens as a store, and `tsnwb view STORE` serves it.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { type Browser, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImageSeries, NWBFile, NWBHDF5IO } from "../src/index.js";
import { type ViewerServer, serveViewer } from "../src/viewer/server.js";
import { type FolderServer, serveFolder } from "./servers/folder-server.mjs";
import { FIXTURES, ROOT, SHARED, TSNWB, tempFolder } from "./helpers.js";

const DOMAINS = path.join(SHARED, "fixtures", "domains");
const ORACLE = path.join(SHARED, "tools", "oracle");
const tmp = tempFolder("tsnwb-viewer-zarr-");

/** Each HDF5 original, and the objects whose views are compared (one of each kind the issue names, and more). */
const FILES: Record<string, { file: string; objects: string[] }> = {
  tutorial: { file: path.join(FIXTURES, "tutorial.nwb"), objects: ["/acquisition/ImageSeries", "/acquisition/logo_images", "/stimulus/templates/raccoons", "/stimulus/presentation/StimulusPresentation"] },
  ecephys: {
    file: path.join(DOMAINS, "ecephys.nwb"),
    objects: ["/acquisition/ElectricalSeries", "/processing/ecephys/LFP/lfp", "/units", "/general/extracellular_ephys/electrodes", "/intervals/trials"],
  },
  ophys: { file: path.join(DOMAINS, "ophys.nwb"), objects: ["/processing/ophys/ImageSegmentation/PlaneSegmentation", "/processing/ophys/Fluorescence/RoiResponseSeries", "/acquisition/TwoPhotonSeries"] },
  behavior: { file: path.join(DOMAINS, "behavior.nwb"), objects: ["/processing/behavior/Position/position", "/intervals/epochs", "/acquisition/licks"] },
};

/** `tsnwb convert`'s store of each file. */
const store = (name: string) => path.join(tmp.dir, `${name}.nwb.zarr`);
/** hdmf-zarr's export of tutorial.nwb. */
const HDMF = path.join(tmp.dir, "hdmf", "tutorial.nwb.zarr");

let browser: Browser;

beforeAll(async () => {
  for (const [name, { file }] of Object.entries(FILES)) execFileSync(process.execPath, [TSNWB, "convert", file, store(name)], { stdio: "pipe" });
  mkdirSync(path.dirname(HDMF), { recursive: true });
  execFileSync(ORACLE, ["python", path.join(ROOT, "test", "py", "zarr_consolidation.py"), "export", FILES.tutorial!.file, HDMF], { stdio: "pipe" });
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  tmp.cleanup();
});

interface Viewer { page: Page; errors: string[]; close(): Promise<void> }

/** A new page at `url`, once the file it names is loaded. */
async function pageAt(url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector("body[data-loaded=true]", { timeout: 60_000 });
  return { page, errors };
}

/** The viewer `serveViewer` (tsnwb view's server) gives for `file` (an HDF5 file or a store folder). */
async function viewerOn(file: string): Promise<Viewer & { server: ViewerServer }> {
  const server = await serveViewer(file);
  const { page, errors } = await pageAt(server.url);
  return { page, errors, server, close: async () => {
    await page.close();
    await server.close();
  } };
}

/** What a page shows of the whole file: the tree, the overview's contents and session, the findings. */
async function fileLook(page: Page): Promise<unknown> {
  await page.waitForSelector("#findings[data-done=true]", { timeout: 60_000 });
  return page.evaluate(() => ({
    tree: [...document.querySelectorAll<HTMLElement>("#tree li")].map((li) => [li.dataset.path, li.dataset.view, li.textContent]),
    sections: [...document.querySelectorAll<HTMLElement>("#overview-sections tbody tr")].map((tr) => tr.textContent),
    session: document.getElementById("session")?.textContent,
    findings: [...document.querySelectorAll<HTMLElement>("#findings-list li")].map((li) => [li.dataset.check, li.dataset.path, li.title]),
  }));
}

/** What the main view shows of one object: its view, the extract's answer, every canvas's pixels (hashed), its text and SVG. */
interface ObjectLook { view?: string; extract: string; canvases: { width: number; height: number; hash: string; nonBlank: number }[]; text: string; svg: string[] }

async function objectLook(page: Page, objectPath: string): Promise<ObjectLook> {
  await page.evaluate((p) => (globalThis as unknown as { tsnwbViewer: { select(p: string): Promise<void> } }).tsnwbViewer.select(p), objectPath);
  await page.waitForSelector(`#view[data-ready="true"][data-path="${objectPath}"]`, { timeout: 60_000 });
  // Views that read more after their first drawing (a trace's visible slab, a ROI's response) settle first.
  let before = -1;
  for (let i = 0; i < 40; i++) {
    await page.waitForTimeout(150);
    const n = await page.evaluate(() => (globalThis as unknown as { tsnwbViewer: { extracts: unknown[] } }).tsnwbViewer.extracts.length);
    if (n === before) break;
    before = n;
  }
  return page.evaluate((p) => {
    const plain = (_k: string, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>, (x) => (typeof x === "bigint" ? String(x) : x)) : typeof v === "bigint" ? String(v) : v);
    const records = (globalThis as unknown as { tsnwbViewer: { extracts: { path: string; result?: unknown; error?: string }[] } }).tsnwbViewer.extracts;
    const mine = records.filter((r) => r.path === p);
    const view = document.getElementById("view")!;
    const canvases = [...view.querySelectorAll("canvas")].map((c) => {
      const data = c.width * c.height > 0 ? c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data : new Uint8ClampedArray();
      // FNV-1a over the RGBA bytes.
      let h = 0x811c9dc5;
      let nonBlank = 0;
      for (let i = 0; i < data.length; i++) {
        h = Math.imul(h ^ data[i]!, 0x01000193) >>> 0;
        if (i % 4 === 3 && data[i] !== 0) nonBlank++;
      }
      return { width: c.width, height: c.height, hash: h.toString(16), nonBlank };
    });
    return {
      view: view.dataset.view,
      extract: JSON.stringify(mine.map((r) => r.error ?? r.result), plain),
      canvases,
      text: view.innerText,
      // Without the ids a view draws at random (an SVG's clip path's).
      svg: [...view.querySelectorAll("svg")].map((s) => s.outerHTML.replace(/-clip-[a-z0-9]+/g, "-clip-*")),
    };
  }, objectPath);
}

describe("the viewer shows a Zarr store as its HDF5 original", () => {
  const cases: [string, string, string][] = [
    ...Object.keys(FILES).map((name): [string, string, string] => [`${name} (tsnwb convert)`, FILES[name]!.file, store(name)]),
    ["tutorial (hdmf-zarr's NWBZarrIO)", FILES.tutorial!.file, HDMF],
  ];
  it.each(cases)("%s: the same tree, overview, findings, and every view's data, pixels and text", async (_label, hdf5, zarr) => {
    const name = Object.keys(FILES).find((n) => FILES[n]!.file === hdf5)!;
    const a = await viewerOn(hdf5);
    const b = await viewerOn(zarr);
    try {
      const [lookA, lookB] = [await fileLook(a.page), await fileLook(b.page)];
      expect((lookA as { tree: unknown[] }).tree.length).toBeGreaterThan(3);
      expect(lookB).toEqual(lookA);
      for (const object of FILES[name]!.objects) {
        const [oa, ob] = [await objectLook(a.page, object), await objectLook(b.page, object)];
        // Something was drawn or listed, from data the worker read without error.
        expect(oa.extract, object).not.toMatch(/^\[\]$/);
        expect(oa.canvases.some((c) => c.nonBlank > 0) || oa.svg.length > 0 || oa.text.length > 40, object).toBe(true);
        expect(ob, object).toEqual(oa);
      }
      expect(b.errors).toEqual([]);
      // The store was read through its keys (the page's own fetches hold none of them: the worker read them).
      expect(b.server.stats.requests).toBeGreaterThan(0);
      const fetched = await b.page.evaluate(() => performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname));
      expect(fetched.filter((p) => p.startsWith("/file.nwb.zarr/"))).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  }, 240_000);
});
