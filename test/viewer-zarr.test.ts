/**
 * The viewer on NWB Zarr stores, end to end in headless Chromium: stores converted by `tsnwb convert` from
 * pynwb-written files (the shared fixtures: images, ecephys, ophys, behavior, an extension; and the domain views'
 * files: icephys sweeps, pixel and voxel masks, units) and stores hdmf-zarr's NWBZarrIO exported (tutorial, ecephys,
 * ophys), each shown side by side with its HDF5 original. The tree, the overview, the best-practice findings, and for
 * an image series, still images, external videos, an ElectricalSeries' traces, Units, a table's grid, ROIs, a
 * trajectory, intervals and sweeps: what each view's extract answered, the pixels of every canvas it drew and the text
 * and SVG it shows are the same on the store as on the HDF5 file. A store opens by URL (with or without a trailing
 * slash, and by probing when its name says nothing; its consolidated metadata the only metadata request), its
 * external files resolve beside the store folder, a folder picked in the page opens as a store, and `tsnwb view
 * STORE` serves it.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import * as path from "node:path";
import { type Browser, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImageSeries, NWBFile, NWBHDF5IO } from "../src/index.js";
import { type ViewerServer, serveViewer } from "../src/viewer/server.js";
import { type FolderServer, serveFolder } from "./servers/folder-server.mjs";
import { FIXTURES, ROOT, SHARED, TSNWB, tempFolder, viewServer } from "./helpers.js";
import { makeDomainFiles } from "./viewer-domain-files.js";

const DOMAINS = path.join(SHARED, "fixtures", "domains");
const ORACLE = path.join(SHARED, "tools", "oracle");
const tmp = tempFolder("tsnwb-viewer-zarr-");

/**
 * Each HDF5 original, and the objects whose views are compared (one of each kind the issue names, and more); "all":
 * every object of the file shown by a view of its own (not the fields of the generic view, not a table's column).
 */
const FILES: Record<string, { file: string; objects: string[] | "all" }> = {
  tutorial: { file: path.join(FIXTURES, "tutorial.nwb"), objects: ["/acquisition/ImageSeries", "/acquisition/logo_images", "/stimulus/templates/raccoons", "/stimulus/presentation/StimulusPresentation"] },
  ecephys: {
    file: path.join(DOMAINS, "ecephys.nwb"),
    objects: ["/acquisition/ElectricalSeries", "/processing/ecephys/LFP/lfp", "/units", "/general/extracellular_ephys/electrodes", "/intervals/trials"],
  },
  ophys: { file: path.join(DOMAINS, "ophys.nwb"), objects: ["/processing/ophys/ImageSegmentation/PlaneSegmentation", "/processing/ophys/Fluorescence/RoiResponseSeries", "/acquisition/TwoPhotonSeries"] },
  behavior: { file: path.join(DOMAINS, "behavior.nwb"), objects: ["/processing/behavior/Position/position", "/intervals/epochs", "/acquisition/licks"] },
  // An extension's type (CameraSeries), read with the namespace the store caches.
  extension: { file: path.join(DOMAINS, "extension.nwb"), objects: ["/acquisition/camera"] },
  // pynwb's files of the domain views' tests (test/py/domain_views.py): icephys sweeps, pixel and voxel masks, units.
  icephys: { file: "icephys.nwb", objects: "all" },
  sweeps: { file: "sweeps.nwb", objects: "all" },
  "ophys-masks": { file: "ophys-masks.nwb", objects: "all" },
  units: { file: "units.nwb", objects: "all" },
};

/** `tsnwb convert`'s store of each file. */
const store = (name: string) => path.join(tmp.dir, `${name}.nwb.zarr`);
/** hdmf-zarr's export of a file (tutorial.nwb, the ecephys, ophys and extension fixtures: its cached specification, not in its consolidated metadata, listed through tsnwb view's index pages). */
const hdmfStore = (name: string) => path.join(tmp.dir, "hdmf", `${name}.nwb.zarr`);
const HDMF_EXPORTED = ["tutorial", "ecephys", "ophys", "extension"];

let browser: Browser;
let domainFiles: ReturnType<typeof makeDomainFiles> | undefined;

beforeAll(async () => {
  domainFiles = makeDomainFiles();
  for (const entry of Object.values(FILES)) if (!path.isAbsolute(entry.file)) entry.file = path.join(domainFiles.dir, entry.file);
  for (const [name, { file }] of Object.entries(FILES)) execFileSync(process.execPath, [TSNWB, "convert", file, store(name)], { stdio: "pipe" });
  mkdirSync(path.join(tmp.dir, "hdmf"), { recursive: true });
  for (const name of HDMF_EXPORTED) execFileSync(ORACLE, ["python", path.join(ROOT, "test", "py", "zarr_consolidation.py"), "export", FILES[name]!.file, hdmfStore(name)], { stdio: "pipe" });
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  domainFiles?.cleanup();
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
    tree: [...document.querySelectorAll<HTMLElement>("#tree li")].map((li) => [li.dataset.path, li.dataset.view, li.textContent, li.dataset.table ?? ""]),
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
  // By name: the files of domain_views.py are written in beforeAll.
  const cases: [string, string, string][] = [
    ...Object.keys(FILES).map((name): [string, string, string] => [`${name} (tsnwb convert)`, name, "tsnwb"]),
    ...HDMF_EXPORTED.map((name): [string, string, string] => [`${name} (hdmf-zarr's NWBZarrIO)`, name, "hdmf-zarr"]),
  ];
  it.each(cases)("%s: the same tree, overview, findings, and every view's data, pixels and text", async (_label, name, writer) => {
    const a = await viewerOn(FILES[name]!.file);
    const b = await viewerOn(writer === "hdmf-zarr" ? hdmfStore(name) : store(name));
    try {
      const [lookA, lookB] = [await fileLook(a.page), await fileLook(b.page)];
      expect((lookA as { tree: unknown[] }).tree.length).toBeGreaterThan(0);
      expect(lookB).toEqual(lookA);
      const listed = FILES[name]!.objects;
      const objects = listed !== "all" ? listed
        : (lookA as { tree: [string, string, string, string][] }).tree.filter(([, view, , table]) => view !== "generic" && table === "").map(([p]) => p);
      expect(objects.length, name).toBeGreaterThan(0);
      for (const object of objects) {
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

/** The tree a page lists: each object's path and view. */
const treeOf = (page: Page) => page.$$eval("#tree li", (lis) => lis.map((l) => [(l as HTMLElement).dataset.path, (l as HTMLElement).dataset.view]));

describe("a Zarr store by URL", () => {
  let data: FolderServer;
  let page: ViewerServer;
  /** The folder a static host serves: the HDF5 file, its store, the store under a name that says nothing. */
  const SITE = path.join(tmp.dir, "site");

  beforeAll(async () => {
    mkdirSync(SITE, { recursive: true });
    cpSync(FILES.ecephys!.file, path.join(SITE, "ecephys.nwb"));
    cpSync(store("ecephys"), path.join(SITE, "ecephys.nwb.zarr"), { recursive: true });
    cpSync(store("ecephys"), path.join(SITE, "0e25a8ff-store"), { recursive: true });
    // A static host of another origin (CORS open, ranges, 404 for a missing key); the page from tsnwb's server.
    data = await serveFolder(SITE);
    page = await serveViewer(`${data.url}ecephys.nwb`);
  });
  afterAll(async () => {
    await page?.close();
    await data?.close();
  });

  const at = (file: string, query = "") => `http://127.0.0.1:${page.port}/?file=${encodeURIComponent(file)}${query}`;

  it("opens by its name, with or without a trailing slash, and by probing .zgroup when its name says nothing: the HDF5 file's tree and views", async () => {
    const original = await pageAt(at(`${data.url}ecephys.nwb`, "&path=/acquisition/ElectricalSeries"));
    const expectedTree = await treeOf(original.page);
    const expectedLook = await objectLook(original.page, "/acquisition/ElectricalSeries");
    await original.page.close();
    for (const name of ["ecephys.nwb.zarr", "ecephys.nwb.zarr/", "0e25a8ff-store", "0e25a8ff-store/"]) {
      data.reset();
      const opened = await pageAt(at(`${data.url}${name}`, "&path=/acquisition/ElectricalSeries"));
      try {
        expect(await treeOf(opened.page), name).toEqual(expectedTree);
        expect(await objectLook(opened.page, "/acquisition/ElectricalSeries"), name).toEqual(expectedLook);
        expect(opened.errors, name).toEqual([]);
        const keys = data.stats().keys;
        // Its consolidated metadata read, and keys asked under the store's own address.
        const base = `/${name.replace(/\/$/, "")}/`;
        expect(keys, name).toContain(`${base}.zmetadata`);
        expect(keys.every((k: string) => k.startsWith(base) || k === `/${name.replace(/\/$/, "")}`), name).toBe(true);
        // The worker's count of the store's requests: those the host was asked for its keys (once the inspection,
        // which reads on after the view is drawn, is done: no request in flight).
        await opened.page.waitForSelector("#findings[data-done=true]", { timeout: 60_000 });
        const stats = await opened.page.evaluate(() => (globalThis as unknown as { tsnwbViewer: { stats(): Promise<{ store?: { requests: number; roundTrips: number }; extractedFromPart: number }> } }).tsnwbViewer.stats());
        // The view drawn (the same as the HDF5 file's, above) was made from the part of the store's tree it needs.
        expect(stats.extractedFromPart, name).toBe(1);
        expect(stats.store!.requests, name).toBe(keys.filter((k: string) => k.startsWith(base)).length);
        // The consolidated metadata read once, and every metadata key answered from it (no .zgroup, no .zarray asked).
        expect(keys.filter((k: string) => k === `${base}.zmetadata`), name).toHaveLength(1);
        expect(keys.filter((k: string) => /\.z(group|array|attrs)$/.test(k)), name).toEqual([]);
        expect(stats.store!.roundTrips, name).toBeGreaterThan(1);
      } finally {
        await opened.page.close();
      }
    }
  }, 120_000);

  it("says why when a URL is neither an HDF5 file nor a store, or a store has no consolidated metadata", async () => {
    // A store without .zmetadata: HTTP cannot list its keys.
    cpSync(store("ecephys"), path.join(SITE, "unconsolidated.nwb.zarr"), { recursive: true });
    rmSync(path.join(SITE, "unconsolidated.nwb.zarr", ".zmetadata"));
    const cases: [string, RegExp][] = [
      ["nothing-here", /nothing-here/],
      ["nothing-here.nwb.zarr", /nothing-here\.nwb\.zarr.*not a Zarr store: there is no \.zgroup/],
      ["unconsolidated.nwb.zarr", /no consolidated metadata \(\/\.zmetadata\) and cannot list its keys/],
    ];
    for (const [name, why] of cases) {
      const p = await browser.newPage();
      try {
        await p.goto(at(`${data.url}${name}`));
        await p.waitForFunction(() => document.body.dataset.error !== undefined, undefined, { timeout: 30_000 });
        expect(await p.evaluate(() => document.body.dataset.error), name).toMatch(why);
      } finally {
        await p.close();
      }
    }
  }, 60_000);
});

describe("a Zarr store's external files", () => {
  it("resolve beside the store folder, by URL (with a trailing slash too) and through tsnwb view", async () => {
    const dir = path.join(tmp.dir, "videos");
    mkdirSync(dir, { recursive: true });
    execFileSync("ffmpeg", ["-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10", "-frames:v", "10", "-c:v", "libvpx", path.join(dir, "a.webm")]);
    const nwbfile = new NWBFile({ session_description: "videos", identifier: "videos-zarr", session_start_time: "2024-01-01T00:00:00+00:00" });
    nwbfile.addAcquisition(await ImageSeries.fromVideos([path.join(dir, "a.webm")], { name: "camera", check: false, rate: 10 }));
    const file = path.join(dir, "videos.nwb");
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    await io.close();
    const zarr = path.join(dir, "videos.nwb.zarr");
    execFileSync(process.execPath, [TSNWB, "convert", file, zarr], { stdio: "pipe" });
    const data = await serveFolder(dir);
    const pageServer = await serveViewer(`${data.url}videos.nwb.zarr`);
    const local = await serveViewer(zarr);
    try {
      const targets = [
        [`http://127.0.0.1:${pageServer.port}/?file=${encodeURIComponent(`${data.url}videos.nwb.zarr`)}&path=/acquisition/camera`, `${data.url}a.webm`],
        [`http://127.0.0.1:${pageServer.port}/?file=${encodeURIComponent(`${data.url}videos.nwb.zarr/`)}&path=/acquisition/camera`, `${data.url}a.webm`],
        [`${local.url}&path=/acquisition/camera`, `http://127.0.0.1:${local.port}/external/a.webm`],
      ];
      for (const [url, video] of targets) {
        const { page, errors } = await pageAt(url!);
        try {
          await page.waitForFunction(() => (document.getElementById("video") as HTMLVideoElement | null)?.readyState! >= 1, undefined, { timeout: 20_000 });
          expect(await page.$eval("#video", (v) => (v as HTMLVideoElement).currentSrc)).toBe(video);
          expect(await page.textContent("#video-error")).toBe("");
          expect(errors).toEqual([]);
        } finally {
          await page.close();
        }
      }
    } finally {
      await pageServer.close();
      await local.close();
      await data.close();
    }
  }, 120_000);
});

describe("a Zarr store's folder picked in the page", () => {
  it("opens through its File objects, the same tree and views as the store by URL", async () => {
    const served = await viewerOn(store("ecephys"));
    const server = await serveViewer(FILES.ecephys!.file);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    try {
      // The page alone (no file in its address), a folder picked.
      await page.goto(`http://127.0.0.1:${server.port}/`);
      await page.setInputFiles("#folder", store("ecephys"));
      await page.waitForSelector("body[data-loaded=true]", { timeout: 60_000 });
      expect(await page.textContent("#status")).toBe("ecephys.nwb.zarr");
      expect(await treeOf(page)).toEqual(await treeOf(served.page));
      for (const object of ["/acquisition/ElectricalSeries", "/units", "/general/extracellular_ephys/electrodes"]) {
        expect(await objectLook(page, object), object).toEqual(await objectLook(served.page, object));
      }
      expect(errors).toEqual([]);
      // Nothing of the HDF5 file the server offers was read: the folder was.
      expect(server.stats.requests).toBe(0);
    } finally {
      await page.close();
      await server.close();
      await served.close();
    }
  }, 120_000);
});

describe("tsnwb view STORE", () => {
  let child: ChildProcess | undefined;
  afterAll(() => void child?.kill());

  it("refuses a folder that is not a Zarr store, saying what it takes", () => {
    const folder = path.join(tmp.dir, "not-a-store");
    mkdirSync(folder, { recursive: true });
    const r = spawnSync(process.execPath, [TSNWB, "view", folder, "--no-open"], { encoding: "utf8", timeout: 30_000 });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/expected an NWB file, an NWB Zarr store \(a folder with a \.zgroup\), or a URL/);
  });

  it("serves the store folder to the page, which shows it as the HDF5 file", async () => {
    child = spawn(process.execPath, [TSNWB, "view", store("behavior"), "--no-open"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    const served = viewServer(child);
    const url = await served.url;
    expect(new URL(url).searchParams.get("file")).toBe("/file.nwb.zarr");
    const viewed = await pageAt(url);
    const original = await viewerOn(FILES.behavior!.file);
    try {
      expect(await treeOf(viewed.page)).toEqual(await treeOf(original.page));
      const object = "/processing/behavior/Position/position";
      expect(await objectLook(viewed.page, object)).toEqual(await objectLook(original.page, object));
      const port = new URL(url).port;
      const status = async (p: string) => (await fetch(`http://127.0.0.1:${port}${p}`)).status;
      expect(await status("/file.nwb.zarr/.zgroup")).toBe(200);
      expect(await status("/file.nwb.zarr/acquisition/no-such-array/.zarray")).toBe(404);
      expect(await status("/file.nwb")).toBe(404);
      expect(viewed.errors).toEqual([]);
      expect(served.stderr()).toBe("");
    } finally {
      await viewed.page.close();
      await original.close();
    }
  }, 120_000);
});
